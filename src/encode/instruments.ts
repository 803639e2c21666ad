import { ValueType } from '@opentelemetry/api';

/** The OpenTelemetry SDK's default explicit bucket boundaries, which tokf's live exporter uses. */
export const DEFAULT_BOUNDARIES: readonly number[] = [
  0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
];

export interface Instrument {
  name: string;
  unit: string;
  description: string;
  kind: 'sum' | 'histogram';
  valueType: ValueType;
}

/**
 * The instruments of tokf's live exporter that a stored row can rebuild, with its names, units
 * and descriptions, so that replayed series continue the live ones. Line counts, the compression
 * ratio and `tokf.pipeline` are not stored, so they are not here.
 */
export const INVOCATIONS: Instrument = {
  name: 'tokf.filter.invocations',
  unit: '{invocation}',
  description: 'Number of filter invocations',
  kind: 'sum',
  valueType: ValueType.INT,
};
export const TOKENS_SAVED: Instrument = {
  name: 'tokf.tokens.saved',
  unit: '{token}',
  description: 'Estimated tokens saved by filtering',
  kind: 'sum',
  valueType: ValueType.INT,
};
export const TOKEN_USAGE: Instrument = {
  name: 'gen_ai.client.token.usage',
  unit: '{token}',
  description: 'Token usage per invocation',
  kind: 'histogram',
  valueType: ValueType.INT,
};
export const FILTER_DURATION: Instrument = {
  name: 'tokf.filter.duration',
  unit: 's',
  description: 'Time spent applying the filter',
  kind: 'histogram',
  valueType: ValueType.DOUBLE,
};

/** tokf's meter name, which becomes the instrumentation scope. */
export const SCOPE_NAME = 'tokf';
