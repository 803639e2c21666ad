import type { DatabaseSync } from 'node:sqlite';
import type { SyncConfig } from '../config/sync-config.js';
import type { DeliveryOutcome, OtlpHttpClient } from '../deliver/otlp-http-client.js';
import { coverage, encodeRequests, type EncodedRequest } from '../encode/requests.js';
import type { OtlpJsonLinesWriter } from '../output/otlp-json-lines.js';
import type { DeadLetters } from '../progress/dead-letters.js';
import type { ProgressStore } from '../progress/progress-store.js';
import type { SyncLock } from '../progress/sync-lock.js';
import { inWriteTransaction } from '../progress/transaction.js';
import { messageOf } from '../source/database.js';
import type { TokfEvent } from '../source/tokf-event.js';

/** Statuses that mean "this data is bad": the request is split to find the events refused. */
const POISON_STATUSES = new Set([400, 413, 422]);

export interface DeliveryStats {
  delivered: number;
  /** Events refused permanently in this run (dead letters). */
  rejectedEvents: number;
  /** Points an endpoint acknowledged but reported rejected (partial_success). */
  rejectedPoints: number;
  requests: number;
  failedRequests: number;
  retries: number;
  bytesSent: number;
  /** Time spent recording progress (the write transactions), in ms. */
  recordMs: number;
}

export interface DeliveryContext {
  db: DatabaseSync;
  config: SyncConfig;
  client: OtlpHttpClient;
  progress: ProgressStore;
  deadLetters: DeadLetters;
  lock: SyncLock;
  /** Where refused events' points go, for a person or another backend to take them. */
  rejectedFile: OtlpJsonLinesWriter | undefined;
  now: () => number;
  log: (line: string) => void;
}

/**
 * Sends requests in order and records their outcome durably, one short transaction each:
 *
 * - acknowledged: the events are marked delivered;
 * - refused as bad data (400, 413, 422): the request is split in two and each half sent again, down
 *   to single events; an event refused on its own is a dead letter (recorded with the reason, not
 *   retried by later runs), and the events around it still get delivered;
 * - anything else that failed (retries exhausted, other statuses): sending stops, so that no later
 *   request overtakes it; it and everything after it stay pending.
 *
 * A circuit breaker stops the run after `maxConsecutiveFailures` refused single events in a row:
 * an endpoint that refuses everything must not turn the whole database into dead letters.
 */
export class Deliverer {
  readonly stats: DeliveryStats = {
    delivered: 0,
    rejectedEvents: 0,
    rejectedPoints: 0,
    requests: 0,
    failedRequests: 0,
    retries: 0,
    bytesSent: 0,
    recordMs: 0,
  };
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  /** Set once sending stopped for good in this run. */
  halted = false;
  private consecutiveFailures = 0;
  private readonly rejections = new Map<string, number>();

  constructor(private readonly ctx: DeliveryContext) {}

  /** Starts compressing a request ahead of its turn (see OtlpHttpClient.wireBody). */
  prepare(request: EncodedRequest): Promise<Uint8Array> {
    const wire = this.ctx.client.wireBody(request.body);
    // A request never sent (the run stopped) must not leave an unhandled rejection behind.
    wire.catch(() => {});
    return wire;
  }

  /** Sends one request and whatever splitting it takes; false once sending has stopped. */
  async deliver(request: EncodedRequest, wire?: Promise<Uint8Array>): Promise<boolean> {
    if (this.halted) return false;
    const outcome = await this.send(request, wire);
    if (outcome.acknowledged) return this.acknowledged(request, outcome);
    const status = outcome.status;
    if (status !== undefined && POISON_STATUSES.has(status)) {
      if (request.events.length > 1) return this.split(request, status);
      return this.reject(request.events, outcome);
    }
    this.stop(
      request.events,
      `failed: ${outcome.message ?? 'unknown error'}; it and all later events stay pending`,
    );
    this.stats.failedRequests += 1;
    return false;
  }

  private async send(
    request: EncodedRequest,
    wire?: Promise<Uint8Array>,
  ): Promise<DeliveryOutcome> {
    const outcome = await this.ctx.client.send(request.body, wire);
    this.stats.requests += 1;
    this.stats.retries += outcome.attempts - 1;
    this.stats.bytesSent += outcome.bytesSent;
    return outcome;
  }

  private acknowledged(request: EncodedRequest, outcome: DeliveryOutcome): boolean {
    const ids = request.events.map((e) => e.id);
    const at = new Date(this.ctx.now());
    const recordStart = performance.now();
    try {
      inWriteTransaction(this.ctx.db, 'record delivered events', () => {
        this.ctx.progress.markDelivered(coverage(request.events), at);
        this.ctx.deadLetters.forget(ids);
        this.ctx.lock.refresh(at.getTime());
      });
    } catch (err) {
      this.stop(
        request.events,
        `was acknowledged but recording that failed (${messageOf(err)}); these events will be sent again by the next run`,
      );
      return false;
    } finally {
      this.stats.recordMs += performance.now() - recordStart;
    }
    this.consecutiveFailures = 0;
    this.stats.delivered += request.events.length;
    if (outcome.rejectedPoints > 0) {
      this.stats.rejectedPoints += outcome.rejectedPoints;
      this.warnings.push(
        `the endpoint accepted a request but rejected ${outcome.rejectedPoints} data point(s) of it${outcome.message ? `: ${outcome.message}` : ''}`,
      );
    }
    return true;
  }

  private async split(request: EncodedRequest, status: number): Promise<boolean> {
    const { config } = this.ctx;
    this.ctx.log(
      `HTTP ${status} for ${request.events.length} events; splitting the request to find the refused ones`,
    );
    const mid = Math.ceil(request.events.length / 2);
    for (const half of [request.events.slice(0, mid), request.events.slice(mid)]) {
      const parts = encodeRequests(half, config.resource, config.protocol, config.maxRequestBytes);
      for (const part of parts) if (!(await this.deliver(part))) return false;
    }
    return true;
  }

  private reject(events: TokfEvent[], outcome: DeliveryOutcome): boolean {
    const reason = `HTTP ${outcome.status}: ${outcome.message ?? 'refused'}`;
    try {
      this.ctx.rejectedFile?.write(events);
      this.ctx.deadLetters.record(
        events.map((e) => e.id),
        { reason, status: outcome.status ?? null },
        new Date(this.ctx.now()),
      );
    } catch (err) {
      this.stop(events, `was refused (${reason}) but recording that failed (${messageOf(err)})`);
      return false;
    }
    this.stats.rejectedEvents += events.length;
    this.stats.failedRequests += 1;
    this.consecutiveFailures += 1;
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + events.length);
    const max = this.ctx.config.maxConsecutiveFailures;
    if (this.consecutiveFailures >= max) {
      this.halted = true;
      this.errors.push(
        `circuit breaker: ${max} events in a row were refused, so sending stopped; the events after them stay pending`,
      );
      return false;
    }
    return true;
  }

  /** Stops sending for the rest of the run. */
  halt(): void {
    this.halted = true;
  }

  /** Warnings that sum up the run, one per kind of rejection however many events it hit. */
  summaryWarnings(): string[] {
    return [
      ...this.warnings,
      ...[...this.rejections].map(
        ([reason, n]) =>
          `${n} event(s) were refused and set aside as rejected (${reason}); --retry-rejected sends them again`,
      ),
    ];
  }

  private stop(events: TokfEvent[], what: string): void {
    this.halted = true;
    this.errors.push(
      `request of ${events.length} events (ids ${events[0]?.id}-${events.at(-1)?.id}) ${what}`,
    );
  }
}
