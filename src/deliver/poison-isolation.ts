import { isRefusal, type DeliveryOutcome, type Refusal } from './outcome.js';

/** Whether sending goes on after a request was settled. */
export type Verdict = 'continue' | 'stop';

/** A request as isolation sees it: whatever it sends, and the events it carries. */
export interface Carrier<E> {
  events: readonly E[];
}

export interface IsolationSteps<E, R extends Carrier<E>> {
  send(request: R): Promise<DeliveryOutcome>;
  /** Encodes events again into requests; isolation never knows the encoding. */
  encode(events: E[]): R[];
  /**
   * Records how a request that will not be split further ended: acknowledged, refused as bad
   * data with a single event in it, or failed. Returns whether sending goes on.
   */
  settle(request: R, outcome: DeliveryOutcome): Verdict | Promise<Verdict>;
  /** The event's time: a backend's history horizon is a time. */
  timeOf(event: E): number;
  /**
   * The series the event's points belong to, where events can share series (events of one
   * series share all of them); default: every event its own. The horizon search never probes an
   * event while an older one of its series is unresolved (see findHorizon).
   */
  seriesOf?(event: E): string;
  /**
   * Whether the backend may hold the event already, sent before in a request whose answer was
   * not read: an out-of-order refusal of such events alone says they are there (see settle).
   */
  mayHold?(event: E): boolean;
  /**
   * Whether an out-of-order refusal of events none of which may be held is taken apart to find
   * the refused ones (where events do not depend on each other's points), rather than settled
   * whole.
   */
  bisectOutOfOrder?(): boolean;
  /** Records events older than the backend's horizon, which are not sent again one by one. */
  tooOld(events: E[], refusal: Refusal): Verdict;
  /** Told before a refused request is split or searched. */
  splitting?(
    request: R,
    refusal: Refusal | Extract<DeliveryOutcome, { kind: 'out-of-order' }>,
  ): void;
}

/**
 * Sends a request and deals with a refusal of its content:
 * - bad data: each half is sent again, down to single events, so that the refused events are
 *   found and the others still get delivered, in order; one bad event among n costs about
 *   2·log2(n) requests;
 * - too old: the backend's history horizon is searched (see findHorizon), the events older than
 *   it are handed to `tooOld` unsent, and the newer ones are delivered.
 */
export async function sendIsolating<E, R extends Carrier<E>>(
  request: R,
  steps: IsolationSteps<E, R>,
): Promise<Verdict> {
  const outcome = await steps.send(request);
  if (outcome.kind === 'out-of-order') return resolveOutOfOrder(request, outcome, steps);
  if (!isRefusal(outcome)) return steps.settle(request, outcome);
  if (outcome.kind === 'too-old') {
    if (request.events.length <= 1) return steps.tooOld([...request.events], outcome);
    steps.splitting?.(request, outcome);
    return findHorizon([...request.events], outcome, steps);
  }
  if (request.events.length <= 1) return steps.settle(request, outcome);
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
async function resolveOutOfOrder<E, R extends Carrier<E>>(
  request: R,
  outcome: Extract<DeliveryOutcome, { kind: 'out-of-order' }>,
  steps: IsolationSteps<E, R>,
): Promise<Verdict> {
  const { events } = request;
  if (events.length <= 1) return steps.settle(request, outcome);
  const held = events.filter((e) => steps.mayHold?.(e) === true);
  if (held.length === events.length) return steps.settle(request, outcome);
  if (held.length > 0) {
    steps.splitting?.(request, outcome);
    const kept = new Set(held);
    return sendAll([held, events.filter((e) => !kept.has(e))], steps);
  }
  if (steps.bisectOutOfOrder?.() !== true) return steps.settle(request, outcome);
  steps.splitting?.(request, outcome);
  const mid = Math.ceil(events.length / 2);
  return sendAll([events.slice(0, mid), events.slice(mid)], steps);
}

async function sendAll<E, R extends Carrier<E>>(
  groups: readonly (readonly E[])[],
  steps: IsolationSteps<E, R>,
): Promise<Verdict> {
  for (const events of groups) {
    if (events.length === 0) continue;
    for (const part of steps.encode([...events])) {
      if ((await sendIsolating(part, steps)) === 'stop') return 'stop';
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
async function findHorizon<E, R extends Carrier<E>>(
  events: E[],
  refusal: Refusal,
  steps: IsolationSteps<E, R>,
): Promise<Verdict> {
  const byTime = events
    .map((e, order) => ({ e, order }))
    .sort((a, b) => steps.timeOf(a.e) - steps.timeOf(b.e) || a.order - b.order);
  // Each series' events by position in byTime, in order, and the first one not yet resolved.
  const series = new Map<string | number, { at: number[]; next: number }>();
  byTime.forEach(({ e }, i) => {
    const key = steps.seriesOf?.(e) ?? i;
    const s = series.get(key);
    if (s === undefined) series.set(key, { at: [i], next: 0 });
    else s.at.push(i);
  });
  /** Set aside as bad data while probing: resolved, and neither old nor to send. */
  const dropped = new Set<number>();
  const settled = new Set<E>();
  const exactProbes = 2 * Math.ceil(Math.log2(byTime.length + 1));
  let probes = 0;
  let lo = 0;
  let hi = byTime.length;
  // Invariant: byTime[0, lo) is older than the horizon, byTime[hi, n) is not.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    let at = -1;
    const closer = (i: number) => at === -1 || Math.abs(i - mid) < Math.abs(at - mid);
    if (probes++ < exactProbes) {
      for (const s of series.values()) {
        while (s.next < s.at.length && (s.at[s.next]! < lo || dropped.has(s.at[s.next]!))) s.next++;
        const first = s.at[s.next];
        if (first !== undefined && first < hi && closer(first)) at = first;
      }
    } else {
      for (let i = lo; i < hi; i++) if (!dropped.has(i) && closer(i)) at = i;
    }
    if (at === -1) break;
    const probe = (byTime[at] as { e: E }).e;
    const requests = steps.encode([probe]);
    const outcome = await steps.send(requests[0] as R);
    if (outcome.kind === 'too-old') {
      lo = at + 1;
      continue;
    }
    settled.add(probe);
    if ((await steps.settle(requests[0] as R, outcome)) === 'stop') return 'stop';
    // Bad data, now set aside, tells nothing of the horizon; a point already held is within it.
    if (outcome.kind === 'acknowledged' || outcome.kind === 'out-of-order') hi = at;
    else dropped.add(at);
  }
  const old = byTime
    .slice(0, lo)
    .filter((_, i) => !dropped.has(i))
    .map((x) => x.e);
  if (old.length > 0 && steps.tooOld(old, refusal) === 'stop') return 'stop';
  const rest = byTime
    .slice(lo)
    .filter((x) => !settled.has(x.e))
    .sort((a, b) => a.order - b.order)
    .map((x) => x.e);
  return sendAll([rest], steps);
}
