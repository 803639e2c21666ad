import { coalesce, coverage, gapsBetween } from '../../src/source/id-ranges.js';
import { tokfEvent } from '../helpers/events.js';

describe('id ranges', () => {
  it('coalesces overlapping and touching ranges, in order', () => {
    expect(
      coalesce([
        { first: 10, last: 12 },
        { first: 1, last: 3 },
        { first: 4, last: 5 },
        { first: 11, last: 20 },
        { first: 30, last: 30 },
      ]),
    ).toEqual([
      { first: 1, last: 5 },
      { first: 10, last: 20 },
      { first: 30, last: 30 },
    ]);
  });

  it('finds the gaps inside bounds', () => {
    const covered = [
      { first: 3, last: 5 },
      { first: 8, last: 8 },
    ];
    expect(gapsBetween(covered, 1, 10)).toEqual([
      { first: 1, last: 2 },
      { first: 6, last: 7 },
      { first: 9, last: 10 },
    ]);
    expect(gapsBetween(covered, 3, 5)).toEqual([]);
    expect(gapsBetween([], 1, 0)).toEqual([]);
    expect(gapsBetween([{ first: 1, last: 100 }], 1, 50)).toEqual([]);
    expect(gapsBetween([{ first: 0, last: 4 }], 2, 9)).toEqual([{ first: 5, last: 9 }]);
  });
});

describe('coverage', () => {
  it('joins events whose cover starts right after the previous id, across deleted ids', () => {
    const e = (id: number, coverFrom: number) =>
      tokfEvent(id, '2026-03-05T10:22:13Z', { coverFrom });
    expect(coverage([e(1, 1), e(3, 2), e(4, 4), e(9, 7), e(10, 10)])).toEqual([
      { first: 1, last: 4 },
      { first: 7, last: 10 },
    ]);
    expect(coverage([])).toEqual([]);
  });
});
