/**
 * What went wrong, or deserves a look, in a run: typed records, so that the entry points render
 * them in their own words (CLI text, job summary, annotations) and programs can act on `kind`.
 */
export type NoticeKind =
  // errors: something could not be delivered or recorded; the events stay pending
  | 'send-failed'
  | 'record-failed'
  | 'circuit-breaker'
  | 'read-failed'
  | 'database-damaged'
  | 'count-failed'
  | 'set-aside-failed'
  | 'skip-failed'
  | 'unexpected'
  | 'file-failed'
  | 'too-old-unsent'
  | 'interrupted'
  | 'lock-lost'
  | 'out-of-order'
  | 'refuses-everything'
  // an error without a file to keep the events, a warning with one
  | 'behind-endpoint'
  // warnings: the run did its job, with something a person should know
  | 'refused'
  | 'partial-success'
  | 'already-held'
  | 'too-old'
  | 'too-old-for-endpoint'
  | 'beyond-backend-history'
  | 'unreadable-time'
  | 'skipped-rejected'
  | 'clock-future'
  | 'clock-backwards'
  | 'redirected';

export interface Notice {
  kind: NoticeKind;
  /** Events concerned (data points for partial-success; the breaker's limit for circuit-breaker). */
  count: number;
  /** The first event concerned, to look at; null when none is. */
  firstId: number | null;
  /** What the endpoint, the database or the system said, if anything; secrets redacted. */
  message: string | null;
  /** Where the events concerned went, when a file received them. */
  file?: string;
  /** Whether the events concerned were set aside, so that later runs skip them. */
  setAside?: boolean;
  /** The signal concerned, in a run that sends logs or traces (absent for metrics). */
  signal?: 'logs' | 'traces';
}

/**
 * Collects a run's notices. Warnings of one kind and message are summed into one record, so a
 * thousand refused events with the same reason read as one line.
 */
export class Notices {
  readonly errors: Notice[] = [];
  private readonly warningsByKey = new Map<string, Notice>();

  error(notice: NoticeInput): void {
    this.errors.push(toNotice(notice));
  }

  warning(notice: NoticeInput): void {
    const n = toNotice(notice);
    const key = `${n.kind}\u0000${n.message ?? ''}\u0000${n.file ?? ''}`;
    const same = this.warningsByKey.get(key);
    if (same === undefined) {
      this.warningsByKey.set(key, n);
      return;
    }
    same.count += n.count;
    if (same.firstId === null || (n.firstId !== null && n.firstId < same.firstId))
      same.firstId = n.firstId;
  }

  get warnings(): Notice[] {
    return [...this.warningsByKey.values()];
  }
}

type NoticeInput = Pick<Notice, 'kind' | 'count'> & Partial<Omit<Notice, 'kind' | 'count'>>;

function toNotice(n: NoticeInput): Notice {
  return {
    kind: n.kind,
    count: n.count,
    firstId: n.firstId ?? null,
    message: n.message ?? null,
    ...(n.file !== undefined && { file: n.file }),
    ...(n.setAside !== undefined && { setAside: n.setAside }),
  };
}
