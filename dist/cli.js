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
/* harmony import */ var _cli_main_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(798);
// The limits above keep a long sync's memory flat (see src/bounded-heap.ts). They apply when the
// bundle runs as the telemetry-sync command; run as `node dist/cli.js`, it becomes itself under them.


(0,_bounded_heap_js__WEBPACK_IMPORTED_MODULE_0__/* .restartWithBoundedHeap */ .lt)();
process.exitCode = await (0,_cli_main_js__WEBPACK_IMPORTED_MODULE_1__/* .main */ .i)(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 798:
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
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// Date-time with an optional zone; without one we read it as UTC, because tokf stores UTC.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/i;
/** A duration such as `90m`, `24h` or `7d` in milliseconds. */
function parseDuration(value, flag) {
    const m = RELATIVE.exec(value.trim());
    if (m === null || Number(m[1]) === 0) {
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
    return (text, source) => {
        const trimmed = text.trim();
        if (!/^\d+$/.test(trimmed)) {
            throw new UsageError(`${source}: "${text}" is not a whole number`);
        }
        const value = Number(trimmed);
        if (value < min || value > max) {
            throw new UsageError(`${source}: ${value} is out of range (${min} to ${max})`);
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
    try {
        return parseDuration(text, source);
    }
    catch {
        throw new UsageError(`${source}: "${text}" is not a duration (such as 90m, 1h, 7d) or none`);
    }
};
/** What to do with the rows of tokf's built-in commands: send them, or skip them as live export does. */
const parseBuiltins = (text, source) => {
    const value = text.trim();
    const lower = value.toLowerCase();
    if (lower === 'send' || lower === 'skip')
        return lower;
    throw new UsageError(`${source}: "${value}" is not send or skip`);
};
const SIGNAL_ORDER = ['metrics', 'logs', 'traces'];
/**
 * The signals to send each event as, a comma-separated list of metrics, logs and traces; always
 * in that order, whatever the order given, each once.
 */
const parseSignals = (text, source) => {
    const given = text
        .split(',')
        .map((w) => w.trim().toLowerCase())
        .filter((w) => w !== '');
    const unknown = given.filter((w) => !SIGNAL_ORDER.includes(w));
    if (unknown.length > 0)
        throw new UsageError(`${source}: "${unknown[0]}" is not a signal (use metrics, logs, traces)`);
    if (given.length === 0)
        throw new UsageError(`${source}: name at least one signal`);
    return SIGNAL_ORDER.filter((s) => given.includes(s));
};

;// CONCATENATED MODULE: ./src/config/sync-config.ts
// Collectors accept 20 MiB by default and most vendors 4-5 MiB; stay under the smaller figure.
const DEFAULT_MAX_REQUEST_BYTES = 3 * 1024 * 1024;

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

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./src/cli/parse-options.ts



/**
 * Durations back from now may be written with a minus (`--since -7d`, 7 days ago), as `date -d`
 * users write them: such a value is joined to its flag, which parseArgs would take for an option.
 */
const NEGATIVE_DURATION = /^-\d+[smhdw]$/;
const TAKES_TIME = new Set([`--${specOf('since').flag}`, `--${specOf('until').flag}`]);
/**
 * A command's options, every mistake a UsageError in our words: an unknown option gets the nearest
 * known one, and Node's advice about "--" is left out.
 */
function parseOptions(args, options, allowPositionals = false) {
    const joined = [];
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        const next = args[i + 1];
        if (TAKES_TIME.has(arg) && next !== undefined && NEGATIVE_DURATION.test(next)) {
            joined.push(`${arg}=${next}`);
            i++;
        }
        else {
            joined.push(arg);
        }
    }
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
    protocol: {
        flag: 'protocol',
        value: 'P',
        type: 'string',
        // Not OTEL_EXPORTER_OTLP_PROTOCOL: set for other tools, it is noted in the warnings instead.
        env: [],
        parse: parseReplayProtocol,
        default: 'http/json',
        section: 'Endpoint',
        help: 'http/json only: each line is sent as it is, in OTLP/JSON; http/protobuf and grpc are refused. OTEL_EXPORTER_OTLP_PROTOCOL and OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL are not applied; set to another protocol, they are noted in the warnings',
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
        const v = parseOptions(rest, STATUS_OPTIONS).values;
        if (v.help === true)
            return { kind: 'help', text: 'status' };
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
 * the same rules with that signal's path and OTEL_EXPORTER_OTLP_<SIGNAL>_* variables.
 */
function resolveEndpoint(settings, env, label = flagLabel, backendPath = '', signal = 'metrics') {
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
    return { url: url.toString(), headers, secrets: [...new Set(secrets)] };
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
            if (/[\r\n\0]/.test(value)) {
                throw new UsageError(`${source}: the value of "${name}" contains a line break`);
            }
            // Header names are case-insensitive: a later layer replaces an earlier one whatever its case.
            merged.set(name.toLowerCase(), [name, value]);
        }
    }
    return Object.fromEntries(merged.values());
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

;// CONCATENATED MODULE: ./src/config/replay-config.ts







const SIGNALS = ['metrics', 'logs', 'traces'];
/**
 * The replay's config: shared settings parsed by the settings table's own parsers. The variables
 * tried are the general OTEL_EXPORTER_OTLP_* ones (the table's METRICS ones are for `sync`); the
 * endpoint and headers follow the per-signal rules of resolveEndpoint.
 */
function buildReplayConfig(settings, paths, env, now) {
    if (paths.length === 0)
        throw new UsageError('replay needs at least one file or directory');
    const protocol = settings.protocol;
    if (given(protocol))
        parseReplayProtocol(protocol, '--protocol', now);
    const lookUp = (key) => {
        const spec = specOf(key);
        const text = settings[key];
        if (typeof text === 'string' && given(text))
            return { value: spec.parse?.(text, flagLabel(key), now), source: flagLabel(key) };
        for (const variable of spec.env.filter((v) => !v.includes('_METRICS_'))) {
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
    let files;
    const tlsFiles = () => ({
        ca: found(lookUp('certificate')),
        cert: found(lookUp('clientCertificate')),
        key: found(lookUp('clientKey')),
    });
    for (const signal of SIGNALS) {
        const resolved = resolveEndpoint(shared, env, flagLabel, '', signal);
        const endpoint = withTls(resolved, () => (files ??= tlsFiles()), flagLabel);
        if (endpoint !== undefined)
            endpoints[signal] = endpoint;
    }
    if (Object.keys(endpoints).length === 0 && !dryRun) {
        throw new UsageError('nothing to do: give --endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT), or --dry-run');
    }
    const statePath = given(settings.state) ? settings.state : defaultStatePath(env);
    return {
        paths: [...paths],
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
        warnings: given(protocol) ? [] : protocolWarnings(env),
    };
}
/**
 * The protocol variables are shared with every OpenTelemetry tool of the environment, so one set
 * to protobuf is no mistake of the replay's user; but it is not applied, which they should hear.
 */
function protocolWarnings(env) {
    const variables = [
        'OTEL_EXPORTER_OTLP_PROTOCOL',
        ...SIGNALS.map((s) => `OTEL_EXPORTER_OTLP_${s.toUpperCase()}_PROTOCOL`),
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

;// CONCATENATED MODULE: external "node:timers/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
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
        throw new DatabaseError(`cannot ${what}: ${messageOf(err)}`);
    }
    try {
        work();
        db.exec('COMMIT');
    }
    catch (err) {
        if (db.isTransaction)
            db.exec('ROLLBACK');
        throw new DatabaseError(`cannot ${what}: ${messageOf(err)}`);
    }
}

;// CONCATENATED MODULE: ./src/progress/column-store.ts



/** Progress kept in `events.synced_to_otel_at`: NULL means pending, a time means delivered. */
class column_store_ColumnProgressStore {
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
  rejected_at TEXT NOT NULL
)`;
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
    prepareForWriting() {
        transaction_inWriteTransaction(this.db, 'create the rejected-events table', () => this.db.exec(createTable(this.table)));
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
    count() {
        return this.ids().size;
    }
    record(ids, rejection, at) {
        if (ids.length === 0)
            return;
        const upsert = this.db.prepare(`INSERT INTO ${this.table} (event_id, reason, status, rejected_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(event_id) DO UPDATE SET reason = excluded.reason, status = excluded.status, rejected_at = excluded.rejected_at`);
        const stamp = progress_store_tokfTimestamp(at);
        transaction_inWriteTransaction(this.db, 'record rejected events', () => {
            for (const id of ids)
                upsert.run(id, rejection.reason, rejection.status, stamp);
        });
        const known = this.knownIds();
        for (const id of ids)
            known.add(id);
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

;// CONCATENATED MODULE: ./src/source/id-ranges.ts
/** Sorts and merges ranges that overlap or touch, so [1,3] and [4,9] become [1,9]. */
function id_ranges_coalesce(ranges) {
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
/** The parts of [lo, hi] that no range covers, in order. */
function gapsBetween(covered, lo, hi) {
    const gaps = [];
    let next = lo;
    for (const r of id_ranges_coalesce(covered)) {
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
class ranges_store_RangesProgressStore {
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
            for (const r of id_ranges_coalesce(ranges)) {
                // Ranges that overlap or touch this one are folded into it, so the table stays small.
                const neighbours = touching.all(r.last + 1, r.first - 1).map(toRange);
                const merged = id_ranges_coalesce([r, ...neighbours]);
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
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${series_store_SERIES_TABLE} (
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
        transaction_inWriteTransaction(this.db, 'create the series table', () => this.db.exec(CREATE_TABLE));
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

;// CONCATENATED MODULE: ./src/progress/sync-lock.ts



const LOCK_TABLE = 'telemetry_sync_lock';
const sync_lock_CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  owner TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  acquired_at TEXT NOT NULL,
  heartbeat_ms INTEGER NOT NULL
)`;
/** A lock whose holder has not shown signs of life for this long is taken over. */
const STALE_AFTER_MS = 120_000;
/** Another sync holds the database. */
class SyncBusyError extends Error {
    name = 'SyncBusyError';
}
/**
 * One sync at a time per database, so two runs never send the same events. The lock is a row in a
 * table of ours, taken and refreshed in short write transactions. A holder that was killed leaves
 * its row behind: the row is taken over when its process is gone (same host) or it is stale.
 */
class SyncLock {
    db;
    owner = `${(0,external_node_os_namespaceObject.hostname)()}:${process.pid}:${Math.random().toString(36).slice(2)}`;
    constructor(db) {
        this.db = db;
    }
    async acquire(options) {
        const deadline = options.now() + options.waitMs;
        for (;;) {
            const holder = this.tryAcquire(options.now());
            if (holder === undefined)
                return;
            if (options.now() >= deadline) {
                throw new SyncBusyError(`another telemetry-sync (pid ${holder.pid} on ${holder.host}, since ${holder.acquired_at}) is syncing this database; nothing was sent, try again when it has finished`);
            }
            await options.sleep(Math.min(250, Math.max(1, deadline - options.now())));
        }
    }
    /** Shows the holder is alive, so a long run is not taken for a dead one. */
    refresh(now) {
        this.db
            .prepare(`UPDATE ${LOCK_TABLE} SET heartbeat_ms = ? WHERE owner = ?`)
            .run(now, this.owner);
    }
    release() {
        try {
            transaction_inWriteTransaction(this.db, 'release the sync lock', () => {
                this.db.prepare(`DELETE FROM ${LOCK_TABLE} WHERE owner = ?`).run(this.owner);
            });
        }
        catch {
            // A lock we could not release goes stale and is taken over; the run's outcome stands.
        }
    }
    /** Takes the lock, or returns who holds it. */
    tryAcquire(now) {
        let holder;
        transaction_inWriteTransaction(this.db, 'take the sync lock', () => {
            this.db.exec(sync_lock_CREATE_TABLE);
            const row = this.db
                .prepare(`SELECT host, pid, acquired_at, heartbeat_ms FROM ${LOCK_TABLE} WHERE id = 1`)
                .get();
            if (row !== undefined && isAlive(row, now)) {
                holder = row;
                return;
            }
            this.db
                .prepare(`INSERT OR REPLACE INTO ${LOCK_TABLE} (id, owner, host, pid, acquired_at, heartbeat_ms) VALUES (1, ?, ?, ?, ?, ?)`)
                .run(this.owner, (0,external_node_os_namespaceObject.hostname)(), process.pid, progress_store_tokfTimestamp(new Date(now)), now);
        });
        return holder;
    }
}
function isAlive(row, now) {
    if (now - Number(row.heartbeat_ms) > STALE_AFTER_MS)
        return false;
    if (row.host !== (0,external_node_os_namespaceObject.hostname)())
        return true;
    try {
        process.kill(Number(row.pid), 0);
        return true;
    }
    catch (err) {
        // EPERM: the process exists but belongs to someone else.
        return err.code === 'EPERM';
    }
}
/** Reads the lock without taking it (a read-only database is fine); undefined when none is held. */
function readLockHolder(db, now) {
    const exists = db
        .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
        .get(LOCK_TABLE);
    if (exists === undefined)
        return undefined;
    const row = db
        .prepare(`SELECT host, pid, acquired_at, heartbeat_ms FROM ${LOCK_TABLE} WHERE id = 1`)
        .get();
    if (row === undefined)
        return undefined;
    return {
        host: String(row.host),
        pid: Number(row.pid),
        since: String(row.acquired_at),
        heartbeatAt: progress_store_tokfTimestamp(new Date(Number(row.heartbeat_ms))),
        alive: isAlive(row, now),
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
        throw new DatabaseError(`cannot read ${path}: ${msg}`);
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



/** The exchange outlived its timeout: worth another attempt, unlike most request errors. */
class TimeoutError extends Error {
    name = 'TimeoutError';
}
/**
 * A POST over node:http(s) with a keep-alive agent of the caller's, so that a thousand requests
 * in a run share one connection. The timeout covers the whole exchange, response body included.
 */
function post(url, headers, body, timeoutMs, agents) {
    const client = url.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default());
    const agent = url.protocol === 'https:' ? agents.https : agents.http;
    return new Promise((resolve, reject) => {
        const req = client.request(url, {
            method: 'POST',
            agent,
            headers: { ...headers, 'Content-Length': String(body.byteLength) },
        });
        const timer = setTimeout(() => req.destroy(new TimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
        req.on('error', (err) => {
            clearTimeout(timer);
            reject(err);
        });
        req.on('response', (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('error', (err) => {
                clearTimeout(timer);
                reject(err);
            });
            res.on('end', () => {
                clearTimeout(timer);
                resolve({
                    status: res.statusCode ?? 0,
                    contentType: header(res.headers['content-type']),
                    retryAfter: header(res.headers['retry-after']),
                    body: new Uint8Array(Buffer.concat(chunks)),
                });
            });
        });
        req.end(body);
    });
}
function header(value) {
    return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}
/**
 * Keep-alive agents for one client: one connection reused request after request. A CA of the
 * user's is trusted besides the usual ones (Node's `ca` would otherwise replace them), so that one
 * variable set for a private collector does not break a public endpoint reached through it.
 */
function keepAliveAgents(tlsFiles = {}) {
    const { ca, cert, key } = tlsFiles;
    return {
        http: new (external_node_http_default()).Agent({ keepAlive: true, maxSockets: 1 }),
        https: new (external_node_https_default()).Agent({
            keepAlive: true,
            maxSockets: 1,
            ...(ca !== undefined && { ca: [...external_node_tls_default().getCACertificates('default'), ca] }),
            ...(cert !== undefined && { cert }),
            ...(key !== undefined && { key }),
        }),
    };
}

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
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/metrics/protobuf/response-deserializer.mjs

//#region src/metrics/protobuf/response-deserializer.ts
/**
* Parse an ExportMetricsPartialSuccess embedded message from raw bytes.
*
* Field map (opentelemetry/proto/collector/metrics/v1/metrics_service.proto):
*   1  rejected_data_points  int64   (varint)
*   2  error_message         string  (length-delimited)
*/
function deserializePartialSuccess(data) {
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
;// CONCATENATED MODULE: ./src/deliver/response.ts

/**
 * Reads `partial_success` from a 200 response body, in protobuf or JSON (where the count may be
 * a string). An empty body means full success. A body we cannot read is still an
 * acknowledgement: the status said so.
 */
function readPartialSuccess(body, contentType) {
    const none = { rejectedPoints: 0, message: undefined };
    if (body.byteLength === 0)
        return none;
    const isJson = (contentType ?? '').toLowerCase().includes('json') || looksLikeJson(body);
    let parsed;
    try {
        parsed = (isJson ? JsonMetricsSerializer : ProtobufMetricsSerializer).deserializeResponse(body);
    }
    catch {
        return none;
    }
    const partial = parsed?.partialSuccess;
    if (partial === undefined || partial === null)
        return none;
    const rejected = Number(partial.rejectedDataPoints ?? 0);
    const message = typeof partial.errorMessage === 'string' && partial.errorMessage !== ''
        ? partial.errorMessage
        : undefined;
    return { rejectedPoints: Number.isFinite(rejected) && rejected > 0 ? rejected : 0, message };
}
// Some receivers answer JSON without saying so; a protobuf response never starts with "{".
function looksLikeJson(body) {
    return body[0] === 0x7b;
}

;// CONCATENATED MODULE: ./src/deliver/http-transport.ts


/** Statuses the OTLP specification calls retryable; every other failure status is permanent. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
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
/** Longest slice of an error response kept for the report. */
const ERROR_BODY_LIMIT = 300;
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
        this.agents = keepAliveAgents(target.tls);
    }
    async send(body) {
        const { headers, timeoutMs } = this.target;
        let response;
        try {
            response = await post(this.url, headers, body, timeoutMs, this.agents);
        }
        catch (err) {
            return classifyFailure(err, timeoutMs, this.target.tls ?? {});
        }
        const { status } = response;
        if (status >= 200 && status < 300) {
            return {
                kind: 'acknowledged',
                status,
                partial: readPartialSuccess(response.body, response.contentType),
            };
        }
        const message = describeBody(response.body);
        if (RETRYABLE_STATUSES.has(status)) {
            const retryAfterMs = parseRetryAfter(response.retryAfter, this.now());
            return {
                kind: 'retryable',
                status,
                message,
                ...(retryAfterMs !== undefined && { retryAfterMs }),
            };
        }
        if (status === 404)
            return { kind: 'permanent', status, message: notFound(this.url, message) };
        return { kind: 'permanent', status, message };
    }
    /** Closes the kept-alive connection, so that the process can exit at once. */
    close() {
        this.agents.http.destroy();
        this.agents.https.destroy();
    }
}
function classifyFailure(err, timeoutMs, tls) {
    if (err instanceof TimeoutError) {
        return { kind: 'retryable', message: `no answer within ${timeoutMs} ms` };
    }
    const e = err;
    const code = e?.code;
    const detail = code ?? e?.message ?? String(err);
    if (code !== undefined && TRANSIENT_CODES.has(code)) {
        // Over TLS 1.3 a server that refuses the client certificate just drops the connection after
        // the handshake; it still may be a passing reset, so it is retried, but with the likely cause.
        const hint = (code === 'ECONNRESET' || code === 'EPIPE') && tls.cert !== undefined
            ? '; if it persists, the endpoint may be refusing the client certificate'
            : '';
        return { kind: 'retryable', message: `connection failed (${detail})${hint}` };
    }
    const words = tlsFailure(e ?? {}, tls);
    if (words !== undefined)
        return { kind: 'permanent', message: `TLS: ${words} (${detail})` };
    return { kind: 'permanent', message: `request failed (${detail})` };
}
const CA_SETTING = 'OTEL_EXPORTER_OTLP_CERTIFICATE (or --certificate)';
const CLIENT_SETTINGS = 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY (or --client-certificate and --client-key)';
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
function tlsFailure(e, tls) {
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
/** Paths by which backends take OTLP metrics, so that a 404 can say where to look instead. */
const KNOWN_PREFIXES = ['/api/v1/otlp', '/otlp', '/opentelemetry'];
/**
 * A 404 in words: the URL asked (scheme, host and path; credentials left the URL before it got
 * here, and a query may hold a key, so it is left out) and where OTLP metrics usually are.
 */
function notFound(url, said) {
    let path = url.pathname.replace(/\/+$/, '');
    // What remains once the paths we know are taken off is the user's own prefix, if any.
    for (let before = ''; before !== path;) {
        before = path;
        path = path.replace(/\/v1\/metrics$/, '');
        for (const prefix of KNOWN_PREFIXES)
            if (path.endsWith(prefix))
                path = path.slice(0, -prefix.length);
    }
    const base = `${url.protocol}//${url.host}${path}`;
    const twice = /\/v1\/metrics\/(.*\/)?v1\/metrics/.test(url.pathname)
        ? ' (v1/metrics twice: give the base URL, or the whole URL with --metrics-endpoint)'
        : '';
    return [
        `nothing at ${url.protocol}//${url.host}${url.pathname}${twice}`,
        `OTLP/HTTP metrics are usually at ${base}/v1/metrics (Collector, Datadog, New Relic, Honeycomb, Elastic)`,
        `Prometheus: ${base}/api/v1/otlp/v1/metrics (started with --web.enable-otlp-receiver)`,
        `Mimir and Grafana Cloud: ${base}/otlp/v1/metrics`,
        `VictoriaMetrics: ${base}/opentelemetry/v1/metrics`,
        '--backend sets the path',
        ...(said === '' ? [] : [`the endpoint said: ${said}`]),
    ].join('; ');
}
function describeBody(body) {
    if (body.byteLength === 0)
        return '';
    const text = new TextDecoder('utf-8', { fatal: false }).decode(body.subarray(0, ERROR_BODY_LIMIT));
    // Only printable text helps a reader; a protobuf Status does not.
    const printable = text.replace(/[^\x20-\x7e]+/g, ' ').trim();
    return printable === '' ? '' : `${printable}${body.byteLength > ERROR_BODY_LIMIT ? '…' : ''}`;
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

;// CONCATENATED MODULE: ./src/deliver/outcome.ts
function isRefusal(outcome) {
    return outcome.kind === 'bad-data' || outcome.kind === 'too-old';
}
/** Statuses by which an endpoint says "this data is bad", 413 (too large) included. */
const BAD_DATA_STATUSES = new Set([400, 413, 422]);
/**
 * What backends answer when points are older than they accept or arrive out of order, as the
 * message of a bad-data status. Prometheus: "out of bounds", "too old", "out of order sample";
 * Mimir and Grafana Cloud: err-mimir-sample-timestamp-too-old, err-mimir-sample-out-of-order.
 */
const TOO_OLD_MESSAGES = [
    /out of bounds/i,
    /too old/i,
    /out[ -]of[ -]order/i,
    /err-mimir-sample-timestamp-too-old/i,
    /err-mimir-sample-out-of-order/i,
];
/** The kind of a final non-2xx answer that was not to be retried. */
function classifyRefusal(status, message) {
    if (!BAD_DATA_STATUSES.has(status))
        return 'failed';
    return TOO_OLD_MESSAGES.some((re) => re.test(message)) ? 'too-old' : 'bad-data';
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
        for (let attempts = 1;; attempts++) {
            if (this.options.signal?.aborted === true) {
                return {
                    kind: 'interrupted',
                    attempts: attempts - 1,
                    bytesSent,
                    message: attempts === 1 ? 'interrupted before it was sent' : 'interrupted between retries',
                };
            }
            const started = this.now();
            const result = await this.transport.send(body);
            spent += Math.max(0, this.now() - started);
            // Counted once the endpoint answered: a connection that never opened carried nothing.
            if (result.kind === 'acknowledged' || result.status !== undefined)
                bytesSent += body.byteLength;
            const exchange = { attempts, bytesSent };
            if (result.kind === 'acknowledged') {
                const { rejectedPoints, message } = result.partial;
                return {
                    ...exchange,
                    kind: 'acknowledged',
                    rejectedPoints,
                    ...(message !== undefined && { message }),
                };
            }
            const status = result.status === undefined ? {} : { status: result.status };
            if (result.kind === 'permanent') {
                const kind = result.status === undefined ? 'failed' : classifyRefusal(result.status, result.message);
                if (kind === 'failed')
                    return { ...exchange, ...status, kind, message: result.message };
                return { ...exchange, kind, status: result.status, message: result.message };
            }
            const gaveUp = (why) => ({
                ...exchange,
                ...status,
                kind: 'retries-exhausted',
                message: result.message === '' ? why : `${result.message}; ${why}`,
            });
            const wait = result.retryAfterMs ?? backoffMs(this.policy, attempts, this.random());
            if (spent + wait > this.policy.budgetMs) {
                const budget = `the ${seconds(this.policy.budgetMs)} retry budget`;
                return gaveUp(result.retryAfterMs !== undefined
                    ? `gave up after ${plural(attempts, 'attempt')}: the endpoint asked to wait ${seconds(wait)}, past ${budget}`
                    : `gave up after ${plural(attempts, 'attempt')} over ${seconds(spent)}: the next wait would pass ${budget}`);
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
                timeoutMs,
                ...(endpoint.tls !== undefined && { tls: endpoint.tls }),
            }, options.now);
        this.retrying = new RetryingTransport(transport, options);
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
    /** Sends `payload`; `wire` is its wire body when the caller started that already. */
    async send(payload, wire) {
        return this.retrying.send(await (wire ?? this.wireBody(payload)));
    }
    close() {
        this.retrying.close();
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
/** Epoch seconds of a stored timestamp (UTC when it has no zone), or undefined if unreadable. */
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
    return Math.floor(ms / 1000);
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

;// CONCATENATED MODULE: ./src/output/openmetrics.ts





/** The file's name in the output directory. */
const OPENMETRICS_FILE = 'metrics.om';
/** Text buffered per family before it goes to that family's part file. */
const FLUSH_CHARS = 256 * 1024;
/** Bytes copied at a time when the parts are joined into the file. */
const COPY_BYTES = 1024 * 1024;
/** The `le` of each finite bucket, spelled once: every histogram sample writes them all. */
const BOUND_LABELS = DEFAULT_BOUNDARIES.map((b) => formatBound(b));
/**
 * One metric family of the file. OpenMetrics wants a family's lines together, while events bring
 * lines for every family at once: each family collects its samples in a part file of its own
 * while the run streams, and close() joins the parts under their metadata.
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
    append(line) {
        this.chunks.push(line);
        this.chars += line.length;
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
    /** Copies the family (metadata, then samples) to `out` and removes its part file. */
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
 * Memory holds one entry per series and a fixed buffer per family; the samples wait on disk.
 */
class OpenMetricsWriter {
    dir;
    resource;
    path;
    /** Events written (those with a readable timestamp). */
    events = 0;
    families;
    byInstrument = new Map();
    series = new Map();
    labelCache = new Map();
    closed = false;
    dirReady = false;
    constructor(dir, resource) {
        this.dir = dir;
        this.resource = resource;
        this.path = (0,external_node_path_namespaceObject.join)(dir, OPENMETRICS_FILE);
        let part = 0;
        const family = (name, type, help) => new FamilyPart(`# TYPE ${name} ${type}\n# HELP ${name} ${escapeHelp(help)}\n`, `${this.path}.part${part++}`);
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
    write(events) {
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
        if (this.closed)
            return;
        this.closed = true;
        if (this.events === 0) {
            for (const f of this.families)
                for (const part of [f.total, f.bucket, f.sum, f.count])
                    part?.discard();
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
        const parts = this.families.flatMap((f) => [f.total, f.bucket, f.sum, f.count].filter((p) => p !== undefined));
        const tmp = `${this.path}.tmp`;
        const out = (0,external_node_fs_namespaceObject.openSync)(tmp, 'w');
        try {
            const buffer = Buffer.allocUnsafe(COPY_BYTES);
            for (const part of parts)
                part.copyTo(out, buffer);
            (0,external_node_fs_namespaceObject.writeSync)(out, '# EOF\n');
            (0,external_node_fs_namespaceObject.fsyncSync)(out);
        }
        catch (err) {
            for (const part of parts)
                part.discard();
            (0,external_node_fs_namespaceObject.closeSync)(out);
            (0,external_node_fs_namespaceObject.rmSync)(tmp, { force: true });
            throw err;
        }
        (0,external_node_fs_namespaceObject.closeSync)(out);
        // Renamed whole, so that no one backfills half a file.
        (0,external_node_fs_namespaceObject.renameSync)(tmp, this.path);
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
            labels = prometheusLabels(attributes, this.resource)
                .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
                .join(',');
            this.labelCache.set(attrsKey, labels);
        }
        return labels;
    }
    emit(s, seconds) {
        const f = s.families;
        const at = ` ${seconds}\n`;
        if (f.total !== undefined) {
            f.total.append(`${f.name}{${s.labels}} ${formatValue(s.sum)}${at}`);
            return;
        }
        const buckets = s.buckets;
        const prefix = `${f.name}_bucket{${s.labels}${s.labels === '' ? '' : ','}le="`;
        let cumulative = 0;
        BOUND_LABELS.forEach((le, i) => {
            cumulative += buckets[i] ?? 0;
            f.bucket.append(`${prefix}${le}"} ${cumulative}${at}`);
        });
        f.bucket.append(`${prefix}+Inf"} ${s.count}${at}`);
        f.sum.append(`${f.name}_sum{${s.labels}} ${formatValue(s.sum)}${at}`);
        f.count.append(`${f.name}_count{${s.labels}} ${s.count}${at}`);
    }
}
/** OpenMetrics label value escaping: backslash, double quote and line feed. */
function escapeLabelValue(value) {
    return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
function escapeHelp(text) {
    return escapeLabelValue(text);
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
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/logs/protobuf/response-deserializer.mjs

//#region src/logs/protobuf/response-deserializer.ts
/**
* Parse an ExportLogsPartialSuccess embedded message from raw bytes.
*
* Field map (opentelemetry/proto/collector/logs/v1/logs_service.proto):
*   1  rejected_log_records  int64   (varint)
*   2  error_message         string  (length-delimited)
*/
function response_deserializer_deserializePartialSuccess(data) {
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
                        startSeconds: p.epochSeconds - 1,
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
            dataPoints: sorted.map((p) => ({ ...times(p), attributes: p.attributes, value: p.sum })),
        };
    }
    return {
        descriptor,
        aggregationTemporality,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: sorted.map((p) => {
            const h = p.histogram;
            return {
                ...times(p),
                attributes: p.attributes,
                value: {
                    buckets: { boundaries: [...DEFAULT_BOUNDARIES], counts: h.bucketCounts },
                    count: h.count,
                    sum: h.sum,
                    min: h.min,
                    max: h.max,
                },
            };
        }),
    };
}
function times(p) {
    return { startTime: [p.startSeconds ?? p.epochSeconds - 1, 0], endTime: [p.epochSeconds, 0] };
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
    write(events) {
        if (events.length === 0)
            return;
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
        if (this.fd === undefined)
            return;
        (0,external_node_fs_namespaceObject.fsyncSync)(this.fd);
        (0,external_node_fs_namespaceObject.closeSync)(this.fd);
        this.fd = undefined;
    }
    open() {
        (0,external_node_fs_namespaceObject.mkdirSync)(this.dir, { recursive: true });
        this.fd = (0,external_node_fs_namespaceObject.openSync)(this.path, 'w');
        return this.fd;
    }
}

;// CONCATENATED MODULE: ./src/progress/recorder.ts


/**
 * The one place a run writes what happened to its events, each call one short transaction, so
 * that tokf's writes wait at most that long and a crash loses at most the request in flight:
 * - acknowledged: the events are delivered, no longer set aside, their cumulative series have
 *   reached the totals sent, and the lock shows we live;
 * - set aside: the events are skipped by later runs, with why, until they are asked for again.
 */
class ProgressRecorder {
    db;
    store;
    deadLetters;
    lock;
    now;
    series;
    /** Time spent in the write transactions, in ms. */
    recordMs = 0;
    constructor(db, store, deadLetters, lock, now, series) {
        this.db = db;
        this.store = store;
        this.deadLetters = deadLetters;
        this.lock = lock;
        this.now = now;
        this.series = series;
    }
    /** Throws when the database refuses the write: the events then stay pending. */
    acknowledged(events, totals) {
        this.write('record delivered events', (at) => {
            this.store.markDelivered(coverage(events), at);
            this.deadLetters.forget(events.map((e) => e.id));
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
    write(what, work) {
        const at = new Date(this.now());
        const started = performance.now();
        try {
            transaction_inWriteTransaction(this.db, what, () => {
                work(at);
                this.lock.refresh(at.getTime());
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
            this.parts.setAside(old.map((e) => e.id), `older than max-age; exported to ${file} only`);
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
        // Bad data, now set aside, tells nothing of the horizon.
        if (outcome.kind === 'acknowledged')
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

;// CONCATENATED MODULE: ./src/engine/delivery.ts




/** What an encoded body becomes once its compressed form is ready (see compress). */
const RELEASED = new Uint8Array(0);
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
        requests: 0,
        failedRequests: 0,
        retries: 0,
        bytesSent: 0,
    };
    stopped = false;
    consecutiveRefusals = 0;
    /** Wire bodies started ahead of their turn, by request. */
    wires = new WeakMap();
    /** Batches prepared and not yet started, in order. */
    queued = [];
    /** Whether the request being delivered was acknowledged as encoded, not split or refused. */
    wholeAck = false;
    current;
    constructor(parts) {
        this.parts = parts;
    }
    /**
     * The job that sends a batch, for the pipeline. The batch is encoded and its compression started
     * now, while earlier batches are still being sent.
     */
    prepare(batch) {
        const job = { batch, requests: this.encodeBatch(batch, this.parts.encodeAhead) };
        this.queued.push(job);
        return async () => {
            this.queued.shift();
            const requests = job.requests;
            for (let i = 0; i < requests.length; i += 1) {
                if (this.stopped)
                    return;
                const request = requests[i];
                this.wholeAck = false;
                if ((await this.deliver(request)) === 'stop')
                    return;
                if (this.wholeAck || this.parts.speculationLost === undefined)
                    continue;
                // What follows assumed this request's totals: encode it again from what was recorded.
                this.parts.speculationLost();
                const rest = requests.slice(i + 1).flatMap((r) => r.events);
                if (rest.length > 0)
                    requests.splice(i + 1, Infinity, ...this.reencode(rest));
                for (const later of this.queued)
                    later.requests = this.reencode(later.batch);
            }
        };
    }
    /** Encodes a batch and starts compressing it. A request never sent leaves no rejection behind. */
    encodeBatch(batch, encode) {
        const requests = encode(batch);
        this.parts.encoded(requests);
        this.compress(requests);
        return requests;
    }
    /** Encoded again after a speculation was lost: counted once already, as first encoded. */
    reencode(events) {
        const requests = this.parts.encodeAhead(events);
        this.compress(requests);
        return requests;
    }
    compress(requests) {
        // Once sending stopped, no job waits on these: compressing them would only hold their bodies.
        if (this.stopped)
            return;
        for (const r of requests) {
            const wire = this.parts.exporter.wireBody(r.body).then((body) => {
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
    /** Sends nothing more in this run. */
    stop() {
        this.stopped = true;
    }
    async deliver(request) {
        if (this.stopped)
            return 'stop';
        this.current = request;
        const verdict = await sendIsolating(request, {
            send: (r) => this.send(r),
            encode: this.parts.encode,
            settle: (r, outcome) => this.settled(this.settle(r, outcome)),
            timeOf: (e) => e.epochSeconds ?? 0,
            seriesOf: seriesOfEvent,
            tooOld: (events, refusal) => this.settled(this.tooOld(events, refusal)),
            splitting: (r, refusal) => this.parts.log(`${describeOutcome(refusal)} for ${r.events.length} events; splitting the request to find the refused ones`),
        });
        if (verdict === 'stop')
            this.stopped = true;
        return verdict;
    }
    settled(verdict) {
        this.parts.progressed?.();
        return verdict;
    }
    async send(request) {
        const outcome = await this.parts.exporter.send(request.body, this.wires.get(request));
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
            case 'interrupted':
                // The run reports the interruption once, with every event it leaves pending.
                if (outcome.attempts > 0)
                    this.stats.failedRequests += 1;
                return 'stop';
            case 'retries-exhausted':
            case 'failed':
                this.stats.failedRequests += 1;
                this.failed('send-failed', request.events, describeOutcome(outcome));
                return 'stop';
        }
    }
    acknowledged(request, outcome) {
        try {
            this.parts.recorder.acknowledged(request.events, request.totals);
        }
        catch (err) {
            this.failed('record-failed', request.events, messageOf(err));
            return 'stop';
        }
        this.parts.acknowledged(request);
        this.consecutiveRefusals = 0;
        this.stats.deliveredEvents += request.events.length;
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
    refused(events, refusal) {
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
        this.consecutiveRefusals += 1;
        const max = this.parts.maxConsecutiveRefusals;
        if (this.consecutiveRefusals < max)
            return 'continue';
        this.parts.notices.error({ kind: 'circuit-breaker', count: max, firstId: events[0]?.id });
        return 'stop';
    }
    /**
     * Events older than the endpoint's horizon are not refused data: they are not counted by the
     * circuit breaker, and the events after them are still sent. With a file holding them they are
     * set aside (so later runs do not try again); without one they stay pending, and the run says
     * how to keep them.
     */
    tooOld(events, refusal) {
        const said = describeOutcome(refusal);
        const file = this.parts.allFile;
        const firstId = events[0]?.id;
        if (file === undefined) {
            this.stats.tooOldUnsent += events.length;
            this.parts.notices.error({
                kind: 'too-old-unsent',
                count: events.length,
                firstId,
                message: said,
            });
            return 'continue';
        }
        try {
            this.parts.recorder.setAside(events.map((e) => e.id), { reason: `too old for this endpoint (${said}); kept in ${file}`, status: refusal.status });
        }
        catch (err) {
            this.failed('record-failed', events, `${said}; recording that failed: ${messageOf(err)}`);
            return 'stop';
        }
        this.stats.tooOldForEndpoint += events.length;
        this.parts.notices.warning({
            kind: 'too-old-for-endpoint',
            count: events.length,
            firstId,
            message: said,
            file,
            setAside: true,
        });
        return 'continue';
    }
    failed(kind, events, message) {
        this.parts.notices.error({ kind, count: events.length, firstId: events[0]?.id, message });
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

;// CONCATENATED MODULE: ./src/engine/replay-encoder.ts




/**
 * Turns a replay's batches into requests for its signal. Cumulative metrics continue each series
 * from its totals: those acknowledged (`encode`), or those of the requests encoded ahead of their
 * acknowledgement (`encodeAhead`), which Delivery throws away (`speculationLost`) when a request
 * is not acknowledged whole.
 */
class ReplayEncoder {
    config;
    signal;
    db;
    now;
    ledger;
    /** Cumulative: the totals of requests encoded ahead of their acknowledgement. */
    projected = new Map();
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
    /** Cumulative points continue from the totals acknowledged so far (see Delivery). */
    encode(events) {
        return this.encodeOver(events, this.ledger);
    }
    /**
     * Cumulative points continue from the totals of the requests encoded before, acknowledged or
     * not; Delivery encodes again what follows a request that was not acknowledged whole.
     */
    encodeAhead(events) {
        if (this.ledger === undefined)
            return this.encode(events);
        const requests = this.encodeOver(events, overlay(this.ledger, this.projected));
        for (const r of requests)
            for (const [key, totals] of r.totals ?? [])
                this.projected.set(key, totals);
        return requests;
    }
    /** The requests encoded ahead will be encoded again from the acknowledged totals. */
    speculationLost() {
        this.projected.clear();
    }
    acknowledged(request) {
        if (this.ledger === undefined || request.totals === undefined)
            return;
        for (const [key, totals] of request.totals)
            this.ledger.set(key, totals);
    }
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

;// CONCATENATED MODULE: ./src/engine/redact.ts
/** Replaces every occurrence of each secret with `***`, longest first so none leaks in part. */
function redact(text, secrets) {
    let out = text;
    for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
        if (s.length > 0)
            out = out.split(s).join('***');
    }
    return out;
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
    const allSent = delivered === selection.selected - observed.tooOld - (stats?.tooOldForEndpoint ?? 0) &&
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
    const selectedSetAside = (stats?.refusedEvents ?? 0) + (stats?.tooOldForEndpoint ?? 0) + maxAgeSetAside;
    const secrets = config.endpoint?.secrets ?? [];
    const clean = (n) => n.message === null ? n : { ...n, message: redact(n.message, secrets) };
    return {
        status,
        exitCode: status === 'partial' || status === 'failed' ? 1 : 0,
        database: config.dbPath,
        progress: f.progressMode,
        endpoint: config.endpoint === undefined ? null : displayEndpoint(config.endpoint.url),
        protocol: config.protocol,
        compression: config.compression,
        dryRun: config.dryRun,
        selected: selection.selected,
        delivered,
        refusedEvents: stats?.refusedEvents ?? 0,
        rejectedPoints: stats?.rejectedPoints ?? 0,
        selectedSetAside,
        selectedPending: status === 'dry-run' || status === 'exported'
            ? selection.selected
            : selection.selected - delivered - selectedSetAside,
        tooOld: observed.tooOld,
        tooOldForEndpoint: (stats?.tooOldForEndpoint ?? 0) + (stats?.tooOldUnsent ?? 0),
        pending: f.counts.pending,
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

;// CONCATENATED MODULE: ./src/engine/replay.ts

















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
class Replay {
    config;
    deps;
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
    constructor(config, deps, stores, 
    /** Whether this run sends and records (not a dry run, not a file-only export). */
    sending) {
        this.config = config;
        this.deps = deps;
        this.stores = stores;
        this.sending = sending;
        this.observed = new Observed(Math.floor(deps.now() / 1000));
        const { db, progress, deadLetters, lock, series, signal } = stores;
        if (sending)
            this.recorder = new ProgressRecorder(db, progress, deadLetters, lock, deps.now, series);
        // Cumulative totals continue from what the database records as acknowledged.
        const ledger = sending && config.temporality === 'cumulative' ? series.load() : undefined;
        this.encoder = new ReplayEncoder(config, signal, db, deps.now, ledger);
        this.ageLimits = new AgeLimits({
            config,
            now: deps.now,
            notices: this.notices,
            observed: this.observed,
            recording: this.recorder !== undefined,
            setAside: (ids, reason) => this.setAside(ids, reason),
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
                encode: (events) => this.encoder.encode(events),
                encodeAhead: (events) => this.encoder.encodeAhead(events),
                speculationLost: this.encoder.cumulative
                    ? () => this.encoder.speculationLost()
                    : undefined,
                encoded: (requests) => this.observed.encoded(requests),
                acknowledged: (request) => {
                    this.observed.acknowledged(request.events);
                    this.encoder.acknowledged(request);
                },
                refusedFile: files?.refused,
                allFile: files?.all.path,
                notices: this.notices,
                maxConsecutiveRefusals: this.config.maxConsecutiveFailures,
                log: this.deps.log,
                progressed: () => this.reportProgress(delivery),
            });
        const { signal } = this.deps;
        const interrupt = () => delivery?.stop();
        signal?.addEventListener('abort', interrupt, { once: true });
        const pipeline = new OrderedPipeline();
        this.total = this.deps.progress === undefined ? undefined : this.estimateTotal();
        this.reportProgress(delivery);
        await letNewestSecondEnd(this.stores.db, this.deps.now, this.deps.sleep);
        try {
            for (const batch of batchEvents(this.selected(), this.config.batchSize)) {
                // Interrupted: the batches read so far are settled; nothing more is read.
                if (signal?.aborted === true)
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
            // A page that cannot be read (a damaged file) ends the run; what was recorded stands.
            delivery?.stop();
            this.notices.error({ kind: 'read-failed', count: 0, message: messageOf(err) });
        }
        finally {
            // Batches already handed to the sender finish (or stop) before anything is closed.
            const failure = await pipeline.drain();
            if (failure !== undefined)
                this.notices.error({ kind: 'unexpected', count: 0, message: messageOf(failure) });
            this.recordSkipped();
            files?.all.close();
            files?.refused.close();
            this.closeBackfill(backfill);
            exporter?.close();
            signal?.removeEventListener('abort', interrupt);
        }
        const interrupted = signal?.aborted === true;
        if (interrupted)
            this.noteInterruption(delivery);
        this.setAside(this.unreadableIds, 'the timestamp is not a time, so the event cannot be replayed');
        return runResult({
            config: this.config,
            progressMode: this.stores.progress.hasRecords() ? this.stores.progress.mode : 'none',
            observed: this.observed,
            counts: this.countAfter(),
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
    /** The selected events an interruption left pending, as one error. */
    noteInterruption(delivery) {
        const s = delivery?.stats;
        const settled = s === undefined
            ? 0
            : s.deliveredEvents + s.refusedEvents + s.tooOldForEndpoint + this.observed.tooOld;
        this.notices.error({
            kind: 'interrupted',
            count: Math.max(0, this.observed.selection.selected - settled),
        });
    }
    /** For the progress display: about how many events the run will select, if that is cheap to know. */
    estimateTotal() {
        const { config, stores } = this;
        if (config.since !== undefined || config.until !== undefined || config.fromId !== undefined)
            return undefined;
        try {
            let n = stores.progress.countPending();
            if (!config.retryRejected)
                n -= stores.deadLetters.count();
            n = Math.max(0, n);
            return config.limit === undefined ? n : Math.min(n, config.limit);
        }
        catch {
            return undefined; // the scan reports what is wrong with the database
        }
    }
    reportProgress(delivery) {
        const { progress } = this.deps;
        if (progress === undefined)
            return;
        const s = delivery?.stats;
        const done = s === undefined
            ? this.observed.selection.selected
            : s.deliveredEvents +
                s.refusedEvents +
                s.tooOldForEndpoint +
                s.tooOldUnsent +
                this.observed.tooOld;
        progress({
            kind: 'events',
            done,
            delivered: s?.deliveredEvents ?? 0,
            total: this.total === undefined ? undefined : Math.max(this.total, done),
            sending: s !== undefined,
        });
    }
    /** The backfill is written whole at the end; a failure there must not undo what was sent. */
    closeBackfill(backfill) {
        try {
            backfill?.close();
        }
        catch (err) {
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
            ...(!config.retryRejected && { rejected: stores.deadLetters.ids() }),
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
            this.notices.error({
                kind: 'skip-failed',
                count: events.length,
                firstId: events[0]?.id,
                message: messageOf(err),
            });
        }
    }
    setAside(ids, reason) {
        if (this.recorder === undefined || ids.length === 0)
            return;
        try {
            this.recorder.setAside(ids, { reason, status: null });
        }
        catch (err) {
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
        const { now } = this.deps;
        return {
            // Replaced by the first batch written: a run with nothing to send leaves an earlier run's file.
            all: new OtlpJsonLinesWriter(dir, resource, `${signal}.jsonl`, signal, now),
            refused: new OtlpJsonLinesWriter(dir, resource, `rejected-${signal}.jsonl`, signal, now),
        };
    }
    exporter() {
        const { config, deps } = this;
        if (config.endpoint === undefined)
            return undefined;
        return new OtlpExporter({
            endpoint: config.endpoint,
            protocol: config.protocol,
            compression: config.compression,
            timeoutMs: config.timeoutMs,
            userAgent: deps.userAgent,
            now: deps.now,
            policy: { ...DEFAULT_RETRY_POLICY, budgetMs: config.retryBudgetMs, ...deps.retryPolicy },
            ...(deps.signal !== undefined && { signal: deps.signal }),
            ...(deps.progress !== undefined && {
                onRetry: (wait) => deps.progress?.({ kind: 'retry', ...wait }),
            }),
            ...(deps.sleep !== undefined && { sleep: deps.sleep }),
            ...(deps.transport !== undefined && { transport: deps.transport }),
        });
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
            this.notices.error({ kind: 'count-failed', count: 0, message: messageOf(err) });
            return { pending: -1, setAside: -1 };
        }
    }
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
 * `signals`, and the run's status (the worst), errors and warnings (each marked with its signal).
 */
function mergeSignalResults(runs, durationMs) {
    const first = runs[0];
    if (first === undefined)
        throw new Error('a sync runs at least one signal');
    const mark = (signal) => (n) => signal === 'metrics' ? n : { ...n, signal };
    const statuses = runs.map((r) => r.result.status);
    const bad = statuses.filter((s) => s === 'failed' || s === 'partial');
    const status = bad.length === 0
        ? first.result.status
        : bad.length === statuses.length && bad.every((s) => s === 'failed')
            ? 'failed'
            : 'partial';
    return {
        ...first.result,
        status,
        exitCode: status === 'failed' || status === 'partial' ? 1 : 0,
        errors: runs.flatMap((r) => r.result.errors.map(mark(r.signal))),
        warnings: runs.flatMap((r) => r.result.warnings.map(mark(r.signal))),
        interrupted: runs.some((r) => r.result.interrupted),
        durationMs,
        signals: runs.map((r) => summary(r.signal, r.result)),
    };
}

;// CONCATENATED MODULE: ./src/engine/sync.ts















/** How long a sync waits for another one on the same database before refusing. */
const LOCK_WAIT_MS = 10_000;
/**
 * One replay of a database: opens it, takes the sync lock when anything will be recorded, and
 * runs the replay (see Replay). Throws UsageError, DatabaseError or SyncBusyError only before
 * anything is sent; everything after that is in the result.
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
        const replayAll = async () => {
            const results = [];
            for (const run of runs) {
                // Interrupted: the signals not begun stay pending.
                if (results.length > 0 && deps.signal?.aborted === true)
                    break;
                const replay = new Replay(run.config, deps, run.stores, sending);
                results.push({ signal: run.signal, result: await replay.run(deps.now()) });
            }
            return mergeSignalResults(results, deps.now() - started);
        };
        if (!sending)
            return await replayAll();
        // Before anything is sent: that progress can be recorded, and that no other sync is running.
        for (const { stores } of runs) {
            stores.progress.prepareForWriting();
            stores.deadLetters.prepareForWriting();
        }
        if (config.temporality === 'cumulative' && config.signals.includes('metrics'))
            series.prepareForWriting();
        const sleep = deps.sleep ?? promises_namespaceObject.setTimeout;
        await lock.acquire({ waitMs: deps.lockWaitMs ?? LOCK_WAIT_MS, now: deps.now, sleep });
        try {
            const result = await replayAll();
            logRun(db, result, started, deps);
            return result;
        }
        finally {
            lock.release();
        }
    }
    finally {
        db.close();
    }
}
/**
 * A signal's stores. Metrics keep the tables (or tokf's synced_to_otel_at column) they always
 * had; logs and traces have ranges and dead-letter tables of their own.
 */
function signalStores(db, schema, signal, lock, series) {
    const progress = signal === 'metrics' && schema.hasSyncedColumn
        ? new column_store_ColumnProgressStore(db)
        : new ranges_store_RangesProgressStore(db, ranges_store_rangesTable(signal));
    const deadLetters = new dead_letters_DeadLetters(db, dead_letters_rejectedTable(signal));
    return { db, progress, deadLetters, lock, series, columns: schema.columns, signal };
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
    return db
        .prepare(`SELECT reason, status, count(*) AS n, max(rejected_at) AS last_at FROM ${rejectedTable}
        GROUP BY reason, status ORDER BY n DESC, reason`)
        .all()
        .map((r) => ({
        reason: String(r.reason),
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
        ? `SELECT max(delivered_at) AS at FROM ${ranges_store_RANGES_TABLE}`
        : `SELECT max(${events_schema_SYNCED_COLUMN}) AS at FROM events`;
    const at = db.prepare(sql).get()?.at;
    return at == null ? undefined : String(at);
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
        const schema = events_schema_readEventsSchema(db, dbPath);
        const store = schema.hasSyncedColumn
            ? new column_store_ColumnProgressStore(db)
            : new ranges_store_RangesProgressStore(db);
        const counts = countProgress(db, store);
        const lastSync = lastRun(db) ?? null;
        const groups = setAsideGroups(db).map((g) => ({ kind: kindOf(g.reason), ...g }));
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
                ...otherSignals(db),
            ],
        };
    }
    finally {
        db.close();
    }
}
/** Logs' and traces' progress, where a run has recorded any. */
function otherSignals(db) {
    const signals = ['logs', 'traces'].filter((s) => run_log_tableExists(db, ranges_store_rangesTable(s)) || run_log_tableExists(db, dead_letters_rejectedTable(s)));
    return signals.map((signal) => {
        const store = new ranges_store_RangesProgressStore(db, ranges_store_rangesTable(signal));
        const counts = countProgress(db, store, dead_letters_rejectedTable(signal));
        const setAside = setAsideGroups(db, dead_letters_rejectedTable(signal)).reduce((n, g) => n + g.count, 0);
        return { signal, delivered: counts.delivered, pending: counts.pending, setAside };
    });
}
/** The reasons the engine writes (replay.ts, delivery.ts), sorted into what a person asks about. */
function kindOf(reason) {
    if (/^older than max-age|^too old for this endpoint/.test(reason))
        return 'too-old';
    if (/^the timestamp is not a time/.test(reason))
        return 'unreadable';
    return 'refused';
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






/** Every signal's progress counts: a sync of logs alone changes the database too. */
const fingerprint_SIGNALS = (/* unused pure expression or super */ null && (['metrics', 'logs', 'traces']));
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
        for (const signal of fingerprint_SIGNALS) {
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
    const store = plan.targetSynced
        ? new ColumnProgressStore(db)
        : new RangesProgressStore(db);
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
    store.markDelivered(singleRanges(nowDelivered), at);
    const setAside = mergeRejected(db, 'metrics');
    for (const signal of OTHER_SIGNALS)
        mergeSignal(db, signal, at);
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
    store.markDelivered(singleRanges(delivered), at);
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
    const synced = signal === 'metrics' && columnExists(db, 'main', SYNCED_COLUMN);
    const delivered = deliveredExpr('main', synced, 'event_id', db, rangesTable(signal));
    db.exec(`DELETE FROM main.${table} WHERE ${delivered}`);
    return Math.max(0, count(db, `SELECT count(*) AS n FROM main.${table}`) - before);
}
/** The signals besides metrics, whose progress is always in ranges tables of their own. */
const OTHER_SIGNALS = (/* unused pure expression or super */ null && (['logs', 'traces']));
/**
 * A signal's progress after metrics': delivered if either copy acknowledged the event as that
 * signal, set aside if either set it aside and neither delivered it.
 */
function mergeSignal(db, signal, at) {
    const ranges = rangesTable(signal);
    if (tableExists(db, 'src', ranges)) {
        const ids = db
            .prepare(`SELECT m.target_id AS id FROM temp.ts_map m
          WHERE ${inRanges('src', ranges, 'm.source_id')} ORDER BY m.target_id`)
            .all()
            .map((r) => Number(r.id));
        const store = new RangesProgressStore(db, ranges);
        store.prepareForWriting();
        store.markDelivered(singleRanges(ids), at);
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
                   ${synced ? `e.${SYNCED_COLUMN} IS NOT NULL` : deliveredExpr(schema, false, 'e.id', db)} AS delivered
              FROM ${schema}.events e ${segment})`);
    db.exec(`CREATE INDEX temp.${table}_ident ON ${table}(ident)`);
}
/** An SQL condition: the event `idExpr` of `schema` was acknowledged (as metrics by default). */
function deliveredExpr(schema, synced, idExpr, db, ranges = RANGES_TABLE) {
    if (synced) {
        return `coalesce((SELECT x.${SYNCED_COLUMN} IS NOT NULL FROM ${schema}.events x WHERE x.id = ${idExpr}), 0)`;
    }
    return tableExists(db, schema, ranges) ? inRanges(schema, ranges, idExpr) : '0';
}
/** An SQL condition: `idExpr` lies in one of the acknowledged ranges of `schema.table`. */
function inRanges(schema, table, idExpr) {
    return `coalesce((SELECT d.last_id >= ${idExpr} FROM ${schema}.${table} d
                     WHERE d.first_id <= ${idExpr} ORDER BY d.first_id DESC LIMIT 1), 0)`;
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
/**
 * An SQL condition: event `idExpr` of `schema` is pending as `signal`, neither acknowledged nor
 * set aside as that signal.
 */
function pendingAs(db, schema, signal, synced, idExpr) {
    const delivered = deliveredExpr(schema, signal === 'metrics' && synced, idExpr, db, rangesTable(signal));
    const table = rejectedTable(signal);
    const setAside = tableExists(db, schema, table)
        ? `OR EXISTS (SELECT 1 FROM ${schema}.${table} r WHERE r.event_id = ${idExpr})`
        : '';
    return `NOT (${delivered} ${setAside})`;
}
/** An SQL condition: event `idExpr` is pending as at least one of `signals`. */
function pendingAsAny(db, schema, signals, synced, idExpr) {
    return `(${signals.map((s) => pendingAs(db, schema, s, synced, idExpr)).join(' OR ')})`;
}
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
            const store = signal === 'metrics' && schema.hasSyncedColumn
                ? new ColumnProgressStore(db)
                : new RangesProgressStore(db, rangesTable(signal));
            return { store, ids };
        });
        if (marked.size === 0)
            return 0;
        inWriteTransaction(db, 'leave pending events to their own branch', () => {
            for (const { store, ids } of plan) {
                if (ids.length === 0)
                    continue;
                store.prepareForWriting();
                store.markDelivered(singleRanges(ids), now);
            }
        });
        return marked.size;
    }
    finally {
        db.close();
    }
}
function singleRanges(ids) {
    return coalesce(ids.map((id) => ({ first: id, last: id })));
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
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { kind: 'bad', reason: 'not OTLP: not a JSON object' };
    }
    const data = value;
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
    append(rejected) {
        if (!this.ready) {
            (0,external_node_fs_namespaceObject.mkdirSync)((0,external_node_path_namespaceObject.dirname)(this.path), { recursive: true });
            this.ready = true;
        }
        (0,external_node_fs_namespaceObject.appendFileSync)(this.path, `${JSON.stringify(rejected)}\n`);
    }
}

;// CONCATENATED MODULE: ./src/progress/replay-state.ts







/**
 * How long a file's row is kept after a run last matched it to a file (by inode and first line,
 * or by first line alone), unless the file is still where the row says. Long enough for a file
 * rotated away for a while, or left out of the PATH arguments of some runs, to keep its progress.
 */
const FORGET_AFTER_DAYS = 30;
const FORGET_AFTER_MS = FORGET_AFTER_DAYS * 24 * 60 * 60 * 1000;
const TABLE = 'replay_files';
const replay_state_CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${TABLE} (
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
 * The progress of replays of OTLP JSON Lines files, in a small SQLite database of its own: per
 * file, what identifies it and the offset up to which its lines were acknowledged. Each record is
 * one short transaction, committed before the next line is sent.
 */
class ReplayState {
    db;
    constructor(db) {
        this.db = db;
    }
    /** Opens (and creates, unless read-only) the state database. Read-only and absent: empty. */
    static open(path, readOnly) {
        if (readOnly && !(0,external_node_fs_namespaceObject.existsSync)(path))
            return new ReplayState(undefined);
        try {
            if (!readOnly)
                (0,external_node_fs_namespaceObject.mkdirSync)((0,external_node_path_namespaceObject.dirname)(path), { recursive: true });
            const db = new external_node_sqlite_namespaceObject.DatabaseSync(path, { readOnly });
            db.exec('PRAGMA busy_timeout = 5000');
            if (!readOnly) {
                db.exec('PRAGMA journal_mode = WAL');
                db.exec('PRAGMA synchronous = FULL');
                db.exec(replay_state_CREATE_TABLE);
                const columns = db.prepare(`PRAGMA table_info(${TABLE})`).all();
                if (!columns.some((c) => c.name === 'seen_at'))
                    db.exec(`ALTER TABLE ${TABLE} ADD COLUMN seen_at TEXT`);
            }
            return new ReplayState(db);
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
    /**
     * Records that the file's lines up to `offset` are done, in one transaction: what the inode
     * held before (another first line) is forgotten.
     */
    save(id, offset, line, path, at) {
        const db = this.db;
        if (db === undefined)
            throw new DatabaseError('the replay state is open read-only');
        transaction_inWriteTransaction(db, 'record replay progress', () => {
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
async function replayFile(ctx, file) {
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
    const commit = () => {
        if (ctx.send === undefined || done.offset === saved.offset)
            return;
        ctx.state.save(id, done.offset, done.line, file.path, new Date(ctx.now()));
        saved = done;
        report.to = done.offset;
        ctx.onProgress();
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
            report.lines++;
            ctx.totals.lines++;
            const { end, wrote } = await replayLine(ctx, file, raw, lineNo, report);
            // A line is done unless the run stopped on it before it was recorded anywhere.
            if (end === 'next' || wrote)
                done = { offset: raw.end, line: lineNo };
            if (wrote || end === 'stop')
                commit();
            if (end === 'stop')
                return 'stop';
            if (!ctx.send)
                report.to = done.offset;
        }
    }
    catch (err) {
        commit();
        fail(ctx, report, err);
        return 'done';
    }
    if (file.gzip && reached < from)
        return 'short';
    commit();
    return 'done';
}
/** One line: read, filter, cut, send, and where it ends up. `wrote`: progress is worth a commit. */
async function replayLine(ctx, file, raw, lineNo, report) {
    const where = { file: file.path, line: lineNo, offset: raw.start };
    if (raw.bytes === undefined) {
        bad(ctx, report, where, `too large: ${raw.length} bytes, over the ${jsonl_file_MAX_LINE_BYTES / 1048576} MiB a line may have`);
        return { end: 'next', wrote: true };
    }
    const parsed = parseLine(raw.bytes);
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
    if (!ctx.canSend(signal)) {
        stop(ctx, where, `no endpoint for ${signal}: give --endpoint, OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`);
        return { end: 'stop', wrote: false };
    }
    // Sent as it is unless the window cut it or it is over the line limit.
    const pieces = filtered.dropped === 0 && raw.length <= LINE_LIMIT_BYTES
        ? [raw.bytes]
        : splitBySize(signal, filtered.data).map((text) => Buffer.from(text));
    if (pieces.length > 1)
        ctx.totals.splitLines++;
    if (ctx.send === undefined) {
        report.sent++;
        ctx.totals.sentLines++;
        ctx.totals.signals[signal]++;
        return { end: 'next', wrote: false };
    }
    let refused = false;
    for (const piece of pieces) {
        const outcome = await ctx.send(signal, piece);
        ctx.totals.bytesSent += outcome.bytesSent;
        ctx.totals.retries += outcome.attempts - 1;
        if (outcome.attempts > 0)
            ctx.totals.requests++;
        if (outcome.kind === 'acknowledged') {
            ctx.totals.rejectedRecords += outcome.rejectedPoints;
            ctx.consecutiveRefusals = 0;
            continue;
        }
        if (outcome.kind === 'bad-data' || outcome.kind === 'too-old') {
            refused = true;
            ctx.rejects?.append({
                ...where,
                reason: `refused: ${describeOutcome(outcome)}`,
                status: outcome.status,
                text: piece.toString('utf8'),
            });
            continue;
        }
        stop(ctx, where, describeOutcome(outcome));
        return { end: 'stop', wrote: false };
    }
    if (refused) {
        report.refused++;
        ctx.totals.refusedLines++;
        problem(ctx, {
            file: file.path,
            line: lineNo,
            kind: 'refused',
            reason: 'refused by the endpoint',
        });
        ctx.consecutiveRefusals++;
        if (ctx.consecutiveRefusals >= ctx.maxConsecutiveFailures) {
            // This line is set aside (in the rejects file) like the ones before it; the rest wait.
            const reason = `${ctx.consecutiveRefusals} lines in a row were refused; stopping (--max-consecutive-failures)`;
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

;// CONCATENATED MODULE: ./src/engine/jsonl-run.ts













/** How long a replay waits for another one on the same state database before refusing. */
const jsonl_run_LOCK_WAIT_MS = 10_000;
/** How often a long replay shows the lock it holds is alive. */
const HEARTBEAT_MS = 30_000;
/**
 * One replay of OTLP JSON Lines files: each line, in file order, to its signal's endpoint as it
 * is, the offset up to which lines were acknowledged recorded per file after each line. Throws
 * UsageError, DatabaseError or SyncBusyError only before anything is sent.
 */
async function runReplayFiles(config, deps) {
    const started = deps.now();
    // The run's own rejects file is never a source, even in a directory it reads.
    const files = discoverFiles(config.paths).filter((file) => (0,external_node_path_namespaceObject.resolve)(file.path) !== (0,external_node_path_namespaceObject.resolve)(config.rejectsPath));
    const sending = !config.dryRun;
    const state = ReplayState.open(config.statePath, !sending);
    const lock = sending && state.db !== undefined ? new SyncLock(state.db) : undefined;
    const exporters = new Map();
    const totals = emptyResult(config);
    try {
        const sleep = deps.sleep ?? promises_namespaceObject.setTimeout;
        await lock?.acquire({ waitMs: jsonl_run_LOCK_WAIT_MS, now: deps.now, sleep });
        let beat = deps.now();
        const exporter = (signal) => {
            let found = exporters.get(signal);
            if (found === undefined) {
                found = new OtlpExporter({
                    endpoint: config.endpoints[signal],
                    protocol: 'http/json',
                    compression: config.compression,
                    timeoutMs: config.timeoutMs,
                    userAgent: deps.userAgent,
                    policy: { ...DEFAULT_RETRY_POLICY, budgetMs: config.retryBudgetMs, ...deps.retryPolicy },
                    now: deps.now,
                    ...(deps.sleep !== undefined && { sleep: deps.sleep }),
                    ...(deps.transport !== undefined && { transport: deps.transport }),
                });
                exporters.set(signal, found);
            }
            return found;
        };
        const ctx = {
            state,
            rejects: sending ? new RejectsFile(config.rejectsPath) : undefined,
            window: windowOf(config.since, config.until),
            send: sending ? (signal, body) => exporter(signal).send(body) : undefined,
            canSend: (signal) => !sending || config.endpoints[signal] !== undefined,
            maxConsecutiveFailures: config.maxConsecutiveFailures,
            totals,
            now: deps.now,
            log: deps.log,
            onProgress: () => {
                if (deps.now() - beat < HEARTBEAT_MS)
                    return;
                beat = deps.now();
                lock?.refresh(beat);
            },
            consecutiveRefusals: 0,
            met: [],
        };
        for (const file of files)
            if (!(await replayFile(ctx, file)))
                break;
        if (sending) {
            const at = new Date(deps.now());
            state.seen(ctx.met, at);
            // After a stop, the files not reached were not met: their rows must not look abandoned.
            if (totals.stopped === null) {
                const forgotten = state.prune(at);
                if (forgotten > 0)
                    deps.log(`forgot ${plural(forgotten, 'file')} no run has met for ${FORGET_AFTER_DAYS} days, no longer at the path recorded`);
            }
        }
    }
    finally {
        for (const e of exporters.values())
            e.close();
        lock?.release();
        state.close();
    }
    return finish(totals, deps.now() - started);
}
function emptyResult(config) {
    const endpoints = {};
    for (const signal of SIGNALS) {
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
        rejectedRecords: 0,
        problems: [],
        problemsOmitted: 0,
        warnings: [...config.warnings],
        stopped: null,
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

;// CONCATENATED MODULE: ./src/version.ts
/** Kept equal to package.json's version by a test. */
const version_VERSION = '0.1.0';
const USER_AGENT = `telemetry-sync/${version_VERSION}`;

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

Sends files of OTLP JSON Lines (one MetricsData, LogsData or TracesData object per line, plain or
.gz) to an OTLP/HTTP endpoint, each line as it is (application/json) to its signal's path
(v1/metrics, v1/logs, v1/traces), and records per file the byte offset up to which lines were
acknowledged, so that the next run sends only what was appended since. A directory takes its
*.jsonl and *.jsonl.gz files, rotated siblings (name-<time>.jsonl) oldest first, name.jsonl last.
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
        const shown = shownDefault(spec);
        const help = REPLAY_HELP[key] ?? spec.help;
        const text = help + (shown === undefined ? '' : ` (default ${shown})`);
        return help_format_option(flagUsage(spec), text);
    });
    lines.push(...help_format_option('--json', 'print the result as one JSON object on stdout'));
    lines.push(...help_format_option('-h, --help', 'this help'));
    return `${INTRO}\nOptions\n${lines.join('\n')}\n\n${OUTRO}`;
}

;// CONCATENATED MODULE: ./src/cli/replay-main.ts





/**
 * `telemetry-sync replay`: exit 0 all delivered, 1 something set aside or unsent. Usage, database
 * and busy errors are thrown to main, so that they are reported (with --json, on stdout too) and
 * exit as those of `sync` do.
 */
async function runReplayCommand(command) {
    if (command.kind === 'replay-help') {
        process.stdout.write(replayHelp());
        return 0;
    }
    const config = buildReplayConfig(command.settings, command.paths, process.env, Date.now());
    const result = await runReplayFiles(config, {
        now: Date.now,
        log: (line) => process.stderr.write(`telemetry-sync: ${line}\n`),
        userAgent: USER_AGENT,
    });
    process.stderr.write(formatReplaySummary(result));
    if (command.json)
        process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.exitCode;
}

;// CONCATENATED MODULE: ./src/cli/help.ts



const MAIN_HELP = `telemetry-sync: replay tokf's tracking database to an OpenTelemetry OTLP/HTTP endpoint

Usage:
  telemetry-sync sync [options]     deliver pending events (see: telemetry-sync sync --help)
  telemetry-sync status [--db PATH] [--json]
                                    what is pending, delivered and set aside, the last sync, and
                                    whether one is running; reads the database only, sends nothing
  telemetry-sync replay PATH... [options]
                                    send files of OTLP JSON Lines, each line once (see:
                                    telemetry-sync replay --help)
  telemetry-sync --help | --version

Exit codes: 0 all selected events delivered (or dry run / file export); 1 some could not be
delivered (they stay pending or were set aside as rejected), or another sync holds the database;
2 bad usage or unreadable database, nothing changed.
`;
const STATUS_HELP = `Usage: telemetry-sync status [--db PATH] [--json]

Where a tokf tracking database stands: the pending events (how many, the first and last), the
delivered ones, those set aside (too old, refused by an endpoint) by reason, the last sync (when,
what it did) and whether a sync holds the database now. The database is opened read-only: a
read-only file will do, nothing is sent or changed.

  --db PATH                   tracking database (default: tokf's own rules, as for sync)
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
        lines.push(`             ${words_count(g.count)}  ${status}${g.reason} (last ${g.lastAt})`);
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
        ...(a.tooOld > 0 ? [`${words_count(a.tooOld)} too old (in an OTLP/JSON file only)`] : []),
        ...(a.refused > 0 ? [`${words_count(a.refused)} refused by the endpoint`] : []),
        ...(a.unreadable > 0 ? [`${words_count(a.unreadable)} with a timestamp that is not a time`] : []),
    ];
    const retry = a.refused + a.unreadable > 0 ? '; --retry-rejected sends them again' : '';
    return `${plural(a.count, 'event')}: ${parts.join(', ')}${retry}`;
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
        case 'count-failed':
            return `counting pending events failed${said}`;
        case 'set-aside-failed':
            return `could not set aside ${events}${from}${said}; they stay pending`;
        case 'skip-failed':
            return `could not record ${events} of tokf's built-in commands as skipped${from}${said}; they stay pending`;
        case 'interrupted':
            return `interrupted: sending stopped and what was acknowledged is recorded; ${n.count} selected ${one ? 'event stays' : 'events stay'} pending for the next run`;
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
        case 'refused':
            return `${events} ${were} refused and set aside as rejected (${n.message ?? 'refused'}); --retry-rejected sends them again`;
        case 'partial-success':
            return `the endpoint accepted a request but rejected ${plural(n.count, 'data point')} of it${said}`;
        case 'too-old':
            return n.file !== undefined
                ? `${events} older than max-age ${were} not sent, only written to ${n.file}`
                : `${events} older than max-age ${were} not sent and stay pending; give an OTLP/JSON output directory to export them`;
        case 'unreadable-time':
            return `${plural(n.count, 'pending event')} ${one ? 'has' : 'have'} a timestamp that is not a time and cannot be replayed${n.setAside ? `; ${one ? 'it was' : 'they were'} set aside as rejected` : ''}`;
        case 'skipped-rejected':
            return `${events} set aside as rejected by earlier runs ${were} skipped (--retry-rejected sends them again)`;
        case 'clock-future':
            return `${events} ${are} stamped more than ${FUTURE_TOLERANCE_S / 60} minutes in the future${from}; the clock of the machine that recorded them may be wrong`;
        case 'clock-backwards':
            return `${events} ${are} stamped earlier than an event recorded before them${from}; the recording clock went backwards`;
    }
}

;// CONCATENATED MODULE: ./src/report/text-summary.ts


/** The human summary the CLI prints on stderr. */
function formatTextSummary(r) {
    const lines = [`telemetry-sync: ${headline(r)}`];
    lines.push(`  events    ${words_count(r.selected)} selected, ${words_count(r.delivered)} delivered, ${words_count(r.pending)} still pending` +
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
function headline(r) {
    switch (r.status) {
        case 'dry-run':
            return `dry run: ${plural(r.selected, 'event')} would be sent${r.endpoint ? ` to ${r.endpoint}` : ''}; nothing was sent or changed`;
        case 'exported':
            return `wrote ${plural(r.exported, 'event')} to ${r.otlpJsonFile}; no endpoint, nothing marked delivered`;
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
    const t = r.tokens;
    if (t.events === 0)
        return undefined;
    const line = `${words_count(t.saved)} saved (${words_count(t.input)} in, ${words_count(t.output)} out) by ${plural(t.events, 'event')}`;
    const d = r.deliveredTokens;
    if (r.requests === 0 || d.events === 0 || d.events === t.events)
        return line;
    return `${line}; the ${words_count(d.events)} delivered saved ${words_count(d.saved)}`;
}
/** What became of the selected events that were not delivered, adding up to them. */
function rest(r) {
    const parts = [
        `${words_count(r.selectedPending)} ${r.selectedPending === 1 ? 'stays' : 'stay'} pending`,
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
 * without filling up. Log lines of the run are written above the terminal's line.
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
    constructor(stream, options = {}) {
        this.stream = stream;
        this.now = options.now ?? Date.now;
        this.redrawMs = options.redrawMs ?? 200;
        this.plainEveryMs = options.plainEveryMs ?? 5000;
        this.started = this.now();
        this.lastPlain = this.started;
        if (options.timers !== false) {
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
        if (e === undefined)
            parts.push('starting');
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

;// CONCATENATED MODULE: ./src/cli/sync-command.ts




/** The exit code of a sync interrupted by Ctrl-C (SIGINT) or SIGTERM, as shells give it: 128 + 2. */
const INTERRUPTED_EXIT_CODE = 130;
const sync_command_SIGNALS = ['SIGINT', 'SIGTERM'];
/**
 * `telemetry-sync sync`: runs the engine with a progress line on stderr (unless quiet) and
 * Ctrl-C handling, then prints the summary (and the JSON result). The first Ctrl-C (or SIGTERM)
 * stops the run: no new request, the one in flight finishes within its timeout, what was
 * acknowledged is recorded, the summary is printed and the exit code is 130. A second one exits
 * at once: every acknowledgement already recorded was recorded in its own transaction, so nothing
 * recorded is lost, and what was not recorded is still pending.
 */
async function syncCommand(config, options) {
    const stderr = options.stderr ?? process.stderr;
    const stdout = options.stdout ?? process.stdout;
    const display = options.quiet ? undefined : new ProgressLine(stderr);
    const controller = new AbortController();
    const onSignal = (signal) => {
        if (controller.signal.aborted) {
            display?.finish();
            stderr.write(`\ntelemetry-sync: ${signal} again: exiting now\n`);
            process.exit(INTERRUPTED_EXIT_CODE);
        }
        controller.abort();
        const line = `${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping; the request in flight may finish (within --timeout), then the summary (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to exit at once)`;
        if (display !== undefined)
            display.note(line);
        else
            stderr.write(`telemetry-sync: ${line}\n`);
    };
    for (const s of sync_command_SIGNALS)
        process.on(s, onSignal);
    let result;
    try {
        result = await runSync(config, {
            now: Date.now,
            log: (line) => {
                if (display !== undefined)
                    display.log(line);
            },
            userAgent: USER_AGENT,
            signal: controller.signal,
            ...(display !== undefined && { progress: (p) => display.update(p) }),
        });
    }
    finally {
        display?.finish();
        for (const s of sync_command_SIGNALS)
            process.off(s, onSignal);
    }
    stderr.write(formatTextSummary(result));
    if (options.json)
        stdout.write(`${JSON.stringify(result)}\n`);
    return result.interrupted ? INTERRUPTED_EXIT_CODE : result.exitCode;
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
        if (command.kind === 'status') {
            const now = Date.now();
            const status = readStatus(command.db ?? defaultTokfDbPath(process.env), now);
            if (command.json)
                process.stdout.write(`${JSON.stringify(status)}\n`);
            else
                process.stdout.write(formatStatusText(status, now));
            return 0;
        }
        const config = buildSyncConfig(command.settings, process.env, Date.now());
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
        if (err instanceof SyncBusyError) {
            process.stderr.write(`telemetry-sync: ${err.message}\n`);
            return fail(1, 'busy', err.message);
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
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
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
