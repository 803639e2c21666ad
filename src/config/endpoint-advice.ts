import type { EndpointAdvice, Signal } from './vocabulary.js';

/** How the running command names the settings the advice points at. */
export interface AdviceLabels {
  /** The backend preset setting; absent where the command has none (replay). */
  backend?: string;
  /** The setting that takes the signal's whole URL (--metrics-endpoint, or a variable). */
  signalEndpoint: string;
  /** The base URL setting (--endpoint, the endpoint input). */
  endpoint: string;
  /**
   * The command's own names for the CA file, client certificate and client key, where it has
   * them besides the variables (the action has none).
   */
  certificate?: string;
  clientCertificate?: string;
  clientKey?: string;
}

/** Paths by which backends take OTLP metrics, so that a 404 can say where to look instead. */
const KNOWN_PREFIXES = ['/api/v1/otlp', '/otlp', '/opentelemetry'];

/** The advice for an endpoint URL (credentials and query already gone) and signal. */
export function endpointAdvice(url: URL, signal: Signal, labels: AdviceLabels): EndpointAdvice {
  return {
    notFound: notFound(url, signal, labels),
    tls: {
      ca: `OTEL_EXPORTER_OTLP_CERTIFICATE${labels.certificate === undefined ? '' : ` (or ${labels.certificate})`}`,
      client: `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY${
        labels.clientCertificate === undefined || labels.clientKey === undefined
          ? ''
          : ` (or ${labels.clientCertificate} and ${labels.clientKey})`
      }`,
    },
    notOtlp: `check that ${labels.endpoint} is the OTLP/HTTP receiver itself (${url.protocol}//${url.host}${url.pathname}), not a login page, a captive portal or a proxy's block page; that the token in its headers is valid; and, behind a proxy, that HTTPS_PROXY, HTTP_PROXY and NO_PROXY are right`,
  };
}

function notFound(url: URL, signal: Signal, labels: AdviceLabels): string {
  const ending = `/v1/${signal}`;
  let path = url.pathname.replace(/\/+$/, '');
  // What remains once the paths we know are taken off is the user's own prefix, if any.
  for (let before = ''; before !== path;) {
    before = path;
    path = path.replace(/\/v1\/(metrics|logs|traces)$/, '');
    if (signal === 'metrics')
      for (const prefix of KNOWN_PREFIXES)
        if (path.endsWith(prefix)) path = path.slice(0, -prefix.length);
  }
  const base = `${url.protocol}//${url.host}${path}`;
  const twice = new RegExp(`${ending}/(.*/)?v1/${signal}`).test(url.pathname)
    ? ` (v1/${signal} twice: give the base URL, or the whole URL with ${labels.signalEndpoint})`
    : '';
  const lines =
    signal === 'metrics'
      ? [
          `OTLP/HTTP metrics are usually at ${base}/v1/metrics (Collector, Datadog, New Relic, Honeycomb, Elastic)`,
          `Prometheus: ${base}/api/v1/otlp/v1/metrics (started with --web.enable-otlp-receiver)`,
          `Mimir and Grafana Cloud: ${base}/otlp/v1/metrics`,
          `VictoriaMetrics: ${base}/opentelemetry/v1/metrics`,
          labels.backend === undefined
            ? `${labels.signalEndpoint} takes the whole URL`
            : `${labels.backend} sets the path, ${labels.signalEndpoint} takes the whole URL`,
        ]
      : [
          `OTLP/HTTP ${signal} are usually at ${base}/v1/${signal}`,
          `${labels.signalEndpoint} takes the whole URL`,
        ];
  return [`nothing at ${url.protocol}//${url.host}${url.pathname}${twice}`, ...lines].join('; ');
}
