// Memory of `telemetry-sync replay` against the size of the file it reads: generates OTLP JSON
// Lines files of logs (default 100 MB and 1 GB, in /tmp), replays each, through the command as
// installed (its shebang), into a loopback sink that answers 200, and reports the CLI's peak RSS
// (VmHWM, polled from /proc) and its throughput.
//   node scripts/bench/replay-bench.mjs [--sizes 100,1000] [--line-kb 256] [--dir /tmp]
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { setInterval, clearInterval } from 'node:timers';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000' },
    'line-kb': { type: 'string', default: '256' },
    dir: { type: 'string', default: '/tmp' },
  },
});
const CLI = resolve('dist/cli.js');
const lineKb = Number(values['line-kb']);

/** One LogsData line of about `lineKb` KiB: records of ~1 KiB each. */
function line(i) {
  const n = Math.max(1, Math.round(lineKb));
  const base = 1_700_000_000n + BigInt(i) * 1000n;
  const logRecords = Array.from({ length: n }, (_, j) => ({
    timeUnixNano: String((base + BigInt(j)) * 1_000_000_000n),
    severityNumber: 9,
    body: { stringValue: `record ${i}/${j} ${'x'.repeat(960)}` },
  }));
  return `${JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
        scopeLogs: [{ scope: { name: 'bench' }, logRecords }],
      },
    ],
  })}\n`;
}

async function generate(path, megabytes) {
  const target = megabytes * 1024 * 1024;
  if (existsSync(path) && statSync(path).size >= target) return;
  const out = createWriteStream(path);
  let written = 0;
  for (let i = 0; written < target; i++) {
    const text = line(i);
    written += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

async function sink() {
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${server.address().port}`, count: () => requests };
}

function run(args) {
  return new Promise((done) => {
    // As the telemetry-sync command runs: through its shebang, with its V8 and malloc settings.
    const child = spawn(CLI, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    });
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 50);
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', () => {});
    child.on('close', (code) => {
      clearInterval(poll);
      done({ code, peakKb, stdout });
    });
  });
}

const { server, url, count } = await sink();
const rows = [];
for (const mb of values.sizes.split(',').map(Number)) {
  const file = join(values.dir, `replay-bench-${mb}mb-${lineKb}k.jsonl`);
  await generate(file, mb);
  const state = join(values.dir, `replay-bench-${process.pid}-${mb}.db`);
  const started = Date.now();
  const before = count();
  const result = await run(['replay', file, '--endpoint', url, '--state', state, '--json']);
  const seconds = (Date.now() - started) / 1000;
  const json = JSON.parse(result.stdout || '{}');
  rows.push({
    file: `${mb} MB`,
    lines: json.sentLines,
    requests: count() - before,
    exit: result.code,
    'peak RSS MB': Math.round(result.peakKb / 1024),
    seconds: Math.round(seconds * 10) / 10,
    'MB/s': Math.round((statSync(file).size / 1048576 / seconds) * 10) / 10,
  });
  for (const f of [state, `${state}-wal`, `${state}-shm`]) rmSync(f, { force: true });
}
server.close();
console.table(rows);
