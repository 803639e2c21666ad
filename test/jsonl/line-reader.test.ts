import { readLines, type RawLine } from '../../src/jsonl/line-reader.js';

async function lines(chunks: string[], start = 0, max = 100): Promise<RawLine[]> {
  async function* source() {
    for (const c of chunks) yield Buffer.from(c);
  }
  const out: RawLine[] = [];
  for await (const line of readLines(source(), start, max)) out.push(line);
  return out;
}

describe('readLines', () => {
  it('gives each line with its byte offsets, across chunk boundaries', async () => {
    const got = await lines(['ab', 'c\nd', 'é\n', '\nxy']);
    expect(got.map((l) => [l.bytes?.toString(), l.start, l.end, l.terminated])).toEqual([
      ['abc', 0, 4, true],
      ['dé', 4, 8, true],
      ['', 8, 9, true],
      ['xy', 9, 11, false],
    ]);
  });

  it('counts offsets from where the stream starts', async () => {
    const got = await lines(['x\n'], 1000);
    expect([got[0]!.start, got[0]!.end]).toEqual([1000, 1002]);
  });

  it('passes over a line longer than the limit without keeping it', async () => {
    const got = await lines(['0123', '456789', 'ab\nok\n'], 0, 5);
    expect(got.map((l) => [l.bytes?.toString(), l.length, l.end])).toEqual([
      [undefined, 12, 13],
      ['ok', 2, 16],
    ]);
  });
});
