import * as core from '@actions/core';
import { Inputs } from './constants.js';
import { buildSyncConfig } from '../config/build-config.js';
import { SETTINGS } from '../config/settings.js';
import { inputLabel, readActionInputs, type ActionInputs } from './inputs.js';
import { reportProblems } from './report-phase.js';
import { messageOf } from './restore.js';
import { secretValues } from './secrets.js';

/**
 * Masks every secret before anything is logged, then validates. A bad input is a warning (or a
 * failure with fail-on-error) and the step does nothing else.
 */
export function readInputsOrReport(): ActionInputs | undefined {
  const getInput = (name: string) => core.getInput(name);
  const raw = {
    headers: getInput(SETTINGS.headers.input),
    endpoint: getInput(SETTINGS.endpoint.input),
    metricsEndpoint: getInput(SETTINGS.metricsEndpoint.input),
  };
  for (const secret of secretValues(raw, process.env)) core.setSecret(secret);
  try {
    const inputs = readActionInputs(getInput, process.env);
    // The engine's settings are checked here too, so that a bad one stops the main step at once
    // rather than surfacing only when the post step syncs.
    buildSyncConfig(
      { ...inputs.settings, otlpJsonOut: 'unused' },
      process.env,
      Date.now(),
      inputLabel,
    );
    return inputs;
  } catch (err) {
    const failOnError = /^(true|True|TRUE)$/.test(getInput(Inputs.FailOnError).trim());
    reportProblems([messageOf(err)], failOnError);
    return undefined;
  }
}
