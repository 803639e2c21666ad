import type { TokfEvent } from '../source/tokf-event.js';

export interface SelectionOptions {
  /** Inclusive, epoch ms. */
  since?: number;
  /** Exclusive, epoch ms. */
  until?: number;
  limit?: number;
  /** Ids set aside as rejected by earlier runs: skipped unless they are asked for again. */
  rejected?: ReadonlySet<number>;
  /** Called for each pending row whose timestamp is not a time. */
  onUnreadable?: (e: TokfEvent) => void;
  /**
   * Events of the window this run leaves out for good (tokf's built-in commands, with
   * `builtins: skip`): not selected, and handed to `onSkipped`, which may record them as done.
   */
  skip?: (e: TokfEvent) => boolean;
  onSkipped?: (e: TokfEvent) => void;
  /**
   * Events in these seconds (epoch seconds, inclusive) wait for a later run: tokf may still be
   * writing into them, and a second sent twice gives a backend two samples at one timestamp.
   */
  hold?: { from: number; to: number };
}

export interface SelectionTally {
  selected: number;
  /** Pending rows whose timestamp is not a time: they cannot be replayed. */
  unreadable: number;
  /** Pending rows skipped because an earlier run set them aside as rejected. */
  skippedRejected: number;
  /** Pending rows of seconds not over yet, left for a later run. */
  held: number;
  /** Pending rows of the window left out for good by `skip`. */
  skipped: number;
  firstSeconds: number | undefined;
  lastSeconds: number | undefined;
}

/**
 * The pending events this run sends: inside [since, until), the first `limit` of them in id
 * order. Rows left out break the chain of covered ids (see TokfEvent.coverFrom), so they stay
 * pending for a later run.
 */
export function* selectEvents(
  events: Iterable<TokfEvent>,
  options: SelectionOptions,
  tally: SelectionTally,
): Generator<TokfEvent> {
  const { since, until, limit, rejected, onUnreadable, skip, onSkipped, hold } = options;
  for (const e of events) {
    if (limit !== undefined && tally.selected >= limit) return;
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
    if ((since !== undefined && ms < since) || (until !== undefined && ms >= until)) continue;
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
export function* batchEvents(events: Iterable<TokfEvent>, size: number): Generator<TokfEvent[]> {
  let batch: TokfEvent[] = [];
  for (const e of events) {
    const last = batch[batch.length - 1];
    const full = batch.length >= size;
    if (
      full &&
      (last?.epochSeconds !== e.epochSeconds || batch.length >= size * SAME_SECOND_SLACK)
    ) {
      yield batch;
      batch = [];
    }
    batch.push(e);
  }
  if (batch.length > 0) yield batch;
}
