import { parseKeyValueList } from '../../src/config/key-values.js';
import { UsageError } from '../../src/errors.js';

describe('parseKeyValueList', () => {
  it('parses pairs, trims keys and values, and percent-decodes values', () => {
    const parsed = parseKeyValueList(' a = 1 ,Authorization=Bearer%20x%3Dy, empty= ', '--headers');
    expect([...parsed]).toEqual([
      ['a', '1'],
      ['Authorization', 'Bearer x=y'],
      ['empty', ''],
    ]);
  });

  it('keeps everything after the first "=" as the value', () => {
    expect(parseKeyValueList('k=a=b', 'X').get('k')).toBe('a=b');
  });

  it('takes line breaks as separators too (one header per line in a workflow block)', () => {
    expect([...parseKeyValueList('a=1\r\nb=2%0A\n\nc=3,d=4\n', 'X')]).toEqual([
      ['a', '1'],
      ['b', '2\n'],
      ['c', '3'],
      ['d', '4'],
    ]);
  });

  it('treats blank text and blank items as nothing', () => {
    expect(parseKeyValueList('  ', 'X').size).toBe(0);
    expect(parseKeyValueList('a=1,,b=2,', 'X').size).toBe(2);
  });

  it('rejects an item without "=", naming the source but not echoing the item', () => {
    expect(() => parseKeyValueList('a=1,supersecrettoken', '--headers')).toThrow(UsageError);
    try {
      parseKeyValueList('a=1,supersecrettoken', '--headers');
    } catch (err) {
      expect((err as Error).message).toMatch(/^--headers: item 2 has no "="/);
      expect((err as Error).message).not.toContain('supersecret');
    }
  });

  it('rejects an empty key and bad percent-encoding', () => {
    expect(() => parseKeyValueList('=v', 'X')).toThrow(/empty key/);
    expect(() => parseKeyValueList('k=%zz', 'X')).toThrow(/percent-encoding/);
  });
});
