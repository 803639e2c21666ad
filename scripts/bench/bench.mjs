// The benchmark: the real CLI bundle against a loopback sink in another process, on tokf
// databases of 10k, 100k and 1M events, beside the floor (the same rows read by name and encoded,
// nothing sent or recorded: a dry run). Prints a table per size and writes the same as JSON.
//
// Each sync is also run through the other entry points asked for, for their wall time and peak RSS:
//   cli          the bundle as the telemetry-sync command (its shebang's V8 limits apply)
//   cli-noflags  `node dist/cli.js`: the same bundle started with no Node flags (it restarts itself
//                under the same limits where the platform has execve)
//   action       `node dist/index.js` as the Actions runner runs the post step (INPUT_* variables,
//                STATE_isPost, command files, no Node flags): restore none, no cache, and
//                otlp-artifact on-failure, a user's default (every event delivered: no OTLP/JSON
//                file is written, and nothing is uploaded)
// The first entry point gives the table's detail columns; beside them, each other entry point's
// wall time, events/s, end-to-end / floor, peak RSS and its wall time against the first's (from
// the same runs, interleaved). A last table sets peak RSS side by side
// per size, with the spread from the smallest to the largest database. Peak RSS is GNU time's (the
// largest single process); where the whole process tree held more (an entry point that runs itself
// again as a child, with its parent waiting, where there is no execve), that sum is shown beside it
// and the spread is taken on it. Then wall and CPU time side by side, and the CPU time of each
// run's threads by what they do (main, encoding, the collector's helpers, libuv's pool).
//
//   npm run bench -- [--sizes 10000,100000] [--out bench-results.json] [--decode] [--runs 1]
//                    [--configs http/protobuf+gzip,...] [--entries cli,cli-noflags,action]
//                    [--cli path/to/cli.js] [--action path/to/index.js] [--batch-size 2000]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
import { benchDatabase } from './bench-db.mjs';
import { processTreeSampler, THREAD_ROLES } from './proc-sample.mjs';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    out: { type: 'string', default: 'bench-results.json' },
    decode: { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
    // e.g. http/protobuf+gzip,http/json+none,http/protobuf+gzip+cumulative (delta unless said)
    configs: { type: 'string' },
    cli: { type: 'string', default: 'dist/cli.js' },
    action: { type: 'string', default: 'dist/index.js' },
    entries: { type: 'string', default: 'cli,action' },
    // Events per request for every entry point (default: the tool's own).
    'batch-size': { type: 'string' },
  },
});
const ENTRY_POINTS = ['cli', 'cli-noflags', 'action'];
const NODE = process.execPath;
const CLI = path.resolve(args.cli);
const ACTION = path.resolve(args.action);
const BATCH = args['batch-size'];
const ENTRIES = args.entries.split(',').filter((e) => e !== '');
for (const e of ENTRIES) {
  if (!ENTRY_POINTS.includes(e)) throw new Error(`--entries: ${e} is not one of ${ENTRY_POINTS}`);
}
if (ENTRIES.length === 0) throw new Error('--entries: name at least one entry point');
const SIZES = args.sizes.split(',').map(Number);
const RUNS = Number(args.runs);
const CONFIGS = (
  args.configs ?? 'http/protobuf+gzip,http/protobuf+none,http/json+gzip,http/json+none'
)
  .split(',')
  .map((c) => {
    const [protocol, compression, temporality = 'delta'] = c.split('+');
    if (!['delta', 'cumulative'].includes(temporality))
      throw new Error(`--configs: ${c}: the third part is delta or cumulative`);
    return { protocol, compression, temporality, label: c };
  });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-sync-bench-'));

/**
 * Runs `command` under GNU time for its peak RSS (the maximum resident set size of the process,
 * in KB) and CPU time (user + system, which other load on the machine disturbs less than wall
 * time); returns those, the peak of the whole process tree's RSS and its threads' CPU time by
 * role (both sampled every 100 ms, see proc-sample.mjs), wall time, exit code and output.
 */
function runTimed(command, { env, cwd } = {}) {
  const timeFile = path.join(work, 'time.txt');
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, ...command], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd,
      env: {
        PATH: `${path.dirname(NODE)}${path.delimiter}${process.env.PATH}`,
        HOME: process.env.HOME,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    // GNU time's %M is the largest single process of the tree, so a program that runs itself
    // again (or spawns any helper) would hide the parent that waits; the tree's sum does not.
    const tree = processTreeSampler(child.pid);
    const sampler = setInterval(() => tree.sample(), 100);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => {
      clearInterval(sampler);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(sampler);
      const wallMs = Date.now() - started;
      // The last line: a killed child makes GNU time write a line about it first.
      const [rssKb, user, sys] = fs
        .readFileSync(timeFile, 'utf8')
        .trim()
        .split('\n')
        .pop()
        .split(' ');
      const cpuMs = Math.round((Number(user) + Number(sys)) * 1000);
      // A sample may miss the very peak; never report less than the largest process's.
      const treeKb = Math.max(tree.peakRssKb, Number(rssKb));
      const threadCpuMs = tree.cpuMsByRole();
      resolve({
        started,
        wallMs,
        cpuMs,
        code,
        stdout,
        stderr,
        rssKb: Number(rssKb),
        treeKb,
        threadCpuMs,
      });
    });
  });
}

/**
 * Runs the CLI with --json; `entry` is cli (as the telemetry-sync command is run, so that its
 * shebang's V8 limits apply, with this Node first on the PATH; a bundle from an older commit may
 * have no such line) or cli-noflags (`node cli.js`).
 */
async function runCli(cliArgs, entry = 'cli') {
  const shebang = fs.readFileSync(CLI, 'utf8').startsWith('#!');
  const command = entry === 'cli' && shebang ? [CLI] : [NODE, CLI];
  const run = await runTimed([...command, ...cliArgs, '--json']);
  if (run.code !== 0) throw new Error(`CLI (${entry}) exited ${run.code}: ${run.stderr}`);
  return { ...run, result: JSON.parse(run.stdout) };
}

/**
 * Runs the action's bundle as the runner runs its post step: `node index.js` with no flags, the
 * inputs as INPUT_* variables, STATE_isPost from the main step, the command files, a workspace and
 * a temp directory of its own. Nothing restored, cached, uploaded or summarised, so that what is
 * measured is the sync (and the OTLP/JSON file the action writes for its artifact by default).
 */
async function runAction(db, cfg, sinkUrl) {
  const job = fs.mkdtempSync(path.join(work, 'job-'));
  const dirs = { workspace: 'workspace', temp: 'runner-temp', home: 'home' };
  for (const [k, d] of Object.entries(dirs)) {
    dirs[k] = path.join(job, d);
    fs.mkdirSync(dirs[k]);
  }
  const files = {};
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY']) {
    files[name] = path.join(dirs.temp, name.toLowerCase());
    fs.writeFileSync(files[name], '');
  }
  const inputs = {
    'database-path': db,
    endpoint: sinkUrl,
    protocol: cfg.protocol,
    compression: cfg.compression,
    temporality: cfg.temporality,
    restore: 'none',
    'save-cache': 'false',
    // The default: the OTLP/JSON file is written (with never it is not), and with every event
    // delivered nothing is uploaded.
    'otlp-artifact': 'on-failure',
    summary: 'false',
    'comment-on-pr': 'false',
    'ci-attributes': 'false',
    ...(BATCH !== undefined && { 'batch-size': BATCH }),
  };
  const env = {
    HOME: dirs.home,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_OS: 'Linux',
    GITHUB_WORKSPACE: dirs.workspace,
    RUNNER_TEMP: dirs.temp,
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: 'bench/bench',
    ...files,
    ...Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]),
    ),
    STATE_isPost: 'true',
  };
  const run = await runTimed([NODE, ACTION], { env, cwd: dirs.workspace });
  const outputs = readCommandFile(files.GITHUB_OUTPUT);
  const warnings = run.stdout.split('\n').filter((l) => /^::(warning|error)/.test(l));
  if (run.code !== 0 || warnings.length > 0 || outputs.delivered === undefined)
    throw new Error(`action exited ${run.code}: ${warnings.join('\n') || run.stderr}`);
  fs.rmSync(job, { recursive: true, force: true });
  return { ...run, outputs };
}

/** A GITHUB_OUTPUT file as @actions/core writes it: `name<<delimiter` blocks or `name=value`. */
function readCommandFile(file) {
  const out = {};
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const block = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (block) {
      const value = [];
      for (i++; i < lines.length && lines[i] !== block[2]; i++) value.push(lines[i]);
      out[block[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return out;
}

function startSink() {
  return new Promise((resolve) => {
    const child = spawn(NODE, ['scripts/bench/sink.mjs', ...(args.decode ? ['--decode'] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.once('data', (d) =>
      resolve({ child, url: `http://127.0.0.1:${String(d).trim().split(' ')[1]}` }),
    );
  });
}

const sinkStats = async (url) => (await fetch(`${url}/stats`)).json();
const resetSink = (url) => fetch(`${url}/reset`, { method: 'POST' });
const freshCopy = (file) => {
  const copy = path.join(work, 'tracking.db');
  fs.copyFileSync(file, copy);
  return copy;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One sync of a fresh copy of `file` through `entry`; wall time, RSS and what was delivered. */
async function runEntry(entry, file, cfg, sink) {
  await resetSink(sink.url);
  let run;
  let delivered;
  if (entry === 'action') {
    run = await runAction(freshCopy(file), cfg, sink.url);
    delivered = Number(run.outputs.delivered);
  } else {
    run = await runCli(
      [
        'sync',
        '--db',
        freshCopy(file),
        '--endpoint',
        sink.url,
        '--protocol',
        cfg.protocol,
        '--compression',
        cfg.compression,
        '--temporality',
        cfg.temporality,
        ...(BATCH !== undefined ? ['--batch-size', BATCH] : []),
      ],
      entry,
    );
    delivered = run.result.delivered;
  }
  run.sink = await sinkStats(sink.url);
  run.delivered = delivered;
  return run;
}

async function measure(size, sink) {
  const db = benchDatabase(size);
  if (db.built) console.error(`built the ${size}-event database in ${(db.ms / 1000).toFixed(1)} s`);
  const rows = [];
  // Runs interleave the configs (A B A B, not A A B B): this machine's speed drifts by more than
  // the differences measured, and a drift then weighs on every config alike.
  const measured = CONFIGS.map(() => ({
    floors: [],
    runs: Object.fromEntries(ENTRIES.map((e) => [e, []])),
  }));
  for (let i = 0; i < RUNS; i++) {
    for (const [c, cfg] of CONFIGS.entries()) {
      const { floors, runs } = measured[c];
      floors.push(
        await runCli(['sync', '--db', freshCopy(db.file), '--dry-run', '--protocol', cfg.protocol]),
      );
      for (const entry of ENTRIES) runs[entry].push(await runEntry(entry, db.file, cfg, sink));
    }
  }
  for (const [c, cfg] of CONFIGS.entries()) {
    const { floors, runs } = measured[c];
    const floor = floors.sort((a, b) => a.wallMs - b.wallMs)[Math.floor(RUNS / 2)];
    // Per entry point: the run of median wall time, and the median of the peak RSS.
    const entries = {};
    for (const entry of ENTRIES) {
      const all = runs[entry];
      const mid = [...all].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(RUNS / 2)];
      if (mid.delivered !== size)
        throw new Error(`${entry}: delivered ${mid.delivered} of ${size}`);
      entries[entry] = {
        run: mid,
        wallMs: mid.wallMs,
        cpuMs: mid.cpuMs,
        // The run of median wall time's threads: which of them the time went to.
        threadCpuMs: mid.threadCpuMs,
        peakRssMb: +(median(all.map((x) => x.rssKb)) / 1024).toFixed(1),
        peakTreeRssMb: +(median(all.map((x) => x.treeKb)) / 1024).toFixed(1),
        eventsPerSec: Math.round(mid.delivered / (mid.wallMs / 1000)),
        // End-to-end against the floor (the dry run), as the first entry point's ratio.
        ratio: +(mid.wallMs / floor.wallMs).toFixed(2),
        wallMsAll: all.map((x) => x.wallMs),
        peakRssMbAll: all.map((x) => +(x.rssKb / 1024).toFixed(1)),
      };
    }
    const first = entries[ENTRIES[0]];
    // Each entry point's median wall time against the first's (the action against the command).
    for (const e of ENTRIES) entries[e].vsFirst = +(entries[e].wallMs / first.wallMs).toFixed(2);
    const e2e = first.run;
    // The detail columns come from the CLI's --json result; the action reports only its outputs.
    const r = e2e.result;
    const points = r === undefined ? null : Object.values(r.points).reduce((a, b) => a + b, 0);
    const perSec = (n) => (n === null ? null : Math.round(n / (e2e.wallMs / 1000)));
    rows.push({
      size,
      protocol: cfg.protocol,
      compression: cfg.compression,
      temporality: cfg.temporality,
      config: cfg.label,
      entry: ENTRIES[0],
      events: e2e.delivered,
      eventsPerSec: perSec(e2e.delivered),
      pointsPerSec: perSec(points),
      requests: r?.requests ?? e2e.sink.requests,
      bytesEncoded: r?.bytesEncoded ?? null,
      bytesSent: r?.bytesSent ?? e2e.sink.bytes,
      wallMs: e2e.wallMs,
      cpuMs: e2e.cpuMs,
      peakRssMb: first.peakRssMb,
      firstRequestMs: e2e.sink.firstAt === null ? null : e2e.sink.firstAt - e2e.started,
      recordMs: r?.recordMs ?? null,
      recordShare: r === undefined ? null : +(r.recordMs / e2e.wallMs).toFixed(3),
      floorMs: floor.wallMs,
      floorRssMb: +(floor.rssKb / 1024).toFixed(1),
      ratio: +(e2e.wallMs / floor.wallMs).toFixed(2),
      sinkRequests: e2e.sink.requests,
      decodedPoints: e2e.sink.decodedPoints,
      runs: RUNS,
      wallMsAll: first.wallMsAll,
      floorMsAll: floors.map((x) => x.wallMs),
      entries: Object.fromEntries(
        Object.entries(entries).map(([k, { run: _run, ...v }]) => [k, v]),
      ),
    });
  }
  return rows;
}

async function startupMs() {
  // A dry run of an empty tokf database: start-up, reading the config, opening the database.
  const empty = benchDatabase(0).file;
  const times = [];
  for (let i = 0; i < 5; i++)
    times.push((await runCli(['sync', '--db', empty, '--dry-run'])).wallMs);
  return median(times);
}

function table(head, lines) {
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  console.log(fmt(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

const dash = (v, f = String) => (v === null || v === undefined ? '-' : f(v));

function printTable(rows) {
  // The other entry points' wall time and peak RSS go beside the first's detail columns.
  const others = ENTRIES.slice(1);
  const head = [
    'protocol',
    'gzip',
    'temporality',
    'events/s',
    'points/s',
    'requests',
    'MB encoded',
    'MB sent',
    'wall s',
    'RSS MB',
    '1st req ms',
    'record %',
    'floor s',
    'e2e / floor',
    ...others.flatMap((e) => [
      `${e} s`,
      `${e} events/s`,
      `${e} / floor`,
      `${e} RSS`,
      `${e} / ${ENTRIES[0]}`,
    ]),
  ];
  const lines = rows.map((r) =>
    [
      r.protocol,
      r.compression === 'gzip' ? 'yes' : 'no',
      r.temporality,
      r.eventsPerSec,
      dash(r.pointsPerSec),
      r.requests,
      dash(r.bytesEncoded, (b) => (b / 1e6).toFixed(1)),
      (r.bytesSent / 1e6).toFixed(1),
      (r.wallMs / 1000).toFixed(2),
      r.peakRssMb,
      r.firstRequestMs,
      dash(r.recordShare, (x) => (x * 100).toFixed(1)),
      (r.floorMs / 1000).toFixed(2),
      r.ratio,
      ...others.flatMap((e) => {
        const x = r.entries[e];
        return [(x.wallMs / 1000).toFixed(2), x.eventsPerSec, x.ratio, x.peakRssMb, x.vsFirst];
      }),
    ].map(String),
  );
  console.log(`\n${rows[0].size} events (${ENTRIES[0]}${others.map((e) => `, ${e}`).join('')})`);
  table(head, lines);
}

/** Peak RSS per entry point and configuration across the sizes, its growth, and the times. */
function printRssTable(all) {
  const sizes = [...new Set(all.map((r) => r.size))];
  const rssLines = [];
  const timeLines = [];
  for (const cfg of CONFIGS) {
    for (const entry of ENTRIES) {
      const runs = sizes.map(
        (size) => all.find((r) => r.size === size && r.config === cfg.label).entries[entry],
      );
      // The whole tree where it holds more than the largest process (a parent that waits).
      const tree = runs.map((e) => Math.max(e.peakRssMb, e.peakTreeRssMb));
      const cells = runs.map((e, i) =>
        tree[i] > e.peakRssMb * 1.02 ? `${e.peakRssMb} / ${tree[i]}` : String(e.peakRssMb),
      );
      const growth = sizes.length > 1 ? `${((tree.at(-1) / tree[0] - 1) * 100).toFixed(1)} %` : '-';
      const config = cfg.label;
      rssLines.push([entry, config, ...cells, growth]);
      const secs = (ms) => (ms / 1000).toFixed(1);
      timeLines.push([entry, config, ...runs.map((e) => `${secs(e.wallMs)} (${secs(e.cpuMs)})`)]);
    }
  }
  const sizeHeads = sizes.map((s) => `${s}`);
  console.log('\npeak RSS MB by entry point (largest process / whole process tree, where more)');
  table(['entry', 'config', ...sizeHeads, 'largest/smallest'], rssLines);
  console.log('\nwall s (CPU s) by entry point');
  table(['entry', 'config', ...sizeHeads], timeLines);
  printThreadTable(all, sizes);
}

/**
 * CPU s by thread of the runs of median wall time: whether the encoding thread is what the others
 * wait on (its CPU near the wall time), and what the collector's helpers and the pool add.
 */
function printThreadTable(all, sizes) {
  const lines = [];
  for (const size of sizes) {
    for (const cfg of CONFIGS) {
      const row = all.find((r) => r.size === size && r.config === cfg.label);
      for (const entry of ENTRIES) {
        const e = row.entries[entry];
        const secs = (ms) => (ms / 1000).toFixed(2);
        lines.push([
          String(size),
          entry,
          cfg.label,
          secs(e.wallMs),
          ...THREAD_ROLES.map((r) => secs(e.threadCpuMs[r])),
        ]);
      }
    }
  }
  console.log('\nCPU s by thread (the run of median wall time; sampled, so a little short)');
  table(
    [
      'events',
      'entry',
      'config',
      'wall s',
      'main',
      'encoding',
      'GC helpers',
      'thread pool',
      'other',
    ],
    lines,
  );
}

const sink = await startSink();
try {
  const all = [];
  for (const size of SIZES) {
    const rows = await measure(size, sink);
    printTable(rows);
    all.push(...rows);
  }
  printRssTable(all);
  const startup = await startupMs();
  console.log(`\nstart-up to database (dry run of an empty database, median of 5): ${startup} ms`);
  const report = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    decode: args.decode,
    batchSize: BATCH ?? null,
    entries: ENTRIES,
    startupMs: startup,
    rows: all,
  };
  fs.writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${args.out}`);
} finally {
  sink.child.kill();
  fs.rmSync(work, { recursive: true, force: true });
}
