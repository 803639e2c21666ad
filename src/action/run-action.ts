import * as core from '@actions/core';
import { runMain } from './main.js';
import { runPost } from './post.js';
import { ActionStateError, isPost } from './state.js';
import { ACTION_V8_FLAGS, rerunWithBoundedHeap, restartWithBoundedHeap } from '../bounded-heap.js';

/** The main step or, with state from it, the post step. */
async function run(): Promise<void> {
  try {
    if (isPost()) await runPost();
    else await runMain();
  } catch (err) {
    // Not a bug of ours, but no reason to fail the user's job either.
    if (err instanceof ActionStateError) {
      core.warning(err.message, { title: 'telemetry-sync' });
      return;
    }
    // A bug of ours must not fail the user's job either.
    core.warning(
      `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      {
        title: 'telemetry-sync',
      },
    );
  }
}

/**
 * The action, once src/index.ts has checked the Node. The runner starts `node dist/index.js` with
 * no flags: the step becomes itself under the heap limits (src/bounded-heap.ts, the action's own
 * young generation), or runs as its child where the platform cannot exec.
 */
export async function runAction(): Promise<void> {
  restartWithBoundedHeap(ACTION_V8_FLAGS);
  const exitCode = rerunWithBoundedHeap(ACTION_V8_FLAGS);
  if (exitCode === undefined) await run();
  else process.exitCode = exitCode;
}
