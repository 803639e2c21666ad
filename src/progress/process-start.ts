import { readFileSync } from 'node:fs';

/** Where the kernel tells this boot apart from the last (Linux). */
const BOOT_ID = '/proc/sys/kernel/random/boot_id';
/** The starttime field of /proc/<pid>/stat, counted from 1 as proc(5) does. */
const STARTTIME_FIELD = 22;

/**
 * Whether a process runs, and which one it is: `started` with a value that differs between two
 * processes that had the same pid (Linux: the boot and the start time in clock ticks since boot,
 * field 22 of /proc/<pid>/stat); `running` where only that some process has the pid can be seen;
 * `gone` when none has.
 */
export type ProcessState = { kind: 'started'; at: string } | { kind: 'running' } | { kind: 'gone' };

export function processStart(pid: number): ProcessState {
  if (!Number.isSafeInteger(pid) || pid <= 0) return { kind: 'gone' };
  if (process.platform === 'linux') {
    const at = linuxStart(pid);
    if (at !== undefined) return at;
  }
  try {
    process.kill(pid, 0);
    return { kind: 'running' };
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? { kind: 'running' } : { kind: 'gone' };
  }
}

/** undefined when /proc cannot say (not mounted, hidden): then only the pid is checked. */
function linuxStart(pid: number): ProcessState | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // No such entry while /proc itself is there: no such process.
    if (code === 'ENOENT' || code === 'ESRCH') return procMounted() ? { kind: 'gone' } : undefined;
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[STARTTIME_FIELD - 3];
  if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
  // A zombie has exited: what it held is not held.
  if (fields[0] === 'Z' || fields[0] === 'X') return { kind: 'gone' };
  return { kind: 'started', at: `${bootId()}:${ticks}` };
}

function procMounted(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

let boot: string | undefined;
function bootId(): string {
  if (boot === undefined) {
    try {
      boot = readFileSync(BOOT_ID, 'utf8').trim();
    } catch {
      boot = 'unknown-boot';
    }
  }
  return boot;
}
