/**
 * One run of any command that sends, in the shape they all share whatever they read: what the
 * result's `run` holds (`--json` prints it with the rest), what the run log records, and what
 * `status` tells of the last run. Counts are of the source's unit: a tokf database's events, the
 * lines of JSON Lines files.
 */
export interface RunSummary {
  /** The command that ran: sync, replay, or the next source's. */
  command: string;
  /**
   * delivered: everything selected acknowledged; partial/failed: some/none could be delivered;
   * exported: no endpoint, a file was the job; dry-run: nothing sent or changed.
   */
  status: 'delivered' | 'partial' | 'failed' | 'exported' | 'dry-run';
  exitCode: 0 | 1;
  /** Interrupted (Ctrl-C, SIGTERM): nothing more was sent and what was acknowledged is recorded. */
  interrupted: boolean;
  durationMs: number;
  unit: 'event' | 'line';
  /** Where it was sent: scheme, host and path (never credentials); several joined by ", ". */
  endpoint: string | null;
  /** Of the unit, those the run took up: selected events, lines read. */
  selected: number;
  /** Of those, acknowledged by the endpoint. */
  delivered: number;
  /** Of those, set aside by this run (refused, bad, too old and kept in a file). */
  setAside: number;
  /** Left pending after the run, in the whole source; -1 when not known. */
  pending: number;
  requests: number;
  retries: number;
  /** On the wire, after compression, every attempt counted. */
  bytesSent: number;
}
