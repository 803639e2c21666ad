/**
 * Where the end-to-end peers (an ocb-built OpenTelemetry Collector and tokf built with its OTel
 * feature) live on this machine. Shared by scripts/e2e/peers.mjs, which builds them, and the e2e
 * suite, which only looks for them.
 *
 * Everything is cached outside the repository, under `$TELEMETRY_SYNC_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/telemetry-sync`, else `~/.cache/telemetry-sync`, in directories named after the
 * pinned versions (and, for the Collector, a hash of its manifest), so a changed pin is a new
 * build and an unchanged one is found again. `OTELCOL_E2E_BIN` and `TOKF_E2E_BIN` point the suite
 * at binaries built some other way.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is scripts/e2e/peers-lib.mjs). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The ocb manifest with the Collector's pinned components. */
export const MANIFEST = path.join(REPO_ROOT, 'test', 'e2e', 'builder-config.yaml');

/** Pins of ocb and tokf. */
export const PINS_FILE = path.join(REPO_ROOT, 'test', 'e2e', 'peers.json');

/** Name of the Collector binary (`dist.name` in the manifest). */
export const COLLECTOR_NAME = 'otelcol-e2e';

export function cacheRoot() {
  if (process.env.TELEMETRY_SYNC_CACHE_DIR)
    return path.resolve(process.env.TELEMETRY_SYNC_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'telemetry-sync');
}

/** The pinned versions, read from test/e2e/peers.json and the manifest. */
export function readPins() {
  const pins = JSON.parse(fs.readFileSync(PINS_FILE, 'utf8'));
  const manifest = fs.readFileSync(MANIFEST);
  const collectorVersion = /otlpreceiver (v[0-9][^\s]*)/.exec(manifest.toString())?.[1];
  if (!collectorVersion) throw new Error(`${MANIFEST}: no otlpreceiver pin`);
  return {
    ocbModule: pins.ocb.module,
    ocbVersion: pins.ocb.version,
    collectorVersion,
    manifestHash: createHash('sha256').update(manifest).digest('hex').slice(0, 12),
    tokfCrate: pins.tokf.crate,
    tokfVersion: pins.tokf.version,
    tokfFeatures: pins.tokf.features,
  };
}

/** Every path the build uses, keyed by the pins. */
export function peerPaths(pins = readPins(), root = cacheRoot()) {
  const ocbDir = path.join(root, `ocb-${pins.ocbVersion}`);
  const collectorDir = path.join(root, `otelcol-${pins.collectorVersion}-${pins.manifestHash}`);
  const tokfDir = path.join(root, `tokf-${pins.tokfVersion}-${pins.tokfFeatures.join('+')}`);
  return {
    root,
    goPath: path.join(root, 'go'),
    goCache: path.join(root, 'go', 'build-cache'),
    cargoTarget: path.join(root, 'cargo-target'),
    ocbDir,
    ocbBin: path.join(ocbDir, 'bin', 'builder'),
    collectorDir,
    collectorBin: path.join(collectorDir, 'dist', COLLECTOR_NAME),
    tokfDir,
    tokfBin: path.join(tokfDir, 'bin', 'tokf'),
  };
}

function executable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The peers if they are built (or given by OTELCOL_E2E_BIN / TOKF_E2E_BIN), with what is missing.
 * @returns {{ collector: string | null, tokf: string | null, missing: string[], pins: ReturnType<typeof readPins>, paths: ReturnType<typeof peerPaths> }}
 */
export function findPeers() {
  const pins = readPins();
  const paths = peerPaths(pins);
  const collector = process.env.OTELCOL_E2E_BIN || paths.collectorBin;
  const tokf = process.env.TOKF_E2E_BIN || paths.tokfBin;
  const missing = [];
  if (!executable(collector)) missing.push(`Collector ${pins.collectorVersion} (${collector})`);
  if (!executable(tokf))
    missing.push(`tokf ${pins.tokfVersion} --features ${pins.tokfFeatures.join(',')} (${tokf})`);
  return {
    collector: executable(collector) ? collector : null,
    tokf: executable(tokf) ? tokf : null,
    missing,
    pins,
    paths,
  };
}
