import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
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
const DAYS_IN_MONTH = (/* unused pure expression or super */ null && ([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]));
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

;// CONCATENATED MODULE: ./node_modules/@opentelemetry/resources/dist/utils.mjs
//#region src/utils.ts
const isPromiseLike = (val) => {
	return val !== null && typeof val === "object" && typeof val.then === "function";
};
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
    const aggregation = temporality === 'cumulative' ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA;
    for (const [instrument, list] of points) {
        if (list.length > 0)
            metrics.push(toMetricData(instrument, list, aggregation, forProtobuf));
    }
    return {
        resource: resourceFromAttributes(resource),
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
            dataPointType: DataPointType.SUM,
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
        dataPointType: DataPointType.HISTOGRAM,
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
;// CONCATENATED MODULE: ./node_modules/@opentelemetry/otlp-transformer/dist/metrics/internal.mjs



//#region src/metrics/internal.ts
function internal_toResourceMetrics(resourceMetrics, encoder) {
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
	return { resourceMetrics: resourceMetrics.map((metrics) => internal_toResourceMetrics(metrics, encoder)) };
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


const CONTENT_TYPES = {
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

;// CONCATENATED MODULE: ./src/encode/encode-service.ts



/**
 * The encoding thread's side: a MetricsEncoder fed the calls of the sending thread in their
 * order, so that it holds what the sending thread's own would (see TokfEncoder). Kept apart from
 * the thread's entry point so that it runs, and is tested, in this thread too.
 */
class EncodeService {
    encoder;
    constructor(start) {
        this.encoder = new MetricsEncoder(start.settings, start.ledger, start.projected);
    }
    /** The reply to `call`, if it has one, and the buffers it moves rather than copies. */
    handle(call) {
        switch (call.kind) {
            case 'acknowledged':
                this.encoder.acknowledged(call.totals);
                return undefined;
            case 'speculation-lost':
                this.encoder.speculationLost();
                return undefined;
            case 'encode':
                try {
                    return this.encode(call.columns);
                }
                catch (err) {
                    return {
                        reply: { error: err instanceof Error ? err.message : String(err) },
                        transfer: [],
                    };
                }
        }
    }
    encode(columns) {
        const events = fromColumns(columns);
        const parts = [];
        const transfer = [];
        for (const r of this.encoder.encodeAhead(events)) {
            // A body is its own buffer only when the writer's estimate was exact; else it is copied.
            const body = isWholeBuffer(r.body) ? r.body : r.body.slice();
            transfer.push(body.buffer);
            parts.push({
                count: r.events.length,
                body,
                points: r.points,
                ...(r.totals && { totals: r.totals }),
            });
        }
        return { reply: { parts }, transfer };
    }
}

;// CONCATENATED MODULE: ./src/encode/encode-worker.ts
// The encoding thread's entry point (bundled as dist/encode-worker.js; see encode-thread.ts).


const service = new EncodeService(external_node_worker_threads_namespaceObject.workerData);
external_node_worker_threads_namespaceObject.parentPort?.on('message', (call) => {
    const answer = service.handle(call);
    if (answer !== undefined)
        external_node_worker_threads_namespaceObject.parentPort?.postMessage(answer.reply, answer.transfer);
});

