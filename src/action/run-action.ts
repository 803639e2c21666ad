import * as core from '@actions/core';
import { runMain } from './main.js';
import { runPost } from './post.js';
import { ActionStateError, isPost } from './state.js';
import { Inputs } from './constants.js';
import {
  ACTION_V8_FLAGS,
  rerunWithBoundedHeap,
  restartWithBoundedHeap,
  V8_FLAGS,
} from '../bounded-heap.js';

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
 * The step's heap limits: the command's, under which a long sync encodes on a second thread,
 * unless the step writes every event to the artifact's OTLP/JSON file as it goes
 * (`otlp-artifact: always`), which starts no such thread and runs faster with a larger young
 * generation (see ACTION_V8_FLAGS). With `on-failure` (the default) the file is spooled cheaply
 * and written only when it is uploaded, so the step is the command's sync. Read before the inputs
 * are checked: a misspelled value gets the command's limits, then its error.
 */
export function stepHeapFlags(): readonly string[] {
  return core.getInput(Inputs.OtlpArtifact) === 'always' ? ACTION_V8_FLAGS : V8_FLAGS;
}

/**
 * The action, once src/index.ts has checked the Node. The runner starts `node dist/index.js` with
 * no flags: the step becomes itself under the heap limits (src/bounded-heap.ts, see
 * stepHeapFlags), or runs as its child where the platform cannot exec.
 */
export async function runAction(): Promise<void> {
  const flags = stepHeapFlags();
  restartWithBoundedHeap(flags);
  const exitCode = rerunWithBoundedHeap(flags);
  if (exitCode === undefined) await run();
  else process.exitCode = exitCode;
}
