// Bundles each entry point into one committed file under dist/ (the action runs dist/, not src/).
// ncc's API gives the code and its assets, so the output names are ours: dist/<entry>.js.
import ncc from '@vercel/ncc';
import { mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeStamp } from './bundle-stamp.mjs';

// The action (main and post steps) and the CLI; each bundle lists the licences of what it holds.
const ENTRIES = { index: 'src/index.ts', cli: 'src/cli.ts' };

// Everything is bundled in memory first: a source that does not compile leaves dist/ as it was.
const outputs = new Map();
for (const [name, input] of Object.entries(ENTRIES)) {
  const { code, assets } = await ncc(join(process.cwd(), input), {
    license: `${name}.licenses.txt`,
    quiet: true,
    sourceMap: false,
  });
  outputs.set(`${name}.js`, code);
  // Every bundle has the same package.json marker ({"type":"module"}).
  for (const [file, asset] of Object.entries(assets ?? {})) outputs.set(file, asset.source);
}
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
for (const [file, content] of outputs) {
  const target = join('dist', file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  if (file.endsWith('.js')) chmodSync(target, 0o755);
}
writeStamp();
