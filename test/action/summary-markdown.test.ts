import path from 'node:path';
import { renderReport } from '../../src/action/summary-markdown.js';
import { text } from '../../src/action/markdown-text.js';
import { report, result } from '../helpers/action-report.js';
import { syncTo } from '../helpers/sync-engine.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

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
    expect(md).toContain('### telemetry-sync: delivered 10 events, 3,900 tokens saved');
    expect(md).toContain('| delivered | pending | set aside | too old | tokens saved |');
    expect(md).toContain('| 10 | 0 | 0 | 0 | **3,900** |');
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
    expect(md).toContain('15 events selected in this run');
    expect(md).toContain('| 15 | 0 | 0 | 0 | **7,800** |');
    expect(md).toContain('- a database already existed');
    expect(md).toContain('2 events are stamped more than 5 minutes in the future (first: id 4)');
  });

  it('shows tokens saved by command and filter on every run, whole command lines only when asked, escaped', () => {
    const savedBy = [
      { command: '<b>cargo</b> test | x', filter: 'cargo/test', events: 3, tokensSaved: 900 },
      { command: 'ls', filter: null, events: 1, tokensSaved: 0 },
    ];
    const savedByProgram = [
      { command: 'cargo', filter: 'cargo/test', events: 3, tokensSaved: 900 },
    ];
    const program = renderReport(report({ result: result({ savedBy, savedByProgram }) }));
    expect(program).toContain('| cargo | cargo/test | 3 | 900 |');
    expect(program).not.toContain('&lt;b&gt;');
    const md = renderReport(report({ result: result({ savedBy }), commands: 'full' }));
    expect(md).toContain('| &lt;b&gt;cargo&lt;/b&gt; test \\| x | cargo/test | 3 | 900 |');
    expect(md).toContain('| ls | (passthrough) | 1 | 0 |');
    expect(md).toContain('| others | | 6 | 3,000 |');
    expect(md).toContain('| **total** | | **10** | **3,900** |');
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

describe('the Errors list', () => {
  it('says each error once, also when a problem quotes the engine’s', () => {
    const failed = result({
      status: 'failed',
      delivered: 0,
      errors: [
        { kind: 'send-failed', count: 5, firstId: 1, message: 'connection failed (ECONNREFUSED)' },
      ],
    });
    const quoted =
      '5 of 5 events were not delivered (5 stay pending): a request of 5 events (first: id 1) failed: connection failed (ECONNREFUSED); it and all later events stay pending';
    const md = renderReport(report({ result: failed, problems: ['the same', 'the same', quoted] }));
    const errors = md.split('**Errors**')[1]!.split('\n\n')[1]!.split('\n');
    expect(errors).toEqual(['- the same', `- ${text(quoted)}`]);
  });
});

describe('the summary of a real run', () => {
  afterAll(removeTmpDirs);

  it('gives totals, a chart per day and redacted commands as the database holds them', async () => {
    const db = tmpDbPath();
    createTokfDb(db);
    const secret = 'ghp_0123456789abcdefSECRET';
    insertEvents(db, [
      ...makeEvents(300, { maxGapSeconds: 1800 }),
      {
        timestamp: '2026-03-09T10:00:00Z',
        command: `curl -H Authorization:${secret} https://example.com`,
        inputTokensEst: 50000,
        outputTokensEst: 100,
      },
      {
        timestamp: '2026-03-09T10:00:01Z',
        command: `GH_TOKEN=${secret} /usr/local/bin/gh pr view 12`,
        filterName: 'gh/pr',
        inputTokensEst: 40000,
        outputTokensEst: 50,
      },
      // Output larger than input: tokens.saved floors it at zero, as tokf's metric does.
      {
        timestamp: '2026-03-09T10:00:02Z',
        command: 'cat big',
        inputTokensEst: 10,
        outputTokensEst: 90,
      },
    ]);
    const out = path.join(path.dirname(db), 'out');
    const r = await syncTo(undefined, db, { otlpJsonOut: out });
    const rows = readEvents(db);
    const saved = rows.reduce(
      (n, e) => n + Math.max(0, e.input_tokens_est - e.output_tokens_est),
      0,
    );
    expect(r.tokens).toEqual({
      events: rows.length,
      input: rows.reduce((n, e) => n + e.input_tokens_est, 0),
      output: rows.reduce((n, e) => n + e.output_tokens_est, 0),
      saved,
    });
    const perDay = new Map<string, { events: number; saved: number }>();
    for (const e of rows) {
      const d = perDay.get(e.timestamp.slice(0, 10)) ?? { events: 0, saved: 0 };
      d.events += 1;
      d.saved += Math.max(0, e.input_tokens_est - e.output_tokens_est);
      perDay.set(e.timestamp.slice(0, 10), d);
    }
    const days = [...perDay.keys()].sort();
    expect(r.daily).toEqual(
      days.map((day) => ({
        day,
        events: perDay.get(day)!.events,
        tokensSaved: perDay.get(day)!.saved,
      })),
    );

    const md = renderReport(report({ result: r }));
    expect(md).toContain(`${saved.toLocaleString('en-US')} tokens saved`);
    expect(md).toContain(`| **${saved.toLocaleString('en-US')}** |`);
    const charts = [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(charts).toHaveLength(2);
    expect(charts[0]).toContain('xychart-beta\n');
    expect(charts[0]).toContain(`x-axis [${days.map((d) => `"${d}"`).join(', ')}]`);
    expect(charts[0]).toContain('y-axis "tokens saved"');
    expect(charts[0]).toContain(`bar [${days.map((d) => perDay.get(d)!.saved).join(', ')}]`);
    expect(charts[1]).toContain(`line [${days.map((d) => perDay.get(d)!.events).join(', ')}]`);
    expect(md).toContain('| curl | (passthrough) | 1 | 49,900 |');
    expect(md).toContain('| gh pr | gh/pr | 1 | 39,950 |');
    expect(md).toContain(
      `| **total** | | **${rows.length.toLocaleString('en-US')}** | **${saved.toLocaleString('en-US')}** |`,
    );
    expect(md).not.toContain(secret);
    expect(md).not.toContain('example.com');
    const tableRows = md.split('\n').filter((l) => /^\| (?!command|---|\*\*total)/.test(l));
    // The ten largest, "others", and the counts table above.
    expect(tableRows.filter((l) => l.split('|').length === 6)).toHaveLength(11);

    const full = renderReport(report({ result: r, commands: 'full' }));
    expect(full).toContain('curl -H Authorization:ghp\\_0123456789abcdefSECRET');
  });
});
