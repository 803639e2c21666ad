import { SETTING_KEYS, specOf } from '../config/settings.js';
import { closest } from '../closest.js';
import { UsageError } from '../errors.js';
import { Inputs } from './constants.js';

/** Every input action.yml declares: the engine settings' and the action's own. */
export const DECLARED_INPUTS: readonly string[] = [
  ...SETTING_KEYS.flatMap((key) => specOf(key).input ?? []),
  ...Object.values(Inputs),
];

/**
 * The variable the runner sets for an input: `INPUT_` and the name upper-cased with spaces as `_`
 * (hyphens stay), as @actions/core's getInput reads it.
 */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * A `with:` key action.yml does not declare: GitHub's runner only warns ("Unexpected input(s)")
 * and nektos/act says nothing, and the step runs with the value ignored. A misspelled `endpiont:`
 * would then run as if no endpoint were set, indistinguishable from a fork's pull request. The
 * runner sets a variable for every declared input (its default when not given), so any other
 * `INPUT_` variable is one of those keys. A UsageError naming each with the nearest declared
 * input, and the list of them.
 */
export function checkInputNames(env: NodeJS.ProcessEnv): void {
  const known = new Set(DECLARED_INPUTS.map(inputVariable));
  const unknown = Object.keys(env)
    .filter((name) => name.startsWith('INPUT_') && !known.has(name.toUpperCase()))
    .sort();
  if (unknown.length === 0) return;
  const each = unknown.map((variable) => {
    // The runner upper-cased the key: lower case is how a workflow most likely spelled it.
    const given = variable.slice('INPUT_'.length).toLowerCase();
    const near = closest(given, DECLARED_INPUTS);
    return `"${given}" (${variable})${near === undefined ? '' : `: did you mean "${near}"?`}`;
  });
  throw new UsageError(
    `${unknown.length === 1 ? 'an input this action does not have' : 'inputs this action does not have'}: ${each.join('; ')}. ` +
      `The inputs are: ${[...DECLARED_INPUTS].sort().join(', ')}`,
  );
}
