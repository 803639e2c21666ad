/**
 * actionlint (the pinned peer) over every workflow and every README workflow snippet, through
 * scripts/workflows/lint.mjs as `npm run lint:workflows` and CI run it; and a README with
 * mistakes in it, to show that the check fails where it should, at the README's own lines.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { markdownYamlSnippets } from '../../scripts/workflows/snippets.mjs';
import { e2eTmpDir, peerBin, removeE2eTmpDir } from './helpers/peers.js';

const LINT = path.resolve('scripts/workflows/lint.mjs');

afterAll(removeE2eTmpDir);

function lint(args: string[] = []) {
  const run = spawnSync(process.execPath, [LINT, ...args], { encoding: 'utf8' });
  return { code: run.status, stderr: run.stderr };
}

describe('actionlint', () => {
  beforeAll(() => {
    peerBin('actionlint'); // built by the global setup; fails here if not
  });

  it('finds no problem in the workflows and the README snippets', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const snippets = markdownYamlSnippets(readme).filter((s) => s.workflow !== null).length;
    const files = fs.readdirSync('.github/workflows').filter((f) => f.endsWith('.yml')).length;
    const run = lint();
    expect(run.stderr).toBe(
      `actionlint: ${files} workflow files and ${snippets} README snippets, no problems\n`,
    );
    expect(run.code).toBe(0);
  });

  it("fails on a mistake in a snippet, at the README's line: an input action.yml lacks, a bad step key", () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const lines = readme.split('\n');
    const endpointAt = lines.findIndex((l) =>
      /^\s+endpoint: \$\{\{ secrets\.OTLP_ENDPOINT \}\}/.test(l),
    );
    expect(endpointAt).toBeGreaterThan(0);
    lines[endpointAt] = lines[endpointAt]!.replace('endpoint:', 'endpiont:');
    // The "shel" line's number: after a blank line, the fence and the run line.
    const shelLine = lines.length + 4;
    lines.push('', '```yaml', '- run: make', '  shel: bash', '```', '');
    const bad = path.join(e2eTmpDir(), 'README.md');
    fs.writeFileSync(bad, lines.join('\n'));
    const run = lint(['--readme', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^actionlint: 2 problems in /);
    expect(run.stderr).toContain(
      `${bad}:${endpointAt + 1}:11: input "endpiont" is not defined in action "telemetry-sync"`,
    );
    expect(run.stderr).toContain(`${bad}:${shelLine}:3: unexpected key "shel"`);
  });
});
