import { isWholeBuffer } from './body-buffer.js';
import type { SeriesTotals } from './cumulative.js';
import { fromColumns, type EventColumns } from './event-columns.js';
import { MetricsEncoder, type MetricsSettings } from './metrics-encoder.js';

/** What an encoding thread starts from: the run's settings and the totals so far. */
export interface EncodeThreadStart {
  settings: MetricsSettings;
  ledger: Map<string, SeriesTotals> | undefined;
  projected: Map<string, SeriesTotals>;
}

/** Calls to an encoding thread, answered (`encode` only) in the order they were made. */
export type EncodeCall =
  | { kind: 'encode'; columns: EventColumns }
  | { kind: 'acknowledged'; totals: Map<string, SeriesTotals> }
  | { kind: 'speculation-lost' };

/** An encoded request as it comes back: the events it carries are the next `count` of its batch. */
export interface EncodedPart {
  count: number;
  body: Uint8Array;
  points: Record<string, number>;
  totals?: Map<string, SeriesTotals>;
}

export type EncodeReply = { parts: EncodedPart[] } | { error: string };

/**
 * The encoding thread's side: a MetricsEncoder fed the calls of the sending thread in their
 * order, so that it holds what the sending thread's own would (see TokfEncoder). Kept apart from
 * the thread's entry point so that it runs, and is tested, in this thread too.
 */
export class EncodeService {
  private readonly encoder: MetricsEncoder;

  constructor(start: EncodeThreadStart) {
    this.encoder = new MetricsEncoder(start.settings, start.ledger, start.projected);
  }

  /** The reply to `call`, if it has one, and the buffers it moves rather than copies. */
  handle(call: EncodeCall): { reply: EncodeReply; transfer: ArrayBuffer[] } | undefined {
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
        } catch (err) {
          return {
            reply: { error: err instanceof Error ? err.message : String(err) },
            transfer: [],
          };
        }
    }
  }

  private encode(columns: EventColumns): { reply: EncodeReply; transfer: ArrayBuffer[] } {
    const events = fromColumns(columns);
    const parts: EncodedPart[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const r of this.encoder.encodeAhead(events)) {
      // A body is its own buffer only when the writer's estimate was exact; else it is copied.
      const body = isWholeBuffer(r.body) ? r.body : r.body.slice();
      transfer.push(body.buffer as ArrayBuffer);
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
