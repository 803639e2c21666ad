import type { JsonlStatus } from '../../src/engine/index.js';
import { formatReplayStatus } from '../../src/report/replay-status.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');

function status(over: Partial<JsonlStatus> = {}): JsonlStatus {
  return {
    statePath: '/home/u/.local/state/telemetry-sync/replay-state.db',
    exists: true,
    files: [
      {
        path: '/var/log/app/logs.jsonl',
        line: 1_204,
        offset: 2_500_000,
        updatedAt: '2026-03-10T11:00:00Z',
        seenAt: '2026-03-10T11:00:00Z',
      },
    ],
    lastRun: {
      startedAt: '2026-03-10T10:59:58Z',
      finishedAt: '2026-03-10T11:00:00Z',
      status: 'partial',
      endpoint: 'https://otlp.example.com/v1/logs',
      selected: 1_210,
      delivered: 1_200,
      setAside: 4,
      pending: -1,
    },
    lock: null,
    ...over,
  };
}

describe('the replay state status text', () => {
  it('lists the files with their progress, the last replay in lines, and the lock', () => {
    expect(formatReplayStatus(status(), NOW)).toBe(
      [
        'telemetry-sync status of the replay state /home/u/.local/state/telemetry-sync/replay-state.db',
        '  files      1 file',
        '    /var/log/app/logs.jsonl: 1,204 lines done (2,500,000 bytes), recorded 2026-03-10T11:00:00Z',
        '  last run   2026-03-10T11:00:00Z (partial): 1,200 lines of 1,210 read delivered to https://otlp.example.com/v1/logs, 4 set aside',
        '  lock       free: no replay is running',
        '',
      ].join('\n'),
    );
  });

  it('says a state that is not there is not, and how one comes to be', () => {
    const text = formatReplayStatus(status({ exists: false, files: [], lastRun: null }), NOW);
    expect(text).toBe(
      'telemetry-sync status of the replay state /home/u/.local/state/telemetry-sync/replay-state.db: not there; no replay has recorded progress at this path (a replay with --state /home/u/.local/state/telemetry-sync/replay-state.db would create it)\n',
    );
  });

  it('lists twenty files and counts the rest, and tells a lock left by a replay that died', () => {
    const files = Array.from({ length: 23 }, (_, i) => ({
      path: `/logs/app-${i}.jsonl`,
      line: 1,
      offset: 10,
      updatedAt: '2026-03-10T11:00:00Z',
      seenAt: null,
    }));
    const text = formatReplayStatus(
      status({
        files,
        lastRun: null,
        lock: {
          host: 'runner-1',
          pid: 4242,
          since: '2026-03-10T11:58:00Z',
          heartbeatAt: '2026-03-10T11:58:30Z',
          alive: false,
        },
      }),
      NOW,
    );
    expect(text).toContain('  files      23 files\n');
    expect(text).toContain('/logs/app-19.jsonl');
    expect(text).not.toContain('/logs/app-20.jsonl');
    expect(text).toContain('    and 3 more (see --json)\n');
    expect(text).toContain('  last run   none recorded\n');
    expect(text).toContain(
      '  lock       left by a replay that is gone (pid 4242 on runner-1, since 2026-03-10T11:58:00Z); the next replay takes it over\n',
    );
  });
});
