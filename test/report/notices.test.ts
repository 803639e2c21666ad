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
    // Keyed by kind, so that a kind added to NoticeKind and missing here fails the typecheck.
    const every: Record<Notice['kind'], true> = {
      'send-failed': true,
      'record-failed': true,
      'circuit-breaker': true,
      'read-failed': true,
      'database-damaged': true,
      'count-failed': true,
      'set-aside-failed': true,
      'skip-failed': true,
      unexpected: true,
      'file-failed': true,
      'too-old-unsent': true,
      interrupted: true,
      'lock-lost': true,
      'out-of-order': true,
      'refuses-everything': true,
      'behind-endpoint': true,
      refused: true,
      'partial-success': true,
      'already-held': true,
      'too-old': true,
      'too-old-for-endpoint': true,
      'beyond-backend-history': true,
      'unreadable-time': true,
      'skipped-rejected': true,
      'clock-future': true,
      'clock-backwards': true,
      redirected: true,
    };
    const kinds = Object.keys(every) as Notice['kind'][];
    for (const kind of kinds) {
      const text = describeNotice(notice({ kind, count: 2, firstId: 9, message: 'why' }));
      expect(text).not.toMatch(/undefined|null/);
      expect(text.length).toBeGreaterThan(10);
    }
  });
});
