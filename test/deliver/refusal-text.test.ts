import {
  condenseRepeats,
  isOutOfOrderReason,
  readRefusal,
} from '../../src/deliver/refusal-text.js';

describe('reading a refusal', () => {
  it.each([
    // Prometheus v0.316.0 (storage/interface.go, storage/errors.go), several joined by newlines.
    [400, 'out of order sample', 'out-of-order'],
    [400, 'out of order sample\nout of order sample\n', 'out-of-order'],
    [400, 'duplicate sample for timestamp', 'out-of-order'],
    [400, 'out of bounds', 'too-old'],
    [400, 'too old sample', 'too-old'],
    // One stale series and one the backend already holds: what decides is the latter.
    [400, 'out of bounds\nout of order sample', 'out-of-order'],
    // Thanos receive, 409 Conflict.
    [409, 'add 12 samples: out of order sample', 'out-of-order'],
    [409, 'add 2 samples: duplicate sample for timestamp', 'out-of-order'],
    // Mimir and Grafana Cloud.
    [
      400,
      'the sample has been rejected because its timestamp is too old (err-mimir-sample-out-of-order)',
      'out-of-order',
    ],
    [400, '(err-mimir-sample-duplicate-timestamp)', 'out-of-order'],
    [400, 'err-mimir-sample-timestamp-too-old', 'too-old'],
    // Cortex, Loki.
    [400, 'sample with repeated timestamp but different value', 'out-of-order'],
    [400, 'sample timestamp out of order', 'out-of-order'],
    [400, "entry with timestamp 2026-03-02 ignored, reason: 'entry out of order'", 'out-of-order'],
    [400, 'entry too far behind', 'too-old'],
    // Not about order or age.
    [400, 'invalid label value', 'other'],
    [413, 'request entity too large', 'other'],
    // A 500 that mentions order is a server failure, not a refusal of this data.
    [500, 'out of order sample', 'other'],
  ] as const)('HTTP %i "%s" reads as %s', (status, text, reading) => {
    expect(readRefusal(status, text)).toBe(reading);
  });

  it('tells the reasons earlier versions recorded for resends they set aside', () => {
    expect(isOutOfOrderReason('HTTP 400: out of order sample')).toBe(true);
    expect(isOutOfOrderReason('HTTP 400: duplicate sample for timestamp')).toBe(true);
    expect(
      isOutOfOrderReason(
        'too old for this endpoint (HTTP 400: out of order sample); kept in out/metrics.jsonl',
      ),
    ).toBe(true);
    expect(
      isOutOfOrderReason('too old for this endpoint (HTTP 400: out of bounds); kept in x'),
    ).toBe(false);
    expect(isOutOfOrderReason('HTTP 400: invalid label value')).toBe(false);
    expect(isOutOfOrderReason('the timestamp is not a time, so the event cannot be replayed')).toBe(
      false,
    );
  });

  it('says a repeated error once, with how often', () => {
    expect(condenseRepeats('out of order sample out of order sample out of order sample')).toBe(
      'out of order sample (×3)',
    );
    expect(condenseRepeats('out of order sample out of order sample out of or…')).toBe(
      'out of order sample (×2+)',
    );
    expect(condenseRepeats('out of order sample')).toBe('out of order sample');
    expect(condenseRepeats('out of bounds out of order sample')).toBe(
      'out of bounds out of order sample',
    );
    expect(condenseRepeats('bad bad')).toBe('bad bad');
  });
});
