// Bundles each entry point into committed files under dist/ (the action runs dist/, not src/).
// ncc's API gives the code and its assets, so the output names are ours: dist/<entry>.js, and for
// the action the chunks (<n>.index.js) that src/index.ts imports once it has checked the Node.
import ncc from '@vercel/ncc';
import { mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeStamp } from './bundle-stamp.mjs';

// The action (main and post steps) and the CLI; each bundle lists the licences of what it holds.
// Both start the metrics encoding thread from the script beside them (src/encode/encode-thread.ts).
const ENTRIES = {
  index: 'src/index.ts',
  cli: 'src/cli.ts',
  'encode-worker': 'src/encode/encode-worker.ts',
};

// The CLI needs node:sqlite, which Node 24 has: an older Node would die on loading it with
// ERR_UNKNOWN_BUILTIN_MODULE before any code of ours runs. The bundle loads it at module scope,
// not by a static import (its only one is "module"), so a check at the top of the file runs first
// and says what is wrong instead. Written for any Node: no syntax newer than Node 12's.
const NODE_GUARD = `if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write('telemetry-sync: error: Node.js 24 or newer is needed (for its built-in node:sqlite); this is Node ' + process.versions.node + '\\n');
  process.exit(2);
}
`;

/** Puts the guard after the shebang, before anything the bundle evaluates. */
function guarded(code) {
  const end = code.startsWith('#!') ? code.indexOf('\n') + 1 : 0;
  return code.slice(0, end) + NODE_GUARD + code.slice(end);
}

// Everything is bundled in memory first: a source that does not compile leaves dist/ as it was.
const outputs = new Map();
for (const [name, input] of Object.entries(ENTRIES)) {
  const { code, assets } = await ncc(join(process.cwd(), input), {
    license: `${name}.licenses.txt`,
    quiet: true,
    sourceMap: false,
  });
  outputs.set(`${name}.js`, name === 'cli' ? guarded(code) : code);
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
