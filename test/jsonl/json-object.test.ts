import { readJsonObject } from '../../src/jsonl/json-object.js';

const line = (text: string) => readJsonObject(Buffer.from(text, 'utf8'), 'a test line');

describe('readJsonObject', () => {
  it('gives the object of a line that holds one', () => {
    expect(line('{"ts":"2026-01-01T00:00:00Z","n":1}')).toEqual({
      kind: 'object',
      value: { ts: '2026-01-01T00:00:00Z', n: 1 },
    });
  });

  it('passes over a line of only white space', () => {
    expect(line(' \t\r')).toEqual({ kind: 'blank' });
  });

  it("says why a line is not JSON, in the parser's words", () => {
    const read = line('{"ts":');
    expect(read.kind).toBe('bad');
    expect(read.kind === 'bad' && read.reason).toMatch(/^not JSON \(.+\)$/);
  });

  it.each(['[1,2]', 'null', '42', '"text"'])(
    'names the format for JSON that is no object: %s',
    (text) => {
      expect(line(text)).toEqual({ kind: 'bad', reason: 'not a test line: not a JSON object' });
    },
  );
});
