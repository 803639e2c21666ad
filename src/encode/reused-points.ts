/**
 * A metric's points as the transformer's protobuf writer reads them, without an object per point:
 * one data point object per metric, filled again for each point as the writer reaches it. The
 * writer goes through `dataPoints` with for...of, twice (it sizes the body, then writes it), and
 * is done with each point before it takes the next, so one object serves them all; a million
 * events made some twenty million short-lived objects here (points, their times, histogram values
 * and buckets), much of the encoding thread's garbage. Only for that writer: the JSON path maps
 * the points into arrays of its own, and test/encode/body-identity.test.ts holds the bodies equal
 * to those written from one object per point.
 */
export class ReusedPoints<Source, Point> implements Iterable<Point> {
  constructor(
    private readonly sources: readonly Source[],
    /** A fresh object to refill, one per pass. */
    private readonly make: () => Point,
    /** Writes `source`'s values into `into`. */
    private readonly fill: (into: Point, source: Source) => void,
  ) {}

  [Symbol.iterator](): Iterator<Point> {
    const { sources, fill } = this;
    const point = this.make();
    const step: IteratorResult<Point> = { value: point, done: false };
    const end: IteratorResult<Point> = { value: undefined, done: true };
    let i = 0;
    return {
      next(): IteratorResult<Point> {
        if (i >= sources.length) return end;
        fill(point, sources[i]!);
        i += 1;
        return step;
      },
    };
  }
}
