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
  /** Records events older than the backend's horizon, which are not sent again one by one. */
  tooOld(events: E[], refusal: Refusal): Verdict;
  /** Told before a refused request is split or searched. */
  splitting?(request: R, refusal: Refusal): void;
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
 * it, an acknowledged probe (now delivered) puts it at or before it. log2(n) probes, then the
 * events older than the horizon go to `tooOld` and the rest are sent as usual.
 *
 * Probes that are acknowledged arrive ahead of older events of the batch; cumulative series count
 * such events into their next point, and delta backends that keep order per series refuse them as
 * out of order, which sends them to `tooOld` too.
 */
async function findHorizon<E, R extends Carrier<E>>(
  events: E[],
  refusal: Refusal,
  steps: IsolationSteps<E, R>,
): Promise<Verdict> {
  const byTime = events
    .map((e, order) => ({ e, order }))
    .sort((a, b) => steps.timeOf(a.e) - steps.timeOf(b.e) || a.order - b.order);
  const settled = new Set<E>();
  let lo = 0;
  let hi = byTime.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const probe = (byTime[mid] as { e: E }).e;
    const requests = steps.encode([probe]);
    const outcome = await steps.send(requests[0] as R);
    if (outcome.kind === 'too-old') {
      lo = mid + 1;
      continue;
    }
    settled.add(probe);
    if ((await steps.settle(requests[0] as R, outcome)) === 'stop') return 'stop';
    if (outcome.kind === 'acknowledged') hi = mid;
    else {
      // Bad data, now set aside: it tells nothing of the horizon.
      byTime.splice(mid, 1);
      hi -= 1;
    }
  }
  const old = byTime.slice(0, lo).map((x) => x.e);
  if (old.length > 0 && steps.tooOld(old, refusal) === 'stop') return 'stop';
  const rest = byTime
    .slice(lo)
    .filter((x) => !settled.has(x.e))
    .sort((a, b) => a.order - b.order)
    .map((x) => x.e);
  return sendAll([rest], steps);
}
