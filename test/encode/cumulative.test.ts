import { aggregate } from '../../src/encode/aggregate.js';
import { cumulate, seriesKey, type SeriesTotals } from '../../src/encode/cumulative.js';
import { INVOCATIONS, TOKEN_USAGE } from '../../src/encode/instruments.js';
import { tokfEvent } from '../helpers/events.js';

const RESOURCE = { 'service.name': 'tokf', 'cicd.pipeline.run.id': '42' };
const at = (id: number, t: string, command = 'cargo test', inputTokens = 1000) =>
  tokfEvent(id, `2026-03-05T10:00:${t}Z`, { command, inputTokens, outputTokens: 200 });
const T0 = Date.parse('2026-03-05T10:00:00Z') / 1000;

function run(events: ReturnType<typeof at>[], ledger = new Map<string, SeriesTotals>()) {
  const { points, totals } = cumulate(aggregate(events), ledger, RESOURCE);
  return { invocations: points.get(INVOCATIONS)!, usage: points.get(TOKEN_USAGE)!, totals };
}

describe('cumulate', () => {
  it('carries running totals per series, from one start time', () => {
    const { invocations } = run([at(1, '01'), at(2, '01'), at(3, '05'), at(4, '09', 'git status')]);
    const cargo = invocations.filter((p) => p.attributes['tokf.command'] === 'cargo test');
    expect(cargo.map((p) => [p.epochSeconds - T0, p.sum, p.startSeconds! - T0])).toEqual([
      [1, 2, 0],
      [5, 3, 0],
    ]);
    const git = invocations.filter((p) => p.attributes['tokf.command'] === 'git status');
    expect(git.map((p) => [p.epochSeconds - T0, p.sum, p.startSeconds! - T0])).toEqual([[9, 1, 8]]);
  });

  it('adds histograms up: count, sum, buckets, min and max over the series life', () => {
    const { usage } = run([at(1, '01', 'x', 5), at(2, '03', 'x', 7000)]);
    const input = usage.filter((p) => p.attributes['gen_ai.token.type'] === 'input');
    expect(input.map((p) => p.histogram)).toEqual([
      expect.objectContaining({ count: 1, sum: 5, min: 5, max: 5 }),
      expect.objectContaining({ count: 2, sum: 7005, min: 5, max: 7000 }),
    ]);
    expect(input[1]!.histogram!.bucketCounts.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('turns one-observation points into totals without touching the counts they share', () => {
    const events = [at(1, '01', 'x', 100), at(2, '02', 'x', 100), at(3, '03', 'y', 100)];
    const { usage } = run(events);
    const input = usage.filter((p) => p.attributes['gen_ai.token.type'] === 'input');
    const x = input.filter((p) => p.attributes['tokf.command'] === 'x');
    expect(x.map((p) => p.histogram!.bucketCounts[6])).toEqual([1, 2]);
    // Points aggregated afresh still hold one observation each.
    const fresh = aggregate(events).get(TOKEN_USAGE)!;
    for (const p of fresh) expect(p.histogram!.bucketCounts.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('continues a series from the ledger: same start, totals on top', () => {
    const first = run([at(1, '01'), at(2, '02')]);
    const ledger = new Map(first.totals);
    const second = run([at(3, '10')], ledger);
    const [p] = second.invocations;
    expect([p!.sum, p!.startSeconds! - T0, p!.epochSeconds - T0]).toEqual([3, 0, 10]);
    // The ledger given is not changed: totals are recorded only once acknowledged.
    const key = seriesKey(RESOURCE, INVOCATIONS, p!.attributes);
    expect(ledger.get(key)!.sum).toBe(2);
    expect(second.totals.get(key)!.sum).toBe(3);
  });

  it('counts events at or before the last point into the next point, so totals stay exact', () => {
    const ledger = new Map(run([at(1, '10')]).totals);
    // A gap filled later: events at :05 and :10 arrive after the series reached :10.
    const { invocations } = run([at(2, '05'), at(3, '10'), at(4, '12')], ledger);
    expect(invocations.map((p) => [p.epochSeconds - T0, p.sum])).toEqual([[12, 4]]);
    // With no later event, the late ones go one second after the last point.
    const alone = run([at(5, '03')], ledger).invocations;
    expect(alone.map((p) => [p.epochSeconds - T0, p.sum])).toEqual([[11, 2]]);
  });

  it('keys series by the naming resource attributes only, so a new CI run continues them', () => {
    const attrs = { 'tokf.command': 'x' };
    expect(
      seriesKey({ 'service.name': 'tokf', 'cicd.pipeline.run.id': '1' }, INVOCATIONS, attrs),
    ).toBe(seriesKey({ 'service.name': 'tokf', 'cicd.pipeline.run.id': '2' }, INVOCATIONS, attrs));
    expect(seriesKey({ 'service.name': 'a' }, INVOCATIONS, attrs)).not.toBe(
      seriesKey({ 'service.name': 'b' }, INVOCATIONS, attrs),
    );
  });
});
