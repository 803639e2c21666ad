import { headline, statusOf } from '../../src/action/report-status.js';
import { report, result } from '../helpers/action-report.js';

describe('a file export whose artifact', () => {
  const exported = result({ status: 'exported', endpoint: null, delivered: 0, selected: 7 });
  const artifact = {
    name: 'telemetry-otlp-x',
    id: 9,
    url: 'https://github.com/o/r/actions/runs/1/artifacts/9',
  };

  it('was uploaded: exported', () => {
    expect(statusOf([exported])).toBe('exported');
    expect(headline(report({ result: exported, artifact }))).toBe(
      '7 events written to the OTLP/JSON artifact (no endpoint), 3,900 tokens saved',
    );
  });

  it('failed to upload: failed, and the headline says nothing was exported', () => {
    expect(statusOf([exported], 'HTTP 500')).toBe('failed');
    const line = headline(
      report({
        result: exported,
        artifactFailed: 'HTTP 500',
        problems: ['uploading the OTLP/JSON artifact telemetry-otlp-x failed: HTTP 500'],
      }),
    );
    expect(line).toContain(
      '7 events were not exported: uploading the OTLP/JSON artifact failed (no endpoint)',
    );
    expect(line).not.toContain('written to the OTLP/JSON artifact');
  });

  it('was not asked for: written to a file, not uploaded', () => {
    expect(
      headline(
        report({
          result: exported,
          artifactSkipped: 'no OTLP/JSON artifact (otlp-artifact: never)',
        }),
      ),
    ).toContain(
      '7 events written to an OTLP/JSON file, not uploaded (no OTLP/JSON artifact (otlp-artifact: never))',
    );
  });
});

describe('the status of the database and a restored copy', () => {
  it('is none without a database, and the engine’s status of both runs otherwise', () => {
    expect(statusOf([])).toBe('none');
    expect(headline(report({ result: undefined }))).toBe('no database found, nothing to sync');
    const delivered = result();
    const failed = result({ status: 'failed', delivered: 0, selectedPending: 10 });
    expect(statusOf([failed, failed])).toBe('failed');
    expect(statusOf([delivered, failed])).toBe('partial');
    expect(statusOf([failed, delivered])).toBe('partial');
    expect(headline(report({ result: delivered, restoredCopy: failed }))).toBe(
      'delivered 10 of 20 events; 10 stay pending, 7,800 tokens saved',
    );
    expect(statusOf([delivered, delivered])).toBe('delivered');
    expect(headline(report({ restoredCopy: delivered }))).toBe(
      'delivered 20 events, 7,800 tokens saved',
    );
  });

  it('is a dry run for a dry run, whose artifact is not asked about', () => {
    const dryRun = result({ status: 'dry-run', delivered: 0 });
    expect(statusOf([dryRun], 'HTTP 500')).toBe('dry-run');
    expect(headline(report({ result: dryRun }))).toBe(
      'dry run: 10 events would be sent, 3,900 tokens saved',
    );
  });
});
