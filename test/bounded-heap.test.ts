import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACTION_V8_FLAGS, MALLOC_ENV, V8_FLAGS } from '../src/bounded-heap.js';

// The module is run as the CLI and the action run it: a script started with plain `node` that
// calls it first thing. Node 24 strips the types of the source itself, so the real module is what
// runs.
const MODULE = path.resolve('src/bounded-heap.ts');
const LIMITS = ['--min-semi-space-size=2', '--max-semi-space-size=2', '--max-old-space-size=192'];

describe('the limits', () => {
  it("are the ones the command's shebang gives the telemetry-sync command", () => {
    const shebang = fs.readFileSync('src/cli.ts', 'utf8').split('\n')[0];
    const malloc = Object.entries(MALLOC_ENV).map(([k, v]) => `${k}=${v}`);
    expect(shebang).toBe(`#!/usr/bin/env -S ${[...malloc, 'node', ...V8_FLAGS].join(' ')}`);
    expect(V8_FLAGS).toEqual(LIMITS);
  });
});

interface Report {
  execArgv: string[];
  args: string[];
  arena?: string;
  mmap?: string;
  pid: number;
}

function runScript(
  call: 'restartWithBoundedHeap' | 'rerunWithBoundedHeap',
  env: NodeJS.ProcessEnv,
  nodeFlags: string[] = [],
  /** The limits asked for, as the action asks: its own flags; the command's by default. */
  flags: 'ACTION_V8_FLAGS' | '' = '',
): { status: number | null; pid: number | undefined; report: Report } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bounded-heap-'));
  const script = path.join(dir, 'step.mjs');
  fs.writeFileSync(
    script,
    [
      `import { ${call}, ACTION_V8_FLAGS } from ${JSON.stringify(MODULE)};`,
      `const code = ${call}(${flags});`,
      'if (code !== undefined) process.exit(code);',
      'console.log(JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2),',
      '  arena: process.env.MALLOC_ARENA_MAX, mmap: process.env.MALLOC_MMAP_THRESHOLD_,',
      '  pid: process.pid }));',
      'process.exit(7);',
    ].join('\n'),
  );
  const run = spawnSync(process.execPath, [...nodeFlags, script, 'sync', '--db', 'a b.db'], {
    env,
    encoding: 'utf8',
  });
  fs.rmSync(dir, { recursive: true, force: true });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return { status: run.status, pid: run.pid, report: JSON.parse(line) as Report };
}

describe('restartWithBoundedHeap', () => {
  const base = { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1' };

  it('becomes itself under the V8 limits and fixed malloc settings: same pid, arguments and exit code', () => {
    const { status, pid, report } = runScript('restartWithBoundedHeap', base);
    expect(status).toBe(7);
    expect(report.pid).toBe(pid);
    expect(report.execArgv).toEqual(LIMITS);
    expect(report.args).toEqual(['sync', '--db', 'a b.db']);
    expect(report.arena).toBe('2');
    expect(report.mmap).toBe('65536');
  });

  it("gives the action's step its own limits: semi-spaces of 8 MB, as it writes every event to its file", () => {
    const { status, pid, report } = runScript(
      'restartWithBoundedHeap',
      base,
      [],
      'ACTION_V8_FLAGS',
    );
    expect(status).toBe(7);
    expect(report.pid).toBe(pid);
    expect(report.execArgv).toEqual([...ACTION_V8_FLAGS]);
    expect(report.execArgv).toEqual([
      '--min-semi-space-size=8',
      '--max-semi-space-size=8',
      '--max-old-space-size=192',
    ]);
    expect(report.arena).toBe('2');
  });

  it("keeps the user's own malloc settings and Node flags", () => {
    const { report } = runScript('restartWithBoundedHeap', { ...base, MALLOC_ARENA_MAX: '4' }, [
      '--no-deprecation',
    ]);
    expect(report.execArgv).toEqual([...LIMITS, '--no-deprecation']);
    expect(report.arena).toBe('4');
    expect(report.mmap).toBe('65536');
  });

  it('leaves heap limits the user chose alone, on the command line or in NODE_OPTIONS', () => {
    const flagged = runScript('restartWithBoundedHeap', base, ['--max-old-space-size=512']);
    expect(flagged.report.execArgv).toEqual(['--max-old-space-size=512']);
    expect(flagged.report.arena).toBeUndefined();

    const optioned = runScript('restartWithBoundedHeap', {
      ...base,
      NODE_OPTIONS: '--max-old-space-size=512',
    });
    expect(optioned.report.execArgv).toEqual([]);
    expect(optioned.report.arena).toBeUndefined();
  });
});

describe('rerunWithBoundedHeap (where there is no execve)', () => {
  const base = { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1' };

  it('runs the step once more as a child under the limits and passes its exit code on', () => {
    const { status, pid, report } = runScript('rerunWithBoundedHeap', base);
    expect(status).toBe(7);
    expect(report.pid).not.toBe(pid);
    expect(report.execArgv).toEqual(LIMITS);
    expect(report.args).toEqual(['sync', '--db', 'a b.db']);
    expect(report.arena).toBe('2');
  });
});
