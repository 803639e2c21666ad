import { AgeLimits, type AgeLimitsParts } from '../../src/engine/age-limits.js';
import { Notices } from '../../src/engine/notices.js';
import { Observed } from '../../src/engine/observed.js';
import { tokfEvent } from '../helpers/events.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const DAY = 86_400_000;

/** Events 1..4 stamped 9, 5, 2 and 0 days before NOW. */
const BATCH = [9, 5, 2, 0].map((days, i) =>
  tokfEvent(i + 1, new Date(NOW - days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z')),
);

function limits(config: AgeLimitsParts['config'], recording = true) {
  const notices = new Notices();
  const observed = new Observed(NOW / 1000);
  const setAside: { ids: number[]; reason: string }[] = [];
  const ages = new AgeLimits({
    config,
    now: () => NOW,
    notices,
    observed,
    recording,
    setAside: (ids, reason) => setAside.push({ ids, reason }),
  });
  return { ages, notices, observed, setAside };
}

describe('AgeLimits', () => {
  it('passes every event on without limits', () => {
    const { ages, notices, setAside } = limits({});
    expect(ages.fresh(BATCH, '/out/metrics.jsonl')).toEqual(BATCH);
    expect(notices.warnings).toEqual([]);
    expect(setAside).toEqual([]);
  });

  it('keeps events older than max-age out of the send and sets them aside where a file has them', () => {
    const { ages, notices, observed, setAside } = limits({ maxAgeMs: 7 * DAY });
    expect(ages.fresh(BATCH, '/out/metrics.jsonl').map((e) => e.id)).toEqual([2, 3, 4]);
    expect(observed.tooOld).toBe(1);
    expect(setAside).toEqual([
      { ids: [1], reason: 'older than max-age; exported to /out/metrics.jsonl only' },
    ]);
    expect(notices.warnings).toEqual([
      {
        kind: 'too-old',
        count: 1,
        firstId: 1,
        message: null,
        file: '/out/metrics.jsonl',
        setAside: true,
      },
    ]);
  });

  it('leaves events older than max-age pending when no file has them', () => {
    const { ages, notices, setAside } = limits({ maxAgeMs: 3 * DAY });
    expect(ages.fresh(BATCH, undefined).map((e) => e.id)).toEqual([3, 4]);
    expect(setAside).toEqual([]);
    expect(notices.warnings).toEqual([
      { kind: 'too-old', count: 2, firstId: 1, message: null, setAside: false },
    ]);
  });

  it("warns of events past a backend's silent history, once per run with their sum, and still sends them", () => {
    const { ages, notices } = limits({
      silentHorizon: { backend: 'victoriametrics', ageMs: 3 * DAY },
    });
    expect(ages.fresh(BATCH.slice(0, 2), undefined)).toEqual(BATCH.slice(0, 2));
    expect(ages.fresh(BATCH.slice(2), undefined)).toEqual(BATCH.slice(2));
    expect(ages.fresh(BATCH.slice(0, 1), undefined)).toHaveLength(1);
    expect(notices.warnings).toEqual([
      { kind: 'beyond-backend-history', count: 3, firstId: 1, message: 'victoriametrics' },
    ]);
  });

  it('says nothing of a silent history where nothing is sent (a dry run, a file export)', () => {
    const { ages, notices } = limits(
      { silentHorizon: { backend: 'victoriametrics', ageMs: 3 * DAY } },
      false,
    );
    expect(ages.fresh(BATCH, undefined)).toEqual(BATCH);
    expect(notices.warnings).toEqual([]);
  });
});
