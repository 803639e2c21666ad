import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TokfEvent } from '../source/tokf-event.js';
import type { SeriesTotals } from './cumulative.js';
import type { EncodeCall, EncodeReply, EncodeThreadStart } from './encode-service.js';
import { toColumns } from './event-columns.js';
import type { EncodedRequest } from './requests.js';

/**
 * The encoding thread's heap. Its young generation is the process's (bounded-heap.ts): V8's
 * --min/--max-semi-space-size are process-wide and win over a worker's maxYoungGenerationSizeMb,
 * so only the old generation is bounded here. What it keeps is the series' totals and the code of
 * the encoder (bodies live outside the heap and move to the sender), a few MB in a usual run; the
 * cap is the main thread's (--max-old-space-size=192), a ceiling rather than a reservation, so that
 * a database of very many cumulative series never fails on the thread where one thread would not.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 192 };

/**
 * The thread's script, beside the bundle that starts it (dist/encode-worker.js, next to dist/cli.js
 * and the action's chunks). Its name is put together here, not written as a literal URL, so that
 * the bundler leaves it as it is rather than copying the TypeScript source as an asset.
 */
const WORKER_SCRIPT = ['encode-worker', 'js'].join('.');

function scriptPath(): string | undefined {
  const path = fileURLToPath(new URL(WORKER_SCRIPT, import.meta.url));
  return existsSync(path) ? path : undefined;
}

/**
 * Metric requests encoded on a thread of their own, while this one reads, aggregates nothing and
 * records: the encoding thread holds a MetricsEncoder (see EncodeService) and is told of every
 * acknowledgement and lost speculation in the order this thread saw them, so that it encodes what
 * this thread would have; its answers come back in the order asked. Only a run with several
 * batches starts one (see TokfEncoder); without the bundled script (tests running the sources)
 * there is none and encoding stays in this thread.
 */
export class EncodeThread {
  private readonly worker: Worker;
  private readonly waiting: {
    events: TokfEvent[];
    resolve: (requests: EncodedRequest[]) => void;
    reject: (err: Error) => void;
  }[] = [];
  private failure: Error | undefined;

  static available(): boolean {
    return scriptPath() !== undefined;
  }

  /**
   * Whether a run should start one: its script is there and there is another core to run it. On
   * one core a second thread only adds its start-up, its own copy of the compiled encoder and its
   * heap (about 35 MB) to the same CPU time.
   */
  static worthStarting(
    cores: number = availableParallelism(),
    script: string | undefined = scriptPath(),
  ): boolean {
    return cores >= 2 && script !== undefined;
  }

  /** `script`: the bundled entry point (encode-worker.ts), found beside this module unless given. */
  constructor(start: EncodeThreadStart, script: string | undefined = scriptPath()) {
    if (script === undefined)
      throw new Error(`the encoding thread's script ${WORKER_SCRIPT} is missing`);
    this.worker = new Worker(script, { workerData: start, resourceLimits: RESOURCE_LIMITS });
    // Idle, it must not keep the process alive; a call waiting on it does (see encodeAhead).
    this.worker.unref();
    this.worker.on('message', (reply: EncodeReply) => this.answered(reply));
    // Said as what was tried and what is left: nothing it had not answered was sent or recorded.
    const failed = (what: string) =>
      this.fail(
        new Error(
          `the encoding thread (${script}) ${what}; the events it had not encoded were not sent and stay pending: run the sync again`,
        ),
      );
    this.worker.on('error', (err) => failed(`failed: ${err.message}`));
    this.worker.on('exit', (code) => failed(`ended (exit code ${code}) before answering`));
  }

  /** The requests of `events`, continuing from those encoded before (see MetricsEncoder). */
  encodeAhead(events: TokfEvent[]): Promise<EncodedRequest[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const columns = toColumns(events);
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) this.worker.ref();
      this.waiting.push({ events, resolve, reject });
      this.post({ kind: 'encode', columns }, [columns.numbers.buffer as ArrayBuffer]);
    });
  }

  acknowledged(totals: Map<string, SeriesTotals>): void {
    this.post({ kind: 'acknowledged', totals });
  }

  speculationLost(): void {
    this.post({ kind: 'speculation-lost' });
  }

  /** Ends the thread; calls still waiting are refused. */
  close(): void {
    void this.worker.terminate();
  }

  private post(call: EncodeCall, transfer: ArrayBuffer[] = []): void {
    if (this.failure === undefined) this.worker.postMessage(call, transfer);
  }

  private answered(reply: EncodeReply): void {
    const call = this.waiting.shift();
    if (this.waiting.length === 0) this.worker.unref();
    if (call === undefined) return;
    if ('error' in reply) {
      call.reject(new Error(`encoding failed: ${reply.error}`));
      return;
    }
    let from = 0;
    const requests: EncodedRequest[] = reply.parts.map((p) => {
      const events = call.events.slice(from, (from += p.count));
      return { body: p.body, events, points: p.points, ...(p.totals && { totals: p.totals }) };
    });
    call.resolve(requests);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const call of this.waiting.splice(0)) call.reject(this.failure);
  }
}
