import { isDate, isNumberOrDateTime } from '../../src/config/toml-scalars.js';

/** Each token, with whether it is a well-formed number or date-time, so a failure names it. */
function expectScalars(tokens: readonly string[], wellFormed: boolean): void {
  for (const token of tokens) {
    expect([token, isNumberOrDateTime(token)]).toEqual([token, wellFormed]);
  }
}

describe('TOML scalars, as the toml crate takes them', () => {
  it('takes integers in every base, within 64 bits, with single underscores between digits', () => {
    expectScalars(
      [
        '0',
        '+17',
        '-17',
        '1_000',
        '9223372036854775807',
        '-9223372036854775808',
        '0xDEAD_BEEF',
        '0o755',
        '0b1101',
      ],
      true,
    );
    expectScalars(
      [
        '9223372036854775808',
        '-9223372036854775809',
        '0x8000000000000000',
        '01',
        '1__0',
        '_1',
        '1_',
        '0x',
        '0xG',
        '+0x1',
      ],
      false,
    );
  });

  it('takes floats with a fraction or an exponent, and inf and nan, but not an overflow', () => {
    expectScalars(['3.14', '-0.01', '5e+22', '1e06', '6.626e-34', 'inf', '-inf', '+nan'], true);
    expectScalars(['.5', '5.', '1e', '1.e5', 'infinity', '1e400', 'true'], false);
  });

  it('takes dates and times whose fields are valid: leap years, a leap second, offsets within a day', () => {
    expectScalars(
      [
        '1979-05-27',
        '2024-02-29',
        '2000-02-29',
        '07:32:00',
        '07:32',
        '00:32:00.999999',
        '23:59:60',
        '1979-05-27T07:32:00Z',
        '1979-05-27t07:32:00z',
        '1979-05-27T00:32:00-07:00',
        '1979-05-27T07:32:00',
      ],
      true,
    );
    expectScalars(
      [
        '2023-02-29',
        '1900-02-29',
        '2026-13-01',
        '2026-00-10',
        '2026-04-31',
        '24:00:00',
        '23:60:00',
        '23:59:61',
        '1979-05-27T07:32:00+24:00',
        '1979-05-27T07:32:00+23:60',
        '1979-05-27T',
      ],
      false,
    );
  });

  it('tells a date by its shape, for a date and a time separated by a space', () => {
    expect(isDate('2026-11-29')).toBe(true);
    expect(isDate('2026-13-40')).toBe(true);
    expect(isDate('2026-1-29')).toBe(false);
    expect(isDate('2026-11-29T10:00:00')).toBe(false);
  });
});
