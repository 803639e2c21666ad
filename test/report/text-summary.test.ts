/** The CLI's summary, from real runs: its figures add up and say nothing that did not happen. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatTextSummary } from '../../src/report/text-summary.js';
import { distinctEventsDb } from '../faults/fault-kit.js';
import { flattenPoints, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { syncTo } from '../helpers/sync-engine.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

describe('the text summary', () => {
  it('gives the tokens saved, in and out, as the sample database holds them', async () => {
    const r = await syncTo(undefined, 'test/fixtures/tokf-sample.db', { dryRun: true });
    // tokf's own sum of input minus output, floored per event as the tokens.saved metric is.
    expect(r.tokens).toEqual({ events: 201, input: 899_783, output: 99_376, saved: 800_407 });
    expect(formatTextSummary(r)).toContain(
      '  tokens    800,407 saved (899,783 in, 99,376 out) by 201 events\n',
    );
    expect(r.daily.map((d) => d.day)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    expect(r.daily.reduce((n, d) => n + d.tokensSaved, 0)).toBe(800_407);
  });

  it('adds up: delivered, pending and set aside make the selected events', async () => {
    // 5 events refused one by one, then the endpoint fails for good.
    const bad = new Set(['cmd-3', 'cmd-9', 'cmd-14', 'cmd-15', 'cmd-16']);
    let fail = false;
    const receiver = await startOtlpReceiver({
      respond: (req) => {
        const cmds = req.decoded
          ? flattenPoints(req.decoded).map((p) => p.attributes['tokf.command'])
          : [];
        if (cmds.some((c) => bad.has(String(c)))) return { status: 400, errorMessage: 'bad point' };
        if (cmds.includes('cmd-40')) fail = true;
        return fail ? { status: 500, errorMessage: 'down' } : { status: 200 };
      },
    });
    try {
      const db = distinctEventsDb(60);
      const r = await syncTo(receiver.url, db, { batchSize: '20', maxConsecutiveFailures: '9' });
      const text = formatTextSummary(r);
      expect(r.selected).toBe(r.delivered + r.selectedPending + r.selectedSetAside);
      expect(r.selectedSetAside).toBe(5);
      // The database before and after: what was pending at the start is delivered, set aside or left.
      expect(r.pendingAtStart).toBe(60);
      expect(r.pendingAtStart).toBe(r.delivered + r.selectedSetAside + r.pending);
      expect(text).toContain(
        `delivered ${r.delivered} of 60 selected events to ${r.endpoint}; ${r.selectedPending} stay pending, 5 set aside`,
      );
      expect(text).not.toMatch(/all \d+ selected events stay pending/);
      // The reason is stored and shown once.
      expect(text).toContain('(HTTP 400: bad point)');
      expect(text).not.toContain('HTTP 400: HTTP 400');
    } finally {
      await receiver.close();
    }
  });

  it('shows no bytes on the wire when nothing ever connected', async () => {
    const receiver = await startOtlpReceiver();
    const url = receiver.url;
    await receiver.close();
    const db = distinctEventsDb(30);
    const r = await syncTo(url, db);
    expect(r.bytesSent).toBe(0);
    const text = formatTextSummary(r);
    expect(text).toMatch(/could not deliver to .*; 30 stay pending/);
    expect(text).toMatch(/0 B on the wire/);
  });

  it('says no progress is recorded yet rather than naming a table that does not exist', async () => {
    const db = distinctEventsDb(5);
    const r = await syncTo(undefined, db, { dryRun: true });
    expect(r.progress).toBe('none');
    expect(formatTextSummary(r)).toContain('(no progress recorded yet)');
  });

  it('leaves the previous metrics.jsonl alone when a run has nothing to send', async () => {
    const db = distinctEventsDb(5);
    const out = join(dirname(db), 'otlp');
    const first = await syncTo(undefined, db, { otlpJsonOut: out, until: '2026-03-02T09:00:01Z' });
    expect(first.exported).toBe(3);
    const file = join(out, 'metrics.jsonl');
    const before = readFileSync(file, 'utf8');
    const empty = await syncTo(undefined, db, { otlpJsonOut: out, since: '2027-01-01' });
    expect(empty).toMatchObject({ selected: 0, otlpJsonFile: null });
    // Said as what happened, not as a file named null.
    const said = formatTextSummary(empty);
    expect(said).toMatch(
      /^telemetry-sync: nothing to write: no pending events selected; no endpoint, nothing marked delivered\n/,
    );
    expect(said).not.toContain('null');
    expect(readFileSync(file, 'utf8')).toBe(before);
    // A run with events replaces it.
    writeFileSync(join(out, 'marker'), '');
    await syncTo(undefined, db, { otlpJsonOut: out });
    expect(readFileSync(file, 'utf8')).not.toBe(before);
    expect(existsSync(join(out, 'marker'))).toBe(true);
  });
});
