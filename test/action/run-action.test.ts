/**
 * The step's heap limits follow what it writes: the command's (and its encoding thread) unless the
 * artifact's OTLP/JSON file is written for every event as the run goes.
 */
import { stepHeapFlags } from '../../src/action/run-action.js';
import { ACTION_V8_FLAGS, V8_FLAGS } from '../../src/bounded-heap.js';

const INPUT = 'INPUT_OTLP-ARTIFACT';

afterEach(() => {
  delete process.env[INPUT];
});

describe('stepHeapFlags', () => {
  it.each([
    ['unset (the default, on-failure)', undefined, V8_FLAGS],
    ['on-failure', 'on-failure', V8_FLAGS],
    ['never', 'never', V8_FLAGS],
    ['always, with spaces around it', '  always ', ACTION_V8_FLAGS],
    ['misspelled (refused later, when the inputs are read)', 'allways', V8_FLAGS],
  ])('otlp-artifact %s', (_, value, expected) => {
    if (value !== undefined) process.env[INPUT] = value;
    expect(stepHeapFlags()).toEqual([...expected]);
  });

  it('the two differ only in the young generation: 2 MB for the command, 8 MB for always', () => {
    expect(V8_FLAGS).toContain('--max-semi-space-size=2');
    expect(ACTION_V8_FLAGS).toContain('--max-semi-space-size=8');
    expect(V8_FLAGS.filter((f) => !f.includes('semi-space'))).toEqual(
      ACTION_V8_FLAGS.filter((f) => !f.includes('semi-space')),
    );
  });
});
