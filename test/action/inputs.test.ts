import { readFileSync } from 'node:fs';
import { Inputs, Outputs } from '../../src/action/constants.js';
import { inputLabel, readActionInputs } from '../../src/action/inputs.js';
import { SETTING_KEYS, specOf } from '../../src/config/settings.js';
import { UsageError } from '../../src/errors.js';
import { readActionYml } from '../../scripts/docs/action-yml.js';

const read = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = { HOME: '/home/r' }) =>
  readActionInputs((name) => inputs[name] ?? '', env);

describe('action inputs', () => {
  it('gives blank inputs these defaults (that action.yml says the same: below)', () => {
    const inputs = read({}, { TOKF_HOME: '/t', GITHUB_TOKEN: 'gh' });
    expect(inputs).toMatchObject({
      databasePath: '/t/tracking.db',
      restore: 'cache-then-artifact',
      sync: 'post',
      cacheKeyPrefix: 'telemetry-db-v1',
      saveCache: true,
      artifactName: 'tokf-tracking-db',
      artifactRunId: undefined,
      githubToken: 'gh',
      ciAttributes: true,
      otlpArtifact: 'on-failure',
      otlpArtifactName: 'telemetry-otlp',
      retentionDays: undefined,
      summary: true,
      commentOnPr: false,
      failOnError: false,
      tokfLiveExport: 'keep',
    });
    expect(inputs.settings).toMatchObject({ db: '/t/tracking.db', dryRun: false, endpoint: '' });
  });

  it('maps the engine inputs to its settings', () => {
    const inputs = read({
      endpoint: 'https://e',
      headers: 'a=1',
      limit: '5',
      'dry-run': 'true',
      since: '24h',
      'batch-size': '10',
    });
    expect(inputs.settings).toMatchObject({
      endpoint: 'https://e',
      headers: 'a=1',
      limit: '5',
      dryRun: true,
      since: '24h',
      batchSize: '10',
    });
  });

  it.each(SETTING_KEYS.filter((key) => specOf(key).input !== undefined))(
    'gives its input to the setting %s',
    (key) => {
      const spec = specOf(key);
      // Signals are parsed here already (the restore counts leftovers per signal).
      const text = key === 'signals' ? 'logs' : '/x';
      const inputs = read({ [spec.input!]: spec.type === 'boolean' ? 'true' : text });
      expect(inputs.settings[key]).toBe(spec.type === 'boolean' ? true : text);
    },
  );

  it('resolves the signals as the engine will: input, else TELEMETRY_SYNC_SIGNALS, else metrics', () => {
    expect(read({}).signals).toEqual(['metrics']);
    expect(read({ signals: 'traces, metrics' }).signals).toEqual(['metrics', 'traces']);
    expect(read({}, { TELEMETRY_SYNC_SIGNALS: 'logs' }).signals).toEqual(['logs']);
    expect(() => read({ signals: 'spans' })).toThrow(
      'input "signals": "spans" is not a signal (use metrics, logs, traces)',
    );
  });

  it('names a setting by its input in engine errors', () => {
    expect(inputLabel('db')).toBe('input "database-path"');
    expect(inputLabel('batchSize')).toBe('input "batch-size"');
  });

  it("reads action.yml's defaults as it reads blank inputs", () => {
    const defaults = new Map(
      readActionYml(readFileSync('action.yml', 'utf8')).inputs.map((i) => [i.name, i.default]),
    );
    // An expression such as ${{ github.token }} is the runner's to fill in.
    const fromYml = read(
      Object.fromEntries(
        [...defaults].filter(([, value]) => value !== undefined && !value.includes('${{')),
      ) as Record<string, string>,
    );
    expect(fromYml).toEqual(read({}));
  });

  it.each<[Record<string, string>, RegExp]>([
    [
      { restore: 's3' },
      /input "restore": "s3" is not one of cache, artifact, cache-then-artifact, none/,
    ],
    [{ sync: 'later' }, /input "sync": "later" is not one of post, now/],
    [{ 'save-cache': 'yes' }, /input "save-cache": "yes" is not true or false/],
    [{ 'dry-run': '1' }, /input "dry-run"/],
    [{ 'artifact-run-id': 'last' }, /input "artifact-run-id": "last" is not a workflow run id/],
    [
      { 'retention-days': '400' },
      /input "retention-days": "400" is not a number of days from 1 to 90/,
    ],
    [{ 'otlp-artifact': 'sometimes' }, /input "otlp-artifact"/],
    [{ 'otlp-artifact-name': 'a/b' }, /input "otlp-artifact-name": "a\/b" contains a character/],
    [{ 'cache-key-prefix': 'a,b' }, /input "cache-key-prefix": must have no commas/],
    [{ 'tokf-live-export': 'false' }, /input "tokf-live-export": "false" is not one of keep, off/],
  ])('rejects %j', (inputs, message) => {
    expect(() => read(inputs)).toThrow(UsageError);
    expect(() => read(inputs)).toThrow(message);
  });
});

describe('action.yml', () => {
  const yml = readFileSync('action.yml', 'utf8');
  const section = (name: string) => {
    const body = yml.split(new RegExp(`^${name}:\\n`, 'm'))[1]!.split(/^\S/m)[0]!;
    return [...body.matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]);
  };

  it('declares exactly the inputs the code reads', () => {
    const settingInputs = SETTING_KEYS.flatMap((key) => specOf(key).input ?? []);
    expect(section('inputs').sort()).toEqual([...settingInputs, ...Object.values(Inputs)].sort());
  });

  it('declares exactly the outputs the code sets', () => {
    expect(section('outputs').sort()).toEqual(Object.values(Outputs).sort());
  });

  it('runs on node24 with a post step that runs even when the job failed', () => {
    expect(yml).toMatch(
      /using: node24\n\s+main: dist\/index.js\n\s+post: dist\/index.js\n\s+post-if: always\(\)/,
    );
  });
});
