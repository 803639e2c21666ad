/**
 * The end-to-end suite's peers (test/e2e/peers.json) and where they live on this machine. Shared
 * by scripts/e2e/peers.mjs, which builds them, and the suite, which finds them.
 *
 * Everything is cached outside the repository, under `$TELEMETRY_SYNC_CACHE_DIR/peers`, else
 * `$XDG_CACHE_HOME/telemetry-sync/peers`, else `~/.cache/telemetry-sync/peers`, one directory per
 * peer named after its version and a hash of its pins (and of the files it is built from), so a
 * changed pin is a new build and an unchanged one is found again. There is no way to point the
 * suite at binaries built elsewhere: the pins are what the suite's results are about.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is scripts/e2e/peers-lib.mjs). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const E2E_DIR = path.join(REPO_ROOT, 'test', 'e2e');

/** The manifest of pinned peers. */
export const PEERS_FILE = path.join(E2E_DIR, 'peers.json');

const COLLECTOR_MODULES =
  /^(go\.opentelemetry\.io\/collector\/|github\.com\/open-telemetry\/opentelemetry-collector-contrib\/)/;

export function cacheRoot() {
  const base =
    process.env.TELEMETRY_SYNC_CACHE_DIR ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'telemetry-sync');
  return path.join(path.resolve(base), 'peers');
}

function filesUnder(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(full) : [full];
    });
}

/** The files a peer is built from, beside its pins: they are part of its cache key. */
function inputFiles(spec) {
  if (spec.kind === 'ocb') return [path.join(E2E_DIR, spec.manifest)];
  if (spec.kind === 'go-build') return filesUnder(path.join(E2E_DIR, spec.dir));
  return [];
}

function versionOf(spec) {
  switch (spec.kind) {
    case 'ocb':
      return spec.builder.version;
    case 'go-build':
      return Object.values(spec.requires).join('+');
    case 'cargo-install':
    case 'go-install':
      return spec.version;
    default:
      throw new Error(`${PEERS_FILE}: unknown peer kind ${spec.kind}`);
  }
}

/** `module version` pairs of an ocb manifest's `gomod:` lines. */
function manifestModules(file) {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*-\s*gomod:\s*(\S+)\s+(\S+)/gm)].map((m) => [m[1], m[2]]);
}

/** Direct requirements of a go.mod, as a map. */
function goModRequires(file) {
  const text = fs.readFileSync(file, 'utf8');
  const requires = new Map();
  const direct = (line) => !line.includes('// indirect');
  for (const m of text.matchAll(/^require\s+(\S+)\s+(\S+)(.*)$/gm)) {
    if (direct(m[3])) requires.set(m[1], m[2]);
  }
  for (const block of text.matchAll(/^require\s*\(([^)]*)\)/gm)) {
    for (const line of block[1].split('\n')) {
      const m = /^\s*(\S+)\s+(\S+)(.*)$/.exec(line);
      if (m && direct(m[3])) requires.set(m[1], m[2]);
    }
  }
  return requires;
}

/**
 * Refuse pins that mix Collector releases: a Collector release is a v0.x for its unstable modules
 * and a v1.x for its stable ones, and the builder, every component and pdata must all be of it.
 */
function checkOneCollectorRelease(specs) {
  const collector = Object.values(specs).find((spec) => spec.kind === 'ocb');
  if (!collector) return;
  const release = new Set([collector.builder.version, collector.stableVersion]);
  const problems = [];
  for (const [module, version] of manifestModules(path.join(E2E_DIR, collector.manifest))) {
    if (COLLECTOR_MODULES.test(module) && !release.has(version))
      problems.push(`${collector.manifest}: ${module} ${version}`);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.kind !== 'go-build') continue;
    const goMod = goModRequires(path.join(E2E_DIR, spec.dir, 'go.mod'));
    for (const [module, version] of Object.entries(spec.requires)) {
      if (goMod.get(module) !== version)
        problems.push(
          `${spec.dir}/go.mod requires ${module} ${goMod.get(module)}, peers.json ${name} pins ${version}`,
        );
      if (COLLECTOR_MODULES.test(module) && !release.has(version))
        problems.push(`peers.json ${name}: ${module} ${version}`);
    }
  }
  if (problems.length > 0)
    throw new Error(
      `${PEERS_FILE}: Collector modules must all be of one release (${[...release].join(' / ')}):\n  ${problems.join('\n  ')}`,
    );
}

/**
 * @typedef {object} Peer
 * @property {string} name      key in peers.json
 * @property {object} spec      its entry in peers.json
 * @property {string} version
 * @property {string} dir       cache directory of this build
 * @property {Record<string, string>} bins  binary name -> path
 */

/** Every pinned peer with its cache directory and binaries. Throws on inconsistent pins. */
export function readPeers(root = cacheRoot()) {
  const { peers: specs } = JSON.parse(fs.readFileSync(PEERS_FILE, 'utf8'));
  checkOneCollectorRelease(specs);
  return Object.entries(specs).map(([name, spec]) => {
    const hash = createHash('sha256').update(JSON.stringify(spec));
    for (const file of inputFiles(spec)) {
      hash.update(path.relative(E2E_DIR, file)).update('\0').update(fs.readFileSync(file));
    }
    const version = versionOf(spec);
    const dir = path.join(root, `${name}-${version}-${hash.digest('hex').slice(0, 12)}`);
    const bins = Object.fromEntries(spec.bins.map((bin) => [bin, path.join(dir, 'bin', bin)]));
    return { name, spec, version, dir, bins };
  });
}

export function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function isBuilt(peer) {
  return Object.values(peer.bins).every(isExecutable);
}

/** Every binary of every peer by name, and the peers not built yet. */
export function findPeers(root = cacheRoot()) {
  const peers = readPeers(root);
  const bins = {};
  for (const peer of peers) Object.assign(bins, peer.bins);
  return { bins, missing: peers.filter((peer) => !isBuilt(peer)).map((peer) => peer.name), peers };
}
