/**
 * `npm run demo` (scripts/demo.mjs) as a user runs it: the real bundle on a copy of the sample
 * database, never the tracked fixture, whatever the environment says.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileHash, runNode, type CliRun } from '../helpers/run-cli.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { removeTmpDirs, tmpDbPath } from '../helpers/tokf-db.js';

const DEMO = resolve('scripts/demo.mjs');
const SAMPLE = resolve('test/fixtures/tokf-sample.db');
/** Events in the sample database. */
const SAMPLE_EVENTS = 201;

afterAll(removeTmpDirs);

function runDemo(out: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runNode(DEMO, [out], env);
}

/** A fresh output directory (removed after the file's tests). */
const makeOutDir = () => join(dirname(tmpDbPath('demo-')), 'demo-out');

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').length;

describe('npm run demo', () => {
  it('writes the sample to OTLP/JSON Lines from a copy, the fixture untouched', async () => {
    const before = fileHash(SAMPLE);
    const out = makeOutDir();
    const run = await runDemo(out);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `telemetry-sync: wrote ${SAMPLE_EVENTS} events to ${join(out, 'metrics.jsonl')}`,
    );
    expect(run.stderr).toContain(`database  ${join(out, 'tracking.db')}`);
    expect(lines(join(out, 'metrics.jsonl'))).toBeGreaterThan(0);
    expect(fileHash(SAMPLE)).toBe(before);
  });

  it('with OTEL_EXPORTER_OTLP_ENDPOINT set, sends the whole sample on every run and never records into the fixture', async () => {
    const before = fileHash(SAMPLE);
    const receiver = await startOtlpReceiver();
    try {
      const out = makeOutDir();
      const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
      const first = await runDemo(out, env);
      expect(first.code).toBe(0);
      expect(first.stderr).toContain('and to the endpoint OTEL_EXPORTER_OTLP_ENDPOINT names');
      expect(first.stderr).toContain(
        `telemetry-sync: delivered ${SAMPLE_EVENTS} events to ${receiver.metricsUrl}`,
      );
      const points = receiver.acceptedPoints().length;
      expect(points).toBeGreaterThan(0);
      // A fresh copy each time: the second demo has the same to send, not "nothing to send".
      const second = await runDemo(out, env);
      expect(second.code).toBe(0);
      expect(second.stderr).toContain(`telemetry-sync: delivered ${SAMPLE_EVENTS} events`);
      expect(receiver.acceptedPoints().length).toBe(2 * points);
      // And without the endpoint afterwards, the file again (once said as "wrote 0 events to null").
      const third = await runDemo(out);
      expect(third.code).toBe(0);
      expect(third.stderr).toContain(`telemetry-sync: wrote ${SAMPLE_EVENTS} events to`);
      expect(third.stderr).not.toContain('null');
      expect(fileHash(SAMPLE)).toBe(before);
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
