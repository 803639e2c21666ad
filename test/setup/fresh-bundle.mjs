// Jest global setup of the suites that run the bundles (dist/cli.js, dist/index.js): rebuild them
// when src/ changed since the last build, so that no test passes on a stale bundle.
import { spawnSync } from 'node:child_process';
import { bundleIsFresh } from '../../scripts/bundle-stamp.mjs';

export default function freshBundle() {
  if (bundleIsFresh()) return;
  process.stderr.write('\ndist/ is older than src/: bundling before the suites that run it\n');
  const run = spawnSync(process.execPath, ['scripts/bundle.mjs'], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`npm run bundle failed (exit ${run.status})`);
}
