import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { signalOfName, walkGridctl } from '../../src/gridctl/layout.js';
import { UsageError } from '../../src/errors.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gridctl-layout-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function touch(...parts: string[]): void {
  mkdirSync(join(root, ...parts.slice(0, -1)), { recursive: true });
  writeFileSync(join(root, ...parts), '');
}

describe('gridctl file names (pkg/telemetry/inventory.go)', () => {
  it('takes the active files and lumberjack rotations, nothing else', () => {
    expect(signalOfName('logs.jsonl')).toBe('logs');
    expect(signalOfName('metrics-2026-04-30T12-00-00.000.jsonl')).toBe('metrics');
    expect(signalOfName('traces-2026-04-30T12-00-00.000.jsonl.gz')).toBe('traces');
    for (const name of [
      'logs-backup.jsonl',
      'logs.jsonl.gz',
      'events.jsonl',
      'metrics-2026-04-30T12-00-00.jsonl',
      'logs-2026-04-30T12-00-00.000.json',
    ])
      expect(signalOfName(name)).toBeUndefined();
  });
});

describe('walking a gridctl telemetry directory', () => {
  beforeEach(() => {
    touch('prod', 'b', 'metrics.jsonl');
    touch('prod', 'b', 'metrics-2026-05-02T00-00-00.000.jsonl.gz');
    touch('prod', 'b', 'metrics-2026-05-01T00-00-00.000.jsonl.gz');
    touch('prod', 'b', 'logs.jsonl');
    touch('prod', 'b', 'logs-backup.jsonl');
    touch('prod', 'b', 'traces.jsonl');
    touch('prod', 'a', 'traces.jsonl');
    touch('dev', 'a', 'logs-2026-05-01T00-00-00.000.jsonl');
    touch('dev', 'a', 'logs-2026-05-01T00-00-00.000.jsonl.gz');
  });
  const rel = (files: { path: string }[]) => files.map((f) => relative(root, f.path));

  it('from the root: stacks, servers, then per server logs, metrics, traces, each oldest first', () => {
    const files = walkGridctl(root);
    expect(rel(files)).toEqual([
      'dev/a/logs-2026-05-01T00-00-00.000.jsonl',
      'dev/a/logs-2026-05-01T00-00-00.000.jsonl.gz',
      'prod/a/traces.jsonl',
      'prod/b/logs.jsonl',
      'prod/b/metrics-2026-05-01T00-00-00.000.jsonl.gz',
      'prod/b/metrics-2026-05-02T00-00-00.000.jsonl.gz',
      'prod/b/metrics.jsonl',
      'prod/b/traces.jsonl',
    ]);
    expect(files[0]).toMatchObject({ stack: 'dev', server: 'a', signal: 'logs', gzip: false });
    expect(files[1]).toMatchObject({ gzip: true });
  });

  it('from a stack, from a server, and only the signals asked for', () => {
    expect(rel(walkGridctl(join(root, 'prod'), ['traces']))).toEqual([
      'prod/a/traces.jsonl',
      'prod/b/traces.jsonl',
    ]);
    const server = walkGridctl(join(root, 'prod', 'b'), ['metrics']);
    expect(server.map((f) => [f.stack, f.server])).toEqual([
      ['prod', 'b'],
      ['prod', 'b'],
      ['prod', 'b'],
    ]);
  });

  it('is a usage error where there is nothing of gridctl', () => {
    expect(() => walkGridctl(join(root, 'missing'))).toThrow(UsageError);
    expect(() => walkGridctl(join(root, 'prod', 'b', 'logs.jsonl'))).toThrow(/not a directory/);
    expect(() => walkGridctl(join(root, 'prod', 'a'), ['logs'])).toThrow(
      /no gridctl telemetry files/,
    );
  });
});
