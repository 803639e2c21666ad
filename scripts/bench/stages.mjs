// What each stage of a sync costs on one thread, for the bench's tokf database of `--size` events
// read in batches of `--batch-size`: reading the rows (the source's own scan), aggregating them
// into points, building the SDK's ResourceMetrics, the OTLP transformer's serialization, and gzip
// at the exporter's level; the time V8's garbage collector took is shown apart (it runs inside
// the stages, so it is part of their times too). Each stage runs the project's own sources,
// unbundled, so the figures are of the code a sync runs, one stage at a time. The sum divided by
// the cores is the least any run could take on this machine with the work shared perfectly,
// before anything is sent or recorded: the floor under the bench's end-to-end figures.
//
//   npm run bench:stages -- [--size 1000000] [--batch-size 2000] [--protocol http/protobuf]
import os from 'node:os';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { rerunWithTransformTypes, resolveTsSources } from '../ts-sources.mjs';
import { pendingBenchRows } from './bench-db.mjs';

// The same heap limits as the command, so that the collector works as it does in a run.
const { V8_FLAGS } = await import('../../src/bounded-heap.ts');
rerunWithTransformTypes(V8_FLAGS);
resolveTsSources();

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1000000' },
    'batch-size': { type: 'string', default: '2000' },
    protocol: { type: 'string', default: 'http/protobuf' },
  },
});
const SIZE = Number(args.size);
const BATCH = Number(args['batch-size']);
const PROTOCOL = args.protocol;
if (!['http/protobuf', 'http/json'].includes(PROTOCOL))
  throw new Error(`--protocol: ${PROTOCOL} is not http/protobuf or http/json`);

const { aggregate } = await import('../../src/encode/aggregate.ts');
const { toResourceMetrics } = await import('../../src/encode/resource-metrics.ts');
const { serialize } = await import('../../src/encode/serialize.ts');
const { GZIP_LEVEL } = await import('../../src/deliver/otlp-exporter.ts');

const { rows, close } = await pendingBenchRows(SIZE);
const resource = { 'service.name': 'tokf' };

let gcMs = 0;
const gc = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});
gc.observe({ entryTypes: ['gc'] });

const ms = { read: 0, aggregate: 0, build: 0, serialize: 0, gzip: 0 };
let events = 0;
let points = 0;
let bytes = 0;
let sent = 0;
const iterator = rows[Symbol.iterator]();
const started = performance.now();
for (;;) {
  let t = performance.now();
  const batch = [];
  for (
    let r = iterator.next();
    !r.done;
    r = batch.length < BATCH ? iterator.next() : { done: true }
  )
    batch.push(r.value);
  if (batch.length === 0) break;
  const lap = (stage) => {
    const now = performance.now();
    ms[stage] += now - t;
    t = now;
  };
  lap('read');
  const aggregated = aggregate(batch);
  lap('aggregate');
  const metrics = toResourceMetrics(aggregated, resource, 'delta', PROTOCOL === 'http/protobuf');
  lap('build');
  const body = serialize(metrics, PROTOCOL);
  lap('serialize');
  sent += gzipSync(body, { level: GZIP_LEVEL }).byteLength;
  lap('gzip');
  events += batch.length;
  for (const list of aggregated.values()) points += list.length;
  bytes += body.byteLength;
}
const wallMs = performance.now() - started;
await new Promise((resolve) => setTimeout(resolve, 50));
gc.disconnect();
close();

const total = Object.values(ms).reduce((a, b) => a + b, 0);
const perMillion = (x) => ((x / 1000) * (1_000_000 / events)).toFixed(2);
const cores = os.availableParallelism();
const lines = [
  `${events} events, ${points} points, ${(bytes / 1e6).toFixed(1)} MB encoded (${PROTOCOL}), ${(sent / 1e6).toFixed(1)} MB gzipped, batches of ${BATCH}, one thread`,
  '',
  '| stage | s | s per 1M events | share |',
  '|---|---:|---:|---:|',
  ...Object.entries(ms).map(
    ([stage, x]) =>
      `| ${stage} | ${(x / 1000).toFixed(2)} | ${perMillion(x)} | ${((100 * x) / total).toFixed(1)} % |`,
  ),
  `| all stages | ${(total / 1000).toFixed(2)} | ${perMillion(total)} | 100 % |`,
  `| of which garbage collection | ${(gcMs / 1000).toFixed(2)} | ${perMillion(gcMs)} | ${((100 * gcMs) / total).toFixed(1)} % |`,
  '',
  `wall ${(wallMs / 1000).toFixed(2)} s; on ${cores} cores, shared perfectly and with nothing sent or recorded, no run of these events can take less than ${(total / 1000 / cores).toFixed(2)} s (${perMillion(total / cores)} s per 1M events)`,
];
console.log(lines.join('\n'));
