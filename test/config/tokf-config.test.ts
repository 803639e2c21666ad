/**
 * tokf's naming of the service, as its live export does it: OTEL_RESOURCE_ATTRIBUTES, then the
 * [telemetry] table of its config.toml, then `tokf`. The config files are the shared table that
 * the end-to-end suite also gives real tokf (test/e2e/live.e2e.ts), so reader and tokf agree.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSyncConfig } from '../../src/config/build-config.js';
import type { SyncSettings } from '../../src/config/sync-config.js';
import { serviceNameAsTokfReads, tokfServiceName } from '../../src/config/tokf-config.js';
import { tokfConfigDir } from '../../src/config/tokf-paths.js';
import { parseToml, tomlBoolean, tomlString } from '../../src/config/tokf-toml.js';
import { CONFIG_CASES } from '../helpers/tokf-config-cases.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A tokf home holding this config.toml (text, or bytes as they are). */
function tokfHome(config?: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokf-home-'));
  dirs.push(dir);
  if (config !== undefined) writeFileSync(join(dir, 'config.toml'), config);
  return dir;
}

describe("tokf's config.toml, read as tokf reads it", () => {
  it.each(CONFIG_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(tokfServiceName({}, tokfHome(c.toml)).name).toBe(c.serviceName);
  });

  it('ignores a file that is not UTF-8, or cannot be read, or is not there', () => {
    const latin1 = Buffer.from('[telemetry]\nservice_name = "caf\xe9"\n', 'latin1');
    expect(tokfServiceName({}, tokfHome(latin1)).name).toBe('tokf');
    const unreadable = tokfHome();
    mkdirSync(join(unreadable, 'config.toml'));
    expect(tokfServiceName({}, unreadable)).toEqual({ name: 'tokf', from: "tokf's default" });
    expect(tokfServiceName({}, tokfHome()).name).toBe('tokf');
    expect(tokfServiceName({}, undefined).name).toBe('tokf');
  });

  it('says where the name came from', () => {
    const home = tokfHome('[telemetry]\nservice_name = "from-file"\n');
    expect(tokfServiceName({}, home)).toEqual({
      name: 'from-file',
      from: `service_name in [telemetry] of tokf's ${join(home, 'config.toml')}`,
    });
  });

  it('keeps booleans and strings, and nothing of a table array or a sub-table as a leaf', () => {
    const root = parseToml('[telemetry]\nenabled = true\nendpoint = "http://x"\n[telemetry.h]\n')!;
    expect(tomlBoolean(root, ['telemetry', 'enabled'])).toBe(true);
    expect(tomlString(root, ['telemetry', 'endpoint'])).toBe('http://x');
    expect(tomlString(root, ['telemetry', 'h'])).toBeUndefined();
    expect(tomlString(root, ['telemetry', 'enabled'])).toBeUndefined();
    expect(tomlString(root, ['telemetry', 'endpoint', 'deeper'])).toBeUndefined();
  });
});

describe('OTEL_RESOURCE_ATTRIBUTES, read as tokf reads it', () => {
  it('takes the first service.name, trimmed, as written (not percent-decoded), even empty', () => {
    expect(serviceNameAsTokfReads('a=1, service.name = svc ,service.name=second')).toBe('svc');
    expect(serviceNameAsTokfReads('service.name=a%20b')).toBe('a%20b');
    expect(serviceNameAsTokfReads('service.name=x=y')).toBe('x=y');
    expect(serviceNameAsTokfReads('junk,service.name=after-junk')).toBe('after-junk');
    expect(serviceNameAsTokfReads('service.name=')).toBe('');
    expect(serviceNameAsTokfReads('')).toBeUndefined();
    expect(serviceNameAsTokfReads('service.namespace=n')).toBeUndefined();
    // Rust's trim leaves U+FEFF, which String.prototype.trim would remove.
    expect(serviceNameAsTokfReads('service.name=\uFEFFx')).toBe('\uFEFFx');
  });

  it('beats config.toml, which beats the default', () => {
    const home = tokfHome('[telemetry]\nservice_name = "from-file"\n');
    expect(tokfServiceName({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=env' }, home)).toEqual({
      name: 'env',
      from: 'service.name in OTEL_RESOURCE_ATTRIBUTES, as tokf reads it',
    });
    expect(tokfServiceName({ OTEL_RESOURCE_ATTRIBUTES: 'team=a' }, home).name).toBe('from-file');
    expect(tokfServiceName({ OTEL_SERVICE_NAME: 'ignored' }, home).name).toBe('from-file');
  });
});

describe("where tokf's config.toml is", () => {
  it('is $TOKF_HOME, else the platform configuration directory', () => {
    expect(tokfConfigDir({ TOKF_HOME: '/th', XDG_CONFIG_HOME: '/x' }, '/home/u', 'linux')).toBe(
      '/th',
    );
    expect(tokfConfigDir({ TOKF_HOME: '', XDG_CONFIG_HOME: '/x' }, '/home/u', 'linux')).toBe(
      '/x/tokf',
    );
    // The dirs crate ignores a relative XDG_CONFIG_HOME.
    expect(tokfConfigDir({ XDG_CONFIG_HOME: 'rel' }, '/home/u', 'linux')).toBe(
      '/home/u/.config/tokf',
    );
    expect(tokfConfigDir({}, '/Users/u', 'darwin')).toBe(
      '/Users/u/Library/Application Support/tokf',
    );
    expect(
      tokfConfigDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u', 'win32'),
    ).toBe(join('C:\\Users\\u\\AppData\\Roaming', 'tokf'));
  });

  it('takes HOME from the environment given', () => {
    if (process.platform === 'win32') return;
    expect(tokfConfigDir({ HOME: '/elsewhere' })).toBe('/elsewhere/.config/tokf');
  });
});

describe('the resource of a run', () => {
  const NOW = Date.parse('2026-03-10T12:00:00Z');
  const base: SyncSettings = { db: '/tmp/x.db', endpoint: 'http://collector:4318' };
  const home = tokfHome('[telemetry]\nservice_name = "from-file"\n');
  const build = (settings: SyncSettings, env: NodeJS.ProcessEnv = {}) =>
    buildSyncConfig(settings, { TOKF_HOME: home, ...env }, NOW);

  it('names the service as tokf: the variable, then config.toml; OTEL_SERVICE_NAME is not read', () => {
    expect(build(base).resource).toEqual({ 'service.name': 'from-file' });
    expect(build(base, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=env' }).resource).toEqual({
      'service.name': 'env',
    });
    const ignored = build(base, { OTEL_SERVICE_NAME: 'other' });
    expect(ignored.resource).toEqual({ 'service.name': 'from-file' });
    expect(ignored.serviceNameFrom).toBe(
      `service_name in [telemetry] of tokf's ${join(home, 'config.toml')}; OTEL_SERVICE_NAME is not read, as tokf does not read it`,
    );
    expect(build(base, { TOKF_HOME: tokfHome() }).resource).toEqual({ 'service.name': 'tokf' });
  });

  it('lets --service-name, then service.name in --resource-attributes, override tokf', () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'service.name=env' };
    const attrs = { ...base, resourceAttributes: 'service.name=attr-flag' };
    expect(build(attrs, env).resource['service.name']).toBe('attr-flag');
    expect(build(attrs, env).serviceNameFrom).toBe('service.name in --resource-attributes');
    const named = build({ ...attrs, serviceName: ' flag ' }, env);
    expect(named.resource['service.name']).toBe('flag');
    expect(named.serviceNameFrom).toBe('--service-name');
  });

  it("takes the variable's other attributes but not those tokf never sends from it", () => {
    const env = {
      OTEL_RESOURCE_ATTRIBUTES:
        'service.name=env,service.namespace=ns,service.instance.id=i-1,service.version=9,team=a%20b',
    };
    expect(build(base, env).resource).toEqual({ 'service.name': 'env', team: 'a b' });
    // Given on purpose, they are taken.
    const flag = 'service.namespace=ns,service.instance.id=i-1,service.version=9';
    expect(build({ ...base, resourceAttributes: flag }, env).resource).toEqual({
      'service.name': 'env',
      'service.namespace': 'ns',
      'service.instance.id': 'i-1',
      'service.version': '9',
      team: 'a b',
    });
  });

  it('sends service.version only when given, --service-version first', () => {
    expect(build(base).resource['service.version']).toBeUndefined();
    expect(
      build({ ...base, serviceVersion: '0.2.54', resourceAttributes: 'service.version=1' })
        .resource['service.version'],
    ).toBe('0.2.54');
  });
});
