import type { SyncProgress } from '../engine/index.js';
import { count, duration } from '../words.js';

/** Where the progress goes: stderr, or a test's stand-in. */
export interface ProgressStream {
  write(text: string): unknown;
  /** A terminal gets one line that updates in place; anything else gets plain lines. */
  isTTY?: boolean;
}

export interface ProgressOptions {
  now?: () => number;
  /** A terminal's line is redrawn at most this often (and each second while nothing moves). */
  redrawMs?: number;
  /** Elsewhere, a plain line this often while the run goes on; nothing for shorter runs. */
  plainEveryMs?: number;
  /** Starts the timers; tests drive `tick` themselves instead. */
  timers?: boolean;
  /**
   * Whether the run reports events done (sync, the default). A run that does not (replay) gets no
   * periodic line off a terminal and no "starting": only its waits before a retry are shown.
   */
  periodic?: boolean;
}

const PREFIX = 'telemetry-sync: ';
/** Below this many events done, a rate and an ETA would mostly be noise. */
const MIN_EVENTS_FOR_RATE = 1;
/** Erase the line the cursor is on and go back to its start. */
const CLEAR_LINE = '\r\x1b[2K';

/**
 * Renders a run's progress on stderr, for a person watching: on a terminal one line updated in
 * place (events done of about how many, events per second, time left, or the wait before a retry
 * and why), elsewhere a plain line every few seconds, so that a CI log shows the run is alive
 * without filling up, and one line per retry (no periodic line until events move again). Log lines of the run are written above the terminal's line.
 */
export class ProgressLine {
  private readonly now: () => number;
  private readonly redrawMs: number;
  private readonly plainEveryMs: number;
  private readonly started: number;
  private events: Extract<SyncProgress, { kind: 'events' }> | undefined;
  /** The wait before a retry, until the next events progress. */
  private retry: { until: number; reason: string; attempts: number } | undefined;
  private shown = '';
  private lastDraw = 0;
  private lastPlain: number;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  private readonly periodic: boolean;

  constructor(
    private readonly stream: ProgressStream,
    options: ProgressOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.redrawMs = options.redrawMs ?? 200;
    this.plainEveryMs = options.plainEveryMs ?? 5000;
    this.started = this.now();
    this.lastPlain = this.started;
    this.periodic = options.periodic ?? true;
    if (options.timers !== false && (this.periodic || this.tty)) {
      this.timer = setInterval(() => this.tick(), this.tty ? 1000 : this.plainEveryMs);
      // The display never keeps the process alive.
      this.timer.unref();
    }
  }

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  /** The engine's progress callback. */
  update(p: SyncProgress): void {
    if (this.done) return;
    if (p.kind === 'events') {
      if (this.events !== undefined && p.done > this.events.done) this.retry = undefined;
      this.events = p;
      if (this.tty && this.now() - this.lastDraw >= this.redrawMs) this.draw();
      return;
    }
    this.retry = { until: this.now() + p.waitMs, reason: p.reason, attempts: p.attempts };
    // A wait is news: shown at once, also in a log, since it may be long.
    if (this.tty) this.draw();
    else this.plain();
  }

  /** A line of the run's log, written above the progress line. */
  log(line: string): void {
    if (this.tty && this.shown !== '') {
      this.stream.write(`${CLEAR_LINE}${PREFIX}${line}\n`);
      this.shown = '';
      this.draw();
      return;
    }
    this.stream.write(`${PREFIX}${line}\n`);
  }

  /** A line that is not the run's progress (Ctrl-C's notice), written the same way. */
  note(line: string): void {
    this.log(line);
  }

  /** Called by the timer: a terminal's countdown moves on; elsewhere, the periodic line. */
  tick(): void {
    if (this.done) return;
    if (this.tty) {
      if (this.events !== undefined || this.retry !== undefined) this.draw();
      return;
    }
    // A retry's wait was announced in its own line, with its length: the periodic line would
    // repeat that countdown ("retrying in 25 s", "in 20 s", ...) until events move again.
    if (this.retry !== undefined || !this.periodic) return;
    if (this.now() - this.lastPlain >= this.plainEveryMs) this.plain();
  }

  /** Clears the terminal's line before the summary; nothing more is drawn. */
  finish(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.done) return;
    this.done = true;
    if (this.tty && this.shown !== '') this.stream.write(CLEAR_LINE);
    this.shown = '';
  }

  /** The progress in words, without the prefix. */
  describe(): string {
    const now = this.now();
    const parts: string[] = [];
    const e = this.events;
    if (e === undefined) {
      if (this.periodic || this.retry === undefined) parts.push('starting');
    } else {
      const verb = e.sending ? 'sent' : 'written';
      parts.push(
        e.total === undefined || e.total === 0
          ? `${count(e.done)} events ${verb}`
          : `${count(e.done)} of ${count(e.total)} events ${verb} (${Math.floor((100 * e.done) / e.total)}%)`,
      );
      const seconds = (now - this.started) / 1000;
      if (e.done >= MIN_EVENTS_FOR_RATE && seconds > 0) {
        const rate = e.done / seconds;
        parts.push(`${count(Math.round(rate))} events/s`);
        if (e.total !== undefined && e.total > e.done && rate > 0 && this.retry === undefined)
          parts.push(`about ${duration(((e.total - e.done) / rate) * 1000)} left`);
      }
    }
    if (this.retry !== undefined) {
      const left = Math.max(0, this.retry.until - now);
      parts.push(
        left > 0
          ? `retrying in ${duration(Math.ceil(left / 1000) * 1000)}: ${this.retry.reason}`
          : `retrying: ${this.retry.reason}`,
      );
    }
    return parts.join(', ');
  }

  private draw(): void {
    const text = `${PREFIX}${this.describe()}`;
    this.lastDraw = this.now();
    if (text === this.shown) return;
    this.stream.write(`${CLEAR_LINE}${text}`);
    this.shown = text;
  }

  private plain(): void {
    this.lastPlain = this.now();
    this.stream.write(`${PREFIX}${this.describe()}\n`);
  }
}
