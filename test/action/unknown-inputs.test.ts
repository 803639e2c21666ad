import { readFileSync } from 'node:fs';
import { readActionYml } from '../../scripts/docs/action-yml.js';
import { UsageError } from '../../src/errors.js';
import { checkInputNames, DECLARED_INPUTS } from '../../src/action/unknown-inputs.js';
import { inputEnv } from '../toolkit/job-env.js';

// What the runner sets for this action: a variable for every input action.yml declares.
const declared = readActionYml(readFileSync('action.yml', 'utf8')).inputs.map((i) => i.name);
const everyDeclared = inputEnv(Object.fromEntries(declared.map((name) => [name, ''])));

describe('inputs action.yml does not declare', () => {
  it('are none when the runner set only the declared inputs, hyphens kept', () => {
    expect([...DECLARED_INPUTS].sort()).toEqual([...declared].sort());
    expect(everyDeclared).toHaveProperty(['INPUT_DATABASE-PATH']);
    expect(() =>
      checkInputNames({ ...everyDeclared, PATH: '/bin', GITHUB_TOKEN: 'x' }),
    ).not.toThrow();
  });

  it('fail with the nearest declared input and the list of them', () => {
    const check = () => checkInputNames({ ...everyDeclared, INPUT_ENDPIONT: 'http://c:4318' });
    expect(check).toThrow(UsageError);
    expect(check).toThrow(
      'an input this action does not have: "endpiont" (INPUT_ENDPIONT): did you mean "endpoint"?',
    );
    expect(check).toThrow(`The inputs are: ${[...declared].sort().join(', ')}`);
  });

  it('name each one, with a suggestion only where one is near', () => {
    const check = () =>
      checkInputNames({ ...everyDeclared, INPUT_COLOUR: 'red', 'INPUT_SAVE-CACHES': 'true' });
    expect(check).toThrow(
      'inputs this action does not have: "colour" (INPUT_COLOUR); "save-caches" (INPUT_SAVE-CACHES): did you mean "save-cache"?',
    );
  });

  it('are told apart from a declared input written with underscores', () => {
    // A runner writes `fail on error` as INPUT_FAIL_ON_ERROR: not the declared fail-on-error.
    expect(() => checkInputNames({ INPUT_FAIL_ON_ERROR: 'true' })).toThrow(
      /"fail_on_error" \(INPUT_FAIL_ON_ERROR\): did you mean "fail-on-error"\?/,
    );
  });
});
