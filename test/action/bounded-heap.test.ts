import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The module is run as the action runs it: a script started with no Node flags that calls it
// first thing. Node 24 strips the types of the source itself, so the real module is what runs.
const MODULE = path.resolve('src/action/bounded-heap.ts');

function runScript(env: NodeJS.ProcessEnv): {
  status: number | null;
  report: Record<string, unknown>;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bounded-heap-'));
  const script = path.join(dir, 'step.mjs');
  fs.writeFileSync(
    script,
    [
      `import { rerunWithBoundedHeap } from ${JSON.stringify(MODULE)};`,
      'const code = rerunWithBoundedHeap();',
      'if (code !== undefined) process.exit(code);',
      'console.log(JSON.stringify({ execArgv: process.execArgv, arena: process.env.MALLOC_ARENA_MAX,',
      '  mmap: process.env.MALLOC_MMAP_THRESHOLD_, pid: process.pid, ppid: process.ppid }));',
      'process.exit(7);',
    ].join('\n'),
  );
  const run = spawnSync(process.execPath, [script], { env, encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return { status: run.status, report: JSON.parse(line) as Record<string, unknown> };
}

describe('rerunWithBoundedHeap', () => {
  const base = { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1' };

  it('runs the step once more under the V8 limits and fixed malloc settings, and passes its exit code on', () => {
    const { status, report } = runScript(base);
    expect(status).toBe(7);
    expect(report.execArgv).toEqual([
      '--min-semi-space-size=8',
      '--max-semi-space-size=8',
      '--max-old-space-size=192',
    ]);
    expect(report.arena).toBe('2');
    expect(report.mmap).toBe('65536');
  });

  it("keeps the user's own malloc settings", () => {
    const { report } = runScript({ ...base, MALLOC_ARENA_MAX: '4' });
    expect(report.arena).toBe('4');
    expect(report.mmap).toBe('65536');
  });
});
