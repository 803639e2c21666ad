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
   * Records how a request that will not be split further ended: acknowledged, refused with a
   * single event in it, or failed. Returns whether sending goes on.
   */
  settle(request: R, outcome: DeliveryOutcome): Verdict | Promise<Verdict>;
  /** Told before a refused request is split. */
  splitting?(request: R, refusal: Refusal): void;
}

/**
 * Sends a request; when the endpoint refuses its content, sends each half again, down to single
 * events, so that the refused events are found and the others still get delivered. In order:
 * the first half is settled before the second is sent. Finding one bad event among n costs about
 * 2·log2(n) requests.
 */
export async function sendIsolating<E, R extends Carrier<E>>(
  request: R,
  steps: IsolationSteps<E, R>,
): Promise<Verdict> {
  const outcome = await steps.send(request);
  if (!isRefusal(outcome) || request.events.length <= 1) return steps.settle(request, outcome);
  steps.splitting?.(request, outcome);
  const mid = Math.ceil(request.events.length / 2);
  for (const half of [request.events.slice(0, mid), request.events.slice(mid)]) {
    for (const part of steps.encode(half)) {
      if ((await sendIsolating(part, steps)) === 'stop') return 'stop';
    }
  }
  return 'continue';
}
