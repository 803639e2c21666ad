import { UsageError } from '../../src/errors.js';
import { bypassed, proxyFor, proxySecrets, readProxySettings } from '../../src/config/proxy.js';
import { resolveEndpoint } from '../../src/config/endpoint.js';

describe('readProxySettings: the variables as curl and @actions/http-client read them', () => {
  it('is undefined with no proxy set, NO_PROXY alone included', () => {
    expect(readProxySettings({})).toBeUndefined();
    expect(readProxySettings({ NO_PROXY: '*' })).toBeUndefined();
  });

  it('prefers the lower-case name and reads each scheme apart', () => {
    const s = readProxySettings({
      https_proxy: 'http://lower:3128',
      HTTPS_PROXY: 'http://upper:3128',
      HTTP_PROXY: 'http://plain:8080',
      no_proxy: ' .internal , ,localhost:4318 ',
      NO_PROXY: 'ignored',
    });
    expect(s).toEqual({
      https: { url: 'http://lower:3128/', source: 'https_proxy' },
      http: { url: 'http://plain:8080/', source: 'HTTP_PROXY' },
      noProxy: ['.internal', 'localhost:4318'],
    });
  });

  it('takes a proxy without a scheme as http://, and credentials apart from the URL', () => {
    const s = readProxySettings({ HTTPS_PROXY: 'us%40er:p%3Ass@proxy.corp:3128' });
    expect(s?.https).toEqual({
      url: 'http://proxy.corp:3128/',
      source: 'HTTPS_PROXY',
      credentials: { user: 'us@er', password: 'p:ss' },
    });
    expect(proxySecrets(s)).toEqual(
      expect.arrayContaining([
        'p:ss',
        'p%3Ass',
        `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`,
      ]),
    );
  });

  it('refuses a socks proxy and a broken URL without echoing it', () => {
    expect(() => readProxySettings({ HTTPS_PROXY: 'socks5://u:hunter2@h:1080' })).toThrow(
      /HTTPS_PROXY: a socks5 proxy is not supported/,
    );
    let message = '';
    try {
      readProxySettings({ http_proxy: 'http://u:hunter2@[bad' });
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^http_proxy: not a valid proxy URL/);
    expect(message).not.toContain('hunter2');
  });

  it('puts the proxy and its credentials in the endpoint config, the credentials among its secrets', () => {
    const endpoint = resolveEndpoint(
      { endpoint: 'https://otlp.example.com' },
      { HTTPS_PROXY: 'http://bob:s3cretpw@proxy:3128' },
    );
    expect(endpoint?.proxies?.https?.url).toBe('http://proxy:3128/');
    expect(endpoint?.secrets).toEqual(expect.arrayContaining(['s3cretpw']));
  });
});

describe('bypassed: NO_PROXY entries', () => {
  const at = (url: string, ...entries: string[]) => bypassed(new URL(url), entries);

  it('* bypasses every host', () => {
    expect(at('https://anything.example:9/', '*')).toBe(true);
  });

  it('a name matches itself and the names under it, with or without a leading dot or *.', () => {
    for (const entry of ['example.com', '.example.com', '*.example.com', 'EXAMPLE.com']) {
      expect(at('https://otlp.example.com/', entry.toLowerCase())).toBe(true);
      expect(at('https://example.com/', entry.toLowerCase())).toBe(true);
    }
    expect(at('https://notexample.com/', 'example.com')).toBe(false);
    expect(at('https://example.com.evil/', 'example.com')).toBe(false);
  });

  it('an entry with a port matches that port only, the default port when none is given', () => {
    expect(at('http://collector:4318/', 'collector:4318')).toBe(true);
    expect(at('http://collector:4319/', 'collector:4318')).toBe(false);
    expect(at('https://collector/', 'collector:443')).toBe(true);
    expect(at('http://collector/', 'collector:443')).toBe(false);
  });

  it('IP literals match exactly, IPv6 with or without brackets', () => {
    expect(at('http://127.0.0.1:4318/', '127.0.0.1')).toBe(true);
    expect(at('http://127.0.0.2:4318/', '127.0.0.1')).toBe(false);
    expect(at('http://10.0.0.1/', '0.0.1')).toBe(false);
    expect(at('http://[::1]:4318/', '::1')).toBe(true);
    expect(at('http://[::1]:4318/', '[::1]')).toBe(true);
    expect(at('http://[::1]:4318/', '[::1]:4318')).toBe(true);
    expect(at('http://[::1]:4318/', '[::1]:9')).toBe(false);
  });

  it('proxyFor picks the scheme’s proxy unless NO_PROXY names the host', () => {
    const settings = readProxySettings({
      HTTPS_PROXY: 'http://p:1',
      NO_PROXY: 'internal.corp',
    });
    expect(proxyFor(new URL('https://api.example.com/'), settings)?.url).toBe('http://p:1/');
    expect(proxyFor(new URL('https://otlp.internal.corp/'), settings)).toBeUndefined();
    // No HTTP_PROXY: http goes direct.
    expect(proxyFor(new URL('http://api.example.com/'), settings)).toBeUndefined();
  });
});
