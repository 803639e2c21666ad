// Jest global setup of the end-to-end suite: a fresh bundle of src/ (the suite runs dist/cli.js),
// then every pinned peer built or found by scripts/e2e/peers.mjs. A peer that cannot be built
// fails the whole run with the build tool's own last lines (a registry refusing a pinned version
// says so there): the suite never skips for want of a peer.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import freshBundle from '../setup/fresh-bundle.mjs';

const PEERS_SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../scripts/e2e/peers.mjs',
);

export default async function e2eGlobalSetup() {
  freshBundle();
  process.stderr.write('\n');
  const { code, stderr } = await new Promise((resolve, reject) => {
    // stdout (the JSON summary) is not needed: the suite finds the binaries from the pins.
    const child = spawn(process.execPath, [PEERS_SCRIPT], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    // Passed through as it comes: a cold build takes many minutes and should be seen to progress.
    child.stderr.on('data', (d) => {
      err += d;
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, stderr: err }));
  });
  if (code !== 0) {
    const at = stderr.lastIndexOf('[e2e:peers] failed:');
    const failure = at === -1 ? stderr.slice(-4000) : stderr.slice(at);
    throw new Error(`the e2e peers could not be built, so the suite cannot run:\n${failure}`);
  }
}
