// Bytes allocated per event, by the function that allocated them, for what a sync's two threads
// do with the bench's tokf database: the main thread's scan of the rows and hand-over of each
// batch's columns, the encoding thread's EncodeService (aggregation, the SDK's ResourceMetrics,
// the transformer's protobuf writer). All of it runs here on one thread, from the sources, under
// V8's sampling heap profiler counting objects the collector has already freed too: what the
// young generation churns through, and what, kept until its batch is encoded, reaches the old one.
//
// Cumulative temporality encodes ahead from an empty ledger, each batch continuing the totals of
// the ones before it, as a first cumulative sync's encoding thread does.
//
//   npm run bench:alloc -- [--size 200000] [--top 25] [--temporality delta|cumulative]
import inspector from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { rerunWithTransformTypes, resolveTsSources } from '../ts-sources.mjs';
import { pendingBenchRows } from './bench-db.mjs';

rerunWithTransformTypes();
resolveTsSources();

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '200000' },
    top: { type: 'string', default: '25' },
    temporality: { type: 'string', default: 'delta' },
  },
});
const SIZE = Number(args.size);
if (!['delta', 'cumulative'].includes(args.temporality))
  throw new Error(`--temporality: ${args.temporality} is not delta or cumulative`);

const { toColumns } = await import('../../src/encode/event-columns.ts');
const { EncodeService } = await import('../../src/encode/encode-service.ts');
const { DEFAULT_MAX_REQUEST_BYTES, SETTINGS } = await import('../../src/config/settings.ts');

const BATCH = SETTINGS.batchSize.default;
const service = new EncodeService({
  settings: {
    resource: { 'service.name': 'tokf' },
    protocol: 'http/protobuf',
    maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
  },
  ledger: args.temporality === 'cumulative' ? new Map() : undefined,
  projected: new Map(),
});

const session = new inspector.Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 4096,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
// Every row is pending, as in a first sync; batches of the tool's default size.
const { rows, close } = await pendingBenchRows(SIZE);
let events = 0;
let batch = [];
const encode = () => {
  // The columns cross to the encoding thread as a structured copy; v8.serialize is the same one.
  const copied = v8.deserialize(v8.serialize(toColumns(batch)));
  service.handle({ kind: 'encode', columns: copied });
  events += batch.length;
  batch = [];
};
for (const row of rows) {
  batch.push(row);
  if (batch.length === BATCH) encode();
}
if (batch.length > 0) encode();
const { profile } = await session.post('HeapProfiler.stopSampling');
close();

const bytes = new Map();
let total = 0;
const walk = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  bytes.set(where, (bytes.get(where) ?? 0) + node.selfSize);
  total += node.selfSize;
  for (const child of node.children) walk(child);
};
walk(profile.head);
console.log(
  `${events} events, ${args.temporality}: ${(total / 1e6).toFixed(0)} MB allocated, ${(total / events).toFixed(0)} bytes per event\n`,
);
console.log('| bytes per event | where |\n|---:|---|');
for (const [where, n] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top)))
  console.log(`| ${(n / events).toFixed(0)} | ${where} |`);
