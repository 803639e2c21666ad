/** The exit code of a run interrupted by Ctrl-C (SIGINT) or SIGTERM, as shells give it: 128 + 2. */
export const INTERRUPTED_EXIT_CODE = 130;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface InterruptOptions {
  /** Says that the run is stopping (the progress line's note, or a line on stderr). */
  note: (line: string) => void;
  /** Before a second signal exits at once: the progress line is finished. */
  beforeExit: () => void;
  stderr: { write(text: string): unknown };
}

/**
 * Ctrl-C and SIGTERM for a run that records as it goes: the first aborts the returned signal (the
 * engine sends nothing more, lets the request in flight finish within its timeout, records what
 * was acknowledged and returns its result); a second exits at once, which loses nothing recorded
 * since each acknowledgement is recorded in its own transaction. `dispose` removes the handlers.
 */
export function interruptOnSignals(options: InterruptOptions): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    const name = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    if (controller.signal.aborted) {
      options.beforeExit();
      options.stderr.write(`\ntelemetry-sync: ${signal} again: exiting now\n`);
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    controller.abort();
    options.note(
      `${name}: stopping; the request in flight may finish (within --timeout), then the summary (${name} again to exit at once)`,
    );
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const s of SIGNALS) process.off(s, onSignal);
    },
  };
}
