// Realistic, deterministic tokf events, shared by the TypeScript test helpers (tokf-db.ts) and the
// fixture generator (scripts/make-sample-db.mjs). Plain ESM so that both Node and ts-jest load it.
// Types: tokf-events.d.mts.

import {
  CREATE_EVENTS_FRESH,
  CREATE_INDEXES,
  CREATE_SYNC_STATE,
  FRESH_COLUMNS,
  estimateTokens,
} from './tokf-ddl.mjs';

/**
 * mulberry32: a small deterministic PRNG, the same sequence on every platform.
 * @param {number} seed
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Format a time the way tokf's strftime('%Y-%m-%dT%H:%M:%SZ','now') does (UTC, whole seconds).
 * @param {Date | number} time
 */
export function tokfTimestamp(time) {
  return `${new Date(time).toISOString().slice(0, 19)}Z`;
}

/**
 * A stable, realistic-looking 64-hex-digit filter hash derived from the filter name.
 * @param {string} name
 */
export function filterHash(name) {
  let seed = 2166136261;
  for (const char of name) seed = Math.imul(seed ^ char.charCodeAt(0), 16777619);
  const random = seededRandom(seed);
  let hex = '';
  while (hex.length < 64) {
    hex += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  }
  return hex;
}

/** What a developer (or an agent) runs through tokf, with how often and how it ends. */
export const COMMAND_MIX = [
  {
    command: 'cargo test',
    filterName: 'cargo/test',
    keep: [0.02, 0.15],
    bytes: [4000, 120000],
    failures: [101],
    weight: 8,
  },
  {
    command: 'cargo test --workspace',
    filterName: 'cargo/test',
    keep: [0.02, 0.1],
    bytes: [20000, 300000],
    failures: [101],
    weight: 3,
  },
  {
    command: 'cargo build --release',
    filterName: 'cargo/build',
    keep: [0.01, 0.2],
    bytes: [2000, 60000],
    failures: [101],
    weight: 4,
  },
  {
    command: 'cargo clippy --all-targets -- -D warnings',
    filterName: 'cargo/clippy',
    keep: [0.05, 0.4],
    bytes: [500, 30000],
    failures: [101],
    weight: 3,
  },
  {
    command: 'git status',
    filterName: 'git/status',
    keep: [0.3, 0.7],
    bytes: [150, 3000],
    failures: [],
    weight: 8,
  },
  {
    command: 'git diff --stat HEAD~1',
    filterName: 'git/diff',
    keep: [0.2, 0.6],
    bytes: [300, 20000],
    failures: [],
    weight: 3,
  },
  {
    command: 'git log --oneline -n 20',
    filterName: 'git/log',
    keep: [0.5, 0.9],
    bytes: [600, 2400],
    failures: [],
    weight: 2,
  },
  {
    command: 'git push origin HEAD',
    filterName: 'git/push',
    keep: [0.1, 0.3],
    bytes: [200, 1500],
    failures: [1],
    weight: 1,
  },
  {
    command: 'npm run build',
    filterName: 'npm/run',
    keep: [0.05, 0.3],
    bytes: [800, 50000],
    failures: [1],
    weight: 4,
  },
  {
    command: 'npm test',
    filterName: 'npm/test',
    keep: [0.03, 0.2],
    bytes: [1500, 80000],
    failures: [1],
    weight: 3,
  },
  {
    command: 'ls -la',
    filterName: null,
    keep: [1, 1],
    bytes: [100, 4000],
    failures: [],
    weight: 3,
  },
  {
    command: 'cat Cargo.toml',
    filterName: null,
    keep: [1, 1],
    bytes: [300, 3000],
    failures: [1],
    weight: 2,
  },
  {
    command: 'docker compose up -d',
    filterName: '_builtin/summary',
    keep: [0.05, 0.2],
    bytes: [1000, 20000],
    failures: [1],
    weight: 2,
  },
  {
    command: 'pytest -q tests/',
    filterName: '_builtin/test',
    keep: [0.05, 0.2],
    bytes: [1000, 40000],
    failures: [1],
    weight: 1,
  },
  {
    command: 'make lint',
    filterName: '_builtin/err',
    keep: [0.1, 0.5],
    bytes: [200, 10000],
    failures: [2],
    weight: 1,
  },
];

/**
 * Generate `count` events with non-decreasing timestamps from `options.start`.
 * @param {number} count
 * @param {import('./tokf-events.d.mts').GenerateEventsOptions} [options]
 * @returns {import('./tokf-events.d.mts').TokfEventInput[]}
 */
export function generateEvents(count, options = {}) {
  const random = seededRandom(options.seed ?? 1);
  const between = (low, high) => low + (high - low) * random();
  const mix = options.mix ?? COMMAND_MIX;
  const totalWeight = mix.reduce((sum, template) => sum + template.weight, 0);
  const pick = () => {
    let ticket = random() * totalWeight;
    for (const template of mix) {
      ticket -= template.weight;
      if (ticket < 0) return template;
    }
    return mix[0];
  };
  const minGap = options.minGapSeconds ?? 1;
  const maxGap = options.maxGapSeconds ?? 600;
  const burstChance = options.burstChance ?? 0.12;
  const projects = options.projects ?? [''];
  let time = Date.parse(options.start ?? '2026-03-02T09:00:00Z');
  if (Number.isNaN(time)) throw new Error(`generateEvents: bad start ${String(options.start)}`);

  const events = [];
  let sameSecondLeft = 0;
  let project = projects[0] ?? '';
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      if (sameSecondLeft > 0) {
        sameSecondLeft--;
      } else if (random() < burstChance) {
        // A burst: a script or an agent ran several commands within one second.
        sameSecondLeft = Math.floor(between(1, 4));
      } else {
        time += Math.max(1, Math.round(between(minGap, maxGap))) * 1000;
      }
    }
    // A developer stays in one project for a while.
    if (random() < 0.08) project = projects[Math.floor(random() * projects.length)] ?? '';
    const template = options.handPicked?.[i] ?? pick();
    const passthrough = template.filterName === null;
    const inputBytes = Math.round(
      Math.exp(between(Math.log(template.bytes[0]), Math.log(template.bytes[1]))),
    );
    const outputBytes = passthrough
      ? inputBytes
      : Math.max(1, Math.round(inputBytes * between(template.keep[0], template.keep[1])));
    const failed = template.failures.length > 0 && random() < 0.15;
    // raw_bytes is the whole command output; input_bytes can be baseline-adjusted below it.
    const rawBytes = random() < 0.2 ? Math.round(inputBytes * between(1.1, 2)) : inputBytes;
    events.push({
      timestamp: tokfTimestamp(time),
      command: template.command,
      filterName: template.filterName,
      filterHash: passthrough ? null : filterHash(template.filterName),
      inputBytes,
      outputBytes,
      filterTimeMs: passthrough ? 0 : Math.floor(between(0, 40)),
      exitCode: failed ? template.failures[Math.floor(random() * template.failures.length)] : 0,
      pipeOverride: !passthrough && random() < 0.05,
      rawBytes,
      project,
    });
  }
  return events;
}

/**
 * The `events` column values of an event, with tokf's defaults filled in (token estimates from
 * bytes, output = input, raw = input). `id` is undefined unless given.
 * @param {import('./tokf-events.d.mts').TokfEventInput} event
 */
export function eventColumnValues(event) {
  const inputBytes = event.inputBytes ?? 0;
  const outputBytes = event.outputBytes ?? inputBytes;
  const rawBytes = event.rawBytes ?? inputBytes;
  return {
    id: event.id,
    timestamp: event.timestamp,
    command: event.command,
    filter_name: event.filterName ?? null,
    filter_hash: event.filterHash ?? null,
    input_bytes: inputBytes,
    output_bytes: outputBytes,
    input_tokens_est: event.inputTokensEst ?? estimateTokens(inputBytes),
    output_tokens_est: event.outputTokensEst ?? estimateTokens(outputBytes),
    filter_time_ms: event.filterTimeMs ?? 0,
    exit_code: event.exitCode ?? 0,
    pipe_override: event.pipeOverride ? 1 : 0,
    raw_bytes: rawBytes,
    raw_tokens_est: event.rawTokensEst ?? estimateTokens(rawBytes),
    project: event.project ?? '',
    synced_to_otel_at: event.syncedToOtelAt ?? null,
  };
}

/**
 * Creates a fresh-layout tokf schema in `db` (tables and indexes, as current tokf does) and returns
 * a function that inserts one event. The caller owns the transaction.
 */
export function freshTokfSchema(db) {
  db.exec(CREATE_EVENTS_FRESH);
  db.exec(CREATE_INDEXES);
  db.exec(CREATE_SYNC_STATE);
  const columns = FRESH_COLUMNS.filter((column) => column !== 'id');
  const insert = db.prepare(
    `INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  );
  return (event) => {
    const values = eventColumnValues(event);
    insert.run(...columns.map((column) => values[column]));
  };
}
