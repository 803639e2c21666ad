import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeDirectory } from '../../src/output/directory.js';
import { itWhere } from '../helpers/needs.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'make-dir-'));
  dirs.push(d);
  return d;
}

describe('makeDirectory', () => {
  it('makes the missing directories of a path, and accepts one that exists', () => {
    const root = tmp();
    const deep = join(root, 'a', 'b', 'c');
    makeDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(() => makeDirectory(deep)).not.toThrow();
    expect(() => makeDirectory(root)).not.toThrow();
  });

  it('refuses a path through a file', () => {
    const root = tmp();
    writeFileSync(join(root, 'file'), '');
    expect(() => makeDirectory(join(root, 'file'))).toThrow(/not a directory/);
    expect(() => makeDirectory(join(root, 'file', 'sub'))).toThrow(/not a directory/);
  });

  const withProc = itWhere(
    existsSync('/proc/self'),
    'no /proc on this machine (Linux has one): the /proc/x check of makeDirectory is not run',
  );
  withProc(
    'fails at once where a parent refuses children (/proc/x), where Node loops for ever',
    () => {
      const started = Date.now();
      expect(() => makeDirectory('/proc/telemetry-sync-test/x')).toThrow(/ENOENT/);
      expect(Date.now() - started).toBeLessThan(1000);
      // What this replaces, for the record: Node's recursive mkdir does not return there.
      const node = spawnSync(
        process.execPath,
        ['-e', "require('fs').mkdirSync('/proc/telemetry-sync-test/x', { recursive: true })"],
        { timeout: 1500 },
      );
      expect(node.signal).toBe('SIGTERM');
    },
  );

  it('resolves a relative path', () => {
    const root = tmp();
    const cwd = process.cwd();
    process.chdir(root);
    try {
      makeDirectory('rel/dir');
    } finally {
      process.chdir(cwd);
    }
    expect(statSync(resolve(root, 'rel', 'dir')).isDirectory()).toBe(true);
  });
});
