// What the bench reads of a running process tree from /proc, sampled while it runs: the resident
// memory of the whole tree, and the CPU time of each of its threads by what the thread does.
// Linux only; elsewhere every sample is empty.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, almost always 100). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * Thread names as Node 24 and V8 set them, by the part of a sync each does: the process's first
 * thread (its id is the process's) reads, sends and records; a worker thread encodes; V8's
 * platform threads mark and sweep for the collector; libuv's pool compresses (and does file I/O).
 */
function roleOf(name, tid, pid) {
  if (tid === pid) return 'main';
  if (name === 'WorkerThread') return 'encoding';
  if (name === 'V8Worker') return 'gcHelpers';
  if (name === 'libuv-worker') return 'threadPool';
  return 'other';
}

export const THREAD_ROLES = ['main', 'encoding', 'gcHelpers', 'threadPool', 'other'];

/** The fields of a /proc stat line after its (name), and the name. */
function readStat(file) {
  const stat = fs.readFileSync(file, 'utf8');
  const close = stat.lastIndexOf(')');
  return {
    name: stat.slice(stat.indexOf('(') + 1, close),
    fields: stat.slice(close + 2).split(' '),
  };
}

/**
 * A sampler of the descendants of `pid` (the process started, e.g. GNU time, and what it runs):
 * `sample()` adds one reading, `peakRssKb` is the largest sum of their resident memory seen, and
 * `cpuMsByRole()` each thread's CPU time (user + system) at its last reading, summed by role. A
 * thread's last 100 ms or so can fall after the last sample; its CPU is then that much short.
 */
export function processTreeSampler(pid) {
  let peakRssKb = 0;
  /** tid -> { role, ms } */
  const threads = new Map();
  const descendants = () => {
    const children = new Map();
    for (const p of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(p)) continue;
      try {
        const ppid = Number(readStat(`/proc/${p}/stat`).fields[1]);
        children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
      } catch {
        // gone meanwhile
      }
    }
    const found = [];
    const todo = [...(children.get(pid) ?? [])];
    while (todo.length > 0) {
      const p = todo.pop();
      found.push(p);
      todo.push(...(children.get(p) ?? []));
    }
    return found;
  };
  return {
    sample() {
      let kb = 0;
      let procs;
      try {
        procs = descendants();
      } catch {
        return;
      }
      for (const p of procs) {
        try {
          kb += Number(
            /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0,
          );
          for (const t of fs.readdirSync(`/proc/${p}/task`)) {
            const { name, fields } = readStat(`/proc/${p}/task/${t}/stat`);
            // utime and stime, the 14th and 15th fields of the line (11 and 12 after the name).
            const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
            threads.set(`${p}/${t}`, { role: roleOf(name, Number(t), p), ms });
          }
        } catch {
          // gone meanwhile
        }
      }
      peakRssKb = Math.max(peakRssKb, kb);
    },
    get peakRssKb() {
      return peakRssKb;
    },
    cpuMsByRole() {
      const by = Object.fromEntries(THREAD_ROLES.map((r) => [r, 0]));
      for (const { role, ms } of threads.values()) by[role] += ms;
      for (const r of THREAD_ROLES) by[r] = Math.round(by[r]);
      return by;
    },
  };
}
