import { DEFAULT_BOUNDARIES } from '../../src/encode/instruments.js';
import {
  bucketLines,
  escapeLabelValue,
  familyHeader,
  formatBound,
  labelSet,
  OPENMETRICS_EOF,
  sampleLine,
} from '../../src/output/openmetrics-text.js';

describe('OpenMetrics text', () => {
  it('spells bucket bounds as the OTLP receiver does, never in exponent form', () => {
    expect([0.001, 1e-7, 2.5e21, 1234.5, -3, Infinity].map(formatBound)).toEqual([
      '0.001',
      '0.0000001',
      '2500000000000000000000',
      '1234.5',
      '-3',
      '+Inf',
    ]);
  });

  it('escapes backslash, double quote and line feed in label values and help text', () => {
    expect(escapeLabelValue('a\\b "c"\nd\te')).toBe('a\\\\b \\"c\\"\\nd\te');
    expect(familyHeader('tokf_x', 'counter', 'say "hi"\nthen')).toBe(
      '# TYPE tokf_x counter\n# HELP tokf_x say \\"hi\\"\\nthen\n',
    );
    expect(OPENMETRICS_EOF).toBe('# EOF\n');
  });

  it('renders labels under their Prometheus names, sorted, with job and instance from the resource', () => {
    expect(
      labelSet(
        { 'tokf.command': 'echo "x"', 'tokf.exit_code': 2 },
        { 'service.name': 'tokf', 'service.instance.id': 'runner-7' },
      ),
    ).toBe('instance="runner-7",job="tokf",tokf_command="echo \\"x\\"",tokf_exit_code="2"');
  });

  it('writes a sample with its labels in braces, even none, and seconds as given', () => {
    expect(sampleLine('tokf_x_total', 'job="tokf"', 3, 1772704800)).toBe(
      'tokf_x_total{job="tokf"} 3 1772704800\n',
    );
    expect(sampleLine('tokf_x_total', '', 0.25, '1772704800.123')).toBe(
      'tokf_x_total{} 0.25 1772704800.123\n',
    );
  });

  it('writes buckets cumulative, one per bound and +Inf with the count, le after the labels', () => {
    const perBucket = new Array<number>(DEFAULT_BOUNDARIES.length + 1).fill(0);
    perBucket[0] = 2;
    perBucket[3] = 1;
    perBucket[DEFAULT_BOUNDARIES.length] = 4;
    const lines = bucketLines('tokf_d_seconds', 'job="tokf"', perBucket, 7, 60).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(DEFAULT_BOUNDARIES.length + 1);
    expect(lines.slice(0, 5)).toEqual([
      `tokf_d_seconds_bucket{job="tokf",le="${formatBound(DEFAULT_BOUNDARIES[0]!)}"} 2 60`,
      `tokf_d_seconds_bucket{job="tokf",le="${formatBound(DEFAULT_BOUNDARIES[1]!)}"} 2 60`,
      `tokf_d_seconds_bucket{job="tokf",le="${formatBound(DEFAULT_BOUNDARIES[2]!)}"} 2 60`,
      `tokf_d_seconds_bucket{job="tokf",le="${formatBound(DEFAULT_BOUNDARIES[3]!)}"} 3 60`,
      `tokf_d_seconds_bucket{job="tokf",le="${formatBound(DEFAULT_BOUNDARIES[4]!)}"} 3 60`,
    ]);
    expect(lines.at(-2)).toMatch(/} 3 60$/);
    expect(lines.at(-1)).toBe('tokf_d_seconds_bucket{job="tokf",le="+Inf"} 7 60');
    expect(bucketLines('tokf_d_seconds', '', perBucket, 7, 60)).toMatch(
      /^tokf_d_seconds_bucket\{le="/,
    );
  });
});
