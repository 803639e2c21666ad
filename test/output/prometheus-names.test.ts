/**
 * Prometheus's OTLP naming (default strategy UnderscoreEscapingWithSuffixes, Prometheus 3.16 /
 * otlptranslator v1.0.0): the expected names are what that release makes of these inputs.
 */
import {
  FILTER_DURATION,
  INVOCATIONS,
  TOKEN_USAGE,
  TOKENS_SAVED,
} from '../../src/encode/instruments.js';
import {
  jobAndInstance,
  prometheusLabelName,
  prometheusLabels,
  prometheusMetricName,
} from '../../src/output/prometheus-names.js';

describe('prometheusMetricName', () => {
  it("names tokf's instruments as the OTLP receiver does", () => {
    expect(prometheusMetricName(INVOCATIONS.name, INVOCATIONS.unit, 'monotonic-sum')).toBe(
      'tokf_filter_invocations_total',
    );
    expect(prometheusMetricName(TOKENS_SAVED.name, TOKENS_SAVED.unit, 'monotonic-sum')).toBe(
      'tokf_tokens_saved_total',
    );
    expect(prometheusMetricName(TOKEN_USAGE.name, TOKEN_USAGE.unit, 'histogram')).toBe(
      'gen_ai_client_token_usage',
    );
    expect(prometheusMetricName(FILTER_DURATION.name, FILTER_DURATION.unit, 'histogram')).toBe(
      'tokf_filter_duration_seconds',
    );
  });

  it.each([
    ['requests', '', 'monotonic-sum', 'requests_total'],
    ['requests_total', '', 'monotonic-sum', 'requests_total'],
    ['cpu.usage', '1', 'gauge', 'cpu_usage_ratio'],
    ['items', '1', 'monotonic-sum', 'items_total'],
    ['response.time', 'ms', 'gauge', 'response_time_milliseconds'],
    ['response_time_seconds', 's', 'gauge', 'response_time_seconds'],
    ['process.cpu', 's', 'monotonic-sum', 'process_cpu_seconds_total'],
    ['throughput', 'By/s', 'gauge', 'throughput_bytes_per_second'],
    ['requests', '1/s', 'gauge', 'requests_per_second'],
    ['queue', 'By/{batch}', 'gauge', 'queue_bytes'],
    ['custom', '{thing}', 'monotonic-sum', 'custom_total'],
    ['custom', 'custom_unit', 'gauge', 'custom_custom_unit'],
    ['123.requests', '', 'gauge', '_123_requests'],
    ['a..b__c', '', 'gauge', 'a_b_c'],
    ['rate:5m', '', 'gauge', 'rate:5m'],
  ] as const)('%s in %p (%s) is %s', (name, unit, kind, want) => {
    expect(prometheusMetricName(name, unit, kind)).toBe(want);
  });

  it('refuses a name with nothing left', () => {
    expect(() => prometheusMetricName('..', '', 'gauge')).toThrow(/no Prometheus name/);
  });
});

describe('prometheusLabelName', () => {
  it.each([
    ['tokf.command', 'tokf_command'],
    ['tokf.exit_code', 'tokf_exit_code'],
    ['tokf.filter.name', 'tokf_filter_name'],
    ['gen_ai.token.type', 'gen_ai_token_type'],
    // Runs of underscores are kept: each character other than a letter or digit is one `_`.
    ['a..b', 'a__b'],
    ['123label', 'key_123label'],
    ['_private', 'key_private'],
    ['__reserved__', '__reserved__'],
    ['caf\u00e9', 'caf_'],
    ['x\u{1F600}', 'x_'],
  ])('%s is %s', (key, want) => {
    expect(prometheusLabelName(key)).toBe(want);
  });

  it('refuses keys that leave no name', () => {
    expect(() => prometheusLabelName('')).toThrow();
    expect(() => prometheusLabelName('..')).toThrow();
  });
});

describe('prometheusLabels', () => {
  it('renames, joins colliding keys in key order, drops empty values and sorts', () => {
    expect(
      prometheusLabels(
        { 'tokf.command': 'ls', 'tokf.exit_code': 0, 'a.b': 'x', a_b: 'y', empty: '' },
        { 'service.name': 'tokf' },
      ),
    ).toEqual([
      ['a_b', 'x;y'],
      ['job', 'tokf'],
      ['tokf_command', 'ls'],
      ['tokf_exit_code', '0'],
    ]);
  });

  it('lets job and instance from the resource win over attributes', () => {
    expect(
      prometheusLabels(
        { job: 'mine', instance: 'me' },
        { 'service.name': 'tokf', 'service.instance.id': 'host-1' },
      ),
    ).toEqual([
      ['instance', 'host-1'],
      ['job', 'tokf'],
    ]);
  });
});

describe('jobAndInstance', () => {
  it.each([
    [{ 'service.name': 'tokf' }, { job: 'tokf' }],
    [{ 'service.name': 'tokf', 'service.namespace': 'ci' }, { job: 'ci/tokf' }],
    [{ 'service.name': 'tokf', 'service.namespace': '' }, { job: '/tokf' }],
    [{ 'service.namespace': 'ci' }, {}],
    [
      { 'service.name': 'tokf', 'service.instance.id': 'r1' },
      { job: 'tokf', instance: 'r1' },
    ],
    [{ 'service.name': '', 'service.instance.id': '' }, {}],
  ])('%p gives %p', (resource, want) => {
    expect(jobAndInstance(resource)).toEqual(want);
  });
});
