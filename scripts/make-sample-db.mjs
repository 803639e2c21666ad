// Writes test/fixtures/tokf-sample.db (or the path given as the first argument): a fresh-layout
// tokf tracking database with about 200 realistic events over three working days in early March
// 2026. Deterministic: running it again writes a byte-identical file.
//
//   npx node scripts/make-sample-db.mjs [out.db]
//
// Node builtins only (node:sqlite needs Node 22.13+; the project uses Node 24). The DDL and the
// event generator are shared with the test helpers (test/helpers/tokf-ddl.mjs, tokf-events.mjs).

import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

import { freshTokfSchema, generateEvents } from '../test/helpers/tokf-events.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = path.join(REPO_ROOT, 'test', 'fixtures', 'tokf-sample.db');

/** Three working days; each starts when the developer sits down. */
const DAYS = [
  { start: '2026-03-02T08:26:27Z', seed: 20260302 },
  { start: '2026-03-03T08:12:05Z', seed: 20260303 },
  { start: '2026-03-04T08:41:50Z', seed: 20260304 },
];
const EVENTS_PER_DAY = 67;
const PROJECTS = ['/home/dev/src/tokf', '/home/dev/src/acme-api', ''];

/** An argv with `=`, single and double quotes (tokf stores argv as one string). Day 2 only. */
const LONG_ARGV = {
  command:
    'cargo test --workspace --features=otel,remote-sync --config \'build.rustflags=["-C", "target-cpu=native"]\' -- --test-threads=1 tracking::tests::record_event',
  filterName: 'cargo/test',
  keep: [0.02, 0.05],
  bytes: [150000, 150000],
  failures: [101],
  weight: 0,
};
/** An argv with HTML-special characters, for report escaping. Day 3 only. */
const HTML_ARGV = {
  command: 'rg -n "<details>" docs/ && echo \'done & dusted\'',
  filterName: null,
  keep: [1, 1],
  bytes: [812, 812],
  failures: [],
  weight: 0,
};
const HAND_PICKED = [{}, { 20: LONG_ARGV }, { 30: HTML_ARGV }];

function makeEvents() {
  return DAYS.flatMap((day, index) =>
    generateEvents(EVENTS_PER_DAY, {
      start: day.start,
      seed: day.seed,
      minGapSeconds: 5,
      maxGapSeconds: 900,
      burstChance: 0.1,
      projects: [...PROJECTS.slice(index), ...PROJECTS.slice(0, index)], // day's first project first
      handPicked: HAND_PICKED[index],
    }),
  );
}

function writeDb(out, events) {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.rmSync(out, { force: true });
  const db = new DatabaseSync(out);
  try {
    const insert = freshTokfSchema(db);
    db.exec('BEGIN');
    for (const event of events) insert(event);
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

const out = path.resolve(process.argv[2] ?? DEFAULT_OUT);
const events = makeEvents();
writeDb(out, events);
console.log(`wrote ${events.length} events to ${out}`);
