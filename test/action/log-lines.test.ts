import { logLines } from '../../src/action/log-lines.js';
import { report, result } from '../helpers/action-report.js';

describe('the step log', () => {
  it('says where the database came from, what became of the events, the artifact and the save', () => {
    const lines = logLines(
      report({
        result: result({
          status: 'partial',
          delivered: 4,
          pending: 3,
          alreadyHeld: 1,
          refusedEvents: 2,
          tooOld: 1,
          rejectedPoints: 5,
          selectedPending: 3,
          selectedSetAside: 3,
        }),
        artifact: { name: 'telemetry-otlp-x', id: 9, url: 'https://github.com/o/r/artifacts/9' },
        save: { saved: true, key: 'telemetry-db-v1-linux-1-1' },
        notes: ['a database already existed'],
      }),
    );
    expect(lines).toEqual([
      'telemetry-sync: delivered 4 of 10 events; 3 stay pending, 3 set aside, 3,900 tokens saved',
      '  database: restored from the cache (key telemetry-db-v1-linux-1-1)',
      '  events: 10 selected, 4 delivered, 3 pending, 1 of them already in the backend, 2 refused and set aside, 1 older than max-age, 5 points rejected',
      '  tokens: 3,900 saved (5,000 in, 1,200 out)',
      '  endpoint: otlp.example.com:4318',
      '  artifact: telemetry-otlp-x (https://github.com/o/r/artifacts/9)',
      '  saved: cache key telemetry-db-v1-linux-1-1',
      '  note: a database already existed',
    ]);
  });

  it('says an unknown count as ?, a file export as no endpoint, and why no artifact was kept', () => {
    const exported = result({ status: 'exported', endpoint: null, delivered: 0, pending: -1 });
    expect(logLines(report({ result: exported, artifactFailed: 'HTTP 500' }))).toEqual([
      'telemetry-sync: 10 events were not exported: uploading the OTLP/JSON artifact failed (no endpoint), 3,900 tokens saved',
      '  database: restored from the cache (key telemetry-db-v1-linux-1-1)',
      '  events: 10 selected, 0 delivered, ? pending',
      '  tokens: 3,900 saved (5,000 in, 1,200 out)',
      '  endpoint: none (OTLP/JSON file only)',
      '  artifact: the upload failed: HTTP 500',
    ]);
    expect(
      logLines(report({ result: undefined, restoredFrom: 'none', artifactSkipped: 'skipped' })),
    ).toEqual([
      'telemetry-sync: no database found, nothing to sync',
      '  database: none restored',
      '  artifact: skipped',
    ]);
  });
});
