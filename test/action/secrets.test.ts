import { secretValues } from '../../src/action/secrets.js';

describe('secretValues', () => {
  it("masks the proxies' credentials, a proxy URL without a scheme included", () => {
    const secrets = secretValues(
      {},
      { https_proxy: 'ci-user:pr%3Axy-pw@proxy.corp:3128', HTTP_PROXY: 'http://u2:plain-pw@p:80' },
    );
    expect(secrets).toEqual(
      expect.arrayContaining([
        'ci-user',
        'pr:xy-pw',
        'pr%3Axy-pw',
        `Basic ${Buffer.from('ci-user:pr:xy-pw').toString('base64')}`,
        'plain-pw',
      ]),
    );
  });

  it('masks a proxy variable too broken to read whole', () => {
    expect(secretValues({}, { HTTPS_PROXY: 'socks5://u:sockpw@h:1080' })).toContain(
      'socks5://u:sockpw@h:1080',
    );
  });

  it('finds header values raw and decoded, URL credentials and query values', () => {
    const secrets = secretValues(
      {
        headers: 'api-key=abc%2Fdef, x-team = core',
        endpoint: 'https://user:p%40ss@otlp.example.com/?token=qtok',
      },
      {
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer env-tok',
        OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'k=metrics-tok',
      },
    );
    expect(secrets).toEqual(
      expect.arrayContaining([
        'abc%2Fdef',
        'abc/def',
        'core',
        'Bearer env-tok',
        'metrics-tok',
        'user',
        'p%40ss',
        'p@ss',
        Buffer.from('user:p@ss').toString('base64'),
        'qtok',
      ]),
    );
  });

  it('masks a malformed header item or endpoint whole', () => {
    expect(
      secretValues({ headers: 'a=1,bare-token-value', endpoint: 'not a url with tok' }, {}),
    ).toEqual(expect.arrayContaining(['bare-token-value', 'not a url with tok']));
  });

  it('masks credentials and query values of the metrics-endpoint input too', () => {
    expect(
      secretValues({ metricsEndpoint: 'https://u2:pw2@m.example.com/v1/metrics?key=mkey' }, {}),
    ).toEqual(expect.arrayContaining(['pw2', 'mkey']));
  });
});
