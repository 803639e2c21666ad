import { combinedStatus, type SyncResult } from '../../src/engine/index.js';

type Status = SyncResult['status'];
const ALL: Status[] = ['delivered', 'partial', 'failed', 'exported', 'dry-run'];

describe('the status of several runs taken as one', () => {
  it('is the status of a single run', () => {
    for (const s of ALL) expect(combinedStatus([s])).toBe(s);
  });

  it('is failed only when every run failed, partial when any failed or was partial', () => {
    expect(combinedStatus(['failed', 'failed', 'failed'])).toBe('failed');
    expect(combinedStatus(['delivered', 'failed'])).toBe('partial');
    expect(combinedStatus(['partial', 'failed'])).toBe('partial');
    expect(combinedStatus(['delivered', 'partial', 'delivered'])).toBe('partial');
    expect(combinedStatus(['delivered', 'delivered'])).toBe('delivered');
  });

  it('does not depend on the order of the runs', () => {
    for (const a of ALL)
      for (const b of ALL)
        expect([a, b, combinedStatus([a, b])]).toEqual([a, b, combinedStatus([b, a])]);
    // A run that only wrote its file does not make a delivery "exported" (nor the other way).
    expect(combinedStatus(['exported', 'delivered'])).toBe('delivered');
    expect(combinedStatus(['dry-run', 'failed'])).toBe('dry-run');
  });

  it('needs at least one run', () => {
    expect(() => combinedStatus([])).toThrow('at least one run');
  });
});
