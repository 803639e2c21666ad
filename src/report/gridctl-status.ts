import type {
  JsonlStatus,
  LockHolder,
  ReplayFilesResult,
  RunRecord,
  Signal,
} from '../engine/index.js';
import { plural } from '../words.js';
import { lastRunText, lockText } from './run-lines.js';

/** What `status --gridctl` prints with --json: a dry replay's result, by server and signal. */
export interface GridctlStatus {
  command: 'status';
  source: 'gridctl';
  statePath: string;
  /** Lines a replay would send now, in all and per signal. */
  pending: { lines: number; signals: Record<Signal, number> };
  /** Per `<stack>/<server>`: the lines pending per signal (only signals with any). */
  servers: { stack: string; server: string; pending: Partial<Record<Signal, number>> }[];
  /** Lines a replay would set aside as bad (not a gridctl or OTLP line). */
  bad: number;
  /** Files whose last line has no newline yet (left for a later run). */
  heldBack: string[];
  /** Files that could not be read, with why. */
  unreadable: { path: string; error: string }[];
  files: number;
  /** The last replay that sent with this state (its run log, in lines), or null. */
  lastRun: RunRecord | null;
  /** The replay holding the state now, if any (alive false: left by a run that died). */
  lock: LockHolder | null;
}

const SIGNAL_OF_NAME = /^(logs|metrics|traces)[-.]/;

/** A dry replay's result as the status of the gridctl directories it read, with its state's. */
export function gridctlStatus(r: ReplayFilesResult, state: JsonlStatus): GridctlStatus {
  const servers = new Map<string, GridctlStatus['servers'][number]>();
  for (const f of r.files) {
    const parts = f.path.split(/[\\/]/);
    const [stack, server, name] = parts.slice(-3) as [string, string, string];
    const signal = SIGNAL_OF_NAME.exec(name)?.[1] as Signal | undefined;
    const key = `${stack}/${server}`;
    let entry = servers.get(key);
    if (entry === undefined) servers.set(key, (entry = { stack, server, pending: {} }));
    if (signal !== undefined && f.sent > 0)
      entry.pending[signal] = (entry.pending[signal] ?? 0) + f.sent;
  }
  return {
    command: 'status',
    source: 'gridctl',
    statePath: r.statePath,
    pending: { lines: r.sentLines, signals: { ...r.signals } },
    servers: [...servers.values()],
    bad: r.badLines,
    heldBack: r.files.filter((f) => f.heldBack).map((f) => f.path),
    unreadable: r.files
      .filter((f) => f.error !== undefined)
      .map((f) => ({ path: f.path, error: f.error as string })),
    files: r.files.length,
    lastRun: state.lastRun,
    lock: state.lock,
  };
}

/** The status for a person. */
export function formatGridctlStatus(s: GridctlStatus, now: number): string {
  const perSignal = (counts: Partial<Record<Signal, number>>) =>
    (['logs', 'metrics', 'traces'] as const)
      .filter((k) => (counts[k] ?? 0) > 0)
      .map((k) => `${counts[k]} ${k}`)
      .join(', ');
  const lines = [
    `telemetry-sync status of gridctl telemetry (${plural(s.files, 'file')}; progress in ${s.statePath})`,
    `  pending    ${plural(s.pending.lines, 'line')}${s.pending.lines > 0 ? `: ${perSignal(s.pending.signals)}` : ''}`,
  ];
  const width = Math.max(0, ...s.servers.map((e) => `${e.stack}/${e.server}`.length));
  for (const e of s.servers) {
    const pending = perSignal(e.pending);
    lines.push(
      `    ${`${e.stack}/${e.server}`.padEnd(width)}  ${pending === '' ? 'nothing' : pending}`,
    );
  }
  if (s.bad > 0) lines.push(`  bad        ${plural(s.bad, 'line')} a replay would set aside`);
  for (const path of s.heldBack)
    lines.push(`  held back  ${path}: its last line has no newline yet`);
  for (const u of s.unreadable) lines.push(`  unreadable ${u.path}: ${u.error}`);
  lines.push(`  last run   ${lastRunText(s.lastRun, 'line')}`);
  lines.push(`  lock       ${lockText(s.lock, now, 'replay')}`);
  return `${lines.join('\n')}\n`;
}
