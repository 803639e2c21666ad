#!/usr/bin/env -S node --max-semi-space-size=8 --max-old-space-size=192
// The V8 limits above keep a long sync's memory flat (the defaults let the young generation alone
// grow past 90 MB); they apply when the bundle runs as the telemetry-sync command.
import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2));
