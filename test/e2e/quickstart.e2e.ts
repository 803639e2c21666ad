/**
 * The README's Quick start run by a runner nobody here wrote: nektos/act 0.2.89 in host mode
 * (helpers/act.ts), with its cache server, a real OpenTelemetry Collector as the endpoint and the
 * real tokf writing rows in the job, twice, each run on a fresh HOME as on a fresh runner.
 *
 * The workflow is the README's own, taken from it, with these changes, each for a reason:
 * - The tokf install steps (actions/cache of the binary, `cargo install`) become `tokf --version`
 *   with the tokf peer on PATH: no registry is reachable from the job, and the peer is that build.
 * - `otlp-artifact: never`: act's artifact server refuses the uploads of @actions/artifact v4 and
 *   later (nektos/act#6021, #6022). The artifact path stays covered by the toolkit-level tests
 *   (test/toolkit, test/action), which run the real @actions/artifact against local services.
 * - `tokf run cargo test` becomes tokf running `echo` $ROWS times, each command naming its run, so
 *   that every point at the Collector says which run's row it is.
 * The steps themselves, the action's inputs and the post-step sync are the README's.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { markdownYamlSnippets } from '../../scripts/workflows/snippets.mjs';
import { ACTION_REF, ActRunner } from './helpers/act.js';
import type { ActRun } from './helpers/act.js';
import { Collector } from './helpers/collector.js';
import { peerBin, removeE2eTmpDir } from './helpers/peers.js';

const STEP = /^ {6}- /;
const FIRST_ROWS = 3;
const SECOND_ROWS = 2;

/** The README's Quick start workflow: the first YAML block after its heading. */
function readmeQuickstart(): string {
  const readme = fs.readFileSync('README.md', 'utf8');
  const heading = readme.split('\n').indexOf('## Quick start') + 1;
  const snippet = markdownYamlSnippets(readme).find((s) => s.firstLine > heading);
  if (snippet === undefined || snippet.kind !== 'workflow')
    throw new Error('README.md: no workflow under "## Quick start"');
  return snippet.text;
}

/** The Quick start as act runs it here (see the file's comment); throws if its shape changed. */
function actWorkflowOf(quickstart: string): string {
  const lines = quickstart.split('\n');
  const first = lines.findIndex((l) => STEP.test(l));
  const header = lines.slice(0, first);
  const steps: string[][] = [];
  for (const line of lines.slice(first)) {
    if (STEP.test(line) || steps.length === 0) steps.push([line]);
    else steps.at(-1)!.push(line);
  }
  const isInstall = (step: string[]) =>
    step.some((l) => /uses: actions\/cache@|cargo install tokf/.test(l));
  const out: string[][] = [];
  let installs = 0;
  let ours = 0;
  let runs = 0;
  for (const step of steps) {
    const text = step.join('\n');
    if (isInstall(step)) {
      if (installs++ === 0)
        out.push(['      - run: tokf --version # the tokf peer is on PATH, as the cache gives it']);
    } else if (text.includes(`uses: ${ACTION_REF}`)) {
      ours++;
      const body = step.filter((l) => l.trim() !== '');
      out.push([
        ...body,
        "          otlp-artifact: never # act's artifact server refuses @actions/artifact v4+ uploads",
      ]);
    } else if (/^ {6}- run: tokf run /.test(step[0]!)) {
      runs++;
      out.push([
        '      - run: for i in $(seq "$ROWS"); do tokf run echo "row $i of run $RUN"; done',
      ]);
    } else out.push(step.filter((l) => l.trim() !== ''));
  }
  if (installs !== 2 || ours !== 1 || runs !== 1)
    throw new Error(
      `the Quick start changed shape (${installs} install steps, ${ours} of this action, ${runs} tokf runs): update this test`,
    );
  return `${[...header, ...out.flat()].join('\n')}\n`;
}

/** `telemetry-sync status --json` of a database, by the CLI bundle. */
function status(db: string): { events: number; delivered: number; pending: { count: number } } {
  const run = spawnSync(process.execPath, ['dist/cli.js', 'status', '--db', db, '--json'], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`status: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const commandsAt = (collector: Collector) =>
  collector
    .points()
    .filter((p) => p.metric === 'tokf.filter.invocations')
    .map((p) => String(p.attributes['tokf.command']));

const rowsOf = (run: number, rows: number) =>
  Array.from({ length: rows }, (_, i) => `echo row ${i + 1} of run ${run}`);

describe("the README's Quick start under nektos/act", () => {
  let collector: Collector;
  let runner: ActRunner;
  let first: ActRun | undefined;
  const secrets = () => ({
    OTLP_ENDPOINT: collector.endpoint,
    OTLP_HEADERS: 'x-e2e=e2e-header-value',
  });
  const tokfOnPath = () => [path.dirname(peerBin('tokf'))];

  beforeAll(async () => {
    collector = await Collector.start();
    runner = new ActRunner('act');
    await runner.setWorkflow(actWorkflowOf(readmeQuickstart()));
  });

  afterAll(async () => {
    await collector?.stop();
    removeE2eTmpDir();
  });

  it('the first run restores nothing, tokf writes rows, the post step delivers them, writes the summary and saves the cache', async () => {
    const run = await runner.run({
      secrets: secrets(),
      env: { RUN: '1', ROWS: String(FIRST_ROWS) },
      path: tokfOnPath(),
    });
    first = run;
    expect({ code: run.code, tail: run.log.slice(-2000) }).toMatchObject({ code: 0 });
    expect(run.log).toContain('🏁  Job succeeded');
    // The step log: every step of the Quick start ran, ours in its main and its post step.
    for (const step of [
      'Main actions/checkout@v5',
      'Main tokf --version',
      `Main ${ACTION_REF}`,
      'Main for i in $(seq "$ROWS")',
      `Post ${ACTION_REF}`,
    ])
      expect(run.log).toContain(`✅  Success - ${step}`);
    expect(run.stepLines).toEqual(
      expect.arrayContaining([expect.stringMatching(/^tokf 0\.2\.54/)]),
    );
    expect(run.stepLines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^telemetry-sync: delivered ${FIRST_ROWS} events, `)),
      ]),
    );
    expect(run.stepLines).toContain('Cache saved successfully');
    // The outputs: the main step's restore, then the post step's sync.
    expect(run.outputs).toMatchObject({
      'cache-hit': 'false',
      selected: String(FIRST_ROWS),
      delivered: String(FIRST_ROWS),
      pending: '0',
      status: 'delivered',
    });
    // The job summary.
    expect(run.summary).toMatch(new RegExp(`^### telemetry-sync: delivered ${FIRST_ROWS} events`));
    expect(run.summary).toContain('**Saved:** cache key telemetry-db-');
    expect(run.summary).toContain(`**Endpoint:** ${collector.endpoint.replace('http://', '')}`);
    expect(run.summary).toContain('**Database:** none restored');
    // What the Collector received: each row of the run, once.
    await collector.waitForPoints((points) => points.length > 0);
    await collector.barrier();
    expect(commandsAt(collector).sort()).toEqual(rowsOf(1, FIRST_ROWS));
  }, 180_000);

  it('the second run, on a fresh runner, restores the cached database and sends only the rows tokf wrote since', async () => {
    expect(first?.code).toBe(0);
    const saved = /\*\*Saved:\*\* cache key (\S+)/.exec(first!.summary)?.[1];
    expect(saved).toBeDefined();
    const run = await runner.run({
      secrets: secrets(),
      env: { RUN: '2', ROWS: String(SECOND_ROWS) },
      path: tokfOnPath(),
    });
    expect({ code: run.code, tail: run.log.slice(-2000) }).toMatchObject({ code: 0 });
    // The cache round trip: the entry the first run saved is what the second restored.
    expect(run.stepLines).toContain('Cache restored successfully');
    expect(run.stepLines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`tracking\\.db: cache \\(${saved}\\)$`)),
      ]),
    );
    expect(run.outputs).toMatchObject({
      'cache-hit': 'true',
      'restored-from': 'cache',
      'cache-key': saved,
      selected: String(SECOND_ROWS),
      delivered: String(SECOND_ROWS),
      pending: '0',
      status: 'delivered',
    });
    expect(run.summary).toMatch(new RegExp(`^### telemetry-sync: delivered ${SECOND_ROWS} events`));
    // And saved a new entry of its own (keys are immutable; the next run restores the newest).
    const savedAgain = /\*\*Saved:\*\* cache key (\S+)/.exec(run.summary)?.[1];
    expect(savedAgain).toMatch(/^telemetry-db-/);
    expect(savedAgain).not.toBe(saved);
    // Only the new rows went out: every row of both runs arrived exactly once.
    await collector.waitForPoints(
      (points) =>
        points.filter((p) => p.metric === 'tokf.filter.invocations').length >=
        FIRST_ROWS + SECOND_ROWS,
    );
    await collector.barrier();
    expect(commandsAt(collector).sort()).toEqual(
      [...rowsOf(1, FIRST_ROWS), ...rowsOf(2, SECOND_ROWS)].sort(),
    );
    // The database the job ended with holds both runs' rows, all delivered.
    const db = path.join(run.home, '.local', 'share', 'tokf', 'tracking.db');
    expect(status(db)).toMatchObject({
      events: FIRST_ROWS + SECOND_ROWS,
      delivered: FIRST_ROWS + SECOND_ROWS,
      pending: { count: 0 },
    });
  }, 180_000);
});
