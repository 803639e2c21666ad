// The benchmark: the real CLI bundle against a loopback sink in another process, on tokf
// databases of 10k, 100k and 1M events, beside the floor (the same rows read by name and encoded,
// nothing sent or recorded: a dry run). Prints a table per size and writes the same as JSON.
//
//   npm run bench -- [--sizes 10000,100000] [--out bench-results.json] [--decode] [--runs 1]
//                    [--configs http/protobuf+gzip,...] [--cli path/to/cli.js]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase } from './bench-db.mjs';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    out: { type: 'string', default: 'bench-results.json' },
    decode: { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
    // e.g. http/protobuf+gzip,http/json+none
    configs: { type: 'string' },
    cli: { type: 'string', default: 'dist/cli.js' },
  },
});
const NODE = process.execPath;
const CLI = path.resolve(args.cli);
const SIZES = args.sizes.split(',').map(Number);
const RUNS = Number(args.runs);
const CONFIGS = (
  args.configs ?? 'http/protobuf+gzip,http/protobuf+none,http/json+gzip,http/json+none'
)
  .split(',')
  .map((c) => {
    const [protocol, compression] = c.split('+');
    return { protocol, compression };
  });
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-sync-bench-'));

/** Runs the CLI under GNU time for its peak RSS; returns wall time, RSS, the --json result. */
function runCli(cliArgs) {
  const timeFile = path.join(work, 'time.txt');
  return new Promise((resolve, reject) => {
    const started = Date.now();
    // Run as the telemetry-sync command is run, so that its shebang's V8 limits apply, with this
    // Node first on the PATH. A bundle from an older commit (--cli) may have no such line.
    const command = fs.readFileSync(CLI, 'utf8').startsWith('#!') ? [CLI] : [NODE, CLI];
    const child = spawn(
      '/usr/bin/time',
      ['-f', '%M', '-o', timeFile, ...command, ...cliArgs, '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: `${path.dirname(NODE)}${path.delimiter}${process.env.PATH}`,
          HOME: process.env.HOME,
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Date.now() - started;
      if (code !== 0) return reject(new Error(`CLI exited ${code}: ${stderr}`));
      resolve({
        started,
        wallMs,
        rssKb: Number(fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()),
        result: JSON.parse(stdout),
      });
    });
  });
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

async function measure(size, sink) {
  const db = benchDatabase(size);
  if (db.built) console.error(`built the ${size}-event database in ${(db.ms / 1000).toFixed(1)} s`);
  const rows = [];
  for (const cfg of CONFIGS) {
    const floors = [];
    const e2es = [];
    for (let i = 0; i < RUNS; i++) {
      floors.push(
        await runCli(['sync', '--db', freshCopy(db.file), '--dry-run', '--protocol', cfg.protocol]),
      );
      await resetSink(sink.url);
      const e2e = await runCli([
        'sync',
        '--db',
        freshCopy(db.file),
        '--endpoint',
        sink.url,
        '--protocol',
        cfg.protocol,
        '--compression',
        cfg.compression,
      ]);
      e2e.sink = await sinkStats(sink.url);
      e2es.push(e2e);
    }
    const floor = floors.sort((a, b) => a.wallMs - b.wallMs)[Math.floor(RUNS / 2)];
    const e2e = e2es.sort((a, b) => a.wallMs - b.wallMs)[Math.floor(RUNS / 2)];
    const r = e2e.result;
    const points = Object.values(r.points).reduce((a, b) => a + b, 0);
    rows.push({
      size,
      protocol: cfg.protocol,
      compression: cfg.compression,
      events: r.delivered,
      eventsPerSec: Math.round(r.delivered / (e2e.wallMs / 1000)),
      pointsPerSec: Math.round(points / (e2e.wallMs / 1000)),
      requests: r.requests,
      bytesEncoded: r.bytesEncoded,
      bytesSent: r.bytesSent,
      wallMs: e2e.wallMs,
      peakRssMb: +(e2e.rssKb / 1024).toFixed(1),
      firstRequestMs: e2e.sink.firstAt === null ? null : e2e.sink.firstAt - e2e.started,
      recordMs: r.recordMs,
      recordShare: +(r.recordMs / e2e.wallMs).toFixed(3),
      floorMs: floor.wallMs,
      floorRssMb: +(floor.rssKb / 1024).toFixed(1),
      ratio: +(e2e.wallMs / floor.wallMs).toFixed(2),
      sinkRequests: e2e.sink.requests,
      decodedPoints: e2e.sink.decodedPoints,
      runs: RUNS,
      wallMsAll: e2es.map((x) => x.wallMs),
      floorMsAll: floors.map((x) => x.wallMs),
    });
    void median;
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

function printTable(rows) {
  const head = [
    'protocol',
    'gzip',
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
    'ratio',
  ];
  const lines = rows.map((r) =>
    [
      r.protocol,
      r.compression === 'gzip' ? 'yes' : 'no',
      r.eventsPerSec,
      r.pointsPerSec,
      r.requests,
      (r.bytesEncoded / 1e6).toFixed(1),
      (r.bytesSent / 1e6).toFixed(1),
      (r.wallMs / 1000).toFixed(2),
      r.peakRssMb,
      r.firstRequestMs,
      (r.recordShare * 100).toFixed(1),
      (r.floorMs / 1000).toFixed(2),
      r.ratio,
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  console.log(`\n${rows[0].size} events`);
  console.log(fmt(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

const sink = await startSink();
try {
  const all = [];
  for (const size of SIZES) {
    const rows = await measure(size, sink);
    printTable(rows);
    all.push(...rows);
  }
  const startup = await startupMs();
  console.log(`\nstart-up to database (dry run of an empty database, median of 5): ${startup} ms`);
  const report = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    decode: args.decode,
    startupMs: startup,
    rows: all,
  };
  fs.writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${args.out}`);
} finally {
  sink.child.kill();
  fs.rmSync(work, { recursive: true, force: true });
}
