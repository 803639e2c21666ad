import type { ProgressRecorder } from '../progress/recorder.js';
import { messageOf } from '../errors.js';
import type { TokfEvent } from '../source/tokf-event.js';
import type { DeliveryStats } from './delivery-stats.js';
import type { HeldForFile } from './files-for-later.js';
import type { Notices } from './notices.js';

/** How events refused for their time are kept, and said (see keepInFile). */
export interface KeepHow {
  kept: 'too-old-for-endpoint' | 'behind-endpoint';
  unsent: 'too-old-unsent' | 'behind-endpoint';
  reason: string;
  status: number | null;
  stat: 'tooOldForEndpoint' | 'behindEndpoint';
}

/** Older than the endpoint keeps (`said`: the refusal in words). */
export function tooOldForEndpoint(said: string, status: number | null): KeepHow {
  return {
    kept: 'too-old-for-endpoint',
    unsent: 'too-old-unsent',
    reason: `too old for this endpoint (${said})`,
    status,
    stat: 'tooOldForEndpoint',
  };
}

/** Behind newer samples of its series the endpoint holds (delta, logs, spans). */
export function behindEndpoint(said: string): KeepHow {
  return {
    kept: 'behind-endpoint',
    unsent: 'behind-endpoint',
    reason: `behind newer samples the endpoint holds (${said})`,
    status: null,
    stat: 'behindEndpoint',
  };
}

/**
 * Events the endpoint will not take for their time, not their data: set aside as kept in the
 * run's file (named in the row, so that status can check it still holds them), or, without a
 * file, left pending with an error saying so. Returns what to report when recording that failed
 * (the delivery then stops), else undefined.
 */
export function keepInFile(
  parts: {
    recorder: ProgressRecorder;
    notices: Notices;
    allFile: string | undefined;
    /** Instead of setting aside at once, where the file is kept only later (see DeliveryParts). */
    heldForFile?: HeldForFile | undefined;
    stats: DeliveryStats;
  },
  events: readonly TokfEvent[],
  said: string,
  how: KeepHow,
): string | undefined {
  const { recorder, notices, allFile: file, heldForFile, stats } = parts;
  const firstId = events[0]?.id;
  if (file === undefined) {
    stats.tooOldUnsent += events.length;
    notices.error({ kind: how.unsent, count: events.length, firstId, message: said });
    return undefined;
  }
  try {
    const rejection = { reason: `${how.reason}; kept in ${file}`, status: how.status, file };
    const ids = events.map((e) => e.id);
    if (heldForFile !== undefined) heldForFile.hold(ids, rejection);
    else recorder.setAside(ids, rejection);
  } catch (err) {
    return `${said}; recording that failed: ${messageOf(err)}`;
  }
  stats[how.stat] += events.length;
  notices.warning({
    kind: how.kept,
    count: events.length,
    firstId,
    message: said,
    file,
    setAside: true,
  });
  return undefined;
}
