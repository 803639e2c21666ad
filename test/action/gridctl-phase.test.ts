import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gridctlPhase } from '../../src/action/gridctl-phase.js';
import { readActionInputs } from '../../src/action/inputs.js';
import { writeGridctlFixture } from '../helpers/gridctl-fixture.js';
import { OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';

const read = (inputs: Record<string, string>) =>
  readActionInputs((name) => inputs[name] ?? '', { HOME: '/home/r' });

let receiver: OtlpReceiver;
let dir: string;
const saved = process.env.XDG_STATE_HOME;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), 'action-gridctl-'));
  process.env.XDG_STATE_HOME = join(dir, 'state');
});
afterEach(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
  if (saved === undefined) delete process.env.XDG_STATE_HOME;
  else process.env.XDG_STATE_HOME = saved;
});

describe('input gridctl', () => {
  it("is off by default; true is gridctl's default directory, anything else a directory", () => {
    expect(read({}).gridctl).toBeUndefined();
    expect(read({ gridctl: 'false' }).gridctl).toBeUndefined();
    expect(read({ gridctl: 'true' }).gridctl).toBe('');
    expect(read({ gridctl: '/srv/gridctl/telemetry' }).gridctl).toBe('/srv/gridctl/telemetry');
  });

  it("replays the directory with the action's endpoint and metrics settings, once", async () => {
    const root = join(dir, 'telemetry');
    writeGridctlFixture(root, 1_777_550_400_000_000_000n);
    const inputs = read({
      gridctl: root,
      endpoint: receiver.url,
      temporality: 'cumulative',
      signals: 'metrics',
    });
    const problems = await gridctlPhase(inputs);
    expect(problems).toEqual([]);
    const paths = new Set(receiver.requests.map((r) => r.path));
    // The tokf signals input does not narrow gridctl's: all three are sent.
    expect(paths).toEqual(new Set(['/v1/metrics', '/v1/logs', '/v1/traces']));
    expect(receiver.acceptedPoints().every((p) => p.temporality === 2)).toBe(true);
    receiver.clear();
    expect(await gridctlPhase(inputs)).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('reports a problem rather than throwing, for the job to fail only with fail-on-error', async () => {
    const problems = await gridctlPhase(
      read({ gridctl: join(dir, 'missing'), endpoint: receiver.url }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^gridctl replay: .*missing: no such directory/),
    ]);
  });
});
