/**
 * GitHub's CI (.github/workflows/ci.yml) proves what .ci/run proves: every npm command .ci/run
 * runs, ci.yml runs too, and the peers it needs come from a cache keyed on what they are built
 * from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/workflows/snippets.mjs';

const ciRun = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8');
const ciYml = readFileSync(join(REPO_ROOT, '.github/workflows/ci.yml'), 'utf8');

/** `npm ci`, `npm test`, `npm run NAME` of a shell text (comments left out), in order. */
function npmCommands(text: string): string[] {
  const code = text
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n');
  return [...code.matchAll(/\bnpm (ci|test|run [\w:-]+)/g)].map((m) => m[1]!);
}

describe('ci.yml and .ci/run', () => {
  it('run the same npm commands: types, lint, actionlint, bundle, tests, end-to-end, demo', () => {
    const local = npmCommands(ciRun);
    expect(local).toEqual(
      expect.arrayContaining([
        'ci',
        'run typecheck',
        'run lint',
        'run lint:workflows',
        'run bundle',
        'test',
        'run test:e2e',
        'run demo',
      ]),
    );
    const github = new Set(npmCommands(ciYml));
    expect(local.filter((c) => !github.has(c))).toEqual([]);
  });

  it('both fail when dist/ is not a fresh bundle', () => {
    for (const text of [ciRun, ciYml]) {
      expect(text).toContain('npm run bundle');
      expect(text).toContain('git status --porcelain -- dist');
    }
  });

  it('ci.yml restores the peers keyed on their pins and the files they are built from, and saves them once built', () => {
    const key = /key: e2e-peers-\$\{\{ runner\.os \}\}-\$\{\{ hashFiles\(([^)]*)\) \}\}/.exec(
      ciYml,
    );
    expect(key).not.toBeNull();
    const files = [...key![1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    // The pins, the Collector's manifest and otlpcheck's sources: what peers-lib.mjs hashes.
    expect(files).toEqual(
      expect.arrayContaining([
        'test/e2e/peers.json',
        'test/e2e/builder-config.yaml',
        'test/e2e/otlpcheck/**',
      ]),
    );
    const peers = JSON.parse(readFileSync(join(REPO_ROOT, 'test/e2e/peers.json'), 'utf8')).peers;
    for (const spec of Object.values<{ kind: string; manifest?: string; dir?: string }>(peers)) {
      if (spec.manifest !== undefined) expect(files).toContain(`test/e2e/${spec.manifest}`);
      if (spec.dir !== undefined) expect(files).toContain(`test/e2e/${spec.dir}/**`);
    }
    expect(ciYml).toContain('uses: actions/cache/restore@');
    expect(ciYml).toContain('uses: actions/cache/save@');
    expect(ciYml).toContain('path: ~/.cache/telemetry-sync/peers');
    // Built before the suites that need them; older pins dropped so that the cache does not grow.
    expect(ciYml.indexOf('npm run e2e:peers -- --prune')).toBeLessThan(
      ciYml.indexOf('npm run test:e2e'),
    );
  });
});
