import type { DayTotals, SyncResult, TokenTotals } from '../engine/index.js';

/** Totals over several results. */
export function combine(results: readonly SyncResult[]) {
  const total = {
    refusedEvents: 0,
    alreadyHeld: 0,
    tooOld: 0,
    tooOldForEndpoint: 0,
    selectedSetAside: 0,
    selectedPending: 0,
    selected: 0,
    delivered: 0,
    rejectedPoints: 0,
    pending: 0,
    requests: 0,
    retries: 0,
    failedRequests: 0,
    setAside: 0,
    points: {} as Record<string, number>,
    tokens: { events: 0, input: 0, output: 0, saved: 0 } as TokenTotals,
    daily: [] as DayTotals[],
  };
  const days = new Map<string, DayTotals>();
  for (const r of results) {
    total.selected += r.selected;
    total.delivered += r.delivered;
    total.rejectedPoints += r.rejectedPoints;
    total.refusedEvents += r.refusedEvents;
    total.alreadyHeld += r.alreadyHeld;
    total.tooOld += r.tooOld;
    total.tooOldForEndpoint += r.tooOldForEndpoint;
    total.selectedSetAside += r.selectedSetAside;
    total.selectedPending += r.selectedPending;
    total.pending = total.pending < 0 || r.pending < 0 ? -1 : total.pending + r.pending;
    total.requests += r.requests;
    total.retries += r.retries;
    total.failedRequests += r.failedRequests;
    // -1: a run could not count; the total is unknown then.
    total.setAside = total.setAside < 0 || r.setAside < 0 ? -1 : total.setAside + r.setAside;
    for (const [k, v] of Object.entries(r.points)) total.points[k] = (total.points[k] ?? 0) + v;
    total.tokens.events += r.tokens.events;
    total.tokens.input += r.tokens.input;
    total.tokens.output += r.tokens.output;
    total.tokens.saved += r.tokens.saved;
    for (const d of r.daily) {
      const same = days.get(d.day);
      if (same === undefined) days.set(d.day, { ...d });
      else {
        same.events += d.events;
        same.tokensSaved += d.tokensSaved;
      }
    }
  }
  total.daily = [...days.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return total;
}
