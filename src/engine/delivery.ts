import { describeOutcome, type DeliveryOutcome, type Refusal } from '../deliver/outcome.js';
import type { OtlpExporter } from '../deliver/otlp-exporter.js';
import { sendIsolating, type Verdict } from '../deliver/poison-isolation.js';
import { seriesOfEvent } from '../encode/aggregate.js';
import type { EncodedRequest } from '../encode/requests.js';
import type { OtlpJsonLinesWriter } from '../output/otlp-json-lines.js';
import type { ProgressRecorder } from '../progress/recorder.js';
import { messageOf } from '../errors.js';
import type { TokfEvent } from '../source/tokf-event.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { HeldEvents } from './held-events.js';
import type { DeliveryStats } from './delivery-stats.js';
import type { HeldForFile } from './files-for-later.js';
import type { Notices } from './notices.js';
import type { Observed } from './observed.js';
import type { Speculation } from './speculation.js';
import { behindEndpoint, keepInFile, tooOldForEndpoint, type KeepHow } from './time-refusals.js';

/** Shortest value of an event's data a refusal must quote to count as naming it. */
const MIN_NAMED_LENGTH = 4;

/**
 * What a tokf pass hands its delivery: objects told of what happens (acknowledgements flow down
 * into them), no callbacks back up into the pass.
 */
export interface DeliveryParts {
  exporter: OtlpExporter;
  recorder: ProgressRecorder;
  /** Encodes at a request's turn and ahead of it, and is told of each acknowledgement. */
  speculation: Speculation;
  /** The run's tally: told of the events of each request acknowledged. */
  observed: Pick<Observed, 'acknowledged'>;
  /** Which events the endpoint may hold unrecorded (see HeldEvents). */
  held: Pick<HeldEvents, 'mayHold' | 'reexamining'>;
  /** Receives the points of refused events, for a person or another backend. */
  refusedFile: OtlpJsonLinesWriter | undefined;
  /** The file that holds every selected event, where too-old events can be taken from. */
  allFile: string | undefined;
  /**
   * Where events kept in that file go instead of being set aside at once, where the file is kept
   * only later (see FilesForLater): set aside once it is.
   */
  heldForFile?: HeldForFile | undefined;
  notices: Notices;
  /** Stops sending after too many refused events in a row (the run harness's one rule). */
  breaker: CircuitBreaker;
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
   * now, while earlier batches are still being sent (see Speculation).
   */
  prepare(batch: TokfEvent[]): () => Promise<void> {
    const { speculation } = this.parts;
    const job = speculation.ahead(batch);
    return async () => {
      speculation.started();
      const requests = await job.requests;
      for (let i = 0; i < requests.length; i += 1) {
        if (this.stopped) return;
        const request = requests[i] as EncodedRequest;
        this.wholeAck = false;
        if ((await this.deliver(request)) === 'stop') return;
        // What follows assumed this request's totals: encoded again from what was recorded.
        if (!this.wholeAck) await speculation.lost(requests, i);
      }
    };
  }

  /** Sends nothing more in this run. */
  stop(): void {
    this.stopped = true;
    this.parts.speculation.stop();
  }

  private async deliver(request: EncodedRequest): Promise<Verdict> {
    if (this.stopped) return 'stop';
    this.current = request;
    const verdict = await sendIsolating<TokfEvent, EncodedRequest>(request, {
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
      splitting: (r, refusal) =>
        this.parts.log(
          `${describeOutcome(refusal)} for ${r.events.length} events; splitting the request to find the refused ones`,
        ),
    });
    if (verdict === 'stop') this.stop();
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
    const { speculation } = this.parts;
    const outcome = await this.parts.exporter.send(request.body, speculation.wire(request));
    if (outcome.kind === 'acknowledged') await speculation.sent(request);
    if (outcome.kind !== 'acknowledged') {
      try {
        recorder.unacknowledged(request.events, outcome.mayHaveLanded !== true);
      } catch (err) {
        this.failed('record-failed', request.events, messageOf(err));
        this.stop();
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
    this.parts.observed.acknowledged(request.events);
    this.parts.speculation.acknowledged(request);
    this.parts.breaker.accepted();
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
    const { breaker } = this.parts;
    if (!breaker.refused('bad-data')) return 'continue';
    // Refused by an endpoint that took nothing: finish() says so, with every event pending.
    if (!this.accepted && this.unconfirmed.length > 0) return 'stop';
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
  private outOfOrder(
    request: EncodedRequest,
    outcome: Extract<DeliveryOutcome, { kind: 'out-of-order' }>,
  ): Verdict {
    const { events } = request;
    const held =
      events.every((e) => this.parts.held.mayHold(e)) ||
      (this.parts.held.reexamining && events.length === 1);
    if (held) return this.alreadyHeld(request, outcome);
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
    return this.keepInFile(events, said, behindEndpoint(said));
  }

  /**
   * Events older than the endpoint's horizon are not refused data: they are not counted by the
   * circuit breaker, and the events after them are still sent. With a file holding them they are
   * set aside (so later runs do not try again); without one they stay pending, and the run says
   * how to keep them.
   */
  private tooOld(events: readonly TokfEvent[], refusal: Refusal): Verdict {
    const said = describeOutcome(refusal);
    return this.keepInFile(events, said, tooOldForEndpoint(said, refusal.status));
  }

  private keepInFile(events: readonly TokfEvent[], said: string, how: KeepHow): Verdict {
    const { recorder, notices, allFile, heldForFile } = this.parts;
    const failure = keepInFile(
      { recorder, notices, allFile, heldForFile, stats: this.stats },
      events,
      said,
      how,
    );
    if (failure === undefined) return 'continue';
    this.failed('record-failed', events, failure);
    return 'stop';
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
