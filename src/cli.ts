#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 node --min-semi-space-size=8 --max-semi-space-size=8 --max-old-space-size=192
// The limits above keep a long sync's memory flat; they apply when the bundle runs as the
// telemetry-sync command and are the ones src/action/bounded-heap.ts gives the action (see there).
import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2));
