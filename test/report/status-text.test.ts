import type { SyncStatus } from '../../src/engine/index.js';
import { formatStatusText } from '../../src/report/status-text.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');

function status(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    database: '/home/u/.local/share/tokf/tracking.db',
    progress: 'ranges',
    signals: [],
    events: 1_000_000,
    delivered: 300_000,
    pending: {
      count: 695_000,
      firstId: 305_001,
      firstEventTime: '2025-09-27T13:17:39Z',
      lastId: 1_000_000,
      lastEventTime: '2025-11-26T10:43:28Z',
    },
    setAside: { count: 0, tooOld: 0, tooOldNotInFile: 0, refused: 0, unreadable: 0, byReason: [] },
    lastSync: null,
    lastDeliveredAt: null,
    lock: null,
    ...over,
  };
}

describe('the status text', () => {
  it('says what is pending and delivered, with thousands separators', () => {
    const text = formatStatusText(status(), NOW);
    expect(text).toContain('telemetry-sync status of /home/u/.local/share/tokf/tracking.db');
    expect(text).toContain(
      'pending    695,000 events, 2025-09-27T13:17:39Z .. 2025-11-26T10:43:28Z (ids 305001 .. 1000000)',
    );
    expect(text).toContain('delivered  300,000 events of 1,000,000');
    expect(text).toContain('set aside  none');
    expect(text).toContain('last sync  none recorded');
    expect(text).toContain('lock       free: no sync is running');
    expect(text).toContain('progress   in the table telemetry_sync_delivered');
  });

  it('one pending event reads as one', () => {
    const text = formatStatusText(
      status({
        delivered: 1,
        events: 2,
        pending: {
          count: 1,
          firstId: 2,
          firstEventTime: '2026-03-01T00:00:00Z',
          lastId: 2,
          lastEventTime: '2026-03-01T00:00:00Z',
        },
      }),
      NOW,
    );
    expect(text).toContain('pending    1 event at 2026-03-01T00:00:00Z (id 2)');
    expect(text).toContain('delivered  1 event of 2');
  });

  it('set aside by reason, and the last sync', () => {
    const text = formatStatusText(
      status({
        setAside: {
          count: 5_012,
          tooOld: 5_000,
          tooOldNotInFile: 0,
          refused: 12,
          unreadable: 0,
          byReason: [
            {
              kind: 'too-old',
              reason: 'older than max-age; exported to out/metrics.jsonl only',
              status: null,
              count: 5_000,
              lastAt: '2026-03-09T08:00:00Z',
              file: null,
            },
            {
              kind: 'refused',
              reason: 'HTTP 400: bad point',
              status: 400,
              count: 12,
              lastAt: '2026-03-09T08:00:01Z',
              file: null,
            },
          ],
        },
        lastSync: {
          startedAt: '2026-03-09T07:59:58Z',
          finishedAt: '2026-03-09T08:00:01Z',
          status: 'partial',
          endpoint: 'https://otlp.example/v1/metrics',
          selected: 2_000,
          delivered: 1_988,
          setAside: 12,
          pending: 695_000,
        },
      }),
      NOW,
    );
    expect(text).toContain(
      'set aside  5,012 events: 5,000 too old (in an OTLP/JSON file only), 12 refused by the endpoint; --retry-rejected sends them again',
    );
    expect(text).toContain('5,000  older than max-age; exported to out/metrics.jsonl only');
    expect(text).toContain('12  HTTP 400: bad point (last 2026-03-09T08:00:01Z)');
    expect(text).toContain(
      'last sync  2026-03-09T08:00:01Z (partial): 1,988 events of 2,000 selected delivered to https://otlp.example/v1/metrics, 12 set aside, 695,000 left pending',
    );
  });

  it('a lock held now, and one left behind', () => {
    const held = formatStatusText(
      status({
        lock: {
          host: 'runner',
          pid: 42,
          since: '2026-03-10T11:59:00Z',
          heartbeatAt: '2026-03-10T11:59:50Z',
          alive: true,
        },
      }),
      NOW,
    );
    expect(held).toContain(
      'lock       held by a running sync (pid 42 on runner, since 2026-03-10T11:59:00Z, last sign of life 10 seconds ago)',
    );
    const left = formatStatusText(
      status({
        lock: {
          host: 'runner',
          pid: 42,
          since: '2026-03-10T10:00:00Z',
          heartbeatAt: '2026-03-10T10:00:00Z',
          alive: false,
        },
      }),
      NOW,
    );
    expect(left).toContain('left by a sync that is gone');
  });

  it('progress kept by another tool in the column, without a run of ours', () => {
    const text = formatStatusText(
      status({ progress: 'column', lastDeliveredAt: '2026-03-04T05:06:07Z' }),
      NOW,
    );
    expect(text).toContain(
      'last sync  none recorded; events last marked delivered at 2026-03-04T05:06:07Z',
    );
    expect(text).toContain('progress   in events.synced_to_otel_at');
  });
});
