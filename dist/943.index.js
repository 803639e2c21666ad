export const id = 943;
export const ids = [943];
export const modules = {

/***/ 10943:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runAction: () => (/* binding */ runAction)
});

// UNUSED EXPORTS: stepHeapFlags

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(33838);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
;// CONCATENATED MODULE: ./src/config/tokf-paths.ts


/**
 * Where tokf keeps its tracking database, by tokf's own rules: `TOKF_DB_PATH` wins over
 * `TOKF_HOME` (`$TOKF_HOME/tracking.db`), which wins over the platform's local data directory
 * (on Linux `$XDG_DATA_HOME/tokf/tracking.db`, else `~/.local/share/tokf/tracking.db`).
 */
function defaultTokfDbPath(env, home = (0,external_node_os_.homedir)(), platform = process.platform) {
    if (nonEmpty(env.TOKF_DB_PATH))
        return env.TOKF_DB_PATH;
    if (nonEmpty(env.TOKF_HOME))
        return (0,external_node_path_.join)(env.TOKF_HOME, 'tracking.db');
    return (0,external_node_path_.join)(localDataDir(env, home, platform), 'tokf', 'tracking.db');
}
// The `dirs` crate's data_local_dir, which tokf uses; it ignores a relative XDG_DATA_HOME.
function localDataDir(env, home, platform) {
    if (platform === 'darwin')
        return (0,external_node_path_.join)(home, 'Library', 'Application Support');
    if (platform === 'win32' && nonEmpty(env.LOCALAPPDATA))
        return env.LOCALAPPDATA;
    if (nonEmpty(env.XDG_DATA_HOME) && (0,external_node_path_.isAbsolute)(env.XDG_DATA_HOME))
        return env.XDG_DATA_HOME;
    return (0,external_node_path_.join)(home, '.local', 'share');
}
/**
 * The directory tokf reads its `config.toml` from (tokf's user directory): `$TOKF_HOME` when set,
 * else the platform's configuration directory with `tokf` appended (the `dirs` crate's
 * config_dir: on Linux `$XDG_CONFIG_HOME`, if absolute, else `~/.config`; on macOS
 * `~/Library/Application Support`; on Windows the roaming `%APPDATA%`).
 */
function tokfConfigDir(env, home = homeOf(env), platform = process.platform) {
    if (nonEmpty(env.TOKF_HOME))
        return env.TOKF_HOME;
    if (platform === 'darwin')
        return (0,external_node_path_.join)(home, 'Library', 'Application Support', 'tokf');
    if (platform === 'win32')
        return nonEmpty(env.APPDATA) ? (0,external_node_path_.join)(env.APPDATA, 'tokf') : undefined;
    if (nonEmpty(env.XDG_CONFIG_HOME) && (0,external_node_path_.isAbsolute)(env.XDG_CONFIG_HOME))
        return (0,external_node_path_.join)(env.XDG_CONFIG_HOME, 'tokf');
    return (0,external_node_path_.join)(home, '.config', 'tokf');
}
/** The home directory as the `dirs` crate finds it on Unix: `$HOME`, else the user's entry. */
function homeOf(env) {
    return process.platform !== 'win32' && nonEmpty(env.HOME) ? env.HOME : (0,external_node_os_.homedir)();
}
function nonEmpty(value) {
    return value !== undefined && value !== '';
}

;// CONCATENATED MODULE: ./src/config/toml-scalars.ts
/**
 * TOML 1.1's non-string scalars, as tokf's `toml` crate accepts them: booleans aside, integers
 * (decimal, hex, octal, binary, 64-bit), floats (with inf and nan) and dates and times whose fields
 * are valid (February 29th only in leap years, a leap second, offsets within a day). The reader
 * keeps none of their values, only whether they are well formed, as a file with a bad one is not
 * TOML and tokf ignores it whole.
 */
/** Characters of numbers, booleans, dates and times. */
const SCALAR_CHAR = /[A-Za-z0-9_+\-.:]/;
const DEC_INT = /^[+-]?(?:0|[1-9](?:_?\d)*)$/;
const PREFIXED_INT = /^(?:0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|0o[0-7](?:_?[0-7])*|0b[01](?:_?[01])*)$/;
const FLOAT = /^[+-]?(?:0|[1-9](?:_?\d)*)(?:\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|[eE][+-]?\d(?:_?\d)*)$/;
const SPECIAL_FLOAT = /^[+-]?(?:inf|nan)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const OFFSET = /(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
/** Shaped as a local date (`2026-11-29`), whether or not its fields are valid. */
function isDate(token) {
    return DATE.test(token);
}
/** A well-formed integer, float, date, time or date-time. */
function isNumberOrDateTime(token) {
    return (((DEC_INT.test(token) || PREFIXED_INT.test(token)) && fitsInt64(token)) ||
        (FLOAT.test(token) && Number.isFinite(Number(token.replaceAll('_', '')))) ||
        SPECIAL_FLOAT.test(token) ||
        isDateTime(token));
}
/** TOML integers are 64-bit signed. */
function fitsInt64(token) {
    const digits = token.replaceAll('_', '');
    const value = /^0[xob]/.test(digits)
        ? BigInt(digits)
        : BigInt(digits.startsWith('+') ? digits.slice(1) : digits);
    return value >= -(2n ** 63n) && value < 2n ** 63n;
}
/** An offset or local date-time, a local date, or a local time, with valid fields. */
function isDateTime(token) {
    const t = token.search(/[Tt]/);
    if (t === -1)
        return validDate(token) || validTime(token);
    if (!validDate(token.slice(0, t)))
        return false;
    let time = token.slice(t + 1);
    const offset = OFFSET.exec(time);
    if (offset !== null) {
        if (offset[1] !== undefined && (Number(offset[1]) > 23 || Number(offset[2]) > 59))
            return false;
        time = time.slice(0, offset.index);
    }
    return validTime(time);
}
function validDate(text) {
    const m = DATE.exec(text);
    if (m === null)
        return false;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (month < 1 || month > 12 || day < 1)
        return false;
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    return day <= days;
}
function validTime(text) {
    const m = TIME.exec(text);
    if (m === null)
        return false;
    // TOML allows a leap second.
    return Number(m[1]) <= 23 && Number(m[2]) <= 59 && (m[3] === undefined || Number(m[3]) <= 60);
}

;// CONCATENATED MODULE: ./src/config/tokf-toml.ts
/**
 * A reader of TOML documents, written for tokf's `config.toml` (tokf reads it with the `toml`
 * crate, TOML 1.1). It parses the whole document, as tokf must before it takes anything from it:
 * a file that is not TOML is ignored by tokf, so it is by us. Strings and booleans are kept;
 * other values (numbers, dates, arrays) are checked for their syntax and kept only as present.
 * It follows TOML 1.1's rules for keys, strings (escapes \e and \xHH included), multi-line inline
 * tables, times without seconds, and for defining a key or a table once. What it leaves out:
 * recursion limits on deeply nested values.
 */

class TomlTable {
    origin;
    entries = new Map();
    constructor(origin) {
        this.origin = origin;
    }
}
/** `[[a]]`: an array of tables, which later `[[a]]` headers extend. */
class TomlTableArray {
    tables = [];
}
/** The document's root table, or undefined when the text is not TOML. */
function parseToml(text) {
    try {
        return new Parser(text).document();
    }
    catch (err) {
        if (err instanceof TomlSyntaxError)
            return undefined;
        throw err;
    }
}
/** The string at a key path (`['telemetry', 'service_name']`), through tables, if there is one. */
function tomlString(root, path) {
    const leaf = tomlLeaf(root, path);
    return leaf?.type === 'string' ? leaf.value : undefined;
}
/** The boolean at a key path, if there is one. */
function tomlBoolean(root, path) {
    const leaf = tomlLeaf(root, path);
    return leaf?.type === 'boolean' ? leaf.value : undefined;
}
function tomlLeaf(root, path) {
    let node = root;
    for (const key of path) {
        if (!(node instanceof TomlTable))
            return undefined;
        node = node.entries.get(key);
    }
    return node instanceof TomlTable || node instanceof TomlTableArray ? undefined : node;
}
class TomlSyntaxError extends Error {
}
const BARE_KEY = /[A-Za-z0-9_-]/;
const LINE_ENDING_BACKSLASH = /\\[ \t]*\r?\n/y;
class Parser {
    text;
    pos = 0;
    root = new TomlTable('header');
    constructor(text) {
        this.text = text;
        // A byte order mark is not part of the document (the toml crate skips it too).
        if (text.startsWith('\uFEFF'))
            this.pos = 1;
    }
    document() {
        let current = this.root;
        for (;;) {
            this.skipSpaces();
            if (this.atEnd())
                return this.root;
            const ch = this.peek();
            if (ch === '#' || ch === '\n' || ch === '\r') {
                this.endOfLine();
                continue;
            }
            if (ch === '[')
                current = this.header();
            else
                this.keyValue(current);
            this.endOfLine();
        }
    }
    // --- lines, whitespace and comments ---------------------------------------------------------
    atEnd() {
        return this.pos >= this.text.length;
    }
    peek(offset = 0) {
        return this.text.charAt(this.pos + offset);
    }
    startsWith(s) {
        return this.text.startsWith(s, this.pos);
    }
    fail(what) {
        throw new TomlSyntaxError(`${what} at offset ${this.pos}`);
    }
    skipSpaces() {
        while (this.peek() === ' ' || this.peek() === '\t')
            this.pos += 1;
    }
    /** Whitespace, comments and newlines, as allowed inside arrays and inline tables. */
    skipBlank() {
        for (;;) {
            this.skipSpaces();
            const ch = this.peek();
            if (ch === '#')
                this.comment();
            else if (ch === '\n')
                this.pos += 1;
            else if (this.startsWith('\r\n'))
                this.pos += 2;
            else
                return;
        }
    }
    comment() {
        this.pos += 1;
        while (!this.atEnd() && this.peek() !== '\n') {
            if (this.startsWith('\r\n'))
                return;
            if (isControl(this.peek()))
                this.fail('control character in a comment');
            this.pos += 1;
        }
    }
    /** Optional spaces and comment, then a newline or the end of the text. */
    endOfLine() {
        this.skipSpaces();
        if (this.peek() === '#')
            this.comment();
        if (this.atEnd())
            return;
        if (this.peek() === '\n')
            this.pos += 1;
        else if (this.startsWith('\r\n'))
            this.pos += 2;
        else
            this.fail('expected the end of the line');
    }
    // --- keys and tables --------------------------------------------------------------------------
    /** A key, dotted or not: its parts, unquoted. */
    key() {
        const parts = [];
        for (;;) {
            this.skipSpaces();
            const ch = this.peek();
            if (ch === '"') {
                if (this.startsWith('"""'))
                    this.fail('a multi-line string cannot be a key');
                parts.push(this.basicString());
            }
            else if (ch === "'") {
                if (this.startsWith("'''"))
                    this.fail('a multi-line string cannot be a key');
                parts.push(this.literalString());
            }
            else {
                const start = this.pos;
                while (BARE_KEY.test(this.peek()))
                    this.pos += 1;
                if (this.pos === start)
                    this.fail('expected a key');
                parts.push(this.text.slice(start, this.pos));
            }
            this.skipSpaces();
            if (this.peek() !== '.')
                return parts;
            this.pos += 1;
        }
    }
    /** `[a.b]` or `[[a.b]]`: the table that the following keys go into. */
    header() {
        const array = this.startsWith('[[');
        this.pos += array ? 2 : 1;
        const keys = this.key();
        if (!this.startsWith(array ? ']]' : ']'))
            this.fail('expected the end of a table header');
        this.pos += array ? 2 : 1;
        let table = this.root;
        for (const key of keys.slice(0, -1)) {
            const node = table.entries.get(key);
            if (node === undefined) {
                const made = new TomlTable('implicit');
                table.entries.set(key, made);
                table = made;
            }
            else if (node instanceof TomlTableArray) {
                table = node.tables.at(-1);
            }
            else if (node instanceof TomlTable && node.origin !== 'inline') {
                table = node;
            }
            else {
                this.fail(`"${key}" is not a table`);
            }
        }
        const last = keys.at(-1);
        const node = table.entries.get(last);
        if (array) {
            let tables;
            if (node === undefined) {
                tables = new TomlTableArray();
                table.entries.set(last, tables);
            }
            else if (node instanceof TomlTableArray) {
                tables = node;
            }
            else {
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
    keyValue(into) {
        const keys = this.key();
        if (this.peek() !== '=')
            this.fail('expected "=" after a key');
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
            }
            else if (node instanceof TomlTable &&
                (node.origin === 'dotted' || node.origin === 'implicit')) {
                node.origin = 'dotted';
                table = node;
            }
            else {
                this.fail(`"${key}" cannot take more keys here`);
            }
        }
        const last = keys.at(-1);
        if (table.entries.has(last))
            this.fail(`key "${keys.join('.')}" is defined twice`);
        table.entries.set(last, value);
    }
    // --- values -----------------------------------------------------------------------------------
    value() {
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
        if (ch === '[')
            return this.array();
        if (ch === '{')
            return this.inlineTable();
        return this.scalar();
    }
    array() {
        this.pos += 1;
        for (;;) {
            this.skipBlank();
            if (this.peek() === ']')
                break;
            this.value();
            this.skipBlank();
            if (this.peek() === ',')
                this.pos += 1;
            else if (this.peek() === ']')
                break;
            else
                this.fail('expected "," or "]" in an array');
        }
        this.pos += 1;
        return { type: 'other' };
    }
    /** TOML 1.1: may span lines and end with a comma. */
    inlineTable() {
        this.pos += 1;
        const table = new TomlTable('dotted');
        for (;;) {
            this.skipBlank();
            if (this.peek() === '}')
                break;
            this.keyValue(table);
            this.skipBlank();
            if (this.peek() === ',')
                this.pos += 1;
            else if (this.peek() === '}')
                break;
            else
                this.fail('expected "," or "}" in an inline table');
        }
        this.pos += 1;
        tokf_toml_close(table);
        return table;
    }
    /** A boolean, number, date or time. */
    scalar() {
        const start = this.pos;
        while (SCALAR_CHAR.test(this.peek()))
            this.pos += 1;
        let token = this.text.slice(start, this.pos);
        // A date and a time may be separated by a space.
        if (isDate(token) && this.peek() === ' ' && /^\d{2}:/.test(this.text.slice(this.pos + 1))) {
            this.pos += 1;
            while (SCALAR_CHAR.test(this.peek()))
                this.pos += 1;
            token = this.text.slice(start, this.pos).replace(' ', 'T');
        }
        if (token === 'true' || token === 'false')
            return { type: 'boolean', value: token === 'true' };
        if (isNumberOrDateTime(token))
            return { type: 'other' };
        this.pos = start;
        return this.fail('expected a value');
    }
    // --- strings ----------------------------------------------------------------------------------
    basicString() {
        this.pos += 1;
        let out = '';
        for (;;) {
            if (this.atEnd())
                this.fail('unterminated string');
            const ch = this.peek();
            if (ch === '"') {
                this.pos += 1;
                return out;
            }
            if (ch === '\\')
                out += this.escape();
            else if (isControl(ch))
                this.fail('control character in a string');
            else {
                out += ch;
                this.pos += 1;
            }
        }
    }
    multiLineBasicString() {
        this.pos += 3;
        this.skipFirstNewline();
        let out = '';
        for (;;) {
            if (this.atEnd())
                this.fail('unterminated string');
            if (this.startsWith('"""'))
                return out + this.closingQuotes('"');
            const ch = this.peek();
            if (ch === '\\') {
                // A backslash at the end of a line trims the newline and the whitespace that follows.
                LINE_ENDING_BACKSLASH.lastIndex = this.pos;
                if (LINE_ENDING_BACKSLASH.test(this.text)) {
                    this.pos = LINE_ENDING_BACKSLASH.lastIndex;
                    while (/[ \t\n]/.test(this.peek()) || this.startsWith('\r\n'))
                        this.pos += 1;
                }
                else {
                    out += this.escape();
                }
            }
            else if (this.startsWith('\r\n')) {
                out += '\r\n';
                this.pos += 2;
            }
            else if (ch === '\n') {
                out += ch;
                this.pos += 1;
            }
            else if (isControl(ch)) {
                this.fail('control character in a string');
            }
            else {
                out += ch;
                this.pos += 1;
            }
        }
    }
    literalString() {
        this.pos += 1;
        const start = this.pos;
        for (;;) {
            if (this.atEnd())
                this.fail('unterminated string');
            const ch = this.peek();
            if (ch === "'")
                break;
            if (isControl(ch))
                this.fail('control character in a string');
            this.pos += 1;
        }
        const out = this.text.slice(start, this.pos);
        this.pos += 1;
        return out;
    }
    multiLineLiteralString() {
        this.pos += 3;
        this.skipFirstNewline();
        let out = '';
        for (;;) {
            if (this.atEnd())
                this.fail('unterminated string');
            if (this.startsWith("'''"))
                return out + this.closingQuotes("'");
            const ch = this.peek();
            if (this.startsWith('\r\n')) {
                out += '\r\n';
                this.pos += 2;
            }
            else if (ch !== '\n' && isControl(ch)) {
                this.fail('control character in a string');
            }
            else {
                out += ch;
                this.pos += 1;
            }
        }
    }
    skipFirstNewline() {
        if (this.peek() === '\n')
            this.pos += 1;
        else if (this.startsWith('\r\n'))
            this.pos += 2;
    }
    /** At three or more quotes closing a multi-line string: up to two more belong to it. */
    closingQuotes(quote) {
        let n = 0;
        while (this.peek(n) === quote)
            n += 1;
        if (n > 5)
            this.fail('too many quotes at the end of a string');
        this.pos += n;
        return quote.repeat(n - 3);
    }
    escape() {
        const ch = this.peek(1);
        const simple = {
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
            return simple[ch];
        }
        const digits = ch === 'x' ? 2 : ch === 'u' ? 4 : ch === 'U' ? 8 : 0;
        if (digits === 0)
            this.fail('unknown escape in a string');
        const hex = this.text.slice(this.pos + 2, this.pos + 2 + digits);
        if (!new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(hex))
            this.fail('bad escape in a string');
        const code = Number.parseInt(hex, 16);
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
            this.fail('escape that is not a Unicode scalar value');
        }
        this.pos += 2 + digits;
        return String.fromCodePoint(code);
    }
}
/** Inline tables and the tables inside them take nothing more once written. */
function tokf_toml_close(table) {
    table.origin = 'inline';
    for (const node of table.entries.values())
        if (node instanceof TomlTable)
            tokf_toml_close(node);
}
/** Control characters other than tab may not appear raw in strings and comments. */
function isControl(ch) {
    const code = ch.charCodeAt(0);
    return (code < 0x20 && code !== 0x09) || code === 0x7f;
}

;// CONCATENATED MODULE: ./src/config/tokf-config.ts




/**
 * The variable that turns tokf's live export on or off, over `enabled` in its config.toml
 * (tokf 0.2.54, telemetry::config::load): on for `true`, `1` or `yes` in any case, off for any
 * other value, empty included. Only `tokf --otel-export` still turns it on.
 */
const TOKF_TELEMETRY_ENABLED = 'TOKF_TELEMETRY_ENABLED';
/** The service.name tokf's live export sends when nothing sets another. */
const TOKF_SERVICE_NAME = 'tokf';
/**
 * The `service.name` tokf 0.2.54's live export sends (`telemetry::config::load`): the first
 * `service.name` item of `OTEL_RESOURCE_ATTRIBUTES`, as written (not percent-decoded), else
 * `service_name` of the `[telemetry]` table in tokf's `config.toml`, else `tokf`.
 * `OTEL_SERVICE_NAME` is not read.
 */
function tokfServiceName(env, configDir = tokfConfigDir(env)) {
    const attributes = env.OTEL_RESOURCE_ATTRIBUTES;
    const fromAttributes = attributes === undefined ? undefined : serviceNameAsTokfReads(attributes);
    if (fromAttributes !== undefined) {
        return {
            name: fromAttributes,
            from: 'service.name in OTEL_RESOURCE_ATTRIBUTES, as tokf reads it',
        };
    }
    const file = configDir === undefined ? undefined : (0,external_node_path_.join)(configDir, 'config.toml');
    const config = file === undefined ? undefined : readTokfConfig(file);
    const fromFile = config === undefined ? undefined : tomlString(config, ['telemetry', 'service_name']);
    if (fromFile !== undefined) {
        return { name: fromFile, from: `service_name in [telemetry] of tokf's ${file}` };
    }
    return { name: TOKF_SERVICE_NAME, from: "tokf's default" };
}
/**
 * tokf's reading of `OTEL_RESOURCE_ATTRIBUTES`: items split at commas, each at its first `=`, key
 * and value trimmed of whitespace; the first item whose key is `service.name` gives the value as
 * written, even empty. Items without `=` are passed over.
 */
function serviceNameAsTokfReads(attributes) {
    for (const item of attributes.split(',')) {
        const eq = item.indexOf('=');
        if (eq < 0)
            continue;
        if (trimWhitespace(item.slice(0, eq)) === 'service.name') {
            return trimWhitespace(item.slice(eq + 1));
        }
    }
    return undefined;
}
/**
 * tokf's `config.toml`, parsed; undefined when it is missing, unreadable, not UTF-8 or not TOML,
 * all of which make tokf go on without it.
 */
function readTokfConfig(file) {
    let text;
    try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode((0,external_node_fs_.readFileSync)(file));
    }
    catch {
        return undefined;
    }
    return parseToml(text);
}
// Rust's str::trim: Unicode White_Space, which (unlike String.prototype.trim) leaves U+FEFF.
function trimWhitespace(text) {
    return text.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
}

// EXTERNAL MODULE: ./src/action/constants.ts
var constants = __webpack_require__(90915);
;// CONCATENATED MODULE: ./src/action/github-env.ts

function readGithubRun(env) {
    const repository = env.GITHUB_REPOSITORY ?? '';
    const [owner = '', repo = ''] = repository.split('/');
    const event = readEvent(env.GITHUB_EVENT_PATH);
    return {
        serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/$/, ''),
        apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/$/, ''),
        repository,
        owner,
        repo,
        runId: env.GITHUB_RUN_ID ?? '0',
        runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
        job: env.GITHUB_JOB ?? '',
        workflow: env.GITHUB_WORKFLOW ?? '',
        sha: env.GITHUB_SHA ?? '',
        ref: env.GITHUB_REF ?? '',
        refName: env.GITHUB_REF_NAME ?? '',
        refType: env.GITHUB_REF_TYPE ?? '',
        headRef: env.GITHUB_HEAD_REF ?? '',
        baseRef: env.GITHUB_BASE_REF ?? '',
        os: (env.RUNNER_OS || process.platform).toLowerCase(),
        workspace: env.GITHUB_WORKSPACE || process.cwd(),
        runnerTemp: env.RUNNER_TEMP || env.TMPDIR || '/tmp',
        pullRequest: typeof event?.pull_request?.number === 'number' ? event.pull_request.number : undefined,
        fromFork: fromFork(event, repository),
    };
}
function readEvent(eventPath) {
    if (!eventPath)
        return undefined;
    try {
        return JSON.parse((0,external_node_fs_.readFileSync)(eventPath, 'utf8'));
    }
    catch {
        return undefined;
    }
}
// The head repository of a pull request from a fork is another one (or gone: a deleted fork).
function fromFork(event, repository) {
    const pr = event?.pull_request;
    if (pr === undefined || pr.head === undefined)
        return false;
    const head = pr.head.repo;
    if (head === null || head === undefined)
        return true;
    const base = typeof event?.repository?.full_name === 'string' ? event.repository.full_name : repository;
    if (typeof head.full_name === 'string')
        return head.full_name.toLowerCase() !== base.toLowerCase();
    return head.fork === true;
}
/** The page of a workflow run, with its attempt. */
function runUrl(run) {
    return `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/attempts/${run.runAttempt}`;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/action/runtime-token.ts
function readRuntimeToken(token) {
    const payload = decodePayload(token);
    return {
        jobBackendId: jobBackendId(payload?.scp),
        readableRefs: readableRefs(payload?.ac),
    };
}
function decodePayload(token) {
    const part = token?.split('.')[1];
    if (part === undefined || part === '')
        return undefined;
    try {
        const parsed = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
        return typeof parsed === 'object' && parsed !== null
            ? parsed
            : undefined;
    }
    catch {
        return undefined;
    }
}
function jobBackendId(scp) {
    if (typeof scp !== 'string')
        return undefined;
    for (const scope of scp.split(' ')) {
        const parts = scope.split(':');
        if (parts[0] === 'Actions.Results' && parts.length === 3 && parts[2])
            return parts[2];
    }
    return undefined;
}
// `ac` is a JSON string: [{"Scope":"refs/heads/main","Permission":3}, ...]; bit 1 is read.
function readableRefs(ac) {
    if (typeof ac !== 'string')
        return undefined;
    try {
        const scopes = JSON.parse(ac);
        if (!Array.isArray(scopes))
            return undefined;
        return scopes
            .filter((s) => typeof s?.Scope === 'string' && typeof s?.Permission === 'number')
            .filter((s) => (s.Permission & 1) === 1)
            .map((s) => s.Scope);
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/action/leg.ts


const MAX_LABEL = 40;
function readLeg(env, legInput) {
    const label = legLabel(legInput);
    const backendId = readRuntimeToken(env.ACTIONS_RUNTIME_TOKEN).jobBackendId;
    const id = backendId !== undefined
        ? backendId
            .replace(/[^0-9a-zA-Z]/g, '')
            .slice(0, 8)
            .toLowerCase()
        : digest([env.GITHUB_JOB, label, env.RUNNER_NAME, env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT].join('|')).slice(0, 8);
    return { id, label };
}
/**
 * The input as a short name: a JSON object (toJSON(matrix)) gives its values joined by `-`; other
 * text is taken as it is. Only letters, digits, `.`, `_` and `-` are kept, so that it fits cache
 * keys, artifact names and an HTML comment; a long one is cut and given a hash of the whole.
 */
function legLabel(input) {
    const text = input.trim();
    if (text === '' || text === 'null' || text === '{}')
        return '';
    let words;
    try {
        words = leaves(JSON.parse(text)).join('-');
    }
    catch {
        words = text;
    }
    const clean = words
        .replace(/[^A-Za-z0-9._-]+/g, '-')
        .replace(/-{2,}/g, '-')
        .replace(/^-|-$/g, '');
    if (clean.length <= MAX_LABEL)
        return clean;
    return `${clean.slice(0, MAX_LABEL - 9)}-${digest(text).slice(0, 8)}`;
}
function leaves(value) {
    if (value === null || value === undefined)
        return [];
    if (Array.isArray(value))
        return value.flatMap(leaves);
    if (typeof value === 'object')
        return Object.values(value).flatMap(leaves);
    return [String(value)];
}
function digest(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
}

;// CONCATENATED MODULE: ./src/errors.ts
/**
 * Errors the entry points map to exit code 2: the user has to change something before a run can
 * do anything. Everything else that goes wrong during delivery is an outcome, not an exception.
 */
class UsageError extends Error {
    name = 'UsageError';
}
/** The database cannot be opened or is not a tokf tracking database. */
class errors_DatabaseError extends Error {
    name = 'DatabaseError';
}
/**
 * The database file is damaged (SQLite finds it malformed): exit 2, as an unreadable database is;
 * the message says what SQLite found and how to recover.
 */
class DatabaseDamagedError extends errors_DatabaseError {
    name = 'DatabaseDamagedError';
}
/**
 * The database stayed locked by another program (tokf writing) past the busy timeout: nothing is
 * wrong with it or with the command, so not a usage error; trying again later works.
 */
class DatabaseBusyError extends Error {
    name = 'DatabaseBusyError';
}
/** A file of ours (an export, the rejects file) could not be written; the message names it. */
class FileWriteError extends Error {
    name = 'FileWriteError';
    /** The file, when it is one of the run's outputs. */
    file;
    // A field assigned here rather than a parameter property: `npm run docs` runs the sources
    // through Node's type stripping, which has no parameter properties.
    constructor(message, file) {
        super(message);
        if (file !== undefined)
            this.file = file;
    }
}
/** A file could not be written for lack of space (ENOSPC, SQLITE_FULL); names the file and its kind. */
class DiskFullError extends FileWriteError {
    name = 'DiskFullError';
}
/**
 * Another sync took over this run's lock (or it was removed): the run records nothing more and
 * stops, since what it would record may now be sent and recorded by the other one.
 */
class LockLostError extends Error {
    name = 'LockLostError';
}
/** An error's message; errors from another realm (a worker, a VM context) are not `instanceof Error`. */
function errors_messageOf(err) {
    const message = err?.message;
    return typeof message === 'string' ? message : String(err);
}

;// CONCATENATED MODULE: ./src/action/service-error.ts

/**
 * What went wrong with a call to a GitHub service (cache, artifacts, blob storage, REST), in words
 * that are never empty. Blob storage answers a refused token with a bare 401, and Azure's RestError
 * then has an empty message; fetch says only "fetch failed" and keeps the reason in its cause.
 * The status, the error code and the request (method and URL without its query, which holds the
 * storage signature) say what was tried.
 */
function describeServiceError(err) {
    const e = (typeof err === 'object' && err !== null ? err : {});
    const message = errors_messageOf(err).trim();
    const cause = e.cause === undefined ? '' : errors_messageOf(e.cause).trim();
    if (message !== '')
        return cause !== '' && !message.includes(cause) ? `${message} (${cause})` : message;
    const name = typeof e.name === 'string' && e.name !== '' ? e.name : 'an error with no message';
    const status = typeof e.statusCode === 'number' ? e.statusCode : e.status;
    const parts = [
        typeof status === 'number' ? `HTTP ${status}` : '',
        typeof e.code === 'string' && e.code !== '' ? `(${e.code})` : '',
        requestOf(e),
        cause !== '' ? `(${cause})` : '',
    ].filter((p) => p !== '');
    return parts.length === 0 ? name : `${name}: ${parts.join(' ')}`;
}
function requestOf(e) {
    const method = typeof e.request?.method === 'string' ? e.request.method : undefined;
    const url = typeof e.request?.url === 'string' ? withoutQuery(e.request.url) : undefined;
    if (url === undefined)
        return '';
    return `from ${method === undefined ? '' : `${method} `}${url}`;
}
function withoutQuery(url) {
    try {
        const u = new URL(url);
        return `${u.origin}${u.pathname}`;
    }
    catch {
        return url.replace(/[?#].*$/, '');
    }
}

;// CONCATENATED MODULE: ./src/action/github-rest.ts

const REQUEST_TIMEOUT_MS = 30_000;
/**
 * A REST call GitHub refused (its message names the permission the token most likely lacks), or
 * one that got no answer (status 0).
 */
class GithubApiError extends Error {
    status;
    name = 'GithubApiError';
    constructor(message, status) {
        super(message);
        this.status = status;
    }
}
/**
 * The few REST calls the action makes itself, through fetch: no Octokit for three routes. A
 * refusal names the permission the token would need, since that is the usual cause; a call that
 * got no answer says so, with fetch's reason.
 */
class GithubRest {
    run;
    token;
    constructor(run, token) {
        this.run = run;
        this.token = token;
    }
    async request(method, path, permission, body) {
        let response;
        let text;
        try {
            response = await fetch(`${this.run.apiUrl}${path}`, {
                method,
                headers: {
                    Accept: 'application/vnd.github+json',
                    Authorization: `Bearer ${this.token}`,
                    'X-GitHub-Api-Version': '2022-11-28',
                    'User-Agent': 'telemetry-sync',
                    ...(body !== undefined && { 'Content-Type': 'application/json' }),
                },
                ...(body !== undefined && { body: JSON.stringify(body) }),
                signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            });
            text = await response.text();
        }
        catch (err) {
            // No answer at all: the network or the service, which no permission would mend (status 0).
            throw new GithubApiError(`GitHub API ${method} ${this.run.apiUrl}${path} could not be reached: ${describeServiceError(err)}`, 0);
        }
        if (!response.ok) {
            const message = readMessage(text);
            const hint = response.status === 401 || response.status === 403 || response.status === 404
                ? `; the token needs the "${permission}" permission (set it under "permissions:" in the workflow)`
                : '';
            throw new GithubApiError(`GitHub API ${method} ${path} answered ${response.status} ${message}${hint}`, response.status);
        }
        return (text === '' ? undefined : JSON.parse(text));
    }
}
function readMessage(text) {
    try {
        const parsed = JSON.parse(text);
        return typeof parsed.message === 'string' ? `(${parsed.message})` : '';
    }
    catch {
        return '';
    }
}

;// CONCATENATED MODULE: ./src/words.ts
/**
 * How numbers read in messages a person reads (the CLI's summary, status, notices, errors): every
 * layer may use these, as they depend on nothing.
 */
/**
 * A whole number with thousands separators: 1234567 is `1,234,567`, as `toLocaleString('en-US')`
 * writes it (halves rounded away from zero), but never `-0`. Not written with it: its first call
 * loads ICU's number formatting, 7 MB that a long sync took on at its first progress line, in the
 * middle of sending, where a short one only did so for its closing summary.
 */
function words_count(n) {
    const whole = Math.round(Math.abs(n));
    // Past 1e21 String() writes an exponent; nothing this tool counts gets there.
    if (!(whole < 1e21))
        return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
    const grouped = String(whole).replace(/\B(?=(\d{3})+$)/g, ',');
    return n < 0 && whole !== 0 ? `-${grouped}` : grouped;
}
/** `1 event`, `2 events`, `1,234 events`. */
function words_plural(n, noun, nouns = `${noun}s`) {
    return `${words_count(n)} ${n === 1 ? noun : nouns}`;
}
const UNITS = (/* unused pure expression or super */ null && (['kB', 'MB', 'GB', 'TB']));
/** Bytes in the units people use, decimal as disks and networks count: `512 B`, `36.1 MB`. */
function words_bytes(n) {
    if (n < 1000)
        return `${words_count(n)} B`;
    let value = n;
    let unit = UNITS[0];
    for (const u of UNITS) {
        value /= 1000;
        unit = u;
        if (value < 1000)
            break;
    }
    return `${value < 100 ? value.toFixed(1) : words_count(Math.round(value))} ${unit}`;
}
/** A duration in milliseconds as `850 ms`, `2.4 s`, `3 min 20 s`, `2 h 5 min`. */
function duration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    const s = ms / 1000;
    if (s < 60)
        return `${s.toFixed(1)} s`;
    const minutes = Math.floor(s / 60);
    if (minutes < 60)
        return `${minutes} min ${Math.round(s - minutes * 60)} s`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48)
        return `${hours} h ${minutes - hours * 60} min`;
    return `${words_count(Math.floor(hours / 24))} days`;
}

;// CONCATENATED MODULE: ./src/action/action-report.ts
/** The syncs the report tells of: the database's, then a restored copy's. */
function resultsOf(report) {
    return [report.result, report.restoredCopy].filter((r) => r !== undefined);
}

;// CONCATENATED MODULE: ./src/action/report-phrases.ts

/*
 * The phrases the job summary and the step log share; the Markdown escapes them where it shows them.
 */
/** A count that may be unknown (-1: counting failed). */
function known(n) {
    return n < 0 ? '?' : words_count(n);
}
/** Where the database came from. */
function restoreLine(report) {
    switch (report.restoredFrom) {
        case 'cache':
            return `restored from the cache (key ${report.restoredKey ?? '?'})`;
        case 'artifact':
            return `restored from an artifact (${report.restoredKey ?? '?'})`;
        case 'existing':
            return 'already present on the runner';
        default:
            return 'none restored';
    }
}
/** The endpoint's host and port: its path and query may say more than a summary should. */
function hostOf(url) {
    try {
        return new URL(url).host;
    }
    catch {
        return '?';
    }
}

;// CONCATENATED MODULE: ./src/output/directory.ts


/**
 * `mkdir -p` that gives up: Node's `mkdirSync(dir, { recursive: true })` loops for ever where a
 * parent exists but refuses children with ENOENT (`/proc/x`: 80% CPU, no end). Here the missing
 * directories are made one at a time from the nearest existing one, so every failure is an error.
 */
function makeDirectory(dir) {
    const missing = [];
    let at = (0,external_node_path_.resolve)(dir);
    for (;;) {
        const stat = statOrUndefined(at);
        if (stat !== undefined) {
            if (!stat.isDirectory())
                throw Object.assign(new Error(`${at} is not a directory`), { code: 'ENOTDIR' });
            break;
        }
        const parent = (0,external_node_path_.dirname)(at);
        if (parent === at)
            break;
        missing.push(at);
        at = parent;
    }
    for (const path of missing.reverse()) {
        try {
            (0,external_node_fs_.mkdirSync)(path);
        }
        catch (err) {
            // Made meanwhile by someone else: fine, as long as it is a directory now.
            if (err.code !== 'EEXIST' || !statOrUndefined(path)?.isDirectory())
                throw err;
        }
    }
}
function statOrUndefined(path) {
    try {
        return (0,external_node_fs_.statSync)(path);
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return undefined;
        throw err;
    }
}

;// CONCATENATED MODULE: ./src/source/events-schema.ts

/** Columns every tokf release has had since 0.1.0; replay needs all of them. */
const REQUIRED_COLUMNS = [
    'id',
    'timestamp',
    'command',
    'filter_name',
    'input_tokens_est',
    'output_tokens_est',
    'filter_time_ms',
    'exit_code',
];
/** The column a proposed tokf release used to mark delivered events; used where present. */
const events_schema_SYNCED_COLUMN = 'synced_to_otel_at';
/** Recognises tokf's events table by its column names, or says exactly what is missing. */
function events_schema_readEventsSchema(db, path) {
    const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .all()
        .map((row) => String(row.name));
    if (!tables.includes('events')) {
        const found = tables.length === 0 ? 'it has no tables' : `tables found: ${tables.join(', ')}`;
        throw new errors_DatabaseError(`${path} is not a tokf tracking database: no "events" table (${found})`);
    }
    const columns = new Set(db
        .prepare("SELECT name FROM pragma_table_info('events')")
        .all()
        .map((row) => String(row.name)));
    const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
    if (missing.length > 0) {
        throw new errors_DatabaseError(`${path}: the "events" table lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, so it is not tokf's`);
    }
    return { columns, hasSyncedColumn: columns.has(events_schema_SYNCED_COLUMN) };
}

;// CONCATENATED MODULE: ./src/progress/progress-store.ts
/** tokf's own timestamp format, which the synced column uses too: UTC, whole seconds. */
function progress_store_tokfTimestamp(at) {
    return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

;// CONCATENATED MODULE: ./src/source/sqlite-failure.ts

/** SQLite's primary result codes that tell what went wrong (sqlite3.h). */
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_NOMEM = 7;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_NOTADB = 26;
/** Problems quick_check lists in the message: enough to see what is wrong, not a page of them. */
const CHECK_PROBLEMS = 3;
/** What an error of node:sqlite says, by its result code (extended codes reduced to the primary). */
function sqliteFailure(err) {
    const code = err?.errcode;
    if (typeof code !== 'number')
        return 'other';
    switch (code & 0xff) {
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return 'damaged';
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return 'busy';
        case SQLITE_FULL:
            return 'full';
        default:
            return 'other';
    }
}
/**
 * Whether an error that is not plainly one of the kinds above came from a damaged file: a
 * malformed page can surface as "out of memory" or an I/O error, so those are checked with
 * quick_check. Returns what quick_check found, or undefined when the file checks out (or the check
 * itself cannot run).
 */
function damageFound(db, err) {
    const code = err?.errcode;
    if (db === undefined || typeof code !== 'number')
        return undefined;
    if ((code & 0xff) !== SQLITE_NOMEM && (code & 0xff) !== SQLITE_IOERR)
        return undefined;
    try {
        const rows = db.prepare(`PRAGMA quick_check(${CHECK_PROBLEMS})`).all();
        const found = rows.map((r) => String(Object.values(r)[0])).join('; ');
        return found === 'ok' ? undefined : found;
    }
    catch (checkErr) {
        return sqliteFailure(checkErr) === 'damaged' ? errors_messageOf(checkErr) : undefined;
    }
}
/**
 * The typed error for a failure of the database at `path` while doing `what` ("read the pending
 * events"): damaged (exit 2), busy (exit 1: try again later), full (the disk), or a DatabaseError
 * with SQLite's message. Errors that are not SQLite's pass through unchanged.
 */
function sqlite_failure_databaseFailure(err, path, what, db) {
    // Only SQLite's own errors are told apart here: typed ones and others pass through.
    if (typeof err?.errcode !== 'number')
        return err instanceof Error ? err : new Error(String(err));
    const said = errors_messageOf(err);
    const kind = sqliteFailure(err);
    const damage = kind === 'damaged' ? said : damageFound(db, err);
    if (damage !== undefined)
        return damaged(path, damage);
    if (kind === 'busy')
        return new DatabaseBusyError(`the database ${path} is locked by another program (tokf writing to it?) and stayed locked past the busy timeout, so telemetry-sync could not ${what}; nothing is wrong with it: try again later`);
    if (kind === 'full')
        return new DiskFullError(`the disk holding the database ${path} is full (${said}), so telemetry-sync could not ${what}; free some space and run again`);
    return new errors_DatabaseError(`cannot ${what} in ${path}: ${said}`);
}
function damaged(path, found) {
    return new DatabaseDamagedError(`the database is damaged: ${path}: ${found}. Restore it from a backup or the Actions cache, or recover what is readable with \`sqlite3 ${path} .recover | sqlite3 recovered.db\``);
}

;// CONCATENATED MODULE: ./src/progress/transaction.ts


/**
 * Runs `work` in an IMMEDIATE transaction: the write lock is taken up front (waiting up to the busy
 * timeout while tokf writes) and held only for `work`, which must be short. Inside a transaction
 * already, `work` joins it, so that several records commit together (one journal sync, not three).
 */
function inWriteTransaction(db, what, work) {
    if (db.isTransaction) {
        work();
        return;
    }
    try {
        db.exec('BEGIN IMMEDIATE');
    }
    catch (err) {
        throw typed(err, what);
    }
    try {
        work();
        db.exec('COMMIT');
    }
    catch (err) {
        if (db.isTransaction)
            db.exec('ROLLBACK');
        if (err instanceof LockLostError)
            throw err;
        throw typed(err, what);
    }
}
/**
 * Busy (tokf held its write lock past the busy timeout) and a full disk are errors of their own,
 * so that the entry points say "try again later" or "free some space", not "bad usage".
 */
function typed(err, what) {
    const said = `cannot ${what}: ${errors_messageOf(err)}`;
    switch (sqliteFailure(err)) {
        case 'busy':
            return new DatabaseBusyError(`${said} (another program, tokf writing to it, held it past the busy timeout); nothing is wrong with it: try again later`);
        case 'full':
            return new DiskFullError(`${said}: the disk holding the database is full; free some space and run again`);
        case 'damaged':
            return new DatabaseDamagedError(`the database is damaged: ${said}`);
        default:
            return new errors_DatabaseError(said);
    }
}

;// CONCATENATED MODULE: ./src/progress/column-store.ts



/** Progress kept in `events.synced_to_otel_at`: NULL means pending, a time means delivered. */
class ColumnProgressStore {
    db;
    mode = 'column';
    constructor(db) {
        this.db = db;
    }
    pendingScan(minId, maxId) {
        const gaps = maxId >= minId ? [{ first: minId, last: maxId }] : [];
        return { gaps, condition: `${events_schema_SYNCED_COLUMN} IS NULL` };
    }
    /** The column is tokf's schema's own: progress lives there from the start. */
    hasRecords() {
        return true;
    }
    prepareForWriting() {
        // A write that changes nothing still needs the write lock and a journal: a read-only file or
        // directory fails here, before anything is sent.
        inWriteTransaction(this.db, 'check that progress can be recorded', () => {
            this.db
                .prepare(`UPDATE events SET ${events_schema_SYNCED_COLUMN} = ${events_schema_SYNCED_COLUMN} WHERE id = (SELECT max(id) FROM events)`)
                .run();
        });
    }
    markDelivered(ranges, at) {
        const update = this.db.prepare(`UPDATE events SET ${events_schema_SYNCED_COLUMN} = ? WHERE id BETWEEN ? AND ? AND ${events_schema_SYNCED_COLUMN} IS NULL`);
        const stamp = progress_store_tokfTimestamp(at);
        inWriteTransaction(this.db, 'record delivered events', () => {
            for (const r of ranges)
                update.run(stamp, r.first, r.last);
        });
    }
    countPending() {
        const row = this.db
            .prepare(`SELECT count(*) AS n FROM events WHERE ${events_schema_SYNCED_COLUMN} IS NULL`)
            .get();
        return Number(row?.n ?? 0);
    }
}

;// CONCATENATED MODULE: ./src/config/redact.ts
/** What a secret becomes in what is written: reasons, excerpts, notes, files, the database. */
const MASK = '***';
/**
 * Below this length a value is redacted only as given, not in its derived forms: the base64 or
 * percent-encoding of a two-letter value would match ordinary text.
 */
const MIN_DERIVED_LENGTH = 4;
/**
 * Headers whose value is a credential, as an endpoint may echo them back ("headers were:
 * Authorization: Bearer ..."): their values are masked even when the secret itself is not known
 * here (`status` reading rows an earlier version stored, a proxy's own header).
 */
const CREDENTIAL_HEADER = /\b((?:proxy-)?authorization|x-api-key|api-key|apikey|x-auth-token|x-honeycomb-team|dd-api-key|signoz-access-token|x-goog-api-key|cookie|set-cookie)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token|apikey|api-key|splunk|negotiate|digest)\s+)?[^\s"',;&]+/gi;
/** A URL's user and password, in any scheme (a proxy URL, an endpoint echoed back). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:"']*:[^\s/@"']*@/gi;
/**
 * Every form in which a secret may come back: as given, percent-encoded, in base64 (a Basic
 * credential), JSON-escaped; for an `Authorization` value its credential without the scheme, and
 * for a Basic one its decoded `user:password` and password.
 */
function secretForms(secrets) {
    const out = new Set();
    const add = (s) => {
        if (s !== undefined && s !== '')
            out.add(s);
    };
    for (const secret of secrets) {
        add(secret);
        if (secret.length < MIN_DERIVED_LENGTH)
            continue;
        const scheme = /^(\S+)\s+(\S.*)$/.exec(secret);
        const credential = scheme?.[2];
        const parts = [secret];
        if (credential !== undefined && credential.length >= MIN_DERIVED_LENGTH)
            parts.push(credential);
        if (credential !== undefined && /^basic$/i.test(scheme[1])) {
            const decoded = Buffer.from(credential, 'base64').toString('utf8');
            const colon = decoded.indexOf(':');
            if (colon >= 0 && /^[\x20-\x7e]+$/.test(decoded)) {
                parts.push(decoded);
                if (decoded.length - colon - 1 >= MIN_DERIVED_LENGTH)
                    parts.push(decoded.slice(colon + 1));
            }
        }
        for (const part of parts) {
            add(part);
            add(encodeURIComponent(part));
            add(encodeURIComponent(part).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
            add(JSON.stringify(part).slice(1, -1));
            const b64 = Buffer.from(part, 'utf8').toString('base64');
            add(b64);
            add(b64.replace(/=+$/, ''));
            add(Buffer.from(part, 'utf8').toString('base64url'));
        }
    }
    return [...out];
}
/**
 * `text` with every secret (pass the forms of secretForms) replaced by `***`, longest first so
 * that none leaks in part, and with the values of credential headers and URL credentials masked
 * whatever they are.
 */
function redact(text, secrets) {
    let out = text;
    for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
        if (s.length > 0)
            out = out.split(s).join(MASK);
    }
    return redact_redactPatterns(out);
}
/** Only the credential headers and URL credentials (see redact): for text whose secrets are not known. */
function redact_redactPatterns(text) {
    return text
        .replace(CREDENTIAL_HEADER, (_m, name, sep) => `${name}${sep}${MASK}`)
        .replace(URL_CREDENTIALS, (_m, scheme) => `${scheme}${MASK}@`);
}

;// CONCATENATED MODULE: ./src/progress/sql.ts
// Small SQL helpers of the progress stores, over a database that may have others attached
// (`schema`: main, or the name a merge attached a copy under).
function sql_count(db, sql) {
    return Number(db.prepare(sql).get()?.n ?? 0);
}
function sql_tableExists(db, schema, name) {
    return (db
        .prepare(`SELECT 1 FROM ${schema}.sqlite_schema WHERE type = 'table' AND name = ?`)
        .get(name) !== undefined);
}
function columnExists(db, schema, column) {
    return (db
        .prepare(`SELECT 1 FROM pragma_table_info('events', '${schema}') WHERE name = ?`)
        .get(column) !== undefined);
}
function quoteName(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
function sqlText(value) {
    return `'${value.replace(/'/g, "''")}'`;
}
/** The first id after every id the table has used (AUTOINCREMENT never reuses one). */
function nextId(db) {
    const max = Number(db.prepare('SELECT coalesce(max(id), 0) AS n FROM main.events').get()?.n ?? 0);
    const seq = sql_tableExists(db, 'main', 'sqlite_sequence')
        ? Number(db
            .prepare("SELECT coalesce(max(seq), 0) AS n FROM main.sqlite_sequence WHERE name = 'events'")
            .get()?.n ?? 0)
        : 0;
    return Math.max(max, seq) + 1;
}

;// CONCATENATED MODULE: ./src/progress/dead-letters.ts




/** Our table of events refused for good, with why; never tokf's tables. */
const dead_letters_REJECTED_TABLE = 'telemetry_sync_rejected';
/** The dead letters of a signal: metrics keep the original name. */
function dead_letters_rejectedTable(signal) {
    return signal === 'metrics' ? dead_letters_REJECTED_TABLE : `${dead_letters_REJECTED_TABLE}_${signal}`;
}
const createTable = (table) => `CREATE TABLE IF NOT EXISTS ${table} (
  event_id INTEGER PRIMARY KEY,
  reason TEXT NOT NULL,
  status INTEGER,
  rejected_at TEXT NOT NULL,
  file TEXT,
  file_size INTEGER,
  file_mtime_ms INTEGER
)`;
/**
 * Columns added after the first release: the file that holds events set aside as too old, and
 * that file's size and modification time once the run finished writing it, by which `status`
 * tells whether it still holds them.
 */
const FILE_COLUMNS = [
    ['file', 'TEXT'],
    ['file_size', 'INTEGER'],
    ['file_mtime_ms', 'INTEGER'],
];
/**
 * Dead letters: events an endpoint refused permanently (or that can never be replayed). They are
 * not retried by later runs, so one bad point cannot block the events behind it, unless a run asks
 * for them again (`--retry-rejected`); a later delivery removes them from here.
 */
class DeadLetters {
    db;
    table;
    /** Known once created: forget() runs after every acknowledgement and must stay cheap. */
    created = false;
    /** The rejected ids, read once per run and kept up to date by record() and forget(). */
    known;
    constructor(db, 
    /** Our table of refused events: one per signal (see rejectedTable). */
    table = dead_letters_REJECTED_TABLE) {
        this.db = db;
        this.table = table;
    }
    /**
     * Creates the table, and cleans reasons stored by earlier versions of what they may hold of
     * these secrets (see redact): an endpoint's answer that echoed the request's credentials. With
     * secure_delete, so that the old text is overwritten in the file, not only unlinked from it.
     */
    prepareForWriting(secrets = []) {
        inWriteTransaction(this.db, 'create the rejected-events table', () => {
            this.db.exec(createTable(this.table));
            const have = new Set(this.db
                .prepare(`PRAGMA table_info(${this.table})`)
                .all()
                .map((c) => String(c.name)));
            for (const [name, type] of FILE_COLUMNS)
                if (!have.has(name))
                    this.db.exec(`ALTER TABLE ${this.table} ADD COLUMN ${name} ${type}`);
            const reasons = this.db.prepare(`SELECT DISTINCT reason FROM ${this.table}`).all();
            const update = this.db.prepare(`UPDATE ${this.table} SET reason = ? WHERE reason = ?`);
            for (const { reason } of reasons) {
                const clean = redact(String(reason), secrets);
                if (clean === reason)
                    continue;
                this.db.exec('PRAGMA secure_delete = ON');
                update.run(clean, String(reason));
            }
        });
        this.created = true;
    }
    /** Ids of rejected events; empty when a read-only run finds no table of ours. */
    ids() {
        return this.knownIds();
    }
    knownIds() {
        if (this.known === undefined) {
            const rows = this.exists()
                ? this.db.prepare(`SELECT event_id AS id FROM ${this.table}`).all()
                : [];
            this.known = new Set(rows.map((r) => Number(r.id)));
        }
        return this.known;
    }
    /** Ids of rejected events whose recorded reason passes `test`, in id order. */
    idsWhere(test) {
        if (!this.exists())
            return [];
        const rows = this.db
            .prepare(`SELECT event_id AS id, reason FROM ${this.table} ORDER BY event_id`)
            .all();
        return rows.filter((r) => test(String(r.reason))).map((r) => Number(r.id));
    }
    count() {
        return this.ids().size;
    }
    record(ids, rejection, at) {
        if (ids.length === 0)
            return;
        const upsert = this.db.prepare(`INSERT INTO ${this.table} (event_id, reason, status, rejected_at, file, file_size, file_mtime_ms)
       VALUES (?, ?, ?, ?, ?, NULL, NULL)
       ON CONFLICT(event_id) DO UPDATE SET reason = excluded.reason, status = excluded.status,
         rejected_at = excluded.rejected_at, file = excluded.file, file_size = NULL, file_mtime_ms = NULL`);
        const stamp = progress_store_tokfTimestamp(at);
        const file = rejection.file ?? null;
        inWriteTransaction(this.db, 'record rejected events', () => {
            for (const id of ids)
                upsert.run(id, rejection.reason, rejection.status, stamp, file);
        });
        const known = this.knownIds();
        for (const id of ids)
            known.add(id);
    }
    /**
     * The run finished writing `file`: its size and modification time now, beside the events this
     * run set aside into it, so that `status` can tell when a later run (or anyone) replaced it.
     */
    fileWritten(file, size, mtimeMs) {
        if (!this.exists())
            return;
        this.db
            .prepare(`UPDATE ${this.table} SET file_size = ?, file_mtime_ms = ? WHERE file = ? AND file_size IS NULL`)
            .run(size, Math.floor(mtimeMs), file);
    }
    /** Forgets rejections of events that have now been delivered (re-sent rejected ones). */
    forget(ids) {
        const known = this.knownIds();
        const resent = ids.filter((id) => known.has(id));
        if (resent.length === 0)
            return;
        const remove = this.db.prepare(`DELETE FROM ${this.table} WHERE event_id = ?`);
        inWriteTransaction(this.db, 'clear re-sent rejected events', () => {
            for (const id of resent)
                remove.run(id);
        });
        for (const id of resent)
            known.delete(id);
    }
    exists() {
        if (this.created)
            return true;
        return sql_tableExists(this.db, 'main', this.table);
    }
}

;// CONCATENATED MODULE: ./src/progress/in-flight.ts



/**
 * Our table of events a sync sent without reading the endpoint's answer: written before each
 * request goes out and cleared when its answer is recorded, so that what remains after a run that
 * did not end cleanly (killed, cancelled, its retries of a timed-out request exhausted) names the
 * events the endpoint may hold although no acknowledgement was recorded. The next run reads an
 * out-of-order refusal of exactly those as "already in the backend", not as bad data. Bookkeeping
 * of this copy of the database, like the run log: a merge of copies leaves it out.
 */
const IN_FLIGHT_TABLE = 'telemetry_sync_in_flight';
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${IN_FLIGHT_TABLE} (
  signal TEXT PRIMARY KEY,
  event_ids TEXT NOT NULL,
  since TEXT NOT NULL
)`;
/**
 * The events of one signal that may have reached the endpoint unrecorded, by id: those earlier
 * runs left here, and those of this run's requests whose answer was not read. The request being
 * sent is written with them before it goes out.
 */
class InFlight {
    db;
    signal;
    created = false;
    /** May be held by the endpoint, unrecorded: loaded, plus this run's unanswered requests. */
    unanswered = new Set();
    /** What the table holds now, so that nothing is written when it would not change. */
    stored = '';
    constructor(db, signal) {
        this.db = db;
        this.signal = signal;
    }
    prepareForWriting() {
        inWriteTransaction(this.db, 'create the in-flight table', () => this.db.exec(CREATE_TABLE));
        this.created = true;
    }
    /** Reads the ids left by earlier runs; none when no table of ours is there (a read-only run). */
    load() {
        if (!this.created && !this.exists())
            return this.unanswered;
        const row = this.db
            .prepare(`SELECT event_ids FROM ${IN_FLIGHT_TABLE} WHERE signal = ?`)
            .get(this.signal);
        if (row === undefined)
            return this.unanswered;
        this.stored = String(row.event_ids);
        for (const id of parseRanges(this.stored))
            this.unanswered.add(id);
        return this.unanswered;
    }
    /** Whether the endpoint may hold the event although its delivery was never recorded. */
    mayHold(id) {
        return this.unanswered.has(id);
    }
    /** Events the endpoint may hold for another reason (see the caller), for this run only. */
    suppose(ids) {
        for (const id of ids)
            this.unanswered.add(id);
    }
    /** Before a request goes out: from now until its answer is recorded it may land unrecorded. */
    sending(ids, at) {
        if (ids.every((id) => this.unanswered.has(id)))
            return;
        this.write(new Set([...this.unanswered, ...ids]), at);
    }
    /** A request was acknowledged (joins the caller's transaction): its events are delivered. */
    delivered(ids, at) {
        for (const id of ids)
            this.unanswered.delete(id);
        this.write(this.unanswered, at);
    }
    /**
     * A request's answer was read and it was not taken: it adds nothing the endpoint may hold. Its
     * events that may be held from before stay so.
     */
    notTaken(at) {
        this.write(this.unanswered, at);
    }
    /** A request's answer was not read (timed out, dropped, interrupted): it may have landed. */
    unread(ids, at) {
        for (const id of ids)
            this.unanswered.add(id);
        this.write(this.unanswered, at);
    }
    write(ids, at) {
        const text = ids.size === 0 ? '' : formatRanges(ids);
        if (text === this.stored || !this.created)
            return;
        inWriteTransaction(this.db, 'record the request in flight', () => {
            if (text === '')
                this.db.prepare(`DELETE FROM ${IN_FLIGHT_TABLE} WHERE signal = ?`).run(this.signal);
            else
                this.db
                    .prepare(`INSERT INTO ${IN_FLIGHT_TABLE} (signal, event_ids, since) VALUES (?, ?, ?)
             ON CONFLICT(signal) DO UPDATE SET event_ids = excluded.event_ids, since = excluded.since`)
                    .run(this.signal, text, progress_store_tokfTimestamp(at));
        });
        this.stored = text;
    }
    exists() {
        return sql_tableExists(this.db, 'main', IN_FLIGHT_TABLE);
    }
}
/** Ids as runs of consecutive ones, "1-500,502,504-510": a request is mostly one run. */
function formatRanges(ids) {
    const sorted = [...ids].sort((a, b) => a - b);
    const parts = [];
    for (let i = 0; i < sorted.length;) {
        const from = sorted[i];
        let to = from;
        while (i + 1 < sorted.length && sorted[i + 1] === to + 1)
            to = sorted[++i];
        i += 1;
        parts.push(from === to ? `${from}` : `${from}-${to}`);
    }
    return parts.join(',');
}
/** The ids of formatRanges' text; parts that are not ids are ignored (a damaged row is no reason to stop). */
function parseRanges(text) {
    const out = new Set();
    for (const part of text.split(',')) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
        if (m === null)
            continue;
        const from = Number(m[1]);
        const to = m[2] === undefined ? from : Number(m[2]);
        for (let id = from; id <= to && to - from < 10_000_000; id += 1)
            out.add(id);
    }
    return out;
}

;// CONCATENATED MODULE: ./src/source/id-ranges.ts
/** Sorts and merges ranges that overlap or touch, so [1,3] and [4,9] become [1,9]. */
function coalesce(ranges) {
    const sorted = [...ranges].sort((a, b) => a.first - b.first);
    const out = [];
    for (const r of sorted) {
        const prev = out[out.length - 1];
        if (prev !== undefined && r.first <= prev.last + 1) {
            prev.last = Math.max(prev.last, r.last);
        }
        else {
            out.push({ first: r.first, last: r.last });
        }
    }
    return out;
}
/** The fewest ranges that hold exactly these ids. */
function rangesOfIds(ids) {
    return coalesce(ids.map((id) => ({ first: id, last: id })));
}
/** The parts of [lo, hi] that no range covers, in order. */
function id_ranges_gapsBetween(covered, lo, hi) {
    const gaps = [];
    let next = lo;
    for (const r of coalesce(covered)) {
        if (r.last < next)
            continue;
        if (r.first > hi)
            break;
        if (r.first > next)
            gaps.push({ first: next, last: r.first - 1 });
        next = r.last + 1;
    }
    if (next <= hi)
        gaps.push({ first: next, last: hi });
    return gaps;
}
/** The id ranges a set of events stands for once acknowledged (see TokfEvent.coverFrom). */
function coverage(events) {
    const ranges = [];
    for (const e of events) {
        const last = ranges[ranges.length - 1];
        if (last !== undefined && e.coverFrom === last.last + 1)
            last.last = e.id;
        else
            ranges.push({ first: e.coverFrom, last: e.id });
    }
    return ranges;
}

;// CONCATENATED MODULE: ./src/progress/ranges-store.ts




/**
 * Our own table in tokf's database. It never touches tokf's tables or its `sync_state` key
 * `last_synced_id`. Ranges rather than a "last id" cursor, because `--since`, `--until` and
 * `--limit` leave gaps that a later run must still send.
 */
const ranges_store_RANGES_TABLE = 'telemetry_sync_delivered';
/** The ranges table of a signal: metrics keep the original name, so earlier progress stands. */
function ranges_store_rangesTable(signal) {
    return signal === 'metrics' ? ranges_store_RANGES_TABLE : `${ranges_store_RANGES_TABLE}_${signal}`;
}
const ranges_store_createTable = (table) => `CREATE TABLE IF NOT EXISTS ${table} (
  first_id INTEGER PRIMARY KEY,
  last_id INTEGER NOT NULL,
  delivered_at TEXT NOT NULL
)`;
/** Progress kept as acknowledged id ranges in a table of ours, merged as they grow. */
class RangesProgressStore {
    db;
    table;
    mode = 'ranges';
    constructor(db, 
    /** Our table of acknowledged ranges: one per signal (see rangesTable). */
    table = ranges_store_RANGES_TABLE) {
        this.db = db;
        this.table = table;
    }
    pendingScan(minId, maxId) {
        return { gaps: id_ranges_gapsBetween(this.delivered(), minId, maxId) };
    }
    prepareForWriting() {
        inWriteTransaction(this.db, 'create the progress table', () => {
            this.db.exec(ranges_store_createTable(this.table));
        });
    }
    markDelivered(ranges, at) {
        if (ranges.length === 0)
            return;
        const stamp = progress_store_tokfTimestamp(at);
        const touching = this.db.prepare(`SELECT first_id AS first, last_id AS last FROM ${this.table} WHERE first_id <= ? AND last_id >= ?`);
        const remove = this.db.prepare(`DELETE FROM ${this.table} WHERE first_id = ?`);
        const insert = this.db.prepare(`INSERT INTO ${this.table} (first_id, last_id, delivered_at) VALUES (?, ?, ?)`);
        inWriteTransaction(this.db, 'record delivered events', () => {
            for (const r of coalesce(ranges)) {
                // Ranges that overlap or touch this one are folded into it, so the table stays small.
                const neighbours = touching.all(r.last + 1, r.first - 1).map(toRange);
                const merged = coalesce([r, ...neighbours]);
                for (const n of neighbours)
                    remove.run(n.first);
                for (const m of merged)
                    insert.run(m.first, m.last, stamp);
            }
        });
    }
    countPending() {
        const total = Number(this.db.prepare('SELECT count(*) AS n FROM events').get()?.n ?? 0);
        const inRange = this.db.prepare('SELECT count(*) AS n FROM events WHERE id BETWEEN ? AND ?');
        let delivered = 0;
        for (const r of this.delivered())
            delivered += Number(inRange.get(r.first, r.last)?.n ?? 0);
        return total - delivered;
    }
    hasRecords() {
        return sql_tableExists(this.db, 'main', this.table);
    }
    /** Acknowledged ranges; none when a read-only run finds no table of ours yet. */
    delivered() {
        if (!this.hasRecords())
            return [];
        return this.db
            .prepare(`SELECT first_id AS first, last_id AS last FROM ${this.table} ORDER BY first_id`)
            .all()
            .map(toRange);
    }
}
function toRange(row) {
    return { first: Number(row.first), last: Number(row.last) };
}

;// CONCATENATED MODULE: ./src/progress/series-store.ts


/** Our table of cumulative series: each series' start and running totals, as acknowledged. */
const SERIES_TABLE = 'telemetry_sync_series';
const series_store_CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${SERIES_TABLE} (
  series_key TEXT PRIMARY KEY,
  start_s INTEGER NOT NULL,
  last_s INTEGER NOT NULL,
  sum REAL NOT NULL,
  histogram TEXT
)`;
/**
 * The running totals of cumulative series, kept in the database beside our progress so that a later
 * run, on another runner, continues each series where the last acknowledged point left it. Memory
 * holds one entry per series, whatever the number of events.
 */
class SeriesStore {
    db;
    created = false;
    constructor(db) {
        this.db = db;
    }
    prepareForWriting() {
        inWriteTransaction(this.db, 'create the series table', () => this.db.exec(series_store_CREATE_TABLE));
        this.created = true;
    }
    /** Every series' totals; none when a read-only run finds no table of ours. */
    load() {
        const out = new Map();
        if (!this.created && !this.exists())
            return out;
        const rows = this.db
            .prepare(`SELECT series_key, start_s, last_s, sum, histogram FROM ${SERIES_TABLE}`)
            .all();
        for (const r of rows) {
            out.set(String(r.series_key), {
                startSeconds: Number(r.start_s),
                lastSeconds: Number(r.last_s),
                sum: Number(r.sum),
                histogram: r.histogram == null ? undefined : JSON.parse(String(r.histogram)),
            });
        }
        return out;
    }
    /** Records totals reached; joins the caller's transaction (see ProgressRecorder). */
    save(totals) {
        if (totals.size === 0)
            return;
        const upsert = this.db.prepare(`INSERT INTO ${SERIES_TABLE} (series_key, start_s, last_s, sum, histogram) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(series_key) DO UPDATE SET last_s = excluded.last_s, sum = excluded.sum, histogram = excluded.histogram`);
        inWriteTransaction(this.db, 'record series totals', () => {
            for (const [key, t] of totals) {
                upsert.run(key, t.startSeconds, t.lastSeconds, t.sum, t.histogram === undefined ? null : JSON.stringify(t.histogram));
            }
        });
    }
    exists() {
        return sql_tableExists(this.db, 'main', SERIES_TABLE);
    }
}

;// CONCATENATED MODULE: ./src/progress/process-start.ts

/** Where the kernel tells this boot apart from the last (Linux). */
const BOOT_ID = '/proc/sys/kernel/random/boot_id';
/** The starttime field of /proc/<pid>/stat, counted from 1 as proc(5) does. */
const STARTTIME_FIELD = 22;
function processStart(pid) {
    if (!Number.isSafeInteger(pid) || pid <= 0)
        return { kind: 'gone' };
    if (process.platform === 'linux') {
        const at = linuxStart(pid);
        if (at !== undefined)
            return at;
    }
    try {
        process.kill(pid, 0);
        return { kind: 'running' };
    }
    catch (err) {
        // EPERM: the process exists but belongs to someone else.
        return err.code === 'EPERM' ? { kind: 'running' } : { kind: 'gone' };
    }
}
/** undefined when /proc cannot say (not mounted, hidden): then only the pid is checked. */
function linuxStart(pid) {
    let stat;
    try {
        stat = (0,external_node_fs_.readFileSync)(`/proc/${pid}/stat`, 'utf8');
    }
    catch (err) {
        const code = err.code;
        // No such entry while /proc itself is there: no such process.
        if (code === 'ENOENT' || code === 'ESRCH')
            return procMounted() ? { kind: 'gone' } : undefined;
        return undefined;
    }
    // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[STARTTIME_FIELD - 3];
    if (ticks === undefined || !/^\d+$/.test(ticks))
        return undefined;
    // A zombie has exited: what it held is not held.
    if (fields[0] === 'Z' || fields[0] === 'X')
        return { kind: 'gone' };
    return { kind: 'started', at: `${bootId()}:${ticks}` };
}
function procMounted() {
    try {
        (0,external_node_fs_.readFileSync)('/proc/self/stat');
        return true;
    }
    catch {
        return false;
    }
}
let boot;
function bootId() {
    if (boot === undefined) {
        try {
            boot = (0,external_node_fs_.readFileSync)(BOOT_ID, 'utf8').trim();
        }
        catch {
            boot = 'unknown-boot';
        }
    }
    return boot;
}

;// CONCATENATED MODULE: ./src/progress/sync-lock.ts






const LOCK_TABLE = 'telemetry_sync_lock';
const sync_lock_CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  owner TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  acquired_at TEXT NOT NULL,
  heartbeat_ms INTEGER NOT NULL,
  started TEXT
)`;
/**
 * How often a holder shows it lives, on a timer of its own: a request retrying through an outage
 * (--retry-budget has no upper bound) or one slow attempt (--timeout up to 10 min) records
 * nothing for that long, yet its holder is alive.
 */
const HEARTBEAT_MS = 10_000;
/**
 * A holder whose liveness cannot be seen (another host, or a system where a process's start time
 * cannot be read) and that has not beaten for this long is taken over: twelve beats missed.
 */
const STALE_AFTER_MS = 120_000;
/** Another sync holds the database. */
class SyncBusyError extends Error {
    name = 'SyncBusyError';
}
/** How long a run waits for another one holding the same lock (database or state) before refusing. */
const LOCK_WAIT_MS = 10_000;
const DEFAULT_TIMING = { heartbeatMs: HEARTBEAT_MS, staleAfterMs: STALE_AFTER_MS };
/**
 * One sync at a time per database, so two runs never send the same events. The lock is a row in a
 * table of ours, taken in a short write transaction and kept alive by a heartbeat on a timer. A
 * holder on this host is alive while its process (pid and start time, so that a reused pid is
 * not taken for it) runs, however old its heartbeat; one elsewhere while it beats. A holder that
 * finds its row gone or someone else's has lost the lock: it records nothing more (refresh
 * throws LockLostError) and tells whoever listens, so that the run stops.
 */
class SyncLock {
    db;
    timing;
    owner = `${(0,external_node_os_.hostname)()}:${process.pid}:${Math.random().toString(36).slice(2)}`;
    timer;
    listeners = [];
    lostController = new AbortController();
    /** Aborted once the lock is found lost: ends a request's retries and waits at once. */
    lostSignal = this.lostController.signal;
    /** Why the lock is no longer ours, once it is not. */
    lost;
    constructor(db, timing = DEFAULT_TIMING) {
        this.db = db;
        this.timing = timing;
    }
    async acquire(options) {
        const deadline = options.now() + options.waitMs;
        for (;;) {
            const holder = this.tryAcquire(options.now());
            if (holder === undefined)
                break;
            if (options.now() >= deadline) {
                throw new SyncBusyError(`another telemetry-sync (pid ${holder.pid} on ${holder.host}, since ${holder.acquired_at}) is syncing this database; nothing was sent, try again when it has finished`);
            }
            await options.sleep(Math.min(250, Math.max(1, deadline - options.now())));
        }
        // Unref'd: the heartbeat alone never keeps a finished run's process alive.
        this.timer = setInterval(() => this.beat(options.now()), this.timing.heartbeatMs);
        this.timer.unref();
    }
    /** Calls `listener` with the reason once the lock is found lost. */
    onLost(listener) {
        this.listeners.push(listener);
        return () => {
            const i = this.listeners.indexOf(listener);
            if (i >= 0)
                this.listeners.splice(i, 1);
        };
    }
    /**
     * Shows the holder is alive, inside the transaction that records a result: throws
     * LockLostError, and so rolls that transaction back, when the row is no longer ours.
     */
    refresh(now) {
        if (this.lost !== undefined)
            throw new LockLostError(this.lost);
        const { changes } = this.db
            .prepare(`UPDATE ${LOCK_TABLE} SET heartbeat_ms = ? WHERE owner = ?`)
            .run(now, this.owner);
        if (Number(changes) === 0)
            throw new LockLostError(this.markLost());
    }
    release() {
        clearInterval(this.timer);
        this.timer = undefined;
        if (this.lost !== undefined)
            return; // the row is someone else's now
        try {
            inWriteTransaction(this.db, 'release the sync lock', () => {
                this.db.prepare(`DELETE FROM ${LOCK_TABLE} WHERE owner = ?`).run(this.owner);
            });
        }
        catch {
            // A lock we could not release is taken over once its process is gone; the outcome stands.
        }
    }
    /** The timer's heartbeat; a beat that cannot write now (tokf writing) is the next one's job. */
    beat(now) {
        if (this.lost !== undefined)
            return;
        try {
            const { changes } = this.db
                .prepare(`UPDATE ${LOCK_TABLE} SET heartbeat_ms = ? WHERE owner = ?`)
                .run(now, this.owner);
            if (Number(changes) === 0)
                this.markLost();
        }
        catch {
            // busy or closed: the stale rule allows many missed beats
        }
    }
    markLost() {
        if (this.lost !== undefined)
            return this.lost;
        let holder;
        try {
            holder = readRow(this.db);
        }
        catch {
            holder = undefined;
        }
        this.lost =
            holder === undefined
                ? "this run's sync lock was removed from the database while it ran"
                : `another telemetry-sync (pid ${holder.pid} on ${holder.host}, since ${holder.acquired_at}) took over this run's sync lock`;
        clearInterval(this.timer);
        this.lostController.abort();
        for (const listener of [...this.listeners])
            listener(this.lost);
        return this.lost;
    }
    /** Takes the lock, or returns who holds it. */
    tryAcquire(now) {
        let holder;
        inWriteTransaction(this.db, 'take the sync lock', () => {
            this.db.exec(sync_lock_CREATE_TABLE);
            addStartedColumn(this.db);
            const row = readRow(this.db);
            if (row !== undefined && isAlive(row, now, this.timing.staleAfterMs)) {
                holder = row;
                return;
            }
            this.db
                .prepare(`INSERT OR REPLACE INTO ${LOCK_TABLE} (id, owner, host, pid, acquired_at, heartbeat_ms, started) VALUES (1, ?, ?, ?, ?, ?, ?)`)
                .run(this.owner, (0,external_node_os_.hostname)(), process.pid, progress_store_tokfTimestamp(new Date(now)), now, ownStart() ?? null);
        });
        return holder;
    }
}
/** Lock tables made before the start time was recorded get the column. */
function addStartedColumn(db) {
    const columns = db.prepare(`PRAGMA table_info(${LOCK_TABLE})`).all();
    if (!columns.some((c) => c.name === 'started'))
        db.exec(`ALTER TABLE ${LOCK_TABLE} ADD COLUMN started TEXT`);
}
function readRow(db) {
    const row = db.prepare(`SELECT * FROM ${LOCK_TABLE} WHERE id = 1`).get();
    if (row === undefined)
        return undefined;
    return {
        host: String(row.host),
        pid: Number(row.pid),
        acquired_at: String(row.acquired_at),
        heartbeat_ms: Number(row.heartbeat_ms),
        started: typeof row.started === 'string' ? row.started : null,
    };
}
let own;
function ownStart() {
    if (own === undefined) {
        const s = processStart(process.pid);
        own = s.kind === 'started' ? s.at : null;
    }
    return own ?? undefined;
}
/**
 * On this host the process decides: gone, or another one under a reused pid, is dead; the same
 * one is alive however long it has been silent. Only where that cannot be seen does the age of
 * the heartbeat decide.
 */
function isAlive(row, now, staleAfterMs) {
    if (row.host === (0,external_node_os_.hostname)()) {
        const proc = processStart(row.pid);
        if (proc.kind === 'gone')
            return false;
        if (proc.kind === 'started' && row.started !== null)
            return proc.at === row.started;
    }
    return now - row.heartbeat_ms <= staleAfterMs;
}
/** Reads the lock without taking it (a read-only database is fine); undefined when none is held. */
function sync_lock_readLockHolder(db, now, staleAfterMs = STALE_AFTER_MS) {
    if (!tableExists(db, 'main', LOCK_TABLE))
        return undefined;
    const row = readRow(db);
    if (row === undefined)
        return undefined;
    return {
        host: row.host,
        pid: row.pid,
        since: row.acquired_at,
        heartbeatAt: tokfTimestamp(new Date(row.heartbeat_ms)),
        alive: isAlive(row, now, staleAfterMs),
    };
}

// EXTERNAL MODULE: external "node:sqlite"
var external_node_sqlite_ = __webpack_require__(80099);
;// CONCATENATED MODULE: ./src/source/database.ts





/** How long a statement waits for tokf's write lock before giving up. */
const BUSY_TIMEOUT_MS = 5000;
/**
 * Opens the tracking database without ever creating it. Read-only where the run records nothing
 * (dry runs, file-only exports), so such runs leave the file byte for byte as it was.
 */
function database_openDatabase(path, readOnly, busyTimeoutMs = BUSY_TIMEOUT_MS) {
    if (!(0,external_node_fs_.existsSync)(path))
        throw new errors_DatabaseError(`no database at ${path}`);
    if ((0,external_node_fs_.statSync)(path).isDirectory())
        throw new errors_DatabaseError(`${path} is a directory, not a database`);
    let db;
    try {
        db = new external_node_sqlite_.DatabaseSync(path, { readOnly });
    }
    catch (err) {
        throw new errors_DatabaseError(`cannot open ${path}: ${errors_messageOf(err)}`);
    }
    try {
        db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
        // SQLite reads the header lazily: ask for something so a non-database fails here, clearly.
        db.prepare('SELECT count(*) FROM sqlite_schema').get();
    }
    catch (err) {
        db.close();
        const msg = errors_messageOf(err);
        if (/not a database|file is encrypted/i.test(msg)) {
            throw new errors_DatabaseError(`${path} is not an SQLite database`);
        }
        throw sqlite_failure_databaseFailure(err, path, 'open it');
    }
    return db;
}
/**
 * Before anything is sent, the database and its directory (where SQLite puts its journal) must be
 * writable, or delivered events could not be recorded and would be sent again next time. The
 * permission bits are checked as well as access: root can write a file marked read-only, but the
 * user who marked it meant it.
 */
function assertWritable(path) {
    if (!(0,external_node_fs_.existsSync)(path))
        return; // openDatabase says so
    for (const [what, target] of [
        ['database file', path],
        ['directory', (0,external_node_path_.dirname)(path)],
    ]) {
        const mode = (0,external_node_fs_.statSync)(target).mode;
        if ((mode & 0o222) === 0) {
            throw new errors_DatabaseError(`the ${what} ${target} is read-only (mode ${(mode & 0o777).toString(8)}), so delivered events could not be recorded; nothing was sent (use --dry-run or --otlp-json-out to read it)`);
        }
    }
}
/**
 * A consistent copy of the database at `to`, through SQLite's online backup: tokf writing
 * meanwhile cannot tear it, as a file copy could.
 */
async function copyDatabase(from, to) {
    const source = new external_node_sqlite_.DatabaseSync(from, { readOnly: true });
    try {
        await (0,external_node_sqlite_.backup)(source, to);
    }
    finally {
        source.close();
    }
}

// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(58500);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
;// CONCATENATED MODULE: ./src/config/proxy.ts


/**
 * HTTP_PROXY, HTTPS_PROXY and NO_PROXY as curl, `@actions/http-client` and Node read them: the
 * lower-case name first, then the upper-case one. Undefined when no proxy is set. A proxy URL
 * without a scheme is taken as http://, as curl does. Credentials are never echoed.
 */
function readProxySettings(env) {
    const http = proxyServer(env, 'http_proxy', 'HTTP_PROXY');
    const https = proxyServer(env, 'https_proxy', 'HTTPS_PROXY');
    if (http === undefined && https === undefined)
        return undefined;
    const list = env.no_proxy ?? env.NO_PROXY ?? '';
    const noProxy = list
        .split(/[,\s]+/)
        .map((entry) => entry.trim().toLowerCase())
        .filter((entry) => entry !== '');
    return {
        ...(http !== undefined && { http }),
        ...(https !== undefined && { https }),
        noProxy,
    };
}
function proxyServer(env, lower, upper) {
    const [source, text] = env[lower] !== undefined && env[lower].trim() !== ''
        ? [lower, env[lower]]
        : [upper, env[upper]];
    if (text === undefined || text.trim() === '')
        return undefined;
    const trimmed = text.trim();
    const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
    let url;
    try {
        url = new URL(withScheme);
    }
    catch {
        // Not echoed: a proxy URL often carries a password.
        throw new UsageError(`${source}: not a valid proxy URL (expected http://host:port)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new UsageError(`${source}: a ${url.protocol.replace(/:$/, '')} proxy is not supported; give an http:// (or https://) proxy`);
    }
    const credentials = url.username !== '' || url.password !== ''
        ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
        : undefined;
    url.username = '';
    url.password = '';
    return {
        url: `${url.protocol}//${url.host}/`,
        source,
        ...(credentials !== undefined && { credentials }),
    };
}
/** What must never be printed of the proxies: passwords, user names, the Basic token. */
function proxySecrets(settings) {
    const secrets = [];
    for (const server of [settings?.http, settings?.https]) {
        const c = server?.credentials;
        if (c === undefined)
            continue;
        secrets.push(c.user, c.password, encodeURIComponent(c.password), proxyAuthorization(c));
        secrets.push(proxyAuthorization(c).replace(/^Basic /, ''));
    }
    return [...new Set(secrets.filter((s) => s !== ''))];
}
/** The Proxy-Authorization value for credentials from the proxy URL. */
function proxyAuthorization(c) {
    return `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}`;
}
/** The proxy for a request to `url`, or undefined to connect directly. */
function proxyFor(url, settings) {
    if (settings === undefined)
        return undefined;
    const server = url.protocol === 'https:' ? settings.https : settings.http;
    if (server === undefined)
        return undefined;
    return bypassed(url, settings.noProxy) ? undefined : server;
}
const DEFAULT_PORTS = { 'http:': '80', 'https:': '443' };
/**
 * Whether NO_PROXY names the URL's host, by curl's rules plus those of `@actions/http-client`
 * and Node: `*` is every host; a name matches itself and every name under it, with or without a
 * leading dot or `*.`; an entry with a port matches that port only (the scheme's default port
 * when the URL gives none); IP literals, IPv6 with or without brackets, match exactly.
 */
function bypassed(url, noProxy) {
    const host = unbracket(url.hostname.toLowerCase()).replace(/\.$/, '');
    const port = url.port !== '' ? url.port : (DEFAULT_PORTS[url.protocol] ?? '');
    return noProxy.some((entry) => {
        if (entry === '*')
            return true;
        const { name, entryPort } = splitEntry(entry);
        if (entryPort !== undefined && entryPort !== port)
            return false;
        if (name === '')
            return false;
        if ((0,external_node_net_.isIP)(name) !== 0 || (0,external_node_net_.isIP)(host) !== 0)
            return name === host;
        const suffix = name.replace(/^\*?\.+/, '').replace(/\.$/, '');
        return host === suffix || host.endsWith(`.${suffix}`);
    });
}
/** host, [v6]:port, host:port or a bare IPv6 address, apart from the port. */
function splitEntry(entry) {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed !== null) {
        return {
            name: bracketed[1],
            ...(bracketed[2] !== undefined && { entryPort: bracketed[2] }),
        };
    }
    // More than one colon and no brackets: an IPv6 address, which has no port.
    if ((0,external_node_net_.isIP)(entry) === 6)
        return { name: entry };
    const withPort = /^(.*):(\d+)$/.exec(entry);
    if (withPort !== null)
        return { name: withPort[1], entryPort: withPort[2] };
    return { name: entry };
}
function unbracket(host) {
    return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(41692);
var external_node_tls_default = /*#__PURE__*/__webpack_require__.n(external_node_tls_);
;// CONCATENATED MODULE: ./src/deliver/http-post.ts



/**
 * The most of a response body that is read, what the OpenTelemetry JS exporters allow: an export
 * response is a few bytes, an error page a few kilobytes. Past it the connection is closed, so
 * that the rest is neither buffered nor waited for.
 */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** The exchange outlived its timeout: worth another attempt, unlike most request errors. */
class TimeoutError extends Error {
    name = 'TimeoutError';
}
/**
 * A POST over node:http(s) with a keep-alive agent of the caller's, so that a thousand requests
 * in a run share one connection. The timeout covers the whole exchange, response body included;
 * a body is read up to MAX_RESPONSE_BYTES and the connection dropped past that.
 */
function post(url, headers, body, timeoutMs, agent) {
    const client = url.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default());
    return new Promise((resolve, reject) => {
        let settled = false;
        const finish = (outcome) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            outcome();
        };
        const req = client.request(url, {
            method: 'POST',
            agent,
            headers: { ...headers, 'Content-Length': String(body.byteLength) },
        });
        // The timeout is the verdict even mid-body, whatever the destroyed socket then reports.
        const timer = setTimeout(() => {
            const err = new TimeoutError(`no answer within ${timeoutMs} ms`);
            finish(() => reject(err));
            req.destroy(err);
        }, timeoutMs);
        let answered = false;
        // Once a response has begun, the request's own error (a server that answered and reset the
        // connection without reading our body, as a refusing proxy does) is the response's to judge:
        // it ends, or it closes short.
        req.on('error', (err) => {
            if (!answered)
                finish(() => reject(err));
        });
        req.on('response', (res) => {
            answered = true;
            const chunks = [];
            let size = 0;
            const answer = (truncated) => ({
                status: res.statusCode ?? 0,
                contentType: header(res.headers['content-type']),
                retryAfter: header(res.headers['retry-after']),
                location: header(res.headers.location),
                body: new Uint8Array(Buffer.concat(chunks)),
                truncated,
            });
            res.on('data', (c) => {
                if (settled)
                    return;
                const room = MAX_RESPONSE_BYTES - size;
                if (c.byteLength <= room) {
                    chunks.push(c);
                    size += c.byteLength;
                    return;
                }
                chunks.push(c.subarray(0, room));
                size = MAX_RESPONSE_BYTES;
                // The rest is not read: the socket goes, and with it whatever the server still sends.
                finish(() => resolve(answer(true)));
                res.destroy();
                req.destroy();
            });
            res.on('error', (err) => finish(() => reject(err)));
            res.on('end', () => finish(() => resolve(answer(false))));
            res.on('close', () => {
                if (!res.complete)
                    finish(() => reject(Object.assign(new Error('connection closed mid-response'), { code: 'ECONNRESET' })));
            });
        });
        req.end(body);
    });
}
function header(value) {
    return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}
/**
 * Keep-alive agents for one client, one per scheme and proxy: one connection reused request after
 * request. A CA of the user's is trusted besides the usual ones (Node's `ca` would otherwise
 * replace them), so that one variable set for a private collector does not break a public
 * endpoint reached through it. Through a proxy, Node's own proxy support does the work (an
 * absolute URL for http, CONNECT for https); which proxy, if any, is the caller's decision.
 */
class Agents {
    tlsFiles;
    agents = new Map();
    constructor(tlsFiles = {}) {
        this.tlsFiles = tlsFiles;
    }
    for(url, proxy) {
        const key = `${url.protocol} ${proxy?.url ?? 'direct'}`;
        let agent = this.agents.get(key);
        if (agent === undefined) {
            agent = this.make(url.protocol === 'https:', proxy);
            this.agents.set(key, agent);
        }
        return agent;
    }
    make(secure, proxy) {
        const proxyEnv = proxy === undefined
            ? {}
            : { proxyEnv: { [secure ? 'HTTPS_PROXY' : 'HTTP_PROXY']: href(proxy) } };
        if (!secure)
            return new (external_node_http_default()).Agent({ keepAlive: true, maxSockets: 1, ...proxyEnv });
        const { ca, cert, key } = this.tlsFiles;
        return new (external_node_https_default()).Agent({
            keepAlive: true,
            maxSockets: 1,
            ...proxyEnv,
            ...(ca !== undefined && { ca: [...external_node_tls_default().getCACertificates('default'), ca] }),
            ...(cert !== undefined && { cert }),
            ...(key !== undefined && { key }),
        });
    }
    /** Closes every kept-alive connection, so that the process can exit at once. */
    destroy() {
        for (const agent of this.agents.values())
            agent.destroy();
        this.agents.clear();
    }
}
/** The proxy URL with its credentials, as Node reads them into Proxy-Authorization. */
function href(proxy) {
    const url = new URL(proxy.url);
    if (proxy.credentials !== undefined) {
        url.username = encodeURIComponent(proxy.credentials.user);
        url.password = encodeURIComponent(proxy.credentials.password);
    }
    return url.toString();
}

;// CONCATENATED MODULE: ./src/deliver/request-errors.ts

/**
 * A request that got no answer, in words: which host it tried, through which proxy, and what to
 * set or check. Node's codes name the symptom (ENOTFOUND, ECONNREFUSED, an OpenSSL reason), not
 * the place or the cure.
 */
/** Statuses of a proxy's CONNECT answer that may pass, as the OTLP rules say for endpoints. */
const RETRYABLE_TUNNEL_STATUSES = new Set([429, 502, 503, 504]);
// Connection failures worth another try: the peer dropped us, refused us while starting, or the
// network blinked. A host that does not exist or a bad certificate will not heal by retrying.
const TRANSIENT_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EAI_AGAIN',
]);
/** Of those, the ones that come before a connection opens: no byte of the body went out. */
const NEVER_CONNECTED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** " (through the proxy ...)" after a message, or nothing without a proxy. */
function viaNote(proxy) {
    return proxy === undefined ? '' : ` ${through(proxy)}`;
}
function through(proxy) {
    return `(through the proxy ${proxy.url} from ${proxy.source})`;
}
/** A proxy that refused a request or a tunnel, with what to check. */
function proxyRefused(proxy, url, status) {
    const at = `the proxy ${proxy.url} (from ${proxy.source})`;
    if (status === 407) {
        return proxy.credentials === undefined
            ? `${at} wants credentials (407): give them in the proxy URL, http://user:password@host:port`
            : `${at} refused the credentials in ${proxy.source} (407)`;
    }
    return `${at} would not connect to ${url.host} (HTTP ${status ?? 'error'}); if ${url.hostname} is to be reached directly, add it to NO_PROXY`;
}
/** A request that got no answer, in words that name the host tried and the proxy, if any. */
function classifyFailure(err, ctx) {
    const { url, proxy, tls } = ctx;
    const via = proxy === undefined ? '' : ` ${through(proxy)}`;
    if (err instanceof TimeoutError) {
        return {
            kind: 'retryable',
            message: `no answer from ${url.host} within ${ctx.timeoutMs} ms${via}`,
        };
    }
    const e = err;
    const code = e?.code;
    const detail = code ?? e?.message ?? String(err);
    if (code === 'ERR_PROXY_TUNNEL' && proxy !== undefined) {
        // Node could not open the CONNECT tunnel: the proxy answered with a status.
        const status = e.statusCode;
        const message = proxyRefused(proxy, url, status);
        return status !== undefined && RETRYABLE_TUNNEL_STATUSES.has(status)
            ? { kind: 'retryable', message }
            : { kind: 'permanent', message };
    }
    // Through a proxy, Node connects to the proxy: an error of the connection is the proxy's.
    const host = proxy === undefined
        ? url.host
        : `the proxy ${proxy.url} (from ${proxy.source}) for ${url.host}`;
    if (code === 'ENOTFOUND') {
        const name = proxy === undefined ? url.hostname : new URL(proxy.url).hostname;
        return {
            kind: 'permanent',
            message: proxy === undefined
                ? `cannot resolve the host name ${name} (ENOTFOUND): check the endpoint's host; if this machine reaches the network only through a proxy, set HTTPS_PROXY (or HTTP_PROXY)`
                : `cannot resolve the proxy's host name ${name} (ENOTFOUND, from ${proxy.source}): check ${proxy.source}`,
        };
    }
    if (code !== undefined && TRANSIENT_CODES.has(code)) {
        // Over TLS 1.3 a server that refuses the client certificate just drops the connection after
        // the handshake; it still may be a passing reset, so it is retried, but with the likely cause.
        const hint = (code === 'ECONNRESET' || code === 'EPIPE') && tls.cert !== undefined
            ? '; if it persists, the endpoint may be refusing the client certificate'
            : '';
        return {
            kind: 'retryable',
            message: `connection to ${host} failed (${detail})${hint}`,
            ...(NEVER_CONNECTED_CODES.has(code) && { neverSent: true }),
        };
    }
    const words = tlsFailure(e ?? {}, tls, ctx.tlsSettings ?? TLS_SETTINGS);
    if (words !== undefined) {
        return { kind: 'permanent', message: `TLS with ${url.host}: ${words} (${detail})${via}` };
    }
    return { kind: 'permanent', message: `request to ${host} failed (${detail})` };
}
/** The TLS settings in words when the config gave none: the command line's. */
const TLS_SETTINGS = {
    ca: 'OTEL_EXPORTER_OTLP_CERTIFICATE (or --certificate)',
    client: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY (or --client-certificate and --client-key)',
};
/**
 * TLS alerts the server may send, by number (RFC 8446 6.2). OpenSSL reports them as a code for
 * TLS 1.3 but only as EPROTO with the number in the message for TLS 1.2, so the number is what
 * is read.
 */
const ALERTS = {
    '40': 'handshake-failure',
    '42': 'bad-certificate',
    '45': 'certificate-expired',
    '46': 'certificate-unknown',
    '48': 'unknown-ca',
    '49': 'access-denied',
    '116': 'certificate-required',
};
/**
 * A failed handshake in words, with what to set: OpenSSL's codes name the symptom, not the cure.
 * Undefined for a failure that is not about TLS.
 */
function tlsFailure(e, tls, settings) {
    const CA_SETTING = settings.ca;
    const CLIENT_SETTINGS = settings.client;
    // With a CA file given, the advice is about that file rather than to give one.
    const trust = (what) => tls.ca === undefined
        ? `set ${CA_SETTING} to ${what}`
        : `the file in ${CA_SETTING} is not ${what}; give that one`;
    const wantsClientCertificate = `the endpoint wants a client certificate: set ${CLIENT_SETTINGS}`;
    const refusedOurs = (why) => tls.cert === undefined
        ? wantsClientCertificate
        : `the endpoint refused our client certificate: ${why}`;
    switch (e.code) {
        case 'DEPTH_ZERO_SELF_SIGNED_CERT':
            return `the endpoint's certificate is self-signed: ${trust('its PEM file')}`;
        case 'SELF_SIGNED_CERT_IN_CHAIN':
            return `the endpoint's certificate is issued by a private CA: ${trust("that CA's PEM file")}`;
        case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
        case 'UNABLE_TO_GET_ISSUER_CERT':
        case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
            return `the endpoint's certificate is issued by a CA this machine does not trust (or the server leaves out its intermediate certificates): ${trust("the issuing CA's PEM file")}`;
        case 'CERT_HAS_EXPIRED':
            return "the endpoint's certificate has expired: renew it on the server (or check this machine's clock)";
        case 'CERT_NOT_YET_VALID':
            return "the endpoint's certificate is not valid yet: check this machine's clock and the server's";
        case 'ERR_TLS_CERT_ALTNAME_INVALID': {
            const facts = [
                e.reason?.replace(/[:\s]+$/, ''),
                e.cert?.subjectaltname === undefined ? undefined : `it names ${e.cert.subjectaltname}`,
            ].filter((fact) => fact !== undefined && fact !== '');
            const why = facts.length === 0 ? '' : ` (${facts.join('; ')})`;
            return `the endpoint's certificate is for another host name${why}: connect by a name it lists, or reissue it for this one`;
        }
    }
    const message = e.message ?? '';
    if (/wrong version number|packet length too long/i.test(message)) {
        return 'the endpoint does not speak TLS on this port: use http:// for it, or its TLS port';
    }
    const alert = ALERTS[/SSL alert number (\d+)/.exec(message)?.[1] ?? ''];
    switch (alert) {
        case 'certificate-required':
            return wantsClientCertificate;
        case 'handshake-failure':
            return tls.cert === undefined
                ? `the endpoint ended the handshake; it may want a client certificate: set ${CLIENT_SETTINGS}`
                : 'the endpoint ended the handshake: it refused our client certificate, or has no cipher in common with us';
        case 'bad-certificate':
        case 'certificate-unknown':
        case 'unknown-ca':
        case 'access-denied':
            return refusedOurs('it is not issued by a CA the endpoint trusts');
        case 'certificate-expired':
            return refusedOurs('it has expired');
        default:
            return undefined;
    }
}

;// CONCATENATED MODULE: ./src/deliver/redirects.ts
/**
 * Which redirects a POST of OTLP follows, and in what words. 307 and 308 keep the method and
 * body (RFC 9110 15.4.8, 15.4.9) and are followed; after 301, 302 and 303 most clients send a
 * GET, which an OTLP receiver cannot take, so the Location is shown for the user to adopt.
 */
/** Redirects followed with method and body kept. */
const FOLLOWED = new Set([307, 308]);
/** Redirects not followed for a POST: the URL is shown instead. */
const NOT_FOLLOWED = new Set([301, 302, 303]);
/** Redirects followed in one attempt; a load balancer needs one or two, more is a loop. */
const MAX_REDIRECTS = 5;
function isRedirect(status) {
    return FOLLOWED.has(status) || NOT_FOLLOWED.has(status);
}
/**
 * The next hop after a redirect from `from`. `hopsSoFar`: redirects already followed in this
 * attempt. `endpointHeaders`: the configured headers, which a hop to another origin leaves
 * behind. `show` puts a URL in words that are safe to print.
 */
function nextHop(from, status, location, hopsSoFar, endpointHeaders, show) {
    const stop = (message) => ({ kind: 'stop', message });
    let to;
    try {
        if (location !== null && location.trim() !== '')
            to = new URL(location.trim(), from);
    }
    catch {
        to = undefined;
    }
    if (to === undefined) {
        return stop(`a redirect from ${show(from)} with no usable Location; give the endpoint's own URL`);
    }
    const where = show(to);
    if (NOT_FOLLOWED.has(status)) {
        return stop(`the endpoint redirects to ${where} (Location); a POST is not followed through ${status} (it would turn into a GET): give ${where} as the endpoint`);
    }
    if (to.protocol !== 'https:' && to.protocol !== 'http:') {
        return stop(`a redirect to ${where}, which is not http or https; not followed`);
    }
    if (from.protocol === 'https:' && to.protocol === 'http:') {
        return stop(`a redirect from ${show(from)} to ${where} would leave TLS, so it is not followed; check the endpoint's configuration, or give the https URL it should have`);
    }
    if (hopsSoFar >= MAX_REDIRECTS) {
        return stop(`more than ${MAX_REDIRECTS} redirects (last to ${where}); give the endpoint's final URL`);
    }
    const note = to.origin !== from.origin && endpointHeaders.length > 0
        ? `; ${endpointHeaders.join(', ')} not sent to the other origin`
        : '';
    return {
        kind: 'go',
        url: to,
        line: `HTTP ${status}: redirected from ${show(from)} to ${where}${note}`,
    };
}
/**
 * The headers for another origin: the configured ones (and any Authorization) left behind, as
 * browsers and undici drop Authorization on a cross-origin redirect.
 */
function headersForOtherOrigin(headers, endpointHeaders) {
    const drop = new Set([...endpointHeaders, 'authorization'].map((n) => n.toLowerCase()));
    return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop.has(name.toLowerCase())));
}

// EXTERNAL MODULE: ./node_modules/protobufjs/light.js
var light = __webpack_require__(80365);
var light_default = /*#__PURE__*/__webpack_require__.n(light);
;// CONCATENATED MODULE: ./src/deliver/response.ts

/**
 * The rejected-count field of each signal's Export*PartialSuccess (opentelemetry-proto
 * collector/<signal>/v1/<signal>_service.proto): field 1 in all three, under its own name.
 */
const REJECTED_FIELD = {
    metrics: 'rejectedDataPoints',
    logs: 'rejectedLogRecords',
    traces: 'rejectedSpans',
};
/**
 * Each signal's Export*ServiceResponse as a protobufjs type, from the official field numbers and
 * types, so that protobufjs decodes (and checks) the body and the JSON form is held to the same
 * field names. Made on first use: a run that never gets an answer need not build them.
 */
const responseTypes = new Map();
function responseType(signal) {
    let type = responseTypes.get(signal);
    if (type === undefined) {
        const root = light_default().Root.fromJSON({
            nested: {
                PartialSuccess: {
                    fields: {
                        [REJECTED_FIELD[signal]]: { type: 'int64', id: 1 },
                        errorMessage: { type: 'string', id: 2 },
                    },
                },
                ExportResponse: { fields: { partialSuccess: { type: 'PartialSuccess', id: 1 } } },
            },
        });
        type = root.lookupType('ExportResponse');
        responseTypes.set(signal, type);
    }
    return type;
}
/**
 * Reads a 2xx body for what it says. It is an acknowledgement only when it is empty or is the
 * signal's Export*ServiceResponse, in JSON or protobuf whatever the Content-Type claims (`{}` is
 * a valid JSON answer to a protobuf request). Held strictly: JSON must have no field the message
 * does not, and protobuf must be exactly the message protobufjs decodes from it (encoded again,
 * the same bytes), so that a login page, a proxy's block page or another service's JSON is never
 * taken for one. `truncated`: the body was longer than was read, which no export response is.
 */
function readExportResponse(body, signal, truncated = false) {
    if (truncated)
        return { otlp: false, why: 'the body is far longer than any OTLP response' };
    if (body.byteLength === 0 || isBlank(body))
        return { otlp: true, partial: NONE };
    const type = responseType(signal);
    const json = readJson(body, type);
    if (json !== undefined)
        return json;
    const proto = readProtobuf(body, type, signal);
    if (proto !== undefined)
        return proto;
    return {
        otlp: false,
        why: `the body is neither JSON nor protobuf of an OTLP Export${title(signal)}ServiceResponse`,
    };
}
const NONE = { rejectedPoints: 0, message: undefined };
function isBlank(body) {
    return body.every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09);
}
function readJson(body, type) {
    let value;
    try {
        value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    }
    catch {
        return undefined;
    }
    const shapeError = checkJson(value, type, '');
    if (shapeError !== undefined)
        return { otlp: false, why: `JSON, but ${shapeError}` };
    const partial = value.partialSuccess ??
        value.partial_success;
    return { otlp: true, partial: partialOf(partial) };
}
/**
 * Whether `value` has the shape of `type` in the proto3 JSON mapping (lowerCamelCase or the
 * original snake_case names, 64-bit integers as numbers or decimal strings); what is wrong if
 * not.
 */
function checkJson(value, type, path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return `${path === '' ? 'the body' : path} is not an object`;
    }
    for (const [key, item] of Object.entries(value)) {
        const field = type.fieldsArray.find((f) => f.name === key || snakeCase(f.name) === key);
        const at = path === '' ? key : `${path}.${key}`;
        if (field === undefined)
            return `"${at}" is no field of an OTLP export response`;
        if (item === null)
            continue;
        field.resolve();
        if (field.resolvedType instanceof (light_default()).Type) {
            const inner = checkJson(item, field.resolvedType, at);
            if (inner !== undefined)
                return inner;
        }
        else if (field.type === 'int64') {
            const integer = (typeof item === 'number' && Number.isInteger(item)) ||
                (typeof item === 'string' && /^-?\d+$/.test(item));
            if (!integer)
                return `"${at}" is not an integer`;
        }
        else if (typeof item !== 'string') {
            return `"${at}" is not a string`;
        }
    }
    return undefined;
}
function readProtobuf(body, type, signal) {
    let message;
    try {
        message = type.decode(body);
    }
    catch {
        return undefined;
    }
    // protobufjs skips what it does not know; bytes it skipped are missing when encoded again.
    const again = type.encode(message).finish();
    if (!Buffer.from(again).equals(Buffer.from(body)))
        return undefined;
    const object = type.toObject(message, { longs: String });
    return { otlp: true, partial: partialOf(object.partialSuccess, REJECTED_FIELD[signal]) };
}
/** The rejected count and message of a partial success, whichever signal's name it carries. */
function partialOf(partial, field) {
    if (typeof partial !== 'object' || partial === null)
        return NONE;
    const p = partial;
    const names = field === undefined ? Object.values(REJECTED_FIELD) : [field];
    const raw = names.map((n) => p[n] ?? p[snakeCase(n)]).find((v) => v !== undefined && v !== null);
    const rejected = Number(raw ?? 0);
    const text = p.errorMessage ?? p.error_message;
    return {
        rejectedPoints: Number.isFinite(rejected) && rejected > 0 ? rejected : 0,
        message: typeof text === 'string' && text !== '' ? text : undefined,
    };
}
function snakeCase(name) {
    return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
function title(signal) {
    return { metrics: 'Metrics', logs: 'Logs', traces: 'Trace' }[signal];
}

;// CONCATENATED MODULE: ./src/deliver/http-transport.ts





/** Statuses the OTLP specification calls retryable; every other failure status is permanent. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
/** Longest slice of an error response kept for the report. */
const ERROR_BODY_LIMIT = 300;
/** Of a reply that is not OTLP, the first bytes shown: enough to recognise a login page. */
const NOT_OTLP_BODY_LIMIT = 200;
/** One POST per send over a kept-alive connection, classified by the OTLP rules. Never throws. */
class HttpTransport {
    target;
    now;
    url;
    agents;
    constructor(target, now = Date.now) {
        this.target = target;
        this.now = now;
        this.url = new URL(target.url);
        this.agents = new Agents(target.tls);
    }
    async send(body) {
        const { timeoutMs } = this.target;
        const deadline = Date.now() + timeoutMs;
        let url = this.url;
        let headers = this.target.headers;
        const endpointHeaders = this.target.endpointHeaders ?? [];
        const hops = [];
        for (;;) {
            const proxy = proxyFor(url, this.target.proxies);
            let response;
            try {
                const left = Math.max(1, deadline - Date.now());
                response = await post(url, headers, body, left, this.agents.for(url, proxy));
            }
            catch (err) {
                return withHops(classifyFailure(err, {
                    timeoutMs,
                    tls: this.target.tls ?? {},
                    url,
                    proxy,
                    ...(this.target.advice !== undefined && { tlsSettings: this.target.advice.tls }),
                }), hops);
            }
            const { status } = response;
            if (isRedirect(status)) {
                const next = nextHop(url, status, response.location, hops.length, endpointHeaders, (u) => this.show(u));
                if (next.kind === 'stop') {
                    return withHops({ kind: 'permanent', status, message: next.message }, hops);
                }
                hops.push(next.line);
                this.target.onRedirect?.(next.line);
                // Once on another origin, the credentials stay behind, even on the way back.
                if (next.url.origin !== url.origin)
                    headers = headersForOtherOrigin(headers, endpointHeaders);
                url = next.url;
                continue;
            }
            return withHops(this.classify(response, url, proxy), hops);
        }
    }
    show(url) {
        return this.redact(shown(url));
    }
    redact(text) {
        let out = text;
        for (const s of [...(this.target.secrets ?? [])].sort((a, b) => b.length - a.length)) {
            if (s.length > 0)
                out = out.split(s).join('***');
        }
        return out;
    }
    /** A final answer (no redirect) by the OTLP rules. */
    classify(response, url, proxy) {
        const { status } = response;
        const signal = this.target.signal ?? 'metrics';
        if (status >= 200 && status < 300) {
            const reading = readExportResponse(response.body, signal, response.truncated);
            if (reading.otlp)
                return { kind: 'acknowledged', status, partial: reading.partial };
            return { kind: 'not-otlp', status, message: this.notOtlp(response, reading.why, url) };
        }
        const message = this.redact(describeBody(response.body));
        if (status === 407 && proxy !== undefined) {
            return { kind: 'permanent', status, message: proxyRefused(proxy, url, status) };
        }
        if (RETRYABLE_STATUSES.has(status)) {
            const retryAfterMs = parseRetryAfter(response.retryAfter, this.now());
            return {
                kind: 'retryable',
                status,
                message: `${message}${viaNote(proxy)}`,
                ...(retryAfterMs !== undefined && { retryAfterMs }),
            };
        }
        if (status === 404) {
            const advice = this.target.advice?.notFound ?? `nothing at ${shown(url)}`;
            const said = message === '' ? '' : `; the endpoint said: ${message}`;
            return { kind: 'permanent', status, message: `${advice}${said}${viaNote(proxy)}` };
        }
        // Through a proxy, the answer may be the proxy's own (tinyproxy answers 401 to credentials it
        // refuses): the message says which proxy it went through.
        return { kind: 'permanent', status, message: `${message}${viaNote(proxy)}` };
    }
    /** A 2xx that is no export response, in words: what came back and what to check. */
    notOtlp(response, why, url) {
        const type = response.contentType ?? 'none';
        const begins = this.redact(printable(response.body.subarray(0, NOT_OTLP_BODY_LIMIT)) +
            (response.body.byteLength > NOT_OTLP_BODY_LIMIT || response.truncated ? '…' : ''));
        const body = response.body.byteLength === 0 ? '' : `; it begins "${begins}"`;
        const advice = this.target.advice?.notOtlp ??
            `check that ${shown(url)} is the OTLP/HTTP receiver, not a login page or a proxy's page`;
        return `not an OTLP endpoint: ${shown(url)} answered with Content-Type ${type}, ${why}${body}; nothing was counted delivered and nothing more is sent to it; ${advice}`;
    }
    /** Closes the kept-alive connections, so that the process can exit at once. */
    close() {
        this.agents.destroy();
    }
}
/** A result with the redirects that led to it, so that a failure says where it happened. */
function withHops(result, hops) {
    if (hops.length === 0 || result.kind === 'acknowledged')
        return result;
    return { ...result, message: `${result.message} (after ${hops.join('; then ')})` };
}
/** scheme, host and path: never credentials or a query, which may hold a key. */
function shown(url) {
    return `${url.protocol}//${url.host}${url.pathname}`;
}
function describeBody(body) {
    if (body.byteLength === 0)
        return '';
    const text = printable(body.subarray(0, ERROR_BODY_LIMIT));
    return text === '' ? '' : `${text}${body.byteLength > ERROR_BODY_LIMIT ? '…' : ''}`;
}
/** The printable text of some bytes: only that helps a reader, a protobuf Status does not. */
function printable(bytes) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    return text.replace(/[^\x20-\x7e]+/g, ' ').trim();
}
/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined if absent or unreadable. */
function parseRetryAfter(value, now) {
    if (value === null || value.trim() === '')
        return undefined;
    const text = value.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    const date = Date.parse(text);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(0, date - now);
}

;// CONCATENATED MODULE: ./src/deliver/refusal-text.ts
/**
 * A series already holds a sample after (or, with another value, at) a point's time. A resend of
 * a request the backend stored gets exactly these answers, so they must never be read as bad data:
 * - Prometheus (storage/interface.go; the OTLP write handler answers 400 with the error's text,
 *   several joined by newlines): "out of order sample", "duplicate sample for timestamp"
 *   (same time, other value; an identical resend of a point is taken silently);
 * - Thanos receive (pkg/receive/writer_errors.go, 409 Conflict): "add N samples: out of order
 *   sample", "add N samples: duplicate sample for timestamp";
 * - Mimir and Grafana Cloud (400, error ids): err-mimir-sample-out-of-order,
 *   err-mimir-sample-duplicate-timestamp;
 * - Cortex: "sample timestamp out of order", "sample with repeated timestamp but different value";
 * - Loki, for log records of a stream (older versions, or with unordered writes disabled):
 *   "entry out of order".
 * VictoriaMetrics takes out-of-order samples and drops duplicates itself: no refusal to read.
 */
const OUT_OF_ORDER = [
    /out of order sample/i,
    /duplicate sample for timestamp/i,
    /err-mimir-sample-out-of-order/i,
    /err-mimir-sample-duplicate-timestamp/i,
    /sample timestamp out of order/i,
    /sample with repeated timestamp but different value/i,
    /entry out of order/i,
];
/**
 * Older than the backend takes: Prometheus "out of bounds" (behind its head, with no out-of-order
 * window) and "too old sample" (outside the window); Mimir err-mimir-sample-timestamp-too-old;
 * Loki "entry too far behind"; and the generic words other backends use.
 */
const TOO_OLD = [
    /out of bounds/i,
    /too old/i,
    /err-mimir-sample-timestamp-too-old/i,
    /too far behind/i,
];
/** Statuses whose text may say the data is out of order (Thanos receive answers 409 Conflict). */
const ORDER_STATUSES = new Set([400, 409, 422]);
/**
 * What a refusal's text says. Out of order is read first: Prometheus joins one error per series,
 * so a request with one stale series and one the backend already holds names both, and the
 * latter is what decides whether the request may already be there.
 */
function readRefusal(status, text) {
    if (ORDER_STATUSES.has(status) && OUT_OF_ORDER.some((re) => re.test(text)))
        return 'out-of-order';
    if (TOO_OLD.some((re) => re.test(text)))
        return 'too-old';
    return 'other';
}
/**
 * Whether a reason recorded for a set-aside event (by an earlier run, in the dead-letter table)
 * is an out-of-order or duplicate refusal: earlier versions set such events aside as bad data or
 * as too old, although a resend of stored data is answered that way. They are looked at again.
 */
function isOutOfOrderReason(reason) {
    return OUT_OF_ORDER.some((re) => re.test(reason));
}
/**
 * A refusal that repeats one error per series (Prometheus joins them with newlines, which reach
 * here as spaces, cut after a few hundred characters) as the error once with its count:
 * "out of order sample (×15+)", the "+" where the text was cut.
 */
function condenseRepeats(text) {
    const m = /^(.{4,}?)(?: \1)+/.exec(text);
    if (m === null)
        return text;
    const phrase = m[1];
    const times = (m[0].length + 1) / (phrase.length + 1);
    const rest = text.slice(m[0].length).trim();
    if (rest === '')
        return `${phrase} (×${times})`;
    const cut = rest.endsWith('…') && phrase.startsWith(rest.slice(0, -1));
    return cut ? `${phrase} (×${times}+)` : text;
}

;// CONCATENATED MODULE: ./src/deliver/outcome.ts

function isRefusal(outcome) {
    return outcome.kind === 'bad-data' || outcome.kind === 'too-old';
}
/** Statuses by which an endpoint says "this data is bad", 413 (too large) included. */
const BAD_DATA_STATUSES = new Set([400, 413, 422]);
/**
 * The kind of a final non-2xx answer that was not to be retried. What the text says (see
 * refusal-text.ts) tells data the backend already holds, or holds newer data for, from data older
 * than it keeps and from bad data.
 */
function classifyRefusal(status, message) {
    const reading = readRefusal(status, message);
    if (reading === 'out-of-order')
        return 'out-of-order';
    if (!BAD_DATA_STATUSES.has(status))
        return 'failed';
    return reading === 'too-old' ? 'too-old' : 'bad-data';
}
/** One line for a person: the status and what the endpoint said. */
function describeOutcome(outcome) {
    const status = 'status' in outcome && outcome.status !== undefined ? `HTTP ${outcome.status}` : '';
    const message = outcome.message ?? '';
    if (status === '')
        return message;
    return message === '' ? status : `${status}: ${message}`;
}

;// CONCATENATED MODULE: ./src/deliver/retrying-transport.ts




/** Wait before the first retry; it doubles each time, up to MAX_BACKOFF_MS. */
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
/**
 * How long one request may take in all, its attempts and the waits between them, before a
 * transient failure is given up: a time, not a count of attempts, so that a flapping endpoint gets
 * the same chance whether it fails fast or slowly.
 */
const RETRY_BUDGET_MS = 120_000;
/** Statuses a gateway answers when the backend behind it did not answer in time, or at all. */
const GATEWAY_STATUSES = new Set([502, 504]);
const DEFAULT_RETRY_POLICY = {
    initialBackoffMs: INITIAL_BACKOFF_MS,
    maxBackoffMs: MAX_BACKOFF_MS,
    budgetMs: RETRY_BUDGET_MS,
};
/**
 * Exponential backoff with jitter: half the step is fixed and half random, so retries from many
 * runners spread out without ever retrying at once.
 */
function backoffMs(policy, retry, random) {
    const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (retry - 1));
    return Math.round(step / 2 + (step / 2) * random);
}
/**
 * Wraps a transport: retries what the OTLP rules call transient, within the policy, and turns the
 * last attempt into the one classified outcome of the request.
 */
class RetryingTransport {
    transport;
    options;
    policy;
    sleep;
    random;
    now;
    custom;
    constructor(transport, options = {}) {
        this.transport = transport;
        this.options = options;
        this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
        this.custom = options.sleep;
        this.sleep = options.sleep ?? promises_.setTimeout;
        this.random = options.random ?? Math.random;
        this.now = options.now ?? Date.now;
    }
    /** Sleeps `ms`, or less when the signal aborts the wait; true when it did. */
    wait(ms) {
        const { signal } = this.options;
        if (signal === undefined)
            return this.sleep(ms).then(() => false);
        if (signal.aborted)
            return Promise.resolve(true);
        return new Promise((resolve) => {
            let timer;
            const onAbort = () => {
                // The default timer is cleared, so that it keeps nothing waiting once the run ends.
                if (timer !== undefined)
                    clearTimeout(timer);
                resolve(true);
            };
            signal.addEventListener('abort', onAbort, { once: true });
            const done = () => {
                signal.removeEventListener('abort', onAbort);
                resolve(false);
            };
            if (this.custom !== undefined)
                void this.custom(ms).then(done);
            else
                timer = setTimeout(done, ms);
        });
    }
    async send(body) {
        // Time spent: attempts as measured, waits as slept (a test's sleep may not pass real time).
        let spent = 0;
        let bytesSent = 0;
        // Whether an earlier attempt may have been stored without our reading the answer.
        let mayHaveLanded = false;
        for (let attempts = 1;; attempts++) {
            const landed = mayHaveLanded ? { mayHaveLanded } : {};
            if (this.options.signal?.aborted === true) {
                return {
                    kind: 'interrupted',
                    attempts: attempts - 1,
                    bytesSent,
                    ...landed,
                    message: attempts === 1 ? 'interrupted before it was sent' : 'interrupted between retries',
                };
            }
            const started = this.now();
            const result = await this.transport.send(body);
            spent += Math.max(0, this.now() - started);
            // Counted once the endpoint answered: a connection that never opened carried nothing.
            if (result.kind === 'acknowledged' || result.status !== undefined)
                bytesSent += body.byteLength;
            const exchange = { attempts, bytesSent, ...landed };
            if (result.kind === 'acknowledged') {
                const { rejectedPoints, message } = result.partial;
                return {
                    ...exchange,
                    kind: 'acknowledged',
                    rejectedPoints,
                    ...(message !== undefined && { message }),
                };
            }
            if (result.kind === 'not-otlp') {
                // Not a failure to retry or split: the endpoint is not one, and every request would
                // meet the same page.
                return { ...exchange, kind: 'not-otlp', status: result.status, message: result.message };
            }
            const status = result.status === undefined ? {} : { status: result.status };
            if (result.kind === 'permanent') {
                const kind = result.status === undefined ? 'failed' : classifyRefusal(result.status, result.message);
                if (kind === 'failed')
                    return { ...exchange, ...status, kind, message: result.message };
                const message = condenseRepeats(result.message);
                return { ...exchange, kind, status: result.status, message };
            }
            if (attemptMayHaveLanded(result))
                mayHaveLanded = true;
            const gaveUp = (why) => ({
                ...exchange,
                ...(mayHaveLanded && { mayHaveLanded }),
                ...status,
                kind: 'retries-exhausted',
                message: result.message === '' ? why : `${result.message}; ${why}`,
            });
            // Retry-After is honoured, but never below the usual step: "0" from a struggling server
            // would otherwise turn the budget into back-to-back requests.
            const backoff = backoffMs(this.policy, attempts, this.random());
            const wait = Math.max(result.retryAfterMs ?? 0, backoff);
            const attemptMs = this.options.attemptTimeoutMs ?? 0;
            if (spent + wait + attemptMs > this.policy.budgetMs) {
                const budget = `the ${seconds(this.policy.budgetMs)} retry budget`;
                const attempt = attemptMs === 0 ? '' : ` with another attempt's ${seconds(attemptMs)} timeout`;
                return gaveUp(result.retryAfterMs !== undefined && result.retryAfterMs >= backoff
                    ? `gave up after ${words_plural(attempts, 'attempt')}: the endpoint asked to wait ${seconds(wait)}, past ${budget}${attempt}`
                    : `gave up after ${words_plural(attempts, 'attempt')} over ${seconds(spent)}: the next wait${attempt} would pass ${budget}`);
            }
            spent += wait;
            this.options.onRetry?.({
                waitMs: wait,
                attempts,
                reason: result.status === undefined ? result.message : describeStatus(result),
            });
            // Interrupted: the loop's check above ends the request.
            await this.wait(wait);
        }
    }
    close() {
        this.transport.close();
    }
}
/**
 * Whether a failed attempt may have been stored all the same: no answer came after the body may
 * have gone out (a timeout, a connection dropped once open), or a gateway gave up on the backend
 * (502, 504) after passing the request on. A connection that never opened, a 429 or a 503 (the
 * backend turning the request away) carried nothing into the backend.
 */
function attemptMayHaveLanded(result) {
    if (result.status === undefined)
        return result.neverSent !== true;
    return GATEWAY_STATUSES.has(result.status);
}
function describeStatus(result) {
    return result.message === ''
        ? `HTTP ${result.status}`
        : `HTTP ${result.status}: ${result.message}`;
}
function seconds(ms) {
    return `${Math.round(ms / 100) / 10} s`;
}

;// CONCATENATED MODULE: ./src/deliver/otlp-exporter.ts





const gzipAsync = (0,external_node_util_.promisify)(external_node_zlib_.gzip);
/**
 * Fastest zlib level: OTLP bodies repeat the same attributes and bucket bounds point after point,
 * so level 1 already shrinks them about fifteen times, at a quarter of the default level's cost.
 */
const GZIP_LEVEL = 1;
/**
 * zlib's output chunk: a request of the default batch (2000 events, about 2.8 MB encoded)
 * compresses to about 240 KB, one chunk of this size where zlib's default of 16 KB took fifteen
 * round trips to the thread pool, each handled on the main thread (0.78 s of it in a 1M-event sync,
 * in `node --cpu-prof`). The compressed bytes are the same either way.
 */
const GZIP_CHUNK_BYTES = 256 * 1024;
const CONTENT_TYPES = {
    'http/protobuf': 'application/x-protobuf',
    'http/json': 'application/json',
};
/** Sends encoded OTLP requests to one endpoint: compression, headers, retries, one outcome each. */
class OtlpExporter {
    options;
    retrying;
    constructor(options) {
        this.options = options;
        const { endpoint, protocol, compression, timeoutMs, userAgent } = options;
        const transport = options.transport ??
            new HttpTransport({
                url: endpoint.url,
                headers: {
                    ...endpoint.headers,
                    'Content-Type': CONTENT_TYPES[protocol],
                    'User-Agent': userAgent,
                    ...(compression === 'gzip' && { 'Content-Encoding': 'gzip' }),
                },
                endpointHeaders: Object.keys(endpoint.headers),
                timeoutMs,
                secrets: endpoint.secrets,
                ...(options.otlpSignal !== undefined && { signal: options.otlpSignal }),
                ...(endpoint.tls !== undefined && { tls: endpoint.tls }),
                ...(endpoint.proxies !== undefined && { proxies: endpoint.proxies }),
                ...(endpoint.advice !== undefined && { advice: endpoint.advice }),
                ...(options.onRedirect !== undefined && { onRedirect: options.onRedirect }),
            }, options.now);
        const { onRetry } = options;
        this.retrying = new RetryingTransport(transport, {
            attemptTimeoutMs: timeoutMs,
            ...options,
            ...(onRetry !== undefined && {
                onRetry: (wait) => onRetry({ ...wait, reason: redact(wait.reason, endpoint.secrets) }),
            }),
        });
    }
    /**
     * The body as it goes on the wire. Compression runs in the thread pool, so a caller that starts
     * it as soon as a request is encoded gets it done while the main thread encodes the next one.
     */
    wireBody(payload) {
        if (this.options.compression !== 'gzip')
            return Promise.resolve(payload);
        return gzipAsync(payload, { level: GZIP_LEVEL, chunkSize: GZIP_CHUNK_BYTES });
    }
    /**
     * Sends `payload`; `wire` is its wire body when the caller started that already. What the
     * endpoint said comes back with the request's secrets masked, in whatever form it echoed them,
     * so that no reason, note or record made of it holds one.
     */
    async send(payload, wire) {
        const outcome = await this.retrying.send(await (wire ?? this.wireBody(payload)));
        if (outcome.message === undefined)
            return outcome;
        return { ...outcome, message: redact(outcome.message, this.options.endpoint.secrets) };
    }
    close() {
        this.retrying.close();
    }
}

;// CONCATENATED MODULE: ./src/progress/run-log.ts



/**
 * Our table of the last sending runs, so that `telemetry-sync status` can say when the last sync
 * was and what it did. Deliberately small: one row per run that sent (dry runs and file exports
 * open the database read-only and leave none), the newest RUNS_KEPT kept. It is bookkeeping, not
 * progress: the database's fingerprint and a merge of copies leave it out.
 */
const RUNS_TABLE = 'telemetry_sync_runs';
const RUNS_KEPT = 20;
const run_log_CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${RUNS_TABLE} (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  status TEXT NOT NULL,
  endpoint TEXT,
  selected INTEGER NOT NULL,
  delivered INTEGER NOT NULL,
  set_aside INTEGER NOT NULL,
  pending INTEGER NOT NULL
)`;
/** Appends a run and drops the oldest beyond RUNS_KEPT, in one short write transaction. */
function recordRun(db, run) {
    inWriteTransaction(db, 'record the run', () => {
        db.exec(run_log_CREATE_TABLE);
        db.prepare(`INSERT INTO ${RUNS_TABLE} (started_at, finished_at, status, endpoint, selected, delivered, set_aside, pending)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(progress_store_tokfTimestamp(new Date(run.startedMs)), progress_store_tokfTimestamp(new Date(run.finishedMs)), run.status, run.endpoint, run.selected, run.delivered, run.setAside, run.pending);
        db.prepare(`DELETE FROM ${RUNS_TABLE} WHERE id <= (SELECT max(id) FROM ${RUNS_TABLE}) - ${RUNS_KEPT}`).run();
    });
}
/** The newest recorded run, or undefined when none was (or the table is not there). */
function run_log_lastRun(db) {
    if (!tableExists(db, 'main', RUNS_TABLE))
        return undefined;
    const row = db
        .prepare(`SELECT started_at, finished_at, status, endpoint, selected, delivered, set_aside, pending
         FROM ${RUNS_TABLE} ORDER BY id DESC LIMIT 1`)
        .get();
    if (row === undefined)
        return undefined;
    return {
        startedAt: String(row.started_at),
        finishedAt: String(row.finished_at),
        status: String(row.status),
        endpoint: row.endpoint == null ? null : String(row.endpoint),
        selected: Number(row.selected),
        delivered: Number(row.delivered),
        setAside: Number(row.set_aside),
        pending: Number(row.pending),
    };
}

;// CONCATENATED MODULE: ./src/engine/circuit-breaker.ts
/**
 * The circuit breaker of every sending run, with one rule: only refusals of the data (bad data)
 * count, `max` of them in a row stop the run, and an acknowledgement starts the count again. A
 * refusal for the data's time (too old for the endpoint, out of order or already held) is no sign
 * that the endpoint refuses everything: it neither counts nor starts the count again.
 */
class CircuitBreaker {
    max;
    inARow = 0;
    constructor(max) {
        this.max = max;
    }
    /** Refused units (events, lines) counted in a row so far. */
    get count() {
        return this.inARow;
    }
    accepted() {
        this.inARow = 0;
    }
    /** Counts a refusal by the rule above; true when the breaker trips (the run must stop). */
    refused(kind) {
        if (kind !== 'bad-data')
            return false;
        this.inARow += 1;
        return this.inARow >= this.max;
    }
}

;// CONCATENATED MODULE: ./src/engine/run-harness.ts







/**
 * Runs every command that sends, whatever its source reads (a tokf database, JSON Lines files,
 * gridctl's directory): `RunHarness.run(deps, source)` takes the lock while progress is recorded,
 * sends the source's units in order with exporters made here (retries, their progress, the stop)
 * and the circuit breaker's one rule, stops between units on Ctrl-C or SIGTERM (through
 * `deps.signal`) or a lock taken over, writes the run's summary (its result's `run`, one shape for
 * every source) to the run log only while the lock is the run's, and closes what the run opened.
 * A source says what is pending, how it is encoded and sent and how an acknowledgement is
 * recorded (see RunSource below); the harness does the rest.
 */
class RunHarness {
    deps;
    lock;
    stops;
    exporters = new Map();
    constructor(deps, 
    /** The lock of the store progress is recorded in; undefined when nothing is recorded. */
    lock) {
        this.deps = deps;
        this.lock = lock;
    }
    /**
     * One run of `source`: its units in order, holding its lock, until one says the run goes no
     * further (a unit stopped by `halted()` says so: the source tells where it stopped); then its
     * result. Throws SyncBusyError before anything is sent
     * when another run holds the lock past LOCK_WAIT_MS. The exporters are closed and the source
     * closed after the run, whatever it came to.
     */
    static async run(deps, source) {
        const harness = new RunHarness(deps, source.lock);
        const started = source.started ?? deps.now();
        try {
            return await harness.hold(async () => {
                for (const unit of source.units())
                    if (!(await source.send(unit, harness)))
                        break;
                return source.result({
                    interrupted: harness.interrupted,
                    lockLost: harness.lockLost,
                    durationMs: deps.now() - started,
                });
            }, (result) => {
                if (source.runLog !== undefined)
                    harness.logRun(source.runLog, result, started);
            });
        }
        finally {
            for (const exporter of harness.exporters.values())
                exporter.close();
            source.close?.();
        }
    }
    /**
     * Runs `body` holding the lock (when there is one), then leaves the run's line in the run log
     * unless the lock was taken over (the log is the other run's to write then).
     */
    async hold(body, logRun) {
        const { lock, deps } = this;
        if (lock === undefined)
            return await body();
        const sleep = deps.sleep ?? promises_.setTimeout;
        await lock.acquire({ waitMs: deps.lockWaitMs ?? LOCK_WAIT_MS, now: deps.now, sleep });
        try {
            const result = await body();
            if (lock.lost === undefined)
                logRun(result);
            return result;
        }
        finally {
            lock.release();
        }
    }
    /**
     * Leaves the run's line (its RunSummary) in the run log that `status` reads. A run log that
     * cannot be written costs the line, never the run: what was sent is recorded already.
     */
    logRun(db, result, started) {
        const { run } = result;
        try {
            recordRun(db, {
                startedMs: started,
                finishedMs: this.deps.now(),
                status: run.status,
                endpoint: run.endpoint,
                selected: run.selected,
                delivered: run.delivered,
                setAside: run.setAside,
                pending: run.pending,
            });
        }
        catch (err) {
            this.deps.log(`could not record the run for telemetry-sync status: ${errors_messageOf(err)}`);
        }
    }
    /** Interrupted by Ctrl-C or SIGTERM. */
    get interrupted() {
        return this.deps.signal?.aborted === true;
    }
    /** Why the lock is no longer this run's, once another run took it over. */
    get lockLost() {
        return this.lock?.lost;
    }
    /** Why the run must send nothing more (interrupted, lock taken over), in words, or undefined. */
    halted() {
        const lost = this.lockLost;
        if (lost !== undefined)
            return `${lost}; this run stopped and recorded nothing more`;
        if (this.interrupted)
            return 'interrupted: sending stopped and what was acknowledged is recorded';
        return undefined;
    }
    /** Calls `stop` when the run is interrupted or its lock taken over; returns the unwatching. */
    onStop(stop) {
        const { signal } = this.deps;
        signal?.addEventListener('abort', stop, { once: true });
        const unwatch = this.lock?.onLost(stop);
        return () => {
            signal?.removeEventListener('abort', stop);
            unwatch?.();
        };
    }
    /** Told how far the run is (see RunDeps.progress). */
    progress(p) {
        this.deps.progress?.(p);
    }
    get reportsProgress() {
        return this.deps.progress !== undefined;
    }
    /** The circuit breaker of a run or a signal's pass (one rule, see CircuitBreaker). */
    breaker(maxConsecutiveFailures) {
        return new CircuitBreaker(maxConsecutiveFailures);
    }
    /**
     * The run's exporter for a signal and protocol, made on first use with the run's edges: retry
     * policy and budget, retry progress, the user agent, and the stop (no attempt is started once
     * the run is interrupted or its lock taken over). Closed by the harness when the run ends.
     */
    exporter(target) {
        const key = `${target.otlpSignal} ${target.protocol}`;
        let found = this.exporters.get(key);
        if (found === undefined) {
            found = this.makeExporter(target);
            this.exporters.set(key, found);
        }
        return found;
    }
    makeExporter(target) {
        const { deps } = this;
        const signal = this.stopSignal();
        return new OtlpExporter({
            endpoint: target.endpoint,
            protocol: target.protocol,
            compression: target.compression,
            timeoutMs: target.timeoutMs,
            userAgent: deps.userAgent,
            otlpSignal: target.otlpSignal,
            onRedirect: target.onRedirect,
            now: deps.now,
            policy: { ...DEFAULT_RETRY_POLICY, budgetMs: target.retryBudgetMs, ...deps.retryPolicy },
            ...(signal !== undefined && { signal }),
            ...(deps.progress !== undefined && {
                onRetry: (wait) => deps.progress?.({ kind: 'retry', ...wait }),
            }),
            ...(deps.sleep !== undefined && { sleep: deps.sleep }),
            ...(deps.transport !== undefined && { transport: deps.transport }),
        });
    }
    stopSignal() {
        if (this.stops !== undefined)
            return this.stops;
        const stops = [this.deps.signal, this.lock?.lostSignal].filter((s) => s !== undefined);
        if (stops.length === 0)
            return undefined;
        this.stops = stops.length === 1 ? stops[0] : AbortSignal.any(stops);
        return this.stops;
    }
}

;// CONCATENATED MODULE: ./src/progress/recorder.ts



/**
 * The one place a run writes what happened to its events, each call one short transaction, so
 * that tokf's writes wait at most that long and a crash loses at most the request in flight:
 * - acknowledged: the events are delivered, no longer set aside, their cumulative series have
 *   reached the totals sent, and the lock shows we live (or, taken over, nothing is written);
 * - set aside: the events are skipped by later runs, with why, until they are asked for again.
 */
class ProgressRecorder {
    db;
    store;
    deadLetters;
    lock;
    now;
    series;
    inFlight;
    /** Time spent in the write transactions, in ms. */
    recordMs = 0;
    constructor(db, store, deadLetters, lock, now, series, 
    /** Where the events of the request being sent are noted until its answer is recorded. */
    inFlight) {
        this.db = db;
        this.store = store;
        this.deadLetters = deadLetters;
        this.lock = lock;
        this.now = now;
        this.series = series;
        this.inFlight = inFlight;
    }
    /** Throws when the database refuses the write: the events then stay pending. */
    acknowledged(events, totals) {
        this.write('record delivered events', (at) => {
            this.store.markDelivered(coverage(events), at);
            const ids = events.map((e) => e.id);
            this.deadLetters.forget(ids);
            this.inFlight?.delivered(ids, at);
            if (totals === undefined)
                return;
            if (this.series === undefined)
                throw new Error('cumulative totals but no series table');
            this.series.save(totals);
        });
    }
    /**
     * Events left out for good by the run's choice (tokf's built-in commands with `builtins: skip`):
     * done, as delivered ones are, but never sent. Throws when the database refuses the write.
     */
    leftOut(events) {
        if (events.length === 0)
            return;
        this.write('record skipped events', (at) => {
            this.store.markDelivered(coverage(events), at);
            this.deadLetters.forget(events.map((e) => e.id));
        });
    }
    /** Throws when the database refuses the write: the events then stay pending. */
    setAside(ids, rejection) {
        if (ids.length === 0)
            return;
        this.write('record set-aside events', (at) => this.deadLetters.record(ids, rejection, at));
    }
    /** The run finished writing `file`, which holds events it set aside (see DeadLetters). */
    fileWritten(file) {
        const { size, mtimeMs } = (0,external_node_fs_.statSync)(file);
        this.write('record the file written', () => this.deadLetters.fileWritten(file, size, mtimeMs));
    }
    /** Before a request goes out (see InFlight); throws when the database refuses the write. */
    sending(events) {
        if (this.inFlight === undefined)
            return;
        const ids = events.map((e) => e.id);
        const inFlight = this.inFlight;
        this.write('record the request in flight', (at) => inFlight.sending(ids, at));
    }
    /**
     * How a request's answer went, when not acknowledged: read (nothing of it is held unrecorded)
     * or not (it may be). Throws when the database refuses the write.
     */
    unacknowledged(events, answerRead) {
        if (this.inFlight === undefined)
            return;
        const ids = events.map((e) => e.id);
        const inFlight = this.inFlight;
        this.write('record the request in flight', (at) => answerRead ? inFlight.notTaken(at) : inFlight.unread(ids, at));
    }
    write(what, work) {
        const at = new Date(this.now());
        const started = performance.now();
        try {
            inWriteTransaction(this.db, what, () => {
                // First: a run whose lock was taken over records nothing (LockLostError).
                this.lock.refresh(at.getTime());
                work(at);
            });
        }
        finally {
            this.recordMs += performance.now() - started;
        }
    }
}

;// CONCATENATED MODULE: ./src/source/tokf-event.ts
/**
 * Text longer than this is cut: tokf.command is the whole argv, and backends refuse (or choke on)
 * attribute values of megabytes. Ordinary commands are far shorter.
 */
const MAX_TEXT_LENGTH = 4096;
/**
 * Whether the row is one of tokf's built-in commands, `tokf err`, `tokf test` and `tokf summary`:
 * tokf 0.2.54 records them with filter names `_builtin/err`, `_builtin/test` and
 * `_builtin/summary` (main.rs, through generic::cmd_generic_run), which never calls the live
 * exporter: tokf's live export leaves these rows out.
 */
function isBuiltinCommand(e) {
    return e.filterName?.startsWith('_builtin/') === true;
}
// tokf writes `YYYY-MM-DDTHH:MM:SSZ`; we also take fractions and offsets, which other writers use.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i;
/**
 * The last second OTLP's times can carry everywhere: nanoseconds since 1970 as a signed 64-bit
 * integer (what OTLP/JSON decoders and the SDK's HrTime arithmetic hold) end at 2262-04-11T23:47:16Z;
 * one second is kept for the second's own nanoseconds.
 */
const LAST_OTLP_SECOND = 9_223_372_035;
/**
 * Epoch seconds of a stored timestamp (UTC when it has no zone), or undefined if unreadable: not a
 * time, or one OTLP cannot carry (before 1970-01-01, after 2262-04-11), which would be sent as
 * another time (a wrapped fixed64) or a negative one.
 */
function tokf_event_parseEventTime(text) {
    const fast = tokfTime(text);
    if (fast !== undefined)
        return fast;
    const trimmed = text.trim();
    if (!TIMESTAMP.test(trimmed))
        return undefined;
    let iso = trimmed.replace(' ', 'T');
    if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso))
        iso += 'Z';
    const ms = Date.parse(iso);
    if (Number.isNaN(ms))
        return undefined;
    // Whole seconds: OTLP carries nanoseconds, but tokf's resolution is the second.
    const seconds = Math.floor(ms / 1000);
    return seconds < 0 || seconds > LAST_OTLP_SECOND ? undefined : seconds;
}
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/**
 * tokf's own form, `YYYY-MM-DDTHH:MM:SSZ`, read from its digits: nearly every row is in it, and a
 * scan reads hundreds of thousands. Undefined for anything else, and for any field outside its
 * everyday range (a year before 1970 or past OTLP's last, hour 24, second 60), which
 * parseEventTime's general path reads as it always has; within those ranges Date.UTC and
 * Date.parse agree.
 */
function tokfTime(t) {
    if (t.length !== 20 ||
        t.charCodeAt(4) !== 45 || // -
        t.charCodeAt(7) !== 45 ||
        t.charCodeAt(10) !== 84 || // T
        t.charCodeAt(13) !== 58 || // :
        t.charCodeAt(16) !== 58 ||
        t.charCodeAt(19) !== 90 // Z
    )
        return undefined;
    const year = digitsAt(t, 0, 4);
    const month = digitsAt(t, 5, 2);
    const day = digitsAt(t, 8, 2);
    const hour = digitsAt(t, 11, 2);
    const minute = digitsAt(t, 14, 2);
    const second = digitsAt(t, 17, 2);
    if (year < 1970 || year > 2261 || month < 1 || month > 12 || day < 1)
        return undefined;
    const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0))
        return undefined;
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
        return undefined;
    return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}
/** The decimal number of `length` digits at `from`, or -1 when one of them is not a digit. */
function digitsAt(t, from, length) {
    let n = 0;
    for (let i = from; i < from + length; i++) {
        const d = t.charCodeAt(i) - 48;
        if (d < 0 || d > 9)
            return -1;
        n = n * 10 + d;
    }
    return n;
}
/**
 * A command line cut to its program and subcommand (`git status`, `cargo test`), for reports that
 * may be read by others: tokf.command holds the whole command line, and arguments can hold
 * secrets (tokens, URLs with credentials, paths). Leading `NAME=value` assignments are skipped,
 * the program is named without its directory, and the next word is kept only when it looks like
 * a subcommand (lower-case letters and hyphens, not too long); anything else is left out.
 */
function programOf(command) {
    const words = command.trim().split(/\s+/);
    let i = 0;
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]))
        i += 1;
    const first = words[i];
    if (first === undefined || first === '')
        return '(empty)';
    const program = first.replace(/^.*[/\\]/, '');
    if (!/^[A-Za-z0-9._+-]{1,40}$/.test(program))
        return '(other program)';
    const next = words[i + 1];
    return next !== undefined && /^[a-z][a-z-]{0,23}$/.test(next) ? `${program} ${next}` : program;
}

;// CONCATENATED MODULE: ./src/source/pending-events.ts

/** One more than attribute values keep, so that a cut value is still seen as too long. */
const TEXT_LIMIT = MAX_TEXT_LENGTH + 1;
/** Rows fetched per query. Each query ends before the next, so tokf's writes wait at most one. */
const PAGE_SIZE = 2000;
/**
 * Pending events in id order, read a page at a time so that memory is bounded by the page and no
 * read lock is held between pages. Columns are selected by name: tokf's column order varies. Rows
 * tokf adds after the scan began (above the highest id then) wait for the next run.
 */
function scanPending(db, plan, columns) {
    const bounds = db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM events').get();
    const minId = bounds?.lo == null ? 1 : Number(bounds.lo);
    const maxId = bounds?.hi == null ? 0 : Number(bounds.hi);
    const { gaps, condition } = plan(minId, maxId);
    // Text is cut in SQL: a damaged or odd row may hold megabytes, which would otherwise be copied
    // into memory only to be cut at MAX_TEXT_LENGTH when encoded.
    const sql = `SELECT id, timestamp, substr(command, 1, ${TEXT_LIMIT}) AS command,
            substr(filter_name, 1, ${TEXT_LIMIT}) AS filter_name, input_tokens_est, output_tokens_est,
            filter_time_ms, ${exitCode(columns)} AS exit_code${optionalColumns(columns)}
       FROM events
      WHERE id >= ? AND id <= ?${condition === undefined ? '' : ` AND ${condition}`}
      ORDER BY id
      LIMIT ${PAGE_SIZE}`;
    // Rows as arrays, not objects: node:sqlite builds them about a third faster, and the scan reads
    // hundreds of thousands of them. Positions are looked up by name once.
    const page = db.prepare(sql);
    page.setReturnArrays(true);
    const at = positionsOf(page.columns().map((c) => c.name));
    // SQLite integers can exceed what a JS number holds, and node:sqlite then refuses the whole
    // page. Such a page is read again as BigInt and clamped, so an odd row cannot stop the scan;
    // ordinary pages keep the faster number path.
    const bigPage = db.prepare(sql);
    bigPage.setReturnArrays(true);
    bigPage.setReadBigInts(true);
    const readPage = (from, to) => {
        try {
            return page.all(from, to);
        }
        catch (err) {
            if (err.code !== 'ERR_OUT_OF_RANGE')
                throw err;
            return bigPage.all(from, to);
        }
    };
    function* events() {
        for (const gap of gaps) {
            let from = gap.first;
            while (from <= gap.last) {
                const rows = readPage(from, gap.last);
                for (const row of rows) {
                    const event = toEvent(row, at, from);
                    from = event.id + 1;
                    yield event;
                }
                if (rows.length < PAGE_SIZE)
                    break;
            }
        }
    }
    return events();
}
/**
 * tokf 0.2.54 stores a piped run's (`--pipe-through`) own exit code in `head_exit_code` and the
 * pipeline's in `exit_code`; its live exporter sends the former as `tokf.exit_code`, so the
 * replayed series continue the live ones only if we do too.
 */
function exitCode(columns) {
    return columns.has('head_exit_code') ? 'COALESCE(head_exit_code, exit_code)' : 'exit_code';
}
/**
 * Columns later tokf releases added, read where present: the logs and spans carry them (metrics
 * leave them out, as tokf's live exporter does).
 */
function optionalColumns(columns) {
    let sql = '';
    if (columns.has('project'))
        sql += `, substr(project, 1, ${TEXT_LIMIT}) AS project`;
    if (columns.has('pipe_override'))
        sql += ', pipe_override';
    if (columns.has('head_exit_code'))
        sql += ', CASE WHEN head_exit_code IS NULL THEN NULL ELSE exit_code END AS pipeline_exit_code';
    return sql;
}
function positionsOf(names) {
    const at = (name) => names.indexOf(name);
    return {
        id: at('id'),
        timestamp: at('timestamp'),
        command: at('command'),
        filterName: at('filter_name'),
        inputTokens: at('input_tokens_est'),
        outputTokens: at('output_tokens_est'),
        filterTimeMs: at('filter_time_ms'),
        exitCode: at('exit_code'),
        project: at('project'),
        pipeOverride: at('pipe_override'),
        pipelineExitCode: at('pipeline_exit_code'),
    };
}
function toEvent(row, at, coverFrom) {
    const stamp = row[at.timestamp];
    const timestamp = typeof stamp === 'string' ? stamp : '';
    const exitCode = row[at.exitCode];
    const event = {
        id: Number(row[at.id]),
        timestamp,
        epochSeconds: tokf_event_parseEventTime(timestamp),
        command: toText(row[at.command]) ?? '',
        filterName: toText(row[at.filterName]),
        inputTokens: toCount(row[at.inputTokens]),
        outputTokens: toCount(row[at.outputTokens]),
        filterTimeMs: toCount(row[at.filterTimeMs]),
        exitCode: exitCode == null ? null : toInteger(exitCode),
        coverFrom,
    };
    // Optional columns only where the row has a value: absent, not undefined, as before.
    const project = at.project < 0 ? null : toText(row[at.project]);
    if (project !== null && project !== '')
        event.project = project;
    const pipeOverride = at.pipeOverride < 0 ? null : row[at.pipeOverride];
    if (pipeOverride != null)
        event.pipeOverride = toInteger(pipeOverride) === 1;
    const pipelineExitCode = at.pipelineExitCode < 0 ? null : row[at.pipelineExitCode];
    if (pipelineExitCode != null)
        event.pipelineExitCode = toInteger(pipelineExitCode);
    return event;
}
// tokf declares these INTEGER NOT NULL, but SQLite stores whatever it is given: NULL, text,
// negative or huge numbers. Counts and durations are clamped to [0, 2^53), which is what a
// histogram or a monotonic sum can carry; anything that is not a number counts as 0.
function toCount(value) {
    const n = toInteger(value);
    return n === null || n < 0 ? 0 : n;
}
function toInteger(value) {
    const n = typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n))
        return null;
    return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Math.trunc(n)));
}
// Text columns may hold blobs or numbers in a damaged database; SQLite has already replaced
// invalid UTF-8 in text with U+FFFD.
function toText(value) {
    if (value == null)
        return null;
    if (value instanceof Uint8Array)
        return new TextDecoder().decode(value);
    return String(value);
}

;// CONCATENATED MODULE: ./src/engine/age-limits.ts
/**
 * The run's rules for old events, applied to each batch before it is sent: `--max-age`, and the
 * history a backend keeps without saying so (`--backend`'s silent horizon).
 */
class AgeLimits {
    parts;
    constructor(parts) {
        this.parts = parts;
    }
    /**
     * The events of `batch` to send. Events older than max-age go to the OTLP/JSON file only
     * (`file`, the path it is written to): where there is one they are set aside, so later runs do
     * not export them again; without a file they stay pending.
     */
    fresh(batch, file) {
        const fresh = this.withinMaxAge(batch, file);
        this.warnBeyondHistory(fresh);
        return fresh;
    }
    withinMaxAge(batch, file) {
        const { config, now, notices, observed, recording } = this.parts;
        if (config.maxAgeMs === undefined)
            return batch;
        const oldest = (now() - config.maxAgeMs) / 1000;
        const old = batch.filter((e) => e.epochSeconds < oldest);
        if (old.length === 0)
            return batch;
        observed.tooOld += old.length;
        notices.warning({
            kind: 'too-old',
            count: old.length,
            firstId: old[0]?.id,
            ...(file !== undefined && { file }),
            setAside: file !== undefined && recording,
        });
        if (file !== undefined) {
            this.parts.setAside(old.map((e) => e.id), `older than max-age; exported to ${file} only`, file);
        }
        const set = new Set(old);
        return batch.filter((e) => !set.has(e));
    }
    /**
     * A backend that drops points older than its history while answering success would count them
     * delivered here and show nothing there: said once per run, with how many.
     */
    warnBeyondHistory(batch) {
        const { config, now, notices, recording } = this.parts;
        const horizon = config.silentHorizon;
        if (horizon === undefined || !recording)
            return;
        const oldest = (now() - horizon.ageMs) / 1000;
        const old = batch.filter((e) => e.epochSeconds < oldest);
        if (old.length === 0)
            return;
        notices.warning({
            kind: 'beyond-backend-history',
            count: old.length,
            firstId: old[0]?.id,
            message: horizon.backend,
        });
    }
}

;// CONCATENATED MODULE: ./src/deliver/poison-isolation.ts

/**
 * Sends a request and deals with a refusal of its content:
 * - bad data: each half is sent again, down to single events, so that the refused events are
 *   found and the others still get delivered, in order; one bad event among n costs about
 *   2·log2(n) requests;
 * - too old: the backend's history horizon is searched (see findHorizon), the events older than
 *   it are handed to `tooOld` unsent, and the newer ones are delivered.
 */
async function sendIsolating(request, steps) {
    const outcome = await steps.send(request);
    if (outcome.kind === 'out-of-order')
        return resolveOutOfOrder(request, outcome, steps);
    if (!isRefusal(outcome))
        return steps.settle(request, outcome);
    if (outcome.kind === 'too-old') {
        if (request.events.length <= 1)
            return steps.tooOld([...request.events], outcome);
        steps.splitting?.(request, outcome);
        return findHorizon([...request.events], outcome, steps);
    }
    if (request.events.length <= 1)
        return steps.settle(request, outcome);
    steps.splitting?.(request, outcome);
    const mid = Math.ceil(request.events.length / 2);
    return sendAll([request.events.slice(0, mid), request.events.slice(mid)], steps);
}
/**
 * A refusal as out of order or duplicate is not bad data. The events the backend may hold already
 * (a resend) are sent apart from the others, ahead of them: refused alone, they are there; the
 * others follow as a request of their own. A request of only one kind is settled as it is, or,
 * where `bisectOutOfOrder` says so, halved to find the events behind what their series hold.
 */
async function resolveOutOfOrder(request, outcome, steps) {
    const { events } = request;
    if (events.length <= 1)
        return steps.settle(request, outcome);
    const held = events.filter((e) => steps.mayHold?.(e) === true);
    if (held.length === events.length)
        return steps.settle(request, outcome);
    if (held.length > 0) {
        steps.splitting?.(request, outcome);
        const kept = new Set(held);
        return sendAll([held, events.filter((e) => !kept.has(e))], steps);
    }
    if (steps.bisectOutOfOrder?.() !== true)
        return steps.settle(request, outcome);
    steps.splitting?.(request, outcome);
    const mid = Math.ceil(events.length / 2);
    return sendAll([events.slice(0, mid), events.slice(mid)], steps);
}
async function sendAll(groups, steps) {
    for (const events of groups) {
        if (events.length === 0)
            continue;
        for (const part of steps.encode([...events])) {
            if ((await sendIsolating(part, steps)) === 'stop')
                return 'stop';
        }
    }
    return 'continue';
}
/**
 * A backend refuses points older than its horizon (Prometheus: about an hour behind its newest
 * sample), often failing the whole request for one of them. The horizon is found by binary search
 * over the events' times, one event per probe: a probe refused as too old puts the horizon after
 * it, an acknowledged probe (now delivered) puts it at or before it. Then the events older than
 * the horizon go to `tooOld` and the rest are sent as usual.
 *
 * An acknowledged probe gives its series a point at its time, and an older event of that series
 * can then be sent only counted into a later point (cumulative) or not at all (refused as out of
 * order): its own time can no longer be probed, and if it is older than the horizon it would land
 * days late. So a probe is an event none of whose series holds an older unresolved event, the
 * one nearest the middle of what is left: the search stays exact. With few series those events
 * crowd at the old end and each probe resolves little; after 2·log2(n) probes the middle event is
 * probed whatever it is, as binary search does, which keeps the cost near 3·log2(n) probes but may
 * count old events of the probed series into a later point.
 *
 * Probes that are acknowledged arrive ahead of the newer events of the batch (a cumulative series
 * counts an event of the probe's own second into its next point).
 */
async function findHorizon(events, refusal, steps) {
    const byTime = events
        .map((e, order) => ({ e, order }))
        .sort((a, b) => steps.timeOf(a.e) - steps.timeOf(b.e) || a.order - b.order);
    // Each series' events by position in byTime, in order, and the first one not yet resolved.
    const series = new Map();
    byTime.forEach(({ e }, i) => {
        const key = steps.seriesOf?.(e) ?? i;
        const s = series.get(key);
        if (s === undefined)
            series.set(key, { at: [i], next: 0 });
        else
            s.at.push(i);
    });
    /** Set aside as bad data while probing: resolved, and neither old nor to send. */
    const dropped = new Set();
    const settled = new Set();
    const exactProbes = 2 * Math.ceil(Math.log2(byTime.length + 1));
    let probes = 0;
    let lo = 0;
    let hi = byTime.length;
    // Invariant: byTime[0, lo) is older than the horizon, byTime[hi, n) is not.
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        let at = -1;
        const closer = (i) => at === -1 || Math.abs(i - mid) < Math.abs(at - mid);
        if (probes++ < exactProbes) {
            for (const s of series.values()) {
                while (s.next < s.at.length && (s.at[s.next] < lo || dropped.has(s.at[s.next])))
                    s.next++;
                const first = s.at[s.next];
                if (first !== undefined && first < hi && closer(first))
                    at = first;
            }
        }
        else {
            for (let i = lo; i < hi; i++)
                if (!dropped.has(i) && closer(i))
                    at = i;
        }
        if (at === -1)
            break;
        const probe = byTime[at].e;
        const requests = steps.encode([probe]);
        const outcome = await steps.send(requests[0]);
        if (outcome.kind === 'too-old') {
            lo = at + 1;
            continue;
        }
        settled.add(probe);
        if ((await steps.settle(requests[0], outcome)) === 'stop')
            return 'stop';
        // Bad data, now set aside, tells nothing of the horizon; a point already held is within it.
        if (outcome.kind === 'acknowledged' || outcome.kind === 'out-of-order')
            hi = at;
        else
            dropped.add(at);
    }
    const old = byTime
        .slice(0, lo)
        .filter((_, i) => !dropped.has(i))
        .map((x) => x.e);
    if (old.length > 0 && steps.tooOld(old, refusal) === 'stop')
        return 'stop';
    const rest = byTime
        .slice(lo)
        .filter((x) => !settled.has(x.e))
        .sort((a, b) => a.order - b.order)
        .map((x) => x.e);
    return sendAll([rest], steps);
}

// EXTERNAL MODULE: ./node_modules/@opentelemetry/api/dist/metrics/Metric.mjs
var Metric = __webpack_require__(18007);
;// CONCATENATED MODULE: ./src/encode/instruments.ts

/** The OpenTelemetry SDK's default explicit bucket boundaries, which tokf's live exporter uses. */
const DEFAULT_BOUNDARIES = [
    0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
];
/**
 * The instruments of tokf's live exporter that a stored row can rebuild, with its names, units
 * and descriptions, so that replayed series continue the live ones. Line counts, the compression
 * ratio and `tokf.pipeline` are not stored, so they are not here.
 */
const INVOCATIONS = {
    name: 'tokf.filter.invocations',
    unit: '{invocation}',
    description: 'Number of filter invocations',
    kind: 'sum',
    valueType: Metric/* ValueType */.e.INT,
};
const TOKENS_SAVED = {
    name: 'tokf.tokens.saved',
    unit: '{token}',
    description: 'Estimated tokens saved by filtering',
    kind: 'sum',
    valueType: Metric/* ValueType */.e.INT,
};
const TOKEN_USAGE = {
    name: 'gen_ai.client.token.usage',
    unit: '{token}',
    description: 'Token usage per invocation',
    kind: 'histogram',
    valueType: Metric/* ValueType */.e.INT,
};
const FILTER_DURATION = {
    name: 'tokf.filter.duration',
    unit: 's',
    description: 'Time spent applying the filter',
    kind: 'histogram',
    valueType: Metric/* ValueType */.e.DOUBLE,
};
/** tokf's meter name, which becomes the instrumentation scope. */
const SCOPE_NAME = 'tokf';

;// CONCATENATED MODULE: ./src/encode/point-pool.ts
/**
 * Objects made once and handed out again, in the same order, after each `reset`: what one batch's
 * aggregation needs, kept for the next. A batch's points live until its body is written, which
 * takes longer than the young generation (2 MB semi-spaces, see bounded-heap.ts) takes to fill,
 * so made afresh they were promoted and left to the old generation's collector: in a 1M-event
 * sync the encoding thread's isolate ran 84 mark-compacts, 25 with its points recycled, and the
 * sync took about 5 % less time (see the README's Performance).
 */
class Recycler {
    make;
    made = [];
    used = 0;
    constructor(make) {
        this.make = make;
    }
    /** The next object: one handed out before the last reset, or a new one. */
    next() {
        let item = this.made[this.used];
        if (item === undefined) {
            item = this.make();
            this.made.push(item);
        }
        this.used += 1;
        return item;
    }
    /** Everything handed out is free to be handed out again: whoever held it is done with it. */
    reset() {
        this.used = 0;
    }
}

;// CONCATENATED MODULE: ./src/encode/aggregate.ts



/**
 * Folds events into points the way tokf's live exporter records them. Events of one series in
 * the same second become one point (sums added, histograms merged): backends keep one sample per
 * series and timestamp, and the totals must survive exactly.
 *
 * Events without a readable timestamp must be left out by the caller.
 */
function aggregate(events, pool) {
    pool?.reset();
    const invocations = [];
    const saved = [];
    const usage = [];
    const duration = [];
    const index = new SeriesIndex();
    for (const e of events) {
        const seconds = e.epochSeconds;
        const series = index.of(e);
        // One entry per series and second, holding that second's five points.
        let p = series.seconds.get(seconds);
        if (p === undefined) {
            p =
                pool === undefined
                    ? secondAt(series.attributes, seconds)
                    : pool.second(series.attributes, seconds);
            series.seconds.set(seconds, p);
            invocations.push(p.invocations);
            saved.push(p.saved);
            usage.push(p.input, p.output);
            duration.push(p.duration);
        }
        p.invocations.sum += 1;
        p.saved.sum += Math.max(0, e.inputTokens - e.outputTokens);
        record(p.input, e.inputTokens, pool);
        record(p.output, e.outputTokens, pool);
        record(p.duration, e.filterTimeMs / 1000, pool);
    }
    return new Map([
        [INVOCATIONS, invocations],
        [TOKENS_SAVED, saved],
        [TOKEN_USAGE, usage],
        [FILTER_DURATION, duration],
    ]);
}
function pointAt(attributes, epochSeconds) {
    return { attributes, epochSeconds, sum: 0, histogram: undefined };
}
/** A series' five points at one second, made afresh. */
function secondAt(attrs, seconds) {
    return {
        invocations: pointAt(attrs.point, seconds),
        saved: pointAt(attrs.point, seconds),
        input: pointAt(attrs.input, seconds),
        output: pointAt(attrs.output, seconds),
        duration: pointAt(attrs.point, seconds),
    };
}
/** A recycled point made the fresh one pointAt would make. */
function refill(p, attributes, epochSeconds) {
    p.attributes = attributes;
    p.epochSeconds = epochSeconds;
    p.sum = 0;
    p.histogram = undefined;
    // A cumulative point was given its series' start (see cumulate): not a delta one's.
    if (p.startSeconds !== undefined)
        p.startSeconds = undefined;
}
/** What a pool's points name until they are first handed out. */
const NO_ATTRIBUTES = {};
const NO_SERIES = {
    point: NO_ATTRIBUTES,
    input: NO_ATTRIBUTES,
    output: NO_ATTRIBUTES,
};
/**
 * Where an encoder's aggregations take their points and histograms from, made once and used again
 * by every later aggregation (see Recycler). The points of one aggregation are then only good until
 * the next one with the same pool: the encoder's use of them (aggregated, turned cumulative,
 * written, dropped) never outlives that. The totals a cumulative encoding keeps are copies.
 */
class PointPool {
    seconds = new Recycler(() => secondAt(NO_SERIES, 0));
    counts = new Recycler(() => []);
    histograms = new Recycler(() => ({
        count: 0,
        sum: 0,
        min: 0,
        max: 0,
        bucketCounts: ONE_OBSERVATION[0],
    }));
    /** Every point, histogram and list of counts handed out is free again. */
    reset() {
        this.seconds.reset();
        this.histograms.reset();
        this.counts.reset();
    }
    /** A copy of `counts` (a cumulative point's snapshot of its series' totals, see cumulate). */
    copyOf(counts) {
        const copy = this.counts.next();
        // Written over in place, not emptied first: emptied, V8 would drop its storage.
        for (let i = 0; i < counts.length; i += 1)
            copy[i] = counts[i];
        copy.length = counts.length;
        return copy;
    }
    second(attrs, seconds) {
        const p = this.seconds.next();
        refill(p.invocations, attrs.point, seconds);
        refill(p.saved, attrs.point, seconds);
        refill(p.input, attrs.input, seconds);
        refill(p.output, attrs.output, seconds);
        refill(p.duration, attrs.point, seconds);
        return p;
    }
    /** A histogram of one observation in `bucketCounts` (shared, see ONE_OBSERVATION). */
    histogram(value, bucketCounts) {
        const h = this.histograms.next();
        h.count = 1;
        h.sum = value;
        h.min = value;
        h.max = value;
        h.bucketCounts = bucketCounts;
        return h;
    }
}
/** The points sorted by time, stably; a list already in order (the usual case) is not copied. */
function inTimeOrder(list) {
    for (let i = 1; i < list.length; i += 1) {
        if (list[i].epochSeconds < list[i - 1].epochSeconds)
            return [...list].sort((a, b) => a.epochSeconds - b.epochSeconds);
    }
    return list;
}
/**
 * The series of an aggregation by the values that name them, as seriesOfEvent tells them apart
 * (command and filter name as cut, exit code), looked up value by value: a key string put
 * together per event was much of the encoding thread's garbage at a million events.
 */
class SeriesIndex {
    byCommand = new Map();
    of(e) {
        const command = truncate(e.command);
        // As JSON.stringify in seriesOfEvent: a number that is not finite is null.
        const exitCode = e.exitCode !== null && Number.isFinite(e.exitCode) ? e.exitCode : null;
        const filterName = e.filterName === null ? null : truncate(e.filterName);
        let byExit = this.byCommand.get(command);
        if (byExit === undefined)
            this.byCommand.set(command, (byExit = new Map()));
        let byFilter = byExit.get(exitCode);
        if (byFilter === undefined)
            byExit.set(exitCode, (byFilter = new Map()));
        let series = byFilter.get(filterName);
        if (series === undefined) {
            series = { attributes: attributesOf(e), seconds: new Map() };
            byFilter.set(filterName, series);
        }
        return series;
    }
}
function attributesOf(e) {
    const point = pointAttributes(e);
    return {
        point,
        input: { ...point, 'gen_ai.token.type': 'input' },
        output: { ...point, 'gen_ai.token.type': 'output' },
    };
}
/** Attribute values are cut at the source's text limit, with an ellipsis to show it. */
const MAX_ATTRIBUTE_LENGTH = MAX_TEXT_LENGTH;
/**
 * The series an event's points belong to, as one key: events share all their series (one per
 * instrument and token type) when their point attributes are equal, and none otherwise.
 */
function seriesOfEvent(e) {
    return JSON.stringify([
        truncate(e.command),
        e.exitCode,
        e.filterName === null ? null : truncate(e.filterName),
    ]);
}
/** tokf's point attributes, in its order; the filter name only when a filter matched. */
function pointAttributes(e) {
    const attrs = { 'tokf.command': truncate(e.command) };
    if (e.exitCode !== null)
        attrs['tokf.exit_code'] = e.exitCode;
    if (e.filterName !== null)
        attrs['tokf.filter.name'] = truncate(e.filterName);
    return attrs;
}
function truncate(value) {
    return value.length <= MAX_ATTRIBUTE_LENGTH
        ? value
        : `${value.slice(0, MAX_ATTRIBUTE_LENGTH - 1)}…`;
}
/**
 * The bucket counts of a histogram of one observation, by its bucket: most points are of one
 * event (a series seldom has two in a second), and an array of counts for each was about half of
 * what an encoding thread allocated, all of it kept until its batch was encoded, so promoted and
 * left to the old generation's collector. Not frozen: the transformer's writer went through
 * frozen counts some 30 % slower (npm run bench:stages, serialize). HistogramValue's type keeps
 * them read only; ownBuckets gives a point counts of its own before they are added to.
 */
const ONE_OBSERVATION = Array.from({ length: DEFAULT_BOUNDARIES.length + 1 }, (_, bucket) => Array.from({ length: DEFAULT_BOUNDARIES.length + 1 }, (_, i) => +(i === bucket)));
/** `h`'s bucket counts, to add to: its own, copied first where they are shared. */
function ownBuckets(h) {
    if (ONE_OBSERVATION.includes(h.bucketCounts))
        h.bucketCounts = [...h.bucketCounts];
    return h.bucketCounts;
}
function record(p, value, pool) {
    const bucket = bucketIndex(value);
    const h = p.histogram;
    if (h === undefined) {
        const bucketCounts = ONE_OBSERVATION[bucket];
        p.histogram =
            pool === undefined
                ? { count: 1, sum: value, min: value, max: value, bucketCounts }
                : pool.histogram(value, bucketCounts);
        return;
    }
    h.count += 1;
    h.sum += value;
    h.min = Math.min(h.min, value);
    h.max = Math.max(h.max, value);
    ownBuckets(h)[bucket] += 1;
}
// Buckets are (previous boundary, boundary]: a value equal to a boundary falls in that bucket.
// A loop, not findIndex: its callback closed over the value, a closure and a context for each of
// three values an event records.
function bucketIndex(value) {
    let i = 0;
    while (i < DEFAULT_BOUNDARIES.length && !(value <= DEFAULT_BOUNDARIES[i]))
        i += 1;
    return i;
}

;// CONCATENATED MODULE: ./src/engine/time-refusals.ts

/** Older than the endpoint keeps (`said`: the refusal in words). */
function tooOldForEndpoint(said, status) {
    return {
        kept: 'too-old-for-endpoint',
        unsent: 'too-old-unsent',
        reason: `too old for this endpoint (${said})`,
        status,
        stat: 'tooOldForEndpoint',
    };
}
/** Behind newer samples of its series the endpoint holds (delta, logs, spans). */
function behindEndpoint(said) {
    return {
        kept: 'behind-endpoint',
        unsent: 'behind-endpoint',
        reason: `behind newer samples the endpoint holds (${said})`,
        status: null,
        stat: 'behindEndpoint',
    };
}
/**
 * Events the endpoint will not take for their time, not their data: set aside as kept in the
 * run's file (named in the row, so that status can check it still holds them), or, without a
 * file, left pending with an error saying so. Returns what to report when recording that failed
 * (the delivery then stops), else undefined.
 */
function keepInFile(parts, events, said, how) {
    const { recorder, notices, allFile: file, heldForFile, stats } = parts;
    const firstId = events[0]?.id;
    if (file === undefined) {
        stats.tooOldUnsent += events.length;
        notices.error({ kind: how.unsent, count: events.length, firstId, message: said });
        return undefined;
    }
    try {
        const rejection = { reason: `${how.reason}; kept in ${file}`, status: how.status, file };
        const ids = events.map((e) => e.id);
        if (heldForFile !== undefined)
            heldForFile.hold(ids, rejection);
        else
            recorder.setAside(ids, rejection);
    }
    catch (err) {
        return `${said}; recording that failed: ${errors_messageOf(err)}`;
    }
    stats[how.stat] += events.length;
    notices.warning({
        kind: how.kept,
        count: events.length,
        firstId,
        message: said,
        file,
        setAside: true,
    });
    return undefined;
}

;// CONCATENATED MODULE: ./src/engine/delivery.ts





/** Shortest value of an event's data a refusal must quote to count as naming it. */
const MIN_NAMED_LENGTH = 4;
/**
 * Sends a run's requests in order, each through poison isolation, and settles every outcome:
 * acknowledged events are recorded as delivered, refused single events are set aside with the
 * reason, and any other failure stops sending so that nothing later overtakes it.
 *
 * The circuit breaker stops the run after `maxConsecutiveRefusals` refused events in a row: an
 * endpoint that refuses everything must not turn the whole database into dead letters.
 */
class Delivery {
    parts;
    stats = {
        deliveredEvents: 0,
        refusedEvents: 0,
        rejectedPoints: 0,
        tooOldForEndpoint: 0,
        tooOldUnsent: 0,
        alreadyHeld: 0,
        behindEndpoint: 0,
        requests: 0,
        failedRequests: 0,
        retries: 0,
        bytesSent: 0,
    };
    stopped = false;
    /** Whether the request being delivered was acknowledged as encoded, not split or refused. */
    wholeAck = false;
    current;
    /** Whether the endpoint acknowledged anything in this run: a refusal then is the data's. */
    accepted = false;
    /**
     * Single events refused as bad data before the endpoint accepted anything in this run: an
     * endpoint that refuses everything must not turn events into dead letters, so they are set
     * aside only once something else is accepted (see refused).
     */
    unconfirmed = [];
    constructor(parts) {
        this.parts = parts;
    }
    /**
     * The job that sends a batch, for the pipeline. The batch is encoded and its compression started
     * now, while earlier batches are still being sent (see Speculation).
     */
    prepare(batch) {
        const { speculation } = this.parts;
        const job = speculation.ahead(batch);
        return async () => {
            speculation.started();
            const requests = await job.requests;
            for (let i = 0; i < requests.length; i += 1) {
                if (this.stopped)
                    return;
                const request = requests[i];
                this.wholeAck = false;
                if ((await this.deliver(request)) === 'stop')
                    return;
                // What follows assumed this request's totals: encoded again from what was recorded.
                if (!this.wholeAck)
                    await speculation.lost(requests, i);
            }
        };
    }
    /** Sends nothing more in this run. */
    stop() {
        this.stopped = true;
        this.parts.speculation.stop();
    }
    async deliver(request) {
        if (this.stopped)
            return 'stop';
        this.current = request;
        const verdict = await sendIsolating(request, {
            send: (r) => this.send(r),
            encode: (events) => this.parts.speculation.encode(events),
            settle: (r, outcome) => this.settled(this.settle(r, outcome)),
            timeOf: (e) => e.epochSeconds ?? 0,
            seriesOf: seriesOfEvent,
            mayHold: (e) => this.parts.held.mayHold(e),
            // Re-examining, the stored request may reach past the events set aside from it: a refused
            // request is taken apart, and each event refused alone is the rest of it (see outOfOrder).
            bisectOutOfOrder: () => !this.parts.speculation.cumulative || this.parts.held.reexamining,
            tooOld: (events, refusal) => this.settled(this.tooOld(events, refusal)),
            splitting: (r, refusal) => this.parts.log(`${describeOutcome(refusal)} for ${r.events.length} events; splitting the request to find the refused ones`),
        });
        if (verdict === 'stop')
            this.stop();
        return verdict;
    }
    settled(verdict) {
        this.parts.progressed?.();
        return verdict;
    }
    async send(request) {
        const { recorder } = this.parts;
        try {
            // Noted first: if the run ends before the answer is recorded, the next one knows.
            recorder.sending(request.events);
        }
        catch (err) {
            return {
                kind: 'failed',
                attempts: 0,
                bytesSent: 0,
                message: `not sent: recording the request in flight failed: ${errors_messageOf(err)}`,
            };
        }
        const { speculation } = this.parts;
        const outcome = await this.parts.exporter.send(request.body, speculation.wire(request));
        if (outcome.kind === 'acknowledged')
            await speculation.sent(request);
        if (outcome.kind !== 'acknowledged') {
            try {
                recorder.unacknowledged(request.events, outcome.mayHaveLanded !== true);
            }
            catch (err) {
                this.failed('record-failed', request.events, errors_messageOf(err));
                this.stop();
            }
        }
        // Interrupted before its first attempt: nothing went out.
        if (outcome.attempts === 0)
            return outcome;
        this.stats.requests += 1;
        this.stats.retries += outcome.attempts - 1;
        this.stats.bytesSent += outcome.bytesSent;
        return outcome;
    }
    settle(request, outcome) {
        switch (outcome.kind) {
            case 'acknowledged':
                if (request === this.current)
                    this.wholeAck = true;
                return this.acknowledged(request, outcome);
            case 'bad-data':
                return this.refused(request.events, outcome);
            case 'too-old':
                return this.tooOld(request.events, outcome);
            case 'out-of-order':
                return this.outOfOrder(request, outcome);
            case 'interrupted':
                // The run reports the interruption once, with every event it leaves pending.
                if (outcome.attempts > 0)
                    this.stats.failedRequests += 1;
                return 'stop';
            case 'retries-exhausted':
            case 'not-otlp':
            case 'failed':
                this.stats.failedRequests += 1;
                this.failed('send-failed', request.events, describeOutcome(outcome));
                return 'stop';
        }
    }
    /** Records `request` as delivered; false, having said why, when the database refused that. */
    recordDelivered(request) {
        try {
            this.parts.recorder.acknowledged(request.events, request.totals);
        }
        catch (err) {
            this.failed('record-failed', request.events, errors_messageOf(err));
            return false;
        }
        this.parts.observed.acknowledged(request.events);
        this.parts.speculation.acknowledged(request);
        this.parts.breaker.accepted();
        this.stats.deliveredEvents += request.events.length;
        return true;
    }
    acknowledged(request, outcome) {
        if (!this.recordDelivered(request))
            return 'stop';
        if (!this.accepted) {
            this.accepted = true;
            if (this.confirmRefusals() === 'stop')
                return 'stop';
        }
        if (outcome.rejectedPoints > 0) {
            this.stats.rejectedPoints += outcome.rejectedPoints;
            this.parts.notices.warning({
                kind: 'partial-success',
                count: outcome.rejectedPoints,
                firstId: request.events[0]?.id ?? null,
                message: outcome.message ?? null,
            });
        }
        return 'continue';
    }
    /**
     * A single event refused as bad data. It is set aside (a dead letter) only when the refusal is
     * about it: the endpoint accepted something else in this run, or the refusal names the event's
     * own data. Until then it stays pending, so that an endpoint refusing every request (a proxy's
     * body limit below one event, a tenant misconfigured) leaves every event pending.
     */
    refused(events, refusal) {
        if (!this.accepted && !namesEventData(refusal.message, events)) {
            this.unconfirmed.push({ events, refusal });
            this.stats.failedRequests += 1;
            return this.countRefusal(events);
        }
        return this.setAsideRefused(events, refusal);
    }
    /** Refusals held back until the endpoint accepted something: now they are the data's. */
    confirmRefusals() {
        const held = this.unconfirmed;
        this.unconfirmed = [];
        for (const { events, refusal } of held) {
            // Counted as failed requests when they were refused.
            this.stats.failedRequests -= 1;
            if (this.setAside(events, refusal) === 'stop')
                return 'stop';
        }
        return 'continue';
    }
    /**
     * Told when sending ended: refusals never confirmed mean the endpoint took nothing in this run,
     * so every event stays pending and the run says why.
     */
    finish() {
        if (this.unconfirmed.length === 0)
            return;
        const first = this.unconfirmed[0];
        const count = this.unconfirmed.reduce((n, u) => n + u.events.length, 0);
        this.unconfirmed = [];
        this.parts.notices.error({
            kind: 'refuses-everything',
            count,
            firstId: first?.events[0]?.id ?? null,
            message: first === undefined ? null : describeOutcome(first.refusal),
        });
    }
    setAsideRefused(events, refusal) {
        if (this.setAside(events, refusal) === 'stop')
            return 'stop';
        return this.countRefusal(events);
    }
    /** Records refused events as dead letters, with the reason. */
    setAside(events, refusal) {
        const reason = describeOutcome(refusal);
        try {
            this.parts.refusedFile?.write([...events]);
            this.parts.recorder.setAside(events.map((e) => e.id), { reason, status: refusal.status });
        }
        catch (err) {
            this.failed('record-failed', events, `${reason}; recording the refusal failed: ${errors_messageOf(err)}`);
            return 'stop';
        }
        this.stats.refusedEvents += events.length;
        this.stats.failedRequests += 1;
        this.parts.notices.warning({
            kind: 'refused',
            count: events.length,
            firstId: events[0]?.id ?? null,
            message: reason,
        });
        return 'continue';
    }
    /** The circuit breaker: too many refused events in a row stop the run. */
    countRefusal(events) {
        const { breaker } = this.parts;
        if (!breaker.refused('bad-data'))
            return 'continue';
        // Refused by an endpoint that took nothing: finish() says so, with every event pending.
        if (!this.accepted && this.unconfirmed.length > 0)
            return 'stop';
        this.parts.notices.error({
            kind: 'circuit-breaker',
            count: breaker.max,
            firstId: events[0]?.id,
        });
        return 'stop';
    }
    /**
     * Refused as out of order or duplicate: the endpoint holds newer samples of a series in the
     * request, or another value at a point's time.
     * - Events it may hold unrecorded (a resend of a request whose answer was lost, see mayHold)
     *   are there: recorded as delivered ("already in the backend"), their series' totals advanced
     *   as the request had them, which are the totals the endpoint took the first time. While
     *   re-examining events earlier versions set aside (see HeldEvents), so is any
     *   single event refused so: the stored request they came from reached past them, and is
     *   taken apart in order, so the totals recorded reach what the endpoint took.
     * - Others were never sent: with running totals (cumulative) the endpoint holds a series this
     *   database does not know of (another sender, a stale copy of the database), so nothing more
     *   is sent and the events stay pending, sending more would count a series down; otherwise
     *   (delta, logs, spans) the event is behind what its series holds and is kept as a too-old
     *   one is. Never bad data, never counted by the circuit breaker.
     */
    outOfOrder(request, outcome) {
        const { events } = request;
        const held = events.every((e) => this.parts.held.mayHold(e)) ||
            (this.parts.held.reexamining && events.length === 1);
        if (held)
            return this.alreadyHeld(request, outcome);
        const said = describeOutcome(outcome);
        this.stats.failedRequests += 1;
        if (this.parts.speculation.cumulative) {
            this.parts.notices.error({
                kind: 'out-of-order',
                count: events.length,
                firstId: events[0]?.id,
                message: said,
            });
            return 'stop';
        }
        return this.behind(events, said);
    }
    alreadyHeld(request, outcome) {
        if (!this.recordDelivered(request))
            return 'stop';
        if (request === this.current)
            this.wholeAck = true;
        this.stats.alreadyHeld += request.events.length;
        this.parts.notices.warning({
            kind: 'already-held',
            count: request.events.length,
            firstId: request.events[0]?.id ?? null,
            message: describeOutcome(outcome),
        });
        return 'continue';
    }
    /** An event behind what its series holds at the endpoint: kept as a too-old one is. */
    behind(events, said) {
        return this.keepInFile(events, said, behindEndpoint(said));
    }
    /**
     * Events older than the endpoint's horizon are not refused data: they are not counted by the
     * circuit breaker, and the events after them are still sent. With a file holding them they are
     * set aside (so later runs do not try again); without one they stay pending, and the run says
     * how to keep them.
     */
    tooOld(events, refusal) {
        const said = describeOutcome(refusal);
        return this.keepInFile(events, said, tooOldForEndpoint(said, refusal.status));
    }
    keepInFile(events, said, how) {
        const { recorder, notices, allFile, heldForFile } = this.parts;
        const failure = keepInFile({ recorder, notices, allFile, heldForFile, stats: this.stats }, events, said, how);
        if (failure === undefined)
            return 'continue';
        this.failed('record-failed', events, failure);
        return 'stop';
    }
    failed(kind, events, message) {
        this.parts.notices.error({ kind, count: events.length, firstId: events[0]?.id, message });
    }
}
/**
 * Whether a refusal names the event's own data (its command, filter or project), so that it is
 * about that event whatever else the endpoint does. Short values are not looked for: "go" or
 * "ls" appear in any text.
 */
function namesEventData(message, events) {
    if (events.length !== 1)
        return false;
    const e = events[0];
    return [e.command, e.filterName, e.project].some((v) => v !== undefined &&
        v !== null &&
        v.trim().length >= MIN_NAMED_LENGTH &&
        message.includes(v.trim()));
}

;// CONCATENATED MODULE: ./src/engine/held-events.ts

/**
 * Which events the endpoint may hold although their delivery was never recorded: those of a
 * request whose answer was not read (see InFlight), in this run or one that did not end cleanly,
 * and, for cumulative series, those earlier versions set aside for an out-of-order or duplicate
 * refusal, which is what a resend of a request the endpoint stored gets. Those are selected
 * again (re-examined), as ones the endpoint may hold.
 */
class HeldEvents {
    inFlight;
    deadLetters;
    /** The set-aside events looked at again. */
    reexamined;
    /** The highest of them: the stored request they came from reached at least that far. */
    reexaminedUpTo;
    constructor(inFlight, deadLetters, cumulative) {
        this.inFlight = inFlight;
        this.deadLetters = deadLetters;
        // Cumulative series only: there the encoder never goes back in a series, so such a refusal of
        // events never sent needs another sender of the same series; what earlier versions set aside
        // for one was sent before, by a request whose answer was lost.
        const stuck = cumulative ? deadLetters.idsWhere(isOutOfOrderReason) : [];
        this.reexamined = new Set(stuck);
        this.reexaminedUpTo = stuck.length === 0 ? -Infinity : stuck[stuck.length - 1];
    }
    /**
     * Whether this run looks again at events earlier versions set aside for an out-of-order refusal
     * of a resend: the stored request they came from may reach past them.
     */
    get reexamining() {
        return this.reexamined.size > 0;
    }
    /**
     * Whether the endpoint may hold the event unrecorded: in a request whose answer was not read,
     * or looked at again (see reexamined), as may every pending event up to the last of those,
     * which the stored request they came from covered.
     */
    mayHold(e) {
        return this.inFlight.mayHold(e.id) || e.id <= this.reexaminedUpTo;
    }
    /** Dead letters later runs skip: all but those looked at again. */
    stillRejected() {
        const all = this.deadLetters.ids();
        if (this.reexamined.size === 0)
            return all;
        return new Set([...all].filter((id) => !this.reexamined.has(id)));
    }
}

;// CONCATENATED MODULE: ./src/encode/body-buffer.ts
/** Whether `body` spans all of its buffer, which it then alone may move or free. */
function isWholeBuffer(body) {
    return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
}
/**
 * Frees an encoded body's memory at once, rather than when the collector finds it unreachable:
 * V8 counts such buffers towards starting a mark-compact, and a 1M-event sync's main thread, with
 * a 2.8 MB body arriving from the encoding thread for every request, ran 165 of them (one every
 * three requests), 79 with each body freed as soon as it was compressed; the run was 6 to 7 %
 * faster and peaked about 10 MB lower. The caller vouches that nothing reads the buffer again.
 * Only a body that is all of its buffer is freed: a smaller view may share it with others (Node's
 * pool of small Buffers), and a shared buffer is another thread's too.
 */
function freeNow(body) {
    const buffer = body.buffer;
    if (!(buffer instanceof ArrayBuffer) || buffer.detached)
        return;
    if (isWholeBuffer(body))
        buffer.transfer(0);
}

;// CONCATENATED MODULE: ./src/engine/speculation.ts

/** What an encoded body becomes once its compressed form is ready (see compress). */
const RELEASED = new Uint8Array(0);
/**
 * The work done ahead of sending, in one place: each batch is encoded (and its compression
 * started) as soon as it is read, while earlier ones are still being sent. Cumulative points then
 * continue the totals of the requests encoded before them, as if those will all be acknowledged
 * whole; when one is not (split, refused, too old), what was encoded after it is encoded again
 * from the totals acknowledged (`lost`). Acknowledgements come down here (`acknowledged`) and go
 * on to the encoder's ledger; nothing here climbs back into the pass. The encoder keeps the totals
 * projected ahead, on the encoding thread once a long run has one.
 */
class Speculation {
    parts;
    /** Wire bodies started ahead of their turn, by request. */
    wires = new WeakMap();
    /** Batches prepared and not yet started, in order. */
    queued = [];
    stopped = false;
    constructor(parts) {
        this.parts = parts;
    }
    /** Whether points carry running totals, so that a refusal of one series stops the others. */
    get cumulative() {
        return this.parts.encoder.cumulative;
    }
    /**
     * Encodes a batch ahead of its turn and starts compressing it; queued until `started`. A request
     * never sent leaves no rejection behind; a failed encoding is the job's to report.
     */
    ahead(batch) {
        const requests = Promise.resolve(this.parts.encoder.encodeAhead(batch)).then((encoded) => {
            this.parts.encoded(encoded);
            this.compress(encoded);
            return encoded;
        });
        requests.catch(() => { });
        const job = { batch, requests };
        this.queued.push(job);
        return job;
    }
    /** The oldest queued batch is being sent: it is no longer encoded again after a loss. */
    started() {
        this.queued.shift();
    }
    /**
     * Encodes events at their turn from the totals acknowledged so far: part of a refused request
     * being split, which is never encoded ahead.
     */
    encode(events) {
        return this.parts.encoder.encode(events);
    }
    /** The wire body started for `request`, if it was compressed ahead. */
    wire(request) {
        return this.wires.get(request);
    }
    /**
     * `request` was acknowledged: it is never sent again (what follows a refusal is encoded anew),
     * so its wire body, gzip's output or the encoded body itself, is freed now (see freeNow): the
     * main thread of a 1M-event sync ran 63 mark-compacts instead of 79, and the sync took 2 to 3 %
     * less time (the median of seven alternating pairs, 11.75 s against 12.05 s).
     */
    async sent(request) {
        const wire = this.wires.get(request);
        if (wire === undefined)
            return;
        this.wires.delete(request);
        freeNow(await wire);
    }
    /** Told of each request once its acknowledgement is recorded: its totals are the series' now. */
    acknowledged(request) {
        this.parts.encoder.acknowledged(request);
    }
    /**
     * `requests[index]` was not acknowledged as encoded: the requests encoded after it assumed it
     * was, so they (the rest of its batch, and every batch queued) are encoded again. Nothing to do
     * where encodings never depend on earlier requests (delta).
     */
    async lost(requests, index) {
        if (!this.parts.encoder.cumulative)
            return;
        this.parts.encoder.speculationLost();
        const rest = requests.slice(index + 1).flatMap((r) => r.events);
        // Every encoding asked for before waiting on one, in the order of sending: a batch read
        // meanwhile comes after them on the encoding thread, as it would here.
        const restEncoded = rest.length > 0 ? this.reencode(rest) : undefined;
        for (const later of this.queued)
            later.requests = this.reencode(later.batch);
        if (restEncoded !== undefined)
            requests.splice(index + 1, Infinity, ...(await restEncoded));
    }
    /** Nothing more is sent: nothing more is compressed. */
    stop() {
        this.stopped = true;
    }
    /** Encoded again after a speculation was lost: counted once already, as first encoded. */
    reencode(events) {
        const requests = Promise.resolve(this.parts.encoder.encodeAhead(events)).then((encoded) => {
            this.compress(encoded);
            return encoded;
        });
        requests.catch(() => { });
        return requests;
    }
    compress(requests) {
        // Once sending stopped, no job waits on these: compressing them would only hold their bodies.
        if (this.stopped)
            return;
        for (const r of requests) {
            const encoded = r.body;
            const wire = this.parts.wireBody(encoded).then((body) => {
                // Only the wire body is sent from here on (a split re-encodes from the events): the
                // encoded one, ten times larger, need not wait in the queue with it, nor for the
                // collector. Nothing else holds it: the exporter is handed this wire body instead.
                if (body !== encoded) {
                    r.body = RELEASED;
                    freeNow(encoded);
                }
                return body;
            });
            wire.catch(() => { });
            this.wires.set(r, wire);
        }
    }
}

// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(73136);
// EXTERNAL MODULE: external "node:worker_threads"
var external_node_worker_threads_ = __webpack_require__(75919);
;// CONCATENATED MODULE: ./src/encode/event-columns.ts
/** Numbers per event in EventColumns.numbers. */
const STRIDE = 5;
function toColumns(events) {
    const numbers = new Float64Array(events.length * STRIDE);
    const commands = new Array(events.length);
    const filterNames = new Array(events.length);
    for (let i = 0; i < events.length; i += 1) {
        const e = events[i];
        const at = i * STRIDE;
        numbers[at] = e.epochSeconds ?? NaN;
        numbers[at + 1] = e.exitCode ?? NaN;
        numbers[at + 2] = e.inputTokens;
        numbers[at + 3] = e.outputTokens;
        numbers[at + 4] = e.filterTimeMs;
        commands[i] = e.command;
        filterNames[i] = e.filterName;
    }
    return { numbers, commands, filterNames };
}
function fromColumns({ numbers, commands, filterNames }) {
    const events = new Array(commands.length);
    for (let i = 0; i < commands.length; i += 1) {
        const at = i * STRIDE;
        const seconds = numbers[at];
        const exitCode = numbers[at + 1];
        events[i] = {
            epochSeconds: Number.isNaN(seconds) ? undefined : seconds,
            exitCode: Number.isNaN(exitCode) ? null : exitCode,
            inputTokens: numbers[at + 2],
            outputTokens: numbers[at + 3],
            filterTimeMs: numbers[at + 4],
            command: commands[i],
            filterName: filterNames[i] ?? null,
        };
    }
    return events;
}

;// CONCATENATED MODULE: ./src/encode/encode-thread.ts





/**
 * The encoding thread's heap. Its young generation is the process's (bounded-heap.ts): V8's
 * --min/--max-semi-space-size are process-wide and win over a worker's maxYoungGenerationSizeMb,
 * so only the old generation is bounded here. What it keeps is the series' totals and the code of
 * the encoder (bodies live outside the heap and move to the sender), a few MB in a usual run; the
 * cap is the main thread's (--max-old-space-size=192), a ceiling rather than a reservation, so that
 * a database of very many cumulative series never fails on the thread where one thread would not.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 192 };
/**
 * The thread's script, beside the bundle that starts it (dist/encode-worker.js, next to dist/cli.js
 * and the action's chunks). Its name is put together here, not written as a literal URL, so that
 * the bundler leaves it as it is rather than copying the TypeScript source as an asset.
 */
const WORKER_SCRIPT = ['encode-worker', 'js'].join('.');
function scriptPath() {
    const path = (0,external_node_url_.fileURLToPath)(new URL(WORKER_SCRIPT, import.meta.url));
    return (0,external_node_fs_.existsSync)(path) ? path : undefined;
}
/**
 * Metric requests encoded on a thread of their own, while this one reads, aggregates nothing and
 * records: the encoding thread holds a MetricsEncoder (see EncodeService) and is told of every
 * acknowledgement and lost speculation in the order this thread saw them, so that it encodes what
 * this thread would have; its answers come back in the order asked. Only a run with several
 * batches starts one (see TokfEncoder); without the bundled script (tests running the sources)
 * there is none and encoding stays in this thread.
 */
class EncodeThread {
    worker;
    waiting = [];
    failure;
    static available() {
        return scriptPath() !== undefined;
    }
    /**
     * Whether a run should start one: its script is there and there is another core to run it. On
     * one core a second thread only adds its start-up, its own copy of the compiled encoder and its
     * heap (about 35 MB) to the same CPU time.
     */
    static worthStarting(cores = (0,external_node_os_.availableParallelism)(), script = scriptPath()) {
        return cores >= 2 && script !== undefined;
    }
    /** `script`: the bundled entry point (encode-worker.ts), found beside this module unless given. */
    constructor(start, script = scriptPath()) {
        if (script === undefined)
            throw new Error(`the encoding thread's script ${WORKER_SCRIPT} is missing`);
        this.worker = new external_node_worker_threads_.Worker(script, { workerData: start, resourceLimits: RESOURCE_LIMITS });
        // Idle, it must not keep the process alive; a call waiting on it does (see encodeAhead).
        this.worker.unref();
        this.worker.on('message', (reply) => this.answered(reply));
        // Said as what was tried and what is left: nothing it had not answered was sent or recorded.
        const failed = (what) => this.fail(new Error(`the encoding thread (${script}) ${what}; the events it had not encoded were not sent and stay pending: run the sync again`));
        this.worker.on('error', (err) => failed(`failed: ${err.message}`));
        this.worker.on('exit', (code) => failed(`ended (exit code ${code}) before answering`));
    }
    /** The requests of `events`, continuing from those encoded before (see MetricsEncoder). */
    encodeAhead(events) {
        if (this.failure !== undefined)
            return Promise.reject(this.failure);
        const columns = toColumns(events);
        return new Promise((resolve, reject) => {
            if (this.waiting.length === 0)
                this.worker.ref();
            this.waiting.push({ events, resolve, reject });
            this.post({ kind: 'encode', columns }, [columns.numbers.buffer]);
        });
    }
    acknowledged(totals) {
        this.post({ kind: 'acknowledged', totals });
    }
    speculationLost() {
        this.post({ kind: 'speculation-lost' });
    }
    /** Ends the thread; calls still waiting are refused. */
    close() {
        void this.worker.terminate();
    }
    post(call, transfer = []) {
        if (this.failure === undefined)
            this.worker.postMessage(call, transfer);
    }
    answered(reply) {
        const call = this.waiting.shift();
        if (this.waiting.length === 0)
            this.worker.unref();
        if (call === undefined)
            return;
        if ('error' in reply) {
            call.reject(new Error(`encoding failed: ${reply.error}`));
            return;
        }
        let from = 0;
        const requests = reply.parts.map((p) => {
            const events = call.events.slice(from, (from += p.count));
            return { body: p.body, events, points: p.points, ...(p.totals && { totals: p.totals }) };
        });
        call.resolve(requests);
    }
    fail(err) {
        this.failure ??= err;
        for (const call of this.waiting.splice(0))
            call.reject(this.failure);
    }
}

;// CONCATENATED MODULE: ./src/encode/cumulative.ts

/** `top` over `base`: the totals a later request continues from, before either is recorded. */
function overlay(base, top) {
    return { get: (key) => top.get(key) ?? base.get(key) };
}
/**
 * Resource attributes that name a series in a backend (Prometheus makes `job` and `instance` of
 * them; the rest go to `target_info`). Only these enter the key, so that a run whose other
 * resource attributes differ (a CI run id) continues the same series rather than restarting it.
 */
const IDENTIFYING_RESOURCE = ['service.namespace', 'service.name', 'service.instance.id'];
/** What identifies a series across runs: its naming resource attributes, metric and attributes. */
function seriesKey(resource, instrument, attributes) {
    const named = IDENTIFYING_RESOURCE.map((k) => resource[k] ?? null);
    const attrs = Object.keys(attributes)
        .sort()
        .map((k) => [k, attributes[k]]);
    return JSON.stringify([named, instrument.name, attrs]);
}
/**
 * Turns per-second delta points into cumulative ones, continuing each series from `ledger`. A
 * point carries its series' total up to and including its second, and the series' start time.
 * The deltas are consumed: the points returned are the same objects, rewritten.
 *
 * A backend refuses a point at or before the series' last one as out of order, so events older
 * than a series' last point are counted into its next point; where none follows, into a point one
 * second after the last. Totals stay exact; only such late events move in time.
 *
 * Points are taken in time order and come out in it (the encoder sorts them; in order that is
 * one pass), and a series' running state is updated in place: at a million events, per-series
 * grouping and a copy per step were a fifth of the run.
 */
function cumulate(deltas, ledger, resource, 
/** The deltas' pool, if they came from one: the points' counts are then taken from it too. */
pool) {
    const totals = new Map();
    const points = new Map();
    for (const [instrument, list] of deltas) {
        // Points of one series share their attributes object (see aggregate): named once per batch.
        const running = new Map();
        const out = [];
        for (const p of inTimeOrder(list)) {
            let series = running.get(p.attributes);
            if (series === undefined) {
                const key = seriesKey(resource, instrument, p.attributes);
                const before = ledger.get(key);
                const state = before
                    ? { ...before, histogram: copyHistogram(before.histogram) }
                    : {
                        // Never before 1970 (see startOf() in resource-metrics.ts).
                        startSeconds: Math.max(0, p.epochSeconds - 1),
                        lastSeconds: p.epochSeconds - 1,
                        sum: 0,
                        histogram: undefined,
                    };
                running.set(p.attributes, (series = { state, late: undefined }));
                totals.set(key, state);
            }
            if (p.epochSeconds <= series.state.lastSeconds) {
                series.late = addInto(series.late, p);
                continue;
            }
            out.push(advance(series.state, p, series.late, p.epochSeconds, pool));
            series.late = undefined;
        }
        for (const { state, late } of running.values())
            if (late !== undefined)
                out.push(advance(state, late, undefined, state.lastSeconds + 1, pool));
        points.set(instrument, out);
    }
    return { points, totals };
}
/**
 * Adds a point's delta (and the late events before it) to the series, and turns the point into
 * the cumulative one at `at` (its own second unless given), in place: the deltas are this call's
 * own, and a copy per point was most of what cumulative encoding added to a run's garbage.
 */
function advance(state, delta, late, at, pool) {
    if (late !== undefined)
        add(state, late);
    add(state, delta);
    state.lastSeconds = at;
    delta.epochSeconds = at;
    delta.startSeconds = state.startSeconds;
    delta.sum = state.sum;
    const total = state.histogram;
    if (total === undefined)
        return delta;
    if (delta.histogram === undefined)
        delta.histogram = copyHistogram(total);
    else {
        const h = delta.histogram;
        h.count = total.count;
        h.sum = total.sum;
        h.min = total.min;
        h.max = total.max;
        // The point's counts become the totals': a copy of them, rather than counts of its own
        // (copied first where they are shared, see ownBuckets) that are then written over. From the
        // pool where the point came from one: a list per histogram point was most of what a
        // cumulative encoding allocates beyond a delta one.
        h.bucketCounts = pool === undefined ? [...total.bucketCounts] : pool.copyOf(total.bucketCounts);
    }
    return delta;
}
function add(state, d) {
    state.sum += d.sum;
    if (d.histogram === undefined)
        return;
    if (state.histogram === undefined)
        state.histogram = copyHistogram(d.histogram);
    else
        addHistogram(state.histogram, d.histogram);
}
/** Late events gathered for a series' next point: a copy, so that the deltas stay as they are. */
function addInto(late, p) {
    if (late === undefined)
        return { ...p, histogram: copyHistogram(p.histogram) };
    late.sum += p.sum;
    if (p.histogram !== undefined) {
        if (late.histogram === undefined)
            late.histogram = copyHistogram(p.histogram);
        else
            addHistogram(late.histogram, p.histogram);
    }
    return late;
}
function addHistogram(into, h) {
    into.count += h.count;
    into.sum += h.sum;
    into.min = Math.min(into.min, h.min);
    into.max = Math.max(into.max, h.max);
    const counts = ownBuckets(into);
    for (let i = 0; i < counts.length; i += 1)
        counts[i] = counts[i] + (h.bucketCounts[i] ?? 0);
}
function copyHistogram(h) {
    return h === undefined ? undefined : { ...h, bucketCounts: [...h.bucketCounts] };
}

// EXTERNAL MODULE: ./node_modules/@opentelemetry/resources/dist/ResourceImpl.mjs + 2 modules
var ResourceImpl = __webpack_require__(67874);
// EXTERNAL MODULE: ./node_modules/@opentelemetry/sdk-metrics/dist/export/AggregationTemporality.mjs
var AggregationTemporality = __webpack_require__(69778);
// EXTERNAL MODULE: ./node_modules/@opentelemetry/sdk-metrics/dist/export/MetricData.mjs
var MetricData = __webpack_require__(63938);
;// CONCATENATED MODULE: ./src/encode/reused-points.ts
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
class ReusedPoints {
    sources;
    make;
    fill;
    constructor(sources, 
    /** A fresh object to refill, one per pass. */
    make, 
    /** Writes `source`'s values into `into`. */
    fill) {
        this.sources = sources;
        this.make = make;
        this.fill = fill;
    }
    [Symbol.iterator]() {
        const { sources, fill } = this;
        const point = this.make();
        const step = { value: point, done: false };
        const end = { value: undefined, done: true };
        let i = 0;
        return {
            next() {
                if (i >= sources.length)
                    return end;
                fill(point, sources[i]);
                i += 1;
                return step;
            },
        };
    }
}

;// CONCATENATED MODULE: ./src/encode/resource-metrics.ts





/**
 * One list of boundaries for every histogram point: the transformer only reads it, and a copy per
 * point (sixteen numbers, for three of a second's five points) was a large share of the garbage.
 */
const BOUNDARIES = [...DEFAULT_BOUNDARIES];
/**
 * Builds the SDK's ResourceMetrics, which the OTLP transformer serializes.
 *
 * Time rule: a point's `time_unix_nano` is the events' timestamp exactly. A delta point's
 * `start_time_unix_nano` is one second earlier, so each point is the delta of the one-second
 * interval (t-1s, t]: tokf timestamps are whole seconds and a series has at most one point per
 * second, so a series' intervals never overlap, and replaying the same events gives the same
 * points. A cumulative point starts where its series started.
 *
 * `forProtobuf`: read only by the transformer's protobuf writer, which takes each metric's points
 * one at a time, so that they are one reused object per metric (see ReusedPoints); else arrays of
 * their own, as any reader may keep them.
 */
function toResourceMetrics(points, resource, temporality = 'delta', forProtobuf = false) {
    const metrics = [];
    const aggregation = temporality === 'cumulative' ? AggregationTemporality/* AggregationTemporality */.h.CUMULATIVE : AggregationTemporality/* AggregationTemporality */.h.DELTA;
    for (const [instrument, list] of points) {
        if (list.length > 0)
            metrics.push(toMetricData(instrument, list, aggregation, forProtobuf));
    }
    return {
        resource: (0,ResourceImpl/* resourceFromAttributes */.QZ)(resource),
        scopeMetrics: [{ scope: { name: SCOPE_NAME }, metrics }],
    };
}
function toMetricData(instrument, points, aggregationTemporality, reused) {
    const descriptor = {
        name: instrument.name,
        description: instrument.description,
        unit: instrument.unit,
        valueType: instrument.valueType,
    };
    const sorted = inTimeOrder(points);
    if (instrument.kind === 'sum') {
        return {
            descriptor,
            aggregationTemporality,
            dataPointType: MetricData/* DataPointType */.n.SUM,
            isMonotonic: true,
            // The writer only iterates them (see ReusedPoints); typed as the array it is elsewhere.
            dataPoints: reused
                ? new ReusedPoints(sorted, sumPoint, fillSum)
                : sorted.map((p) => fillSum(sumPoint(), p)),
        };
    }
    return {
        descriptor,
        aggregationTemporality,
        dataPointType: MetricData/* DataPointType */.n.HISTOGRAM,
        dataPoints: reused
            ? new ReusedPoints(sorted, histogramPoint, fillHistogram)
            : sorted.map((p) => fillHistogram(histogramPoint(), p)),
    };
}
function sumPoint() {
    return { startTime: [0, 0], endTime: [0, 0], attributes: {}, value: 0 };
}
function fillSum(into, p) {
    fillTimes(into, p);
    into.attributes = p.attributes;
    into.value = p.sum;
    return into;
}
function histogramPoint() {
    return {
        startTime: [0, 0],
        endTime: [0, 0],
        attributes: {},
        value: { buckets: { boundaries: BOUNDARIES, counts: [] }, count: 0, sum: 0, min: 0, max: 0 },
    };
}
function fillHistogram(into, p) {
    const h = p.histogram;
    const v = into.value;
    fillTimes(into, p);
    into.attributes = p.attributes;
    // The SDK's type is writable; the transformer only reads the counts (see HistogramValue).
    v.buckets.counts = h.bucketCounts;
    v.count = h.count;
    v.sum = h.sum;
    v.min = h.min;
    v.max = h.max;
    return into;
}
/** A point's [seconds, nanoseconds] times, written into its own (the writer copies them out). */
function fillTimes(into, p) {
    into.startTime[0] = startOf(p);
    into.endTime[0] = p.epochSeconds;
}
function startOf(p) {
    // Never before 1970: OTLP's times are unsigned (an event at the epoch starts there too).
    return Math.max(0, p.startSeconds ?? p.epochSeconds - 1);
}

// EXTERNAL MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/metrics/protobuf/metrics.mjs + 2 modules
var protobuf_metrics = __webpack_require__(95902);
// EXTERNAL MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/metrics/json/metrics.mjs + 1 modules
var json_metrics = __webpack_require__(81597);
;// CONCATENATED MODULE: ./src/encode/int64-strings.ts
/**
 * The transformer writes the schema's 64-bit integers (asInt, intValue, count, bucketCounts) as
 * JSON numbers; OTLP/JSON, and the Collector's file format, write them as decimal strings
 * (timestamps it already writes as strings). The fix-up puts quotes around those numbers in the
 * encoded bytes: decoding a request of megabytes as UTF-8, rewriting the text and encoding it again
 * cost more than the transformer's own JSON encoding.
 *
 * These names only ever appear as keys, since inside a string value a quote is escaped
 * (`\"asInt\":` cannot match). What is quoted is exactly what `/"(asInt|intValue|count)":(-?\d+)/g`
 * and `/"bucketCounts":\[([\d,]*)\]/g` match, the rewrite earlier versions made on the text: a
 * number's leading minus and digits (of `1e+21`, the `1`), and every element of a list of digits
 * and commas closed by `]`.
 */
/**
 * The keys, found in a Latin-1 view of the bytes (one character per byte, so that a position in
 * the text is the same in the bytes, and a UTF-8 sequence never looks like ASCII).
 */
const KEYS = /"(?:asInt":|intValue":|count":|bucketCounts":\[)/g;
const LIST_KEY_LENGTH = '"bucketCounts":['.length;
const QUOTE = 0x22;
const MINUS = 0x2d;
const COMMA = 0x2c;
const CLOSE = 0x5d;
/** Below this, a segment is copied byte by byte: a native copy costs more to call than to run. */
const SHORT_COPY = 24;
const isDigit = (b) => b !== undefined && b >= 0x30 && b <= 0x39;
/**
 * What to quote, three numbers each: start, end and whether it is a list (1) or a number (0).
 * Reused between calls, grown as needed: a request holds hundreds of thousands.
 */
let spans = new Int32Array(3 * 4096);
/** The body with its 64-bit integers as strings: a new array, or `body` where there are none. */
function int64AsStrings(body) {
    const { count, extra } = findSpans(body);
    if (count === 0)
        return body;
    const out = new Uint8Array(body.byteLength + extra);
    let from = 0;
    let o = 0;
    for (let k = 0; k < 3 * count; k += 3) {
        const start = spans[k];
        const end = spans[k + 1];
        if (start - from < SHORT_COPY)
            for (let i = from; i < start; i++)
                out[o++] = body[i];
        else {
            out.set(body.subarray(from, start), o);
            o += start - from;
        }
        out[o++] = QUOTE;
        if (spans[k + 2] === 1) {
            // A list: every comma becomes `","`.
            for (let i = start; i < end; i++) {
                const b = body[i];
                if (b === COMMA) {
                    out[o++] = QUOTE;
                    out[o++] = COMMA;
                    out[o++] = QUOTE;
                }
                else
                    out[o++] = b;
            }
        }
        else
            for (let i = start; i < end; i++)
                out[o++] = body[i];
        out[o++] = QUOTE;
        from = end;
    }
    out.set(body.subarray(from), o);
    return out;
}
/** The spans to quote, in order, and how many quotes they add. */
function findSpans(body) {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
    const keys = new RegExp(KEYS);
    let count = 0;
    let extra = 0;
    let match;
    while ((match = keys.exec(text)) !== null) {
        const start = keys.lastIndex;
        const list = match[0].length === LIST_KEY_LENGTH;
        let end = start;
        let commas = 0;
        if (list) {
            // `[\d,]*\]` after the list's `[`; an empty list stays as it is.
            for (let b = body[end]; isDigit(b) || b === COMMA; b = body[++end])
                if (b === COMMA)
                    commas++;
            if (body[end] !== CLOSE || end === start)
                continue;
        }
        else {
            // `-?\d+`
            if (body[end] === MINUS)
                end++;
            if (!isDigit(body[end]))
                continue;
            while (isDigit(body[end]))
                end++;
        }
        if (3 * count + 3 > spans.length) {
            const grown = new Int32Array(2 * spans.length);
            grown.set(spans);
            spans = grown;
        }
        spans[3 * count] = start;
        spans[3 * count + 1] = end;
        spans[3 * count + 2] = list ? 1 : 0;
        count++;
        extra += 2 + 2 * commas;
        keys.lastIndex = end;
    }
    return { count, extra };
}

;// CONCATENATED MODULE: ./src/encode/serialize.ts


const serialize_CONTENT_TYPES = {
    'http/protobuf': 'application/x-protobuf',
    'http/json': 'application/json',
};
/** An ExportMetricsServiceRequest in the wire encoding of `protocol`. */
function serialize(metrics, protocol) {
    if (protocol === 'http/protobuf')
        return required(protobuf_metrics/* ProtobufMetricsSerializer */.D.serializeRequest(metrics));
    return int64AsStrings(required(json_metrics/* JsonMetricsSerializer */.K.serializeRequest(metrics)));
}
function required(body) {
    if (body === undefined)
        throw new Error('the OTLP transformer could not serialize the request');
    return body;
}


;// CONCATENATED MODULE: ./src/encode/requests.ts




const DELTA = { temporality: 'delta' };
/**
 * Encodes events into as few requests as fit `maxBytes` each, splitting the list in two (at a
 * change of second where one is near the middle, so a second's points stay together) until each
 * part fits. A single event larger than the cap is sent alone: there is nothing left to split.
 * `pool`: where the points come from (an encoder's own, see PointPool), or fresh ones.
 */
function encodeRequests(events, resource, protocol, maxBytes, encoding = DELTA, pool) {
    if (events.length === 0)
        return [];
    // Long commands make big points; when the text alone would be far over the cap, split before
    // encoding, so that no body many times the cap is ever built.
    if (events.length > 1 && estimatedBytes(events) > 2 * maxBytes) {
        return split(events, resource, protocol, maxBytes, encoding, pool);
    }
    // OTLP/JSON is several times larger than protobuf: a batch that will not fit is split before
    // its whole body is encoded only to be thrown away (see splitIfSurelyOver).
    if (protocol === 'http/json' &&
        events.length > 1 &&
        events.length * jsonBytesPerEvent > maxBytes) {
        const parts = splitIfSurelyOver(events, resource, maxBytes, encoding, pool);
        if (parts !== undefined)
            return parts;
    }
    const deltas = aggregate(events, pool);
    const cumulated = encoding.temporality === 'cumulative'
        ? cumulate(deltas, encoding.ledger, resource, pool)
        : undefined;
    const points = cumulated?.points ?? deltas;
    const forProtobuf = protocol === 'http/protobuf';
    const body = serialize(toResourceMetrics(points, resource, encoding.temporality, forProtobuf), protocol);
    if (protocol === 'http/json')
        jsonBytesPerEvent = body.byteLength / events.length;
    if (body.byteLength <= maxBytes || events.length <= 1) {
        const counts = {};
        for (const [instrument, list] of points)
            if (list.length > 0)
                counts[instrument.name] = list.length;
        return [{ body, events, points: counts, ...(cumulated && { totals: cumulated.totals }) }];
    }
    return split(events, resource, protocol, maxBytes, encoding, pool);
}
/** OTLP/JSON bytes per event of the last body encoded whole, to foresee one over the cap. */
let jsonBytesPerEvent = 0;
/**
 * The requests a batch that does not fit is split into, made without encoding it whole, where that
 * is certain not to change them; undefined where it is not (the batch is then encoded whole, as
 * always). Split where every event after the cut is in a later second than every one before it,
 * the whole body would hold both halves' points unchanged (no point of a series and second is in
 * both; cumulative totals continue across the cut either way), one envelope and one wrapper per
 * metric: it is at least as long as a half, and at least as long as both halves less one envelope
 * and the wrappers of the metrics in the first, which a body of one point per metric of the first
 * half outweighs. Over the cap by that bound, the whole would have been split at the same cut,
 * into these same requests.
 */
function splitIfSurelyOver(events, resource, maxBytes, encoding, pool) {
    const cut = splitPoint(events);
    // Ids are not always in time order (tokf stamps a run as it ends, and runs overlap): a series'
    // second on both sides of the cut is one point in the whole body, two in the halves.
    if (!laterAfter(events, cut))
        return undefined;
    const parts = split(events, resource, 'http/json', maxBytes, encoding, pool);
    // A half that was split is itself over the cap; so is the whole.
    if (parts.length > 2)
        return parts;
    const probe = new Map();
    for (const [instrument, list] of aggregate(events.slice(0, cut), pool))
        if (list.length > 0)
            probe.set(instrument, list.slice(0, 1));
    const shared = serialize(toResourceMetrics(probe, resource, encoding.temporality), 'http/json').byteLength;
    const bodies = parts.reduce((n, r) => n + r.body.byteLength, 0);
    return bodies - shared > maxBytes ? parts : undefined;
}
/** Whether every event from `cut` on is in a later second than every event before it. */
function laterAfter(events, cut) {
    let last = -Infinity;
    for (const [i, { epochSeconds: s }] of events.entries()) {
        if (s === undefined)
            return false;
        if (i < cut)
            last = Math.max(last, s);
        else if (s <= last)
            return false;
    }
    return true;
}
/** Two halves, the second continuing the first's totals when cumulative. */
function split(events, resource, protocol, maxBytes, encoding, pool) {
    const cut = splitPoint(events);
    const first = encodeRequests(events.slice(0, cut), resource, protocol, maxBytes, encoding, pool);
    let next = encoding;
    if (encoding.temporality === 'cumulative') {
        let ledger = encoding.ledger;
        for (const r of first)
            if (r.totals !== undefined)
                ledger = overlay(ledger, r.totals);
        next = { temporality: 'cumulative', ledger };
    }
    return [...first, ...encodeRequests(events.slice(cut), resource, protocol, maxBytes, next, pool)];
}
/** A lower bound of a request's size: five points per event, each repeating the attributes. */
function estimatedBytes(events) {
    let bytes = 0;
    for (const e of events)
        bytes += 5 * (e.command.length + (e.filterName?.length ?? 0));
    return bytes;
}
function splitPoint(events) {
    const mid = Math.floor(events.length / 2);
    const reach = Math.floor(events.length / 4);
    for (let d = 0; d <= reach; d++) {
        for (const i of [mid - d, mid + d]) {
            if (i > 0 && i < events.length && events[i].epochSeconds !== events[i - 1].epochSeconds)
                return i;
        }
    }
    return mid;
}

;// CONCATENATED MODULE: ./src/encode/metrics-encoder.ts



/**
 * Metric requests of a replay, in the order they will be sent. Cumulative points continue each
 * series from its totals: those acknowledged (`encode`), or those of the requests encoded ahead of
 * their acknowledgement (`encodeAhead`), thrown away (`speculationLost`) when a request is not
 * acknowledged whole. The same state runs in this thread or in an encoding thread (see
 * encode-thread.ts), fed the same calls in the same order.
 */
class MetricsEncoder {
    settings;
    ledger;
    projected;
    /** The points of each encoding, made once (see PointPool): one encoding at a time uses them. */
    pool = new PointPool();
    constructor(settings, 
    /** Cumulative: the series' totals acknowledged so far; undefined for delta. */
    ledger, 
    /** Cumulative: the totals of requests encoded ahead of their acknowledgement. */
    projected = new Map()) {
        this.settings = settings;
        this.ledger = ledger;
        this.projected = projected;
    }
    get cumulative() {
        return this.ledger !== undefined;
    }
    /** Continuing the totals acknowledged so far. */
    encode(events) {
        return this.encodeOver(events, this.ledger && { temporality: 'cumulative', ledger: this.ledger });
    }
    /** Continuing the totals of the requests encoded before, acknowledged or not. */
    encodeAhead(events) {
        if (this.ledger === undefined)
            return this.encode(events);
        const ledger = overlay(this.ledger, this.projected);
        const requests = this.encodeOver(events, { temporality: 'cumulative', ledger });
        for (const r of requests)
            this.project(r.totals);
        return requests;
    }
    /** Totals of requests encoded ahead elsewhere (before an encoding thread took over). */
    project(totals) {
        for (const [key, t] of totals ?? [])
            this.projected.set(key, t);
    }
    /** The requests encoded ahead will be encoded again from the acknowledged totals. */
    speculationLost() {
        this.projected.clear();
    }
    acknowledged(totals) {
        if (this.ledger === undefined || totals === undefined)
            return;
        for (const [key, t] of totals)
            this.ledger.set(key, t);
    }
    /** The state an encoding thread starts from, to continue where this one is. */
    state() {
        return { ledger: this.ledger, projected: this.projected };
    }
    encodeOver(events, encoding) {
        const { resource, protocol, maxRequestBytes } = this.settings;
        return encodeRequests(events, resource, protocol, maxRequestBytes, encoding, this.pool);
    }
}

// EXTERNAL MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/logs/protobuf/logs.mjs + 3 modules
var logs = __webpack_require__(6213);
// EXTERNAL MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/logs/json/logs.mjs + 1 modules
var json_logs = __webpack_require__(16685);
;// CONCATENATED MODULE: ./src/encode/event-attributes.ts

/** What a log record and a span say about one invocation: the row's fields under tokf's names. */
function eventAttributes(e) {
    const attrs = { 'tokf.command': cut(e.command) };
    if (e.exitCode !== null)
        attrs['tokf.exit_code'] = e.exitCode;
    if (e.filterName !== null)
        attrs['tokf.filter.name'] = cut(e.filterName);
    attrs['tokf.tokens.input'] = e.inputTokens;
    attrs['tokf.tokens.output'] = e.outputTokens;
    // As the tokf.tokens.saved metric counts them: input minus output, floored at zero.
    attrs['tokf.tokens.saved'] = Math.max(0, e.inputTokens - e.outputTokens);
    attrs['tokf.filter.time_ms'] = e.filterTimeMs;
    if (e.project !== undefined)
        attrs['tokf.project'] = cut(e.project);
    if (e.pipeOverride !== undefined)
        attrs['tokf.pipe_override'] = e.pipeOverride;
    if (e.pipelineExitCode !== undefined && e.pipelineExitCode !== null)
        attrs['tokf.pipeline.exit_code'] = e.pipelineExitCode;
    attrs['tokf.event.id'] = e.id;
    return attrs;
}
/** The event's time as OTLP's [seconds, nanoseconds], plus `ms` milliseconds. */
function eventTime(e, ms = 0) {
    const seconds = (e.epochSeconds ?? 0) + Math.floor(ms / 1000);
    return [seconds, (ms % 1000) * 1_000_000];
}
function cut(value) {
    return value.length <= MAX_TEXT_LENGTH ? value : `${value.slice(0, MAX_TEXT_LENGTH - 1)}…`;
}

;// CONCATENATED MODULE: ./src/encode/fit.ts
/**
 * Requests of one record per event (logs, spans), as few as fit `maxBytes` each: the list is
 * halved until each part fits; a single event larger than the cap is sent alone.
 */
function encodeFitting(events, maxBytes, unit, build) {
    if (events.length === 0)
        return [];
    const body = build(events);
    if (body.byteLength <= maxBytes || events.length === 1)
        return [{ body, events, points: { [unit]: events.length } }];
    const mid = Math.floor(events.length / 2);
    return [
        ...encodeFitting(events.slice(0, mid), maxBytes, unit, build),
        ...encodeFitting(events.slice(mid), maxBytes, unit, build),
    ];
}

;// CONCATENATED MODULE: ./src/encode/logs.ts






/** The event name of every record: one tokf invocation. */
const LOG_EVENT_NAME = 'tokf.invocation';
// OpenTelemetry's SeverityNumber: INFO and ERROR.
const INFO = 9;
const ERROR = 17;
/**
 * One log record per event, at the event's own time; observed now (when it is sent). A non-zero
 * exit code is an ERROR, anything else INFO; the body is the command.
 */
function encodeLogRequests(events, resource, protocol, maxBytes, nowMs) {
    const res = (0,ResourceImpl/* resourceFromAttributes */.QZ)(resource);
    const observed = [Math.floor(nowMs / 1000), (nowMs % 1000) * 1_000_000];
    return encodeFitting(events, maxBytes, 'logs', (part) => {
        const records = part.map((e) => toLogRecord(e, res, observed));
        if (protocol === 'http/protobuf')
            return required(logs/* ProtobufLogsSerializer */.x.serializeRequest(records));
        return int64AsStrings(required(json_logs/* JsonLogsSerializer */.G.serializeRequest(records)));
    });
}
function toLogRecord(e, resource, observed) {
    const failed = e.exitCode !== null && e.exitCode !== 0;
    const attributes = eventAttributes(e);
    return {
        hrTime: eventTime(e),
        hrTimeObserved: observed,
        severityNumber: failed ? ERROR : INFO,
        severityText: failed ? 'ERROR' : 'INFO',
        body: attributes['tokf.command'],
        eventName: LOG_EVENT_NAME,
        attributes,
        droppedAttributesCount: 0,
        resource,
        instrumentationScope: { name: SCOPE_NAME },
    };
}

// EXTERNAL MODULE: ./node_modules/@opentelemetry/api/dist/trace/span_kind.mjs
var span_kind = __webpack_require__(3428);
// EXTERNAL MODULE: ./node_modules/@opentelemetry/api/dist/trace/trace_flags.mjs
var trace_flags = __webpack_require__(38574);
// EXTERNAL MODULE: ./node_modules/@opentelemetry/api/dist/trace/status.mjs
var trace_status = __webpack_require__(91213);
// EXTERNAL MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/trace/protobuf/trace.mjs + 2 modules
var trace = __webpack_require__(91617);
// EXTERNAL MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/trace/json/trace.mjs + 1 modules
var json_trace = __webpack_require__(57931);
;// CONCATENATED MODULE: ./src/encode/spans.ts









/**
 * One span per event, a trace of its own: named for the program and subcommand that ran (`git
 * status`; see programOf), starting at the event's time and lasting its recorded filter time,
 * which is the only duration tokf stores. A non-zero exit code is status ERROR.
 */
function encodeSpanRequests(events, resource, protocol, maxBytes) {
    const res = (0,ResourceImpl/* resourceFromAttributes */.QZ)(resource);
    return encodeFitting(events, maxBytes, 'spans', (part) => {
        const spans = part.map((e) => toSpan(e, res));
        if (protocol === 'http/protobuf')
            return required(trace/* ProtobufTraceSerializer */.n.serializeRequest(spans));
        return int64AsStrings(required(json_trace/* JsonTraceSerializer */.U.serializeRequest(spans)));
    });
}
/**
 * Trace and span id of an event, from what the row holds (its origin, else its id; time, command,
 * filter) and nothing of where the database lies: the same row sent again is the same span, from a
 * merged copy too.
 */
function spanIdsOf(e) {
    const identity = JSON.stringify([e.origin ?? e.id, e.timestamp, e.command, e.filterName]);
    const hash = (0,external_node_crypto_.createHash)('sha256').update(`tokf.invocation\n${identity}`).digest('hex');
    return { traceId: hash.slice(0, 32), spanId: hash.slice(32, 48) };
}
function toSpan(e, resource) {
    const { traceId, spanId } = spanIdsOf(e);
    const failed = e.exitCode !== null && e.exitCode !== 0;
    const startTime = eventTime(e);
    const endTime = eventTime(e, e.filterTimeMs);
    return {
        name: programOf(e.command),
        kind: span_kind/* SpanKind */.v.INTERNAL,
        spanContext: () => ({ traceId, spanId, traceFlags: trace_flags/* TraceFlags */.X.SAMPLED }),
        startTime,
        endTime,
        duration: [Math.floor(e.filterTimeMs / 1000), (e.filterTimeMs % 1000) * 1_000_000],
        status: failed
            ? { code: trace_status/* SpanStatusCode */.s.ERROR, message: `exit code ${e.exitCode}` }
            : { code: trace_status/* SpanStatusCode */.s.UNSET },
        attributes: eventAttributes(e),
        links: [],
        events: [],
        ended: true,
        resource,
        instrumentationScope: { name: SCOPE_NAME },
        droppedAttributesCount: 0,
        droppedEventsCount: 0,
        droppedLinksCount: 0,
    };
}

;// CONCATENATED MODULE: ./src/encode/signal-requests.ts



/** Requests of one signal for these events (metrics as delta points; see encodeRequests). */
function encodeSignalRequests(signal, events, resource, protocol, maxBytes, nowMs) {
    switch (signal) {
        case 'metrics':
            return encodeRequests(events, resource, protocol, maxBytes);
        case 'logs':
            return encodeLogRequests(events, resource, protocol, maxBytes, nowMs);
        case 'traces':
            return encodeSpanRequests(events, resource, protocol, maxBytes);
    }
}

;// CONCATENATED MODULE: ./src/progress/lineage.ts




/**
 * Where each event came from, so that copies of one database that forked (two CI runs restored the
 * same cache entry, then each added events) can be merged again without relying on ids, which the
 * copies share for their older rows and reuse for their new ones.
 *
 * A row's identity is the copy that recorded it and its id there: the rows from `first_id` up to
 * the next segment were recorded by `origin` as its ids `origin_first` onward. A copy stamps a
 * segment for the rows it is about to record; rows merged in from another copy keep their identity
 * in segments of their own. Rows no segment names (written before any stamp, or by a copy that
 * never stamped: an older version, the command line) are identified by their content instead: every
 * column of tokf's but the id, with the k-th of several identical rows counted as the k-th.
 */
const ORIGINS_TABLE = 'telemetry_sync_origins';
/** The cache entries whose events a database holds, so that a later merge can skip them. */
const LINEAGE_TABLE = 'telemetry_sync_lineage';
const CREATE_ORIGINS = `CREATE TABLE IF NOT EXISTS ${ORIGINS_TABLE} (
  first_id INTEGER PRIMARY KEY,
  origin TEXT,
  origin_first INTEGER
)`;
const CREATE_LINEAGE = `CREATE TABLE IF NOT EXISTS ${LINEAGE_TABLE} (
  entry_key TEXT PRIMARY KEY
)`;
/**
 * Marks the rows this copy is about to record as its own (`origin`, from `fromId` on), so that a
 * later merge tells them from another copy's rows with the same ids.
 */
function stampOwnRows(path, origin, fromId) {
    const db = database_openDatabase(path, false);
    try {
        inWriteTransaction(db, 'record where new events come from', () => {
            db.exec(CREATE_ORIGINS);
            db.prepare(`INSERT OR REPLACE INTO ${ORIGINS_TABLE} (first_id, origin, origin_first) VALUES (?, ?, ?)`).run(fromId, origin, fromId);
        });
    }
    finally {
        db.close();
    }
}
/**
 * The identity of rows that a segment names, as `origin#id` (the copy that recorded the row and
 * its id there), which a merge into another copy keeps although it gives the row a new id.
 */
class RowOrigins {
    segments;
    constructor(
    /** Segments by first id, ascending. */
    segments) {
        this.segments = segments;
    }
    static load(db) {
        if (!sql_tableExists(db, 'main', ORIGINS_TABLE))
            return new RowOrigins([]);
        const rows = db
            .prepare(`SELECT first_id, origin, origin_first FROM ${ORIGINS_TABLE} ORDER BY first_id`)
            .all();
        return new RowOrigins(rows.map((r) => ({
            first: Number(r.first_id),
            origin: r.origin == null ? null : String(r.origin),
            originFirst: Number(r.origin_first ?? 0),
        })));
    }
    /** Undefined for a row no segment names: its id is all that tells it apart. */
    of(id) {
        let lo = 0;
        let hi = this.segments.length - 1;
        let found = -1;
        while (lo <= hi) {
            const mid = (lo + hi) >> 1;
            if (this.segments[mid].first <= id) {
                found = mid;
                lo = mid + 1;
            }
            else
                hi = mid - 1;
        }
        const segment = this.segments[found];
        if (segment === undefined || segment.origin === null)
            return undefined;
        return `${segment.origin}#${segment.originFirst + id - segment.first}`;
    }
}
/** The first id an event recorded next will have. */
function nextEventId(path) {
    const db = database_openDatabase(path, true);
    try {
        events_schema_readEventsSchema(db, path);
        return nextId(db);
    }
    finally {
        db.close();
    }
}
/** The cache entries a database holds the events of (see LINEAGE_TABLE). */
function readLineage(path) {
    const db = database_openDatabase(path, true);
    try {
        if (!sql_tableExists(db, 'main', LINEAGE_TABLE))
            return [];
        return db
            .prepare(`SELECT entry_key FROM ${LINEAGE_TABLE} ORDER BY entry_key`)
            .all()
            .map((r) => String(r.entry_key));
    }
    finally {
        db.close();
    }
}
/** Replaces the lineage: entries that no longer exist need not be remembered. */
function writeLineage(path, keys) {
    const db = database_openDatabase(path, false);
    try {
        inWriteTransaction(db, 'record the cache entries merged', () => {
            db.exec(CREATE_LINEAGE);
            db.exec(`DELETE FROM ${LINEAGE_TABLE}`);
            const insert = db.prepare(`INSERT OR IGNORE INTO ${LINEAGE_TABLE} (entry_key) VALUES (?)`);
            for (const key of keys)
                insert.run(key);
        });
    }
    finally {
        db.close();
    }
}

;// CONCATENATED MODULE: ./src/engine/tokf-encoder.ts




/**
 * Batches encoded ahead in this thread before a run starts an encoding thread, after the next
 * one: a run of up to 10k events (the common CI run, five batches at the default size) never pays
 * for starting it, and no batch waits on it while it starts.
 */
const BATCHES_BEFORE_THREAD = 5;
/** For a run whose main thread is bound by other work (see TokfPass). */
const noEncodingThread = () => undefined;
/** Where there is a second core and the thread's script (see EncodeThread.worthStarting). */
const startWhereWorth = (start) => EncodeThread.worthStarting() ? new EncodeThread(start) : undefined;
/**
 * Turns a tokf database's events into requests for their signal. Cumulative metrics continue each
 * series from its totals: those acknowledged (`encode`), or those of the requests encoded ahead of
 * their acknowledgement (`encodeAhead`), thrown away (`speculationLost`) when one was not
 * acknowledged whole. Metrics of a run of several batches are encoded ahead on a thread of their
 * own (see EncodeThread), told of every acknowledgement and lost speculation in the order this one
 * sees them, so that it encodes what this thread would have.
 */
class TokfEncoder {
    config;
    signal;
    db;
    now;
    startThread;
    /** Metrics: the points' encoder (with the totals of cumulative series). */
    metrics;
    /** Metrics of a run of several batches: where batches encoded ahead are encoded. */
    thread;
    batchesAhead = 0;
    /** Traces: where each row was first recorded, read when the first span is encoded. */
    origins;
    constructor(config, signal, db, now, 
    /** Cumulative: the series' totals acknowledged so far; undefined for delta. */
    ledger, startThread = startWhereWorth) {
        this.config = config;
        this.signal = signal;
        this.db = db;
        this.now = now;
        this.startThread = startThread;
        if (signal === 'metrics') {
            const { resource, protocol, maxRequestBytes } = config;
            this.metrics = new MetricsEncoder({ resource, protocol, maxRequestBytes }, ledger);
        }
    }
    get cumulative() {
        return this.metrics?.cumulative === true;
    }
    /** Cumulative points continue from the totals acknowledged so far. */
    encode(events) {
        if (this.metrics !== undefined)
            return this.metrics.encode(events);
        return this.encodeRecords(events);
    }
    /**
     * Cumulative points continue from the totals of the requests encoded before, acknowledged or
     * not. From the seventh batch on, where there is a second core, on the encoding thread, which
     * continues from the totals this one reached. Every later batch goes there, delta ones too: with
     * this thread taking one in four while the other was busy, 1M-event syncs were slower, not faster
     * (a median of 19.8 s against 17.8 s over five alternating pairs), since the reads that keep the
     * other thread fed waited on it, and peak RSS was about 4 MB higher.
     */
    encodeAhead(events) {
        if (this.metrics === undefined)
            return this.encodeRecords(events);
        if (this.thread !== undefined)
            return this.thread.encodeAhead(events);
        const requests = this.metrics.encodeAhead(events);
        this.batchesAhead += 1;
        if (this.batchesAhead === BATCHES_BEFORE_THREAD + 1) {
            const { resource, protocol, maxRequestBytes } = this.config;
            this.thread = this.startThread({
                settings: { resource, protocol, maxRequestBytes },
                ...this.metrics.state(),
            });
        }
        return requests;
    }
    /** The requests encoded ahead will be encoded again from the acknowledged totals. */
    speculationLost() {
        this.metrics?.speculationLost();
        this.thread?.speculationLost();
    }
    /** An acknowledged request's totals are its series' from now on (here and on the thread). */
    acknowledged(request) {
        if (this.metrics?.cumulative !== true || request.totals === undefined)
            return;
        this.metrics.acknowledged(request.totals);
        this.thread?.acknowledged(request.totals);
    }
    /** Ends the encoding thread, if the run started one. */
    close() {
        this.thread?.close();
    }
    encodeRecords(events) {
        const { resource, protocol, maxRequestBytes } = this.config;
        const named = this.signal === 'traces' ? this.withOrigins(events) : events;
        return encodeSignalRequests(this.signal, named, resource, protocol, maxRequestBytes, this.now());
    }
    /** Span ids come from a row's origin where it has one: a merged copy resends the same span. */
    withOrigins(events) {
        this.origins ??= RowOrigins.load(this.db);
        const origins = this.origins;
        return events.map((e) => {
            const origin = origins.of(e.id);
            return origin === undefined ? e : { ...e, origin };
        });
    }
}

;// CONCATENATED MODULE: ./src/engine/notices.ts
/**
 * Collects a run's notices. Warnings of one kind and message are summed into one record, so a
 * thousand refused events with the same reason read as one line.
 */
class Notices {
    errors = [];
    warningsByKey = new Map();
    error(notice) {
        this.errors.push(toNotice(notice));
    }
    warning(notice) {
        const n = toNotice(notice);
        const key = `${n.kind}\u0000${n.message ?? ''}\u0000${n.file ?? ''}`;
        const same = this.warningsByKey.get(key);
        if (same === undefined) {
            this.warningsByKey.set(key, n);
            return;
        }
        same.count += n.count;
        if (same.firstId === null || (n.firstId !== null && n.firstId < same.firstId))
            same.firstId = n.firstId;
    }
    get warnings() {
        return [...this.warningsByKey.values()];
    }
}
function toNotice(n) {
    return {
        kind: n.kind,
        count: n.count,
        firstId: n.firstId ?? null,
        message: n.message ?? null,
        ...(n.file !== undefined && { file: n.file }),
        ...(n.setAside !== undefined && { setAside: n.setAside }),
    };
}

;// CONCATENATED MODULE: ./src/engine/clock-check.ts
/** How far ahead of this machine's clock an event may be before it counts as skewed. */
const FUTURE_TOLERANCE_S = 300;
/** Watches event times for the two signs of a wrong clock on the machine that ran tokf. */
class ClockCheck {
    nowSeconds;
    latest;
    report = {
        future: 0,
        backwards: 0,
        firstFutureId: null,
        firstBackwardsId: null,
    };
    constructor(nowSeconds) {
        this.nowSeconds = nowSeconds;
    }
    observe(e) {
        const t = e.epochSeconds;
        if (t === undefined)
            return;
        if (t > this.nowSeconds + FUTURE_TOLERANCE_S) {
            this.report.future += 1;
            this.report.firstFutureId ??= e.id;
        }
        if (this.latest !== undefined && t < this.latest) {
            this.report.backwards += 1;
            this.report.firstBackwardsId ??= e.id;
        }
        this.latest = Math.max(this.latest ?? t, t);
    }
    /** Clock-skew notices for the run's result, one per sign seen. */
    notices() {
        const r = this.report;
        const out = [];
        if (r.future > 0)
            out.push({ kind: 'clock-future', count: r.future, firstId: r.firstFutureId, message: null });
        if (r.backwards > 0) {
            out.push({
                kind: 'clock-backwards',
                count: r.backwards,
                firstId: r.firstBackwardsId,
                message: null,
            });
        }
        return out;
    }
}

;// CONCATENATED MODULE: ./src/engine/savings.ts

// tokf.command holds the whole argv, so distinct commands are unbounded; past this many the
// rest are pooled, keeping memory bounded by a constant rather than by the database.
const MAX_KEYS = 5000;
const OTHER_COMMANDS = '(other commands)';
/** Commands whose label is kept once worked out: a run repeats few commands many times. */
const MAX_LABELS = 5000;
/** Tallies tokens saved per command and filter, for the report. */
class SavingsTally {
    label;
    /**
     * Rows by filter name ('' for passthrough, as for an empty name) and command label: looked up
     * twice per event rather than by a key put together per event, for every event of a run.
     */
    rows = new Map();
    /** Every row, in the order first seen (which orders rows that saved alike). */
    seen = [];
    other;
    /** Labels of commands seen (where the label is not the command itself). */
    labels = new Map();
    /** `label` names a command in the rows: the whole command line by default. */
    constructor(label) {
        this.label = label;
    }
    add(e) {
        const command = this.labelOf(e.command);
        const filterKey = e.filterName ?? '';
        let byCommand = this.rows.get(filterKey);
        let row = byCommand?.get(command);
        if (row === undefined) {
            if (this.seen.length >= MAX_KEYS) {
                row = this.other ??= this.added({ command: OTHER_COMMANDS, filter: null });
            }
            else {
                if (byCommand === undefined)
                    this.rows.set(filterKey, (byCommand = new Map()));
                row = this.added({ command, filter: e.filterName });
                byCommand.set(command, row);
            }
        }
        row.events += 1;
        row.tokensSaved += Math.max(0, e.inputTokens - e.outputTokens);
    }
    added(of) {
        const row = { ...of, events: 0, tokensSaved: 0 };
        this.seen.push(row);
        return row;
    }
    labelOf(command) {
        if (this.label === undefined)
            return command;
        let label = this.labels.get(command);
        if (label === undefined) {
            label = this.label(command);
            if (this.labels.size < MAX_LABELS)
                this.labels.set(command, label);
        }
        return label;
    }
    /** The rows that saved most, largest first. */
    top(n) {
        return [...this.seen]
            .sort((a, b) => b.tokensSaved - a.tokensSaved || b.events - a.events)
            .slice(0, n);
    }
}
function emptyTokens() {
    return { events: 0, input: 0, output: 0, saved: 0 };
}
function addTokens(t, e) {
    t.events += 1;
    t.input += e.inputTokens;
    t.output += e.outputTokens;
    t.saved += Math.max(0, e.inputTokens - e.outputTokens);
}
// A wrong clock could stamp events over any number of days; a chart needs far fewer than this.
const MAX_DAYS = 4000;
/** Tallies invocations and tokens saved per UTC day, for a chart of the run. */
class DailyTally {
    days = new Map();
    add(e) {
        if (e.epochSeconds === undefined)
            return;
        const index = Math.floor(e.epochSeconds / 86_400);
        let day = this.days.get(index);
        if (day === undefined) {
            if (this.days.size >= MAX_DAYS)
                return;
            const iso = new Date(index * 86_400_000).toISOString().slice(0, 10);
            day = { day: iso, events: 0, tokensSaved: 0 };
            this.days.set(index, day);
        }
        day.events += 1;
        day.tokensSaved += Math.max(0, e.inputTokens - e.outputTokens);
    }
    /** Oldest first. */
    list() {
        return [...this.days.entries()].sort(([a], [b]) => a - b).map(([, d]) => d);
    }
}

;// CONCATENATED MODULE: ./src/engine/observed.ts


/** What a run saw of its selected events, for the result; bounded whatever the database size. */
class Observed {
    selection = {
        selected: 0,
        unreadable: 0,
        skippedRejected: 0,
        held: 0,
        skipped: 0,
        firstSeconds: undefined,
        lastSeconds: undefined,
    };
    savings = new SavingsTally();
    /** The same by program and subcommand only (see programOf). */
    savingsByProgram = new SavingsTally(programOf);
    /** Tokens of the selected events. */
    tokens = emptyTokens();
    /** Tokens of the events the endpoint acknowledged. */
    deliveredTokens = emptyTokens();
    daily = new DailyTally();
    clock;
    /** Points per metric name, over the requests encoded for sending. */
    points = {};
    bytesEncoded = 0;
    /** Selected events older than max-age: written to the file only. */
    tooOld = 0;
    constructor(nowSeconds) {
        this.clock = new ClockCheck(nowSeconds);
    }
    batch(events) {
        for (const e of events) {
            this.savings.add(e);
            this.savingsByProgram.add(e);
            addTokens(this.tokens, e);
            this.daily.add(e);
            this.clock.observe(e);
        }
    }
    acknowledged(events) {
        for (const e of events)
            addTokens(this.deliveredTokens, e);
    }
    encoded(requests) {
        for (const r of requests) {
            this.bytesEncoded += r.body.byteLength;
            for (const [name, n] of Object.entries(r.points))
                this.points[name] = (this.points[name] ?? 0) + n;
        }
    }
}

;// CONCATENATED MODULE: ./src/output/family-spool.ts

/** Text buffered per family before it goes to that family's part file. */
const FLUSH_CHARS = 256 * 1024;
/** Bytes copied at a time when the parts are joined into the file. */
const COPY_BYTES = 1024 * 1024;
/**
 * One family's lines, gathered in a part file of its own while a run streams, in memory only up
 * to FLUSH_CHARS at a time.
 */
class FamilyPart {
    header;
    partPath;
    fd;
    chunks = [];
    chars = 0;
    constructor(header, partPath) {
        this.header = header;
        this.partPath = partPath;
    }
    append(lines) {
        this.chunks.push(lines);
        this.chars += lines.length;
        if (this.chars >= FLUSH_CHARS)
            this.flush();
    }
    flush() {
        if (this.chunks.length === 0)
            return;
        this.fd ??= (0,external_node_fs_.openSync)(this.partPath, 'w');
        (0,external_node_fs_.writeSync)(this.fd, this.chunks.join(''));
        this.chunks = [];
        this.chars = 0;
    }
    /** Copies the family (header, then lines) to `out` and removes its part file. */
    copyTo(out, buffer) {
        (0,external_node_fs_.writeSync)(out, this.header);
        this.flush();
        if (this.fd === undefined)
            return;
        (0,external_node_fs_.closeSync)(this.fd);
        this.fd = undefined;
        const input = (0,external_node_fs_.openSync)(this.partPath, 'r');
        try {
            for (;;) {
                const n = (0,external_node_fs_.readSync)(input, buffer, 0, buffer.length, null);
                if (n === 0)
                    break;
                (0,external_node_fs_.writeSync)(out, buffer, 0, n);
            }
        }
        finally {
            (0,external_node_fs_.closeSync)(input);
        }
        (0,external_node_fs_.rmSync)(this.partPath, { force: true });
    }
    discard() {
        if (this.fd !== undefined)
            (0,external_node_fs_.closeSync)(this.fd);
        this.fd = undefined;
        this.chunks = [];
        (0,external_node_fs_.rmSync)(this.partPath, { force: true });
    }
}
/**
 * A file written as families whose lines arrive interleaved but must end up together (as
 * OpenMetrics wants a family's samples): each family spools to `<path>.partN` beside the file,
 * and commit() joins them, in the order they were opened, into the file, which appears whole
 * (through a rename) or not at all. The directory must exist before the first line is flushed.
 */
class FamilySpool {
    path;
    parts = [];
    constructor(path) {
        this.path = path;
    }
    /** A new family under `header`, joined after the families opened before it. */
    family(header) {
        const part = new FamilyPart(header, `${this.path}.part${this.parts.length}`);
        this.parts.push(part);
        return part;
    }
    /** Removes every part; the file, if an earlier run left one, stays as it was. */
    discard() {
        for (const part of this.parts)
            part.discard();
    }
    /** Joins the families, then `trailer`, into the file; on failure removes the parts and the copy. */
    commit(trailer) {
        const tmp = `${this.path}.tmp`;
        const out = (0,external_node_fs_.openSync)(tmp, 'w');
        try {
            const buffer = Buffer.allocUnsafe(COPY_BYTES);
            for (const part of this.parts)
                part.copyTo(out, buffer);
            (0,external_node_fs_.writeSync)(out, trailer);
            (0,external_node_fs_.fsyncSync)(out);
        }
        catch (err) {
            this.discard();
            (0,external_node_fs_.closeSync)(out);
            (0,external_node_fs_.rmSync)(tmp, { force: true });
            throw err;
        }
        (0,external_node_fs_.closeSync)(out);
        // Renamed whole, so that no one backfills half a file.
        (0,external_node_fs_.renameSync)(tmp, this.path);
    }
}

;// CONCATENATED MODULE: ./src/output/prometheus-names.ts
/**
 * How Prometheus's OTLP receiver names what it receives, under its default translation strategy
 * (`UnderscoreEscapingWithSuffixes`, with the default label options of Prometheus 3.16:
 * underscore sanitization on, multiple underscores kept). A file backfilled with these names
 * holds the very series that the same metrics sent over OTLP would make, so the two join up.
 * The rules follow prometheus/otlptranslator v1.0.0 (metric_namer.go, unit_namer.go,
 * label_namer.go) and Prometheus's prometheusremotewrite (job and instance from the resource).
 */
// OTLP (UCUM) units Prometheus spells out as a suffix; a unit not here is used as written.
const UNIT_WORDS = {
    d: 'days',
    h: 'hours',
    min: 'minutes',
    s: 'seconds',
    ms: 'milliseconds',
    us: 'microseconds',
    ns: 'nanoseconds',
    By: 'bytes',
    KiBy: 'kibibytes',
    MiBy: 'mebibytes',
    GiBy: 'gibibytes',
    TiBy: 'tibibytes',
    KBy: 'kilobytes',
    MBy: 'megabytes',
    GBy: 'gigabytes',
    TBy: 'terabytes',
    m: 'meters',
    V: 'volts',
    A: 'amperes',
    J: 'joules',
    W: 'watts',
    g: 'grams',
    Cel: 'celsius',
    Hz: 'hertz',
    '1': '',
    '%': 'percent',
};
// The denominators of rates (`By/s`), spelled in the singular after `per_`.
const PER_UNIT_WORDS = {
    s: 'second',
    m: 'minute',
    h: 'hour',
    d: 'day',
    w: 'week',
    mo: 'month',
    y: 'year',
};
/**
 * The Prometheus metric name of an OTLP metric: its name cut into words at every character other
 * than a letter, digit or colon, then the unit's word (annotations in braces such as `{token}`
 * name no unit and are dropped), `_total` for a monotonic sum and `_ratio` for a gauge of unit 1.
 * `tokf.filter.duration` in `s` becomes `tokf_filter_duration_seconds`; a histogram's samples
 * then add `_bucket`, `_sum` and `_count` to it.
 */
function prometheusMetricName(name, unit, kind) {
    let words = name.split(/[^A-Za-z0-9:]+/u).filter((w) => w !== '');
    const [main, per] = unitSuffixes(unit);
    words = addUnitWords(words, cleanUnit(main), cleanUnit(per));
    if (kind === 'monotonic-sum')
        words = [...words.filter((w) => w !== 'total'), 'total'];
    if (unit === '1' && kind === 'gauge')
        words = [...words.filter((w) => w !== 'ratio'), 'ratio'];
    const joined = words.join('_');
    if (/^_*$/.test(joined))
        throw new Error(`metric ${JSON.stringify(name)} has no Prometheus name`);
    return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}
function unitSuffixes(unit) {
    const slash = unit.indexOf('/');
    const mainPart = (slash === -1 ? unit : unit.slice(0, slash)).trim();
    const perPart = slash === -1 ? '' : unit.slice(slash + 1).trim();
    const main = mainPart !== '' && !/[{}]/.test(mainPart) ? (UNIT_WORDS[mainPart] ?? mainPart) : '';
    const perWord = perPart !== '' && !/[{}]/.test(perPart) ? (PER_UNIT_WORDS[perPart] ?? perPart) : '';
    return [main, perWord === '' ? '' : `per_${perWord}`];
}
// A unit word joins the name only when the name does not already say it (`..._seconds`).
function addUnitWords(words, main, per) {
    let mainWord = words.includes(main) ? '' : main;
    let perWord = per === 'per_' ? '' : per.replace(/_$/, '');
    if (words.includes(perWord))
        perWord = '';
    if (perWord !== '')
        mainWord = mainWord.replace(/_$/, '');
    const out = [...words];
    if (mainWord !== '')
        out.push(mainWord);
    if (perWord !== '')
        out.push(perWord);
    return out;
}
function cleanUnit(unit) {
    return unit
        .replace(/[^A-Za-z0-9:]/gu, '_')
        .replace(/_+/g, '_')
        .replace(/^_/, '');
}
/**
 * The Prometheus label name of an attribute key: every character other than an ASCII letter or
 * digit becomes `_`, one per character (Prometheus keeps runs of underscores by default), then a
 * leading digit gets `key_` and a single leading underscore `key`.
 */
function prometheusLabelName(key) {
    let label = key.replace(/[^A-Za-z0-9]/gu, '_');
    if (/^[0-9]/.test(label))
        label = `key_${label}`;
    else if (label.startsWith('_') && !label.startsWith('__'))
        label = `key${label}`;
    if (/^_*$/.test(label))
        throw new Error(`attribute key ${JSON.stringify(key)} has no label name`);
    return label;
}
/**
 * The labels a data point gets: its attributes, keys sorted and renamed, values as text; keys
 * that rename alike are joined with `;` in key order, as Prometheus does; empty values are left
 * out, which Prometheus also treats as no label. Then `job` and `instance` from the resource,
 * which win over attributes of those names. Sorted by label name.
 */
function prometheusLabels(attributes, resource) {
    const labels = new Map();
    for (const key of Object.keys(attributes).sort()) {
        const value = String(attributes[key]);
        const name = prometheusLabelName(key);
        const existing = labels.get(name);
        if (existing !== undefined && existing !== '')
            labels.set(name, `${existing};${value}`);
        else
            labels.set(name, value);
    }
    const { job, instance } = jobAndInstance(resource);
    if (job !== undefined)
        labels.set('job', job);
    if (instance !== undefined)
        labels.set('instance', instance);
    return [...labels]
        .filter(([, value]) => value !== '')
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
/**
 * `job` is `service.name`, prefixed `namespace/` when `service.namespace` is set; `instance` is
 * `service.instance.id`. Either is absent when its attribute is (or when it comes out empty).
 */
function jobAndInstance(resource) {
    const name = resource['service.name'];
    const namespace = resource['service.namespace'];
    const instance = resource['service.instance.id'];
    const out = {};
    // Prometheus prefixes whenever the namespace attribute exists, even empty, and sets `job` when
    // the result is not empty.
    const job = name === undefined ? '' : namespace !== undefined ? `${namespace}/${name}` : name;
    if (job !== '')
        out.job = job;
    if (instance !== undefined && instance !== '')
        out.instance = instance;
    return out;
}

;// CONCATENATED MODULE: ./src/output/openmetrics-text.ts


/** The line that ends every OpenMetrics file. */
const OPENMETRICS_EOF = '# EOF\n';
/** The `le` of each finite bucket, spelled once: every histogram sample writes them all. */
const BOUND_LABELS = DEFAULT_BOUNDARIES.map((b) => formatBound(b));
/** A family's metadata, which precedes its samples: its type and its help text. */
function familyHeader(name, type, help) {
    return `# TYPE ${name} ${type}\n# HELP ${name} ${escapeLabelValue(help)}\n`;
}
/**
 * A series' labels, named as Prometheus's OTLP receiver names them, rendered and escaped, without
 * braces (a histogram bucket adds its `le`).
 */
function labelSet(attributes, resource) {
    return prometheusLabels(attributes, resource)
        .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
        .join(',');
}
/** One sample line; `seconds` is a number or already written as OpenMetrics seconds. */
function sampleLine(name, labels, value, seconds) {
    return `${name}{${labels}} ${formatValue(value)} ${seconds}\n`;
}
/**
 * A histogram's bucket samples at one second, cumulative as OpenMetrics counts them, from counts
 * per bucket (the last above the highest boundary) and the total count for `+Inf`.
 */
function bucketLines(name, labels, perBucket, count, seconds) {
    const at = ` ${seconds}\n`;
    const prefix = `${name}_bucket{${labels}${labels === '' ? '' : ','}le="`;
    let cumulative = 0;
    let lines = '';
    BOUND_LABELS.forEach((le, i) => {
        cumulative += perBucket[i] ?? 0;
        lines += `${prefix}${le}"} ${cumulative}${at}`;
    });
    return `${lines}${prefix}+Inf"} ${count}${at}`;
}
/** OpenMetrics label value escaping: backslash, double quote and line feed. */
function escapeLabelValue(value) {
    return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
/** A sample value: integers without a point, as OpenMetrics asks; others in shortest form. */
function formatValue(v) {
    return String(v);
}
/**
 * A bucket bound as the OTLP receiver writes it (Go's FormatFloat 'f', -1): the shortest digits
 * that give the number back, never in exponent form.
 */
function formatBound(bound) {
    if (bound === Infinity)
        return '+Inf';
    const text = String(bound);
    const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
    if (match === null)
        return text;
    const [, sign, lead, rest = '', exp] = match;
    const digits = `${lead}${rest}`;
    const point = 1 + Number(exp);
    if (point <= 0)
        return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (point >= digits.length)
        return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

;// CONCATENATED MODULE: ./src/output/write-failure.ts

/** Errors of the file system that mean "no room": the disk, or the user's quota. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);
/**
 * The typed error for a failed write of one of the run's files, named by its kind ("OTLP/JSON
 * Lines file") and path, so that a full disk reads as that and not as a database failure.
 */
function writeFailure(err, kind, path) {
    if (err instanceof FileWriteError)
        return err;
    const code = err?.code;
    if (code !== undefined && NO_SPACE.has(code))
        return new DiskFullError(`no space left on the device while writing the ${kind} ${path} (${code}); free some space and run again`, path);
    return new FileWriteError(`cannot write the ${kind} ${path}: ${errors_messageOf(err)}`, path);
}
/** Runs `work`, turning a failure into writeFailure's error for this file. */
function writing(kind, path, work) {
    try {
        return work();
    }
    catch (err) {
        throw writeFailure(err, kind, path);
    }
}

;// CONCATENATED MODULE: ./src/output/openmetrics.ts








/** The file's name in the output directory. */
const OPENMETRICS_FILE = 'metrics.om';
const KIND = 'OpenMetrics file';
/**
 * Writes the events as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`, which
 * backfills Prometheus (and, through its blocks, Thanos or Mimir). Series are named and labelled
 * as Prometheus's OTLP receiver names the live metrics (see prometheus-names.ts), so backfilled
 * history and series that arrive over OTLP are the same series.
 *
 * Every sample is cumulative from 0, which the series is given one second before its first event
 * in the file (where the cumulative OTLP series of this project start), so `increase()` counts the first events. Events
 * of a series in one second make one sample at that second. An event older than its series' held
 * sample (tokf's clock went back) is counted into that sample, so a series' samples are always in
 * increasing time order, which the TSDB requires; totals stay exact. Each series ends with its
 * total at the file's last second.
 *
 * Memory holds one entry per series and a fixed buffer per family; the samples wait on disk
 * (family-spool.ts) until close() joins them. The lines themselves are openmetrics-text.ts's.
 */
class OpenMetricsWriter {
    dir;
    resource;
    path;
    /** Events written (those with a readable timestamp). */
    events = 0;
    families;
    spool;
    byInstrument = new Map();
    series = new Map();
    labelCache = new Map();
    closed = false;
    dirReady = false;
    constructor(dir, resource) {
        this.dir = dir;
        this.resource = resource;
        this.path = (0,external_node_path_.join)(dir, OPENMETRICS_FILE);
        this.spool = new FamilySpool(this.path);
        const family = (name, type, help) => this.spool.family(familyHeader(name, type, help));
        this.families = [INVOCATIONS, TOKENS_SAVED, TOKEN_USAGE, FILTER_DURATION].map((instrument) => {
            if (instrument.kind === 'sum') {
                const name = prometheusMetricName(instrument.name, instrument.unit, 'monotonic-sum');
                // An OpenMetrics counter family is named without `_total`; its samples carry it.
                const total = family(name.replace(/_total$/, ''), 'counter', instrument.description);
                return { instrument, name, total };
            }
            const name = prometheusMetricName(instrument.name, instrument.unit, 'histogram');
            // Declared as three untyped families rather than one histogram: promtool rewrites the
            // `le` of a histogram family to OpenMetrics' canonical form (`5` becomes `5.0`), while
            // the OTLP receiver writes `5`; untyped, the buckets keep the receiver's labels and stay
            // the same series. Prometheus keeps no type in the blocks either way.
            return {
                instrument,
                name,
                bucket: family(`${name}_bucket`, 'unknown', `${instrument.description} (buckets)`),
                sum: family(`${name}_sum`, 'unknown', `${instrument.description} (sum)`),
                count: family(`${name}_count`, 'unknown', `${instrument.description} (count)`),
            };
        });
        for (const f of this.families)
            this.byInstrument.set(f.instrument, f);
    }
    /** Throws FileWriteError (DiskFullError when the disk is full) naming the file. */
    write(events) {
        writing(KIND, this.path, () => this.writeEvents(events));
    }
    writeEvents(events) {
        if (this.closed)
            throw new Error('OpenMetricsWriter: write after close');
        const timed = events.filter((e) => e.epochSeconds !== undefined);
        if (timed.length === 0)
            return;
        this.prepareDir();
        for (const [instrument, points] of aggregate(timed)) {
            const families = this.byInstrument.get(instrument);
            if (families === undefined)
                continue;
            for (const p of points)
                this.add(families, p);
        }
        this.events += timed.length;
    }
    /**
     * Writes the held samples and the file; removes the parts. Safe to call twice. A run that wrote
     * no event leaves the directory as it was, an earlier run's file included.
     */
    close() {
        writing(KIND, this.path, () => this.finish());
    }
    finish() {
        if (this.closed)
            return;
        this.closed = true;
        if (this.events === 0) {
            this.spool.discard();
            return;
        }
        this.prepareDir();
        let last = -Infinity;
        for (const s of this.series.values())
            last = Math.max(last, s.heldSeconds);
        for (const s of this.series.values()) {
            this.emit(s, s.heldSeconds);
            // Every series once more at the file's last second, with the same total: an instant query
            // sees a series only within its lookback (5 minutes) of a sample, and at the end of the
            // history `sum(...)` should give the database's totals, not only the recent series'.
            if (s.heldSeconds < last)
                this.emit(s, last);
        }
        this.series.clear();
        this.labelCache.clear();
        this.spool.commit(OPENMETRICS_EOF);
    }
    prepareDir() {
        if (this.dirReady)
            return;
        (0,external_node_fs_.mkdirSync)(this.dir, { recursive: true });
        this.dirReady = true;
    }
    add(families, p) {
        const attrs = JSON.stringify(p.attributes);
        const key = `${families.instrument.name}\u0000${attrs}`;
        let s = this.series.get(key);
        if (s === undefined) {
            s = {
                families,
                labels: this.renderLabels(attrs, p.attributes),
                heldSeconds: p.epochSeconds,
                sum: 0,
                count: 0,
                buckets: families.bucket
                    ? new Array(DEFAULT_BOUNDARIES.length + 1).fill(0)
                    : undefined,
            };
            this.series.set(key, s);
            // The series starts from 0 a second before its first event, as its OTLP twin does.
            this.emit(s, p.epochSeconds - 1);
        }
        else if (p.epochSeconds > s.heldSeconds) {
            this.emit(s, s.heldSeconds);
            s.heldSeconds = p.epochSeconds;
        }
        // At or before the held second: counted into the held sample.
        s.sum += p.histogram === undefined ? p.sum : p.histogram.sum;
        if (p.histogram !== undefined && s.buckets !== undefined) {
            s.count += p.histogram.count;
            p.histogram.bucketCounts.forEach((n, i) => (s.buckets[i] += n));
        }
    }
    /**
     * Labels by attribute set, rendered once: the invocations, tokens-saved and duration series of
     * a command share theirs, and rendering means renaming, sorting and escaping up to 4 KiB.
     */
    renderLabels(attrsKey, attributes) {
        let labels = this.labelCache.get(attrsKey);
        if (labels === undefined) {
            labels = labelSet(attributes, this.resource);
            this.labelCache.set(attrsKey, labels);
        }
        return labels;
    }
    emit(s, seconds) {
        const f = s.families;
        if (f.total !== undefined) {
            f.total.append(sampleLine(f.name, s.labels, s.sum, seconds));
            return;
        }
        f.bucket.append(bucketLines(f.name, s.labels, s.buckets, s.count, seconds));
        f.sum.append(sampleLine(`${f.name}_sum`, s.labels, s.sum, seconds));
        f.count.append(sampleLine(`${f.name}_count`, s.labels, s.count, seconds));
    }
}

;// CONCATENATED MODULE: ./src/output/otlp-json-lines.ts




const otlp_json_lines_KIND = 'OTLP/JSON Lines file';
/**
 * The Collector's otlpjsonfile receiver truncates lines over 1 MiB by default; keep every line
 * well under that.
 */
const MAX_LINE_BYTES = 512 * 1024;
const NEWLINE = new Uint8Array([0x0a]);
/**
 * Writes OTLP/JSON Lines in the file exporter's format: one MetricsData, LogsData or TracesData
 * object per line, of one signal. The file is replaced by the first write of a run; a run that writes nothing leaves it as
 * an earlier run wrote it.
 */
class OtlpJsonLinesWriter {
    dir;
    resource;
    signal;
    now;
    path;
    fd;
    lines = 0;
    events = 0;
    /** Bytes of the lines written, for the size of the next parts. */
    bytes = 0;
    constructor(dir, resource, fileName, signal = 'metrics', 
    /** The clock, for the observed time of log records. */
    now = Date.now) {
        this.dir = dir;
        this.resource = resource;
        this.signal = signal;
        this.now = now;
        this.path = (0,external_node_path_.join)(dir, fileName);
    }
    /** Throws FileWriteError (DiskFullError when the disk is full) naming the file. */
    write(events) {
        if (events.length === 0)
            return;
        writing(otlp_json_lines_KIND, this.path, () => this.writeLines(events));
    }
    writeLines(events) {
        const fd = this.fd ?? this.open();
        for (const part of this.parts(events)) {
            const { signal, resource } = this;
            const lines = encodeSignalRequests(signal, part, resource, 'http/json', MAX_LINE_BYTES, this.now());
            for (const line of lines) {
                (0,external_node_fs_.writeSync)(fd, line.body);
                (0,external_node_fs_.writeSync)(fd, NEWLINE);
                this.lines += 1;
                this.bytes += line.body.byteLength;
            }
            this.events += part.length;
        }
    }
    /**
     * A batch cut into parts that should fit a line, by the bytes per event seen so far: encoding a
     * whole batch only to halve it until it fits costs several JSON encodings and their garbage.
     * Parts end at a change of second, so that a second's points stay on one line where they fit.
     */
    *parts(events) {
        const perEvent = this.events === 0 ? 0 : this.bytes / this.events;
        const size = perEvent === 0 ? events.length : Math.max(1, Math.floor((0.75 * MAX_LINE_BYTES) / perEvent));
        let start = 0;
        while (start < events.length) {
            let end = Math.min(events.length, start + size);
            const limit = Math.min(events.length, start + 4 * size);
            while (end < limit && events[end].epochSeconds === events[end - 1].epochSeconds)
                end += 1;
            yield events.slice(start, end);
            start = end;
        }
    }
    close() {
        const fd = this.fd;
        if (fd === undefined)
            return;
        this.fd = undefined;
        try {
            writing(otlp_json_lines_KIND, this.path, () => flush(fd));
        }
        finally {
            (0,external_node_fs_.closeSync)(fd);
        }
    }
    open() {
        (0,external_node_fs_.mkdirSync)(this.dir, { recursive: true });
        this.fd = (0,external_node_fs_.openSync)(this.path, 'w');
        return this.fd;
    }
}
/** fsync, where the file can be synced: a pipe or a device (`/dev/stdout`) cannot, and need not. */
function flush(fd) {
    try {
        (0,external_node_fs_.fsyncSync)(fd);
    }
    catch (err) {
        const code = err.code;
        if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EROFS')
            throw err;
    }
}

;// CONCATENATED MODULE: ./src/engine/pass-outputs.ts



/**
 * The files a pass of a tokf database writes beside sending (the OTLP/JSON Lines files of
 * --otlp-json-out, the OpenMetrics backfill of --openmetrics-out): opened before the first batch,
 * written batch by batch, closed at the end, where a failure to finish one is said once as the
 * run's error and never undoes what was sent.
 */
class PassOutputs {
    later;
    notices;
    files;
    backfill;
    constructor(config, signal, now, 
    /** The caller's, when it keeps the files only later (see FilesForLater). */
    later, 
    /** Whether the pass sends and records: only then is the file of every event spooled. */
    sending, notices) {
        this.later = later;
        this.notices = notices;
        const dir = config.otlpJsonOut;
        const { resource } = config;
        const spool = sending && later?.spool === true;
        if (dir !== undefined)
            this.files = {
                // Replaced by the first batch written: a run with nothing to send leaves an earlier run's file.
                all: spool && later !== undefined
                    ? later.spoolFor(dir, resource, `${signal}.jsonl`, signal, now)
                    : new OtlpJsonLinesWriter(dir, resource, `${signal}.jsonl`, signal, now),
                refused: new OtlpJsonLinesWriter(dir, resource, `rejected-${signal}.jsonl`, signal, now),
            };
        if (config.openmetricsOut !== undefined)
            this.backfill = new OpenMetricsWriter(config.openmetricsOut, resource);
    }
    /** A batch read: into the file of every event and the backfill (throws FileWriteError). */
    write(batch) {
        this.files?.all.write(batch);
        this.backfill?.write(batch);
    }
    /**
     * Closes every file; beside the events the run set aside into its file, the file as it was
     * written (`recorder`), so that `status` can tell whether it still holds them.
     */
    close(recorder, noteFailure) {
        const { files } = this;
        for (const file of [files?.all, files?.refused])
            this.closeFile(file, noteFailure);
        this.stamp(files?.all, recorder);
        this.closeBackfill();
    }
    stamp(file, recorder) {
        if (recorder === undefined || file === undefined || file.lines === 0)
            return;
        // Kept later: stamped when the events held for it are set aside (see FilesForLater).
        if (this.later !== undefined)
            return;
        if (this.saidFailed(file.path))
            return;
        try {
            recorder.fileWritten(file.path);
        }
        catch {
            // Without the stamp, status says it cannot tell whether the file still holds them.
        }
    }
    /** Whether a failure to write the file was said already. */
    saidFailed(path) {
        return this.notices.errors.some((e) => e.kind === 'file-failed' && e.file === path);
    }
    /** A file that cannot be finished is said once (a write that failed before said it already). */
    closeFile(file, noteFailure) {
        try {
            file?.close();
        }
        catch (err) {
            if (this.saidFailed(file?.path))
                return;
            noteFailure(err);
        }
    }
    /** The backfill is written whole at the end; a failure there must not undo what was sent. */
    closeBackfill() {
        const { backfill } = this;
        try {
            backfill?.close();
        }
        catch (err) {
            if (this.saidFailed(backfill?.path))
                return;
            this.notices.error({
                kind: 'file-failed',
                count: backfill?.events ?? 0,
                message: errors_messageOf(err),
                ...(backfill && { file: backfill.path }),
            });
        }
    }
}

;// CONCATENATED MODULE: ./src/engine/skipped-events.ts

/** Skipped events recorded per write transaction. */
const SKIPPED_PER_WRITE = 2000;
/**
 * The events `builtins: skip` leaves out, recorded as done where the run records (not a dry run or
 * a file export) so that they are not pending: in writes of SKIPPED_PER_WRITE, whatever lies
 * between them. A write that fails is the run's `skip-failed` error; the events stay pending.
 */
class SkippedEvents {
    recorder;
    notices;
    waiting = [];
    constructor(recorder, notices) {
        this.recorder = recorder;
        this.notices = notices;
    }
    skip(e) {
        if (this.recorder === undefined)
            return;
        this.waiting.push({ id: e.id, coverFrom: e.coverFrom });
        if (this.waiting.length >= SKIPPED_PER_WRITE)
            this.record();
    }
    /** Records those waiting; at the end of the run, and every SKIPPED_PER_WRITE. */
    record() {
        const events = this.waiting;
        if (this.recorder === undefined || events.length === 0)
            return;
        this.waiting = [];
        try {
            this.recorder.leftOut(events);
        }
        catch (err) {
            if (err instanceof LockLostError)
                return; // said once, as lock-lost
            this.notices.error({
                kind: 'skip-failed',
                count: events.length,
                firstId: events[0]?.id,
                message: errors_messageOf(err),
            });
        }
    }
}

;// CONCATENATED MODULE: ./src/engine/pipeline.ts
/**
 * Batches encoded (and compressing) ahead of the one being sent. Enough to keep the sender busy
 * while the next batch is read and encoded; few enough that memory stays bounded by it. At 3, the
 * peak RSS of a long run rose 10 to 15 MB above a short one's (more batches' bodies and gzip
 * streams in flight at once), for about 5 % of speed.
 */
const PIPELINE_DEPTH = 2;
/**
 * Runs jobs one after another, in the order they were pushed, while the caller prepares the next
 * ones. `push` returns once fewer than `depth` jobs wait, which is the caller's back-pressure.
 * A job that throws stops the ones after it; `drain` reports the error.
 */
class OrderedPipeline {
    depth;
    tail = Promise.resolve();
    waiting = [];
    failure = false;
    constructor(depth = PIPELINE_DEPTH) {
        this.depth = depth;
    }
    async push(job) {
        this.tail = this.tail.then(job);
        // Errors are drain's to report; here a failed job only frees its place.
        this.waiting.push(this.tail.catch(() => {
            this.failure = true;
        }));
        if (this.waiting.length >= this.depth)
            await this.waiting.shift();
    }
    /**
     * Whether a job threw. Every job pushed after it is skipped at once, so `push` no longer holds
     * the caller back: a caller that went on preparing jobs would hold all it read (a whole
     * database, when the encoding thread dies early in a long run) until it ran out of memory.
     */
    get failed() {
        return this.failure;
    }
    /** Waits for every job; the first error of a job, if one threw. */
    async drain() {
        this.waiting.length = 0;
        try {
            await this.tail;
            return undefined;
        }
        catch (err) {
            return err ?? new Error('a pipeline job failed');
        }
    }
}

;// CONCATENATED MODULE: ./src/config/endpoint-advice.ts
/** Paths by which backends take OTLP metrics, so that a 404 can say where to look instead. */
const KNOWN_PREFIXES = ['/api/v1/otlp', '/otlp', '/opentelemetry'];
/** The advice for an endpoint URL (credentials and query already gone) and signal. */
function endpointAdvice(url, signal, labels) {
    return {
        notFound: notFound(url, signal, labels),
        tls: {
            ca: `OTEL_EXPORTER_OTLP_CERTIFICATE${labels.certificate === undefined ? '' : ` (or ${labels.certificate})`}`,
            client: `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY${labels.clientCertificate === undefined || labels.clientKey === undefined
                ? ''
                : ` (or ${labels.clientCertificate} and ${labels.clientKey})`}`,
        },
        notOtlp: `check that ${labels.endpoint} is the OTLP/HTTP receiver itself (${url.protocol}//${url.host}${url.pathname}), not a login page, a captive portal or a proxy's block page; that the token in its headers is valid; and, behind a proxy, that HTTPS_PROXY, HTTP_PROXY and NO_PROXY are right`,
    };
}
function notFound(url, signal, labels) {
    const ending = `/v1/${signal}`;
    let path = url.pathname.replace(/\/+$/, '');
    // What remains once the paths we know are taken off is the user's own prefix, if any.
    for (let before = ''; before !== path;) {
        before = path;
        path = path.replace(/\/v1\/(metrics|logs|traces)$/, '');
        if (signal === 'metrics')
            for (const prefix of KNOWN_PREFIXES)
                if (path.endsWith(prefix))
                    path = path.slice(0, -prefix.length);
    }
    const base = `${url.protocol}//${url.host}${path}`;
    const twice = new RegExp(`${ending}/(.*/)?v1/${signal}`).test(url.pathname)
        ? ` (v1/${signal} twice: give the base URL, or the whole URL with ${labels.signalEndpoint})`
        : '';
    const lines = signal === 'metrics'
        ? [
            `OTLP/HTTP metrics are usually at ${base}/v1/metrics (Collector, Datadog, New Relic, Honeycomb, Elastic)`,
            `Prometheus: ${base}/api/v1/otlp/v1/metrics (started with --web.enable-otlp-receiver)`,
            `Mimir and Grafana Cloud: ${base}/otlp/v1/metrics`,
            `VictoriaMetrics: ${base}/opentelemetry/v1/metrics`,
            labels.backend === undefined
                ? `${labels.signalEndpoint} takes the whole URL`
                : `${labels.backend} sets the path, ${labels.signalEndpoint} takes the whole URL`,
        ]
        : [
            `OTLP/HTTP ${signal} are usually at ${base}/v1/${signal}`,
            `${labels.signalEndpoint} takes the whole URL`,
        ];
    return [`nothing at ${url.protocol}//${url.host}${url.pathname}${twice}`, ...lines].join('; ');
}

;// CONCATENATED MODULE: ./src/config/key-values.ts

/**
 * Parses the OpenTelemetry `k=v,k2=v2` list used by OTEL_EXPORTER_OTLP_HEADERS and
 * OTEL_RESOURCE_ATTRIBUTES. Values are percent-decoded (the W3C baggage rule the spec points to);
 * keys are trimmed. Line breaks separate items too, as commas do: a workflow's `headers: |` block
 * gives one item per line. `source` names the flag or variable in the error so the user knows
 * what to fix.
 */
function parseKeyValueList(text, source) {
    const out = new Map();
    if (text.trim() === '')
        return out;
    const items = text.split(/[,\r\n]/);
    for (const [index, rawItem] of items.entries()) {
        const item = rawItem.trim();
        if (item === '')
            continue;
        const eq = item.indexOf('=');
        // The item is not echoed: a header pasted without its key may be a bare secret.
        if (eq < 0) {
            throw new UsageError(`${source}: item ${index + 1} has no "=" (expected k=v,k2=v2)`);
        }
        if (eq === 0) {
            throw new UsageError(`${source}: item ${index + 1} has an empty key (expected k=v,k2=v2)`);
        }
        const key = item.slice(0, eq).trim();
        const rawValue = item.slice(eq + 1).trim();
        let value;
        try {
            value = decodeURIComponent(rawValue);
        }
        catch {
            throw new UsageError(`${source}: the value of "${key}" is not valid percent-encoding`);
        }
        out.set(key, value);
    }
    return out;
}

;// CONCATENATED MODULE: ./src/config/backends.ts

/** The backends `--backend` knows; `otlp` is a plain OTLP/HTTP receiver, such as a Collector. */
const BACKENDS = [
    'otlp',
    'prometheus',
    'mimir',
    'victoriametrics',
    'datadog',
    'newrelic',
    'honeycomb',
    'elastic',
];
/**
 * Sources: the vendors' OTLP ingestion docs; for VictoriaMetrics' silent drop, what it was seen to
 * do.
 * Prometheus and Mimir refuse old points with an error, which the too-old search handles, so
 * they get no age limit; the others drop old points while answering success, so an age limit is
 * the only protection.
 */
const PRESETS = {
    otlp: { path: '' },
    prometheus: { path: '/api/v1/otlp', temporality: 'cumulative' },
    // Grafana Cloud's OTLP gateway too.
    mimir: { path: '/otlp', temporality: 'cumulative' },
    // Points older than the retention (-retentionPeriod, one month by default) are dropped with a
    // 200; 31 days is that month at its longest.
    victoriametrics: {
        path: '/opentelemetry',
        temporality: 'cumulative',
        maxAge: '31d',
        dropsOlderSilently: true,
    },
    // The OTLP intake takes delta only; points older than an hour are dropped unless historical
    // metrics ingestion is enabled for the metric.
    datadog: { path: '', temporality: 'delta', maxAge: '1h', dropsOlderSilently: true },
    // The Metric API drops points older than 48 hours.
    newrelic: { path: '', temporality: 'delta', maxAge: '48h', dropsOlderSilently: true },
    // Honeycomb aggregates either temporality by the metadata each point carries; delta needs no
    // state of ours and is what tokf's own exporter sends. No documented age limit.
    honeycomb: { path: '', temporality: 'delta' },
    // The managed OTLP endpoint; a time series data stream created now takes points back to
    // index.look_back_time, 2 hours by default.
    elastic: { path: '', temporality: 'delta', maxAge: '2h', dropsOlderSilently: true },
};
/** The presets in a line, for `--help`: made from the table so that it cannot fall behind. */
function describePresets() {
    return BACKENDS.filter((b) => b !== 'otlp')
        .map((backend) => {
        const { path, temporality, maxAge } = PRESETS[backend];
        const parts = [
            ...(path === '' ? [] : [path]),
            ...(temporality === undefined ? [] : [temporality]),
            ...(maxAge === undefined ? [] : [`max-age ${maxAge}`]),
        ];
        return `${backend} (${parts.join(', ')})`;
    })
        .join(', ');
}
const parseBackend = (text, source) => {
    const value = text.trim();
    const lower = value.toLowerCase().replace(/[\s_-]/g, '');
    const aliases = {
        grafana: 'mimir',
        grafanacloud: 'mimir',
        vm: 'victoriametrics',
    };
    const found = BACKENDS.includes(lower)
        ? lower
        : aliases[lower];
    if (found !== undefined)
        return found;
    throw new UsageError(`${source}: "${value}" is not a backend (use one of ${BACKENDS.join(', ')})`);
};

;// CONCATENATED MODULE: ./src/config/time-spec.ts

const UNIT_MS = {
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
};
const RELATIVE = /^(\d+)([smhdw])$/;
const NEGATIVE_OR_ZERO = /^(-\d+|-?0+)[smhdw]$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// Date-time with an optional zone; without one we read it as UTC, because tokf stores UTC.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/i;
/** A duration such as `90m`, `24h` or `7d` in milliseconds. */
function parseDuration(value, flag) {
    const text = value.trim();
    // A number with a unit is a duration, only not one that can be used: say so in range terms.
    if (NEGATIVE_OR_ZERO.test(text)) {
        throw new UsageError(`${flag}: ${text} is out of range; it takes a duration longer than zero (such as 90m, 1h, 7d)`);
    }
    const m = RELATIVE.exec(text);
    if (m === null) {
        throw new UsageError(`${flag}: "${value}" is not a duration (such as 90m, 1h, 7d)`);
    }
    return Number(m[1]) * UNIT_MS[m[2]];
}
/**
 * Turns a `--since`/`--until` value into epoch milliseconds: an ISO 8601 date (midnight UTC), an
 * ISO 8601 date-time (UTC when it has no zone), or a duration back from `now` such as `90m`,
 * `24h`, `7d` (also `s` and `w`; `-7d` means the same).
 */
function parseTimeSpec(value, flag, now) {
    // A minus changes nothing: `-7d` is 7 days ago too, as `date -d -7days` reads it.
    const text = value.trim().replace(/^-(?=\d+[smhdw]$)/, '');
    if (RELATIVE.test(text))
        return now - parseDuration(text, flag);
    let iso;
    if (DATE_ONLY.test(text)) {
        iso = `${text}T00:00:00Z`;
    }
    else {
        const m = DATE_TIME.exec(text);
        if (m)
            iso = `${m[1]}T${m[2]}${normaliseZone(m[3])}`;
    }
    const ms = iso === undefined ? NaN : Date.parse(iso);
    if (Number.isNaN(ms) || !sameCalendarDate(text, ms, iso)) {
        throw new UsageError(`${flag}: "${value}" is not a date (2026-03-05), a date-time (2026-03-05T10:22:13Z) or a duration (90m, 24h, 7d)`);
    }
    return ms;
}
function normaliseZone(zone) {
    if (zone === undefined || zone.toUpperCase() === 'Z')
        return 'Z';
    return zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
}
// Date.parse rolls 2026-02-31 over into March; a date the user mistyped must be an error instead.
function sameCalendarDate(text, ms, iso) {
    if (iso === undefined || !iso.endsWith('Z'))
        return true;
    return new Date(ms).toISOString().slice(0, 10) === text.slice(0, 10);
}

;// CONCATENATED MODULE: ./src/config/vocabulary.ts
/**
 * The words the configuration is written in: what is sent, how, and where to. Only names and
 * shapes live here, no logic, and this file imports nothing, so that every config module (and
 * every folder after it) can share them without importing a module that also holds logic, which
 * is how circles between the config files came about.
 */
/** Every signal, in the order a run sends them and lists them: metrics, logs, traces. */
const vocabulary_SIGNALS = ['metrics', 'logs', 'traces'];

;// CONCATENATED MODULE: ./src/config/parsers.ts



const parseProtocol = (text, source) => {
    const value = text.trim();
    const lower = value.toLowerCase();
    if (lower === 'http/protobuf' || lower === 'http/json')
        return lower;
    if (lower === 'grpc') {
        throw new UsageError(`${source}: gRPC is not supported; use http/protobuf or http/json against the endpoint's OTLP/HTTP port (usually 4318)`);
    }
    throw new UsageError(`${source}: "${value}" is not a protocol (use http/protobuf or http/json)`);
};
const parseCompression = (text, source) => {
    const value = text.trim();
    const lower = value.toLowerCase();
    if (lower === 'gzip' || lower === 'none')
        return lower;
    throw new UsageError(`${source}: "${value}" is not a compression (use gzip or none)`);
};
function wholeNumber(min, max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`;
    return (text, source) => {
        const trimmed = text.trim();
        // A negative whole number is a number out of range, not "not a number".
        if (!/^-?\d+$/.test(trimmed)) {
            throw new UsageError(`${source}: "${text}" is not a whole number`);
        }
        const value = Number(trimmed);
        if (value < min || value > max) {
            throw new UsageError(`${source}: ${trimmed} is out of range; it takes a whole number ${range}`);
        }
        return value;
    };
}
/** The same parser, with the unit its number is in named in its errors. */
function withUnit(unit, parser) {
    return (text, source, now) => parser(text, `${source} (${unit})`, now);
}
/** Paths are taken as written: a directory name may begin or end with a space. */
const asWritten = (text) => text;
/**
 * Temporality, as the OpenTelemetry SDK reads OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE:
 * `lowmemory` means delta for counters and histograms, which is all tokf has.
 */
const parseTemporality = (text, source) => {
    const value = text.trim();
    const lower = value.toLowerCase();
    if (lower === 'delta' || lower === 'cumulative')
        return lower;
    if (lower === 'lowmemory')
        return 'delta';
    throw new UsageError(`${source}: "${value}" is not a temporality (use delta or cumulative)`);
};
/** A duration, or `none` for no limit at all, which lifts the limit a backend preset sets. */
const durationOrNone = (text, source) => {
    if (text.trim().toLowerCase() === 'none')
        return null;
    // A number and a unit is a duration: parseDuration says what is wrong with it (out of range).
    if (/^-?\d+[smhdw]$/.test(text.trim()))
        return parseDuration(text, source);
    throw new UsageError(`${source}: "${text}" is not a duration (such as 90m, 1h, 7d) or none`);
};
/** What to do with the rows of tokf's built-in commands: send them, or skip them as live export does. */
const parseBuiltins = (text, source) => {
    const value = text.trim();
    const lower = value.toLowerCase();
    if (lower === 'send' || lower === 'skip')
        return lower;
    throw new UsageError(`${source}: "${value}" is not send or skip`);
};
/**
 * The signals to send each event as, a comma-separated list of metrics, logs and traces; always
 * in that order, whatever the order given, each once.
 */
const parseSignals = (text, source) => {
    const given = text
        .split(',')
        .map((w) => w.trim().toLowerCase())
        .filter((w) => w !== '');
    const unknown = given.filter((w) => !vocabulary_SIGNALS.includes(w));
    if (unknown.length > 0)
        throw new UsageError(`${source}: "${unknown[0]}" is not a signal (use metrics, logs, traces)`);
    if (given.length === 0)
        throw new UsageError(`${source}: name at least one signal`);
    return vocabulary_SIGNALS.filter((s) => given.includes(s));
};

;// CONCATENATED MODULE: ./src/config/tls.ts



const CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/**
 * A file of PEM certificates, read now so that a wrong path is a usage error before anything is
 * sent, rather than a failed handshake after the database was opened.
 */
const readCertificateFile = (path, source) => {
    const pem = readPem(path, source);
    if (!CERTIFICATE.test(pem)) {
        throw new UsageError(`${source}: "${path}" holds no PEM certificate (a "-----BEGIN CERTIFICATE-----" block)`);
    }
    try {
        new external_node_crypto_.X509Certificate(pem);
    }
    catch {
        throw new UsageError(`${source}: the certificate in "${path}" cannot be read`);
    }
    return pem;
};
/** A PEM private key file; one with a passphrase cannot be used, as nothing could unlock it. */
const readKeyFile = (path, source) => {
    const pem = readPem(path, source);
    if (!PRIVATE_KEY.test(pem)) {
        throw new UsageError(`${source}: "${path}" holds no PEM private key (a "-----BEGIN PRIVATE KEY-----" block)`);
    }
    if (/ENCRYPTED/.test(pem)) {
        throw new UsageError(`${source}: the key in "${path}" is protected by a passphrase; give an unencrypted copy (openssl pkey -in KEY -out PLAIN)`);
    }
    try {
        (0,external_node_crypto_.createPrivateKey)(pem);
    }
    catch {
        throw new UsageError(`${source}: the private key in "${path}" cannot be read`);
    }
    return pem;
};
/** Whether a PEM file also holds a private key, as a combined certificate-and-key file does. */
function holdsPrivateKey(pem) {
    return PRIVATE_KEY.test(pem);
}
/** Whether the key is the one the certificate (the first in the file) was issued for. */
function keyFits(certificatePem, keyPem) {
    return new external_node_crypto_.X509Certificate(certificatePem).checkPrivateKey((0,external_node_crypto_.createPrivateKey)(keyPem));
}
function readPem(path, source) {
    try {
        return (0,external_node_fs_.readFileSync)(path, 'utf8');
    }
    catch (err) {
        const code = err.code;
        const why = code === 'ENOENT'
            ? 'no such file'
            : code === 'EACCES' || code === 'EPERM'
                ? 'permission denied'
                : code === 'EISDIR'
                    ? 'it is a directory'
                    : (code ?? 'unreadable');
        throw new UsageError(`${source}: cannot read "${path}": ${why}`);
    }
}

;// CONCATENATED MODULE: ./src/config/settings.ts




/** The groups of `sync --help`, in the order it shows them. */
const SECTIONS = (/* unused pure expression or super */ null && (['Source', 'Endpoint', 'Resource', 'Output']));
// Collectors accept 20 MiB by default and most vendors 4-5 MiB; stay under the smaller figure.
const DEFAULT_MAX_REQUEST_BYTES = 3 * 1024 * 1024;
const MAX_BATCH_SIZE = 100_000;
const MAX_REQUEST_MIB = DEFAULT_MAX_REQUEST_BYTES / (1024 * 1024);
/** The engine's settings: the one place their names, defaults and docs are written. */
const SETTINGS = {
    db: {
        flag: 'db',
        value: 'PATH',
        type: 'string',
        input: 'database-path',
        env: ['TOKF_DB_PATH', 'TOKF_HOME', 'XDG_DATA_HOME'],
        defaultText: "tokf's own rules",
        section: 'Source',
        help: 'tracking database',
        meaning: 'the tracking database (where tokf keeps it: below)',
    },
    since: {
        flag: 'since',
        value: 'T',
        type: 'string',
        input: 'since',
        env: [],
        parse: parseTimeSpec,
        section: 'Source',
        help: 'only events at or after T (inclusive); T is a date (2026-03-05), a date-time (2026-03-05T10:22:13Z; UTC when no zone is given) or a duration back from now (90m, 24h, 7d; -7d means the same)',
        meaning: 'only events at or after T: a date `2026-03-05`, a date-time `2026-03-05T10:22:13Z` (UTC when no zone is given), or a duration back from now: `90m`, `24h`, `7d` (also `s`, `w`; `-7d` means the same)',
    },
    until: {
        flag: 'until',
        value: 'T',
        type: 'string',
        input: 'until',
        env: [],
        parse: parseTimeSpec,
        section: 'Source',
        help: 'only events before T (exclusive), T as for --since',
        meaning: 'only events before T (exclusive), T as for `--since`',
    },
    limit: {
        flag: 'limit',
        value: 'N',
        type: 'string',
        input: 'limit',
        env: [],
        parse: wholeNumber(1, Number.MAX_SAFE_INTEGER),
        section: 'Source',
        help: 'send at most the first N pending events in id order',
        meaning: 'send the first N pending events in id order',
    },
    maxAge: {
        flag: 'max-age',
        value: 'D',
        type: 'string',
        input: 'max-age',
        env: [],
        parse: durationOrNone,
        section: 'Source',
        help: 'do not send events older than D (90m, 1h, 7d), to match a backend that refuses or drops old points; they go to the OTLP/JSON file only (and, with one, are set aside so later runs do not export them again); --backend may set it, none lifts it',
        meaning: 'do not send events older than D (`90m`, `1h`, `7d`): they go to the OTLP/JSON file only; `--backend` may set it (below), `none` lifts it',
    },
    retryRejected: {
        flag: 'retry-rejected',
        type: 'boolean',
        input: 'retry-rejected',
        env: [],
        section: 'Source',
        help: 'send again the events earlier runs set aside as rejected',
        meaning: 'send again the events earlier runs set aside as rejected',
    },
    builtins: {
        flag: 'builtins',
        value: 'B',
        type: 'string',
        input: 'builtins',
        env: ['TELEMETRY_SYNC_BUILTINS'],
        parse: parseBuiltins,
        default: 'send',
        section: 'Source',
        help: "the rows of tokf's built-in commands (tokf err, test, summary; filter _builtin/...), which tokf's live export never sends: send (they count in tokf gain) or skip (recorded as done without being sent, as live export leaves them out; a later send run does not go back for them)",
        meaning: "the rows of `tokf err`, `tokf test` and `tokf summary` (filter `_builtin/...`), which tokf's live export never sends: `send` them, or `skip` them as live export does ([Built-in commands](#built-in-commands))",
    },
    signals: {
        flag: 'signals',
        value: 'LIST',
        type: 'string',
        input: 'signals',
        env: ['TELEMETRY_SYNC_SIGNALS'],
        parse: parseSignals,
        default: 'metrics',
        section: 'Source',
        help: 'what each event is sent as: metrics, logs (one record per invocation), traces (one span per invocation), comma-separated; each to its own path (v1/logs, v1/traces) with its own progress',
        meaning: 'what each event is sent as, comma-separated: `metrics`, `logs` (one record per invocation), `traces` (one span per invocation); each signal goes to its own path and keeps its own progress ([Logs and spans](#logs-and-spans))',
    },
    endpoint: {
        flag: 'endpoint',
        value: 'URL',
        type: 'string',
        input: 'endpoint',
        env: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'],
        section: 'Endpoint',
        help: 'OTLP/HTTP base URL (http:// or https://); the --backend path and v1/metrics are appended, also to OTEL_EXPORTER_OTLP_ENDPOINT, unless the URL already ends in /v1/metrics (the METRICS variable is used as is)',
        meaning: 'OTLP/HTTP base URL (`http://` or `https://`); the `--backend` path and `v1/metrics` are appended, also to `OTEL_EXPORTER_OTLP_ENDPOINT`, unless it already ends in `/v1/metrics` (`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` is used as is)',
    },
    metricsEndpoint: {
        flag: 'metrics-endpoint',
        value: 'URL',
        type: 'string',
        input: 'metrics-endpoint',
        env: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'],
        section: 'Endpoint',
        help: 'the full metrics URL, used as is (nothing appended); beats --endpoint',
        meaning: 'the full metrics URL, used as is (nothing appended); beats `--endpoint`',
    },
    backend: {
        flag: 'backend',
        value: 'B',
        type: 'string',
        input: 'backend',
        env: [],
        parse: parseBackend,
        default: 'otlp',
        section: 'Endpoint',
        help: `what the endpoint is, for the URL path, temporality and age limit it needs: ${describePresets()}; otlp changes nothing; flags and variables still win`,
        meaning: `${BACKENDS.map((b) => `\`${b}\``).join(', ')}: sets the path appended to the base URL, the default temporality and the default \`--max-age\` ([Backends](#backends))`,
    },
    headers: {
        flag: 'headers',
        value: 'k=v,...',
        type: 'string',
        input: 'headers',
        env: ['OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS'],
        section: 'Endpoint',
        help: 'request headers, separated by commas or line breaks, values percent-decoded; merged by name with the variables, the flag first',
        meaning: 'request headers, separated by commas or line breaks, values percent-decoded; merged by name with the variables, the flag first',
    },
    certificate: {
        flag: 'certificate',
        value: 'PATH',
        type: 'string',
        env: ['OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CERTIFICATE'],
        parse: readCertificateFile,
        section: 'Endpoint',
        help: "PEM file of the CA (or self-signed certificate) to trust for an https endpoint, besides the system's",
        meaning: "PEM file of the CA (or self-signed certificate) to trust for an `https` endpoint, besides the system's",
    },
    clientCertificate: {
        flag: 'client-certificate',
        value: 'PATH',
        type: 'string',
        env: ['OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE'],
        parse: readCertificateFile,
        section: 'Endpoint',
        help: 'PEM file of the client certificate for mutual TLS (with --client-key, unless the file holds the key too)',
        meaning: 'PEM file of the client certificate for mutual TLS (with `--client-key`, unless the file holds the key too)',
    },
    clientKey: {
        flag: 'client-key',
        value: 'PATH',
        type: 'string',
        env: ['OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY', 'OTEL_EXPORTER_OTLP_CLIENT_KEY'],
        parse: readKeyFile,
        section: 'Endpoint',
        help: "PEM file of the client certificate's private key, unencrypted",
        meaning: "PEM file of the client certificate's private key, unencrypted",
    },
    protocol: {
        flag: 'protocol',
        value: 'P',
        type: 'string',
        input: 'protocol',
        env: ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
        parse: parseProtocol,
        default: 'http/protobuf',
        section: 'Endpoint',
        help: 'http/protobuf or http/json; gRPC is not supported',
        meaning: '`http/protobuf` or `http/json`; `grpc` is refused',
    },
    compression: {
        flag: 'compression',
        value: 'C',
        type: 'string',
        input: 'compression',
        env: ['OTEL_EXPORTER_OTLP_METRICS_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION'],
        parse: parseCompression,
        default: 'gzip',
        section: 'Endpoint',
        help: 'gzip or none',
        meaning: '`gzip` or `none`',
    },
    timeout: {
        flag: 'timeout',
        value: 'MS',
        type: 'string',
        input: 'timeout',
        env: ['OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
        // The variables are in milliseconds too; the unit in the error tells a user who wrote "10s".
        parse: withUnit('milliseconds', wholeNumber(1, 600_000)),
        default: 10_000,
        section: 'Endpoint',
        help: 'per attempt, in milliseconds',
        meaning: 'per attempt, in milliseconds',
    },
    retryBudget: {
        flag: 'retry-budget',
        value: 'D',
        type: 'string',
        input: 'retry-budget',
        env: [],
        parse: parseDuration,
        default: 120_000,
        defaultText: '120s',
        section: 'Endpoint',
        help: 'how long one request may keep retrying transient failures (429, 502-504, dropped connections, timeouts), waits included (30s, 2m, 1h)',
        meaning: 'how long one request may keep retrying transient failures (429, 502-504, dropped connections, timeouts), waits included',
    },
    temporality: {
        flag: 'temporality',
        value: 'T',
        type: 'string',
        input: 'temporality',
        env: ['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'],
        parse: parseTemporality,
        default: 'delta',
        section: 'Endpoint',
        help: "delta (each point counts its own events, as tokf's live exporter sends) or cumulative (running totals per series, kept in the database across runs; what Prometheus and Mimir take); lowmemory means delta; --backend may change the default",
        meaning: "`delta` (each point counts its own events, as tokf's live exporter sends) or `cumulative` (running totals per series, kept in the database across runs: what Prometheus and Mimir take); `lowmemory` means delta; `--backend` may change the default",
    },
    batchSize: {
        flag: 'batch-size',
        value: 'N',
        type: 'string',
        input: 'batch-size',
        env: [],
        parse: wholeNumber(1, MAX_BATCH_SIZE),
        default: 2000,
        section: 'Endpoint',
        help: `events per request (1 to ${MAX_BATCH_SIZE}); a request is also split to stay under ${MAX_REQUEST_MIB} MiB`,
        meaning: `events per request (1 to ${MAX_BATCH_SIZE}); a request is also split to stay under ${MAX_REQUEST_MIB} MiB`,
    },
    maxConsecutiveFailures: {
        flag: 'max-consecutive-failures',
        value: 'N',
        type: 'string',
        input: 'max-consecutive-failures',
        env: [],
        parse: wholeNumber(1, 1_000_000),
        default: 5,
        section: 'Endpoint',
        help: 'circuit breaker: stop sending after N events in a row were refused; the rest stay pending',
        meaning: 'circuit breaker: stop sending after N events in a row were refused',
    },
    serviceName: {
        flag: 'service-name',
        value: 'NAME',
        type: 'string',
        input: 'service-name',
        env: ['OTEL_RESOURCE_ATTRIBUTES'],
        defaultText: "tokf's own rules",
        section: 'Resource',
        help: "resource service.name; else service.name in --resource-attributes; else as tokf's live export names it: service.name in OTEL_RESOURCE_ATTRIBUTES (as written, the first one), else service_name in the [telemetry] table of tokf's config.toml ($TOKF_HOME/config.toml, else ~/.config/tokf/config.toml), else tokf; OTEL_SERVICE_NAME is not read, as tokf does not read it",
        meaning: "resource `service.name`; else `service.name` in `--resource-attributes`; else as tokf's live export names it ([Resource](#resource)): `service.name` in the variable, else `service_name` in `[telemetry]` of tokf's `config.toml`, else `tokf`. `OTEL_SERVICE_NAME` is not read, as tokf does not read it",
    },
    serviceVersion: {
        flag: 'service-version',
        value: 'V',
        type: 'string',
        input: 'service-version',
        env: [],
        section: 'Resource',
        help: "resource service.version (else service.version in --resource-attributes); none by default: tokf's live export sends its own version, which its rows do not record",
        meaning: "resource `service.version` (else `service.version` in `--resource-attributes`); none by default: tokf's live export sends its own version, which the rows do not record ([Resource](#resource))",
    },
    resourceAttributes: {
        flag: 'resource-attributes',
        value: 'k=v,...',
        type: 'string',
        input: 'resource-attributes',
        env: ['OTEL_RESOURCE_ATTRIBUTES'],
        section: 'Resource',
        help: "more resource attributes, values percent-decoded; they replace the variable's by key; of the variable, service.namespace, service.instance.id and service.version are not taken (tokf's live export never sends them, so they would make other series)",
        meaning: "more resource attributes, values percent-decoded; they replace the variable's by key. Of the variable, `service.namespace`, `service.instance.id` and `service.version` are not taken: tokf's live export never sends them",
    },
    otlpJsonOut: {
        flag: 'otlp-json-out',
        value: 'DIR',
        type: 'string',
        env: [],
        parse: asWritten,
        section: 'Output',
        help: 'also write what was sent (or would be) to DIR/metrics.jsonl as OTLP JSON Lines (logs.jsonl, traces.jsonl for --signals logs, traces), and refused events to DIR/rejected-metrics.jsonl (and so on); with no endpoint these files are the whole job and nothing is marked delivered',
        meaning: 'also write `DIR/metrics.jsonl` (below; `logs.jsonl`, `traces.jsonl` for those signals)',
    },
    openmetricsOut: {
        flag: 'openmetrics-out',
        value: 'DIR',
        type: 'string',
        env: [],
        parse: asWritten,
        section: 'Output',
        help: 'also write DIR/metrics.om: OpenMetrics text of the selected events as cumulative series named as Prometheus names OTLP metrics, for promtool tsdb create-blocks-from openmetrics (a backfill of what Prometheus refuses as too old)',
        meaning: 'also write `DIR/metrics.om`, an OpenMetrics backfill for Prometheus-family backends (below)',
    },
    dryRun: {
        flag: 'dry-run',
        type: 'boolean',
        input: 'dry-run',
        env: [],
        section: 'Output',
        help: 'report what would be sent; send nothing, open the database read-only',
        meaning: 'report what would be sent; send nothing; the database is opened read-only',
    },
};
const SETTING_KEYS = Object.keys(SETTINGS);
/** One setting, seen through the common shape (where every field may be asked for). */
const specOf = (key) => SETTINGS[key];
const flagLabel = (key) => `--${SETTINGS[key].flag}`;
/**
 * The settings an entry point was given, from one reader per setting (a flag's value, an input's
 * text). A value of the wrong kind for its setting is left out rather than passed on.
 */
function settingsFrom(read) {
    const settings = {};
    for (const key of SETTING_KEYS) {
        const spec = specOf(key);
        const value = read(spec);
        if (value !== undefined && typeof value === spec.type)
            settings[key] = value;
    }
    return settings;
}
/** The flag as the docs write it: `--batch-size N`. */
function flagUsage(doc) {
    return doc.value === undefined ? `--${doc.flag}` : `--${doc.flag} ${doc.value}`;
}
/** The default as the docs show it, or undefined for none (a switch is off). */
function shownDefault(spec) {
    return spec.defaultText ?? (spec.default === undefined ? undefined : String(spec.default));
}

;// CONCATENATED MODULE: ./src/config/endpoint.ts






// RFC 9110 token: what a header name may contain.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * The metrics endpoint by the OpenTelemetry rules: a base URL (flag or OTEL_EXPORTER_OTLP_ENDPOINT)
 * gets the backend's path and `v1/metrics` appended, a metrics URL (--metrics-endpoint or
 * OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) is used as is, and flags beat variables. One rule of ours
 * on top: a base URL that already ends in `/v1/metrics` is taken for the metrics URL it plainly
 * is, since appending would only make a path that answers 404. Headers merge general, then
 * per-signal, then flag values. For `signal` logs or traces (a replay of OTLP JSON Lines files),
 * the same rules with that signal's path and OTEL_EXPORTER_OTLP_<SIGNAL>_* variables. `command`
 * says whose settings the advice for a wrong endpoint may name (replay has no --backend).
 */
function resolveEndpoint(settings, env, label = flagLabel, backendPath = '', signal = 'metrics', command = 'sync') {
    const signalVariable = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`;
    let url;
    if (signal === 'metrics' && given(settings.metricsEndpoint)) {
        url = parseUrl(settings.metricsEndpoint, label('metricsEndpoint'));
    }
    else if (given(settings.endpoint)) {
        url = withSignalPath(parseUrl(settings.endpoint, label('endpoint')), backendPath, signal);
    }
    else if (given(env[signalVariable])) {
        url = parseUrl(env[signalVariable], signalVariable);
    }
    else if (given(env.OTEL_EXPORTER_OTLP_ENDPOINT)) {
        url = withSignalPath(parseUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'OTEL_EXPORTER_OTLP_ENDPOINT'), backendPath, signal);
    }
    const headers = resolveHeaders(settings, env, label, signal);
    if (url === undefined)
        return undefined;
    const secrets = Object.values(headers).filter((v) => v !== '');
    // Credentials in a URL are Basic auth, which is how they are sent: as a header, so that the URL
    // shown in reports and logs never carries them.
    if (url.username !== '' || url.password !== '') {
        const user = decodeURIComponent(url.username);
        const password = decodeURIComponent(url.password);
        secrets.push(...[url.username, url.password, user, password].filter((v) => v !== ''));
        if (!hasHeader(headers, 'authorization')) {
            const basic = Buffer.from(`${user}:${password}`).toString('base64');
            headers.Authorization = `Basic ${basic}`;
            secrets.push(basic);
        }
        url.username = '';
        url.password = '';
    }
    // A query string is where some vendors put API keys.
    for (const value of url.searchParams.values())
        if (value !== '')
            secrets.push(value);
    const proxies = readProxySettings(env);
    secrets.push(...proxySecrets(proxies));
    const hasOwnSetting = settingOf(label);
    const advice = endpointAdvice(url, signal, {
        ...(command === 'sync' && { backend: label('backend') }),
        signalEndpoint: command === 'sync' && signal === 'metrics' ? label('metricsEndpoint') : signalVariable,
        endpoint: label('endpoint'),
        // The action has no inputs for the TLS files, only the variables.
        ...(hasOwnSetting('certificate') && { certificate: label('certificate') }),
        ...(hasOwnSetting('clientCertificate') && { clientCertificate: label('clientCertificate') }),
        ...(hasOwnSetting('clientKey') && { clientKey: label('clientKey') }),
    });
    return {
        url: url.toString(),
        headers,
        // With the forms in which an endpoint may echo them back (base64, percent-encoded...).
        secrets: secretForms(secrets),
        advice,
        ...(proxies !== undefined && { proxies }),
    };
}
function resolveHeaders(settings, env, label, signal) {
    const merged = new Map();
    const signalVariable = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_HEADERS`;
    const layers = [
        [env.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS'],
        [env[signalVariable], signalVariable],
        [settings.headers, label('headers')],
    ];
    for (const [text, source] of layers) {
        if (!given(text))
            continue;
        for (const [name, value] of parseKeyValueList(text, source)) {
            if (!HEADER_NAME.test(name)) {
                throw new UsageError(`${source}: "${name}" is not a valid HTTP header name`);
            }
            checkHeaderValue(value, name, source);
            // Header names are case-insensitive: a later layer replaces an earlier one whatever its case.
            merged.set(name.toLowerCase(), [name, value]);
        }
    }
    return Object.fromEntries(merged.values());
}
/**
 * A field value as HTTP allows it (RFC 9110 5.5: visible characters, space and tab, and bytes
 * 0x80-0xFF), checked here so that a bad one fails at once with the header named, not every request
 * later. The value itself is never echoed: it may be a secret.
 */
function checkHeaderValue(value, name, source) {
    const bad = /[^\t\x20-\x7e\x80-\xff]/.exec(value);
    if (bad === null)
        return;
    const code = bad[0].codePointAt(0);
    const char = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    const what = code === 0x0a || code === 0x0d
        ? `a line break (${char})`
        : code < 0x20 || code === 0x7f
            ? `a control character (${char})`
            : `a character HTTP headers cannot carry (${char}, outside Latin-1)`;
    throw new UsageError(`${source}: the value of "${name}" contains ${what} at position ${bad.index + 1}; HTTP header values may hold only visible characters, spaces and tabs`);
}
/**
 * Whether the running command has a setting of its own for `key` besides the variables: every
 * flag is one, an action input only where the table names one.
 */
function settingOf(label) {
    return (key) => label === flagLabel || specOf(key).input !== undefined;
}
function hasHeader(headers, name) {
    return Object.keys(headers).some((k) => k.toLowerCase() === name);
}
// host:port with nothing before it, which URL would read as a scheme ("localhost:") and a path.
const HOST_PORT = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})(?=[/?#]|$)/;
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
function parseUrl(text, source) {
    const trimmed = text.trim();
    if (!HAS_SCHEME.test(trimmed)) {
        const hostPort = HOST_PORT.exec(trimmed);
        // Only a bare host and port is echoed: it cannot hold a credential, unlike the rest.
        if (hostPort !== null) {
            throw new UsageError(`${source}: "${hostPort[0]}" has no scheme; add http:// (or https:// for TLS): http://${hostPort[0]}`);
        }
        // user:password@host would otherwise parse with "user" for a scheme.
        if (trimmed.includes('@')) {
            throw new UsageError(`${source}: the URL has no scheme; start it with http:// or https://`);
        }
    }
    let url;
    try {
        url = new URL(trimmed);
    }
    catch {
        // The text is not echoed: it may carry a token.
        throw new UsageError(`${source}: not a valid URL (expected http://host:4318 or https://...)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new UsageError(`${source}: scheme "${url.protocol.replace(/:$/, '')}" is not supported; OTLP/HTTP needs http or https`);
    }
    return url;
}
/** The OTLP signals, each with its own path (`v1/metrics`, `v1/logs`, `v1/traces`). */
const SIGNAL_PATH = /\/v1\/(metrics|logs|traces)\/?$/;
/**
 * The base URL with the backend's path (unless the base ends in it already) and `/v1/<signal>`;
 * a URL that ends in `/v1/<signal>` is left alone, but for a trailing slash, which receivers
 * (Go's router among them) answer with 404. A URL that ends in another signal's path gets this
 * signal's path in its place (a replay of files sends every signal from one `--endpoint`).
 */
function withSignalPath(base, backendPath, signal) {
    const url = new URL(base.toString());
    let path = url.pathname.replace(/\/+$/, '');
    const ending = SIGNAL_PATH.exec(url.pathname);
    if (ending !== null) {
        url.pathname = ending[1] === signal ? path : path.replace(SIGNAL_PATH, `/v1/${signal}`);
        return url;
    }
    if (backendPath !== '' && !path.endsWith(backendPath))
        path += backendPath;
    url.pathname = `${path}/v1/${signal}`;
    return url;
}
function given(value) {
    return value !== undefined && value.trim() !== '';
}
/** The endpoint as it may be shown: scheme, host and path, never credentials or query. */
function displayEndpoint(url) {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
}

;// CONCATENATED MODULE: ./src/engine/run-result.ts


/** The result of a run, its status and exit code, with every secret redacted from messages. */
function runResult(f) {
    const { config, observed } = f;
    const selection = observed.selection;
    const stats = f.delivery;
    const delivered = stats?.deliveredEvents ?? 0;
    const errors = f.notices.errors;
    const warnings = [...f.notices.warnings, ...observed.clock.notices(), ...selectionNotices(f)];
    const allSent = delivered ===
        selection.selected -
            observed.tooOld -
            (stats?.tooOldForEndpoint ?? 0) -
            (stats?.behindEndpoint ?? 0) &&
        errors.length === 0 &&
        (stats?.refusedEvents ?? 0) === 0;
    const status = config.dryRun
        ? 'dry-run'
        : stats === undefined
            ? 'exported'
            : allSent
                ? 'delivered'
                : delivered > 0
                    ? 'partial'
                    : 'failed';
    // Too-old events are set aside only where a run records and a file holds them.
    const maxAgeSetAside = stats !== undefined && f.file !== undefined ? observed.tooOld : 0;
    const selectedSetAside = (stats?.refusedEvents ?? 0) +
        (stats?.tooOldForEndpoint ?? 0) +
        (stats?.behindEndpoint ?? 0) +
        maxAgeSetAside;
    const secrets = config.endpoint?.secrets ?? [];
    const clean = (n) => n.message === null ? n : { ...n, message: redact(n.message, secrets) };
    const result = {
        status,
        // A file-only export whose file could not be written did not do its job either.
        exitCode: status === 'partial' || status === 'failed' || (status === 'exported' && errors.length > 0)
            ? 1
            : 0,
        database: config.dbPath,
        progress: f.progressMode,
        endpoint: config.endpoint === undefined ? null : displayEndpoint(config.endpoint.url),
        protocol: config.protocol,
        compression: config.compression,
        dryRun: config.dryRun,
        selected: selection.selected,
        delivered,
        refusedEvents: stats?.refusedEvents ?? 0,
        alreadyHeld: stats?.alreadyHeld ?? 0,
        rejectedPoints: stats?.rejectedPoints ?? 0,
        selectedSetAside,
        selectedPending: status === 'dry-run' || status === 'exported'
            ? selection.selected
            : selection.selected - delivered - selectedSetAside,
        tooOld: observed.tooOld,
        tooOldForEndpoint: (stats?.tooOldForEndpoint ?? 0) + (stats?.tooOldUnsent ?? 0) + (stats?.behindEndpoint ?? 0),
        pending: f.counts.pending,
        pendingAtStart: f.pendingAtStart,
        setAside: f.counts.setAside,
        held: selection.held,
        skippedBuiltins: selection.skipped,
        service: { name: config.resource['service.name'] ?? '', from: config.serviceNameFrom },
        unreadable: selection.unreadable,
        exported: f.file?.events ?? 0,
        points: observed.points,
        firstEventTime: isoOf(selection.firstSeconds),
        lastEventTime: isoOf(selection.lastSeconds),
        requests: stats?.requests ?? 0,
        failedRequests: stats?.failedRequests ?? 0,
        retries: stats?.retries ?? 0,
        bytesSent: stats?.bytesSent ?? 0,
        bytesEncoded: observed.bytesEncoded,
        durationMs: f.durationMs,
        recordMs: Math.round(f.recordMs),
        otlpJsonFile: f.file !== undefined && f.file.events > 0 ? f.file.path : null,
        rejectedFile: f.refusedFile !== undefined && f.refusedFile.events > 0 ? f.refusedFile.path : null,
        openmetricsFile: f.backfillFile !== undefined && f.backfillFile.events > 0 ? f.backfillFile.path : null,
        savedBy: f.savedBy,
        savedByProgram: f.savedByProgram,
        tokens: { ...observed.tokens },
        deliveredTokens: { ...observed.deliveredTokens },
        daily: observed.daily.list(),
        interrupted: f.interrupted,
        signals: [],
        clock: observed.clock.report,
        errors: errors.map(clean),
        warnings: warnings.map(clean),
    };
    return { ...result, run: syncRunSummary(result) };
}
function selectionNotices(f) {
    const { selection } = f.observed;
    const out = [];
    if (selection.unreadable > 0) {
        out.push({
            kind: 'unreadable-time',
            count: selection.unreadable,
            firstId: null,
            message: null,
            setAside: f.delivery !== undefined,
        });
    }
    if (selection.skippedRejected > 0 && !f.config.retryRejected) {
        out.push({
            kind: 'skipped-rejected',
            count: selection.skippedRejected,
            firstId: null,
            message: null,
        });
    }
    return out;
}
function isoOf(seconds) {
    return seconds === undefined
        ? null
        : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
/**
 * A sync's run: the figures of its result's top level (the first signal's, metrics unless
 * --signals says otherwise), as the run log has always recorded them.
 */
function syncRunSummary(r) {
    return {
        command: 'sync',
        status: r.status,
        exitCode: r.exitCode,
        interrupted: r.interrupted,
        durationMs: r.durationMs,
        unit: 'event',
        endpoint: r.endpoint,
        selected: r.selected,
        delivered: r.delivered,
        setAside: r.selectedSetAside,
        pending: r.pending,
        requests: r.requests,
        retries: r.retries,
        bytesSent: r.bytesSent,
    };
}

;// CONCATENATED MODULE: ./src/engine/selection.ts
/**
 * The pending events this run sends: inside [since, until), the first `limit` of them in id
 * order. Rows left out break the chain of covered ids (see TokfEvent.coverFrom), so they stay
 * pending for a later run.
 */
function* selectEvents(events, options, tally) {
    const { since, until, limit, rejected, onUnreadable, skip, onSkipped, hold } = options;
    for (const e of events) {
        if (limit !== undefined && tally.selected >= limit)
            return;
        if (rejected?.has(e.id)) {
            tally.skippedRejected += 1;
            continue;
        }
        if (e.epochSeconds === undefined) {
            tally.unreadable += 1;
            onUnreadable?.(e);
            continue;
        }
        const ms = e.epochSeconds * 1000;
        if ((since !== undefined && ms < since) || (until !== undefined && ms >= until))
            continue;
        if (skip?.(e) === true) {
            tally.skipped += 1;
            onSkipped?.(e);
            continue;
        }
        if (hold !== undefined && e.epochSeconds >= hold.from && e.epochSeconds <= hold.to) {
            tally.held += 1;
            continue;
        }
        tally.selected += 1;
        tally.firstSeconds = Math.min(tally.firstSeconds ?? e.epochSeconds, e.epochSeconds);
        tally.lastSeconds = Math.max(tally.lastSeconds ?? e.epochSeconds, e.epochSeconds);
        yield e;
    }
}
/** A bound on how far a batch may grow past its size to keep one second's events together. */
const SAME_SECOND_SLACK = 4;
/**
 * Groups events into batches of `size`, except that a batch does not end inside a second (up to
 * SAME_SECOND_SLACK times its size): points are merged per series and second, and a second split
 * across two requests would give a backend two samples with the same timestamp.
 */
function* batchEvents(events, size) {
    let batch = [];
    for (const e of events) {
        const last = batch[batch.length - 1];
        const full = batch.length >= size;
        if (full &&
            (last?.epochSeconds !== e.epochSeconds || batch.length >= size * SAME_SECOND_SLACK)) {
            yield batch;
            batch = [];
        }
        batch.push(e);
    }
    if (batch.length > 0)
        yield batch;
}

;// CONCATENATED MODULE: ./src/engine/unfinished-seconds.ts



/**
 * Seconds held back for a later run: the current one and the one before, since tokf stamps an
 * event with the second it ended in and writes the row a moment later (measured with tokf 0.2.54:
 * holding 2 s gave no second sent twice while tokf wrote 300 rows during back-to-back syncs).
 */
const UNFINISHED_SECONDS = 2;
/**
 * The seconds not over yet at `nowMs`, and those up to the clock-skew tolerance ahead: events
 * stamped further ahead are a wrong clock (reported), not a second in progress, and are sent.
 */
function unfinishedSeconds(nowMs) {
    const now = Math.floor(nowMs / 1000);
    return { from: now - UNFINISHED_SECONDS + 1, to: now + FUTURE_TOLERANCE_S };
}
/**
 * A sync often runs right after tokf: rather than hold its newest events for the next run, wait
 * (at most UNFINISHED_SECONDS) for their second to be over. Only the newest row is looked at.
 * Returns how long it waited, in ms.
 */
async function letNewestSecondEnd(db, now, sleep = promises_.setTimeout) {
    let newest;
    try {
        const row = db.prepare('SELECT timestamp FROM events ORDER BY id DESC LIMIT 1').get();
        newest = tokf_event_parseEventTime(typeof row?.timestamp === 'string' ? row.timestamp : '');
    }
    catch {
        return 0; // the scan reports what is wrong with the database
    }
    if (newest === undefined)
        return 0;
    const { from, to } = unfinishedSeconds(now());
    if (newest < from || newest > to)
        return 0;
    const wait = (newest + UNFINISHED_SECONDS) * 1000 - now();
    if (wait <= 0 || wait > UNFINISHED_SECONDS * 1000)
        return 0;
    await sleep(wait + 50);
    return wait + 50;
}

;// CONCATENATED MODULE: ./src/engine/tokf-pass.ts


















/** Rows of the tokens-saved breakdown kept in the result. */
const SAVINGS_ROWS = 20;
/**
 * One pass over the pending events, in one direction:
 *   rows (source) -> selection -> batches -> requests (encode) -> pipeline -> Delivery
 *   (deliver: send, isolate refused events) -> ProgressRecorder (progress) -> result.
 * A batch is sent only after the one before it was acknowledged and recorded, while the next
 * batches are read, encoded and compressed. The whole selection also goes to the OTLP/JSON file,
 * including what was not sent.
 */
class TokfPass {
    config;
    harness;
    stores;
    sending;
    filesForLater;
    notices = new Notices();
    observed;
    recorder;
    /** Unreadable rows met while sending: set aside, as they can never be replayed. */
    unreadableIds = [];
    /** Events left out by `builtins: skip`, recorded as done. */
    skipped;
    encoder;
    ageLimits;
    /** For the progress display: about how many events the run selects (see estimateTotal). */
    total;
    /** Events the endpoint may hold unrecorded, and set-aside ones looked at again. */
    held;
    /** Events kept in the file, held until the caller keeps it (see FilesForLater). */
    heldForFile;
    constructor(config, harness, stores, 
    /** Whether this run sends and records (not a dry run, not a file-only export). */
    sending, 
    /** Where the caller keeps the OTLP/JSON files only later, if it does (see FilesForLater). */
    filesForLater) {
        this.config = config;
        this.harness = harness;
        this.stores = stores;
        this.sending = sending;
        this.filesForLater = filesForLater;
        const { deps } = harness;
        this.observed = new Observed(Math.floor(deps.now() / 1000));
        const { db, progress, deadLetters, lock, series, signal } = stores;
        if (sending)
            this.recorder = new ProgressRecorder(db, progress, deadLetters, lock, deps.now, series, stores.inFlight);
        if (sending)
            stores.inFlight.load();
        this.skipped = new SkippedEvents(this.recorder, this.notices);
        // Cumulative totals continue from what the database records as acknowledged.
        const ledger = sending && config.temporality === 'cumulative' ? series.load() : undefined;
        // A run that writes every event to an OTLP/JSON file (the action's artifact with `always`,
        // --otlp-json-out) is bound by that writing on this thread: an encoding thread cost it 15-20
        // MB of peak RSS and no time (the action's post step at 50k and 1M events). A spooled file
        // (`on-failure`) costs the thread little, and the thread is then worth its start.
        const writesEveryEvent = config.otlpJsonOut !== undefined && !(sending && filesForLater?.spool === true);
        const threads = writesEveryEvent ? noEncodingThread : undefined;
        this.encoder = new TokfEncoder(config, signal, db, deps.now, ledger, threads);
        this.held = new HeldEvents(stores.inFlight, deadLetters, this.encoder.cumulative);
        this.heldForFile = filesForLater?.heldFor(config.dbPath, signal);
        this.ageLimits = new AgeLimits({
            config,
            now: deps.now,
            notices: this.notices,
            observed: this.observed,
            recording: this.recorder !== undefined,
            setAside: (ids, reason, file) => this.setAside(ids, reason, file),
        });
    }
    async run(started) {
        const outputs = new PassOutputs(this.config, this.stores.signal, this.deps.now, this.filesForLater, this.sending, this.notices);
        const { files, backfill } = outputs;
        const exporter = this.recorder === undefined ? undefined : this.exporter();
        const delivery = exporter === undefined || this.recorder === undefined
            ? undefined
            : new Delivery({
                exporter,
                recorder: this.recorder,
                speculation: new Speculation({
                    encoder: this.encoder,
                    wireBody: (body) => exporter.wireBody(body),
                    encoded: (requests) => this.observed.encoded(requests),
                }),
                observed: this.observed,
                held: this.held,
                refusedFile: files?.refused,
                allFile: files?.all.path,
                heldForFile: this.heldForFile,
                notices: this.notices,
                breaker: this.harness.breaker(this.config.maxConsecutiveFailures),
                log: this.deps.log,
                progressed: () => this.reportProgress(delivery),
            });
        const { harness } = this;
        // Interrupted, or taken over by another sync: send nothing more (what it would record is the
        // other's now).
        const unwatch = harness.onStop(() => delivery?.stop());
        const pipeline = new OrderedPipeline();
        const pendingAtStart = this.countPending();
        this.total = harness.reportsProgress ? this.estimateTotal(pendingAtStart) : undefined;
        this.reportProgress(delivery);
        await letNewestSecondEnd(this.stores.db, this.deps.now, this.deps.sleep);
        try {
            for (const batch of batchEvents(this.selected(), this.config.batchSize)) {
                // Interrupted: the batches read so far are settled; nothing more is read. Nor once a
                // batch's job failed (the encoding thread died): none after it would be sent.
                if (harness.interrupted || this.lockLost() || pipeline.failed)
                    break;
                this.observed.batch(batch);
                outputs.write(batch);
                const fresh = this.ageLimits.fresh(batch, files?.all.path);
                // Without a sender, the requests are encoded only to report what would be sent (on the
                // encoding thread too, once a run has one, while the next batch is read). Cumulative
                // points (a signal without an endpoint in a run that sends) continue what was acknowledged.
                if (delivery === undefined) {
                    const { encoder } = this;
                    const encoding = Promise.resolve(encoder.cumulative ? encoder.encode(fresh) : encoder.encodeAhead(fresh));
                    encoding.catch(() => { });
                    await pipeline.push(async () => {
                        this.observed.encoded(await encoding);
                        this.reportProgress(undefined);
                    });
                }
                else
                    await pipeline.push(delivery.prepare(fresh));
            }
        }
        catch (err) {
            // A file that cannot be written, or a page that cannot be read (a damaged file), ends the
            // run; what was recorded stands.
            delivery?.stop();
            this.noteFailure(err);
        }
        finally {
            // Batches already handed to the sender finish (or stop) before anything is closed.
            const failure = await pipeline.drain();
            if (failure !== undefined)
                this.notices.error({ kind: 'unexpected', count: 0, message: errors_messageOf(failure) });
            delivery?.finish();
            this.skipped.record();
            outputs.close(this.recorder, (err) => this.noteFailure(err));
            this.encoder.close();
            unwatch();
        }
        const { interrupted } = harness;
        if (this.lockLost())
            this.noteInterruption(delivery, 'lock-lost', harness.lockLost);
        else if (interrupted)
            this.noteInterruption(delivery, 'interrupted');
        this.setAside(this.unreadableIds, 'the timestamp is not a time OTLP can carry (1970-01-01 to 2262-04-11, UTC), so the event cannot be replayed');
        return runResult({
            config: this.config,
            progressMode: this.stores.progress.hasRecords() ? this.stores.progress.mode : 'none',
            observed: this.observed,
            counts: this.countAfter(),
            pendingAtStart,
            delivery: delivery?.stats,
            recordMs: this.recorder?.recordMs ?? 0,
            notices: this.notices,
            file: files?.all,
            refusedFile: files?.refused,
            backfillFile: backfill,
            savedBy: this.observed.savings.top(SAVINGS_ROWS),
            savedByProgram: this.observed.savingsByProgram.top(SAVINGS_ROWS),
            durationMs: this.deps.now() - started,
            interrupted,
        });
    }
    get deps() {
        return this.harness.deps;
    }
    /** What ended the run early, in the words of its kind: an output file, or the database. */
    noteFailure(err) {
        if (err instanceof FileWriteError) {
            this.notices.error({
                kind: 'file-failed',
                count: 0,
                message: err.message,
                ...(err.file !== undefined && { file: err.file }),
            });
            return;
        }
        const failure = sqlite_failure_databaseFailure(err, this.config.dbPath, 'read the pending events', this.stores.db);
        const kind = failure instanceof DatabaseDamagedError ? 'database-damaged' : 'read-failed';
        this.notices.error({ kind, count: 0, message: errors_messageOf(failure) });
    }
    lockLost() {
        return this.harness.lockLost !== undefined;
    }
    /** The selected events an interruption (or a lock taken over) left pending, as one error. */
    noteInterruption(delivery, kind, message) {
        const s = delivery?.stats;
        const settled = s === undefined
            ? 0
            : s.deliveredEvents + s.refusedEvents + s.tooOldForEndpoint + this.observed.tooOld;
        this.notices.error({
            kind,
            count: Math.max(0, this.observed.selection.selected - settled),
            ...(message !== undefined && { message }),
        });
    }
    /**
     * For the progress display: about how many events the run will select, if that is cheap to know
     * (from the count of pending events the run started with).
     */
    estimateTotal(pendingAtStart) {
        const { config, stores } = this;
        if (config.since !== undefined || config.until !== undefined || config.fromId !== undefined)
            return undefined;
        if (pendingAtStart < 0)
            return undefined; // the scan reports what is wrong with the database
        try {
            const n = pendingAtStart + (config.retryRejected ? stores.deadLetters.count() : 0);
            return config.limit === undefined ? n : Math.min(n, config.limit);
        }
        catch {
            return undefined;
        }
    }
    reportProgress(delivery) {
        if (!this.harness.reportsProgress)
            return;
        const s = delivery?.stats;
        const done = s === undefined
            ? this.observed.selection.selected
            : s.deliveredEvents +
                s.refusedEvents +
                s.tooOldForEndpoint +
                s.tooOldUnsent +
                this.observed.tooOld;
        this.harness.progress({
            kind: 'events',
            done,
            delivered: s?.deliveredEvents ?? 0,
            total: this.total === undefined ? undefined : Math.max(this.total, done),
            sending: s !== undefined,
        });
    }
    selected() {
        const { stores, config } = this;
        const pending = scanPending(stores.db, (lo, hi) => stores.progress.pendingScan(Math.max(lo, config.fromId ?? lo), hi), stores.columns);
        return selectEvents(pending, {
            ...config,
            ...(!config.retryRejected && { rejected: this.held.stillRejected() }),
            ...(this.sending && { onUnreadable: (e) => this.unreadableIds.push(e.id) }),
            ...(config.builtins === 'skip' && {
                skip: isBuiltinCommand,
                onSkipped: (e) => this.skipped.skip(e),
            }),
            hold: unfinishedSeconds(this.deps.now()),
        }, this.observed.selection);
    }
    /** A redirect followed: a note of the run, so that every hop can be seen. */
    redirected(line) {
        this.notices.warning({ kind: 'redirected', count: 1, message: line });
        this.deps.log(line);
    }
    setAside(ids, reason, file) {
        if (this.recorder === undefined || ids.length === 0)
            return;
        if (file !== undefined && this.heldForFile !== undefined) {
            this.heldForFile.hold(ids, { reason, status: null, file });
            return;
        }
        try {
            this.recorder.setAside(ids, { reason, status: null, ...(file !== undefined && { file }) });
        }
        catch (err) {
            if (err instanceof LockLostError)
                return; // said once, as lock-lost
            this.notices.error({
                kind: 'set-aside-failed',
                count: ids.length,
                firstId: ids[0],
                message: errors_messageOf(err),
            });
        }
    }
    exporter() {
        const { config } = this;
        if (config.endpoint === undefined)
            return undefined;
        return this.harness.exporter({
            endpoint: config.endpoint,
            protocol: config.protocol,
            compression: config.compression,
            timeoutMs: config.timeoutMs,
            retryBudgetMs: config.retryBudgetMs,
            otlpSignal: this.stores.signal,
            onRedirect: (line) => this.redirected(line),
        });
    }
    /** Pending in the database now, as countAfter counts it; -1 if counting failed (said there). */
    countPending() {
        const { progress, deadLetters } = this.stores;
        try {
            return Math.max(0, progress.countPending() - deadLetters.count());
        }
        catch {
            return -1;
        }
    }
    /** Pending and set-aside events of the whole database after the run. */
    countAfter() {
        const { progress, deadLetters } = this.stores;
        try {
            const setAside = deadLetters.count();
            return { pending: Math.max(0, progress.countPending() - setAside), setAside };
        }
        catch (err) {
            // Counting reads the whole table; in a damaged file that may fail after the run did its work.
            const failure = sqlite_failure_databaseFailure(err, this.config.dbPath, 'count the pending events', this.stores.db);
            this.notices.error({ kind: 'count-failed', count: 0, message: errors_messageOf(failure) });
            return { pending: -1, setAside: -1 };
        }
    }
}

;// CONCATENATED MODULE: ./src/engine/combined-status.ts
/**
 * The status of several runs taken as one (the signals of a sync; the action's database and a
 * restored copy beside it), whatever their order: a dry run if any was one (it sent nothing),
 * exported if every run only wrote its file, failed if every run failed, partial if any failed
 * or was partial, delivered otherwise.
 */
function combinedStatus(statuses) {
    if (statuses.length === 0)
        throw new Error('a status combines at least one run');
    if (statuses.includes('dry-run'))
        return 'dry-run';
    if (statuses.every((s) => s === 'exported'))
        return 'exported';
    if (statuses.every((s) => s === 'failed'))
        return 'failed';
    if (statuses.some((s) => s === 'failed' || s === 'partial'))
        return 'partial';
    return 'delivered';
}

;// CONCATENATED MODULE: ./src/engine/signal-results.ts


/** A signal's own figures, from the result of its replay. */
function summary(signal, r) {
    return {
        signal,
        status: r.status,
        endpoint: r.endpoint,
        selected: r.selected,
        delivered: r.delivered,
        refusedEvents: r.refusedEvents,
        tooOld: r.tooOld,
        tooOldForEndpoint: r.tooOldForEndpoint,
        setAside: r.setAside,
        pending: r.pending,
        otlpJsonFile: r.otlpJsonFile,
    };
}
/**
 * One result of the replays of every signal: the first signal's figures, each signal's own in
 * `signals`, and the run's status (all signals' taken as one, see combinedStatus), errors and warnings (each marked with its signal).
 */
function mergeSignalResults(runs, durationMs) {
    const first = runs[0];
    if (first === undefined)
        throw new Error('a sync runs at least one signal');
    const mark = (signal) => (n) => signal === 'metrics' ? n : { ...n, signal };
    const status = combinedStatus(runs.map((r) => r.result.status));
    const merged = {
        ...first.result,
        status,
        exitCode: runs.some((r) => r.result.exitCode === 1) || status === 'failed' || status === 'partial'
            ? 1
            : 0,
        errors: runs.flatMap((r) => r.result.errors.map(mark(r.signal))),
        warnings: runs.flatMap((r) => r.result.warnings.map(mark(r.signal))),
        interrupted: runs.some((r) => r.result.interrupted),
        durationMs,
        signals: runs.map((r) => summary(r.signal, r.result)),
    };
    return { ...merged, run: syncRunSummary(merged) };
}

;// CONCATENATED MODULE: ./src/engine/sync.ts
















/**
 * One sync of a tokf database: opens it, takes the sync lock (through the run harness) when
 * anything will be recorded, and runs a pass per signal (see TokfPass). Throws UsageError,
 * DatabaseError or SyncBusyError only before anything is sent; everything after that is in the
 * result.
 */
async function runSync(config, deps) {
    const started = deps.now();
    const signals = config.signals.map((signal) => ({
        signal,
        config: signalConfig(config, signal),
    }));
    const sending = !config.dryRun && signals.some((s) => s.config.endpoint !== undefined);
    if (config.otlpJsonOut !== undefined)
        prepareOutputDir(config.otlpJsonOut, '--otlp-json-out');
    if (config.openmetricsOut !== undefined)
        prepareOutputDir(config.openmetricsOut, '--openmetrics-out');
    if (sending)
        assertWritable(config.dbPath);
    const db = database_openDatabase(config.dbPath, !sending, deps.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
    try {
        const schema = events_schema_readEventsSchema(db, config.dbPath);
        const lock = new SyncLock(db);
        const series = new SeriesStore(db);
        const runs = signals.map((s) => ({
            ...s,
            stores: signalStores(db, schema, s.signal, lock, series),
        }));
        if (sending) {
            // Before anything is sent: that progress can be recorded (the lock, that no other sync is
            // running, is the harness's).
            for (const { stores, config: c } of runs) {
                stores.progress.prepareForWriting();
                stores.deadLetters.prepareForWriting(c.endpoint?.secrets);
                stores.inFlight.prepareForWriting();
            }
            if (config.temporality === 'cumulative' && config.signals.includes('metrics'))
                series.prepareForWriting();
        }
        return await RunHarness.run(deps, new TokfSource(db, runs, sending ? lock : undefined, deps, started));
    }
    catch (err) {
        // Only before anything is sent: busy, damaged and a full disk each say so (see databaseFailure).
        throw sqlite_failure_databaseFailure(err, config.dbPath, 'prepare it for recording', db);
    }
    finally {
        db.close();
    }
}
/**
 * The tokf database as a source of the run harness: a pass per signal (see TokfPass: its ordered
 * pipeline, speculation and poison isolation stay inside it), the signals' results merged into
 * one; the database holds the run log.
 */
class TokfSource {
    runLog;
    runs;
    lock;
    deps;
    started;
    results = [];
    constructor(
    /** The database, whose run log the harness writes. */
    runLog, runs, lock, deps, 
    /** When the sync began: before the database was opened. */
    started) {
        this.runLog = runLog;
        this.runs = runs;
        this.lock = lock;
        this.deps = deps;
        this.started = started;
    }
    units() {
        return this.runs;
    }
    async send(run, harness) {
        const pass = new TokfPass(run.config, harness, run.stores, this.lock !== undefined, this.deps.filesForLater);
        this.results.push({ signal: run.signal, result: await pass.run(this.deps.now()) });
        // Interrupted, or taken over by another sync: the signals not begun stay pending.
        return !harness.interrupted && harness.lockLost === undefined;
    }
    result(end) {
        return throwIfDamaged(mergeSignalResults(this.results, end.durationMs));
    }
}
/**
 * A database found damaged before anything was delivered or recorded is an error of the run (exit
 * 2), as an unreadable one is; found part way, it is in the result with what was recorded before.
 */
function throwIfDamaged(result) {
    const damage = result.errors.find((e) => e.kind === 'database-damaged');
    if (damage === undefined || result.delivered > 0 || result.selectedSetAside > 0)
        return result;
    throw new DatabaseDamagedError(damage.message ?? 'the database is damaged');
}
/**
 * A signal's stores. Metrics keep the tables (or tokf's synced_to_otel_at column) they always
 * had; logs and traces have ranges and dead-letter tables of their own.
 */
function signalStores(db, schema, signal, lock, series) {
    const progress = signal === 'metrics' && schema.hasSyncedColumn
        ? new ColumnProgressStore(db)
        : new RangesProgressStore(db, ranges_store_rangesTable(signal));
    const deadLetters = new DeadLetters(db, dead_letters_rejectedTable(signal));
    const inFlight = new InFlight(db, signal);
    return { db, progress, deadLetters, inFlight, lock, series, columns: schema.columns, signal };
}
/**
 * The config of one signal's replay. Logs and traces go to their own endpoint, as delta-free
 * records (no temporality), with max-age only where it was given (a backend preset's max-age is
 * about metrics), and no OpenMetrics backfill.
 */
function signalConfig(config, signal) {
    if (signal === 'metrics')
        return config;
    const { endpoints, maxAgeMs } = config.otherSignals;
    return {
        ...config,
        endpoint: endpoints[signal],
        maxAgeMs,
        silentHorizon: undefined,
        temporality: 'delta',
        openmetricsOut: undefined,
    };
}
/** An output directory must be usable before the database is touched or anything sent. */
function prepareOutputDir(dir, flag) {
    try {
        makeDirectory(dir);
        (0,external_node_fs_.accessSync)(dir, external_node_fs_.constants.W_OK);
    }
    catch (err) {
        throw new UsageError(`${flag}: cannot write to ${dir} (${errors_messageOf(err)})`);
    }
}

// EXTERNAL MODULE: external "node:v8"
var external_node_v8_ = __webpack_require__(78877);
;// CONCATENATED MODULE: ./src/output/spooled-json-lines.ts





const spooled_json_lines_KIND = 'spool of the OTLP/JSON Lines file';
/** Bytes of the length before each spooled batch. */
const HEADER_BYTES = 4;
/**
 * An OTLP/JSON Lines file written only if it turns out to be wanted: each batch is kept as it
 * comes, in a spool beside the file (V8's serialization of the events, far cheaper than OTLP/JSON),
 * and `writeFile` writes the file from it, batch by batch as OtlpJsonLinesWriter would have
 * written them during the run, so that the file is the same byte for byte; `discard` removes the
 * spool. Read back a batch at a time: memory is bounded by a batch, as when writing.
 */
class SpooledJsonLines {
    dir;
    resource;
    fileName;
    signal;
    now;
    /** The file this spool becomes (see writeFile). */
    path;
    spoolPath;
    fd;
    /** Batches spooled; events spooled. */
    lines = 0;
    events = 0;
    constructor(dir, resource, fileName, signal, now) {
        this.dir = dir;
        this.resource = resource;
        this.fileName = fileName;
        this.signal = signal;
        this.now = now;
        this.path = (0,external_node_path_.join)(dir, fileName);
        this.spoolPath = `${this.path}.spool`;
    }
    /** Throws FileWriteError (DiskFullError when the disk is full) naming the spool. */
    write(events) {
        if (events.length === 0)
            return;
        writing(spooled_json_lines_KIND, this.spoolPath, () => {
            if (this.fd === undefined) {
                (0,external_node_fs_.mkdirSync)(this.dir, { recursive: true });
                this.fd = (0,external_node_fs_.openSync)(this.spoolPath, 'w');
            }
            const body = (0,external_node_v8_.serialize)({ nowMs: this.now(), events });
            const header = Buffer.alloc(HEADER_BYTES);
            header.writeUInt32LE(body.byteLength);
            (0,external_node_fs_.writeSync)(this.fd, header);
            (0,external_node_fs_.writeSync)(this.fd, body);
        });
        this.lines += 1;
        this.events += events.length;
    }
    close() {
        const fd = this.fd;
        if (fd === undefined)
            return;
        this.fd = undefined;
        (0,external_node_fs_.closeSync)(fd);
    }
    /**
     * Writes the OTLP/JSON Lines file from the spool, then removes the spool. Returns the lines
     * written; throws FileWriteError naming the file (or the spool) that failed.
     */
    writeFile() {
        this.close();
        if (this.lines === 0)
            return 0;
        let batch;
        const file = new OtlpJsonLinesWriter(this.dir, this.resource, this.fileName, this.signal, () => batch?.nowMs ?? this.now());
        const fd = writing(spooled_json_lines_KIND, this.spoolPath, () => (0,external_node_fs_.openSync)(this.spoolPath, 'r'));
        try {
            const header = Buffer.alloc(HEADER_BYTES);
            for (;;) {
                const read = writing(spooled_json_lines_KIND, this.spoolPath, () => (0,external_node_fs_.readSync)(fd, header, 0, HEADER_BYTES, null));
                if (read === 0)
                    break;
                const body = Buffer.alloc(header.readUInt32LE());
                writing(spooled_json_lines_KIND, this.spoolPath, () => readExactly(fd, body));
                batch = (0,external_node_v8_.deserialize)(body);
                file.write(batch.events);
            }
            file.close();
        }
        finally {
            (0,external_node_fs_.closeSync)(fd);
        }
        this.discard();
        return file.lines;
    }
    /** Removes the spool: the file is not wanted, or was written. */
    discard() {
        this.close();
        (0,external_node_fs_.rmSync)(this.spoolPath, { force: true });
    }
}
function readExactly(fd, into) {
    let at = 0;
    while (at < into.byteLength) {
        const n = (0,external_node_fs_.readSync)(fd, into, at, into.byteLength - at, null);
        if (n === 0)
            throw new Error(`the spool ends ${into.byteLength - at} bytes short`);
        at += n;
    }
}

;// CONCATENATED MODULE: ./src/engine/files-for-later.ts








/** Notices of events kept in the run's file, which say whether they were set aside. */
const KEPT_KINDS = new Set([
    'too-old',
    'too-old-for-endpoint',
    'behind-endpoint',
]);
/**
 * For a caller that keeps the run's OTLP/JSON Lines files elsewhere (the action uploads them as an
 * artifact), what the runs leave to do once it knows whether it does:
 * - with `spool`, each file is spooled as the run goes and written only if `writeFiles` is called
 *   (the same bytes as written during the run), else `discard`ed: a run whose events were all
 *   delivered never encodes them as OTLP/JSON;
 * - events too old for the endpoint (max-age, or its refusal) are set aside as kept in the file
 *   only by `setAsideHeld`, once the file is kept: if it never is, they stay pending.
 */
class FilesForLater {
    spool;
    spools = [];
    held = [];
    constructor(spool) {
        this.spool = spool;
    }
    /** A spool standing for the file `fileName` in `dir` (see SpooledJsonLines). */
    spoolFor(dir, resource, fileName, signal, now) {
        const spool = new SpooledJsonLines(dir, resource, fileName, signal, now);
        this.spools.push(spool);
        return spool;
    }
    hold(dbPath, signal, ids, rejection) {
        if (ids.length > 0)
            this.held.push({ dbPath, signal, ids, rejection });
    }
    /** Holding for one pass, handed down to what settles its events (see DeliveryParts). */
    heldFor(dbPath, signal) {
        return { hold: (ids, rejection) => this.hold(dbPath, signal, ids, rejection) };
    }
    /** Events held, by database. */
    heldCount(dbPath) {
        return this.held
            .filter((h) => dbPath === undefined || h.dbPath === dbPath)
            .reduce((n, h) => n + h.ids.length, 0);
    }
    /**
     * Writes every spooled file; a file that cannot be written is said in the returned errors (its
     * spool removed), the others are written.
     */
    writeFiles() {
        const errors = [];
        for (const spool of this.spools) {
            try {
                spool.writeFile();
            }
            catch (err) {
                spool.discard();
                errors.push(errors_messageOf(err));
            }
        }
        return errors;
    }
    discard() {
        for (const spool of this.spools)
            spool.discard();
    }
    /**
     * The file is kept (uploaded): the held events are set aside as kept in it, with its size and
     * time beside them for `status`, and the results say so. Throws if the database cannot record
     * them; they stay pending then.
     */
    async setAsideHeld(results, deps) {
        for (const dbPath of new Set(this.held.map((h) => h.dbPath))) {
            const held = this.held.filter((h) => h.dbPath === dbPath);
            const db = database_openDatabase(dbPath, false, deps.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
            try {
                const lock = new SyncLock(db);
                await lock.acquire({
                    waitMs: deps.lockWaitMs ?? LOCK_WAIT_MS,
                    now: deps.now,
                    sleep: deps.sleep ?? promises_.setTimeout,
                });
                try {
                    const at = new Date(deps.now());
                    inWriteTransaction(db, 'record set-aside events', () => {
                        for (const h of held) {
                            const letters = new DeadLetters(db, dead_letters_rejectedTable(h.signal));
                            letters.record(h.ids, h.rejection, at);
                            if (h.rejection.file !== undefined) {
                                const { size, mtimeMs } = (0,external_node_fs_.statSync)(h.rejection.file);
                                letters.fileWritten(h.rejection.file, size, mtimeMs);
                            }
                        }
                    });
                }
                finally {
                    lock.release();
                }
            }
            finally {
                db.close();
            }
            for (const h of held)
                settle(results, h, true);
            this.held.splice(0, this.held.length, ...this.held.filter((h) => h.dbPath !== dbPath));
        }
    }
    /** The file was not kept: the held events stay pending, and the results say so. */
    leavePending(results) {
        for (const h of this.held)
            settle(results, h, false);
        this.held.length = 0;
    }
}
/** A result's counts after held events were set aside (`setAside`) or left pending. */
function settle(results, h, setAside) {
    const n = h.ids.length;
    for (const r of results) {
        if (r.database !== h.dbPath)
            continue;
        const s = r.signals.find((x) => x.signal === h.signal);
        if (setAside) {
            // Counted pending at the end of the run, as the database then held them.
            if (r.pending >= 0)
                r.pending = Math.max(0, r.pending - n);
            r.setAside += r.setAside >= 0 ? n : 0;
            if (s !== undefined) {
                if (s.pending >= 0)
                    s.pending = Math.max(0, s.pending - n);
                s.setAside += s.setAside >= 0 ? n : 0;
            }
        }
        else {
            // Counted set aside among the selected, as the run expected to keep them.
            r.selectedSetAside = Math.max(0, r.selectedSetAside - n);
            r.selectedPending += n;
            for (const w of r.warnings)
                if (KEPT_KINDS.has(w.kind) && w.setAside === true)
                    w.setAside = false;
        }
    }
}

;// CONCATENATED MODULE: ./src/progress/progress-status.ts






/**
 * Counts with the store's own plan of where pending events may be (id gaps between delivered
 * ranges, or the synced column's condition): one `count(*)` per id interval, so that the table is
 * read once in all (a 1M-event database in about 0.2 s), and the set-aside events in the gaps
 * subtracted. The first and last pending events are found from either end of the gaps.
 */
function progress_status_countProgress(db, store, 
/** The signal's dead letters (see rejectedTable). */
rejectedTable = REJECTED_TABLE) {
    // min and max of the primary key, each alone, are lookups (together in one SELECT, and as
    // count(*), SQLite reads the whole table).
    const bounds = db
        .prepare('SELECT (SELECT min(id) FROM events) AS lo, (SELECT max(id) FROM events) AS hi')
        .get();
    if (bounds?.lo == null || bounds.hi == null) {
        return { events: 0, delivered: 0, pending: 0, firstPending: undefined, lastPending: undefined };
    }
    const lo = Number(bounds.lo);
    const hi = Number(bounds.hi);
    const { gaps, condition } = store.pendingScan(lo, hi);
    const where = condition === undefined ? '' : ` AND ${condition}`;
    const hasRejected = tableExists(db, 'main', rejectedTable);
    const undeliveredId = condition === undefined ? 'id' : `CASE WHEN ${condition} THEN id END`;
    const inGap = db.prepare(`SELECT count(*) AS n, count(${undeliveredId}) AS u, min(${undeliveredId}) AS first,
            max(${undeliveredId}) AS last
       FROM events WHERE id BETWEEN ? AND ?`);
    const inBetween = db.prepare('SELECT count(*) AS n FROM events WHERE id BETWEEN ? AND ?');
    const rejectedIn = hasRejected
        ? db.prepare(
        // CROSS JOIN keeps this order: our few rows, each looked up in events (not the reverse).
        `SELECT count(*) AS n FROM ${rejectedTable} CROSS JOIN events ON events.id = event_id
          WHERE event_id BETWEEN ? AND ?${where}`)
        : undefined;
    let events = 0;
    let undelivered = 0;
    let setAside = 0;
    const undeliveredIds = [];
    for (const gap of gaps) {
        const row = inGap.get(gap.first, gap.last);
        events += Number(row?.n ?? 0);
        undelivered += Number(row?.u ?? 0);
        if (row?.first != null)
            undeliveredIds.push(Number(row.first), Number(row.last));
        if (rejectedIn !== undefined)
            setAside += Number(rejectedIn.get(gap.first, gap.last)?.n ?? 0);
    }
    // What lies between the gaps is delivered: counted only, without a condition.
    for (const between of gapsBetween(gaps, lo, hi)) {
        events += Number(inBetween.get(between.first, between.last)?.n ?? 0);
    }
    const pending = undelivered - setAside;
    const byId = db.prepare('SELECT id, timestamp FROM events WHERE id = ?');
    const notRejected = hasRejected ? ` AND id NOT IN (SELECT event_id FROM ${rejectedTable})` : '';
    const find = (order) => db.prepare(`SELECT id, timestamp FROM events WHERE id BETWEEN ? AND ?${where}${notRejected}
        ORDER BY id ${order} LIMIT 1`);
    const mark = (order) => {
        if (pending <= 0)
            return undefined;
        // With nothing set aside among them, the first and last undelivered events are the ones.
        const id = order === 'ASC' ? undeliveredIds[0] : undeliveredIds[undeliveredIds.length - 1];
        let found;
        if (setAside === 0 && id !== undefined) {
            found = byId.get(id);
        }
        else {
            const query = find(order);
            for (const gap of order === 'ASC' ? gaps : [...gaps].reverse()) {
                found = query.get(gap.first, gap.last);
                if (found !== undefined)
                    break;
            }
        }
        return found === undefined
            ? undefined
            : { id: Number(found.id), timestamp: String(found.timestamp) };
    };
    return {
        events,
        delivered: events - undelivered,
        pending,
        firstPending: mark('ASC'),
        lastPending: mark('DESC'),
    };
}
/** Set-aside events grouped by reason and status, the largest groups first. */
function progress_status_setAsideGroups(db, rejectedTable = REJECTED_TABLE) {
    if (!tableExists(db, 'main', rejectedTable))
        return [];
    const columns = new Set(db
        .prepare(`PRAGMA table_info(${rejectedTable})`)
        .all()
        .map((c) => String(c.name)));
    // Tables of an earlier version have no file columns: every group is then without a file.
    const file = columns.has('file_mtime_ms')
        ? 'file, file_size, file_mtime_ms'
        : 'NULL AS file, NULL AS file_size, NULL AS file_mtime_ms';
    return db
        .prepare(`SELECT reason, status, count(*) AS n, max(rejected_at) AS last_at, ${file}
        FROM ${rejectedTable}
        GROUP BY reason, status, 5, 6, 7 ORDER BY n DESC, reason`)
        .all()
        .map((r) => ({
        file: r.file == null
            ? null
            : {
                path: String(r.file),
                size: r.file_size == null ? null : Number(r.file_size),
                mtimeMs: r.file_mtime_ms == null ? null : Number(r.file_mtime_ms),
            },
        // Rows an earlier version stored may hold an echoed credential: never shown.
        reason: redactPatterns(String(r.reason)),
        status: r.status == null ? null : Number(r.status),
        count: Number(r.n),
        lastAt: String(r.last_at),
    }));
}
/** When events were last recorded as delivered, from the progress itself (any tool's, any run). */
function progress_status_lastDeliveredAt(db, store) {
    if (!store.hasRecords())
        return undefined;
    const sql = store.mode === 'ranges'
        ? `SELECT max(delivered_at) AS at FROM ${RANGES_TABLE}`
        : `SELECT max(${SYNCED_COLUMN}) AS at FROM events`;
    const at = db.prepare(sql).get()?.at;
    return at == null ? undefined : String(at);
}

;// CONCATENATED MODULE: ./src/progress/signal-store.ts


/**
 * Whether a signal's progress lives in tokf's `events.synced_to_otel_at` column: metrics, in a
 * database that has the column. Every other signal, and metrics in every released tokf's
 * database, keep acknowledged ranges in a table of their own (rangesTable).
 */
function progressInColumn(signal, hasSyncedColumn) {
    return signal === 'metrics' && hasSyncedColumn;
}
/** The store of a signal's progress in a database, by the rule of progressInColumn. */
function signal_store_progressStoreFor(db, signal, hasSyncedColumn) {
    return progressInColumn(signal, hasSyncedColumn)
        ? new ColumnProgressStore(db)
        : new RangesProgressStore(db, ranges_store_rangesTable(signal));
}

;// CONCATENATED MODULE: ./src/engine/status.ts













/** Reasons kept per kind in the result; the counts always cover every set-aside event. */
const REASONS_SHOWN = 10;
/**
 * Where the database at `dbPath` stands: opened read-only, so that it works on a read-only file or
 * directory and changes nothing; throws DatabaseError when it cannot be read.
 */
function readStatus(dbPath, now) {
    const db = openDatabase(dbPath, true);
    try {
        return statusOf(db, dbPath, now);
    }
    catch (err) {
        throw databaseFailure(err, dbPath, 'read its status', db);
    }
    finally {
        db.close();
    }
}
function statusOf(db, dbPath, now) {
    const schema = readEventsSchema(db, dbPath);
    const store = progressStoreFor(db, 'metrics', schema.hasSyncedColumn);
    const counts = countProgress(db, store);
    const lastSync = lastRun(db) ?? null;
    const groups = setAsideGroups(db).map((g) => ({
        kind: kindOf(g.reason),
        ...g,
        file: g.file === null ? null : { path: g.file.path, writtenAt: g.lastAt, state: fileState(g.file) },
    }));
    const total = (kind) => groups.filter((g) => g.kind === kind).reduce((sum, g) => sum + g.count, 0);
    return {
        database: dbPath,
        progress: store.hasRecords() ? store.mode : 'none',
        events: counts.events,
        delivered: counts.delivered,
        pending: {
            count: counts.pending,
            firstId: counts.firstPending?.id ?? null,
            firstEventTime: timeOf(counts.firstPending),
            lastId: counts.lastPending?.id ?? null,
            lastEventTime: timeOf(counts.lastPending),
        },
        setAside: {
            count: groups.reduce((sum, g) => sum + g.count, 0),
            tooOld: total('too-old'),
            tooOldNotInFile: groups
                .filter((g) => g.file !== null && (g.file.state === 'changed' || g.file.state === 'gone'))
                .reduce((sum, g) => sum + g.count, 0),
            refused: total('refused'),
            unreadable: total('unreadable'),
            byReason: groups.slice(0, REASONS_SHOWN),
        },
        lastSync,
        // Read from the progress only where no run was recorded: in tokf's column it reads the table.
        lastDeliveredAt: lastSync === null ? (lastDeliveredAt(db, store) ?? null) : null,
        lock: readLockHolder(db, now) ?? null,
        signals: [
            {
                signal: 'metrics',
                delivered: counts.delivered,
                pending: counts.pending,
                setAside: groups.reduce((sum, g) => sum + g.count, 0),
            },
            ...otherSignals(db, schema.hasSyncedColumn),
        ],
    };
}
/** Logs' and traces' progress, where a run has recorded any. */
function otherSignals(db, hasSyncedColumn) {
    const signals = SIGNALS.filter((s) => s !== 'metrics' &&
        (tableExists(db, 'main', rangesTable(s)) || tableExists(db, 'main', rejectedTable(s))));
    return signals.map((signal) => {
        const store = progressStoreFor(db, signal, hasSyncedColumn);
        const counts = countProgress(db, store, rejectedTable(signal));
        const setAside = setAsideGroups(db, rejectedTable(signal)).reduce((n, g) => n + g.count, 0);
        return { signal, delivered: counts.delivered, pending: counts.pending, setAside };
    });
}
/** The reasons the engine writes (replay.ts, delivery.ts), sorted into what a person asks about. */
function kindOf(reason) {
    if (/^older than max-age|^too old for this endpoint|^behind newer samples/.test(reason))
        return 'too-old';
    if (/^the timestamp is not a time/.test(reason))
        return 'unreadable';
    return 'refused';
}
/**
 * A file as the run that wrote it left it (same size and modification time) still holds what it
 * wrote; a later run replaces the whole file, so any other size or time means it may not.
 */
function fileState(file) {
    let now;
    try {
        now = statSync(file.path);
    }
    catch {
        return 'gone';
    }
    if (file.size === null || file.mtimeMs === null)
        return 'unknown';
    return now.size === file.size && Math.floor(now.mtimeMs) === file.mtimeMs ? 'there' : 'changed';
}
function timeOf(mark) {
    if (mark === undefined)
        return null;
    const seconds = parseEventTime(mark.timestamp);
    return seconds === undefined
        ? mark.timestamp
        : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

;// CONCATENATED MODULE: ./src/progress/jsonl-state.ts








/**
 * How long a file's row is kept after a run last matched it to a file (by inode and first line,
 * or by first line alone), unless the file is still where the row says. Long enough for a file
 * rotated away for a while, or left out of the PATH arguments of some runs, to keep its progress.
 */
const FORGET_AFTER_DAYS = 30;
const FORGET_AFTER_MS = FORGET_AFTER_DAYS * 24 * 60 * 60 * 1000;
const TABLE = 'replay_files';
const jsonl_state_CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${TABLE} (
  id INTEGER PRIMARY KEY,
  dev TEXT NOT NULL,
  ino TEXT NOT NULL,
  first_line_sha256 TEXT NOT NULL,
  offset INTEGER NOT NULL,
  line INTEGER NOT NULL,
  path TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  seen_at TEXT,
  UNIQUE (dev, ino, first_line_sha256)
)`;
/**
 * State a line source builds from the lines before (gridctl's metrics: each series' start and last
 * value), by a key of the source's, as JSON. Written in the transaction that records the progress
 * of the file whose lines built it, so that the two never disagree.
 */
const CREATE_SOURCE_TABLE = `CREATE TABLE IF NOT EXISTS replay_source_state (
  key TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL
)`;
/**
 * The progress of replays of OTLP JSON Lines files, in a small SQLite database of its own: per
 * file, what identifies it and the offset up to which its lines were acknowledged. Each record is
 * one short transaction, committed before the next line is sent.
 */
class jsonl_state_JsonlState {
    db;
    constructor(db) {
        this.db = db;
    }
    /** Opens (and creates, unless read-only) the state database. Read-only and absent: empty. */
    static open(path, readOnly) {
        if (readOnly && !(0,external_node_fs_.existsSync)(path))
            return new jsonl_state_JsonlState(undefined);
        try {
            if (!readOnly)
                (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(path), { recursive: true });
            const db = new external_node_sqlite_.DatabaseSync(path, { readOnly });
            db.exec('PRAGMA busy_timeout = 5000');
            if (!readOnly) {
                db.exec('PRAGMA journal_mode = WAL');
                db.exec('PRAGMA synchronous = FULL');
                db.exec(jsonl_state_CREATE_TABLE);
                db.exec(CREATE_SOURCE_TABLE);
                const columns = db.prepare(`PRAGMA table_info(${TABLE})`).all();
                if (!columns.some((c) => c.name === 'seen_at'))
                    db.exec(`ALTER TABLE ${TABLE} ADD COLUMN seen_at TEXT`);
            }
            return new jsonl_state_JsonlState(db);
        }
        catch (err) {
            throw new errors_DatabaseError(`cannot open the replay state ${path}: ${errors_messageOf(err)}`);
        }
    }
    /** Where to resume a file: by inode and first line, else by first line alone, else from 0. */
    find(id) {
        if (this.db === undefined || !this.hasTable())
            return { recognition: 'new', offset: 0, line: 0 };
        const same = this.db
            .prepare(`SELECT offset, line FROM ${TABLE} WHERE dev = ? AND ino = ? AND first_line_sha256 = ?`)
            .get(id.dev, id.ino, id.firstLine);
        if (same !== undefined)
            return { recognition: 'same', offset: same.offset, line: same.line };
        const copy = this.db
            .prepare(`SELECT offset, line FROM ${TABLE} WHERE first_line_sha256 = ? ORDER BY offset DESC LIMIT 1`)
            .get(id.firstLine);
        if (copy !== undefined)
            return { recognition: 'copy', offset: copy.offset, line: copy.line };
        const replaced = this.db
            .prepare(`SELECT 1 FROM ${TABLE} WHERE dev = ? AND ino = ?`)
            .get(id.dev, id.ino);
        return { recognition: replaced === undefined ? 'new' : 'replaced', offset: 0, line: 0 };
    }
    /**
     * Records that a run met these files, so that the rows their progress comes from are kept: each
     * one's own, and those of files with its first line, from which a copy takes its offset (a copy
     * read to its end never gets a row of its own). The path follows a file renamed by a rotation.
     */
    seen(files, at) {
        const db = this.db;
        if (db === undefined)
            throw new errors_DatabaseError('the replay state is open read-only');
        if (files.length === 0)
            return;
        const when = progress_store_tokfTimestamp(at);
        inWriteTransaction(db, 'record the files met', () => {
            const mark = db.prepare(`UPDATE ${TABLE} SET seen_at = ?,
           path = CASE WHEN dev = ? AND ino = ? THEN ? ELSE path END
         WHERE first_line_sha256 = ?`);
            for (const { id, path } of files)
                mark.run(when, id.dev, id.ino, (0,external_node_path_.resolve)(path), id.firstLine);
        });
    }
    /**
     * Forgets the files no run has met for FORGET_AFTER_DAYS, and returns how many. A row whose file
     * is still at its path (same device and inode) is kept whatever its age, and counts as seen:
     * only a file that is gone, or has left its path, can lose its progress.
     */
    prune(at) {
        const db = this.db;
        if (db === undefined)
            throw new errors_DatabaseError('the replay state is open read-only');
        const now = progress_store_tokfTimestamp(at);
        const cutoff = progress_store_tokfTimestamp(new Date(at.getTime() - FORGET_AFTER_MS));
        let forgotten = 0;
        inWriteTransaction(db, 'prune the replay state', () => {
            db.prepare(`UPDATE ${TABLE} SET seen_at = ? WHERE seen_at IS NULL`).run(now);
            const stale = db
                .prepare(`SELECT id, dev, ino, path FROM ${TABLE} WHERE seen_at < ?`)
                .all(cutoff);
            const keep = db.prepare(`UPDATE ${TABLE} SET seen_at = ? WHERE id = ?`);
            const forget = db.prepare(`DELETE FROM ${TABLE} WHERE id = ?`);
            for (const row of stale) {
                if (stillAt(row.path, row.dev, row.ino))
                    keep.run(now, row.id);
                else
                    forgotten += Number(forget.run(row.id).changes);
            }
        });
        return forgotten;
    }
    /** The files whose progress is recorded, most recently recorded first. */
    files() {
        if (this.db === undefined || !this.hasTable())
            return [];
        const rows = this.db
            .prepare(`SELECT path, line, offset, updated_at, seen_at FROM ${TABLE} ORDER BY updated_at DESC, id DESC`)
            .all();
        return rows.map((r) => ({
            path: r.path,
            line: Number(r.line),
            offset: Number(r.offset),
            updatedAt: r.updated_at,
            seenAt: r.seen_at,
        }));
    }
    /** A line source's state as last recorded (see CREATE_SOURCE_TABLE); undefined if none. */
    sourceState(key) {
        if (this.db === undefined)
            return undefined;
        if (!sql_tableExists(this.db, 'main', 'replay_source_state'))
            return undefined;
        const row = this.db.prepare('SELECT state FROM replay_source_state WHERE key = ?').get(key);
        return row?.state;
    }
    /**
     * Records that the file's lines up to `offset` are done, in one transaction: what the inode
     * held before (another first line) is forgotten; `source`, the state its line source built up
     * to there, is recorded with it. `guard` runs first in it (the sync lock's check), so that when
     * it throws nothing is recorded.
     */
    save(id, offset, line, path, at, guard, source) {
        const db = this.db;
        if (db === undefined)
            throw new errors_DatabaseError('the replay state is open read-only');
        inWriteTransaction(db, 'record replay progress', () => {
            guard?.(at.getTime());
            if (source !== undefined)
                db.prepare(`INSERT INTO replay_source_state (key, state, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`).run(source.key, source.state, progress_store_tokfTimestamp(at));
            db.prepare(`DELETE FROM ${TABLE} WHERE dev = ? AND ino = ? AND first_line_sha256 <> ?`).run(id.dev, id.ino, id.firstLine);
            db.prepare(`INSERT INTO ${TABLE} (dev, ino, first_line_sha256, offset, line, path, updated_at, seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (dev, ino, first_line_sha256)
         DO UPDATE SET offset = excluded.offset, line = excluded.line, path = excluded.path,
           updated_at = excluded.updated_at, seen_at = excluded.seen_at`).run(id.dev, id.ino, id.firstLine, offset, line, 
            // Absolute, so that pruning, from whatever directory it runs, finds the file.
            (0,external_node_path_.resolve)(path), progress_store_tokfTimestamp(at), progress_store_tokfTimestamp(at));
        });
    }
    close() {
        this.db?.close();
    }
    hasTable() {
        return this.db !== undefined && sql_tableExists(this.db, 'main', TABLE);
    }
}
/**
 * Whether the file at `path` is still the one of the row. Only an answer that it is not there
 * (or is another file) lets the row go: an unreadable directory keeps it.
 */
function stillAt(path, dev, ino) {
    try {
        const info = (0,external_node_fs_.statSync)(path, { bigint: true });
        return info.dev.toString() === dev && info.ino.toString() === ino;
    }
    catch (err) {
        const code = err.code;
        return code !== 'ENOENT' && code !== 'ENOTDIR';
    }
}

;// CONCATENATED MODULE: ./src/engine/jsonl-status.ts





/**
 * The replay state at `statePath`, opened read-only (nothing changes, a read-only file will do);
 * throws DatabaseError when it is there but cannot be read.
 */
function readJsonlStatus(statePath, now) {
    const state = existsSync(statePath) ? JsonlState.open(statePath, true) : undefined;
    // Opened read-only, a state is left without a database only where there is no file.
    const db = state?.db;
    if (state === undefined || db === undefined)
        return { statePath, exists: false, files: [], lastRun: null, lock: null };
    try {
        return {
            statePath,
            exists: true,
            files: state.files(),
            lastRun: lastRun(db) ?? null,
            lock: readLockHolder(db, now) ?? null,
        };
    }
    catch (err) {
        throw new DatabaseError(`cannot read the replay state ${statePath}: ${messageOf(err)}; is it a replay state (--state)?`);
    }
    finally {
        state.close();
    }
}

;// CONCATENATED MODULE: ./src/progress/fingerprint.ts







/**
 * What the database holds, as far as a replay is concerned: the events (count and highest id; tokf
 * only appends) and our progress (delivered ranges or the synced column, and the rejected events).
 * A sync's bookkeeping that leaves no trace (the lock) does not change it, where the file's bytes
 * would: this is what "unchanged since it was restored" compares.
 */
function databaseFingerprint(path) {
    const db = database_openDatabase(path, true);
    try {
        const schema = events_schema_readEventsSchema(db, path);
        const hash = (0,external_node_crypto_.createHash)('sha256');
        const add = (sql) => {
            for (const row of db.prepare(sql).all())
                hash.update(JSON.stringify(Object.values(row)));
        };
        add('SELECT count(*), max(id) FROM events');
        if (schema.hasSyncedColumn)
            add(`SELECT count(${events_schema_SYNCED_COLUMN}), max(${events_schema_SYNCED_COLUMN}) FROM events`);
        const tables = new Set(db
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
            .all()
            .map((r) => String(r.name)));
        // Every signal's progress counts: a sync of logs alone changes the database too.
        for (const signal of vocabulary_SIGNALS) {
            const ranges = ranges_store_rangesTable(signal);
            if (tables.has(ranges))
                add(`SELECT first_id, last_id FROM ${ranges} ORDER BY first_id`);
            const rejected = dead_letters_rejectedTable(signal);
            if (tables.has(rejected))
                add(`SELECT event_id, reason FROM ${rejected} ORDER BY event_id`);
        }
        if (tables.has(SERIES_TABLE))
            add(`SELECT series_key, last_s, sum FROM ${SERIES_TABLE} ORDER BY series_key`);
        return hash.digest('hex');
    }
    finally {
        db.close();
    }
}

;// CONCATENATED MODULE: ./src/progress/progress-conditions.ts





/**
 * An SQL condition: the event `idExpr` of `schema` was acknowledged as `signal`, in the synced
 * column where `hasSyncedColumn` puts it (see progressInColumn), else in the signal's ranges.
 */
function deliveredAs(db, schema, signal, hasSyncedColumn, idExpr) {
    if (progressInColumn(signal, hasSyncedColumn)) {
        return `coalesce((SELECT x.${events_schema_SYNCED_COLUMN} IS NOT NULL FROM ${schema}.events x WHERE x.id = ${idExpr}), 0)`;
    }
    const ranges = ranges_store_rangesTable(signal);
    return sql_tableExists(db, schema, ranges) ? inRanges(schema, ranges, idExpr) : '0';
}
/** An SQL condition: `idExpr` lies in one of the acknowledged ranges of `schema.table`. */
function inRanges(schema, table, idExpr) {
    return `coalesce((SELECT d.last_id >= ${idExpr} FROM ${schema}.${table} d
                     WHERE d.first_id <= ${idExpr} ORDER BY d.first_id DESC LIMIT 1), 0)`;
}
/**
 * An SQL condition: event `idExpr` of `schema` is pending as `signal`, neither acknowledged nor
 * set aside as that signal.
 */
function pendingAs(db, schema, signal, synced, idExpr) {
    const delivered = deliveredAs(db, schema, signal, synced, idExpr);
    const table = dead_letters_rejectedTable(signal);
    const setAside = sql_tableExists(db, schema, table)
        ? `OR EXISTS (SELECT 1 FROM ${schema}.${table} r WHERE r.event_id = ${idExpr})`
        : '';
    return `NOT (${delivered} ${setAside})`;
}
/** An SQL condition: event `idExpr` is pending as at least one of `signals`. */
function pendingAsAny(db, schema, signals, synced, idExpr) {
    return `(${signals.map((s) => pendingAs(db, schema, s, synced, idExpr)).join(' OR ')})`;
}

;// CONCATENATED MODULE: ./src/progress/merge.ts














/**
 * Merges the database at `sourcePath` into the one at `targetPath`, in one write transaction on
 * the target (the source is only read):
 * - events: every event of the source the target does not hold (see ORIGINS_TABLE) is appended
 *   with new ids, keeping its identity; an event both hold is kept once;
 * - delivered: an event is delivered when any copy acknowledged it;
 * - set aside: an event the source set aside stays set aside, unless a copy delivered it;
 * - cumulative series: each series takes the state of the copy that acknowledged its latest
 *   point (the later `last_s`; for the same second, the larger total), so the next point continues
 *   from what the backend last received;
 * - lineage: the cache entries the source held, and `sourceKey`, are held by the target too.
 */
function mergeDatabase(targetPath, sourcePath, options = {}) {
    const db = database_openDatabase(targetPath, false);
    try {
        const target = events_schema_readEventsSchema(db, targetPath);
        db.exec(`ATTACH DATABASE ${sqlText(sourcePath)} AS src`);
        try {
            const sourceColumns = new Set(db
                .prepare("SELECT name FROM pragma_table_info('events', 'src')")
                .all()
                .map((r) => String(r.name)));
            if (!sourceColumns.has('id') || !sourceColumns.has('timestamp')) {
                throw new Error(`${sourcePath} is not a tokf tracking database: no "events" table`);
            }
            const shared = [...target.columns]
                .filter((c) => c !== 'id' && c !== events_schema_SYNCED_COLUMN && sourceColumns.has(c))
                .sort();
            registerDigest(db);
            let outcome;
            inWriteTransaction(db, 'merge another copy of the database', () => {
                outcome = mergeInto(db, {
                    shared,
                    targetSynced: target.hasSyncedColumn,
                    sourceSynced: sourceColumns.has(events_schema_SYNCED_COLUMN),
                    sourceKey: options.sourceKey,
                    signals: options.signals ?? ['metrics'],
                    stamp: progress_store_tokfTimestamp(options.now ?? new Date()),
                });
            });
            return outcome;
        }
        finally {
            dropTemp(db);
            db.exec('DETACH DATABASE src');
        }
    }
    finally {
        db.close();
    }
}
function mergeInto(db, plan) {
    db.exec(CREATE_ORIGINS);
    db.exec(CREATE_LINEAGE);
    buildIdentities(db, 'main', 'ts_target', plan.shared, plan.targetSynced);
    buildIdentities(db, 'src', 'ts_source', plan.shared, plan.sourceSynced);
    db.exec('CREATE TEMP TABLE ts_map (source_id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL)');
    db.exec(`INSERT OR IGNORE INTO temp.ts_map (source_id, target_id)
           SELECT s.id, t.id FROM temp.ts_source s JOIN temp.ts_target t ON t.ident = s.ident`);
    const alreadyHeld = sql_count(db, 'SELECT count(*) AS n FROM temp.ts_map');
    const store = signal_store_progressStoreFor(db, 'metrics', plan.targetSynced);
    store.prepareForWriting();
    const at = new Date(Date.parse(plan.stamp));
    // Held by both, acknowledged only by the source.
    const nowDelivered = db
        .prepare(`SELECT m.target_id AS id FROM temp.ts_map m
         JOIN temp.ts_source s ON s.id = m.source_id
         JOIN temp.ts_target t ON t.id = m.target_id
        WHERE s.delivered = 1 AND t.delivered = 0 ORDER BY m.target_id`)
        .all()
        .map((r) => Number(r.id));
    const added = appendMissing(db, plan, store, at);
    store.markDelivered(rangesOfIds(nowDelivered), at);
    const setAside = mergeRejected(db, 'metrics');
    for (const signal of vocabulary_SIGNALS)
        if (signal !== 'metrics')
            mergeSignal(db, signal, plan.targetSynced, at);
    const seriesTaken = mergeSeries(db);
    mergeLineage(db, plan.sourceKey);
    // Left pending by the source as a signal this run sends, and still pending as that signal.
    const stillOwed = plan.signals
        .map((signal) => `(${pendingAs(db, 'src', signal, plan.sourceSynced, 'm.source_id')}
          AND ${pendingAs(db, 'main', signal, plan.targetSynced, 'm.target_id')})`)
        .join(' OR ');
    const pendingFromSource = sql_count(db, `SELECT count(*) AS n FROM temp.ts_map m WHERE ${stillOwed}`);
    return {
        added,
        alreadyHeld,
        nowDelivered: nowDelivered.length,
        pendingFromSource,
        seriesTaken,
        setAside,
    };
}
/**
 * Appends the source's events the target lacks, in the source's order, at ids after every id the
 * target has used, with segments that keep each one's identity; then closes the last segment so
 * that rows written later are not taken for the source's.
 */
function appendMissing(db, plan, store, at) {
    const missing = db
        .prepare(`SELECT s.id, s.origin, s.local, s.delivered FROM temp.ts_source s
        WHERE NOT EXISTS (SELECT 1 FROM temp.ts_map m WHERE m.source_id = s.id) ORDER BY s.id`)
        .all();
    if (missing.length === 0)
        return 0;
    let next = nextId(db);
    const columns = plan.shared.map(quoteName);
    const syncedTarget = plan.targetSynced ? [quoteName(events_schema_SYNCED_COLUMN)] : [];
    const syncedValue = plan.targetSynced
        ? [
            `CASE WHEN ? = 1 THEN ${plan.sourceSynced ? `coalesce(${quoteName(events_schema_SYNCED_COLUMN)}, ?)` : '?'} ELSE NULL END`,
        ]
        : [];
    const insert = db.prepare(`INSERT INTO main.events (id, ${[...columns, ...syncedTarget].join(', ')})
     SELECT ?, ${[...columns, ...syncedValue].join(', ')} FROM src.events WHERE id = ?`);
    const segment = db.prepare(`INSERT OR REPLACE INTO main.${ORIGINS_TABLE} (first_id, origin, origin_first) VALUES (?, ?, ?)`);
    const mapId = db.prepare('INSERT INTO temp.ts_map (source_id, target_id) VALUES (?, ?)');
    const delivered = [];
    let previous;
    for (const row of missing) {
        const origin = row.origin == null ? null : String(row.origin);
        const local = row.local == null ? null : Number(row.local);
        const continues = previous !== undefined &&
            previous.origin === origin &&
            (origin === null || (previous.local !== null && local === previous.local + 1));
        if (!continues)
            segment.run(next, origin, local);
        previous = { origin, local };
        const wasDelivered = Number(row.delivered) === 1;
        const args = [next];
        if (plan.targetSynced)
            args.push(wasDelivered ? 1 : 0, plan.stamp);
        args.push(Number(row.id));
        insert.run(...args);
        mapId.run(Number(row.id), next);
        if (wasDelivered && !plan.targetSynced)
            delivered.push(next);
        next += 1;
    }
    // Rows appended later (tokf's, before a copy stamps its own) are identified by content.
    segment.run(next, null, null);
    store.markDelivered(rangesOfIds(delivered), at);
    return missing.length;
}
/**
 * Events the source set aside as `signal` stay set aside in the target, unless some copy delivered
 * them as that signal; how many were added.
 */
function mergeRejected(db, signal) {
    const table = dead_letters_rejectedTable(signal);
    if (!sql_tableExists(db, 'src', table))
        return 0;
    new DeadLetters(db, table).prepareForWriting();
    const before = sql_count(db, `SELECT count(*) AS n FROM main.${table}`);
    db.exec(`INSERT OR IGNORE INTO main.${table} (event_id, reason, status, rejected_at)
           SELECT m.target_id, r.reason, r.status, r.rejected_at
             FROM src.${table} r JOIN temp.ts_map m ON m.source_id = r.event_id`);
    // A copy that delivered an event (a run with --retry-rejected) wins over one that set it aside.
    const synced = columnExists(db, 'main', events_schema_SYNCED_COLUMN);
    const delivered = deliveredAs(db, 'main', signal, synced, 'event_id');
    db.exec(`DELETE FROM main.${table} WHERE ${delivered}`);
    return Math.max(0, sql_count(db, `SELECT count(*) AS n FROM main.${table}`) - before);
}
/**
 * The progress of a signal besides metrics (always in ranges tables of its own): delivered if
 * either copy acknowledged the event as that signal, set aside if either set it aside and neither
 * delivered it.
 */
function mergeSignal(db, signal, targetSynced, at) {
    const ranges = ranges_store_rangesTable(signal);
    if (sql_tableExists(db, 'src', ranges)) {
        const ids = db
            .prepare(`SELECT m.target_id AS id FROM temp.ts_map m
          WHERE ${inRanges('src', ranges, 'm.source_id')} ORDER BY m.target_id`)
            .all()
            .map((r) => Number(r.id));
        const store = signal_store_progressStoreFor(db, signal, targetSynced);
        store.prepareForWriting();
        store.markDelivered(rangesOfIds(ids), at);
    }
    mergeRejected(db, signal);
}
/** Each series takes the state of the copy that acknowledged its latest point. */
function mergeSeries(db) {
    if (!sql_tableExists(db, 'src', SERIES_TABLE))
        return 0;
    new SeriesStore(db).prepareForWriting();
    const before = db.prepare('SELECT total_changes() AS n').get();
    db.exec(`INSERT INTO main.${SERIES_TABLE} (series_key, start_s, last_s, sum, histogram)
           SELECT series_key, start_s, last_s, sum, histogram FROM src.${SERIES_TABLE} WHERE true
           ON CONFLICT(series_key) DO UPDATE SET
             start_s = excluded.start_s, last_s = excluded.last_s,
             sum = excluded.sum, histogram = excluded.histogram
           WHERE excluded.last_s > ${SERIES_TABLE}.last_s
              OR (excluded.last_s = ${SERIES_TABLE}.last_s AND excluded.sum > ${SERIES_TABLE}.sum)`);
    const after = db.prepare('SELECT total_changes() AS n').get();
    return Number(after?.n ?? 0) - Number(before?.n ?? 0);
}
function mergeLineage(db, sourceKey) {
    if (sql_tableExists(db, 'src', LINEAGE_TABLE)) {
        db.exec(`INSERT OR IGNORE INTO main.${LINEAGE_TABLE} (entry_key)
             SELECT entry_key FROM src.${LINEAGE_TABLE}`);
    }
    if (sourceKey !== undefined) {
        db.prepare(`INSERT OR IGNORE INTO main.${LINEAGE_TABLE} (entry_key) VALUES (?)`).run(sourceKey);
    }
}
/**
 * A temp table of every event of `schema` with its identity (see ORIGINS_TABLE) and whether it
 * was delivered. The content of unnamed rows is digested, so the table stays small whatever the
 * commands hold.
 */
function buildIdentities(db, schema, table, shared, synced) {
    db.exec(`CREATE TEMP TABLE ${table} (
    id INTEGER PRIMARY KEY, origin TEXT, local INTEGER, ident TEXT NOT NULL, delivered INTEGER NOT NULL
  )`);
    const hasOrigins = sql_tableExists(db, schema, ORIGINS_TABLE);
    const segment = hasOrigins
        ? `LEFT JOIN ${schema}.${ORIGINS_TABLE} g ON g.first_id =
         (SELECT max(first_id) FROM ${schema}.${ORIGINS_TABLE} WHERE first_id <= e.id)`
        : '';
    const origin = hasOrigins ? 'g.origin' : 'NULL';
    const local = hasOrigins
        ? 'CASE WHEN g.origin IS NULL THEN NULL ELSE g.origin_first + e.id - g.first_id END'
        : 'NULL';
    // Only rows no segment names need their content: digesting every row would be most of the work.
    const digest = `ts_digest(${shared.map((c) => `quote(e.${quoteName(c)})`).join(" || '|' || ")})`;
    const content = hasOrigins ? `CASE WHEN g.origin IS NULL THEN ${digest} END` : digest;
    db.exec(`INSERT INTO temp.${table} (id, origin, local, ident, delivered)
    SELECT id, origin, local,
           CASE WHEN origin IS NOT NULL THEN 'o|' || origin || '|' || local
                ELSE 'c|' || content || '|' || row_number() OVER (PARTITION BY origin IS NULL, content ORDER BY id)
           END,
           delivered
      FROM (SELECT e.id AS id, ${origin} AS origin, ${local} AS local, ${content} AS content,
                   ${synced ? `e.${events_schema_SYNCED_COLUMN} IS NOT NULL` : deliveredAs(db, schema, 'metrics', false, 'e.id')} AS delivered
              FROM ${schema}.events e ${segment})`);
    db.exec(`CREATE INDEX temp.${table}_ident ON ${table}(ident)`);
}
function registerDigest(db) {
    db.function('ts_digest', { deterministic: true }, (text) => (0,external_node_crypto_.createHash)('sha256')
        .update(String(text ?? ''))
        .digest('base64')
        .slice(0, 24));
}
function dropTemp(db) {
    for (const t of ['ts_target', 'ts_source', 'ts_map'])
        db.exec(`DROP TABLE IF EXISTS temp.${t}`);
}

;// CONCATENATED MODULE: ./src/progress/pending-queries.ts







// What a copy of the database still owes, asked of the copy alone: the action asks it of a restored
// cache before and after merging (action/gather.ts); the merge itself is merge.ts's.
/**
 * Events pending as any of `signals` (metrics by default), among ids up to `lastId` (all when
 * omitted): what the copy's runs left for later ones.
 */
function countPendingUpTo(path, lastId = Number.MAX_SAFE_INTEGER, signals = ['metrics']) {
    const db = database_openDatabase(path, true);
    try {
        const schema = events_schema_readEventsSchema(db, path);
        return sql_count(db, `SELECT count(*) AS n FROM events e WHERE e.id <= ${Math.floor(lastId)}
         AND ${pendingAsAny(db, 'main', signals, schema.hasSyncedColumn, 'e.id')}`);
    }
    finally {
        db.close();
    }
}
/**
 * Marks every event pending as one of `signals` as done for that signal without sending it, and
 * says how many events that was: for a copy restored from another branch's cache, whose runs
 * still hold those events and send them themselves.
 */
function markPendingDone(path, signals = ['metrics'], now = new Date()) {
    const db = database_openDatabase(path, false);
    try {
        const schema = events_schema_readEventsSchema(db, path);
        const marked = new Set();
        const plan = signals.map((signal) => {
            const ids = db
                .prepare(`SELECT e.id AS id FROM events e
            WHERE ${pendingAs(db, 'main', signal, schema.hasSyncedColumn, 'e.id')} ORDER BY e.id`)
                .all()
                .map((r) => Number(r.id));
            for (const id of ids)
                marked.add(id);
            const store = signal_store_progressStoreFor(db, signal, schema.hasSyncedColumn);
            return { store, ids };
        });
        if (marked.size === 0)
            return 0;
        inWriteTransaction(db, 'leave pending events to their own branch', () => {
            for (const { store, ids } of plan) {
                if (ids.length === 0)
                    continue;
                store.prepareForWriting();
                store.markDelivered(rangesOfIds(ids), now);
            }
        });
        return marked.size;
    }
    finally {
        db.close();
    }
}

;// CONCATENATED MODULE: ./src/config/build-config.ts









/** What each event is sent as when --signals is not given. */
const DEFAULT_SIGNALS = ['metrics'];
/**
 * Validates the settings against the environment and returns the one config the engine runs on.
 * Flags (or action inputs) beat OTEL_* variables, which beat the backend preset's defaults, which
 * beat the general ones. Every bad value is a UsageError that names the flag or variable.
 */
function buildSyncConfig(settings, env, now, label = flagLabel) {
    const lookUp = (key) => lookUpSetting(key, settings, env, now, label);
    const read = (key) => lookUp(key)?.value ?? specOf(key).default;
    const preset = PRESETS[read('backend')];
    const protocol = read('protocol');
    const compression = read('compression');
    const timeoutMs = read('timeout');
    const retryBudgetMs = read('retryBudget');
    const temporality = lookUp('temporality')?.value ?? preset.temporality ?? SETTINGS.temporality.default;
    const batchSize = read('batchSize');
    const limit = read('limit');
    const since = read('since');
    const until = read('until');
    if (since !== undefined && until !== undefined && until <= since) {
        throw new UsageError(`${label('until')} must be later than ${label('since')} (since is inclusive, until exclusive)`);
    }
    // `none` (null) lifts a preset's limit as well.
    const maxAgeGiven = lookUp('maxAge');
    const presetMaxAgeMs = preset.maxAge === undefined ? undefined : parseDuration(preset.maxAge, label('backend'));
    const maxAgeMs = maxAgeGiven === undefined ? presetMaxAgeMs : (maxAgeGiven.value ?? undefined);
    const silentHorizon = preset.dropsOlderSilently === true && presetMaxAgeMs !== undefined
        ? { backend: read('backend'), ageMs: presetMaxAgeMs }
        : undefined;
    const maxConsecutiveFailures = read('maxConsecutiveFailures');
    const tlsFiles = () => ({
        ca: lookUp('certificate'),
        cert: lookUp('clientCertificate'),
        key: lookUp('clientKey'),
    });
    const signals = lookUp('signals')?.value ?? [...DEFAULT_SIGNALS];
    const endpoint = withTls(resolveEndpoint(settings, env, label, preset.path), tlsFiles, label);
    const endpoints = {};
    for (const signal of signals) {
        if (signal === 'metrics')
            continue;
        const found = withTls(resolveEndpoint(settings, env, label, preset.path, signal), tlsFiles, label);
        if (found !== undefined)
            endpoints[signal] = found;
    }
    const dryRun = settings.dryRun === true;
    const otlpJsonOut = read('otlpJsonOut');
    const openmetricsOut = read('openmetricsOut');
    const sendingSignals = signals.filter((s) => (s === 'metrics' ? endpoint : endpoints[s]));
    if (sendingSignals.length > 0 && sendingSignals.length < signals.length) {
        const missing = signals.find((s) => !sendingSignals.includes(s));
        throw new UsageError(`${label('signals')}: no endpoint for ${missing}: give ${label('endpoint')} or OTEL_EXPORTER_OTLP_${missing.toUpperCase()}_ENDPOINT`);
    }
    if (sendingSignals.length === 0 &&
        otlpJsonOut === undefined &&
        openmetricsOut === undefined &&
        !dryRun) {
        throw new UsageError(`nothing to do: give ${label('endpoint')} (or OTEL_EXPORTER_OTLP_ENDPOINT), ${label('otlpJsonOut')}, or ${label('dryRun')}`);
    }
    return {
        dbPath: given(settings.db) ? settings.db : defaultTokfDbPath(env),
        ...(endpoint !== undefined && { endpoint }),
        protocol,
        compression,
        timeoutMs,
        retryBudgetMs,
        temporality,
        batchSize,
        maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
        ...(since !== undefined && { since }),
        ...(until !== undefined && { until }),
        ...(limit !== undefined && { limit }),
        dryRun,
        ...(maxAgeMs !== undefined && { maxAgeMs }),
        ...(silentHorizon !== undefined && { silentHorizon }),
        retryRejected: settings.retryRejected === true,
        maxConsecutiveFailures,
        ...resolveResource(settings, env, label),
        builtins: read('builtins'),
        ...(otlpJsonOut !== undefined && { otlpJsonOut }),
        ...(openmetricsOut !== undefined && { openmetricsOut }),
        signals,
        otherSignals: {
            endpoints,
            ...(maxAgeGiven?.value != null && { maxAgeMs: maxAgeGiven.value }),
        },
    };
}
/**
 * The endpoint with its TLS files. They are read only when there is an endpoint: the variables may
 * be set for other programs, and a file export has no use for them.
 */
function withTls(endpoint, lookUpFiles, label) {
    if (endpoint === undefined)
        return undefined;
    const { ca, cert, key } = lookUpFiles();
    if (cert !== undefined && key === undefined && !holdsPrivateKey(cert.value)) {
        throw new UsageError(`${cert.source}: a client certificate needs its private key: give ${label('clientKey')} or OTEL_EXPORTER_OTLP_CLIENT_KEY`);
    }
    if (key !== undefined && cert === undefined) {
        throw new UsageError(`${key.source}: a client key needs its certificate: give ${label('clientCertificate')} or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`);
    }
    if (cert !== undefined && key !== undefined && !keyFits(cert.value, key.value)) {
        throw new UsageError(`${key.source}: this key does not belong to the client certificate (${cert.source})`);
    }
    const tls = {
        ...(ca !== undefined && { ca: ca.value }),
        ...(cert !== undefined && { cert: cert.value, key: key?.value ?? cert.value }),
    };
    return Object.keys(tls).length === 0 ? endpoint : { ...endpoint, tls };
}
/** The first given value among setting and variables, with the name to blame if it is bad. */
/**
 * The setting as given (flag or input, else its variables), parsed, with the name it was given
 * by; undefined when not given. Throws UsageError as buildSyncConfig would.
 */
function lookUpSetting(key, settings, env, now, label) {
    const spec = specOf(key);
    // Every parsed setting is a string one; only switches are booleans.
    const found = firstGiven(settings[key], label(key), env, spec.env);
    if (found === undefined)
        return undefined;
    return { value: spec.parse?.(found[0], found[1], now), source: found[1] };
}
function firstGiven(value, name, env, variables) {
    if (given(value))
        return [value, name];
    for (const variable of variables) {
        const fromEnv = env[variable];
        if (given(fromEnv))
            return [fromEnv, variable];
    }
    return undefined;
}
/**
 * The resource, named as tokf's live export names it so that the replayed series continue the
 * live ones: service.name from --service-name, else `service.name` in --resource-attributes, else
 * by tokf's own rules (OTEL_RESOURCE_ATTRIBUTES as tokf reads it, tokf's config.toml, `tokf`);
 * OTEL_SERVICE_NAME is not read, as tokf does not read it. Of OTEL_RESOURCE_ATTRIBUTES the other
 * attributes are taken, except those that name the service, which tokf's live export never sends
 * from it (service.namespace, service.instance.id, service.version): given there, they would make
 * other series than the live ones. --resource-attributes is taken whole.
 */
function resolveResource(settings, env, label) {
    const fromEnv = given(env.OTEL_RESOURCE_ATTRIBUTES)
        ? parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES')
        : new Map();
    for (const key of NOT_FROM_ENV)
        fromEnv.delete(key);
    const fromFlag = given(settings.resourceAttributes)
        ? parseKeyValueList(settings.resourceAttributes, label('resourceAttributes'))
        : new Map();
    const attributes = Object.fromEntries([...fromEnv, ...fromFlag]);
    const flagName = fromFlag.get('service.name');
    const service = given(settings.serviceName)
        ? { name: settings.serviceName.trim(), from: label('serviceName') }
        : flagName !== undefined
            ? { name: flagName.trim(), from: `service.name in ${label('resourceAttributes')}` }
            : tokfServiceName(env);
    attributes['service.name'] = service.name;
    if (given(settings.serviceVersion))
        attributes['service.version'] = settings.serviceVersion.trim();
    const ignored = given(env.OTEL_SERVICE_NAME) && env.OTEL_SERVICE_NAME !== service.name;
    return {
        resource: attributes,
        serviceNameFrom: ignored
            ? `${service.from}; OTEL_SERVICE_NAME is not read, as tokf does not read it`
            : service.from,
    };
}
/** What tokf's live export never takes from OTEL_RESOURCE_ATTRIBUTES, and neither do we. */
const NOT_FROM_ENV = [
    'service.name',
    'service.namespace',
    'service.instance.id',
    'service.version',
];

;// CONCATENATED MODULE: ./src/config/replay-settings.ts

/**
 * The settings of `telemetry-sync replay`: those of the settings table it shares with `sync`
 * (same flags, same parsers, same documentation), and its own below.
 */
const REPLAY_SHARED_KEYS = [
    'since',
    'until',
    'endpoint',
    'headers',
    'certificate',
    'clientCertificate',
    'clientKey',
    'compression',
    'timeout',
    'retryBudget',
    'maxConsecutiveFailures',
    'dryRun',
    'signals',
    'backend',
    'temporality',
    'maxAge',
    'openmetricsOut',
];
/** The shared settings that only mean something for a gridctl directory (`--gridctl`). */
const GRIDCTL_ONLY_KEYS = [
    'signals',
    'backend',
    'temporality',
    'maxAge',
    'openmetricsOut',
];
/**
 * Where `sync`'s help line speaks of events, metrics or the tokf database, what the same flag does
 * for `replay`: lines of files, every signal's path, the state database.
 */
const REPLAY_HELP = {
    since: 'only records at or after T (inclusive), by their own times; T is a date (2026-03-05), a date-time (2026-03-05T10:22:13Z; UTC when no zone is given) or a duration back from now (90m, 24h, 7d; -7d means the same)',
    until: 'only records before T (exclusive), T as for --since',
    endpoint: "OTLP/HTTP base URL (http:// or https://); each line goes to its signal's path under it (v1/metrics, v1/logs, v1/traces); without it, OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT (used as it is), else OTEL_EXPORTER_OTLP_ENDPOINT",
    maxConsecutiveFailures: 'circuit breaker: stop sending after N lines in a row were refused; the rest stay for the next run',
    dryRun: 'report what would be sent; send nothing and record nothing in the state database',
    signals: 'with --gridctl: which of its files to send, comma-separated: metrics, logs, traces',
    backend: "with --gridctl: what the metrics endpoint is, for the path put before v1/metrics, the temporality of gridctl's metrics and, for prometheus, mimir and victoriametrics (metrics only), that logs and traces need OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or --signals metrics",
    temporality: "with --gridctl: gridctl's metrics as cumulative sums (the totals its lines carry, from the last reset; what Prometheus, Mimir and VictoriaMetrics take) or delta (each line's gain since the server's line before); lowmemory means delta; --backend may change the default",
    maxAge: "with --gridctl: do not send gridctl's metric points older than D (90m, 1h, 7d), which the backend would refuse or drop; they are counted as too old (and go to the --openmetrics-out file); --backend may set it, none lifts it",
    openmetricsOut: 'with --gridctl: also write DIR/metrics.om, the cumulative points of the gridctl metrics lines read, as OpenMetrics named as Prometheus names them over OTLP, for promtool tsdb create-blocks-from openmetrics',
};
/** Where replay's default differs from sync's, as its help shows it. */
const REPLAY_DEFAULTS = {
    signals: 'all three',
};
/**
 * The lines are sent as they were written, byte for byte where the window does not cut them:
 * turning them into protobuf would be a second encoder of every OTLP message for no gain, so
 * OTLP/JSON is the one protocol, and asking for another is a mistake to say rather than ignore.
 */
const parseReplayProtocol = (text, source) => {
    const value = text.trim();
    if (value.toLowerCase() === 'http/json')
        return 'http/json';
    throw new UsageError(`${source} ${value}: replay sends each line as it is, in OTLP/JSON (application/json), so only http/json applies; converting the lines to protobuf or sending them over gRPC is not offered`);
};
/**
 * The flags only `replay` has: where its progress and its rejected lines are kept, and the
 * protocol, whose values and default differ from `sync`'s.
 */
const REPLAY_OWN_SETTINGS = {
    state: {
        flag: 'state',
        value: 'FILE',
        type: 'string',
        env: [],
        defaultText: '$XDG_STATE_HOME/telemetry-sync/replay-state.db, else ~/.local/state/telemetry-sync/replay-state.db',
        section: 'Source',
        help: 'the state database: per file, what identifies it and the byte offset up to which its lines were acknowledged',
    },
    rejects: {
        flag: 'rejects',
        value: 'FILE',
        type: 'string',
        env: [],
        defaultText: 'the state database with .rejects.jsonl for .db',
        section: 'Output',
        help: 'where bad and refused lines are appended, one JSON object each with file, line number, offset, reason and the line itself',
    },
    gridctl: {
        flag: 'gridctl',
        type: 'boolean',
        env: [],
        section: 'Source',
        help: "the PATHs are gridctl telemetry directories (~/.gridctl/telemetry when none is given; a stack's or one server's directory also): every server's logs.jsonl (slog JSON, sent as log records), metrics.jsonl (snapshot lines, sent as sums) and traces.jsonl (OTLP), rotated siblings first",
    },
    protocol: {
        flag: 'protocol',
        value: 'P',
        type: 'string',
        // Not OTEL_EXPORTER_OTLP_PROTOCOL: set for other tools, it is noted in the warnings instead.
        env: [],
        parse: parseReplayProtocol,
        default: 'http/json',
        section: 'Endpoint',
        help: "http/json only: each line is sent as it is, in OTLP/JSON; http/protobuf and grpc are refused. OTEL_EXPORTER_OTLP_PROTOCOL and OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL are not applied; set to another protocol, they are noted in the warnings. With --gridctl: how the logs and metrics made of gridctl's lines are sent, http/protobuf (else OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf: VictoriaMetrics takes only that) or http/json; its traces lines go as they are",
    },
};

;// CONCATENATED MODULE: ./src/config/jsonl-config.ts










/**
 * Backends that take metrics only: their preset's path is for metrics, and a gridctl replay's
 * logs and traces need an endpoint of their own there.
 */
const METRICS_ONLY = new Set(['prometheus', 'mimir', 'victoriametrics']);
/** `~/.gridctl/telemetry`, where gridctl keeps `<stack>/<server>/<signal>.jsonl`. */
function defaultGridctlDir(home = (0,external_node_os_.homedir)()) {
    return (0,external_node_path_.join)(home, '.gridctl', 'telemetry');
}
/**
 * The replay's config: shared settings parsed by the settings table's own parsers. The variables
 * tried are the general OTEL_EXPORTER_OTLP_* ones (the table's METRICS ones are for `sync`); the
 * endpoint and headers follow the per-signal rules of resolveEndpoint.
 */
function buildJsonlConfig(settings, paths, env, now) {
    const gridctlGiven = settings.gridctl === true;
    if (!gridctlGiven) {
        const key = GRIDCTL_ONLY_KEYS.find((k) => given(settings[k]));
        if (key !== undefined)
            throw new UsageError(`${flagLabel(key)} applies to a gridctl directory (--gridctl); OTLP JSON Lines are sent as they are`);
        if (paths.length === 0)
            throw new UsageError('replay needs at least one file or directory');
    }
    const protocol = settings.protocol;
    if (given(protocol) && !gridctlGiven)
        parseReplayProtocol(protocol, '--protocol', now);
    const lookUp = (key) => {
        const spec = specOf(key);
        const text = settings[key];
        if (typeof text === 'string' && given(text))
            return { value: spec.parse?.(text, flagLabel(key), now), source: flagLabel(key) };
        // The METRICS endpoint variables are sync's; its temporality preference is gridctl's too.
        const own = (v) => !v.includes('_METRICS_') || v.endsWith('_TEMPORALITY_PREFERENCE');
        for (const variable of spec.env.filter(own)) {
            const value = env[variable];
            if (given(value))
                return { value: spec.parse?.(value, variable, now), source: variable };
        }
        return undefined;
    };
    const read = (key) => (lookUp(key)?.value ?? specOf(key).default);
    const since = read('since');
    const until = read('until');
    if (since !== undefined && until !== undefined && until <= since) {
        throw new UsageError('--until must be later than --since (since is inclusive, until exclusive)');
    }
    const dryRun = settings.dryRun === true;
    const endpoints = {};
    const shared = pick(settings);
    const backend = gridctlGiven ? read('backend') : 'otlp';
    const preset = PRESETS[backend];
    // `none` (null) lifts a preset's limit as well.
    const maxAgeGiven = gridctlGiven ? lookUp('maxAge') : undefined;
    const maxAgeMs = maxAgeGiven === undefined
        ? preset.maxAge === undefined
            ? undefined
            : parseDuration(preset.maxAge, flagLabel('backend'))
        : (maxAgeGiven.value ?? undefined);
    const openmetricsOut = gridctlGiven ? lookUp('openmetricsOut')?.value : undefined;
    const gridctl = gridctlGiven
        ? {
            protocol: gridctlProtocol(protocol, env, now),
            ...(maxAgeMs !== undefined && { maxAgeMs }),
            ...(typeof openmetricsOut === 'string' && { openmetricsOut }),
            signals: given(settings.signals)
                ? specOf('signals').parse?.(settings.signals, flagLabel('signals'), now)
                : [...vocabulary_SIGNALS],
            temporality: lookUp('temporality')?.value ??
                preset.temporality ??
                SETTINGS.temporality.default,
        }
        : undefined;
    let files;
    const tlsFiles = () => ({
        ca: found(lookUp('certificate')),
        cert: found(lookUp('clientCertificate')),
        key: found(lookUp('clientKey')),
    });
    for (const signal of vocabulary_SIGNALS) {
        if (gridctl !== undefined && !gridctl.signals.includes(signal))
            continue;
        // A metrics-only backend's URL is no place for logs and traces: only their own variables are.
        const otherPlace = METRICS_ONLY.has(backend) && signal !== 'metrics'
            ? given(env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`])
            : true;
        if (!otherPlace)
            continue;
        const resolved = resolveEndpoint(shared, env, flagLabel, signal === 'metrics' ? preset.path : '', signal, 'replay');
        const endpoint = withTls(resolved, () => (files ??= tlsFiles()), flagLabel);
        if (endpoint !== undefined)
            endpoints[signal] = endpoint;
    }
    if (Object.keys(endpoints).length === 0 && !dryRun) {
        throw new UsageError('nothing to do: give --endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT), or --dry-run');
    }
    if (gridctl !== undefined && !dryRun) {
        const missing = gridctl.signals.find((s) => endpoints[s] === undefined);
        if (missing !== undefined) {
            const variable = `OTEL_EXPORTER_OTLP_${missing.toUpperCase()}_ENDPOINT`;
            throw new UsageError(METRICS_ONLY.has(backend)
                ? `--backend ${backend} takes metrics only: give ${variable} for gridctl's ${missing}, or leave them out with --signals`
                : `no endpoint for gridctl's ${missing}: give --endpoint, OTEL_EXPORTER_OTLP_ENDPOINT or ${variable}, or leave them out with --signals`);
        }
    }
    const statePath = given(settings.state) ? settings.state : defaultStatePath(env);
    return {
        paths: gridctlGiven && paths.length === 0 ? [defaultGridctlDir()] : [...paths],
        endpoints: dryRun ? {} : endpoints,
        compression: read('compression'),
        timeoutMs: read('timeout'),
        retryBudgetMs: read('retryBudget'),
        maxConsecutiveFailures: read('maxConsecutiveFailures'),
        ...(since !== undefined && { since }),
        ...(until !== undefined && { until }),
        dryRun,
        statePath,
        rejectsPath: given(settings.rejects) ? settings.rejects : defaultRejectsPath(statePath),
        // A protocol given on the command line is the user's choice: nothing there to surprise them.
        warnings: given(protocol) || gridctlGiven ? [] : protocolWarnings(env),
        ...(gridctl !== undefined && { gridctl }),
    };
}
/**
 * gridctl's logs and metrics are made into OTLP here, so either encoding can be sent: --protocol,
 * else OTEL_EXPORTER_OTLP_PROTOCOL, else protobuf, as for sync (VictoriaMetrics takes only that).
 */
function gridctlProtocol(flag, env, now) {
    const parse = specOf('protocol').parse;
    if (given(flag))
        return parse(flag, '--protocol', now);
    const variable = env.OTEL_EXPORTER_OTLP_PROTOCOL;
    if (given(variable))
        return parse(variable, 'OTEL_EXPORTER_OTLP_PROTOCOL', now);
    return 'http/protobuf';
}
/**
 * The protocol variables are shared with every OpenTelemetry tool of the environment, so one set
 * to protobuf is no mistake of the replay's user; but it is not applied, which they should hear.
 */
function protocolWarnings(env) {
    const variables = [
        'OTEL_EXPORTER_OTLP_PROTOCOL',
        ...vocabulary_SIGNALS.map((s) => `OTEL_EXPORTER_OTLP_${s.toUpperCase()}_PROTOCOL`),
    ];
    const other = variables.filter((v) => {
        const value = env[v];
        return given(value) && value.trim().toLowerCase() !== 'http/json';
    });
    if (other.length === 0)
        return [];
    const set = other.map((v) => `${v}=${env[v].trim()}`).join(', ');
    return [`${set} not applied: replay sends each line as it is, in OTLP/JSON (application/json)`];
}
/**
 * `$XDG_STATE_HOME/telemetry-sync/replay-state.db`, else `~/.local/state/...` (the XDG default),
 * on every platform: it is our own file, not tokf's.
 */
function defaultStatePath(env, home = (0,external_node_os_.homedir)()) {
    const xdg = env.XDG_STATE_HOME;
    const base = given(xdg) && (0,external_node_path_.isAbsolute)(xdg) ? xdg : (0,external_node_path_.join)(home, '.local', 'state');
    return (0,external_node_path_.join)(base, 'telemetry-sync', 'replay-state.db');
}
/** Next to the state database: `replay-state.db` gives `replay-state.rejects.jsonl`. */
function defaultRejectsPath(statePath) {
    const name = statePath.slice((0,external_node_path_.dirname)(statePath).length).replace(/^[/\\]/, '');
    return (0,external_node_path_.join)((0,external_node_path_.dirname)(statePath), `${name.replace(/\.db$/, '')}.rejects.jsonl`);
}
function pick(settings) {
    const out = {};
    for (const key of REPLAY_SHARED_KEYS)
        if (settings[key] !== undefined)
            out[key] = settings[key];
    return out;
}
function found(value) {
    return value === undefined ? undefined : { value: value.value, source: value.source };
}

;// CONCATENATED MODULE: ./src/jsonl/discover.ts



const JSONL = /\.jsonl(\.gz)?$/;
/**
 * `name-<time>`: a rotated sibling of `name`, the time starting and ending with a digit. The
 * Collector's file exporter (timberjack) adds why it rotated: `name-<time>-size` (or `-time`,
 * `-manual`).
 */
const ROTATED = /^(.+?)-(\d(?:[\dTt:._-]*\d)?[Zz]?)(?:-(?:size|time|manual))?$/;
/**
 * The files to replay, in order: a file argument as given, a directory's `*.jsonl` and
 * `*.jsonl.gz` files (not recursively) grouped by base name, each group's rotated siblings
 * (`name-<time>.jsonl[.gz]`) oldest first by their time and the live `name.jsonl` last. A path
 * that does not exist, or a directory with no such file, is a usage error. A file named twice is
 * taken once.
 */
function discoverFiles(paths) {
    const files = [];
    const seen = new Set();
    for (const path of paths) {
        let isDirectory;
        try {
            isDirectory = (0,external_node_fs_.statSync)(path).isDirectory();
        }
        catch {
            throw new UsageError(`${path}: no such file or directory`);
        }
        const found = isDirectory ? directoryFiles(path) : [path];
        if (found.length === 0)
            throw new UsageError(`${path}: no *.jsonl or *.jsonl.gz files in it`);
        for (const file of found) {
            if (seen.has(file))
                continue;
            seen.add(file);
            files.push({ path: file, gzip: file.endsWith('.gz') });
        }
    }
    return files;
}
function directoryFiles(dir) {
    const names = (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true })
        .filter((entry) => entry.isFile() && JSONL.test(entry.name))
        .map((entry) => entry.name);
    return orderRotated(names).map((name) => (0,external_node_path_.join)(dir, name));
}
/** File names in replay order: by group, rotated siblings oldest first, the live file last. */
function orderRotated(names) {
    const keyed = names.map((name) => {
        const stem = name.replace(JSONL, '');
        const rotated = ROTATED.exec(stem);
        return rotated === null
            ? { name, group: stem, time: undefined }
            : { name, group: rotated[1], time: rotated[2] };
    });
    // A rotated-looking name whose base has no live file and no other sibling is still a group.
    return keyed
        .sort((a, b) => {
        if (a.group !== b.group)
            return compare(a.group, b.group);
        if (a.time === undefined || b.time === undefined) {
            if (a.time === b.time)
                return compare(a.name, b.name);
            return a.time === undefined ? 1 : -1;
        }
        return compare(a.time, b.time) || compare(a.name, b.name);
    })
        .map((k) => k.name);
}
function compare(a, b) {
    return a.localeCompare(b, 'en', { numeric: true });
}

;// CONCATENATED MODULE: ./src/gridctl/layout.ts




/** The signals in the order gridctl lists them (pkg/telemetry/inventory.go). */
const GRIDCTL_SIGNALS = ['logs', 'metrics', 'traces'];
/**
 * A rotated sibling as lumberjack names it and gridctl's inventory matches it, exactly:
 * `<signal>-YYYY-MM-DDTHH-MM-SS.fff.jsonl`, `.gz` once compressed. Anything else in a server's
 * directory (a user's `logs-backup.jsonl`) is not gridctl's and is left alone, as gridctl does.
 */
const layout_ROTATED = /^(logs|metrics|traces)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}\.jsonl(\.gz)?$/;
const ACTIVE = /^(logs|metrics|traces)\.jsonl$/;
/** The signal a file name belongs to, or undefined for a name gridctl does not write. */
function signalOfName(name) {
    const m = ACTIVE.exec(name) ?? layout_ROTATED.exec(name);
    return m === null ? undefined : m[1];
}
/**
 * The files of a gridctl telemetry directory in replay order: stacks, then servers, by name; per
 * server each signal's rotated siblings oldest first (lumberjack's names sort by their UTC time),
 * its active file last. `dir` is the telemetry root, one stack's directory or one server's: a
 * directory holding signal files is a server's, one whose subdirectories hold them a stack's,
 * else the root. Stack and server names come from the path, as gridctl lays them out.
 */
function walkGridctl(dir, signals = GRIDCTL_SIGNALS) {
    const root = (0,external_node_path_.resolve)(dir);
    let isDirectory;
    try {
        isDirectory = (0,external_node_fs_.statSync)(root).isDirectory();
    }
    catch {
        throw new UsageError(`${dir}: no such directory (gridctl writes its telemetry under ~/.gridctl/telemetry/<stack>/<server>/ when persistence is on)`);
    }
    if (!isDirectory)
        throw new UsageError(`${dir}: not a directory (--gridctl takes a directory)`);
    const files = [];
    if (signalFiles(root).length > 0)
        files.push(...serverFiles(root, (0,external_node_path_.basename)((0,external_node_path_.dirname)(root))));
    else if (subdirectories(root).some((s) => signalFiles(s).length > 0)) {
        for (const server of subdirectories(root))
            files.push(...serverFiles(server, (0,external_node_path_.basename)(root)));
    }
    else {
        for (const stack of subdirectories(root))
            for (const server of subdirectories(stack))
                files.push(...serverFiles(server, (0,external_node_path_.basename)(stack)));
    }
    const chosen = files.filter((f) => signals.includes(f.signal));
    if (chosen.length === 0)
        throw new UsageError(`${dir}: no gridctl telemetry files in it (<stack>/<server>/logs.jsonl, metrics.jsonl, traces.jsonl or their rotated siblings)`);
    return chosen;
}
function subdirectories(dir) {
    return (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort(byCodePoint)
        .map((name) => (0,external_node_path_.join)(dir, name));
}
function signalFiles(dir) {
    return (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && signalOfName(e.name) !== undefined)
        .map((e) => e.name);
}
function serverFiles(dir, stack) {
    const server = (0,external_node_path_.basename)(dir);
    return orderRotated(signalFiles(dir))
        .map((name) => ({ name, signal: signalOfName(name) }))
        .sort((a, b) => GRIDCTL_SIGNALS.indexOf(a.signal) - GRIDCTL_SIGNALS.indexOf(b.signal))
        .map(({ name, signal }) => ({
        path: (0,external_node_path_.join)(dir, name),
        gzip: name.endsWith('.gz'),
        signal,
        stack,
        server,
    }));
}
function byCodePoint(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}

;// CONCATENATED MODULE: ./src/gridctl/instruments.ts

/**
 * The semantic conventions' `gen_ai.client.token.usage` is a histogram of the tokens of each
 * call; gridctl keeps running totals per server, so what can be sent is a sum, and a histogram
 * of minutes would pass for one of calls. The sums are ours, named `gridctl.*`; their attributes
 * are the conventions' where one exists (`gen_ai.token.type`, `gen_ai.tool.name`,
 * `gen_ai.request.model`, `gen_ai.prompt.name`).
 */
const instruments_TOKEN_USAGE = {
    name: 'gridctl.token.usage',
    unit: '{token}',
    description: "Tokens through the server's MCP calls, by gen_ai.token.type",
    cost: false,
    resetBy: 'tokens',
};
const COST = {
    name: 'gridctl.cost',
    unit: 'USD',
    description: "Priced cost of the server's calls, by gridctl.cost.type",
    cost: true,
    resetBy: 'cost',
};
const TOOL_CALLS = {
    name: 'gridctl.tool.calls',
    unit: '{call}',
    description: 'Calls of each tool',
    cost: false,
    resetBy: 'tokens',
};
const TOOL_TOKEN_USAGE = {
    name: 'gridctl.tool.token.usage',
    unit: '{token}',
    description: "Tokens of each tool's calls, by gen_ai.token.type",
    cost: false,
    resetBy: 'tokens',
};
const TOOL_COST = {
    name: 'gridctl.tool.cost',
    unit: 'USD',
    description: "Priced cost of each tool's calls",
    cost: true,
    resetBy: 'cost',
};
const MODEL_COST = {
    name: 'gridctl.model.cost',
    unit: 'USD',
    description: 'Priced cost by the model that priced it',
    cost: true,
    resetBy: 'cost',
};
const MODEL_TOKEN_USAGE = {
    name: 'gridctl.model.token.usage',
    unit: '{token}',
    description: 'Tokens priced under each model, by gen_ai.token.type',
    cost: false,
    resetBy: 'cost',
};
const PROMPT_CALLS = {
    name: 'gridctl.prompt.calls',
    unit: '{call}',
    description: 'prompts/get calls of each skill',
    cost: false,
    resetBy: 'tokens',
};
const GRIDCTL_INSTRUMENTS = [
    instruments_TOKEN_USAGE,
    COST,
    TOOL_CALLS,
    TOOL_TOKEN_USAGE,
    TOOL_COST,
    MODEL_COST,
    MODEL_TOKEN_USAGE,
    PROMPT_CALLS,
];
const TOKEN_TYPE = 'gen_ai.token.type';
const COST_TYPE = 'gridctl.cost.type';
const TOOL_NAME = 'gen_ai.tool.name';
const MODEL_NAME = 'gen_ai.request.model';
const PROMPT_NAME = 'gen_ai.prompt.name';
function valueTypeOf(instrument) {
    return instrument.cost ? Metric/* ValueType */.e.DOUBLE : Metric/* ValueType */.e.INT;
}

;// CONCATENATED MODULE: ./src/gridctl/resource.ts
/**
 * The attributes naming a file's stack and server. `server.name` is the key gridctl's own spans
 * carry for the server (pkg/telemetry/traces.go); the semantic conventions have no MCP server
 * name nor anything for a gridctl stack, so `gridctl.stack` is ours.
 */
const STACK_KEY = 'gridctl.stack';
const SERVER_KEY = 'server.name';
/** The resource of what a replay makes of a gridctl file: gridctl, its stack and server. */
function gridctlResource(place) {
    return { 'service.name': 'gridctl', [STACK_KEY]: place.stack, [SERVER_KEY]: place.server };
}
/** The instrumentation scope of the records and metrics made from gridctl's files. */
const GRIDCTL_SCOPE = { name: 'gridctl' };

;// CONCATENATED MODULE: ./src/gridctl/openmetrics.ts







/**
 * `DIR/metrics.om`: the cumulative points of the gridctl metrics lines a run read, as OpenMetrics
 * counters named and labelled as Prometheus's OTLP receiver names the same points, for
 * `promtool tsdb create-blocks-from openmetrics` (the backfill of what Prometheus refuses as too
 * old). A series' samples stay in time order, its counter resets as values that go down. The
 * samples are held until close(): a run reads a few lines a minute per server.
 */
class GridctlOpenMetrics {
    dir;
    path;
    /** Samples written. */
    samples = 0;
    /** Family name to its series' sample lines, by label set. */
    families = new Map();
    closed = false;
    constructor(dir) {
        this.dir = dir;
        this.path = (0,external_node_path_.join)(dir, OPENMETRICS_FILE);
    }
    add(points, place) {
        if (this.closed)
            throw new Error('GridctlOpenMetrics: add after close');
        const resource = gridctlResource(place);
        for (const p of points) {
            const attributes = { [STACK_KEY]: place.stack, [SERVER_KEY]: place.server, ...p.attributes };
            const labels = labelSet(attributes, resource);
            let family = this.families.get(p.instrument);
            if (family === undefined)
                this.families.set(p.instrument, (family = new Map()));
            let series = family.get(labels);
            if (series === undefined)
                family.set(labels, (series = []));
            const value = p.instrument.cost ? p.value / 1_000_000 : p.value;
            series.push(sampleLine(nameOf(p.instrument), labels, value, openmetrics_seconds(p.timeNs)));
            this.samples++;
        }
    }
    /** Writes the file whole (through a rename); a run that read no metrics line writes nothing. */
    close() {
        if (this.closed)
            return;
        this.closed = true;
        if (this.samples === 0)
            return;
        const parts = [];
        for (const instrument of GRIDCTL_INSTRUMENTS) {
            const family = this.families.get(instrument);
            if (family === undefined)
                continue;
            // An OpenMetrics counter family is named without `_total`; its samples carry it.
            const name = nameOf(instrument).replace(/_total$/, '');
            parts.push(familyHeader(name, 'counter', instrument.description));
            for (const lines of family.values())
                parts.push(...lines);
        }
        parts.push(OPENMETRICS_EOF);
        (0,external_node_fs_.mkdirSync)(this.dir, { recursive: true });
        const tmp = `${this.path}.tmp`;
        (0,external_node_fs_.writeFileSync)(tmp, parts.join(''));
        (0,external_node_fs_.renameSync)(tmp, this.path);
        this.families.clear();
    }
}
function nameOf(instrument) {
    return prometheusMetricName(instrument.name, instrument.unit, 'monotonic-sum');
}
/** Nanoseconds as OpenMetrics seconds, to the millisecond Prometheus keeps. */
function openmetrics_seconds(ns) {
    const ms = ns / 1000000n;
    const whole = ms / 1000n;
    const frac = ms % 1000n;
    return frac === 0n ? `${whole}` : `${whole}.${frac.toString().padStart(3, '0')}`;
}

;// CONCATENATED MODULE: ./src/jsonl/json-object.ts
function readJsonObject(bytes, what) {
    const text = bytes.toString('utf8');
    if (text.trim() === '')
        return { kind: 'blank' };
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (err) {
        return { kind: 'bad', reason: `not JSON (${err.message})` };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return { kind: 'bad', reason: `not ${what}: not a JSON object` };
    return { kind: 'object', value: value };
}

;// CONCATENATED MODULE: ./src/jsonl/otlp-line.ts

/** How each signal nests its records: resources, scopes, records. */
const SHAPES = {
    metrics: { resources: 'resourceMetrics', scopes: 'scopeMetrics', records: 'metrics' },
    logs: { resources: 'resourceLogs', scopes: 'scopeLogs', records: 'logRecords' },
    traces: { resources: 'resourceSpans', scopes: 'scopeSpans', records: 'spans' },
};
const SIGNAL_OF_KEY = new Map(Object.entries(SHAPES).map(([s, v]) => [v.resources, s]));
/**
 * One line read as OTLP JSON: a `MetricsData`, `LogsData` or `TracesData` object, its signal
 * told by its one top-level key (`resourceMetrics`, `resourceLogs`, `resourceSpans`), an array of
 * objects, each scope's records an array too. Deeper checks are the endpoint's: what it refuses
 * as bad data goes to the rejects file with its answer.
 */
function parseLine(bytes) {
    const read = readJsonObject(bytes, 'OTLP');
    if (read.kind !== 'object')
        return read;
    const data = read.value;
    const keys = Object.keys(data).filter((k) => SIGNAL_OF_KEY.has(k));
    if (keys.length !== 1) {
        return {
            kind: 'bad',
            reason: keys.length === 0
                ? 'not OTLP: no resourceMetrics, resourceLogs or resourceSpans'
                : `not OTLP: more than one signal (${keys.join(', ')})`,
        };
    }
    const signal = SIGNAL_OF_KEY.get(keys[0]);
    const shape = SHAPES[signal];
    const resources = data[shape.resources];
    if (!isObjectArray(resources))
        return { kind: 'bad', reason: `not OTLP: ${shape.resources} is not an array of objects` };
    for (const resource of resources) {
        const scopes = resource[shape.scopes];
        if (scopes === undefined)
            continue;
        if (!isObjectArray(scopes))
            return { kind: 'bad', reason: `not OTLP: ${shape.scopes} is not an array of objects` };
        for (const scope of scopes) {
            const records = scope[shape.records];
            if (records !== undefined && !isObjectArray(records))
                return { kind: 'bad', reason: `not OTLP: ${shape.records} is not an array of objects` };
        }
    }
    return { kind: 'otlp', signal, data };
}
function isObjectArray(value) {
    return (Array.isArray(value) &&
        value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v)));
}
/** The resources of a line, its scopes, their records: empty arrays where absent. */
function resourcesOf(signal, data) {
    return data[SHAPES[signal].resources] ?? [];
}
function scopesOf(signal, resource) {
    return resource[SHAPES[signal].scopes] ?? [];
}
function recordsOf(signal, scope) {
    return scope[SHAPES[signal].records] ?? [];
}
/** How many records (metrics, log records, spans) a line holds. */
function countRecords(signal, data) {
    let n = 0;
    for (const resource of resourcesOf(signal, data))
        for (const scope of scopesOf(signal, resource))
            n += recordsOf(signal, scope).length;
    return n;
}

;// CONCATENATED MODULE: ./src/jsonl/line-source.ts

/** Lines that are OTLP/JSON already, sent as they are. */
const OTLP_LINES = { parse: parseLine };

;// CONCATENATED MODULE: ./src/gridctl/rfc3339.ts
/**
 * Go's `time.Time` as JSON and as gridctl's slog handler writes it (`time.RFC3339Nano`): a date,
 * `T`, a time with up to nine fractional digits (trailing zeros trimmed) and `Z` or an offset.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
/** Nanoseconds since the epoch, exact; undefined for anything else than such a time. */
function parseRfc3339Nanos(text) {
    if (typeof text !== 'string')
        return undefined;
    const m = RFC3339.exec(text);
    if (m === null)
        return undefined;
    const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h);
    const minute = Number(mi);
    // Go writes a leap second as :59; 60 is refused, as Go's parser refuses it.
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || Number(s) > 59)
        return undefined;
    const ms = Date.UTC(Number(y), month - 1, day, hour, minute, Number(s));
    // Date.UTC rolls 31 February over into March: such a date is not one.
    if (new Date(ms).getUTCDate() !== day)
        return undefined;
    let seconds = BigInt(ms / 1000);
    if (z === undefined) {
        const offset = (Number(oh) * 60 + Number(om)) * 60;
        seconds -= BigInt(sign === '-' ? -offset : offset);
    }
    const nanos = frac === undefined ? 0n : BigInt(frac.padEnd(9, '0'));
    return seconds * 1000000000n + nanos;
}
/** Nanoseconds as the SDK's HrTime, [seconds, nanoseconds]. */
function hrTimeOf(nanos) {
    return [Number(nanos / 1000000000n), Number(nanos % 1000000000n)];
}

;// CONCATENATED MODULE: ./src/gridctl/metrics-encode.ts







const MICRO = 1_000_000;
/**
 * A metrics line's points as an OTLP/JSON MetricsData, through the OpenTelemetry transformer:
 * monotonic sums, one metric per instrument. Each point carries the stack and server as well as
 * the resource does: Prometheus-family backends make series of point attributes and the
 * service's name, not of other resource attributes, and two servers' series must not meet.
 * Cost goes out in USD, one division of an exact integer of micro-USD.
 */
function encodeSeriesPoints(points, place, temporality) {
    const byInstrument = new Map();
    for (const p of points) {
        const list = byInstrument.get(p.instrument);
        if (list === undefined)
            byInstrument.set(p.instrument, [p]);
        else
            list.push(p);
    }
    const aggregationTemporality = temporality === 'cumulative' ? AggregationTemporality/* AggregationTemporality */.h.CUMULATIVE : AggregationTemporality/* AggregationTemporality */.h.DELTA;
    const placeAttributes = { [STACK_KEY]: place.stack, [SERVER_KEY]: place.server };
    const metrics = [...byInstrument].map(([instrument, list]) => ({
        descriptor: {
            name: instrument.name,
            description: instrument.description,
            unit: instrument.unit,
            valueType: valueTypeOf(instrument),
        },
        aggregationTemporality,
        dataPointType: MetricData/* DataPointType */.n.SUM,
        isMonotonic: true,
        dataPoints: list.map((p) => ({
            startTime: hrTimeOf(p.startNs),
            endTime: hrTimeOf(p.timeNs),
            attributes: { ...placeAttributes, ...p.attributes },
            value: instrument.cost ? p.value / MICRO : p.value,
        })),
    }));
    const request = {
        resource: (0,ResourceImpl/* resourceFromAttributes */.QZ)(gridctlResource(place)),
        scopeMetrics: [{ scope: GRIDCTL_SCOPE, metrics }],
    };
    return {
        json: Buffer.from(int64AsStrings(required(json_metrics/* JsonMetricsSerializer */.K.serializeRequest(request)))),
        protobuf: () => required(protobuf_metrics/* ProtobufMetricsSerializer */.D.serializeRequest(request)),
    };
}

;// CONCATENATED MODULE: ./src/gridctl/snapshot-line.ts

/** gridctl's reserved server name for the global per-skill prompts/get usage. */
const PROMPT_USAGE_NAMESPACE = '__skills__';
const TOKEN_FIELDS = ['input_tokens', 'output_tokens', 'total_tokens'];
const COST_FIELDS = [
    'input_micro_usd',
    'output_micro_usd',
    'cache_read_micro_usd',
    'cache_write_micro_usd',
];
const TOOL_FIELDS = ['calls', 'input_tokens', 'output_tokens', 'cost_micro_usd'];
const MODEL_FIELDS = ['cost_micro_usd', 'input_tokens', 'output_tokens'];
/** Reads a parsed JSON object as a MetricsSnapshotLine, or says what is wrong with it. */
function readSnapshot(value) {
    const bad = (reason) => ({
        kind: 'bad',
        reason: `not a gridctl metrics line: ${reason}`,
    });
    const tsNs = parseRfc3339Nanos(value.ts);
    if (tsNs === undefined || tsNs <= 0n)
        return bad(`ts ${JSON.stringify(value.ts)} is not an RFC 3339 time`);
    if (typeof value.server !== 'string' || value.server === '')
        return bad('server is not a non-empty string');
    for (const flag of ['reset', 'cost_reset'])
        if (value[flag] !== undefined && typeof value[flag] !== 'boolean')
            return bad(`${flag} is not true or false`);
    try {
        const line = {
            tsNs,
            server: value.server,
            reset: value.reset === true,
            costReset: value.cost_reset === true,
            marker: value.reset === true && value.diff === undefined && value.total === undefined,
            hasCost: value.cost_total !== undefined ||
                value.cost_diff !== undefined ||
                value.cost_reset === true,
        };
        checkCounts(value.diff, 'diff', TOKEN_FIELDS);
        checkCounts(value.cost_diff, 'cost_diff', COST_FIELDS);
        const total = checkCounts(value.total, 'total', TOKEN_FIELDS);
        if (total !== undefined)
            line.total = total;
        const costTotal = checkCounts(value.cost_total, 'cost_total', COST_FIELDS);
        if (costTotal !== undefined)
            line.costTotal = costTotal;
        const tools = checkMap(value.tool_usage, 'tool_usage', TOOL_FIELDS);
        if (tools !== undefined)
            line.toolUsage = tools;
        const prompts = checkMap(value.prompt_usage, 'prompt_usage', ['calls']);
        if (prompts !== undefined)
            line.promptUsage = prompts;
        const models = checkMap(value.model_cost, 'model_cost', MODEL_FIELDS);
        if (models !== undefined)
            line.modelCost = models;
        return { kind: 'line', line };
    }
    catch (err) {
        return bad(err.message);
    }
}
/** The named integer fields of an object (null reads as absent, as Go's decoder reads it). */
function checkCounts(value, where, fields) {
    if (value === undefined || value === null)
        return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
        throw new Error(`${where} is not an object`);
    const out = {};
    for (const field of fields) {
        const v = value[field];
        if (v === undefined || v === null)
            continue;
        if (typeof v !== 'number' || !Number.isSafeInteger(v))
            throw new Error(`${where}.${field} is not a whole number`);
        out[field] = v;
    }
    return out;
}
function checkMap(value, where, fields) {
    if (value === undefined || value === null)
        return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
        throw new Error(`${where} is not an object`);
    const out = {};
    for (const [name, entry] of Object.entries(value))
        out[name] = checkCounts(entry, `${where}.${name}`, fields) ?? {};
    return out;
}

;// CONCATENATED MODULE: ./src/gridctl/series.ts


/** gridctl's flush interval (DefaultMetricsFlushInterval): a first delta point covers one. */
const FLUSH_INTERVAL_NS = 60000000000n;
function emptySeries() {
    return { series: {} };
}
const BY_NAME = new Map(GRIDCTL_INSTRUMENTS.map((i) => [i.name, i]));
/**
 * A line's points and the state after it. Cumulative: each series' running total as the line
 * states it (gridctl writes totals: `total`, `cost_total`, and cumulative per-tool, per-model and
 * per-skill snapshots), since the last reset's `ts`; deltas: what each series gained since the
 * server's previous line. `reset` starts every series again at the line's `ts`, `cost_reset`
 * the cost ones; a total that went down without either (a skill's calls after a restart, which
 * gridctl marks with nothing) starts its series again too. Nothing is added up here, and cost
 * stays in integer micro-USD until it is encoded, so totals are exact.
 */
function advanceSeries(before, line, temporality) {
    const after = { ...before, series: { ...before.series } };
    if (line.marker)
        return { points: [], after };
    const ts = line.tsNs.toString();
    if (line.reset) {
        after.tokenStartNs = ts;
        after.costStartNs = ts;
        for (const key of Object.keys(after.series))
            if (instrumentOfKey(key)?.name !== PROMPT_CALLS.name)
                delete after.series[key];
    }
    else if (line.costReset) {
        after.costStartNs = ts;
        for (const key of Object.keys(after.series))
            if (instrumentOfKey(key)?.resetBy === 'cost')
                delete after.series[key];
    }
    after.tokenStartNs ??= ts;
    after.costStartNs ??= ts;
    const deltaStart = before.lastNs === undefined ? line.tsNs - FLUSH_INTERVAL_NS : BigInt(before.lastNs);
    const points = [];
    for (const o of observations(line)) {
        const key = series_seriesKey(o.instrument, o.attributes);
        const prior = after.series[key];
        if (o.value === undefined && prior === undefined)
            continue;
        const value = o.value ?? 0;
        const restarted = prior !== undefined && value < prior.value;
        const startNs = prior === undefined
            ? o.instrument.resetBy === 'cost'
                ? after.costStartNs
                : after.tokenStartNs
            : restarted
                ? ts
                : prior.startNs;
        after.series[key] = { startNs, value };
        if (temporality === 'cumulative') {
            points.push({ ...o, startNs: BigInt(startNs), timeNs: line.tsNs, value });
            continue;
        }
        const gained = prior === undefined || restarted ? value : value - prior.value;
        if (gained !== 0)
            points.push({ ...o, startNs: deltaStart, timeNs: line.tsNs, value: gained });
    }
    after.lastNs = ts;
    return { points, after };
}
/** Every series value a line states. */
function* observations(line) {
    const of = (instrument, attributes, value) => ({
        instrument,
        attributes,
        value,
    });
    // The skills' line carries zero token counts by its struct's shape, not tokens of its own.
    if (line.total !== undefined && line.server !== PROMPT_USAGE_NAMESPACE) {
        yield of(instruments_TOKEN_USAGE, { [TOKEN_TYPE]: 'input' }, line.total.input_tokens ?? 0);
        yield of(instruments_TOKEN_USAGE, { [TOKEN_TYPE]: 'output' }, line.total.output_tokens ?? 0);
    }
    if (line.hasCost) {
        const cost = line.costTotal ?? {};
        for (const [field, type] of COST_TYPES)
            yield of(COST, { [COST_TYPE]: type }, cost[field] ?? 0);
    }
    for (const [tool, stat] of sorted(line.toolUsage)) {
        yield of(TOOL_CALLS, { [TOOL_NAME]: tool }, stat.calls ?? 0);
        yield of(TOOL_TOKEN_USAGE, { [TOOL_NAME]: tool, [TOKEN_TYPE]: 'input' }, stat.input_tokens);
        yield of(TOOL_TOKEN_USAGE, { [TOOL_NAME]: tool, [TOKEN_TYPE]: 'output' }, stat.output_tokens);
        yield of(TOOL_COST, { [TOOL_NAME]: tool }, stat.cost_micro_usd);
    }
    for (const [model, counts] of sorted(line.modelCost)) {
        yield of(MODEL_COST, { [MODEL_NAME]: model }, counts.cost_micro_usd);
        yield of(MODEL_TOKEN_USAGE, { [MODEL_NAME]: model, [TOKEN_TYPE]: 'input' }, counts.input_tokens);
        yield of(MODEL_TOKEN_USAGE, { [MODEL_NAME]: model, [TOKEN_TYPE]: 'output' }, counts.output_tokens);
    }
    for (const [skill, stat] of sorted(line.promptUsage))
        yield of(PROMPT_CALLS, { [PROMPT_NAME]: skill }, stat.calls ?? 0);
}
/** cost_total's fields and the `gridctl.cost.type` each is sent as. */
const COST_TYPES = [
    ['input_micro_usd', 'input'],
    ['output_micro_usd', 'output'],
    ['cache_read_micro_usd', 'cache_read'],
    ['cache_write_micro_usd', 'cache_write'],
];
function sorted(map) {
    return Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
function series_seriesKey(instrument, attributes) {
    return JSON.stringify([instrument.name, Object.entries(attributes).sort()]);
}
function instrumentOfKey(key) {
    return BY_NAME.get(JSON.parse(key)[0]);
}

;// CONCATENATED MODULE: ./src/gridctl/slog-line.ts






/**
 * The keys gridctl's JSON handler writes for the record itself (pkg/logging/file.go: slog's
 * `time` renamed `ts` and written with RFC3339Nano; `level`; `msg`), and the trace context that
 * pkg/logging/structured.go's WithTraceID adds as `trace_id` (and a `span_id`, where a logger
 * adds one). Everything else is an attribute.
 */
const RECORD_KEYS = new Set(['ts', 'level', 'msg']);
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
/** slog's levels: DEBUG -4, INFO 0, WARN 4, ERROR 8, written with an offset as `ERROR+2`. */
const SLOG_LEVEL = /^(DEBUG|INFO|WARN|ERROR)([+-]\d+)?$/;
const SLOG_BASE = { DEBUG: -4, INFO: 0, WARN: 4, ERROR: 8 };
/**
 * The OpenTelemetry Go bridge for slog (contrib bridges/otelslog) maps a level by a fixed offset,
 * SeverityDebug (5) minus LevelDebug (-4): DEBUG 5, INFO 9, WARN 13, ERROR 17, `ERROR+2` 19. The
 * bridge does not bound it; OTLP's SeverityNumber runs from TRACE (1) to FATAL4 (24), so a level
 * beyond is held at those ends.
 */
const SEVERITY_OFFSET = 9;
const SEVERITY_MIN = 1;
const SEVERITY_MAX = 24;
/** The severity number of an slog level as its JSON handler writes it; undefined if not one. */
function slogSeverity(level) {
    const m = SLOG_LEVEL.exec(level);
    if (m === null)
        return undefined;
    const slog = SLOG_BASE[m[1]] + (m[2] === undefined ? 0 : Number(m[2]));
    return Math.min(SEVERITY_MAX, Math.max(SEVERITY_MIN, slog + SEVERITY_OFFSET));
}
/**
 * One line of a gridctl `logs.jsonl` as OTLP: a LogsData of one LogRecord at the line's `ts`
 * (to the nanosecond, observed at the same time: that is when gridctl wrote it), its severity
 * from the slog level (the level's text kept as severity text), `msg` as the body, trace and span
 * ids where the line has valid ones, and every other key an attribute, groups (nested objects)
 * flattened with dots. The resource names gridctl, the stack and the server of the file's path.
 */
function decodeSlogLine(bytes, place) {
    const read = readJsonObject(bytes, 'a gridctl log line');
    if (read.kind !== 'object')
        return read;
    const line = read.value;
    const nanos = parseRfc3339Nanos(line.ts);
    if (nanos === undefined || nanos <= 0n)
        return {
            kind: 'bad',
            reason: `not a gridctl log line: ts ${JSON.stringify(line.ts)} is not an RFC 3339 time`,
        };
    if (line.level !== undefined && typeof line.level !== 'string')
        return { kind: 'bad', reason: 'not a gridctl log line: level is not a string' };
    const attributes = {};
    let dropped = 0;
    for (const [key, v] of Object.entries(line)) {
        if (RECORD_KEYS.has(key))
            continue;
        if ((key === 'trace_id' && isId(v, TRACE_ID, ZERO_TRACE)) ||
            (key === 'span_id' && isId(v, SPAN_ID, ZERO_SPAN)))
            continue;
        dropped += flatten(key, v, attributes);
    }
    const traceId = isId(line.trace_id, TRACE_ID, ZERO_TRACE) ? line.trace_id : undefined;
    const spanId = isId(line.span_id, SPAN_ID, ZERO_SPAN) ? line.span_id : undefined;
    const time = hrTimeOf(nanos);
    const level = line.level;
    const severity = level === undefined ? undefined : slogSeverity(level);
    const record = {
        hrTime: time,
        hrTimeObserved: time,
        ...(severity !== undefined && { severityNumber: severity }),
        ...(level !== undefined && { severityText: level }),
        ...(line.msg !== undefined && { body: toAnyValue(line.msg) }),
        attributes,
        droppedAttributesCount: dropped,
        resource: (0,ResourceImpl/* resourceFromAttributes */.QZ)(gridctlResource(place)),
        instrumentationScope: GRIDCTL_SCOPE,
        // A span id means nothing without its trace; a trace id alone leaves the span id empty.
        // gridctl does not write trace flags.
        ...(traceId !== undefined && {
            spanContext: { traceId, spanId: spanId ?? '', traceFlags: 0 },
        }),
    };
    const body = Buffer.from(int64AsStrings(required(json_logs/* JsonLogsSerializer */.G.serializeRequest([record]))));
    return {
        kind: 'otlp',
        signal: 'logs',
        data: JSON.parse(body.toString('utf8')),
        body,
        protobuf: () => required(logs/* ProtobufLogsSerializer */.x.serializeRequest([record])),
    };
}
function isId(value, shape, zero) {
    return typeof value === 'string' && shape.test(value) && value !== zero;
}
/** Adds `value` under `key`, a group's members under `key.member`; returns the values dropped. */
function flatten(key, value, into) {
    if (value === null || value === undefined)
        return 1;
    if (typeof value === 'object' && !Array.isArray(value)) {
        let dropped = 0;
        for (const [k, v] of Object.entries(value))
            dropped += flatten(`${key}.${k}`, v, into);
        return dropped;
    }
    into[key] = toAnyValue(value);
    return 0;
}
/** A JSON value as an attribute value: whole numbers as integers, arrays kept as arrays. */
function toAnyValue(value) {
    if (Array.isArray(value))
        return value.map((v) => toAnyValue(v));
    if (value !== null && typeof value === 'object') {
        const out = {};
        for (const [k, v] of Object.entries(value))
            out[k] = toAnyValue(v);
        return out;
    }
    if (value === null || value === undefined)
        return null;
    return value;
}

;// CONCATENATED MODULE: ./src/gridctl/sources.ts






/**
 * Each file with its line source: traces as OTLP JSON Lines, logs through the slog decoder,
 * metrics through one stateful decoder per server, shared by its rotated siblings and its
 * active file (read in that order), its state loaded by `load` (the key's recorded JSON). The
 * metrics lines read also go to `backfill`, as cumulative points, where there is one.
 */
function withSources(files, temporality, load, backfill) {
    const metrics = new Map();
    return files.map((file) => {
        const place = { stack: file.stack, server: file.server };
        if (file.signal === 'traces')
            return { ...file, source: OTLP_LINES };
        if (file.signal === 'logs')
            return { ...file, source: { parse: (bytes) => decodeSlogLine(bytes, place) } };
        const key = seriesStateKey(place);
        let source = metrics.get(key);
        if (source === undefined) {
            source = new MetricsLineSource(place, temporality, key, load(key), backfill);
            metrics.set(key, source);
        }
        return { ...file, source };
    });
}
function seriesStateKey(place) {
    return `gridctl-metrics:${JSON.stringify([place.stack, place.server])}`;
}
/** One server's metrics lines, each made into the points it states (see advanceSeries). */
class MetricsLineSource {
    place;
    temporality;
    key;
    backfill;
    settledState;
    current;
    changed = false;
    constructor(place, temporality, key, recorded, backfill) {
        this.place = place;
        this.temporality = temporality;
        this.key = key;
        this.backfill = backfill;
        this.settledState = recorded === undefined ? emptySeries() : readState(recorded);
        this.current = this.settledState;
    }
    parse(bytes) {
        // What a line before left unsettled (the run stopped on it) does not carry over.
        this.current = this.settledState;
        const object = readJsonObject(bytes, 'a gridctl metrics line');
        if (object.kind !== 'object')
            return object;
        const read = readSnapshot(object.value);
        if (read.kind === 'bad')
            return read;
        const { points, after } = advanceSeries(this.settledState, read.line, this.temporality);
        this.current = after;
        if (this.backfill !== undefined)
            this.backfill.add(this.temporality === 'cumulative'
                ? points
                : advanceSeries(this.settledState, read.line, 'cumulative').points, this.place);
        if (points.length === 0)
            return { kind: 'blank' };
        const encoded = encodeSeriesPoints(points, this.place, this.temporality);
        return {
            kind: 'otlp',
            signal: 'metrics',
            data: JSON.parse(encoded.json.toString('utf8')),
            body: encoded.json,
            protobuf: encoded.protobuf,
        };
    }
    settle() {
        if (this.current === this.settledState)
            return;
        this.settledState = this.current;
        this.changed = true;
    }
    settled() {
        if (!this.changed)
            return undefined;
        return { key: this.key, state: JSON.stringify(this.settledState) };
    }
}
/** A recorded state; one that cannot be read starts again, as a first run would. */
function readState(json) {
    try {
        const value = JSON.parse(json);
        if (typeof value === 'object' && value !== null && typeof value.series === 'object')
            return value;
    }
    catch {
        // fall through
    }
    return emptySeries();
}

;// CONCATENATED MODULE: ./src/jsonl/time-filter.ts

/** Where a metric keeps its points, whichever type it is. */
const METRIC_DATA = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];
/** Epoch milliseconds to the window's nanoseconds. */
function windowOf(since, until) {
    return {
        ...(since !== undefined && { sinceNs: BigInt(since) * 1000000n }),
        ...(until !== undefined && { untilNs: BigInt(until) * 1000000n }),
    };
}
/**
 * The records inside the window, by their own times: a data point's `timeUnixNano`, a log
 * record's `timeUnixNano` (its `observedTimeUnixNano` when that is unset), a span's
 * `startTimeUnixNano`. A record without a time is kept, there being nothing to judge it by.
 * A line whose records straddle a bound is cut: the records outside are left out, the rest sent.
 * Scopes, resources (and metrics) left with nothing are left out too.
 */
function filterByTime(signal, data, window) {
    if (window.sinceNs === undefined && window.untilNs === undefined)
        return { data, dropped: 0, empty: isEmpty(signal, data) };
    const inside = (ns) => ns === undefined ||
        ((window.sinceNs === undefined || ns >= window.sinceNs) &&
            (window.untilNs === undefined || ns < window.untilNs));
    let dropped = 0;
    const shape = SHAPES[signal];
    const resources = resourcesOf(signal, data)
        .map((resource) => {
        const scopes = scopesOf(signal, resource)
            .map((scope) => {
            const records = recordsOf(signal, scope);
            let kept;
            if (signal === 'metrics') {
                kept = records
                    .map((metric) => {
                    const result = filterMetric(metric, inside);
                    dropped += result.dropped;
                    return result.metric;
                })
                    .filter((m) => m !== undefined);
            }
            else {
                kept = records.filter((record) => inside(recordTime(signal, record)));
                dropped += records.length - kept.length;
            }
            return kept.length === 0 ? undefined : { ...scope, [shape.records]: kept };
        })
            .filter((s) => s !== undefined);
        return scopes.length === 0 ? undefined : { ...resource, [shape.scopes]: scopes };
    })
        .filter((r) => r !== undefined);
    if (dropped === 0)
        return { data, dropped, empty: isEmpty(signal, data) };
    return {
        data: { ...data, [shape.resources]: resources },
        dropped,
        empty: resources.length === 0,
    };
}
function filterMetric(metric, inside) {
    for (const key of METRIC_DATA) {
        const body = metric[key];
        if (body === undefined || body === null)
            continue;
        const points = body.dataPoints ?? [];
        const kept = points.filter((point) => inside(nanos(point.timeUnixNano)));
        const dropped = points.length - kept.length;
        if (dropped === 0)
            return { metric, dropped };
        if (kept.length === 0)
            return { metric: undefined, dropped };
        return { metric: { ...metric, [key]: { ...body, dataPoints: kept } }, dropped };
    }
    return { metric, dropped: 0 };
}
/** A log record's or span's own time, as the window judges it. */
function recordTime(signal, record) {
    if (signal === 'traces')
        return nanos(record.startTimeUnixNano);
    return nanos(record.timeUnixNano) ?? nanos(record.observedTimeUnixNano);
}
/** A uint64 of OTLP/JSON (a decimal string or a number); undefined for unset (absent or 0). */
function nanos(value) {
    let n;
    try {
        if (typeof value === 'string' && /^\d+$/.test(value))
            n = BigInt(value);
        else if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
            n = BigInt(Math.trunc(value));
        else
            return undefined;
    }
    catch {
        return undefined;
    }
    return n === 0n ? undefined : n;
}
function isEmpty(signal, data) {
    return resourcesOf(signal, data).length === 0;
}

;// CONCATENATED MODULE: ./src/output/rejects-file.ts



/**
 * The rejects file: appended to, one JSON object per line, so that runs add to it and nothing is
 * lost; `jq -r .text` gives the lines back for another try. Created on the first reject only.
 */
class RejectsFile {
    path;
    ready = false;
    constructor(path) {
        this.path = path;
    }
    /** Throws FileWriteError (DiskFullError when the disk is full) naming the file. */
    append(rejected) {
        writing('rejects file', this.path, () => {
            if (!this.ready) {
                (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(this.path), { recursive: true });
                this.ready = true;
            }
            (0,external_node_fs_.appendFileSync)(this.path, `${JSON.stringify(rejected)}\n`);
        });
    }
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
;// CONCATENATED MODULE: ./src/jsonl/file-stream.ts



/**
 * A file's content as a stream of chunks, from byte `from` of a plain file; a .gz file is
 * decompressed from its start (gzip cannot be entered midway; the caller skips what it has), its
 * members one after another, as gzip tools append them.
 */
function openChunks(path, gzip, from = 0) {
    if (!gzip)
        return (0,external_node_fs_.createReadStream)(path, { start: from });
    const gunzip = (0,external_node_zlib_.createGunzip)();
    // Errors of either stream reach the reader through the gunzip stream it iterates.
    (0,external_node_stream_.pipeline)((0,external_node_fs_.createReadStream)(path), gunzip, () => { });
    return gunzip;
}

// EXTERNAL MODULE: external "node:fs/promises"
var external_node_fs_promises_ = __webpack_require__(51455);
;// CONCATENATED MODULE: ./src/jsonl/identity.ts



/**
 * The file's identity, or undefined while it has no complete first line: nothing to send yet (a
 * plain file's unterminated last line may still be being written). For a .gz file an
 * unterminated first line counts, gzip files being written whole. The first line is hashed as it
 * streams by, never held.
 */
async function fileIdentity(path, gzip) {
    const info = await (0,external_node_fs_promises_.stat)(path, { bigint: true });
    const hash = (0,external_node_crypto_.createHash)('sha256');
    let seen = 0;
    let complete = false;
    const chunks = openChunks(path, gzip);
    for await (const chunk of chunks) {
        const newline = chunk.indexOf(0x0a);
        hash.update(newline === -1 ? chunk : chunk.subarray(0, newline));
        seen += newline === -1 ? chunk.byteLength : newline;
        if (newline !== -1) {
            complete = true;
            break;
        }
    }
    if (!complete && !(gzip && seen > 0))
        return undefined;
    return {
        dev: info.dev.toString(),
        ino: info.ino.toString(),
        firstLine: hash.digest('hex'),
        size: Number(info.size),
    };
}

;// CONCATENATED MODULE: ./src/jsonl/line-reader.ts
const line_reader_NEWLINE = 0x0a;
/**
 * The lines of a stream of chunks that starts at byte `start` of its file, one at a time: only
 * the current line is held (at most `maxBytes` of it; a longer one is passed over and reported
 * without its bytes), so memory stays proportional to one line whatever the file's size.
 * readline cannot say where a line starts in bytes, which progress needs; this can.
 */
async function* readLines(chunks, start, maxBytes) {
    let parts = [];
    let length = 0;
    let lineStart = start;
    let tooLong = false;
    const take = (piece) => {
        length += piece.byteLength;
        if (tooLong)
            return;
        if (length > maxBytes) {
            tooLong = true;
            parts = [];
        }
        else if (piece.byteLength > 0)
            parts.push(piece);
    };
    const finish = (terminated) => {
        const end = lineStart + length + (terminated ? 1 : 0);
        const line = {
            bytes: tooLong ? undefined : parts.length === 1 ? parts[0] : Buffer.concat(parts),
            start: lineStart,
            end,
            length,
            terminated,
        };
        parts = [];
        length = 0;
        tooLong = false;
        lineStart = end;
        return line;
    };
    for await (const chunk of chunks) {
        let from = 0;
        for (;;) {
            const newline = chunk.indexOf(line_reader_NEWLINE, from);
            if (newline === -1) {
                // Copied: a slice would keep the whole chunk alive with the line.
                if (from < chunk.byteLength)
                    take(Buffer.from(chunk.subarray(from)));
                break;
            }
            take(chunk.subarray(from, newline));
            yield finish(true);
            from = newline + 1;
        }
    }
    if (length > 0 || tooLong)
        yield finish(false);
}

;// CONCATENATED MODULE: ./src/jsonl/split.ts

/** The Collector's limit on one line of OTLP JSON (its otlpjsonfile receiver's buffer): 1 MiB. */
const LINE_LIMIT_BYTES = 1024 * 1024;
/**
 * A line's data cut into pieces of at most `limit` bytes of JSON each, in order, where it can be:
 * by resource first, then by scope within a resource, then by records within a scope (each piece
 * keeps its resource and scope). A single record larger than the limit is a piece of its own,
 * over the limit: it cannot be cut without changing it. The pieces hold every record once.
 */
function splitBySize(signal, data, limit = LINE_LIMIT_BYTES) {
    const text = JSON.stringify(data);
    if (Buffer.byteLength(text) <= limit)
        return [text];
    const shape = SHAPES[signal];
    const resources = resourcesOf(signal, data);
    const withResources = (rs) => ({ ...data, [shape.resources]: rs });
    if (resources.length > 1)
        return halves(resources).flatMap((rs) => splitBySize(signal, withResources(rs), limit));
    const resource = resources[0];
    if (resource === undefined)
        return [text];
    const scopes = scopesOf(signal, resource);
    const withScopes = (ss) => withResources([{ ...resource, [shape.scopes]: ss }]);
    if (scopes.length > 1)
        return halves(scopes).flatMap((ss) => splitBySize(signal, withScopes(ss), limit));
    const scope = scopes[0];
    if (scope === undefined)
        return [text];
    const records = recordsOf(signal, scope);
    if (records.length <= 1)
        return [text];
    return halves(records).flatMap((rs) => splitBySize(signal, withScopes([{ ...scope, [shape.records]: rs }]), limit));
}
function halves(items) {
    const middle = Math.ceil(items.length / 2);
    return [items.slice(0, middle), items.slice(middle)];
}

;// CONCATENATED MODULE: ./src/engine/jsonl-file.ts








/** A line longer than this is not read into memory: it is a bad line, "too large". */
const jsonl_file_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Problems kept in the result; the rest are counted (and all are in the rejects file). */
const PROBLEMS_KEPT = 100;
/** Replays one file from where the state says it stopped; returns whether the run goes on. */
async function sendFile(ctx, file) {
    const report = {
        path: file.path,
        gzip: file.gzip,
        from: 0,
        to: 0,
        lines: 0,
        sent: 0,
        bad: 0,
        refused: 0,
        filtered: 0,
        heldBack: false,
    };
    ctx.totals.files.push(report);
    let id;
    try {
        id = await fileIdentity(file.path, file.gzip);
    }
    catch (err) {
        return fail(ctx, report, err);
    }
    if (id === undefined) {
        ctx.log(`${file.path}: no complete line yet`);
        return true;
    }
    const progress = ctx.state.find(id);
    if (progress.recognition === 'same' || progress.recognition === 'copy')
        ctx.met.push({ id, path: file.path });
    let start = progress.recognition;
    let from = progress.offset;
    let line = progress.line;
    // A plain file smaller than the offset was truncated: its content is new, from the start.
    if (!file.gzip && id.size < from)
        [start, from, line] = ['truncated', 0, 0];
    let pass = await readFrom(ctx, file, id, report, start, from, line);
    // A .gz file that ends before the offset was replaced by a shorter one with the same first line.
    if (pass === 'short')
        pass = await readFrom(ctx, file, id, report, 'truncated', 0, 0);
    return pass !== 'stop';
}
async function readFrom(ctx, file, id, report, start, from, firstLine) {
    Object.assign(report, { start, from, to: from });
    ctx.log(`${file.path}: ${describeStart(start, from, firstLine)}`);
    let saved = { offset: from, line: firstLine };
    let done = { offset: from, line: firstLine };
    /** Records the lines done; false when the lock was lost, and with it the right to record. */
    const commit = () => {
        if (ctx.send === undefined || done.offset === saved.offset)
            return true;
        const source = file.source?.settled?.();
        try {
            ctx.state.save(id, done.offset, done.line, file.path, new Date(ctx.now()), ctx.guard, source);
        }
        catch (err) {
            if (!(err instanceof LockLostError))
                throw err;
            ctx.totals.stopped ??= {
                file: file.path,
                line: saved.line + 1,
                reason: `${err.message}; this run stopped and recorded nothing more`,
            };
            return false;
        }
        saved = done;
        report.to = done.offset;
        return true;
    };
    let lineNo = file.gzip ? 0 : firstLine;
    let reached = file.gzip ? 0 : from;
    try {
        const chunks = openChunks(file.path, file.gzip, file.gzip ? 0 : from);
        for await (const raw of readLines(chunks, file.gzip ? 0 : from, jsonl_file_MAX_LINE_BYTES)) {
            lineNo++;
            reached = raw.end;
            if (raw.end <= from)
                continue; // a .gz file is read from its start to the offset
            if (!raw.terminated && !file.gzip) {
                report.heldBack = true;
                break;
            }
            const halted = ctx.halted();
            if (halted !== undefined) {
                // The lines before this one were settled; this one and the rest wait.
                stop(ctx, { file: file.path, line: lineNo }, halted);
                commit();
                return 'stop';
            }
            report.lines++;
            ctx.totals.lines++;
            const { end, wrote } = await replayLine(ctx, file, raw, lineNo, report);
            // A line is done unless the run stopped on it before it was recorded anywhere.
            if (end === 'next' || wrote) {
                done = { offset: raw.end, line: lineNo };
                file.source?.settle?.();
            }
            if ((wrote || end === 'stop') && !commit())
                return 'stop';
            if (end === 'stop')
                return 'stop';
            if (!ctx.send)
                report.to = done.offset;
        }
    }
    catch (err) {
        if (!commit())
            return 'stop';
        // The rejects file could not be written (a full disk): the line it was for, and the rest, wait.
        if (err instanceof FileWriteError) {
            stop(ctx, { file: file.path, line: lineNo }, err.message);
            return 'stop';
        }
        fail(ctx, report, err);
        return 'done';
    }
    if (file.gzip && reached < from)
        return 'short';
    return commit() ? 'done' : 'stop';
}
/** One line: read, filter, cut, send, and where it ends up. `wrote`: progress is worth a commit. */
async function replayLine(ctx, file, raw, lineNo, report) {
    const where = { file: file.path, line: lineNo, offset: raw.start };
    if (raw.bytes === undefined) {
        bad(ctx, report, where, `too large: ${raw.length} bytes, over the ${jsonl_file_MAX_LINE_BYTES / 1048576} MiB a line may have`);
        return { end: 'next', wrote: true };
    }
    const parsed = (file.source ?? OTLP_LINES).parse(raw.bytes);
    if (parsed.kind === 'blank')
        return { end: 'next', wrote: false };
    if (parsed.kind === 'bad') {
        bad(ctx, report, where, parsed.reason, raw.bytes.toString('utf8'));
        return { end: 'next', wrote: true };
    }
    const { signal } = parsed;
    const filtered = filterByTime(signal, parsed.data, ctx.window);
    ctx.totals.filteredRecords += filtered.dropped;
    if (filtered.empty) {
        report.filtered++;
        ctx.totals.filteredLines++;
        return { end: 'next', wrote: false };
    }
    const fresh = withinHorizon(ctx, signal, filtered);
    if (fresh === undefined)
        return { end: 'next', wrote: false };
    if (!ctx.canSend(signal)) {
        stop(ctx, where, `no endpoint for ${signal}: give --endpoint, OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`);
        return { end: 'stop', wrote: false };
    }
    // Sent as it is (or as made into OTLP) unless the window cut it or it is over the line limit.
    // A line made into OTLP here holds one time (its records share the line's), so the window
    // takes all of it or nothing, and in protobuf it goes whole: the 1 MiB limit is a JSON line's.
    const protocol = parsed.protobuf !== undefined && ctx.madeProtocol === 'http/protobuf'
        ? 'http/protobuf'
        : 'http/json';
    const body = parsed.body ?? raw.bytes;
    const pieces = protocol === 'http/protobuf' && parsed.protobuf !== undefined
        ? [parsed.protobuf()]
        : fresh.dropped === 0 && body.byteLength <= LINE_LIMIT_BYTES
            ? [body]
            : splitBySize(signal, fresh.data).map((text) => Buffer.from(text));
    if (pieces.length > 1)
        ctx.totals.splitLines++;
    if (ctx.send === undefined) {
        report.sent++;
        ctx.totals.sentLines++;
        ctx.totals.signals[signal]++;
        return { end: 'next', wrote: false };
    }
    // The refusal the breaker is told of: bad data if any piece was refused so (see CircuitBreaker).
    let refused;
    for (const piece of pieces) {
        const outcome = await ctx.send(signal, piece, protocol);
        ctx.totals.bytesSent += outcome.bytesSent;
        ctx.totals.retries += outcome.attempts - 1;
        if (outcome.attempts > 0)
            ctx.totals.requests++;
        if (outcome.kind === 'acknowledged') {
            ctx.totals.rejectedRecords += outcome.rejectedPoints;
            ctx.breaker.accepted();
            continue;
        }
        if (outcome.kind === 'bad-data' ||
            outcome.kind === 'too-old' ||
            outcome.kind === 'out-of-order') {
            if (refused !== 'bad-data')
                refused = outcome.kind;
            ctx.rejects?.append({
                ...where,
                reason: `refused: ${describeOutcome(outcome)}`,
                status: outcome.status,
                // The line's OTLP/JSON, readable, whichever encoding was sent.
                text: protocol === 'http/json' ? Buffer.from(piece).toString('utf8') : body.toString('utf8'),
            });
            continue;
        }
        stop(ctx, where, describeOutcome(outcome));
        return { end: 'stop', wrote: false };
    }
    if (refused !== undefined) {
        report.refused++;
        ctx.totals.refusedLines++;
        problem(ctx, {
            file: file.path,
            line: lineNo,
            kind: 'refused',
            reason: 'refused by the endpoint',
        });
        if (ctx.breaker.refused(refused)) {
            // This line is set aside (in the rejects file) like the ones before it; the rest wait.
            const reason = `${ctx.breaker.count} lines in a row were refused; stopping (--max-consecutive-failures)`;
            ctx.totals.stopped = { file: file.path, line: lineNo, reason };
            return { end: 'stop', wrote: true };
        }
        return { end: 'next', wrote: true };
    }
    report.sent++;
    ctx.totals.sentLines++;
    ctx.totals.signals[signal]++;
    return { end: 'next', wrote: true };
}
/**
 * The line without its metric points older than the horizon, counted as too old; undefined when
 * nothing is left to send (the line is then done).
 */
function withinHorizon(ctx, signal, line) {
    if (ctx.horizonNs === undefined || signal !== 'metrics')
        return line;
    const fresh = filterByTime(signal, line.data, { sinceNs: ctx.horizonNs });
    ctx.totals.tooOldRecords += fresh.dropped;
    if (fresh.empty) {
        ctx.totals.tooOldLines++;
        return undefined;
    }
    return { ...fresh, dropped: line.dropped + fresh.dropped };
}
function bad(ctx, report, where, reason, text) {
    report.bad++;
    ctx.totals.badLines++;
    ctx.rejects?.append({ ...where, reason, ...(text !== undefined && { text }) });
    problem(ctx, { file: where.file, line: where.line, kind: 'bad', reason });
}
function problem(ctx, p) {
    if (ctx.totals.problems.length < PROBLEMS_KEPT)
        ctx.totals.problems.push(p);
    else
        ctx.totals.problemsOmitted++;
}
function stop(ctx, where, reason) {
    ctx.totals.stopped = { file: where.file, line: where.line, reason };
}
function fail(ctx, report, err) {
    report.error = errors_messageOf(err);
    ctx.log(`${report.path}: cannot read: ${report.error}`);
    return true;
}
function describeStart(start, from, line) {
    switch (start) {
        case 'new':
            return 'new, from its start';
        case 'replaced':
            return 'replaced since the last run, from its start';
        case 'truncated':
            return 'truncated since the last run, from its start';
        case 'copy':
        case 'same':
            return from === 0
                ? 'from its start'
                : `from byte ${from} (after line ${line})${start === 'copy' ? ', recognised by its first line' : ''}`;
    }
}

;// CONCATENATED MODULE: ./src/engine/jsonl-pass.ts
















/**
 * One replay of OTLP JSON Lines files: each line, in file order, to its signal's endpoint as it
 * is, the offset up to which lines were acknowledged recorded per file after each line. Throws
 * UsageError, DatabaseError or SyncBusyError only before anything is sent.
 */
async function runReplayFiles(config, deps) {
    const started = deps.now();
    const sending = !config.dryRun;
    const state = jsonl_state_JsonlState.open(config.statePath, !sending);
    const openmetricsOut = config.gridctl?.openmetricsOut;
    const backfill = openmetricsOut === undefined ? undefined : new GridctlOpenMetrics(openmetricsOut);
    let files;
    try {
        files = sourceFiles(config, state, backfill);
    }
    catch (err) {
        state.close();
        throw err;
    }
    const lock = sending && state.db !== undefined ? new SyncLock(state.db) : undefined;
    return await RunHarness.run(deps, new JsonlSource({ config, deps, state, backfill, files, lock, started }));
}
/**
 * JSON Lines files (OTLP, or gridctl's directory read as lines) as a source of the run harness: a
 * file at a time, each line to its signal's endpoint (see sendFile), the offset acknowledged
 * recorded per file; at the end, which files were met, and the OpenMetrics backfill written.
 */
class JsonlSource {
    run;
    lock;
    started;
    /** The state database, whose run log the harness writes (a sending run's only). */
    runLog;
    totals;
    sending;
    ctx;
    /** The files whose progress the state held (see JsonlContext.met). */
    met = [];
    backfillClosed = false;
    constructor(run) {
        this.run = run;
        this.lock = run.lock;
        this.started = run.started;
        this.runLog = run.state.db;
        this.sending = !run.config.dryRun;
        this.totals = emptyResult(run.config);
    }
    units() {
        return this.run.files;
    }
    async send(file, harness) {
        return await sendFile(this.context(harness), file);
    }
    /** Which files were met (unless the lock was taken over), the backfill, and the totals. */
    result(end) {
        const { totals, sending } = this;
        const { state, deps } = this.run;
        totals.interrupted = end.interrupted;
        // Taken over: the state is the other replay's to write now.
        if (sending && end.lockLost === undefined) {
            const at = new Date(deps.now());
            state.seen(this.met, at);
            // After a stop, the files not reached were not met: their rows must not look abandoned.
            if (totals.stopped === null) {
                const forgotten = state.prune(at);
                if (forgotten > 0)
                    deps.log(`forgot ${words_plural(forgotten, 'file')} no run has met for ${FORGET_AFTER_DAYS} days, no longer at the path recorded`);
            }
        }
        this.closeBackfill();
        return finish(totals, deps.now() - this.started);
    }
    close() {
        this.closeBackfill();
        this.run.state.close();
    }
    /** The per-file loop's context, made when the first file is sent (the lock held by then). */
    context(harness) {
        if (this.ctx !== undefined)
            return this.ctx;
        const { config, deps, state, lock } = this.run;
        const { sending } = this;
        this.ctx = {
            state,
            rejects: sending ? new RejectsFile(config.rejectsPath) : undefined,
            window: windowOf(config.since, config.until),
            ...(config.gridctl?.maxAgeMs !== undefined && {
                horizonNs: BigInt(deps.now() - config.gridctl.maxAgeMs) * 1000000n,
            }),
            send: sending
                ? (signal, body, protocol) => harness
                    .exporter({
                    endpoint: config.endpoints[signal],
                    protocol,
                    compression: config.compression,
                    timeoutMs: config.timeoutMs,
                    retryBudgetMs: config.retryBudgetMs,
                    otlpSignal: signal,
                    onRedirect: deps.log,
                })
                    .send(body)
                : undefined,
            madeProtocol: config.gridctl?.protocol ?? 'http/json',
            canSend: (signal) => !sending || config.endpoints[signal] !== undefined,
            breaker: harness.breaker(config.maxConsecutiveFailures),
            totals: this.totals,
            now: deps.now,
            log: deps.log,
            // The lock's own timer shows it lives; each record checks it is still this run's.
            guard: lock === undefined ? undefined : (at) => lock.refresh(at),
            halted: () => harness.halted(),
            met: this.met,
        };
        return this.ctx;
    }
    /** The backfill is written whole at the end; a failure there must not undo what was sent. */
    closeBackfill() {
        const { backfill } = this.run;
        if (backfill === undefined || this.backfillClosed)
            return;
        this.backfillClosed = true;
        const { totals } = this;
        try {
            backfill.close();
            if (backfill.samples > 0)
                totals.backfill = { path: backfill.path, samples: backfill.samples };
        }
        catch (err) {
            totals.warnings.push(`could not write the OpenMetrics backfill ${backfill.path}: ${errors_messageOf(err)}`);
        }
    }
}
/**
 * The files in replay order: OTLP JSON Lines as given, or a gridctl directory's files with what
 * reads each. The run's own rejects file is never a source, even in a directory it reads.
 */
function sourceFiles(config, state, backfill) {
    const { gridctl } = config;
    const found = gridctl === undefined
        ? discoverFiles(config.paths)
        : withSources(config.paths.flatMap((dir) => walkGridctl(dir, gridctl.signals)), gridctl.temporality, (key) => state.sourceState(key), backfill);
    // A directory named twice (the root and one of its stacks) gives its files once.
    const seen = new Set([(0,external_node_path_.resolve)(config.rejectsPath)]);
    return found.filter((file) => {
        const path = (0,external_node_path_.resolve)(file.path);
        if (seen.has(path))
            return false;
        seen.add(path);
        return true;
    });
}
function emptyResult(config) {
    const endpoints = {};
    for (const signal of vocabulary_SIGNALS) {
        const endpoint = config.endpoints[signal];
        if (endpoint !== undefined)
            endpoints[signal] = displayEndpoint(endpoint.url);
    }
    return {
        command: 'replay',
        status: 'delivered',
        exitCode: 0,
        dryRun: config.dryRun,
        endpoints,
        statePath: config.statePath,
        rejectsPath: config.rejectsPath,
        files: [],
        lines: 0,
        sentLines: 0,
        signals: { metrics: 0, logs: 0, traces: 0 },
        requests: 0,
        retries: 0,
        bytesSent: 0,
        splitLines: 0,
        badLines: 0,
        refusedLines: 0,
        filteredRecords: 0,
        filteredLines: 0,
        tooOldRecords: 0,
        tooOldLines: 0,
        rejectedRecords: 0,
        problems: [],
        problemsOmitted: 0,
        warnings: [...config.warnings],
        stopped: null,
        interrupted: false,
        durationMs: 0,
    };
}
function finish(result, durationMs) {
    const unread = result.files.some((f) => f.error !== undefined);
    const setAside = result.badLines + result.refusedLines > 0;
    const trouble = result.stopped !== null || unread || setAside;
    let status = 'delivered';
    if (result.dryRun)
        status = 'dry-run';
    else if (result.stopped !== null && result.sentLines === 0)
        status = 'failed';
    else if (trouble)
        status = 'partial';
    const done = {
        ...result,
        status,
        exitCode: trouble && !result.dryRun ? 1 : 0,
        durationMs,
    };
    return { ...done, run: replayRunSummary(done) };
}
/**
 * A replay's run, in lines. What is pending after it is known only when it read every file to its
 * end: then only the torn last lines held back remain (one per file); after a stop, or a file it
 * could not read, the rest is not counted. A dry run's pending are the lines it would send.
 */
function replayRunSummary(r) {
    const heldBack = r.files.filter((f) => f.heldBack).length;
    const complete = r.stopped === null && r.files.every((f) => f.error === undefined);
    const used = Object.keys(r.endpoints).filter((signal) => r.signals[signal] > 0);
    const endpoints = [...new Set(used.map((signal) => r.endpoints[signal]))];
    return {
        command: 'replay',
        status: r.status,
        exitCode: r.exitCode,
        interrupted: r.interrupted,
        durationMs: r.durationMs,
        unit: 'line',
        endpoint: endpoints.length === 0 ? null : endpoints.join(', '),
        selected: r.lines,
        delivered: r.dryRun ? 0 : r.sentLines,
        setAside: r.dryRun ? 0 : r.badLines + r.refusedLines,
        pending: r.dryRun ? r.sentLines + heldBack : complete ? heldBack : -1,
        requests: r.requests,
        retries: r.retries,
        bytesSent: r.bytesSent,
    };
}

;// CONCATENATED MODULE: ./src/engine/index.ts
/**
 * The engine as its entry points see it: the CLI and the action import this module and nothing
 * else below the config, so that how a replay reads, encodes, sends and records stays free to
 * change behind it.
 */















;// CONCATENATED MODULE: ./src/action/report-totals.ts
/** Totals over several results. */
function combine(results) {
    const total = {
        refusedEvents: 0,
        alreadyHeld: 0,
        tooOld: 0,
        tooOldForEndpoint: 0,
        selectedSetAside: 0,
        selectedPending: 0,
        selected: 0,
        delivered: 0,
        rejectedPoints: 0,
        pending: 0,
        requests: 0,
        retries: 0,
        failedRequests: 0,
        setAside: 0,
        points: {},
        tokens: { events: 0, input: 0, output: 0, saved: 0 },
        daily: [],
    };
    const days = new Map();
    for (const r of results) {
        total.selected += r.selected;
        total.delivered += r.delivered;
        total.rejectedPoints += r.rejectedPoints;
        total.refusedEvents += r.refusedEvents;
        total.alreadyHeld += r.alreadyHeld;
        total.tooOld += r.tooOld;
        total.tooOldForEndpoint += r.tooOldForEndpoint;
        total.selectedSetAside += r.selectedSetAside;
        total.selectedPending += r.selectedPending;
        total.pending = total.pending < 0 || r.pending < 0 ? -1 : total.pending + r.pending;
        total.requests += r.requests;
        total.retries += r.retries;
        total.failedRequests += r.failedRequests;
        // -1: a run could not count; the total is unknown then.
        total.setAside = total.setAside < 0 || r.setAside < 0 ? -1 : total.setAside + r.setAside;
        for (const [k, v] of Object.entries(r.points))
            total.points[k] = (total.points[k] ?? 0) + v;
        total.tokens.events += r.tokens.events;
        total.tokens.input += r.tokens.input;
        total.tokens.output += r.tokens.output;
        total.tokens.saved += r.tokens.saved;
        for (const d of r.daily) {
            const same = days.get(d.day);
            if (same === undefined)
                days.set(d.day, { ...d });
            else {
                same.events += d.events;
                same.tokensSaved += d.tokensSaved;
            }
        }
    }
    total.daily = [...days.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    return total;
}

;// CONCATENATED MODULE: ./src/action/report-status.ts




/**
 * What the sync came to, over the database and a restored copy: none without a database, else the
 * engine's status of the runs taken as one (see combinedStatus), but failed for a file export
 * whose artifact could not be uploaded: the runner throws the file away.
 */
function report_status_statusOf(results, 
/** Why the OTLP/JSON artifact could not be uploaded: a file export then kept nothing. */
artifactFailed) {
    if (results.length === 0)
        return 'none';
    const status = combinedStatus(results.map((r) => r.status));
    return status === 'exported' && artifactFailed !== undefined ? 'failed' : status;
}
/** That status in words, with the counts: the summary's title and the log's first line. */
function headline(report) {
    const results = resultsOf(report);
    if (results.length === 0)
        return 'no database found, nothing to sync';
    const total = combine(results);
    const saved = total.selected === 0 ? '' : `, ${words_count(total.tokens.saved)} tokens saved`;
    switch (combinedStatus(results.map((r) => r.status))) {
        case 'dry-run':
            return `dry run: ${words_count(total.selected)} events would be sent${saved}`;
        case 'exported':
            if (total.selected === 0)
                return 'nothing new to export (no endpoint)';
            // The file is on the runner, which throws it away: only an uploaded artifact keeps it.
            if (report.artifactFailed !== undefined)
                return `${words_count(total.selected)} events were not exported: uploading the OTLP/JSON artifact failed (no endpoint)${saved}`;
            if (report.artifact === undefined)
                return `${words_count(total.selected)} events written to an OTLP/JSON file, not uploaded${report.artifactSkipped === undefined ? '' : ` (${report.artifactSkipped})`}${saved}`;
            return `${words_count(total.selected)} events written to the OTLP/JSON artifact (no endpoint)${saved}`;
        case 'failed':
        case 'partial': {
            const setAside = total.selectedSetAside > 0 ? `, ${words_count(total.selectedSetAside)} set aside` : '';
            return `delivered ${words_count(total.delivered)} of ${words_count(total.selected)} events; ${words_count(total.selectedPending)} stay pending${setAside}${saved}`;
        }
        case 'delivered':
            return total.selected === 0
                ? 'nothing new to deliver'
                : `delivered ${words_count(total.delivered)} events${saved}`;
    }
}

;// CONCATENATED MODULE: ./src/action/log-lines.ts





/**
 * What happened, in a few plain lines for the step log: where the database came from, what became
 * of the events, where the artifact went and what was saved.
 */
function logLines(report) {
    const lines = [`telemetry-sync: ${headline(report)}`, `  database: ${restoreLine(report)}`];
    const results = resultsOf(report);
    if (results.length > 0) {
        const t = combine(results);
        const parts = [
            `${words_count(t.selected)} selected`,
            `${words_count(t.delivered)} delivered`,
            `${known(t.pending)} pending`,
        ];
        if (t.alreadyHeld > 0)
            parts.push(`${t.alreadyHeld} of them already in the backend`);
        if (t.refusedEvents > 0)
            parts.push(`${t.refusedEvents} refused and set aside`);
        if (t.tooOld > 0)
            parts.push(`${t.tooOld} older than max-age`);
        if (t.tooOldForEndpoint > 0)
            parts.push(`${t.tooOldForEndpoint} older than the endpoint keeps`);
        if (t.rejectedPoints > 0)
            parts.push(`${t.rejectedPoints} points rejected`);
        lines.push(`  events: ${parts.join(', ')}`);
        lines.push(`  tokens: ${words_count(t.tokens.saved)} saved (${words_count(t.tokens.input)} in, ${words_count(t.tokens.output)} out)`);
        const endpoint = results.find((r) => r.endpoint !== null)?.endpoint;
        lines.push(`  endpoint: ${endpoint ? hostOf(endpoint) : 'none (OTLP/JSON file only)'}`);
    }
    if (report.artifact !== undefined)
        lines.push(`  artifact: ${report.artifact.name} (${report.artifact.url})`);
    else if (report.artifactFailed !== undefined)
        lines.push(`  artifact: the upload failed: ${report.artifactFailed}`);
    else if (report.artifactSkipped !== undefined)
        lines.push(`  artifact: ${report.artifactSkipped}`);
    if (report.save !== undefined)
        lines.push(`  saved: ${report.save.saved ? `cache key ${report.save.key}` : report.save.reason}`);
    for (const note of report.notes)
        lines.push(`  note: ${note}`);
    return lines;
}

;// CONCATENATED MODULE: ./src/action/once.ts
/**
 * Each item once: the same text twice, or an engine's error that a problem already quotes (a sync
 * that did not deliver names its first error, see sync-phase.ts), is said once.
 */
function once(items) {
    const kept = [];
    for (const item of items) {
        if (kept.some((k) => k === item || k.endsWith(`: ${item}`)))
            continue;
        kept.push(item);
    }
    return kept;
}

;// CONCATENATED MODULE: ./src/action/pr-comment.ts
const WRITE_PERMISSION = 'pull-requests: write';
const pr_comment_PAGE_SIZE = 100;
const MAX_PAGES = 20;
/**
 * The hidden first line that marks our comment: one per workflow, job and matrix leg, found again
 * by later runs (the leg's label is its matrix values, the same from run to run).
 */
function commentMarker(run, leg) {
    const parts = [run.workflow, run.job, leg.label].filter((p) => p !== '');
    return `<!-- telemetry-sync: ${parts.map((p) => p.replace(/--/g, '')).join('/')} -->`;
}
/** Keeps one comment on the pull request: edits ours if it exists, else creates it. */
async function upsertPullRequestComment(rest, run, pullRequest, body, marker) {
    const base = `/repos/${run.owner}/${run.repo}/issues`;
    for (let page = 1; page <= MAX_PAGES; page++) {
        const comments = await rest.request('GET', `${base}/${pullRequest}/comments?per_page=${pr_comment_PAGE_SIZE}&page=${page}`, WRITE_PERMISSION);
        const ours = comments.find((c) => c.body?.startsWith(marker));
        if (ours !== undefined) {
            await rest.request('PATCH', `${base}/comments/${ours.id}`, WRITE_PERMISSION, { body });
            return { id: ours.id, created: false };
        }
        if (comments.length < pr_comment_PAGE_SIZE)
            break;
    }
    const created = await rest.request('POST', `${base}/${pullRequest}/comments`, WRITE_PERMISSION, { body });
    return { id: created.id, created: true };
}

;// CONCATENATED MODULE: ./src/report/notices.ts


/** A notice in a person's words, as the CLI, the job summary and annotations show it. */
function notices_describeNotice(n) {
    return n.signal === undefined ? describe(n) : `${n.signal}: ${describe(n)}`;
}
function describe(n) {
    const events = words_plural(n.count, 'event');
    const from = n.firstId === null ? '' : ` (first: id ${n.firstId})`;
    const said = n.message === null ? '' : `: ${n.message}`;
    const one = n.count === 1;
    const were = one ? 'was' : 'were';
    const are = one ? 'is' : 'are';
    switch (n.kind) {
        case 'send-failed':
            return `a request of ${events}${from} failed${said}; it and all later events stay pending`;
        case 'record-failed':
            return `a request of ${events}${from} was answered but recording that failed${said}; these events will be sent again by the next run`;
        case 'circuit-breaker':
            return `circuit breaker: ${words_count(n.count)} events in a row were refused, so sending stopped; the events after them stay pending`;
        case 'read-failed':
            return `reading the database failed part way${said}; the events not yet read stay pending`;
        case 'database-damaged':
            return `${n.message ?? 'the database is damaged'}; the events not yet read stay pending`;
        case 'count-failed':
            return `counting pending events failed${said}`;
        case 'set-aside-failed':
            return `could not set aside ${events}${from}${said}; they stay pending`;
        case 'skip-failed':
            return `could not record ${events} of tokf's built-in commands as skipped${from}${said}; they stay pending`;
        case 'interrupted':
            // No count: the run read only part of the selection; the summary says what is still pending.
            return 'interrupted: sending stopped and what was acknowledged is recorded; the events not delivered stay pending for the next run';
        case 'lock-lost':
            return `this run lost its sync lock${said}; it stopped and recorded nothing after that, so another sync does not record the same events twice; ${n.count} selected ${one ? 'event stays' : 'events stay'} pending`;
        case 'too-old-unsent':
            return `${events}${from} ${were} refused as older than the endpoint keeps${said}; they stay pending: give --otlp-json-out DIR (the action always has one) to keep them in a file and set them aside, or --max-age to leave such events out`;
        case 'too-old-for-endpoint':
            return `${events}${from} ${were} older than the endpoint keeps${said}; not sent, kept in ${n.file ?? 'the OTLP/JSON file'} and set aside`;
        case 'beyond-backend-history':
            return `${events}${from} ${are} older than ${n.message ?? 'the backend'} keeps by default and ${were} sent: it answers success to such points and drops them, so they count as delivered here but may not be stored there; keep the preset's --max-age, or set it to the server's own retention`;
        case 'file-failed':
            return `writing ${n.file ?? 'a file'} failed${said}; what was sent is recorded`;
        case 'unexpected':
            return `sending failed unexpectedly${said}`;
        case 'already-held':
            return `${events}${from} ${were} already in the backend: the request carrying them was stored although its answer was lost (a timeout, a dropped connection, a run that did not end), and its resend was refused as out of order or duplicate${said}; recorded as delivered`;
        case 'out-of-order':
            return `the endpoint holds newer samples of a series in a request of ${events}${from} than this database recorded delivering${said}; sending stopped so that no series is counted down, and these and all later events stay pending. Another sender or another copy of this database writes the same series (give each its own service.instance.id), or this copy is older than the one synced last. To load these events anyway, write them with --openmetrics-out DIR and backfill them (promtool tsdb create-blocks-from openmetrics), or let the backend take older samples (Prometheus: storage.tsdb.out_of_order_time_window)`;
        case 'behind-endpoint':
            return n.file !== undefined
                ? `${events}${from} ${were} refused as behind newer samples their series hold at the endpoint${said}; not sent again, kept in ${n.file} and set aside (backfill them from there, e.g. promtool tsdb create-blocks-from openmetrics with --openmetrics-out)`
                : `${events}${from} ${were} refused as behind newer samples their series hold at the endpoint${said}; they stay pending: give --otlp-json-out DIR (the action always has one) to keep them in a file and set them aside, write them with --openmetrics-out DIR to backfill them, or let the backend take older samples (Prometheus: storage.tsdb.out_of_order_time_window)`;
        case 'refuses-everything':
            return `the endpoint refused every request of this run${said}, so nothing was set aside: ${events}${from} and all later ones stay pending; check the endpoint's address, its headers and any proxy's body limit (a 413 for a single event), then run again`;
        case 'refused':
            return `${events} ${were} refused and set aside as rejected (${n.message ?? 'refused'}); --retry-rejected sends them again`;
        case 'partial-success':
            return `the endpoint accepted a request but rejected ${words_plural(n.count, rejectedThing(n.signal))} of it${said}`;
        case 'too-old':
            return n.file !== undefined
                ? `${events} older than max-age ${were} not sent, only written to ${n.file}`
                : `${events} older than max-age ${were} not sent and stay pending; give an OTLP/JSON output directory to export them`;
        case 'unreadable-time':
            return `${words_plural(n.count, 'pending event')} ${one ? 'has' : 'have'} a timestamp that is not a time OTLP can carry (1970-01-01 to 2262-04-11, UTC) and cannot be replayed${n.setAside ? `; ${one ? 'it was' : 'they were'} set aside as rejected` : ''}`;
        case 'skipped-rejected':
            return `${events} set aside as rejected by earlier runs ${were} skipped (--retry-rejected sends them again)`;
        case 'clock-future':
            return `${events} ${are} stamped more than ${FUTURE_TOLERANCE_S / 60} minutes in the future${from}; the clock of the machine that recorded them may be wrong`;
        case 'redirected':
            return `${words_plural(n.count, 'request')} followed a redirect${said}; give the final URL as the endpoint to save the extra round trip`;
        case 'clock-backwards':
            return `${events} ${are} stamped earlier than an event recorded before them${from}; the recording clock went backwards`;
    }
}
/** What partial_success counts for each signal. */
function rejectedThing(signal) {
    return signal === 'logs' ? 'log record' : signal === 'traces' ? 'span' : 'data point';
}

;// CONCATENATED MODULE: ./src/action/markdown-text.ts
/**
 * What tokf or the user recorded (commands, filter names, error texts) shown in the job summary and
 * the pull-request comment as the literal text it is. GitHub renders both as GitHub-flavoured
 * Markdown and then runs its own filters over the text: without this, a filter named
 * `evil/@octocat` would notify that user from every pull request, `#42` would cross-reference an
 * issue, a URL would become a link and `</details>` would close an element of the page.
 */
const MAX_CELL = 80;
/**
 * A zero-width space, written as the entity (visible in the raw Markdown, decoded to U+200B in
 * the page). GitHub finds mentions (`@name`), issue references (`#12`, `GH-12`, `owner/repo#12`),
 * autolinks (`http://…`, `www.…`, `a@b.example`) and emoji shortcodes (`:smile:`) by patterns
 * over the text after the Markdown is rendered, so an entity for `@` itself would be decoded
 * first and still match; a character between the sign and the name breaks each pattern, and
 * reads and copies as the same text. (Renovate and Dependabot neutralise mentions this way.)
 */
const BREAK = '\u200B';
/**
 * Breaks each pattern GitHub turns into a mention, a reference, a link or an emoji, on the text as
 * recorded (before Markdown escaping, which would hide `:white_check_mark:` as
 * `:white\_check\_mark:` from a pattern here but not from GitHub's, which sees it unescaped).
 */
function breakAutolinks(value) {
    return (value
        .replace(/@/g, `@${BREAK}`)
        .replace(/#(?=\d)/g, `#${BREAK}`)
        .replace(/\b(GH-)(?=\d)/gi, `$1${BREAK}`)
        .replace(/:(?=\/\/)/g, `:${BREAK}`)
        .replace(/\b(www)\./gi, `$1${BREAK}.`)
        // A shortcode is `:name:`; two digits between colons are a clock time (10:22:13), and no
        // emoji is named so.
        .replace(/:(?=(?!\d\d:)[\w+-]+:)/g, `:${BREAK}`));
}
/**
 * Markdown-safe text: the autolink patterns broken (above), HTML's special characters as entities,
 * the Markdown punctuation that can start emphasis, code, links or table cells backslash-escaped,
 * `$` (GitHub's inline maths) in a span as GitHub documents for a literal one, line breaks folded.
 * (Characters that matter only at the start of a line never start one here: every value follows
 * a label.)
 */
function markdown_text_text(value) {
    return breakAutolinks(value.replace(/[\r\n]+/g, ' '))
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
        .replace(/\$/g, () => '<span>$</span>')
        .replace(new RegExp(BREAK, 'g'), '&#8203;');
}
/** A table cell: shortened, then escaped. */
function cell(value) {
    const short = value.length > MAX_CELL ? `${value.slice(0, MAX_CELL - 1)}…` : value;
    return markdown_text_text(short);
}

;// CONCATENATED MODULE: ./src/action/summary-charts.ts
/** Days (or months, over a long run) a chart shows at most. */
const MAX_BARS = 62;
/**
 * Tokens saved and invocations per day of the selected events, as mermaid `xychart-beta` blocks
 * (GitHub renders them in job summaries and comments): per month when the run spans more days
 * than a chart can show, and then the latest MAX_BARS months.
 */
function dailyCharts(days) {
    if (days.length === 0)
        return [];
    let buckets = days.map((d) => ({ label: d.day, events: d.events, saved: d.tokensSaved }));
    let unit = 'day';
    if (buckets.length > MAX_BARS) {
        unit = 'month';
        const months = new Map();
        for (const b of buckets) {
            const label = b.label.slice(0, 7);
            const m = months.get(label) ?? { label, events: 0, saved: 0 };
            m.events += b.events;
            m.saved += b.saved;
            months.set(label, m);
        }
        buckets = [...months.values()].slice(-MAX_BARS);
    }
    const axis = `x-axis [${buckets.map((b) => `"${b.label}"`).join(', ')}]`;
    const chart = (title, yAxis, kind, values) => [
        '```mermaid',
        'xychart-beta',
        `  title "${title}"`,
        `  ${axis}`,
        `  y-axis "${yAxis}"`,
        `  ${kind} [${values.join(', ')}]`,
        '```',
        '',
    ];
    return [
        ...chart(`Tokens saved per ${unit}`, 'tokens saved', 'bar', buckets.map((b) => b.saved)),
        ...chart(`Invocations per ${unit}`, 'invocations', 'line', buckets.map((b) => b.events)),
    ];
}

;// CONCATENATED MODULE: ./src/action/summary-markdown.ts









/** Items a list (notes, warnings, errors) shows at most. */
const MAX_LIST = 20;
/** Rows of the tokens-saved table; the rest are summed into "others". */
const COMMAND_ROWS = 10;
/**
 * The report as GitHub-flavoured Markdown. Everything that comes from the database or the
 * endpoint goes through `cell`/`text`: core.summary does not escape HTML, and a command line can
 * hold anything.
 */
function renderReport(report, marker = '') {
    const lines = [];
    if (marker !== '')
        lines.push(marker);
    lines.push(`### telemetry-sync: ${markdown_text_text(headline(report))}`, '');
    const results = resultsOf(report);
    if (results.length > 0) {
        const total = combine(results);
        lines.push('| delivered | pending | set aside | too old | tokens saved |', '| ---: | ---: | ---: | ---: | ---: |', `| ${words_count(total.delivered)} | ${known(total.pending)} | ${known(total.setAside)} | ${words_count(total.tooOld + total.tooOldForEndpoint)} | **${words_count(total.tokens.saved)}** |`, '', `${words_count(total.selected)} events selected in this run: ${words_count(total.tokens.input)} tokens in, ` +
            `${words_count(total.tokens.output)} out, ${words_count(total.tokens.saved)} saved (${percent(total.tokens)}).` +
            (total.alreadyHeld > 0
                ? ` ${words_count(total.alreadyHeld)} of the delivered were already in the backend (a resend of a request stored while its answer was lost).`
                : '') +
            ` Of them ${words_count(total.refusedEvents)} refused and set aside, ${words_count(total.tooOld)} older than max-age` +
            ` and ${words_count(total.tooOldForEndpoint)} older than the endpoint keeps (artifact only),` +
            ` ${words_count(total.rejectedPoints)} points rejected. Pending and set aside count the whole database after the run.`, '');
        lines.push(...signalTable(results));
        lines.push(...dailyCharts(total.daily));
        const first = results
            .map((r) => r.firstEventTime)
            .filter(isString)
            .sort()[0];
        const last = results
            .map((r) => r.lastEventTime)
            .filter(isString)
            .sort()
            .at(-1);
        if (first !== undefined)
            lines.push(`**Time range:** ${markdown_text_text(first)} to ${markdown_text_text(last ?? first)}`, '');
        const points = Object.entries(total.points);
        if (points.length > 0) {
            lines.push('| metric | points |', '| --- | ---: |');
            for (const [name, n] of points)
                lines.push(`| ${cell(name)} | ${n} |`);
            lines.push('');
        }
        const endpoint = results.find((r) => r.endpoint !== null)?.endpoint;
        lines.push(`**Endpoint:** ${endpoint ? cell(hostOf(endpoint)) : 'none (OTLP/JSON file only)'} · ` +
            `**requests:** ${total.requests} (${total.retries} retries, ${total.failedRequests} failed)`, '');
    }
    lines.push(`**Database:** ${markdown_text_text(restoreLine(report))}`, '');
    if (report.artifact !== undefined) {
        lines.push(`**OTLP/JSON artifact:** [${markdown_text_text(report.artifact.name)}](${report.artifact.url})`, '');
    }
    if (report.save !== undefined) {
        lines.push(`**Saved:** ${markdown_text_text(report.save.saved ? `cache key ${report.save.key}` : report.save.reason)}`, '');
    }
    const warnings = once([
        ...(report.advice ?? []),
        ...results.flatMap((r) => r.warnings.map(notices_describeNotice)),
    ]);
    const errors = once([
        ...report.problems,
        ...results.flatMap((r) => r.errors.map(notices_describeNotice)),
    ]);
    for (const [title, list] of [
        ['Notes', report.notes],
        ['Warnings', warnings],
        ['Errors', errors],
    ]) {
        if (list.length === 0)
            continue;
        lines.push(`**${title}**`, '');
        for (const item of list.slice(0, MAX_LIST))
            lines.push(`- ${markdown_text_text(item)}`);
        if (list.length > MAX_LIST)
            lines.push(`- … and ${list.length - MAX_LIST} more`);
        lines.push('');
    }
    lines.push(...commandTable(results, report.commands ?? 'program'));
    return `${lines.join('\n')}\n`;
}
/**
 * Where a run sent more than metrics (input signals), each signal's own figures: an event
 * delivered as metrics may still be pending as logs. The table above is the first signal's.
 */
function signalTable(results) {
    const rows = results.flatMap((r) => r.signals ?? []);
    if (new Set(rows.map((r) => r.signal)).size < 2)
        return [];
    return [
        '| signal | delivered | pending | set aside | too old |',
        '| --- | ---: | ---: | ---: | ---: |',
        ...rows.map((r) => `| ${r.signal} | ${words_count(r.delivered)} | ${known(r.pending)} | ${known(r.setAside)} | ${words_count(r.tooOld + r.tooOldForEndpoint)} |`),
        '',
    ];
}
/**
 * Tokens saved by command and filter, largest first, the top COMMAND_ROWS and the rest as
 * "others", with the total of the selected events. Commands are named by program and subcommand
 * unless whole command lines are asked for (they may hold secrets).
 */
function commandTable(results, commands) {
    const byKey = new Map();
    for (const r of results) {
        for (const row of commands === 'full' ? r.savedBy : r.savedByProgram) {
            const key = `${row.filter ?? ''}\u0000${row.command}`;
            const same = byKey.get(key);
            if (same === undefined)
                byKey.set(key, { ...row });
            else {
                same.events += row.events;
                same.tokensSaved += row.tokensSaved;
            }
        }
    }
    if (byKey.size === 0)
        return [];
    const rows = [...byKey.values()].sort((a, b) => b.tokensSaved - a.tokensSaved || b.events - a.events);
    const shown = rows.slice(0, COMMAND_ROWS);
    const total = combine(results).tokens;
    const otherEvents = total.events - sum(shown, (r) => r.events);
    const otherSaved = total.saved - sum(shown, (r) => r.tokensSaved);
    const lines = [
        `**Tokens saved by command and filter**${commands === 'full' ? '' : ' (program and subcommand; `summary-commands: full` shows whole command lines)'}`,
        '',
        '| command | filter | events | tokens saved |',
        '| --- | --- | ---: | ---: |',
    ];
    for (const row of shown) {
        lines.push(`| ${cell(row.command)} | ${row.filter === null ? '(passthrough)' : cell(row.filter)} | ${words_count(row.events)} | ${words_count(row.tokensSaved)} |`);
    }
    if (otherEvents > 0)
        lines.push(`| others | | ${words_count(otherEvents)} | ${words_count(otherSaved)} |`);
    lines.push(`| **total** | | **${words_count(total.events)}** | **${words_count(total.saved)}** |`, '');
    return lines;
}
function sum(items, of) {
    return items.reduce((n, item) => n + of(item), 0);
}
function percent(t) {
    return t.input === 0 ? '0%' : `${((100 * t.saved) / t.input).toFixed(1)}% of the input`;
}
function isString(v) {
    return v !== null;
}

;// CONCATENATED MODULE: ./src/action/report-phase.ts








/** Job summary and pull-request comment. Never throws: failures join the report's problems. */
async function publishReport(inputs, run, report, leg) {
    for (const line of logLines(report))
        core/* info */.pq(line);
    // A fork's token cannot comment; the fork note in the report says so once.
    if (inputs.commentOnPr && run.pullRequest !== undefined && !run.fromFork) {
        if (inputs.githubToken === '') {
            report.problems.push('comment-on-pr is set but there is no github-token');
        }
        else {
            try {
                const marker = commentMarker(run, leg);
                const rest = new GithubRest(run, inputs.githubToken);
                const { created } = await upsertPullRequestComment(rest, run, run.pullRequest, renderReport(report, marker), marker);
                core/* info */.pq(`${created ? 'created' : 'updated'} the telemetry comment on pull request #${run.pullRequest}`);
            }
            catch (err) {
                report.problems.push(`updating the pull-request comment failed: ${describeServiceError(err)}`);
            }
        }
    }
    if (inputs.summary) {
        try {
            await core/* summary */.z.addRaw(renderReport(report)).write();
        }
        catch (err) {
            report.problems.push(`writing the job summary failed: ${errors_messageOf(err)}`);
        }
    }
}
/**
 * Problems become warning annotations: telemetry must not fail the user's job unless they ask
 * with fail-on-error.
 */
function reportProblems(problems, failOnError, advice = []) {
    // Missing permissions: a warning to act on, but telemetry that works around them is not a failure.
    for (const a of once(advice))
        core/* warning */.$e(a, { title: 'telemetry-sync' });
    for (const p of once(problems))
        core/* warning */.$e(p, { title: 'telemetry-sync' });
    if (failOnError && problems.length > 0) {
        core/* setFailed */.C1(`telemetry-sync: ${problems.length} problem(s); the first: ${problems[0]}`);
    }
}

;// CONCATENATED MODULE: ./src/action/inputs.ts





/** Engine errors name action inputs the way a workflow author wrote them. */
const inputLabel = (key) => named(specOf(key).input ?? specOf(key).flag);
const named = (input) => `input "${input}"`;
/** Reads and checks every input; a bad value is a UsageError naming the input. */
function readActionInputs(getInput, env) {
    const get = (name) => getInput(name).trim();
    const databasePath = get(SETTINGS.db.input) || defaultTokfDbPath(env);
    const settings = { ...engineSettings(get), db: databasePath };
    return {
        databasePath,
        restore: oneOf(get(constants/* Inputs */.G0.Restore) || 'cache-then-artifact', constants/* Inputs */.G0.Restore, [
            'cache',
            'artifact',
            'cache-then-artifact',
            'none',
        ]),
        sync: oneOf(get(constants/* Inputs */.G0.Sync) || 'post', constants/* Inputs */.G0.Sync, ['post', 'now']),
        cacheKeyPrefix: cacheKeyPrefix(get(constants/* Inputs */.G0.CacheKeyPrefix) || constants/* DEFAULT_CACHE_KEY_PREFIX */.Sq),
        saveCache: bool(get(constants/* Inputs */.G0.SaveCache), constants/* Inputs */.G0.SaveCache, true),
        artifactName: get(constants/* Inputs */.G0.ArtifactName) || constants/* DEFAULT_ARTIFACT_NAME */.N0,
        artifactRunId: runId(get(constants/* Inputs */.G0.ArtifactRunId)),
        githubToken: get(constants/* Inputs */.G0.GithubToken) || env.GITHUB_TOKEN || '',
        settings,
        signals: [
            ...(lookUpSetting('signals', settings, env, Date.now(), inputLabel)?.value ??
                DEFAULT_SIGNALS),
        ],
        ciAttributes: bool(get(constants/* Inputs */.G0.CiAttributes), constants/* Inputs */.G0.CiAttributes, true),
        otlpArtifact: oneOf(get(constants/* Inputs */.G0.OtlpArtifact) || 'on-failure', constants/* Inputs */.G0.OtlpArtifact, [
            'always',
            'on-failure',
            'never',
        ]),
        openmetrics: bool(get(constants/* Inputs */.G0.Openmetrics), constants/* Inputs */.G0.Openmetrics, false),
        otlpArtifactName: artifactName(get(constants/* Inputs */.G0.OtlpArtifactName) || constants/* DEFAULT_OTLP_ARTIFACT_NAME */.TA),
        retentionDays: retentionDays(get(constants/* Inputs */.G0.RetentionDays)),
        summary: bool(get(constants/* Inputs */.G0.Summary), constants/* Inputs */.G0.Summary, true),
        summaryCommands: oneOf(get(constants/* Inputs */.G0.SummaryCommands) || 'program', constants/* Inputs */.G0.SummaryCommands, [
            'program',
            'full',
        ]),
        commentOnPr: bool(get(constants/* Inputs */.G0.CommentOnPr), constants/* Inputs */.G0.CommentOnPr, false),
        failOnError: bool(get(constants/* Inputs */.G0.FailOnError), constants/* Inputs */.G0.FailOnError, false),
        leg: get(constants/* Inputs */.G0.Leg),
        tokfLiveExport: oneOf(get(constants/* Inputs */.G0.TokfLiveExport) || 'keep', constants/* Inputs */.G0.TokfLiveExport, [
            'keep',
            'off',
        ]),
        gridctl: gridctlDir(get(constants/* Inputs */.G0.Gridctl)),
    };
}
/**
 * Every engine setting the action has an input for, as given (blank included: the engine then
 * falls back to the environment and its default, as for an omitted flag).
 */
function engineSettings(get) {
    return settingsFrom((spec) => {
        if (spec.input === undefined)
            return undefined;
        return spec.type === 'boolean' ? bool(get(spec.input), spec.input, false) : get(spec.input);
    });
}
/** `true`: gridctl's default directory; `false` or blank: none; else the directory. */
function gridctlDir(value) {
    if (value === '' || ['false', 'False', 'FALSE'].includes(value))
        return undefined;
    return ['true', 'True', 'TRUE'].includes(value) ? '' : value;
}
function oneOf(value, input, allowed) {
    if (allowed.includes(value))
        return value;
    throw new UsageError(`${named(input)}: "${value}" is not one of ${allowed.join(', ')}`);
}
// The YAML 1.2 core schema booleans, which is what @actions/core accepts too.
function bool(value, input, fallback) {
    if (value === '')
        return fallback;
    if (['true', 'True', 'TRUE'].includes(value))
        return true;
    if (['false', 'False', 'FALSE'].includes(value))
        return false;
    throw new UsageError(`${named(input)}: "${value}" is not true or false`);
}
function runId(value) {
    if (value === '')
        return undefined;
    if (!/^\d+$/.test(value) || Number(value) === 0) {
        throw new UsageError(`${named(constants/* Inputs */.G0.ArtifactRunId)}: "${value}" is not a workflow run id`);
    }
    return Number(value);
}
function retentionDays(value) {
    if (value === '')
        return undefined;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 90) {
        throw new UsageError(`${named(constants/* Inputs */.G0.RetentionDays)}: "${value}" is not a number of days from 1 to 90`);
    }
    return n;
}
// Cache keys may not contain commas and are at most 512 characters; ours append about 40.
function cacheKeyPrefix(value) {
    if (value.includes(',') || value.length > 400) {
        throw new UsageError(`${named(constants/* Inputs */.G0.CacheKeyPrefix)}: must have no commas and at most 400 characters`);
    }
    return value;
}
// Characters GitHub refuses in artifact names.
function artifactName(value) {
    if (/[":<>|*?\\/\r\n]/.test(value)) {
        throw new UsageError(`${named(constants/* Inputs */.G0.OtlpArtifactName)}: "${value}" contains a character artifact names may not have (" : < > | * ? \\ /)`);
    }
    return value;
}

;// CONCATENATED MODULE: ./src/action/secrets.ts

/**
 * Every value that must be masked in the log: header values (from the input and the OTEL
 * variables), any credential or query value in the endpoint URL and the proxy URLs' credentials.
 * Parsed leniently, so that a malformed input is masked before the error about it is printed.
 */
function secretValues(settings, env) {
    const out = new Set();
    const headerLists = [
        settings.headers,
        env.OTEL_EXPORTER_OTLP_HEADERS,
        env.OTEL_EXPORTER_OTLP_METRICS_HEADERS,
    ];
    for (const list of headerLists) {
        if (list === undefined || list.trim() === '')
            continue;
        for (const item of list.split(/[,\r\n]/)) {
            const eq = item.indexOf('=');
            // An item without "=" may be a bare token pasted by mistake: mask all of it.
            const value = (eq < 0 ? item : item.slice(eq + 1)).trim();
            secrets_add(out, value);
            secrets_add(out, safeDecode(value));
        }
    }
    const endpoints = [
        settings.endpoint,
        settings.metricsEndpoint,
        env.OTEL_EXPORTER_OTLP_ENDPOINT,
        env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
    ];
    for (const endpoint of endpoints) {
        if (endpoint === undefined || endpoint.trim() === '')
            continue;
        let url;
        try {
            url = new URL(endpoint.trim());
        }
        catch {
            // Unparseable: the whole value may hide a credential.
            secrets_add(out, endpoint.trim());
            continue;
        }
        for (const part of [url.username, url.password]) {
            secrets_add(out, part);
            secrets_add(out, safeDecode(part));
        }
        if (url.username !== '' || url.password !== '') {
            secrets_add(out, Buffer.from(`${safeDecode(url.username)}:${safeDecode(url.password)}`).toString('base64'));
        }
        for (const value of url.searchParams.values())
            secrets_add(out, value);
    }
    for (const value of proxyValues(env))
        secrets_add(out, value);
    return [...out];
}
/** The proxies' credentials; a proxy URL too broken to read is masked whole. */
function proxyValues(env) {
    try {
        return proxySecrets(readProxySettings(env));
    }
    catch {
        return ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'].flatMap((name) => {
            const value = env[name]?.trim();
            return value === undefined || value === '' ? [] : [value];
        });
    }
}
// Masking a very short value would blank out ordinary words all over the log.
function secrets_add(set, value) {
    if (value.length >= 3)
        set.add(value);
}
function safeDecode(value) {
    try {
        return decodeURIComponent(value);
    }
    catch {
        return value;
    }
}

;// CONCATENATED MODULE: ./src/closest.ts
/**
 * "Did you mean": the command-line flags and commands and the action's inputs suggest the name
 * nearest to a mistyped one.
 */
/** The candidate nearest to a mistyped word, if it is near enough to be what was meant. */
function closest(word, candidates) {
    let best;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = editDistance(word.toLowerCase(), c);
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    // One edit in short words, a third of the letters in long ones; a prefix is near too.
    const limit = Math.max(1, Math.floor(word.length / 3));
    if (best !== undefined && (bestDistance <= limit || (word.length >= 3 && best.startsWith(word))))
        return best;
    return undefined;
}
/** Damerau-Levenshtein (optimal string alignment): swapped neighbours count as one edit. */
function editDistance(a, b) {
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                v = Math.min(v, d[i - 2][j - 2] + 1);
            d[i][j] = v;
        }
    }
    return d[a.length][b.length];
}

;// CONCATENATED MODULE: ./src/action/unknown-inputs.ts




/** Every input action.yml declares: the engine settings' and the action's own. */
const DECLARED_INPUTS = [
    ...SETTING_KEYS.flatMap((key) => specOf(key).input ?? []),
    ...Object.values(constants/* Inputs */.G0),
];
/**
 * The variable the runner sets for an input: `INPUT_` and the name upper-cased with spaces as `_`
 * (hyphens stay), as @actions/core's getInput reads it.
 */
function inputVariable(name) {
    return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
/**
 * A `with:` key action.yml does not declare: GitHub's runner only warns ("Unexpected input(s)")
 * and nektos/act says nothing, and the step runs with the value ignored. A misspelled `endpiont:`
 * would then run as if no endpoint were set, indistinguishable from a fork's pull request. The
 * runner sets a variable for every declared input (its default when not given), so any other
 * `INPUT_` variable is one of those keys. A UsageError naming each with the nearest declared
 * input, and the list of them.
 */
function checkInputNames(env) {
    const known = new Set(DECLARED_INPUTS.map(inputVariable));
    const unknown = Object.keys(env)
        .filter((name) => name.startsWith('INPUT_') && !known.has(name.toUpperCase()))
        .sort();
    if (unknown.length === 0)
        return;
    const each = unknown.map((variable) => {
        // The runner upper-cased the key: lower case is how a workflow most likely spelled it.
        const given = variable.slice('INPUT_'.length).toLowerCase();
        const near = closest(given, DECLARED_INPUTS);
        return `"${given}" (${variable})${near === undefined ? '' : `: did you mean "${near}"?`}`;
    });
    throw new UsageError(`${unknown.length === 1 ? 'an input this action does not have' : 'inputs this action does not have'}: ${each.join('; ')}. ` +
        `The inputs are: ${[...DECLARED_INPUTS].sort().join(', ')}`);
}

;// CONCATENATED MODULE: ./src/action/read-inputs.ts







/**
 * Masks every secret before anything is logged, then validates. A bad input, or one action.yml
 * does not declare (see unknown-inputs.ts), is a configuration error that every run would repeat:
 * it fails the step with its message, whatever fail-on-error says (that governs delivery), and the
 * step does nothing else. The post step only notes it: the
 * main step has failed on it already.
 */
function readInputsOrReport(step = 'main') {
    const getInput = (name) => core/* getInput */.V4(name);
    const raw = {
        headers: getInput(SETTINGS.headers.input),
        endpoint: getInput(SETTINGS.endpoint.input),
        metricsEndpoint: getInput(SETTINGS.metricsEndpoint.input),
    };
    for (const secret of secretValues(raw, process.env))
        core/* setSecret */.Pq(secret);
    try {
        checkInputNames(process.env);
        const inputs = readActionInputs(getInput, process.env);
        // The engine's settings are checked here too, so that a bad one stops the main step at once
        // rather than surfacing only when the post step syncs.
        buildSyncConfig({ ...inputs.settings, otlpJsonOut: 'unused' }, process.env, Date.now(), inputLabel);
        return inputs;
    }
    catch (err) {
        if (step === 'main')
            core/* setFailed */.C1(`telemetry-sync: ${errors_messageOf(err)}`);
        else
            core/* info */.pq(`telemetry-sync did nothing: ${errors_messageOf(err)} (reported by the main step)`);
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/action/files.ts


/** Moves a file, across file systems too (the workspace and home may be different mounts). */
function moveFile(from, to) {
    (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(to), { recursive: true });
    try {
        (0,external_node_fs_.renameSync)(from, to);
    }
    catch (err) {
        if (err.code !== 'EXDEV')
            throw err;
        (0,external_node_fs_.copyFileSync)(from, to);
        (0,external_node_fs_.rmSync)(from, { force: true });
    }
}

;// CONCATENATED MODULE: ./src/action/toolkit-clients.ts
/**
 * The toolkit's cache and artifact packages, loaded when first used rather than with the action:
 * together they bring tens of MB of modules (storage SDKs, HTTP clients, protobuf runtimes) that a
 * post step which neither restores, saves nor uploads never needs, and which would otherwise sit
 * under the sync's peak memory and lengthen every start.
 */
async function cacheToolkit() {
    return await Promise.all(/* import() */[__webpack_require__.e(110), __webpack_require__.e(612)]).then(__webpack_require__.bind(__webpack_require__, 50612));
}
/** A client of the artifact service (see cacheToolkit for why it is loaded late). */
async function artifactClient() {
    const { DefaultArtifactClient: Client } = await Promise.all(/* import() */[__webpack_require__.e(110), __webpack_require__.e(458)]).then(__webpack_require__.bind(__webpack_require__, 67458));
    return new Client();
}

;// CONCATENATED MODULE: ./src/action/artifact-source.ts






const READ_PERMISSION = 'actions: read';
/**
 * Restores the database from a workflow artifact to `target`: from `runId` when given, else from
 * this run, else from the newest unexpired artifact of that name in the repository (found through
 * the REST API with the token). Undefined when there is none; a service that fails throws, so that
 * its failure is not taken for "none".
 */
async function restoreDatabaseFromArtifact(options) {
    const { name, runId, token, run, target } = options;
    const client = await artifactClient();
    const findBy = (id) => ({
        token,
        workflowRunId: id,
        repositoryOwner: run.owner,
        repositoryName: run.repo,
    });
    let found;
    if (runId !== undefined) {
        const artifact = await getArtifact(client, name, { findBy: findBy(runId) });
        if (artifact !== undefined)
            found = { id: artifact, runId: String(runId), findBy: findBy(runId) };
    }
    else {
        // "Not in this run" (undefined) goes on to the repository's newest; a failing artifact service
        // does too, but is what the caller hears of when that finds nothing either, not "none found".
        let failedHere;
        const here = await getArtifact(client, name, {}).catch((err) => {
            failedHere = err;
            return undefined;
        });
        if (here !== undefined) {
            found = { id: here, runId: run.runId };
        }
        else if (token !== '') {
            const newest = await newestArtifact(new GithubRest(run, token), run, name);
            const newestRun = newest?.workflow_run?.id;
            if (newest !== undefined && newestRun !== undefined) {
                found = { id: newest.id, runId: String(newestRun), findBy: findBy(newestRun) };
            }
        }
        if (found === undefined && failedHere !== undefined) {
            throw new Error(`looking for it in this run failed: ${describeServiceError(failedHere)}${token === '' ? '' : ', and the repository has no artifact of that name'}`);
        }
    }
    if (found === undefined)
        return undefined;
    const dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(run.runnerTemp, 'telemetry-sync-artifact-'));
    try {
        await wrapPermission(() => client.downloadArtifact(found.id, {
            path: dir,
            ...(found.findBy && { findBy: found.findBy }),
        }));
        moveFile(findDatabaseFile(dir, name), target);
    }
    finally {
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    }
    return { artifactId: found.id, runId: found.runId };
}
async function getArtifact(client, name, options) {
    try {
        const { artifact } = await wrapPermission(() => client.getArtifact(name, options));
        return artifact.id;
    }
    catch (err) {
        if (err instanceof Error && err.name === 'ArtifactNotFoundError')
            return undefined;
        throw err;
    }
}
async function newestArtifact(rest, run, name) {
    const path = `/repos/${run.owner}/${run.repo}/actions/artifacts?name=${encodeURIComponent(name)}&per_page=100`;
    const page = await rest.request('GET', path, READ_PERMISSION);
    return (page.artifacts ?? [])
        .filter((a) => a.name === name && !a.expired)
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))[0];
}
// The toolkit throws Octokit's errors for REST failures; say which permission is missing.
async function wrapPermission(work) {
    try {
        return await work();
    }
    catch (err) {
        const status = err.status;
        if (status === 401 || status === 403) {
            throw new GithubApiError(`reading artifacts was refused (${status}); the token needs the "${READ_PERMISSION}" permission`, status);
        }
        throw err;
    }
}
/** The database inside a downloaded artifact: tracking.db, else its only .db file. */
function findDatabaseFile(dir, artifactName) {
    const files = listFiles(dir);
    const named = files.find((f) => f.endsWith('/tracking.db') || f.endsWith('\\tracking.db'));
    if (named !== undefined)
        return named;
    const dbs = files.filter((f) => f.endsWith('.db') || f.endsWith('.sqlite'));
    if (dbs.length === 1)
        return dbs[0];
    throw new Error(`artifact "${artifactName}" has no tracking.db (files: ${files.map((f) => f.slice(dir.length + 1)).join(', ') || 'none'})`);
}
function listFiles(dir) {
    return (0,external_node_fs_.readdirSync)(dir).flatMap((entry) => {
        const path = (0,external_node_path_.join)(dir, entry);
        return (0,external_node_fs_.statSync)(path).isDirectory() ? listFiles(path) : [path];
    });
}

;// CONCATENATED MODULE: ./src/action/cache-entries.ts

const LIST_PERMISSION = 'actions: read';
const DELETE_PERMISSION = 'actions: write';
const cache_entries_PAGE_SIZE = 100;
/** Past this many entries the listing stops: the newest are what a restore needs. */
const cache_entries_MAX_PAGES = 10;
/** This repository's cache entries whose key starts with `prefix`, newest first (actions: read). */
async function listCacheEntries(rest, run, prefix) {
    const out = [];
    for (let page = 1; page <= cache_entries_MAX_PAGES; page++) {
        const path = `/repos/${run.owner}/${run.repo}/actions/caches?key=${encodeURIComponent(prefix)}` +
            `&sort=created_at&direction=desc&per_page=${cache_entries_PAGE_SIZE}&page=${page}`;
        const body = await rest.request('GET', path, LIST_PERMISSION);
        const entries = body?.actions_caches ?? [];
        for (const e of entries) {
            if (typeof e.id !== 'number' || typeof e.key !== 'string' || !e.key.startsWith(prefix))
                continue;
            out.push({
                id: e.id,
                key: e.key,
                ref: typeof e.ref === 'string' ? e.ref : '',
                createdAt: typeof e.created_at === 'string' ? e.created_at : '',
                sizeInBytes: typeof e.size_in_bytes === 'number' ? e.size_in_bytes : 0,
            });
        }
        if (entries.length < cache_entries_PAGE_SIZE)
            break;
    }
    // Newest first, by creation and then by id (ids grow), whatever order the pages came in. As
    // instants, not strings: `…:05Z` and `…:05.5Z` are both ISO 8601.
    return out.sort((a, b) => createdMs(b) - createdMs(a) || b.id - a.id);
}
function createdMs(entry) {
    const ms = Date.parse(entry.createdAt);
    return Number.isNaN(ms) ? 0 : ms;
}
/**
 * Deletes a cache entry (actions: write). `deleted` when this call removed it, `gone` when it was
 * no longer there (another run deleted it first); a refusal throws GithubApiError.
 */
async function deleteCacheEntry(rest, run, id) {
    try {
        await rest.request('DELETE', `/repos/${run.owner}/${run.repo}/actions/caches/${id}`, DELETE_PERMISSION);
        return 'deleted';
    }
    catch (err) {
        if (err instanceof GithubApiError && err.status === 404)
            return 'gone';
        throw err;
    }
}
/** A refusal for want of a permission, as opposed to a failure worth reporting on its own. */
function isPermissionRefusal(err) {
    return err instanceof GithubApiError && (err.status === 401 || err.status === 403);
}

;// CONCATENATED MODULE: ./src/action/cache-failures.ts
/**
 * @actions/cache's restoreCache reports every failure (a service that fails, a refused read, a
 * broken download) only as a "Failed to restore: …" annotation, and returns a miss just as it does
 * when there is nothing there; saveCache reports its failures as "Failed to save: …" (an
 * annotation, or a plain line when the key is taken) and returns -1. This reads those lines off
 * stdout while the call runs, so that the caller can tell a failing cache from an empty one and
 * report the failure itself, with its cause, once: the annotations are logged as plain lines.
 */
const FAILED = /^(?:::(?:warning|error)[^:]*::)?Failed to (?:restore|save): (.*)$/;
/** The value `work` gave, and the failure the toolkit reported while it ran, if any. */
async function catchCacheFailure(work) {
    const write = process.stdout.write;
    let failure;
    process.stdout.write = function (chunk, ...rest) {
        if (typeof chunk !== 'string' || !chunk.includes('Failed to '))
            return write.call(process.stdout, chunk, ...rest);
        const lines = chunk.split(/(?<=\n)/).map((line) => {
            const m = FAILED.exec(line.replace(/\r?\n$/, ''));
            if (m === null)
                return line;
            // An annotation's data is escaped; a plain line (core.info) is as written.
            const annotation = line.startsWith('::');
            const cause = annotation ? unescapeData(m[1]) : m[1];
            failure ??= cause;
            return annotation
                ? `${line.replace(/^::[^:]*::(.*?)\r?\n?$/, '$1').replace(m[1], () => cause)}\n`
                : line;
        });
        return write.call(process.stdout, lines.join(''), ...rest);
    };
    try {
        const value = await work();
        return { value, failure };
    }
    finally {
        process.stdout.write = write;
    }
}
// The inverse of @actions/core's escaping of a command's data.
function unescapeData(text) {
    return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

;// CONCATENATED MODULE: ./src/action/database-cache.ts







/**
 * The cache stores paths relative to GITHUB_WORKSPACE, and its version hashes the path patterns as
 * given. So the database goes through a fixed staging path inside the workspace, given to the cache
 * as the same relative pattern on restore and save: the key matches on any runner, wherever the
 * workspace or the database lives. The staging copy exists only during the step.
 */
const STAGING_DIR = '.telemetry-sync-cache';
const STAGING_PATTERN = `${STAGING_DIR}/tracking.db`;
function cacheKeys(prefix, run, leg) {
    const restorePrefix = `${prefix}-${run.os}-`;
    return {
        primary: `${restorePrefix}${run.runId}-${run.runAttempt}-${leg.id}`,
        restorePrefix,
    };
}
async function cacheAvailable() {
    return (await cacheToolkit()).isFeatureAvailable();
}
/**
 * Restores the newest cached database to `target`; the key restored, or undefined on a miss. A
 * cache that fails throws, with the toolkit's reason.
 */
async function restoreDatabaseFromCache(keys, run, target) {
    return restoreEntry(run, keys.primary, [keys.restorePrefix], target);
}
/** Restores the entry of exactly this key to `target`; the key, or undefined on a miss. */
async function restoreCacheEntry(run, key, target) {
    return restoreEntry(run, key, [], target);
}
async function restoreEntry(run, primary, restoreKeys, target) {
    const cache = await cacheToolkit();
    if (!cache.isFeatureAvailable())
        return undefined;
    return inWorkspace(run, async () => {
        try {
            const { value: key, failure } = await catchCacheFailure(() => cache.restoreCache([STAGING_PATTERN], primary, restoreKeys));
            // A failing service is not "nothing there": the caller reports it as such.
            if (key === undefined && failure !== undefined) {
                throw new Error(failure.trim() !== ''
                    ? failure
                    : `the cache service or its storage failed on key ${primary} and gave no reason`);
            }
            if (key !== undefined)
                moveFile((0,external_node_path_.join)(run.workspace, STAGING_PATTERN), target);
            return key;
        }
        finally {
            (0,external_node_fs_.rmSync)((0,external_node_path_.join)(run.workspace, STAGING_DIR), { recursive: true, force: true });
        }
    });
}
/**
 * Saves a consistent copy of the database (SQLite's online backup, so tokf writing meanwhile
 * cannot tear it) under this run's key.
 */
async function saveDatabaseToCache(keys, run, dbPath) {
    const cache = await cacheToolkit();
    if (!cache.isFeatureAvailable()) {
        return {
            saved: false,
            reason: 'the Actions cache service is not available on this runner',
            warn: true,
        };
    }
    return inWorkspace(run, async () => {
        const staging = (0,external_node_path_.join)(run.workspace, STAGING_PATTERN);
        try {
            (0,external_node_fs_.mkdirSync)((0,external_node_path_.join)(run.workspace, STAGING_DIR), { recursive: true });
            await copyDatabase(dbPath, staging);
            const { value: id, failure } = await catchCacheFailure(() => cache.saveCache([STAGING_PATTERN], keys.primary));
            if (id === -1) {
                return {
                    saved: false,
                    reason: `the cache did not save key ${keys.primary}: ${failure?.trim() || 'it gave no reason'}`,
                    warn: true,
                };
            }
            return { saved: true, key: keys.primary };
        }
        catch (err) {
            return {
                saved: false,
                reason: `saving the cache failed: ${describeServiceError(err)}`,
                warn: true,
            };
        }
        finally {
            (0,external_node_fs_.rmSync)((0,external_node_path_.join)(run.workspace, STAGING_DIR), { recursive: true, force: true });
        }
    });
}
// The cache resolves its path patterns against the working directory.
async function inWorkspace(run, work) {
    const before = process.cwd();
    (0,external_node_fs_.mkdirSync)(run.workspace, { recursive: true });
    process.chdir(run.workspace);
    try {
        return await work();
    }
    finally {
        process.chdir(before);
    }
}

;// CONCATENATED MODULE: ./src/action/gather.ts









/** More entries than this in one restore wait for the next run (each is a download). */
const MAX_MERGED = 20;
/**
 * Restores the newest of this action's cache entries to `target` and merges into it every other
 * entry of this run's ref that it does not already hold (see mergeDatabase): the entries that
 * overlapping runs and the legs of a matrix saved side by side. Entries are listed through the REST
 * API (actions: read).
 */
async function gatherFromCache(run, keys, token, target, 
/** What this run sends each event as: an event is a leftover while one of them still owes it. */
signals) {
    if (token === '')
        return {
            kind: 'unlisted',
            reason: 'there is no github-token to list them with',
            refused: true,
        };
    let listed;
    try {
        listed = await listCacheEntries(new GithubRest(run, token), run, keys.restorePrefix);
    }
    catch (err) {
        return {
            kind: 'unlisted',
            reason: describeServiceError(err),
            refused: isPermissionRefusal(err),
        };
    }
    const readable = readRuntimeToken(process.env.ACTIONS_RUNTIME_TOKEN).readableRefs;
    const candidates = listed.filter((e) => readable === undefined || readable.includes(e.ref));
    const ownRef = (e) => run.ref === '' || e.ref === run.ref;
    const own = candidates.filter(ownRef);
    const ordered = [...own, ...candidates.filter((e) => !ownRef(e))];
    const result = {
        baseKey: '',
        baseRef: '',
        held: [],
        superseded: [],
        added: 0,
        notes: [],
        problems: [],
    };
    // The newest entry that restores; one that fails leaves the next to try, and the failure is the
    // outcome only when none restores (listed entries that cannot be had are not "none").
    let base;
    let failure;
    for (const entry of ordered) {
        try {
            if ((await restoreCacheEntry(run, entry.key, target)) !== undefined) {
                base = entry;
                break;
            }
        }
        catch (err) {
            failure ??= err;
        }
    }
    if (base === undefined && failure !== undefined)
        throw failure;
    if (base === undefined)
        return { kind: 'miss' };
    result.baseKey = base.key;
    result.baseRef = base.ref;
    const baseLastId = nextEventId(target) - 1;
    const lineage = new Set(readLineage(target));
    lineage.add(base.key);
    if (!ownRef(base)) {
        // That branch's runs still hold its pending events and send them; sending them here too would
        // count them twice.
        const left = markPendingDone(target, signals);
        if (left > 0) {
            result.notes.push(`${left} event(s) pending in the database of ${base.ref} were left to that branch's runs, which hold and send them`);
        }
    }
    else {
        result.held.push({ id: base.id, key: base.key, pending: 0 });
    }
    let merged = 0;
    for (const entry of own) {
        if (entry === base || lineage.has(entry.key))
            continue;
        if (merged >= MAX_MERGED) {
            result.notes.push(`more than ${MAX_MERGED} cache entries to merge: the older ones wait for the next run`);
            break;
        }
        const copy = (0,external_node_path_.join)(run.runnerTemp, 'telemetry-sync', `merge-${entry.id}.db`);
        try {
            if ((await restoreCacheEntry(run, entry.key, copy)) === undefined)
                continue;
            const outcome = mergeDatabase(target, copy, { sourceKey: entry.key, signals });
            for (const key of readLineage(copy))
                lineage.add(key);
            lineage.add(entry.key);
            result.held.push({ id: entry.id, key: entry.key, pending: outcome.pendingFromSource });
            result.added += outcome.added;
            merged += 1;
            core/* info */.pq(`merged cache entry ${entry.key}: ${outcome.added} event(s) added, ${outcome.alreadyHeld} already held`);
        }
        catch (err) {
            result.problems.push(`could not merge cache entry ${entry.key} (kept for a later run): ${describeServiceError(err)}`);
        }
        finally {
            (0,external_node_fs_.rmSync)(copy, { force: true });
        }
    }
    const baseEntry = result.held.find((h) => h.id === base.id);
    if (baseEntry !== undefined)
        baseEntry.pending = countPendingUpTo(target, baseLastId, signals);
    const heldIds = new Set(result.held.map((h) => h.id));
    result.superseded = own
        .filter((e) => !heldIds.has(e.id) && lineage.has(e.key))
        .map((e) => ({ id: e.id, key: e.key }));
    // Only entries that still exist are worth remembering.
    const existing = new Set(listed.map((e) => e.key));
    writeLineage(target, [...lineage].filter((k) => existing.has(k)));
    return { kind: 'gathered', gathered: result };
}

;// CONCATENATED MODULE: ./src/action/restore.ts











/**
 * Restores the database by the `restore` input, never over a database that already exists (tokf
 * ran earlier in the job, or a self-hosted runner keeps its home): then the restored copy goes to a
 * side file, whose pending events the sync sends too. Never throws: problems are reported.
 */
async function restoreDatabase(inputs, run, leg) {
    const dbPath = inputs.databasePath;
    const existing = (0,external_node_fs_.existsSync)(dbPath);
    const state = {
        dbPath,
        restoredFrom: existing ? 'existing' : 'none',
        cacheHit: false,
        notes: [],
        problems: [],
    };
    const keys = cacheKeys(inputs.cacheKeyPrefix, run, leg);
    const problemsBefore = state.problems.length;
    const target = existing
        ? (0,external_node_path_.join)(run.runnerTemp, 'telemetry-sync', `restored-${run.runId}-${run.runAttempt}.db`)
        : dbPath;
    if ((inputs.restore === 'cache' || inputs.restore === 'cache-then-artifact') &&
        (await cacheAvailable())) {
        try {
            await restoreFromCache(inputs, run, leg, target, state);
        }
        catch (err) {
            state.problems.push(`restoring from the cache failed: ${describeServiceError(err)}`);
        }
    }
    if (!state.cacheHit &&
        (inputs.restore === 'artifact' || inputs.restore === 'cache-then-artifact')) {
        try {
            const found = await restoreDatabaseFromArtifact({
                name: inputs.artifactName,
                runId: inputs.artifactRunId,
                token: inputs.githubToken,
                run,
                target,
            });
            if (found !== undefined) {
                Object.assign(state, {
                    restoredFrom: 'artifact',
                    restoredKey: `artifact ${inputs.artifactName} (id ${found.artifactId}) of run ${found.runId}`,
                });
            }
        }
        catch (err) {
            state.problems.push(`restoring from artifact "${inputs.artifactName}" failed: ${describeServiceError(err)}`);
        }
    }
    const restored = state.restoredFrom === 'cache' || state.restoredFrom === 'artifact';
    const failed = state.problems.length > problemsBefore;
    if (restored && existing) {
        state.sidePath = target;
        state.notes.push(`a database already existed at ${dbPath}, so it was not overwritten; the restored copy was kept beside it and its pending events are synced too`);
    }
    else if (restored && (state.merged ?? 0) === 0 && (state.held?.length ?? 1) <= 1) {
        try {
            state.restoredFingerprint = databaseFingerprint(dbPath);
        }
        catch (err) {
            state.problems.push(`the restored database cannot be read: ${errors_messageOf(err)}`);
        }
    }
    else if (!restored && !existing && !failed) {
        state.notes.push(`no database was found to restore (${describeSources(inputs)}); tokf will start a new one`);
    }
    else if (!restored && !existing) {
        // Not "none found": what a failing source holds is still there for a later run.
        state.notes.push(`no database was restored: restoring it failed (see the errors); tokf will start a new one, and what the cache or the artifact holds waits for a later run`);
    }
    markOwnRows(inputs, state, keys.primary);
    return state;
}
async function restoreFromCache(inputs, run, leg, target, state) {
    const keys = cacheKeys(inputs.cacheKeyPrefix, run, leg);
    const outcome = await gatherFromCache(run, keys, inputs.githubToken, target, inputs.signals);
    if (outcome.kind === 'gathered') {
        const g = outcome.gathered;
        Object.assign(state, {
            restoredFrom: 'cache',
            restoredKey: g.baseKey,
            cacheHit: true,
            held: g.held,
            superseded: g.superseded,
            merged: g.added,
        });
        state.notes.push(...g.notes);
        state.problems.push(...g.problems);
        const others = g.held.filter((h) => h.key !== g.baseKey);
        if (others.length > 0) {
            state.notes.push(`merged ${words_plural(others.length, 'more cache entry', 'more cache entries')} of overlapping runs or matrix legs into the one restored: ${g.added} event(s) added`);
        }
        return;
    }
    if (outcome.kind === 'miss')
        return;
    // Without the listing, the cache alone gives the newest entry: entries that overlapping runs or
    // other legs saved beside it are not seen, so their pending events wait for a run that lists them.
    // Advice about the permission only when that was the cause: a network or service failure is a
    // problem of its own, which a permission would not mend.
    const unseen = `so only the newest was restored; events that overlapping runs or matrix legs saved in other entries wait for a run`;
    if (outcome.refused) {
        (state.advice ??= []).push(`this action's cache entries could not be listed (${outcome.reason}), ${unseen} whose token has "${LIST_PERMISSION}"`);
    }
    else {
        state.problems.push(`listing this action's cache entries failed: ${outcome.reason}; ${unseen} that lists them`);
    }
    const key = await restoreDatabaseFromCache(keys, run, target);
    if (key !== undefined)
        Object.assign(state, { restoredFrom: 'cache', restoredKey: key, cacheHit: true });
}
/**
 * Rows recorded from now on are this run's own: stamped with its cache key, so that a later merge
 * tells them from the rows other copies recorded under the same ids. Only where the database is
 * saved for later runs, and never on a dry run, which changes nothing.
 */
function markOwnRows(inputs, state, origin) {
    if (!inputs.saveCache || inputs.settings.dryRun)
        return;
    if (!(0,external_node_fs_.existsSync)(state.dbPath)) {
        state.ownFromId = 1;
        state.stampAtPost = true;
        return;
    }
    try {
        state.ownFromId = nextEventId(state.dbPath);
        stampOwnRows(state.dbPath, origin, state.ownFromId);
    }
    catch (err) {
        core/* debug */.Yz(`could not stamp the database's own rows: ${errors_messageOf(err)}`);
        state.ownFromId = undefined;
    }
}
function describeSources(inputs) {
    if (inputs.restore === 'cache')
        return 'cache';
    if (inputs.restore === 'artifact')
        return `artifact "${inputs.artifactName}"`;
    return `cache, then artifact "${inputs.artifactName}"`;
}

// EXTERNAL MODULE: ./src/action/state.ts
var state = __webpack_require__(33175);
;// CONCATENATED MODULE: ./src/version.ts
/** Kept equal to package.json's version by a test. */
const VERSION = '0.1.0';
const USER_AGENT = `telemetry-sync/${VERSION}`;

;// CONCATENATED MODULE: ./src/action/cache-claims.ts






function noClaim() {
    return { taken: [], notes: [], advice: [] };
}
/** Takes charge of the leftovers the restored database holds, before a sync that sends. */
async function claimLeftovers(inputs, run, restore) {
    const claim = noClaim();
    // A copy kept beside an existing database is not saved: taking its entries would lose them.
    if (restore.sidePath !== undefined || restore.held === undefined || !inputs.saveCache)
        return claim;
    // Oldest first, and no further once one is gone: runs that list the same entries then race for
    // the first only, and its winner takes them all rather than each run taking a share and none
    // sending.
    const owed = restore.held.filter((h) => h.pending > 0).sort((a, b) => a.id - b.id);
    if (owed.length === 0)
        return claim;
    const leftovers = owed.reduce((n, h) => n + h.pending, 0);
    if (run.fromFork)
        return claim; // a read-only token: nothing to take, and nothing is sent
    if (inputs.githubToken === '') {
        claim.advice.push(`${leftovers} event(s) that earlier runs left pending are sent without taking their cache entries (no github-token): a run overlapping this one may send them too`);
        return claim;
    }
    const rest = new GithubRest(run, inputs.githubToken);
    const elsewhere = [];
    for (const entry of owed) {
        try {
            const outcome = await deleteCacheEntry(rest, run, entry.id);
            if (outcome === 'deleted') {
                claim.taken.push(entry.id);
            }
            else {
                elsewhere.push(entry.key);
                break;
            }
        }
        catch (err) {
            if (isPermissionRefusal(err)) {
                claim.advice.push(`${leftovers} event(s) that earlier runs left pending are sent without taking their cache entries, which needs "${DELETE_PERMISSION}" (${errors_messageOf(err)}): a run overlapping this one may send them too`);
                return claim;
            }
            // Not known to be ours: leave it to a later run rather than risk sending twice.
            elsewhere.push(entry.key);
            claim.notes.push(`could not take cache entry ${entry.key}: ${describeServiceError(err)}`);
            break;
        }
    }
    if (claim.taken.length > 0) {
        core/* info */.pq(`took charge of ${leftovers} event(s) earlier runs left pending: deleted ${words_plural(claim.taken.length, 'cache entry', 'cache entries')} holding them`);
    }
    if (elsewhere.length > 0) {
        // Without the mark of where this run's own events begin, none can be told apart: send none.
        claim.fromId = restore.ownFromId ?? Number.MAX_SAFE_INTEGER;
        claim.notes.push(`the event(s) earlier runs left pending are left to another run, which took ${elsewhere.length === 1 ? 'cache entry' : 'cache entries'} ${elsewhere.join(', ')} first and sends them; this run sends only its own events and keeps the others pending in its entry in case that run fails`);
    }
    return claim;
}
/**
 * After this run saved its database, the entries it merged (and those they had merged) are no
 * longer needed: every event of theirs is in the new entry. Deleting them keeps the cache to about
 * one entry per run that overlapped. Needs actions: write; without it they stay until GitHub
 * evicts them, and later runs skip them by the lineage the saved database records.
 */
async function removeMergedEntries(inputs, run, restore, claim, saved) {
    const out = { notes: [], advice: [], problems: [] };
    if (!saved && claim.taken.length > 0) {
        out.problems.push(`this run took ${words_plural(claim.taken.length, 'cache entry', 'cache entries')} to send the events they held, and its own database was not saved: events still pending are only in its OTLP/JSON artifact`);
    }
    if (!saved || restore.sidePath !== undefined || restore.held === undefined || run.fromFork)
        return out;
    const taken = new Set(claim.taken);
    const stale = [...restore.held, ...(restore.superseded ?? [])].filter((e) => !taken.has(e.id));
    if (stale.length === 0)
        return out;
    if (inputs.githubToken === '')
        return out;
    const rest = new GithubRest(run, inputs.githubToken);
    let deleted = 0;
    for (const entry of stale) {
        try {
            if ((await deleteCacheEntry(rest, run, entry.id)) === 'deleted')
                deleted += 1;
        }
        catch (err) {
            if (isPermissionRefusal(err)) {
                out.advice.push(`kept ${words_plural(stale.length - deleted, 'older cache entry', 'older cache entries')} of this action that the saved database holds: deleting them needs "${DELETE_PERMISSION}" (${errors_messageOf(err)}); they stay until GitHub evicts them, and later runs skip them`);
                break;
            }
            out.problems.push(`deleting cache entry ${entry.key} failed: ${describeServiceError(err)}`);
        }
    }
    if (deleted > 0) {
        const line = `deleted ${words_plural(deleted, 'older cache entry', 'older cache entries')} that the saved database holds`;
        core/* info */.pq(line);
        out.notes.push(line);
    }
    return out;
}

;// CONCATENATED MODULE: ./src/action/ci-attributes.ts

/**
 * Resource attributes for the run, by the OpenTelemetry semantic conventions for CI/CD and VCS.
 * The run id and the run URL (which carries the attempt) make one series per run: the conventions
 * call that opt-in for metrics, which is why the `ci-attributes` input can turn them off.
 */
function ciResourceAttributes(run) {
    const attrs = {
        'cicd.pipeline.name': run.workflow,
        'cicd.pipeline.run.id': run.runId,
        'cicd.pipeline.run.url.full': runUrl(run),
        'cicd.pipeline.task.name': run.job,
        'vcs.provider.name': 'github',
        'vcs.repository.name': run.repo,
        'vcs.repository.url.full': `${run.serverUrl}/${run.repository}`,
        'vcs.ref.head.name': run.headRef || run.refName,
        'vcs.ref.head.revision': run.sha,
    };
    if (run.refType === 'branch' || run.refType === 'tag')
        attrs['vcs.ref.head.type'] = run.refType;
    if (run.baseRef)
        attrs['vcs.ref.base.name'] = run.baseRef;
    if (run.pullRequest !== undefined)
        attrs['vcs.change.id'] = String(run.pullRequest);
    return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== ''));
}

;// CONCATENATED MODULE: ./src/action/otlp-artifact.ts


/**
 * Names must be unique within a run: a re-run attempt, a second job and every leg of a matrix
 * (which share the job's name) must not collide, so the job, the leg's matrix values, the attempt
 * and the leg's id (from its backend id: unique even when the values are not) are in the name.
 */
function otlpArtifactName(base, run, leg) {
    return [base, run.job, leg.label, run.runAttempt, leg.id].filter((p) => p !== '').join('-');
}
/** Uploads OTLP JSON Lines files, kept at their paths below `root`, as one artifact. */
async function uploadOtlpArtifact(name, files, root, retentionDays, run) {
    const client = await artifactClient();
    const { id } = await client.uploadArtifact(name, files, root, {
        ...(retentionDays !== undefined && { retentionDays }),
    });
    if (id === undefined)
        throw new Error(`the artifact service gave no id for ${name} (${files.map((f) => (0,external_node_path_.basename)(f)).join(', ')})`);
    return {
        name,
        id,
        url: `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/artifacts/${id}`,
    };
}

;// CONCATENATED MODULE: ./src/report/text-summary.ts


/** The human summary the CLI prints on stderr. */
function formatTextSummary(r) {
    const lines = [`telemetry-sync: ${text_summary_headline(r)}`];
    lines.push(`  events    ${eventCounts(r)}${eventExtras(r)}`);
    const tokens = tokensLine(r);
    if (tokens !== undefined)
        lines.push(`  tokens    ${tokens}`);
    lines.push(`  service   ${r.service.name} (${r.service.from})`);
    if (r.firstEventTime !== null)
        lines.push(`  time      ${r.firstEventTime} .. ${r.lastEventTime}`);
    const points = Object.entries(r.points);
    if (points.length > 0) {
        lines.push(`  points    ${points.map(([name, n]) => `${name} ${count(n)}`).join(', ')}`);
    }
    if (r.requests > 0) {
        lines.push(`  requests  ${count(r.requests)} sent, ${count(r.failedRequests)} failed, ` +
            `${plural(r.retries, 'retry', 'retries')}, ` +
            `${bytes(r.bytesSent)} on the wire (${bytes(r.bytesEncoded)} encoded)`);
    }
    if (r.otlpJsonFile !== null)
        lines.push(`  file      ${r.otlpJsonFile} (${plural(r.exported, 'event')})`);
    if (r.rejectedFile !== null)
        lines.push(`  rejected  ${r.rejectedFile}`);
    if (r.openmetricsFile !== null)
        lines.push(`  backfill  ${r.openmetricsFile} (OpenMetrics)`);
    if (r.setAside > 0) {
        lines.push(`  set aside ${plural(r.setAside, 'event')} in all (telemetry-sync status says why); --retry-rejected sends the refused ones again`);
    }
    // Several signals: each one's own figures (the lines above are the first one's).
    if (r.signals.length > 1 || r.signals.some((s) => s.signal !== 'metrics')) {
        for (const s of r.signals) {
            const pending = s.pending < 0 ? 'unknown' : count(s.pending);
            lines.push(`  ${s.signal.padEnd(9)} ${s.status}: ${count(s.delivered)} of ${plural(s.selected, 'event')} delivered, ${pending} pending${s.endpoint === null ? '' : ` (${s.endpoint})`}`);
        }
    }
    lines.push(`  database  ${r.database} (${progressText(r)})`);
    lines.push(`  took      ${(r.durationMs / 1000).toFixed(2)} s`);
    for (const w of r.warnings)
        lines.push(`  warning: ${describeNotice(w)}`);
    for (const e of r.errors)
        lines.push(`  error: ${describeNotice(e)}`);
    return `${lines.join('\n')}\n`;
}
/**
 * What became of the events. An interrupted run is told in terms of the database (pending at the
 * start, delivered now, still pending): its selection counts only what was read before the stop,
 * which is nothing a person knows.
 */
function eventCounts(r) {
    if (stoppedSending(r) && r.pendingAtStart >= 0)
        return `${count(r.pendingAtStart)} pending at the start, ${count(r.delivered)} delivered now, ${stillPending(r)} still pending`;
    return `${count(r.selected)} selected, ${count(r.delivered)} delivered, ${stillPending(r)} still pending`;
}
function eventExtras(r) {
    return ((r.alreadyHeld > 0
        ? ` (${count(r.alreadyHeld)} of the delivered already in the backend from a resend)`
        : '') +
        (r.refusedEvents > 0 ? `, ${count(r.refusedEvents)} refused and set aside` : '') +
        (r.tooOld > 0 ? `, ${count(r.tooOld)} older than max-age (file only)` : '') +
        (r.tooOldForEndpoint > 0
            ? `, ${count(r.tooOldForEndpoint)} older than the endpoint keeps`
            : '') +
        (r.rejectedPoints > 0
            ? `, ${plural(r.rejectedPoints, 'point')} rejected by the endpoint`
            : '') +
        (r.held > 0 ? `, ${count(r.held)} of the last seconds held for the next run` : '') +
        (r.skippedBuiltins > 0
            ? `, ${count(r.skippedBuiltins)} of tokf's built-in commands skipped, as its live export does`
            : ''));
}
const stillPending = (r) => (r.pending < 0 ? 'unknown' : count(r.pending));
/** A run that was sending when Ctrl-C stopped it (a dry run or file export has nothing to tell). */
const stoppedSending = (r) => r.interrupted && r.status !== 'dry-run' && r.status !== 'exported';
function text_summary_headline(r) {
    if (stoppedSending(r)) {
        const left = r.pending < 0
            ? 'the rest stays pending for the next run'
            : `${count(r.pending)} still pending for the next run`;
        return `interrupted: delivered ${plural(r.delivered, 'event')} to ${r.endpoint} before stopping; ${left}`;
    }
    switch (r.status) {
        case 'dry-run':
            return `dry run: ${plural(r.selected, 'event')} would be sent${r.endpoint ? ` to ${r.endpoint}` : ''}; nothing was sent or changed`;
        case 'exported':
            if (r.errors.some((e) => e.kind === 'file-failed'))
                return `could not write ${r.otlpJsonFile ?? 'the OTLP/JSON file'}; no endpoint, nothing marked delivered`;
            // Nothing written leaves the previous file as it was (and no file to name).
            return r.otlpJsonFile === null
                ? 'nothing to write: no pending events selected; no endpoint, nothing marked delivered'
                : `wrote ${plural(r.exported, 'event')} to ${r.otlpJsonFile}; no endpoint, nothing marked delivered`;
        case 'delivered':
            return r.selected === 0
                ? 'nothing to send: no pending events selected'
                : `delivered ${plural(r.delivered, 'event')} to ${r.endpoint}`;
        case 'partial':
            return `delivered ${count(r.delivered)} of ${plural(r.selected, 'selected event')} to ${r.endpoint}; ${rest(r)}`;
        case 'failed':
            return `could not deliver to ${r.endpoint}; ${rest(r)}`;
    }
}
/**
 * The tokens the selected events saved, as tokf's tokens.saved metric counts them, with the
 * input and output estimates they come from; and what the delivered ones saved, when that differs.
 */
function tokensLine(r) {
    const d = r.deliveredTokens;
    // Interrupted, the selected events are those read before the stop: tell what was delivered.
    if (stoppedSending(r))
        return d.events === 0
            ? undefined
            : `${count(d.saved)} saved (${count(d.input)} in, ${count(d.output)} out) by the ${plural(d.events, 'event')} delivered`;
    const t = r.tokens;
    if (t.events === 0)
        return undefined;
    const line = `${count(t.saved)} saved (${count(t.input)} in, ${count(t.output)} out) by ${plural(t.events, 'event')}`;
    if (r.requests === 0 || d.events === 0 || d.events === t.events)
        return line;
    return `${line}; the ${count(d.events)} delivered saved ${count(d.saved)}`;
}
/** What became of the selected events that were not delivered, adding up to them. */
function rest(r) {
    // A read that failed part way selected only what it read: the rest stays pending too.
    const unread = r.errors.some((e) => e.kind === 'read-failed' || e.kind === 'database-damaged');
    const parts = [
        `${words_count(r.selectedPending)} ${r.selectedPending === 1 ? 'stays' : 'stay'} pending${unread ? ', and every event not read' : ''}`,
    ];
    if (r.selectedSetAside > 0)
        parts.push(`${words_count(r.selectedSetAside)} set aside`);
    return parts.join(', ');
}
function progressText(r) {
    switch (r.progress) {
        case 'column':
            return 'progress in events.synced_to_otel_at';
        case 'ranges':
            return 'progress in telemetry_sync_delivered';
        case 'none':
            return 'no progress recorded yet';
    }
}

;// CONCATENATED MODULE: ./src/action/sync-phase.ts

















const FORK_NOTE = 'this pull request comes from a fork, whose workflows get no secrets and a read-only token: telemetry-sync writes the summary and the OTLP/JSON artifact, posts no comment and leaves older cache entries alone';
/**
 * Syncs the database (and a restored copy kept beside it), sets the outputs and uploads the
 * OTLP/JSON artifact. Never throws: what went wrong is in the report's problems.
 */
async function syncPhase(inputs, run, restore, leg) {
    const report = {
        result: undefined,
        restoredCopy: undefined,
        restoredFrom: restore.restoredFrom,
        restoredKey: restore.restoredKey,
        artifact: undefined,
        save: undefined,
        pullRequest: run.pullRequest,
        commands: inputs.summaryCommands,
        notes: [...restore.notes],
        problems: [...restore.problems],
        advice: [...(restore.advice ?? [])],
        claim: noClaim(),
    };
    // Said once, with the other notes, in the log and the summary.
    if (run.fromFork)
        report.notes.push(FORK_NOTE);
    const otlpDir = (0,external_node_path_.join)(run.runnerTemp, 'telemetry-sync', `otlp-${run.runId}-${run.runAttempt}`);
    let config;
    try {
        config = buildSyncConfig({
            ...inputs.settings,
            db: restore.dbPath,
            otlpJsonOut: otlpDir,
            ...(inputs.openmetrics && { openmetricsOut: otlpDir }),
        }, process.env, Date.now(), inputLabel);
    }
    catch (err) {
        report.problems.push(errors_messageOf(err));
        return report;
    }
    if (inputs.ciAttributes)
        config.resource = { ...ciResourceAttributes(run), ...config.resource };
    // The OTLP/JSON file exists to be uploaded. With no artifact it would be a copy thrown away with
    // the runner's temp directory, and the engine sets aside events older than max-age only where a
    // file keeps them: without one they stay pending, as with the command. (With no endpoint the
    // file is the run's only work, as before: it exports, and records nothing.)
    if (inputs.otlpArtifact === 'never' && config.endpoint !== undefined)
        delete config.otlpJsonOut;
    const keepsFile = config.otlpJsonOut !== undefined;
    // The file is written only if it is to be uploaded (on-failure: spooled until the outcome is
    // known), and events kept in it are set aside only once it is uploaded (see FilesForLater).
    const later = keepsFile && config.endpoint !== undefined && !config.dryRun
        ? new FilesForLater(inputs.otlpArtifact === 'on-failure')
        : undefined;
    // Before sending what earlier runs left pending, take charge of it (see cache-claims.ts).
    if (config.endpoint !== undefined && !config.dryRun) {
        report.claim = await claimLeftovers(inputs, run, restore);
        report.notes.push(...report.claim.notes);
        report.advice?.push(...report.claim.advice);
    }
    const fromId = report.claim?.fromId;
    // The restored copy first: its events are older than the ones tokf wrote in this job.
    if (restore.sidePath !== undefined && (0,external_node_fs_.existsSync)(restore.sidePath)) {
        report.restoredCopy = await syncOne({
            ...config,
            dbPath: restore.sidePath,
            ...(keepsFile && { otlpJsonOut: (0,external_node_path_.join)(otlpDir, 'restored-copy') }),
            ...(config.openmetricsOut !== undefined && {
                openmetricsOut: (0,external_node_path_.join)(otlpDir, 'restored-copy'),
            }),
        }, report, later);
    }
    if ((0,external_node_fs_.existsSync)(restore.dbPath)) {
        report.result = await syncOne(fromId === undefined ? config : { ...config, fromId }, report, later);
    }
    else {
        report.notes.push(`no database at ${restore.dbPath}: nothing to sync`);
    }
    const results = [report.result, report.restoredCopy].filter((r) => r !== undefined);
    // The upload first: what the outputs and notes say of the artifact holds only once it is there.
    await uploadArtifact(inputs, run, leg, results, otlpDir, report, later);
    const left = report.restoredCopy?.pending ?? 0;
    if (left > 0) {
        report.notes.push(`${left} event(s) of the restored copy are still pending and are not in the database that will be saved; they will be lost unless this run is retried${report.artifact !== undefined ? ' (they are in the OTLP/JSON artifact)' : ''}`);
    }
    setSyncOutputs(results, report);
    return report;
}
async function syncOne(config, report, later) {
    try {
        const result = await runSync(config, {
            now: Date.now,
            log: (line) => core/* info */.pq(line),
            userAgent: USER_AGENT,
            ...(later !== undefined && { filesForLater: later }),
        });
        const first = result.errors[0];
        if (result.exitCode !== 0) {
            report.problems.push(`${notDelivered(result)} (${rest(result)}): ${first === undefined ? 'see the log' : notices_describeNotice(first)}`);
        }
        return result;
    }
    catch (err) {
        report.problems.push(`${config.dbPath}: ${errors_messageOf(err)}`);
        return undefined;
    }
}
/** How many selected events were not delivered, per signal where the run sent more than metrics. */
function notDelivered(r) {
    const signals = r.signals.filter((s) => s.signal !== 'metrics' || r.signals.length > 1);
    if (signals.length === 0)
        return `${r.selected - r.delivered} of ${r.selected} events were not delivered`;
    const left = signals
        .filter((s) => s.delivered < s.selected)
        .map((s) => `${s.selected - s.delivered} of ${s.selected} as ${s.signal}`);
    return `events were not delivered: ${left.length === 0 ? 'see the log' : left.join(', ')}`;
}
function setSyncOutputs(results, report) {
    const total = combine(results);
    // Several signals: the counts add up each signal's, so that an event still owed as logs keeps
    // `pending` above zero although its metrics were delivered.
    const perSignal = results.flatMap((r) => r.signals);
    const several = results.some((r) => r.signals.length > 1);
    const sum = (pick) => perSignal.some((s) => pick(s) < 0) ? -1 : perSignal.reduce((n, s) => n + pick(s), 0);
    core/* setOutput */.uH(constants/* Outputs */.tY.Selected, several ? sum((s) => s.selected) : total.selected);
    core/* setOutput */.uH(constants/* Outputs */.tY.Delivered, several ? sum((s) => s.delivered) : total.delivered);
    core/* setOutput */.uH(constants/* Outputs */.tY.Rejected, total.rejectedPoints);
    core/* setOutput */.uH(constants/* Outputs */.tY.Pending, several ? sum((s) => s.pending) : total.pending);
    core/* setOutput */.uH(constants/* Outputs */.tY.TokensSaved, total.tokens.saved);
    core/* setOutput */.uH(constants/* Outputs */.tY.Status, report_status_statusOf(results, report.artifactFailed));
    core/* setOutput */.uH(constants/* Outputs */.tY.TooOld, several ? sum((s) => s.tooOld + s.tooOldForEndpoint) : total.tooOld + total.tooOldForEndpoint);
    core/* setOutput */.uH(constants/* Outputs */.tY.SetAside, several ? sum((s) => s.setAside) : total.setAside);
    core/* setOutput */.uH(constants/* Outputs */.tY.Signals, JSON.stringify(signalOutputs(perSignal)));
    const firsts = results
        .map((r) => r.firstEventTime)
        .filter((t) => t !== null)
        .sort();
    const lasts = results
        .map((r) => r.lastEventTime)
        .filter((t) => t !== null)
        .sort();
    core/* setOutput */.uH(constants/* Outputs */.tY.FirstEventTime, firsts[0] ?? '');
    core/* setOutput */.uH(constants/* Outputs */.tY.LastEventTime, lasts.at(-1) ?? '');
}
/** Each signal's own figures, the `signals` output; a restored copy's add to the database's. */
function signalOutputs(perSignal) {
    const add = (a, b) => (a < 0 || b < 0 ? -1 : a + b);
    const out = {};
    for (const s of perSignal) {
        const o = out[s.signal] ?? { selected: 0, delivered: 0, pending: 0, setAside: 0, tooOld: 0 };
        out[s.signal] = {
            selected: o.selected + s.selected,
            delivered: o.delivered + s.delivered,
            pending: add(o.pending, s.pending),
            setAside: add(o.setAside, s.setAside),
            tooOld: o.tooOld + s.tooOld + s.tooOldForEndpoint,
        };
    }
    return out;
}
async function uploadArtifact(inputs, run, leg, results, otlpDir, report, later) {
    // One OTLP/JSON file per signal sent (metrics.jsonl, logs.jsonl, traces.jsonl).
    const listed = [
        ...new Set(results.flatMap((r) => [r.otlpJsonFile, ...r.signals.map((s) => s.otlpJsonFile), r.openmetricsFile].filter((f) => f !== null))),
    ];
    const noEndpoint = results.every((r) => r.endpoint === null);
    const somethingLeft = results.some((r) => r.delivered < r.selected || r.signals.some((s) => s.delivered < s.selected)) || report.problems.length > 0;
    const wanted = inputs.otlpArtifact === 'always' ||
        (inputs.otlpArtifact === 'on-failure' && (somethingLeft || noEndpoint));
    if (listed.length === 0 || !wanted) {
        later?.discard();
        keptNowhere(later, results, report);
        if (listed.length === 0)
            return;
        report.artifactSkipped =
            inputs.otlpArtifact === 'never'
                ? 'no OTLP/JSON artifact (otlp-artifact: never)'
                : 'no OTLP/JSON artifact: every selected event was delivered (otlp-artifact: on-failure)';
        return;
    }
    // Spooled files are written now; one that could not be written is left out (the problem says so).
    report.problems.push(...(later?.writeFiles() ?? []));
    const files = listed.filter((f) => (0,external_node_fs_.existsSync)(f));
    if (files.length === 0) {
        keptNowhere(later, results, report);
        return;
    }
    const name = otlpArtifactName(inputs.otlpArtifactName, run, leg);
    try {
        report.artifact = await uploadOtlpArtifact(name, files, otlpDir, inputs.retentionDays, run);
        core/* setOutput */.uH(constants/* Outputs */.tY.OtlpArtifactId, report.artifact.id);
        core/* setOutput */.uH(constants/* Outputs */.tY.OtlpArtifactUrl, report.artifact.url);
        core/* info */.pq(`uploaded ${files.map((f) => (0,external_node_path_.relative)(otlpDir, f)).join(', ')} as artifact ${name} (${report.artifact.url})`);
    }
    catch (err) {
        report.artifactFailed = describeServiceError(err);
        report.problems.push(`uploading the OTLP/JSON artifact ${name} failed: ${report.artifactFailed}`);
        keptNowhere(later, results, report);
        return;
    }
    try {
        await later?.setAsideHeld(results, { now: Date.now });
    }
    catch (err) {
        const held = later?.heldCount() ?? 0;
        later?.leavePending(results);
        report.problems.push(`${held} event(s) kept in the uploaded artifact ${name} could not be set aside, so they stay pending: ${errors_messageOf(err)}`);
    }
}
/** No file uploaded: events held to be kept in it stay pending, and the notes say why. */
function keptNowhere(later, results, report) {
    const held = later?.heldCount() ?? 0;
    if (held === 0)
        return;
    later?.leavePending(results);
    report.notes.push(`${held} event(s) too old for the endpoint stay pending: they are set aside only once the OTLP/JSON artifact that keeps them is uploaded, and it was not`);
}

;// CONCATENATED MODULE: ./src/action/main.ts











/** The main step: early in the job, before tokf writes. Restore, and sync now if asked. */
async function runMain() {
    (0,state/* markPost */.OP)();
    const inputs = readInputsOrReport();
    if (inputs === undefined)
        return;
    const run = readGithubRun(process.env);
    const leg = readLeg(process.env, inputs.leg);
    const restore = await restoreDatabase(inputs, run, leg);
    (0,state/* saveRestore */.Oz)(restore);
    core/* setOutput */.uH(constants/* Outputs */.tY.CacheHit, restore.cacheHit);
    core/* setOutput */.uH(constants/* Outputs */.tY.RestoredFrom, restore.restoredFrom);
    core/* setOutput */.uH(constants/* Outputs */.tY.CacheKey, restore.restoredKey && restore.cacheHit ? restore.restoredKey : '');
    core/* info */.pq(`database ${inputs.databasePath}: ${restore.restoredFrom}${restore.restoredKey ? ` (${restore.restoredKey})` : ''}`);
    for (const note of restore.notes)
        core/* info */.pq(note);
    // Later steps run tokf; it must write where we restored and will save.
    if (inputs.databasePath !== defaultTokfDbPath(process.env)) {
        core/* exportVariable */.dN('TOKF_DB_PATH', inputs.databasePath);
    }
    // tokf keeps no record of what it exported live: rows sent both ways would count twice.
    if (inputs.tokfLiveExport === 'off') {
        core/* exportVariable */.dN(TOKF_TELEMETRY_ENABLED, 'false');
        core/* info */.pq(`tokf's live export is off for the rest of the job (${TOKF_TELEMETRY_ENABLED}=false): the replay sends its events once`);
    }
    if (inputs.sync === 'now') {
        const report = await syncPhase(inputs, run, restore, leg);
        (0,state/* saveSyncDone */.tN)(report.claim);
        await publishReport(inputs, run, report, leg);
        reportProblems(report.problems, inputs.failOnError, report.advice);
    }
    else {
        reportProblems(restore.problems, inputs.failOnError, restore.advice);
    }
}

;// CONCATENATED MODULE: ./src/report/replay-summary.ts

/** Problems listed in the summary; the rest are in the rejects file and the JSON result. */
const LISTED = 20;
/** The replay's result for a person, on stderr. */
function formatReplaySummary(r) {
    const lines = [];
    const where = Object.entries(r.endpoints)
        .map(([signal, url]) => (r.signals[signal] > 0 ? url : undefined))
        .filter((u) => u !== undefined);
    const files = words_plural(r.files.length, 'file');
    const perSignal = Object.entries(r.signals)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
    const sent = `${words_plural(r.sentLines, 'line')}${perSignal === '' ? '' : ` (${perSignal})`}`;
    lines.push(r.dryRun
        ? `dry run: ${sent} of ${files} would be sent; nothing sent or recorded`
        : `replayed ${files}: ${sent} delivered${where.length === 0 ? '' : ` to ${where.join(', ')}`} in ${words_plural(r.requests, 'request')}`);
    if (r.splitLines > 0)
        lines.push(`${r.splitLines} line(s) sent in pieces (over 1 MiB or cut by the window)`);
    if (r.filteredLines + r.filteredRecords > 0)
        lines.push(`outside --since/--until: ${r.filteredRecords} record(s), ${r.filteredLines} whole line(s)`);
    if (r.tooOldLines + r.tooOldRecords > 0)
        lines.push(`older than --max-age, not sent: ${r.tooOldRecords} metric point(s), ${r.tooOldLines} whole line(s)`);
    if (r.backfill !== undefined)
        lines.push(`OpenMetrics backfill: ${r.backfill.samples} sample(s) in ${r.backfill.path}`);
    if (r.rejectedRecords > 0)
        lines.push(`the endpoint rejected ${r.rejectedRecords} record(s) in partial successes`);
    if (r.badLines + r.refusedLines > 0) {
        lines.push(`set aside: ${r.badLines} bad line(s), ${r.refusedLines} refused by the endpoint${r.dryRun ? '' : `, in ${r.rejectsPath}`}`);
        for (const p of r.problems.slice(0, LISTED))
            lines.push(`  ${p.file}:${p.line}: ${p.reason}`);
        const more = r.problems.length - LISTED + r.problemsOmitted;
        if (more > 0)
            lines.push(`  ... and ${more} more`);
    }
    for (const w of r.warnings)
        lines.push(`warning: ${w}`);
    for (const f of r.files) {
        if (f.error !== undefined)
            lines.push(`could not read ${f.path}: ${f.error}`);
        if (f.heldBack)
            lines.push(`${f.path}: its last line has no newline yet; left for a later run`);
    }
    if (r.stopped !== null)
        lines.push(`stopped at ${r.stopped.file}:${r.stopped.line}: ${r.stopped.reason}; the rest waits for the next run`);
    if (!r.dryRun)
        lines.push(`progress: ${r.statePath}`);
    return lines.map((l) => `telemetry-sync: ${l}\n`).join('');
}

;// CONCATENATED MODULE: ./src/action/gridctl-phase.ts







/** The action's settings that mean the same for a gridctl replay as for the sync. */
const PASSED = REPLAY_SHARED_KEYS.filter((k) => !['since', 'until', 'signals'].includes(k));
/**
 * Input gridctl: replays the directory as `telemetry-sync replay --gridctl` does, with the
 * action's endpoint, headers, TLS, transport and backend settings. Returns the problems for the
 * report (set-aside lines, a stop, a usage error): they fail the job only with fail-on-error.
 */
async function gridctlPhase(inputs) {
    if (inputs.gridctl === undefined)
        return [];
    const settings = { gridctl: true };
    for (const key of PASSED) {
        const value = inputs.settings[key];
        if (value !== undefined && value !== '')
            settings[key] = value;
    }
    try {
        const config = buildJsonlConfig(settings, inputs.gridctl === '' ? [] : [inputs.gridctl], process.env, Date.now());
        const result = await runReplayFiles(config, {
            now: Date.now,
            log: (line) => core/* debug */.Yz(line),
            userAgent: USER_AGENT,
        });
        for (const line of formatReplaySummary(result).trimEnd().split('\n'))
            core/* info */.pq(line);
        return result.exitCode === 0
            ? []
            : [`gridctl replay ${result.status}: see the log above and ${result.rejectsPath}`];
    }
    catch (err) {
        return [`gridctl replay: ${errors_messageOf(err)}`];
    }
}

;// CONCATENATED MODULE: ./src/action/post.ts













/** The post step: after tokf's steps, even in failed jobs. Sync, report, save, clean up. */
async function runPost() {
    const inputs = readInputsOrReport('post');
    if (inputs === undefined)
        return;
    const run = readGithubRun(process.env);
    const leg = readLeg(process.env, inputs.leg);
    const restore = (0,state/* readRestore */.x6)() ?? nothingRestored(inputs);
    if ((0,state/* syncDone */.ut)()) {
        // sync: now already reported in the main step; only the save is left.
        const claim = (0,state/* readClaim */.jw)() ?? noClaim();
        const save = await saveDatabase(inputs, run, leg, restore, claim);
        if (save !== undefined)
            core/* info */.pq(save.saved ? `saved the database as ${save.key}` : save.reason);
        const cleanup = await removeMergedEntries(inputs, run, restore, claim, save?.saved === true);
        reportProblems([
            ...(save !== undefined && !save.saved && save.warn ? [save.reason] : []),
            ...cleanup.problems,
            ...(await gridctlPhase(inputs)),
        ], inputs.failOnError, cleanup.advice);
        return;
    }
    const report = await syncPhase(inputs, run, restore, leg);
    const claim = report.claim ?? noClaim();
    report.save = await saveDatabase(inputs, run, leg, restore, claim);
    if (report.save !== undefined && !report.save.saved && report.save.warn)
        report.problems.push(report.save.reason);
    const cleanup = await removeMergedEntries(inputs, run, restore, claim, report.save?.saved === true);
    report.notes.push(...cleanup.notes);
    report.problems.push(...cleanup.problems, ...(await gridctlPhase(inputs)));
    (report.advice ??= []).push(...cleanup.advice);
    await publishReport(inputs, run, report, leg);
    // The summary lists the restore's problems and advice too, but the main step has annotated them
    // (and failed on them with fail-on-error) already.
    reportProblems(report.problems.filter((p) => !restore.problems.includes(p)), inputs.failOnError, report.advice?.filter((a) => !(restore.advice ?? []).includes(a)));
}
// The main step may not have run (or failed early): then nothing was restored.
function nothingRestored(inputs) {
    return {
        dbPath: inputs.databasePath,
        restoredFrom: (0,external_node_fs_.existsSync)(inputs.databasePath) ? 'existing' : 'none',
        cacheHit: false,
        notes: [],
        problems: [],
    };
}
async function saveDatabase(inputs, run, leg, restore, claim) {
    if (!inputs.saveCache)
        return undefined;
    if (!(0,external_node_fs_.existsSync)(restore.dbPath)) {
        return {
            saved: false,
            reason: `nothing to save: no database at ${restore.dbPath}`,
            warn: false,
        };
    }
    const keys = cacheKeys(inputs.cacheKeyPrefix, run, leg);
    // tokf started the database during the job: every row in it is this run's own.
    if (restore.stampAtPost === true && !inputs.settings.dryRun) {
        try {
            stampOwnRows(restore.dbPath, keys.primary, 1);
        }
        catch (err) {
            core/* debug */.Yz(`could not stamp the database's own rows: ${errors_messageOf(err)}`);
        }
    }
    // An entry this run took must be replaced, whatever changed.
    if (claim.taken.length === 0 &&
        restore.restoredFrom === 'cache' &&
        restore.restoredFingerprint === fingerprintOrNone(restore.dbPath)) {
        return {
            saved: false,
            reason: `not saved: unchanged since it was restored from ${restore.restoredKey}`,
            warn: false,
        };
    }
    return saveDatabaseToCache(keys, run, restore.dbPath);
}
function fingerprintOrNone(path) {
    try {
        return databaseFingerprint(path);
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
;// CONCATENATED MODULE: ./src/bounded-heap.ts

/**
 * V8 sizes its heap by how fast a process allocates, so a long sync's memory grows with the
 * database although what it keeps does not (measured through `node dist/cli.js`: 184 MB at 50k
 * events, 288 MB at 1M). These limits keep it flat: the young generation fixed at its cap from the
 * start (a short run then peaks as a long one does, rather than growing into it), the old one well
 * above what a sync keeps. src/cli.ts's shebang carries the same values.
 *
 * Semi-spaces of 2 MB: V8's flags are the process's, so a long run's encoding thread (see
 * src/encode/encode-thread.ts) has a young generation of the same size beside the main thread's.
 * At 8 MB the two put a 200k-event sync at 160-173 MB of peak RSS, at 4 MB 140-147 MB. At 4 MB a
 * 1M-event sync later reached 141-156 MB on the same machine (the action's step 148-156 MB), over
 * the 150 MB it is held to; at 2 MB 130-137 MB (the step 132-143 MB), with wall times within the
 * runs' spread (alternating, 1M: 17.0-21.7 s against 17.2-18.9 s; 200k: 4.1-4.4 s against
 * 3.9-4.4 s). The encoding thread allocates little (see ReusedPoints), so a smaller young
 * generation costs it few more scavenges.
 */
const V8_FLAGS = [
    '--min-semi-space-size=2',
    '--max-semi-space-size=2',
    '--max-old-space-size=192',
];
/**
 * A step that writes every event to an OTLP/JSON file as it goes (the action with `otlp-artifact:
 * always`): semi-spaces of 8 MB, as the command had before its encoding thread. That writing
 * allocates fast enough that at 4 MB the post step took 13 to 40 % longer for 1M events (80.9 and
 * 101.4 s against 71.4 and 72.4 s, alternating), and such a run starts no encoding thread (see
 * TokfPass), whose young generation the smaller size is for.
 */
const ACTION_V8_FLAGS = [
    '--min-semi-space-size=8',
    '--max-semi-space-size=8',
    '--max-old-space-size=192',
];
/**
 * With V8's heap bounded, what still grew was glibc's: one malloc arena per thread (gzip runs in
 * the thread pool) and a dynamic mmap threshold that, once large request bodies have been freed,
 * serves later ones from the heap, which fragments and is not given back. Fixed values keep the
 * peak flat in the run's length (a user's own setting wins; other C libraries ignore these).
 */
const MALLOC_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536' };
/** Heap limits the user chose (on the command line or in NODE_OPTIONS) are theirs to keep. */
const SIZE_FLAG = /--max-old-space-size|--max-semi-space-size|--max-heap-size/;
/**
 * The command line and environment this script runs again with, or undefined when it need not:
 * it already runs under heap limits, ours or its user's own.
 */
function boundedCommand(flags) {
    const [, script, ...args] = process.argv;
    const limited = process.execArgv.some((a) => SIZE_FLAG.test(a)) ||
        SIZE_FLAG.test(process.env.NODE_OPTIONS ?? '');
    if (script === undefined || limited)
        return undefined;
    return {
        argv: [...flags, ...process.execArgv, script, ...args],
        env: { ...MALLOC_ENV, ...process.env },
    };
}
/**
 * Puts this process in place of itself under the limits above (same pid, same stdio, so signals,
 * exit codes and a runner waiting on it see no difference) and does not return. Returns when it
 * cannot: the process already has limits, or the platform has no execve (Windows). The runner and
 * a user start `node dist/…` with no way to pass flags, hence this rather than a documented flag.
 */
function restartWithBoundedHeap(flags = V8_FLAGS) {
    if (process.platform === 'win32' || typeof process.execve !== 'function')
        return;
    const command = boundedCommand(flags);
    if (command === undefined)
        return;
    const { argv, env } = command;
    try {
        process.execve(process.execPath, [process.execPath, ...argv], env);
    }
    catch {
        // Not replaced (a worker thread, a refused exec): this process does the work, unbounded.
    }
}
/**
 * Where execve is missing: runs this script as a child under the limits and returns its exit
 * code, or undefined when this process already has them or the child could not start (then this
 * process does the work). A child waited on synchronously keeps the parent's loaded bundle in
 * memory meanwhile, so this is only the fallback.
 */
function rerunWithBoundedHeap(flags = V8_FLAGS) {
    const command = boundedCommand(flags);
    if (command === undefined)
        return undefined;
    const { argv, env } = command;
    const child = (0,external_node_child_process_.spawnSync)(process.execPath, argv, { stdio: 'inherit', env });
    if (child.error !== undefined || child.status === null)
        return undefined;
    return child.status;
}

;// CONCATENATED MODULE: ./src/action/run-action.ts






/** The main step or, with state from it, the post step. */
async function run() {
    try {
        if ((0,state/* isPost */.tl)())
            await runPost();
        else
            await runMain();
    }
    catch (err) {
        // Not a bug of ours, but no reason to fail the user's job either.
        if (err instanceof state/* ActionStateError */.MY) {
            core/* warning */.$e(err.message, { title: 'telemetry-sync' });
            return;
        }
        // A bug of ours must not fail the user's job either.
        core/* warning */.$e(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, {
            title: 'telemetry-sync',
        });
    }
}
/**
 * The step's heap limits: the command's, under which a long sync encodes on a second thread,
 * unless the step writes every event to the artifact's OTLP/JSON file as it goes
 * (`otlp-artifact: always`), which starts no such thread and runs faster with a larger young
 * generation (see ACTION_V8_FLAGS). With `on-failure` (the default) the file is spooled cheaply
 * and written only when it is uploaded, so the step is the command's sync. Read before the inputs
 * are checked: a misspelled value gets the command's limits, then its error.
 */
function stepHeapFlags() {
    return core/* getInput */.V4(constants/* Inputs */.G0.OtlpArtifact) === 'always' ? ACTION_V8_FLAGS : V8_FLAGS;
}
/**
 * The action, once src/index.ts has checked the Node. The runner starts `node dist/index.js` with
 * no flags: the step becomes itself under the heap limits (src/bounded-heap.ts, see
 * stepHeapFlags), or runs as its child where the platform cannot exec.
 */
async function runAction() {
    const flags = stepHeapFlags();
    restartWithBoundedHeap(flags);
    const exitCode = rerunWithBoundedHeap(flags);
    if (exitCode === undefined)
        await run();
    else
        process.exitCode = exitCode;
}


/***/ })

};
