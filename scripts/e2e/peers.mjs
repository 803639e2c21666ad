#!/usr/bin/env node
/**
 * Build (or find) the pinned peers of test/e2e/peers.json and cache them outside the repository
 * (see peers-lib.mjs for where). Kinds of peer:
 *
 * - ocb: the Collector Builder with `go install`, then a Collector from its manifest;
 * - go-build: a Go program of ours under test/e2e/ (its go.sum pins its modules);
 * - go-install: `go install module/package@version` (package `.`: the module's root);
 * - cargo-install: `cargo install --locked` from the crate registry.
 *
 * Needs Go and cargo and their registries, nothing else. Go's module and build caches and cargo's
 * target directory go to `<cache>/.work` and are removed once every build succeeded (about 6 GB
 * that only a rebuild would use), so what stays, and what a CI cache would keep, is the binaries.
 * Each build goes to a temporary directory renamed into place on success, so an interrupted build
 * is never mistaken for a finished one. Builds run one after the other: two cores are saturated by
 * one, and the time of each is then its own.
 *
 *   node scripts/e2e/peers.mjs            build what is missing; print {bins, builds} as JSON
 *   node scripts/e2e/peers.mjs --check    build nothing; exit 1 if a peer is missing
 *   node scripts/e2e/peers.mjs --force    rebuild every peer
 *   node scripts/e2e/peers.mjs --only a,b only these peers (names in peers.json)
 *   node scripts/e2e/peers.mjs --keep-work keep Go's and cargo's caches for the next rebuild
 *   node scripts/e2e/peers.mjs --prune    also remove builds of pins no longer in peers.json (what
 *                                         CI does before saving the cache, so it does not grow)
 *
 * A failed build exits 1 with the tool's last lines of output (a registry refusing a pinned
 * version says so there).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { E2E_DIR, cacheRoot, isBuilt, isExecutable, readPeers } from './peers-lib.mjs';

const USAGE = 'use --check, --force, --only NAME[,NAME], --keep-work, --prune';
const TAIL_LINES = 30;

function parseArgs(argv) {
  const options = { check: false, force: false, only: null, keepWork: false, prune: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') options.check = true;
    else if (arg === '--force') options.force = true;
    else if (arg === '--keep-work') options.keepWork = true;
    else if (arg === '--prune') options.prune = true;
    else if (arg === '--only' && argv[i + 1]) options.only = argv[++i].split(',');
    else throw new UsageError(`unknown argument ${arg} (${USAGE})`);
  }
  return options;
}

class UsageError extends Error {}

function log(message) {
  process.stderr.write(`[e2e:peers] ${message}\n`);
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Run a command, its output passed through to stderr; on failure, reject with its last lines, so
 * that whoever called the script sees why without scrolling back through a build log.
 */
function run(command, argv, options = {}) {
  log(`$ ${command} ${argv.join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = [];
    let partial = '';
    const keep = (chunk) => {
      process.stderr.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      tail = tail.concat(lines).slice(-TAIL_LINES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const last = tail.concat(partial ? [partial] : []).join('\n');
      reject(
        new Error(`${command} ${argv.join(' ')} failed (${signal ?? `exit ${code}`}):\n${last}`),
      );
    });
  });
}

function toolVersion(command, argv) {
  const result = spawnSync(command, argv, { encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  return `${result.stdout}${result.stderr}`.trim().split('\n')[0];
}

/** Where the build tools keep their caches, apart from the builds. */
const workDir = (root) => path.join(root, '.work');

function goEnv(root, extra = {}) {
  // -modcacherw: Go makes its module cache read-only, which would stop `rm -rf` of the cache.
  const goflags = [process.env.GOFLAGS, '-modcacherw'].filter(Boolean).join(' ');
  const go = path.join(workDir(root), 'go');
  return {
    ...process.env,
    GOPATH: go,
    GOMODCACHE: path.join(go, 'pkg', 'mod'),
    GOCACHE: path.join(go, 'build-cache'),
    GOFLAGS: goflags,
    ...extra,
  };
}

const BUILDERS = {
  async ocb(peer, tmp, root) {
    const { builder, manifest } = peer.spec;
    await run('go', ['install', `${builder.module}@${builder.version}`], {
      env: goEnv(root, { GOBIN: path.join(tmp, 'builder') }),
    });
    const config = path.join(tmp, path.basename(manifest));
    fs.copyFileSync(path.join(E2E_DIR, manifest), config);
    // The manifest's output_path is ./dist: the builder writes the sources and binary there.
    await run(path.join(tmp, 'builder', 'builder'), ['--config', config], {
      cwd: tmp,
      env: goEnv(root),
    });
    fs.mkdirSync(path.join(tmp, 'bin'));
    for (const bin of peer.spec.bins) {
      fs.renameSync(path.join(tmp, 'dist', bin), path.join(tmp, 'bin', bin));
    }
  },

  async 'go-build'(peer, tmp, root) {
    const src = path.join(tmp, 'src');
    fs.cpSync(path.join(E2E_DIR, peer.spec.dir), src, { recursive: true });
    // -mod=readonly: the committed go.sum must already pin everything; no silent upgrades.
    await run(
      'go',
      ['build', '-mod=readonly', '-o', path.join(tmp, 'bin', peer.spec.bins[0]), '.'],
      {
        cwd: src,
        env: goEnv(root),
      },
    );
  },

  async 'go-install'(peer, tmp, root) {
    const { module, version, packages } = peer.spec;
    // "." is the module's root package (act's main is there).
    const target = (p) => (p === '.' ? module : `${module}/${p}`);
    await run('go', ['install', ...packages.map((p) => `${target(p)}@${version}`)], {
      env: goEnv(root, { GOBIN: path.join(tmp, 'bin') }),
    });
  },

  async 'cargo-install'(peer, tmp, root) {
    const { crate, version, features } = peer.spec;
    const argv = ['install', crate, '--version', `=${version}`, '--locked', '--root', tmp];
    if (features.length > 0) argv.push('--features', features.join(','));
    await run('cargo', argv, {
      env: { ...process.env, CARGO_TARGET_DIR: path.join(workDir(root), 'cargo-target') },
    });
  },
};

const TOOL_OF_KIND = { ocb: 'go', 'go-build': 'go', 'go-install': 'go', 'cargo-install': 'cargo' };

/** Build into `<dir>.tmp-<pid>`, then rename that to `dir`. */
async function buildPeer(peer, root, force) {
  const tmp = `${peer.dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const started = performance.now();
  try {
    await BUILDERS[peer.spec.kind](peer, tmp, root);
    for (const bin of peer.spec.bins) {
      if (!isExecutable(path.join(tmp, 'bin', bin)))
        throw new Error(`the build made no bin/${bin}`);
    }
    const ms = performance.now() - started;
    const tool = TOOL_OF_KIND[peer.spec.kind];
    fs.writeFileSync(
      path.join(tmp, 'build.json'),
      `${JSON.stringify({ peer: peer.name, version: peer.version, seconds: +(ms / 1000).toFixed(1), builtAt: new Date().toISOString(), tool: toolVersion(tool, tool === 'go' ? ['version'] : ['--version']) }, null, 2)}\n`,
    );
    if (force || !isBuilt(peer)) fs.rmSync(peer.dir, { recursive: true, force: true });
    try {
      fs.renameSync(tmp, peer.dir);
    } catch (error) {
      // Another run finished the same build first: theirs is as good as ours.
      if (!isBuilt(peer)) throw error;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return ms;
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`building ${peer.name} ${peer.version}: ${error.message}`);
  }
}

function recordedSeconds(peer) {
  try {
    return JSON.parse(fs.readFileSync(path.join(peer.dir, 'build.json'), 'utf8')).seconds;
  } catch {
    return null;
  }
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Removes what is not a build of the current pins: older pins' directories, and temporary ones
 * left by an interrupted build. Go's and cargo's caches (.work) are left to --keep-work.
 */
function prune(root, peers) {
  if (!fs.existsSync(root)) return;
  const current = new Set(peers.map((peer) => path.basename(peer.dir)));
  for (const entry of fs.readdirSync(root)) {
    if (entry === path.basename(workDir(root)) || current.has(entry)) continue;
    const building = /\.tmp-(\d+)$/.exec(entry);
    if (building && isRunning(Number(building[1]))) continue; // another run's build in progress
    log(`pruning ${entry}: not a build of the pins in peers.json`);
    fs.rmSync(path.join(root, entry), { recursive: true, force: true });
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const root = cacheRoot();
  const all = readPeers(root);
  const unknown = (options.only ?? []).filter((name) => !all.some((peer) => peer.name === name));
  if (unknown.length > 0) throw new UsageError(`no peer ${unknown.join(', ')} in peers.json`);
  const peers = options.only ? all.filter((peer) => options.only.includes(peer.name)) : all;
  log(`cache: ${root}`);

  if (options.check) {
    const missing = peers.filter((peer) => !isBuilt(peer));
    for (const peer of missing) log(`missing: ${peer.name} ${peer.version} (${peer.dir})`);
    process.exit(missing.length === 0 ? 0 : 1);
  }

  const toBuild = peers.filter((peer) => options.force || !isBuilt(peer));
  for (const tool of new Set(toBuild.map((peer) => TOOL_OF_KIND[peer.spec.kind]))) {
    const version = toolVersion(tool, tool === 'go' ? ['version'] : ['--version']);
    if (!version)
      throw new Error(
        `${tool} is needed to build ${toBuild
          .filter((p) => TOOL_OF_KIND[p.spec.kind] === tool)
          .map((p) => p.name)
          .join(', ')}, and was not found`,
      );
    log(`${tool}: ${version}`);
  }
  fs.mkdirSync(root, { recursive: true });

  const started = performance.now();
  const builds = [];
  for (const peer of peers) {
    if (!toBuild.includes(peer)) {
      builds.push({
        peer: peer.name,
        version: peer.version,
        status: 'cached',
        seconds: 0,
        coldSeconds: recordedSeconds(peer),
      });
      continue;
    }
    log(`building ${peer.name} ${peer.version} into ${peer.dir}`);
    const ms = await buildPeer(peer, root, options.force);
    log(`${peer.name} ${peer.version}: built in ${seconds(ms)}`);
    builds.push({
      peer: peer.name,
      version: peer.version,
      status: 'built',
      seconds: +(ms / 1000).toFixed(1),
      coldSeconds: +(ms / 1000).toFixed(1),
    });
  }

  if (toBuild.length > 0 && !options.keepWork) {
    fs.rmSync(workDir(root), { recursive: true, force: true });
  }

  if (options.prune) prune(root, all);

  for (const b of builds) {
    const cold = b.coldSeconds === null ? '' : `   (built in ${b.coldSeconds} s)`;
    log(
      `${`${b.peer} ${b.version}`.padEnd(42)} ${b.status.padEnd(6)} ${b.seconds.toFixed(1)} s${b.status === 'cached' ? cold : ''}`,
    );
  }
  log(`total ${seconds(performance.now() - started)}`);
  const bins = Object.assign({}, ...peers.map((peer) => peer.bins));
  console.log(JSON.stringify({ root, bins, builds }));
}

main().catch((error) => {
  log(`failed: ${error.message}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
