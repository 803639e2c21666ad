import type { TokfEvent } from './tokf-event.js';

/** A closed interval of event ids: every existing event with first <= id <= last. */
export interface IdRange {
  first: number;
  last: number;
}

/** Sorts and merges ranges that overlap or touch, so [1,3] and [4,9] become [1,9]. */
export function coalesce(ranges: readonly IdRange[]): IdRange[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  const out: IdRange[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev !== undefined && r.first <= prev.last + 1) {
      prev.last = Math.max(prev.last, r.last);
    } else {
      out.push({ first: r.first, last: r.last });
    }
  }
  return out;
}

/** The fewest ranges that hold exactly these ids. */
export function rangesOfIds(ids: readonly number[]): IdRange[] {
  return coalesce(ids.map((id) => ({ first: id, last: id })));
}

/** The parts of [lo, hi] that no range covers, in order. */
export function gapsBetween(covered: readonly IdRange[], lo: number, hi: number): IdRange[] {
  const gaps: IdRange[] = [];
  let next = lo;
  for (const r of coalesce(covered)) {
    if (r.last < next) continue;
    if (r.first > hi) break;
    if (r.first > next) gaps.push({ first: next, last: r.first - 1 });
    next = r.last + 1;
  }
  if (next <= hi) gaps.push({ first: next, last: hi });
  return gaps;
}

/** The id ranges a set of events stands for once acknowledged (see TokfEvent.coverFrom). */
export function coverage(events: readonly Pick<TokfEvent, 'id' | 'coverFrom'>[]): IdRange[] {
  const ranges: IdRange[] = [];
  for (const e of events) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && e.coverFrom === last.last + 1) last.last = e.id;
    else ranges.push({ first: e.coverFrom, last: e.id });
  }
  return ranges;
}
