// A loopback OTLP/HTTP sink for the benchmark, in its own process so that its work is not charged
// to the CLI: it reads every request, acknowledges it with an empty 200, and counts. With --decode
// it also gunzips and decodes each request against the official schema, as a real receiver would.
//
//   node scripts/bench/sink.mjs [--decode]     prints "listening <port>" when ready
//   GET /stats  -> {"requests", "bytes", "firstAt", "lastAt", "decodedPoints"}; POST /reset
import http from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

const decode = process.argv.includes('--decode');
let stats = fresh();
let requestType;

if (decode) {
  const { default: protobuf } = await import('protobufjs');
  const dir = process.env.OTLP_PROTO_DIR ?? path.resolve('test', 'vendor', 'opentelemetry-proto');
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    path.isAbsolute(target) ? target : path.join(dir, target);
  root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto');
  requestType = root.lookupType(
    'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
  );
}

function fresh() {
  return { requests: 0, bytes: 0, firstAt: null, lastAt: null, decodedPoints: 0 };
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
      return;
    }
    if (req.method === 'POST' && req.url === '/reset') {
      stats = fresh();
      res.writeHead(204).end();
      return;
    }
    const body = Buffer.concat(chunks);
    const now = Date.now();
    stats.requests += 1;
    stats.bytes += body.length;
    stats.firstAt ??= now;
    stats.lastAt = now;
    if (requestType !== undefined) {
      const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      const message = req.headers['content-type']?.includes('json')
        ? requestType.fromObject(JSON.parse(raw.toString('utf8')))
        : requestType.decode(raw);
      for (const rm of message.resourceMetrics)
        for (const sm of rm.scopeMetrics)
          for (const m of sm.metrics)
            stats.decodedPoints += (m.sum ?? m.histogram ?? m.gauge).dataPoints.length;
    }
    res
      .writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' })
      .end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
