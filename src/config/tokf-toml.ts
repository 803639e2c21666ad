/**
 * A reader of TOML documents, written for tokf's `config.toml` (tokf reads it with the `toml`
 * crate, TOML 1.1). It parses the whole document, as tokf must before it takes anything from it:
 * a file that is not TOML is ignored by tokf, so it is by us. Strings and booleans are kept;
 * other values (numbers, dates, arrays) are checked for their syntax and kept only as present.
 * It follows TOML 1.1's rules for keys, strings (escapes \e and \xHH included), multi-line inline
 * tables, times without seconds, and for defining a key or a table once. What it leaves out:
 * recursion limits on deeply nested values.
 */

import { SCALAR_CHAR, isDate, isNumberOrDateTime } from './toml-scalars.js';

export type TomlLeaf =
  { type: 'string'; value: string } | { type: 'boolean'; value: boolean } | { type: 'other' };

/**
 * How a table came to be, which decides what may still be added to it:
 * - header: `[a]`; defined once.
 * - implicit: made by a longer header (`[a.b]` makes `a`); a header may still define it once.
 * - dotted: made by a dotted key (`a.b = 1` makes `a`); only dotted keys may add to it.
 * - inline: `{ ... }`; closed once written.
 */
type Origin = 'header' | 'implicit' | 'dotted' | 'inline';

export class TomlTable {
  readonly entries = new Map<string, TomlTable | TomlTableArray | TomlLeaf>();
  constructor(public origin: Origin) {}
}

/** `[[a]]`: an array of tables, which later `[[a]]` headers extend. */
export class TomlTableArray {
  readonly tables: TomlTable[] = [];
}

/** The document's root table, or undefined when the text is not TOML. */
export function parseToml(text: string): TomlTable | undefined {
  try {
    return new Parser(text).document();
  } catch (err) {
    if (err instanceof TomlSyntaxError) return undefined;
    throw err;
  }
}

/** The string at a key path (`['telemetry', 'service_name']`), through tables, if there is one. */
export function tomlString(root: TomlTable, path: readonly string[]): string | undefined {
  const leaf = tomlLeaf(root, path);
  return leaf?.type === 'string' ? leaf.value : undefined;
}

/** The boolean at a key path, if there is one. */
export function tomlBoolean(root: TomlTable, path: readonly string[]): boolean | undefined {
  const leaf = tomlLeaf(root, path);
  return leaf?.type === 'boolean' ? leaf.value : undefined;
}

function tomlLeaf(root: TomlTable, path: readonly string[]): TomlLeaf | undefined {
  let node: TomlTable | TomlTableArray | TomlLeaf | undefined = root;
  for (const key of path) {
    if (!(node instanceof TomlTable)) return undefined;
    node = node.entries.get(key);
  }
  return node instanceof TomlTable || node instanceof TomlTableArray ? undefined : node;
}

class TomlSyntaxError extends Error {}

const BARE_KEY = /[A-Za-z0-9_-]/;
const LINE_ENDING_BACKSLASH = /\\[ \t]*\r?\n/y;

class Parser {
  private pos = 0;
  private readonly root = new TomlTable('header');

  constructor(private readonly text: string) {
    // A byte order mark is not part of the document (the toml crate skips it too).
    if (text.startsWith('\uFEFF')) this.pos = 1;
  }

  document(): TomlTable {
    let current = this.root;
    for (;;) {
      this.skipSpaces();
      if (this.atEnd()) return this.root;
      const ch = this.peek();
      if (ch === '#' || ch === '\n' || ch === '\r') {
        this.endOfLine();
        continue;
      }
      if (ch === '[') current = this.header();
      else this.keyValue(current);
      this.endOfLine();
    }
  }

  // --- lines, whitespace and comments ---------------------------------------------------------

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private peek(offset = 0): string {
    return this.text.charAt(this.pos + offset);
  }

  private startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  private fail(what: string): never {
    throw new TomlSyntaxError(`${what} at offset ${this.pos}`);
  }

  private skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos += 1;
  }

  /** Whitespace, comments and newlines, as allowed inside arrays and inline tables. */
  private skipBlank(): void {
    for (;;) {
      this.skipSpaces();
      const ch = this.peek();
      if (ch === '#') this.comment();
      else if (ch === '\n') this.pos += 1;
      else if (this.startsWith('\r\n')) this.pos += 2;
      else return;
    }
  }

  private comment(): void {
    this.pos += 1;
    while (!this.atEnd() && this.peek() !== '\n') {
      if (this.startsWith('\r\n')) return;
      if (isControl(this.peek())) this.fail('control character in a comment');
      this.pos += 1;
    }
  }

  /** Optional spaces and comment, then a newline or the end of the text. */
  private endOfLine(): void {
    this.skipSpaces();
    if (this.peek() === '#') this.comment();
    if (this.atEnd()) return;
    if (this.peek() === '\n') this.pos += 1;
    else if (this.startsWith('\r\n')) this.pos += 2;
    else this.fail('expected the end of the line');
  }

  // --- keys and tables --------------------------------------------------------------------------

  /** A key, dotted or not: its parts, unquoted. */
  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const ch = this.peek();
      if (ch === '"') {
        if (this.startsWith('"""')) this.fail('a multi-line string cannot be a key');
        parts.push(this.basicString());
      } else if (ch === "'") {
        if (this.startsWith("'''")) this.fail('a multi-line string cannot be a key');
        parts.push(this.literalString());
      } else {
        const start = this.pos;
        while (BARE_KEY.test(this.peek())) this.pos += 1;
        if (this.pos === start) this.fail('expected a key');
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipSpaces();
      if (this.peek() !== '.') return parts;
      this.pos += 1;
    }
  }

  /** `[a.b]` or `[[a.b]]`: the table that the following keys go into. */
  private header(): TomlTable {
    const array = this.startsWith('[[');
    this.pos += array ? 2 : 1;
    const keys = this.key();
    if (!this.startsWith(array ? ']]' : ']')) this.fail('expected the end of a table header');
    this.pos += array ? 2 : 1;
    let table = this.root;
    for (const key of keys.slice(0, -1)) {
      const node = table.entries.get(key);
      if (node === undefined) {
        const made = new TomlTable('implicit');
        table.entries.set(key, made);
        table = made;
      } else if (node instanceof TomlTableArray) {
        table = node.tables.at(-1)!;
      } else if (node instanceof TomlTable && node.origin !== 'inline') {
        table = node;
      } else {
        this.fail(`"${key}" is not a table`);
      }
    }
    const last = keys.at(-1)!;
    const node = table.entries.get(last);
    if (array) {
      let tables: TomlTableArray;
      if (node === undefined) {
        tables = new TomlTableArray();
        table.entries.set(last, tables);
      } else if (node instanceof TomlTableArray) {
        tables = node;
      } else {
        return this.fail(`"${last}" is not an array of tables`);
      }
      const made = new TomlTable('header');
      tables.tables.push(made);
      return made;
    }
    if (node === undefined) {
      const made = new TomlTable('header');
      table.entries.set(last, made);
      return made;
    }
    if (node instanceof TomlTable && node.origin === 'implicit') {
      node.origin = 'header';
      return node;
    }
    return this.fail(`table "${keys.join('.')}" is defined twice`);
  }

  /** `key = value` into a table; a dotted key makes or extends the tables on its way. */
  private keyValue(into: TomlTable): void {
    const keys = this.key();
    if (this.peek() !== '=') this.fail('expected "=" after a key');
    this.pos += 1;
    this.skipSpaces();
    const value = this.value();
    let table = into;
    for (const key of keys.slice(0, -1)) {
      const node = table.entries.get(key);
      if (node === undefined) {
        const made = new TomlTable('dotted');
        table.entries.set(key, made);
        table = made;
      } else if (
        node instanceof TomlTable &&
        (node.origin === 'dotted' || node.origin === 'implicit')
      ) {
        node.origin = 'dotted';
        table = node;
      } else {
        this.fail(`"${key}" cannot take more keys here`);
      }
    }
    const last = keys.at(-1)!;
    if (table.entries.has(last)) this.fail(`key "${keys.join('.')}" is defined twice`);
    table.entries.set(last, value);
  }

  // --- values -----------------------------------------------------------------------------------

  private value(): TomlTable | TomlLeaf {
    const ch = this.peek();
    if (ch === '"') {
      return {
        type: 'string',
        value: this.startsWith('"""') ? this.multiLineBasicString() : this.basicString(),
      };
    }
    if (ch === "'") {
      return {
        type: 'string',
        value: this.startsWith("'''") ? this.multiLineLiteralString() : this.literalString(),
      };
    }
    if (ch === '[') return this.array();
    if (ch === '{') return this.inlineTable();
    return this.scalar();
  }

  private array(): TomlLeaf {
    this.pos += 1;
    for (;;) {
      this.skipBlank();
      if (this.peek() === ']') break;
      this.value();
      this.skipBlank();
      if (this.peek() === ',') this.pos += 1;
      else if (this.peek() === ']') break;
      else this.fail('expected "," or "]" in an array');
    }
    this.pos += 1;
    return { type: 'other' };
  }

  /** TOML 1.1: may span lines and end with a comma. */
  private inlineTable(): TomlTable {
    this.pos += 1;
    const table = new TomlTable('dotted');
    for (;;) {
      this.skipBlank();
      if (this.peek() === '}') break;
      this.keyValue(table);
      this.skipBlank();
      if (this.peek() === ',') this.pos += 1;
      else if (this.peek() === '}') break;
      else this.fail('expected "," or "}" in an inline table');
    }
    this.pos += 1;
    close(table);
    return table;
  }

  /** A boolean, number, date or time. */
  private scalar(): TomlLeaf {
    const start = this.pos;
    while (SCALAR_CHAR.test(this.peek())) this.pos += 1;
    let token = this.text.slice(start, this.pos);
    // A date and a time may be separated by a space.
    if (isDate(token) && this.peek() === ' ' && /^\d{2}:/.test(this.text.slice(this.pos + 1))) {
      this.pos += 1;
      while (SCALAR_CHAR.test(this.peek())) this.pos += 1;
      token = this.text.slice(start, this.pos).replace(' ', 'T');
    }
    if (token === 'true' || token === 'false') return { type: 'boolean', value: token === 'true' };
    if (isNumberOrDateTime(token)) return { type: 'other' };
    this.pos = start;
    return this.fail('expected a value');
  }

  // --- strings ----------------------------------------------------------------------------------

  private basicString(): string {
    this.pos += 1;
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string');
      const ch = this.peek();
      if (ch === '"') {
        this.pos += 1;
        return out;
      }
      if (ch === '\\') out += this.escape();
      else if (isControl(ch)) this.fail('control character in a string');
      else {
        out += ch;
        this.pos += 1;
      }
    }
  }

  private multiLineBasicString(): string {
    this.pos += 3;
    this.skipFirstNewline();
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string');
      if (this.startsWith('"""')) return out + this.closingQuotes('"');
      const ch = this.peek();
      if (ch === '\\') {
        // A backslash at the end of a line trims the newline and the whitespace that follows.
        LINE_ENDING_BACKSLASH.lastIndex = this.pos;
        if (LINE_ENDING_BACKSLASH.test(this.text)) {
          this.pos = LINE_ENDING_BACKSLASH.lastIndex;
          while (/[ \t\n]/.test(this.peek()) || this.startsWith('\r\n')) this.pos += 1;
        } else {
          out += this.escape();
        }
      } else if (this.startsWith('\r\n')) {
        out += '\r\n';
        this.pos += 2;
      } else if (ch === '\n') {
        out += ch;
        this.pos += 1;
      } else if (isControl(ch)) {
        this.fail('control character in a string');
      } else {
        out += ch;
        this.pos += 1;
      }
    }
  }

  private literalString(): string {
    this.pos += 1;
    const start = this.pos;
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string');
      const ch = this.peek();
      if (ch === "'") break;
      if (isControl(ch)) this.fail('control character in a string');
      this.pos += 1;
    }
    const out = this.text.slice(start, this.pos);
    this.pos += 1;
    return out;
  }

  private multiLineLiteralString(): string {
    this.pos += 3;
    this.skipFirstNewline();
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string');
      if (this.startsWith("'''")) return out + this.closingQuotes("'");
      const ch = this.peek();
      if (this.startsWith('\r\n')) {
        out += '\r\n';
        this.pos += 2;
      } else if (ch !== '\n' && isControl(ch)) {
        this.fail('control character in a string');
      } else {
        out += ch;
        this.pos += 1;
      }
    }
  }

  private skipFirstNewline(): void {
    if (this.peek() === '\n') this.pos += 1;
    else if (this.startsWith('\r\n')) this.pos += 2;
  }

  /** At three or more quotes closing a multi-line string: up to two more belong to it. */
  private closingQuotes(quote: string): string {
    let n = 0;
    while (this.peek(n) === quote) n += 1;
    if (n > 5) this.fail('too many quotes at the end of a string');
    this.pos += n;
    return quote.repeat(n - 3);
  }

  private escape(): string {
    const ch = this.peek(1);
    const simple: Record<string, string> = {
      b: '\b',
      t: '\t',
      n: '\n',
      f: '\f',
      r: '\r',
      e: '\x1b',
      '"': '"',
      '\\': '\\',
    };
    if (Object.hasOwn(simple, ch)) {
      this.pos += 2;
      return simple[ch]!;
    }
    const digits = ch === 'x' ? 2 : ch === 'u' ? 4 : ch === 'U' ? 8 : 0;
    if (digits === 0) this.fail('unknown escape in a string');
    const hex = this.text.slice(this.pos + 2, this.pos + 2 + digits);
    if (!new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(hex)) this.fail('bad escape in a string');
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      this.fail('escape that is not a Unicode scalar value');
    }
    this.pos += 2 + digits;
    return String.fromCodePoint(code);
  }
}

/** Inline tables and the tables inside them take nothing more once written. */
function close(table: TomlTable): void {
  table.origin = 'inline';
  for (const node of table.entries.values()) if (node instanceof TomlTable) close(node);
}

/** Control characters other than tab may not appear raw in strings and comments. */
function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && code !== 0x09) || code === 0x7f;
}
