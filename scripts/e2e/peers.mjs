#!/usr/bin/env node
/**
 * Build (or find) the peers of the end-to-end suite and cache them outside the repository:
 *
 * - ocb, the OpenTelemetry Collector Builder, with `go install` into the cache;
 * - a Collector built by ocb from test/e2e/builder-config.yaml;
 * - tokf from crates.io with its OpenTelemetry feature, with `cargo install --locked`.
 *
 * Needs only Go and cargo (and their registries). Go's module and build caches and cargo's target
 * directory are kept in the cache directory too (see scripts/e2e/peers-lib.mjs), so only the first
 * run on a machine pays for the builds. Each build goes to a temporary directory renamed into
 * place on success, so an interrupted build is never mistaken for a finished one.
 *
 *   node scripts/e2e/peers.mjs           build what is missing, print the times
 *   node scripts/e2e/peers.mjs --check   build nothing; exit 1 if a peer is missing
 *   node scripts/e2e/peers.mjs --force   rebuild ocb, the Collector and tokf
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { MANIFEST, cacheRoot, findPeers, peerPaths, readPins } from './peers-lib.mjs';

const args = new Set(process.argv.slice(2));
for (const arg of args) {
  if (!['--check', '--force'].includes(arg)) {
    console.error(`peers: unknown argument ${arg} (use --check or --force)`);
    process.exit(2);
  }
}
const force = args.has('--force');

function log(message) {
  console.error(`[e2e:peers] ${message}`);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Run a command with inherited output; reject on a non-zero exit. */
function run(command, argv, options) {
  log(`$ ${command} ${argv.join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${argv[0]} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

function toolVersion(command, argv) {
  const result = spawnSync(command, argv, { encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  return (result.stdout || result.stderr).trim().split('\n')[0];
}

function goEnv(paths) {
  // -modcacherw: Go makes the module cache read-only by default, which stops `rm -rf` of the
  // cache directory; keep any GOFLAGS the machine already sets.
  const goflags = [process.env.GOFLAGS, '-modcacherw'].filter(Boolean).join(' ');
  return {
    ...process.env,
    GOPATH: paths.goPath,
    GOMODCACHE: path.join(paths.goPath, 'pkg', 'mod'),
    GOCACHE: paths.goCache,
    GOFLAGS: goflags,
  };
}

/** Build into `<dir>.tmp-<pid>` with `build(tmp)`, then rename it to `dir`. */
async function buildInto(dir, build) {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await build(tmp);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

async function timed(label, cached, build) {
  const start = performance.now();
  if (cached && !force) {
    log(`${label}: cached`);
    return { label, status: 'cached', ms: performance.now() - start };
  }
  await build();
  const ms = performance.now() - start;
  log(`${label}: built in ${seconds(ms)}`);
  return { label, status: 'built', ms };
}

async function main() {
  const pins = readPins();
  const paths = peerPaths(pins);
  const started = performance.now();
  log(`cache: ${cacheRoot()}`);

  if (args.has('--check')) {
    const found = findPeers();
    for (const line of found.missing) log(`missing: ${line}`);
    if (found.missing.length === 0) log(`found: ${found.collector} and ${found.tokf}`);
    process.exit(found.missing.length === 0 ? 0 : 1);
  }

  const go = toolVersion('go', ['version']);
  const cargo = toolVersion('cargo', ['--version']);
  log(`go: ${go ?? 'not found'}; cargo: ${cargo ?? 'not found'}`);
  fs.mkdirSync(paths.root, { recursive: true });

  const results = [];
  const ocbCached = fs.existsSync(paths.ocbBin);
  const collectorCached = fs.existsSync(paths.collectorBin);
  const tokfCached = fs.existsSync(paths.tokfBin);

  if (!go && (!collectorCached || force)) throw new Error('Go is needed to build the Collector');
  if (!cargo && (!tokfCached || force)) throw new Error('cargo is needed to build tokf');

  // ocb is needed only to build the Collector.
  if (!collectorCached || force) {
    results.push(
      await timed(`ocb ${pins.ocbVersion}`, ocbCached, () =>
        buildInto(paths.ocbDir, (tmp) =>
          run('go', ['install', `${pins.ocbModule}@${pins.ocbVersion}`], {
            env: { ...goEnv(paths), GOBIN: path.join(tmp, 'bin') },
          }),
        ),
      ),
    );
  }

  results.push(
    await timed(
      `Collector ${pins.collectorVersion} (manifest ${pins.manifestHash})`,
      collectorCached,
      () =>
        buildInto(paths.collectorDir, async (tmp) => {
          fs.copyFileSync(MANIFEST, path.join(tmp, 'builder-config.yaml'));
          // dist.output_path is relative (./dist): ocb writes the sources and the binary there.
          await run(paths.ocbBin, ['--config', path.join(tmp, 'builder-config.yaml')], {
            cwd: tmp,
            env: goEnv(paths),
          });
        }),
    ),
  );

  results.push(
    await timed(
      `tokf ${pins.tokfVersion} --features ${pins.tokfFeatures.join(',')}`,
      tokfCached,
      () =>
        buildInto(paths.tokfDir, (tmp) =>
          run(
            'cargo',
            [
              'install',
              pins.tokfCrate,
              '--version',
              `=${pins.tokfVersion}`,
              '--features',
              pins.tokfFeatures.join(','),
              '--locked',
              '--root',
              tmp,
            ],
            { env: { ...process.env, CARGO_TARGET_DIR: paths.cargoTarget } },
          ),
        ),
    ),
  );

  // Both must run: a binary that does not start is no peer.
  const collectorVersion = toolVersion(paths.collectorBin, ['--version']);
  const tokfVersion = toolVersion(paths.tokfBin, ['--version']);
  if (!collectorVersion) throw new Error(`${paths.collectorBin} --version failed`);
  if (!tokfVersion) throw new Error(`${paths.tokfBin} --version failed`);

  for (const r of results) log(`${r.label.padEnd(52)} ${r.status.padEnd(6)} ${seconds(r.ms)}`);
  log(`total ${seconds(performance.now() - started)}`);
  log(`collector: ${paths.collectorBin} (${collectorVersion})`);
  log(`tokf:      ${paths.tokfBin} (${tokfVersion})`);
  console.log(
    JSON.stringify({
      collector: paths.collectorBin,
      collectorVersion,
      ocbVersion: pins.ocbVersion,
      tokf: paths.tokfBin,
      tokfVersion,
      builds: results.map((r) => ({
        peer: r.label,
        status: r.status,
        seconds: +(r.ms / 1000).toFixed(1),
      })),
    }),
  );
}

main().catch((error) => {
  log(`failed: ${error.message}`);
  process.exit(1);
});
