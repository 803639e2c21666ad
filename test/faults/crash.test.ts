/**
 * SIGKILL the CLI at random moments of a sync against a slow receiver, many times, then run it to
 * completion: every event arrives at least once, none is missing, and the duplicates are bounded
 * by one request per crash (the request acknowledged but not yet recorded when the process died).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { removeTmpDirs, seededRandom } from '../helpers/tokf-db.js';
import { deliveriesByCommand, distinctEventsDb } from './fault-kit.js';

const CLI = resolve('dist/cli.js');
const EVENTS = 3000;
const BATCH = 8;
const CRASHES = 50;

afterAll(removeTmpDirs);

function startCli(db: string, url: string) {
  return spawn(
    process.execPath,
    [CLI, 'sync', '--db', db, '--endpoint', url, '--batch-size', String(BATCH), '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH },
    },
  );
}

it(`survives ${CRASHES} SIGKILLs with every event delivered and duplicates bounded`, async () => {
  const random = seededRandom(20261121);
  // Each request takes 20-60 ms to answer, so kills land before, during and after requests.
  const receiver = await startOtlpReceiver({
    respond: () => ({ status: 200, delayMs: 20 + Math.floor(random() * 40) }),
  });
  const db = distinctEventsDb(EVENTS);
  let killedMidRun = 0;
  try {
    for (let i = 0; i < CRASHES; i++) {
      const child = startCli(db, receiver.url);
      const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
      await new Promise((r) => setTimeout(r, 150 + Math.floor(random() * 300)));
      if (child.kill('SIGKILL')) killedMidRun += 1;
      const code = await exited;
      // A run that finished before the kill must have succeeded.
      if (code !== null) expect(code).toBe(0);
    }
    const final = startCli(db, receiver.url);
    let stdout = '';
    final.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((done) => final.on('close', done));
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ status: 'delivered', pending: 0 });

    const counts = deliveriesByCommand(receiver.acceptedPoints());
    const missing = Array.from({ length: EVENTS }, (_, i) => `cmd-${i + 1}`).filter(
      (c) => !counts.has(c),
    );
    expect(missing).toEqual([]);
    const duplicates = [...counts.values()].reduce((sum, n) => sum + (n - 1), 0);
    const duplicatedEvents = [...counts.values()].filter((n) => n > 1).length;
    // Bounded by one request per crash: a batch, which may run on to the end of its second
    // (three events per second here, so at most two more).
    expect(killedMidRun).toBe(CRASHES);
    expect(duplicates).toBeLessThanOrEqual(killedMidRun * (BATCH + 2));
    console.info(
      `crash suite: ${CRASHES} runs, ${killedMidRun} killed mid-run, ${receiver.accepted().length} requests accepted, ` +
        `${EVENTS} events all delivered, ${duplicates} duplicate deliveries over ${duplicatedEvents} events ` +
        `(bound ${killedMidRun * (BATCH + 2)}: one request of at most ${BATCH + 2} events per crash)`,
    );
  } finally {
    await receiver.close();
  }
}, 120_000);
