import { redact, redactPatterns, secretForms } from '../../src/config/redact.js';
import { resolveEndpoint } from '../../src/config/endpoint.js';
import { proxySecrets as secretsOf, readProxySettings } from '../../src/config/proxy.js';

const proxySecrets = (env: NodeJS.ProcessEnv) => secretsOf(readProxySettings(env));

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('secretForms and redact', () => {
  it('masks a Bearer value as given, without its scheme, base64, percent-encoded, JSON-escaped', () => {
    const forms = secretForms(['Bearer to/k"en+1=']);
    const echoes = [
      'Bearer to/k"en+1=',
      'to/k"en+1=',
      b64('Bearer to/k"en+1='),
      b64('to/k"en+1='),
      encodeURIComponent('to/k"en+1='),
      encodeURIComponent('to/k"en+1=').toLowerCase(),
      JSON.stringify('to/k"en+1=').slice(1, -1),
    ];
    for (const e of echoes) expect(redact(`said: ${e} end`, forms)).toBe('said: *** end');
  });

  it('a Basic value: its decoded user:password and the password too', () => {
    const forms = secretForms([`Basic ${b64('alice:s3cret!')}`]);
    expect(redact('alice:s3cret! and s3cret! and czNjcmV0IQ==', forms)).toBe('*** and *** and ***');
  });

  it('short values only as given: their encodings would match ordinary text', () => {
    expect(secretForms(['ab'])).toEqual(['ab']);
  });

  it('credential headers and URL credentials are masked even when the secret is unknown', () => {
    expect(redactPatterns('headers were: Authorization: Bearer abc.def, x-api-key=zzz')).toBe(
      'headers were: Authorization: ***, x-api-key=***',
    );
    expect(redactPatterns('{"authorization":"Basic YWxpY2U6cw=="}')).toBe(
      '{"authorization":"***"}',
    );
    expect(redactPatterns('via http://bob:hunter2@proxy:3128/ failed')).toBe(
      'via http://***@proxy:3128/ failed',
    );
    expect(redactPatterns('HTTP 400: out of bounds')).toBe('HTTP 400: out of bounds');
  });
});

describe('proxy credentials', () => {
  it('are secrets of the endpoint, with the Basic form a proxy is sent', () => {
    const env = { HTTPS_PROXY: 'http://proxyuser:pr%40xy-pass@10.0.0.1:3128' };
    expect(proxySecrets(env)).toEqual(
      expect.arrayContaining([
        'proxyuser',
        'pr%40xy-pass',
        'pr@xy-pass',
        `Basic ${b64('proxyuser:pr@xy-pass')}`,
      ]),
    );
    const endpoint = resolveEndpoint({ endpoint: 'https://otlp.example' }, env);
    expect(
      redact(`proxy said ${b64('proxyuser:pr@xy-pass')} / pr@xy-pass`, endpoint!.secrets),
    ).toBe('proxy said *** / ***');
  });

  it('a proxy without credentials adds none', () => {
    expect(proxySecrets({ HTTP_PROXY: 'http://10.0.0.1:3128' })).toEqual([]);
  });
});
