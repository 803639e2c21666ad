import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleIsFresh, writeStamp } from '../../scripts/bundle-stamp.mjs';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bundle-stamp-'));
  mkdirSync(join(root, 'src', 'engine'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'src', 'engine', 'sync.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'package-lock.json'), '{}');
  writeFileSync(join(root, 'dist', 'cli.js'), 'bundle 1');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the bundle stamp the integration suites check', () => {
  it('is stale until a bundle was recorded', () => {
    expect(bundleIsFresh(root)).toBe(false);
    writeStamp(root);
    expect(bundleIsFresh(root)).toBe(true);
  });

  it('goes stale when a source changes, is added, or the lock file changes', () => {
    writeStamp(root);
    writeFileSync(join(root, 'src', 'engine', 'sync.ts'), 'export const a = 2;\n');
    expect(bundleIsFresh(root)).toBe(false);
    writeStamp(root);
    writeFileSync(join(root, 'src', 'engine', 'new.ts'), '');
    expect(bundleIsFresh(root)).toBe(false);
    writeStamp(root);
    writeFileSync(join(root, 'package-lock.json'), '{"x":1}');
    expect(bundleIsFresh(root)).toBe(false);
  });

  it('goes stale when dist/ is not what the last bundle wrote', () => {
    writeStamp(root);
    writeFileSync(join(root, 'dist', 'cli.js'), 'bundle from another commit');
    expect(bundleIsFresh(root)).toBe(false);
  });
});
