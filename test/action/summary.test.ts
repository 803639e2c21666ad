import { cell, renderReport, text, type ActionReport } from '../../src/action/summary.js';
import type { SyncResult } from '../../src/engine/index.js';

function result(overrides: Partial<SyncResult> = {}): SyncResult {
  return {
    status: 'delivered',
    exitCode: 0,
    database: '/db',
    progress: 'ranges',
    endpoint: 'https://otlp.example.com:4318/v1/metrics',
    protocol: 'http/protobuf',
    compression: 'gzip',
    dryRun: false,
    selected: 10,
    delivered: 10,
    refusedEvents: 0,
    rejectedPoints: 0,
    tooOld: 0,
    tooOldForEndpoint: 0,
    selectedSetAside: 0,
    selectedPending: 0,
    setAside: 0,
    pending: 0,
    held: 0,
    skippedBuiltins: 0,
    service: { name: 'tokf', from: "tokf's default" },
    unreadable: 0,
    exported: 10,
    points: { 'tokf.filter.invocations': 9 },
    firstEventTime: '2026-03-02T09:00:00Z',
    lastEventTime: '2026-03-02T10:00:00Z',
    requests: 1,
    failedRequests: 0,
    retries: 0,
    bytesSent: 100,
    bytesEncoded: 300,
    durationMs: 5,
    recordMs: 1,
    otlpJsonFile: null,
    rejectedFile: null,
    openmetricsFile: null,
    savedBy: [],
    clock: { future: 0, backwards: 0, firstFutureId: null, firstBackwardsId: null },
    errors: [],
    warnings: [],
    ...overrides,
  };
}

function report(overrides: Partial<ActionReport> = {}): ActionReport {
  return {
    result: result(),
    restoredCopy: undefined,
    restoredFrom: 'cache',
    restoredKey: 'telemetry-db-v1-linux-1-1',
    artifact: undefined,
    save: undefined,
    pullRequest: undefined,
    notes: [],
    problems: [],
    ...overrides,
  };
}

describe('renderReport', () => {
  it('shows counts, time range, points, the endpoint host only, and where the database came from', () => {
    const md = renderReport(
      report({
        artifact: {
          name: 'telemetry-otlp-build-1',
          id: 7,
          url: 'https://github.com/a/b/actions/runs/1/artifacts/7',
        },
      }),
    );
    expect(md).toContain('### telemetry-sync: delivered 10 events');
    expect(md).toContain('| delivered | 10 |');
    expect(md).toContain('2026-03-02T09:00:00Z to 2026-03-02T10:00:00Z');
    expect(md).toContain('| tokf.filter.invocations | 9 |');
    expect(md).toContain('**Endpoint:** otlp.example.com:4318');
    expect(md).not.toContain('/v1/metrics');
    expect(md).toContain('restored from the cache (key telemetry-db-v1-linux-1-1)');
    expect(md).toContain(
      '[telemetry-otlp-build-1](https://github.com/a/b/actions/runs/1/artifacts/7)',
    );
  });

  it('adds up a restored copy, and lists its notes and clock warnings', () => {
    const md = renderReport(
      report({
        restoredCopy: result({
          selected: 5,
          delivered: 5,
          warnings: [{ kind: 'clock-future', count: 2, firstId: 4, message: null }],
        }),
        notes: ['a database already existed'],
      }),
    );
    expect(md).toContain('| selected | 15 |');
    expect(md).toContain('- a database already existed');
    expect(md).toContain('2 events are stamped more than 5 minutes in the future (first: id 4)');
  });

  it('shows tokens saved by command and filter on pull requests only, escaped', () => {
    const savedBy = [
      { command: '<b>cargo</b> test | x', filter: 'cargo/test', events: 3, tokensSaved: 900 },
      { command: 'ls', filter: null, events: 1, tokensSaved: 0 },
    ];
    expect(renderReport(report({ result: result({ savedBy }) }))).not.toContain('Tokens saved');
    const md = renderReport(report({ result: result({ savedBy }), pullRequest: 12 }));
    expect(md).toContain('| &lt;b&gt;cargo&lt;/b&gt; test \\| x | cargo/test | 3 | 900 |');
    expect(md).toContain('| ls | (passthrough) | 1 | 0 |');
    expect(md).not.toContain('<b>');
  });

  it('stays small however many errors there are', () => {
    const problems = Array.from({ length: 500 }, (_, i) => `problem ${i} ${'x'.repeat(1000)}`);
    const md = renderReport(report({ problems }));
    expect(md).toContain('… and 480 more');
    expect(Buffer.byteLength(md)).toBeLessThan(64 * 1024);
  });

  it('says plainly when there was no database', () => {
    expect(renderReport(report({ result: undefined, restoredFrom: 'none' }))).toContain(
      'no database found, nothing to sync',
    );
  });
});

describe('escaping', () => {
  it('neutralises HTML and Markdown', () => {
    expect(text('<script>&"x"</script> *a* [l](u) `c` | _b_ ~s~')).toBe(
      '&lt;script&gt;&amp;&quot;x&quot;&lt;/script&gt; \\*a\\* \\[l\\](u) \\`c\\` \\| \\_b\\_ \\~s\\~',
    );
    expect(text('two\nlines')).toBe('two lines');
    expect(cell('y'.repeat(200))).toHaveLength(80);
  });
});
