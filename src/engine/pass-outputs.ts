import type { SyncConfig } from '../config/sync-config.js';
import type { Signal } from '../config/vocabulary.js';
import { OpenMetricsWriter } from '../output/openmetrics.js';
import { OtlpJsonLinesWriter } from '../output/otlp-json-lines.js';
import type { SpooledJsonLines } from '../output/spooled-json-lines.js';
import type { ProgressRecorder } from '../progress/recorder.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { messageOf } from '../errors.js';
import type { FilesForLater } from './files-for-later.js';
import type { Notices } from './notices.js';

/** Where a pass writes OTLP/JSON Lines: every selected event, and the points of refused ones. */
export interface PassFiles {
  /** Written as the run goes, or spooled to be written if wanted (see FilesForLater). */
  all: OtlpJsonLinesWriter | SpooledJsonLines;
  refused: OtlpJsonLinesWriter;
}

/**
 * The files a pass of a tokf database writes beside sending (the OTLP/JSON Lines files of
 * --otlp-json-out, the OpenMetrics backfill of --openmetrics-out): opened before the first batch,
 * written batch by batch, closed at the end, where a failure to finish one is said once as the
 * run's error and never undoes what was sent.
 */
export class PassOutputs {
  readonly files: PassFiles | undefined;
  readonly backfill: OpenMetricsWriter | undefined;

  constructor(
    config: SyncConfig,
    signal: Signal,
    now: () => number,
    /** The caller's, when it keeps the files only later (see FilesForLater). */
    private readonly later: FilesForLater | undefined,
    /** Whether the pass sends and records: only then is the file of every event spooled. */
    sending: boolean,
    private readonly notices: Notices,
  ) {
    const dir = config.otlpJsonOut;
    const { resource } = config;
    const spool = sending && later?.spool === true;
    if (dir !== undefined)
      this.files = {
        // Replaced by the first batch written: a run with nothing to send leaves an earlier run's file.
        all:
          spool && later !== undefined
            ? later.spoolFor(dir, resource, `${signal}.jsonl`, signal, now)
            : new OtlpJsonLinesWriter(dir, resource, `${signal}.jsonl`, signal, now),
        refused: new OtlpJsonLinesWriter(dir, resource, `rejected-${signal}.jsonl`, signal, now),
      };
    if (config.openmetricsOut !== undefined)
      this.backfill = new OpenMetricsWriter(config.openmetricsOut, resource);
  }

  /** A batch read: into the file of every event and the backfill (throws FileWriteError). */
  write(batch: TokfEvent[]): void {
    this.files?.all.write(batch);
    this.backfill?.write(batch);
  }

  /**
   * Closes every file; beside the events the run set aside into its file, the file as it was
   * written (`recorder`), so that `status` can tell whether it still holds them.
   */
  close(recorder: ProgressRecorder | undefined, noteFailure: (err: unknown) => void): void {
    const { files } = this;
    for (const file of [files?.all, files?.refused]) this.closeFile(file, noteFailure);
    this.stamp(files?.all, recorder);
    this.closeBackfill();
  }

  private stamp(file: PassFiles['all'] | undefined, recorder: ProgressRecorder | undefined): void {
    if (recorder === undefined || file === undefined || file.lines === 0) return;
    // Kept later: stamped when the events held for it are set aside (see FilesForLater).
    if (this.later !== undefined) return;
    if (this.saidFailed(file.path)) return;
    try {
      recorder.fileWritten(file.path);
    } catch {
      // Without the stamp, status says it cannot tell whether the file still holds them.
    }
  }

  /** Whether a failure to write the file was said already. */
  private saidFailed(path: string | undefined): boolean {
    return this.notices.errors.some((e) => e.kind === 'file-failed' && e.file === path);
  }

  /** A file that cannot be finished is said once (a write that failed before said it already). */
  private closeFile(file: PassFiles['all'] | undefined, noteFailure: (err: unknown) => void): void {
    try {
      file?.close();
    } catch (err) {
      if (this.saidFailed(file?.path)) return;
      noteFailure(err);
    }
  }

  /** The backfill is written whole at the end; a failure there must not undo what was sent. */
  private closeBackfill(): void {
    const { backfill } = this;
    try {
      backfill?.close();
    } catch (err) {
      if (this.saidFailed(backfill?.path)) return;
      this.notices.error({
        kind: 'file-failed',
        count: backfill?.events ?? 0,
        message: messageOf(err),
        ...(backfill && { file: backfill.path }),
      });
    }
  }
}
