#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 node --min-semi-space-size=2 --max-semi-space-size=2 --max-old-space-size=192
// The limits above keep a long sync's memory flat (see src/bounded-heap.ts). They apply when the
// bundle runs as the telemetry-sync command; run as `node dist/cli.js`, it becomes itself under them.
import { restartWithBoundedHeap } from './bounded-heap.js';
import { main } from './cli/main.js';

restartWithBoundedHeap();
process.exitCode = await main(process.argv.slice(2));
