import { resolveEndpoint } from '../../src/config/endpoint.js';
import { flagLabel } from '../../src/config/settings.js';
import { buildJsonlConfig } from '../../src/config/jsonl-config.js';
import { inputLabel } from '../../src/action/inputs.js';

describe('endpoint advice: built for the signal and the command running', () => {
  it('sync, metrics: the usual paths, --backend and --metrics-endpoint', () => {
    const e = resolveEndpoint({ endpoint: 'http://h:4318/v1/metrics/v1/metrics?k=s3cret' }, {});
    const advice = e?.advice?.notFound ?? '';
    expect(advice).toContain('nothing at http://h:4318/v1/metrics/v1/metrics (v1/metrics twice');
    expect(advice).toContain('OTLP/HTTP metrics are usually at http://h:4318/v1/metrics');
    expect(advice).toContain('Prometheus: http://h:4318/api/v1/otlp/v1/metrics');
    expect(advice).toContain('--backend sets the path, --metrics-endpoint takes the whole URL');
    expect(advice).not.toContain('s3cret');
  });

  it('sync, logs: the logs path and its variable, nothing about metrics backends', () => {
    const e = resolveEndpoint({ endpoint: 'http://h:4318' }, {}, flagLabel, '', 'logs');
    const advice = e?.advice?.notFound ?? '';
    expect(advice).toContain('nothing at http://h:4318/v1/logs');
    expect(advice).toContain('OTLP/HTTP logs are usually at http://h:4318/v1/logs');
    expect(advice).toContain('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT takes the whole URL');
    expect(advice).not.toMatch(/metrics|Prometheus|backend/);
  });

  it('replay: no --backend, which it does not have', () => {
    const config = buildJsonlConfig({ endpoint: 'http://h:4318/v1/logs' }, ['x'], {}, Date.now());
    for (const signal of ['metrics', 'logs', 'traces'] as const) {
      const advice = config.endpoints[signal]?.advice?.notFound ?? '';
      expect(advice).toContain(`usually at http://h:4318`);
      expect(advice).not.toContain('--backend');
      expect(advice).not.toContain('--metrics-endpoint');
    }
    expect(config.endpoints.traces?.advice?.notFound).toContain(
      'OTLP/HTTP traces are usually at http://h:4318/v1/traces',
    );
  });

  it("the action: its inputs' names, and only the variables for TLS, which has no inputs", () => {
    const e = resolveEndpoint({ endpoint: 'http://h:4318' }, {}, inputLabel);
    expect(e?.advice?.notFound).toContain(
      'input "backend" sets the path, input "metrics-endpoint" takes the whole URL',
    );
    expect(e?.advice?.notOtlp).toMatch(/^check that input "endpoint" is the OTLP\/HTTP receiver/);
    expect(e?.advice?.tls).toEqual({
      ca: 'OTEL_EXPORTER_OTLP_CERTIFICATE',
      client: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY',
    });
    const cli = resolveEndpoint({ endpoint: 'http://h:4318' }, {});
    expect(cli?.advice?.tls).toEqual({
      ca: 'OTEL_EXPORTER_OTLP_CERTIFICATE (or --certificate)',
      client:
        'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY (or --client-certificate and --client-key)',
    });
  });
});
