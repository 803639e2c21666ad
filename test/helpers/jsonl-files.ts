/** OTLP JSON Lines for replay tests: lines of each signal, told apart by a marker. */

/** Parsed OTLP JSON, loosely typed: tests reach into it by the field names they know. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;
const S = 1_000_000_000n;

export function logsLine(marker: string, seconds = 1_700_000_000n, n = 1): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'replay-test' } }] },
        scopeLogs: [
          {
            scope: { name: 'test' },
            logRecords: Array.from({ length: n }, (_, i) => ({
              timeUnixNano: String((seconds + BigInt(i)) * S),
              body: { stringValue: `${marker}#${i}` },
            })),
          },
        ],
      },
    ],
  });
}

export function tracesLine(marker: string, seconds = 1_700_000_000n): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
                name: marker,
                kind: 1,
                startTimeUnixNano: String(seconds * S),
                endTimeUnixNano: String((seconds + 1n) * S),
              },
            ],
          },
        ],
      },
    ],
  });
}

export function metricsLine(marker: string, seconds = 1_700_000_000n): string {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [] },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [
              {
                name: marker,
                gauge: { dataPoints: [{ timeUnixNano: String(seconds * S), asInt: '1' }] },
              },
            ],
          },
        ],
      },
    ],
  });
}

/** The markers a receiver got, in order: log bodies, span names, metric names. */
export function markersOf(
  requests: { signalDecoded?: unknown; decoded?: unknown; answeredStatus?: number }[],
): string[] {
  const out: string[] = [];
  for (const r of requests) {
    if (r.answeredStatus === undefined || r.answeredStatus >= 300) continue;
    const d = (r.signalDecoded ?? r.decoded) as Record<string, Loose[]> | undefined;
    for (const rl of d?.resourceLogs ?? [])
      for (const sl of rl.scopeLogs) for (const l of sl.logRecords) out.push(l.body.stringValue);
    for (const rs of d?.resourceSpans ?? [])
      for (const ss of rs.scopeSpans) for (const s of ss.spans) out.push(s.name);
    for (const rm of d?.resourceMetrics ?? [])
      for (const sm of rm.scopeMetrics) for (const m of sm.metrics) out.push(m.name);
  }
  return out;
}
