// Lets a script import the TypeScript sources as they are: Node 24 strips their types, but they
// import each other as `.js` (the names tsc and the bundler expect), so those imports are pointed
// at the `.ts` files that exist instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

export function resolveTsSources() {
  registerHooks({
    resolve(specifier, context, next) {
      if (/^\.{1,2}\/.*\.js$/.test(specifier) && context.parentURL?.endsWith('.ts')) {
        const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
        if (existsSync(fileURLToPath(ts))) return next(ts.href, context);
      }
      return next(specifier, context);
    },
  });
}

/**
 * Runs this script again with Node's full TypeScript transform (the sources use parameter
 * properties, which type stripping alone refuses) and `flags`, and exits with its status; returns
 * at once when this run already has it.
 */
export function rerunWithTransformTypes(flags = []) {
  if (process.execArgv.includes('--experimental-transform-types')) return;
  const run = spawnSync(
    process.execPath,
    [
      '--experimental-transform-types',
      '--no-warnings=ExperimentalWarning',
      ...flags,
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit' },
  );
  process.exit(run.status ?? 1);
}
