import * as core from '@actions/core';
import { isPost, markPost } from './action/state.js';
import { nodeTooOld } from './node-version.js';

/**
 * The action's one bundle, run twice: as the main step and, with state from it, as the post step
 * (as actions/checkout does), so both share one copy of the toolkit. Both check the Node first: a
 * runner may run a `node24` action on whatever `node` is on PATH (nektos/act does), and an older
 * one would crash on loading node:sqlite. Static imports are evaluated before the module's own
 * code, so everything that reaches node:sqlite is imported only after the check (the bundle keeps
 * it in a chunk of its own).
 */
const tooOld = nodeTooOld(process.versions.node);
if (tooOld === undefined) {
  const { runAction } = await import('./action/run-action.js');
  await runAction();
} else if (isPost()) {
  core.info(`telemetry-sync did nothing: ${tooOld} (reported by the main step)`);
} else {
  // Like a bad input: every run on this runner would repeat it, and nothing can be sent. The post
  // step, told it is one, then only notes it.
  markPost();
  core.setFailed(`telemetry-sync: ${tooOld}`);
}
