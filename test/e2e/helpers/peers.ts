/** The built peers (the global setup built or found them) and this test file's temp directory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { isExecutable, readPeers } from '../../../scripts/e2e/peers-lib.mjs';
import type { Peer } from '../../../scripts/e2e/peers-lib.mjs';

let peers: Peer[] | undefined;

/** Path of a peer's binary by name (`tokf`, `otelcol-e2e`, `otlpcheck`, ...). */
export function peerBin(name: string): string {
  peers ??= readPeers();
  const peer = peers.find((candidate) => name in candidate.bins);
  if (!peer) throw new Error(`no peer binary ${name} in test/e2e/peers.json`);
  const bin = peer.bins[name]!;
  // The global setup builds every peer, so a missing one here is a broken setup, not a skip.
  if (!isExecutable(bin))
    throw new Error(`${peer.name} ${peer.version} is not built (${bin}): run npm run e2e:peers`);
  return bin;
}

let tmpRoot: string | undefined;

/** A temp directory for this test file, removed by removeE2eTmpDir (kept with KEEP_E2E_TMP=1). */
export function e2eTmpDir(): string {
  tmpRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-sync-e2e-'));
  return tmpRoot;
}

export function removeE2eTmpDir(): void {
  if (!tmpRoot) return;
  if (process.env.KEEP_E2E_TMP) process.stderr.write(`e2e: kept ${tmpRoot}\n`);
  else fs.rmSync(tmpRoot, { recursive: true, force: true });
  tmpRoot = undefined;
}
