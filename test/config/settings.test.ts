import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readActionYml } from '../../scripts/docs/action-yml.js';
import { renderReadme } from '../../scripts/docs/tables.js';
import { Inputs } from '../../src/action/constants.js';
import { CLI_FLAGS, parseCli } from '../../src/cli/args.js';
import { SYNC_HELP } from '../../src/cli/help.js';
import { buildSyncConfig } from '../../src/config/build-config.js';
import { SETTING_KEYS, shownDefault, specOf } from '../../src/config/settings.js';

const actionYml = readFileSync('action.yml', 'utf8');
const declared = new Map(readActionYml(actionYml).inputs.map((input) => [input.name, input]));
const withInput = SETTING_KEYS.map((key) => [key, specOf(key)] as const).filter(
  ([, spec]) => spec.input !== undefined,
);

/**
 * The rule between the table and action.yml: a switch's input defaults to 'false' (off, as the
 * flag); a value's input defaults to '' so that, as for an omitted flag, the environment and then
 * the engine's default apply; its description then names that default ("default 2000", or
 * "Default: 2000").
 */
describe('the settings table and action.yml', () => {
  it.each(withInput)('%s: its input is declared with a default that agrees', (_key, spec) => {
    const input = declared.get(spec.input!);
    expect(input).toBeDefined();
    expect(input!.default).toBe(spec.type === 'boolean' ? 'false' : '');
    const shown = shownDefault(spec);
    if (shown !== undefined) {
      const escaped = shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(input!.description).toMatch(new RegExp(`default:? ${escaped}\\b`, 'i'));
    }
  });

  it("declares every input as either a setting's or one of the action's own, never both", () => {
    const settingInputs = withInput.map(([, spec]) => spec.input!);
    const own: string[] = Object.values(Inputs);
    expect(settingInputs.filter((name) => own.includes(name))).toEqual([]);
    expect([...declared.keys()].sort()).toEqual([...settingInputs, ...own].sort());
  });

  it('gives every setting and flag a distinct name', () => {
    const flags = [...SETTING_KEYS.map((key) => specOf(key).flag), ...CLI_FLAGS.map((f) => f.flag)];
    expect(new Set(flags).size).toBe(flags.length);
  });
});

describe('the generated docs', () => {
  it("keeps the README's tables as npm run docs writes them", () => {
    const readme = readFileSync('README.md', 'utf8');
    // On failure: run `npm run docs` and commit the README.
    expect(renderReadme(readme, actionYml)).toBe(readme);
  });

  it.each(SETTING_KEYS)('sync --help documents %s with its default and variables', (key) => {
    const spec = specOf(key);
    expect(SYNC_HELP).toMatch(new RegExp(`^ {2}--${spec.flag}[ \\n]`, 'm'));
    const shown = shownDefault(spec);
    // The help wraps, so a default may be on the line after the word.
    if (shown !== undefined) expect(SYNC_HELP.replace(/\s+/g, ' ')).toContain(`default ${shown}`);
    for (const variable of spec.env) expect(SYNC_HELP).toContain(variable);
  });

  it('sync --help documents the command line its own flags', () => {
    for (const { flag } of CLI_FLAGS) expect(SYNC_HELP).toMatch(new RegExp(`--${flag}[ \\n]`));
  });
});

describe('the command line', () => {
  it.each(SETTING_KEYS)('takes --%s for the setting', (key) => {
    const spec = specOf(key);
    const args = spec.type === 'boolean' ? [`--${spec.flag}`] : [`--${spec.flag}`, 'x'];
    const command = parseCli(['sync', ...args]);
    expect(command).toMatchObject({ kind: 'sync' });
    if (command.kind === 'sync') {
      expect(command.settings[key]).toBe(spec.type === 'boolean' ? true : 'x');
    }
  });
});

// PEM files for the TLS variables, made with openssl: two self-signed certificates (also used as
// CAs), one of them with its key in the same file, and that key alone in two encodings.
const pemDir = mkdtempSync(join(tmpdir(), 'settings-pem-'));
const pem = (name: string) => join(pemDir, name);
for (const name of ['a', 'b']) {
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', pem(`${name}.key`), '-out', pem(`${name}.crt`), '-days', '1'],
      ...['-subj', `/CN=${name}`],
    ],
    { stdio: 'ignore' },
  );
}
execFileSync('openssl', ['ec', '-in', pem('a.key'), '-out', pem('a-sec1.key')], {
  stdio: 'ignore',
});
writeFileSync(
  pem('a-both.pem'),
  readFileSync(pem('a.crt'), 'utf8') + readFileSync(pem('a.key'), 'utf8'),
);
writeFileSync(
  pem('b-both.pem'),
  readFileSync(pem('b.crt'), 'utf8') + readFileSync(pem('b.key'), 'utf8'),
);

// Two valid values per variable: the first not the default, the second only what it is tried for.
const SAMPLES: Record<string, [string, string]> = {
  TOKF_DB_PATH: ['/p/a.db', '/p/b.db'],
  TOKF_HOME: ['/h1', '/h2'],
  XDG_DATA_HOME: ['/x1', '/x2'],
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: ['http://m1:1/x', 'http://m2:1/x'],
  OTEL_EXPORTER_OTLP_ENDPOINT: ['http://g1:1', 'http://g2:1'],
  OTEL_EXPORTER_OTLP_METRICS_HEADERS: ['k=1', 'k=2'],
  OTEL_EXPORTER_OTLP_HEADERS: ['k=3', 'k=4'],
  OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: ['http/json', 'http/protobuf'],
  OTEL_EXPORTER_OTLP_PROTOCOL: ['http/json', 'http/protobuf'],
  OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: ['none', 'gzip'],
  OTEL_EXPORTER_OTLP_COMPRESSION: ['none', 'gzip'],
  OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: ['1234', '4321'],
  OTEL_EXPORTER_OTLP_TIMEOUT: ['1234', '4321'],
  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: ['cumulative', 'delta'],
  OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: [pem('a.crt'), pem('b.crt')],
  OTEL_EXPORTER_OTLP_CERTIFICATE: [pem('a.crt'), pem('b.crt')],
  OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE: [pem('a-both.pem'), pem('b-both.pem')],
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: [pem('a-both.pem'), pem('b-both.pem')],
  OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY: [pem('a.key'), pem('a-sec1.key')],
  OTEL_EXPORTER_OTLP_CLIENT_KEY: [pem('a.key'), pem('a-sec1.key')],
  TELEMETRY_SYNC_BUILTINS: ['skip', 'send'],
  TELEMETRY_SYNC_SIGNALS: ['metrics,logs', 'metrics'],
  OTEL_RESOURCE_ATTRIBUTES: ['service.name=r1,service.version=1,t=1', 'service.name=r2'],
};

/** The variables the docs list are the ones the engine reads, in the order the docs give. */
describe('the variables of each setting', () => {
  const NOW = Date.parse('2026-03-10T12:00:00Z');
  // An endpoint from the environment, so that headers show; a file, so that a run has a job.
  const BASE_ENV = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://e:4318', HOME: '/home/u' };
  const build = (env: NodeJS.ProcessEnv) => buildSyncConfig({ otlpJsonOut: 'out' }, env, NOW);
  // A key is only taken with its certificate: this one holds a key too, so that it stands alone.
  const companion = (name: string): NodeJS.ProcessEnv =>
    name.endsWith('_CLIENT_KEY')
      ? { OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pem('a-both.pem') }
      : {};
  const without = (...names: string[]) => ({
    ...Object.fromEntries(Object.entries(BASE_ENV).filter(([name]) => !names.includes(name))),
    ...companion(names[0]!),
  });
  const cases = SETTING_KEYS.flatMap((key) =>
    specOf(key)
      .env.filter((name) => name !== 'XDG_DATA_HOME' || process.platform === 'linux')
      .map((name) => [key, name] as const),
  );

  it.each(cases)('%s: %s alone changes the config', (_key, name) => {
    expect(SAMPLES[name]).toBeDefined();
    const base = without(name);
    expect(build({ ...base, [name]: SAMPLES[name]![0] })).not.toEqual(build(base));
  });

  it.each(SETTING_KEYS.filter((key) => specOf(key).env.length > 1))(
    '%s: each variable beats the ones after it',
    (key) => {
      const env = specOf(key).env;
      for (let i = 0; i + 1 < env.length; i++) {
        const [strong, weak] = [env[i]!, env[i + 1]!];
        const alone = { ...without(strong, weak), [strong]: SAMPLES[strong]![0] };
        expect(build({ ...alone, [weak]: SAMPLES[weak]![1] })).toEqual(build(alone));
      }
    },
  );
});
