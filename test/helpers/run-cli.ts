/** The committed CLI bundle run as users run it, and a file's fingerprint for "nothing changed". */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI = resolve('dist/cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Where tokf's config.toml is looked for (Linux): an empty place, so that a developer's own tokf
 * configuration (a `service_name`, say) does not change what the tests expect.
 */
const NO_TOKF_CONFIG = join(tmpdir(), 'telemetry-sync-tests-no-config');

/** Runs `node dist/cli.js ...args` with a minimal environment plus `env`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runNode(CLI, args, { XDG_CONFIG_HOME: NO_TOKF_CONFIG, ...env });
}

/** Runs `node file ...args` with PATH and HOME plus `env`, its output gathered. */
export function runNode(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [file, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * The CLI bundle as committed at `commit` (read from git), written to `dir` with its package.json
 * marker; the path of its cli.js. For tests that make a database the way an older version did.
 */
export function cliBundleAt(commit: string, dir: string): string {
  for (const file of ['cli.js', 'package.json'])
    writeFileSync(
      join(dir, file),
      execFileSync('git', ['show', `${commit}:dist/${file}`], { maxBuffer: 64 << 20 }),
    );
  return join(dir, 'cli.js');
}

export function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
