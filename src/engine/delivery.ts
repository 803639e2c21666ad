import { describeOutcome, type DeliveryOutcome, type Refusal } from '../deliver/outcome.js';
import type { OtlpExporter } from '../deliver/otlp-exporter.js';
import { sendIsolating, type Verdict } from '../deliver/poison-isolation.js';
import { seriesOfEvent } from '../encode/aggregate.js';
import type { EncodedRequest } from '../encode/requests.js';
import type { OtlpJsonLinesWriter } from '../output/otlp-json-lines.js';
import type { Rejection } from '../progress/dead-letters.js';
import type { ProgressRecorder } from '../progress/recorder.js';
import { messageOf } from '../errors.js';
import type { TokfEvent } from '../source/tokf-event.js';
import type { Notices } from './notices.js';

/** Shortest value of an event's data a refusal must quote to count as naming it. */
const MIN_NAMED_LENGTH = 4;

/** What an encoded body becomes once its compressed form is ready (see compress). */
const RELEASED = new Uint8Array(0);

export interface DeliveryStats {
  /** Events the endpoint acknowledged. */
  deliveredEvents: number;
  /** Events refused for good in this run and set aside (dead letters). */
  refusedEvents: number;
  /** Points acknowledged but reported rejected through partial_success. */
  rejectedPoints: number;
  /** Events the endpoint refused as older than it keeps, set aside with the file holding them. */
  tooOldForEndpoint: number;
  /** The same, with no file to hold them: they stay pending. */
  tooOldUnsent: number;
  /**
   * Of the delivered events, those the endpoint refused as out of order or duplicate because it
   * already held them: a resend of a request it stored while its answer was lost.
   */
  alreadyHeld: number;
  /**
   * Events never sent before that the endpoint refused because it holds newer samples of their
   * series (delta, logs, spans), set aside with the file holding them, or left pending.
   */
  behindEndpoint: number;
  requests: number;
  failedRequests: number;
  retries: number;
  bytesSent: number;
}

/** A batch handed to the pipeline, with its requests as encoded (again, if a speculation was lost). */
interface Prepared {
  batch: TokfEvent[];
  requests: EncodedRequest[];
}

export interface DeliveryParts {
  exporter: OtlpExporter;
  recorder: ProgressRecorder;
  /**
   * Encodes events into requests at their turn, continuing the totals acknowledged so far: a batch
   * whose early encoding was given up, or part of a refused request being split.
   */
  encode: (events: TokfEvent[]) => EncodedRequest[];
  /**
   * Encodes a batch as soon as it is read, while earlier ones are still being sent. Cumulative
   * points then continue the totals of the batches encoded before it, as if those will all be
   * acknowledged whole; `speculationLost` says when one was not.
   */
  encodeAhead: (events: TokfEvent[]) => EncodedRequest[];
  /**
   * Told when a request was not acknowledged as encoded (split, refused, too old): the requests
   * encoded ahead of it assumed it was, so they are encoded again. Absent where encodings never
   * depend on earlier requests (delta).
   */
  speculationLost: (() => void) | undefined;
  /** Told of each batch's requests as encoded (not of the parts of a split). */
  encoded: (requests: readonly EncodedRequest[]) => void;
  /** Told of each request once its acknowledgement is recorded. */
  acknowledged: (request: EncodedRequest) => void;
  /** Receives the points of refused events, for a person or another backend. */
  refusedFile: OtlpJsonLinesWriter | undefined;
  /** The file that holds every selected event, where too-old events can be taken from. */
  allFile: string | undefined;
  /**
   * Where events kept in that file go instead of being set aside at once, where the file is kept
   * only later (see FilesForLater): set aside once it is.
   */
  holdInFile?: (ids: number[], rejection: Rejection) => void;
  notices: Notices;
  /** Refused single events in a row after which sending stops (circuit breaker). */
  maxConsecutiveRefusals: number;
  /**
   * Whether the endpoint may hold the event although its delivery was never recorded: it was in
   * a request whose answer was not read, in this run or one that did not end cleanly.
   */
  mayHold: (event: TokfEvent) => boolean;
  /**
   * Whether this run looks again at events earlier versions set aside for an out-of-order
   * refusal of a resend (see Replay): the stored request they came from may reach past them.
   */
  reexamining: boolean;
  /** Whether points carry running totals, so that a refusal of one series stops the others. */
  cumulative: boolean;
  log: (line: string) => void;
  /** Told after each request (or part of a split one) is settled, for a progress display. */
  progressed?: () => void;
}

/**
 * Sends a run's requests in order, each through poison isolation, and settles every outcome:
 * acknowledged events are recorded as delivered, refused single events are set aside with the
 * reason, and any other failure stops sending so that nothing later overtakes it.
 *
 * The circuit breaker stops the run after `maxConsecutiveRefusals` refused events in a row: an
 * endpoint that refuses everything must not turn the whole database into dead letters.
 */
export class Delivery {
  readonly stats: DeliveryStats = {
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
  private stopped = false;
  private consecutiveRefusals = 0;
  /** Wire bodies started ahead of their turn, by request. */
  private readonly wires = new WeakMap<EncodedRequest, Promise<Uint8Array>>();
  /** Batches prepared and not yet started, in order. */
  private readonly queued: Prepared[] = [];
  /** Whether the request being delivered was acknowledged as encoded, not split or refused. */
  private wholeAck = false;
  private current: EncodedRequest | undefined;
  /** Whether the endpoint acknowledged anything in this run: a refusal then is the data's. */
  private accepted = false;
  /**
   * Single events refused as bad data before the endpoint accepted anything in this run: an
   * endpoint that refuses everything must not turn events into dead letters, so they are set
   * aside only once something else is accepted (see refused).
   */
  private unconfirmed: { events: readonly TokfEvent[]; refusal: Refusal }[] = [];

  constructor(private readonly parts: DeliveryParts) {}

  /**
   * The job that sends a batch, for the pipeline. The batch is encoded and its compression started
   * now, while earlier batches are still being sent.
   */
  prepare(batch: TokfEvent[]): () => Promise<void> {
    const job: Prepared = { batch, requests: this.encodeBatch(batch, this.parts.encodeAhead) };
    this.queued.push(job);
    return async () => {
      this.queued.shift();
      const requests = job.requests;
      for (let i = 0; i < requests.length; i += 1) {
        if (this.stopped) return;
        const request = requests[i] as EncodedRequest;
        this.wholeAck = false;
        if ((await this.deliver(request)) === 'stop') return;
        if (this.wholeAck || this.parts.speculationLost === undefined) continue;
        // What follows assumed this request's totals: encode it again from what was recorded.
        this.parts.speculationLost();
        const rest = requests.slice(i + 1).flatMap((r) => r.events);
        if (rest.length > 0) requests.splice(i + 1, Infinity, ...this.reencode(rest));
        for (const later of this.queued) later.requests = this.reencode(later.batch);
      }
    };
  }

  /** Encodes a batch and starts compressing it. A request never sent leaves no rejection behind. */
  private encodeBatch(
    batch: TokfEvent[],
    encode: (events: TokfEvent[]) => EncodedRequest[],
  ): EncodedRequest[] {
    const requests = encode(batch);
    this.parts.encoded(requests);
    this.compress(requests);
    return requests;
  }

  /** Encoded again after a speculation was lost: counted once already, as first encoded. */
  private reencode(events: TokfEvent[]): EncodedRequest[] {
    const requests = this.parts.encodeAhead(events);
    this.compress(requests);
    return requests;
  }

  private compress(requests: readonly EncodedRequest[]): void {
    // Once sending stopped, no job waits on these: compressing them would only hold their bodies.
    if (this.stopped) return;
    for (const r of requests) {
      const wire = this.parts.exporter.wireBody(r.body).then((body) => {
        // Only the wire body is sent from here on (a split re-encodes from the events): the
        // encoded one, ten times larger, need not wait in the queue with it.
        if (body !== r.body) r.body = RELEASED;
        return body;
      });
      wire.catch(() => {});
      this.wires.set(r, wire);
    }
  }

  /** Sends nothing more in this run. */
  stop(): void {
    this.stopped = true;
  }

  private async deliver(request: EncodedRequest): Promise<Verdict> {
    if (this.stopped) return 'stop';
    this.current = request;
    const verdict = await sendIsolating<TokfEvent, EncodedRequest>(request, {
      send: (r) => this.send(r),
      encode: this.parts.encode,
      settle: (r, outcome) => this.settled(this.settle(r, outcome)),
      timeOf: (e) => e.epochSeconds ?? 0,
      seriesOf: seriesOfEvent,
      mayHold: (e) => this.parts.mayHold(e),
      // Re-examining, the stored request may reach past the events set aside from it: a refused
      // request is taken apart, and each event refused alone is the rest of it (see outOfOrder).
      bisectOutOfOrder: () => !this.parts.cumulative || this.parts.reexamining,
      tooOld: (events, refusal) => this.settled(this.tooOld(events, refusal)),
      splitting: (r, refusal) =>
        this.parts.log(
          `${describeOutcome(refusal)} for ${r.events.length} events; splitting the request to find the refused ones`,
        ),
    });
    if (verdict === 'stop') this.stopped = true;
    return verdict;
  }

  private settled(verdict: Verdict): Verdict {
    this.parts.progressed?.();
    return verdict;
  }

  private async send(request: EncodedRequest): Promise<DeliveryOutcome> {
    const { recorder } = this.parts;
    try {
      // Noted first: if the run ends before the answer is recorded, the next one knows.
      recorder.sending(request.events);
    } catch (err) {
      return {
        kind: 'failed',
        attempts: 0,
        bytesSent: 0,
        message: `not sent: recording the request in flight failed: ${messageOf(err)}`,
      };
    }
    const outcome = await this.parts.exporter.send(request.body, this.wires.get(request));
    if (outcome.kind !== 'acknowledged') {
      try {
        recorder.unacknowledged(request.events, outcome.mayHaveLanded !== true);
      } catch (err) {
        this.failed('record-failed', request.events, messageOf(err));
        this.stopped = true;
      }
    }
    // Interrupted before its first attempt: nothing went out.
    if (outcome.attempts === 0) return outcome;
    this.stats.requests += 1;
    this.stats.retries += outcome.attempts - 1;
    this.stats.bytesSent += outcome.bytesSent;
    return outcome;
  }

  private settle(request: EncodedRequest, outcome: DeliveryOutcome): Verdict {
    switch (outcome.kind) {
      case 'acknowledged':
        if (request === this.current) this.wholeAck = true;
        return this.acknowledged(request, outcome);
      case 'bad-data':
        return this.refused(request.events, outcome);
      case 'too-old':
        return this.tooOld(request.events, outcome);
      case 'out-of-order':
        return this.outOfOrder(request, outcome);
      case 'interrupted':
        // The run reports the interruption once, with every event it leaves pending.
        if (outcome.attempts > 0) this.stats.failedRequests += 1;
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
  private recordDelivered(request: EncodedRequest): boolean {
    try {
      this.parts.recorder.acknowledged(request.events, request.totals);
    } catch (err) {
      this.failed('record-failed', request.events, messageOf(err));
      return false;
    }
    this.parts.acknowledged(request);
    this.consecutiveRefusals = 0;
    this.stats.deliveredEvents += request.events.length;
    return true;
  }

  private acknowledged(
    request: EncodedRequest,
    outcome: Extract<DeliveryOutcome, { kind: 'acknowledged' }>,
  ): Verdict {
    if (!this.recordDelivered(request)) return 'stop';
    if (!this.accepted) {
      this.accepted = true;
      if (this.confirmRefusals() === 'stop') return 'stop';
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
  private refused(events: readonly TokfEvent[], refusal: Refusal): Verdict {
    if (!this.accepted && !namesEventData(refusal.message, events)) {
      this.unconfirmed.push({ events, refusal });
      this.stats.failedRequests += 1;
      return this.countRefusal(events);
    }
    return this.setAsideRefused(events, refusal);
  }

  /** Refusals held back until the endpoint accepted something: now they are the data's. */
  private confirmRefusals(): Verdict {
    const held = this.unconfirmed;
    this.unconfirmed = [];
    for (const { events, refusal } of held) {
      // Counted as failed requests when they were refused.
      this.stats.failedRequests -= 1;
      if (this.setAside(events, refusal) === 'stop') return 'stop';
    }
    return 'continue';
  }

  /**
   * Told when sending ended: refusals never confirmed mean the endpoint took nothing in this run,
   * so every event stays pending and the run says why.
   */
  finish(): void {
    if (this.unconfirmed.length === 0) return;
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

  private setAsideRefused(events: readonly TokfEvent[], refusal: Refusal): Verdict {
    if (this.setAside(events, refusal) === 'stop') return 'stop';
    return this.countRefusal(events);
  }

  /** Records refused events as dead letters, with the reason. */
  private setAside(events: readonly TokfEvent[], refusal: Refusal): Verdict {
    const reason = describeOutcome(refusal);
    try {
      this.parts.refusedFile?.write([...events]);
      this.parts.recorder.setAside(
        events.map((e) => e.id),
        { reason, status: refusal.status },
      );
    } catch (err) {
      this.failed(
        'record-failed',
        events,
        `${reason}; recording the refusal failed: ${messageOf(err)}`,
      );
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
  private countRefusal(events: readonly TokfEvent[]): Verdict {
    this.consecutiveRefusals += 1;
    const max = this.parts.maxConsecutiveRefusals;
    if (this.consecutiveRefusals < max) return 'continue';
    // Refused by an endpoint that took nothing: finish() says so, with every event pending.
    if (!this.accepted && this.unconfirmed.length > 0) return 'stop';
    this.parts.notices.error({ kind: 'circuit-breaker', count: max, firstId: events[0]?.id });
    return 'stop';
  }

  /**
   * Refused as out of order or duplicate: the endpoint holds newer samples of a series in the
   * request, or another value at a point's time.
   * - Events it may hold unrecorded (a resend of a request whose answer was lost, see mayHold)
   *   are there: recorded as delivered ("already in the backend"), their series' totals advanced
   *   as the request had them, which are the totals the endpoint took the first time. While
   *   re-examining events earlier versions set aside (see DeliveryParts.reexamining), so is any
   *   single event refused so: the stored request they came from reached past them, and is
   *   taken apart in order, so the totals recorded reach what the endpoint took.
   * - Others were never sent: with running totals (cumulative) the endpoint holds a series this
   *   database does not know of (another sender, a stale copy of the database), so nothing more
   *   is sent and the events stay pending, sending more would count a series down; otherwise
   *   (delta, logs, spans) the event is behind what its series holds and is kept as a too-old
   *   one is. Never bad data, never counted by the circuit breaker.
   */
  private outOfOrder(
    request: EncodedRequest,
    outcome: Extract<DeliveryOutcome, { kind: 'out-of-order' }>,
  ): Verdict {
    const { events } = request;
    const held =
      events.every((e) => this.parts.mayHold(e)) || (this.parts.reexamining && events.length === 1);
    if (held) return this.alreadyHeld(request, outcome);
    const said = describeOutcome(outcome);
    this.stats.failedRequests += 1;
    if (this.parts.cumulative) {
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

  private alreadyHeld(
    request: EncodedRequest,
    outcome: Extract<DeliveryOutcome, { kind: 'out-of-order' }>,
  ): Verdict {
    if (!this.recordDelivered(request)) return 'stop';
    if (request === this.current) this.wholeAck = true;
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
  private behind(events: readonly TokfEvent[], said: string): Verdict {
    return this.keepInFile(events, said, {
      kept: 'behind-endpoint',
      unsent: 'behind-endpoint',
      reason: `behind newer samples the endpoint holds (${said})`,
      status: null,
      stat: 'behindEndpoint',
    });
  }

  /**
   * Events older than the endpoint's horizon are not refused data: they are not counted by the
   * circuit breaker, and the events after them are still sent. With a file holding them they are
   * set aside (so later runs do not try again); without one they stay pending, and the run says
   * how to keep them.
   */
  private tooOld(events: readonly TokfEvent[], refusal: Refusal): Verdict {
    const said = describeOutcome(refusal);
    return this.keepInFile(events, said, {
      kept: 'too-old-for-endpoint',
      unsent: 'too-old-unsent',
      reason: `too old for this endpoint (${said})`,
      status: refusal.status,
      stat: 'tooOldForEndpoint',
    });
  }

  /**
   * Events the endpoint will not take for their time, not their data: set aside as kept in the
   * run's file (named in the row, so that status can check it still holds them), or, without a
   * file, left pending with an error saying so.
   */
  private keepInFile(
    events: readonly TokfEvent[],
    said: string,
    how: {
      kept: 'too-old-for-endpoint' | 'behind-endpoint';
      unsent: 'too-old-unsent' | 'behind-endpoint';
      reason: string;
      status: number | null;
      stat: 'tooOldForEndpoint' | 'behindEndpoint';
    },
  ): Verdict {
    const file = this.parts.allFile;
    const firstId = events[0]?.id;
    if (file === undefined) {
      this.stats.tooOldUnsent += events.length;
      this.parts.notices.error({ kind: how.unsent, count: events.length, firstId, message: said });
      return 'continue';
    }
    try {
      const rejection = { reason: `${how.reason}; kept in ${file}`, status: how.status, file };
      const ids = events.map((e) => e.id);
      if (this.parts.holdInFile !== undefined) this.parts.holdInFile(ids, rejection);
      else this.parts.recorder.setAside(ids, rejection);
    } catch (err) {
      this.failed('record-failed', events, `${said}; recording that failed: ${messageOf(err)}`);
      return 'stop';
    }
    this.stats[how.stat] += events.length;
    this.parts.notices.warning({
      kind: how.kept,
      count: events.length,
      firstId,
      message: said,
      file,
      setAside: true,
    });
    return 'continue';
  }

  private failed(
    kind: 'send-failed' | 'record-failed',
    events: readonly TokfEvent[],
    message: string,
  ): void {
    this.parts.notices.error({ kind, count: events.length, firstId: events[0]?.id, message });
  }
}

/**
 * Whether a refusal names the event's own data (its command, filter or project), so that it is
 * about that event whatever else the endpoint does. Short values are not looked for: "go" or
 * "ls" appear in any text.
 */
function namesEventData(message: string, events: readonly TokfEvent[]): boolean {
  if (events.length !== 1) return false;
  const e = events[0] as TokfEvent;
  return [e.command, e.filterName, e.project].some(
    (v) =>
      v !== undefined &&
      v !== null &&
      v.trim().length >= MIN_NAMED_LENGTH &&
      message.includes(v.trim()),
  );
}
