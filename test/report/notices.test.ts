import type { Notice } from '../../src/engine/index.js';
import { describeNotice } from '../../src/report/notices.js';

const notice = (n: Partial<Notice> & Pick<Notice, 'kind'>): Notice => ({
  count: 1,
  firstId: null,
  message: null,
  ...n,
});

describe('describeNotice', () => {
  it('says what failed, from which event, what the endpoint said, and what stays pending', () => {
    expect(
      describeNotice(
        notice({ kind: 'send-failed', count: 40, firstId: 7, message: 'HTTP 500: backend broken' }),
      ),
    ).toBe(
      'a request of 40 events (first: id 7) failed: HTTP 500: backend broken; it and all later events stay pending',
    );
  });

  it('counts in words a person reads: 1 event, 2 events', () => {
    expect(describeNotice(notice({ kind: 'refused', message: 'HTTP 400: bad point' }))).toBe(
      '1 event was refused and set aside as rejected (HTTP 400: bad point); --retry-rejected sends them again',
    );
    expect(describeNotice(notice({ kind: 'clock-future', count: 2, firstId: 4 }))).toBe(
      '2 events are stamped more than 5 minutes in the future (first: id 4); the clock of the machine that recorded them may be wrong',
    );
  });

  it('tells where too-old events went, or how to keep them', () => {
    expect(describeNotice(notice({ kind: 'too-old', count: 3, file: '/o/metrics.jsonl' }))).toBe(
      '3 events older than max-age were not sent, only written to /o/metrics.jsonl',
    );
    expect(describeNotice(notice({ kind: 'too-old', count: 3 }))).toMatch(
      /stay pending; give an OTLP\/JSON output directory/,
    );
  });

  it('renders every kind without throwing and without "undefined"', () => {
    const kinds: Notice['kind'][] = [
      'send-failed',
      'record-failed',
      'circuit-breaker',
      'read-failed',
      'count-failed',
      'set-aside-failed',
      'unexpected',
      'refused',
      'partial-success',
      'too-old',
      'unreadable-time',
      'skipped-rejected',
      'clock-future',
      'clock-backwards',
    ];
    for (const kind of kinds) {
      const text = describeNotice(notice({ kind, count: 2, firstId: 9, message: 'why' }));
      expect(text).not.toMatch(/undefined|null/);
      expect(text.length).toBeGreaterThan(10);
    }
  });
});
