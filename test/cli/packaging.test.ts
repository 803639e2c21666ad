/**
 * The CLI as npm ships it: what the package holds, `--version`, and what a Node without
 * node:sqlite is told. The old-Node test uses a real Node older than 24 from PATH (the machine's
 * own) and is skipped, saying so, only where none is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CLI, runCli } from '../helpers/run-cli.js';
import { itWhere } from '../helpers/needs.js';
import { VERSION } from '../../src/version.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

/** Every `node` on PATH older than 24, with its version. */
function oldNodes(): { path: string; version: string }[] {
  const found = new Map<string, string>();
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, 'node');
    if (dir === '' || !existsSync(path)) continue;
    const run = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    const version = run.stdout?.trim() ?? '';
    // One test per binary: /bin/node and /usr/bin/node are often the same file.
    if (run.status === 0 && Number(version.split('.')[0]) < 24)
      found.set(realpathSync(path), version);
  }
  return [...found].map(([path, version]) => ({ path, version }));
}

describe('the npm package', () => {
  it('can be published, and ships the CLI bundle (with the script of its encoding thread), README and LICENSE only', () => {
    expect(pkg.private).toBeUndefined();
    // The bundle carries what it uses: an install fetches nothing else.
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.license).toBe('MIT');
    expect(pkg.bin).toEqual({ 'telemetry-sync': 'dist/cli.js' });
    expect(pkg.engines.node).toBe('>=24');
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License/);
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as { files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path).sort();
    expect(files).toEqual([
      'LICENSE',
      'README.md',
      'dist/cli.js',
      'dist/cli.licenses.txt',
      // The metrics encoding thread's script, which the command starts beside it.
      'dist/encode-worker.js',
      'dist/encode-worker.licenses.txt',
      'package.json',
    ]);
  });

  it('--version gives the package version', async () => {
    for (const flag of ['--version', '-V', 'version']) {
      const run = await runCli([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${pkg.version}\n`);
    }
    expect(VERSION).toBe(pkg.version);
  });

  const old = oldNodes();
  if (old.length === 0) {
    itWhere(false, 'no Node older than 24 on this machine: the old-Node message is not checked')(
      'on a Node older than 24, says Node 24 is needed',
      () => {},
    );
  }
  it.each(old)(
    'on Node $version ($path), says Node 24 is needed instead of failing on node:sqlite',
    ({ path, version }) => {
      const expected = `telemetry-sync: error: Node.js 24 or newer is needed (for its built-in node:sqlite); this is Node ${version}\n`;
      for (const args of [['--version'], ['status'], ['sync', '--dry-run']]) {
        const run = spawnSync(path, [CLI, ...args], { encoding: 'utf8' });
        expect(run.status).toBe(2);
        expect(run.stderr).toBe(expected);
        expect(run.stdout).toBe('');
      }
      // Run as the installed command is: through its #! line, with that node first on PATH.
      const bin = spawnSync(CLI, ['--version'], {
        encoding: 'utf8',
        env: { PATH: `${join(path, '..')}${delimiter}/usr/bin:/bin` },
      });
      expect(bin.stderr).toBe(expected);
      expect(bin.status).toBe(2);
    },
  );
});
