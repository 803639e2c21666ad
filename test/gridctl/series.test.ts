import { advanceSeries, emptySeries, type ServerSeries } from '../../src/gridctl/series.js';
import { readSnapshot, type SnapshotLine } from '../../src/gridctl/snapshot-line.js';
import { legacyLine, promptUsageLine, ServerFlusher } from '../helpers/gridctl-fixture.js';

const T = 1_777_550_400_000_000_000n;
const MIN = 60_000_000_000n;

function snap(text: string): SnapshotLine {
  const read = readSnapshot(JSON.parse(text));
  if (read.kind !== 'line') throw new Error(read.reason);
  return read.line;
}

/** Runs lines through the series, cumulative and delta; the points by series name and value. */
function run(
  lines: string[],
  temporality: 'cumulative' | 'delta',
  state: ServerSeries = emptySeries(),
) {
  const out: {
    name: string;
    attrs: Record<string, string>;
    value: number;
    start: bigint;
    time: bigint;
  }[] = [];
  for (const text of lines) {
    const { points, after } = advanceSeries(state, snap(text), temporality);
    state = after;
    for (const p of points)
      out.push({
        name: p.instrument.name,
        attrs: p.attributes,
        value: p.value,
        start: p.startNs,
        time: p.timeNs,
      });
  }
  return { out, state };
}

describe('MetricsSnapshotLine reading', () => {
  it('reads the reset marker as a marker, legacy lines without cost, and refuses wrong shapes', () => {
    const f = new ServerFlusher('s');
    const [marker, reset] = f.flush(T, { tokens: { input: 5, output: 1 } });
    expect(snap(marker!)).toMatchObject({ marker: true, reset: true });
    expect(snap(reset!)).toMatchObject({
      marker: false,
      reset: true,
      hasCost: false,
      total: { input_tokens: 5 },
    });
    expect(
      snap(legacyLine(T, 's', { input: 1, output: 1 }, { input: 1, output: 1 })),
    ).toMatchObject({ hasCost: false, reset: false });
    const bad = (v: object) => readSnapshot(v as never);
    expect(bad({ ts: '2026-04-30T12:00:00Z' })).toMatchObject({
      kind: 'bad',
      reason: expect.stringMatching(/server/),
    });
    expect(bad({ ts: '2026-04-30T12:00:00Z', server: 's', reset: 'yes' })).toMatchObject({
      kind: 'bad',
      reason: expect.stringMatching(/reset is not true or false/),
    });
    expect(
      bad({ ts: '2026-04-30T12:00:00Z', server: 's', total: { input_tokens: 1.5 } }),
    ).toMatchObject({
      kind: 'bad',
      reason: expect.stringMatching(/total.input_tokens is not a whole number/),
    });
    expect(bad({ ts: '2026-04-30T12:00:00Z', server: 's', tool_usage: [] })).toMatchObject({
      kind: 'bad',
      reason: expect.stringMatching(/tool_usage is not an object/),
    });
  });
});

describe('series from metrics lines', () => {
  const f = new ServerFlusher('github');
  const lines = [
    ...f.flush(T, { tokens: { input: 100, output: 10 }, cost: { input: 1_000_001 } }),
    ...f.flush(T + MIN, {
      tokens: { input: 150, output: 20 },
      cost: { input: 1_500_003, output: 7 },
    }),
    // restart
    ...f.flush(T + 2n * MIN, { tokens: { input: 30, output: 5 }, cost: { input: 3 } }),
    // ClearCost: cost only
    ...f.flush(T + 3n * MIN, { tokens: { input: 60, output: 9 }, cost: { input: 1 } }),
  ];

  it('cumulative: the totals each line states, from the last reset (cost from the last cost reset)', () => {
    const { out } = run(lines, 'cumulative');
    const input = out.filter(
      (p) => p.name === 'gridctl.token.usage' && p.attrs['gen_ai.token.type'] === 'input',
    );
    expect(input.map((p) => [p.value, p.start, p.time])).toEqual([
      [100, T, T],
      [150, T, T + MIN],
      [30, T + 2n * MIN, T + 2n * MIN],
      [60, T + 2n * MIN, T + 3n * MIN],
    ]);
    const cost = out.filter(
      (p) => p.name === 'gridctl.cost' && p.attrs['gridctl.cost.type'] === 'input',
    );
    expect(cost.map((p) => [p.value, p.start])).toEqual([
      [1_000_001, T],
      [1_500_003, T],
      [3, T + 2n * MIN],
      [1, T + 3n * MIN],
    ]);
  });

  it("delta: each line's gain since the line before; over the lines, the diffs gridctl wrote", () => {
    const { out } = run(lines, 'delta');
    const input = out.filter(
      (p) => p.name === 'gridctl.token.usage' && p.attrs['gen_ai.token.type'] === 'input',
    );
    const diffs = lines
      .map((l) => JSON.parse(l))
      .filter((l) => l.diff !== undefined)
      .map((l) => l.diff.input_tokens);
    expect(input.map((p) => p.value)).toEqual(diffs);
    expect(input.map((p) => [p.start, p.time])).toEqual([
      [T - MIN, T],
      [T, T + MIN],
      [T + MIN, T + 2n * MIN],
      [T + 2n * MIN, T + 3n * MIN],
    ]);
    const costMicro = out.filter((p) => p.name === 'gridctl.cost').reduce((s, p) => s + p.value, 0);
    const costDiffs = lines
      .map((l) => JSON.parse(l))
      .reduce(
        (s, l) =>
          s +
          Object.values((l.cost_diff ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0),
        0,
      );
    expect(costMicro).toBe(costDiffs);
  });

  it('picks up from a recorded state as if the lines had been read in one go', () => {
    const whole = run(lines, 'cumulative').out;
    const first = run(lines.slice(0, 3), 'cumulative');
    const rest = run(lines.slice(3), 'cumulative', JSON.parse(JSON.stringify(first.state)));
    expect([...first.out, ...rest.out]).toEqual(whole);
  });

  it('a skill whose count went down (a restart gridctl marks with nothing) starts again; no token series for __skills__', () => {
    const { out } = run(
      [
        promptUsageLine(T, { review: { calls: 4 } }),
        promptUsageLine(T + MIN, { review: { calls: 6 } }),
        promptUsageLine(T + 2n * MIN, { review: { calls: 1 } }),
      ],
      'cumulative',
    );
    expect(out.map((p) => [p.name, p.attrs['gen_ai.prompt.name'], p.value, p.start])).toEqual([
      ['gridctl.prompt.calls', 'review', 4, T],
      ['gridctl.prompt.calls', 'review', 6, T],
      ['gridctl.prompt.calls', 'review', 1, T + 2n * MIN],
    ]);
  });

  it('tools: calls, tokens and cost per tool; fields gridctl omits as zero read as zero once seen', () => {
    const g = new ServerFlusher('github');
    const { out } = run(
      [
        ...g.flush(T, {
          tokens: { input: 10, output: 1 },
          cost: { input: 5 },
          tools: { search: { calls: 1, input: 10, output: 1, cost: 5 } },
        }),
        ...g.flush(T + MIN, {
          tokens: { input: 10, output: 1 },
          cost: { input: 5 },
          tools: { search: { calls: 2, input: 10, output: 1, cost: 5 }, noop: { calls: 1 } },
        }),
      ],
      'cumulative',
    );
    const at = (name: string, tool: string) =>
      out
        .filter((p) => p.name === name && p.attrs['gen_ai.tool.name'] === tool)
        .map((p) => p.value);
    expect(at('gridctl.tool.calls', 'search')).toEqual([1, 2]);
    expect(at('gridctl.tool.cost', 'search')).toEqual([5, 5]);
    expect(at('gridctl.tool.calls', 'noop')).toEqual([1]);
    // noop never had tokens or cost: no such series.
    expect(at('gridctl.tool.cost', 'noop')).toEqual([]);
    expect(at('gridctl.tool.token.usage', 'noop')).toEqual([]);
  });
});
