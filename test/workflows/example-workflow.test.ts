/**
 * The example workflow as a first-time user copies it: it must not resend what earlier runs
 * delivered, and its Collector must be the version the end-to-end suite runs against.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const WORKFLOW = readFileSync('.github/workflows/example.yml', 'utf8');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
}

/** The steps of one job, read from the workflow's own indentation (jobs at 2, steps at 6). */
function steps(job: string): Step[] {
  const body = WORKFLOW.split(new RegExp(`^  ${job}:\\n`, 'm'))[1]!.split(/^ {2}\S/m)[0]!;
  const list = body.split(/^ {4}steps:\n/m)[1]!;
  return list
    .split(/^ {6}- /m)
    .slice(1)
    .map((text) => {
      const lines = `        ${text}`.split('\n');
      const step: Step = {};
      for (let i = 0; i < lines.length; i++) {
        const m = /^ {8}(id|name|uses|if|run): ?(.*)$/.exec(lines[i]!);
        if (m === null) continue;
        const [, key, value] = m as unknown as [string, keyof Step, string];
        if (key === 'run' && value === '|') {
          const block: string[] = [];
          while (i + 1 < lines.length && /^( {10}|$)/.test(lines[i + 1]!)) block.push(lines[++i]!);
          step.run = block.map((l) => l.slice(10)).join('\n');
        } else step[key] = value;
      }
      return step;
    });
}

describe('the example workflow', () => {
  it('pins every service image to a version', () => {
    const images = [...WORKFLOW.matchAll(/^\s+image:\s*(\S+)$/gm)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images)
      expect(image).toMatch(/^otel\/opentelemetry-collector:\d+\.\d+\.\d+$/);
  });

  it('seeds the sample database only when the action restored none', () => {
    const list = steps('post-step');
    const action = list.find((s) => s.uses === './');
    expect(action?.id).toBeDefined();
    const seeding = list.filter((s) => s.run?.includes('tokf-sample.db'));
    expect(seeding).toHaveLength(1);
    expect(seeding[0]!.if).toBe(`steps.${action!.id}.outputs.restored-from == 'none'`);
  });

  it('adds a new row to a restored database, leaving the rows it holds as they were', () => {
    const list = steps('post-step');
    const action = list.find((s) => s.uses === './')!;
    const adding = list.find((s) => s.if === `steps.${action.id}.outputs.restored-from != 'none'`);
    expect(adding?.run).toBeDefined();
    const home = mkdtempSync(join(tmpdir(), 'example-home-'));
    const db = join(home, '.local', 'share', 'tokf', 'tracking.db');
    mkdirSync(join(db, '..'), { recursive: true });
    copyFileSync('test/fixtures/tokf-sample.db', db);
    const before = rows(db);
    execFileSync('bash', ['-e', '-c', adding!.run!], {
      env: { PATH: process.env.PATH, HOME: home },
    });
    const after = rows(db);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ id: before.length + 1, command: 'npm run build' });
  });
});

function rows(path: string): Record<string, unknown>[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare('SELECT * FROM events ORDER BY id').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
