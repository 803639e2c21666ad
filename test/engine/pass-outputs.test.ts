/**
 * The files a pass writes beside sending (see src/engine/pass-outputs.ts), on real directories:
 * written batch by batch, closed once, and a file that cannot be finished said once as the run's
 * error without throwing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSyncConfig } from '../../src/config/build-config.js';
import { Notices } from '../../src/engine/notices.js';
import { PassOutputs } from '../../src/engine/pass-outputs.js';
import { tokfEvent } from '../helpers/events.js';

const NOW = Date.parse('2026-03-05T12:00:00Z');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pass-outputs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function outputs(settings: { otlpJsonOut?: string; openmetricsOut?: string }, notices: Notices) {
  const config = buildSyncConfig(
    { db: join(dir, 'tracking.db'), dryRun: true, ...settings },
    {},
    NOW,
  );
  return new PassOutputs(config, 'metrics', () => NOW, undefined, false, notices);
}

const batch = [1, 2, 3].map((id) => tokfEvent(id, '2026-03-05T10:00:00Z'));

describe('PassOutputs', () => {
  it('opens nothing without --otlp-json-out or --openmetrics-out', () => {
    const out = outputs({}, new Notices());
    expect(out.files).toBeUndefined();
    expect(out.backfill).toBeUndefined();
    out.write(batch);
    out.close(undefined, () => {
      throw new Error('nothing to fail');
    });
  });

  it('writes each batch to the file of every event and to the backfill, finished on close', () => {
    const notices = new Notices();
    const out = outputs(
      { otlpJsonOut: join(dir, 'otlp'), openmetricsOut: join(dir, 'om') },
      notices,
    );
    out.write(batch);
    out.write([tokfEvent(4, '2026-03-05T10:00:01Z')]);
    out.close(undefined, (err) => {
      throw err;
    });
    expect(notices.errors).toEqual([]);
    const lines = readFileSync(join(dir, 'otlp', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('resourceMetrics');
    expect(out.files?.all.lines).toBe(lines.length);
    expect(out.backfill?.events).toBe(4);
    expect(readFileSync(out.backfill!.path, 'utf8')).toMatch(/# EOF\n$/);
  });

  it('says a backfill it cannot finish once, as file-failed naming it, and does not throw', () => {
    const notices = new Notices();
    const out = outputs({ openmetricsOut: join(dir, 'om') }, notices);
    out.write(batch);
    // A directory where the backfill is to be put in place: no rename can replace it, even as root.
    mkdirSync(out.backfill!.path);
    out.close(undefined, () => {});
    expect(notices.errors).toEqual([
      expect.objectContaining({ kind: 'file-failed', count: 3, file: out.backfill!.path }),
    ]);
  });
});
