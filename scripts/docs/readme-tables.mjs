// Regenerates the README's tables of flags, action inputs and outputs (npm run docs) from the
// settings table and action.yml. With --check it changes nothing and exits 1 when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolveTsSources } from '../ts-sources.mjs';

resolveTsSources();

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
