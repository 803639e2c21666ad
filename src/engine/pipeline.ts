/**
 * Batches encoded (and compressing) ahead of the one being sent. Enough to keep the sender busy
 * while the next batch is read and encoded; few enough that memory stays bounded by it. At 3, the
 * peak RSS of a long run rose 10 to 15 MB above a short one's (more batches' bodies and gzip
 * streams in flight at once), for about 5 % of speed.
 */
const PIPELINE_DEPTH = 2;

/**
 * Runs jobs one after another, in the order they were pushed, while the caller prepares the next
 * ones. `push` returns once fewer than `depth` jobs wait, which is the caller's back-pressure.
 * A job that throws stops the ones after it; `drain` reports the error.
 */
export class OrderedPipeline {
  private tail: Promise<void> = Promise.resolve();
  private readonly waiting: Promise<void>[] = [];
  private failure = false;

  constructor(private readonly depth: number = PIPELINE_DEPTH) {}

  async push(job: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(job);
    // Errors are drain's to report; here a failed job only frees its place.
    this.waiting.push(
      this.tail.catch(() => {
        this.failure = true;
      }),
    );
    if (this.waiting.length >= this.depth) await this.waiting.shift();
  }

  /**
   * Whether a job threw. Every job pushed after it is skipped at once, so `push` no longer holds
   * the caller back: a caller that went on preparing jobs would hold all it read (a whole
   * database, when the encoding thread dies early in a long run) until it ran out of memory.
   */
  get failed(): boolean {
    return this.failure;
  }

  /** Waits for every job; the first error of a job, if one threw. */
  async drain(): Promise<unknown> {
    this.waiting.length = 0;
    try {
      await this.tail;
      return undefined;
    } catch (err) {
      return err ?? new Error('a pipeline job failed');
    }
  }
}
