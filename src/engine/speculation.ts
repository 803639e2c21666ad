import { freeNow } from '../encode/body-buffer.js';
import type { EncodedRequest } from '../encode/requests.js';
import type { TokfEvent } from '../source/tokf-event.js';
import type { TokfEncoder } from './tokf-encoder.js';

/** What an encoded body becomes once its compressed form is ready (see compress). */
export const RELEASED = new Uint8Array(0);

/**
 * A batch handed to the pipeline, with its requests as encoded (again, if a speculation was lost):
 * here, or on the encoding thread (see TokfEncoder), hence a promise.
 */
export interface Prepared {
  batch: TokfEvent[];
  requests: Promise<EncodedRequest[]>;
}

/** Where the requests encoded ahead go: their wire form, and the run's tally of what was encoded. */
export interface SpeculationParts {
  encoder: TokfEncoder;
  /** The body as sent (compressed), started as soon as a request is encoded. */
  wireBody: (body: Uint8Array) => Promise<Uint8Array>;
  /** Told of each batch's requests as first encoded (not of the parts of a split, nor again). */
  encoded: (requests: readonly EncodedRequest[]) => void;
}

/**
 * The work done ahead of sending, in one place: each batch is encoded (and its compression
 * started) as soon as it is read, while earlier ones are still being sent. Cumulative points then
 * continue the totals of the requests encoded before them, as if those will all be acknowledged
 * whole; when one is not (split, refused, too old), what was encoded after it is encoded again
 * from the totals acknowledged (`lost`). Acknowledgements come down here (`acknowledged`) and go
 * on to the encoder's ledger; nothing here climbs back into the pass. The encoder keeps the totals
 * projected ahead, on the encoding thread once a long run has one.
 */
export class Speculation {
  /** Wire bodies started ahead of their turn, by request. */
  private readonly wires = new WeakMap<EncodedRequest, Promise<Uint8Array>>();
  /** Batches prepared and not yet started, in order. */
  private readonly queued: Prepared[] = [];
  private stopped = false;

  constructor(private readonly parts: SpeculationParts) {}

  /** Whether points carry running totals, so that a refusal of one series stops the others. */
  get cumulative(): boolean {
    return this.parts.encoder.cumulative;
  }

  /**
   * Encodes a batch ahead of its turn and starts compressing it; queued until `started`. A request
   * never sent leaves no rejection behind; a failed encoding is the job's to report.
   */
  ahead(batch: TokfEvent[]): Prepared {
    const requests = Promise.resolve(this.parts.encoder.encodeAhead(batch)).then((encoded) => {
      this.parts.encoded(encoded);
      this.compress(encoded);
      return encoded;
    });
    requests.catch(() => {});
    const job: Prepared = { batch, requests };
    this.queued.push(job);
    return job;
  }

  /** The oldest queued batch is being sent: it is no longer encoded again after a loss. */
  started(): void {
    this.queued.shift();
  }

  /**
   * Encodes events at their turn from the totals acknowledged so far: part of a refused request
   * being split, which is never encoded ahead.
   */
  encode(events: TokfEvent[]): EncodedRequest[] {
    return this.parts.encoder.encode(events);
  }

  /** The wire body started for `request`, if it was compressed ahead. */
  wire(request: EncodedRequest): Promise<Uint8Array> | undefined {
    return this.wires.get(request);
  }

  /**
   * `request` was acknowledged: it is never sent again (what follows a refusal is encoded anew),
   * so its wire body, gzip's output or the encoded body itself, is freed now (see freeNow): the
   * main thread of a 1M-event sync ran 63 mark-compacts instead of 79, and the sync took 2 to 3 %
   * less time (the median of seven alternating pairs, 11.75 s against 12.05 s).
   */
  async sent(request: EncodedRequest): Promise<void> {
    const wire = this.wires.get(request);
    if (wire === undefined) return;
    this.wires.delete(request);
    freeNow(await wire);
  }

  /** Told of each request once its acknowledgement is recorded: its totals are the series' now. */
  acknowledged(request: EncodedRequest): void {
    this.parts.encoder.acknowledged(request);
  }

  /**
   * `requests[index]` was not acknowledged as encoded: the requests encoded after it assumed it
   * was, so they (the rest of its batch, and every batch queued) are encoded again. Nothing to do
   * where encodings never depend on earlier requests (delta).
   */
  async lost(requests: EncodedRequest[], index: number): Promise<void> {
    if (!this.parts.encoder.cumulative) return;
    this.parts.encoder.speculationLost();
    const rest = requests.slice(index + 1).flatMap((r) => r.events);
    // Every encoding asked for before waiting on one, in the order of sending: a batch read
    // meanwhile comes after them on the encoding thread, as it would here.
    const restEncoded = rest.length > 0 ? this.reencode(rest) : undefined;
    for (const later of this.queued) later.requests = this.reencode(later.batch);
    if (restEncoded !== undefined) requests.splice(index + 1, Infinity, ...(await restEncoded));
  }

  /** Nothing more is sent: nothing more is compressed. */
  stop(): void {
    this.stopped = true;
  }

  /** Encoded again after a speculation was lost: counted once already, as first encoded. */
  private reencode(events: TokfEvent[]): Promise<EncodedRequest[]> {
    const requests = Promise.resolve(this.parts.encoder.encodeAhead(events)).then((encoded) => {
      this.compress(encoded);
      return encoded;
    });
    requests.catch(() => {});
    return requests;
  }

  private compress(requests: readonly EncodedRequest[]): void {
    // Once sending stopped, no job waits on these: compressing them would only hold their bodies.
    if (this.stopped) return;
    for (const r of requests) {
      const encoded = r.body;
      const wire = this.parts.wireBody(encoded).then((body) => {
        // Only the wire body is sent from here on (a split re-encodes from the events): the
        // encoded one, ten times larger, need not wait in the queue with it, nor for the
        // collector. Nothing else holds it: the exporter is handed this wire body instead.
        if (body !== encoded) {
          r.body = RELEASED;
          freeNow(encoded);
        }
        return body;
      });
      wire.catch(() => {});
      this.wires.set(r, wire);
    }
  }
}
