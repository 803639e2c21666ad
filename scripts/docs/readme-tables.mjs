// Regenerates the README's tables of flags, action inputs and outputs (npm run docs) from the
// settings table and action.yml. With --check it changes nothing and exits 1 when they are stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

// Node runs the TypeScript sources as they are, but they import each other as `.js` (the names
// tsc and the bundler expect): point those imports at the `.ts` files that exist instead.
registerHooks({
  resolve(specifier, context, next) {
    if (/^\.{1,2}\/.*\.js$/.test(specifier) && context.parentURL?.endsWith('.ts')) {
      const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(fileURLToPath(ts))) return next(ts.href, context);
    }
    return next(specifier, context);
  },
});

const { renderReadme } = await import('./tables.ts');

const readme = readFileSync('README.md', 'utf8');
const next = renderReadme(readme, readFileSync('action.yml', 'utf8'));
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md tables are stale: run npm run docs');
    process.exitCode = 1;
  }
} else if (next !== readme) {
  writeFileSync('README.md', next);
  console.log('README.md: tables regenerated');
}
