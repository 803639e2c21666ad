#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 node --min-semi-space-size=8 --max-semi-space-size=8 --max-old-space-size=192
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write('telemetry-sync: error: Node.js 24 or newer is needed (for its built-in node:sqlite); this is Node ' + process.versions.node + '\n');
  process.exit(2);
}
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 899:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  lt: () => (/* binding */ restartWithBoundedHeap)
});

// UNUSED EXPORTS: MALLOC_ENV, V8_FLAGS, rerunWithBoundedHeap

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./src/bounded-heap.ts

/**
 * V8 sizes its heap by how fast a process allocates, so a long sync's memory grows with the
 * database although what it keeps does not (measured through `node dist/cli.js`: 184 MB at 50k
 * events, 288 MB at 1M). These limits keep it flat: the young generation fixed at its cap from the
 * start (a short run then peaks as a long one does, rather than growing into it), the old one well
 * above what a sync keeps. src/cli.ts's shebang carries the same values.
 */
const V8_FLAGS = [
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
function boundedCommand() {
    const [, script, ...args] = process.argv;
    const limited = process.execArgv.some((a) => SIZE_FLAG.test(a)) ||
        SIZE_FLAG.test(process.env.NODE_OPTIONS ?? '');
    if (script === undefined || limited)
        return undefined;
    return {
        argv: [...V8_FLAGS, ...process.execArgv, script, ...args],
        env: { ...MALLOC_ENV, ...process.env },
    };
}
/**
 * Puts this process in place of itself under the limits above (same pid, same stdio, so signals,
 * exit codes and a runner waiting on it see no difference) and does not return. Returns when it
 * cannot: the process already has limits, or the platform has no execve (Windows). The runner and
 * a user start `node dist/…` with no way to pass flags, hence this rather than a documented flag.
 */
function restartWithBoundedHeap() {
    if (process.platform === 'win32' || typeof process.execve !== 'function')
        return;
    const command = boundedCommand();
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
function rerunWithBoundedHeap() {
    const command = boundedCommand();
    if (command === undefined)
        return undefined;
    const { argv, env } = command;
    const child = spawnSync(process.execPath, argv, { stdio: 'inherit', env });
    if (child.error !== undefined || child.status === null)
        return undefined;
    return child.status;
}


/***/ }),

/***/ 581:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _bounded_heap_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(899);
/* harmony import */ var _cli_main_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(641);
// The limits above keep a long sync's memory flat (see src/bounded-heap.ts). They apply when the
// bundle runs as the telemetry-sync command; run as `node dist/cli.js`, it becomes itself under them.


(0,_bounded_heap_js__WEBPACK_IMPORTED_MODULE_0__/* .restartWithBoundedHeap */ .lt)();
process.exitCode = await (0,_cli_main_js__WEBPACK_IMPORTED_MODULE_1__/* .main */ .i)(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 641:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  i: () => (/* binding */ main)
});

;// CONCATENATED MODULE: ./src/errors.ts
/**
 * Errors the entry points map to exit code 2: the user has to change something before a run can
 * do anything. Everything else that goes wrong during delivery is an outcome, not an exception.
 */
class UsageError extends Error {
    name = 'UsageError';
}
/** The database cannot be opened or is not a tokf tracking database. */
class DatabaseError extends Error {
    name = 'DatabaseError';
}
/**
 * The database file is damaged (SQLite finds it malformed): exit 2, as an unreadable database is;
 * the message says what SQLite found and how to recover.
 */
class DatabaseDamagedError extends DatabaseError {
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
    file;
    name = 'FileWriteError';
    constructor(message, 
    /** The file, when it is one of the run's outputs. */
    file) {
        super(message);
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
function messageOf(err) {
    const message = err?.message;
    return typeof message === 'string' ? message : String(err);
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

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
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
        new external_node_crypto_namespaceObject.X509Certificate(pem);
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
        (0,external_node_crypto_namespaceObject.createPrivateKey)(pem);
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
    return new external_node_crypto_namespaceObject.X509Certificate(certificatePem).checkPrivateKey((0,external_node_crypto_namespaceObject.createPrivateKey)(keyPem));
}
function readPem(path, source) {
    try {
        return (0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8');
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
const SECTIONS = ['Source', 'Endpoint', 'Resource', 'Output'];
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

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./src/cli/parse-options.ts



/**
 * A value that starts with a minus and a digit: a negative number (`--limit -5`), or a duration
 * back from now (`--since -7d`, 7 days ago, as `date -d` users write it). No option of ours is a
 * dash and a digit, so such a value is joined to its flag; parseArgs would take it for an option
 * and say the flag's "argument is ambiguous", where the setting's parser says what is wrong.
 */
const NEGATIVE_VALUE = /^-\d/;
/** `--flag value` to `--flag=value` where the value is a negative one (see NEGATIVE_VALUE). */
function joinNegativeValues(args, options) {
    const joined = [];
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        const next = args[i + 1];
        const takesValue = arg.startsWith('--') && options[arg.slice(2)]?.type === 'string';
        if (takesValue && next !== undefined && NEGATIVE_VALUE.test(next)) {
            joined.push(`${arg}=${next}`);
            i++;
        }
        else {
            joined.push(arg);
        }
    }
    return joined;
}
/**
 * A command's options, every mistake a UsageError in our words: an unknown option gets the nearest
 * known one, and Node's advice about "--" is left out.
 */
function parseOptions(args, options, allowPositionals = false) {
    const joined = joinNegativeValues(args, options);
    try {
        const { values, positionals } = (0,external_node_util_namespaceObject.parseArgs)({
            args: joined,
            options,
            strict: true,
            allowPositionals,
        });
        return { values, positionals };
    }
    catch (err) {
        throw new UsageError(describeParseError(err, options));
    }
}
function describeParseError(err, options) {
    const message = err instanceof Error ? err.message : String(err);
    const code = err.code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
        const given = /'(-{1,2}[^'=]*)/.exec(message)?.[1];
        if (given !== undefined) {
            const near = closest(given.replace(/^-+/, ''), Object.keys(options));
            return `unknown option ${given}` + (near === undefined ? '' : `; did you mean --${near}?`);
        }
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
        return message.replace(/\. To specify a positional.*$/s, '.');
    }
    // Node's messages end with advice about "--" that does not apply to us.
    return message
        .replace(/\s*To specify an option argument starting with a dash.*$/s, '')
        .replace(/\s*Did you forget to specify the option argument for '([^']*)'\?/, ' ($1 needs a value)');
}

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

;// CONCATENATED MODULE: ./src/cli/replay-args.ts




/** Replay's flags: the shared settings by their keys, then its own, as `--help` lists them. */
const REPLAY_SPECS = [
    ...REPLAY_SHARED_KEYS.map((key) => [key, specOf(key)]),
    ...Object.entries(REPLAY_OWN_SETTINGS),
];
const OPTIONS = Object.fromEntries([
    ...REPLAY_SPECS.map(([, spec]) => [spec.flag, { type: spec.type }]),
    ['json', { type: 'boolean' }],
    ['help', { type: 'boolean', short: 'h' }],
]);
/** `replay`'s arguments (after the word `replay`); every mistake is a UsageError. */
function parseReplayArgs(args) {
    const parsed = parseOptions(args, OPTIONS, true);
    const v = parsed.values;
    if (v.help === true)
        return { kind: 'replay-help' };
    const settings = {};
    for (const [key, spec] of REPLAY_SPECS) {
        const value = v[spec.flag];
        if (typeof value === 'string' && value.trim() === '')
            throw new UsageError(`--${spec.flag} needs a value`);
        if ((typeof value === 'string' || typeof value === 'boolean') && typeof value === spec.type)
            settings[key] = value;
    }
    return {
        kind: 'replay',
        settings: settings,
        paths: parsed.positionals,
        json: v.json === true,
    };
}

;// CONCATENATED MODULE: ./src/cli/args.ts





/** The commands, for the usage line and "did you mean". */
const COMMANDS = ['sync', 'status', 'replay'];
/** The command line's own switches, which are not engine settings but are documented with them. */
const CLI_FLAGS = [
    {
        flag: 'json',
        section: 'Output',
        help: 'print the result as one JSON object on stdout',
        meaning: 'print the result as one JSON object on stdout',
    },
    {
        flag: 'quiet',
        short: 'q',
        section: 'Output',
        help: 'no progress on stderr (one updating line on a terminal, else a line every 5 s), only the summary',
        meaning: 'no progress on stderr (on a terminal one updating line: events done of about how many, events/s, time left, the wait before a retry and why; elsewhere a line every 5 s), only the summary',
    },
    { flag: 'help', short: 'h', section: 'Output', help: 'this help' },
];
const SYNC_OPTIONS = Object.fromEntries([
    ...SETTING_KEYS.map((key) => [specOf(key).flag, { type: specOf(key).type }]),
    ...CLI_FLAGS.map(({ flag, short }) => [
        flag,
        short === undefined ? { type: 'boolean' } : { type: 'boolean', short },
    ]),
]);
/** `status` reads the database only: where it is, and how to print. */
const STATUS_OPTIONS = {
    [specOf('db').flag]: { type: 'string' },
    gridctl: { type: 'boolean' },
    state: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
};
/** argv (without node and the script) to a command; every mistake is a UsageError. */
function parseCli(argv) {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
        return { kind: 'help', text: 'main' };
    }
    if (command === '--version' || command === '-V' || command === 'version') {
        return { kind: 'version' };
    }
    if (command === 'replay')
        return parseReplayArgs(rest);
    if (command === 'status') {
        const parsed = parseOptions(rest, STATUS_OPTIONS, true);
        const v = parsed.values;
        if (v.help === true)
            return { kind: 'help', text: 'status' };
        if (v.gridctl === true) {
            if (typeof v.state === 'string' && v.state.trim() === '')
                throw new UsageError('--state needs a value');
            return {
                kind: 'gridctl-status',
                dirs: parsed.positionals,
                state: typeof v.state === 'string' ? v.state : undefined,
                json: v.json === true,
            };
        }
        if (parsed.positionals.length > 0 || v.state !== undefined)
            throw new UsageError(`status takes ${parsed.positionals.length > 0 ? `no path (${parsed.positionals[0]})` : 'no --state'} without --gridctl`);
        const db = v[specOf('db').flag];
        if (typeof db === 'string' && db.trim() === '')
            throw new UsageError('--db needs a value');
        return { kind: 'status', db: typeof db === 'string' ? db : undefined, json: v.json === true };
    }
    if (command !== 'sync') {
        const near = closest(command, COMMANDS);
        throw new UsageError(`unknown command "${command}"` +
            (near === undefined ? ` (commands: ${COMMANDS.join(', ')})` : `; did you mean ${near}?`));
    }
    const v = parseOptions(rest, SYNC_OPTIONS).values;
    if (v.help === true)
        return { kind: 'help', text: 'sync' };
    const settings = settingsFrom((spec) => {
        const value = v[spec.flag];
        if (spec.type === 'boolean')
            return value === true;
        return typeof value === 'string' ? value : undefined;
    });
    for (const [flag, value] of Object.entries(v)) {
        if (typeof value === 'string' && value.trim() === '') {
            throw new UsageError(`--${flag} needs a value`);
        }
    }
    return { kind: 'sync', settings, json: v.json === true, quiet: v.quiet === true };
}

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/config/tokf-paths.ts


/**
 * Where tokf keeps its tracking database, by tokf's own rules: `TOKF_DB_PATH` wins over
 * `TOKF_HOME` (`$TOKF_HOME/tracking.db`), which wins over the platform's local data directory
 * (on Linux `$XDG_DATA_HOME/tokf/tracking.db`, else `~/.local/share/tokf/tracking.db`).
 */
function defaultTokfDbPath(env, home = (0,external_node_os_namespaceObject.homedir)(), platform = process.platform) {
    if (nonEmpty(env.TOKF_DB_PATH))
        return env.TOKF_DB_PATH;
    if (nonEmpty(env.TOKF_HOME))
        return (0,external_node_path_namespaceObject.join)(env.TOKF_HOME, 'tracking.db');
    return (0,external_node_path_namespaceObject.join)(localDataDir(env, home, platform), 'tokf', 'tracking.db');
}
// The `dirs` crate's data_local_dir, which tokf uses; it ignores a relative XDG_DATA_HOME.
function localDataDir(env, home, platform) {
    if (platform === 'darwin')
        return (0,external_node_path_namespaceObject.join)(home, 'Library', 'Application Support');
    if (platform === 'win32' && nonEmpty(env.LOCALAPPDATA))
        return env.LOCALAPPDATA;
    if (nonEmpty(env.XDG_DATA_HOME) && (0,external_node_path_namespaceObject.isAbsolute)(env.XDG_DATA_HOME))
        return env.XDG_DATA_HOME;
    return (0,external_node_path_namespaceObject.join)(home, '.local', 'share');
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
        return (0,external_node_path_namespaceObject.join)(home, 'Library', 'Application Support', 'tokf');
    if (platform === 'win32')
        return nonEmpty(env.APPDATA) ? (0,external_node_path_namespaceObject.join)(env.APPDATA, 'tokf') : undefined;
    if (nonEmpty(env.XDG_CONFIG_HOME) && (0,external_node_path_namespaceObject.isAbsolute)(env.XDG_CONFIG_HOME))
        return (0,external_node_path_namespaceObject.join)(env.XDG_CONFIG_HOME, 'tokf');
    return (0,external_node_path_namespaceObject.join)(home, '.config', 'tokf');
}
/** The home directory as the `dirs` crate finds it on Unix: `$HOME`, else the user's entry. */
function homeOf(env) {
    return process.platform !== 'win32' && nonEmpty(env.HOME) ? env.HOME : (0,external_node_os_namespaceObject.homedir)();
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
    const file = configDir === undefined ? undefined : (0,external_node_path_namespaceObject.join)(configDir, 'config.toml');
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
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode((0,external_node_fs_namespaceObject.readFileSync)(file));
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

;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
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
        if ((0,external_node_net_namespaceObject.isIP)(name) !== 0 || (0,external_node_net_namespaceObject.isIP)(host) !== 0)
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
    if ((0,external_node_net_namespaceObject.isIP)(entry) === 6)
        return { name: entry };
    const withPort = /^(.*):(\d+)$/.exec(entry);
    if (withPort !== null)
        return { name: withPort[1], entryPort: withPort[2] };
    return { name: entry };
}
function unbracket(host) {
    return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
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
    return redactPatterns(out);
}
/** Only the credential headers and URL credentials (see redact): for text whose secrets are not known. */
function redactPatterns(text) {
    return text
        .replace(CREDENTIAL_HEADER, (_m, name, sep) => `${name}${sep}${MASK}`)
        .replace(URL_CREDENTIALS, (_m, scheme) => `${scheme}${MASK}@`);
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

;// CONCATENATED MODULE: ./src/config/jsonl-config.ts










/**
 * Backends that take metrics only: their preset's path is for metrics, and a gridctl replay's
 * logs and traces need an endpoint of their own there.
 */
const METRICS_ONLY = new Set(['prometheus', 'mimir', 'victoriametrics']);
/** `~/.gridctl/telemetry`, where gridctl keeps `<stack>/<server>/<signal>.jsonl`. */
function defaultGridctlDir(home = (0,external_node_os_namespaceObject.homedir)()) {
    return (0,external_node_path_namespaceObject.join)(home, '.gridctl', 'telemetry');
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
function defaultStatePath(env, home = (0,external_node_os_namespaceObject.homedir)()) {
    const xdg = env.XDG_STATE_HOME;
    const base = given(xdg) && (0,external_node_path_namespaceObject.isAbsolute)(xdg) ? xdg : (0,external_node_path_namespaceObject.join)(home, '.local', 'state');
    return (0,external_node_path_namespaceObject.join)(base, 'telemetry-sync', 'replay-state.db');
}
/** Next to the state database: `replay-state.db` gives `replay-state.rejects.jsonl`. */
function defaultRejectsPath(statePath) {
    const name = statePath.slice((0,external_node_path_namespaceObject.dirname)(statePath).length).replace(/^[/\\]/, '');
    return (0,external_node_path_namespaceObject.join)((0,external_node_path_namespaceObject.dirname)(statePath), `${name.replace(/\.db$/, '')}.rejects.jsonl`);
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

;// CONCATENATED MODULE: ./src/output/directory.ts


/**
 * `mkdir -p` that gives up: Node's `mkdirSync(dir, { recursive: true })` loops for ever where a
 * parent exists but refuses children with ENOENT (`/proc/x`: 80% CPU, no end). Here the missing
 * directories are made one at a time from the nearest existing one, so every failure is an error.
 */
function makeDirectory(dir) {
    const missing = [];
    let at = (0,external_node_path_namespaceObject.resolve)(dir);
    for (;;) {
        const stat = statOrUndefined(at);
        if (stat !== undefined) {
            if (!stat.isDirectory())
                throw Object.assign(new Error(`${at} is not a directory`), { code: 'ENOTDIR' });
            break;
        }
        const parent = (0,external_node_path_namespaceObject.dirname)(at);
        if (parent === at)
            break;
        missing.push(at);
        at = parent;
    }
    for (const path of missing.reverse()) {
        try {
            (0,external_node_fs_namespaceObject.mkdirSync)(path);
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
        return (0,external_node_fs_namespaceObject.statSync)(path);
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
        throw new DatabaseError(`${path} is not a tokf tracking database: no "events" table (${found})`);
    }
    const columns = new Set(db
        .prepare("SELECT name FROM pragma_table_info('events')")
        .all()
        .map((row) => String(row.name)));
    const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
    if (missing.length > 0) {
        throw new DatabaseError(`${path}: the "events" table lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, so it is not tokf's`);
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
        return sqliteFailure(checkErr) === 'damaged' ? messageOf(checkErr) : undefined;
    }
}
/**
 * The typed error for a failure of the database at `path` while doing `what` ("read the pending
 * events"): damaged (exit 2), busy (exit 1: try again later), full (the disk), or a DatabaseError
 * with SQLite's message. Errors that are not SQLite's pass through unchanged.
 */
function databaseFailure(err, path, what, db) {
    // Only SQLite's own errors are told apart here: typed ones and others pass through.
    if (typeof err?.errcode !== 'number')
        return err instanceof Error ? err : new Error(String(err));
    const said = messageOf(err);
    const kind = sqliteFailure(err);
    const damage = kind === 'damaged' ? said : damageFound(db, err);
    if (damage !== undefined)
        return damaged(path, damage);
    if (kind === 'busy')
        return new DatabaseBusyError(`the database ${path} is locked by another program (tokf writing to it?) and stayed locked past the busy timeout, so telemetry-sync could not ${what}; nothing is wrong with it: try again later`);
    if (kind === 'full')
        return new DiskFullError(`the disk holding the database ${path} is full (${said}), so telemetry-sync could not ${what}; free some space and run again`);
    return new DatabaseError(`cannot ${what} in ${path}: ${said}`);
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
function transaction_inWriteTransaction(db, what, work) {
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
    const said = `cannot ${what}: ${messageOf(err)}`;
    switch (sqliteFailure(err)) {
        case 'busy':
            return new DatabaseBusyError(`${said} (another program, tokf writing to it, held it past the busy timeout); nothing is wrong with it: try again later`);
        case 'full':
            return new DiskFullError(`${said}: the disk holding the database is full; free some space and run again`);
        case 'damaged':
            return new DatabaseDamagedError(`the database is damaged: ${said}`);
        default:
            return new DatabaseError(said);
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
        transaction_inWriteTransaction(this.db, 'check that progress can be recorded', () => {
            this.db
                .prepare(`UPDATE events SET ${events_schema_SYNCED_COLUMN} = ${events_schema_SYNCED_COLUMN} WHERE id = (SELECT max(id) FROM events)`)
                .run();
        });
    }
    markDelivered(ranges, at) {
        const update = this.db.prepare(`UPDATE events SET ${events_schema_SYNCED_COLUMN} = ? WHERE id BETWEEN ? AND ? AND ${events_schema_SYNCED_COLUMN} IS NULL`);
        const stamp = progress_store_tokfTimestamp(at);
        transaction_inWriteTransaction(this.db, 'record delivered events', () => {
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

;// CONCATENATED MODULE: ./src/progress/dead-letters.ts



/** Our table of events refused for good, with why; never tokf's tables. */
const REJECTED_TABLE = 'telemetry_sync_rejected';
/** The dead letters of a signal: metrics keep the original name. */
function dead_letters_rejectedTable(signal) {
    return signal === 'metrics' ? REJECTED_TABLE : `${REJECTED_TABLE}_${signal}`;
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
class dead_letters_DeadLetters {
    db;
    table;
    /** Known once created: forget() runs after every acknowledgement and must stay cheap. */
    created = false;
    /** The rejected ids, read once per run and kept up to date by record() and forget(). */
    known;
    constructor(db, 
    /** Our table of refused events: one per signal (see rejectedTable). */
    table = REJECTED_TABLE) {
        this.db = db;
        this.table = table;
    }
    /**
     * Creates the table, and cleans reasons stored by earlier versions of what they may hold of
     * these secrets (see redact): an endpoint's answer that echoed the request's credentials. With
     * secure_delete, so that the old text is overwritten in the file, not only unlinked from it.
     */
    prepareForWriting(secrets = []) {
        transaction_inWriteTransaction(this.db, 'create the rejected-events table', () => {
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
        transaction_inWriteTransaction(this.db, 'record rejected events', () => {
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
        transaction_inWriteTransaction(this.db, 'clear re-sent rejected events', () => {
            for (const id of resent)
                remove.run(id);
        });
        for (const id of resent)
            known.delete(id);
    }
    exists() {
        if (this.created)
            return true;
        return (this.db
            .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
            .get(this.table) !== undefined);
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
        transaction_inWriteTransaction(this.db, 'create the in-flight table', () => this.db.exec(CREATE_TABLE));
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
        transaction_inWriteTransaction(this.db, 'record the request in flight', () => {
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
        return (this.db
            .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
            .get(IN_FLIGHT_TABLE) !== undefined);
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
function id_ranges_rangesOfIds(ids) {
    return coalesce(ids.map((id) => ({ first: id, last: id })));
}
/** The parts of [lo, hi] that no range covers, in order. */
function gapsBetween(covered, lo, hi) {
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
const RANGES_TABLE = 'telemetry_sync_delivered';
/** The ranges table of a signal: metrics keep the original name, so earlier progress stands. */
function ranges_store_rangesTable(signal) {
    return signal === 'metrics' ? RANGES_TABLE : `${RANGES_TABLE}_${signal}`;
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
    table = RANGES_TABLE) {
        this.db = db;
        this.table = table;
    }
    pendingScan(minId, maxId) {
        return { gaps: gapsBetween(this.delivered(), minId, maxId) };
    }
    prepareForWriting() {
        transaction_inWriteTransaction(this.db, 'create the progress table', () => {
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
        transaction_inWriteTransaction(this.db, 'record delivered events', () => {
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
        return (this.db
            .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
            .get(this.table) !== undefined);
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
const series_store_SERIES_TABLE = 'telemetry_sync_series';
const series_store_CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${series_store_SERIES_TABLE} (
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
class series_store_SeriesStore {
    db;
    created = false;
    constructor(db) {
        this.db = db;
    }
    prepareForWriting() {
        transaction_inWriteTransaction(this.db, 'create the series table', () => this.db.exec(series_store_CREATE_TABLE));
        this.created = true;
    }
    /** Every series' totals; none when a read-only run finds no table of ours. */
    load() {
        const out = new Map();
        if (!this.created && !this.exists())
            return out;
        const rows = this.db
            .prepare(`SELECT series_key, start_s, last_s, sum, histogram FROM ${series_store_SERIES_TABLE}`)
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
        const upsert = this.db.prepare(`INSERT INTO ${series_store_SERIES_TABLE} (series_key, start_s, last_s, sum, histogram) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(series_key) DO UPDATE SET last_s = excluded.last_s, sum = excluded.sum, histogram = excluded.histogram`);
        transaction_inWriteTransaction(this.db, 'record series totals', () => {
            for (const [key, t] of totals) {
                upsert.run(key, t.startSeconds, t.lastSeconds, t.sum, t.histogram === undefined ? null : JSON.stringify(t.histogram));
            }
        });
    }
    exists() {
        return (this.db
            .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
            .get(series_store_SERIES_TABLE) !== undefined);
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
        stat = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${pid}/stat`, 'utf8');
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
        (0,external_node_fs_namespaceObject.readFileSync)('/proc/self/stat');
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
            boot = (0,external_node_fs_namespaceObject.readFileSync)(BOOT_ID, 'utf8').trim();
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
    owner = `${(0,external_node_os_namespaceObject.hostname)()}:${process.pid}:${Math.random().toString(36).slice(2)}`;
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
            transaction_inWriteTransaction(this.db, 'release the sync lock', () => {
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
        transaction_inWriteTransaction(this.db, 'take the sync lock', () => {
            this.db.exec(sync_lock_CREATE_TABLE);
            addStartedColumn(this.db);
            const row = readRow(this.db);
            if (row !== undefined && isAlive(row, now, this.timing.staleAfterMs)) {
                holder = row;
                return;
            }
            this.db
                .prepare(`INSERT OR REPLACE INTO ${LOCK_TABLE} (id, owner, host, pid, acquired_at, heartbeat_ms, started) VALUES (1, ?, ?, ?, ?, ?, ?)`)
                .run(this.owner, (0,external_node_os_namespaceObject.hostname)(), process.pid, progress_store_tokfTimestamp(new Date(now)), now, ownStart() ?? null);
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
    if (row.host === (0,external_node_os_namespaceObject.hostname)()) {
        const proc = processStart(row.pid);
        if (proc.kind === 'gone')
            return false;
        if (proc.kind === 'started' && row.started !== null)
            return proc.at === row.started;
    }
    return now - row.heartbeat_ms <= staleAfterMs;
}
/** Reads the lock without taking it (a read-only database is fine); undefined when none is held. */
function readLockHolder(db, now, staleAfterMs = STALE_AFTER_MS) {
    const exists = db
        .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
        .get(LOCK_TABLE);
    if (exists === undefined)
        return undefined;
    const row = readRow(db);
    if (row === undefined)
        return undefined;
    return {
        host: row.host,
        pid: row.pid,
        since: row.acquired_at,
        heartbeatAt: progress_store_tokfTimestamp(new Date(row.heartbeat_ms)),
        alive: isAlive(row, now, staleAfterMs),
    };
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
    transaction_inWriteTransaction(db, 'record the run', () => {
        db.exec(run_log_CREATE_TABLE);
        db.prepare(`INSERT INTO ${RUNS_TABLE} (started_at, finished_at, status, endpoint, selected, delivered, set_aside, pending)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(progress_store_tokfTimestamp(new Date(run.startedMs)), progress_store_tokfTimestamp(new Date(run.finishedMs)), run.status, run.endpoint, run.selected, run.delivered, run.setAside, run.pending);
        db.prepare(`DELETE FROM ${RUNS_TABLE} WHERE id <= (SELECT max(id) FROM ${RUNS_TABLE}) - ${RUNS_KEPT}`).run();
    });
}
/** The newest recorded run, or undefined when none was (or the table is not there). */
function lastRun(db) {
    if (!run_log_tableExists(db, RUNS_TABLE))
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
function run_log_tableExists(db, name) {
    return (db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !==
        undefined);
}

;// CONCATENATED MODULE: external "node:sqlite"
const external_node_sqlite_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:sqlite");
;// CONCATENATED MODULE: ./src/source/database.ts





/** How long a statement waits for tokf's write lock before giving up. */
const BUSY_TIMEOUT_MS = 5000;
/**
 * Opens the tracking database without ever creating it. Read-only where the run records nothing
 * (dry runs, file-only exports), so such runs leave the file byte for byte as it was.
 */
function database_openDatabase(path, readOnly, busyTimeoutMs = BUSY_TIMEOUT_MS) {
    if (!(0,external_node_fs_namespaceObject.existsSync)(path))
        throw new DatabaseError(`no database at ${path}`);
    if ((0,external_node_fs_namespaceObject.statSync)(path).isDirectory())
        throw new DatabaseError(`${path} is a directory, not a database`);
    let db;
    try {
        db = new external_node_sqlite_namespaceObject.DatabaseSync(path, { readOnly });
    }
    catch (err) {
        throw new DatabaseError(`cannot open ${path}: ${messageOf(err)}`);
    }
    try {
        db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
        // SQLite reads the header lazily: ask for something so a non-database fails here, clearly.
        db.prepare('SELECT count(*) FROM sqlite_schema').get();
    }
    catch (err) {
        db.close();
        const msg = messageOf(err);
        if (/not a database|file is encrypted/i.test(msg)) {
            throw new DatabaseError(`${path} is not an SQLite database`);
        }
        throw databaseFailure(err, path, 'open it');
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
    if (!(0,external_node_fs_namespaceObject.existsSync)(path))
        return; // openDatabase says so
    for (const [what, target] of [
        ['database file', path],
        ['directory', (0,external_node_path_namespaceObject.dirname)(path)],
    ]) {
        const mode = (0,external_node_fs_namespaceObject.statSync)(target).mode;
        if ((mode & 0o222) === 0) {
            throw new DatabaseError(`the ${what} ${target} is read-only (mode ${(mode & 0o777).toString(8)}), so delivered events could not be recorded; nothing was sent (use --dry-run or --otlp-json-out to read it)`);
        }
    }
}
/**
 * A consistent copy of the database at `to`, through SQLite's online backup: tokf writing
 * meanwhile cannot tear it, as a file copy could.
 */
async function copyDatabase(from, to) {
    const source = new DatabaseSync(from, { readOnly: true });
    try {
        await backup(source, to);
    }
    finally {
        source.close();
    }
}

;// CONCATENATED MODULE: external "node:timers/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
var external_node_http_default = /*#__PURE__*/__nccwpck_require__.n(external_node_http_namespaceObject);
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
var external_node_https_default = /*#__PURE__*/__nccwpck_require__.n(external_node_https_namespaceObject);
;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
var external_node_tls_default = /*#__PURE__*/__nccwpck_require__.n(external_node_tls_namespaceObject);
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
var light = __nccwpck_require__(365);
var light_default = /*#__PURE__*/__nccwpck_require__.n(light);
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
function plural(n, noun, nouns = `${noun}s`) {
    return `${words_count(n)} ${n === 1 ? noun : nouns}`;
}
const UNITS = ['kB', 'MB', 'GB', 'TB'];
/** Bytes in the units people use, decimal as disks and networks count: `512 B`, `36.1 MB`. */
function bytes(n) {
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
        this.sleep = options.sleep ?? promises_namespaceObject.setTimeout;
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
                    ? `gave up after ${plural(attempts, 'attempt')}: the endpoint asked to wait ${seconds(wait)}, past ${budget}${attempt}`
                    : `gave up after ${plural(attempts, 'attempt')} over ${seconds(spent)}: the next wait${attempt} would pass ${budget}`);
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





const gzipAsync = (0,external_node_util_namespaceObject.promisify)(external_node_zlib_namespaceObject.gzip);
/**
 * Fastest zlib level: OTLP bodies repeat the same attributes and bucket bounds point after point,
 * so level 1 already shrinks them about fifteen times, at a quarter of the default level's cost.
 */
const GZIP_LEVEL = 1;
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
        return gzipAsync(payload, { level: GZIP_LEVEL });
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




/** How long a run waits for another one holding the same lock (database or state) before refusing. */
const LOCK_WAIT_MS = 10_000;
/**
 * What every command that sends shares, whatever its source reads (a tokf database, JSON Lines
 * files): the lock held while progress is recorded, the exporters (retries, their progress, the
 * stop), the circuit breaker, Ctrl-C and SIGTERM (through `deps.signal`), a lock taken over, and
 * the run log written only while the lock is the run's. A source says what is pending, how it is
 * encoded and how an acknowledgement is recorded; it asks the harness for the rest.
 */
class RunHarness {
    deps;
    lock;
    stops;
    constructor(deps, 
    /** The lock of the store progress is recorded in; undefined when nothing is recorded. */
    lock) {
        this.deps = deps;
        this.lock = lock;
    }
    /**
     * Runs `body` holding the lock (when there is one), then leaves the run's line in the run log
     * unless the lock was taken over (the log is the other run's to write then). Throws
     * SyncBusyError before `body` when another run holds the lock past LOCK_WAIT_MS.
     */
    async hold(body, logRun) {
        const { lock, deps } = this;
        if (lock === undefined)
            return await body();
        const sleep = deps.sleep ?? promises_namespaceObject.setTimeout;
        await lock.acquire({ waitMs: deps.lockWaitMs ?? LOCK_WAIT_MS, now: deps.now, sleep });
        try {
            const result = await body();
            if (lock.lost === undefined)
                logRun?.(result);
            return result;
        }
        finally {
            lock.release();
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
     * An exporter with the run's edges: retry policy and budget, retry progress, the user agent,
     * and the stop (no attempt is started once the run is interrupted or its lock taken over).
     */
    exporter(target) {
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
function parseEventTime(text) {
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

;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/metrics/Metric.mjs
//#region src/metrics/Metric.ts
/**
* The Type of value. It describes how the data is reported.
*
* @since 1.3.0
*/
let ValueType = /* @__PURE__ */ function(ValueType) {
	ValueType[ValueType["INT"] = 0] = "INT";
	ValueType[ValueType["DOUBLE"] = 1] = "DOUBLE";
	return ValueType;
}({});
//#endregion


//# sourceMappingURL=Metric.mjs.map
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
    valueType: ValueType.INT,
};
const TOKENS_SAVED = {
    name: 'tokf.tokens.saved',
    unit: '{token}',
    description: 'Estimated tokens saved by filtering',
    kind: 'sum',
    valueType: ValueType.INT,
};
const TOKEN_USAGE = {
    name: 'gen_ai.client.token.usage',
    unit: '{token}',
    description: 'Token usage per invocation',
    kind: 'histogram',
    valueType: ValueType.INT,
};
const FILTER_DURATION = {
    name: 'tokf.filter.duration',
    unit: 's',
    description: 'Time spent applying the filter',
    kind: 'histogram',
    valueType: ValueType.DOUBLE,
};
/** tokf's meter name, which becomes the instrumentation scope. */
const SCOPE_NAME = 'tokf';

;// CONCATENATED MODULE: ./src/encode/aggregate.ts


/**
 * Folds events into points the way tokf's live exporter records them. Events of one series in
 * the same second become one point (sums added, histograms merged): backends keep one sample per
 * series and timestamp, and the totals must survive exactly.
 *
 * Events without a readable timestamp must be left out by the caller.
 */
function aggregate(events) {
    const invocations = [];
    const saved = [];
    const usage = [];
    const duration = [];
    // One entry per series and second, holding that second's five points: the key is built once
    // per event rather than once per point, which matters at a million events.
    const index = new Map();
    // The attributes of each series, shared by its points of every second: one object per series
    // and instrument, which lets the cumulative step name a series once per batch, not per point.
    const seriesAttributes = new Map();
    for (const e of events) {
        const seconds = e.epochSeconds;
        const series = seriesOfEvent(e);
        const key = `${seconds}\u0000${series}`;
        let p = index.get(key);
        if (p === undefined) {
            let attrs = seriesAttributes.get(series);
            if (attrs === undefined)
                seriesAttributes.set(series, (attrs = attributesOf(e)));
            const at = (attributes) => ({
                attributes,
                epochSeconds: seconds,
                sum: 0,
                histogram: undefined,
            });
            p = {
                invocations: at(attrs.point),
                saved: at(attrs.point),
                input: at(attrs.input),
                output: at(attrs.output),
                duration: at(attrs.point),
            };
            index.set(key, p);
            invocations.push(p.invocations);
            saved.push(p.saved);
            usage.push(p.input, p.output);
            duration.push(p.duration);
        }
        p.invocations.sum += 1;
        p.saved.sum += Math.max(0, e.inputTokens - e.outputTokens);
        record(p.input, e.inputTokens);
        record(p.output, e.outputTokens);
        record(p.duration, e.filterTimeMs / 1000);
    }
    return new Map([
        [INVOCATIONS, invocations],
        [TOKENS_SAVED, saved],
        [TOKEN_USAGE, usage],
        [FILTER_DURATION, duration],
    ]);
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
function record(p, value) {
    const h = (p.histogram ??= {
        count: 0,
        sum: 0,
        min: value,
        max: value,
        bucketCounts: new Array(DEFAULT_BOUNDARIES.length + 1).fill(0),
    });
    h.count += 1;
    h.sum += value;
    h.min = Math.min(h.min, value);
    h.max = Math.max(h.max, value);
    h.bucketCounts[bucketIndex(value)] += 1;
}
// Buckets are (previous boundary, boundary]: a value equal to a boundary falls in that bucket.
function bucketIndex(value) {
    const i = DEFAULT_BOUNDARIES.findIndex((b) => value <= b);
    return i === -1 ? DEFAULT_BOUNDARIES.length : i;
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
        this.fd ??= (0,external_node_fs_namespaceObject.openSync)(this.partPath, 'w');
        (0,external_node_fs_namespaceObject.writeSync)(this.fd, this.chunks.join(''));
        this.chunks = [];
        this.chars = 0;
    }
    /** Copies the family (header, then lines) to `out` and removes its part file. */
    copyTo(out, buffer) {
        (0,external_node_fs_namespaceObject.writeSync)(out, this.header);
        this.flush();
        if (this.fd === undefined)
            return;
        (0,external_node_fs_namespaceObject.closeSync)(this.fd);
        this.fd = undefined;
        const input = (0,external_node_fs_namespaceObject.openSync)(this.partPath, 'r');
        try {
            for (;;) {
                const n = (0,external_node_fs_namespaceObject.readSync)(input, buffer, 0, buffer.length, null);
                if (n === 0)
                    break;
                (0,external_node_fs_namespaceObject.writeSync)(out, buffer, 0, n);
            }
        }
        finally {
            (0,external_node_fs_namespaceObject.closeSync)(input);
        }
        (0,external_node_fs_namespaceObject.rmSync)(this.partPath, { force: true });
    }
    discard() {
        if (this.fd !== undefined)
            (0,external_node_fs_namespaceObject.closeSync)(this.fd);
        this.fd = undefined;
        this.chunks = [];
        (0,external_node_fs_namespaceObject.rmSync)(this.partPath, { force: true });
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
        const out = (0,external_node_fs_namespaceObject.openSync)(tmp, 'w');
        try {
            const buffer = Buffer.allocUnsafe(COPY_BYTES);
            for (const part of this.parts)
                part.copyTo(out, buffer);
            (0,external_node_fs_namespaceObject.writeSync)(out, trailer);
            (0,external_node_fs_namespaceObject.fsyncSync)(out);
        }
        catch (err) {
            this.discard();
            (0,external_node_fs_namespaceObject.closeSync)(out);
            (0,external_node_fs_namespaceObject.rmSync)(tmp, { force: true });
            throw err;
        }
        (0,external_node_fs_namespaceObject.closeSync)(out);
        // Renamed whole, so that no one backfills half a file.
        (0,external_node_fs_namespaceObject.renameSync)(tmp, this.path);
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
    return new FileWriteError(`cannot write the ${kind} ${path}: ${messageOf(err)}`, path);
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
        this.path = (0,external_node_path_namespaceObject.join)(dir, OPENMETRICS_FILE);
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
        (0,external_node_fs_namespaceObject.mkdirSync)(this.dir, { recursive: true });
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

;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/common/protobuf/utils.mjs
//#region src/common/protobuf/utils.ts
/**
* Estimate size of a number encoded as varint.
* @param v value to calculate size for
* @returns size in bytes of the varint encoding of the value
*/
function estimateVarintSize(v) {
	if (v < 0) return 10;
	if (v < 128) return 1;
	if (v < 16384) return 2;
	if (v < 2097152) return 3;
	if (v < 268435456) return 4;
	if (v < 34359738368) return 5;
	if (v < 4398046511104) return 6;
	if (v < 562949953421312) return 7;
	if (v < 72057594037927940) return 8;
	return 9;
}
//#endregion


//# sourceMappingURL=utils.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/version.mjs
//#region src/version.ts
const VERSION = "1.10.0";
//#endregion


//# sourceMappingURL=version.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/internal/semver.mjs

//#region src/internal/semver.ts
const re = /^(\d+)\.(\d+)\.(\d+)(-(.+))?$/;
/**
* Create a function to test an API version to see if it is compatible with the provided ownVersion.
*
* The returned function has the following semantics:
* - Exact match is always compatible
* - Major versions must match exactly
*    - 1.x package cannot use global 2.x package
*    - 2.x package cannot use global 1.x package
* - The minor version of the API module requesting access to the global API must be less than or equal to the minor version of this API
*    - 1.3 package may use 1.4 global because the later global contains all functions 1.3 expects
*    - 1.4 package may NOT use 1.3 global because it may try to call functions which don't exist on 1.3
* - If the major version is 0, the minor version is treated as the major and the patch is treated as the minor
* - Patch and build tag differences are not considered at this time
*
* @param ownVersion version which should be checked against
*/
function _makeCompatibilityCheck(ownVersion) {
	const acceptedVersions = /* @__PURE__ */ new Set([ownVersion]);
	const rejectedVersions = /* @__PURE__ */ new Set();
	const myVersionMatch = ownVersion.match(re);
	if (!myVersionMatch) return () => false;
	const ownVersionParsed = {
		major: +myVersionMatch[1],
		minor: +myVersionMatch[2],
		patch: +myVersionMatch[3],
		prerelease: myVersionMatch[4]
	};
	if (ownVersionParsed.prerelease != null) return function isExactmatch(globalVersion) {
		return globalVersion === ownVersion;
	};
	function _reject(v) {
		rejectedVersions.add(v);
		return false;
	}
	function _accept(v) {
		acceptedVersions.add(v);
		return true;
	}
	return function isCompatible(globalVersion) {
		if (acceptedVersions.has(globalVersion)) return true;
		if (rejectedVersions.has(globalVersion)) return false;
		const globalVersionMatch = globalVersion.match(re);
		if (!globalVersionMatch) return _reject(globalVersion);
		const globalVersionParsed = {
			major: +globalVersionMatch[1],
			minor: +globalVersionMatch[2],
			patch: +globalVersionMatch[3],
			prerelease: globalVersionMatch[4]
		};
		if (globalVersionParsed.prerelease != null) return _reject(globalVersion);
		if (ownVersionParsed.major !== globalVersionParsed.major) return _reject(globalVersion);
		if (ownVersionParsed.major === 0) {
			if (ownVersionParsed.minor === globalVersionParsed.minor && ownVersionParsed.patch <= globalVersionParsed.patch) return _accept(globalVersion);
			return _reject(globalVersion);
		}
		if (ownVersionParsed.minor <= globalVersionParsed.minor) return _accept(globalVersion);
		return _reject(globalVersion);
	};
}
/**
* Test an API version to see if it is compatible with this API.
*
* - Exact match is always compatible
* - Major versions must match exactly
*    - 1.x package cannot use global 2.x package
*    - 2.x package cannot use global 1.x package
* - The minor version of the API module requesting access to the global API must be less than or equal to the minor version of this API
*    - 1.3 package may use 1.4 global because the later global contains all functions 1.3 expects
*    - 1.4 package may NOT use 1.3 global because it may try to call functions which don't exist on 1.3
* - If the major version is 0, the minor version is treated as the major and the patch is treated as the minor
* - Patch and build tag differences are not considered at this time
*
* @param version version of the API requesting an instance of the global API
*/
const isCompatible = _makeCompatibilityCheck(VERSION);
//#endregion


//# sourceMappingURL=semver.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/internal/global-utils.mjs


//#region src/internal/global-utils.ts
const major = VERSION.split(".")[0];
const GLOBAL_OPENTELEMETRY_API_KEY = Symbol.for(`opentelemetry.js.api.${major}`);
const _global = typeof globalThis === "object" ? globalThis : typeof self === "object" ? self : typeof window === "object" ? window : typeof global === "object" ? global : {};
function _makeGlobalApi() {
	return Object.defineProperty({}, "version", {
		value: VERSION,
		enumerable: true,
		writable: false,
		configurable: false
	});
}
function registerGlobal(type, instance, diag, allowOverride = false) {
	var _global$GLOBAL_OPENTE;
	const api = _global[GLOBAL_OPENTELEMETRY_API_KEY] = (_global$GLOBAL_OPENTE = _global[GLOBAL_OPENTELEMETRY_API_KEY]) !== null && _global$GLOBAL_OPENTE !== void 0 ? _global$GLOBAL_OPENTE : _makeGlobalApi();
	if (!allowOverride && api[type]) {
		const err = /* @__PURE__ */ new Error(`@opentelemetry/api: Attempted duplicate registration of API: ${type}`);
		diag.error(err.stack || err.message);
		return false;
	}
	if (api.version !== "1.10.0") {
		const err = /* @__PURE__ */ new Error(`@opentelemetry/api: Registration of version v${api.version} for ${type} does not match previously registered API v${VERSION}`);
		diag.error(err.stack || err.message);
		return false;
	}
	api[type] = instance;
	diag.debug(`@opentelemetry/api: Registered a global for ${type} v${VERSION}.`);
	return true;
}
let _compatibleGlobalApi;
function getGlobal(type) {
	const api = _global[GLOBAL_OPENTELEMETRY_API_KEY];
	if (api == null) return;
	if (api !== _compatibleGlobalApi) {
		if (!api.version || !isCompatible(api.version)) return;
		_compatibleGlobalApi = api;
	}
	return api[type];
}
function unregisterGlobal(type, diag) {
	diag.debug(`@opentelemetry/api: Unregistering a global for ${type} v${VERSION}.`);
	const api = _global[GLOBAL_OPENTELEMETRY_API_KEY];
	if (api) delete api[type];
}
//#endregion


//# sourceMappingURL=global-utils.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/diag/ComponentLogger.mjs

//#region src/diag/ComponentLogger.ts
/**
* Component Logger which is meant to be used as part of any component which
* will add automatically additional namespace in front of the log message.
* It will then forward all message to global diag logger
* @example
* const cLogger = diag.createComponentLogger({ namespace: '@opentelemetry/instrumentation-http' });
* cLogger.debug('test');
* // @opentelemetry/instrumentation-http test
*/
var DiagComponentLogger = class {
	constructor(props) {
		this._namespace = props.namespace || "DiagComponentLogger";
	}
	debug(...args) {
		return logProxy("debug", this._namespace, args);
	}
	error(...args) {
		return logProxy("error", this._namespace, args);
	}
	info(...args) {
		return logProxy("info", this._namespace, args);
	}
	warn(...args) {
		return logProxy("warn", this._namespace, args);
	}
	verbose(...args) {
		return logProxy("verbose", this._namespace, args);
	}
};
function logProxy(funcName, namespace, args) {
	const logger = getGlobal("diag");
	if (!logger) return;
	return logger[funcName](namespace, ...args);
}
//#endregion


//# sourceMappingURL=ComponentLogger.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/diag/internal/logLevelLogger.mjs

//#region src/diag/internal/logLevelLogger.ts
function createLogLevelDiagLogger(maxLevel, logger) {
	if (maxLevel < 0) maxLevel = 0;
	else if (maxLevel > 9999) maxLevel = 9999;
	logger = logger || {};
	function _filterFunc(funcName, theLevel) {
		const theFunc = logger[funcName];
		if (typeof theFunc === "function" && maxLevel >= theLevel) return theFunc.bind(logger);
		return function() {};
	}
	return {
		error: _filterFunc("error", 30),
		warn: _filterFunc("warn", 50),
		info: _filterFunc("info", 60),
		debug: _filterFunc("debug", 70),
		verbose: _filterFunc("verbose", 80)
	};
}
//#endregion


//# sourceMappingURL=logLevelLogger.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/api/diag.mjs




//#region src/api/diag.ts
const API_NAME = "diag";
/**
* Singleton object which represents the entry point to the OpenTelemetry internal
* diagnostic API
*
* @since 1.0.0
*/
var DiagAPI = class DiagAPI {
	/** Get the singleton instance of the DiagAPI API */
	static instance() {
		if (!this._instance) this._instance = new DiagAPI();
		return this._instance;
	}
	/**
	* Private internal constructor
	* @private
	*/
	constructor() {
		function _logProxy(funcName) {
			return function(...args) {
				const logger = getGlobal("diag");
				if (!logger) return;
				return logger[funcName](...args);
			};
		}
		const self = this;
		const setLogger = (logger, optionsOrLogLevel = { logLevel: 60 }) => {
			var _optionsOrLogLevel$lo;
			if (logger === self) {
				var _err$stack;
				const err = /* @__PURE__ */ new Error("Cannot use diag as the logger for itself. Please use a DiagLogger implementation like ConsoleDiagLogger or a custom implementation");
				self.error((_err$stack = err.stack) !== null && _err$stack !== void 0 ? _err$stack : err.message);
				return false;
			}
			if (typeof optionsOrLogLevel === "number") optionsOrLogLevel = { logLevel: optionsOrLogLevel };
			const oldLogger = getGlobal("diag");
			const newLogger = createLogLevelDiagLogger((_optionsOrLogLevel$lo = optionsOrLogLevel.logLevel) !== null && _optionsOrLogLevel$lo !== void 0 ? _optionsOrLogLevel$lo : 60, logger);
			if (oldLogger && !optionsOrLogLevel.suppressOverrideMessage) {
				var _Error$stack;
				const stack = (_Error$stack = (/* @__PURE__ */ new Error()).stack) !== null && _Error$stack !== void 0 ? _Error$stack : "<failed to generate stacktrace>";
				oldLogger.warn(`Current logger will be overwritten from ${stack}`);
				newLogger.warn(`Current logger will overwrite one already registered from ${stack}`);
			}
			return registerGlobal("diag", newLogger, self, true);
		};
		self.setLogger = setLogger;
		self.disable = () => {
			unregisterGlobal(API_NAME, self);
		};
		self.createComponentLogger = (options) => {
			return new DiagComponentLogger(options);
		};
		self.verbose = _logProxy("verbose");
		self.debug = _logProxy("debug");
		self.info = _logProxy("info");
		self.warn = _logProxy("warn");
		self.error = _logProxy("error");
	}
};
//#endregion


//# sourceMappingURL=diag.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/diag-api.mjs

//#region src/diag-api.ts
/**
* Entrypoint for Diag API.
* Defines Diagnostic handler used for internal diagnostic logging operations.
* The default provides a Noop DiagLogger implementation which may be changed via the
* diag.setLogger(logger: DiagLogger) function.
*
* @since 1.0.0
*/
const diag_api_diag = DiagAPI.instance();
//#endregion


//# sourceMappingURL=diag-api.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/common/protobuf/protobuf-writer.mjs


//#region src/common/protobuf/protobuf-writer.ts
const GROWING_BUFFER_DEBUG_MESSAGE = "ProtobufWriter: estimated size was too small, growing buffer.";
/**
* bytes reserved for length in length-delimited fields
* using 1 to assume most length-delimited fields are small
*/
const RESERVED_LENGTH_BYTES = 1;
/**
* Primitive protobuf writer, optimized to avoid small object allocations.
* Grows buffer dynamically if initial size is exceeded.
*/
var ProtobufWriter = class {
	_buffer;
	_textEncoder;
	_dataView;
	pos = 0;
	constructor(estimatedSize = 65536) {
		this._buffer = new Uint8Array(estimatedSize);
		this._textEncoder = new TextEncoder();
		this._dataView = new DataView(this._buffer.buffer, this._buffer.byteOffset);
	}
	/**
	* Ensure buffer has capacity for at least size more bytes
	*/
	_ensureCapacity(size) {
		const needed = this.pos + size;
		if (needed <= this._buffer.length) return;
		diag_api_diag.debug(GROWING_BUFFER_DEBUG_MESSAGE);
		let newSize = this._buffer.length * 2;
		while (newSize < needed) newSize *= 2;
		const newBuffer = new Uint8Array(newSize);
		newBuffer.set(this._buffer);
		this._buffer = newBuffer;
		this._dataView = new DataView(this._buffer.buffer, this._buffer.byteOffset);
	}
	/**
	* Get the written bytes as a Uint8Array
	*/
	finish() {
		return this._buffer.subarray(0, this.pos);
	}
	/**
	* Insert placeholder for length. Update later with {@link finishLengthDelimited}
	* Returns the position where to write the length.
	*/
	startLengthDelimited() {
		const lengthPos = this.pos;
		this._ensureCapacity(RESERVED_LENGTH_BYTES);
		this.pos += RESERVED_LENGTH_BYTES;
		return lengthPos;
	}
	/**
	* Write length varint at placeholder position and shift content forward if needed.
	* Most messages are small (< 128 bytes), so we reserve 1 byte and only shift
	* when the length needs more bytes.
	*/
	finishLengthDelimited(pos, length) {
		const v = length >>> 0;
		const varintSize = estimateVarintSize(v);
		if (varintSize > RESERVED_LENGTH_BYTES) {
			const additionalBytes = varintSize - RESERVED_LENGTH_BYTES;
			this._ensureCapacity(additionalBytes);
			this._buffer.copyWithin(pos + varintSize, pos + RESERVED_LENGTH_BYTES, this.pos);
			this.pos += additionalBytes;
		}
		let writePos = pos;
		if (v < 128) this._buffer[writePos] = v;
		else if (v < 16384) {
			this._buffer[writePos++] = v & 127 | 128;
			this._buffer[writePos] = v >>> 7;
		} else if (v < 2097152) {
			this._buffer[writePos++] = v & 127 | 128;
			this._buffer[writePos++] = v >>> 7 & 127 | 128;
			this._buffer[writePos] = v >>> 14;
		} else if (v < 268435456) {
			this._buffer[writePos++] = v & 127 | 128;
			this._buffer[writePos++] = v >>> 7 & 127 | 128;
			this._buffer[writePos++] = v >>> 14 & 127 | 128;
			this._buffer[writePos] = v >>> 21;
		} else {
			this._buffer[writePos++] = v & 127 | 128;
			this._buffer[writePos++] = v >>> 7 & 127 | 128;
			this._buffer[writePos++] = v >>> 14 & 127 | 128;
			this._buffer[writePos++] = v >>> 21 & 127 | 128;
			this._buffer[writePos] = v >>> 28;
		}
	}
	/**
	* Write a sint32 value using zigzag encoding
	*/
	writeSint32(value) {
		this.writeVarint((value << 1 ^ value >> 31) >>> 0);
	}
	/**
	* Write a signed 64-bit fixed integer (sfixed64) from a JS number.
	* Handles negative values via two's complement.
	*/
	writeSfixed64(value) {
		let low;
		let high;
		if (value >= 0) {
			low = value >>> 0;
			high = value / 4294967296 >>> 0;
		} else {
			const abs = Math.abs(value);
			low = abs >>> 0;
			high = abs / 4294967296 >>> 0;
			low = ~low >>> 0;
			high = ~high >>> 0;
			low = low + 1 >>> 0;
			if (low === 0) high = high + 1 >>> 0;
		}
		this.writeFixed64(low, high);
	}
	/**
	* Write a varint (variable-length integer)
	*/
	writeVarint(value) {
		this._ensureCapacity(estimateVarintSize(value));
		if (value >= 0 && value <= 4294967295) {
			let v = value >>> 0;
			while (v > 127) {
				this._buffer[this.pos++] = v & 127 | 128;
				v >>>= 7;
			}
			this._buffer[this.pos++] = v;
		} else {
			let low;
			let high;
			if (value >= 0) {
				low = value >>> 0;
				high = value / 4294967296 >>> 0;
			} else {
				const abs = Math.abs(value);
				low = abs >>> 0;
				high = abs / 4294967296 >>> 0;
				low = ~low >>> 0;
				high = ~high >>> 0;
				low = low + 1 >>> 0;
				if (low === 0) high = high + 1 >>> 0;
			}
			while (high > 0 || low > 127) {
				this._buffer[this.pos++] = low & 127 | 128;
				low = (low >>> 7 | high << 25) >>> 0;
				high >>>= 7;
			}
			this._buffer[this.pos++] = low & 127;
		}
	}
	/**
	* Write a 32-bit fixed integer (little-endian)
	*/
	writeFixed32(value) {
		this._ensureCapacity(4);
		const v = value >>> 0;
		this._buffer[this.pos++] = v & 255;
		this._buffer[this.pos++] = v >>> 8 & 255;
		this._buffer[this.pos++] = v >>> 16 & 255;
		this._buffer[this.pos++] = v >>> 24 & 255;
	}
	/**
	* Write a 64-bit fixed integer (little-endian)
	* @param low - Low 32 bits
	* @param high - High 32 bits
	*/
	writeFixed64(low, high) {
		this._ensureCapacity(8);
		const l = low >>> 0;
		const h = high >>> 0;
		this._buffer[this.pos++] = l & 255;
		this._buffer[this.pos++] = l >>> 8 & 255;
		this._buffer[this.pos++] = l >>> 16 & 255;
		this._buffer[this.pos++] = l >>> 24 & 255;
		this._buffer[this.pos++] = h & 255;
		this._buffer[this.pos++] = h >>> 8 & 255;
		this._buffer[this.pos++] = h >>> 16 & 255;
		this._buffer[this.pos++] = h >>> 24 & 255;
	}
	/**
	* Write length-delimited data (varint length + bytes)
	*/
	writeBytes(bytes) {
		this.writeVarint(bytes.length);
		this._ensureCapacity(bytes.length);
		this._buffer.set(bytes, this.pos);
		this.pos += bytes.length;
	}
	/**
	* Write a field key (field number + wire type)
	*/
	writeTag(fieldNumber, wireType) {
		this.writeVarint(fieldNumber << 3 | wireType);
	}
	/**
	* Write a double (64-bit IEEE 754)
	*/
	writeDouble(value) {
		this._ensureCapacity(8);
		this._dataView.setFloat64(this.pos, value, true);
		this.pos += 8;
	}
	/**
	* Write a string as UTF-8 bytes (length-delimited)
	*/
	writeString(str) {
		let isAscii = true;
		const len = str.length;
		for (let i = 0; i < len; i++) if (str.charCodeAt(i) > 127) {
			isAscii = false;
			break;
		}
		if (isAscii) {
			this.writeVarint(len);
			this._ensureCapacity(len);
			for (let i = 0; i < len; i++) this._buffer[this.pos++] = str.charCodeAt(i);
		} else {
			const bytes = this._textEncoder.encode(str);
			this.writeBytes(bytes);
		}
	}
};
//#endregion


//# sourceMappingURL=protobuf-writer.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/common/hex-to-binary.mjs
//#region src/common/hex-to-binary.ts
function intValue(charCode) {
	if (charCode >= 48 && charCode <= 57) return charCode - 48;
	if (charCode >= 97 && charCode <= 102) return charCode - 87;
	return charCode - 55;
}
function hexToBinary(hexStr) {
	const buf = new Uint8Array(hexStr.length / 2);
	let offset = 0;
	for (let i = 0; i < hexStr.length; i += 2) {
		const hi = intValue(hexStr.charCodeAt(i));
		const lo = intValue(hexStr.charCodeAt(i + 1));
		buf[offset++] = hi << 4 | lo;
	}
	return buf;
}
//#endregion


//# sourceMappingURL=hex-to-binary.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/common/protobuf/common-serializer.mjs
//#region src/common/protobuf/common-serializer.ts
/**
* Write HrTime [seconds, nanoseconds] directly as fixed64 to the serializer.
* Converts to nanoseconds and writes as 64-bit little-endian integer without allocations.
*
* HrTime represents: total_nanos = seconds * 1_000_000_000 + nanoseconds
* We need to split this into low (bits 0-31) and high (bits 32-63).
*
* @param serializer - The protobuf writer
* @param hrTime - HrTime tuple [seconds, nanoseconds]
*/
function writeHrTimeAsFixed64(serializer, hrTime) {
	const seconds = hrTime[0];
	const nanos = hrTime[1];
	const nanosPerSecond = 1e9;
	const secondsLower16Bits = seconds & 65535;
	const secondsUpperBits = seconds / 65536 >>> 0;
	const nanosFromLower16Bits = secondsLower16Bits * nanosPerSecond;
	const nanosFromUpperBits = secondsUpperBits * nanosPerSecond;
	const lower16ContributionLow32 = nanosFromLower16Bits >>> 0;
	const lower16ContributionHigh32 = Math.floor(nanosFromLower16Bits / 4294967296);
	const upperBitsContributionLow32 = (nanosFromUpperBits & 65535) * 65536 >>> 0;
	const upperBitsContributionHigh32 = nanosFromUpperBits / 65536 >>> 0;
	const low32WithCarry = lower16ContributionLow32 + upperBitsContributionLow32 + nanos;
	const totalLow = low32WithCarry >>> 0;
	const carry = Math.floor(low32WithCarry / 4294967296);
	const totalHigh = lower16ContributionHigh32 + upperBitsContributionHigh32 + carry >>> 0;
	serializer.writeFixed64(totalLow, totalHigh);
}
/**
* Write Attributes directly to protobuf as repeated KeyValue
*/
function writeAttributes(writer, attributes, fieldNumber) {
	for (const key in attributes) {
		if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
		const value = attributes[key];
		writer.writeTag(fieldNumber, 2);
		const kvStart = writer.startLengthDelimited();
		const startPos = writer.pos;
		writeKeyValue(writer, key, value);
		writer.finishLengthDelimited(kvStart, writer.pos - startPos);
	}
}
/**
* Write a KeyValue pair directly to protobuf
*/
function writeKeyValue(writer, key, value) {
	writer.writeTag(1, 2);
	writer.writeString(key);
	writer.writeTag(2, 2);
	const valueStart = writer.startLengthDelimited();
	const startPos = writer.pos;
	writeAnyValue(writer, value);
	writer.finishLengthDelimited(valueStart, writer.pos - startPos);
}
const MIN_64_BIT_INT = -(2 ** 63);
const MAX_64_BIT_INT = 2 ** 63;
/**
* Write an AnyValue directly from raw attribute value to protobuf
*/
function writeAnyValue(writer, value) {
	const t = typeof value;
	if (t === "string") {
		writer.writeTag(1, 2);
		writer.writeString(value);
	} else if (t === "boolean") {
		writer.writeTag(2, 0);
		writer.writeVarint(value ? 1 : 0);
	} else if (t === "number") {
		const numValue = value;
		if (Number.isInteger(numValue) && numValue >= MIN_64_BIT_INT && numValue < MAX_64_BIT_INT) {
			writer.writeTag(3, 0);
			writer.writeVarint(numValue);
		} else {
			writer.writeTag(4, 1);
			writer.writeDouble(numValue);
		}
	} else if (value instanceof Uint8Array) {
		writer.writeTag(7, 2);
		writer.writeBytes(value);
	} else if (Array.isArray(value)) {
		writer.writeTag(5, 2);
		const arrayStart = writer.startLengthDelimited();
		const arrayStartPos = writer.pos;
		for (const item of value) {
			writer.writeTag(1, 2);
			const itemStart = writer.startLengthDelimited();
			const itemStartPos = writer.pos;
			writeAnyValue(writer, item);
			writer.finishLengthDelimited(itemStart, writer.pos - itemStartPos);
		}
		writer.finishLengthDelimited(arrayStart, writer.pos - arrayStartPos);
	} else if (t === "object" && value != null) {
		writer.writeTag(6, 2);
		const kvlistStart = writer.startLengthDelimited();
		const kvlistStartPos = writer.pos;
		const obj = value;
		for (const k in obj) {
			if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
			const v = obj[k];
			writer.writeTag(1, 2);
			const kvStart = writer.startLengthDelimited();
			const kvStartPos = writer.pos;
			writer.writeTag(1, 2);
			writer.writeString(k);
			writer.writeTag(2, 2);
			const valueStart = writer.startLengthDelimited();
			const valueStartPos = writer.pos;
			writeAnyValue(writer, v);
			writer.finishLengthDelimited(valueStart, writer.pos - valueStartPos);
			writer.finishLengthDelimited(kvStart, writer.pos - kvStartPos);
		}
		writer.finishLengthDelimited(kvlistStart, writer.pos - kvlistStartPos);
	}
}
/**
* Write an InstrumentationScope message.
*
* Proto fields (InstrumentationScope):
*   1  name     string  (wire type 2)
*   2  version  string  (wire type 2)
*/
function writeInstrumentationScope(writer, scope, fieldNumber) {
	writer.writeTag(fieldNumber, 2);
	const start = writer.startLengthDelimited();
	const startPos = writer.pos;
	writer.writeTag(1, 2);
	writer.writeString(scope.name);
	if (scope.version) {
		writer.writeTag(2, 2);
		writer.writeString(scope.version);
	}
	if (scope.attributes) writeAttributes(writer, scope.attributes, 3);
	if (scope.droppedAttributesCount) {
		writer.writeTag(4, 0);
		writer.writeVarint(scope.droppedAttributesCount);
	}
	writer.finishLengthDelimited(start, writer.pos - startPos);
}
/**
* Write a Resource message and its enclosing tag.
*
* Proto fields (Resource):
*   1  attributes                repeated KeyValue  (wire type 2)
*   2  dropped_attributes_count  uint32             (wire type 0)
*/
function writeResource(writer, resource, fieldNumber) {
	writer.writeTag(fieldNumber, 2);
	const resourceStart = writer.startLengthDelimited();
	const resourceStartPos = writer.pos;
	if (resource.attributes) writeAttributes(writer, resource.attributes, 1);
	writer.writeTag(2, 0);
	writer.writeVarint(0);
	writer.finishLengthDelimited(resourceStart, writer.pos - resourceStartPos);
}
//#endregion


//# sourceMappingURL=common-serializer.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/common/protobuf/protobuf-size-estimator.mjs

//#region src/common/protobuf/protobuf-size-estimator.ts
/**
* Calculate UTF-8 byte length without encoding
* @param str valid UTF-16 string
*/
function utf8ByteLength(str) {
	const len = str.length;
	let byteLen = 0;
	for (let i = 0; i < len; i++) {
		const code = str.charCodeAt(i);
		if (code < 128) byteLen += 1;
		else if (code < 2048) byteLen += 2;
		else if (code < 55296 || code >= 57344) byteLen += 3;
		else {
			i++;
			byteLen += 4;
		}
	}
	return byteLen;
}
/**
* Size estimator for protobuf messages.
* Implements the same interface as ProtobufWriter but only counts bytes without allocating a buffer.
* @internal
*/
var ProtobufSizeEstimator = class {
	pos = 0;
	startLengthDelimited() {
		return this.pos;
	}
	finishLengthDelimited(_, length) {
		this.pos += estimateVarintSize(length);
	}
	writeVarint(value) {
		this.pos += estimateVarintSize(value);
	}
	writeSint32(value) {
		this.pos += estimateVarintSize((value << 1 ^ value >> 31) >>> 0);
	}
	writeSfixed64(_value) {
		this.pos += 8;
	}
	writeFixed32(_value) {
		this.pos += 4;
	}
	writeFixed64(_low, _high) {
		this.pos += 8;
	}
	writeBytes(bytes) {
		this.pos += estimateVarintSize(bytes.length);
		this.pos += bytes.length;
	}
	writeTag(fieldNumber, wireType) {
		this.writeVarint(fieldNumber << 3 | wireType);
	}
	writeDouble(_value) {
		this.pos += 8;
	}
	writeString(str) {
		const byteLen = utf8ByteLength(str);
		this.pos += estimateVarintSize(byteLen);
		this.pos += byteLen;
	}
};
//#endregion


//# sourceMappingURL=protobuf-size-estimator.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/logs/LogRecord.mjs
//#region src/logs/LogRecord.ts
let SeverityNumber = /* @__PURE__ */ function(SeverityNumber) {
	SeverityNumber[SeverityNumber["UNSPECIFIED"] = 0] = "UNSPECIFIED";
	SeverityNumber[SeverityNumber["TRACE"] = 1] = "TRACE";
	SeverityNumber[SeverityNumber["TRACE2"] = 2] = "TRACE2";
	SeverityNumber[SeverityNumber["TRACE3"] = 3] = "TRACE3";
	SeverityNumber[SeverityNumber["TRACE4"] = 4] = "TRACE4";
	SeverityNumber[SeverityNumber["DEBUG"] = 5] = "DEBUG";
	SeverityNumber[SeverityNumber["DEBUG2"] = 6] = "DEBUG2";
	SeverityNumber[SeverityNumber["DEBUG3"] = 7] = "DEBUG3";
	SeverityNumber[SeverityNumber["DEBUG4"] = 8] = "DEBUG4";
	SeverityNumber[SeverityNumber["INFO"] = 9] = "INFO";
	SeverityNumber[SeverityNumber["INFO2"] = 10] = "INFO2";
	SeverityNumber[SeverityNumber["INFO3"] = 11] = "INFO3";
	SeverityNumber[SeverityNumber["INFO4"] = 12] = "INFO4";
	SeverityNumber[SeverityNumber["WARN"] = 13] = "WARN";
	SeverityNumber[SeverityNumber["WARN2"] = 14] = "WARN2";
	SeverityNumber[SeverityNumber["WARN3"] = 15] = "WARN3";
	SeverityNumber[SeverityNumber["WARN4"] = 16] = "WARN4";
	SeverityNumber[SeverityNumber["ERROR"] = 17] = "ERROR";
	SeverityNumber[SeverityNumber["ERROR2"] = 18] = "ERROR2";
	SeverityNumber[SeverityNumber["ERROR3"] = 19] = "ERROR3";
	SeverityNumber[SeverityNumber["ERROR4"] = 20] = "ERROR4";
	SeverityNumber[SeverityNumber["FATAL"] = 21] = "FATAL";
	SeverityNumber[SeverityNumber["FATAL2"] = 22] = "FATAL2";
	SeverityNumber[SeverityNumber["FATAL3"] = 23] = "FATAL3";
	SeverityNumber[SeverityNumber["FATAL4"] = 24] = "FATAL4";
	return SeverityNumber;
}({});
//#endregion


//# sourceMappingURL=LogRecord.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/logs/protobuf/logs-serializer.mjs





//#region src/logs/protobuf/logs-serializer.ts
/**
* Serialize a single LogRecord directly from ReadableLogRecord
*/
function serializeLogRecord(writer, logRecord) {
	const logStart = writer.startLengthDelimited();
	const logStartPos = writer.pos;
	writer.writeTag(1, 1);
	writeHrTimeAsFixed64(writer, logRecord.hrTime);
	if (logRecord.severityNumber !== void 0 && logRecord.severityNumber !== SeverityNumber.UNSPECIFIED) {
		writer.writeTag(2, 0);
		writer.writeVarint(logRecord.severityNumber);
	}
	if (logRecord.severityText) {
		writer.writeTag(3, 2);
		writer.writeString(logRecord.severityText);
	}
	if (logRecord.body !== void 0) {
		writer.writeTag(5, 2);
		const bodyStart = writer.startLengthDelimited();
		const bodyStartPos = writer.pos;
		writeAnyValue(writer, logRecord.body);
		writer.finishLengthDelimited(bodyStart, writer.pos - bodyStartPos);
	}
	if (logRecord.attributes) writeAttributes(writer, logRecord.attributes, 6);
	writer.writeTag(7, 0);
	writer.writeVarint(logRecord.droppedAttributesCount);
	if (logRecord.spanContext?.traceFlags) {
		writer.writeTag(8, 5);
		writer.writeFixed32(logRecord.spanContext.traceFlags);
	}
	if (logRecord.spanContext?.traceId) {
		writer.writeTag(9, 2);
		writer.writeBytes(hexToBinary(logRecord.spanContext.traceId));
	}
	if (logRecord.spanContext?.spanId) {
		writer.writeTag(10, 2);
		writer.writeBytes(hexToBinary(logRecord.spanContext.spanId));
	}
	writer.writeTag(11, 1);
	writeHrTimeAsFixed64(writer, logRecord.hrTimeObserved);
	if (logRecord.eventName) {
		writer.writeTag(12, 2);
		writer.writeString(logRecord.eventName);
	}
	writer.finishLengthDelimited(logStart, writer.pos - logStartPos);
}
/**
* Serialize ScopeLogs directly from SDK types
*/
function serializeScopeLogs(writer, scope, logRecords) {
	const scopeLogsStart = writer.startLengthDelimited();
	const scopeLogsStartPos = writer.pos;
	writeInstrumentationScope(writer, scope, 1);
	for (const logRecord of logRecords) {
		writer.writeTag(2, 2);
		serializeLogRecord(writer, logRecord);
	}
	if (scope.schemaUrl) {
		writer.writeTag(3, 2);
		writer.writeString(scope.schemaUrl);
	}
	writer.finishLengthDelimited(scopeLogsStart, writer.pos - scopeLogsStartPos);
}
/**
* Serialize ResourceLogs directly from SDK Resource type
*/
function serializeResourceLogs(writer, resource, scopeMap) {
	const resourceLogsStart = writer.startLengthDelimited();
	const resourceLogsStartPos = writer.pos;
	writeResource(writer, resource, 1);
	for (const scopeLogs of scopeMap.values()) {
		writer.writeTag(2, 2);
		const scope = scopeLogs[0].instrumentationScope;
		serializeScopeLogs(writer, scope, scopeLogs);
	}
	if (resource.schemaUrl) {
		writer.writeTag(3, 2);
		writer.writeString(resource.schemaUrl);
	}
	writer.finishLengthDelimited(resourceLogsStart, writer.pos - resourceLogsStartPos);
}
/**
* Group log records by resource and instrumentation scope
*/
function createResourceMap(logRecords) {
	const resourceMap = /* @__PURE__ */ new Map();
	for (const record of logRecords) {
		const resource = record.resource;
		const scope = record.instrumentationScope;
		let ismMap = resourceMap.get(resource);
		if (!ismMap) {
			ismMap = /* @__PURE__ */ new Map();
			resourceMap.set(resource, ismMap);
		}
		let records = ismMap.get(scope);
		if (!records) {
			records = [];
			ismMap.set(scope, records);
		}
		records.push(record);
	}
	return resourceMap;
}
/**
* Serialize ExportLogsServiceRequest directly from ReadableLogRecord[]
*/
function serializeLogsExportRequest(logRecords) {
	const resourceMap = createResourceMap(logRecords);
	const estimator = new ProtobufSizeEstimator();
	for (const [resource, scopeMap] of resourceMap) {
		estimator.writeTag(1, 2);
		serializeResourceLogs(estimator, resource, scopeMap);
	}
	const writer = new ProtobufWriter(estimator.pos);
	for (const [resource, scopeMap] of resourceMap) {
		writer.writeTag(1, 2);
		serializeResourceLogs(writer, resource, scopeMap);
	}
	return writer.finish();
}
//#endregion


//# sourceMappingURL=logs-serializer.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/common/protobuf/protobuf-reader.mjs
//#region src/common/protobuf/protobuf-reader.ts
/**
* Minimal binary protobuf reader.
* Only implements the wire-types that we currently need; this is not intended
* to be a general-purpose protobuf reader.
*
* Since the values we parse are generally small and not very nested, it's public
* interface does not enforce the same low-allocation philosophy that ProtobufWriter does.
* If this is needed in the future, we should refactor this to fit the use-case.
*/
var ProtobufReader = class {
	pos = 0;
	_buf;
	_textDecoder;
	constructor(buf) {
		this._buf = buf;
		this._textDecoder = new TextDecoder();
	}
	isAtEnd() {
		return this.pos >= this._buf.length;
	}
	/** Read a varint and decode it as a tag, returning field number and wire type. */
	readTag() {
		const raw = this.readVarint();
		return {
			fieldNumber: raw >>> 3,
			wireType: raw & 7
		};
	}
	/**
	* Read a base-128 varint.
	* Returns a JS `number`; precision above 2^53 is silently lost.
	* Throws if the buffer is truncated mid-varint.
	*/
	readVarint() {
		let result = 0;
		let shift = 0;
		let terminated = false;
		while (this.pos < this._buf.length) {
			const b = this._buf[this.pos++];
			result += (b & 127) * Math.pow(2, shift);
			shift += 7;
			if ((b & 128) === 0) {
				terminated = true;
				break;
			}
		}
		if (!terminated) throw new Error("Truncated buffer: unexpected end of data while reading varint");
		return result;
	}
	/** Read a length-delimited byte sequence (bytes field or embedded message). */
	readBytes() {
		const len = this.readVarint();
		if (this.pos + len > this._buf.length) throw new Error(`Truncated buffer: expected ${len} bytes at position ${this.pos}, but only ${this._buf.length - this.pos} available`);
		const slice = this._buf.subarray(this.pos, this.pos + len);
		this.pos += len;
		return slice;
	}
	/** Read a length-delimited UTF-8 string. */
	readString() {
		return this._textDecoder.decode(this.readBytes());
	}
	/**
	* Skip an unknown field.
	* Handles wire types 0 (varint), 1 (64-bit), 2 (length-delimited),
	* and 5 (32-bit).
	*
	* Wire types 3 and 4 (start-group / end-group) are deprecated in proto3
	* and are not used by any OpenTelemetry proto definition. Encountering
	* them is treated as an error.
	*/
	skip(wireType) {
		switch (wireType) {
			case 0:
				this.readVarint();
				break;
			case 1:
				this.pos += 8;
				break;
			case 2:
				this.readBytes();
				break;
			case 5:
				this.pos += 4;
				break;
			default: throw new Error(`Unknown wire type ${wireType}, cannot safely skip`);
		}
	}
};
//#endregion


//# sourceMappingURL=protobuf-reader.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/logs/protobuf/response-deserializer.mjs

//#region src/logs/protobuf/response-deserializer.ts
/**
* Parse an ExportLogsPartialSuccess embedded message from raw bytes.
*
* Field map (opentelemetry/proto/collector/logs/v1/logs_service.proto):
*   1  rejected_log_records  int64   (varint)
*   2  error_message         string  (length-delimited)
*/
function deserializePartialSuccess(data) {
	const reader = new ProtobufReader(data);
	const result = {};
	while (!reader.isAtEnd()) {
		const { fieldNumber, wireType } = reader.readTag();
		switch (fieldNumber) {
			case 1:
				if (wireType === 0) result.rejectedLogRecords = reader.readVarint();
				else reader.skip(wireType);
				break;
			case 2:
				if (wireType === 2) result.errorMessage = reader.readString();
				else reader.skip(wireType);
				break;
			default: reader.skip(wireType);
		}
	}
	return result;
}
/**
* Parse an ExportLogsServiceResponse protobuf message from raw bytes.
*
* Field map (opentelemetry/proto/collector/logs/v1/logs_service.proto):
*   1  partial_success  ExportLogsPartialSuccess  (length-delimited)
*/
function deserializeExportLogsServiceResponse(data) {
	const reader = new ProtobufReader(data);
	const result = {};
	while (!reader.isAtEnd()) {
		const { fieldNumber, wireType } = reader.readTag();
		switch (fieldNumber) {
			case 1:
				if (wireType === 2) result.partialSuccess = deserializePartialSuccess(reader.readBytes());
				else reader.skip(wireType);
				break;
			default: reader.skip(wireType);
		}
	}
	return result;
}
//#endregion


//# sourceMappingURL=response-deserializer.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/logs/protobuf/logs.mjs


//#region src/logs/protobuf/logs.ts
/**
* @experimental this serializer may receive breaking changes in minor versions, pin this package's version when using this constant
*/
const ProtobufLogsSerializer = {
	serializeRequest: (arg) => {
		return serializeLogsExportRequest(arg);
	},
	deserializeResponse: (arg) => {
		return deserializeExportLogsServiceResponse(arg);
	}
};
//#endregion


//# sourceMappingURL=logs.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/common/internal.mjs
//#region src/common/internal.ts
function createResource(resource, encoder) {
	const result = {
		attributes: toAttributes(resource.attributes, encoder),
		droppedAttributesCount: 0
	};
	const schemaUrl = resource.schemaUrl;
	if (schemaUrl && schemaUrl !== "") result.schemaUrl = schemaUrl;
	return result;
}
function createInstrumentationScope(scope, encoder) {
	const result = {
		name: scope.name,
		version: scope.version
	};
	if (scope.attributes && Object.keys(scope.attributes).length > 0) {
		result.attributes = toAttributes(scope.attributes, encoder);
		result.droppedAttributesCount = scope.droppedAttributesCount ?? 0;
	}
	return result;
}
function toAttributes(attributes, encoder) {
	return Object.keys(attributes).map((key) => toKeyValue(key, attributes[key], encoder));
}
function toKeyValue(key, value, encoder) {
	return {
		key,
		value: toAnyValue(value, encoder)
	};
}
function toAnyValue(value, encoder) {
	const t = typeof value;
	if (t === "string") return { stringValue: value };
	if (t === "number") {
		if (!Number.isInteger(value)) return { doubleValue: value };
		return { intValue: value };
	}
	if (t === "boolean") return { boolValue: value };
	if (value instanceof Uint8Array) return { bytesValue: encoder.encodeUint8Array(value) };
	if (Array.isArray(value)) {
		const values = new Array(value.length);
		for (let i = 0; i < value.length; i++) values[i] = toAnyValue(value[i], encoder);
		return { arrayValue: { values } };
	}
	if (t === "object" && value != null) {
		const keys = Object.keys(value);
		const values = new Array(keys.length);
		for (let i = 0; i < keys.length; i++) values[i] = {
			key: keys[i],
			value: toAnyValue(value[keys[i]], encoder)
		};
		return { kvlistValue: { values } };
	}
	return {};
}
//#endregion


//# sourceMappingURL=internal.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/logs/internal.mjs

//#region src/logs/internal.ts
function createExportLogsServiceRequest(logRecords, encoder) {
	return { resourceLogs: logRecordsToResourceLogs(logRecords, encoder) };
}
function internal_createResourceMap(logRecords) {
	const resourceMap = /* @__PURE__ */ new Map();
	for (const record of logRecords) {
		const { resource, instrumentationScope } = record;
		let ismMap = resourceMap.get(resource);
		if (!ismMap) {
			ismMap = /* @__PURE__ */ new Map();
			resourceMap.set(resource, ismMap);
		}
		let records = ismMap.get(instrumentationScope);
		if (!records) {
			records = [];
			ismMap.set(instrumentationScope, records);
		}
		records.push(record);
	}
	return resourceMap;
}
function logRecordsToResourceLogs(logRecords, encoder) {
	const resourceMap = internal_createResourceMap(logRecords);
	return Array.from(resourceMap, ([resource, ismMap]) => {
		const processedResource = createResource(resource, encoder);
		return {
			resource: processedResource,
			scopeLogs: Array.from(ismMap, ([, scopeLogs]) => {
				return {
					scope: createInstrumentationScope(scopeLogs[0].instrumentationScope, encoder),
					logRecords: scopeLogs.map((log) => toLogRecord(log, encoder)),
					schemaUrl: scopeLogs[0].instrumentationScope.schemaUrl
				};
			}),
			schemaUrl: processedResource.schemaUrl
		};
	});
}
function toLogRecord(log, encoder) {
	return {
		timeUnixNano: encoder.encodeHrTime(log.hrTime),
		observedTimeUnixNano: encoder.encodeHrTime(log.hrTimeObserved),
		severityNumber: toSeverityNumber(log.severityNumber),
		severityText: log.severityText,
		body: toAnyValue(log.body, encoder),
		eventName: log.eventName,
		attributes: toAttributes(log.attributes, encoder),
		droppedAttributesCount: log.droppedAttributesCount,
		flags: log.spanContext?.traceFlags,
		traceId: encoder.encodeOptionalSpanContext(log.spanContext?.traceId),
		spanId: encoder.encodeOptionalSpanContext(log.spanContext?.spanId)
	};
}
function toSeverityNumber(severityNumber) {
	return severityNumber;
}
//#endregion


//# sourceMappingURL=internal.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/core/dist/common/time.mjs
//#region src/common/time.ts
const NANOSECOND_DIGITS = 9;
const MILLISECONDS_TO_NANOSECONDS = Math.pow(10, 6);
const SECOND_TO_NANOSECONDS = Math.pow(10, NANOSECOND_DIGITS);
/**
* Converts a number of milliseconds from epoch to HrTime([seconds, remainder in nanoseconds]).
* @param epochMillis
*/
function millisToHrTime(epochMillis) {
	const epochSeconds = epochMillis / 1e3;
	return [Math.trunc(epochSeconds), Math.round(epochMillis % 1e3 * MILLISECONDS_TO_NANOSECONDS)];
}
/**
* Returns an hrtime calculated via performance component.
* @param performanceNow
*/
function hrTime(performanceNow) {
	return addHrTimes(millisToHrTime(performance.timeOrigin), millisToHrTime(typeof performanceNow === "number" ? performanceNow : performance.now()));
}
/**
*
* Converts a TimeInput to an HrTime, defaults to _hrtime().
* @param time
*/
function timeInputToHrTime(time) {
	if (isTimeInputHrTime(time)) return time;
	else if (typeof time === "number") {
		if (time < performance.timeOrigin / 2) return hrTime(time);
		else return millisToHrTime(time);
	} else if (time instanceof Date) return millisToHrTime(time.getTime());
	else throw TypeError("Invalid input type");
}
/**
* Returns a duration of two hrTime.
* @param startTime
* @param endTime
*/
function hrTimeDuration(startTime, endTime) {
	let seconds = endTime[0] - startTime[0];
	let nanos = endTime[1] - startTime[1];
	if (nanos < 0) {
		seconds -= 1;
		nanos += SECOND_TO_NANOSECONDS;
	}
	return [seconds, nanos];
}
/**
* Convert hrTime to timestamp, for example "2019-05-14T17:00:00.000123456Z"
* @param time
*/
function hrTimeToTimeStamp(time) {
	const precision = NANOSECOND_DIGITS;
	const tmp = `${"0".repeat(precision)}${time[1]}Z`;
	const nanoString = tmp.substring(tmp.length - precision - 1);
	return (/* @__PURE__ */ new Date(time[0] * 1e3)).toISOString().replace("000Z", nanoString);
}
/**
* Convert hrTime to nanoseconds.
* @param time
*/
function hrTimeToNanoseconds(time) {
	return time[0] * SECOND_TO_NANOSECONDS + time[1];
}
/**
* Convert hrTime to microseconds.
* @param time
*/
function hrTimeToMicroseconds(time) {
	return time[0] * 1e6 + time[1] / 1e3;
}
/**
* Convert hrTime to milliseconds.
* @param time
*/
function hrTimeToMilliseconds(time) {
	return time[0] * 1e3 + time[1] / 1e6;
}
/**
* Convert hrTime to seconds.
* @param time
*/
function hrTimeToSeconds(time) {
	return time[0] + time[1] / SECOND_TO_NANOSECONDS;
}
/**
* check if time is HrTime
* @param value
*/
function isTimeInputHrTime(value) {
	return Array.isArray(value) && value.length === 2 && typeof value[0] === "number" && typeof value[1] === "number";
}
/**
* check if input value is a correct types.TimeInput
* @param value
*/
function isTimeInput(value) {
	return isTimeInputHrTime(value) || typeof value === "number" || value instanceof Date;
}
/**
* Given 2 HrTime formatted times, return their sum as an HrTime.
*/
function addHrTimes(time1, time2) {
	const out = [time1[0] + time2[0], time1[1] + time2[1]];
	if (out[1] >= SECOND_TO_NANOSECONDS) {
		out[1] -= SECOND_TO_NANOSECONDS;
		out[0] += 1;
	}
	return out;
}
//#endregion


//# sourceMappingURL=time.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/platform/node/base64.mjs
//#region src/platform/node/base64.ts
function encodeBase64(bytes) {
	return Buffer.from(bytes).toString("base64");
}
//#endregion


//# sourceMappingURL=base64.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/common/utils.mjs


//#region src/common/utils.ts
function hrTimeToNanos(hrTime) {
	const NANOSECONDS = BigInt(1e9);
	return BigInt(Math.trunc(hrTime[0])) * NANOSECONDS + BigInt(Math.trunc(hrTime[1]));
}
function encodeAsString(hrTime) {
	return hrTimeToNanos(hrTime).toString();
}
const encodeTimestamp = typeof BigInt !== "undefined" ? encodeAsString : hrTimeToNanoseconds;
function identity(value) {
	return value;
}
/**
* Encoder for JSON format.
* Uses string timestamps, hex for span/trace IDs, and base64 for Uint8Array.
*/
const JSON_ENCODER = {
	encodeHrTime: encodeTimestamp,
	encodeSpanContext: identity,
	encodeOptionalSpanContext: identity,
	encodeUint8Array: encodeBase64
};
//#endregion


//# sourceMappingURL=utils.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/logs/json/logs.mjs



//#region src/logs/json/logs.ts
/**
* @experimental this serializer may receive breaking changes in minor versions, pin this package's version when using this constant
*/
const JsonLogsSerializer = {
	serializeRequest: (arg) => {
		const request = createExportLogsServiceRequest(arg, JSON_ENCODER);
		return new TextEncoder().encode(JSON.stringify(request));
	},
	deserializeResponse: (arg) => {
		if (arg.length === 0) return {};
		const decoder = new TextDecoder();
		try {
			return JSON.parse(decoder.decode(arg));
		} catch (err) {
			diag_api_diag.warn(`Failed to parse logs export response: ${err.message}. Returning empty response`);
			return {};
		}
	}
};
//#endregion


//# sourceMappingURL=logs.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/resources/dist/utils.mjs
//#region src/utils.ts
const isPromiseLike = (val) => {
	return val !== null && typeof val === "object" && typeof val.then === "function";
};
//#endregion


//# sourceMappingURL=utils.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/core/dist/common/attributes.mjs

//#region src/common/attributes.ts
let AddAttributeDecision = /* @__PURE__ */ function(AddAttributeDecision) {
	AddAttributeDecision[AddAttributeDecision["DROP_UNDEFINED"] = 0] = "DROP_UNDEFINED";
	AddAttributeDecision[AddAttributeDecision["DROP_INVALID"] = 1] = "DROP_INVALID";
	AddAttributeDecision[AddAttributeDecision["DROP_LIMIT_REACHED"] = 2] = "DROP_LIMIT_REACHED";
	AddAttributeDecision[AddAttributeDecision["ADD_NEW"] = 3] = "ADD_NEW";
	AddAttributeDecision[AddAttributeDecision["ADD_OVERWRITE_EXISTING"] = 4] = "ADD_OVERWRITE_EXISTING";
	return AddAttributeDecision;
}({});
const DEFAULT_ATTRIBUTE_LIMITS = {
	attributeCountLimit: 128,
	attributeValueLengthLimit: Infinity
};
/**
* Maybe add the `key`/`val` attribute to the given `attributes`.
* - "Maybe" because this ensures the `key` is valid (the string is not empty),
*   the `val` is an accepted spec AnyValue type (see `isAnyValue` below),
*   and the attribute does not need to be dropped because of a count limit.
*   Note that the TypeScript `AnyValue` type is *looser* than the spec
*   `AnyValue`.
* - This also applies attribute count and value length limits.
* - This returns an `AddAttributeDecision` enum value indicating whether,
*   why, and how the attribute was added. This can be relevant for the
*   caller updating metrics (e.g. `droppedAttributesCount`).
*/
function maybeAddAttribute(opts) {
	return maybeAddAttributeInternal(opts, isAnyValue);
}
/**
* A version of `maybeAddAttribute` that limits allowed attribute value
* types to "simple" types (`SimpleAttributeValue`).
*/
function maybeAddSimpleAttribute(opts) {
	return maybeAddAttributeInternal(opts, isSimpleAttributeValue);
}
function maybeAddAttributeInternal(opts, isValidValue) {
	if (opts.value === void 0) return 0;
	if (opts.key.length === 0) {
		diag.warn(`Invalid attribute key: ${opts.key}`);
		return 1;
	}
	const isNewKey = !Object.hasOwn(opts.attributes, opts.key);
	if (isNewKey && opts.currentAttributesCount >= opts.limits.attributeCountLimit) return 2;
	if (!isValidValue(opts.value)) {
		diag.warn(`Invalid attribute value set for key: ${opts.key}`);
		return 1;
	}
	let attributeValueLengthLimit = opts.limits.attributeValueLengthLimit;
	if (attributeValueLengthLimit <= 0) {
		diag.warn(`Invalid attributeValueLengthLimit: must be positive, got ${attributeValueLengthLimit} (ignoring)`);
		attributeValueLengthLimit = Infinity;
	}
	opts.attributes[opts.key] = copyAndTruncAnyValue(opts.value, attributeValueLengthLimit);
	if (isNewKey) return 3;
	return 4;
}
/**
* Clean a given set of attributes.
* - `undefined` values, at the top-level and properties of nested objects,
*   are silently dropped
* - invalid attribute value types are removed, with a warning
* - attribute count and value length *limits* are applied
*
* The call signature is meant to make it ergonomic for creating SDK things
* that take `attributes` and `droppedAttributesCount` arguments, e.g.:
*    this.links({
*      context: opts.context,
*      ...cleanAttributes(opts.attributes, attributeLimits)
*    });
*
* If the given `inAttributes` is undefined, then the properties in the
* return value will be undefined.
*/
function cleanAttributes(inAttributes, limits) {
	return cleanAttributesInternal(inAttributes, limits, isAnyValue);
}
/**
* A version of `cleanAttributes` that limits allowed attribute value types to
* "simple" types (`SimpleAttributeValue`).
*/
function cleanSimpleAttributes(inAttributes, limits) {
	return cleanAttributesInternal(inAttributes, limits, isSimpleAttributeValue);
}
function cleanAttributesInternal(inAttributes, limits, isValidValue) {
	if (typeof inAttributes !== "object" || inAttributes == null) return {};
	const attributes = {};
	let droppedAttributesCount = 0;
	let attributeValueLengthLimit = limits.attributeValueLengthLimit;
	if (attributeValueLengthLimit <= 0) {
		diag.warn(`Invalid attributeValueLengthLimit: must be positive, got ${attributeValueLengthLimit} (ignoring)`);
		attributeValueLengthLimit = Infinity;
	}
	let count = 0;
	for (const [key, val] of Object.entries(inAttributes)) {
		if (val === void 0) continue;
		if (count >= limits.attributeCountLimit) {
			droppedAttributesCount++;
			continue;
		}
		if (key.length === 0) {
			diag.warn(`Invalid attribute key: ${key}`);
			droppedAttributesCount++;
			continue;
		}
		if (!isValidValue(val)) {
			diag.warn(`Invalid attribute value set for key: ${key}`);
			droppedAttributesCount++;
			continue;
		}
		attributes[key] = copyAndTruncAnyValue(val, attributeValueLengthLimit);
		count++;
	}
	return {
		attributes,
		droppedAttributesCount
	};
}
/**
* Returns true iff the given value is a supported AnyValue per
* https://opentelemetry.io/docs/specs/otel/common/#anyvalue
*
* - Primitives/scalars: string, boolean, number
*   (Note that this *excludes* BigInt and Symbol)
* - Byte arrays (Uint8Array, Buffer)
* - Arrays of AnyValue (heterogeneous arrays allowed)
* - Maps from string to AnyValue (nested objects)
* - Empty values (null)
*
* Notes:
* - `undefined` is *not* considered an AnyValue.
*
* @param val
* @returns true if the value is a valid AnyValue, false otherwise
*/
function isAnyValue(val) {
	return isAnyValueInternal(val, /* @__PURE__ */ new WeakSet());
}
function isAnyValueInternal(val, visited) {
	switch (typeof val) {
		case "undefined":
		case "bigint":
		case "symbol":
		case "function": return false;
		case "string":
		case "number":
		case "boolean": return true;
		case "object": break;
		default: return false;
	}
	if (val === null) return true;
	if (val instanceof Uint8Array) return true;
	if (visited.has(val)) return false;
	visited.add(val);
	const isValid = isAnyValueObject(val, visited);
	visited.delete(val);
	return isValid;
}
function isAnyValueObject(val, visited) {
	if (Array.isArray(val)) {
		for (const item of val) if (item !== void 0 && !isAnyValueInternal(item, visited)) return false;
		return true;
	}
	const obj = val;
	if (obj.constructor !== Object && obj.constructor !== void 0) return false;
	for (const k of Object.keys(obj)) {
		const v = obj[k];
		if (v !== void 0 && !isAnyValueInternal(v, visited)) return false;
	}
	return true;
}
/**
* Attribute value length limiting/truncation per:
* https://opentelemetry.io/docs/specs/otel/common/#attribute-limits
*
* For arrays and objects, this also returns a deep copy to avoid mutating data
* passed in by calling code.
*
* @param {AnyValue} val - The attribute value. We are assuming this has
*    already been guarded by `isAnyValue`. This filters out non-plain objects,
*    like RegExp & Date, and circular references.
*/
function copyAndTruncAnyValue(val, limit) {
	switch (typeof val) {
		case "number":
		case "boolean":
		case "undefined":
		case "bigint":
		case "symbol":
		case "function": return val;
		case "string": if (val.length <= limit) return val;
		else return val.substring(0, limit);
		case "object": break;
		default: return val;
	}
	if (val === null) return val;
	if (val instanceof Uint8Array) {
		if (val.length <= limit) return val;
		else return val.slice(0, limit);
	}
	if (Array.isArray(val)) return val.map((elem) => copyAndTruncAnyValue(elem, limit));
	const truncObj = {};
	const obj = val;
	for (const k of Object.keys(obj)) if (obj[k] !== void 0) truncObj[k] = copyAndTruncAnyValue(obj[k], limit);
	return truncObj;
}
/**
* Clean the given attributes to just those with "simple" attribute types.
* This remains for backwards compatibility with 2.x.
*
* Changes to previous behavior:
* - a default attribute count limit of 128 is applied
* - nullish values (except in arrays) are removed
*
* @deprecated Use `cleanAttributes` or `cleanSimpleAttributes`.
*/
function sanitizeAttributes(inAttributes) {
	const { attributes } = cleanSimpleAttributes(inAttributes, DEFAULT_ATTRIBUTE_LIMITS);
	return attributes ?? {};
}
/**
* Return true if the given attribute value is a "simple" attribute value type.
*
* Changes to previous behavior: nullish values now return *false*.
*
* @deprecated use `isAnyValue`, or `isSimpleAttributeValue`.
*/
const isAttributeValue = (/* unused pure expression or super */ null && (isSimpleAttributeValue));
function isSimpleAttributeValue(val) {
	if (Array.isArray(val)) return isHomogeneousAttributeValueArray(val);
	return isValidPrimitiveAttributeValueType(typeof val);
}
function isHomogeneousAttributeValueArray(arr) {
	let type;
	for (const element of arr) {
		if (element == null) continue;
		const elementType = typeof element;
		if (elementType === type) continue;
		if (!type) {
			if (isValidPrimitiveAttributeValueType(elementType)) {
				type = elementType;
				continue;
			}
			return false;
		}
		return false;
	}
	return true;
}
function isValidPrimitiveAttributeValueType(valType) {
	switch (valType) {
		case "number":
		case "boolean":
		case "string": return true;
	}
	return false;
}
//#endregion


//# sourceMappingURL=attributes.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/resources/dist/ResourceImpl.mjs





//#region src/ResourceImpl.ts
var ResourceImpl = class ResourceImpl {
	_rawAttributes;
	_asyncAttributesPending = false;
	_schemaUrl;
	_memoizedAttributes;
	static FromAttributeList(attributes, options) {
		const res = new ResourceImpl({}, options);
		res._rawAttributes = guardedRawAttributes(attributes);
		res._asyncAttributesPending = attributes.filter(([_, val]) => isPromiseLike(val)).length > 0;
		return res;
	}
	constructor(resource, options) {
		const attributes = resource.attributes ?? {};
		this._rawAttributes = Object.entries(attributes).map(([k, v]) => {
			if (isPromiseLike(v)) this._asyncAttributesPending = true;
			return [k, v];
		});
		this._rawAttributes = guardedRawAttributes(this._rawAttributes);
		this._schemaUrl = validateSchemaUrl(options?.schemaUrl);
	}
	get asyncAttributesPending() {
		return this._asyncAttributesPending;
	}
	async waitForAsyncAttributes() {
		if (!this.asyncAttributesPending) return;
		for (let i = 0; i < this._rawAttributes.length; i++) {
			const [k, v] = this._rawAttributes[i];
			this._rawAttributes[i] = [k, isPromiseLike(v) ? await v : v];
		}
		this._asyncAttributesPending = false;
	}
	get attributes() {
		if (this.asyncAttributesPending) diag_api_diag.error("Accessing resource attributes before async attributes settled");
		if (this._memoizedAttributes) return this._memoizedAttributes;
		const attrs = {};
		for (const [k, v] of this._rawAttributes) {
			if (isPromiseLike(v)) {
				diag_api_diag.debug(`Unsettled resource attribute ${k} skipped`);
				continue;
			}
			if (Object.hasOwn(attrs, k)) {} else if (k.length === 0) diag_api_diag.warn("dropping invalid resource attribute key: <empty string>");
			else if (!isSimpleAttributeValue(v)) diag_api_diag.warn(`dropping invalid resource attribute value for key "${k}"`);
			else attrs[k] = v;
		}
		if (!this._asyncAttributesPending) this._memoizedAttributes = attrs;
		return attrs;
	}
	getRawAttributes() {
		return this._rawAttributes;
	}
	get schemaUrl() {
		return this._schemaUrl;
	}
	merge(resource) {
		if (resource == null) return this;
		const mergedSchemaUrl = mergeSchemaUrl(this, resource);
		const mergedOptions = mergedSchemaUrl ? { schemaUrl: mergedSchemaUrl } : void 0;
		return ResourceImpl.FromAttributeList([...resource.getRawAttributes(), ...this.getRawAttributes()], mergedOptions);
	}
};
/**
* Create a `Resource` from the given attributes object.
*
* Only *simple* attributes are supported: string, bool, number, and homogeneous
* arrays of these three scalar types. Complex attribute values will be
* dropped with a warning. (See OTEP 4485.)
*/
function resourceFromAttributes(attributes, options) {
	return ResourceImpl.FromAttributeList(Object.entries(attributes), options);
}
function resourceFromDetectedResource(detectedResource, options) {
	return new ResourceImpl(detectedResource, options);
}
function emptyResource() {
	return resourceFromAttributes({});
}
function defaultResource() {
	return resourceFromAttributes({
		[ATTR_SERVICE_NAME]: defaultServiceName(),
		[ATTR_TELEMETRY_SDK_LANGUAGE]: SDK_INFO[ATTR_TELEMETRY_SDK_LANGUAGE],
		[ATTR_TELEMETRY_SDK_NAME]: SDK_INFO[ATTR_TELEMETRY_SDK_NAME],
		[ATTR_TELEMETRY_SDK_VERSION]: SDK_INFO[ATTR_TELEMETRY_SDK_VERSION]
	});
}
function guardedRawAttributes(attributes) {
	return attributes.map(([k, v]) => {
		if (isPromiseLike(v)) return [k, v.then((val) => val, (err) => {
			diag_api_diag.debug("promise rejection for resource attribute: %s - %s", k, err);
		})];
		return [k, v];
	});
}
function validateSchemaUrl(schemaUrl) {
	if (typeof schemaUrl === "string" || schemaUrl === void 0) return schemaUrl;
	diag_api_diag.warn("Schema URL must be string or undefined, got %s. Schema URL will be ignored.", schemaUrl);
}
function mergeSchemaUrl(old, updating) {
	const oldSchemaUrl = old?.schemaUrl;
	const updatingSchemaUrl = updating?.schemaUrl;
	const isOldEmpty = oldSchemaUrl === void 0 || oldSchemaUrl === "";
	const isUpdatingEmpty = updatingSchemaUrl === void 0 || updatingSchemaUrl === "";
	if (isOldEmpty) return updatingSchemaUrl;
	if (isUpdatingEmpty) return oldSchemaUrl;
	if (oldSchemaUrl === updatingSchemaUrl) return oldSchemaUrl;
	diag_api_diag.warn("Schema URL merge conflict: old resource has \"%s\", updating resource has \"%s\". Resulting resource will have undefined Schema URL.", oldSchemaUrl, updatingSchemaUrl);
}
//#endregion


//# sourceMappingURL=ResourceImpl.mjs.map
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

;// CONCATENATED MODULE: ./node_modules/@opentelemetry/sdk-metrics/dist/export/MetricData.mjs
//#region src/export/MetricData.ts
/**
* Supported types of metric instruments.
*/
let InstrumentType = /* @__PURE__ */ function(InstrumentType) {
	InstrumentType["COUNTER"] = "COUNTER";
	InstrumentType["GAUGE"] = "GAUGE";
	InstrumentType["HISTOGRAM"] = "HISTOGRAM";
	InstrumentType["UP_DOWN_COUNTER"] = "UP_DOWN_COUNTER";
	InstrumentType["OBSERVABLE_COUNTER"] = "OBSERVABLE_COUNTER";
	InstrumentType["OBSERVABLE_GAUGE"] = "OBSERVABLE_GAUGE";
	InstrumentType["OBSERVABLE_UP_DOWN_COUNTER"] = "OBSERVABLE_UP_DOWN_COUNTER";
	return InstrumentType;
}({});
/**
* The aggregated point data type.
*/
let DataPointType = /* @__PURE__ */ function(DataPointType) {
	/**
	* A histogram data point contains a histogram statistics of collected
	* values with a list of explicit bucket boundaries and statistics such
	* as min, max, count, and sum of all collected values.
	*/
	DataPointType[DataPointType["HISTOGRAM"] = 0] = "HISTOGRAM";
	/**
	* An exponential histogram data point contains a histogram statistics of
	* collected values where bucket boundaries are automatically calculated
	* using an exponential function, and statistics such as min, max, count,
	* and sum of all collected values.
	*/
	DataPointType[DataPointType["EXPONENTIAL_HISTOGRAM"] = 1] = "EXPONENTIAL_HISTOGRAM";
	/**
	* A gauge metric data point has only a single numeric value.
	*/
	DataPointType[DataPointType["GAUGE"] = 2] = "GAUGE";
	/**
	* A sum metric data point has a single numeric value and a
	* monotonicity-indicator.
	*/
	DataPointType[DataPointType["SUM"] = 3] = "SUM";
	return DataPointType;
}({});
//#endregion


//# sourceMappingURL=MetricData.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/sdk-metrics/dist/export/AggregationTemporality.mjs
//#region src/export/AggregationTemporality.ts
/**
* AggregationTemporality indicates the way additive quantities are expressed.
*/
let AggregationTemporality = /* @__PURE__ */ function(AggregationTemporality) {
	AggregationTemporality[AggregationTemporality["DELTA"] = 0] = "DELTA";
	AggregationTemporality[AggregationTemporality["CUMULATIVE"] = 1] = "CUMULATIVE";
	return AggregationTemporality;
}({});
//#endregion


//# sourceMappingURL=AggregationTemporality.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/metrics/protobuf/metrics-serializer.mjs





//#region src/metrics/protobuf/metrics-serializer.ts
/**
* Serialize a NumberDataPoint directly from SDK DataPoint<number>
*
* Proto fields (NumberDataPoint):
*   7  attributes               repeated KeyValue  (wire type 2)
*   2  start_time_unix_nano     fixed64            (wire type 1)
*   3  time_unix_nano           fixed64            (wire type 1)
*   4  as_double                double             (wire type 1)
*   6  as_int                   sfixed64           (wire type 1)
*   5  exemplars                repeated Exemplar  (wire type 2)
*   8  flags                    uint32             (wire type 0)
*/
function serializeNumberDataPoint(writer, dataPoint, valueType) {
	const start = writer.startLengthDelimited();
	const startPos = writer.pos;
	writer.writeTag(2, 1);
	writeHrTimeAsFixed64(writer, dataPoint.startTime);
	writer.writeTag(3, 1);
	writeHrTimeAsFixed64(writer, dataPoint.endTime);
	if (valueType === ValueType.INT) {
		writer.writeTag(6, 1);
		writer.writeSfixed64(dataPoint.value);
	} else {
		writer.writeTag(4, 1);
		writer.writeDouble(dataPoint.value);
	}
	if (dataPoint.attributes) writeAttributes(writer, dataPoint.attributes, 7);
	writer.finishLengthDelimited(start, writer.pos - startPos);
}
/**
* Serialize a HistogramDataPoint directly from SDK DataPoint<Histogram>
*
* Proto fields (HistogramDataPoint):
*   9  attributes               repeated KeyValue  (wire type 2)
*   2  start_time_unix_nano     fixed64            (wire type 1)
*   3  time_unix_nano           fixed64            (wire type 1)
*   4  count                    fixed64            (wire type 1)
*   5  sum                      optional double    (wire type 1)
*   6  bucket_counts            repeated fixed64   (packed, wire type 2)
*   7  explicit_bounds          repeated double    (packed, wire type 2)
*   8  exemplars                repeated Exemplar  (wire type 2)
*  10  flags                    uint32             (wire type 0)
*  11  min                      optional double    (wire type 1)
*  12  max                      optional double    (wire type 1)
*/
function serializeHistogramDataPoint(writer, dataPoint) {
	const start = writer.startLengthDelimited();
	const startPos = writer.pos;
	const histogram = dataPoint.value;
	writer.writeTag(2, 1);
	writeHrTimeAsFixed64(writer, dataPoint.startTime);
	writer.writeTag(3, 1);
	writeHrTimeAsFixed64(writer, dataPoint.endTime);
	writer.writeTag(4, 1);
	writer.writeFixed64(histogram.count >>> 0, histogram.count / 4294967296 >>> 0);
	if (histogram.sum !== void 0) {
		writer.writeTag(5, 1);
		writer.writeDouble(histogram.sum);
	}
	if (histogram.buckets.counts.length > 0) {
		writer.writeTag(6, 2);
		const countsStart = writer.startLengthDelimited();
		const countsStartPos = writer.pos;
		for (const count of histogram.buckets.counts) writer.writeFixed64(count >>> 0, count / 4294967296 >>> 0);
		writer.finishLengthDelimited(countsStart, writer.pos - countsStartPos);
	}
	if (histogram.buckets.boundaries.length > 0) {
		writer.writeTag(7, 2);
		const boundsStart = writer.startLengthDelimited();
		const boundsStartPos = writer.pos;
		for (const bound of histogram.buckets.boundaries) writer.writeDouble(bound);
		writer.finishLengthDelimited(boundsStart, writer.pos - boundsStartPos);
	}
	if (dataPoint.attributes) writeAttributes(writer, dataPoint.attributes, 9);
	if (histogram.min !== void 0) {
		writer.writeTag(11, 1);
		writer.writeDouble(histogram.min);
	}
	if (histogram.max !== void 0) {
		writer.writeTag(12, 1);
		writer.writeDouble(histogram.max);
	}
	writer.finishLengthDelimited(start, writer.pos - startPos);
}
/**
* Serialize ExponentialHistogramDataPoint.Buckets
*
* Proto fields (Buckets):
*   1  offset         sint32           (wire type 0, zigzag)
*   2  bucket_counts  repeated uint64  (packed, wire type 2)
*/
function serializeExponentialBuckets(writer, offset, bucketCounts) {
	const start = writer.startLengthDelimited();
	const startPos = writer.pos;
	if (offset !== 0) {
		writer.writeTag(1, 0);
		writer.writeSint32(offset);
	}
	if (bucketCounts.length > 0) {
		writer.writeTag(2, 2);
		const bcStart = writer.startLengthDelimited();
		const bcStartPos = writer.pos;
		for (const count of bucketCounts) writer.writeVarint(count);
		writer.finishLengthDelimited(bcStart, writer.pos - bcStartPos);
	}
	writer.finishLengthDelimited(start, writer.pos - startPos);
}
/**
* Serialize an ExponentialHistogramDataPoint directly from SDK DataPoint<ExponentialHistogram>
*
* Proto fields (ExponentialHistogramDataPoint):
*   1  attributes               repeated KeyValue  (wire type 2)
*   2  start_time_unix_nano     fixed64            (wire type 1)
*   3  time_unix_nano           fixed64            (wire type 1)
*   4  count                    fixed64            (wire type 1)
*   5  sum                      optional double    (wire type 1)
*   6  scale                    sint32             (wire type 0, zigzag)
*   7  zero_count               fixed64            (wire type 1)
*   8  positive                 Buckets            (wire type 2)
*   9  negative                 Buckets            (wire type 2)
*  10  flags                    uint32             (wire type 0)
*  11  exemplars                repeated Exemplar  (wire type 2)
*  12  min                      optional double    (wire type 1)
*  13  max                      optional double    (wire type 1)
*/
function serializeExponentialHistogramDataPoint(writer, dataPoint) {
	const start = writer.startLengthDelimited();
	const startPos = writer.pos;
	const histogram = dataPoint.value;
	if (dataPoint.attributes) writeAttributes(writer, dataPoint.attributes, 1);
	writer.writeTag(2, 1);
	writeHrTimeAsFixed64(writer, dataPoint.startTime);
	writer.writeTag(3, 1);
	writeHrTimeAsFixed64(writer, dataPoint.endTime);
	writer.writeTag(4, 1);
	writer.writeFixed64(histogram.count >>> 0, histogram.count / 4294967296 >>> 0);
	if (histogram.sum !== void 0) {
		writer.writeTag(5, 1);
		writer.writeDouble(histogram.sum);
	}
	if (histogram.scale !== 0) {
		writer.writeTag(6, 0);
		writer.writeSint32(histogram.scale);
	}
	writer.writeTag(7, 1);
	writer.writeFixed64(histogram.zeroCount >>> 0, histogram.zeroCount / 4294967296 >>> 0);
	writer.writeTag(8, 2);
	serializeExponentialBuckets(writer, histogram.positive.offset, histogram.positive.bucketCounts);
	writer.writeTag(9, 2);
	serializeExponentialBuckets(writer, histogram.negative.offset, histogram.negative.bucketCounts);
	if (histogram.min !== void 0) {
		writer.writeTag(12, 1);
		writer.writeDouble(histogram.min);
	}
	if (histogram.max !== void 0) {
		writer.writeTag(13, 1);
		writer.writeDouble(histogram.max);
	}
	writer.finishLengthDelimited(start, writer.pos - startPos);
}
/**
* Serialize a Metric message with its data type
*
* Proto fields (Metric):
*   1  name                     string             (wire type 2)
*   2  description              string             (wire type 2)
*   3  unit                     string             (wire type 2)
*   5  gauge                    Gauge              (wire type 2)
*   7  sum                      Sum                (wire type 2)
*   9  histogram                Histogram          (wire type 2)
*  10  exponential_histogram    ExponentialHist    (wire type 2)
*  11  summary                  Summary            (wire type 2)
*/
function serializeMetric(writer, metricData) {
	const metricStart = writer.startLengthDelimited();
	const metricStartPos = writer.pos;
	writer.writeTag(1, 2);
	writer.writeString(metricData.descriptor.name);
	if (metricData.descriptor.description) {
		writer.writeTag(2, 2);
		writer.writeString(metricData.descriptor.description);
	}
	if (metricData.descriptor.unit) {
		writer.writeTag(3, 2);
		writer.writeString(metricData.descriptor.unit);
	}
	switch (metricData.dataPointType) {
		case DataPointType.GAUGE:
			writer.writeTag(5, 2);
			serializeGauge(writer, metricData);
			break;
		case DataPointType.SUM:
			writer.writeTag(7, 2);
			serializeSum(writer, metricData);
			break;
		case DataPointType.HISTOGRAM:
			writer.writeTag(9, 2);
			serializeHistogramMetric(writer, metricData);
			break;
		case DataPointType.EXPONENTIAL_HISTOGRAM:
			writer.writeTag(10, 2);
			serializeExponentialHistogramMetric(writer, metricData);
	}
	writer.finishLengthDelimited(metricStart, writer.pos - metricStartPos);
}
/**
* Proto fields (Gauge):
*   1  data_points  repeated NumberDataPoint  (wire type 2)
*/
function serializeGauge(writer, metricData) {
	const start = writer.startLengthDelimited();
	const startPos = writer.pos;
	for (const dataPoint of metricData.dataPoints) {
		writer.writeTag(1, 2);
		serializeNumberDataPoint(writer, dataPoint, metricData.descriptor.valueType);
	}
	writer.finishLengthDelimited(start, writer.pos - startPos);
}
/**
* Proto fields (Sum):
*   1  data_points               repeated NumberDataPoint  (wire type 2)
*   2  aggregation_temporality   AggregationTemporality    (wire type 0)
*   3  is_monotonic              bool                      (wire type 0)
*/
function serializeSum(writer, metricData) {
	const start = writer.startLengthDelimited();
	const startPos = writer.pos;
	for (const dataPoint of metricData.dataPoints) {
		writer.writeTag(1, 2);
		serializeNumberDataPoint(writer, dataPoint, metricData.descriptor.valueType);
	}
	const temporality = toProtoAggregationTemporality(metricData.aggregationTemporality);
	if (temporality !== 0) {
		writer.writeTag(2, 0);
		writer.writeVarint(temporality);
	}
	if (metricData.isMonotonic) {
		writer.writeTag(3, 0);
		writer.writeVarint(1);
	}
	writer.finishLengthDelimited(start, writer.pos - startPos);
}
/**
* Proto fields (Histogram):
*   1  data_points               repeated HistogramDataPoint  (wire type 2)
*   2  aggregation_temporality   AggregationTemporality       (wire type 0)
*/
function serializeHistogramMetric(writer, metricData) {
	const start = writer.startLengthDelimited();
	const startPos = writer.pos;
	for (const dataPoint of metricData.dataPoints) {
		writer.writeTag(1, 2);
		serializeHistogramDataPoint(writer, dataPoint);
	}
	const temporality = toProtoAggregationTemporality(metricData.aggregationTemporality);
	if (temporality !== 0) {
		writer.writeTag(2, 0);
		writer.writeVarint(temporality);
	}
	writer.finishLengthDelimited(start, writer.pos - startPos);
}
/**
* Proto fields (ExponentialHistogram):
*   1  data_points               repeated ExponentialHistogramDataPoint  (wire type 2)
*   2  aggregation_temporality   AggregationTemporality                 (wire type 0)
*/
function serializeExponentialHistogramMetric(writer, metricData) {
	const start = writer.startLengthDelimited();
	const startPos = writer.pos;
	for (const dataPoint of metricData.dataPoints) {
		writer.writeTag(1, 2);
		serializeExponentialHistogramDataPoint(writer, dataPoint);
	}
	const temporality = toProtoAggregationTemporality(metricData.aggregationTemporality);
	if (temporality !== 0) {
		writer.writeTag(2, 0);
		writer.writeVarint(temporality);
	}
	writer.finishLengthDelimited(start, writer.pos - startPos);
}
/**
* Serialize ScopeMetrics directly from SDK types
*/
function serializeScopeMetrics(writer, scopeMetrics) {
	const scopeStart = writer.startLengthDelimited();
	const scopeStartPos = writer.pos;
	writeInstrumentationScope(writer, scopeMetrics.scope, 1);
	for (const metric of scopeMetrics.metrics) {
		writer.writeTag(2, 2);
		serializeMetric(writer, metric);
	}
	if (scopeMetrics.scope.schemaUrl) {
		writer.writeTag(3, 2);
		writer.writeString(scopeMetrics.scope.schemaUrl);
	}
	writer.finishLengthDelimited(scopeStart, writer.pos - scopeStartPos);
}
/**
* Serialize ResourceMetrics directly from SDK types
*
* Proto fields (ResourceMetrics):
*   1  resource       Resource           (wire type 2)
*   2  scope_metrics  repeated ScopeMetrics  (wire type 2)
*   3  schema_url     string             (wire type 2)
*/
function serializeResourceMetrics(writer, resourceMetrics) {
	const start = writer.startLengthDelimited();
	const startPos = writer.pos;
	writeResource(writer, resourceMetrics.resource, 1);
	for (const scopeMetrics of resourceMetrics.scopeMetrics) {
		writer.writeTag(2, 2);
		serializeScopeMetrics(writer, scopeMetrics);
	}
	if (resourceMetrics.resource.schemaUrl) {
		writer.writeTag(3, 2);
		writer.writeString(resourceMetrics.resource.schemaUrl);
	}
	writer.finishLengthDelimited(start, writer.pos - startPos);
}
function toProtoAggregationTemporality(temporality) {
	switch (temporality) {
		case AggregationTemporality.DELTA: return 1;
		case AggregationTemporality.CUMULATIVE: return 2;
		default: return 0;
	}
}
/**
* Serialize ExportMetricsServiceRequest directly from ResourceMetrics
*/
function serializeMetricsExportRequest(resourceMetrics) {
	const estimator = new ProtobufSizeEstimator();
	estimator.writeTag(1, 2);
	serializeResourceMetrics(estimator, resourceMetrics);
	const writer = new ProtobufWriter(estimator.pos);
	writer.writeTag(1, 2);
	serializeResourceMetrics(writer, resourceMetrics);
	return writer.finish();
}
//#endregion


//# sourceMappingURL=metrics-serializer.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/metrics/protobuf/response-deserializer.mjs

//#region src/metrics/protobuf/response-deserializer.ts
/**
* Parse an ExportMetricsPartialSuccess embedded message from raw bytes.
*
* Field map (opentelemetry/proto/collector/metrics/v1/metrics_service.proto):
*   1  rejected_data_points  int64   (varint)
*   2  error_message         string  (length-delimited)
*/
function response_deserializer_deserializePartialSuccess(data) {
	const reader = new ProtobufReader(data);
	const result = {};
	while (!reader.isAtEnd()) {
		const { fieldNumber, wireType } = reader.readTag();
		switch (fieldNumber) {
			case 1:
				if (wireType === 0) result.rejectedDataPoints = reader.readVarint();
				else reader.skip(wireType);
				break;
			case 2:
				if (wireType === 2) result.errorMessage = reader.readString();
				else reader.skip(wireType);
				break;
			default: reader.skip(wireType);
		}
	}
	return result;
}
/**
* Parse an ExportMetricsServiceResponse protobuf message from raw bytes.
*
* Field map (opentelemetry/proto/collector/metrics/v1/metrics_service.proto):
*   1  partial_success  ExportMetricsPartialSuccess  (length-delimited)
*/
function deserializeExportMetricsServiceResponse(data) {
	const reader = new ProtobufReader(data);
	const result = {};
	while (!reader.isAtEnd()) {
		const { fieldNumber, wireType } = reader.readTag();
		switch (fieldNumber) {
			case 1:
				if (wireType === 2) result.partialSuccess = response_deserializer_deserializePartialSuccess(reader.readBytes());
				else reader.skip(wireType);
				break;
			default: reader.skip(wireType);
		}
	}
	return result;
}
//#endregion


//# sourceMappingURL=response-deserializer.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/metrics/protobuf/metrics.mjs


//#region src/metrics/protobuf/metrics.ts
const ProtobufMetricsSerializer = {
	serializeRequest: (arg) => {
		return serializeMetricsExportRequest(arg);
	},
	deserializeResponse: (arg) => {
		return deserializeExportMetricsServiceResponse(arg);
	}
};
//#endregion


//# sourceMappingURL=metrics.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/metrics/internal.mjs



//#region src/metrics/internal.ts
function toResourceMetrics(resourceMetrics, encoder) {
	const processedResource = createResource(resourceMetrics.resource, encoder);
	return {
		resource: processedResource,
		schemaUrl: processedResource.schemaUrl,
		scopeMetrics: toScopeMetrics(resourceMetrics.scopeMetrics, encoder)
	};
}
function toScopeMetrics(scopeMetrics, encoder) {
	return Array.from(scopeMetrics.map((metrics) => ({
		scope: createInstrumentationScope(metrics.scope, encoder),
		metrics: metrics.metrics.map((metricData) => toMetric(metricData, encoder)),
		schemaUrl: metrics.scope.schemaUrl
	})));
}
function toMetric(metricData, encoder) {
	const out = {
		name: metricData.descriptor.name,
		description: metricData.descriptor.description,
		unit: metricData.descriptor.unit
	};
	const aggregationTemporality = toAggregationTemporality(metricData.aggregationTemporality);
	switch (metricData.dataPointType) {
		case DataPointType.SUM:
			out.sum = {
				aggregationTemporality,
				isMonotonic: metricData.isMonotonic,
				dataPoints: toSingularDataPoints(metricData, encoder)
			};
			break;
		case DataPointType.GAUGE:
			out.gauge = { dataPoints: toSingularDataPoints(metricData, encoder) };
			break;
		case DataPointType.HISTOGRAM:
			out.histogram = {
				aggregationTemporality,
				dataPoints: toHistogramDataPoints(metricData, encoder)
			};
			break;
		case DataPointType.EXPONENTIAL_HISTOGRAM: out.exponentialHistogram = {
			aggregationTemporality,
			dataPoints: toExponentialHistogramDataPoints(metricData, encoder)
		};
	}
	return out;
}
function toSingularDataPoint(dataPoint, valueType, encoder) {
	const out = {
		attributes: toAttributes(dataPoint.attributes, encoder),
		startTimeUnixNano: encoder.encodeHrTime(dataPoint.startTime),
		timeUnixNano: encoder.encodeHrTime(dataPoint.endTime)
	};
	switch (valueType) {
		case ValueType.INT:
			out.asInt = dataPoint.value;
			break;
		case ValueType.DOUBLE: out.asDouble = dataPoint.value;
	}
	return out;
}
function toSingularDataPoints(metricData, encoder) {
	return metricData.dataPoints.map((dataPoint) => {
		return toSingularDataPoint(dataPoint, metricData.descriptor.valueType, encoder);
	});
}
function toHistogramDataPoints(metricData, encoder) {
	return metricData.dataPoints.map((dataPoint) => {
		const histogram = dataPoint.value;
		return {
			attributes: toAttributes(dataPoint.attributes, encoder),
			bucketCounts: histogram.buckets.counts,
			explicitBounds: histogram.buckets.boundaries,
			count: histogram.count,
			sum: histogram.sum,
			min: histogram.min,
			max: histogram.max,
			startTimeUnixNano: encoder.encodeHrTime(dataPoint.startTime),
			timeUnixNano: encoder.encodeHrTime(dataPoint.endTime)
		};
	});
}
function toExponentialHistogramDataPoints(metricData, encoder) {
	return metricData.dataPoints.map((dataPoint) => {
		const histogram = dataPoint.value;
		return {
			attributes: toAttributes(dataPoint.attributes, encoder),
			count: histogram.count,
			min: histogram.min,
			max: histogram.max,
			sum: histogram.sum,
			positive: {
				offset: histogram.positive.offset,
				bucketCounts: histogram.positive.bucketCounts
			},
			negative: {
				offset: histogram.negative.offset,
				bucketCounts: histogram.negative.bucketCounts
			},
			scale: histogram.scale,
			zeroCount: histogram.zeroCount,
			startTimeUnixNano: encoder.encodeHrTime(dataPoint.startTime),
			timeUnixNano: encoder.encodeHrTime(dataPoint.endTime)
		};
	});
}
function toAggregationTemporality(temporality) {
	switch (temporality) {
		case AggregationTemporality.DELTA: return 1;
		case AggregationTemporality.CUMULATIVE: return 2;
	}
}
function createExportMetricsServiceRequest(resourceMetrics, encoder) {
	return { resourceMetrics: resourceMetrics.map((metrics) => toResourceMetrics(metrics, encoder)) };
}
//#endregion


//# sourceMappingURL=internal.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/metrics/json/metrics.mjs



//#region src/metrics/json/metrics.ts
const JsonMetricsSerializer = {
	serializeRequest: (arg) => {
		const request = createExportMetricsServiceRequest([arg], JSON_ENCODER);
		return new TextEncoder().encode(JSON.stringify(request));
	},
	deserializeResponse: (arg) => {
		if (arg.length === 0) return {};
		const decoder = new TextDecoder();
		try {
			return JSON.parse(decoder.decode(arg));
		} catch (err) {
			diag_api_diag.warn(`Failed to parse metrics export response: ${err.message}. Returning empty response`);
			return {};
		}
	}
};
//#endregion


//# sourceMappingURL=metrics.mjs.map
;// CONCATENATED MODULE: ./src/encode/serialize.ts

const serialize_CONTENT_TYPES = {
    'http/protobuf': 'application/x-protobuf',
    'http/json': 'application/json',
};
/** An ExportMetricsServiceRequest in the wire encoding of `protocol`. */
function serialize(metrics, protocol) {
    if (protocol === 'http/protobuf')
        return required(ProtobufMetricsSerializer.serializeRequest(metrics));
    return int64AsStrings(required(JsonMetricsSerializer.serializeRequest(metrics)));
}
function required(body) {
    if (body === undefined)
        throw new Error('the OTLP transformer could not serialize the request');
    return body;
}
/**
 * The transformer writes the schema's 64-bit integers (asInt, intValue, count, bucketCounts) as
 * JSON numbers; OTLP/JSON, and the Collector's file format, write them as decimal strings
 * (timestamps it already writes as strings). Rewritten on the text: these names only ever appear
 * there as keys, since inside a string value a quote is escaped (`\"asInt\":` cannot match), and
 * a rewrite of the text is several times cheaper than parsing and printing the request again.
 */
const INT64_FIELD = /"(asInt|intValue|count)":(-?\d+)/g;
const INT64_LIST = /"bucketCounts":\[([\d,]*)\]/g;
function int64AsStrings(body) {
    const text = new TextDecoder().decode(body);
    const fixed = text
        .replace(INT64_FIELD, '"$1":"$2"')
        .replace(INT64_LIST, (_, list) => `"bucketCounts":[${list === '' ? '' : `"${list.split(',').join('","')}"`}]`);
    return new TextEncoder().encode(fixed);
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
    const res = resourceFromAttributes(resource);
    const observed = [Math.floor(nowMs / 1000), (nowMs % 1000) * 1_000_000];
    return encodeFitting(events, maxBytes, 'logs', (part) => {
        const records = part.map((e) => logs_toLogRecord(e, res, observed));
        if (protocol === 'http/protobuf')
            return required(ProtobufLogsSerializer.serializeRequest(records));
        return int64AsStrings(required(JsonLogsSerializer.serializeRequest(records)));
    });
}
function logs_toLogRecord(e, resource, observed) {
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
function cumulate(deltas, ledger, resource) {
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
            out.push(advance(series.state, p, series.late));
            series.late = undefined;
        }
        for (const { state, late } of running.values())
            if (late !== undefined)
                out.push(advance(state, late, undefined, state.lastSeconds + 1));
        points.set(instrument, out);
    }
    return { points, totals };
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
 * Adds a point's delta (and the late events before it) to the series, and turns the point into
 * the cumulative one at `at` (its own second unless given), in place: the deltas are this call's
 * own, and a copy per point was most of what cumulative encoding added to a run's garbage.
 */
function advance(state, delta, late, at = delta.epochSeconds) {
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
        for (let i = 0; i < total.bucketCounts.length; i += 1)
            h.bucketCounts[i] = total.bucketCounts[i];
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
    for (let i = 0; i < into.bucketCounts.length; i += 1)
        into.bucketCounts[i] = into.bucketCounts[i] + (h.bucketCounts[i] ?? 0);
}
function copyHistogram(h) {
    return h === undefined ? undefined : { ...h, bucketCounts: [...h.bucketCounts] };
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
 */
function resource_metrics_toResourceMetrics(points, resource, temporality = 'delta') {
    const metrics = [];
    const aggregation = temporality === 'cumulative' ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA;
    for (const [instrument, list] of points) {
        if (list.length > 0)
            metrics.push(toMetricData(instrument, list, aggregation));
    }
    return {
        resource: resourceFromAttributes(resource),
        scopeMetrics: [{ scope: { name: SCOPE_NAME }, metrics }],
    };
}
function toMetricData(instrument, points, aggregationTemporality) {
    const descriptor = {
        name: instrument.name,
        description: instrument.description,
        unit: instrument.unit,
        valueType: instrument.valueType,
    };
    const sorted = [...points].sort((a, b) => a.epochSeconds - b.epochSeconds);
    if (instrument.kind === 'sum') {
        return {
            descriptor,
            aggregationTemporality,
            dataPointType: DataPointType.SUM,
            isMonotonic: true,
            dataPoints: sorted.map((p) => ({
                startTime: startOf(p),
                endTime: [p.epochSeconds, 0],
                attributes: p.attributes,
                value: p.sum,
            })),
        };
    }
    return {
        descriptor,
        aggregationTemporality,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: sorted.map((p) => {
            const h = p.histogram;
            return {
                startTime: startOf(p),
                endTime: [p.epochSeconds, 0],
                attributes: p.attributes,
                value: {
                    buckets: { boundaries: BOUNDARIES, counts: h.bucketCounts },
                    count: h.count,
                    sum: h.sum,
                    min: h.min,
                    max: h.max,
                },
            };
        }),
    };
}
function startOf(p) {
    // Never before 1970: OTLP's times are unsigned (an event at the epoch starts there too).
    return [Math.max(0, p.startSeconds ?? p.epochSeconds - 1), 0];
}

;// CONCATENATED MODULE: ./src/encode/requests.ts




const DELTA = { temporality: 'delta' };
/**
 * Encodes events into as few requests as fit `maxBytes` each, splitting the list in two (at a
 * change of second where one is near the middle, so a second's points stay together) until each
 * part fits. A single event larger than the cap is sent alone: there is nothing left to split.
 */
function encodeRequests(events, resource, protocol, maxBytes, encoding = DELTA) {
    if (events.length === 0)
        return [];
    // Long commands make big points; when the text alone would be far over the cap, split before
    // encoding, so that no body many times the cap is ever built.
    if (events.length > 1 && estimatedBytes(events) > 2 * maxBytes) {
        return split(events, resource, protocol, maxBytes, encoding);
    }
    const deltas = aggregate(events);
    const cumulated = encoding.temporality === 'cumulative' ? cumulate(deltas, encoding.ledger, resource) : undefined;
    const points = cumulated?.points ?? deltas;
    const body = serialize(resource_metrics_toResourceMetrics(points, resource, encoding.temporality), protocol);
    if (body.byteLength <= maxBytes || events.length <= 1) {
        const counts = {};
        for (const [instrument, list] of points)
            if (list.length > 0)
                counts[instrument.name] = list.length;
        return [{ body, events, points: counts, ...(cumulated && { totals: cumulated.totals }) }];
    }
    return split(events, resource, protocol, maxBytes, encoding);
}
/** Two halves, the second continuing the first's totals when cumulative. */
function split(events, resource, protocol, maxBytes, encoding) {
    const cut = splitPoint(events);
    const first = encodeRequests(events.slice(0, cut), resource, protocol, maxBytes, encoding);
    let next = encoding;
    if (encoding.temporality === 'cumulative') {
        let ledger = encoding.ledger;
        for (const r of first)
            if (r.totals !== undefined)
                ledger = overlay(ledger, r.totals);
        next = { temporality: 'cumulative', ledger };
    }
    return [...first, ...encodeRequests(events.slice(cut), resource, protocol, maxBytes, next)];
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

;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/trace/span_kind.mjs
//#region src/trace/span_kind.ts
/**
* @since 1.0.0
*/
let SpanKind = /* @__PURE__ */ function(SpanKind) {
	/** Default value. Indicates that the span is used internally. */
	SpanKind[SpanKind["INTERNAL"] = 0] = "INTERNAL";
	/**
	* Indicates that the span covers server-side handling of an RPC or other
	* remote request.
	*/
	SpanKind[SpanKind["SERVER"] = 1] = "SERVER";
	/**
	* Indicates that the span covers the client-side wrapper around an RPC or
	* other remote request.
	*/
	SpanKind[SpanKind["CLIENT"] = 2] = "CLIENT";
	/**
	* Indicates that the span describes producer sending a message to a
	* broker. Unlike client and server, there is no direct critical path latency
	* relationship between producer and consumer spans.
	*/
	SpanKind[SpanKind["PRODUCER"] = 3] = "PRODUCER";
	/**
	* Indicates that the span describes consumer receiving a message from a
	* broker. Unlike client and server, there is no direct critical path latency
	* relationship between producer and consumer spans.
	*/
	SpanKind[SpanKind["CONSUMER"] = 4] = "CONSUMER";
	return SpanKind;
}({});
//#endregion


//# sourceMappingURL=span_kind.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/trace/trace_flags.mjs
//#region src/trace/trace_flags.ts
/**
* @since 1.0.0
*/
let TraceFlags = /* @__PURE__ */ function(TraceFlags) {
	/** Represents no flag set. */
	TraceFlags[TraceFlags["NONE"] = 0] = "NONE";
	/** Bit to represent whether trace is sampled in trace flags. */
	TraceFlags[TraceFlags["SAMPLED"] = 1] = "SAMPLED";
	return TraceFlags;
}({});
//#endregion


//# sourceMappingURL=trace_flags.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/api/dist/trace/status.mjs
//#region src/trace/status.ts
/**
* An enumeration of status codes.
*
* @since 1.0.0
*/
let SpanStatusCode = /* @__PURE__ */ function(SpanStatusCode) {
	/**
	* The default status.
	*/
	SpanStatusCode[SpanStatusCode["UNSET"] = 0] = "UNSET";
	/**
	* The operation has been validated by an Application developer or
	* Operator to have completed successfully.
	*/
	SpanStatusCode[SpanStatusCode["OK"] = 1] = "OK";
	/**
	* The operation contains an error.
	*/
	SpanStatusCode[SpanStatusCode["ERROR"] = 2] = "ERROR";
	return SpanStatusCode;
}({});
//#endregion


//# sourceMappingURL=status.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/trace/protobuf/trace-serializer.mjs




//#region src/trace/protobuf/trace-serializer.ts
const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK = 256;
const SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK = 512;
function buildSpanFlags(traceFlags, isRemote) {
	let flags = traceFlags & 255 | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK;
	if (isRemote) flags |= SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK;
	return flags;
}
/**
* Serialize a Span.Status message
*
* Proto fields (Status):
*   1  (reserved)
*   2  message   string         (length-delimited)
*   3  code      StatusCode     (varint)
*/
function serializeStatus(writer, status) {
	const statusStart = writer.startLengthDelimited();
	const statusStartPos = writer.pos;
	if (status.message) {
		writer.writeTag(2, 2);
		writer.writeString(status.message);
	}
	writer.writeTag(3, 0);
	writer.writeVarint(status.code);
	writer.finishLengthDelimited(statusStart, writer.pos - statusStartPos);
}
/**
* Serialize a Span.Event message
*
* Proto fields (Span.Event):
*   1  time_unix_nano           fixed64            (wire type 1)
*   2  name                     string             (wire type 2)
*   3  attributes               repeated KeyValue  (wire type 2)
*   4  dropped_attributes_count uint32             (wire type 0)
*/
function serializeEvent(writer, event) {
	const eventStart = writer.startLengthDelimited();
	const eventStartPos = writer.pos;
	writer.writeTag(1, 1);
	writeHrTimeAsFixed64(writer, event.time);
	writer.writeTag(2, 2);
	writer.writeString(event.name);
	if (event.attributes) writeAttributes(writer, event.attributes, 3);
	writer.writeTag(4, 0);
	writer.writeVarint(event.droppedAttributesCount || 0);
	writer.finishLengthDelimited(eventStart, writer.pos - eventStartPos);
}
/**
* Serialize a Span.Link message
*
* Proto fields (Span.Link):
*   1  trace_id                 bytes              (wire type 2)
*   2  span_id                  bytes              (wire type 2)
*   3  trace_state              string             (wire type 2)
*   4  attributes               repeated KeyValue  (wire type 2)
*   5  dropped_attributes_count uint32             (wire type 0)
*   6  flags                    fixed32            (wire type 5)
*/
function serializeLink(writer, link) {
	const linkStart = writer.startLengthDelimited();
	const linkStartPos = writer.pos;
	const context = link.context;
	writer.writeTag(1, 2);
	writer.writeBytes(hexToBinary(context.traceId));
	writer.writeTag(2, 2);
	writer.writeBytes(hexToBinary(context.spanId));
	const linkTraceState = context.traceState?.serialize();
	if (linkTraceState) {
		writer.writeTag(3, 2);
		writer.writeString(linkTraceState);
	}
	if (link.attributes) writeAttributes(writer, link.attributes, 4);
	writer.writeTag(5, 0);
	writer.writeVarint(link.droppedAttributesCount || 0);
	const linkFlags = buildSpanFlags(context.traceFlags, context.isRemote);
	if (linkFlags) {
		writer.writeTag(6, 5);
		writer.writeFixed32(linkFlags);
	}
	writer.finishLengthDelimited(linkStart, writer.pos - linkStartPos);
}
/**
* Serialize a single Span message directly from ReadableSpan
*
* Proto fields (Span):
*   1  trace_id                 bytes              (wire type 2)
*   2  span_id                  bytes              (wire type 2)
*   3  trace_state              string             (wire type 2)
*   4  parent_span_id           bytes              (wire type 2)
*   5  name                     string             (wire type 2)
*   6  kind                     SpanKind           (wire type 0)
*   7  start_time_unix_nano     fixed64            (wire type 1)
*   8  end_time_unix_nano       fixed64            (wire type 1)
*   9  attributes               repeated KeyValue  (wire type 2)
*  10  dropped_attributes_count uint32             (wire type 0)
*  11  events                   repeated Event     (wire type 2)
*  12  dropped_events_count     uint32             (wire type 0)
*  13  links                    repeated Link      (wire type 2)
*  14  dropped_links_count      uint32             (wire type 0)
*  15  status                   Status             (wire type 2)
*  16  flags                    fixed32            (wire type 5)
*/
function serializeSpan(writer, span) {
	const spanStart = writer.startLengthDelimited();
	const spanStartPos = writer.pos;
	const ctx = span.spanContext();
	writer.writeTag(1, 2);
	writer.writeBytes(hexToBinary(ctx.traceId));
	writer.writeTag(2, 2);
	writer.writeBytes(hexToBinary(ctx.spanId));
	const traceState = ctx.traceState?.serialize();
	if (traceState) {
		writer.writeTag(3, 2);
		writer.writeString(traceState);
	}
	if (span.parentSpanContext?.spanId) {
		writer.writeTag(4, 2);
		writer.writeBytes(hexToBinary(span.parentSpanContext.spanId));
	}
	writer.writeTag(5, 2);
	writer.writeString(span.name);
	const kind = span.kind == null ? 0 : span.kind + 1;
	if (kind !== 0) {
		writer.writeTag(6, 0);
		writer.writeVarint(kind);
	}
	writer.writeTag(7, 1);
	writeHrTimeAsFixed64(writer, span.startTime);
	writer.writeTag(8, 1);
	writeHrTimeAsFixed64(writer, span.endTime);
	if (span.attributes) writeAttributes(writer, span.attributes, 9);
	writer.writeTag(10, 0);
	writer.writeVarint(span.droppedAttributesCount);
	for (const event of span.events) {
		writer.writeTag(11, 2);
		serializeEvent(writer, event);
	}
	writer.writeTag(12, 0);
	writer.writeVarint(span.droppedEventsCount);
	for (const link of span.links) {
		writer.writeTag(13, 2);
		serializeLink(writer, link);
	}
	writer.writeTag(14, 0);
	writer.writeVarint(span.droppedLinksCount);
	writer.writeTag(15, 2);
	serializeStatus(writer, span.status);
	const flags = buildSpanFlags(ctx.traceFlags, span.parentSpanContext?.isRemote);
	if (flags) {
		writer.writeTag(16, 5);
		writer.writeFixed32(flags);
	}
	writer.finishLengthDelimited(spanStart, writer.pos - spanStartPos);
}
/**
* Serialize ScopeSpans directly from SDK types
*/
function serializeScopeSpans(writer, scope, spans) {
	const scopeSpansStart = writer.startLengthDelimited();
	const scopeSpansStartPos = writer.pos;
	writeInstrumentationScope(writer, scope, 1);
	for (const span of spans) {
		writer.writeTag(2, 2);
		serializeSpan(writer, span);
	}
	if (scope.schemaUrl) {
		writer.writeTag(3, 2);
		writer.writeString(scope.schemaUrl);
	}
	writer.finishLengthDelimited(scopeSpansStart, writer.pos - scopeSpansStartPos);
}
/**
* Serialize ResourceSpans directly from SDK Resource type
*/
function serializeResourceSpans(writer, resource, scopeMap) {
	const resourceSpansStart = writer.startLengthDelimited();
	const resourceSpansStartPos = writer.pos;
	writeResource(writer, resource, 1);
	for (const scopeSpans of scopeMap.values()) {
		writer.writeTag(2, 2);
		const scope = scopeSpans[0].instrumentationScope;
		serializeScopeSpans(writer, scope, scopeSpans);
	}
	if (resource.schemaUrl) {
		writer.writeTag(3, 2);
		writer.writeString(resource.schemaUrl);
	}
	writer.finishLengthDelimited(resourceSpansStart, writer.pos - resourceSpansStartPos);
}
/**
* Group spans by resource and instrumentation scope using identity comparison
*/
function trace_serializer_createResourceMap(spans) {
	const resourceMap = /* @__PURE__ */ new Map();
	for (const span of spans) {
		const resource = span.resource;
		const scope = span.instrumentationScope;
		let scopeMap = resourceMap.get(resource);
		if (!scopeMap) {
			scopeMap = /* @__PURE__ */ new Map();
			resourceMap.set(resource, scopeMap);
		}
		let records = scopeMap.get(scope);
		if (!records) {
			records = [];
			scopeMap.set(scope, records);
		}
		records.push(span);
	}
	return resourceMap;
}
/**
* Serialize ExportTraceServiceRequest directly from ReadableSpan[]
*/
function serializeTraceExportRequest(spans) {
	const resourceMap = trace_serializer_createResourceMap(spans);
	const estimator = new ProtobufSizeEstimator();
	for (const [resource, scopeMap] of resourceMap) {
		estimator.writeTag(1, 2);
		serializeResourceSpans(estimator, resource, scopeMap);
	}
	const writer = new ProtobufWriter(estimator.pos);
	for (const [resource, scopeMap] of resourceMap) {
		writer.writeTag(1, 2);
		serializeResourceSpans(writer, resource, scopeMap);
	}
	return writer.finish();
}
//#endregion


//# sourceMappingURL=trace-serializer.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/trace/protobuf/response-deserializer.mjs

//#region src/trace/protobuf/response-deserializer.ts
/**
* Parse an ExportTracePartialSuccess embedded message from raw bytes.
*
* Field map (opentelemetry/proto/collector/trace/v1/trace_service.proto):
*   1  rejected_spans   int64   (varint)
*   2  error_message    string  (length-delimited)
*/
function protobuf_response_deserializer_deserializePartialSuccess(data) {
	const reader = new ProtobufReader(data);
	const result = {};
	while (!reader.isAtEnd()) {
		const { fieldNumber, wireType } = reader.readTag();
		switch (fieldNumber) {
			case 1:
				if (wireType === 0) result.rejectedSpans = reader.readVarint();
				else reader.skip(wireType);
				break;
			case 2:
				if (wireType === 2) result.errorMessage = reader.readString();
				else reader.skip(wireType);
				break;
			default: reader.skip(wireType);
		}
	}
	return result;
}
/**
* Parse an ExportTraceServiceResponse protobuf message from raw bytes.
*
* Field map (opentelemetry/proto/collector/trace/v1/trace_service.proto):
*   1  partial_success  ExportTracePartialSuccess  (length-delimited)
*/
function deserializeExportTraceServiceResponse(data) {
	const reader = new ProtobufReader(data);
	const result = {};
	while (!reader.isAtEnd()) {
		const { fieldNumber, wireType } = reader.readTag();
		switch (fieldNumber) {
			case 1:
				if (wireType === 2) result.partialSuccess = protobuf_response_deserializer_deserializePartialSuccess(reader.readBytes());
				else reader.skip(wireType);
				break;
			default: reader.skip(wireType);
		}
	}
	return result;
}
//#endregion


//# sourceMappingURL=response-deserializer.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/trace/protobuf/trace.mjs


//#region src/trace/protobuf/trace.ts
const ProtobufTraceSerializer = {
	serializeRequest: (arg) => {
		return serializeTraceExportRequest(arg);
	},
	deserializeResponse: (arg) => {
		return deserializeExportTraceServiceResponse(arg);
	}
};
//#endregion


//# sourceMappingURL=trace.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/trace/internal.mjs

//#region src/trace/internal.ts
const internal_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK = 256;
const internal_SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK = 512;
/**
* Builds the 32-bit span flags value combining the low 8-bit W3C TraceFlags
* with the HAS_IS_REMOTE and IS_REMOTE bits according to the OTLP spec.
*/
function buildSpanFlagsFrom(traceFlags, isRemote) {
	let flags = traceFlags & 255 | internal_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK;
	if (isRemote) flags |= internal_SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK;
	return flags;
}
function sdkSpanToOtlpSpan(span, encoder) {
	const ctx = span.spanContext();
	const status = span.status;
	const parentSpanId = span.parentSpanContext?.spanId ? encoder.encodeSpanContext(span.parentSpanContext?.spanId) : void 0;
	return {
		traceId: encoder.encodeSpanContext(ctx.traceId),
		spanId: encoder.encodeSpanContext(ctx.spanId),
		parentSpanId,
		traceState: ctx.traceState?.serialize(),
		name: span.name,
		kind: span.kind == null ? 0 : span.kind + 1,
		startTimeUnixNano: encoder.encodeHrTime(span.startTime),
		endTimeUnixNano: encoder.encodeHrTime(span.endTime),
		attributes: toAttributes(span.attributes, encoder),
		droppedAttributesCount: span.droppedAttributesCount,
		events: span.events.map((event) => toOtlpSpanEvent(event, encoder)),
		droppedEventsCount: span.droppedEventsCount,
		status: {
			code: status.code,
			message: status.message
		},
		links: span.links.map((link) => toOtlpLink(link, encoder)),
		droppedLinksCount: span.droppedLinksCount,
		flags: buildSpanFlagsFrom(ctx.traceFlags, span.parentSpanContext?.isRemote)
	};
}
function toOtlpLink(link, encoder) {
	return {
		attributes: link.attributes ? toAttributes(link.attributes, encoder) : [],
		spanId: encoder.encodeSpanContext(link.context.spanId),
		traceId: encoder.encodeSpanContext(link.context.traceId),
		traceState: link.context.traceState?.serialize(),
		droppedAttributesCount: link.droppedAttributesCount || 0,
		flags: buildSpanFlagsFrom(link.context.traceFlags, link.context.isRemote)
	};
}
function toOtlpSpanEvent(timedEvent, encoder) {
	return {
		attributes: timedEvent.attributes ? toAttributes(timedEvent.attributes, encoder) : [],
		name: timedEvent.name,
		timeUnixNano: encoder.encodeHrTime(timedEvent.time),
		droppedAttributesCount: timedEvent.droppedAttributesCount || 0
	};
}
function createExportTraceServiceRequest(spans, encoder) {
	return { resourceSpans: spanRecordsToResourceSpans(spans, encoder) };
}
function trace_internal_createResourceMap(readableSpans) {
	const resourceMap = /* @__PURE__ */ new Map();
	for (const record of readableSpans) {
		let ilsMap = resourceMap.get(record.resource);
		if (!ilsMap) {
			ilsMap = /* @__PURE__ */ new Map();
			resourceMap.set(record.resource, ilsMap);
		}
		const instrumentationScopeKey = `${record.instrumentationScope.name}@${record.instrumentationScope.version || ""}:${record.instrumentationScope.schemaUrl || ""}`;
		let records = ilsMap.get(instrumentationScopeKey);
		if (!records) {
			records = [];
			ilsMap.set(instrumentationScopeKey, records);
		}
		records.push(record);
	}
	return resourceMap;
}
function spanRecordsToResourceSpans(readableSpans, encoder) {
	const resourceMap = trace_internal_createResourceMap(readableSpans);
	const out = [];
	const entryIterator = resourceMap.entries();
	let entry = entryIterator.next();
	while (!entry.done) {
		const [resource, ilmMap] = entry.value;
		const scopeResourceSpans = [];
		const ilmIterator = ilmMap.values();
		let ilmEntry = ilmIterator.next();
		while (!ilmEntry.done) {
			const scopeSpans = ilmEntry.value;
			if (scopeSpans.length > 0) {
				const spans = scopeSpans.map((readableSpan) => sdkSpanToOtlpSpan(readableSpan, encoder));
				scopeResourceSpans.push({
					scope: createInstrumentationScope(scopeSpans[0].instrumentationScope, encoder),
					spans,
					schemaUrl: scopeSpans[0].instrumentationScope.schemaUrl
				});
			}
			ilmEntry = ilmIterator.next();
		}
		const processedResource = createResource(resource, encoder);
		const transformedSpans = {
			resource: processedResource,
			scopeSpans: scopeResourceSpans,
			schemaUrl: processedResource.schemaUrl
		};
		out.push(transformedSpans);
		entry = entryIterator.next();
	}
	return out;
}
//#endregion


//# sourceMappingURL=internal.mjs.map
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/trace/json/trace.mjs



//#region src/trace/json/trace.ts
const JsonTraceSerializer = {
	serializeRequest: (arg) => {
		const request = createExportTraceServiceRequest(arg, JSON_ENCODER);
		return new TextEncoder().encode(JSON.stringify(request));
	},
	deserializeResponse: (arg) => {
		if (arg.length === 0) return {};
		const decoder = new TextDecoder();
		try {
			return JSON.parse(decoder.decode(arg));
		} catch (err) {
			diag_api_diag.warn(`Failed to parse trace export response: ${err.message}. Returning empty response`);
			return {};
		}
	}
};
//#endregion


//# sourceMappingURL=trace.mjs.map
;// CONCATENATED MODULE: ./src/encode/spans.ts









/**
 * One span per event, a trace of its own: named for the program and subcommand that ran (`git
 * status`; see programOf), starting at the event's time and lasting its recorded filter time,
 * which is the only duration tokf stores. A non-zero exit code is status ERROR.
 */
function encodeSpanRequests(events, resource, protocol, maxBytes) {
    const res = resourceFromAttributes(resource);
    return encodeFitting(events, maxBytes, 'spans', (part) => {
        const spans = part.map((e) => toSpan(e, res));
        if (protocol === 'http/protobuf')
            return required(ProtobufTraceSerializer.serializeRequest(spans));
        return int64AsStrings(required(JsonTraceSerializer.serializeRequest(spans)));
    });
}
/**
 * Trace and span id of an event, from what the row holds (its origin, else its id; time, command,
 * filter) and nothing of where the database lies: the same row sent again is the same span, from a
 * merged copy too.
 */
function spanIdsOf(e) {
    const identity = JSON.stringify([e.origin ?? e.id, e.timestamp, e.command, e.filterName]);
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256').update(`tokf.invocation\n${identity}`).digest('hex');
    return { traceId: hash.slice(0, 32), spanId: hash.slice(32, 48) };
}
function toSpan(e, resource) {
    const { traceId, spanId } = spanIdsOf(e);
    const failed = e.exitCode !== null && e.exitCode !== 0;
    const startTime = eventTime(e);
    const endTime = eventTime(e, e.filterTimeMs);
    return {
        name: programOf(e.command),
        kind: SpanKind.INTERNAL,
        spanContext: () => ({ traceId, spanId, traceFlags: TraceFlags.SAMPLED }),
        startTime,
        endTime,
        duration: [Math.floor(e.filterTimeMs / 1000), (e.filterTimeMs % 1000) * 1_000_000],
        status: failed
            ? { code: SpanStatusCode.ERROR, message: `exit code ${e.exitCode}` }
            : { code: SpanStatusCode.UNSET },
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
        this.path = (0,external_node_path_namespaceObject.join)(dir, fileName);
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
                (0,external_node_fs_namespaceObject.writeSync)(fd, line.body);
                (0,external_node_fs_namespaceObject.writeSync)(fd, NEWLINE);
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
            (0,external_node_fs_namespaceObject.closeSync)(fd);
        }
    }
    open() {
        (0,external_node_fs_namespaceObject.mkdirSync)(this.dir, { recursive: true });
        this.fd = (0,external_node_fs_namespaceObject.openSync)(this.path, 'w');
        return this.fd;
    }
}
/** fsync, where the file can be synced: a pipe or a device (`/dev/stdout`) cannot, and need not. */
function flush(fd) {
    try {
        (0,external_node_fs_namespaceObject.fsyncSync)(fd);
    }
    catch (err) {
        const code = err.code;
        if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EROFS')
            throw err;
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
        const { size, mtimeMs } = (0,external_node_fs_namespaceObject.statSync)(file);
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
            transaction_inWriteTransaction(this.db, what, () => {
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
    const page = db.prepare(sql);
    // SQLite integers can exceed what a JS number holds, and node:sqlite then refuses the whole
    // page. Such a page is read again as BigInt and clamped, so an odd row cannot stop the scan;
    // ordinary pages keep the faster number path.
    const bigPage = db.prepare(sql);
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
                    const event = toEvent(row, from);
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
function toEvent(row, coverFrom) {
    const timestamp = typeof row.timestamp === 'string' ? row.timestamp : '';
    const project = toText(row.project);
    return {
        ...(project !== null && project !== '' && { project }),
        ...(row.pipe_override != null && { pipeOverride: toInteger(row.pipe_override) === 1 }),
        ...(row.pipeline_exit_code != null && {
            pipelineExitCode: toInteger(row.pipeline_exit_code),
        }),
        id: Number(row.id),
        timestamp,
        epochSeconds: parseEventTime(timestamp),
        command: toText(row.command) ?? '',
        filterName: toText(row.filter_name),
        inputTokens: toCount(row.input_tokens_est),
        outputTokens: toCount(row.output_tokens_est),
        filterTimeMs: toCount(row.filter_time_ms),
        exitCode: row.exit_code == null ? null : toInteger(row.exit_code),
        coverFrom,
    };
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
    const { recorder, notices, allFile: file, stats } = parts;
    const firstId = events[0]?.id;
    if (file === undefined) {
        stats.tooOldUnsent += events.length;
        notices.error({ kind: how.unsent, count: events.length, firstId, message: said });
        return undefined;
    }
    try {
        recorder.setAside(events.map((e) => e.id), { reason: `${how.reason}; kept in ${file}`, status: how.status, file });
    }
    catch (err) {
        return `${said}; recording that failed: ${messageOf(err)}`;
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
            const requests = job.requests;
            for (let i = 0; i < requests.length; i += 1) {
                if (this.stopped)
                    return;
                const request = requests[i];
                this.wholeAck = false;
                if ((await this.deliver(request)) === 'stop')
                    return;
                // What follows assumed this request's totals: encoded again from what was recorded.
                if (!this.wholeAck)
                    speculation.lost(requests, i);
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
                message: `not sent: recording the request in flight failed: ${messageOf(err)}`,
            };
        }
        const outcome = await this.parts.exporter.send(request.body, this.parts.speculation.wire(request));
        if (outcome.kind !== 'acknowledged') {
            try {
                recorder.unacknowledged(request.events, outcome.mayHaveLanded !== true);
            }
            catch (err) {
                this.failed('record-failed', request.events, messageOf(err));
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
            this.failed('record-failed', request.events, messageOf(err));
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
            this.failed('record-failed', events, `${reason}; recording the refusal failed: ${messageOf(err)}`);
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
        const { recorder, notices, allFile } = this.parts;
        const failure = keepInFile({ recorder, notices, allFile, stats: this.stats }, events, said, how);
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

;// CONCATENATED MODULE: ./src/engine/speculation.ts

/** What an encoded body becomes once its compressed form is ready (see compress). */
const RELEASED = new Uint8Array(0);
/**
 * The work done ahead of sending, in one place: each batch is encoded (and its compression
 * started) as soon as it is read, while earlier ones are still being sent. Cumulative points then
 * continue the totals of the requests encoded before them, as if those will all be acknowledged
 * whole; when one is not (split, refused, too old), what was encoded after it is encoded again
 * from the totals acknowledged (`lost`). Acknowledgements come down here (`acknowledged`) and go
 * on to the encoder's ledger; nothing here climbs back into the pass.
 */
class Speculation {
    parts;
    /** Cumulative: the totals of requests encoded ahead of their acknowledgement. */
    projected = new Map();
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
    /** Encodes a batch ahead of its turn and starts compressing it; queued until `started`. */
    ahead(batch) {
        const requests = this.encodeAhead(batch);
        this.parts.encoded(requests);
        this.compress(requests);
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
    /** Told of each request once its acknowledgement is recorded: its totals are the series' now. */
    acknowledged(request) {
        this.parts.encoder.acknowledged(request);
    }
    /**
     * `requests[index]` was not acknowledged as encoded: the requests encoded after it assumed it
     * was, so they (the rest of its batch, and every batch queued) are encoded again. Nothing to do
     * where encodings never depend on earlier requests (delta).
     */
    lost(requests, index) {
        if (!this.parts.encoder.cumulative)
            return;
        this.projected.clear();
        const rest = requests.slice(index + 1).flatMap((r) => r.events);
        if (rest.length > 0)
            requests.splice(index + 1, Infinity, ...this.reencode(rest));
        for (const later of this.queued)
            later.requests = this.reencode(later.batch);
    }
    /** Nothing more is sent: nothing more is compressed. */
    stop() {
        this.stopped = true;
    }
    /**
     * Cumulative points continue from the totals of the requests encoded before, acknowledged or
     * not; `lost` encodes again what follows a request that was not acknowledged whole.
     */
    encodeAhead(events) {
        const { encoder } = this.parts;
        if (encoder.ledger === undefined)
            return encoder.encode(events);
        const requests = encoder.encodeOver(events, overlay(encoder.ledger, this.projected));
        for (const r of requests)
            for (const [key, totals] of r.totals ?? [])
                this.projected.set(key, totals);
        return requests;
    }
    /** Encoded again after a speculation was lost: counted once already, as first encoded. */
    reencode(events) {
        const requests = this.encodeAhead(events);
        this.compress(requests);
        return requests;
    }
    compress(requests) {
        // Once sending stopped, no job waits on these: compressing them would only hold their bodies.
        if (this.stopped)
            return;
        for (const r of requests) {
            const wire = this.parts.wireBody(r.body).then((body) => {
                // Only the wire body is sent from here on (a split re-encodes from the events): the
                // encoded one, ten times larger, need not wait in the queue with it.
                if (body !== r.body)
                    r.body = RELEASED;
                return body;
            });
            wire.catch(() => { });
            this.wires.set(r, wire);
        }
    }
}

;// CONCATENATED MODULE: ./src/progress/sql.ts
// Small SQL helpers of the merge and lineage code, over a database that may have others attached.
function sql_count(db, sql) {
    return Number(db.prepare(sql).get()?.n ?? 0);
}
function sql_tableExists(db, schema, name) {
    return (db
        .prepare(`SELECT 1 FROM ${schema}.sqlite_schema WHERE type = 'table' AND name = ?`)
        .get(name) !== undefined);
}
function sql_columnExists(db, schema, column) {
    return (db
        .prepare(`SELECT 1 FROM pragma_table_info('events', '${schema}') WHERE name = ?`)
        .get(column) !== undefined);
}
function sql_quoteName(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
function sql_sqlText(value) {
    return `'${value.replace(/'/g, "''")}'`;
}
/** The first id after every id the table has used (AUTOINCREMENT never reuses one). */
function sql_nextId(db) {
    const max = Number(db.prepare('SELECT coalesce(max(id), 0) AS n FROM main.events').get()?.n ?? 0);
    const seq = sql_tableExists(db, 'main', 'sqlite_sequence')
        ? Number(db
            .prepare("SELECT coalesce(max(seq), 0) AS n FROM main.sqlite_sequence WHERE name = 'events'")
            .get()?.n ?? 0)
        : 0;
    return Math.max(max, seq) + 1;
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
const lineage_ORIGINS_TABLE = 'telemetry_sync_origins';
/** The cache entries whose events a database holds, so that a later merge can skip them. */
const lineage_LINEAGE_TABLE = 'telemetry_sync_lineage';
const lineage_CREATE_ORIGINS = (/* unused pure expression or super */ null && (`CREATE TABLE IF NOT EXISTS ${lineage_ORIGINS_TABLE} (
  first_id INTEGER PRIMARY KEY,
  origin TEXT,
  origin_first INTEGER
)`));
const lineage_CREATE_LINEAGE = (/* unused pure expression or super */ null && (`CREATE TABLE IF NOT EXISTS ${lineage_LINEAGE_TABLE} (
  entry_key TEXT PRIMARY KEY
)`));
/**
 * Marks the rows this copy is about to record as its own (`origin`, from `fromId` on), so that a
 * later merge tells them from another copy's rows with the same ids.
 */
function stampOwnRows(path, origin, fromId) {
    const db = openDatabase(path, false);
    try {
        inWriteTransaction(db, 'record where new events come from', () => {
            db.exec(lineage_CREATE_ORIGINS);
            db.prepare(`INSERT OR REPLACE INTO ${lineage_ORIGINS_TABLE} (first_id, origin, origin_first) VALUES (?, ?, ?)`).run(fromId, origin, fromId);
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
        if (!sql_tableExists(db, 'main', lineage_ORIGINS_TABLE))
            return new RowOrigins([]);
        const rows = db
            .prepare(`SELECT first_id, origin, origin_first FROM ${lineage_ORIGINS_TABLE} ORDER BY first_id`)
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
    const db = openDatabase(path, true);
    try {
        readEventsSchema(db, path);
        return nextId(db);
    }
    finally {
        db.close();
    }
}
/** The cache entries a database holds the events of (see LINEAGE_TABLE). */
function readLineage(path) {
    const db = openDatabase(path, true);
    try {
        if (!tableExists(db, 'main', lineage_LINEAGE_TABLE))
            return [];
        return db
            .prepare(`SELECT entry_key FROM ${lineage_LINEAGE_TABLE} ORDER BY entry_key`)
            .all()
            .map((r) => String(r.entry_key));
    }
    finally {
        db.close();
    }
}
/** Replaces the lineage: entries that no longer exist need not be remembered. */
function writeLineage(path, keys) {
    const db = openDatabase(path, false);
    try {
        inWriteTransaction(db, 'record the cache entries merged', () => {
            db.exec(lineage_CREATE_LINEAGE);
            db.exec(`DELETE FROM ${lineage_LINEAGE_TABLE}`);
            const insert = db.prepare(`INSERT OR IGNORE INTO ${lineage_LINEAGE_TABLE} (entry_key) VALUES (?)`);
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
 * Turns a tokf database's events into requests for their signal. Cumulative metrics continue each
 * series from its totals: those acknowledged (`encode`), or any ledger given (`encodeOver`, which
 * Speculation uses to encode ahead of acknowledgements).
 */
class TokfEncoder {
    config;
    signal;
    db;
    now;
    ledger;
    /** Traces: where each row was first recorded, read when the first span is encoded. */
    origins;
    constructor(config, signal, db, now, 
    /** Cumulative: the series' totals acknowledged so far; undefined for delta. */
    ledger) {
        this.config = config;
        this.signal = signal;
        this.db = db;
        this.now = now;
        this.ledger = ledger;
    }
    get cumulative() {
        return this.ledger !== undefined;
    }
    /** Cumulative points continue from the totals acknowledged so far. */
    encode(events) {
        return this.encodeOver(events, this.ledger);
    }
    /** An acknowledged request's totals are its series' from now on. */
    acknowledged(request) {
        if (this.ledger === undefined || request.totals === undefined)
            return;
        for (const [key, totals] of request.totals)
            this.ledger.set(key, totals);
    }
    /** Cumulative points continue from `ledger` (undefined: delta). */
    encodeOver(events, ledger) {
        const { resource, protocol, maxRequestBytes } = this.config;
        if (this.signal !== 'metrics') {
            const named = this.signal === 'traces' ? this.withOrigins(events) : events;
            return encodeSignalRequests(this.signal, named, resource, protocol, maxRequestBytes, this.now());
        }
        const encoding = ledger === undefined
            ? { temporality: 'delta' }
            : { temporality: 'cumulative', ledger };
        return encodeRequests(events, resource, protocol, maxRequestBytes, encoding);
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
/** Tallies tokens saved per command and filter, for the report. */
class SavingsTally {
    label;
    rows = new Map();
    /** `label` names a command in the rows: the whole command line by default. */
    constructor(label = (c) => c) {
        this.label = label;
    }
    add(e) {
        let command = this.label(e.command);
        let key = `${e.filterName ?? ''}\u0000${command}`;
        let filter = e.filterName;
        if (!this.rows.has(key) && this.rows.size >= MAX_KEYS) {
            key = '\u0001other';
            command = OTHER_COMMANDS;
            filter = null;
        }
        let row = this.rows.get(key);
        if (row === undefined) {
            row = { command, filter, events: 0, tokensSaved: 0 };
            this.rows.set(key, row);
        }
        row.events += 1;
        row.tokensSaved += Math.max(0, e.inputTokens - e.outputTokens);
    }
    /** The rows that saved most, largest first. */
    top(n) {
        return [...this.rows.values()]
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
    constructor(depth = PIPELINE_DEPTH) {
        this.depth = depth;
    }
    async push(job) {
        this.tail = this.tail.then(job);
        // Errors are drain's to report; here a failed job only frees its place.
        this.waiting.push(this.tail.catch(() => { }));
        if (this.waiting.length >= this.depth)
            await this.waiting.shift();
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
    return {
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
async function letNewestSecondEnd(db, now, sleep = promises_namespaceObject.setTimeout) {
    let newest;
    try {
        const row = db.prepare('SELECT timestamp FROM events ORDER BY id DESC LIMIT 1').get();
        newest = parseEventTime(typeof row?.timestamp === 'string' ? row.timestamp : '');
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


















/** Skipped events recorded per write transaction. */
const SKIPPED_PER_WRITE = 2000;
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
    notices = new Notices();
    observed;
    recorder;
    /** Unreadable rows met while sending: set aside, as they can never be replayed. */
    unreadableIds = [];
    /** Events left out by `builtins: skip`, waiting to be recorded as done. */
    skipped = [];
    encoder;
    ageLimits;
    /** For the progress display: about how many events the run selects (see estimateTotal). */
    total;
    /** Events the endpoint may hold unrecorded, and set-aside ones looked at again. */
    held;
    constructor(config, harness, stores, 
    /** Whether this run sends and records (not a dry run, not a file-only export). */
    sending) {
        this.config = config;
        this.harness = harness;
        this.stores = stores;
        this.sending = sending;
        const { deps } = harness;
        this.observed = new Observed(Math.floor(deps.now() / 1000));
        const { db, progress, deadLetters, lock, series, signal } = stores;
        if (sending)
            this.recorder = new ProgressRecorder(db, progress, deadLetters, lock, deps.now, series, stores.inFlight);
        if (sending)
            stores.inFlight.load();
        // Cumulative totals continue from what the database records as acknowledged.
        const ledger = sending && config.temporality === 'cumulative' ? series.load() : undefined;
        this.encoder = new TokfEncoder(config, signal, db, deps.now, ledger);
        this.held = new HeldEvents(stores.inFlight, deadLetters, this.encoder.cumulative);
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
        const files = this.openFiles();
        const { openmetricsOut } = this.config;
        const backfill = openmetricsOut === undefined
            ? undefined
            : new OpenMetricsWriter(openmetricsOut, this.config.resource);
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
                // Interrupted: the batches read so far are settled; nothing more is read.
                if (harness.interrupted || this.lockLost())
                    break;
                this.observed.batch(batch);
                files?.all.write(batch);
                backfill?.write(batch);
                const fresh = this.ageLimits.fresh(batch, files?.all.path);
                // Without a sender, the requests are encoded only to report what would be sent.
                if (delivery === undefined) {
                    this.observed.encoded(this.encoder.encode(fresh));
                    this.reportProgress(undefined);
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
                this.notices.error({ kind: 'unexpected', count: 0, message: messageOf(failure) });
            delivery?.finish();
            this.recordSkipped();
            for (const file of [files?.all, files?.refused])
                this.closeFile(file);
            this.stampFile(files?.all);
            this.closeBackfill(backfill);
            exporter?.close();
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
        const failure = databaseFailure(err, this.config.dbPath, 'read the pending events', this.stores.db);
        const kind = failure instanceof DatabaseDamagedError ? 'database-damaged' : 'read-failed';
        this.notices.error({ kind, count: 0, message: messageOf(failure) });
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
    /**
     * Beside the events this run set aside into its file, the file as it was written, so that
     * `status` can tell whether it still holds them. A file that could not be written is not stamped.
     */
    stampFile(file) {
        if (this.recorder === undefined || file === undefined || file.lines === 0)
            return;
        if (this.saidFailed(file.path))
            return;
        try {
            this.recorder.fileWritten(file.path);
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
    closeFile(file) {
        try {
            file?.close();
        }
        catch (err) {
            if (this.saidFailed(file?.path))
                return;
            this.noteFailure(err);
        }
    }
    /** The backfill is written whole at the end; a failure there must not undo what was sent. */
    closeBackfill(backfill) {
        try {
            backfill?.close();
        }
        catch (err) {
            if (this.saidFailed(backfill?.path))
                return;
            this.notices.error({
                kind: 'file-failed',
                count: backfill?.events ?? 0,
                message: messageOf(err),
                ...(backfill && { file: backfill.path }),
            });
        }
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
                onSkipped: (e) => this.skip(e),
            }),
            hold: unfinishedSeconds(this.deps.now()),
        }, this.observed.selection);
    }
    /**
     * A skipped event is recorded as done where the run records (not a dry run or a file export),
     * so that it is not pending: in writes of SKIPPED_PER_WRITE, whatever lies between them.
     */
    skip(e) {
        if (this.recorder === undefined)
            return;
        this.skipped.push({ id: e.id, coverFrom: e.coverFrom });
        if (this.skipped.length >= SKIPPED_PER_WRITE)
            this.recordSkipped();
    }
    recordSkipped() {
        const events = this.skipped;
        if (this.recorder === undefined || events.length === 0)
            return;
        this.skipped = [];
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
                message: messageOf(err),
            });
        }
    }
    /** A redirect followed: a note of the run, so that every hop can be seen. */
    redirected(line) {
        this.notices.warning({ kind: 'redirected', count: 1, message: line });
        this.deps.log(line);
    }
    setAside(ids, reason, file) {
        if (this.recorder === undefined || ids.length === 0)
            return;
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
                message: messageOf(err),
            });
        }
    }
    openFiles() {
        const dir = this.config.otlpJsonOut;
        if (dir === undefined)
            return undefined;
        const { resource } = this.config;
        const { signal } = this.stores;
        const { now } = this.harness.deps;
        return {
            // Replaced by the first batch written: a run with nothing to send leaves an earlier run's file.
            all: new OtlpJsonLinesWriter(dir, resource, `${signal}.jsonl`, signal, now),
            refused: new OtlpJsonLinesWriter(dir, resource, `rejected-${signal}.jsonl`, signal, now),
        };
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
    /** Pending and set-aside events of the whole database after the run. */
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
    countAfter() {
        const { progress, deadLetters } = this.stores;
        try {
            const setAside = deadLetters.count();
            return { pending: Math.max(0, progress.countPending() - setAside), setAside };
        }
        catch (err) {
            // Counting reads the whole table; in a damaged file that may fail after the run did its work.
            const failure = databaseFailure(err, this.config.dbPath, 'count the pending events', this.stores.db);
            this.notices.error({ kind: 'count-failed', count: 0, message: messageOf(failure) });
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
    return {
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
        const series = new series_store_SeriesStore(db);
        const runs = signals.map((s) => ({
            ...s,
            stores: signalStores(db, schema, s.signal, lock, series),
        }));
        const harness = new RunHarness(deps, sending ? lock : undefined);
        const passAll = async () => {
            const results = [];
            for (const run of runs) {
                // Interrupted: the signals not begun stay pending.
                if (results.length > 0 && (harness.interrupted || harness.lockLost !== undefined))
                    break;
                const pass = new TokfPass(run.config, harness, run.stores, sending);
                results.push({ signal: run.signal, result: await pass.run(deps.now()) });
            }
            return throwIfDamaged(mergeSignalResults(results, deps.now() - started));
        };
        if (!sending)
            return await passAll();
        // Before anything is sent: that progress can be recorded, and that no other sync is running.
        for (const { stores, config: c } of runs) {
            stores.progress.prepareForWriting();
            stores.deadLetters.prepareForWriting(c.endpoint?.secrets);
            stores.inFlight.prepareForWriting();
        }
        if (config.temporality === 'cumulative' && config.signals.includes('metrics'))
            series.prepareForWriting();
        return await harness.hold(passAll, (result) => logRun(db, result, started, deps));
    }
    catch (err) {
        // Only before anything is sent: busy, damaged and a full disk each say so (see databaseFailure).
        throw databaseFailure(err, config.dbPath, 'prepare it for recording', db);
    }
    finally {
        db.close();
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
    const deadLetters = new dead_letters_DeadLetters(db, dead_letters_rejectedTable(signal));
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
/** Leaves a line in the run log for `telemetry-sync status`; the run's outcome stands if it fails. */
function logRun(db, result, started, deps) {
    try {
        recordRun(db, {
            startedMs: started,
            finishedMs: deps.now(),
            status: result.status,
            endpoint: result.endpoint,
            selected: result.selected,
            delivered: result.delivered,
            setAside: result.selectedSetAside,
            pending: result.pending,
        });
    }
    catch (err) {
        deps.log(`could not record the run for telemetry-sync status: ${messageOf(err)}`);
    }
}
/** An output directory must be usable before the database is touched or anything sent. */
function prepareOutputDir(dir, flag) {
    try {
        makeDirectory(dir);
        (0,external_node_fs_namespaceObject.accessSync)(dir, external_node_fs_namespaceObject.constants.W_OK);
    }
    catch (err) {
        throw new UsageError(`${flag}: cannot write to ${dir} (${messageOf(err)})`);
    }
}

;// CONCATENATED MODULE: ./src/progress/progress-status.ts






/**
 * Counts with the store's own plan of where pending events may be (id gaps between delivered
 * ranges, or the synced column's condition): one `count(*)` per id interval, so that the table is
 * read once in all (a 1M-event database in about 0.2 s), and the set-aside events in the gaps
 * subtracted. The first and last pending events are found from either end of the gaps.
 */
function countProgress(db, store, 
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
    const hasRejected = run_log_tableExists(db, rejectedTable);
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
function setAsideGroups(db, rejectedTable = REJECTED_TABLE) {
    if (!run_log_tableExists(db, rejectedTable))
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
function lastDeliveredAt(db, store) {
    if (!store.hasRecords())
        return undefined;
    const sql = store.mode === 'ranges'
        ? `SELECT max(delivered_at) AS at FROM ${RANGES_TABLE}`
        : `SELECT max(${events_schema_SYNCED_COLUMN}) AS at FROM events`;
    const at = db.prepare(sql).get()?.at;
    return at == null ? undefined : String(at);
}

;// CONCATENATED MODULE: ./src/progress/signal-store.ts


/**
 * Whether a signal's progress lives in tokf's `events.synced_to_otel_at` column: metrics, in a
 * database that has the column. Every other signal, and metrics in every released tokf's
 * database, keep acknowledged ranges in a table of their own (rangesTable).
 */
function signal_store_progressInColumn(signal, hasSyncedColumn) {
    return signal === 'metrics' && hasSyncedColumn;
}
/** The store of a signal's progress in a database, by the rule of progressInColumn. */
function signal_store_progressStoreFor(db, signal, hasSyncedColumn) {
    return signal_store_progressInColumn(signal, hasSyncedColumn)
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
    const db = database_openDatabase(dbPath, true);
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
    const schema = events_schema_readEventsSchema(db, dbPath);
    const store = signal_store_progressStoreFor(db, 'metrics', schema.hasSyncedColumn);
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
    const signals = vocabulary_SIGNALS.filter((s) => s !== 'metrics' && (run_log_tableExists(db, ranges_store_rangesTable(s)) || run_log_tableExists(db, dead_letters_rejectedTable(s))));
    return signals.map((signal) => {
        const store = signal_store_progressStoreFor(db, signal, hasSyncedColumn);
        const counts = countProgress(db, store, dead_letters_rejectedTable(signal));
        const setAside = setAsideGroups(db, dead_letters_rejectedTable(signal)).reduce((n, g) => n + g.count, 0);
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
        now = (0,external_node_fs_namespaceObject.statSync)(file.path);
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

;// CONCATENATED MODULE: ./src/progress/fingerprint.ts







/**
 * What the database holds, as far as a replay is concerned: the events (count and highest id; tokf
 * only appends) and our progress (delivered ranges or the synced column, and the rejected events).
 * A sync's bookkeeping that leaves no trace (the lock) does not change it, where the file's bytes
 * would: this is what "unchanged since it was restored" compares.
 */
function databaseFingerprint(path) {
    const db = openDatabase(path, true);
    try {
        const schema = readEventsSchema(db, path);
        const hash = createHash('sha256');
        const add = (sql) => {
            for (const row of db.prepare(sql).all())
                hash.update(JSON.stringify(Object.values(row)));
        };
        add('SELECT count(*), max(id) FROM events');
        if (schema.hasSyncedColumn)
            add(`SELECT count(${SYNCED_COLUMN}), max(${SYNCED_COLUMN}) FROM events`);
        const tables = new Set(db
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
            .all()
            .map((r) => String(r.name)));
        // Every signal's progress counts: a sync of logs alone changes the database too.
        for (const signal of SIGNALS) {
            const ranges = rangesTable(signal);
            if (tables.has(ranges))
                add(`SELECT first_id, last_id FROM ${ranges} ORDER BY first_id`);
            const rejected = rejectedTable(signal);
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
function progress_conditions_deliveredAs(db, schema, signal, hasSyncedColumn, idExpr) {
    if (progressInColumn(signal, hasSyncedColumn)) {
        return `coalesce((SELECT x.${SYNCED_COLUMN} IS NOT NULL FROM ${schema}.events x WHERE x.id = ${idExpr}), 0)`;
    }
    const ranges = rangesTable(signal);
    return tableExists(db, schema, ranges) ? progress_conditions_inRanges(schema, ranges, idExpr) : '0';
}
/** An SQL condition: `idExpr` lies in one of the acknowledged ranges of `schema.table`. */
function progress_conditions_inRanges(schema, table, idExpr) {
    return `coalesce((SELECT d.last_id >= ${idExpr} FROM ${schema}.${table} d
                     WHERE d.first_id <= ${idExpr} ORDER BY d.first_id DESC LIMIT 1), 0)`;
}
/**
 * An SQL condition: event `idExpr` of `schema` is pending as `signal`, neither acknowledged nor
 * set aside as that signal.
 */
function progress_conditions_pendingAs(db, schema, signal, synced, idExpr) {
    const delivered = progress_conditions_deliveredAs(db, schema, signal, synced, idExpr);
    const table = rejectedTable(signal);
    const setAside = tableExists(db, schema, table)
        ? `OR EXISTS (SELECT 1 FROM ${schema}.${table} r WHERE r.event_id = ${idExpr})`
        : '';
    return `NOT (${delivered} ${setAside})`;
}
/** An SQL condition: event `idExpr` is pending as at least one of `signals`. */
function progress_conditions_pendingAsAny(db, schema, signals, synced, idExpr) {
    return `(${signals.map((s) => progress_conditions_pendingAs(db, schema, s, synced, idExpr)).join(' OR ')})`;
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
    const db = openDatabase(targetPath, false);
    try {
        const target = readEventsSchema(db, targetPath);
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
                .filter((c) => c !== 'id' && c !== SYNCED_COLUMN && sourceColumns.has(c))
                .sort();
            registerDigest(db);
            let outcome;
            inWriteTransaction(db, 'merge another copy of the database', () => {
                outcome = mergeInto(db, {
                    shared,
                    targetSynced: target.hasSyncedColumn,
                    sourceSynced: sourceColumns.has(SYNCED_COLUMN),
                    sourceKey: options.sourceKey,
                    signals: options.signals ?? ['metrics'],
                    stamp: tokfTimestamp(options.now ?? new Date()),
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
    const alreadyHeld = count(db, 'SELECT count(*) AS n FROM temp.ts_map');
    const store = progressStoreFor(db, 'metrics', plan.targetSynced);
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
    for (const signal of SIGNALS)
        if (signal !== 'metrics')
            mergeSignal(db, signal, plan.targetSynced, at);
    const seriesTaken = mergeSeries(db);
    mergeLineage(db, plan.sourceKey);
    // Left pending by the source as a signal this run sends, and still pending as that signal.
    const stillOwed = plan.signals
        .map((signal) => `(${pendingAs(db, 'src', signal, plan.sourceSynced, 'm.source_id')}
          AND ${pendingAs(db, 'main', signal, plan.targetSynced, 'm.target_id')})`)
        .join(' OR ');
    const pendingFromSource = count(db, `SELECT count(*) AS n FROM temp.ts_map m WHERE ${stillOwed}`);
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
    const syncedTarget = plan.targetSynced ? [quoteName(SYNCED_COLUMN)] : [];
    const syncedValue = plan.targetSynced
        ? [
            `CASE WHEN ? = 1 THEN ${plan.sourceSynced ? `coalesce(${quoteName(SYNCED_COLUMN)}, ?)` : '?'} ELSE NULL END`,
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
    const table = rejectedTable(signal);
    if (!tableExists(db, 'src', table))
        return 0;
    new DeadLetters(db, table).prepareForWriting();
    const before = count(db, `SELECT count(*) AS n FROM main.${table}`);
    db.exec(`INSERT OR IGNORE INTO main.${table} (event_id, reason, status, rejected_at)
           SELECT m.target_id, r.reason, r.status, r.rejected_at
             FROM src.${table} r JOIN temp.ts_map m ON m.source_id = r.event_id`);
    // A copy that delivered an event (a run with --retry-rejected) wins over one that set it aside.
    const synced = columnExists(db, 'main', SYNCED_COLUMN);
    const delivered = deliveredAs(db, 'main', signal, synced, 'event_id');
    db.exec(`DELETE FROM main.${table} WHERE ${delivered}`);
    return Math.max(0, count(db, `SELECT count(*) AS n FROM main.${table}`) - before);
}
/**
 * The progress of a signal besides metrics (always in ranges tables of its own): delivered if
 * either copy acknowledged the event as that signal, set aside if either set it aside and neither
 * delivered it.
 */
function mergeSignal(db, signal, targetSynced, at) {
    const ranges = rangesTable(signal);
    if (tableExists(db, 'src', ranges)) {
        const ids = db
            .prepare(`SELECT m.target_id AS id FROM temp.ts_map m
          WHERE ${inRanges('src', ranges, 'm.source_id')} ORDER BY m.target_id`)
            .all()
            .map((r) => Number(r.id));
        const store = progressStoreFor(db, signal, targetSynced);
        store.prepareForWriting();
        store.markDelivered(rangesOfIds(ids), at);
    }
    mergeRejected(db, signal);
}
/** Each series takes the state of the copy that acknowledged its latest point. */
function mergeSeries(db) {
    if (!tableExists(db, 'src', SERIES_TABLE))
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
    if (tableExists(db, 'src', LINEAGE_TABLE)) {
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
    const hasOrigins = tableExists(db, schema, ORIGINS_TABLE);
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
                   ${synced ? `e.${SYNCED_COLUMN} IS NOT NULL` : deliveredAs(db, schema, 'metrics', false, 'e.id')} AS delivered
              FROM ${schema}.events e ${segment})`);
    db.exec(`CREATE INDEX temp.${table}_ident ON ${table}(ident)`);
}
function registerDigest(db) {
    db.function('ts_digest', { deterministic: true }, (text) => createHash('sha256')
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
    const db = openDatabase(path, true);
    try {
        const schema = readEventsSchema(db, path);
        return count(db, `SELECT count(*) AS n FROM events e WHERE e.id <= ${Math.floor(lastId)}
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
    const db = openDatabase(path, false);
    try {
        const schema = readEventsSchema(db, path);
        const marked = new Set();
        const plan = signals.map((signal) => {
            const ids = db
                .prepare(`SELECT e.id AS id FROM events e
            WHERE ${pendingAs(db, 'main', signal, schema.hasSyncedColumn, 'e.id')} ORDER BY e.id`)
                .all()
                .map((r) => Number(r.id));
            for (const id of ids)
                marked.add(id);
            const store = progressStoreFor(db, signal, schema.hasSyncedColumn);
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
            isDirectory = (0,external_node_fs_namespaceObject.statSync)(path).isDirectory();
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
    const names = (0,external_node_fs_namespaceObject.readdirSync)(dir, { withFileTypes: true })
        .filter((entry) => entry.isFile() && JSONL.test(entry.name))
        .map((entry) => entry.name);
    return orderRotated(names).map((name) => (0,external_node_path_namespaceObject.join)(dir, name));
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
    const root = (0,external_node_path_namespaceObject.resolve)(dir);
    let isDirectory;
    try {
        isDirectory = (0,external_node_fs_namespaceObject.statSync)(root).isDirectory();
    }
    catch {
        throw new UsageError(`${dir}: no such directory (gridctl writes its telemetry under ~/.gridctl/telemetry/<stack>/<server>/ when persistence is on)`);
    }
    if (!isDirectory)
        throw new UsageError(`${dir}: not a directory (--gridctl takes a directory)`);
    const files = [];
    if (signalFiles(root).length > 0)
        files.push(...serverFiles(root, (0,external_node_path_namespaceObject.basename)((0,external_node_path_namespaceObject.dirname)(root))));
    else if (subdirectories(root).some((s) => signalFiles(s).length > 0)) {
        for (const server of subdirectories(root))
            files.push(...serverFiles(server, (0,external_node_path_namespaceObject.basename)(root)));
    }
    else {
        for (const stack of subdirectories(root))
            for (const server of subdirectories(stack))
                files.push(...serverFiles(server, (0,external_node_path_namespaceObject.basename)(stack)));
    }
    const chosen = files.filter((f) => signals.includes(f.signal));
    if (chosen.length === 0)
        throw new UsageError(`${dir}: no gridctl telemetry files in it (<stack>/<server>/logs.jsonl, metrics.jsonl, traces.jsonl or their rotated siblings)`);
    return chosen;
}
function subdirectories(dir) {
    return (0,external_node_fs_namespaceObject.readdirSync)(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort(byCodePoint)
        .map((name) => (0,external_node_path_namespaceObject.join)(dir, name));
}
function signalFiles(dir) {
    return (0,external_node_fs_namespaceObject.readdirSync)(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && signalOfName(e.name) !== undefined)
        .map((e) => e.name);
}
function serverFiles(dir, stack) {
    const server = (0,external_node_path_namespaceObject.basename)(dir);
    return orderRotated(signalFiles(dir))
        .map((name) => ({ name, signal: signalOfName(name) }))
        .sort((a, b) => GRIDCTL_SIGNALS.indexOf(a.signal) - GRIDCTL_SIGNALS.indexOf(b.signal))
        .map(({ name, signal }) => ({
        path: (0,external_node_path_namespaceObject.join)(dir, name),
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
    return instrument.cost ? ValueType.DOUBLE : ValueType.INT;
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
        this.path = (0,external_node_path_namespaceObject.join)(dir, OPENMETRICS_FILE);
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
        (0,external_node_fs_namespaceObject.mkdirSync)(this.dir, { recursive: true });
        const tmp = `${this.path}.tmp`;
        (0,external_node_fs_namespaceObject.writeFileSync)(tmp, parts.join(''));
        (0,external_node_fs_namespaceObject.renameSync)(tmp, this.path);
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
    const aggregationTemporality = temporality === 'cumulative' ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA;
    const placeAttributes = { [STACK_KEY]: place.stack, [SERVER_KEY]: place.server };
    const metrics = [...byInstrument].map(([instrument, list]) => ({
        descriptor: {
            name: instrument.name,
            description: instrument.description,
            unit: instrument.unit,
            valueType: valueTypeOf(instrument),
        },
        aggregationTemporality,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: list.map((p) => ({
            startTime: hrTimeOf(p.startNs),
            endTime: hrTimeOf(p.timeNs),
            attributes: { ...placeAttributes, ...p.attributes },
            value: instrument.cost ? p.value / MICRO : p.value,
        })),
    }));
    const request = {
        resource: resourceFromAttributes(gridctlResource(place)),
        scopeMetrics: [{ scope: GRIDCTL_SCOPE, metrics }],
    };
    return {
        json: Buffer.from(int64AsStrings(required(JsonMetricsSerializer.serializeRequest(request)))),
        protobuf: () => required(ProtobufMetricsSerializer.serializeRequest(request)),
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
        ...(line.msg !== undefined && { body: slog_line_toAnyValue(line.msg) }),
        attributes,
        droppedAttributesCount: dropped,
        resource: resourceFromAttributes(gridctlResource(place)),
        instrumentationScope: GRIDCTL_SCOPE,
        // A span id means nothing without its trace; a trace id alone leaves the span id empty.
        // gridctl does not write trace flags.
        ...(traceId !== undefined && {
            spanContext: { traceId, spanId: spanId ?? '', traceFlags: 0 },
        }),
    };
    const body = Buffer.from(int64AsStrings(required(JsonLogsSerializer.serializeRequest([record]))));
    return {
        kind: 'otlp',
        signal: 'logs',
        data: JSON.parse(body.toString('utf8')),
        body,
        protobuf: () => required(ProtobufLogsSerializer.serializeRequest([record])),
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
    into[key] = slog_line_toAnyValue(value);
    return 0;
}
/** A JSON value as an attribute value: whole numbers as integers, arrays kept as arrays. */
function slog_line_toAnyValue(value) {
    if (Array.isArray(value))
        return value.map((v) => slog_line_toAnyValue(v));
    if (value !== null && typeof value === 'object') {
        const out = {};
        for (const [k, v] of Object.entries(value))
            out[k] = slog_line_toAnyValue(v);
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
                (0,external_node_fs_namespaceObject.mkdirSync)((0,external_node_path_namespaceObject.dirname)(this.path), { recursive: true });
                this.ready = true;
            }
            (0,external_node_fs_namespaceObject.appendFileSync)(this.path, `${JSON.stringify(rejected)}\n`);
        });
    }
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
class JsonlState {
    db;
    constructor(db) {
        this.db = db;
    }
    /** Opens (and creates, unless read-only) the state database. Read-only and absent: empty. */
    static open(path, readOnly) {
        if (readOnly && !(0,external_node_fs_namespaceObject.existsSync)(path))
            return new JsonlState(undefined);
        try {
            if (!readOnly)
                (0,external_node_fs_namespaceObject.mkdirSync)((0,external_node_path_namespaceObject.dirname)(path), { recursive: true });
            const db = new external_node_sqlite_namespaceObject.DatabaseSync(path, { readOnly });
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
            return new JsonlState(db);
        }
        catch (err) {
            throw new DatabaseError(`cannot open the replay state ${path}: ${messageOf(err)}`);
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
            throw new DatabaseError('the replay state is open read-only');
        if (files.length === 0)
            return;
        const when = progress_store_tokfTimestamp(at);
        transaction_inWriteTransaction(db, 'record the files met', () => {
            const mark = db.prepare(`UPDATE ${TABLE} SET seen_at = ?,
           path = CASE WHEN dev = ? AND ino = ? THEN ? ELSE path END
         WHERE first_line_sha256 = ?`);
            for (const { id, path } of files)
                mark.run(when, id.dev, id.ino, (0,external_node_path_namespaceObject.resolve)(path), id.firstLine);
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
            throw new DatabaseError('the replay state is open read-only');
        const now = progress_store_tokfTimestamp(at);
        const cutoff = progress_store_tokfTimestamp(new Date(at.getTime() - FORGET_AFTER_MS));
        let forgotten = 0;
        transaction_inWriteTransaction(db, 'prune the replay state', () => {
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
    /** A line source's state as last recorded (see CREATE_SOURCE_TABLE); undefined if none. */
    sourceState(key) {
        if (this.db === undefined)
            return undefined;
        const table = this.db
            .prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'replay_source_state'`)
            .get();
        if (table === undefined)
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
            throw new DatabaseError('the replay state is open read-only');
        transaction_inWriteTransaction(db, 'record replay progress', () => {
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
            (0,external_node_path_namespaceObject.resolve)(path), progress_store_tokfTimestamp(at), progress_store_tokfTimestamp(at));
        });
    }
    close() {
        this.db?.close();
    }
    hasTable() {
        return (this.db
            ?.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`)
            .get(TABLE) !== undefined);
    }
}
/**
 * Whether the file at `path` is still the one of the row. Only an answer that it is not there
 * (or is another file) lets the row go: an unreadable directory keeps it.
 */
function stillAt(path, dev, ino) {
    try {
        const info = (0,external_node_fs_namespaceObject.statSync)(path, { bigint: true });
        return info.dev.toString() === dev && info.ino.toString() === ino;
    }
    catch (err) {
        const code = err.code;
        return code !== 'ENOENT' && code !== 'ENOTDIR';
    }
}

;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: ./src/jsonl/file-stream.ts



/**
 * A file's content as a stream of chunks, from byte `from` of a plain file; a .gz file is
 * decompressed from its start (gzip cannot be entered midway; the caller skips what it has), its
 * members one after another, as gzip tools append them.
 */
function openChunks(path, gzip, from = 0) {
    if (!gzip)
        return (0,external_node_fs_namespaceObject.createReadStream)(path, { start: from });
    const gunzip = (0,external_node_zlib_namespaceObject.createGunzip)();
    // Errors of either stream reach the reader through the gunzip stream it iterates.
    (0,external_node_stream_namespaceObject.pipeline)((0,external_node_fs_namespaceObject.createReadStream)(path), gunzip, () => { });
    return gunzip;
}

;// CONCATENATED MODULE: external "node:fs/promises"
const external_node_fs_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: ./src/jsonl/identity.ts



/**
 * The file's identity, or undefined while it has no complete first line: nothing to send yet (a
 * plain file's unterminated last line may still be being written). For a .gz file an
 * unterminated first line counts, gzip files being written whole. The first line is hashed as it
 * streams by, never held.
 */
async function fileIdentity(path, gzip) {
    const info = await (0,external_node_fs_promises_namespaceObject.stat)(path, { bigint: true });
    const hash = (0,external_node_crypto_namespaceObject.createHash)('sha256');
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
    report.error = messageOf(err);
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
    const state = JsonlState.open(config.statePath, !sending);
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
    const exporters = new Map();
    const totals = emptyResult(config);
    const harness = new RunHarness(deps, lock);
    try {
        await harness.hold(async () => {
            const exporter = (signal, protocol) => {
                const key = `${signal} ${protocol}`;
                let found = exporters.get(key);
                if (found === undefined) {
                    found = harness.exporter({
                        endpoint: config.endpoints[signal],
                        protocol,
                        compression: config.compression,
                        timeoutMs: config.timeoutMs,
                        retryBudgetMs: config.retryBudgetMs,
                        otlpSignal: signal,
                        onRedirect: deps.log,
                    });
                    exporters.set(key, found);
                }
                return found;
            };
            const ctx = {
                state,
                rejects: sending ? new RejectsFile(config.rejectsPath) : undefined,
                window: windowOf(config.since, config.until),
                ...(config.gridctl?.maxAgeMs !== undefined && {
                    horizonNs: BigInt(deps.now() - config.gridctl.maxAgeMs) * 1000000n,
                }),
                send: sending
                    ? (signal, body, protocol) => exporter(signal, protocol).send(body)
                    : undefined,
                madeProtocol: config.gridctl?.protocol ?? 'http/json',
                canSend: (signal) => !sending || config.endpoints[signal] !== undefined,
                breaker: harness.breaker(config.maxConsecutiveFailures),
                totals,
                now: deps.now,
                log: deps.log,
                // The lock's own timer shows it lives; each record checks it is still this run's.
                guard: lock === undefined ? undefined : (at) => lock.refresh(at),
                halted: () => harness.halted(),
                met: [],
            };
            await sendFiles(ctx, files, sending, harness);
        });
    }
    finally {
        closeBackfill(backfill, totals);
        for (const e of exporters.values())
            e.close();
        state.close();
    }
    return finish(totals, deps.now() - started);
}
/** Every file in order, then (unless the lock was taken over) which files were met. */
async function sendFiles(ctx, files, sending, harness) {
    const { totals, state } = ctx;
    for (const file of files)
        if (!(await sendFile(ctx, file)))
            break;
    totals.interrupted = harness.interrupted;
    // Taken over: the state is the other replay's to write now.
    if (!sending || harness.lockLost !== undefined)
        return;
    const at = new Date(ctx.now());
    state.seen(ctx.met, at);
    // After a stop, the files not reached were not met: their rows must not look abandoned.
    if (totals.stopped === null) {
        const forgotten = state.prune(at);
        if (forgotten > 0)
            ctx.log(`forgot ${plural(forgotten, 'file')} no run has met for ${FORGET_AFTER_DAYS} days, no longer at the path recorded`);
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
    const seen = new Set([(0,external_node_path_namespaceObject.resolve)(config.rejectsPath)]);
    return found.filter((file) => {
        const path = (0,external_node_path_namespaceObject.resolve)(file.path);
        if (seen.has(path))
            return false;
        seen.add(path);
        return true;
    });
}
/** The backfill is written whole at the end; a failure there must not undo what was sent. */
function closeBackfill(backfill, totals) {
    if (backfill === undefined)
        return;
    try {
        backfill.close();
        if (backfill.samples > 0)
            totals.backfill = { path: backfill.path, samples: backfill.samples };
    }
    catch (err) {
        totals.warnings.push(`could not write the OpenMetrics backfill ${backfill.path}: ${messageOf(err)}`);
    }
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
    return { ...result, status, exitCode: trouble && !result.dryRun ? 1 : 0, durationMs };
}

;// CONCATENATED MODULE: ./src/engine/index.ts
/**
 * The engine as its entry points see it: the CLI and the action import this module and nothing
 * else below the config, so that how a replay reads, encodes, sends and records stays free to
 * change behind it.
 */













;// CONCATENATED MODULE: ./src/report/replay-summary.ts

/** Problems listed in the summary; the rest are in the rejects file and the JSON result. */
const LISTED = 20;
/** The replay's result for a person, on stderr. */
function formatReplaySummary(r) {
    const lines = [];
    const where = Object.entries(r.endpoints)
        .map(([signal, url]) => (r.signals[signal] > 0 ? url : undefined))
        .filter((u) => u !== undefined);
    const files = plural(r.files.length, 'file');
    const perSignal = Object.entries(r.signals)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
    const sent = `${plural(r.sentLines, 'line')}${perSignal === '' ? '' : ` (${perSignal})`}`;
    lines.push(r.dryRun
        ? `dry run: ${sent} of ${files} would be sent; nothing sent or recorded`
        : `replayed ${files}: ${sent} delivered${where.length === 0 ? '' : ` to ${where.join(', ')}`} in ${plural(r.requests, 'request')}`);
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

;// CONCATENATED MODULE: ./src/cli/help-format.ts
/**
 * Where an option's text starts, and how wide the help is, for `sync --help` and `replay --help`:
 * the layout of the hand-written help they replaced, which terminals of 100 columns show unbroken.
 */
const COLUMN = 30;
const WIDTH = 100;
/** A flag and its text; a flag too long for the column gets a line of its own. */
function help_format_option(label, text) {
    const indent = ' '.repeat(COLUMN);
    const lines = wrap(text, WIDTH - COLUMN).map((line) => indent + line);
    const head = `  ${label}`;
    if (head.length + 2 > COLUMN)
        return [head, ...lines];
    return [head.padEnd(COLUMN) + lines[0].trimStart(), ...lines.slice(1)];
}
function wrap(text, width) {
    const lines = [];
    let line = '';
    for (const word of text.split(' ')) {
        if (line !== '' && line.length + 1 + word.length > width) {
            lines.push(line);
            line = word;
        }
        else {
            line = line === '' ? word : `${line} ${word}`;
        }
    }
    return [...lines, line];
}

;// CONCATENATED MODULE: ./src/cli/replay-help.ts





const INTRO = `Usage: telemetry-sync replay PATH... [options]
       telemetry-sync replay --gridctl [DIR...] [options]

Sends files of OTLP JSON Lines (one MetricsData, LogsData or TracesData object per line, plain or
.gz) to an OTLP/HTTP endpoint, each line as it is (application/json) to its signal's path
(v1/metrics, v1/logs, v1/traces), and records per file the byte offset up to which lines were
acknowledged, so that the next run sends only what was appended since. A directory takes its
*.jsonl and *.jsonl.gz files, rotated siblings (name-<time>.jsonl) oldest first, name.jsonl last.

With --gridctl, each DIR (~/.gridctl/telemetry when none is given, or one stack's or one
server's directory) is gridctl's telemetry: per <stack>/<server>/, logs.jsonl (slog JSON lines,
sent as log records), metrics.jsonl (snapshot lines, sent as sums: --temporality, --backend,
--max-age and --openmetrics-out apply) and traces.jsonl (OTLP, sent as they are), with the same
progress. telemetry-sync status --gridctl [DIR...] says what is pending.
`;
const OUTRO = `Bad lines (not JSON, not OTLP, over 16 MiB) and lines the endpoint refuses (400, 413, 422) go
to the rejects file with file, line number and reason, and the run goes on past them. Lines over
1 MiB are cut by resource, scope and record into requests of at most 1 MiB. --since and --until
keep the records inside the window by their own times and count the others as done. A plain
file's last line without a newline waits for a later run. Any other failure stops the run at the
last acknowledged line. The state forgets a file no run has met for ${FORGET_AFTER_DAYS} days, unless
it is still at its path.

Exit codes: 0 every line read was delivered (or dry run); 1 lines were set aside, a file could not
be read, or delivery failed (the rest waits for the next run); 2 bad usage, nothing sent.
`;
/** \`telemetry-sync replay --help\`. */
function replayHelp() {
    const lines = REPLAY_SPECS.flatMap(([key, spec]) => {
        const shown = REPLAY_DEFAULTS[key] ?? shownDefault(spec);
        const help = REPLAY_HELP[key] ?? spec.help;
        const text = help + (shown === undefined ? '' : ` (default ${shown})`);
        return help_format_option(flagUsage(spec), text);
    });
    lines.push(...help_format_option('--json', 'print the result as one JSON object on stdout'));
    lines.push(...help_format_option('-h, --help', 'this help'));
    return `${INTRO}\nOptions\n${lines.join('\n')}\n\n${OUTRO}`;
}

;// CONCATENATED MODULE: ./src/version.ts
/** Kept equal to package.json's version by a test. */
const version_VERSION = '0.1.0';
const USER_AGENT = `telemetry-sync/${version_VERSION}`;

;// CONCATENATED MODULE: ./src/cli/interrupt.ts
/** The exit code of a run interrupted by Ctrl-C (SIGINT) or SIGTERM, as shells give it: 128 + 2. */
const INTERRUPTED_EXIT_CODE = 130;
const interrupt_SIGNALS = ['SIGINT', 'SIGTERM'];
/**
 * Ctrl-C and SIGTERM for a run that records as it goes: the first aborts the returned signal (the
 * engine sends nothing more, lets the request in flight finish within its timeout, records what
 * was acknowledged and returns its result); a second exits at once, which loses nothing recorded
 * since each acknowledgement is recorded in its own transaction. `dispose` removes the handlers.
 */
function interruptOnSignals(options) {
    const controller = new AbortController();
    const onSignal = (signal) => {
        const name = signal === 'SIGINT' ? 'Ctrl-C' : signal;
        if (controller.signal.aborted) {
            options.beforeExit();
            options.stderr.write(`\ntelemetry-sync: ${signal} again: exiting now\n`);
            process.exit(INTERRUPTED_EXIT_CODE);
        }
        controller.abort();
        options.note(`${name}: stopping; the request in flight may finish (within --timeout), then the summary (${name} again to exit at once)`);
    };
    for (const s of interrupt_SIGNALS)
        process.on(s, onSignal);
    return {
        signal: controller.signal,
        dispose: () => {
            for (const s of interrupt_SIGNALS)
                process.off(s, onSignal);
        },
    };
}

;// CONCATENATED MODULE: ./src/cli/progress-line.ts

const PREFIX = 'telemetry-sync: ';
/** Below this many events done, a rate and an ETA would mostly be noise. */
const MIN_EVENTS_FOR_RATE = 1;
/** Erase the line the cursor is on and go back to its start. */
const CLEAR_LINE = '\r\x1b[2K';
/**
 * Renders a run's progress on stderr, for a person watching: on a terminal one line updated in
 * place (events done of about how many, events per second, time left, or the wait before a retry
 * and why), elsewhere a plain line every few seconds, so that a CI log shows the run is alive
 * without filling up, and one line per retry (no periodic line until events move again). Log lines of the run are written above the terminal's line.
 */
class ProgressLine {
    stream;
    now;
    redrawMs;
    plainEveryMs;
    started;
    events;
    /** The wait before a retry, until the next events progress. */
    retry;
    shown = '';
    lastDraw = 0;
    lastPlain;
    timer;
    done = false;
    periodic;
    constructor(stream, options = {}) {
        this.stream = stream;
        this.now = options.now ?? Date.now;
        this.redrawMs = options.redrawMs ?? 200;
        this.plainEveryMs = options.plainEveryMs ?? 5000;
        this.started = this.now();
        this.lastPlain = this.started;
        this.periodic = options.periodic ?? true;
        if (options.timers !== false && (this.periodic || this.tty)) {
            this.timer = setInterval(() => this.tick(), this.tty ? 1000 : this.plainEveryMs);
            // The display never keeps the process alive.
            this.timer.unref();
        }
    }
    get tty() {
        return this.stream.isTTY === true;
    }
    /** The engine's progress callback. */
    update(p) {
        if (this.done)
            return;
        if (p.kind === 'events') {
            if (this.events !== undefined && p.done > this.events.done)
                this.retry = undefined;
            this.events = p;
            if (this.tty && this.now() - this.lastDraw >= this.redrawMs)
                this.draw();
            return;
        }
        this.retry = { until: this.now() + p.waitMs, reason: p.reason, attempts: p.attempts };
        // A wait is news: shown at once, also in a log, since it may be long.
        if (this.tty)
            this.draw();
        else
            this.plain();
    }
    /** A line of the run's log, written above the progress line. */
    log(line) {
        if (this.tty && this.shown !== '') {
            this.stream.write(`${CLEAR_LINE}${PREFIX}${line}\n`);
            this.shown = '';
            this.draw();
            return;
        }
        this.stream.write(`${PREFIX}${line}\n`);
    }
    /** A line that is not the run's progress (Ctrl-C's notice), written the same way. */
    note(line) {
        this.log(line);
    }
    /** Called by the timer: a terminal's countdown moves on; elsewhere, the periodic line. */
    tick() {
        if (this.done)
            return;
        if (this.tty) {
            if (this.events !== undefined || this.retry !== undefined)
                this.draw();
            return;
        }
        // A retry's wait was announced in its own line, with its length: the periodic line would
        // repeat that countdown ("retrying in 25 s", "in 20 s", ...) until events move again.
        if (this.retry !== undefined || !this.periodic)
            return;
        if (this.now() - this.lastPlain >= this.plainEveryMs)
            this.plain();
    }
    /** Clears the terminal's line before the summary; nothing more is drawn. */
    finish() {
        if (this.timer !== undefined)
            clearInterval(this.timer);
        if (this.done)
            return;
        this.done = true;
        if (this.tty && this.shown !== '')
            this.stream.write(CLEAR_LINE);
        this.shown = '';
    }
    /** The progress in words, without the prefix. */
    describe() {
        const now = this.now();
        const parts = [];
        const e = this.events;
        if (e === undefined) {
            if (this.periodic || this.retry === undefined)
                parts.push('starting');
        }
        else {
            const verb = e.sending ? 'sent' : 'written';
            parts.push(e.total === undefined || e.total === 0
                ? `${words_count(e.done)} events ${verb}`
                : `${words_count(e.done)} of ${words_count(e.total)} events ${verb} (${Math.floor((100 * e.done) / e.total)}%)`);
            const seconds = (now - this.started) / 1000;
            if (e.done >= MIN_EVENTS_FOR_RATE && seconds > 0) {
                const rate = e.done / seconds;
                parts.push(`${words_count(Math.round(rate))} events/s`);
                if (e.total !== undefined && e.total > e.done && rate > 0 && this.retry === undefined)
                    parts.push(`about ${duration(((e.total - e.done) / rate) * 1000)} left`);
            }
        }
        if (this.retry !== undefined) {
            const left = Math.max(0, this.retry.until - now);
            parts.push(left > 0
                ? `retrying in ${duration(Math.ceil(left / 1000) * 1000)}: ${this.retry.reason}`
                : `retrying: ${this.retry.reason}`);
        }
        return parts.join(', ');
    }
    draw() {
        const text = `${PREFIX}${this.describe()}`;
        this.lastDraw = this.now();
        if (text === this.shown)
            return;
        this.stream.write(`${CLEAR_LINE}${text}`);
        this.shown = text;
    }
    plain() {
        this.lastPlain = this.now();
        this.stream.write(`${PREFIX}${this.describe()}\n`);
    }
}

;// CONCATENATED MODULE: ./src/cli/run-command.ts



/**
 * A command that sends, as every one runs (`sync`, `replay`): a progress line on stderr (unless
 * quiet) with the waits between retries, the run's log lines above it, Ctrl-C and SIGTERM (the
 * first stops the run: no new request, the one in flight finishes within its timeout, what was
 * acknowledged is recorded, the summary is printed and the exit code is 130; a second exits at
 * once, losing nothing recorded, since each acknowledgement is recorded in its own transaction),
 * then the summary (and the JSON result). Returns the exit code.
 */
async function runCommand(options, run, report) {
    const stderr = options.stderr ?? process.stderr;
    const stdout = options.stdout ?? process.stdout;
    const display = options.quiet
        ? undefined
        : new ProgressLine(stderr, { periodic: options.periodic });
    const interrupt = interruptOnSignals({
        note: (line) => {
            if (display !== undefined)
                display.note(line);
            else
                stderr.write(`telemetry-sync: ${line}\n`);
        },
        beforeExit: () => display?.finish(),
        stderr,
    });
    let result;
    try {
        result = await run({
            now: Date.now,
            log: (line) => {
                if (display !== undefined)
                    display.log(line);
            },
            userAgent: USER_AGENT,
            signal: interrupt.signal,
            ...(display !== undefined && { progress: (p) => display.update(p) }),
        });
    }
    finally {
        display?.finish();
        interrupt.dispose();
    }
    stderr.write(report.summary(result));
    if (options.json)
        stdout.write(`${JSON.stringify(result)}\n`);
    return result.interrupted ? INTERRUPTED_EXIT_CODE : report.exitCode(result);
}

;// CONCATENATED MODULE: ./src/cli/replay-main.ts





/**
 * `telemetry-sync replay`: exit 0 all delivered, 1 something set aside or unsent, 130 interrupted.
 * Usage, database and busy errors are thrown to main, so that they are reported (with --json, on
 * stdout too) and exit as those of `sync` do. It runs as `sync` runs (see runCommand): Ctrl-C and
 * SIGTERM stop it the same way, and a wait before a retry is shown as `sync` shows it.
 */
async function runReplayCommand(command) {
    if (command.kind === 'replay-help') {
        process.stdout.write(replayHelp());
        return 0;
    }
    const config = buildJsonlConfig(command.settings, command.paths, process.env, Date.now());
    return await runCommand({ json: command.json, quiet: false, periodic: false }, (deps) => runReplayFiles(config, deps), { summary: formatReplaySummary, exitCode: (result) => result.exitCode });
}

;// CONCATENATED MODULE: ./src/cli/help.ts



const MAIN_HELP = `telemetry-sync: replay tokf's tracking database to an OpenTelemetry OTLP/HTTP endpoint

Usage:
  telemetry-sync sync [options]     deliver pending events (see: telemetry-sync sync --help)
  telemetry-sync status [--db PATH] [--json]
                                    what is pending, delivered and set aside, the last sync, and
                                    whether one is running; reads the database only, sends nothing
  telemetry-sync status --gridctl [DIR...] [--state FILE] [--json]
                                    what a replay of gridctl's telemetry would send, per server
  telemetry-sync replay PATH... [options]
                                    send files of OTLP JSON Lines, each line once (see:
                                    telemetry-sync replay --help)
  telemetry-sync --help | --version

Exit codes: 0 all selected events delivered (or dry run / file export); 1 some could not be
delivered (they stay pending or were set aside as rejected), or another sync holds the database;
2 bad usage or unreadable database, nothing changed.
`;
const STATUS_HELP = `Usage: telemetry-sync status [--db PATH] [--json]
       telemetry-sync status --gridctl [DIR...] [--state FILE] [--json]

Where a tokf tracking database stands: the pending events (how many, the first and last), the
delivered ones, those set aside (too old, refused by an endpoint) by reason, the last sync (when,
what it did) and whether a sync holds the database now. The database is opened read-only: a
read-only file will do, nothing is sent or changed.

  --db PATH                   tracking database (default: tokf's own rules, as for sync)
  --gridctl                   instead: what \`replay --gridctl DIR...\` would send (DIR as there,
                              default ~/.gridctl/telemetry), per server and signal, from the
                              replay state (--state, as for replay); sends and changes nothing
  --json                      print the status as one JSON object on stdout
  -h, --help                  this help

Exit codes: 0 the status was read; 2 bad usage or unreadable database.
`;
const help_INTRO = `Usage: telemetry-sync sync [options]

Replays every pending event of a tokf tracking database as OTLP metrics with its original
timestamp, in id order, and records what the endpoint acknowledged so the next run sends the rest.
`;
const help_OUTRO = `tokf's own rules for the database: $TOKF_DB_PATH, else $TOKF_HOME/tracking.db, else
$XDG_DATA_HOME/tokf/tracking.db or ~/.local/share/tokf/tracking.db (on macOS
~/Library/Application Support/tokf/tracking.db).

Refused data: a request an endpoint refuses as bad (400, 413, 422) is split in halves until the
refused events are found; those are set aside as rejected (with the reason) and the rest are
delivered. A refusal for age ("out of bounds", "too old", "out of order") is not bad data: the
endpoint's horizon is searched in a few single-event probes, older events stay in the
--otlp-json-out file and are set aside (without one they stay pending), newer ones are sent.
Any other failure stops the run: nothing later overtakes it. One sync at a time per database: a
second one waits up to 10 s, then refuses.

Flags beat environment variables. Exit codes: 0 all selected events delivered (or dry run / file
export); 1 some could not be delivered (they stay pending or were set aside as rejected), or
another sync holds the database; 2 bad usage or unreadable database, nothing changed; 130
interrupted (Ctrl-C): what was acknowledged is recorded, the rest stays pending.
`;
const SYNC_HELP = syncHelp();
/** The options part is made from the settings table, so that it lists every flag as it is. */
function syncHelp() {
    const options = [
        ...SETTING_KEYS.map((key) => {
            const spec = specOf(key);
            return { doc: spec, label: flagUsage(spec), text: spec.help + notes(spec) };
        }),
        ...CLI_FLAGS.map((doc) => ({
            doc,
            label: doc.short === undefined ? flagUsage(doc) : `-${doc.short}, ${flagUsage(doc)}`,
            text: doc.help,
        })),
    ];
    const sections = SECTIONS.map((section) => {
        const lines = options
            .filter(({ doc }) => doc.section === section)
            .flatMap(({ label, text }) => help_format_option(label, text));
        return `${section}\n${lines.join('\n')}\n`;
    });
    return [help_INTRO, ...sections, help_OUTRO].join('\n');
}
function notes(spec) {
    const shown = shownDefault(spec);
    const parts = [
        ...(shown === undefined ? [] : [`default ${shown}`]),
        ...(spec.env.length === 0 ? [] : [`env: ${spec.env.join(', ')}`]),
    ];
    return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

;// CONCATENATED MODULE: ./src/report/status-text.ts

/** Set-aside reasons shown one per line; the rest are summed up. */
const REASON_LINES = 5;
/** `telemetry-sync status` for a person: what is pending, done, set aside, and who syncs now. */
function formatStatusText(s, now) {
    const lines = [`telemetry-sync status of ${s.database}`];
    const p = s.pending;
    lines.push(`  pending    ${plural(p.count, 'event')}` +
        (p.firstEventTime === null
            ? ''
            : p.count === 1
                ? ` at ${p.firstEventTime} (id ${p.firstId})`
                : `, ${p.firstEventTime} .. ${p.lastEventTime} (ids ${p.firstId} .. ${p.lastId})`));
    lines.push(`  delivered  ${plural(s.delivered, 'event')} of ${words_count(s.events)}`);
    lines.push(`  set aside  ${setAsideLine(s)}`);
    for (const g of s.setAside.byReason.slice(0, REASON_LINES)) {
        const status = g.status === null || g.reason.includes(`HTTP ${g.status}`) ? '' : `HTTP ${g.status}: `;
        lines.push(`             ${words_count(g.count)}  ${status}${g.reason} (last ${g.lastAt})${fileNote(g.file)}`);
    }
    const shown = s.setAside.byReason.slice(0, REASON_LINES).reduce((n, g) => n + g.count, 0);
    if (shown < s.setAside.count) {
        lines.push(`             ${words_count(s.setAside.count - shown)}  for other reasons (see --json)`);
    }
    // Logs and traces, where a run has sent them: the lines above are metrics'.
    for (const g of s.signals.filter((g) => g.signal !== 'metrics')) {
        const aside = g.setAside === 0 ? '' : `, ${words_count(g.setAside)} set aside`;
        lines.push(`  ${g.signal.padEnd(9)}  ${words_count(g.delivered)} delivered, ${words_count(g.pending)} pending${aside}`);
    }
    lines.push(`  last sync  ${lastSyncLine(s)}`);
    lines.push(`  lock       ${lockLine(s, now)}`);
    lines.push(`  progress   ${progressText(s.progress)}`);
    return `${lines.join('\n')}\n`;
}
function setAsideLine(s) {
    const a = s.setAside;
    if (a.count === 0)
        return 'none';
    const parts = [
        ...(a.tooOld - a.tooOldNotInFile > 0
            ? [`${words_count(a.tooOld - a.tooOldNotInFile)} too old (in an OTLP/JSON file only)`]
            : []),
        ...(a.tooOldNotInFile > 0
            ? [`${words_count(a.tooOldNotInFile)} too old, no longer in the file they were written to`]
            : []),
        ...(a.refused > 0 ? [`${words_count(a.refused)} refused by the endpoint`] : []),
        ...(a.unreadable > 0 ? [`${words_count(a.unreadable)} with a timestamp that is not a time`] : []),
    ];
    const retry = a.refused + a.unreadable > 0 ? '; --retry-rejected sends them again' : '';
    return `${plural(a.count, 'event')}: ${parts.join(', ')}${retry}`;
}
/** Whether the file a run wrote them to still holds them, checked now. */
function fileNote(file) {
    if (file === null)
        return '';
    const again = `; to export them again: telemetry-sync sync --retry-rejected --otlp-json-out DIR`;
    switch (file.state) {
        case 'there':
            return `; ${file.path} is as the run of ${file.writtenAt} wrote it`;
        case 'changed':
            return `; but ${file.path} was rewritten since the run of ${file.writtenAt} wrote them there (a later run replaces it), so it may no longer hold them${again}`;
        case 'gone':
            return `; but ${file.path}, written by the run of ${file.writtenAt}, is no longer there${again}`;
        case 'unknown':
            return `; whether ${file.path} still holds them is not known (set aside by an earlier version)`;
    }
}
function lastSyncLine(s) {
    const run = s.lastSync;
    if (run === null) {
        return s.lastDeliveredAt === null
            ? 'none recorded'
            : `none recorded; events last marked delivered at ${s.lastDeliveredAt}`;
    }
    const to = run.endpoint === null ? '' : ` to ${run.endpoint}`;
    const aside = run.setAside > 0 ? `, ${words_count(run.setAside)} set aside` : '';
    const left = run.pending < 0 ? '' : `, ${words_count(run.pending)} left pending`;
    return (`${run.finishedAt} (${run.status}): ${plural(run.delivered, 'event')} of ` +
        `${words_count(run.selected)} selected delivered${to}${aside}${left}`);
}
function lockLine(s, now) {
    const l = s.lock;
    if (l === null)
        return 'free: no sync is running';
    const who = `pid ${l.pid} on ${l.host}, since ${l.since}`;
    if (!l.alive) {
        return `left by a sync that is gone (${who}); the next sync takes it over`;
    }
    const heartbeat = Math.max(0, Math.round((now - Date.parse(l.heartbeatAt)) / 1000));
    return `held by a running sync (${who}, last sign of life ${plural(heartbeat, 'second')} ago)`;
}
function progressText(mode) {
    switch (mode) {
        case 'column':
            return 'in events.synced_to_otel_at';
        case 'ranges':
            return 'in the table telemetry_sync_delivered';
        case 'none':
            return 'none recorded yet';
    }
}

;// CONCATENATED MODULE: ./src/cli/database-path.ts


/**
 * Where the database path came from, in words: `--db`, one of tokf's variables, or tokf's own
 * default location. A person who finds no database there needs to know which of these to change.
 */
function databasePathOrigin(given, env) {
    if (given !== undefined && given !== '')
        return 'given by --db';
    if (env.TOKF_DB_PATH)
        return 'from TOKF_DB_PATH';
    if (env.TOKF_HOME)
        return 'from TOKF_HOME';
    return "tokf's default location";
}
/**
 * Refuses a database path with no file, saying what to do: a `status` or `sync` before tokf ever
 * ran (or with the wrong path) is the usual cause, and the engine's own "no database at" says only
 * the first half. Checked before the engine runs, so nothing is opened or created.
 */
function requireDatabase(path, origin) {
    if ((0,external_node_fs_namespaceObject.existsSync)(path))
        return;
    const todo = origin === 'given by --db'
        ? 'check the path given to --db, or run a command through tokf first (such as `tokf run git status`) so that it records one'
        : 'pass --db PATH to the tracking.db to read, or run a command through tokf first (such as `tokf run git status`) so that it records one there';
    throw new DatabaseError(`no database at ${path} (${origin}): ${todo}`);
}

;// CONCATENATED MODULE: ./src/report/notices.ts


/** A notice in a person's words, as the CLI, the job summary and annotations show it. */
function describeNotice(n) {
    return n.signal === undefined ? describe(n) : `${n.signal}: ${describe(n)}`;
}
function describe(n) {
    const events = plural(n.count, 'event');
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
            return `the endpoint accepted a request but rejected ${plural(n.count, rejectedThing(n.signal))} of it${said}`;
        case 'too-old':
            return n.file !== undefined
                ? `${events} older than max-age ${were} not sent, only written to ${n.file}`
                : `${events} older than max-age ${were} not sent and stay pending; give an OTLP/JSON output directory to export them`;
        case 'unreadable-time':
            return `${plural(n.count, 'pending event')} ${one ? 'has' : 'have'} a timestamp that is not a time OTLP can carry (1970-01-01 to 2262-04-11, UTC) and cannot be replayed${n.setAside ? `; ${one ? 'it was' : 'they were'} set aside as rejected` : ''}`;
        case 'skipped-rejected':
            return `${events} set aside as rejected by earlier runs ${were} skipped (--retry-rejected sends them again)`;
        case 'clock-future':
            return `${events} ${are} stamped more than ${FUTURE_TOLERANCE_S / 60} minutes in the future${from}; the clock of the machine that recorded them may be wrong`;
        case 'redirected':
            return `${plural(n.count, 'request')} followed a redirect${said}; give the final URL as the endpoint to save the extra round trip`;
        case 'clock-backwards':
            return `${events} ${are} stamped earlier than an event recorded before them${from}; the recording clock went backwards`;
    }
}
/** What partial_success counts for each signal. */
function rejectedThing(signal) {
    return signal === 'logs' ? 'log record' : signal === 'traces' ? 'span' : 'data point';
}

;// CONCATENATED MODULE: ./src/report/text-summary.ts


/** The human summary the CLI prints on stderr. */
function formatTextSummary(r) {
    const lines = [`telemetry-sync: ${headline(r)}`];
    lines.push(`  events    ${eventCounts(r)}${eventExtras(r)}`);
    const tokens = tokensLine(r);
    if (tokens !== undefined)
        lines.push(`  tokens    ${tokens}`);
    lines.push(`  service   ${r.service.name} (${r.service.from})`);
    if (r.firstEventTime !== null)
        lines.push(`  time      ${r.firstEventTime} .. ${r.lastEventTime}`);
    const points = Object.entries(r.points);
    if (points.length > 0) {
        lines.push(`  points    ${points.map(([name, n]) => `${name} ${words_count(n)}`).join(', ')}`);
    }
    if (r.requests > 0) {
        lines.push(`  requests  ${words_count(r.requests)} sent, ${words_count(r.failedRequests)} failed, ` +
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
            const pending = s.pending < 0 ? 'unknown' : words_count(s.pending);
            lines.push(`  ${s.signal.padEnd(9)} ${s.status}: ${words_count(s.delivered)} of ${plural(s.selected, 'event')} delivered, ${pending} pending${s.endpoint === null ? '' : ` (${s.endpoint})`}`);
        }
    }
    lines.push(`  database  ${r.database} (${text_summary_progressText(r)})`);
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
        return `${words_count(r.pendingAtStart)} pending at the start, ${words_count(r.delivered)} delivered now, ${stillPending(r)} still pending`;
    return `${words_count(r.selected)} selected, ${words_count(r.delivered)} delivered, ${stillPending(r)} still pending`;
}
function eventExtras(r) {
    return ((r.alreadyHeld > 0
        ? ` (${words_count(r.alreadyHeld)} of the delivered already in the backend from a resend)`
        : '') +
        (r.refusedEvents > 0 ? `, ${words_count(r.refusedEvents)} refused and set aside` : '') +
        (r.tooOld > 0 ? `, ${words_count(r.tooOld)} older than max-age (file only)` : '') +
        (r.tooOldForEndpoint > 0
            ? `, ${words_count(r.tooOldForEndpoint)} older than the endpoint keeps`
            : '') +
        (r.rejectedPoints > 0
            ? `, ${plural(r.rejectedPoints, 'point')} rejected by the endpoint`
            : '') +
        (r.held > 0 ? `, ${words_count(r.held)} of the last seconds held for the next run` : '') +
        (r.skippedBuiltins > 0
            ? `, ${words_count(r.skippedBuiltins)} of tokf's built-in commands skipped, as its live export does`
            : ''));
}
const stillPending = (r) => (r.pending < 0 ? 'unknown' : words_count(r.pending));
/** A run that was sending when Ctrl-C stopped it (a dry run or file export has nothing to tell). */
const stoppedSending = (r) => r.interrupted && r.status !== 'dry-run' && r.status !== 'exported';
function headline(r) {
    if (stoppedSending(r)) {
        const left = r.pending < 0
            ? 'the rest stays pending for the next run'
            : `${words_count(r.pending)} still pending for the next run`;
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
            return `delivered ${words_count(r.delivered)} of ${plural(r.selected, 'selected event')} to ${r.endpoint}; ${rest(r)}`;
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
            : `${words_count(d.saved)} saved (${words_count(d.input)} in, ${words_count(d.output)} out) by the ${plural(d.events, 'event')} delivered`;
    const t = r.tokens;
    if (t.events === 0)
        return undefined;
    const line = `${words_count(t.saved)} saved (${words_count(t.input)} in, ${words_count(t.output)} out) by ${plural(t.events, 'event')}`;
    if (r.requests === 0 || d.events === 0 || d.events === t.events)
        return line;
    return `${line}; the ${words_count(d.events)} delivered saved ${words_count(d.saved)}`;
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
function text_summary_progressText(r) {
    switch (r.progress) {
        case 'column':
            return 'progress in events.synced_to_otel_at';
        case 'ranges':
            return 'progress in telemetry_sync_delivered';
        case 'none':
            return 'no progress recorded yet';
    }
}

;// CONCATENATED MODULE: ./src/cli/sync-command.ts



/**
 * `telemetry-sync sync`: runs the engine over the tokf database as every sending command runs
 * (see runCommand: progress line, Ctrl-C, summary, exit 130 when interrupted).
 */
async function syncCommand(config, options) {
    return await runCommand({ ...options, periodic: true }, (deps) => runSync(config, deps), {
        summary: formatTextSummary,
        // A damaged database is exit 2 as an unreadable one is, also when found part way.
        exitCode: (result) => result.errors.some((e) => e.kind === 'database-damaged') ? 2 : result.exitCode,
    });
}

;// CONCATENATED MODULE: ./src/report/gridctl-status.ts

const SIGNAL_OF_NAME = /^(logs|metrics|traces)[-.]/;
/** A dry replay's result as the status of the gridctl directories it read. */
function gridctlStatus(r) {
    const servers = new Map();
    for (const f of r.files) {
        const parts = f.path.split(/[\\/]/);
        const [stack, server, name] = parts.slice(-3);
        const signal = SIGNAL_OF_NAME.exec(name)?.[1];
        const key = `${stack}/${server}`;
        let entry = servers.get(key);
        if (entry === undefined)
            servers.set(key, (entry = { stack, server, pending: {} }));
        if (signal !== undefined && f.sent > 0)
            entry.pending[signal] = (entry.pending[signal] ?? 0) + f.sent;
    }
    return {
        command: 'status',
        source: 'gridctl',
        statePath: r.statePath,
        pending: { lines: r.sentLines, signals: { ...r.signals } },
        servers: [...servers.values()],
        bad: r.badLines,
        heldBack: r.files.filter((f) => f.heldBack).map((f) => f.path),
        unreadable: r.files
            .filter((f) => f.error !== undefined)
            .map((f) => ({ path: f.path, error: f.error })),
        files: r.files.length,
    };
}
/** The status for a person. */
function formatGridctlStatus(s) {
    const perSignal = (counts) => ['logs', 'metrics', 'traces']
        .filter((k) => (counts[k] ?? 0) > 0)
        .map((k) => `${counts[k]} ${k}`)
        .join(', ');
    const lines = [
        `telemetry-sync status of gridctl telemetry (${plural(s.files, 'file')}; progress in ${s.statePath})`,
        `  pending    ${plural(s.pending.lines, 'line')}${s.pending.lines > 0 ? `: ${perSignal(s.pending.signals)}` : ''}`,
    ];
    const width = Math.max(0, ...s.servers.map((e) => `${e.stack}/${e.server}`.length));
    for (const e of s.servers) {
        const pending = perSignal(e.pending);
        lines.push(`    ${`${e.stack}/${e.server}`.padEnd(width)}  ${pending === '' ? 'nothing' : pending}`);
    }
    if (s.bad > 0)
        lines.push(`  bad        ${plural(s.bad, 'line')} a replay would set aside`);
    for (const path of s.heldBack)
        lines.push(`  held back  ${path}: its last line has no newline yet`);
    for (const u of s.unreadable)
        lines.push(`  unreadable ${u.path}: ${u.error}`);
    return `${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/cli/gridctl-status.ts




/**
 * `telemetry-sync status --gridctl [DIR...]`: a dry replay of the directories (the state opened
 * read-only, nothing sent or written) told as what is pending per server and signal. Exit 0.
 */
async function gridctlStatusCommand(command) {
    const config = buildJsonlConfig({ gridctl: true, dryRun: true, ...(command.state !== undefined && { state: command.state }) }, command.dirs, process.env, Date.now());
    const result = await runReplayFiles(config, {
        now: Date.now,
        log: () => { },
        userAgent: USER_AGENT,
    });
    const status = gridctlStatus(result);
    if (command.json)
        process.stdout.write(`${JSON.stringify(status)}\n`);
    else
        process.stdout.write(formatGridctlStatus(status));
    return 0;
}

;// CONCATENATED MODULE: ./src/cli/main.ts












/**
 * Exit codes: 0 all delivered, 1 something left pending, 2 bad usage or unreadable database, 130
 * interrupted (Ctrl-C).
 */
async function main(argv) {
    try {
        const command = parseCli(argv);
        if (command.kind === 'help') {
            const text = { main: MAIN_HELP, sync: SYNC_HELP, status: STATUS_HELP }[command.text];
            process.stdout.write(text);
            return 0;
        }
        if (command.kind === 'replay' || command.kind === 'replay-help') {
            return await runReplayCommand(command);
        }
        if (command.kind === 'version') {
            process.stdout.write(`${version_VERSION}\n`);
            return 0;
        }
        if (command.kind === 'gridctl-status')
            return await gridctlStatusCommand(command);
        if (command.kind === 'status') {
            const now = Date.now();
            const dbPath = command.db ?? defaultTokfDbPath(process.env);
            requireDatabase(dbPath, databasePathOrigin(command.db, process.env));
            const status = readStatus(dbPath, now);
            if (command.json)
                process.stdout.write(`${JSON.stringify(status)}\n`);
            else
                process.stdout.write(formatStatusText(status, now));
            return 0;
        }
        const config = buildSyncConfig(command.settings, process.env, Date.now());
        requireDatabase(config.dbPath, databasePathOrigin(command.settings.db, process.env));
        return await syncCommand(config, { json: command.json, quiet: command.quiet });
    }
    catch (err) {
        // With --json, a script reads stdout: it gets an object there whatever went wrong.
        const json = argv.includes('--json');
        const fail = (code, kind, message) => {
            if (json) {
                const error = { status: 'error', exitCode: code, error: { kind, message } };
                process.stdout.write(`${JSON.stringify(error)}\n`);
            }
            return code;
        };
        if (err instanceof SyncBusyError || err instanceof DatabaseBusyError) {
            process.stderr.write(`telemetry-sync: ${err.message}\n`);
            return fail(1, 'busy', err.message);
        }
        if (err instanceof DiskFullError) {
            process.stderr.write(`telemetry-sync: error: ${err.message}\n`);
            return fail(1, 'disk-full', err.message);
        }
        if (err instanceof DatabaseDamagedError) {
            process.stderr.write(`telemetry-sync: error: ${err.message}\n`);
            return fail(2, 'damaged', err.message);
        }
        if (err instanceof UsageError || err instanceof DatabaseError) {
            process.stderr.write(`telemetry-sync: error: ${err.message}\n`);
            if (err instanceof UsageError)
                process.stderr.write(`(see: ${helpFor(argv[0])})\n`);
            return fail(2, err instanceof UsageError ? 'usage' : 'database', err.message);
        }
        process.stderr.write(`telemetry-sync: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
        return fail(1, 'unexpected', err instanceof Error ? err.message : String(err));
    }
}
/** The one help a usage error points to: the command's own, or the main one. */
function helpFor(command) {
    return command === 'sync' || command === 'status' || command === 'replay'
        ? `telemetry-sync ${command} --help`
        : 'telemetry-sync --help';
}


/***/ }),

/***/ 896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 390:
/***/ (function(module, exports) {

// GENERATED FILE. DO NOT EDIT.
(function (global, factory) {
  function preferDefault(exports) {
    return exports.default || exports;
  }
  if (typeof define === "function" && define.amd) {
    define([], function () {
      var exports = {};
      factory(exports);
      return preferDefault(exports);
    });
  } else if (true) {
    factory(exports);
    if (true) module.exports = preferDefault(exports);
  } else {}
})(
  typeof globalThis !== "undefined"
    ? globalThis
    : typeof self !== "undefined"
      ? self
      : this,
  function (_exports) {
    "use strict";

    Object.defineProperty(_exports, "__esModule", {
      value: true,
    });
    _exports.default = void 0;
    /**
     * @license
     * Copyright 2009 The Closure Library Authors
     * Copyright 2020 Daniel Wirtz / The long.js Authors.
     *
     * Licensed under the Apache License, Version 2.0 (the "License");
     * you may not use this file except in compliance with the License.
     * You may obtain a copy of the License at
     *
     *     http://www.apache.org/licenses/LICENSE-2.0
     *
     * Unless required by applicable law or agreed to in writing, software
     * distributed under the License is distributed on an "AS IS" BASIS,
     * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
     * See the License for the specific language governing permissions and
     * limitations under the License.
     *
     * SPDX-License-Identifier: Apache-2.0
     */

    // WebAssembly optimizations to do native i64 multiplication and divide
    var wasm = null;
    try {
      wasm = new WebAssembly.Instance(
        new WebAssembly.Module(
          new Uint8Array([
            // \0asm
            0, 97, 115, 109,
            // version 1
            1, 0, 0, 0,
            // section "type"
            1, 13, 2,
            // 0, () => i32
            96, 0, 1, 127,
            // 1, (i32, i32, i32, i32) => i32
            96, 4, 127, 127, 127, 127, 1, 127,
            // section "function"
            3, 7, 6,
            // 0, type 0
            0,
            // 1, type 1
            1,
            // 2, type 1
            1,
            // 3, type 1
            1,
            // 4, type 1
            1,
            // 5, type 1
            1,
            // section "global"
            6, 6, 1,
            // 0, "high", mutable i32
            127, 1, 65, 0, 11,
            // section "export"
            7, 50, 6,
            // 0, "mul"
            3, 109, 117, 108, 0, 1,
            // 1, "div_s"
            5, 100, 105, 118, 95, 115, 0, 2,
            // 2, "div_u"
            5, 100, 105, 118, 95, 117, 0, 3,
            // 3, "rem_s"
            5, 114, 101, 109, 95, 115, 0, 4,
            // 4, "rem_u"
            5, 114, 101, 109, 95, 117, 0, 5,
            // 5, "get_high"
            8, 103, 101, 116, 95, 104, 105, 103, 104, 0, 0,
            // section "code"
            10, 191, 1, 6,
            // 0, "get_high"
            4, 0, 35, 0, 11,
            // 1, "mul"
            36, 1, 1, 126, 32, 0, 173, 32, 1, 173, 66, 32, 134, 132, 32, 2, 173,
            32, 3, 173, 66, 32, 134, 132, 126, 34, 4, 66, 32, 135, 167, 36, 0,
            32, 4, 167, 11,
            // 2, "div_s"
            36, 1, 1, 126, 32, 0, 173, 32, 1, 173, 66, 32, 134, 132, 32, 2, 173,
            32, 3, 173, 66, 32, 134, 132, 127, 34, 4, 66, 32, 135, 167, 36, 0,
            32, 4, 167, 11,
            // 3, "div_u"
            36, 1, 1, 126, 32, 0, 173, 32, 1, 173, 66, 32, 134, 132, 32, 2, 173,
            32, 3, 173, 66, 32, 134, 132, 128, 34, 4, 66, 32, 135, 167, 36, 0,
            32, 4, 167, 11,
            // 4, "rem_s"
            36, 1, 1, 126, 32, 0, 173, 32, 1, 173, 66, 32, 134, 132, 32, 2, 173,
            32, 3, 173, 66, 32, 134, 132, 129, 34, 4, 66, 32, 135, 167, 36, 0,
            32, 4, 167, 11,
            // 5, "rem_u"
            36, 1, 1, 126, 32, 0, 173, 32, 1, 173, 66, 32, 134, 132, 32, 2, 173,
            32, 3, 173, 66, 32, 134, 132, 130, 34, 4, 66, 32, 135, 167, 36, 0,
            32, 4, 167, 11,
          ]),
        ),
        {},
      ).exports;
    } catch {
      // no wasm support :(
    }

    /**
     * Constructs a 64 bit two's-complement integer, given its low and high 32 bit values as *signed* integers.
     *  See the from* functions below for more convenient ways of constructing Longs.
     * @exports Long
     * @class A Long class for representing a 64 bit two's-complement integer value.
     * @param {number} low The low (signed) 32 bits of the long
     * @param {number} high The high (signed) 32 bits of the long
     * @param {boolean=} unsigned Whether unsigned or not, defaults to signed
     * @constructor
     */
    function Long(low, high, unsigned) {
      /**
       * The low 32 bits as a signed value.
       * @type {number}
       */
      this.low = low | 0;

      /**
       * The high 32 bits as a signed value.
       * @type {number}
       */
      this.high = high | 0;

      /**
       * Whether unsigned or not.
       * @type {boolean}
       */
      this.unsigned = !!unsigned;
    }

    // The internal representation of a long is the two given signed, 32-bit values.
    // We use 32-bit pieces because these are the size of integers on which
    // Javascript performs bit-operations.  For operations like addition and
    // multiplication, we split each number into 16 bit pieces, which can easily be
    // multiplied within Javascript's floating-point representation without overflow
    // or change in sign.
    //
    // In the algorithms below, we frequently reduce the negative case to the
    // positive case by negating the input(s) and then post-processing the result.
    // Note that we must ALWAYS check specially whether those values are MIN_VALUE
    // (-2^63) because -MIN_VALUE == MIN_VALUE (since 2^63 cannot be represented as
    // a positive number, it overflows back into a negative).  Not handling this
    // case would often result in infinite recursion.
    //
    // Common constant values ZERO, ONE, NEG_ONE, etc. are defined below the from*
    // methods on which they depend.

    /**
     * An indicator used to reliably determine if an object is a Long or not.
     * @type {boolean}
     * @const
     * @private
     */
    Long.prototype.__isLong__;
    Object.defineProperty(Long.prototype, "__isLong__", {
      value: true,
    });

    /**
     * @function
     * @param {*} obj Object
     * @returns {boolean}
     * @inner
     */
    function isLong(obj) {
      return (obj && obj["__isLong__"]) === true;
    }

    /**
     * @function
     * @param {*} value number
     * @returns {number}
     * @inner
     */
    function ctz32(value) {
      var c = Math.clz32(value & -value);
      return value ? 31 - c : c;
    }

    /**
     * Tests if the specified object is a Long.
     * @function
     * @param {*} obj Object
     * @returns {boolean}
     */
    Long.isLong = isLong;

    /**
     * A cache of the Long representations of small integer values.
     * @type {!Object}
     * @inner
     */
    var INT_CACHE = {};

    /**
     * A cache of the Long representations of small unsigned integer values.
     * @type {!Object}
     * @inner
     */
    var UINT_CACHE = {};

    /**
     * @param {number} value
     * @param {boolean=} unsigned
     * @returns {!Long}
     * @inner
     */
    function fromInt(value, unsigned) {
      var obj, cachedObj, cache;
      if (unsigned) {
        value >>>= 0;
        if ((cache = 0 <= value && value < 256)) {
          cachedObj = UINT_CACHE[value];
          if (cachedObj) return cachedObj;
        }
        obj = fromBits(value, 0, true);
        if (cache) UINT_CACHE[value] = obj;
        return obj;
      } else {
        value |= 0;
        if ((cache = -128 <= value && value < 128)) {
          cachedObj = INT_CACHE[value];
          if (cachedObj) return cachedObj;
        }
        obj = fromBits(value, value < 0 ? -1 : 0, false);
        if (cache) INT_CACHE[value] = obj;
        return obj;
      }
    }

    /**
     * Returns a Long representing the given 32 bit integer value.
     * @function
     * @param {number} value The 32 bit integer in question
     * @param {boolean=} unsigned Whether unsigned or not, defaults to signed
     * @returns {!Long} The corresponding Long value
     */
    Long.fromInt = fromInt;

    /**
     * @param {number} value
     * @param {boolean=} unsigned
     * @returns {!Long}
     * @inner
     */
    function fromNumber(value, unsigned) {
      if (isNaN(value)) return unsigned ? UZERO : ZERO;
      if (unsigned) {
        if (value < 0) return UZERO;
        if (value >= TWO_PWR_64_DBL) return MAX_UNSIGNED_VALUE;
      } else {
        if (value <= -TWO_PWR_63_DBL) return MIN_VALUE;
        if (value + 1 >= TWO_PWR_63_DBL) return MAX_VALUE;
      }
      if (value < 0) return fromNumber(-value, unsigned).neg();
      return fromBits(
        value % TWO_PWR_32_DBL | 0,
        (value / TWO_PWR_32_DBL) | 0,
        unsigned,
      );
    }

    /**
     * Returns a Long representing the given value, provided that it is a finite number. Otherwise, zero is returned.
     * @function
     * @param {number} value The number in question
     * @param {boolean=} unsigned Whether unsigned or not, defaults to signed
     * @returns {!Long} The corresponding Long value
     */
    Long.fromNumber = fromNumber;

    /**
     * @param {number} lowBits
     * @param {number} highBits
     * @param {boolean=} unsigned
     * @returns {!Long}
     * @inner
     */
    function fromBits(lowBits, highBits, unsigned) {
      return new Long(lowBits, highBits, unsigned);
    }

    /**
     * Returns a Long representing the 64 bit integer that comes by concatenating the given low and high bits. Each is
     *  assumed to use 32 bits.
     * @function
     * @param {number} lowBits The low 32 bits
     * @param {number} highBits The high 32 bits
     * @param {boolean=} unsigned Whether unsigned or not, defaults to signed
     * @returns {!Long} The corresponding Long value
     */
    Long.fromBits = fromBits;

    /**
     * @function
     * @param {number} base
     * @param {number} exponent
     * @returns {number}
     * @inner
     */
    var pow_dbl = Math.pow; // Used 4 times (4*8 to 15+4)

    /**
     * @param {string} str
     * @param {(boolean|number)=} unsigned
     * @param {number=} radix
     * @returns {!Long}
     * @inner
     */
    function fromString(str, unsigned, radix) {
      if (str.length === 0) throw Error("empty string");
      if (typeof unsigned === "number") {
        // For goog.math.long compatibility
        radix = unsigned;
        unsigned = false;
      } else {
        unsigned = !!unsigned;
      }
      if (
        str === "NaN" ||
        str === "Infinity" ||
        str === "+Infinity" ||
        str === "-Infinity"
      )
        return unsigned ? UZERO : ZERO;
      radix = radix || 10;
      if (radix < 2 || 36 < radix) throw RangeError("radix");
      var p;
      if ((p = str.indexOf("-")) > 0) throw Error("interior hyphen");
      else if (p === 0) {
        return fromString(str.substring(1), unsigned, radix).neg();
      }

      // Do several (8) digits each time through the loop, so as to
      // minimize the calls to the very expensive emulated div.
      var radixToPower = fromNumber(pow_dbl(radix, 8));
      var result = ZERO;
      for (var i = 0; i < str.length; i += 8) {
        var size = Math.min(8, str.length - i),
          value = parseInt(str.substring(i, i + size), radix);
        if (size < 8) {
          var power = fromNumber(pow_dbl(radix, size));
          result = result.mul(power).add(fromNumber(value));
        } else {
          result = result.mul(radixToPower);
          result = result.add(fromNumber(value));
        }
      }
      result.unsigned = unsigned;
      return result;
    }

    /**
     * Returns a Long representation of the given string, written using the specified radix.
     * @function
     * @param {string} str The textual representation of the Long
     * @param {(boolean|number)=} unsigned Whether unsigned or not, defaults to signed
     * @param {number=} radix The radix in which the text is written (2-36), defaults to 10
     * @returns {!Long} The corresponding Long value
     */
    Long.fromString = fromString;

    /**
     * @function
     * @param {!Long|number|string|!{low: number, high: number, unsigned: boolean}} val
     * @param {boolean=} unsigned
     * @returns {!Long}
     * @inner
     */
    function fromValue(val, unsigned) {
      if (typeof val === "number") return fromNumber(val, unsigned);
      if (typeof val === "string") return fromString(val, unsigned);
      // Throws for non-objects, converts non-instanceof Long:
      return fromBits(
        val.low,
        val.high,
        typeof unsigned === "boolean" ? unsigned : val.unsigned,
      );
    }

    /**
     * Converts the specified value to a Long using the appropriate from* function for its type.
     * @function
     * @param {!Long|number|bigint|string|!{low: number, high: number, unsigned: boolean}} val Value
     * @param {boolean=} unsigned Whether unsigned or not, defaults to signed
     * @returns {!Long}
     */
    Long.fromValue = fromValue;

    // NOTE: the compiler should inline these constant values below and then remove these variables, so there should be
    // no runtime penalty for these.

    /**
     * @type {number}
     * @const
     * @inner
     */
    var TWO_PWR_16_DBL = 1 << 16;

    /**
     * @type {number}
     * @const
     * @inner
     */
    var TWO_PWR_24_DBL = 1 << 24;

    /**
     * @type {number}
     * @const
     * @inner
     */
    var TWO_PWR_32_DBL = TWO_PWR_16_DBL * TWO_PWR_16_DBL;

    /**
     * @type {number}
     * @const
     * @inner
     */
    var TWO_PWR_64_DBL = TWO_PWR_32_DBL * TWO_PWR_32_DBL;

    /**
     * @type {number}
     * @const
     * @inner
     */
    var TWO_PWR_63_DBL = TWO_PWR_64_DBL / 2;

    /**
     * @type {!Long}
     * @const
     * @inner
     */
    var TWO_PWR_24 = fromInt(TWO_PWR_24_DBL);

    /**
     * @type {!Long}
     * @inner
     */
    var ZERO = fromInt(0);

    /**
     * Signed zero.
     * @type {!Long}
     */
    Long.ZERO = ZERO;

    /**
     * @type {!Long}
     * @inner
     */
    var UZERO = fromInt(0, true);

    /**
     * Unsigned zero.
     * @type {!Long}
     */
    Long.UZERO = UZERO;

    /**
     * @type {!Long}
     * @inner
     */
    var ONE = fromInt(1);

    /**
     * Signed one.
     * @type {!Long}
     */
    Long.ONE = ONE;

    /**
     * @type {!Long}
     * @inner
     */
    var UONE = fromInt(1, true);

    /**
     * Unsigned one.
     * @type {!Long}
     */
    Long.UONE = UONE;

    /**
     * @type {!Long}
     * @inner
     */
    var NEG_ONE = fromInt(-1);

    /**
     * Signed negative one.
     * @type {!Long}
     */
    Long.NEG_ONE = NEG_ONE;

    /**
     * @type {!Long}
     * @inner
     */
    var MAX_VALUE = fromBits(0xffffffff | 0, 0x7fffffff | 0, false);

    /**
     * Maximum signed value.
     * @type {!Long}
     */
    Long.MAX_VALUE = MAX_VALUE;

    /**
     * @type {!Long}
     * @inner
     */
    var MAX_UNSIGNED_VALUE = fromBits(0xffffffff | 0, 0xffffffff | 0, true);

    /**
     * Maximum unsigned value.
     * @type {!Long}
     */
    Long.MAX_UNSIGNED_VALUE = MAX_UNSIGNED_VALUE;

    /**
     * @type {!Long}
     * @inner
     */
    var MIN_VALUE = fromBits(0, 0x80000000 | 0, false);

    /**
     * Minimum signed value.
     * @type {!Long}
     */
    Long.MIN_VALUE = MIN_VALUE;

    /**
     * @alias Long.prototype
     * @inner
     */
    var LongPrototype = Long.prototype;

    /**
     * Converts the Long to a 32 bit integer, assuming it is a 32 bit integer.
     * @this {!Long}
     * @returns {number}
     */
    LongPrototype.toInt = function toInt() {
      return this.unsigned ? this.low >>> 0 : this.low;
    };

    /**
     * Converts the Long to a the nearest floating-point representation of this value (double, 53 bit mantissa).
     * @this {!Long}
     * @returns {number}
     */
    LongPrototype.toNumber = function toNumber() {
      if (this.unsigned)
        return (this.high >>> 0) * TWO_PWR_32_DBL + (this.low >>> 0);
      return this.high * TWO_PWR_32_DBL + (this.low >>> 0);
    };

    /**
     * Converts the Long to a string written in the specified radix.
     * @this {!Long}
     * @param {number=} radix Radix (2-36), defaults to 10
     * @returns {string}
     * @override
     * @throws {RangeError} If `radix` is out of range
     */
    LongPrototype.toString = function toString(radix) {
      radix = radix || 10;
      if (radix < 2 || 36 < radix) throw RangeError("radix");
      if (this.isZero()) return "0";
      if (this.isNegative()) {
        // Unsigned Longs are never negative
        if (this.eq(MIN_VALUE)) {
          // We need to change the Long value before it can be negated, so we remove
          // the bottom-most digit in this base and then recurse to do the rest.
          var radixLong = fromNumber(radix),
            div = this.div(radixLong),
            rem1 = div.mul(radixLong).sub(this);
          return div.toString(radix) + rem1.toInt().toString(radix);
        } else return "-" + this.neg().toString(radix);
      }

      // Do several (6) digits each time through the loop, so as to
      // minimize the calls to the very expensive emulated div.
      var radixToPower = fromNumber(pow_dbl(radix, 6), this.unsigned),
        rem = this;
      var result = "";
      while (true) {
        var remDiv = rem.div(radixToPower),
          intval = rem.sub(remDiv.mul(radixToPower)).toInt() >>> 0,
          digits = intval.toString(radix);
        rem = remDiv;
        if (rem.isZero()) return digits + result;
        else {
          while (digits.length < 6) digits = "0" + digits;
          result = "" + digits + result;
        }
      }
    };

    /**
     * Gets the high 32 bits as a signed integer.
     * @this {!Long}
     * @returns {number} Signed high bits
     */
    LongPrototype.getHighBits = function getHighBits() {
      return this.high;
    };

    /**
     * Gets the high 32 bits as an unsigned integer.
     * @this {!Long}
     * @returns {number} Unsigned high bits
     */
    LongPrototype.getHighBitsUnsigned = function getHighBitsUnsigned() {
      return this.high >>> 0;
    };

    /**
     * Gets the low 32 bits as a signed integer.
     * @this {!Long}
     * @returns {number} Signed low bits
     */
    LongPrototype.getLowBits = function getLowBits() {
      return this.low;
    };

    /**
     * Gets the low 32 bits as an unsigned integer.
     * @this {!Long}
     * @returns {number} Unsigned low bits
     */
    LongPrototype.getLowBitsUnsigned = function getLowBitsUnsigned() {
      return this.low >>> 0;
    };

    /**
     * Gets the number of bits needed to represent the absolute value of this Long.
     * @this {!Long}
     * @returns {number}
     */
    LongPrototype.getNumBitsAbs = function getNumBitsAbs() {
      if (this.isNegative())
        // Unsigned Longs are never negative
        return this.eq(MIN_VALUE) ? 64 : this.neg().getNumBitsAbs();
      var val = this.high != 0 ? this.high : this.low;
      for (var bit = 31; bit > 0; bit--) if ((val & (1 << bit)) != 0) break;
      return this.high != 0 ? bit + 33 : bit + 1;
    };

    /**
     * Tests if this Long can be safely represented as a JavaScript number.
     * @this {!Long}
     * @returns {boolean}
     */
    LongPrototype.isSafeInteger = function isSafeInteger() {
      // 2^53-1 is the maximum safe value
      var top11Bits = this.high >> 21;
      // [0, 2^53-1]
      if (!top11Bits) return true;
      // > 2^53-1
      if (this.unsigned) return false;
      // [-2^53, -1] except -2^53
      return top11Bits === -1 && !(this.low === 0 && this.high === -0x200000);
    };

    /**
     * Tests if this Long's value equals zero.
     * @this {!Long}
     * @returns {boolean}
     */
    LongPrototype.isZero = function isZero() {
      return this.high === 0 && this.low === 0;
    };

    /**
     * Tests if this Long's value equals zero. This is an alias of {@link Long#isZero}.
     * @returns {boolean}
     */
    LongPrototype.eqz = LongPrototype.isZero;

    /**
     * Tests if this Long's value is negative.
     * @this {!Long}
     * @returns {boolean}
     */
    LongPrototype.isNegative = function isNegative() {
      return !this.unsigned && this.high < 0;
    };

    /**
     * Tests if this Long's value is positive or zero.
     * @this {!Long}
     * @returns {boolean}
     */
    LongPrototype.isPositive = function isPositive() {
      return this.unsigned || this.high >= 0;
    };

    /**
     * Tests if this Long's value is odd.
     * @this {!Long}
     * @returns {boolean}
     */
    LongPrototype.isOdd = function isOdd() {
      return (this.low & 1) === 1;
    };

    /**
     * Tests if this Long's value is even.
     * @this {!Long}
     * @returns {boolean}
     */
    LongPrototype.isEven = function isEven() {
      return (this.low & 1) === 0;
    };

    /**
     * Tests if this Long's value equals the specified's.
     * @this {!Long}
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.equals = function equals(other) {
      if (!isLong(other)) other = fromValue(other);
      if (
        this.unsigned !== other.unsigned &&
        this.high >>> 31 === 1 &&
        other.high >>> 31 === 1
      )
        return false;
      return this.high === other.high && this.low === other.low;
    };

    /**
     * Tests if this Long's value equals the specified's. This is an alias of {@link Long#equals}.
     * @function
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.eq = LongPrototype.equals;

    /**
     * Tests if this Long's value differs from the specified's.
     * @this {!Long}
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.notEquals = function notEquals(other) {
      return !this.eq(/* validates */ other);
    };

    /**
     * Tests if this Long's value differs from the specified's. This is an alias of {@link Long#notEquals}.
     * @function
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.neq = LongPrototype.notEquals;

    /**
     * Tests if this Long's value differs from the specified's. This is an alias of {@link Long#notEquals}.
     * @function
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.ne = LongPrototype.notEquals;

    /**
     * Tests if this Long's value is less than the specified's.
     * @this {!Long}
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.lessThan = function lessThan(other) {
      return this.comp(/* validates */ other) < 0;
    };

    /**
     * Tests if this Long's value is less than the specified's. This is an alias of {@link Long#lessThan}.
     * @function
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.lt = LongPrototype.lessThan;

    /**
     * Tests if this Long's value is less than or equal the specified's.
     * @this {!Long}
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.lessThanOrEqual = function lessThanOrEqual(other) {
      return this.comp(/* validates */ other) <= 0;
    };

    /**
     * Tests if this Long's value is less than or equal the specified's. This is an alias of {@link Long#lessThanOrEqual}.
     * @function
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.lte = LongPrototype.lessThanOrEqual;

    /**
     * Tests if this Long's value is less than or equal the specified's. This is an alias of {@link Long#lessThanOrEqual}.
     * @function
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.le = LongPrototype.lessThanOrEqual;

    /**
     * Tests if this Long's value is greater than the specified's.
     * @this {!Long}
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.greaterThan = function greaterThan(other) {
      return this.comp(/* validates */ other) > 0;
    };

    /**
     * Tests if this Long's value is greater than the specified's. This is an alias of {@link Long#greaterThan}.
     * @function
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.gt = LongPrototype.greaterThan;

    /**
     * Tests if this Long's value is greater than or equal the specified's.
     * @this {!Long}
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.greaterThanOrEqual = function greaterThanOrEqual(other) {
      return this.comp(/* validates */ other) >= 0;
    };

    /**
     * Tests if this Long's value is greater than or equal the specified's. This is an alias of {@link Long#greaterThanOrEqual}.
     * @function
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.gte = LongPrototype.greaterThanOrEqual;

    /**
     * Tests if this Long's value is greater than or equal the specified's. This is an alias of {@link Long#greaterThanOrEqual}.
     * @function
     * @param {!Long|number|bigint|string} other Other value
     * @returns {boolean}
     */
    LongPrototype.ge = LongPrototype.greaterThanOrEqual;

    /**
     * Compares this Long's value with the specified's.
     * @this {!Long}
     * @param {!Long|number|bigint|string} other Other value
     * @returns {number} 0 if they are the same, 1 if the this is greater and -1
     *  if the given one is greater
     */
    LongPrototype.compare = function compare(other) {
      if (!isLong(other)) other = fromValue(other);
      if (this.eq(other)) return 0;
      var thisNeg = this.isNegative(),
        otherNeg = other.isNegative();
      if (thisNeg && !otherNeg) return -1;
      if (!thisNeg && otherNeg) return 1;
      // At this point the sign bits are the same
      if (!this.unsigned) return this.sub(other).isNegative() ? -1 : 1;
      // Both are positive if at least one is unsigned
      return other.high >>> 0 > this.high >>> 0 ||
        (other.high === this.high && other.low >>> 0 > this.low >>> 0)
        ? -1
        : 1;
    };

    /**
     * Compares this Long's value with the specified's. This is an alias of {@link Long#compare}.
     * @function
     * @param {!Long|number|bigint|string} other Other value
     * @returns {number} 0 if they are the same, 1 if the this is greater and -1
     *  if the given one is greater
     */
    LongPrototype.comp = LongPrototype.compare;

    /**
     * Negates this Long's value.
     * @this {!Long}
     * @returns {!Long} Negated Long
     */
    LongPrototype.negate = function negate() {
      if (!this.unsigned && this.eq(MIN_VALUE)) return MIN_VALUE;
      return this.not().add(ONE);
    };

    /**
     * Negates this Long's value. This is an alias of {@link Long#negate}.
     * @function
     * @returns {!Long} Negated Long
     */
    LongPrototype.neg = LongPrototype.negate;

    /**
     * Returns the sum of this and the specified Long.
     * @this {!Long}
     * @param {!Long|number|bigint|string} addend Addend
     * @returns {!Long} Sum
     */
    LongPrototype.add = function add(addend) {
      if (!isLong(addend)) addend = fromValue(addend);

      // Divide each number into 4 chunks of 16 bits, and then sum the chunks.

      var a48 = this.high >>> 16;
      var a32 = this.high & 0xffff;
      var a16 = this.low >>> 16;
      var a00 = this.low & 0xffff;
      var b48 = addend.high >>> 16;
      var b32 = addend.high & 0xffff;
      var b16 = addend.low >>> 16;
      var b00 = addend.low & 0xffff;
      var c48 = 0,
        c32 = 0,
        c16 = 0,
        c00 = 0;
      c00 += a00 + b00;
      c16 += c00 >>> 16;
      c00 &= 0xffff;
      c16 += a16 + b16;
      c32 += c16 >>> 16;
      c16 &= 0xffff;
      c32 += a32 + b32;
      c48 += c32 >>> 16;
      c32 &= 0xffff;
      c48 += a48 + b48;
      c48 &= 0xffff;
      return fromBits((c16 << 16) | c00, (c48 << 16) | c32, this.unsigned);
    };

    /**
     * Returns the difference of this and the specified Long.
     * @this {!Long}
     * @param {!Long|number|bigint|string} subtrahend Subtrahend
     * @returns {!Long} Difference
     */
    LongPrototype.subtract = function subtract(subtrahend) {
      if (!isLong(subtrahend)) subtrahend = fromValue(subtrahend);
      return this.add(subtrahend.neg());
    };

    /**
     * Returns the difference of this and the specified Long. This is an alias of {@link Long#subtract}.
     * @function
     * @param {!Long|number|bigint|string} subtrahend Subtrahend
     * @returns {!Long} Difference
     */
    LongPrototype.sub = LongPrototype.subtract;

    /**
     * Returns the product of this and the specified Long.
     * @this {!Long}
     * @param {!Long|number|bigint|string} multiplier Multiplier
     * @returns {!Long} Product
     */
    LongPrototype.multiply = function multiply(multiplier) {
      if (this.isZero()) return this;
      if (!isLong(multiplier)) multiplier = fromValue(multiplier);

      // use wasm support if present
      if (wasm) {
        var low = wasm["mul"](
          this.low,
          this.high,
          multiplier.low,
          multiplier.high,
        );
        return fromBits(low, wasm["get_high"](), this.unsigned);
      }
      if (multiplier.isZero()) return this.unsigned ? UZERO : ZERO;
      if (this.eq(MIN_VALUE)) return multiplier.isOdd() ? MIN_VALUE : ZERO;
      if (multiplier.eq(MIN_VALUE)) return this.isOdd() ? MIN_VALUE : ZERO;
      if (this.isNegative()) {
        if (multiplier.isNegative()) return this.neg().mul(multiplier.neg());
        else return this.neg().mul(multiplier).neg();
      } else if (multiplier.isNegative())
        return this.mul(multiplier.neg()).neg();

      // If both longs are small, use float multiplication
      if (this.lt(TWO_PWR_24) && multiplier.lt(TWO_PWR_24))
        return fromNumber(
          this.toNumber() * multiplier.toNumber(),
          this.unsigned,
        );

      // Divide each long into 4 chunks of 16 bits, and then add up 4x4 products.
      // We can skip products that would overflow.

      var a48 = this.high >>> 16;
      var a32 = this.high & 0xffff;
      var a16 = this.low >>> 16;
      var a00 = this.low & 0xffff;
      var b48 = multiplier.high >>> 16;
      var b32 = multiplier.high & 0xffff;
      var b16 = multiplier.low >>> 16;
      var b00 = multiplier.low & 0xffff;
      var c48 = 0,
        c32 = 0,
        c16 = 0,
        c00 = 0;
      c00 += a00 * b00;
      c16 += c00 >>> 16;
      c00 &= 0xffff;
      c16 += a16 * b00;
      c32 += c16 >>> 16;
      c16 &= 0xffff;
      c16 += a00 * b16;
      c32 += c16 >>> 16;
      c16 &= 0xffff;
      c32 += a32 * b00;
      c48 += c32 >>> 16;
      c32 &= 0xffff;
      c32 += a16 * b16;
      c48 += c32 >>> 16;
      c32 &= 0xffff;
      c32 += a00 * b32;
      c48 += c32 >>> 16;
      c32 &= 0xffff;
      c48 += a48 * b00 + a32 * b16 + a16 * b32 + a00 * b48;
      c48 &= 0xffff;
      return fromBits((c16 << 16) | c00, (c48 << 16) | c32, this.unsigned);
    };

    /**
     * Returns the product of this and the specified Long. This is an alias of {@link Long#multiply}.
     * @function
     * @param {!Long|number|bigint|string} multiplier Multiplier
     * @returns {!Long} Product
     */
    LongPrototype.mul = LongPrototype.multiply;

    /**
     * Returns this Long divided by the specified. The result is signed if this Long is signed or
     *  unsigned if this Long is unsigned.
     * @this {!Long}
     * @param {!Long|number|bigint|string} divisor Divisor
     * @returns {!Long} Quotient
     */
    LongPrototype.divide = function divide(divisor) {
      if (!isLong(divisor)) divisor = fromValue(divisor);
      if (divisor.isZero()) throw Error("division by zero");

      // use wasm support if present
      if (wasm) {
        // guard against signed division overflow: the largest
        // negative number / -1 would be 1 larger than the largest
        // positive number, due to two's complement.
        if (
          !this.unsigned &&
          this.high === -0x80000000 &&
          divisor.low === -1 &&
          divisor.high === -1
        ) {
          // be consistent with non-wasm code path
          return this;
        }
        var low = (this.unsigned ? wasm["div_u"] : wasm["div_s"])(
          this.low,
          this.high,
          divisor.low,
          divisor.high,
        );
        return fromBits(low, wasm["get_high"](), this.unsigned);
      }
      if (this.isZero()) return this.unsigned ? UZERO : ZERO;
      var approx, rem, res;
      if (!this.unsigned) {
        // This section is only relevant for signed longs and is derived from the
        // closure library as a whole.
        if (this.eq(MIN_VALUE)) {
          if (divisor.eq(ONE) || divisor.eq(NEG_ONE))
            return MIN_VALUE; // recall that -MIN_VALUE == MIN_VALUE
          else if (divisor.eq(MIN_VALUE)) return ONE;
          else {
            // At this point, we have |other| >= 2, so |this/other| < |MIN_VALUE|.
            var halfThis = this.shr(1);
            approx = halfThis.div(divisor).shl(1);
            if (approx.eq(ZERO)) {
              return divisor.isNegative() ? ONE : NEG_ONE;
            } else {
              rem = this.sub(divisor.mul(approx));
              res = approx.add(rem.div(divisor));
              return res;
            }
          }
        } else if (divisor.eq(MIN_VALUE)) return this.unsigned ? UZERO : ZERO;
        if (this.isNegative()) {
          if (divisor.isNegative()) return this.neg().div(divisor.neg());
          return this.neg().div(divisor).neg();
        } else if (divisor.isNegative()) return this.div(divisor.neg()).neg();
        res = ZERO;
      } else {
        // The algorithm below has not been made for unsigned longs. It's therefore
        // required to take special care of the MSB prior to running it.
        if (!divisor.unsigned) divisor = divisor.toUnsigned();
        if (divisor.gt(this)) return UZERO;
        if (divisor.gt(this.shru(1)))
          // 15 >>> 1 = 7 ; with divisor = 8 ; true
          return UONE;
        res = UZERO;
      }

      // Repeat the following until the remainder is less than other:  find a
      // floating-point that approximates remainder / other *from below*, add this
      // into the result, and subtract it from the remainder.  It is critical that
      // the approximate value is less than or equal to the real value so that the
      // remainder never becomes negative.
      rem = this;
      while (rem.gte(divisor)) {
        // Approximate the result of division. This may be a little greater or
        // smaller than the actual value.
        approx = Math.max(1, Math.floor(rem.toNumber() / divisor.toNumber()));

        // We will tweak the approximate result by changing it in the 48-th digit or
        // the smallest non-fractional digit, whichever is larger.
        var log2 = Math.ceil(Math.log(approx) / Math.LN2),
          delta = log2 <= 48 ? 1 : pow_dbl(2, log2 - 48),
          // Decrease the approximation until it is smaller than the remainder.  Note
          // that if it is too large, the product overflows and is negative.
          approxRes = fromNumber(approx),
          approxRem = approxRes.mul(divisor);
        while (approxRem.isNegative() || approxRem.gt(rem)) {
          approx -= delta;
          approxRes = fromNumber(approx, this.unsigned);
          approxRem = approxRes.mul(divisor);
        }

        // We know the answer can't be zero... and actually, zero would cause
        // infinite recursion since we would make no progress.
        if (approxRes.isZero()) approxRes = ONE;
        res = res.add(approxRes);
        rem = rem.sub(approxRem);
      }
      return res;
    };

    /**
     * Returns this Long divided by the specified. This is an alias of {@link Long#divide}.
     * @function
     * @param {!Long|number|bigint|string} divisor Divisor
     * @returns {!Long} Quotient
     */
    LongPrototype.div = LongPrototype.divide;

    /**
     * Returns this Long modulo the specified.
     * @this {!Long}
     * @param {!Long|number|bigint|string} divisor Divisor
     * @returns {!Long} Remainder
     */
    LongPrototype.modulo = function modulo(divisor) {
      if (!isLong(divisor)) divisor = fromValue(divisor);

      // use wasm support if present
      if (wasm) {
        var low = (this.unsigned ? wasm["rem_u"] : wasm["rem_s"])(
          this.low,
          this.high,
          divisor.low,
          divisor.high,
        );
        return fromBits(low, wasm["get_high"](), this.unsigned);
      }
      return this.sub(this.div(divisor).mul(divisor));
    };

    /**
     * Returns this Long modulo the specified. This is an alias of {@link Long#modulo}.
     * @function
     * @param {!Long|number|bigint|string} divisor Divisor
     * @returns {!Long} Remainder
     */
    LongPrototype.mod = LongPrototype.modulo;

    /**
     * Returns this Long modulo the specified. This is an alias of {@link Long#modulo}.
     * @function
     * @param {!Long|number|bigint|string} divisor Divisor
     * @returns {!Long} Remainder
     */
    LongPrototype.rem = LongPrototype.modulo;

    /**
     * Returns the bitwise NOT of this Long.
     * @this {!Long}
     * @returns {!Long}
     */
    LongPrototype.not = function not() {
      return fromBits(~this.low, ~this.high, this.unsigned);
    };

    /**
     * Returns count leading zeros of this Long.
     * @this {!Long}
     * @returns {!number}
     */
    LongPrototype.countLeadingZeros = function countLeadingZeros() {
      return this.high ? Math.clz32(this.high) : Math.clz32(this.low) + 32;
    };

    /**
     * Returns count leading zeros. This is an alias of {@link Long#countLeadingZeros}.
     * @function
     * @param {!Long}
     * @returns {!number}
     */
    LongPrototype.clz = LongPrototype.countLeadingZeros;

    /**
     * Returns count trailing zeros of this Long.
     * @this {!Long}
     * @returns {!number}
     */
    LongPrototype.countTrailingZeros = function countTrailingZeros() {
      return this.low ? ctz32(this.low) : ctz32(this.high) + 32;
    };

    /**
     * Returns count trailing zeros. This is an alias of {@link Long#countTrailingZeros}.
     * @function
     * @param {!Long}
     * @returns {!number}
     */
    LongPrototype.ctz = LongPrototype.countTrailingZeros;

    /**
     * Returns the bitwise AND of this Long and the specified.
     * @this {!Long}
     * @param {!Long|number|bigint|string} other Other Long
     * @returns {!Long}
     */
    LongPrototype.and = function and(other) {
      if (!isLong(other)) other = fromValue(other);
      return fromBits(
        this.low & other.low,
        this.high & other.high,
        this.unsigned,
      );
    };

    /**
     * Returns the bitwise OR of this Long and the specified.
     * @this {!Long}
     * @param {!Long|number|bigint|string} other Other Long
     * @returns {!Long}
     */
    LongPrototype.or = function or(other) {
      if (!isLong(other)) other = fromValue(other);
      return fromBits(
        this.low | other.low,
        this.high | other.high,
        this.unsigned,
      );
    };

    /**
     * Returns the bitwise XOR of this Long and the given one.
     * @this {!Long}
     * @param {!Long|number|bigint|string} other Other Long
     * @returns {!Long}
     */
    LongPrototype.xor = function xor(other) {
      if (!isLong(other)) other = fromValue(other);
      return fromBits(
        this.low ^ other.low,
        this.high ^ other.high,
        this.unsigned,
      );
    };

    /**
     * Returns this Long with bits shifted to the left by the given amount.
     * @this {!Long}
     * @param {number|!Long} numBits Number of bits
     * @returns {!Long} Shifted Long
     */
    LongPrototype.shiftLeft = function shiftLeft(numBits) {
      if (isLong(numBits)) numBits = numBits.toInt();
      if ((numBits &= 63) === 0) return this;
      else if (numBits < 32)
        return fromBits(
          this.low << numBits,
          (this.high << numBits) | (this.low >>> (32 - numBits)),
          this.unsigned,
        );
      else return fromBits(0, this.low << (numBits - 32), this.unsigned);
    };

    /**
     * Returns this Long with bits shifted to the left by the given amount. This is an alias of {@link Long#shiftLeft}.
     * @function
     * @param {number|!Long} numBits Number of bits
     * @returns {!Long} Shifted Long
     */
    LongPrototype.shl = LongPrototype.shiftLeft;

    /**
     * Returns this Long with bits arithmetically shifted to the right by the given amount.
     * @this {!Long}
     * @param {number|!Long} numBits Number of bits
     * @returns {!Long} Shifted Long
     */
    LongPrototype.shiftRight = function shiftRight(numBits) {
      if (isLong(numBits)) numBits = numBits.toInt();
      if ((numBits &= 63) === 0) return this;
      else if (numBits < 32)
        return fromBits(
          (this.low >>> numBits) | (this.high << (32 - numBits)),
          this.high >> numBits,
          this.unsigned,
        );
      else
        return fromBits(
          this.high >> (numBits - 32),
          this.high >= 0 ? 0 : -1,
          this.unsigned,
        );
    };

    /**
     * Returns this Long with bits arithmetically shifted to the right by the given amount. This is an alias of {@link Long#shiftRight}.
     * @function
     * @param {number|!Long} numBits Number of bits
     * @returns {!Long} Shifted Long
     */
    LongPrototype.shr = LongPrototype.shiftRight;

    /**
     * Returns this Long with bits logically shifted to the right by the given amount.
     * @this {!Long}
     * @param {number|!Long} numBits Number of bits
     * @returns {!Long} Shifted Long
     */
    LongPrototype.shiftRightUnsigned = function shiftRightUnsigned(numBits) {
      if (isLong(numBits)) numBits = numBits.toInt();
      if ((numBits &= 63) === 0) return this;
      if (numBits < 32)
        return fromBits(
          (this.low >>> numBits) | (this.high << (32 - numBits)),
          this.high >>> numBits,
          this.unsigned,
        );
      if (numBits === 32) return fromBits(this.high, 0, this.unsigned);
      return fromBits(this.high >>> (numBits - 32), 0, this.unsigned);
    };

    /**
     * Returns this Long with bits logically shifted to the right by the given amount. This is an alias of {@link Long#shiftRightUnsigned}.
     * @function
     * @param {number|!Long} numBits Number of bits
     * @returns {!Long} Shifted Long
     */
    LongPrototype.shru = LongPrototype.shiftRightUnsigned;

    /**
     * Returns this Long with bits logically shifted to the right by the given amount. This is an alias of {@link Long#shiftRightUnsigned}.
     * @function
     * @param {number|!Long} numBits Number of bits
     * @returns {!Long} Shifted Long
     */
    LongPrototype.shr_u = LongPrototype.shiftRightUnsigned;

    /**
     * Returns this Long with bits rotated to the left by the given amount.
     * @this {!Long}
     * @param {number|!Long} numBits Number of bits
     * @returns {!Long} Rotated Long
     */
    LongPrototype.rotateLeft = function rotateLeft(numBits) {
      var b;
      if (isLong(numBits)) numBits = numBits.toInt();
      if ((numBits &= 63) === 0) return this;
      if (numBits === 32) return fromBits(this.high, this.low, this.unsigned);
      if (numBits < 32) {
        b = 32 - numBits;
        return fromBits(
          (this.low << numBits) | (this.high >>> b),
          (this.high << numBits) | (this.low >>> b),
          this.unsigned,
        );
      }
      numBits -= 32;
      b = 32 - numBits;
      return fromBits(
        (this.high << numBits) | (this.low >>> b),
        (this.low << numBits) | (this.high >>> b),
        this.unsigned,
      );
    };
    /**
     * Returns this Long with bits rotated to the left by the given amount. This is an alias of {@link Long#rotateLeft}.
     * @function
     * @param {number|!Long} numBits Number of bits
     * @returns {!Long} Rotated Long
     */
    LongPrototype.rotl = LongPrototype.rotateLeft;

    /**
     * Returns this Long with bits rotated to the right by the given amount.
     * @this {!Long}
     * @param {number|!Long} numBits Number of bits
     * @returns {!Long} Rotated Long
     */
    LongPrototype.rotateRight = function rotateRight(numBits) {
      var b;
      if (isLong(numBits)) numBits = numBits.toInt();
      if ((numBits &= 63) === 0) return this;
      if (numBits === 32) return fromBits(this.high, this.low, this.unsigned);
      if (numBits < 32) {
        b = 32 - numBits;
        return fromBits(
          (this.high << b) | (this.low >>> numBits),
          (this.low << b) | (this.high >>> numBits),
          this.unsigned,
        );
      }
      numBits -= 32;
      b = 32 - numBits;
      return fromBits(
        (this.low << b) | (this.high >>> numBits),
        (this.high << b) | (this.low >>> numBits),
        this.unsigned,
      );
    };
    /**
     * Returns this Long with bits rotated to the right by the given amount. This is an alias of {@link Long#rotateRight}.
     * @function
     * @param {number|!Long} numBits Number of bits
     * @returns {!Long} Rotated Long
     */
    LongPrototype.rotr = LongPrototype.rotateRight;

    /**
     * Converts this Long to signed.
     * @this {!Long}
     * @returns {!Long} Signed long
     */
    LongPrototype.toSigned = function toSigned() {
      if (!this.unsigned) return this;
      return fromBits(this.low, this.high, false);
    };

    /**
     * Converts this Long to unsigned.
     * @this {!Long}
     * @returns {!Long} Unsigned long
     */
    LongPrototype.toUnsigned = function toUnsigned() {
      if (this.unsigned) return this;
      return fromBits(this.low, this.high, true);
    };

    /**
     * Converts this Long to its byte representation.
     * @param {boolean=} le Whether little or big endian, defaults to big endian
     * @this {!Long}
     * @returns {!Array.<number>} Byte representation
     */
    LongPrototype.toBytes = function toBytes(le) {
      return le ? this.toBytesLE() : this.toBytesBE();
    };

    /**
     * Converts this Long to its little endian byte representation.
     * @this {!Long}
     * @returns {!Array.<number>} Little endian byte representation
     */
    LongPrototype.toBytesLE = function toBytesLE() {
      var hi = this.high,
        lo = this.low;
      return [
        lo & 0xff,
        (lo >>> 8) & 0xff,
        (lo >>> 16) & 0xff,
        lo >>> 24,
        hi & 0xff,
        (hi >>> 8) & 0xff,
        (hi >>> 16) & 0xff,
        hi >>> 24,
      ];
    };

    /**
     * Converts this Long to its big endian byte representation.
     * @this {!Long}
     * @returns {!Array.<number>} Big endian byte representation
     */
    LongPrototype.toBytesBE = function toBytesBE() {
      var hi = this.high,
        lo = this.low;
      return [
        hi >>> 24,
        (hi >>> 16) & 0xff,
        (hi >>> 8) & 0xff,
        hi & 0xff,
        lo >>> 24,
        (lo >>> 16) & 0xff,
        (lo >>> 8) & 0xff,
        lo & 0xff,
      ];
    };

    /**
     * Creates a Long from its byte representation.
     * @param {!Array.<number>} bytes Byte representation
     * @param {boolean=} unsigned Whether unsigned or not, defaults to signed
     * @param {boolean=} le Whether little or big endian, defaults to big endian
     * @returns {Long} The corresponding Long value
     */
    Long.fromBytes = function fromBytes(bytes, unsigned, le) {
      return le
        ? Long.fromBytesLE(bytes, unsigned)
        : Long.fromBytesBE(bytes, unsigned);
    };

    /**
     * Creates a Long from its little endian byte representation.
     * @param {!Array.<number>} bytes Little endian byte representation
     * @param {boolean=} unsigned Whether unsigned or not, defaults to signed
     * @returns {Long} The corresponding Long value
     */
    Long.fromBytesLE = function fromBytesLE(bytes, unsigned) {
      return new Long(
        bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24),
        bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24),
        unsigned,
      );
    };

    /**
     * Creates a Long from its big endian byte representation.
     * @param {!Array.<number>} bytes Big endian byte representation
     * @param {boolean=} unsigned Whether unsigned or not, defaults to signed
     * @returns {Long} The corresponding Long value
     */
    Long.fromBytesBE = function fromBytesBE(bytes, unsigned) {
      return new Long(
        (bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7],
        (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3],
        unsigned,
      );
    };

    // Support conversion to/from BigInt where available
    if (typeof BigInt === "function") {
      /**
       * Returns a Long representing the given big integer.
       * @function
       * @param {number} value The big integer value
       * @param {boolean=} unsigned Whether unsigned or not, defaults to signed
       * @returns {!Long} The corresponding Long value
       */
      Long.fromBigInt = function fromBigInt(value, unsigned) {
        var lowBits = Number(BigInt.asIntN(32, value));
        var highBits = Number(BigInt.asIntN(32, value >> BigInt(32)));
        return fromBits(lowBits, highBits, unsigned);
      };

      // Override
      Long.fromValue = function fromValueWithBigInt(value, unsigned) {
        if (typeof value === "bigint") return Long.fromBigInt(value, unsigned);
        return fromValue(value, unsigned);
      };

      /**
       * Converts the Long to its big integer representation.
       * @this {!Long}
       * @returns {bigint}
       */
      LongPrototype.toBigInt = function toBigInt() {
        var lowBigInt = BigInt(this.low >>> 0);
        var highBigInt = BigInt(this.unsigned ? this.high >>> 0 : this.high);
        return (highBigInt << BigInt(32)) | lowBigInt;
      };
    }
    var _default = (_exports.default = Long);
  },
);


/***/ }),

/***/ 365:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

// light library entry point.


module.exports = __nccwpck_require__(253);

/***/ }),

/***/ 0:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


/**
 * Runtime message from/to plain object converters.
 * @namespace
 */
var converter = exports;

var Enum  = __nccwpck_require__(363),
    types = __nccwpck_require__(761),
    util  = __nccwpck_require__(926);

/**
 * Generates a partial value fromObject conveter.
 * @param {Codegen} gen Codegen instance
 * @param {Field} field Reflected field
 * @param {number} fieldIndex Field index
 * @param {string} prop Property reference
 * @param {string} [dstProp] Repeated destination property reference
 * @returns {Codegen} Codegen instance
 * @ignore
 */
function genValuePartial_fromObject(gen, field, fieldIndex, prop, dstProp) {
    /* eslint-disable no-unexpected-multiline, block-scoped-var, no-redeclare */
    if (field.resolvedType) {
        if (field.resolvedType instanceof Enum) {
            var dst = dstProp
                ? "m" + dstProp + "[m" + dstProp + ".length]"
                : "m" + prop;
            gen
            ("switch(d%s){", prop);
            for (var values = field.resolvedType.values, keys = Object.keys(values), i = 0; i < keys.length; ++i) { gen
                ("case%j:", keys[i])
                ("case %i:", values[keys[i]])
                    ("%s=%j", dst, values[keys[i]])
                    ("break");
            }
            gen
                ("default:");
            if (field.resolvedType._features.enum_type !== "CLOSED") {
                gen
                    ("if(typeof d%s===\"number\"&&(d%s|0)===d%s)", prop, prop, prop)
                        ("%s=d%s", dst, prop);
            }
            gen
            ("}");
        } else gen
            ("if(!util.isObject(d%s))", prop)
                ("throw TypeError(%j)", field.fullName + ": object expected")
            ("m%s=types[%i].fromObject(d%s,q+1)", prop, fieldIndex, prop);
    } else {
        var isUnsigned = false;
        switch (field.type) {
            case "double":
            case "float": gen
                ("m%s=Number(d%s)", prop, prop); // also catches "NaN", "Infinity"
                break;
            case "uint32":
            case "fixed32": gen
                ("m%s=d%s>>>0", prop, prop);
                break;
            case "int32":
            case "sint32":
            case "sfixed32": gen
                ("m%s=d%s|0", prop, prop);
                break;
            case "uint64":
            case "fixed64":
                isUnsigned = true;
                // eslint-disable-next-line no-fallthrough
            case "int64":
            case "sint64":
            case "sfixed64": gen
                ("if(util.Long)")
                    ("m%s=util.Long.fromValue(d%s,%j)", prop, prop, isUnsigned)
                ("else if(typeof d%s===\"string\")", prop)
                    ("m%s=parseInt(d%s,10)", prop, prop)
                ("else if(typeof d%s===\"number\")", prop)
                    ("m%s=d%s", prop, prop)
                ("else if(typeof d%s===\"object\")", prop)
                    ("m%s=new util.LongBits(d%s.low>>>0,d%s.high>>>0).toNumber(%s)", prop, prop, prop, isUnsigned ? "true" : "");
                break;
            case "bytes": gen
                ("if(typeof d%s===\"string\")", prop)
                    ("util.base64.decode(d%s,m%s=util.newBuffer(util.base64.length(d%s)),0)", prop, prop, prop)
                ("else if(d%s.length>=0)", prop)
                    ("m%s=d%s", prop, prop);
                break;
            case "string": gen
                ("m%s=String(d%s)", prop, prop);
                break;
            case "bool": gen
                ("m%s=Boolean(d%s)", prop, prop);
                break;
            /* default: gen
                ("m%s=d%s", prop, prop);
                break; */
        }
    }
    return gen;
    /* eslint-enable no-unexpected-multiline, block-scoped-var, no-redeclare */
}

/**
 * Generates a plain object to runtime message converter specific to the specified message type.
 * @param {Type} mtype Message type
 * @returns {Codegen} Codegen instance
 */
converter.fromObject = function fromObject(mtype) {
    /* eslint-disable no-unexpected-multiline, block-scoped-var, no-redeclare */
    var fields = mtype.fieldsArray;
    var gen = util.codegen(["d", "q"])
    ("if(d instanceof C)")
        ("return d")
    ("if(!util.isObject(d))")
        ("throw TypeError(%j)", mtype.fullName + ": object expected")
    ("if(q===undefined)q=0")
    ("if(q>util.recursionLimit)")
        ("throw Error(\"max depth exceeded\")");
    if (!fields.length) return gen
    ("return new C");
    gen
    ("var m=new C");
    for (var i = 0; i < fields.length; ++i) {
        var field  = fields[i].resolve(),
            prop   = util.safeProp(field.name),
            implicitPresence = !field.hasPresence && !field.repeated && !field.map
                && (field.resolvedType instanceof Enum || types.basic[field.type] !== undefined);

        // Map fields
        if (field.map) { gen
    ("if(d%s){", prop)
        ("if(!util.isObject(d%s))", prop)
            ("throw TypeError(%j)", field.fullName + ": object expected")
        ("m%s={}", prop)
        ("for(var ks=Object.keys(d%s),i=0;i<ks.length;++i){", prop);
            gen
        ("if(ks[i]===\"__proto__\")")
            ("util.makeProp(m%s,ks[i])", prop);
            genValuePartial_fromObject(gen, field, /* not sorted */ i, prop + "[ks[i]]")
        ("}")
    ("}");

        // Repeated fields
        } else if (field.repeated) { gen
    ("if(d%s){", prop)
        ("if(!Array.isArray(d%s))", prop)
            ("throw TypeError(%j)", field.fullName + ": array expected");
            if (field.resolvedType instanceof Enum) gen
        ("m%s=[]", prop);
            else gen
        ("m%s=Array(d%s.length)", prop, prop);
            gen
        ("for(var i=0;i<d%s.length;++i){", prop);
            genValuePartial_fromObject(gen, field, /* not sorted */ i, prop + "[i]", field.resolvedType instanceof Enum ? prop : undefined)
        ("}")
    ("}");

        // Non-repeated fields
        } else {
            if (!(field.resolvedType instanceof Enum)) gen // no need to test for null/undefined if an enum (uses switch)
    ("if(d%s!=null){", prop); // !== undefined && !== null
            if (implicitPresence) {
                if (field.resolvedType instanceof Enum) gen
    ("if(d%s!==%j&&(typeof d%s!==\"string\"||types[%i].values[d%s]!==%j)){", prop, field.typeDefault, prop, i, prop, field.typeDefault);
                else if (field.type === "string") gen
    ("if(typeof d%s!==\"string\"||d%s.length){", prop, prop);
                else if (field.type === "bytes") gen
    ("if(d%s.length){", prop);
                else if (field.type === "bool") gen
    ("if(d%s){", prop);
                else if (field.type === "double" || field.type === "float") gen
    ("if(!Object.is(Number(d%s),0)){", prop);
                else if (types.long[field.type] !== undefined) gen
    ("if(typeof d%s===\"object\"?d%s.low||d%s.high:Number(d%s)!==0){", prop, prop, prop, prop);
                else gen
    ("if(Number(d%s)!==0){", prop);
            }
        genValuePartial_fromObject(gen, field, /* not sorted */ i, prop);
            if (implicitPresence) gen
    ("}");
            if (!(field.resolvedType instanceof Enum)) gen
    ("}");
        }
    } return gen
    ("return m");
    /* eslint-enable no-unexpected-multiline, block-scoped-var, no-redeclare */
};

/**
 * Generates a partial value toObject converter.
 * @param {Codegen} gen Codegen instance
 * @param {Field} field Reflected field
 * @param {number} fieldIndex Field index
 * @param {string} dstProp Destination property reference
 * @param {string} [srcProp] Source property reference
 * @returns {Codegen} Codegen instance
 * @ignore
 */
function genValuePartial_toObject(gen, field, fieldIndex, dstProp, srcProp) {
    /* eslint-disable no-unexpected-multiline, block-scoped-var, no-redeclare */
    if (!srcProp)
        srcProp = dstProp;
    if (field.resolvedType) {
        if (field.resolvedType instanceof Enum) gen
            ("d%s=o.enums===String?(types[%i].values[m%s]===undefined?m%s:types[%i].values[m%s]):m%s", dstProp, fieldIndex, srcProp, srcProp, fieldIndex, srcProp, srcProp);
        else gen
            ("d%s=types[%i].toObject(m%s,o,q+1)", dstProp, fieldIndex, srcProp);
    } else {
        var isUnsigned = false;
        switch (field.type) {
            case "double":
            case "float": gen
            ("d%s=o.json&&!isFinite(m%s)?String(m%s):m%s", dstProp, srcProp, srcProp, srcProp);
                break;
            case "uint64":
            case "fixed64":
                isUnsigned = true;
                // eslint-disable-next-line no-fallthrough
            case "int64":
            case "sint64":
            case "sfixed64": gen
            ("if(typeof BigInt!==\"undefined\"&&o.longs===BigInt)")
                ("d%s=typeof m%s===\"number\"?BigInt(m%s):util.Long.fromBits(m%s.low>>>0,m%s.high>>>0,%j).toBigInt()", dstProp, srcProp, srcProp, srcProp, srcProp, isUnsigned)
            ("else if(typeof m%s===\"number\")", srcProp)
                ("d%s=o.longs===String?String(m%s):m%s", dstProp, srcProp, srcProp)
            ("else") // Long-like
                ("d%s=o.longs===String?util.Long.prototype.toString.call(m%s):o.longs===Number?new util.LongBits(m%s.low>>>0,m%s.high>>>0).toNumber(%s):m%s", dstProp, srcProp, srcProp, srcProp, isUnsigned ? "true": "", srcProp);
                break;
            case "bytes": gen
            ("d%s=o.bytes===String?util.base64.encode(m%s,0,m%s.length):o.bytes===Array?Array.prototype.slice.call(m%s):m%s", dstProp, srcProp, srcProp, srcProp, srcProp);
                break;
            default: gen
            ("d%s=m%s", dstProp, srcProp);
                break;
        }
    }
    return gen;
    /* eslint-enable no-unexpected-multiline, block-scoped-var, no-redeclare */
}

/**
 * Generates a runtime message to plain object converter specific to the specified message type.
 * @param {Type} mtype Message type
 * @returns {Codegen} Codegen instance
 */
converter.toObject = function toObject(mtype) {
    /* eslint-disable no-unexpected-multiline, block-scoped-var, no-redeclare */
    var fields = mtype.fieldsArray.slice().sort(util.compareFieldsById);
    if (!fields.length)
        return util.codegen()("return {}");
    var gen = util.codegen(["m", "o", "q"])
    ("if(!o)")
        ("o={}")
    ("if(q===undefined)q=0")
    ("if(q>util.recursionLimit)")
        ("throw Error(\"max depth exceeded\")")
    ("var d={}");

    var repeatedFields = [],
        mapFields = [],
        normalFields = [],
        i = 0;
    for (; i < fields.length; ++i)
        if (!fields[i].partOf)
            ( fields[i].resolve().repeated ? repeatedFields
            : fields[i].map ? mapFields
            : normalFields).push(fields[i]);

    if (repeatedFields.length) { gen
    ("if(o.arrays||o.defaults){");
        for (i = 0; i < repeatedFields.length; ++i) gen
        ("d%s=[]", util.safeProp(repeatedFields[i].name));
        gen
    ("}");
    }

    if (mapFields.length) { gen
    ("if(o.objects||o.defaults){");
        for (i = 0; i < mapFields.length; ++i) gen
        ("d%s={}", util.safeProp(mapFields[i].name));
        gen
    ("}");
    }

    if (normalFields.length) { gen
    ("if(o.defaults){");
        for (i = 0; i < normalFields.length; ++i) {
            var field = normalFields[i],
                prop  = util.safeProp(field.name);
            if (field.resolvedType instanceof Enum) gen
        ("d%s=o.enums===String?%j:%j", prop, field.resolvedType.valuesById[field.typeDefault], field.typeDefault);
            else if (field.long) gen
        ("if(util.Long){")
            ("var n=new util.Long(%i,%i,%j)", field.typeDefault.low, field.typeDefault.high, field.typeDefault.unsigned)
            ("d%s=o.longs===String?n.toString():o.longs===Number?n.toNumber():typeof BigInt!==\"undefined\"&&o.longs===BigInt?n.toBigInt():n", prop)
        ("}else")
            ("d%s=o.longs===String?%j:typeof BigInt!==\"undefined\"&&o.longs===BigInt?BigInt(%j):%i", prop, field.typeDefault.toString(), field.typeDefault.toString(), field.typeDefault.toNumber());
            else if (field.bytes) {
                var arrayDefault = Array.prototype.slice.call(field.typeDefault);
                gen
        ("if(o.bytes===String)d%s=%j", prop, util.base64.encode(field.typeDefault, 0, field.typeDefault.length))
        ("else{")
            ("d%s=%j", prop, arrayDefault)
            ("if(o.bytes!==Array)d%s=util.newBuffer(d%s)", prop, prop)
        ("}");
            } else if ((field.type === "double" || field.type === "float") && typeof field.typeDefault === "number"
                    && (!isFinite(field.typeDefault) || Object.is(field.typeDefault, -0))) gen
        ("d%s=%f", prop, field.typeDefault)
        ("if(o.json&&!isFinite(d%s))d%s=String(d%s)", prop, prop, prop);
            else gen
        ("d%s=%j", prop, field.typeDefault); // also messages (=null)
        } gen
    ("}");
    }
    var hasKs2 = false;
    for (i = 0; i < fields.length; ++i) {
        var field = fields[i],
            index = mtype._fieldsArray.indexOf(field),
            prop  = util.safeProp(field.name);
        if (field.map) {
            if (!hasKs2) { hasKs2 = true; gen
    ("var ks2");
            } gen
    ("if(m%s&&(ks2=Object.keys(m%s)).length){", prop, prop)
        ("d%s={}", prop);
            var longKey = types.long[field.keyType] !== undefined,
                srcProp = prop + "[ks2[j]]";
            gen
        ("for(var j=0;j<ks2.length;++j){");
            if (longKey) gen
            ("var k2=util.longFromKey(ks2[j],%j).toString()", field.keyType === "uint64" || field.keyType === "fixed64");
            gen
        ("if(ks2[j]===\"__proto__\")")
            ("util.makeProp(d%s,ks2[j])", prop);
            genValuePartial_toObject(gen, field, /* sorted */ index, longKey ? prop + "[k2]" : srcProp, srcProp)
        ("}");
        } else if (field.repeated) { gen
    ("if(m%s&&m%s.length){", prop, prop)
        ("d%s=Array(m%s.length)", prop, prop)
        ("for(var j=0;j<m%s.length;++j){", prop);
            genValuePartial_toObject(gen, field, /* sorted */ index, prop + "[j]")
        ("}");
        } else { gen
    ("if(m%s!=null&&Object.hasOwnProperty.call(m,%j)){", prop, field.name); // !== undefined && !== null
        genValuePartial_toObject(gen, field, /* sorted */ index, prop);
        if (field.partOf && !field.partOf.isProto3Optional) gen
        ("if(o.oneofs)")
            ("d%s=%j", util.safeProp(field.partOf.name), field.name);
        }
        gen
    ("}");
    }
    return gen
    ("return d");
    /* eslint-enable no-unexpected-multiline, block-scoped-var, no-redeclare */
};


/***/ }),

/***/ 224:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = decoder;

var Enum    = __nccwpck_require__(363),
    types   = __nccwpck_require__(761),
    util    = __nccwpck_require__(926);

function missing(field) {
    return "missing required '" + field.name + "'";
}

function stringMethod(field) {
    return field._features.utf8_validation === "VERIFY" ? "stringVerify" : "string";
}

function genPreserveUnknown(gen, ref) {
    /* eslint-disable no-unexpected-multiline */
    return gen
        ("if(!r.discardUnknown){")
            ("util.makeProp(m,\"$unknowns\",false);")
            ("(m.$unknowns||(m.$unknowns=[])).push(%s)", ref)
        ("}");
    /* eslint-enable no-unexpected-multiline */
}

/**
 * Generates a decoder specific to the specified message type.
 * @param {Type} mtype Message type
 * @returns {Codegen} Codegen instance
 */
function decoder(mtype) {
    /* eslint-disable no-unexpected-multiline */
    var hasMapField = false,
        needsValueVar = false,
        i = 0;
    for (; i < mtype.fieldsArray.length; ++i) {
        var pfield = mtype._fieldsArray[i];
        if (pfield.map)
            hasMapField = true;
        if (pfield.resolvedType instanceof Enum || !pfield.repeated && !pfield.map && !pfield.hasPresence)
            needsValueVar = true;
    }
    var gen = util.codegen(["r", "l", "z", "q", "g"])
    ("if(!(r instanceof Reader))")
        ("r=Reader.create(r)")
    ("if(q===undefined)q=0")
    ("if(q>Reader.recursionLimit)")
        ("throw Error(\"max depth exceeded\")")
    ("var c,m" + (hasMapField ? ",k,v" : needsValueVar ? ",v" : ""))
    ("if(l===undefined)")
        ("c=r.len")
    ("else{")
        ("c=r.pos+l")
        ("if(c>r.len)")
            ("throw RangeError(\"index out of range\")")
        ("l=r.len")
        ("r.len=c")
    ("}")
    ("m=g||new C")
    ("while(r.pos<c){")
        ("var s=r.pos")
        ("var t=r.tag()")
        ("if(t===z){")
            ("z=undefined")
            ("break")
        ("}");
    if (mtype.fieldsArray.length) gen
        ("var u=t&7")
        ("switch(t>>>=3){");
    for (i = 0; i < /* initializes */ mtype.fieldsArray.length; ++i) {
        var field  = mtype._fieldsArray[i].resolve(),
            type   = field.resolvedType instanceof Enum ? "int32" : field.type,
            ref    = "m" + util.safeProp(field.name),
            closed = field.resolvedType instanceof Enum && field.resolvedType._features.enum_type === "CLOSED";

        // Map fields
        if (field.map) {
            gen
            ("case %i:{", field.id)
                ("if(u!==2)")
                    ("break");
            if (!closed) gen
                ("if(%s===util.emptyObject)", ref)
                    ("%s={}", ref);
            gen
                ("var c2=r.size()+r.pos")
                ("if(c2>r.len)")
                    ("throw RangeError(\"index out of range\")")
                ("r.len=c2");

            if (types.defaults[field.keyType] !== undefined) gen
                ("k=%j", types.defaults[field.keyType]);
            else gen
                ("k=null");

            if (types.long[type] !== undefined) gen
                ("v=util.Long?util.Long.fromNumber(0,%j):0", type === "uint64" || type === "fixed64");
            else if (types.defaults[type] !== undefined) gen
                ("v=%j", types.defaults[type]);
            else gen
                ("v=null");

            gen
                ("while(r.pos<c2){")
                    ("var t2=r.tag()")
                    ("u=t2&7")
                    ("switch(t2>>>=3){")
                        ("case 1:")
                            ("if(u!==%i)", types.mapKey[field.keyType])
                                ("break")
                            ("k=r.%s()", field.keyType === "string" ? stringMethod(field) : field.keyType)
                            ("continue")
                        ("case 2:")
                            ("if(u!==%i)", types.basic[type] === undefined ? 2 : types.basic[type])
                                ("break");

            if (types.basic[type] === undefined) gen
                            ("v=types[%i].decode(r,r.size(),undefined,q+1,v)", i); // can't be groups
            else gen
                            ("v=r.%s()", type === "string" ? stringMethod(field) : type);

            gen
                            ("continue")
                    ("}")
                    ("r.skipType(u,q,t2)")
                ("}");
            gen
                ("if(r.pos!==c2)")
                    ("throw RangeError(\"index out of range\")")
                ("r.len=c");

            if (closed) { gen
                ("if(types[%i].valuesById[v]===undefined){", i);
                    genPreserveUnknown(gen, "r.raw(s,r.pos)")
                    ("continue")
                ("}")
                ("if(%s===util.emptyObject)", ref)
                    ("%s={}", ref);
            }

            var val = types.basic[type] === undefined ? "v||new types[" + i + "].ctor" : "v";
            if (types.long[field.keyType] !== undefined) gen
                ("%s[typeof k===\"object\"?util.longToHash(k):k]=%s", ref, val);
            else {
                if (field.keyType === "string") gen
                ("if(k===\"__proto__\")")
                    ("util.makeProp(%s,k)", ref);
                gen
                ("%s[k]=%s", ref, val);
            }

        // Repeated fields
        } else if (field.repeated) { gen
            ("case %i:", field.id)
            ("{");

            // Packable (always check for forward and backward compatiblity)
            if (types.packed[type] !== undefined) {
                gen
                ("if(u===2){");
                if (closed) {
                    gen
                    ("var c2=r.size()+r.pos")
                    ("if(c2>r.len)")
                        ("throw RangeError(\"index out of range\")")
                    ("r.len=c2")
                    ("while(r.pos<c2){")
                        ("s=r.pos")
                        ("v=r.%s()", type)
                        ("if(types[%i].valuesById[v]!==undefined){", i)
                            ("if(!(%s&&%s.length))", ref, ref)
                                ("%s=[]", ref)
                            ("%s.push(v)", ref)
                        ("}else");
                            genPreserveUnknown(gen, "util.rawField(" + field.id + ",0,r.raw(s,r.pos))")
                    ("}");
                    gen
                    ("if(r.pos!==c2)")
                        ("throw RangeError(\"index out of range\")")
                    ("r.len=c");
                } else gen
                    ("if(!(%s&&%s.length))", ref, ref)
                        ("%s=[]", ref)
                    ("r.%ss(%s)", type, ref);
                gen
                    ("continue")
                ("}");
            }

            // Non-packed
            gen
                ("if(u!==%i)", types.basic[type] === undefined ? field.delimited ? 3 : 2 : types.basic[type])
                    ("break");
            if (!closed) gen
                ("if(!(%s&&%s.length))", ref, ref)
                    ("%s=[]", ref);
            if (types.basic[type] === undefined) {
                if (field.delimited) gen
                    ("%s.push(types[%i].decode(r,undefined,%i,q+1))", ref, i, field.id * 8 + 4);
                else gen
                    ("%s.push(types[%i].decode(r,r.size(),undefined,q+1))", ref, i);
            } else if (closed) { gen
                    ("v=r.%s()", type)
                    ("if(types[%i].valuesById[v]!==undefined){", i)
                        ("if(!(%s&&%s.length))", ref, ref)
                            ("%s=[]", ref)
                        ("%s.push(v)", ref)
                    ("}else");
                        genPreserveUnknown(gen, "r.raw(s,r.pos)");
            } else gen
                    ("%s.push(r.%s())", ref, type === "string" ? stringMethod(field) : type);

        // Non-repeated
        } else if (types.basic[type] === undefined) {
            gen
            ("case %i:{", field.id)
                ("if(u!==%i)", field.delimited ? 3 : 2)
                    ("break");
            if (field.delimited) gen
                ("%s=types[%i].decode(r,undefined,%i,q+1,%s)", ref, i, field.id * 8 + 4, ref);
            else gen
                ("%s=types[%i].decode(r,r.size(),undefined,q+1,%s)", ref, i, ref);
        }
        else if (field.hasPresence) {
            gen
            ("case %i:{", field.id)
                ("if(u!==%i)", types.basic[type])
                    ("break");
            if (closed) { gen
                ("v=r.%s()", type)
                ("if(types[%i].valuesById[v]!==undefined){", i)
                    ("%s=v", ref);
                if (field.partOf) gen
                    ("m%s=%j", util.safeProp(field.partOf.name), field.name);
                gen
                ("}else");
                    genPreserveUnknown(gen, "r.raw(s,r.pos)");
            } else gen
                ("%s=r.%s()", ref, type === "string" ? stringMethod(field) : type);
        } else {
            gen
            ("case %i:{", field.id)
                ("if(u!==%i)", types.basic[type])
                    ("break");
            if (closed) { gen
                ("v=r.%s()", type)
                ("if(types[%i].valuesById[v]!==undefined){", i)
                    ("if(v!==%j)", field.typeDefault)
                        ("%s=v", ref)
                    ("else")
                        ("delete %s", ref)
                ("}else{");
                    genPreserveUnknown(gen, "r.raw(s,r.pos)")
                ("}");
            } else {
                if (field.resolvedType instanceof Enum && field.typeDefault !== 0) gen
                    // TODO: Protoc rejects open enums whose first value is not zero.
                    // We should do the same, but for v8 this would be a regression.
                    ("if((v=r.%s())!==%j)", type, field.typeDefault);
                else if (type === "string") gen
                    ("if((v=r.%s()).length)", stringMethod(field));
                else if (type === "bytes") gen
                    ("if((v=r.%s()).length)", type);
                else if (types.long[type] !== undefined) gen
                    ("if(typeof(v=r.%s())===\"object\"?v.low||v.high:v!==0)", type);
                else if (type === "double" || type === "float") gen
                    ("if(!Object.is(v=r.%s(),0))", type);
                else gen
                    ("if(v=r.%s())", type);
                gen
                        ("%s=v", ref)
                    ("else")
                        ("delete %s", ref); // rare/odd case: later default clears earlier non-default
            }
        }
        if (field.partOf && !closed) gen
                ("m%s=%j", util.safeProp(field.partOf.name), field.name);
        gen
                ("continue")
            ("}");
    }
    if (i) gen
        ("}");
    // Unknown fields
    gen
        ("r.skipType(%s,q,t)", i ? "u" : "t&7");
    genPreserveUnknown(gen, "r.raw(s,r.pos)")
    ("}")
    ("if(l!==undefined){")
        ("if(r.pos!==c)")
            ("throw RangeError(\"index out of range\")")
        ("r.len=l")
    ("}")
    ("if(z!==undefined)")
        ("throw Error(\"missing end group\")");

    // Field presence
    for (i = 0; i < mtype._fieldsArray.length; ++i) {
        var rfield = mtype._fieldsArray[i];
        if (rfield.required) gen
    ("if(!Object.hasOwnProperty.call(m,%j))", rfield.name)
        ("throw util.ProtocolError(%j,{instance:m})", missing(rfield));
    }

    return gen
    ("return m");
    /* eslint-enable no-unexpected-multiline */
}


/***/ }),

/***/ 880:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = encoder;

var Enum     = __nccwpck_require__(363),
    types    = __nccwpck_require__(761),
    util     = __nccwpck_require__(926);

/**
 * Generates a partial message type encoder.
 * @param {Codegen} gen Codegen instance
 * @param {Field} field Reflected field
 * @param {number} fieldIndex Field index
 * @param {string} ref Variable reference
 * @returns {Codegen} Codegen instance
 * @ignore
 */
function genTypePartial(gen, field, fieldIndex, ref) {
    return field.delimited
        ? gen("types[%i].encode(%s,w.uint32(%i),q+1).uint32(%i)", fieldIndex, ref, (field.id << 3 | 3) >>> 0, (field.id << 3 | 4) >>> 0)
        : gen("types[%i].encode(%s,w.uint32(%i).fork(),q+1).ldelim()", fieldIndex, ref, (field.id << 3 | 2) >>> 0);
}

/**
 * Generates an encoder specific to the specified message type.
 * @param {Type} mtype Message type
 * @returns {Codegen} Codegen instance
 */
function encoder(mtype) {
    /* eslint-disable no-unexpected-multiline, block-scoped-var, no-redeclare */
    var gen = util.codegen(["m", "w", "q"])
    ("if(!w)")
        ("w=Writer.create()")
    ("if(q===undefined)q=0")
    ("if(q>util.recursionLimit)")
        ("throw Error(\"max depth exceeded\")");

    var i, ref;

    // "when a message is serialized its known fields should be written sequentially by field number"
    var fields = /* initializes */ mtype.fieldsArray.slice().sort(util.compareFieldsById);

    for (var i = 0; i < fields.length; ++i) {
        var field    = fields[i].resolve(),
            index    = mtype._fieldsArray.indexOf(field),
            type     = field.resolvedType instanceof Enum ? "int32" : field.type,
            wireType = types.basic[type];
            ref      = "m" + util.safeProp(field.name);

        // Map fields
        if (field.map) {
            gen
    ("if(%s!=null&&Object.hasOwnProperty.call(m,%j)){", ref, field.name) // !== undefined && !== null
        ("for(var ks=Object.keys(%s),i=0;i<ks.length;++i){", ref);
            if (field.keyType === "bool") gen
            ("w.uint32(%i).fork().uint32(%i).bool(util.boolFromKey(ks[i]))", (field.id << 3 | 2) >>> 0, 8 | types.mapKey[field.keyType]);
            else if (types.long[field.keyType] !== undefined) gen
            ("w.uint32(%i).fork().uint32(%i).%s(util.longFromKey(ks[i],%j))", (field.id << 3 | 2) >>> 0, 8 | types.mapKey[field.keyType], field.keyType, field.keyType === "uint64" || field.keyType === "fixed64");
            else gen
            ("w.uint32(%i).fork().uint32(%i).%s(ks[i])", (field.id << 3 | 2) >>> 0, 8 | types.mapKey[field.keyType], field.keyType);
            if (wireType === undefined) gen
            ("types[%i].encode(%s[ks[i]],w.uint32(18).fork(),q+1).ldelim().ldelim()", index, ref); // can't be groups
            else gen
            (".uint32(%i).%s(%s[ks[i]]).ldelim()", 16 | wireType, type, ref);
            gen
        ("}")
    ("}");

            // Repeated fields
        } else if (field.repeated) { gen
    ("if(%s!=null&&%s.length){", ref, ref); // !== undefined && !== null

            // Packed repeated
            if (field.packed && types.packed[type] !== undefined) { gen

        ("w.uint32(%i).%ss(%s)", (field.id << 3 | 2) >>> 0, type, ref);

            // Non-packed
            } else { gen

        ("for(var i=0;i<%s.length;++i)", ref);
                if (wireType === undefined)
            genTypePartial(gen, field, index, ref + "[i]");
                else gen
            ("w.uint32(%i).%s(%s[i])", (field.id << 3 | wireType) >>> 0, type, ref);

            } gen
    ("}");

        // Non-repeated
        } else {
            if (!field.required)
                if (field.hasPresence || !(field.resolvedType instanceof Enum || types.basic[type] !== undefined)) gen
    ("if(%s!=null&&Object.hasOwnProperty.call(m,%j))", ref, field.name); // !== undefined && !== null
                else if (field.resolvedType instanceof Enum) gen
    ("if(%s!=null&&Object.hasOwnProperty.call(m,%j)&&%s!==%j)", ref, field.name, ref, field.typeDefault);
                else if (type === "bool") gen
    ("if(%s!=null&&Object.hasOwnProperty.call(m,%j)&&%s!==false)", ref, field.name, ref);
                else if (type === "string") gen
    ("if(%s!=null&&Object.hasOwnProperty.call(m,%j)&&%s!==\"\")", ref, field.name, ref);
                else if (type === "bytes") gen
    ("if(%s!=null&&Object.hasOwnProperty.call(m,%j)&&%s.length)", ref, field.name, ref);
                else if (type === "double" || type === "float") gen
    ("if(%s!=null&&Object.hasOwnProperty.call(m,%j)&&!Object.is(%s,0))", ref, field.name, ref);
                else if (types.long[type] !== undefined) gen
    ("if(%s!=null&&Object.hasOwnProperty.call(m,%j)&&(typeof %s===\"object\"?%s.low||%s.high:%s!==0))", ref, field.name, ref, ref, ref, ref);
                else gen
    ("if(%s!=null&&Object.hasOwnProperty.call(m,%j)&&%s!==0)", ref, field.name, ref);

            if (wireType === undefined)
        genTypePartial(gen, field, index, ref);
            else gen
        ("w.uint32(%i).%s(%s)", (field.id << 3 | wireType) >>> 0, type, ref);

        }
    }

    return gen
    ("if(m.$unknowns!=null&&Object.hasOwnProperty.call(m,\"$unknowns\"))")
        ("for(var i=0;i<m.$unknowns.length;++i)")
            ("w.raw(m.$unknowns[i])")
    ("return w");
    /* eslint-enable no-unexpected-multiline, block-scoped-var, no-redeclare */
}


/***/ }),

/***/ 363:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = Enum;

// extends ReflectionObject
var ReflectionObject = __nccwpck_require__(385);
Enum.prototype = Object.create(ReflectionObject.prototype, {
    constructor: {
        value: Enum,
        writable: true,
        enumerable: false,
        configurable: true
    }
});
Enum.className = "Enum";

var Namespace = __nccwpck_require__(731),
    util = __nccwpck_require__(926);

/**
 * Constructs a new enum instance.
 * @classdesc Reflected enum.
 * @extends ReflectionObject
 * @constructor
 * @param {string} name Unique name within its namespace
 * @param {Object.<string,number>} [values] Enum values as an object, by name
 * @param {Object.<string,*>} [options] Declared options
 * @param {string} [comment] The comment for this enum
 * @param {Object.<string,string|null>} [comments] The value comments for this enum
 * @param {Object.<string,Object<string,*>>|undefined} [valuesOptions] The value options for this enum
 */
function Enum(name, values, options, comment, comments, valuesOptions) {
    ReflectionObject.call(this, name, options);

    if (values && typeof values !== "object")
        throw TypeError("values must be an object");

    /**
     * Enum values by id.
     * @type {Object.<number,string>}
     */
    this.valuesById = Object.create(null);

    /**
     * Enum values by name.
     * @type {Object.<string,number>}
     */
    this.values = Object.create(this.valuesById); // toJSON, marker

    /**
     * Enum comment text.
     * @type {string|null}
     */
    this.comment = comment;

    /**
     * Value comment texts, if any.
     * @type {Object.<string,string|null>}
     */
    this.comments = comments || {};

    /**
     * Values options, if any
     * @type {Object<string, Object<string, *>>|undefined}
     */
    this.valuesOptions = valuesOptions;

    /**
     * Resolved values features, if any
     * @type {Object<string, Object<string, *>>|undefined}
     */
    this._valuesFeatures = {};

    /**
     * Reserved ranges, if any.
     * @type {Array.<number[]|string>}
     */
    this.reserved = undefined; // toJSON

    /**
     * Declared symbol visibility, if any.
     * @type {"local"|"export"|undefined}
     */
    this.visibility = undefined; // toJSON

    // Note that values inherit valuesById on their prototype which makes them a TypeScript-
    // compatible enum. This is used by pbts to write actual enum definitions that work for
    // static and reflection code alike instead of emitting generic object definitions.

    if (values)
        for (var keys = Object.keys(values), i = 0; i < keys.length; ++i)
            if (keys[i] !== "__proto__" && typeof values[keys[i]] === "number") { // use forward entries only
                this.values[keys[i]] = values[keys[i]];
                if (this.valuesById[values[keys[i]]] === undefined)
                    this.valuesById[values[keys[i]]] = keys[i];
            }
}

/**
 * @override
 */
Enum.prototype._resolveFeatures = function _resolveFeatures(edition) {
    edition = this._edition || edition;
    ReflectionObject.prototype._resolveFeatures.call(this, edition);

    Object.keys(this.values).forEach(key => {
        var parentFeaturesCopy = util.merge({}, this._features);
        this._valuesFeatures[key] = util.merge(parentFeaturesCopy, this.valuesOptions && this.valuesOptions[key] && this.valuesOptions[key].features || {});
    });

    return this;
};

/**
 * Enum descriptor.
 * @interface IEnum
 * @property {string} [edition] Edition
 * @property {Object.<string,number>} values Enum values
 * @property {Object.<string,*>} [options] Enum options
 * @property {Object.<string,Object.<string,*>>} [valuesOptions] Enum value options
 * @property {Array.<number[]|string>} [reserved] Reserved ranges
 * @property {"local"|"export"} [visibility] Declared symbol visibility
 * @property {string|null} [comment] Enum comment
 * @property {Object.<string,string|null>} [comments] Value comments
 */

/**
 * Constructs an enum from an enum descriptor.
 * @param {string} name Enum name
 * @param {IEnum} json Enum descriptor
 * @returns {Enum} Created enum
 * @throws {TypeError} If arguments are invalid
 */
Enum.fromJSON = function fromJSON(name, json) {
    var enm = new Enum(name, json.values, json.options, json.comment, json.comments, json.valuesOptions);
    enm.reserved = json.reserved;
    if (json.visibility)
        enm.visibility = json.visibility;
    if (json.edition)
        enm._edition = json.edition;
    enm._defaultEdition = "proto3";  // For backwards-compatibility.
    return enm;
};

/**
 * Converts this enum to an enum descriptor.
 * @param {IToJSONOptions} [toJSONOptions] JSON conversion options
 * @returns {IEnum} Enum descriptor
 */
Enum.prototype.toJSON = function toJSON(toJSONOptions) {
    var keepComments = toJSONOptions ? Boolean(toJSONOptions.keepComments) : false;
    return util.toObject([
        "edition"       , this._editionToJSON(),
        "options"       , this.options,
        "valuesOptions" , this.valuesOptions,
        "values"        , this.values,
        "reserved"      , this.reserved && this.reserved.length ? this.reserved : undefined,
        "visibility"    , this.visibility,
        "comment"       , keepComments ? this.comment : undefined,
        "comments"      , keepComments ? this.comments : undefined
    ]);
};

/**
 * Adds a value to this enum.
 * @param {string} name Value name
 * @param {number} id Value id
 * @param {string} [comment] Comment, if any
 * @param {Object.<string, *>|undefined} [options] Options, if any
 * @returns {Enum} `this`
 * @throws {TypeError} If arguments are invalid
 * @throws {Error} If there is already a value with this name or id
 */
Enum.prototype.add = function add(name, id, comment, options) {
    // utilized by the parser but not by .fromJSON

    if (!util.isString(name))
        throw TypeError("name must be a string");

    if (!util.isInteger(id))
        throw TypeError("id must be an integer");

    if (name === "__proto__")
        return this;

    if (this.values[name] !== undefined)
        throw Error("duplicate name '" + name + "' in " + this);

    if (this.isReservedId(id))
        throw Error("id " + id + " is reserved in " + this);

    if (this.isReservedName(name))
        throw Error("name '" + name + "' is reserved in " + this);

    if (this.valuesById[id] !== undefined) {
        if (!(this.options && this.options.allow_alias))
            throw Error("duplicate id " + id + " in " + this);
        this.values[name] = id;
    } else
        this.valuesById[this.values[name] = id] = name;

    if (options) {
        if (this.valuesOptions === undefined)
            this.valuesOptions = {};
        this.valuesOptions[name] = options || null;
    }

    this.comments[name] = comment || null;
    return this;
};

/**
 * Removes a value from this enum
 * @param {string} name Value name
 * @returns {Enum} `this`
 * @throws {TypeError} If arguments are invalid
 * @throws {Error} If `name` is not a name of this enum
 */
Enum.prototype.remove = function remove(name) {

    if (!util.isString(name))
        throw TypeError("name must be a string");

    var val = this.values[name];
    if (val == null)
        throw Error("name '" + name + "' does not exist in " + this);

    delete this.valuesById[val];
    delete this.values[name];
    delete this.comments[name];
    if (this.valuesOptions)
        delete this.valuesOptions[name];

    return this;
};

/**
 * Tests if the specified id is reserved.
 * @param {number} id Id to test
 * @returns {boolean} `true` if reserved, otherwise `false`
 */
Enum.prototype.isReservedId = function isReservedId(id) {
    return Namespace.isReservedId(this.reserved, id);
};

/**
 * Tests if the specified name is reserved.
 * @param {string} name Name to test
 * @returns {boolean} `true` if reserved, otherwise `false`
 */
Enum.prototype.isReservedName = function isReservedName(name) {
    return Namespace.isReservedName(this.reserved, name);
};


/***/ }),

/***/ 792:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = Field;

// extends ReflectionObject
var ReflectionObject = __nccwpck_require__(385);
Field.prototype = Object.create(ReflectionObject.prototype, {
    constructor: {
        value: Field,
        writable: true,
        enumerable: false,
        configurable: true
    }
});
Field.className = "Field";

var Enum  = __nccwpck_require__(363),
    types = __nccwpck_require__(761),
    util  = __nccwpck_require__(926);

var Type; // cyclic

var ruleRe = /^(?:required|optional|repeated)$/;

/**
 * Constructs a new message field instance. Note that {@link MapField|map fields} have their own class.
 * @name Field
 * @classdesc Reflected message field.
 * @extends FieldBase
 * @constructor
 * @param {string} name Unique name within its namespace
 * @param {number} id Unique id within its namespace
 * @param {string} type Value type
 * @param {string|Object.<string,*>} [rule="optional"] Field rule
 * @param {string|Object.<string,*>} [extend] Extended type if different from parent
 * @param {Object.<string,*>} [options] Declared options
 */

/**
 * Constructs a field from a field descriptor.
 * @param {string} name Field name
 * @param {IField} json Field descriptor
 * @returns {Field} Created field
 * @throws {TypeError} If arguments are invalid
 */
Field.fromJSON = function fromJSON(name, json) {
    var field = new Field(name, json.id, json.type, json.rule, json.extend, json.options, json.comment);
    if (json.edition)
        field._edition = json.edition;
    if (json.protoName)
        field.protoName = json.protoName;
    if (json.jsonName !== undefined)
        field.jsonName = json.jsonName;
    else if (json.options && json.options.json_name !== undefined)
        field.jsonName = json.options.json_name;
    field._defaultEdition = "proto3";  // For backwards-compatibility.
    return field;
};

/**
 * Not an actual constructor. Use {@link Field} instead.
 * @classdesc Base class of all reflected message fields. This is not an actual class but here for the sake of having consistent type definitions.
 * @exports FieldBase
 * @extends ReflectionObject
 * @constructor
 * @param {string} name Unique name within its namespace
 * @param {number} id Unique id within its namespace
 * @param {string} type Value type
 * @param {string|Object.<string,*>} [rule="optional"] Field rule
 * @param {string|Object.<string,*>} [extend] Extended type if different from parent
 * @param {Object.<string,*>} [options] Declared options
 * @param {string} [comment] Comment associated with this field
 */
function Field(name, id, type, rule, extend, options, comment) {

    if (util.isObject(rule)) {
        comment = extend;
        options = rule;
        rule = extend = undefined;
    } else if (util.isObject(extend)) {
        comment = options;
        options = extend;
        extend = undefined;
    }

    ReflectionObject.call(this, name, options);

    if (!util.isInteger(id) || id < 0)
        throw TypeError("id must be a non-negative integer");

    if (!util.isString(type))
        throw TypeError("type must be a string");

    if (rule !== undefined && !ruleRe.test(rule = rule.toString().toLowerCase()))
        throw TypeError("rule must be a string rule");

    if (extend !== undefined && !util.isString(extend))
        throw TypeError("extend must be a string");

    /**
     * Field rule, if any.
     * @type {string|undefined}
     */
    this.rule = rule && rule !== "optional" ? rule : undefined; // toJSON

    /**
     * Field type.
     * @type {string}
     */
    this.type = type; // toJSON

    /**
     * Unique field id.
     * @type {number}
     */
    this.id = id; // toJSON, marker

    /**
     * Extended type if different from parent.
     * @type {string|undefined}
     */
    this.extend = extend || undefined; // toJSON

    /**
     * Whether this field is repeated.
     * @type {boolean}
     */
    this.repeated = rule === "repeated";

    /**
     * Whether this field is a map or not.
     * @type {boolean}
     */
    this.map = false;

    /**
     * Message this field belongs to.
     * @type {Type|null}
     */
    this.message = null;

    /**
     * OneOf this field belongs to, if any,
     * @type {OneOf|null}
     */
    this.partOf = null;

    /**
     * The field type's default value.
     * @type {*}
     */
    this.typeDefault = null;

    /**
     * The field's default value on prototypes.
     * @type {*}
     */
    this.defaultValue = null;

    /**
     * Whether this field's value should be treated as a long.
     * @type {boolean}
     */
    this.long = util.Long ? types.long[type] !== undefined : /* istanbul ignore next */ false;

    /**
     * Whether this field's value is a buffer.
     * @type {boolean}
     */
    this.bytes = type === "bytes";

    /**
     * Resolved type if not a basic type.
     * @type {Type|Enum|null}
     */
    this.resolvedType = null;

    /**
     * Sister-field within the extended type if a declaring extension field.
     * @type {Field|null}
     */
    this.extensionField = null;

    /**
     * Sister-field within the declaring namespace if an extended field.
     * @type {Field|null}
     */
    this.declaringField = null;

    /**
     * Comment for this field.
     * @type {string|null}
     */
    this.comment = comment;

    /**
     * Field name as declared in the .proto source, if different from `name`.
     * @type {string|undefined}
     */
    this.protoName = undefined;

    /**
     * JSON name, if different from the derived default.
     * @type {string|undefined}
     */
    this.jsonName = undefined;
}

/**
 * Determines whether this field is required.
 * @name Field#required
 * @type {boolean}
 * @readonly
 */
Object.defineProperty(Field.prototype, "required", {
    get: function() {
        return this._features.field_presence === "LEGACY_REQUIRED";
    }
});

/**
 * Determines whether this field is not required.
 * @name Field#optional
 * @type {boolean}
 * @readonly
 */
Object.defineProperty(Field.prototype, "optional", {
    get: function() {
        return !this.required;
    }
});

/**
 * Determines whether this field uses tag-delimited encoding.  In proto2 this
 * corresponded to group syntax.
 * @name Field#delimited
 * @type {boolean}
 * @readonly
 */
Object.defineProperty(Field.prototype, "delimited", {
    get: function() {
        return this.resolvedType instanceof Type &&
            this._features.message_encoding === "DELIMITED";
    }
});

/**
 * Determines whether this field is packed. Only relevant when repeated.
 * @name Field#packed
 * @type {boolean}
 * @readonly
 */
Object.defineProperty(Field.prototype, "packed", {
    get: function() {
        return this._features.repeated_field_encoding === "PACKED";
    }
});

/**
 * Determines whether this field tracks presence.
 * @name Field#hasPresence
 * @type {boolean}
 * @readonly
 */
Object.defineProperty(Field.prototype, "hasPresence", {
    get: function() {
        if (this.repeated || this.map) {
            return false;
        }
        return this.partOf || // oneofs
            this.declaringField || this.extensionField || // extensions
            this._features.field_presence !== "IMPLICIT";
    }
});

/**
 * The field name as declared in the .proto source (snake_case). Populated on resolve,
 * falling back to `name`. Mirrors `FieldDescriptorProto.name`.
 * @name Field#protoName
 * @type {string}
 * @readonly
 */

/**
 * The JSON name of this field (lowerCamelCase per protoc's `ToJsonName`, or an
 * explicit `[json_name]`). Populated on resolve. This is the key used on ProtoJSON output.
 * @name Field#jsonName
 * @type {string}
 * @readonly
 */

/**
 * @override
 */
Field.prototype.setOption = function setOption(name, value, ifNotSet) {
    return ReflectionObject.prototype.setOption.call(this, name, value, ifNotSet);
};

/**
 * Field descriptor.
 * @interface IField
 * @property {string} [edition] Edition
 * @property {string} [rule="optional"] Field rule
 * @property {string} type Field type
 * @property {number} id Field id
 * @property {Object.<string,*>} [options] Field options
 * @property {string|null} [comment] Field comment
 */

/**
 * Extension field descriptor.
 * @interface IExtensionField
 * @extends IField
 * @property {string} extend Extended type
 */

/**
 * Converts this field to a field descriptor.
 * @param {IToJSONOptions} [toJSONOptions] JSON conversion options
 * @returns {IField} Field descriptor
 */
Field.prototype.toJSON = function toJSON(toJSONOptions) {
    var keepComments = toJSONOptions ? Boolean(toJSONOptions.keepComments) : false;
    return util.toObject([
        "edition"      , this._editionToJSON(),
        "rule"         , this.rule !== "optional" && this.rule || undefined,
        "type"         , this.type,
        "id"           , this.id,
        "extend"       , this.extend,
        "protoName"    , this.protoName !== this.name ? this.protoName : undefined,
        "jsonName"     , this.jsonName !== util.jsonName(this.protoName || this.name) ? this.jsonName : undefined,
        "options"      , this.options,
        "comment"      , keepComments ? this.comment : undefined
    ]);
};

/**
 * Resolves this field's type references.
 * @returns {Field} `this`
 * @throws {Error} If any reference cannot be resolved
 */
Field.prototype.resolve = function resolve() {

    if (this.resolved)
        return this;

    if ((this.typeDefault = types.defaults[this.type]) === undefined) { // if not a basic type, resolve it
        this.resolvedType = (this.declaringField ? this.declaringField.parent : this.parent).lookupTypeOrEnum(this.type);
        if (this.resolvedType instanceof Type)
            this.typeDefault = null;
        else // instanceof Enum
            this.typeDefault = this.resolvedType.values[Object.keys(this.resolvedType.values)[0]]; // first defined
    } else if (this.options && this.options.proto3_optional) {
        // proto3 scalar value marked optional; should default to null
        this.typeDefault = null;
    }

    // use explicitly set default value if present
    if (this.options && this.options["default"] != null) {
        this.typeDefault = this.options["default"];
        if (this.resolvedType instanceof Enum && typeof this.typeDefault === "string")
            this.typeDefault = this.resolvedType.values[this.typeDefault];
    }

    // remove unnecessary options
    if (this.options) {
        if (this.options.packed !== undefined && this.resolvedType && !(this.resolvedType instanceof Enum))
            delete this.options.packed;
        if (!Object.keys(this.options).length)
            this.options = undefined;
    }

    // convert to internal data type if necesssary
    if (this.long) {
        var unsigned = this.type === "uint64" || this.type === "fixed64";
        this.typeDefault = typeof this.typeDefault === "string"
            ? util.Long.fromString(this.typeDefault, unsigned)
            : util.Long.fromNumber(this.typeDefault, unsigned);

        /* istanbul ignore else */
        if (Object.freeze)
            Object.freeze(this.typeDefault); // long instances are meant to be immutable anyway (i.e. use small int cache that even requires it)

    } else if (types.long[this.type] !== undefined && typeof this.typeDefault === "string") {
        this.typeDefault = parseInt(this.typeDefault, 10);
    } else if (this.bytes && typeof this.typeDefault === "string") {
        var buf;
        if (util.base64.test(this.typeDefault))
            util.base64.decode(this.typeDefault, buf = util.newBuffer(util.base64.length(this.typeDefault)), 0);
        else
            util.utf8.write(this.typeDefault, buf = util.newBuffer(util.utf8.length(this.typeDefault)), 0);
        this.typeDefault = buf;
    }

    // take special care of maps and repeated fields
    if (this.map)
        this.defaultValue = util.emptyObject;
    else if (this.repeated)
        this.defaultValue = util.emptyArray;
    else
        this.defaultValue = this.typeDefault;

    // ensure proper value on prototype
    if (this.parent instanceof Type && this.parent._ctor)
        this.parent._ctor.prototype[this.name] = this.defaultValue;

    // derive the proto/JSON names
    if (this.protoName === undefined)
        this.protoName = this.name;
    if (this.jsonName === undefined)
        this.jsonName = util.jsonName(this.protoName);

    return ReflectionObject.prototype.resolve.call(this);
};

/**
 * Infers field features from legacy syntax that may have been specified differently.
 * in older editions.
 * @param {string|undefined} edition The edition this proto is on, or undefined if pre-editions
 * @returns {object} The feature values to override
 */
Field.prototype._inferLegacyProtoFeatures = function _inferLegacyProtoFeatures(edition) {
    if (edition !== "proto2" && edition !== "proto3") {
        return {};
    }

    var features = {};

    if (this.rule === "required") {
        features.field_presence = "LEGACY_REQUIRED";
    }
    if (this.parent && types.defaults[this.type] === undefined) {
        // We can't use resolvedType because types may not have been resolved yet.  However,
        // legacy groups are always in the same scope as the field so we don't have to do a
        // full scan of the tree.
        var type = this.parent.get(this.type.split(".").pop());
        if (type && type instanceof Type && type.group) {
            features.message_encoding = "DELIMITED";
        }
    }
    if (this.getOption("packed") === true) {
        features.repeated_field_encoding = "PACKED";
    } else if (this.getOption("packed") === false) {
        features.repeated_field_encoding = "EXPANDED";
    }
    return features;
};

/**
 * @override
 */
Field.prototype._resolveFeatures = function _resolveFeatures(edition) {
    return ReflectionObject.prototype._resolveFeatures.call(this, this._edition || edition);
};

/**
 * Decorator function as returned by {@link Field.d} and {@link MapField.d} (TypeScript).
 * @typedef FieldDecorator
 * @type {function}
 * @param {Object} prototype Target prototype
 * @param {string} fieldName Field name
 * @returns {undefined}
 * @deprecated Legacy TypeScript decorator support. Will be removed in a future release.
 */

/**
 * Field decorator (TypeScript).
 * @name Field.d
 * @function
 * @param {number} fieldId Field id
 * @param {"double"|"float"|"int32"|"uint32"|"sint32"|"fixed32"|"sfixed32"|"int64"|"uint64"|"sint64"|"fixed64"|"sfixed64"|"string"|"bool"|"bytes"|Object} fieldType Field type
 * @param {"optional"|"required"|"repeated"} [fieldRule="optional"] Field rule
 * @param {T} [defaultValue] Default value
 * @returns {FieldDecorator} Decorator function
 * @template T extends number | number[] | Long | Long[] | string | string[] | boolean | boolean[] | Uint8Array | Uint8Array[] | Buffer | Buffer[]
 * @deprecated Legacy TypeScript decorator support. Will be removed in a future release.
 */
Field.d = function decorateField(fieldId, fieldType, fieldRule, defaultValue) {

    // submessage: decorate the submessage and use its name as the type
    if (typeof fieldType === "function")
        fieldType = util.decorateType(fieldType).name;

    // enum reference: create a reflected copy of the enum and keep reuseing it
    else if (fieldType && typeof fieldType === "object")
        fieldType = util.decorateEnum(fieldType).name;

    return function fieldDecorator(prototype, fieldName) {
        util.decorateType(prototype.constructor)
            .add(new Field(fieldName, fieldId, fieldType, fieldRule, { "default": defaultValue }));
    };
};

// Sets up cyclic dependencies (called in index-light)
Field._configure = function configure(Type_) {
    Type = Type_;
};

/**
 * Field decorator (TypeScript).
 * @name Field.d
 * @function
 * @param {number} fieldId Field id
 * @param {Constructor<T>|string} fieldType Field type
 * @param {"optional"|"required"|"repeated"} [fieldRule="optional"] Field rule
 * @returns {FieldDecorator} Decorator function
 * @template T extends Message<T>
 * @variation 2
 * @deprecated Legacy TypeScript decorator support. Will be removed in a future release.
 */
// like Field.d but without a default value


/***/ }),

/***/ 253:
/***/ ((module, exports, __nccwpck_require__) => {


exports = module.exports = __nccwpck_require__(18);

exports.build = "light";

/**
 * A node-style callback as used by {@link load} and {@link Root#load}.
 * @typedef LoadCallback
 * @type {function}
 * @param {Error|null} error Error, if any, otherwise `null`
 * @param {Root} [root] Root, if there hasn't been an error
 * @returns {undefined}
 */

/**
 * Loads one or multiple .proto or preprocessed .json files into a common root namespace and calls the callback.
 * @param {string|string[]} filename One or multiple files to load
 * @param {Root} root Root namespace, defaults to create a new one if omitted.
 * @param {LoadCallback} callback Callback function
 * @returns {undefined}
 * @see {@link Root#load}
 */
function load(filename, root, callback) {
    if (typeof root === "function") {
        callback = root;
        root = new exports.Root();
    } else if (!root)
        root = new exports.Root();
    return root.load(filename, callback);
}

/**
 * Loads one or multiple .proto or preprocessed .json files into a common root namespace and calls the callback.
 * @name load
 * @function
 * @param {string|string[]} filename One or multiple files to load
 * @param {LoadCallback} callback Callback function
 * @returns {undefined}
 * @see {@link Root#load}
 * @variation 2
 */
// function load(filename:string, callback:LoadCallback):undefined

/**
 * Loads one or multiple .proto or preprocessed .json files into a common root namespace and returns a promise.
 * @name load
 * @function
 * @param {string|string[]} filename One or multiple files to load
 * @param {Root} [root] Root namespace, defaults to create a new one if omitted.
 * @returns {Promise<Root>} Promise
 * @see {@link Root#load}
 * @variation 3
 */
// function load(filename:string, [root:Root]):Promise<Root>

exports.load = load;

/**
 * Synchronously loads one or multiple .proto or preprocessed .json files into a common root namespace (node only).
 * @param {string|string[]} filename One or multiple files to load
 * @param {Root} [root] Root namespace, defaults to create a new one if omitted.
 * @returns {Root} Root namespace
 * @throws {Error} If synchronous fetching is not supported (i.e. in browsers) or if a file's syntax is invalid
 * @see {@link Root#loadSync}
 */
function loadSync(filename, root) {
    if (!root)
        root = new exports.Root();
    return root.loadSync(filename);
}

exports.loadSync = loadSync;

// Serialization
exports.encoder = __nccwpck_require__(880);
exports.decoder = __nccwpck_require__(224);
exports.verifier = __nccwpck_require__(524);
exports.converter = __nccwpck_require__(0);

// Reflection
exports.ReflectionObject = __nccwpck_require__(385);
exports.Namespace = __nccwpck_require__(731);
exports.Root = __nccwpck_require__(666);
exports.Enum = __nccwpck_require__(363);
exports.Type = __nccwpck_require__(426);
exports.Field = __nccwpck_require__(792);
exports.OneOf = __nccwpck_require__(441);
exports.MapField = __nccwpck_require__(124);
exports.Service = __nccwpck_require__(303);
exports.Method = __nccwpck_require__(627);

// Runtime
exports.Message = __nccwpck_require__(463);
exports.wrappers = __nccwpck_require__(162);

// Utility
exports.types = __nccwpck_require__(761);
exports.util = __nccwpck_require__(926);

// Set up possibly cyclic reflection dependencies
exports.ReflectionObject._configure(exports.Root);
exports.Namespace._configure(exports.Type, exports.Service, exports.Enum);
exports.Root._configure(exports.Type, undefined, {});
exports.Field._configure(exports.Type);


/***/ }),

/***/ 18:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



/**
 * Build type, one of `"full"`, `"light"` or `"minimal"`.
 * @name build
 * @type {string}
 * @const
 */
exports.build = "minimal";

// Serialization
exports.Writer = __nccwpck_require__(745);
exports.BufferWriter = __nccwpck_require__(74);
exports.Reader = __nccwpck_require__(789);
exports.BufferReader = __nccwpck_require__(102);

// Utility
exports.util = __nccwpck_require__(186);
exports.rpc = __nccwpck_require__(575);
exports.roots = __nccwpck_require__(937);
exports.configure    = configure;

/* istanbul ignore next */
/**
 * Reconfigures the library according to the environment.
 * @returns {undefined}
 */
function configure() {
    exports.util.LongBits._configure(exports.util.Long);
    exports.Writer._configure(exports.BufferWriter);
    exports.Reader._configure(exports.BufferReader);
}

// Set up buffer utility according to the environment
configure();


/***/ }),

/***/ 124:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = MapField;

// extends Field
var Field = __nccwpck_require__(792);
MapField.prototype = Object.create(Field.prototype, {
    constructor: {
        value: MapField,
        writable: true,
        enumerable: false,
        configurable: true
    }
});
MapField.className = "MapField";

var types   = __nccwpck_require__(761),
    util    = __nccwpck_require__(926);

/**
 * Constructs a new map field instance.
 * @classdesc Reflected map field.
 * @extends FieldBase
 * @constructor
 * @param {string} name Unique name within its namespace
 * @param {number} id Unique id within its namespace
 * @param {string} keyType Key type
 * @param {string} type Value type
 * @param {Object.<string,*>} [options] Declared options
 * @param {string} [comment] Comment associated with this field
 */
function MapField(name, id, keyType, type, options, comment) {
    Field.call(this, name, id, type, undefined, undefined, options, comment);

    /* istanbul ignore if */
    if (!util.isString(keyType))
        throw TypeError("keyType must be a string");

    /**
     * Key type.
     * @type {string}
     */
    this.keyType = keyType; // toJSON, marker

    /**
     * Resolved key type if not a basic type.
     * @type {ReflectionObject|null}
     */
    this.resolvedKeyType = null;

    // Overrides Field#map
    this.map = true;
}

/**
 * Map field descriptor.
 * @interface IMapField
 * @extends {IField}
 * @property {string} keyType Key type
 */

/**
 * Extension map field descriptor.
 * @interface IExtensionMapField
 * @extends IMapField
 * @property {string} extend Extended type
 */

/**
 * Constructs a map field from a map field descriptor.
 * @param {string} name Field name
 * @param {IMapField} json Map field descriptor
 * @returns {MapField} Created map field
 * @throws {TypeError} If arguments are invalid
 */
MapField.fromJSON = function fromJSON(name, json) {
    var field = new MapField(name, json.id, json.keyType, json.type, json.options, json.comment);
    if (json.protoName)
        field.protoName = json.protoName;
    if (json.jsonName !== undefined)
        field.jsonName = json.jsonName;
    else if (json.options && json.options.json_name !== undefined)
        field.jsonName = json.options.json_name;
    return field;
};

/**
 * Converts this map field to a map field descriptor.
 * @param {IToJSONOptions} [toJSONOptions] JSON conversion options
 * @returns {IMapField} Map field descriptor
 */
MapField.prototype.toJSON = function toJSON(toJSONOptions) {
    var keepComments = toJSONOptions ? Boolean(toJSONOptions.keepComments) : false;
    return util.toObject([
        "keyType"      , this.keyType,
        "type"         , this.type,
        "id"           , this.id,
        "extend"       , this.extend,
        "protoName"    , this.protoName !== this.name ? this.protoName : undefined,
        "jsonName"     , this.jsonName !== util.jsonName(this.protoName || this.name) ? this.jsonName : undefined,
        "options"      , this.options,
        "comment"      , keepComments ? this.comment : undefined
    ]);
};

/**
 * @override
 */
MapField.prototype.resolve = function resolve() {
    if (this.resolved)
        return this;

    // Besides a value type, map fields have a key type that may be "any scalar type except for floating point types and bytes"
    if (types.mapKey[this.keyType] === undefined)
        throw Error("invalid key type: " + this.keyType);

    return Field.prototype.resolve.call(this);
};

/**
 * Map field decorator (TypeScript).
 * @name MapField.d
 * @function
 * @param {number} fieldId Field id
 * @param {"int32"|"uint32"|"sint32"|"fixed32"|"sfixed32"|"int64"|"uint64"|"sint64"|"fixed64"|"sfixed64"|"bool"|"string"} fieldKeyType Field key type
 * @param {"double"|"float"|"int32"|"uint32"|"sint32"|"fixed32"|"sfixed32"|"int64"|"uint64"|"sint64"|"fixed64"|"sfixed64"|"bool"|"string"|"bytes"|Object|Constructor<{}>} fieldValueType Field value type
 * @returns {FieldDecorator} Decorator function
 * @template T extends { [key: string]: number | Long | string | boolean | Uint8Array | Buffer | number[] | Message<{}> }
 * @deprecated Legacy TypeScript decorator support. Will be removed in a future release.
 */
MapField.d = function decorateMapField(fieldId, fieldKeyType, fieldValueType) {

    // submessage value: decorate the submessage and use its name as the type
    if (typeof fieldValueType === "function")
        fieldValueType = util.decorateType(fieldValueType).name;

    // enum reference value: create a reflected copy of the enum and keep reuseing it
    else if (fieldValueType && typeof fieldValueType === "object")
        fieldValueType = util.decorateEnum(fieldValueType).name;

    return function mapFieldDecorator(prototype, fieldName) {
        util.decorateType(prototype.constructor)
            .add(new MapField(fieldName, fieldId, fieldKeyType, fieldValueType));
    };
};


/***/ }),

/***/ 463:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = Message;

var util = __nccwpck_require__(186);

/**
 * Constructs a new message instance.
 * @classdesc Abstract runtime message.
 * @constructor
 * @param {Properties<T>} [properties] Properties to set
 * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
 * @template T extends object = object
 */
function Message(properties) {
    // not used internally
    if (properties)
        for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
                this[keys[i]] = properties[keys[i]];
}

/**
 * Reference to the reflected type.
 * @name Message.$type
 * @type {Type}
 * @readonly
 */

/**
 * Reference to the reflected type.
 * @name Message#$type
 * @type {Type}
 * @readonly
 */

/**
 * Creates a new message of this type using the specified properties.
 * @param {Object.<string,*>} [properties] Properties to set
 * @returns {T} Message instance
 * @template T extends Message<T>
 * @this Constructor<T>
 */
Message.create = function create(properties) {
    return this.$type.create(properties);
};

/**
 * Encodes a message of this type.
 * @param {T|Object.<string,*>} message Message to encode
 * @param {Writer} [writer] Writer to use
 * @returns {Writer} Writer
 * @template T extends Message<T>
 * @this Constructor<T>
 */
Message.encode = function encode(message, writer) {
    return this.$type.encode(message, writer);
};

/**
 * Encodes a message of this type preceeded by its length as a varint.
 * @param {T|Object.<string,*>} message Message to encode
 * @param {Writer} [writer] Writer to use
 * @returns {Writer} Writer
 * @template T extends Message<T>
 * @this Constructor<T>
 */
Message.encodeDelimited = function encodeDelimited(message, writer) {
    return this.$type.encodeDelimited(message, writer);
};

/**
 * Decodes a message of this type.
 * @name Message.decode
 * @function
 * @param {Reader|Uint8Array} reader Reader or buffer to decode
 * @returns {T} Decoded message
 * @template T extends Message<T>
 * @this Constructor<T>
 */
Message.decode = function decode(reader) {
    return this.$type.decode(reader);
};

/**
 * Decodes a message of this type preceeded by its length as a varint.
 * @name Message.decodeDelimited
 * @function
 * @param {Reader|Uint8Array} reader Reader or buffer to decode
 * @returns {T} Decoded message
 * @template T extends Message<T>
 * @this Constructor<T>
 */
Message.decodeDelimited = function decodeDelimited(reader) {
    return this.$type.decodeDelimited(reader);
};

/**
 * Verifies a message of this type.
 * @name Message.verify
 * @function
 * @param {Object.<string,*>} message Plain object to verify
 * @returns {string|null} `null` if valid, otherwise the reason why it is not
 */
Message.verify = function verify(message) {
    return this.$type.verify(message);
};

/**
 * Creates a new message of this type from a plain object. Also converts values to their respective internal types.
 * @param {Object.<string,*>} object Plain object
 * @returns {T} Message instance
 * @template T extends Message<T>
 * @this Constructor<T>
 */
Message.fromObject = function fromObject(object) {
    return this.$type.fromObject(object);
};

/**
 * Creates a plain object from a message of this type. Also converts values to other types if specified.
 * @param {T} message Message instance
 * @param {IConversionOptions} [options] Conversion options
 * @returns {Object.<string,*>} Plain object
 * @template T extends Message<T>
 * @this Constructor<T>
 */
Message.toObject = function toObject(message, options) {
    return this.$type.toObject(message, options);
};

/**
 * Converts this message to JSON.
 * @returns {Object.<string,*>} JSON object
 */
Message.prototype.toJSON = function toJSON() {
    return this.$type.toObject(this, util.toJSONOptions);
};


/***/ }),

/***/ 627:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = Method;

// extends ReflectionObject
var ReflectionObject = __nccwpck_require__(385);
Method.prototype = Object.create(ReflectionObject.prototype, {
    constructor: {
        value: Method,
        writable: true,
        enumerable: false,
        configurable: true
    }
});
Method.className = "Method";

var util = __nccwpck_require__(926);

/**
 * Constructs a new service method instance.
 * @classdesc Reflected service method.
 * @extends ReflectionObject
 * @constructor
 * @param {string} name Method name
 * @param {string|undefined} type Method type, usually `"rpc"`
 * @param {string} requestType Request message type
 * @param {string} responseType Response message type
 * @param {boolean|Object.<string,*>} [requestStream] Whether the request is streamed
 * @param {boolean|Object.<string,*>} [responseStream] Whether the response is streamed
 * @param {Object.<string,*>} [options] Declared options
 * @param {string} [comment] The comment for this method
 * @param {Array.<Object.<string,*>>} [parsedOptions] Declared options, properly parsed into objects
 */
function Method(name, type, requestType, responseType, requestStream, responseStream, options, comment, parsedOptions) {

    /* istanbul ignore next */
    if (util.isObject(requestStream)) {
        options = requestStream;
        requestStream = responseStream = undefined;
    } else if (util.isObject(responseStream)) {
        options = responseStream;
        responseStream = undefined;
    }

    /* istanbul ignore if */
    if (!(type === undefined || util.isString(type)))
        throw TypeError("type must be a string");

    /* istanbul ignore if */
    if (!util.isString(requestType))
        throw TypeError("requestType must be a string");

    /* istanbul ignore if */
    if (!util.isString(responseType))
        throw TypeError("responseType must be a string");

    ReflectionObject.call(this, name, options);

    /**
     * Method type.
     * @type {string}
     */
    this.type = type || "rpc"; // toJSON

    /**
     * Request type.
     * @type {string}
     */
    this.requestType = requestType; // toJSON, marker

    /**
     * Whether requests are streamed or not.
     * @type {true|undefined}
     */
    this.requestStream = requestStream ? true : undefined; // toJSON

    /**
     * Response type.
     * @type {string}
     */
    this.responseType = responseType; // toJSON

    /**
     * Whether responses are streamed or not.
     * @type {true|undefined}
     */
    this.responseStream = responseStream ? true : undefined; // toJSON

    /**
     * gRPC-style method path.
     * @type {string}
     */
    this.path = "/" + this.name;

    /**
     * Resolved request type.
     * @type {Type|null}
     */
    this.resolvedRequestType = null;

    /**
     * Resolved response type.
     * @type {Type|null}
     */
    this.resolvedResponseType = null;

    /**
     * Comment for this method
     * @type {string|null}
     */
    this.comment = comment;

    /**
     * Options properly parsed into objects
     * @type {Array.<Object.<string,*>>|undefined}
     */
    this.parsedOptions = parsedOptions;
}

/**
 * Method descriptor.
 * @interface IMethod
 * @property {string} [type="rpc"] Method type
 * @property {string} requestType Request type
 * @property {string} responseType Response type
 * @property {boolean} [requestStream=false] Whether requests are streamed
 * @property {boolean} [responseStream=false] Whether responses are streamed
 * @property {Object.<string,*>} [options] Method options
 * @property {string|null} [comment] Method comment
 * @property {Array.<Object.<string,*>>} [parsedOptions] Method options properly parsed into objects
 */

/**
 * Constructs a method from a method descriptor.
 * @param {string} name Method name
 * @param {IMethod} json Method descriptor
 * @returns {Method} Created method
 * @throws {TypeError} If arguments are invalid
 */
Method.fromJSON = function fromJSON(name, json) {
    return new Method(name, json.type, json.requestType, json.responseType, json.requestStream, json.responseStream, json.options, json.comment, json.parsedOptions);
};

/**
 * Converts this method to a method descriptor.
 * @param {IToJSONOptions} [toJSONOptions] JSON conversion options
 * @returns {IMethod} Method descriptor
 */
Method.prototype.toJSON = function toJSON(toJSONOptions) {
    var keepComments = toJSONOptions ? Boolean(toJSONOptions.keepComments) : false;
    return util.toObject([
        "type"           , this.type !== "rpc" && /* istanbul ignore next */ this.type || undefined,
        "requestType"    , this.requestType,
        "requestStream"  , this.requestStream,
        "responseType"   , this.responseType,
        "responseStream" , this.responseStream,
        "options"        , this.options,
        "comment"        , keepComments ? this.comment : undefined,
        "parsedOptions"  , this.parsedOptions,
    ]);
};

/**
 * @override
 */
Method.prototype.resolve = function resolve() {

    /* istanbul ignore if */
    if (this.resolved)
        return this;

    if (this.parent) {
        var serviceName = this.parent.fullName;
        if (serviceName.charAt(0) === ".")
            serviceName = serviceName.substring(1);
        this.path = "/" + serviceName + "/" + this.name;
    } else
        this.path = "/" + this.name;

    this.resolvedRequestType = this.parent.lookupType(this.requestType);
    this.resolvedResponseType = this.parent.lookupType(this.responseType);

    return ReflectionObject.prototype.resolve.call(this);
};


/***/ }),

/***/ 731:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = Namespace;

// extends ReflectionObject
var ReflectionObject = __nccwpck_require__(385);
Namespace.prototype = Object.create(ReflectionObject.prototype, {
    constructor: {
        value: Namespace,
        writable: true,
        enumerable: false,
        configurable: true
    }
});
Namespace.className = "Namespace";

var Field    = __nccwpck_require__(792),
    util     = __nccwpck_require__(926),
    OneOf    = __nccwpck_require__(441);

var Type,    // cyclic
    Service,
    Enum;

/**
 * Constructs a new namespace instance.
 * @name Namespace
 * @classdesc Reflected namespace.
 * @extends NamespaceBase
 * @constructor
 * @param {string} name Namespace name
 * @param {Object.<string,*>} [options] Declared options
 */

/**
 * Constructs a namespace from JSON.
 * @memberof Namespace
 * @function
 * @param {string} name Namespace name
 * @param {Object.<string,*>} json JSON object
 * @param {number} [depth] Current nesting depth, defaults to `0`
 * @returns {Namespace} Created namespace
 * @throws {TypeError} If arguments are invalid
 */
Namespace.fromJSON = function fromJSON(name, json, depth) {
    if (depth === undefined)
        depth = 0;
    if (depth > util.recursionLimit)
        throw Error("max depth exceeded");
    return new Namespace(name, json.options).addJSON(json.nested, depth);
};

/**
 * Converts an array of reflection objects to JSON.
 * @memberof Namespace
 * @param {ReflectionObject[]} array Object array
 * @param {IToJSONOptions} [toJSONOptions] JSON conversion options
 * @returns {Object.<string,*>|undefined} JSON object or `undefined` when array is empty
 */
function arrayToJSON(array, toJSONOptions) {
    if (!(array && array.length))
        return undefined;
    var obj = {};
    for (var i = 0; i < array.length; ++i)
        obj[array[i].name] = array[i].toJSON(toJSONOptions);
    return obj;
}

Namespace.arrayToJSON = arrayToJSON;

/**
 * Tests if the specified id is reserved.
 * @param {Array.<number[]|string>|undefined} reserved Array of reserved ranges and names
 * @param {number} id Id to test
 * @returns {boolean} `true` if reserved, otherwise `false`
 */
Namespace.isReservedId = function isReservedId(reserved, id) {
    if (reserved)
        for (var i = 0; i < reserved.length; ++i)
            if (typeof reserved[i] !== "string" && reserved[i][0] <= id && reserved[i][1] >= id)
                return true;
    return false;
};

/**
 * Tests if the specified name is reserved.
 * @param {Array.<number[]|string>|undefined} reserved Array of reserved ranges and names
 * @param {string} name Name to test
 * @returns {boolean} `true` if reserved, otherwise `false`
 */
Namespace.isReservedName = function isReservedName(reserved, name) {
    if (reserved)
        for (var i = 0; i < reserved.length; ++i)
            if (reserved[i] === name)
                return true;
    return false;
};

/**
 * Not an actual constructor. Use {@link Namespace} instead.
 * @classdesc Base class of all reflection objects containing nested objects. This is not an actual class but here for the sake of having consistent type definitions.
 * @exports NamespaceBase
 * @extends ReflectionObject
 * @abstract
 * @constructor
 * @param {string} name Namespace name
 * @param {Object.<string,*>} [options] Declared options
 * @see {@link Namespace}
 */
function Namespace(name, options) {
    ReflectionObject.call(this, name, options);

    /**
     * Nested objects by name.
     * @type {Object.<string,ReflectionObject>|undefined}
     */
    this.nested = undefined; // toJSON

    /**
     * Cached nested objects as an array.
     * @type {ReflectionObject[]|null}
     * @private
     */
    this._nestedArray = null;

    /**
     * Cache lookup calls for any objects contains anywhere under this namespace.
     * This drastically speeds up resolve for large cross-linked protos where the same
     * types are looked up repeatedly.
     * @type {Object.<string,ReflectionObject|null>}
     * @private
     */
    this._lookupCache = Object.create(null);

    /**
     * Whether or not objects contained in this namespace need feature resolution.
     * @type {boolean}
     * @protected
     */
    this._needsRecursiveFeatureResolution = true;

    /**
     * Whether or not objects contained in this namespace need a resolve.
     * @type {boolean}
     * @protected
     */
    this._needsRecursiveResolve = true;
}

function clearCache(namespace) {
    namespace._nestedArray = null;
    namespace._lookupCache = Object.create(null);

    // Also clear parent caches, since they include nested lookups.
    var parent = namespace;
    while(parent = parent.parent) {
        parent._lookupCache = Object.create(null);
    }
    return namespace;
}

/**
 * Nested objects of this namespace as an array for iteration.
 * @name NamespaceBase#nestedArray
 * @type {ReflectionObject[]}
 * @readonly
 */
Object.defineProperty(Namespace.prototype, "nestedArray", {
    get: function() {
        return this._nestedArray || (this._nestedArray = util.toArray(this.nested));
    }
});

/**
 * Namespace descriptor.
 * @interface INamespace
 * @property {Object.<string,*>} [options] Namespace options
 * @property {Object.<string,AnyNestedObject>} [nested] Nested object descriptors
 */

/**
 * Any extension field descriptor.
 * @typedef AnyExtensionField
 * @type {IExtensionField|IExtensionMapField}
 */

/**
 * Any nested object descriptor.
 * @typedef AnyNestedObject
 * @type {IEnum|IType|IService|AnyExtensionField|INamespace|IOneOf}
 */

/**
 * Converts this namespace to a namespace descriptor.
 * @param {IToJSONOptions} [toJSONOptions] JSON conversion options
 * @returns {INamespace} Namespace descriptor
 */
Namespace.prototype.toJSON = function toJSON(toJSONOptions) {
    return util.toObject([
        "options" , this.options,
        "nested"  , arrayToJSON(this.nestedArray, toJSONOptions)
    ]);
};

/**
 * Adds nested objects to this namespace from nested object descriptors.
 * @param {Object.<string,AnyNestedObject>} nestedJson Any nested object descriptors
 * @param {number} [depth] Current nesting depth, defaults to `0`
 * @returns {Namespace} `this`
 */
Namespace.prototype.addJSON = function addJSON(nestedJson, depth) {
    if (depth === undefined)
        depth = 0;
    if (depth > util.recursionLimit)
        throw Error("max depth exceeded");
    var ns = this;
    /* istanbul ignore else */
    if (nestedJson) {
        for (var names = Object.keys(nestedJson), i = 0, nested; i < names.length; ++i) {
            nested = nestedJson[names[i]];
            ns.add( // most to least likely
                ( nested.fields !== undefined
                ? Type.fromJSON
                : nested.values !== undefined
                ? Enum.fromJSON
                : nested.methods !== undefined
                ? Service.fromJSON
                : nested.id !== undefined
                ? Field.fromJSON
                : Namespace.fromJSON )(names[i], nested, depth + 1)
            );
        }
    }
    return this;
};

/**
 * Gets the nested object of the specified name.
 * @param {string} name Nested object name
 * @returns {ReflectionObject|null} The reflection object or `null` if it doesn't exist
 */
Namespace.prototype.get = function get(name) {
    return this.nested && Object.prototype.hasOwnProperty.call(this.nested, name)
        ? this.nested[name]
        : null;
};

/**
 * Gets the values of the nested {@link Enum|enum} of the specified name.
 * This methods differs from {@link Namespace#get|get} in that it returns an enum's values directly and throws instead of returning `null`.
 * @param {string} name Nested enum name
 * @returns {Object.<string,number>} Enum values
 * @throws {Error} If there is no such enum
 */
Namespace.prototype.getEnum = function getEnum(name) {
    if (this.nested && Object.prototype.hasOwnProperty.call(this.nested, name) && this.nested[name] instanceof Enum)
        return this.nested[name].values;
    throw Error("no such enum: " + name);
};

/**
 * Adds a nested object to this namespace.
 * @param {ReflectionObject} object Nested object to add
 * @returns {Namespace} `this`
 * @throws {TypeError} If arguments are invalid
 * @throws {Error} If there is already a nested object with this name
 */
Namespace.prototype.add = function add(object) {

    if (!(object instanceof Field && object.extend !== undefined || object instanceof Type  || object instanceof OneOf || object instanceof Enum || object instanceof Service || object instanceof Namespace))
        throw TypeError("object must be a valid nested object");

    if (object.name === "__proto__")
        return this;

    if (!this.nested)
        this.nested = {};
    else {
        var prev = this.get(object.name);
        if (prev) {
            if (prev instanceof Namespace && object instanceof Namespace && !(prev instanceof Type || prev instanceof Service)) {
                // replace plain namespace but keep existing nested elements and options
                var nested = prev.nestedArray;
                for (var i = 0; i < nested.length; ++i)
                    object.add(nested[i]);
                this.remove(prev);
                if (!this.nested)
                    this.nested = {};
                object.setOptions(prev.options, true);

            } else
                throw Error("duplicate name '" + object.name + "' in " + this);
        }
    }
    this.nested[object.name] = object;

    if (!(this instanceof Type || this instanceof Service || this instanceof Enum || this instanceof Field)) {
        // This is a package or a root namespace.
        if (!object._edition) {
            // Make sure that some edition is set if it hasn't already been specified.
            object._edition = object._defaultEdition;
        }
    }

    this._needsRecursiveFeatureResolution = true;
    this._needsRecursiveResolve = true;

    // Also clear parent caches, since they need to recurse down.
    var parent = this;
    while(parent = parent.parent) {
        parent._needsRecursiveFeatureResolution = true;
        parent._needsRecursiveResolve = true;
    }

    object.onAdd(this);
    return clearCache(this);
};

/**
 * Removes a nested object from this namespace.
 * @param {ReflectionObject} object Nested object to remove
 * @returns {Namespace} `this`
 * @throws {TypeError} If arguments are invalid
 * @throws {Error} If `object` is not a member of this namespace
 */
Namespace.prototype.remove = function remove(object) {

    if (!(object instanceof ReflectionObject))
        throw TypeError("object must be a ReflectionObject");
    if (object.parent !== this)
        throw Error(object + " is not a member of " + this);

    if (!util.remove(this.nested, object, object.name))
        throw Error(object + " is not a member of " + this);
    if (!Object.keys(this.nested).length)
        this.nested = undefined;

    object.onRemove(this);
    return clearCache(this);
};

/**
 * Defines additial namespaces within this one if not yet existing.
 * @param {string|string[]} path Path to create
 * @param {*} [json] Nested types to create from JSON
 * @returns {Namespace} Pointer to the last namespace created or `this` if path is empty
 */
Namespace.prototype.define = function define(path, json) {

    if (util.isString(path))
        path = path.split(".");
    else if (!Array.isArray(path))
        throw TypeError("illegal path");
    if (path && path.length && path[0] === "")
        throw Error("path must be relative");
    if (path.length > util.recursionLimit)
        throw Error("max depth exceeded");

    var ptr = this;
    while (path.length > 0) {
        var part = path.shift();
        if (ptr.nested && ptr.nested[part]) {
            ptr = ptr.nested[part];
            if (!(ptr instanceof Namespace))
                throw Error("path conflicts with non-namespace objects");
        } else
            ptr.add(ptr = new Namespace(part));
    }
    if (json)
        ptr.addJSON(json);
    return ptr;
};

/**
 * Resolves this namespace's and all its nested objects' type references. Useful to validate a reflection tree, but comes at a cost.
 * @returns {Namespace} `this`
 */
Namespace.prototype.resolveAll = function resolveAll() {
    if (!this._needsRecursiveResolve) return this;

    if (this._needsRecursiveFeatureResolution)
        this._resolveFeaturesRecursive(this._edition);

    var nested = this.nestedArray, i = 0;
    this.resolve();
    while (i < nested.length)
        if (nested[i] instanceof Namespace)
            nested[i++].resolveAll();
        else
            nested[i++].resolve();
    this._needsRecursiveResolve = false;
    return this;
};

/**
 * @override
 */
Namespace.prototype._resolveFeaturesRecursive = function _resolveFeaturesRecursive(edition) {
    if (!this._needsRecursiveFeatureResolution) return this;
    this._needsRecursiveFeatureResolution = false;

    edition = this._edition || edition;

    ReflectionObject.prototype._resolveFeaturesRecursive.call(this, edition);
    this.nestedArray.forEach(nested => {
        nested._resolveFeaturesRecursive(edition);
    });
    return this;
};

/**
 * Recursively looks up the reflection object matching the specified path in the scope of this namespace.
 * @param {string|string[]} path Path to look up
 * @param {*|Array.<*>} filterTypes Filter types, any combination of the constructors of `protobuf.Type`, `protobuf.Enum`, `protobuf.Service` etc.
 * @param {boolean} [parentAlreadyChecked=false] If known, whether the parent has already been checked
 * @returns {ReflectionObject|null} Looked up object or `null` if none could be found
 */
Namespace.prototype.lookup = function lookup(path, filterTypes, parentAlreadyChecked) {
    /* istanbul ignore next */
    if (typeof filterTypes === "boolean") {
        parentAlreadyChecked = filterTypes;
        filterTypes = undefined;
    } else if (filterTypes && !Array.isArray(filterTypes))
        filterTypes = [ filterTypes ];

    if (util.isString(path) && path.length) {
        if (path === ".")
            return this.root;
        path = path.split(".");
    } else if (!path.length)
        return this;

    var flatPath = path.join(".");

    // Start at root if path is absolute
    if (path[0] === "")
        return this.root.lookup(path.slice(1), filterTypes);

    // Lookup at this namespace and below
    var found = this._lookupImpl(path, flatPath);
    if (found && (!filterTypes || filterTypes.indexOf(found.constructor) > -1)) {
        return found;
    }

    // Fall back to respective absolute path once relative scope has been checked (non-standard)
    found = this.root._fullyQualifiedObjects && this.root._fullyQualifiedObjects["." + flatPath];
    if (found && (!filterTypes || filterTypes.indexOf(found.constructor) > -1)) {
        return found;
    }

    if (parentAlreadyChecked)
        return null;

    // If there hasn't been a match, walk up the tree and look more broadly
    var current = this;
    while (current.parent) {
        found = current.parent._lookupImpl(path, flatPath);
        if (found && (!filterTypes || filterTypes.indexOf(found.constructor) > -1)) {
            return found;
        }
        current = current.parent;
    }
    return null;
};

/**
 * Internal helper for lookup that handles searching just at this namespace and below along with caching.
 * @param {string[]} path Path to look up
 * @param {string} flatPath Flattened version of the path to use as a cache key
 * @returns {ReflectionObject|null} Looked up object or `null` if none could be found
 * @private
 */
Namespace.prototype._lookupImpl = function lookup(path, flatPath) {
    if(Object.prototype.hasOwnProperty.call(this._lookupCache, flatPath)) {
        return this._lookupCache[flatPath];
    }

    // Test if the first part matches any nested object, and if so, traverse if path contains more
    var found = this.get(path[0]);
    var exact = null;
    if (found) {
        if (path.length === 1) {
            exact = found;
        } else if (found instanceof Namespace) {
            path = path.slice(1);
            exact = found._lookupImpl(path, path.join("."));
        }

    // Otherwise try each nested namespace
    } else {
        for (var i = 0; i < this.nestedArray.length; ++i)
            if (this._nestedArray[i] instanceof Namespace && (found = this._nestedArray[i]._lookupImpl(path, flatPath))) {
                exact = found;
                break;
            }
    }

    // Set this even when null, so that when we walk up the tree we can quickly bail on repeated checks back down.
    this._lookupCache[flatPath] = exact;
    return exact;
};

/**
 * Looks up the reflection object at the specified path, relative to this namespace.
 * @name NamespaceBase#lookup
 * @function
 * @param {string|string[]} path Path to look up
 * @param {boolean} [parentAlreadyChecked=false] Whether the parent has already been checked
 * @returns {ReflectionObject|null} Looked up object or `null` if none could be found
 * @variation 2
 */
// lookup(path: string, [parentAlreadyChecked: boolean])

/**
 * Looks up the {@link Type|type} at the specified path, relative to this namespace.
 * Besides its signature, this methods differs from {@link Namespace#lookup|lookup} in that it throws instead of returning `null`.
 * @param {string|string[]} path Path to look up
 * @returns {Type} Looked up type
 * @throws {Error} If `path` does not point to a type
 */
Namespace.prototype.lookupType = function lookupType(path) {
    var found = this.lookup(path, [ Type ]);
    if (!found)
        throw Error("no such type: " + path);
    return found;
};

/**
 * Looks up the values of the {@link Enum|enum} at the specified path, relative to this namespace.
 * Besides its signature, this methods differs from {@link Namespace#lookup|lookup} in that it throws instead of returning `null`.
 * @param {string|string[]} path Path to look up
 * @returns {Enum} Looked up enum
 * @throws {Error} If `path` does not point to an enum
 */
Namespace.prototype.lookupEnum = function lookupEnum(path) {
    var found = this.lookup(path, [ Enum ]);
    if (!found)
        throw Error("no such Enum '" + path + "' in " + this);
    return found;
};

/**
 * Looks up the {@link Type|type} or {@link Enum|enum} at the specified path, relative to this namespace.
 * Besides its signature, this methods differs from {@link Namespace#lookup|lookup} in that it throws instead of returning `null`.
 * @param {string|string[]} path Path to look up
 * @returns {Type} Looked up type or enum
 * @throws {Error} If `path` does not point to a type or enum
 */
Namespace.prototype.lookupTypeOrEnum = function lookupTypeOrEnum(path) {
    var found = this.lookup(path, [ Type, Enum ]);
    if (!found)
        throw Error("no such Type or Enum '" + path + "' in " + this);
    return found;
};

/**
 * Looks up the {@link Service|service} at the specified path, relative to this namespace.
 * Besides its signature, this methods differs from {@link Namespace#lookup|lookup} in that it throws instead of returning `null`.
 * @param {string|string[]} path Path to look up
 * @returns {Service} Looked up service
 * @throws {Error} If `path` does not point to a service
 */
Namespace.prototype.lookupService = function lookupService(path) {
    var found = this.lookup(path, [ Service ]);
    if (!found)
        throw Error("no such Service '" + path + "' in " + this);
    return found;
};

// Sets up cyclic dependencies (called in index-light)
Namespace._configure = function(Type_, Service_, Enum_) {
    Type    = Type_;
    Service = Service_;
    Enum    = Enum_;
};


/***/ }),

/***/ 385:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = ReflectionObject;

ReflectionObject.className = "ReflectionObject";

const OneOf = __nccwpck_require__(441);
var util = __nccwpck_require__(926);

var Root; // cyclic

/* eslint-disable no-warning-comments */
// TODO: Replace with embedded proto.
var proto2Defaults = {enum_type: "CLOSED", field_presence: "EXPLICIT", json_format: "LEGACY_BEST_EFFORT", message_encoding: "LENGTH_PREFIXED", repeated_field_encoding: "EXPANDED", utf8_validation: "NONE", enforce_naming_style: "STYLE_LEGACY", default_symbol_visibility: "EXPORT_ALL" };
var proto3Defaults = {enum_type: "OPEN", field_presence: "IMPLICIT", json_format: "ALLOW", message_encoding: "LENGTH_PREFIXED", repeated_field_encoding: "PACKED", utf8_validation: "VERIFY", enforce_naming_style: "STYLE_LEGACY", default_symbol_visibility: "EXPORT_ALL" };
var editions2023Defaults = {enum_type: "OPEN", field_presence: "EXPLICIT", json_format: "ALLOW", message_encoding: "LENGTH_PREFIXED", repeated_field_encoding: "PACKED", utf8_validation: "VERIFY", enforce_naming_style: "STYLE_LEGACY", default_symbol_visibility: "EXPORT_ALL" };
var editions2024Defaults = {enum_type: "OPEN", field_presence: "EXPLICIT", json_format: "ALLOW", message_encoding: "LENGTH_PREFIXED", repeated_field_encoding: "PACKED", utf8_validation: "VERIFY", enforce_naming_style: "STYLE2024", default_symbol_visibility: "EXPORT_TOP_LEVEL" };
var editions2026Defaults = {enum_type: "OPEN", field_presence: "EXPLICIT", json_format: "ALLOW", message_encoding: "LENGTH_PREFIXED", repeated_field_encoding: "PACKED", utf8_validation: "VERIFY", enforce_naming_style: "STYLE2026", default_symbol_visibility: "STRICT", enforce_proto_limits: "PROTO_LIMITS2026" };

/**
 * Constructs a new reflection object instance.
 * @classdesc Base class of all reflection objects.
 * @constructor
 * @param {string} name Object name
 * @param {Object.<string,*>} [options] Declared options
 * @abstract
 */
function ReflectionObject(name, options) {

    if (!util.isString(name))
        throw TypeError("name must be a string");

    if (options && !util.isObject(options))
        throw TypeError("options must be an object");

    /**
     * Options.
     * @type {Object.<string,*>|undefined}
     */
    this.options = options; // toJSON

    /**
     * Parsed Options.
     * @type {Array.<Object.<string,*>>|undefined}
     */
    this.parsedOptions = null;

    /**
     * Unique name within its namespace.
     * @type {string}
     */
    this.name = name;

    /**
     * The edition specified for this object.  Only relevant for top-level objects.
     * @type {string}
     * @private
     */
    this._edition = null;

    /**
     * The default edition to use for this object if none is specified.  For legacy reasons,
     * this is proto2 except in the JSON parsing case where it was proto3.
     * @type {string}
     * @private
     */
    this._defaultEdition = "proto2";

    /**
     * Resolved Features.
     * @type {object}
     * @private
     */
    this._features = {};

    /**
     * Whether or not features have been resolved.
     * @type {boolean}
     * @private
     */
    this._featuresResolved = false;

    /**
     * Parent namespace.
     * @type {Namespace|null}
     */
    this.parent = null;

    /**
     * Whether already resolved or not.
     * @type {boolean}
     */
    this.resolved = false;

    /**
     * Comment text, if any.
     * @type {string|null}
     */
    this.comment = null;

    /**
     * Defining file name.
     * @type {string|null}
     */
    this.filename = null;
}

Object.defineProperties(ReflectionObject.prototype, {

    /**
     * Reference to the root namespace.
     * @name ReflectionObject#root
     * @type {Root}
     * @readonly
     */
    root: {
        get: function() {
            var ptr = this;
            while (ptr.parent !== null)
                ptr = ptr.parent;
            return ptr;
        }
    },

    /**
     * Full name including leading dot.
     * @name ReflectionObject#fullName
     * @type {string}
     * @readonly
     */
    fullName: {
        get: function() {
            var path = [ this.name ],
                ptr = this.parent;
            while (ptr) {
                path.unshift(ptr.name);
                ptr = ptr.parent;
            }
            return path.join(".");
        }
    }
});

/**
 * Converts this reflection object to its descriptor representation.
 * @returns {Object.<string,*>} Descriptor
 */
ReflectionObject.prototype.toJSON = /* istanbul ignore next */ function toJSON() {
    throw Error(); // not implemented, shouldn't happen
};

/**
 * Called when this object is added to a parent.
 * @param {ReflectionObject} parent Parent added to
 * @returns {undefined}
 */
ReflectionObject.prototype.onAdd = function onAdd(parent) {
    if (this.parent && this.parent !== parent)
        this.parent.remove(this);
    this.parent = parent;
    this.resolved = false;
    var root = parent.root;
    if (root instanceof Root)
        root._handleAdd(this);
};

/**
 * Called when this object is removed from a parent.
 * @param {ReflectionObject} parent Parent removed from
 * @returns {undefined}
 */
ReflectionObject.prototype.onRemove = function onRemove(parent) {
    var root = parent.root;
    if (root instanceof Root)
        root._handleRemove(this);
    this.parent = null;
    this.resolved = false;
};

/**
 * Resolves this objects type references.
 * @returns {ReflectionObject} `this`
 */
ReflectionObject.prototype.resolve = function resolve() {
    if (this.resolved)
        return this;
    if (this.root instanceof Root)
        this.resolved = true; // only if part of a root
    return this;
};

/**
 * Resolves this objects editions features.
 * @param {string} edition The edition we're currently resolving for.
 * @returns {ReflectionObject} `this`
 */
ReflectionObject.prototype._resolveFeaturesRecursive = function _resolveFeaturesRecursive(edition) {
    return this._resolveFeatures(this._edition || edition);
};

/**
 * Resolves child features from parent features
 * @param {string} edition The edition we're currently resolving for.
 * @returns {undefined}
 */
ReflectionObject.prototype._resolveFeatures = function _resolveFeatures(edition) {
    if (this._featuresResolved) {
        return;
    }

    var defaults = {};

    /* istanbul ignore if */
    if (!edition) {
        throw new Error("Unknown edition for " + this.fullName);
    }

    var protoFeatures = util.merge({}, this.options && this.options.features,
        this._inferLegacyProtoFeatures(edition));

    if (this._edition) {
        // For a namespace marked with a specific edition, reset defaults.
        /* istanbul ignore else */
        if (edition === "proto2") {
            defaults = Object.assign({}, proto2Defaults);
        } else if (edition === "proto3") {
            defaults = Object.assign({}, proto3Defaults);
        } else if (edition === "2023") {
            defaults = Object.assign({}, editions2023Defaults);
        } else if (edition === "2024") {
            defaults = Object.assign({}, editions2024Defaults);
        } else if (edition === "2026") {
            defaults = Object.assign({}, editions2026Defaults);
        } else {
            throw new Error("Unknown edition: " + edition);
        }
        this._features = util.merge(defaults, protoFeatures);
    } else {
        // fields in Oneofs aren't actually children of them, so we have to
        // special-case it
        /* istanbul ignore else */
        if (this.partOf instanceof OneOf) {
            var lexicalParentFeaturesCopy = util.merge({}, this.partOf._features);
            this._features = util.merge(lexicalParentFeaturesCopy, protoFeatures);
        } else if (this.declaringField) {
            // Skip feature resolution of sister fields.
        } else if (this.parent) {
            var parentFeaturesCopy = util.merge({}, this.parent._features);
            this._features = util.merge(parentFeaturesCopy, protoFeatures);
        } else {
            throw new Error("Unable to find a parent for " + this.fullName);
        }
    }
    if (this.extensionField) {
        // Sister fields should have the same features as their extensions.
        this.extensionField._features = this._features;
    }
    this._featuresResolved = true;
};

/**
 * Infers features from legacy syntax that may have been specified differently.
 * in older editions.
 * @param {string|undefined} edition The edition this proto is on, or undefined if pre-editions
 * @returns {object} The feature values to override
 */
ReflectionObject.prototype._inferLegacyProtoFeatures = function _inferLegacyProtoFeatures(/*edition*/) {
    return {};
};

/**
 * Gets an option value.
 * @param {string} name Option name
 * @returns {*} Option value or `undefined` if not set
 */
ReflectionObject.prototype.getOption = function getOption(name) {
    if (this.options && Object.prototype.hasOwnProperty.call(this.options, name))
        return this.options[name];
    return undefined;
};

/**
 * Sets an option.
 * @param {string} name Option name
 * @param {*} value Option value
 * @param {boolean|undefined} [ifNotSet] Sets the option only if it isn't currently set
 * @returns {ReflectionObject} `this`
 */
ReflectionObject.prototype.setOption = function setOption(name, value, ifNotSet) {
    if (name === "__proto__")
        return this;
    if (!this.options)
        this.options = {};
    if (/^features\./.test(name)) {
        util.setProperty(this.options, name, value, ifNotSet);
    } else {
        var prev = this.getOption(name);
        if (!ifNotSet || prev === undefined) {
            if (prev !== value) this.resolved = false;
            this.options[name] = value;
        }
    }

    return this;
};

/**
 * Sets a parsed option.
 * @param {string} name parsed Option name
 * @param {*} value Option value
 * @param {string} propName dot '.' delimited full path of property within the option to set. if undefined\empty, will add a new option with that value
 * @returns {ReflectionObject} `this`
 */
ReflectionObject.prototype.setParsedOption = function setParsedOption(name, value, propName) {
    if (name === "__proto__")
        return this;
    if (!this.parsedOptions) {
        this.parsedOptions = [];
    }
    var parsedOptions = this.parsedOptions;
    if (propName) {
        // If setting a sub property of an option then try to merge it
        // with an existing option
        var opt = parsedOptions.find(function (opt) {
            return Object.prototype.hasOwnProperty.call(opt, name);
        });
        if (opt) {
            // If we found an existing option - just merge the property value
            // (If it's a feature, will just write over)
            var newValue = opt[name];
            util.setProperty(newValue, propName, value);
        } else {
            // otherwise, create a new option, set its property and add it to the list
            opt = {};
            opt[name] = util.setProperty({}, propName, value);
            parsedOptions.push(opt);
        }
    } else {
        // Always create a new option when setting the value of the option itself
        var newOpt = {};
        newOpt[name] = value;
        parsedOptions.push(newOpt);
    }

    return this;
};

/**
 * Sets multiple options.
 * @param {Object.<string,*>} options Options to set
 * @param {boolean} [ifNotSet] Sets an option only if it isn't currently set
 * @returns {ReflectionObject} `this`
 */
ReflectionObject.prototype.setOptions = function setOptions(options, ifNotSet) {
    if (options)
        for (var keys = Object.keys(options), i = 0; i < keys.length; ++i)
            this.setOption(keys[i], options[keys[i]], ifNotSet);
    return this;
};

/**
 * Converts this instance to its string representation.
 * @name ReflectionObject#toString
 * @function
 * @returns {string} Class name[, space, full name]
 */
Object.defineProperty(ReflectionObject.prototype, "toString", {
    value: function toString() {
        var className = this.constructor.className,
            fullName  = this.fullName;
        if (fullName.length)
            return className + " " + fullName;
        return className;
    },
    writable: true,
    enumerable: false,
    configurable: true
});

/**
 * Converts the edition this object is pinned to for JSON format.
 * @returns {string|undefined} The edition string for JSON representation
 */
ReflectionObject.prototype._editionToJSON = function _editionToJSON() {
    if (!this._edition || this._edition === "proto3") {
        // Avoid emitting proto3 since we need to default to it for backwards
        // compatibility anyway.
        return undefined;
    }
    return this._edition;
};

// Sets up cyclic dependencies (called in index-light)
ReflectionObject._configure = function(Root_) {
    Root = Root_;
};


/***/ }),

/***/ 441:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = OneOf;

// extends ReflectionObject
var ReflectionObject = __nccwpck_require__(385);
OneOf.prototype = Object.create(ReflectionObject.prototype, {
    constructor: {
        value: OneOf,
        writable: true,
        enumerable: false,
        configurable: true
    }
});
OneOf.className = "OneOf";

var Field = __nccwpck_require__(792),
    util  = __nccwpck_require__(926);

/**
 * Constructs a new oneof instance.
 * @classdesc Reflected oneof.
 * @extends ReflectionObject
 * @constructor
 * @param {string} name Oneof name
 * @param {string[]|Object.<string,*>} [fieldNames] Field names
 * @param {Object.<string,*>} [options] Declared options
 * @param {string} [comment] Comment associated with this field
 */
function OneOf(name, fieldNames, options, comment) {
    if (!Array.isArray(fieldNames)) {
        options = fieldNames;
        fieldNames = undefined;
    }
    ReflectionObject.call(this, name, options);

    /* istanbul ignore if */
    if (!(fieldNames === undefined || Array.isArray(fieldNames)))
        throw TypeError("fieldNames must be an Array");

    /**
     * Field names that belong to this oneof.
     * @type {string[]}
     */
    this.oneof = fieldNames || []; // toJSON, marker

    /**
     * Fields that belong to this oneof as an array for iteration.
     * @type {Field[]}
     * @readonly
     */
    this.fieldsArray = []; // declared readonly for conformance, possibly not yet added to parent

    /**
     * Comment for this field.
     * @type {string|null}
     */
    this.comment = comment;
}

/**
 * Oneof descriptor.
 * @interface IOneOf
 * @property {Array.<string>} oneof Oneof field names
 * @property {Object.<string,*>} [options] Oneof options
 * @property {string|null} [comment] Oneof comment
 */

/**
 * Constructs a oneof from a oneof descriptor.
 * @param {string} name Oneof name
 * @param {IOneOf} json Oneof descriptor
 * @returns {OneOf} Created oneof
 * @throws {TypeError} If arguments are invalid
 */
OneOf.fromJSON = function fromJSON(name, json) {
    return new OneOf(name, json.oneof, json.options, json.comment);
};

/**
 * Converts this oneof to a oneof descriptor.
 * @param {IToJSONOptions} [toJSONOptions] JSON conversion options
 * @returns {IOneOf} Oneof descriptor
 */
OneOf.prototype.toJSON = function toJSON(toJSONOptions) {
    var keepComments = toJSONOptions ? Boolean(toJSONOptions.keepComments) : false;
    return util.toObject([
        "options" , this.options,
        "oneof"   , this.oneof,
        "comment" , keepComments ? this.comment : undefined
    ]);
};

/**
 * Adds the fields of the specified oneof to the parent if not already done so.
 * @param {OneOf} oneof The oneof
 * @returns {undefined}
 * @inner
 * @ignore
 */
function addFieldsToParent(oneof) {
    if (oneof.parent)
        for (var i = 0; i < oneof.fieldsArray.length; ++i)
            if (!oneof.fieldsArray[i].parent)
                oneof.parent.add(oneof.fieldsArray[i]);
}

/**
 * Adds a field to this oneof and removes it from its current parent, if any.
 * @param {Field} field Field to add
 * @returns {OneOf} `this`
 */
OneOf.prototype.add = function add(field) {

    /* istanbul ignore if */
    if (!(field instanceof Field))
        throw TypeError("field must be a Field");

    if (field.parent && field.parent !== this.parent)
        field.parent.remove(field);
    this.oneof.push(field.name);
    this.fieldsArray.push(field);
    field.partOf = this; // field.parent remains null
    addFieldsToParent(this);
    return this;
};

/**
 * Removes a field from this oneof and puts it back to the oneof's parent.
 * @param {Field} field Field to remove
 * @returns {OneOf} `this`
 */
OneOf.prototype.remove = function remove(field) {

    /* istanbul ignore if */
    if (!(field instanceof Field))
        throw TypeError("field must be a Field");

    var index = this.fieldsArray.indexOf(field);

    /* istanbul ignore if */
    if (index < 0)
        throw Error(field + " is not a member of " + this);

    this.fieldsArray.splice(index, 1);
    index = this.oneof.indexOf(field.name);

    /* istanbul ignore else */
    if (index > -1) // theoretical
        this.oneof.splice(index, 1);

    field.partOf = null;
    return this;
};

/**
 * @override
 */
OneOf.prototype.onAdd = function onAdd(parent) {
    ReflectionObject.prototype.onAdd.call(this, parent);
    var self = this;
    // Collect present fields
    for (var i = 0; i < this.oneof.length; ++i) {
        var field = parent.get(this.oneof[i]);
        if (field && !field.partOf) {
            field.partOf = self;
            self.fieldsArray.push(field);
        }
    }
    // Add not yet present fields
    addFieldsToParent(this);
};

/**
 * @override
 */
OneOf.prototype.onRemove = function onRemove(parent) {
    for (var i = 0, field; i < this.fieldsArray.length; ++i)
        if ((field = this.fieldsArray[i]).parent)
            field.parent.remove(field);
    ReflectionObject.prototype.onRemove.call(this, parent);
};

/**
 * Determines whether this field corresponds to a synthetic oneof created for
 * a proto3 optional field.  No behavioral logic should depend on this, but it
 * can be relevant for reflection.
 * @name OneOf#isProto3Optional
 * @type {boolean}
 * @readonly
 */
Object.defineProperty(OneOf.prototype, "isProto3Optional", {
    get: function() {
        if (this.fieldsArray == null || this.fieldsArray.length !== 1) {
            return false;
        }

        var field = this.fieldsArray[0];
        return field.options != null && field.options["proto3_optional"] === true;
    }
});

/**
 * Decorator function as returned by {@link OneOf.d} (TypeScript).
 * @typedef OneOfDecorator
 * @type {function}
 * @param {Object} prototype Target prototype
 * @param {string} oneofName OneOf name
 * @returns {undefined}
 * @deprecated Legacy TypeScript decorator support. Will be removed in a future release.
 */

/**
 * OneOf decorator (TypeScript).
 * @function
 * @param {...string} fieldNames Field names
 * @returns {OneOfDecorator} Decorator function
 * @template T extends string
 * @deprecated Legacy TypeScript decorator support. Will be removed in a future release.
 */
OneOf.d = function decorateOneOf() {
    var fieldNames = new Array(arguments.length),
        index = 0;
    while (index < arguments.length)
        fieldNames[index] = arguments[index++];
    return function oneOfDecorator(prototype, oneofName) {
        util.decorateType(prototype.constructor)
            .add(new OneOf(oneofName, fieldNames));
        Object.defineProperty(prototype, oneofName, {
            get: util.oneOfGetter(fieldNames),
            set: util.oneOfSetter(fieldNames)
        });
    };
};


/***/ }),

/***/ 789:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = Reader;

var util      = __nccwpck_require__(186);

var BufferReader; // cyclic

var LongBits  = util.LongBits,
    utf8      = util.utf8;

/* istanbul ignore next */
function indexOutOfRange(reader, writeLength) {
    return RangeError("index out of range: " + reader.pos + " + " + (writeLength || 1) + " > " + reader.len);
}

/**
 * Constructs a new reader instance using the specified buffer.
 * @classdesc Wire format reader using `Uint8Array`.
 * @constructor
 * @param {Uint8Array} buffer Buffer to read from
 */
function Reader(buffer) {

    /**
     * Read buffer.
     * @type {Uint8Array}
     */
    this.buf = buffer;

    /**
     * Read buffer position.
     * @type {number}
     */
    this.pos = 0;

    /**
     * Read buffer length.
     * @type {number}
     */
    this.len = buffer.length;

    /**
     * Cached DataView for packed reads.
     * @type {DataView|null}
     */
    this.view = null;

    /**
     * Whether to discard unknown fields while decoding.
     * @type {boolean}
     */
    this.discardUnknown = Reader.discardUnknown;
}

function create_array(buffer) {
    // TODO: Remove plain array reader support in the next major release.
    if (Array.isArray(buffer))
        buffer = new Uint8Array(buffer);
    if (buffer instanceof Uint8Array)
        return new Reader(buffer);
    throw Error("illegal buffer");
}

var create = function create() {
    return util.Buffer
        ? function create_buffer_setup(buffer) {
            return (Reader.create = function create_buffer(buffer) {
                return util.Buffer.isBuffer(buffer)
                    ? new BufferReader(buffer)
                    /* istanbul ignore next */
                    : create_array(buffer);
            })(buffer);
        }
        /* istanbul ignore next */
        : create_array;
};

/**
 * Creates a new reader using the specified buffer.
 * @function
 * @param {Uint8Array|Buffer} buffer Buffer to read from
 * @returns {Reader|BufferReader} A {@link BufferReader} if `buffer` is a Buffer, otherwise a {@link Reader}
 * @throws {Error} If `buffer` is not a valid buffer
 */
Reader.create = create();

/**
 * Returns raw bytes from the backing buffer without advancing the reader.
 * @param {number} start Start offset
 * @param {number} end End offset
 * @returns {Uint8Array} Raw bytes
 */
Reader.prototype.raw = function read_raw(start, end) {
    return this.buf.subarray(start, end);
};

function readVarint32NearEnd(reader) {
    // Safely read up to four bytes of a varint32 near the reader limit
    var value = 0;
    for (var i = 0; i < 4; ++i) {
        if (reader.pos >= reader.len)
            throw indexOutOfRange(reader);
        var b = reader.buf[reader.pos++];
        value = (value | (b & 127) << i * 7) >>> 0;
        if (b < 128)
            return value;
    }
    throw indexOutOfRange(reader);
}

/**
 * Reads a varint as an unsigned 32 bit value.
 * @function
 * @returns {number} Value read
 */
Reader.prototype.uint32 = function read_uint32() {
    if (this.len - this.pos < 5) {
        if (this.pos >= this.len)
            throw indexOutOfRange(this);
        if (this.buf[this.pos] >= 128)
            return readVarint32NearEnd(this);
    }
    var buf = this.buf,
        pos = this.pos,
        value = (buf[pos] & 127) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    value = (value | (buf[pos] & 127) << 7) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    value = (value | (buf[pos] & 127) << 14) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    value = (value | (buf[pos] & 127) << 21) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    value = (value | (buf[pos] & 15) << 28) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }

    for (var i = 0; i < 5; ++i) {
        /* istanbul ignore if */
        if (pos >= this.len) {
            this.pos = pos;
            throw indexOutOfRange(this);
        }
        if (buf[pos++] < 128) {
            this.pos = pos;
            return value;
        }
    }
    /* istanbul ignore next */
    this.pos = pos;
    throw Error("invalid varint encoding");
};

/**
 * Reads a field tag.
 * @function
 * @returns {number} Tag read
 */
Reader.prototype.tag = function read_tag() {
    if (this.len - this.pos < 5) {
        if (this.pos >= this.len)
            throw indexOutOfRange(this);
        if (this.buf[this.pos] >= 128)
            return readVarint32NearEnd(this);
    }
    var buf = this.buf,
        pos = this.pos,
        value = (buf[pos] & 127) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    value = (value | (buf[pos] & 127) << 7) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    value = (value | (buf[pos] & 127) << 14) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    value = (value | (buf[pos] & 127) << 21) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    value = (value | (buf[pos] & 15) << 28) >>> 0;
    if (buf[pos] < 128 && (buf[pos] & 112) === 0) {
        this.pos = pos + 1;
        return value;
    }

    this.pos = pos + 1;
    throw Error("invalid tag encoding");
};

/**
 * Reads a varint length prefix within signed 32 bit range.
 * @returns {number} Length read
 */
Reader.prototype.size = function read_size() {
    if (this.len - this.pos < 5) {
        if (this.pos >= this.len)
            throw indexOutOfRange(this);
        if (this.buf[this.pos] >= 128)
            return readVarint32NearEnd(this);
    }
    var buf = this.buf,
        pos = this.pos,
        value = (buf[pos] & 127) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    value = (value | (buf[pos] & 127) << 7) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    value = (value | (buf[pos] & 127) << 14) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    value = (value | (buf[pos] & 127) << 21) >>> 0;
    if (buf[pos++] < 128) {
        this.pos = pos;
        return value;
    }
    this.pos = pos + 1;
    if (buf[pos] > 7)
        throw Error("invalid length encoding");
    return (value | buf[pos] << 28) >>> 0;
};

/**
 * Reads a varint as a signed 32 bit value.
 * @returns {number} Value read
 */
Reader.prototype.int32 = function read_int32() {
    return this.uint32() | 0;
};

/**
 * Reads a zig-zag encoded varint as a signed 32 bit value.
 * @returns {number} Value read
 */
Reader.prototype.sint32 = function read_sint32() {
    var value = this.uint32();
    return value >>> 1 ^ -(value & 1) | 0;
};

/* eslint-disable no-invalid-this */

function readLongVarint() {
    // tends to deopt with local vars for octet etc.
    var bits = new LongBits(0, 0);
    var i = 0;
    if (this.len - this.pos > 4) { // fast route (lo)
        for (; i < 4; ++i) {
            // 1st..4th
            bits.lo = (bits.lo | (this.buf[this.pos] & 127) << i * 7) >>> 0;
            if (this.buf[this.pos++] < 128)
                return bits;
        }
        // 5th
        bits.lo = (bits.lo | (this.buf[this.pos] & 127) << 28) >>> 0;
        bits.hi = (bits.hi | (this.buf[this.pos] & 127) >>  4) >>> 0;
        if (this.buf[this.pos++] < 128)
            return bits;
        i = 0;
    } else {
        for (; i < 4; ++i) {
            /* istanbul ignore if */
            if (this.pos >= this.len)
                throw indexOutOfRange(this);
            // 1st..4th
            bits.lo = (bits.lo | (this.buf[this.pos] & 127) << i * 7) >>> 0;
            if (this.buf[this.pos++] < 128)
                return bits;
        }
        throw indexOutOfRange(this);
    }
    if (this.len - this.pos > 4) { // fast route (hi)
        for (; i < 5; ++i) {
            // 6th..10th
            bits.hi = (bits.hi | (this.buf[this.pos] & 127) << i * 7 + 3) >>> 0;
            if (this.buf[this.pos++] < 128)
                return bits;
        }
    } else {
        for (; i < 5; ++i) {
            /* istanbul ignore if */
            if (this.pos >= this.len)
                throw indexOutOfRange(this);
            // 6th..10th
            bits.hi = (bits.hi | (this.buf[this.pos] & 127) << i * 7 + 3) >>> 0;
            if (this.buf[this.pos++] < 128)
                return bits;
        }
    }
    /* istanbul ignore next */
    throw Error("invalid varint encoding");
}

/* eslint-enable no-invalid-this */

/**
 * Reads a varint as a signed 64 bit value.
 * @name Reader#int64
 * @function
 * @returns {Long} Value read
 */

/**
 * Reads a varint as an unsigned 64 bit value.
 * @name Reader#uint64
 * @function
 * @returns {Long} Value read
 */

/**
 * Reads a zig-zag encoded varint as a signed 64 bit value.
 * @name Reader#sint64
 * @function
 * @returns {Long} Value read
 */

/**
 * Reads a varint as a boolean.
 * @returns {boolean} Value read
 */
Reader.prototype.bool = function read_bool() {
    var value = false,
        b;
    for (var i = 0; i < 10; ++i) {
        /* istanbul ignore if */
        if (this.pos >= this.len)
            throw indexOutOfRange(this);
        b = this.buf[this.pos++];
        if (b & 127)
            value = true;
        if (b < 128)
            return value;
    }
    /* istanbul ignore next */
    throw Error("invalid varint encoding");
};

function readFixed32_end(buf, end) { // note that this uses `end`, not `pos`
    return (buf[end - 4]
          | buf[end - 3] << 8
          | buf[end - 2] << 16
          | buf[end - 1] << 24) >>> 0;
}

/**
 * Reads fixed 32 bits as an unsigned 32 bit integer.
 * @returns {number} Value read
 */
Reader.prototype.fixed32 = function read_fixed32() {

    /* istanbul ignore if */
    if (this.pos + 4 > this.len)
        throw indexOutOfRange(this, 4);

    return readFixed32_end(this.buf, this.pos += 4);
};

/**
 * Reads fixed 32 bits as a signed 32 bit integer.
 * @returns {number} Value read
 */
Reader.prototype.sfixed32 = function read_sfixed32() {

    /* istanbul ignore if */
    if (this.pos + 4 > this.len)
        throw indexOutOfRange(this, 4);

    return readFixed32_end(this.buf, this.pos += 4) | 0;
};

/* eslint-disable no-invalid-this */

function readFixed64(/* this: Reader */) {

    /* istanbul ignore if */
    if (this.pos + 8 > this.len)
        throw indexOutOfRange(this, 8);

    return new LongBits(readFixed32_end(this.buf, this.pos += 4), readFixed32_end(this.buf, this.pos += 4));
}

/* eslint-enable no-invalid-this */

/**
 * Reads fixed 64 bits.
 * @name Reader#fixed64
 * @function
 * @returns {Long} Value read
 */

/**
 * Reads zig-zag encoded fixed 64 bits.
 * @name Reader#sfixed64
 * @function
 * @returns {Long} Value read
 */

/**
 * Reads a float (32 bit) as a number.
 * @function
 * @returns {number} Value read
 */
Reader.prototype.float = function read_float() {

    /* istanbul ignore if */
    if (this.pos + 4 > this.len)
        throw indexOutOfRange(this, 4);

    var value = util.float.readFloatLE(this.buf, this.pos);
    this.pos += 4;
    return value;
};

/**
 * Reads a double (64 bit float) as a number.
 * @function
 * @returns {number} Value read
 */
Reader.prototype.double = function read_double() {

    /* istanbul ignore if */
    if (this.pos + 8 > this.len)
        throw indexOutOfRange(this, 4);

    var value = util.float.readDoubleLE(this.buf, this.pos);
    this.pos += 8;
    return value;
};

/**
 * Reads a packed repeated field of unsigned 32 bit varints.
 * @param {number[]} [array] Array to read into; a new one is created if omitted
 * @returns {number[]} Array read into
 */
Reader.prototype.uint32s = function read_uint32s(array) {
    if (array === undefined) array = [];
    var end = this.size() + this.pos, len = this.len, buf = this.buf, pos = this.pos, value;
    if (end > len) throw indexOutOfRange(this, end - this.pos);
    this.len = end;
    while (pos < end) {
        value = buf[pos++];
        if (value < 128)
            array.push(value);
        else {
            this.pos = pos - 1;
            array.push(this.uint32());
            pos = this.pos;
        }
    }
    this.pos = pos;
    if (pos !== end) throw RangeError("index out of range");
    this.len = len;
    return array;
};

/**
 * Reads a packed repeated field of signed 32 bit varints.
 * @param {number[]} [array] Array to read into; a new one is created if omitted
 * @returns {number[]} Array read into
 */
Reader.prototype.int32s = function read_int32s(array) {
    if (array === undefined) array = [];
    var end = this.size() + this.pos, len = this.len, buf = this.buf, pos = this.pos, value;
    if (end > len) throw indexOutOfRange(this, end - this.pos);
    this.len = end;
    while (pos < end) {
        value = buf[pos++];
        if (value < 128)
            array.push(value);
        else {
            this.pos = pos - 1;
            array.push(this.int32());
            pos = this.pos;
        }
    }
    this.pos = pos;
    if (pos !== end) throw RangeError("index out of range");
    this.len = len;
    return array;
};

/**
 * Reads a packed repeated field of zig-zag encoded signed 32 bit varints.
 * @param {number[]} [array] Array to read into; a new one is created if omitted
 * @returns {number[]} Array read into
 */
Reader.prototype.sint32s = function read_sint32s(array) {
    if (array === undefined) array = [];
    var end = this.size() + this.pos, len = this.len;
    if (end > len) throw indexOutOfRange(this, end - this.pos);
    this.len = end;
    while (this.pos < end)
        array.push(this.sint32());
    if (this.pos !== end) throw RangeError("index out of range");
    this.len = len;
    return array;
};

/**
 * Reads a packed repeated field of booleans.
 * @param {boolean[]} [array] Array to read into; a new one is created if omitted
 * @returns {boolean[]} Array read into
 */
Reader.prototype.bools = function read_bools(array) {
    if (array === undefined) array = [];
    var end = this.size() + this.pos, len = this.len, buf = this.buf, pos = this.pos, value;
    if (end > len) throw indexOutOfRange(this, end - this.pos);
    this.len = end;
    while (pos < end) {
        value = buf[pos++];
        if (value < 128)
            array.push(value !== 0);
        else {
            this.pos = pos - 1;
            array.push(this.bool());
            pos = this.pos;
        }
    }
    this.pos = pos;
    if (pos !== end) throw RangeError("index out of range");
    this.len = len;
    return array;
};

// The view allocation only pays off when amortized over enough reads
var VIEW_THRESHOLD_FLOAT = 8,
    VIEW_THRESHOLD_INT   = 128;

function getLazyView(reader, count, threshold) {
    var view = reader.view;
    if (view || count < threshold)
        return view;
    var buf = reader.buf;
    return reader.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Reads a packed repeated field of unsigned 32 bit fixed values.
 * @param {number[]} [array] Array to read into; a new one is created if omitted
 * @returns {number[]} Array read into
 */
Reader.prototype.fixed32s = function read_fixed32s(array) {
    if (array === undefined) array = [];
    var len = this.size(), end = this.pos + len;
    /* istanbul ignore if */
    if (end > this.len) throw indexOutOfRange(this, len);
    var count = len >>> 2, i = array.length, pos = this.pos;
    array.length = i + count;
    var dv = getLazyView(this, count, VIEW_THRESHOLD_INT);
    if (dv)
        for (var k = 0; k < count; ++k, pos += 4) array[i++] = dv.getUint32(pos, true);
    else {
        var buf = this.buf;
        for (var j = 0; j < count; ++j, pos += 4) array[i++] = readFixed32_end(buf, pos + 4);
    }
    this.pos = pos;
    if (pos !== end) throw indexOutOfRange(this, 4);
    return array;
};

/**
 * Reads a packed repeated field of signed 32 bit fixed values.
 * @param {number[]} [array] Array to read into; a new one is created if omitted
 * @returns {number[]} Array read into
 */
Reader.prototype.sfixed32s = function read_sfixed32s(array) {
    if (array === undefined) array = [];
    var len = this.size(), end = this.pos + len;
    /* istanbul ignore if */
    if (end > this.len) throw indexOutOfRange(this, len);
    var count = len >>> 2, i = array.length, pos = this.pos;
    array.length = i + count;
    var dv = getLazyView(this, count, VIEW_THRESHOLD_INT);
    if (dv)
        for (var k = 0; k < count; ++k, pos += 4) array[i++] = dv.getInt32(pos, true);
    else {
        var buf = this.buf;
        for (var j = 0; j < count; ++j, pos += 4) array[i++] = readFixed32_end(buf, pos + 4) | 0;
    }
    this.pos = pos;
    if (pos !== end) throw indexOutOfRange(this, 4);
    return array;
};

/**
 * Reads a packed repeated field of floats (32 bit).
 * @param {number[]} [array] Array to read into; a new one is created if omitted
 * @returns {number[]} Array read into
 */
Reader.prototype.floats = function read_floats(array) {
    if (array === undefined) array = [];
    var len = this.size(), end = this.pos + len;
    /* istanbul ignore if */
    if (end > this.len) throw indexOutOfRange(this, len);
    var count = len >>> 2, i = array.length, pos = this.pos;
    array.length = i + count;
    var dv = getLazyView(this, count, VIEW_THRESHOLD_FLOAT);
    if (dv)
        for (var k = 0; k < count; ++k, pos += 4) array[i++] = dv.getFloat32(pos, true);
    else {
        var buf = this.buf;
        for (var j = 0; j < count; ++j, pos += 4) array[i++] = util.float.readFloatLE(buf, pos);
    }
    this.pos = pos;
    if (pos !== end) throw indexOutOfRange(this, 4);
    return array;
};

/**
 * Reads a packed repeated field of doubles (64 bit float).
 * @param {number[]} [array] Array to read into; a new one is created if omitted
 * @returns {number[]} Array read into
 */
Reader.prototype.doubles = function read_doubles(array) {
    if (array === undefined) array = [];
    var len = this.size(), end = this.pos + len;
    /* istanbul ignore if */
    if (end > this.len) throw indexOutOfRange(this, len);
    var count = len >>> 3, i = array.length, pos = this.pos;
    array.length = i + count;
    var dv = getLazyView(this, count, VIEW_THRESHOLD_FLOAT);
    if (dv)
        for (var k = 0; k < count; ++k, pos += 8) array[i++] = dv.getFloat64(pos, true);
    else {
        var buf = this.buf;
        for (var j = 0; j < count; ++j, pos += 8) array[i++] = util.float.readDoubleLE(buf, pos);
    }
    this.pos = pos;
    if (pos !== end) throw indexOutOfRange(this, 8);
    return array;
};

/**
 * Reads a packed repeated field of unsigned 64 bit varints.
 * @param {Array.<Long|number>} [array] Array to read into; a new one is created if omitted
 * @returns {Array.<Long|number>} Array read into
 */
Reader.prototype.uint64s = function read_uint64s(array) {
    if (array === undefined) array = [];
    var end = this.size() + this.pos, len = this.len;
    if (end > len) throw indexOutOfRange(this, end - this.pos);
    this.len = end;
    while (this.pos < end)
        array.push(this.uint64());
    if (this.pos !== end) throw RangeError("index out of range");
    this.len = len;
    return array;
};

/**
 * Reads a packed repeated field of signed 64 bit varints.
 * @param {Array.<Long|number>} [array] Array to read into; a new one is created if omitted
 * @returns {Array.<Long|number>} Array read into
 */
Reader.prototype.int64s = function read_int64s(array) {
    if (array === undefined) array = [];
    var end = this.size() + this.pos, len = this.len;
    if (end > len) throw indexOutOfRange(this, end - this.pos);
    this.len = end;
    while (this.pos < end)
        array.push(this.int64());
    if (this.pos !== end) throw RangeError("index out of range");
    this.len = len;
    return array;
};

/**
 * Reads a packed repeated field of zig-zag encoded signed 64 bit varints.
 * @param {Array.<Long|number>} [array] Array to read into; a new one is created if omitted
 * @returns {Array.<Long|number>} Array read into
 */
Reader.prototype.sint64s = function read_sint64s(array) {
    if (array === undefined) array = [];
    var end = this.size() + this.pos, len = this.len;
    if (end > len) throw indexOutOfRange(this, end - this.pos);
    this.len = end;
    while (this.pos < end)
        array.push(this.sint64());
    if (this.pos !== end) throw RangeError("index out of range");
    this.len = len;
    return array;
};

/**
 * Reads a packed repeated field of unsigned 64 bit fixed values.
 * @param {Array.<Long|number>} [array] Array to read into; a new one is created if omitted
 * @returns {Array.<Long|number>} Array read into
 */
Reader.prototype.fixed64s = function read_fixed64s(array) {
    if (array === undefined) array = [];
    var len = this.size(), end = this.pos + len, i = array.length;
    /* istanbul ignore if */
    if (end > this.len) throw indexOutOfRange(this, len);
    var count = len >>> 3;
    array.length = i + count; // 8 bytes per value, count is known
    for (var j = 0; j < count; ++j)
        array[i++] = this.fixed64();
    if (this.pos !== end) throw indexOutOfRange(this, 8);
    return array;
};

/**
 * Reads a packed repeated field of signed 64 bit fixed values.
 * @param {Array.<Long|number>} [array] Array to read into; a new one is created if omitted
 * @returns {Array.<Long|number>} Array read into
 */
Reader.prototype.sfixed64s = function read_sfixed64s(array) {
    if (array === undefined) array = [];
    var len = this.size(), end = this.pos + len, i = array.length;
    /* istanbul ignore if */
    if (end > this.len) throw indexOutOfRange(this, len);
    var count = len >>> 3;
    array.length = i + count; // 8 bytes per value, count is known
    for (var j = 0; j < count; ++j)
        array[i++] = this.sfixed64();
    if (this.pos !== end) throw indexOutOfRange(this, 8);
    return array;
};

/**
 * Reads a sequence of bytes preceeded by its length as a varint.
 * @returns {Uint8Array} Value read
 */
Reader.prototype.bytes = function read_bytes() {
    var length = this.size(),
        start  = this.pos,
        end    = this.pos + length;

    /* istanbul ignore if */
    if (end > this.len)
        throw indexOutOfRange(this, length);

    this.pos = end;
    return this.raw(start, end);
};

/**
 * Reads a string preceeded by its byte length as a varint.
 * @returns {string} Value read
 */
Reader.prototype.string = function read_string() {
    var length = this.size(),
        start  = this.pos,
        end    = this.pos + length;

    /* istanbul ignore if */
    if (end > this.len)
        throw indexOutOfRange(this, length);

    this.pos = end;
    return utf8.read(this.buf, start, end);
};

/**
 * Reads a string preceeded by its byte length as a varint, rejecting invalid UTF8.
 * @returns {string} Value read
 */
Reader.prototype.stringVerify = function read_string_verify() {
    var length = this.size(),
        start  = this.pos,
        end    = this.pos + length;

    /* istanbul ignore if */
    if (end > this.len)
        throw indexOutOfRange(this, length);

    this.pos = end;
    return utf8.readStrict(this.buf, start, end);
};

/**
 * Skips the specified number of bytes if specified, otherwise skips a varint.
 * @param {number} [length] Length if known, otherwise a varint is assumed
 * @returns {Reader} `this`
 */
Reader.prototype.skip = function skip(length) {
    if (typeof length === "number") {
        /* istanbul ignore if */
        if (this.pos + length > this.len)
            throw indexOutOfRange(this, length);
        this.pos += length;
    } else {
        do {
            /* istanbul ignore if */
            if (this.pos >= this.len)
                throw indexOutOfRange(this);
        } while (this.buf[this.pos++] & 128);
    }
    return this;
};

/**
 * Recursion limit.
 * @type {number}
 */
Reader.recursionLimit = util.recursionLimit;

/**
 * Whether readers discard unknown fields while decoding.
 * @type {boolean}
 */
Reader.discardUnknown = true;

/**
 * Skips the next element of the specified wire type.
 * @param {number} wireType Wire type received
 * @param {number} [depth] Depth of recursion to control nested calls; 0 if omitted
 * @param {number} [fieldNumber] Field number for validating group end tags
 * @returns {Reader} `this`
 */
Reader.prototype.skipType = function(wireType, depth, fieldNumber) {
    if (depth === undefined) depth = 0;
    if (depth > Reader.recursionLimit)
        throw Error("max depth exceeded");
    if (fieldNumber === 0)
        throw Error("illegal tag: field number 0");
    switch (wireType) {
        case 0:
            this.skip();
            break;
        case 1:
            this.skip(8);
            break;
        case 2:
            this.skip(this.size());
            break;
        case 3:
            while (true) {
                var tag = this.tag();
                var nestedField = tag >>> 3;
                wireType = tag & 7;
                if (!nestedField)
                    throw Error("illegal tag: field number 0");
                if (wireType === 4) {
                    if (fieldNumber !== undefined && nestedField !== fieldNumber)
                        throw Error("invalid end group tag");
                    break;
                }
                this.skipType(wireType, depth + 1, nestedField);
            }
            break;
        case 5:
            this.skip(4);
            break;

        /* istanbul ignore next */
        default:
            throw Error("invalid wire type " + wireType + " at offset " + this.pos);
    }
    return this;
};

Reader._configure = function(BufferReader_) {
    BufferReader = BufferReader_;
    Reader.create = create();
    BufferReader._configure();

    var fn = util.Long ? "toLong" : /* istanbul ignore next */ "toNumber";
    util.merge(Reader.prototype, {

        int64: function read_int64() {
            return readLongVarint.call(this)[fn](false);
        },

        uint64: function read_uint64() {
            return readLongVarint.call(this)[fn](true);
        },

        sint64: function read_sint64() {
            return readLongVarint.call(this).zzDecode()[fn](false);
        },

        fixed64: function read_fixed64() {
            return readFixed64.call(this)[fn](true);
        },

        sfixed64: function read_sfixed64() {
            return readFixed64.call(this)[fn](false);
        }

    });
};


/***/ }),

/***/ 102:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = BufferReader;

// extends Reader
var Reader = __nccwpck_require__(789);
BufferReader.prototype = Object.create(Reader.prototype, {
    constructor: {
        value: BufferReader,
        writable: true,
        enumerable: false,
        configurable: true
    }
});

var util = __nccwpck_require__(186);

/**
 * Constructs a new buffer reader instance.
 * @classdesc Wire format reader using node buffers.
 * @extends Reader
 * @constructor
 * @param {Buffer} buffer Buffer to read from
 */
function BufferReader(buffer) {
    Reader.call(this, buffer);

    /**
     * Read buffer.
     * @name BufferReader#buf
     * @type {Buffer}
    */
}

BufferReader._configure = function () {
    /* istanbul ignore else */
    if (util.Buffer)
        BufferReader.prototype._slice = util.Buffer.prototype.slice;
};

/**
 * Returns raw bytes from the backing buffer without advancing the reader.
 * @name BufferReader#raw
 * @function
 * @param {number} start Start offset
 * @param {number} end End offset
 * @returns {Buffer} Raw bytes
 */
BufferReader.prototype.raw = function read_raw_buffer(start, end) {
    return this._slice.call(this.buf, start, end);
};

/**
 * @override
 */
BufferReader.prototype.string = function read_string_buffer() {
    var len = this.size(), // modifies pos
        start = this.pos,
        end = this.pos + len;

    /* istanbul ignore if */
    if (end > this.len)
        throw RangeError("index out of range: " + this.pos + " + " + len + " > " + this.len);

    this.pos = end;
    return this.buf.utf8Slice
        ? this.buf.utf8Slice(start, end)
        : this.buf.toString("utf-8", start, end);
};

/**
 * Reads a sequence of bytes preceeded by its length as a varint.
 * @name BufferReader#bytes
 * @function
 * @returns {Buffer} Value read
 */

BufferReader._configure();


/***/ }),

/***/ 666:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = Root;

// extends Namespace
var Namespace = __nccwpck_require__(731);
Root.prototype = Object.create(Namespace.prototype, {
    constructor: {
        value: Root,
        writable: true,
        enumerable: false,
        configurable: true
    }
});
Root.className = "Root";

var Field   = __nccwpck_require__(792),
    Enum    = __nccwpck_require__(363),
    OneOf   = __nccwpck_require__(441),
    util    = __nccwpck_require__(926);

var Type,   // cyclic
    parse,  // might be excluded
    common; // "

/**
 * Constructs a new root namespace instance.
 * @classdesc Root namespace wrapping all types, enums, services, sub-namespaces etc. that belong together.
 * @extends NamespaceBase
 * @constructor
 * @param {Object.<string,*>} [options] Top level options
 */
function Root(options) {
    Namespace.call(this, "", options);

    /**
     * Deferred extension fields.
     * @type {Field[]}
     */
    this.deferred = [];

    /**
     * Resolved file names of loaded files.
     * @type {string[]}
     */
    this.files = [];

    /**
     * Edition, defaults to proto2 if unspecified.
     * @type {string}
     * @private
     */
    this._edition = "proto2";

    /**
     * Global lookup cache of fully qualified names.
     * @type {Object.<string,ReflectionObject>}
     * @private
     */
    this._fullyQualifiedObjects = {};
}

/**
 * Loads a namespace descriptor into a root namespace.
 * @param {INamespace} json Namespace descriptor
 * @param {Root} [root] Root namespace, defaults to create a new one if omitted
 * @param {number} [depth] Current nesting depth, defaults to `0`
 * @returns {Root} Root namespace
 */
Root.fromJSON = function fromJSON(json, root, depth) {
    if (depth === undefined)
        depth = 0;
    if (depth > util.recursionLimit)
        throw Error("max depth exceeded");
    if (!root)
        root = new Root();
    if (json.options)
        root.setOptions(json.options);
    return root.addJSON(json.nested, depth).resolveAll();
};

/**
 * Resolves the path of an imported file, relative to the importing origin.
 * This method exists so you can override it with your own logic in case your imports are scattered over multiple directories.
 * @function
 * @param {string} origin The file name of the importing file
 * @param {string} target The file name being imported
 * @returns {string|null} Resolved path to `target` or `null` to skip the file
 */
Root.prototype.resolvePath = util.path.resolve;

/**
 * Fetch content from file path or url
 * This method exists so you can override it with your own logic.
 * @function
 * @param {string} path File path or url
 * @param {FetchCallback} callback Callback function
 * @returns {undefined}
 */
Root.prototype.fetch = util.fetch;

// A symbol-like function to safely signal synchronous loading
/* istanbul ignore next */
function SYNC() {} // eslint-disable-line no-empty-function

/**
 * Loads one or multiple .proto or preprocessed .json files into this root namespace and calls the callback.
 * @param {string|string[]} filename Names of one or multiple files to load
 * @param {IParseOptions} options Parse options
 * @param {LoadCallback} callback Callback function
 * @returns {undefined}
 */
Root.prototype.load = function load(filename, options, callback) {
    if (typeof options === "function") {
        callback = options;
        options = undefined;
    }
    var self = this;
    if (!callback) {
        return util.asPromise(load, self, filename, options);
    }

    var sync = callback === SYNC; // undocumented

    // Finishes loading by calling the callback (exactly once)
    function finish(err, root) {
        /* istanbul ignore if */
        if (!callback) {
            return;
        }
        if (sync) {
            throw err;
        }
        if (root) {
            root.resolveAll();
        }
        var cb = callback;
        callback = null;
        cb(err, root);
    }

    // Bundled definition existence checking
    function getBundledFileName(filename) {
        var idx = filename.lastIndexOf("google/protobuf/");
        if (idx > -1) {
            var altname = filename.substring(idx);
            if (Object.prototype.hasOwnProperty.call(common, altname)) return altname;
        }
        if (Object.prototype.hasOwnProperty.call(common, filename)) return filename;
        return null;
    }

    // Processes a single file
    function process(filename, source, depth) {
        if (depth === undefined)
            depth = 0;
        try {
            if (depth > util.recursionLimit)
                throw Error("max depth exceeded");
            if (util.isString(source) && source.charAt(0) === "{")
                source = JSON.parse(source);
            if (!util.isString(source))
                self.setOptions(source.options).addJSON(source.nested);
            else {
                parse.filename = filename;
                var parsed = parse(source, self, options),
                    resolved,
                    i = 0;
                if (parsed.imports)
                    for (; i < parsed.imports.length; ++i)
                        if (resolved = getBundledFileName(parsed.imports[i]) || self.resolvePath(filename, parsed.imports[i]))
                            fetch(resolved, false, depth + 1);
                if (parsed.weakImports)
                    for (i = 0; i < parsed.weakImports.length; ++i)
                        if (resolved = getBundledFileName(parsed.weakImports[i]) || self.resolvePath(filename, parsed.weakImports[i]))
                            fetch(resolved, true, depth + 1);
            }
        } catch (err) {
            finish(err);
        }
        if (!sync && !queued) {
            finish(null, self); // only once anyway
        }
    }

    // Fetches a single file
    function fetch(filename, weak, depth) {
        if (depth === undefined)
            depth = 0;
        filename = getBundledFileName(filename) || filename;

        // Skip if already loaded / attempted
        if (self.files.indexOf(filename) > -1) {
            return;
        }
        self.files.push(filename);

        // Shortcut bundled definitions
        if (Object.prototype.hasOwnProperty.call(common, filename)) {
            if (sync) {
                process(filename, common[filename], depth);
            } else {
                ++queued;
                setTimeout(function() {
                    --queued;
                    process(filename, common[filename], depth);
                });
            }
            return;
        }

        // Otherwise fetch from disk or network
        if (sync) {
            var source;
            try {
                source = util.fs.readFileSync(filename).toString("utf8");
            } catch (err) {
                if (!weak)
                    finish(err);
                return;
            }
            process(filename, source, depth);
        } else {
            ++queued;
            self.fetch(filename, function(err, source) {
                --queued;
                /* istanbul ignore if */
                if (!callback) {
                    return; // terminated meanwhile
                }
                if (err) {
                    /* istanbul ignore else */
                    if (!weak)
                        finish(err);
                    else if (!queued) // can't be covered reliably
                        finish(null, self);
                    return;
                }
                process(filename, source, depth);
            });
        }
    }
    var queued = 0;

    // Assembling the root namespace doesn't require working type
    // references anymore, so we can load everything in parallel
    if (util.isString(filename)) {
        filename = [ filename ];
    }
    for (var i = 0, resolved; i < filename.length; ++i)
        if (resolved = self.resolvePath("", filename[i]))
            fetch(resolved);
    if (sync) {
        self.resolveAll();
        return self;
    }
    if (!queued) {
        finish(null, self);
    }

    return self;
};
// function load(filename:string, options:IParseOptions, callback:LoadCallback):undefined

/**
 * Loads one or multiple .proto or preprocessed .json files into this root namespace and calls the callback.
 * @function Root#load
 * @param {string|string[]} filename Names of one or multiple files to load
 * @param {LoadCallback} callback Callback function
 * @returns {undefined}
 * @variation 2
 */
// function load(filename:string, callback:LoadCallback):undefined

/**
 * Loads one or multiple .proto or preprocessed .json files into this root namespace and returns a promise.
 * @function Root#load
 * @param {string|string[]} filename Names of one or multiple files to load
 * @param {IParseOptions} [options] Parse options. Defaults to {@link parse.defaults} when omitted.
 * @returns {Promise<Root>} Promise
 * @variation 3
 */
// function load(filename:string, [options:IParseOptions]):Promise<Root>

/**
 * Synchronously loads one or multiple .proto or preprocessed .json files into this root namespace (node only).
 * @function Root#loadSync
 * @param {string|string[]} filename Names of one or multiple files to load
 * @param {IParseOptions} [options] Parse options. Defaults to {@link parse.defaults} when omitted.
 * @returns {Root} Root namespace
 * @throws {Error} If synchronous fetching is not supported (i.e. in browsers) or if a file's syntax is invalid
 */
Root.prototype.loadSync = function loadSync(filename, options) {
    if (!util.isNode)
        throw Error("not supported");
    return this.load(filename, options, SYNC);
};

/**
 * @override
 */
Root.prototype.resolveAll = function resolveAll() {
    if (!this._needsRecursiveResolve) return this;

    if (this.deferred.length)
        throw Error("unresolvable extensions: " + this.deferred.map(function(field) {
            return "'extend " + field.extend + "' in " + field.parent.fullName;
        }).join(", "));
    return Namespace.prototype.resolveAll.call(this);
};

// only uppercased (and thus conflict-free) children are exposed, see below
var exposeRe = /^[A-Z]/;

/**
 * Handles a deferred declaring extension field by creating a sister field to represent it within its extended type.
 * @param {Root} root Root instance
 * @param {Field} field Declaring extension field witin the declaring type
 * @returns {boolean} `true` if successfully added to the extended type, `false` otherwise
 * @inner
 * @ignore
 */
function tryHandleExtension(root, field) {
    var extendedType = field.parent.lookup(field.extend);
    if (extendedType) {
        var sisterField = new Field(field.fullName, field.id, field.type, field.rule, undefined, field.options);
        //do not allow to extend same field twice to prevent the error
        if (extendedType.get(sisterField.name)) {
            return true;
        }
        sisterField.declaringField = field;
        field.extensionField = sisterField;
        extendedType.add(sisterField);
        return true;
    }
    return false;
}

/**
 * Called when any object is added to this root or its sub-namespaces.
 * @param {ReflectionObject} object Object added
 * @returns {undefined}
 * @private
 */
Root.prototype._handleAdd = function _handleAdd(object) {
    if (object instanceof Field) {

        if (/* an extension field (implies not part of a oneof) */ object.extend !== undefined && /* not already handled */ !object.extensionField)
            if (!tryHandleExtension(this, object))
                this.deferred.push(object);

    } else if (object instanceof Enum) {

        if (exposeRe.test(object.name))
            object.parent[object.name] = object.values; // expose enum values as property of its parent

    } else if (!(object instanceof OneOf)) /* everything else is a namespace */ {

        if (object instanceof Type) // Try to handle any deferred extensions
            for (var i = 0; i < this.deferred.length;)
                if (tryHandleExtension(this, this.deferred[i]))
                    this.deferred.splice(i, 1);
                else
                    ++i;
        for (var j = 0; j < /* initializes */ object.nestedArray.length; ++j) // recurse into the namespace
            this._handleAdd(object._nestedArray[j]);
        if (exposeRe.test(object.name))
            object.parent[object.name] = object; // expose namespace as property of its parent
    }

    if (object instanceof Type || object instanceof Enum || object instanceof Field) {
        // Only store types and enums for quick lookup during resolve.
        this._fullyQualifiedObjects[object.fullName] = object;
    }

    // The above also adds uppercased (and thus conflict-free) nested types, services and enums as
    // properties of namespaces just like static code does. This allows using a .d.ts generated for
    // a static module with reflection-based solutions where the condition is met.
};

/**
 * Called when any object is removed from this root or its sub-namespaces.
 * @param {ReflectionObject} object Object removed
 * @returns {undefined}
 * @private
 */
Root.prototype._handleRemove = function _handleRemove(object) {
    if (object instanceof Field) {

        if (/* an extension field */ object.extend !== undefined) {
            if (/* already handled */ object.extensionField) { // remove its sister field
                object.extensionField.parent.remove(object.extensionField);
                object.extensionField = null;
            } else { // cancel the extension
                var index = this.deferred.indexOf(object);
                /* istanbul ignore else */
                if (index > -1)
                    this.deferred.splice(index, 1);
            }
        }

    } else if (object instanceof Enum) {

        if (exposeRe.test(object.name))
            delete object.parent[object.name]; // unexpose enum values

    } else if (object instanceof Namespace) {

        for (var i = 0; i < /* initializes */ object.nestedArray.length; ++i) // recurse into the namespace
            this._handleRemove(object._nestedArray[i]);

        if (exposeRe.test(object.name))
            delete object.parent[object.name]; // unexpose namespaces

    }

    delete this._fullyQualifiedObjects[object.fullName];
};

// Sets up cyclic dependencies (called in index-light)
Root._configure = function(Type_, parse_, common_) {
    Type   = Type_;
    parse  = parse_;
    common = common_;
};


/***/ }),

/***/ 937:
/***/ ((module) => {


module.exports = Object.create(null);

/**
 * Named roots.
 * This is where pbjs stores generated structures (the option `-r, --root` specifies a name).
 * Can also be used manually to make roots available across modules.
 * @name roots
 * @type {Object.<string,Root>}
 * @example
 * // pbjs -r myroot -o compiled.js ...
 *
 * // in another module:
 * require("./compiled.js");
 *
 * // in any subsequent module:
 * var root = protobuf.roots["myroot"];
 */


/***/ }),

/***/ 575:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



/**
 * Streaming RPC helpers.
 * @namespace
 */
var rpc = exports;

/**
 * RPC implementation passed to {@link Service#create} performing a service request on network level, i.e. by utilizing http requests or websockets.
 * @typedef RPCImpl
 * @type {function}
 * @param {Method|rpc.ServiceMethod<Message<{}>,Message<{}>>} method Reflected or static method being called
 * @param {Uint8Array} requestData Request data
 * @param {RPCImplCallback} callback Callback function
 * @returns {undefined}
 * @example
 * function rpcImpl(method, requestData, callback) {
 *     if (protobuf.util.lcFirst(method.name) !== "myMethod") // compatible with static code
 *         throw Error("no such method");
 *     asynchronouslyObtainAResponse(requestData, function(err, responseData) {
 *         callback(err, responseData);
 *     });
 * }
 */

/**
 * Node-style callback as used by {@link RPCImpl}.
 * @typedef RPCImplCallback
 * @type {function}
 * @param {Error|null} error Error, if any, otherwise `null`
 * @param {Uint8Array|null} [response] Response data or `null` to signal end of stream, if there hasn't been an error
 * @returns {undefined}
 */

rpc.Service = __nccwpck_require__(603);


/***/ }),

/***/ 603:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = Service;

var util = __nccwpck_require__(186);

// Extends EventEmitter
Service.prototype = Object.create(util.EventEmitter.prototype, {
    constructor: {
        value: Service,
        writable: true,
        enumerable: false,
        configurable: true
    }
});

/**
 * A service method callback as used by {@link rpc.ServiceMethod|ServiceMethod}.
 *
 * Differs from {@link RPCImplCallback} in that it is an actual callback of a service method which may not return `response = null`.
 * @typedef rpc.ServiceMethodCallback
 * @template TRes extends Message<TRes>
 * @type {function}
 * @param {Error|null} error Error, if any
 * @param {TRes} [response] Response message
 * @returns {undefined}
 */

/**
 * A service method part of a {@link rpc.Service} as created by {@link Service.create}.
 * @typedef rpc.ServiceMethod
 * @template TReq extends Message<TReq>
 * @template TRes extends Message<TRes>
 * @type {{
 *   (request: TReq|Properties<TReq>, callback: rpc.ServiceMethodCallback<TRes>): void;
 *   (request: TReq|Properties<TReq>): Promise<TRes>;
 *   readonly name: string;
 *   readonly path: string;
 *   readonly requestType: string;
 *   readonly responseType: string;
 *   readonly requestStream: true|undefined;
 *   readonly responseStream: true|undefined;
 * }}
 */

/**
 * Constructs a new RPC service instance.
 * @classdesc An RPC service as returned by {@link Service#create}.
 * @exports rpc.Service
 * @extends util.EventEmitter
 * @constructor
 * @param {RPCImpl} rpcImpl RPC implementation
 * @param {boolean} [requestDelimited=false] Whether requests are length-delimited
 * @param {boolean} [responseDelimited=false] Whether responses are length-delimited
 */
function Service(rpcImpl, requestDelimited, responseDelimited) {

    if (typeof rpcImpl !== "function")
        throw TypeError("rpcImpl must be a function");

    util.EventEmitter.call(this);

    /**
     * RPC implementation. Becomes `null` once the service is ended.
     * @type {RPCImpl|null}
     */
    this.rpcImpl = rpcImpl;

    /**
     * Whether requests are length-delimited.
     * @type {boolean}
     */
    this.requestDelimited = Boolean(requestDelimited);

    /**
     * Whether responses are length-delimited.
     * @type {boolean}
     */
    this.responseDelimited = Boolean(responseDelimited);
}

/**
 * Calls a service method through {@link rpc.Service#rpcImpl|rpcImpl}.
 * @param {Method|rpc.ServiceMethod<TReq,TRes>} method Reflected or static method
 * @param {Constructor<TReq>} requestCtor Request constructor
 * @param {Constructor<TRes>} responseCtor Response constructor
 * @param {TReq|Properties<TReq>} request Request message or plain object
 * @param {rpc.ServiceMethodCallback<TRes>} callback Service callback
 * @returns {undefined}
 * @template TReq extends Message<TReq>
 * @template TRes extends Message<TRes>
 */
Service.prototype.rpcCall = function rpcCall(method, requestCtor, responseCtor, request, callback) {

    if (!request)
        throw TypeError("request must be specified");

    var self = this;
    if (!callback)
        return util.asPromise(rpcCall, self, method, requestCtor, responseCtor, request);

    if (!self.rpcImpl) {
        setTimeout(function() { callback(Error("already ended")); }, 0);
        return undefined;
    }

    try {
        return self.rpcImpl(
            method,
            requestCtor[self.requestDelimited ? "encodeDelimited" : "encode"](request).finish(),
            function rpcCallback(err, response) {

                if (err) {
                    self.emit("error", err, method);
                    return callback(err);
                }

                if (response === null) {
                    self.end(/* endedByRPC */ true);
                    return undefined;
                }

                if (!(response instanceof responseCtor)) {
                    try {
                        response = responseCtor[self.responseDelimited ? "decodeDelimited" : "decode"](response);
                    } catch (err) {
                        self.emit("error", err, method);
                        return callback(err);
                    }
                }

                self.emit("data", response, method);
                return callback(null, response);
            }
        );
    } catch (err) {
        self.emit("error", err, method);
        setTimeout(function() { callback(err); }, 0);
        return undefined;
    }
};

/**
 * Ends this service and emits the `end` event.
 * @param {boolean} [endedByRPC=false] Whether the service has been ended by the RPC implementation.
 * @returns {rpc.Service} `this`
 */
Service.prototype.end = function end(endedByRPC) {
    if (this.rpcImpl) {
        if (!endedByRPC) // signal end to rpcImpl
            this.rpcImpl(null, null, null);
        this.rpcImpl = null;
        this.emit("end").off();
    }
    return this;
};


/***/ }),

/***/ 303:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = Service;

// extends Namespace
var Namespace = __nccwpck_require__(731);
Service.prototype = Object.create(Namespace.prototype, {
    constructor: {
        value: Service,
        writable: true,
        enumerable: false,
        configurable: true
    }
});
Service.className = "Service";

var Method = __nccwpck_require__(627),
    util   = __nccwpck_require__(926),
    rpc    = __nccwpck_require__(575);

/**
 * Constructs a new service instance.
 * @classdesc Reflected service.
 * @extends NamespaceBase
 * @constructor
 * @param {string} name Service name
 * @param {Object.<string,*>} [options] Service options
 * @throws {TypeError} If arguments are invalid
 */
function Service(name, options) {
    Namespace.call(this, name, options);

    /**
     * Service methods.
     * @type {Object.<string,Method>}
     */
    this.methods = {}; // toJSON, marker

    /**
     * Cached methods as an array.
     * @type {Method[]|null}
     * @private
     */
    this._methodsArray = null;
}

/**
 * Service descriptor.
 * @interface IService
 * @extends INamespace
 * @property {string} [edition] Edition
 * @property {Object.<string,IMethod>} methods Method descriptors
 * @property {string|null} [comment] Service comment
 */

/**
 * Constructs a service from a service descriptor.
 * @param {string} name Service name
 * @param {IService} json Service descriptor
 * @param {number} [depth] Current nesting depth, defaults to `0`
 * @returns {Service} Created service
 * @throws {TypeError} If arguments are invalid
 */
Service.fromJSON = function fromJSON(name, json, depth) {
    if (depth === undefined)
        depth = 0;
    if (depth > util.recursionLimit)
        throw Error("max depth exceeded");
    var service = new Service(name, json.options);
    /* istanbul ignore else */
    if (json.methods)
        for (var names = Object.keys(json.methods), i = 0; i < names.length; ++i)
            service.add(Method.fromJSON(names[i], json.methods[names[i]]));
    if (json.nested)
        service.addJSON(json.nested, depth);
    if (json.edition)
        service._edition = json.edition;
    service.comment = json.comment;
    service._defaultEdition = "proto3";  // For backwards-compatibility.
    return service;
};

/**
 * Converts this service to a service descriptor.
 * @param {IToJSONOptions} [toJSONOptions] JSON conversion options
 * @returns {IService} Service descriptor
 */
Service.prototype.toJSON = function toJSON(toJSONOptions) {
    var inherited = Namespace.prototype.toJSON.call(this, toJSONOptions);
    var keepComments = toJSONOptions ? Boolean(toJSONOptions.keepComments) : false;
    return util.toObject([
        "edition" , this._editionToJSON(),
        "options" , inherited && inherited.options || undefined,
        "methods" , Namespace.arrayToJSON(this.methodsArray, toJSONOptions) || /* istanbul ignore next */ {},
        "nested"  , inherited && inherited.nested || undefined,
        "comment" , keepComments ? this.comment : undefined
    ]);
};

/**
 * Methods of this service as an array for iteration.
 * @name Service#methodsArray
 * @type {Method[]}
 * @readonly
 */
Object.defineProperty(Service.prototype, "methodsArray", {
    get: function() {
        return this._methodsArray || (this._methodsArray = util.toArray(this.methods));
    }
});

function clearCache(service) {
    service._methodsArray = null;
    return service;
}

/**
 * @override
 */
Service.prototype.get = function get(name) {
    return Object.prototype.hasOwnProperty.call(this.methods, name)
        ? this.methods[name]
        : Namespace.prototype.get.call(this, name);
};

/**
 * @override
 */
Service.prototype.resolveAll = function resolveAll() {
    if (!this._needsRecursiveResolve) return this;

    Namespace.prototype.resolve.call(this);
    var methods = this.methodsArray;
    for (var i = 0; i < methods.length; ++i)
        methods[i].resolve();
    return this;
};

/**
 * @override
 */
Service.prototype._resolveFeaturesRecursive = function _resolveFeaturesRecursive(edition) {
    if (!this._needsRecursiveFeatureResolution) return this;

    edition = this._edition || edition;

    Namespace.prototype._resolveFeaturesRecursive.call(this, edition);
    this.methodsArray.forEach(method => {
        method._resolveFeaturesRecursive(edition);
    });
    return this;
};

/**
 * @override
 */
Service.prototype.add = function add(object) {
    /* istanbul ignore if */
    if (this.get(object.name))
        throw Error("duplicate name '" + object.name + "' in " + this);

    if (object instanceof Method) {
        if (object.name === "__proto__")
            return this;
        this.methods[object.name] = object;
        object.parent = this;
        return clearCache(this);
    }
    return Namespace.prototype.add.call(this, object);
};

/**
 * @override
 */
Service.prototype.remove = function remove(object) {
    if (object instanceof Method) {

        /* istanbul ignore if */
        if (this.methods[object.name] !== object)
            throw Error(object + " is not a member of " + this);

        delete this.methods[object.name];
        object.parent = null;
        return clearCache(this);
    }
    return Namespace.prototype.remove.call(this, object);
};

/**
 * Creates a runtime service using the specified rpc implementation.
 * @param {RPCImpl} rpcImpl RPC implementation
 * @param {boolean} [requestDelimited=false] Whether requests are length-delimited
 * @param {boolean} [responseDelimited=false] Whether responses are length-delimited
 * @returns {rpc.Service} RPC service. Useful where requests and/or responses are streamed.
 */
Service.prototype.create = function create(rpcImpl, requestDelimited, responseDelimited) {
    var rpcService = new rpc.Service(rpcImpl, requestDelimited, responseDelimited);
    for (var i = 0, method; i < /* initializes */ this.methodsArray.length; ++i) {
        var methodName = util.lcFirst((method = this._methodsArray[i]).resolve().name).replace(/[^$\w_]/g, "");
        rpcService[methodName] = (function(method, requestType, responseType) {
            return function rpcMethod(request, callback) {
                return rpc.Service.prototype.rpcCall.call(this, method, requestType, responseType, request, callback);
            };
        })(method, method.resolvedRequestType.ctor, method.resolvedResponseType.ctor);
    }
    return rpcService;
};


/***/ }),

/***/ 426:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = Type;

// extends Namespace
var Namespace = __nccwpck_require__(731);
Type.prototype = Object.create(Namespace.prototype, {
    constructor: {
        value: Type,
        writable: true,
        enumerable: false,
        configurable: true
    }
});
Type.className = "Type";

var Enum      = __nccwpck_require__(363),
    OneOf     = __nccwpck_require__(441),
    Field     = __nccwpck_require__(792),
    MapField  = __nccwpck_require__(124),
    Service   = __nccwpck_require__(303),
    Message   = __nccwpck_require__(463),
    Reader    = __nccwpck_require__(789),
    Writer    = __nccwpck_require__(745),
    util      = __nccwpck_require__(926),
    encoder   = __nccwpck_require__(880),
    decoder   = __nccwpck_require__(224),
    verifier  = __nccwpck_require__(524),
    converter = __nccwpck_require__(0),
    wrappers  = __nccwpck_require__(162);

/**
 * Constructs a new reflected message type instance.
 * @classdesc Reflected message type.
 * @extends NamespaceBase
 * @constructor
 * @param {string} name Message name
 * @param {Object.<string,*>} [options] Declared options
 */
function Type(name, options) {
    name = name.replace(/\W/g, "");
    Namespace.call(this, name, options);

    /**
     * Message fields.
     * @type {Object.<string,Field>}
     */
    this.fields = {};  // toJSON, marker

    /**
     * Oneofs declared within this namespace, if any.
     * @type {Object.<string,OneOf>}
     */
    this.oneofs = undefined; // toJSON

    /**
     * Extension ranges, if any.
     * @type {number[][]}
     */
    this.extensions = undefined; // toJSON

    /**
     * Reserved ranges, if any.
     * @type {Array.<number[]|string>}
     */
    this.reserved = undefined; // toJSON

    /*?
     * Whether this type is a legacy group.
     * @type {boolean|undefined}
     */
    this.group = undefined; // toJSON

    /**
     * Declared symbol visibility, if any.
     * @type {"local"|"export"|undefined}
     */
    this.visibility = undefined; // toJSON

    /**
     * Cached fields by id.
     * @type {Object.<number,Field>|null}
     * @private
     */
    this._fieldsById = null;

    /**
     * Cached fields as an array.
     * @type {Field[]|null}
     * @private
     */
    this._fieldsArray = null;

    /**
     * Cached oneofs as an array.
     * @type {OneOf[]|null}
     * @private
     */
    this._oneofsArray = null;

    /**
     * Cached constructor.
     * @type {Constructor<{}>}
     * @private
     */
    this._ctor = null;

    /**
     * Cached fields by JSON name.
     * @type {Object.<string,Field>|null}
     * @private
     */
    this._fieldsByJsonName = null; // used by ext/protojson
}

Object.defineProperties(Type.prototype, {

    /**
     * Message fields by id.
     * @name Type#fieldsById
     * @type {Object.<number,Field>}
     * @readonly
     */
    fieldsById: {
        get: function() {

            /* istanbul ignore if */
            if (this._fieldsById)
                return this._fieldsById;

            this._fieldsById = {};
            for (var names = Object.keys(this.fields), i = 0; i < names.length; ++i) {
                var field = this.fields[names[i]],
                    id = field.id;

                /* istanbul ignore if */
                if (this._fieldsById[id])
                    throw Error("duplicate id " + id + " in " + this);

                this._fieldsById[id] = field;
            }
            return this._fieldsById;
        }
    },

    /**
     * Fields of this message as an array for iteration.
     * @name Type#fieldsArray
     * @type {Field[]}
     * @readonly
     */
    fieldsArray: {
        get: function() {
            return this._fieldsArray || (this._fieldsArray = util.toArray(this.fields));
        }
    },

    /**
     * Oneofs of this message as an array for iteration.
     * @name Type#oneofsArray
     * @type {OneOf[]}
     * @readonly
     */
    oneofsArray: {
        get: function() {
            return this._oneofsArray || (this._oneofsArray = util.toArray(this.oneofs));
        }
    },

    /**
     * The registered constructor, if any registered, otherwise a generic constructor.
     * Assigning a function replaces the internal constructor. If the function does not extend {@link Message} yet, its prototype will be setup accordingly and static methods will be populated. If it already extends {@link Message}, it will just replace the internal constructor.
     * When assigning manually, add the type to its parent namespace/root first if fields reference other reflected types, because constructor setup resolves field defaults.
     * @name Type#ctor
     * @type {Constructor<{}>}
     */
    ctor: {
        get: function() {
            return this._ctor || (this.ctor = Type.generateConstructor(this)());
        },
        set: function(ctor) {

            // Ensure proper prototype
            var prototype = ctor.prototype;
            if (!(prototype instanceof Message)) {
                ctor.prototype = new Message();
                Object.defineProperty(ctor.prototype, "constructor", {
                    value: ctor,
                    writable: true,
                    enumerable: false,
                    configurable: true
                });
                util.merge(ctor.prototype, prototype);
            }

            // Classes and messages reference their reflected type
            ctor.$type = ctor.prototype.$type = this;

            // Mix in static methods
            util.merge(ctor, Message, true);

            this._ctor = ctor;
            delete this.decode;
            delete this.fromObject;

            // Messages have non-enumerable default values on their prototype
            var i = 0;
            for (var field; i < /* initializes */ this.fieldsArray.length; ++i) {
                field = this._fieldsArray[i].resolve(); // ensures a proper value
                ctor.prototype[field.name] = field.defaultValue;
            }

            // Messages have non-enumerable getters and setters for each virtual oneof field
            var ctorProperties = {};
            for (i = 0; i < /* initializes */ this.oneofsArray.length; ++i)
                ctorProperties[this._oneofsArray[i].resolve().name] = {
                    get: util.oneOfGetter(this._oneofsArray[i].oneof),
                    set: util.oneOfSetter(this._oneofsArray[i].oneof)
                };
            if (i)
                Object.defineProperties(ctor.prototype, ctorProperties);
        }
    }
});

/**
 * Generates a constructor function for the specified type.
 * @param {Type} mtype Message type
 * @returns {Codegen} Codegen instance
 */
Type.generateConstructor = function generateConstructor(mtype) {
    /* eslint-disable no-unexpected-multiline */
    var gen = util.codegen(["p"]);
    // explicitly initialize mutable object/array fields so that these aren't just inherited from the prototype
    for (var i = 0, field; i < mtype.fieldsArray.length; ++i)
        if ((field = mtype._fieldsArray[i]).map) gen
            ("this%s={}", util.safeProp(field.name));
        else if (field.repeated) gen
            ("this%s=[]", util.safeProp(field.name));
    return gen
    ("if(p)for(var ks=Object.keys(p),i=0;i<ks.length;++i)if(p[ks[i]]!=null&&ks[i]!==\"__proto__\")") // omit undefined or null
        ("this[ks[i]]=p[ks[i]]");
    /* eslint-enable no-unexpected-multiline */
};

function clearCache(type) {
    type._fieldsById = type._fieldsArray = type._oneofsArray = type._fieldsByJsonName = null;
    delete type.encode;
    delete type.decode;
    delete type.verify;
    return type;
}

/**
 * Message type descriptor.
 * @interface IType
 * @extends INamespace
 * @property {string} [edition] Edition
 * @property {Object.<string,IOneOf>} [oneofs] Oneof descriptors
 * @property {Object.<string,IField>} fields Field descriptors
 * @property {number[][]} [extensions] Extension ranges
 * @property {Array.<number[]|string>} [reserved] Reserved ranges
 * @property {boolean} [group=false] Whether a legacy group or not
 * @property {"local"|"export"} [visibility] Declared symbol visibility
 * @property {string|null} [comment] Message type comment
 */

/**
 * Creates a message type from a message type descriptor.
 * @param {string} name Message name
 * @param {IType} json Message type descriptor
 * @param {number} [depth] Current nesting depth, defaults to `0`
 * @returns {Type} Created message type
 */
Type.fromJSON = function fromJSON(name, json, depth) {
    if (depth === undefined)
        depth = 0;
    if (depth > util.nestingLimit)
        throw Error("max depth exceeded");
    var type = new Type(name, json.options);
    type.extensions = json.extensions;
    type.reserved = json.reserved;
    var names = Object.keys(json.fields),
        i = 0;
    for (; i < names.length; ++i)
        type.add(
            ( typeof json.fields[names[i]].keyType !== "undefined"
            ? MapField.fromJSON
            : Field.fromJSON )(names[i], json.fields[names[i]])
        );
    if (json.oneofs)
        for (names = Object.keys(json.oneofs), i = 0; i < names.length; ++i)
            type.add(OneOf.fromJSON(names[i], json.oneofs[names[i]]));
    if (json.nested)
        for (names = Object.keys(json.nested), i = 0; i < names.length; ++i) {
            var nested = json.nested[names[i]];
            type.add( // most to least likely
                ( nested.id !== undefined
                ? Field.fromJSON
                : nested.fields !== undefined
                ? Type.fromJSON
                : nested.values !== undefined
                ? Enum.fromJSON
                : nested.methods !== undefined
                ? Service.fromJSON
                : Namespace.fromJSON )(names[i], nested, depth + 1)
            );
        }
    if (json.extensions && json.extensions.length)
        type.extensions = json.extensions;
    if (json.reserved && json.reserved.length)
        type.reserved = json.reserved;
    if (json.group)
        type.group = true;
    if (json.visibility)
        type.visibility = json.visibility;
    if (json.comment)
        type.comment = json.comment;
    if (json.edition)
        type._edition = json.edition;
    type._defaultEdition = "proto3";  // For backwards-compatibility.
    return type;
};

/**
 * Converts this message type to a message type descriptor.
 * @param {IToJSONOptions} [toJSONOptions] JSON conversion options
 * @returns {IType} Message type descriptor
 */
Type.prototype.toJSON = function toJSON(toJSONOptions) {
    var inherited = Namespace.prototype.toJSON.call(this, toJSONOptions);
    var keepComments = toJSONOptions ? Boolean(toJSONOptions.keepComments) : false;
    return util.toObject([
        "edition"    , this._editionToJSON(),
        "options"    , inherited && inherited.options || undefined,
        "oneofs"     , Namespace.arrayToJSON(this.oneofsArray, toJSONOptions),
        "fields"     , Namespace.arrayToJSON(this.fieldsArray.filter(function(obj) { return !obj.declaringField; }), toJSONOptions) || {},
        "extensions" , this.extensions && this.extensions.length ? this.extensions : undefined,
        "reserved"   , this.reserved && this.reserved.length ? this.reserved : undefined,
        "group"      , this.group || undefined,
        "visibility" , this.visibility,
        "nested"     , inherited && inherited.nested || undefined,
        "comment"    , keepComments ? this.comment : undefined
    ]);
};

/**
 * @override
 */
Type.prototype.resolveAll = function resolveAll() {
    if (!this._needsRecursiveResolve) return this;

    Namespace.prototype.resolveAll.call(this);
    var oneofs = this.oneofsArray; i = 0;
    while (i < oneofs.length)
        oneofs[i++].resolve();
    var fields = this.fieldsArray, i = 0;
    while (i < fields.length)
        fields[i++].resolve();
    return this;
};

/**
 * @override
 */
Type.prototype._resolveFeaturesRecursive = function _resolveFeaturesRecursive(edition) {
    if (!this._needsRecursiveFeatureResolution) return this;

    edition = this._edition || edition;

    Namespace.prototype._resolveFeaturesRecursive.call(this, edition);
    this.oneofsArray.forEach(oneof => {
        oneof._resolveFeatures(edition);
    });
    this.fieldsArray.forEach(field => {
        field._resolveFeatures(edition);
    });
    return this;
};

/**
 * @override
 */
Type.prototype.get = function get(name) {
    if (Object.prototype.hasOwnProperty.call(this.fields, name))
        return this.fields[name];
    if (this.oneofs && Object.prototype.hasOwnProperty.call(this.oneofs, name))
        return this.oneofs[name];
    if (this.nested && Object.prototype.hasOwnProperty.call(this.nested, name))
        return this.nested[name];
    return null;
};

/**
 * Adds a nested object to this type.
 * @param {ReflectionObject} object Nested object to add
 * @returns {Type} `this`
 * @throws {TypeError} If arguments are invalid
 * @throws {Error} If there is already a nested object with this name or, if a field, when there is already a field with this id
 */
Type.prototype.add = function add(object) {
    if (this.get(object.name))
        throw Error("duplicate name '" + object.name + "' in " + this);

    if (object instanceof Field && object.extend === undefined) {
        // NOTE: Extension fields aren't actual fields on the declaring type, but nested objects.
        // The root object takes care of adding distinct sister-fields to the respective extended
        // type instead.

        // avoids calling the getter if not absolutely necessary because it's called quite frequently
        if (this._fieldsById ? /* istanbul ignore next */ this._fieldsById[object.id] : this.fieldsById[object.id])
            throw Error("duplicate id " + object.id + " in " + this);
        if (this.isReservedId(object.id))
            throw Error("id " + object.id + " is reserved in " + this);
        if (this.isReservedName(object.name) || object.name.charAt(0) === "$")
            throw Error("name '" + object.name + "' is reserved in " + this);
        if (object.name === "__proto__")
            return this;

        if (object.parent)
            object.parent.remove(object);
        this.fields[object.name] = object;
        object.message = this;
        object.onAdd(this);
        return clearCache(this);
    }
    if (object instanceof OneOf) {
        if (object.name.charAt(0) === "$")
            throw Error("name '" + object.name + "' is reserved in " + this);
        if (object.name === "__proto__")
            return this;
        if (!this.oneofs)
            this.oneofs = {};
        this.oneofs[object.name] = object;
        object.onAdd(this);
        return clearCache(this);
    }
    return Namespace.prototype.add.call(this, object);
};

/**
 * Removes a nested object from this type.
 * @param {ReflectionObject} object Nested object to remove
 * @returns {Type} `this`
 * @throws {TypeError} If arguments are invalid
 * @throws {Error} If `object` is not a member of this type
 */
Type.prototype.remove = function remove(object) {
    if (object instanceof Field && object.extend === undefined) {
        // See Type#add for the reason why extension fields are excluded here.

        /* istanbul ignore if */
        if (!util.remove(this.fields, object, object.name))
            throw Error(object + " is not a member of " + this);

        object.parent = null;
        object.onRemove(this);
        return clearCache(this);
    }
    if (object instanceof OneOf) {

        /* istanbul ignore if */
        if (!util.remove(this.oneofs, object, object.name))
            throw Error(object + " is not a member of " + this);

        object.parent = null;
        object.onRemove(this);
        return clearCache(this);
    }
    return Namespace.prototype.remove.call(this, object);
};

/**
 * Tests if the specified id is reserved.
 * @param {number} id Id to test
 * @returns {boolean} `true` if reserved, otherwise `false`
 */
Type.prototype.isReservedId = function isReservedId(id) {
    return Namespace.isReservedId(this.reserved, id);
};

/**
 * Tests if the specified name is reserved.
 * @param {string} name Name to test
 * @returns {boolean} `true` if reserved, otherwise `false`
 */
Type.prototype.isReservedName = function isReservedName(name) {
    return Namespace.isReservedName(this.reserved, name);
};

/**
 * Creates a new message of this type using the specified properties.
 * @param {Object.<string,*>} [properties] Properties to set
 * @returns {ReflectedMessage} Message instance
 */
Type.prototype.create = function create(properties) {
    return new this.ctor(properties);
};

/**
 * Sets up {@link Type#encode|encode}, {@link Type#decode|decode} and {@link Type#verify|verify}.
 * @returns {Type} `this`
 */
Type.prototype.setup = function setup() {
    // Sets up everything at once so that the prototype chain does not have to be re-evaluated
    // multiple times (V8, soft-deopt prototype-check).

    // Resolve feature defaults incl. field presence before generating codecs
    var root = this.root;
    if (root && root._needsRecursiveFeatureResolution) {
        var edition = root._edition || this._edition;
        if (edition)
            root._resolveFeaturesRecursive(edition);
    }

    var fullName = this.fullName,
        types    = [];
    for (var i = 0; i < /* initializes */ this.fieldsArray.length; ++i)
        types.push(this._fieldsArray[i].resolve().resolvedType);

    // Replace setup methods with type-specific generated functions
    this.encode = encoder(this)({
        Writer : Writer,
        types  : types,
        util   : util
    });
    this.decode = decoder(this)({
        Reader : Reader,
        types  : types,
        util   : util,
        C      : this.ctor
    });
    this.verify = verifier(this)({
        types : types,
        util  : util
    });
    this.fromObject = converter.fromObject(this)({
        types : types,
        util  : util,
        C     : this.ctor
    });
    this.toObject = converter.toObject(this)({
        types : types,
        util  : util
    });

    // Inject custom wrappers for common types
    var wrapper = wrappers[fullName];
    if (wrapper) {
        var wrapperThis = Object.create(this);
        // Reuse this type's runtime constructor in wrapper fromObject/toObject
        wrapperThis._ctor = this.ctor;
        wrapperThis.fromObject = this.fromObject;
        this.fromObject = wrapper.fromObject.bind(wrapperThis);
        wrapperThis.toObject = this.toObject;
        this.toObject = wrapper.toObject.bind(wrapperThis);
    }

    return this;
};

/**
 * Encodes a message of this type. Does not implicitly {@link Type#verify|verify} messages.
 * @param {Message<{}>|Object.<string,*>} message Message instance or plain object
 * @param {Writer} [writer] Writer to encode to
 * @returns {Writer} writer
 */
Type.prototype.encode = function encode_setup(message, writer) { // eslint-disable-line no-unused-vars
    return this.setup().encode.apply(this, arguments); // overrides this method
};

/**
 * Encodes a message of this type preceeded by its byte length as a varint. Does not implicitly {@link Type#verify|verify} messages.
 * @param {Message<{}>|Object.<string,*>} message Message instance or plain object
 * @param {Writer} [writer] Writer to encode to
 * @returns {Writer} writer
 */
Type.prototype.encodeDelimited = function encodeDelimited(message, writer) {
    return this.encode(message, (writer || Writer.create()).fork()).ldelim();
};

/**
 * Decodes a message of this type.
 * @param {Reader|Uint8Array} reader Reader or buffer to decode from
 * @param {number} [length] Length of the message, if known beforehand
 * @returns {ReflectedMessage} Decoded message
 * @throws {Error} If the payload is not a reader or valid buffer
 * @throws {util.ProtocolError<{}>} If required fields are missing
 */
Type.prototype.decode = function decode_setup(reader, length) { // eslint-disable-line no-unused-vars
    return this.setup().decode.apply(this, arguments); // overrides this method
};

/**
 * Decodes a message of this type preceeded by its byte length as a varint.
 * @param {Reader|Uint8Array} reader Reader or buffer to decode from
 * @returns {ReflectedMessage} Decoded message
 * @throws {Error} If the payload is not a reader or valid buffer
 * @throws {util.ProtocolError} If required fields are missing
 */
Type.prototype.decodeDelimited = function decodeDelimited(reader) {
    if (!(reader instanceof Reader))
        reader = Reader.create(reader);
    return this.decode(reader, reader.size());
};

/**
 * Verifies that field values are valid and that required fields are present.
 * @param {Object.<string,*>} message Plain object to verify
 * @returns {null|string} `null` if valid, otherwise the reason why it is not
 */
Type.prototype.verify = function verify_setup(message) { // eslint-disable-line no-unused-vars
    return this.setup().verify.apply(this, arguments); // overrides this method
};

/**
 * Creates a new message of this type from a plain object. Also converts values to their respective internal types.
 * @param {Object.<string,*>} object Plain object to convert
 * @returns {ReflectedMessage} Message instance
 */
Type.prototype.fromObject = function fromObject(object) { // eslint-disable-line no-unused-vars
    return this.setup().fromObject.apply(this, arguments);
};

/**
 * Conversion options as used by {@link Type#toObject} and {@link Message.toObject}.
 * @interface IConversionOptions
 * @property {Function} [longs] Long conversion type.
 * Valid values are `BigInt`, `String` and `Number` (the global types).
 * Defaults to copy the present value, which is a possibly unsafe number without and a {@link Long} with a long library.
 * @property {Function} [enums] Enum value conversion type.
 * Only valid value is `String` (the global type).
 * Defaults to copy the present value, which is the numeric id.
 * @property {Function} [bytes] Bytes value conversion type.
 * Valid values are `Array` and (a base64 encoded) `String` (the global types).
 * Defaults to copy the present value, which usually is a Buffer under node and an Uint8Array in the browser.
 * @property {boolean} [defaults=false] Also sets default values on the resulting object
 * @property {boolean} [arrays=false] Sets empty arrays for missing repeated fields even if `defaults=false`
 * @property {boolean} [objects=false] Sets empty objects for missing map fields even if `defaults=false`
 * @property {boolean} [oneofs=false] Includes virtual oneof properties set to the present field's name, if any
 * @property {boolean} [json=false] Performs additional JSON compatibility conversions, i.e. NaN and Infinity to strings
 */

/**
 * Creates a plain object from a message of this type. Also converts values to other types if specified.
 * @param {Message<{}>} message Message instance
 * @param {IConversionOptions} [options] Conversion options
 * @returns {Object.<string,*>} Plain object
 */
Type.prototype.toObject = function toObject(message, options) { // eslint-disable-line no-unused-vars
    return this.setup().toObject.apply(this, arguments);
};

/**
 * Gets the type url for this type.
 * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
 * @returns {string} The type url
 */
Type.prototype.getTypeUrl = function getTypeUrl(prefix) {
    if (prefix === undefined)
        prefix = "type.googleapis.com";
    var fullName = this.fullName;
    return prefix + "/" + (fullName.charAt(0) === "." ? fullName.substring(1) : fullName);
};

/**
 * Decorator function as returned by {@link Type.d} (TypeScript).
 * @typedef TypeDecorator
 * @type {function}
 * @param {Constructor<T>} target Target constructor
 * @returns {undefined}
 * @template T extends Message<T>
 * @deprecated Legacy TypeScript decorator support. Will be removed in a future release.
 */

/**
 * Type decorator (TypeScript).
 * @param {string} [typeName] Type name, defaults to the constructor's name
 * @returns {TypeDecorator<T>} Decorator function
 * @template T extends Message<T>
 * @deprecated Legacy TypeScript decorator support. Will be removed in a future release.
 */
Type.d = function decorateType(typeName) {
    return function typeDecorator(target) {
        util.decorateType(target, typeName);
    };
};


/***/ }),

/***/ 761:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



/**
 * Common type constants.
 * @namespace
 */
var types = exports;

var util = __nccwpck_require__(926);

var s = [
    "double",   // 0
    "float",    // 1
    "int32",    // 2
    "uint32",   // 3
    "sint32",   // 4
    "fixed32",  // 5
    "sfixed32", // 6
    "int64",    // 7
    "uint64",   // 8
    "sint64",   // 9
    "fixed64",  // 10
    "sfixed64", // 11
    "bool",     // 12
    "string",   // 13
    "bytes"     // 14
];

function bake(values, offset) {
    var i = 0, o = Object.create(null);
    offset |= 0;
    while (i < values.length) o[s[i + offset]] = values[i++];
    return o;
}

/**
 * Basic type wire types.
 * @type {Object.<string,number>}
 * @const
 * @property {number} double=1 Fixed64 wire type
 * @property {number} float=5 Fixed32 wire type
 * @property {number} int32=0 Varint wire type
 * @property {number} uint32=0 Varint wire type
 * @property {number} sint32=0 Varint wire type
 * @property {number} fixed32=5 Fixed32 wire type
 * @property {number} sfixed32=5 Fixed32 wire type
 * @property {number} int64=0 Varint wire type
 * @property {number} uint64=0 Varint wire type
 * @property {number} sint64=0 Varint wire type
 * @property {number} fixed64=1 Fixed64 wire type
 * @property {number} sfixed64=1 Fixed64 wire type
 * @property {number} bool=0 Varint wire type
 * @property {number} string=2 Ldelim wire type
 * @property {number} bytes=2 Ldelim wire type
 */
types.basic = bake([
    /* double   */ 1,
    /* float    */ 5,
    /* int32    */ 0,
    /* uint32   */ 0,
    /* sint32   */ 0,
    /* fixed32  */ 5,
    /* sfixed32 */ 5,
    /* int64    */ 0,
    /* uint64   */ 0,
    /* sint64   */ 0,
    /* fixed64  */ 1,
    /* sfixed64 */ 1,
    /* bool     */ 0,
    /* string   */ 2,
    /* bytes    */ 2
]);

/**
 * Basic type defaults.
 * @type {Object.<string,*>}
 * @const
 * @property {number} double=0 Double default
 * @property {number} float=0 Float default
 * @property {number} int32=0 Int32 default
 * @property {number} uint32=0 Uint32 default
 * @property {number} sint32=0 Sint32 default
 * @property {number} fixed32=0 Fixed32 default
 * @property {number} sfixed32=0 Sfixed32 default
 * @property {number} int64=0 Int64 default
 * @property {number} uint64=0 Uint64 default
 * @property {number} sint64=0 Sint32 default
 * @property {number} fixed64=0 Fixed64 default
 * @property {number} sfixed64=0 Sfixed64 default
 * @property {boolean} bool=false Bool default
 * @property {string} string="" String default
 * @property {Array.<number>} bytes=Array(0) Bytes default
 * @property {null} message=null Message default
 */
types.defaults = bake([
    /* double   */ 0,
    /* float    */ 0,
    /* int32    */ 0,
    /* uint32   */ 0,
    /* sint32   */ 0,
    /* fixed32  */ 0,
    /* sfixed32 */ 0,
    /* int64    */ 0,
    /* uint64   */ 0,
    /* sint64   */ 0,
    /* fixed64  */ 0,
    /* sfixed64 */ 0,
    /* bool     */ false,
    /* string   */ "",
    /* bytes    */ util.emptyArray,
    /* message  */ null
]);

/**
 * Basic long type wire types.
 * @type {Object.<string,number>}
 * @const
 * @property {number} int64=0 Varint wire type
 * @property {number} uint64=0 Varint wire type
 * @property {number} sint64=0 Varint wire type
 * @property {number} fixed64=1 Fixed64 wire type
 * @property {number} sfixed64=1 Fixed64 wire type
 */
types.long = bake([
    /* int64    */ 0,
    /* uint64   */ 0,
    /* sint64   */ 0,
    /* fixed64  */ 1,
    /* sfixed64 */ 1
], 7);

/**
 * Allowed types for map keys with their associated wire type.
 * @type {Object.<string,number>}
 * @const
 * @property {number} int32=0 Varint wire type
 * @property {number} uint32=0 Varint wire type
 * @property {number} sint32=0 Varint wire type
 * @property {number} fixed32=5 Fixed32 wire type
 * @property {number} sfixed32=5 Fixed32 wire type
 * @property {number} int64=0 Varint wire type
 * @property {number} uint64=0 Varint wire type
 * @property {number} sint64=0 Varint wire type
 * @property {number} fixed64=1 Fixed64 wire type
 * @property {number} sfixed64=1 Fixed64 wire type
 * @property {number} bool=0 Varint wire type
 * @property {number} string=2 Ldelim wire type
 */
types.mapKey = bake([
    /* int32    */ 0,
    /* uint32   */ 0,
    /* sint32   */ 0,
    /* fixed32  */ 5,
    /* sfixed32 */ 5,
    /* int64    */ 0,
    /* uint64   */ 0,
    /* sint64   */ 0,
    /* fixed64  */ 1,
    /* sfixed64 */ 1,
    /* bool     */ 0,
    /* string   */ 2
], 2);

/**
 * Allowed types for packed repeated fields with their associated wire type.
 * @type {Object.<string,number>}
 * @const
 * @property {number} double=1 Fixed64 wire type
 * @property {number} float=5 Fixed32 wire type
 * @property {number} int32=0 Varint wire type
 * @property {number} uint32=0 Varint wire type
 * @property {number} sint32=0 Varint wire type
 * @property {number} fixed32=5 Fixed32 wire type
 * @property {number} sfixed32=5 Fixed32 wire type
 * @property {number} int64=0 Varint wire type
 * @property {number} uint64=0 Varint wire type
 * @property {number} sint64=0 Varint wire type
 * @property {number} fixed64=1 Fixed64 wire type
 * @property {number} sfixed64=1 Fixed64 wire type
 * @property {number} bool=0 Varint wire type
 */
types.packed = bake([
    /* double   */ 1,
    /* float    */ 5,
    /* int32    */ 0,
    /* uint32   */ 0,
    /* sint32   */ 0,
    /* fixed32  */ 5,
    /* sfixed32 */ 5,
    /* int64    */ 0,
    /* uint64   */ 0,
    /* sint64   */ 0,
    /* fixed64  */ 1,
    /* sfixed64 */ 1,
    /* bool     */ 0
]);


/***/ }),

/***/ 926:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



/**
 * Various utility functions.
 * @namespace
 */
var util = module.exports = __nccwpck_require__(186);

var roots = __nccwpck_require__(937);

var Type, // cyclic
    Enum;

util.codegen  = __nccwpck_require__(588);
util.fetch    = __nccwpck_require__(117);
util.path     = __nccwpck_require__(902);
util.patterns = __nccwpck_require__(830);

var reservedRe = util.patterns.reservedRe;

/**
 * Node's fs module if available.
 * @type {Object.<string,*>}
 */
util.fs = __nccwpck_require__(402);

/**
 * Converts an object's values to an array.
 * @param {Object.<string,*>} object Object to convert
 * @returns {Array.<*>} Converted array
 */
util.toArray = function toArray(object) {
    if (object) {
        var keys  = Object.keys(object),
            array = new Array(keys.length),
            index = 0;
        while (index < keys.length)
            array[index] = object[keys[index++]];
        return array;
    }
    return [];
};

/**
 * Converts an array of keys immediately followed by their respective value to an object, omitting undefined values.
 * @param {Array.<*>} array Array to convert
 * @returns {Object.<string,*>} Converted object
 */
util.toObject = function toObject(array) {
    var object = {},
        index  = 0;
    while (index < array.length) {
        var key = array[index++],
            val = array[index++];
        if (val !== undefined)
            object[key] = val;
    }
    return object;
};

/**
 * Removes the first matching value from an object.
 * @param {Object.<string,*>|undefined} object Object to remove from
 * @param {*} value Value to remove
 * @param {string} [key] Optional key for fast path removal
 * @returns {boolean} `true` if removed, otherwise `false`
 */
util.remove = function remove(object, value, key) {
    if (!object)
        return false;
    if (key !== undefined && Object.prototype.hasOwnProperty.call(object, key) && object[key] === value) {
        delete object[key];
        return true;
    }
    for (var names = Object.keys(object), i = 0; i < names.length; ++i)
        if (object[names[i]] === value) {
            delete object[names[i]];
            return true;
        }
    return false;
};

/**
 * Tests whether the specified name is a reserved word in JS.
 * @param {string} name Name to test
 * @returns {boolean} `true` if reserved, otherwise `false`
 */
util.isReserved = function isReserved(name) {
    return reservedRe.test(name);
};

/**
 * Returns a safe property accessor for the specified property name.
 * @param {string} prop Property name
 * @returns {string} Safe accessor
 */
util.safeProp = function safeProp(prop) {
    if (!/^[$\w_]+$/.test(prop) || reservedRe.test(prop))
        return "[" + JSON.stringify(prop) + "]";
    return "." + prop;
};

/**
 * Converts the first character of a string to upper case.
 * @param {string} str String to convert
 * @returns {string} Converted string
 */
util.ucFirst = function ucFirst(str) {
    return str.charAt(0).toUpperCase() + str.substring(1);
};

var camelCaseRe = /_([a-z])/g;

/**
 * Converts a string to camel case.
 * @param {string} str String to convert
 * @returns {string} Converted string
 * @deprecated Use {@link util.jsonName} for protobuf field JSON names.
 */
util.camelCase = function camelCase(str) {
    return str.substring(0, 1)
         + str.substring(1)
               .replace(camelCaseRe, function($0, $1) { return $1.toUpperCase(); });
};

/**
 * Converts a proto field name to its protoc-compatible JSON name.
 * @param {string} str Proto field name
 * @returns {string} JSON name
 */
util.jsonName = function jsonName(str) {
    var result = "",
        upperNext = false,
        i = 0;
    for (; i < str.length; ++i) {
        var ch = str.charAt(i);
        if (ch === "_")
            upperNext = true;
        else if (upperNext) {
            result += ch.toUpperCase();
            upperNext = false;
        } else
            result += ch;
    }
    return result;
};

/**
 * Compares reflected fields by id.
 * @param {Field} a First field
 * @param {Field} b Second field
 * @returns {number} Comparison value
 */
util.compareFieldsById = function compareFieldsById(a, b) {
    return a.id - b.id;
};

/**
 * Decorator helper for types (TypeScript).
 * @param {Constructor<T>} ctor Constructor function
 * @param {string} [typeName] Type name, defaults to the constructor's name
 * @returns {Type} Reflected type
 * @template T extends Message<T>
 * @property {Root} root Decorators root
 * @deprecated Legacy TypeScript decorator support. Will be removed in a future release.
 */
util.decorateType = function decorateType(ctor, typeName) {

    /* istanbul ignore if */
    if (ctor.$type) {
        if (typeName && ctor.$type.name !== typeName) {
            util.decorateRoot.remove(ctor.$type);
            ctor.$type.name = typeName;
            util.decorateRoot.add(ctor.$type);
        }
        return ctor.$type;
    }

    /* istanbul ignore next */
    if (!Type)
        Type = __nccwpck_require__(426);

    var type = new Type(typeName || ctor.name);
    util.decorateRoot.add(type);
    type.ctor = ctor; // sets up .encode, .decode etc.
    Object.defineProperty(ctor, "$type", { value: type, enumerable: false });
    Object.defineProperty(ctor.prototype, "$type", { value: type, enumerable: false });
    return type;
};

var decorateEnumIndex = 0;

/**
 * Decorator helper for enums (TypeScript).
 * @param {Object} object Enum object
 * @returns {Enum} Reflected enum
 * @deprecated Legacy TypeScript decorator support. Will be removed in a future release.
 */
util.decorateEnum = function decorateEnum(object) {

    /* istanbul ignore if */
    if (object.$type)
        return object.$type;

    /* istanbul ignore next */
    if (!Enum)
        Enum = __nccwpck_require__(363);

    var enm = new Enum("Enum" + decorateEnumIndex++, object);
    util.decorateRoot.add(enm);
    Object.defineProperty(object, "$type", { value: enm, enumerable: false });
    return enm;
};


/**
 * Sets the value of a property by property path. If a value already exists, it is turned to an array
 * @param {Object.<string,*>} dst Destination object
 * @param {string} path dot '.' delimited path of the property to set
 * @param {Object} value the value to set
 * @param {boolean|undefined} [ifNotSet] Sets the option only if it isn't currently set
 * @returns {Object.<string,*>} Destination object
 */
util.setProperty = function setProperty(dst, path, value, ifNotSet) {
    function setProp(dst, path, value) {
        var part = path.shift();
        if (util.isUnsafeProperty(part))
            return dst;
        if (path.length > 0) {
            dst[part] = setProp(dst[part] || {}, path, value);
        } else {
            var prevValue = dst[part];
            if (prevValue && ifNotSet)
                return dst;
            if (prevValue)
                value = [].concat(prevValue).concat(value);
            dst[part] = value;
        }
        return dst;
    }

    if (typeof dst !== "object")
        throw TypeError("dst must be an object");
    if (!path)
        throw TypeError("path must be specified");

    path = path.split(".");
    if (path.length > util.recursionLimit)
        throw Error("max depth exceeded");
    return setProp(dst, path, value);
};

/**
 * Decorator root (TypeScript).
 * @name util.decorateRoot
 * @type {Root}
 * @readonly
 * @deprecated Legacy TypeScript decorator support. Will be removed in a future release.
 */
Object.defineProperty(util, "decorateRoot", {
    get: function() {
        return roots["decorated"] || (roots["decorated"] = new (__nccwpck_require__(666))());
    }
});


/***/ }),

/***/ 200:
/***/ ((module) => {


module.exports = asPromise;

/**
 * Callback as used by {@link util.asPromise}.
 * @typedef asPromiseCallback
 * @type {function}
 * @param {Error|null} error Error, if any
 * @param {...*} params Additional arguments
 * @returns {undefined}
 */

/**
 * Returns a promise from a node-style callback function.
 * @memberof util
 * @param {asPromiseCallback} fn Function to call
 * @param {*} ctx Function context
 * @param {...*} params Function arguments
 * @returns {Promise<*>} Promisified function
 */
function asPromise(fn, ctx/*, varargs */) {
    var params  = new Array(arguments.length - 1),
        offset  = 0,
        index   = 2,
        pending = true;
    while (index < arguments.length)
        params[offset++] = arguments[index++];
    return new Promise(function executor(resolve, reject) {
        params[offset] = function callback(err/*, varargs */) {
            if (pending) {
                pending = false;
                if (err)
                    reject(err);
                else {
                    var params = new Array(arguments.length - 1),
                        offset = 0;
                    while (offset < params.length)
                        params[offset++] = arguments[offset];
                    resolve.apply(null, params);
                }
            }
        };
        try {
            fn.apply(ctx || null, params);
        } catch (err) {
            if (pending) {
                pending = false;
                reject(err);
            }
        }
    });
}


/***/ }),

/***/ 866:
/***/ ((__unused_webpack_module, exports) => {



/**
 * A minimal base64 implementation for number arrays.
 * @memberof util
 * @namespace
 */
var base64 = exports;

/**
 * Calculates the byte length of a base64 encoded string.
 * @param {string} string Base64 encoded string
 * @returns {number} Byte length
 */
base64.length = function length(string) {
    var p = string.length;
    if (!p)
        return 0;
    while (p > 0 && string.charAt(p - 1) === "=")
        --p;
    return Math.floor(p * 3 / 4);
};

// Base64 encoding table
var b64 = new Array(64);

// Base64 decoding table
var s64 = new Array(123);

// 65..90, 97..122, 48..57, 43, 47
for (var i = 0; i < 64;)
    s64[b64[i] = i < 26 ? i + 65 : i < 52 ? i + 71 : i < 62 ? i - 4 : i - 59 | 43] = i++;

s64[45] = 62; // - -> +
s64[95] = 63; // _ -> /

/**
 * Encodes a buffer to a base64 encoded string.
 * @param {Uint8Array} buffer Source buffer
 * @param {number} start Source start
 * @param {number} end Source end
 * @returns {string} Base64 encoded string
 */
base64.encode = function encode(buffer, start, end) {
    var parts = null,
        chunk = [];
    var i = 0, // output index
        j = 0, // goto index
        t;     // temporary
    while (start < end) {
        var b = buffer[start++];
        switch (j) {
            case 0:
                chunk[i++] = b64[b >> 2];
                t = (b & 3) << 4;
                j = 1;
                break;
            case 1:
                chunk[i++] = b64[t | b >> 4];
                t = (b & 15) << 2;
                j = 2;
                break;
            case 2:
                chunk[i++] = b64[t | b >> 6];
                chunk[i++] = b64[b & 63];
                j = 0;
                break;
        }
        if (i > 8191) {
            (parts || (parts = [])).push(String.fromCharCode.apply(String, chunk));
            i = 0;
        }
    }
    if (j) {
        chunk[i++] = b64[t];
        chunk[i++] = 61;
        if (j === 1)
            chunk[i++] = 61;
    }
    if (parts) {
        if (i)
            parts.push(String.fromCharCode.apply(String, chunk.slice(0, i)));
        return parts.join("");
    }
    return String.fromCharCode.apply(String, chunk.slice(0, i));
};

var invalidEncoding = "invalid encoding";

/**
 * Decodes a base64 encoded string to a buffer.
 * @param {string} string Source string
 * @param {Uint8Array} buffer Destination buffer
 * @param {number} offset Destination offset
 * @returns {number} Number of bytes written
 * @throws {Error} If encoding is invalid
 */
base64.decode = function decode(string, buffer, offset) {
    var start = offset;
    var j = 0, // goto index
        t;     // temporary
    for (var i = 0; i < string.length;) {
        var c = string.charCodeAt(i++);
        if (c === 61 && j > 1)
            break;
        if ((c = s64[c]) === undefined)
            throw Error(invalidEncoding);
        switch (j) {
            case 0:
                t = c;
                j = 1;
                break;
            case 1:
                buffer[offset++] = t << 2 | (c & 48) >> 4;
                t = c;
                j = 2;
                break;
            case 2:
                buffer[offset++] = (t & 15) << 4 | (c & 60) >> 2;
                t = c;
                j = 3;
                break;
            case 3:
                buffer[offset++] = (t & 3) << 6 | c;
                j = 0;
                break;
        }
    }
    if (j === 1)
        throw Error(invalidEncoding);
    return offset - start;
};

var base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
    base64UrlRe = /[-_]/,
    base64UrlNoPaddingRe = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}(?:==)?|[A-Za-z0-9_-]{3}=?)?$/;

/**
 * Tests if the specified string appears to be base64 encoded.
 * @param {string} string String to test
 * @returns {boolean} `true` if probably base64 encoded, otherwise false
 */
base64.test = function test(string) {
    return base64Re.test(string)
        || base64UrlRe.test(string) && base64UrlNoPaddingRe.test(string);
};


/***/ }),

/***/ 588:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = codegen;

var patterns = __nccwpck_require__(830);
var reservedRe = patterns.reservedRe;

/**
 * Begins generating a function.
 * @memberof util
 * @param {string[]} functionParams Function parameter names
 * @param {string} [functionName] Function name if not anonymous
 * @returns {Codegen} Appender that appends code to the function's body
 */
function codegen(functionParams, functionName) {

    /* istanbul ignore if */
    if (typeof functionParams === "string") {
        functionName = functionParams;
        functionParams = undefined;
    }

    var body = [];

    /**
     * Appends code to the function's body or finishes generation.
     * @typedef Codegen
     * @type {function}
     * @param {string|Object.<string,*>} [formatStringOrScope] Format string or, to finish the function, an object of additional scope variables, if any
     * @param {...*} [formatParams] Format parameters
     * @returns {Codegen|Function} Itself or the generated function if finished
     * @throws {Error} If format parameter counts do not match
     */

    function Codegen(formatStringOrScope) {
        // note that explicit array handling below makes this ~50% faster

        // finish the function
        if (typeof formatStringOrScope !== "string") {
            var source = toString();
            if (codegen.verbose)
                console.log("codegen: " + source); // eslint-disable-line no-console
            source = "return " + source;
            if (formatStringOrScope) {
                var scopeKeys   = Object.keys(formatStringOrScope),
                    scopeParams = new Array(scopeKeys.length + 1),
                    scopeValues = new Array(scopeKeys.length),
                    scopeOffset = 0;
                while (scopeOffset < scopeKeys.length) {
                    scopeParams[scopeOffset] = scopeKeys[scopeOffset];
                    scopeValues[scopeOffset] = formatStringOrScope[scopeKeys[scopeOffset++]];
                }
                scopeParams[scopeOffset] = source;
                return Function.apply(null, scopeParams).apply(null, scopeValues); // eslint-disable-line no-new-func
            }
            return Function(source)(); // eslint-disable-line no-new-func
        }

        // otherwise append to body
        var formatParams = new Array(arguments.length - 1),
            formatOffset = 0;
        while (formatOffset < formatParams.length)
            formatParams[formatOffset] = arguments[++formatOffset];
        formatOffset = 0;
        formatStringOrScope = formatStringOrScope.replace(/%([%dfijs])/g, function replace($0, $1) {
            var value = formatParams[formatOffset++];
            switch ($1) {
                case "d": case "f":
                    value = Number(value);
                    return Object.is(value, -0) ? "-0" : String(value);
                case "i": return String(Math.floor(value));
                case "j": return JSON.stringify(value);
                case "s": return String(value);
            }
            return "%";
        });
        if (formatOffset !== formatParams.length)
            throw Error("parameter count mismatch");
        body.push(formatStringOrScope);
        return Codegen;
    }

    function toString(functionNameOverride) {
        return "function " + safeFunctionName(functionNameOverride || functionName) + "(" + (functionParams && functionParams.join(",") || "") + "){\n  " + body.join("\n  ") + "\n}";
    }

    Object.defineProperty(Codegen, "toString", {
        value: toString,
        writable: true,
        enumerable: true,
        configurable: true
    });
    return Codegen;
}

/**
 * Begins generating a function.
 * @memberof util
 * @function codegen
 * @param {string} [functionName] Function name if not anonymous
 * @returns {Codegen} Appender that appends code to the function's body
 * @variation 2
 */

/**
 * When set to `true`, codegen will log generated code to console. Useful for debugging.
 * @name util.codegen.verbose
 * @type {boolean}
 */
codegen.verbose = false;

function safeFunctionName(name) {
    if (!name)
        return "";
    name = String(name).replace(/[^\w$]/g, "");
    if (!name)
        return "";
    if (/^\d/.test(name))
        name = "_" + name;
    return reservedRe.test(name) ? name + "_" : name;
}


/***/ }),

/***/ 79:
/***/ ((module) => {


module.exports = EventEmitter;

/**
 * Constructs a new event emitter instance.
 * @classdesc A minimal event emitter.
 * @memberof util
 * @constructor
 */
function EventEmitter() {

    /**
     * Registered listeners.
     * @type {Object.<string,*>}
     * @private
     */
    this._listeners = Object.create(null);
}

/**
 * Event listener as used by {@link util.EventEmitter}.
 * @typedef EventEmitterListener
 * @type {function}
 * @param {...*} args Arguments
 * @returns {undefined}
 */

/**
 * Registers an event listener.
 * @param {string} evt Event name
 * @param {EventEmitterListener} fn Listener
 * @param {*} [ctx] Listener context
 * @returns {this} `this`
 */
EventEmitter.prototype.on = function on(evt, fn, ctx) {
    (this._listeners[evt] || (this._listeners[evt] = [])).push({
        fn  : fn,
        ctx : ctx || this
    });
    return this;
};

/**
 * Removes an event listener or any matching listeners if arguments are omitted.
 * @param {string} [evt] Event name. Removes all listeners if omitted.
 * @param {EventEmitterListener} [fn] Listener to remove. Removes all listeners of `evt` if omitted.
 * @returns {this} `this`
 */
EventEmitter.prototype.off = function off(evt, fn) {
    if (evt === undefined)
        this._listeners = Object.create(null);
    else {
        if (fn === undefined)
            this._listeners[evt] = [];
        else {
            var listeners = this._listeners[evt];
            if (!listeners)
                return this;
            for (var i = 0; i < listeners.length;)
                if (listeners[i].fn === fn)
                    listeners.splice(i, 1);
                else
                    ++i;
        }
    }
    return this;
};

/**
 * Emits an event by calling its listeners with the specified arguments.
 * @param {string} evt Event name
 * @param {...*} args Arguments
 * @returns {this} `this`
 */
EventEmitter.prototype.emit = function emit(evt) {
    var listeners = this._listeners[evt];
    if (listeners) {
        var args = [],
            i = 1;
        for (; i < arguments.length;)
            args.push(arguments[i++]);
        for (i = 0; i < listeners.length;)
            listeners[i].fn.apply(listeners[i++].ctx, args);
    }
    return this;
};


/***/ }),

/***/ 117:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = fetch;

var asPromise = __nccwpck_require__(200),
    fs        = __nccwpck_require__(402);

/**
 * Node-style callback as used by {@link util.fetch}.
 * @typedef FetchCallback
 * @type {function}
 * @param {?Error} error Error, if any, otherwise `null`
 * @param {string} [contents] File contents, if there hasn't been an error
 * @returns {undefined}
 */

/**
 * Options as used by {@link util.fetch}.
 * @interface IFetchOptions
 * @property {boolean} [binary=false] Whether expecting a binary response
 * @property {boolean} [xhr=false] If `true`, forces the use of XMLHttpRequest
 */

/**
 * Fetches the contents of a file.
 * @memberof util
 * @param {string} filename File path or url
 * @param {IFetchOptions} options Fetch options
 * @param {FetchCallback} callback Callback function
 * @returns {undefined}
 */
function fetch(filename, options, callback) {
    if (typeof options === "function") {
        callback = options;
        options = {};
    } else if (!options)
        options = {};

    if (!callback)
        return asPromise(fetch, this, filename, options); // eslint-disable-line no-invalid-this

    // if a node-like filesystem is present, try it first but fall back to XHR if nothing is found.
    if (!options.xhr && fs && fs.readFile)
        return fs.readFile(filename, function fetchReadFileCallback(err, contents) {
            return err && typeof XMLHttpRequest !== "undefined"
                ? fetch.xhr(filename, options, callback)
                : err
                ? callback(err)
                : callback(null, options.binary ? contents : contents.toString("utf8"));
        });

    // use the XHR version otherwise.
    return fetch.xhr(filename, options, callback);
}

/**
 * Fetches the contents of a file.
 * @name util.fetch
 * @function
 * @param {string} path File path or url
 * @param {FetchCallback} callback Callback function
 * @returns {undefined}
 * @variation 2
 */

/**
 * Fetches the contents of a file.
 * @name util.fetch
 * @function
 * @param {string} path File path or url
 * @param {IFetchOptions} [options] Fetch options
 * @returns {Promise<string|Uint8Array>} Promise
 * @variation 3
 */

/**/
fetch.xhr = function fetch_xhr(filename, options, callback) {
    var xhr = new XMLHttpRequest();
    xhr.onreadystatechange /* works everywhere */ = function fetchOnReadyStateChange() {

        if (xhr.readyState !== 4)
            return undefined;

        // local cors security errors return status 0 / empty string, too. afaik this cannot be
        // reliably distinguished from an actually empty file for security reasons. feel free
        // to send a pull request if you are aware of a solution.
        if (xhr.status !== 0 && xhr.status !== 200)
            return callback(Error("status " + xhr.status));

        // if binary data is expected, make sure that some sort of array is returned, even if
        // ArrayBuffers are not supported. the binary string fallback, however, is unsafe.
        if (options.binary) {
            var buffer = xhr.response;
            if (!buffer) {
                buffer = [];
                for (var i = 0; i < xhr.responseText.length; ++i)
                    buffer.push(xhr.responseText.charCodeAt(i) & 255);
            }
            return callback(null, typeof Uint8Array !== "undefined" ? new Uint8Array(buffer) : buffer);
        }
        return callback(null, xhr.responseText);
    };

    if (options.binary) {
        // ref: https://developer.mozilla.org/en-US/docs/Web/API/XMLHttpRequest/Sending_and_Receiving_Binary_Data#Receiving_binary_data_in_older_browsers
        if ("overrideMimeType" in xhr)
            xhr.overrideMimeType("text/plain; charset=x-user-defined");
        xhr.responseType = "arraybuffer";
    }

    xhr.open("GET", filename);
    xhr.send();
};


/***/ }),

/***/ 67:
/***/ ((module) => {



module.exports = factory(factory);

/**
 * Reads / writes floats / doubles from / to buffers.
 * @name util.float
 * @namespace
 */

/**
 * Writes a 32 bit float to a buffer using little endian byte order.
 * @name util.float.writeFloatLE
 * @function
 * @param {number} val Value to write
 * @param {Uint8Array} buf Target buffer
 * @param {number} pos Target buffer offset
 * @returns {undefined}
 */

/**
 * Writes a 32 bit float to a buffer using big endian byte order.
 * @name util.float.writeFloatBE
 * @function
 * @param {number} val Value to write
 * @param {Uint8Array} buf Target buffer
 * @param {number} pos Target buffer offset
 * @returns {undefined}
 */

/**
 * Reads a 32 bit float from a buffer using little endian byte order.
 * @name util.float.readFloatLE
 * @function
 * @param {Uint8Array} buf Source buffer
 * @param {number} pos Source buffer offset
 * @returns {number} Value read
 */

/**
 * Reads a 32 bit float from a buffer using big endian byte order.
 * @name util.float.readFloatBE
 * @function
 * @param {Uint8Array} buf Source buffer
 * @param {number} pos Source buffer offset
 * @returns {number} Value read
 */

/**
 * Writes a 64 bit double to a buffer using little endian byte order.
 * @name util.float.writeDoubleLE
 * @function
 * @param {number} val Value to write
 * @param {Uint8Array} buf Target buffer
 * @param {number} pos Target buffer offset
 * @returns {undefined}
 */

/**
 * Writes a 64 bit double to a buffer using big endian byte order.
 * @name util.float.writeDoubleBE
 * @function
 * @param {number} val Value to write
 * @param {Uint8Array} buf Target buffer
 * @param {number} pos Target buffer offset
 * @returns {undefined}
 */

/**
 * Reads a 64 bit double from a buffer using little endian byte order.
 * @name util.float.readDoubleLE
 * @function
 * @param {Uint8Array} buf Source buffer
 * @param {number} pos Source buffer offset
 * @returns {number} Value read
 */

/**
 * Reads a 64 bit double from a buffer using big endian byte order.
 * @name util.float.readDoubleBE
 * @function
 * @param {Uint8Array} buf Source buffer
 * @param {number} pos Source buffer offset
 * @returns {number} Value read
 */

// Factory function for the purpose of node-based testing in modified global environments
function factory(exports) {

    // float: typed array
    if (typeof Float32Array !== "undefined") (function() {

        var f32 = new Float32Array([ -0 ]),
            f8b = new Uint8Array(f32.buffer),
            le  = f8b[3] === 128;

        function writeFloat_f32_cpy(val, buf, pos) {
            f32[0] = val;
            buf[pos    ] = f8b[0];
            buf[pos + 1] = f8b[1];
            buf[pos + 2] = f8b[2];
            buf[pos + 3] = f8b[3];
        }

        function writeFloat_f32_rev(val, buf, pos) {
            f32[0] = val;
            buf[pos    ] = f8b[3];
            buf[pos + 1] = f8b[2];
            buf[pos + 2] = f8b[1];
            buf[pos + 3] = f8b[0];
        }

        /* istanbul ignore next */
        exports.writeFloatLE = le ? writeFloat_f32_cpy : writeFloat_f32_rev;
        /* istanbul ignore next */
        exports.writeFloatBE = le ? writeFloat_f32_rev : writeFloat_f32_cpy;

        function readFloat_f32_cpy(buf, pos) {
            f8b[0] = buf[pos    ];
            f8b[1] = buf[pos + 1];
            f8b[2] = buf[pos + 2];
            f8b[3] = buf[pos + 3];
            return f32[0];
        }

        function readFloat_f32_rev(buf, pos) {
            f8b[3] = buf[pos    ];
            f8b[2] = buf[pos + 1];
            f8b[1] = buf[pos + 2];
            f8b[0] = buf[pos + 3];
            return f32[0];
        }

        /* istanbul ignore next */
        exports.readFloatLE = le ? readFloat_f32_cpy : readFloat_f32_rev;
        /* istanbul ignore next */
        exports.readFloatBE = le ? readFloat_f32_rev : readFloat_f32_cpy;

    // float: ieee754
    })(); else (function() {

        function writeFloat_ieee754(writeUint, val, buf, pos) {
            var sign = val < 0 ? 1 : 0;
            if (sign)
                val = -val;
            if (val === 0)
                writeUint(1 / val > 0 ? /* positive */ 0 : /* negative 0 */ 2147483648, buf, pos);
            else if (isNaN(val))
                writeUint(2143289344, buf, pos);
            else if (val > 3.4028234663852886e+38) // +-Infinity
                writeUint((sign << 31 | 2139095040) >>> 0, buf, pos);
            else if (val < 1.1754943508222875e-38) // denormal
                writeUint((sign << 31 | Math.round(val / 1.401298464324817e-45)) >>> 0, buf, pos);
            else {
                var exponent = Math.floor(Math.log(val) / Math.LN2),
                    mantissa = Math.round(val * Math.pow(2, -exponent) * 8388608) & 8388607;
                writeUint((sign << 31 | exponent + 127 << 23 | mantissa) >>> 0, buf, pos);
            }
        }

        exports.writeFloatLE = writeFloat_ieee754.bind(null, writeUintLE);
        exports.writeFloatBE = writeFloat_ieee754.bind(null, writeUintBE);

        function readFloat_ieee754(readUint, buf, pos) {
            var uint = readUint(buf, pos),
                sign = (uint >> 31) * 2 + 1,
                exponent = uint >>> 23 & 255,
                mantissa = uint & 8388607;
            return exponent === 255
                ? mantissa
                ? NaN
                : sign * Infinity
                : exponent === 0 // denormal
                ? sign * 1.401298464324817e-45 * mantissa
                : sign * Math.pow(2, exponent - 150) * (mantissa + 8388608);
        }

        exports.readFloatLE = readFloat_ieee754.bind(null, readUintLE);
        exports.readFloatBE = readFloat_ieee754.bind(null, readUintBE);

    })();

    // double: typed array
    if (typeof Float64Array !== "undefined") (function() {

        var f64 = new Float64Array([-0]),
            f8b = new Uint8Array(f64.buffer),
            le  = f8b[7] === 128;

        function writeDouble_f64_cpy(val, buf, pos) {
            f64[0] = val;
            buf[pos    ] = f8b[0];
            buf[pos + 1] = f8b[1];
            buf[pos + 2] = f8b[2];
            buf[pos + 3] = f8b[3];
            buf[pos + 4] = f8b[4];
            buf[pos + 5] = f8b[5];
            buf[pos + 6] = f8b[6];
            buf[pos + 7] = f8b[7];
        }

        function writeDouble_f64_rev(val, buf, pos) {
            f64[0] = val;
            buf[pos    ] = f8b[7];
            buf[pos + 1] = f8b[6];
            buf[pos + 2] = f8b[5];
            buf[pos + 3] = f8b[4];
            buf[pos + 4] = f8b[3];
            buf[pos + 5] = f8b[2];
            buf[pos + 6] = f8b[1];
            buf[pos + 7] = f8b[0];
        }

        /* istanbul ignore next */
        exports.writeDoubleLE = le ? writeDouble_f64_cpy : writeDouble_f64_rev;
        /* istanbul ignore next */
        exports.writeDoubleBE = le ? writeDouble_f64_rev : writeDouble_f64_cpy;

        function readDouble_f64_cpy(buf, pos) {
            f8b[0] = buf[pos    ];
            f8b[1] = buf[pos + 1];
            f8b[2] = buf[pos + 2];
            f8b[3] = buf[pos + 3];
            f8b[4] = buf[pos + 4];
            f8b[5] = buf[pos + 5];
            f8b[6] = buf[pos + 6];
            f8b[7] = buf[pos + 7];
            return f64[0];
        }

        function readDouble_f64_rev(buf, pos) {
            f8b[7] = buf[pos    ];
            f8b[6] = buf[pos + 1];
            f8b[5] = buf[pos + 2];
            f8b[4] = buf[pos + 3];
            f8b[3] = buf[pos + 4];
            f8b[2] = buf[pos + 5];
            f8b[1] = buf[pos + 6];
            f8b[0] = buf[pos + 7];
            return f64[0];
        }

        /* istanbul ignore next */
        exports.readDoubleLE = le ? readDouble_f64_cpy : readDouble_f64_rev;
        /* istanbul ignore next */
        exports.readDoubleBE = le ? readDouble_f64_rev : readDouble_f64_cpy;

    // double: ieee754
    })(); else (function() {

        function writeDouble_ieee754(writeUint, off0, off1, val, buf, pos) {
            var sign = val < 0 ? 1 : 0;
            if (sign)
                val = -val;
            if (val === 0) {
                writeUint(0, buf, pos + off0);
                writeUint(1 / val > 0 ? /* positive */ 0 : /* negative 0 */ 2147483648, buf, pos + off1);
            } else if (isNaN(val)) {
                writeUint(0, buf, pos + off0);
                writeUint(2146959360, buf, pos + off1);
            } else if (val > 1.7976931348623157e+308) { // +-Infinity
                writeUint(0, buf, pos + off0);
                writeUint((sign << 31 | 2146435072) >>> 0, buf, pos + off1);
            } else {
                var mantissa;
                if (val < 2.2250738585072014e-308) { // denormal
                    mantissa = val / 5e-324;
                    writeUint(mantissa >>> 0, buf, pos + off0);
                    writeUint((sign << 31 | mantissa / 4294967296) >>> 0, buf, pos + off1);
                } else {
                    var exponent = Math.floor(Math.log(val) / Math.LN2);
                    if (exponent === 1024)
                        exponent = 1023;
                    mantissa = val * Math.pow(2, -exponent);
                    writeUint(mantissa * 4503599627370496 >>> 0, buf, pos + off0);
                    writeUint((sign << 31 | exponent + 1023 << 20 | mantissa * 1048576 & 1048575) >>> 0, buf, pos + off1);
                }
            }
        }

        exports.writeDoubleLE = writeDouble_ieee754.bind(null, writeUintLE, 0, 4);
        exports.writeDoubleBE = writeDouble_ieee754.bind(null, writeUintBE, 4, 0);

        function readDouble_ieee754(readUint, off0, off1, buf, pos) {
            var lo = readUint(buf, pos + off0),
                hi = readUint(buf, pos + off1);
            var sign = (hi >> 31) * 2 + 1,
                exponent = hi >>> 20 & 2047,
                mantissa = 4294967296 * (hi & 1048575) + lo;
            return exponent === 2047
                ? mantissa
                ? NaN
                : sign * Infinity
                : exponent === 0 // denormal
                ? sign * 5e-324 * mantissa
                : sign * Math.pow(2, exponent - 1075) * (mantissa + 4503599627370496);
        }

        exports.readDoubleLE = readDouble_ieee754.bind(null, readUintLE, 0, 4);
        exports.readDoubleBE = readDouble_ieee754.bind(null, readUintBE, 4, 0);

    })();

    return exports;
}

// uint helpers

function writeUintLE(val, buf, pos) {
    buf[pos    ] =  val        & 255;
    buf[pos + 1] =  val >>> 8  & 255;
    buf[pos + 2] =  val >>> 16 & 255;
    buf[pos + 3] =  val >>> 24;
}

function writeUintBE(val, buf, pos) {
    buf[pos    ] =  val >>> 24;
    buf[pos + 1] =  val >>> 16 & 255;
    buf[pos + 2] =  val >>> 8  & 255;
    buf[pos + 3] =  val        & 255;
}

function readUintLE(buf, pos) {
    return (buf[pos    ]
          | buf[pos + 1] << 8
          | buf[pos + 2] << 16
          | buf[pos + 3] << 24) >>> 0;
}

function readUintBE(buf, pos) {
    return (buf[pos    ] << 24
          | buf[pos + 1] << 16
          | buf[pos + 2] << 8
          | buf[pos + 3]) >>> 0;
}


/***/ }),

/***/ 402:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



var fs = null;
try {
    fs = __nccwpck_require__(/* webpackIgnore: true */ 896);
    if (!fs || !fs.readFile || !fs.readFileSync)
        fs = null;
} catch (e) {
    // `fs` is unavailable in browsers and browser-like bundles.
}
module.exports = fs;


/***/ }),

/***/ 460:
/***/ ((module) => {


module.exports = LongBits;

var Long;

/**
 * Constructs new long bits.
 * @classdesc Helper class for working with the low and high bits of a 64 bit value.
 * @memberof util
 * @constructor
 * @param {number} lo Low 32 bits, unsigned
 * @param {number} hi High 32 bits, unsigned
 */
function LongBits(lo, hi) {

    // note that the casts below are theoretically unnecessary as of today, but older statically
    // generated converter code might still call the ctor with signed 32bits. kept for compat.

    /**
     * Low bits.
     * @type {number}
     */
    this.lo = lo >>> 0;

    /**
     * High bits.
     * @type {number}
     */
    this.hi = hi >>> 0;
}

/**
 * Zero bits.
 * @memberof util.LongBits
 * @type {util.LongBits}
 */
var zero = LongBits.zero = new LongBits(0, 0);

zero.toNumber = function() { return 0; };
zero.zzEncode = zero.zzDecode = function() { return this; };
zero.length = function() { return 1; };

/**
 * Zero hash.
 * @memberof util.LongBits
 * @type {string}
 */
var zeroHash = LongBits.zeroHash = "\0\0\0\0\0\0\0\0";

/**
 * Constructs new long bits from the specified number.
 * @param {number} value Value
 * @returns {util.LongBits} Instance
 */
LongBits.fromNumber = function fromNumber(value) {
    if (value === 0)
        return zero;
    var sign = value < 0;
    if (sign)
        value = -value;
    var lo = value >>> 0,
        hi = (value - lo) / 4294967296 >>> 0;
    if (sign) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
        if (++lo > 4294967295) {
            lo = 0;
            if (++hi > 4294967295)
                hi = 0;
        }
    }
    return new LongBits(lo, hi);
};

/**
 * Constructs new long bits from a number, long or string.
 * @param {Long|number|string} value Value
 * @returns {util.LongBits} Instance
 */
LongBits.from = function from(value) {
    if (typeof value === "number")
        return LongBits.fromNumber(value);
    if (typeof value === "string" || value instanceof String) {
        /* istanbul ignore else */
        if (Long)
            value = Long.fromString(value);
        else
            return LongBits.fromNumber(parseInt(value, 10));
    }
    return value.low || value.high ? new LongBits(value.low >>> 0, value.high >>> 0) : zero;
};

/**
 * Converts this long bits to a possibly unsafe JavaScript number.
 * @param {boolean} [unsigned=false] Whether unsigned or not
 * @returns {number} Possibly unsafe number
 */
LongBits.prototype.toNumber = function toNumber(unsigned) {
    if (!unsigned && this.hi >>> 31) {
        var lo = ~this.lo + 1 >>> 0,
            hi = ~this.hi     >>> 0;
        if (!lo)
            hi = hi + 1 >>> 0;
        return -(lo + hi * 4294967296);
    }
    return this.lo + this.hi * 4294967296;
};

/**
 * Converts this long bits to a long.
 * @param {boolean} [unsigned=false] Whether unsigned or not
 * @returns {Long} Long
 */
LongBits.prototype.toLong = function toLong(unsigned) {
    return Long
        ? new Long(this.lo | 0, this.hi | 0, Boolean(unsigned))
        /* istanbul ignore next */
        : { low: this.lo | 0, high: this.hi | 0, unsigned: Boolean(unsigned) };
};

var charCodeAt = String.prototype.charCodeAt;

/**
 * Constructs new long bits from the specified 8 characters long hash.
 * @param {string} hash Hash
 * @returns {util.LongBits} Bits
 */
LongBits.fromHash = function fromHash(hash) {
    if (hash === zeroHash)
        return zero;
    return new LongBits(
        ( charCodeAt.call(hash, 0)
        | charCodeAt.call(hash, 1) << 8
        | charCodeAt.call(hash, 2) << 16
        | charCodeAt.call(hash, 3) << 24) >>> 0
    ,
        ( charCodeAt.call(hash, 4)
        | charCodeAt.call(hash, 5) << 8
        | charCodeAt.call(hash, 6) << 16
        | charCodeAt.call(hash, 7) << 24) >>> 0
    );
};

/**
 * Converts this long bits to a 8 characters long hash.
 * @returns {string} Hash
 */
LongBits.prototype.toHash = function toHash() {
    return String.fromCharCode(
        this.lo        & 255,
        this.lo >>> 8  & 255,
        this.lo >>> 16 & 255,
        this.lo >>> 24      ,
        this.hi        & 255,
        this.hi >>> 8  & 255,
        this.hi >>> 16 & 255,
        this.hi >>> 24
    );
};

/**
 * Zig-zag encodes this long bits.
 * @returns {util.LongBits} `this`
 */
LongBits.prototype.zzEncode = function zzEncode() {
    var mask =   this.hi >> 31;
    this.hi  = ((this.hi << 1 | this.lo >>> 31) ^ mask) >>> 0;
    this.lo  = ( this.lo << 1                   ^ mask) >>> 0;
    return this;
};

/**
 * Zig-zag decodes this long bits.
 * @returns {util.LongBits} `this`
 */
LongBits.prototype.zzDecode = function zzDecode() {
    var mask = -(this.lo & 1);
    this.lo  = ((this.lo >>> 1 | this.hi << 31) ^ mask) >>> 0;
    this.hi  = ( this.hi >>> 1                  ^ mask) >>> 0;
    return this;
};

/**
 * Calculates the length of this longbits when encoded as a varint.
 * @returns {number} Length
 */
LongBits.prototype.length = function length() {
    var part0 =  this.lo,
        part1 = (this.lo >>> 28 | this.hi << 4) >>> 0,
        part2 =  this.hi >>> 24;
    return part2 === 0
         ? part1 === 0
           ? part0 < 16384
             ? part0 < 128 ? 1 : 2
             : part0 < 2097152 ? 3 : 4
           : part1 < 16384
             ? part1 < 128 ? 5 : 6
             : part1 < 2097152 ? 7 : 8
         : part2 < 128 ? 9 : 10;
};

LongBits._configure = function(Long_) {
    Long = Long_;
};


/***/ }),

/***/ 186:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


/* global globalThis */
var util = exports;

// used to return a Promise where callback is omitted
util.asPromise = __nccwpck_require__(200);

// converts to / from base64 encoded strings
util.base64 = __nccwpck_require__(866);

// base class of rpc.Service
util.EventEmitter = __nccwpck_require__(79);

// float handling accross browsers
util.float = __nccwpck_require__(67);

// converts to / from utf8 encoded strings
util.utf8 = __nccwpck_require__(738);

// provides a node-like buffer pool in the browser
util.pool = __nccwpck_require__(771);

// utility to work with the low and high bits of a 64 bit value
util.LongBits = __nccwpck_require__(460);

/**
 * Tests if the specified key can affect object prototypes.
 * @memberof util
 * @param {string} key Key to test
 * @returns {boolean} `true` if the key is unsafe
 */
function isUnsafeProperty(key) {
    return key === "__proto__" || key === "prototype" || key === "constructor";
}

util.isUnsafeProperty = isUnsafeProperty;

/**
 * Whether running within node or not.
 * @memberof util
 * @type {boolean}
 */
util.isNode = Boolean(typeof global !== "undefined"
                   && global
                   && global.process
                   && global.process.versions
                   && global.process.versions.node);

/**
 * Global object reference.
 * @memberof util
 * @type {Object}
 */
util.global = util.isNode && global
           || typeof window !== "undefined" && window
           || typeof self   !== "undefined" && self
           || typeof globalThis !== "undefined" && globalThis
           || this; // eslint-disable-line no-invalid-this

/**
 * An immuable empty array.
 * @memberof util
 * @type {Array.<*>}
 * @const
 */
util.emptyArray = Object.freeze ? Object.freeze([]) : /* istanbul ignore next */ []; // used on prototypes

/**
 * An immutable empty object.
 * @type {Object}
 * @const
 */
util.emptyObject = Object.freeze ? Object.freeze({}) : /* istanbul ignore next */ {}; // used on prototypes

/**
 * Tests if the specified value is an integer.
 * @function
 * @param {*} value Value to test
 * @returns {boolean} `true` if the value is an integer
 */
util.isInteger = Number.isInteger || /* istanbul ignore next */ function isInteger(value) {
    return typeof value === "number" && isFinite(value) && Math.floor(value) === value;
};

/**
 * Tests if the specified value is a string.
 * @param {*} value Value to test
 * @returns {boolean} `true` if the value is a string
 */
util.isString = function isString(value) {
    return typeof value === "string" || value instanceof String;
};

/**
 * Tests if the specified value is a non-null object.
 * @param {*} value Value to test
 * @returns {boolean} `true` if the value is a non-null object
 */
util.isObject = function isObject(value) {
    return value && typeof value === "object";
};

/**
 * Checks if a property on a message is considered to be present.
 * This is an alias of {@link util.isSet}.
 * @function
 * @param {Object} obj Plain object or message instance
 * @param {string} prop Property name
 * @returns {boolean} `true` if considered to be present, otherwise `false`
 */
util.isset =

/**
 * Checks if a property on a message is considered to be present.
 * @param {Object} obj Plain object or message instance
 * @param {string} prop Property name
 * @returns {boolean} `true` if considered to be present, otherwise `false`
 */
util.isSet = function isSet(obj, prop) {
    var value = obj[prop];
    if (value != null && Object.hasOwnProperty.call(obj, prop)) // eslint-disable-line eqeqeq
        return typeof value !== "object" || (Array.isArray(value) ? value.length : Object.keys(value).length) > 0;
    return false;
};

/**
 * Any compatible Buffer instance.
 * This is a minimal stand-alone definition of a Buffer instance. The actual type is that exported by node's typings.
 * @interface Buffer
 * @extends Uint8Array
 */

/**
 * Node's Buffer class if available.
 * @type {Constructor<Buffer>}
 */
util.Buffer = (function() {
    try {
        var Buffer = util.global.Buffer;
        // refuse to use non-node buffers if not explicitly assigned (perf reasons)
        return Buffer.prototype.utf8Write || util.isNode ? Buffer : /* istanbul ignore next */ null;
    } catch (e) {
        /* istanbul ignore next */
        return null;
    }
})();

/**
 * Creates a new buffer of whatever type supported by the environment.
 * @param {number|number[]} [sizeOrArray=0] Buffer size or number array
 * @returns {Uint8Array|Buffer} Buffer
 */
util.newBuffer = function newBuffer(sizeOrArray) {
    var Buffer = util.Buffer;
    /* istanbul ignore next */
    return typeof sizeOrArray === "number"
        ? Buffer
            ? Buffer.allocUnsafe(sizeOrArray)
            : new Uint8Array(sizeOrArray)
        : Buffer
            ? Buffer.from(sizeOrArray)
            : new Uint8Array(sizeOrArray);
};

/**
 * Prepends a raw field tag to raw field data.
 * @param {number} id Field id
 * @param {number} wireType Wire type
 * @param {Uint8Array} data Raw field data
 * @returns {Uint8Array|Buffer} Raw field bytes
 * @ignore
 */
util.rawField = function rawField(id, wireType, data) {
    var out = [],
        tag = id << 3 | wireType;
    tag >>>= 0;
    while (tag > 127) {
        out.push(tag & 127 | 128);
        tag >>>= 7;
    }
    out.push(tag);
    for (var i = 0; i < data.length; ++i)
        out.push(data[i]);
    return util.newBuffer(out);
};

/**
 * Array implementation used in the browser.
 * @type {Constructor<Uint8Array>}
 * @deprecated Use `Uint8Array` instead.
 */
util.Array = Uint8Array;

/**
 * Any compatible Long instance.
 * This is a minimal stand-alone definition of a Long instance. The actual type is that exported by long.js.
 * @interface Long
 * @property {number} low Low bits
 * @property {number} high High bits
 * @property {boolean} unsigned Whether unsigned or not
 */

/**
 * Long.js's Long class if available.
 * @type {Constructor<Long>}
 */
util.Long = /* istanbul ignore next */ util.global.dcodeIO && /* istanbul ignore next */ util.global.dcodeIO.Long
         || /* istanbul ignore next */ util.global.Long
         || (function() {
                try {
                    var Long = __nccwpck_require__(390);
                    return Long && Long.isLong ? Long : null;
                } catch (e) {
                    /* istanbul ignore next */
                    return null;
                }
            })();

/**
 * Regular expression used to verify 2 bit (`bool`) map keys.
 * @type {RegExp}
 * @const
 */
util.key2Re = /^(?:true|false|0|1)$/;

/**
 * Regular expression used to verify 32 bit (`int32` etc.) map keys.
 * @type {RegExp}
 * @const
 */
util.key32Re = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * Regular expression used to verify 64 bit (`int64` etc.) map keys.
 * @type {RegExp}
 * @const
 */
util.key64Re = /^(?:[\x00-\xff]{8}|-?(?:0|[1-9][0-9]*))$/; // eslint-disable-line no-control-regex

/**
 * Converts a number or long to an 8 characters long hash string.
 * @param {Long|number} value Value to convert
 * @returns {string} Hash
 */
util.longToHash = function longToHash(value) {
    return value
        ? util.LongBits.from(value).toHash()
        : util.LongBits.zeroHash;
};

/**
 * Converts an 8 characters long hash string to a long or number.
 * @param {string} hash Hash
 * @param {boolean} [unsigned=false] Whether unsigned or not
 * @returns {Long|number} Original value
 */
util.longFromHash = function longFromHash(hash, unsigned) {
    var bits = util.LongBits.fromHash(hash);
    if (util.Long)
        return util.Long.fromBits(bits.lo, bits.hi, unsigned);
    return bits.toNumber(Boolean(unsigned));
};

/**
 * Converts a 64 bit key to a long or number if it is an 8 characters long hash string.
 * @param {string} key Map key
 * @param {boolean} [unsigned=false] Whether unsigned or not
 * @returns {Long|number|string} Original value
 */
util.longFromKey = function longFromKey(key, unsigned) {
    return util.key64Re.test(key) && !util.key32Re.test(key)
        ? util.longFromHash(key, unsigned)
        : key;
};

/**
 * Converts a boolean key to a boolean value.
 * @param {string} key Map key
 * @returns {boolean} Boolean value
 */
util.boolFromKey = function boolFromKey(key) {
    return key === "true" || key === "1";
};

/**
 * Merges the properties of the source object into the destination object.
 * @memberof util
 * @param {Object.<string,*>} dst Destination object
 * @param {...(Object.<string,*>|boolean)} src Source objects, optionally followed by an `ifNotSet` flag
 * @returns {Object.<string,*>} Destination object
 */
function merge(dst) { // used by converters
    var ifNotSet = typeof arguments[arguments.length - 1] === "boolean",
        limit = ifNotSet ? arguments.length - 1 : arguments.length;
    ifNotSet = ifNotSet && arguments[arguments.length - 1];
    for (var a = 1; a < limit; ++a) {
        var src = arguments[a];
        if (!src)
            continue;
        for (var keys = Object.keys(src), i = 0; i < keys.length; ++i)
            if (!isUnsafeProperty(keys[i]) && (!ifNotSet || !Object.prototype.hasOwnProperty.call(dst, keys[i]) || dst[keys[i]] === undefined))
                dst[keys[i]] = src[keys[i]];
    }
    return dst;
}

util.merge = merge;

/**
 * Schema declaration nesting limit.
 * @memberof util
 * @type {number}
 */
util.nestingLimit = 32; // protoc: MaxMessageDeclarationNestingDepth

/**
 * Recursion limit.
 * @memberof util
 * @type {number}
 */
util.recursionLimit = 100; // protoc: CodedInputStream::default_recursion_limit_

/**
 * Makes a property safe for assignment as an own property.
 * @memberof util
 * @param {Object.<string,*>} obj Object
 * @param {string} key Property key
 * @param {boolean} [enumerable=true] Whether the property should be enumerable
 * @returns {undefined}
 */
util.makeProp = function makeProp(obj, key, enumerable) {
    if (Object.prototype.hasOwnProperty.call(obj, key))
        return;
    Object.defineProperty(obj, key, {
        enumerable: enumerable === undefined ? true : enumerable,
        configurable: true,
        writable: true
    });
};

/**
 * Converts the first character of a string to lower case.
 * @param {string} str String to convert
 * @returns {string} Converted string
 */
util.lcFirst = function lcFirst(str) {
    return str.charAt(0).toLowerCase() + str.substring(1);
};

/**
 * Creates a custom error constructor.
 * @memberof util
 * @param {string} name Error name
 * @returns {Constructor<Error>} Custom error constructor
 */
function newError(name) {

    function CustomError(message, properties) {

        if (!(this instanceof CustomError))
            return new CustomError(message, properties);

        // Error.call(this, message);
        // ^ just returns a new error instance because the ctor can be called as a function

        Object.defineProperty(this, "message", { get: function() { return message; } });

        /* istanbul ignore next */
        if (Error.captureStackTrace) // node
            Error.captureStackTrace(this, CustomError);
        else
            Object.defineProperty(this, "stack", { value: new Error().stack || "" });

        if (properties)
            merge(this, properties);
    }

    CustomError.prototype = Object.create(Error.prototype, {
        constructor: {
            value: CustomError,
            writable: true,
            enumerable: false,
            configurable: true,
        },
        name: {
            get: function get() { return name; },
            set: undefined,
            enumerable: false,
            // configurable: false would accurately preserve the behavior of
            // the original, but I'm guessing that was not intentional.
            // For an actual error subclass, this property would
            // be configurable.
            configurable: true,
        },
        toString: {
            value: function value() { return this.name + ": " + this.message; },
            writable: true,
            enumerable: false,
            configurable: true,
        },
    });

    return CustomError;
}

util.newError = newError;

/**
 * Constructs a new protocol error.
 * @classdesc Error subclass indicating a protocol specifc error.
 * @memberof util
 * @extends Error
 * @template T extends Message<T>
 * @constructor
 * @param {string} message Error message
 * @param {Object.<string,*>} [properties] Additional properties
 * @example
 * try {
 *     MyMessage.decode(someBuffer); // throws if required fields are missing
 * } catch (e) {
 *     if (e instanceof ProtocolError && e.instance)
 *         console.log("decoded so far: " + JSON.stringify(e.instance));
 * }
 */
util.ProtocolError = newError("ProtocolError");

/**
 * So far decoded message instance.
 * @name util.ProtocolError#instance
 * @type {Message<T>}
 */

/**
 * A OneOf getter as returned by {@link util.oneOfGetter}.
 * @typedef OneOfGetter
 * @type {function}
 * @returns {string|undefined} Set field name, if any
 */

/**
 * Builds a getter for a oneof's present field name.
 * @param {string[]} fieldNames Field names
 * @returns {OneOfGetter} Unbound getter
 */
util.oneOfGetter = function getOneOf(fieldNames) {
    var fieldMap = {};
    for (var i = 0; i < fieldNames.length; ++i)
        fieldMap[fieldNames[i]] = 1;

    /**
     * @returns {string|undefined} Set field name, if any
     * @this Object
     * @ignore
     */
    return function() { // eslint-disable-line consistent-return
        for (var keys = Object.keys(this), i = keys.length - 1; i > -1; --i)
            if (fieldMap[keys[i]] === 1 && this[keys[i]] !== undefined && this[keys[i]] !== null)
                return keys[i];
    };
};

/**
 * A OneOf setter as returned by {@link util.oneOfSetter}.
 * @typedef OneOfSetter
 * @type {function}
 * @param {string|undefined} value Field name
 * @returns {undefined}
 */

/**
 * Builds a setter for a oneof's present field name.
 * @param {string[]} fieldNames Field names
 * @returns {OneOfSetter} Unbound setter
 */
util.oneOfSetter = function setOneOf(fieldNames) {

    /**
     * @param {string} name Field name
     * @returns {undefined}
     * @this Object
     * @ignore
     */
    return function(name) {
        for (var i = 0; i < fieldNames.length; ++i)
            if (fieldNames[i] !== name)
                delete this[fieldNames[i]];
    };
};

/**
 * Default conversion options used for {@link Message#toJSON} implementations.
 *
 * These options are close to proto3's JSON mapping with the exception that internal types like Any are handled just like messages. More precisely:
 *
 * - Longs become strings
 * - Enums become string keys
 * - Bytes become base64 encoded strings
 * - (Sub-)Messages become plain objects
 * - Maps become plain objects with all string keys
 * - Repeated fields become arrays
 * - NaN and Infinity for float and double fields become strings
 *
 * @type {IConversionOptions}
 * @see https://developers.google.com/protocol-buffers/docs/proto3?hl=en#json
 */
util.toJSONOptions = {
    longs: String,
    enums: String,
    bytes: String,
    json: true
};


/***/ }),

/***/ 902:
/***/ ((__unused_webpack_module, exports) => {



/**
 * A minimal path module to resolve Unix, Windows and URL paths alike.
 * @memberof util
 * @namespace
 */
var path = exports;

var urlRe = /^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//;

function normalizeUrl(path) {
    if (typeof URL === "undefined" || !urlRe.test(path))
        return null;
    try {
        return new URL(path).href;
    } catch (e) {
        return null;
    }
}

function resolveUrl(originPath, includePath) {
    if (typeof URL === "undefined" || !urlRe.test(originPath) || urlRe.test(includePath))
        return null;
    try {
        return new URL(includePath, originPath).href;
    } catch (e) {
        return null;
    }
}

var isAbsolute =
/**
 * Tests if the specified path is absolute.
 * @param {string} path Path to test
 * @returns {boolean} `true` if path is absolute
 */
path.isAbsolute = function isAbsolute(path) {
    return /^(?:\/|\w+:|\\\\\w+)/.test(path);
};

var normalize =
/**
 * Normalizes the specified path.
 * @param {string} path Path to normalize
 * @returns {string} Normalized path
 */
path.normalize = function normalize(path) {
    var normalizedUrl = normalizeUrl(path);
    if (normalizedUrl)
        return normalizedUrl;
    var firstTwoCharacters = path.substring(0,2);
    var uncPrefix = "";
    if (firstTwoCharacters === "\\\\") {
        uncPrefix = firstTwoCharacters;
        path = path.substring(2);
    }

    path = path.replace(/\\/g, "/")
               .replace(/\/{2,}/g, "/");
    var parts    = path.split("/"),
        absolute = isAbsolute(path),
        prefix   = "";
    if (absolute)
        prefix = parts.shift() + "/";
    for (var i = 0; i < parts.length;) {
        if (parts[i] === "..") {
            if (i > 0 && parts[i - 1] !== "..")
                parts.splice(--i, 2);
            else if (absolute)
                parts.splice(i, 1);
            else
                ++i;
        } else if (parts[i] === ".")
            parts.splice(i, 1);
        else
            ++i;
    }
    return uncPrefix + prefix + parts.join("/");
};

/**
 * Resolves the specified include path against the specified origin path.
 * @param {string} originPath Path to the origin file
 * @param {string} includePath Include path relative to origin path
 * @param {boolean} [alreadyNormalized=false] `true` if both paths are already known to be normalized
 * @returns {string} Path to the include file
 */
path.resolve = function resolve(originPath, includePath, alreadyNormalized) {
    var resolvedUrl = resolveUrl(originPath, includePath);
    if (resolvedUrl)
        return resolvedUrl;
    if (!alreadyNormalized)
        includePath = normalize(includePath); // path or absolute url
    if (isAbsolute(includePath))
        return includePath;
    if (!alreadyNormalized)
        originPath = normalize(originPath);
    return (originPath = originPath.replace(/(?:\/|^)[^/]+$/, "")).length ? normalize(originPath + "/" + includePath) : includePath;
};


/***/ }),

/***/ 830:
/***/ ((__unused_webpack_module, exports) => {



var patterns = exports;

patterns.numberRe    = /^(?![eE])[0-9]*(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?$/;
patterns.typeRefRe   = /^(?:\.?[a-zA-Z_][a-zA-Z_0-9]*)(?:\.[a-zA-Z_][a-zA-Z_0-9]*)*$/;
patterns.reservedRe  = /^(?:do|if|in|for|let|new|try|var|case|else|enum|eval|false|null|this|true|void|with|break|catch|class|const|super|throw|while|yield|delete|export|import|public|return|static|switch|typeof|default|extends|finally|package|private|continue|debugger|function|arguments|interface|protected|implements|instanceof)$/;


/***/ }),

/***/ 771:
/***/ ((module) => {


module.exports = pool;

/**
 * An allocator as used by {@link util.pool}.
 * @typedef PoolAllocator
 * @type {function}
 * @param {number} size Buffer size
 * @returns {Uint8Array} Buffer
 */

/**
 * A slicer as used by {@link util.pool}.
 * @typedef PoolSlicer
 * @type {function}
 * @param {number} start Start offset
 * @param {number} end End offset
 * @returns {Uint8Array} Buffer slice
 * @this Uint8Array
 */

/**
 * A general purpose buffer pool.
 * @memberof util
 * @function
 * @param {PoolAllocator} alloc Allocator
 * @param {PoolSlicer} slice Slicer
 * @param {number} [size=8192] Slab size
 * @returns {PoolAllocator} Pooled allocator
 */
function pool(alloc, slice, size) {
    var SIZE   = size || 8192;
    var MAX    = SIZE >>> 1;
    var slab   = null;
    var offset = SIZE;
    return function pool_alloc(size) {
        if (size < 1 || size > MAX)
            return alloc(size);
        if (offset + size > SIZE) {
            slab = alloc(SIZE);
            offset = 0;
        }
        var buf = slice.call(slab, offset, offset += size);
        if (offset & 7) // align to 32 bit
            offset = (offset | 7) + 1;
        return buf;
    };
}


/***/ }),

/***/ 738:
/***/ ((__unused_webpack_module, exports) => {



/**
 * A minimal UTF8 implementation.
 * @memberof util
 * @namespace
 */
var utf8 = exports,
    looseDecoder = new TextDecoder("utf-8", { ignoreBOM: true }),
    strictDecoder;
var TEXT_DECODER_MIN_LENGTH = 64;

try {
    strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
} catch (err) {
    // "fatal" option is not supported on Node.js compiled without ICU
    strictDecoder = looseDecoder;
}

/**
 * Calculates the UTF8 byte length of a string.
 * @param {string} string String
 * @returns {number} Byte length
 */
utf8.length = function utf8_length(string) {
    var len = 0,
        c = 0;
    for (var i = 0; i < string.length; ++i) {
        c = string.charCodeAt(i);
        if (c < 128)
            len += 1;
        else if (c < 2048)
            len += 2;
        else if ((c & 0xFC00) === 0xD800 && (string.charCodeAt(i + 1) & 0xFC00) === 0xDC00) {
            ++i;
            len += 4;
        } else
            len += 3;
    }
    return len;
};

function utf8_read_decoder(decoder, buffer, start, end) {
    var source = start === 0 && end === buffer.length
        ? buffer
        : buffer.subarray(start, end);
    return decoder.decode(source);
}

/**
 * Reads UTF8 bytes as a string.
 * @param {Uint8Array} buffer Source buffer
 * @param {number} start Source start
 * @param {number} end Source end
 * @returns {string} String read
 */
utf8.read = function utf8_read_loose(buffer, start, end) {
    if (end - start < 1)
        return "";
    if (end - start >= TEXT_DECODER_MIN_LENGTH)
        return utf8_read_decoder(looseDecoder, buffer, start, end);

    var str = "",
        i = start,
        c1, c2, c3, c4, c5, c6, c7, c8;

    for (; i + 7 < end; i += 8) {
        c1 = buffer[i];
        c2 = buffer[i + 1];
        c3 = buffer[i + 2];
        c4 = buffer[i + 3];
        c5 = buffer[i + 4];
        c6 = buffer[i + 5];
        c7 = buffer[i + 6];
        c8 = buffer[i + 7];
        if ((c1 | c2 | c3 | c4 | c5 | c6 | c7 | c8) & 0x80)
            return str + utf8_read_decoder(looseDecoder, buffer, i, end);
        str += String.fromCharCode(c1, c2, c3, c4, c5, c6, c7, c8);
    }

    for (; i < end; ++i) {
        c1 = buffer[i];
        if (c1 & 0x80)
            return str + utf8_read_decoder(looseDecoder, buffer, i, end);
        str += String.fromCharCode(c1);
    }

    return str;
};

/**
 * Reads UTF8 bytes as a string, rejecting invalid UTF8.
 * @param {Uint8Array} buffer Source buffer
 * @param {number} start Source start
 * @param {number} end Source end
 * @returns {string} String read
 */
utf8.readStrict = function utf8_read_strict(buffer, start, end) {
    if (end - start < 1)
        return "";
    if (end - start >= TEXT_DECODER_MIN_LENGTH)
        return utf8_read_decoder(strictDecoder, buffer, start, end);

    var str = "",
        i = start,
        c1, c2, c3, c4, c5, c6, c7, c8;

    for (; i + 7 < end; i += 8) {
        c1 = buffer[i];
        c2 = buffer[i + 1];
        c3 = buffer[i + 2];
        c4 = buffer[i + 3];
        c5 = buffer[i + 4];
        c6 = buffer[i + 5];
        c7 = buffer[i + 6];
        c8 = buffer[i + 7];
        if ((c1 | c2 | c3 | c4 | c5 | c6 | c7 | c8) & 0x80)
            return str + utf8_read_decoder(strictDecoder, buffer, i, end);
        str += String.fromCharCode(c1, c2, c3, c4, c5, c6, c7, c8);
    }

    for (; i < end; ++i) {
        c1 = buffer[i];
        if (c1 & 0x80)
            return str + utf8_read_decoder(strictDecoder, buffer, i, end);
        str += String.fromCharCode(c1);
    }

    return str;
};

/**
 * Writes a string as UTF8 bytes.
 * @param {string} string Source string
 * @param {Uint8Array} buffer Destination buffer
 * @param {number} offset Destination offset
 * @returns {number} Bytes written
 */
utf8.write = function utf8_write(string, buffer, offset) {
    var start = offset,
        c1, // character 1
        c2; // character 2
    for (var i = 0; i < string.length; ++i) {
        c1 = string.charCodeAt(i);
        if (c1 < 128) {
            buffer[offset++] = c1;
        } else if (c1 < 2048) {
            buffer[offset++] = c1 >> 6       | 192;
            buffer[offset++] = c1       & 63 | 128;
        } else if ((c1 & 0xFC00) === 0xD800 && ((c2 = string.charCodeAt(i + 1)) & 0xFC00) === 0xDC00) {
            c1 = 0x10000 + ((c1 & 0x03FF) << 10) + (c2 & 0x03FF);
            ++i;
            buffer[offset++] = c1 >> 18      | 240;
            buffer[offset++] = c1 >> 12 & 63 | 128;
            buffer[offset++] = c1 >> 6  & 63 | 128;
            buffer[offset++] = c1       & 63 | 128;
        } else {
            buffer[offset++] = c1 >> 12      | 224;
            buffer[offset++] = c1 >> 6  & 63 | 128;
            buffer[offset++] = c1       & 63 | 128;
        }
    }
    return offset - start;
};


/***/ }),

/***/ 524:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = verifier;

var Enum      = __nccwpck_require__(363),
    util      = __nccwpck_require__(926);

function invalid(field, expected) {
    return field.name + ": " + expected + (field.repeated && expected !== "array" ? "[]" : field.map && expected !== "object" ? "{k:"+field.keyType+"}" : "") + " expected";
}

/**
 * Generates a partial value verifier.
 * @param {Codegen} gen Codegen instance
 * @param {Field} field Reflected field
 * @param {number} fieldIndex Field index
 * @param {string} ref Variable reference
 * @returns {Codegen} Codegen instance
 * @ignore
 */
function genVerifyValue(gen, field, fieldIndex, ref) {
    /* eslint-disable no-unexpected-multiline */
    var resolvedType = field.resolvedType;
    if (resolvedType) {
        if (resolvedType instanceof Enum) {
            if (resolvedType._features.enum_type === "CLOSED") { gen
                ("switch(%s){", ref)
                    ("default:")
                        ("return%j", invalid(field, "enum value"));
                for (var keys = Object.keys(resolvedType.values), j = 0; j < keys.length; ++j) gen
                    ("case %i:", resolvedType.values[keys[j]]);
                gen
                        ("break")
                ("}");
            } else gen
                ("if(typeof %s!==\"number\"||(%s|0)!==%s)", ref, ref, ref)
                    ("return%j", invalid(field, "enum value"));
        } else {
            gen
            ("{")
                ("var e=types[%i].verify(%s,q+1);", fieldIndex, ref)
                ("if(e)")
                    ("return%j+e", field.name + ".")
            ("}");
        }
    } else {
        switch (field.type) {
            case "int32":
            case "uint32":
            case "sint32":
            case "fixed32":
            case "sfixed32": gen
                ("if(!util.isInteger(%s))", ref)
                    ("return%j", invalid(field, "integer"));
                break;
            case "int64":
            case "uint64":
            case "sint64":
            case "fixed64":
            case "sfixed64": gen
                ("if(!util.isInteger(%s)&&!(%s&&util.isInteger(%s.low)&&util.isInteger(%s.high)))", ref, ref, ref, ref)
                    ("return%j", invalid(field, "integer|Long"));
                break;
            case "float":
            case "double": gen
                ("if(typeof %s!==\"number\")", ref)
                    ("return%j", invalid(field, "number"));
                break;
            case "bool": gen
                ("if(typeof %s!==\"boolean\")", ref)
                    ("return%j", invalid(field, "boolean"));
                break;
            case "string": gen
                ("if(!util.isString(%s))", ref)
                    ("return%j", invalid(field, "string"));
                break;
            case "bytes": gen
                ("if(!(%s&&typeof %s.length===\"number\"||util.isString(%s)))", ref, ref, ref)
                    ("return%j", invalid(field, "buffer"));
                break;
        }
    }
    return gen;
    /* eslint-enable no-unexpected-multiline */
}

/**
 * Generates a partial key verifier.
 * @param {Codegen} gen Codegen instance
 * @param {Field} field Reflected field
 * @param {string} ref Variable reference
 * @returns {Codegen} Codegen instance
 * @ignore
 */
function genVerifyKey(gen, field, ref) {
    /* eslint-disable no-unexpected-multiline */
    switch (field.keyType) {
        case "int32":
        case "uint32":
        case "sint32":
        case "fixed32":
        case "sfixed32": gen
            ("if(!util.key32Re.test(%s))", ref)
                ("return%j", invalid(field, "integer key"));
            break;
        case "int64":
        case "uint64":
        case "sint64":
        case "fixed64":
        case "sfixed64": gen
            ("if(!util.key64Re.test(%s))", ref) // see comment above: x is ok, d is not
                ("return%j", invalid(field, "integer|Long key"));
            break;
        case "bool": gen
            ("if(!util.key2Re.test(%s))", ref)
                ("return%j", invalid(field, "boolean key"));
            break;
    }
    return gen;
    /* eslint-enable no-unexpected-multiline */
}

/**
 * Generates a verifier specific to the specified message type.
 * @param {Type} mtype Message type
 * @returns {Codegen} Codegen instance
 */
function verifier(mtype) {
    /* eslint-disable no-unexpected-multiline */

    var gen = util.codegen(["m", "q"])
    ("if(typeof m!==\"object\"||m===null)")
        ("return%j", "object expected")
    ("if(q===undefined)q=0")
    ("if(q>util.recursionLimit)")
        ("return%j", "max depth exceeded");
    var oneofs = mtype.oneofsArray,
        seenFirstField = {};
    if (oneofs.length) gen
    ("var p={}");

    for (var i = 0; i < /* initializes */ mtype.fieldsArray.length; ++i) {
        var field = mtype._fieldsArray[i].resolve(),
            ref   = "m" + util.safeProp(field.name);

        if (field.optional) gen
        ("if(%s!=null&&Object.hasOwnProperty.call(m,%j)){", ref, field.name); // !== undefined && !== null

        // map fields
        if (field.map) { gen
            ("if(!util.isObject(%s))", ref)
                ("return%j", invalid(field, "object"))
            ("var k=Object.keys(%s)", ref)
            ("for(var i=0;i<k.length;++i){");
                genVerifyKey(gen, field, "k[i]");
                genVerifyValue(gen, field, i, ref + "[k[i]]")
            ("}");

        // repeated fields
        } else if (field.repeated) { gen
            ("if(!Array.isArray(%s))", ref)
                ("return%j", invalid(field, "array"))
            ("for(var i=0;i<%s.length;++i){", ref);
                genVerifyValue(gen, field, i, ref + "[i]")
            ("}");

        // required or present fields
        } else {
            if (field.partOf) {
                var oneofProp = util.safeProp(field.partOf.name);
                if (seenFirstField[field.partOf.name] === 1) gen
            ("if(p%s===1)", oneofProp)
                ("return%j", field.partOf.name + ": multiple values");
                seenFirstField[field.partOf.name] = 1;
                gen
            ("p%s=1", oneofProp);
            }
            genVerifyValue(gen, field, i, ref);
        }
        if (field.optional) gen
        ("}");
    }
    return gen
    ("return null");
    /* eslint-enable no-unexpected-multiline */
}


/***/ }),

/***/ 162:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



/**
 * Wrappers for common types.
 * @type {Object.<string,IWrapper>}
 * @const
 */
var wrappers = exports;

var Message = __nccwpck_require__(463),
    util    = __nccwpck_require__(186);

/**
 * From object converter part of an {@link IWrapper}.
 * @typedef WrapperFromObjectConverter
 * @type {function}
 * @param {Object.<string,*>} object Plain object
 * @returns {Message<{}>} Message instance
 * @this Type
 */

/**
 * To object converter part of an {@link IWrapper}.
 * @typedef WrapperToObjectConverter
 * @type {function}
 * @param {Message<{}>} message Message instance
 * @param {IConversionOptions} [options] Conversion options
 * @returns {Object.<string,*>} Plain object
 * @this Type
 */

/**
 * Common type wrapper part of {@link wrappers}.
 * @interface IWrapper
 * @property {WrapperFromObjectConverter} [fromObject] From object converter
 * @property {WrapperToObjectConverter} [toObject] To object converter
 */

// Custom wrapper for Any
wrappers[".google.protobuf.Any"] = {

    fromObject: function(object, depth) {
        if (depth === undefined)
            depth = 0;
        if (depth > util.recursionLimit)
            throw Error("max depth exceeded");

        // unwrap value type if mapped
        if (object && object["@type"]) {
             // Only use fully qualified type name after the last '/'
            var name = object["@type"].substring(object["@type"].lastIndexOf("/") + 1);
            var type = this.lookup(name, [ this.constructor ]);
            /* istanbul ignore else */
            if (type) {
                // type_url does not accept leading "."
                var type_url = object["@type"].charAt(0) === "." ?
                    object["@type"].slice(1) : object["@type"];
                // type_url prefix is optional, but path seperator is required
                if (type_url.indexOf("/") === -1) {
                    type_url = "/" + type_url;
                }
                return this.create({
                    type_url: type_url,
                    value: type.encode(type.fromObject(object, depth + 1)).finish()
                });
            }
        }

        return this.fromObject(object, depth);
    },

    toObject: function(message, options, depth) {
        if (depth === undefined)
            depth = 0;
        if (depth > util.recursionLimit)
            throw Error("max depth exceeded");

        // Default prefix
        var googleApi = "type.googleapis.com/";
        var prefix = "";
        var name = "";
        // decode value if requested and unmapped
        if (options && options.json && message.type_url && message.value) {
            // Only use fully qualified type name after the last '/'
            name = message.type_url.substring(message.type_url.lastIndexOf("/") + 1);
            // Separate the prefix used
            prefix = message.type_url.substring(0, message.type_url.lastIndexOf("/") + 1);
            var type = this.lookup(name, [ this.constructor ]);
            /* istanbul ignore else */
            if (type)
                message = type.decode(message.value, undefined, undefined, depth + 1);
        }

        // wrap value if unmapped
        if (!(message instanceof this.ctor) && message instanceof Message) {
            var object = message.$type.toObject(message, options, depth + 1);
            var messageName = message.$type.fullName[0] === "." ?
                message.$type.fullName.slice(1) : message.$type.fullName;
            // Default to type.googleapis.com prefix if no prefix is used
            if (prefix === "") {
                prefix = googleApi;
            }
            name = prefix + messageName;
            object["@type"] = name;
            return object;
        }

        return this.toObject(message, options, depth);
    }
};


/***/ }),

/***/ 745:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = Writer;

var util      = __nccwpck_require__(186);

var BufferWriter; // cyclic

var LongBits  = util.LongBits,
    base64    = util.base64,
    utf8      = util.utf8;

/**
 * Constructs a new writer instance.
 * @classdesc Wire format writer using `Uint8Array`.
 * @constructor
 */
function Writer() {

    /**
     * Write cursor into {@link Writer#buf}.
     * @type {number}
     */
    this.pos = 0;

    /**
     * Backing buffer.
     * @type {Uint8Array}
     */
    this.buf = this.constructor.alloc(Writer.initialBufferSize);

    /**
     * Cached DataView over {@link Writer#buf}.
     * @type {DataView|null}
     */
    this.view = null;

    /**
     * Stack of forked length-prefix positions.
     * @type {Array<number>|null}
     */
    this.states = null;
}

/**
 * Initial backing buffer size in bytes. Defaults to 128.
 * @type {number}
 */
Writer.initialBufferSize = 128;

/**
 * Current write position.
 * @name Writer#len
 * @type {number}
 * @deprecated Use {@link Writer#pos} instead.
 */
Object.defineProperty(Writer.prototype, "len", {
    configurable: true,
    enumerable: true,
    get: function get_len() {
        return this.pos;
    }
});

var create = function create() {
    return util.Buffer
        ? function create_buffer_setup() {
            return (Writer.create = function create_buffer() {
                return new BufferWriter();
            })();
        }
        /* istanbul ignore next */
        : function create_array() {
            return new Writer();
        };
};

/**
 * Creates a new writer.
 * @function
 * @returns {BufferWriter|Writer} A {@link BufferWriter} when Buffers are supported, otherwise a {@link Writer}
 */
Writer.create = create();

/**
 * Allocates a buffer of the specified size.
 * @param {number} size Buffer size
 * @returns {Uint8Array} Buffer
 */
Writer.alloc = function alloc(size) {
    return new Uint8Array(size);
};

// Use Uint8Array buffer pool in the browser, just like node does with buffers
Writer.alloc = util.pool(Writer.alloc, Uint8Array.prototype.subarray);

/**
 * Calculates the number of bytes a value occupies as a varint.
 * @param {number} value Value to size (unsigned)
 * @returns {number} Byte length (1..5)
 * @ignore
 */
function sizeVarint32(value) {
    return value         < 128       ? 1
         : value         < 16384     ? 2
         : value         < 2097152   ? 3
         : value         < 268435456 ? 4
         :                             5;
}

/**
 * Ensures that at least `n` more bytes fit into the backing buffer, doubling it if not.
 * @param {number} n Number of additional bytes required
 * @returns {undefined}
 * @private
 */
Writer.prototype._reserve = function _reserve(n) {
    var need = this.pos + n;
    if (need > this.buf.length) {
        var size = this.buf.length << 1;
        if (size < need)
            size = need;
        var buf = this.constructor.alloc(size);
        buf.set(this.buf.subarray(0, this.pos), 0);
        this.buf = buf;
        this.view = null; // invalidate
    }
};

function writeStringAscii(val, buf, pos) {
    for (var i = 0; i < val.length;)
        buf[pos++] = val.charCodeAt(i++);
}

function writeVarint32(val, buf, pos) {
    while (val > 127) {
        buf[pos++] = val & 127 | 128;
        val >>>= 7;
    }
    buf[pos] = val;
    return pos + 1;
}

/**
 * Writes an unsigned 32 bit value as a varint.
 * @param {number} value Value to write
 * @returns {Writer} `this`
 */
Writer.prototype.uint32 = function write_uint32(value) {
    value = value >>> 0;
    this._reserve(5);
    var pos = this.pos;
    this.pos = writeVarint32(value, this.buf, pos);
    return this;
};

/**
 * Writes a signed 32 bit value as a varint.
 * @function
 * @param {number} value Value to write
 * @returns {Writer} `this`
 */
Writer.prototype.int32 = function write_int32(value) {
    if ((value |= 0) < 0) { // 10 bytes per spec
        this._reserve(10);
        writeVarint64(LongBits.fromNumber(value), this.buf, this.pos);
        this.pos += 10;
        return this;
    }
    return this.uint32(value);
};

/**
 * Writes a 32 bit value as a varint, zig-zag encoded.
 * @param {number} value Value to write
 * @returns {Writer} `this`
 */
Writer.prototype.sint32 = function write_sint32(value) {
    return this.uint32((value << 1 ^ value >> 31) >>> 0);
};

function writeVarint64(val, buf, pos) {
    var lo = val.lo,
        hi = val.hi;
    while (hi) {
        buf[pos++] = lo & 127 | 128;
        lo = (lo >>> 7 | hi << 25) >>> 0;
        hi >>>= 7;
    }
    while (lo > 127) {
        buf[pos++] = lo & 127 | 128;
        lo = lo >>> 7;
    }
    buf[pos] = lo;
    return pos + 1;
}

/**
 * Writes an unsigned 64 bit value as a varint.
 * @param {Long|number|string} value Value to write
 * @returns {Writer} `this`
 * @throws {TypeError} If `value` is a string and no long library is present.
 */
Writer.prototype.uint64 = function write_uint64(value) {
    var bits = LongBits.from(value);
    this._reserve(10);
    var pos = this.pos;
    this.pos = writeVarint64(bits, this.buf, pos);
    return this;
};

/**
 * Writes a signed 64 bit value as a varint.
 * @function
 * @param {Long|number|string} value Value to write
 * @returns {Writer} `this`
 * @throws {TypeError} If `value` is a string and no long library is present.
 */
Writer.prototype.int64 = Writer.prototype.uint64;

/**
 * Writes a signed 64 bit value as a varint, zig-zag encoded.
 * @param {Long|number|string} value Value to write
 * @returns {Writer} `this`
 * @throws {TypeError} If `value` is a string and no long library is present.
 */
Writer.prototype.sint64 = function write_sint64(value) {
    var bits = LongBits.from(value).zzEncode();
    this._reserve(10);
    var pos = this.pos;
    this.pos = writeVarint64(bits, this.buf, pos);
    return this;
};

/**
 * Writes a boolish value as a varint.
 * @param {boolean} value Value to write
 * @returns {Writer} `this`
 */
Writer.prototype.bool = function write_bool(value) {
    this._reserve(1);
    this.buf[this.pos++] = value ? 1 : 0;
    return this;
};

function writeFixed32(val, buf, pos) {
    buf[pos    ] =  val         & 255;
    buf[pos + 1] =  val >>> 8   & 255;
    buf[pos + 2] =  val >>> 16  & 255;
    buf[pos + 3] =  val >>> 24;
}

/**
 * Writes an unsigned 32 bit value as fixed 32 bits.
 * @param {number} value Value to write
 * @returns {Writer} `this`
 */
Writer.prototype.fixed32 = function write_fixed32(value) {
    this._reserve(4);
    writeFixed32(value >>> 0, this.buf, this.pos);
    this.pos += 4;
    return this;
};

/**
 * Writes a signed 32 bit value as fixed 32 bits.
 * @function
 * @param {number} value Value to write
 * @returns {Writer} `this`
 */
Writer.prototype.sfixed32 = Writer.prototype.fixed32;

/**
 * Writes an unsigned 64 bit value as fixed 64 bits.
 * @param {Long|number|string} value Value to write
 * @returns {Writer} `this`
 * @throws {TypeError} If `value` is a string and no long library is present.
 */
Writer.prototype.fixed64 = function write_fixed64(value) {
    var bits = LongBits.from(value);
    this._reserve(8);
    writeFixed32(bits.lo, this.buf, this.pos);
    writeFixed32(bits.hi, this.buf, this.pos + 4);
    this.pos += 8;
    return this;
};

/**
 * Writes a signed 64 bit value as fixed 64 bits.
 * @function
 * @param {Long|number|string} value Value to write
 * @returns {Writer} `this`
 * @throws {TypeError} If `value` is a string and no long library is present.
 */
Writer.prototype.sfixed64 = Writer.prototype.fixed64;

/**
 * Writes a float (32 bit).
 * @function
 * @param {number} value Value to write
 * @returns {Writer} `this`
 */
Writer.prototype.float = function write_float(value) {
    this._reserve(4);
    util.float.writeFloatLE(value, this.buf, this.pos);
    this.pos += 4;
    return this;
};

/**
 * Writes a double (64 bit float).
 * @function
 * @param {number} value Value to write
 * @returns {Writer} `this`
 */
Writer.prototype.double = function write_double(value) {
    this._reserve(8);
    util.float.writeDoubleLE(value, this.buf, this.pos);
    this.pos += 8;
    return this;
};

/**
 * Writes a sequence of bytes.
 * @param {Uint8Array|string} value Buffer or base64 encoded string to write
 * @returns {Writer} `this`
 */
Writer.prototype.bytes = function write_bytes(value) {
    var len = value.length >>> 0;
    if (!len) {
        this._reserve(1);
        this.buf[this.pos++] = 0;
        return this;
    }
    if (util.isString(value)) {
        var buf = Writer.alloc(len = base64.length(value));
        base64.decode(value, buf, 0);
        value = buf;
    }
    this.uint32(len);
    this._reserve(len);
    this.buf.set(value, this.pos);
    this.pos += len;
    return this;
};

/**
 * Writes raw bytes without a tag or length prefix.
 * @param {Uint8Array} value Raw bytes
 * @returns {Writer} `this`
 */
Writer.prototype.raw = function write_raw(value) {
    var len = value.length >>> 0;
    if (!len)
        return this;
    this._reserve(len);
    this.buf.set(value, this.pos);
    this.pos += len;
    return this;
};

/**
 * Backfills the length varint.
 * @param {number} pos Position of reserved length byte
 * @param {number} len Length of content after length varint
 * @returns {Writer} `this`
 * @private
 */
Writer.prototype._delim = function _delim(pos, len) {
    var n = sizeVarint32(len);
    if (n > 1)
        this.buf.copyWithin(pos + n, pos + 1, pos + 1 + len);
    writeVarint32(len, this.buf, pos);
    this.pos = pos + n + len;
    return this;
};

/**
 * Writes a string.
 * @param {string} value Value to write
 * @returns {Writer} `this`
 */
Writer.prototype.string = function write_string(value) {
    var n = value.length;
    if (!n) {
        this._reserve(1);
        this.buf[this.pos++] = 0;
        return this;
    }
    if (n < 0x80) {
        this._reserve(n * 3 + 5); // worst case
        var lenPos = this.pos;
        return this._delim(lenPos, utf8.write(value, this.buf, lenPos + 1));
    }
    var len = utf8.length(value);
    this.uint32(len);
    this._reserve(len);
    if (len === value.length)
        writeStringAscii(value, this.buf, this.pos);
    else
        utf8.write(value, this.buf, this.pos);
    this.pos += len;
    return this;
};

/**
 * Writes an array of unsigned 32 bit values as a packed repeated field.
 * @param {number[]} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.uint32s = function write_uint32s(value) {
    var n = value.length;
    this._reserve(n * 5 + 5); // worst case: 5 bytes per value + length varint
    var buf = this.buf, lenPos = this.pos, p = lenPos + 1;
    for (var i = 0; i < n; ++i)
        p = writeVarint32(value[i] >>> 0, buf, p);
    return this._delim(lenPos, p - lenPos - 1);
};

/**
 * Writes an array of signed 32 bit values as a packed repeated field.
 * @param {number[]} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.int32s = function write_int32s(value) {
    var n = value.length;
    this._reserve(n * 10 + 5); // worst case: 10 bytes per negative value + length varint
    var buf = this.buf, lenPos = this.pos, pos = lenPos + 1, val;
    for (var i = 0; i < n; ++i) {
        if ((val = value[i] | 0) < 0) { // negatives are 10 bytes per spec
            pos = writeVarint64(LongBits.fromNumber(val), buf, pos);
        } else {
            pos = writeVarint32(val, buf, pos);
        }
    }
    return this._delim(lenPos, pos - lenPos - 1);
};

/**
 * Writes an array of 32 bit values as packed, zig-zag encoded varints.
 * @param {number[]} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.sint32s = function write_sint32s(value) {
    var n = value.length;
    this._reserve(n * 5 + 5);
    var buf = this.buf, lenPos = this.pos, pos = lenPos + 1;
    for (var i = 0; i < n; ++i)
        pos = writeVarint32((value[i] << 1 ^ value[i] >> 31) >>> 0, buf, pos);
    return this._delim(lenPos, pos - lenPos - 1);
};

/**
 * Writes an array of unsigned 64 bit values as a packed repeated field.
 * @param {Array.<Long|number|string>} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.uint64s = function write_uint64s(value) {
    var n = value.length;
    this._reserve(n * 10 + 5);
    var buf = this.buf, lenPos = this.pos, pos = lenPos + 1;
    for (var i = 0; i < n; ++i) {
        pos = writeVarint64(LongBits.from(value[i]), buf, pos);
    }
    return this._delim(lenPos, pos - lenPos - 1);
};

/**
 * Writes an array of signed 64 bit values as a packed repeated field.
 * @function
 * @param {Array.<Long|number|string>} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.int64s = Writer.prototype.uint64s;

/**
 * Writes an array of 64 bit values as packed, zig-zag encoded varints.
 * @param {Array.<Long|number|string>} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.sint64s = function write_sint64s(value) {
    var n = value.length;
    this._reserve(n * 10 + 5);
    var buf = this.buf, lenPos = this.pos, pos = lenPos + 1;
    for (var i = 0; i < n; ++i) {
        pos = writeVarint64(LongBits.from(value[i]).zzEncode(), buf, pos);
    }
    return this._delim(lenPos, pos - lenPos - 1);
};

/**
 * Writes an array of boolish values as a packed repeated field.
 * @param {boolean[]} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.bools = function write_bools(value) {
    var n = value.length;
    this.uint32(n); // one byte per value
    this._reserve(n);
    var buf = this.buf, p = this.pos;
    for (var i = 0; i < n; ++i)
        buf[p++] = value[i] ? 1 : 0;
    this.pos += n;
    return this;
};

// The view allocation only pays off when amortized over enough writes
var VIEW_THRESHOLD_FLOAT = 16,
    VIEW_THRESHOLD_INT   = 128;

function getLazyView(writer, count, threshold) {
    var view = writer.view;
    if (view || count < threshold)
        return view;
    var buf = writer.buf;
    return writer.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Writes an array of unsigned 32 bit values as packed, fixed 32 bits.
 * @param {number[]} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.fixed32s = function write_fixed32s(value) {
    var n = value.length, bytes = n * 4;
    this.uint32(bytes); // length is known exactly
    this._reserve(bytes);
    var p = this.pos, i, dv = getLazyView(this, n, VIEW_THRESHOLD_INT);
    if (dv)
        for (i = 0; i < n; ++i) { dv.setUint32(p, value[i] >>> 0, true); p += 4; }
    else {
        var buf = this.buf;
        for (i = 0; i < n; ++i) { writeFixed32(value[i] >>> 0, buf, p); p += 4; }
    }
    this.pos += bytes;
    return this;
};

/**
 * Writes an array of signed 32 bit values as packed, fixed 32 bits.
 * @function
 * @param {number[]} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.sfixed32s = Writer.prototype.fixed32s;

/**
 * Writes an array of unsigned 64 bit values as packed, fixed 64 bits.
 * @param {Array.<Long|number|string>} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.fixed64s = function write_fixed64s(value) {
    var n = value.length, bytes = n * 8;
    this.uint32(bytes);
    this._reserve(bytes);
    var p = this.pos, i, bits, dv = getLazyView(this, n, VIEW_THRESHOLD_INT);
    if (dv)
        for (i = 0; i < n; ++i) { bits = LongBits.from(value[i]); dv.setUint32(p, bits.lo, true); dv.setUint32(p + 4, bits.hi, true); p += 8; }
    else {
        var buf = this.buf;
        for (i = 0; i < n; ++i) { bits = LongBits.from(value[i]); writeFixed32(bits.lo, buf, p); writeFixed32(bits.hi, buf, p + 4); p += 8; }
    }
    this.pos += bytes;
    return this;
};

/**
 * Writes an array of signed 64 bit values as packed, fixed 64 bits.
 * @function
 * @param {Array.<Long|number|string>} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.sfixed64s = Writer.prototype.fixed64s;

/**
 * Writes an array of floats (32 bit) as a packed repeated field.
 * @param {number[]} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.floats = function write_floats(value) {
    var n = value.length, bytes = n * 4;
    this.uint32(bytes);
    this._reserve(bytes);
    var p = this.pos, i, dv = getLazyView(this, n, VIEW_THRESHOLD_FLOAT);
    if (dv)
        for (i = 0; i < n; ++i) { dv.setFloat32(p, value[i], true); p += 4; }
    else {
        var buf = this.buf;
        for (i = 0; i < n; ++i) { util.float.writeFloatLE(value[i], buf, p); p += 4; }
    }
    this.pos += bytes;
    return this;
};

/**
 * Writes an array of doubles (64 bit float) as a packed repeated field.
 * @param {number[]} value Values to write
 * @returns {Writer} `this`
 */
Writer.prototype.doubles = function write_doubles(value) {
    var n = value.length, bytes = n * 8;
    this.uint32(bytes);
    this._reserve(bytes);
    var p = this.pos, i, dv = getLazyView(this, n, VIEW_THRESHOLD_FLOAT);
    if (dv)
        for (i = 0; i < n; ++i) { dv.setFloat64(p, value[i], true); p += 8; }
    else {
        var buf = this.buf;
        for (i = 0; i < n; ++i) { util.float.writeDoubleLE(value[i], buf, p); p += 8; }
    }
    this.pos += bytes;
    return this;
};

/**
 * Forks this writer's state by pushing it to a stack.
 * @returns {Writer} `this`
 */
Writer.prototype.fork = function fork() {
    this._reserve(1);
    (this.states || (this.states = [])).push(this.pos);
    this.pos += 1;
    return this;
};

/**
 * Resets this instance to the last state.
 * @returns {Writer} `this`
 */
Writer.prototype.reset = function reset() {
    var states = this.states;
    if (states && states.length) {
        this.pos = states.pop();
    } else {
        this.pos = 0;
    }
    return this;
};

/**
 * Resets to the last state and prepends the fork state's current write length as a varint.
 * @returns {Writer} `this`
 */
Writer.prototype.ldelim = function ldelim() {
    var states = this.states,
        len,
        vlen;
    if (states && states.length) {
        var lenPos = states.pop();
        len = this.pos - lenPos - 1;
        vlen = sizeVarint32(len);
        if (vlen > 1) { // grow the reserved single byte and shift content forward
            this._reserve(vlen - 1);
            this.buf.copyWithin(lenPos + vlen, lenPos + 1, lenPos + 1 + len);
            this.pos += vlen - 1;
            writeVarint32(len, this.buf, lenPos);
        } else {
            this.buf[lenPos] = len;
        }
    } else { // not forked: prefix the entire buffer with its length
        // TODO: Compatibility with older generated code.
        // Remove this branch in the next major release.
        len = this.pos;
        vlen = sizeVarint32(len);
        this._reserve(vlen);
        this.buf.copyWithin(vlen, 0, len);
        writeVarint32(len, this.buf, 0);
        this.pos += vlen;
    }
    return this;
};

/**
 * Finishes the write operation.
 * Returns a buffer sized to the written data by default.
 * @param {boolean} [shared=false] Whether to return a shared view instead of a unique copy
 * @returns {Uint8Array} Finished buffer
 */
Writer.prototype.finish = function finish(shared) {
    if (shared)
        return this.buf.subarray(0, this.pos);
    var buf = this.constructor.alloc(this.pos);
    buf.set(this.buf.subarray(0, this.pos), 0);
    return buf;
};

/**
 * Finishes the write operation, writing into the provided buffer.
 * The caller must ensure that `buf` has enough space starting at `offset`
 * to hold {@link Writer#pos} bytes.
 * @param {T} buf Target buffer
 * @param {number} [offset=0] Offset to start writing at
 * @returns {T} The provided buffer
 * @template T extends Uint8Array
 */
Writer.prototype.finishInto = function finishInto(buf, offset) {
    if (offset === undefined)
        offset = 0;
    buf.set(this.buf.subarray(0, this.pos), offset);
    return buf;
};

Writer._configure = function(BufferWriter_) {
    BufferWriter = BufferWriter_;
    Writer.create = create();
    BufferWriter._configure();
};


/***/ }),

/***/ 74:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = BufferWriter;

// extends Writer
var Writer = __nccwpck_require__(745);
BufferWriter.prototype = Object.create(Writer.prototype, {
    constructor: {
        value: BufferWriter,
        writable: true,
        enumerable: false,
        configurable: true
    }
});

var util = __nccwpck_require__(186);

/**
 * Constructs a new buffer writer instance.
 * @classdesc Wire format writer using node buffers.
 * @extends Writer
 * @constructor
 */
function BufferWriter() {
    Writer.call(this);
}

var writeStringBuffer;

BufferWriter._configure = function () {
    /**
     * Allocates a buffer of the specified size.
     * @function
     * @param {number} size Buffer size
     * @returns {Buffer} Buffer
     */
    BufferWriter.alloc = util.Buffer && util.Buffer.allocUnsafe;

    writeStringBuffer = util.Buffer && util.Buffer.prototype.utf8Write
        ? function writeStringBuffer_utf8Write(val, buf, pos) {
            return buf.utf8Write(val, pos);
        }
        : function writeStringBuffer_write(val, buf, pos) {
            return buf.write(val, pos);
        };
};


/**
 * @override
 */
BufferWriter.prototype.bytes = function write_bytes_buffer(value) {
    if (util.isString(value))
        value = util.Buffer.from(value, "base64");
    var len = value.length >>> 0;
    this.uint32(len);
    if (len) {
        this._reserve(len);
        this.buf.set(value, this.pos);
        this.pos += len;
    }
    return this;
};

/**
 * @override
 */
BufferWriter.prototype.string = function write_string_buffer(value) {
    var n = value.length;
    if (!n) {
        this._reserve(1);
        this.buf[this.pos++] = 0;
        return this;
    }
    if (n < 0x80) {
        this._reserve(n * 3 + 5); // worst case
        var pos = this.pos,
            buf = this.buf;
        return this._delim(pos,
            n < 40
                ? util.utf8.write(value, buf, pos + 1)
                : writeStringBuffer(value, buf, pos + 1)
        );
    }
    var len = util.Buffer.byteLength(value);
    this.uint32(len);
    this._reserve(len);
    writeStringBuffer(value, this.buf, this.pos);
    this.pos += len;
    return this;
};


/**
 * Finishes the write operation.
 * @name BufferWriter#finish
 * @function
 * @returns {Buffer} Finished buffer
 */

BufferWriter._configure();


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(581);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
