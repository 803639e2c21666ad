import * as core from '@actions/core';
import { State } from './action/constants.js';
import { runMain } from './action/main.js';
import { runPost } from './action/post.js';
import { rerunWithBoundedHeap, restartWithBoundedHeap } from './bounded-heap.js';

/**
 * The action's one bundle, run twice: as the main step and, with state from it, as the post step
 * (as actions/checkout does), so both share one copy of the toolkit.
 */
async function run(): Promise<void> {
  try {
    if (core.getState(State.IsPost) === 'true') await runPost();
    else await runMain();
  } catch (err) {
    // A bug of ours must not fail the user's job either.
    core.warning(
      `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      {
        title: 'telemetry-sync',
      },
    );
  }
}

// The runner starts `node dist/index.js` with no flags: the step becomes itself under the heap
// limits (src/bounded-heap.ts), or runs as its child where the platform cannot exec.
restartWithBoundedHeap();
const exitCode = rerunWithBoundedHeap();
if (exitCode === undefined) await run();
else process.exitCode = exitCode;
