import * as core from '@actions/core';
import { buildSyncConfig } from '../config/build-config.js';
import { SETTINGS } from '../config/settings.js';
import { inputLabel, readActionInputs, type ActionInputs } from './inputs.js';
import { messageOf } from '../errors.js';
import { secretValues } from './secrets.js';
import { checkInputNames } from './unknown-inputs.js';

/**
 * Masks every secret before anything is logged, then validates. A bad input, or one action.yml
 * does not declare (see unknown-inputs.ts), is a configuration error that every run would repeat:
 * it fails the step with its message, whatever fail-on-error says (that governs delivery), and the
 * step does nothing else. The post step only notes it: the
 * main step has failed on it already.
 */
export function readInputsOrReport(step: 'main' | 'post' = 'main'): ActionInputs | undefined {
  const getInput = (name: string) => core.getInput(name);
  const raw = {
    headers: getInput(SETTINGS.headers.input),
    endpoint: getInput(SETTINGS.endpoint.input),
    metricsEndpoint: getInput(SETTINGS.metricsEndpoint.input),
  };
  for (const secret of secretValues(raw, process.env)) core.setSecret(secret);
  try {
    checkInputNames(process.env);
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
    if (step === 'main') core.setFailed(`telemetry-sync: ${messageOf(err)}`);
    else core.info(`telemetry-sync did nothing: ${messageOf(err)} (reported by the main step)`);
    return undefined;
  }
}
