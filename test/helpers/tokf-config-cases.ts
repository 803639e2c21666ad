/**
 * tokf `config.toml` files and the service.name tokf 0.2.54 takes from each: `tokf` where the
 * file is not TOML (tokf then ignores all of it) or holds no string `telemetry.service_name`.
 * test/config/tokf-config.test.ts checks our reader against this table; test/e2e/live.e2e.ts
 * checks real tokf (`tokf telemetry status`) against the same table, so the two agree.
 */
export interface ConfigCase {
  name: string;
  toml: string;
  serviceName: string;
}

const S = '[telemetry]\nservice_name = "ok"\n';
/** A file whose other content must be valid TOML for `ok` to be read. */
const valid = (name: string, before: string): ConfigCase => ({
  name,
  toml: before + S,
  serviceName: 'ok',
});
/** A file made invalid by its other content: tokf ignores it and names the service `tokf`. */
const invalid = (name: string, before: string): ConfigCase => ({
  name,
  toml: before + S,
  serviceName: 'tokf',
});

export const CONFIG_CASES: readonly ConfigCase[] = [
  { name: 'the [telemetry] table', toml: '[telemetry]\nservice_name = "ci"\n', serviceName: 'ci' },
  {
    name: 'comments, CRLF, a literal string, other keys',
    toml: "# tokf\r\n[telemetry]\r\nenabled = true # on\r\nservice_name = 'lit' \t# name\r\n",
    serviceName: 'lit',
  },
  {
    name: 'a byte order mark',
    toml: '\uFEFF[telemetry]\nservice_name = "bom"\n',
    serviceName: 'bom',
  },
  {
    name: 'a dotted key at the root',
    toml: 'telemetry.service_name = "dotted"\n',
    serviceName: 'dotted',
  },
  {
    name: 'an inline table',
    toml: 'telemetry = { service_name = "inline", enabled = false }\n',
    serviceName: 'inline',
  },
  {
    name: 'a multi-line inline table with a trailing comma (TOML 1.1)',
    toml: 'telemetry = {\n  service_name = "inline-ml", # c\n  enabled = false,\n}\n',
    serviceName: 'inline-ml',
  },
  {
    name: 'quoted keys and a spaced header',
    toml: '[ "telemetry" ]\n\'service_name\' = "quoted"\n',
    serviceName: 'quoted',
  },
  {
    name: 'escapes, \\e and \\x included (TOML 1.1)',
    toml: '[telemetry]\nservice_name = "a\\tb\\u00e9\\U0001F600\\e\\x41\\"\\\\"\n',
    serviceName: 'a\tb\u00e9\u{1F600}\u001bA"\\',
  },
  {
    name: 'a multi-line basic string with line-ending backslashes',
    toml: '[telemetry]\nservice_name = """\\\n   ml   \\\n\n  x"""\n',
    serviceName: 'ml   x',
  },
  {
    name: 'a multi-line basic string keeps CRLF and ends in quotes',
    toml: '[telemetry]\nservice_name = """\r\na\r\nb""""\n',
    serviceName: 'a\r\nb"',
  },
  {
    name: 'a multi-line literal string',
    toml: "[telemetry]\nservice_name = '''\nit's''''\n",
    serviceName: "it's'",
  },
  {
    name: 'a sub-table after it',
    toml: '[telemetry]\nservice_name = "a"\n[telemetry.headers]\nx-key = "1"\n',
    serviceName: 'a',
  },
  {
    name: 'the table after its sub-table',
    toml: '[telemetry.headers]\nx-key = "1"\n[telemetry]\nservice_name = "late"\n',
    serviceName: 'late',
  },
  {
    name: 'other tables, arrays and values of every kind',
    toml:
      '[[filters]]\nname = "x"\nlist = [1, 2.5, "s", [true], { a = 1 },]\n' +
      '[[filters]]\nwhen = 1979-05-27 07:32:00Z\nd = 1979-05-27\nt = 07:32\nhex = 0xDEAD_beef\n' +
      'nums = [\n  +inf, -nan, 1e05, 0.1e-3, -9223372036854775808, # c\n  0o777, 0b1,\n]\n' +
      'dt = [1979-05-27T07:32:00.123-07:00, 1979-05-27t07:32:60z, 2024-02-29, 00:00:00.5]\n' +
      'x."y".\'z\' = 1\n"" = 2\n[telemetry]\nservice_name = "mixed"',
    serviceName: 'mixed',
  },
  {
    name: 'a table header after dotted keys below it',
    toml: 'a.b.c = 1\n[a.b.d]\n[telemetry]\nservice_name = "sub"\n',
    serviceName: 'sub',
  },
  {
    name: 'a dotted key into a table a header only implied',
    toml: '[x.y.z]\n[x]\ny.w = 1\n[telemetry]\nservice_name = "implied"\n',
    serviceName: 'implied',
  },
  {
    name: 'headers of an array of tables and of its sub-table',
    toml: '[[a]]\n[a.b]\n[[a]]\n[a.b]\n[telemetry]\nservice_name = "arrays"\n',
    serviceName: 'arrays',
  },
  {
    name: 'Unicode in the value',
    toml: '[telemetry]\nservice_name = "sérvice ✓"\n',
    serviceName: 'sérvice ✓',
  },
  { name: 'an empty string', toml: '[telemetry]\nservice_name = ""\n', serviceName: '' },
  { name: 'no newline at the end', toml: '[telemetry]\nservice_name = "eof"', serviceName: 'eof' },
  { name: 'not a string', toml: '[telemetry]\nservice_name = 42\n', serviceName: 'tokf' },
  {
    name: 'an array of tables',
    toml: '[[telemetry]]\nservice_name = "arr"\n',
    serviceName: 'tokf',
  },
  { name: 'at the root', toml: 'service_name = "root"\n', serviceName: 'tokf' },
  { name: 'an empty file', toml: '', serviceName: 'tokf' },
  valid('a date in a leap year', 'x = 2024-02-29\n'),
  valid('the largest integer', 'x = 9223372036854775807\n'),
  valid('a hexadecimal integer at the limit', 'x = 0x7FFFFFFFFFFFFFFF\n'),
  valid('an escaped NUL', 'x = "\\u0000"\n'),
  valid('a tab in a literal string', "x = 'a\tb'\n"),
  valid('a date followed by a space', 'x = 1979-05-27 \n'),
  invalid('the same key twice', 'x = 1\nx = 2\n'),
  {
    name: 'service_name twice',
    toml: '[telemetry]\nservice_name = "a"\nservice_name = "b"\n',
    serviceName: 'tokf',
  },
  invalid('the same table twice', '[a]\n[a]\n'),
  invalid(
    'a table defined by a header twice through its sub-table',
    '[a]\n[a.b]\n[a.b.c]\n[a.b]\n',
  ),
  invalid('a header for a table dotted keys made', 'a.b = 1\n[a]\n'),
  invalid('a dotted key into a table a header made', '[a.b]\nx = 1\n[a]\nb.y = 2\n'),
  invalid('a header for a key holding a value', '[a]\nx = 1\n[a.x]\n'),
  invalid('a key into a value', 'a.b = 1\na.b.c = 2\n'),
  invalid('a key into an inline table', 'a = {}\na.b = 1\n'),
  invalid('a Unicode bare key', 'ä = 1\n'),
  invalid('a lone carriage return', 'x = 1\ry = 2\n'),
  invalid('an unterminated string', 'x = "abc\n'),
  invalid('six quotes closing a multi-line string', 'x = """a""""""\n'),
  invalid('a leading zero', 'x = 01\n'),
  invalid('an integer past 64 bits', 'x = 9223372036854775808\n'),
  invalid('a hexadecimal integer past 64 bits', 'x = 0x8000000000000000\n'),
  invalid('a signed hexadecimal integer', 'x = -0x1\n'),
  invalid('an underscore after a prefix', 'x = 0x_1\n'),
  invalid('two underscores', 'x = 1__0\n'),
  invalid('a float past the largest', 'x = 1e400\n'),
  invalid('a day the month does not have', 'x = 2021-02-30\n'),
  invalid('February 29 of a common year', 'x = 2023-02-29\n'),
  invalid('hour 24', 'x = 1979-05-27T24:00:00Z\n'),
  invalid('an offset of 24 hours', 'x = 1979-05-27T07:32:00+24:00\n'),
  invalid('an empty array item', 'a = [,]\n'),
  invalid('two values', 'x = 1 2\n'),
  invalid('a DEL in a comment', '# c \u007f\n'),
  invalid('a control character in a comment', '# c \u0001\n'),
  invalid('an escaped surrogate', 'x = "\\uD800"\n'),
  invalid('a space inside the brackets of an array table', '[ [a] ]\n'),
];
