import type { SyncConfig } from '../config/sync-config.js';
import type { TokfEvent } from '../source/tokf-event.js';
import type { Notices } from './notices.js';
import type { Observed } from './observed.js';

/** What the age limits need of the run around them. */
export interface AgeLimitsParts {
  config: Pick<SyncConfig, 'maxAgeMs' | 'silentHorizon'>;
  now: () => number;
  notices: Notices;
  observed: Observed;
  /** Whether the run records progress (not a dry run or a file-only export). */
  recording: boolean;
  /** Sets events aside for good, with the reason recorded beside them. */
  setAside: (ids: number[], reason: string, file?: string) => void;
}

/**
 * The run's rules for old events, applied to each batch before it is sent: `--max-age`, and the
 * history a backend keeps without saying so (`--backend`'s silent horizon).
 */
export class AgeLimits {
  constructor(private readonly parts: AgeLimitsParts) {}

  /**
   * The events of `batch` to send. Events older than max-age go to the OTLP/JSON file only
   * (`file`, the path it is written to): where there is one they are set aside, so later runs do
   * not export them again; without a file they stay pending.
   */
  fresh(batch: TokfEvent[], file: string | undefined): TokfEvent[] {
    const fresh = this.withinMaxAge(batch, file);
    this.warnBeyondHistory(fresh);
    return fresh;
  }

  private withinMaxAge(batch: TokfEvent[], file: string | undefined): TokfEvent[] {
    const { config, now, notices, observed, recording } = this.parts;
    if (config.maxAgeMs === undefined) return batch;
    const oldest = (now() - config.maxAgeMs) / 1000;
    const old = batch.filter((e) => (e.epochSeconds as number) < oldest);
    if (old.length === 0) return batch;
    observed.tooOld += old.length;
    notices.warning({
      kind: 'too-old',
      count: old.length,
      firstId: old[0]?.id,
      ...(file !== undefined && { file }),
      setAside: file !== undefined && recording,
    });
    if (file !== undefined) {
      this.parts.setAside(
        old.map((e) => e.id),
        `older than max-age; exported to ${file} only`,
        file,
      );
    }
    const set = new Set(old);
    return batch.filter((e) => !set.has(e));
  }

  /**
   * A backend that drops points older than its history while answering success would count them
   * delivered here and show nothing there: said once per run, with how many.
   */
  private warnBeyondHistory(batch: TokfEvent[]): void {
    const { config, now, notices, recording } = this.parts;
    const horizon = config.silentHorizon;
    if (horizon === undefined || !recording) return;
    const oldest = (now() - horizon.ageMs) / 1000;
    const old = batch.filter((e) => (e.epochSeconds as number) < oldest);
    if (old.length === 0) return;
    notices.warning({
      kind: 'beyond-backend-history',
      count: old.length,
      firstId: old[0]?.id,
      message: horizon.backend,
    });
  }
}
