/** The README's workflow snippets as actionlint gets them (scripts/workflows/snippets.mjs). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, markdownYamlSnippets, snippetKind } from '../../scripts/workflows/snippets.mjs';

describe('markdownYamlSnippets', () => {
  const markdown = [
    '# Title', // 1
    '```yaml', // 2
    'on: push', // 3
    'jobs:', // 4
    '  a: { runs-on: ubuntu-latest, steps: [{ run: true }] }', // 5
    '```', // 6
    'Text.', // 7
    '```yml', // 8
    '- uses: actions/checkout@v5', // 9
    '- run: echo hi', // 10
    '```', // 11
    '```yaml', // 12
    'uses: telemetry-sync/telemetry-sync@v0', // 13
    'with:', // 14
    '  endpoint: http://localhost:4318', // 15
    '```', // 16
    '```yaml', // 17
    'receivers:', // 18
    '  otlp: {}', // 19
    '```', // 20
    '```sh', // 21
    'echo not yaml', // 22
    '```', // 23
  ].join('\n');
  const snippets = markdownYamlSnippets(markdown);

  it('finds every YAML block with its first line and kind, and no other block', () => {
    expect(snippets.map((s) => [s.firstLine, s.kind])).toEqual([
      [3, 'workflow'],
      [9, 'steps'],
      [13, 'step'],
      [18, 'other'],
    ]);
    expect(snippets[3]!.workflow).toBeNull();
  });

  it('keeps a whole workflow as it is, its lines its own', () => {
    const w = snippets[0]!;
    expect(w.workflow).toBe(
      'on: push\njobs:\n  a: { runs-on: ubuntu-latest, steps: [{ run: true }] }\n',
    );
    expect(w.line(2)).toBe(4);
  });

  it('wraps a list of steps, and one step, into a job; lines map back to the Markdown', () => {
    const steps = snippets[1]!;
    const lines = steps.workflow!.split('\n');
    expect(lines).toContain('    steps:');
    const at = lines.indexOf('      - run: echo hi') + 1;
    expect(at).toBeGreaterThan(0);
    expect(steps.line(at)).toBe(10);
    // "run" is at column 9 of the wrapped line, column 3 of the snippet's.
    expect(steps.column(9)).toBe(3);

    const step = snippets[2]!;
    const stepLines = step.workflow!.split('\n');
    const uses = stepLines.indexOf('      - uses: telemetry-sync/telemetry-sync@v0') + 1;
    expect(uses).toBeGreaterThan(0);
    expect(stepLines[uses]).toBe('        with:');
    expect(stepLines[uses + 1]).toBe('          endpoint: http://localhost:4318');
    expect(step.line(uses + 2)).toBe(15);
    // "endpoint" is at column 11 of the wrapped line, column 3 of the snippet's.
    expect(step.column(11)).toBe(3);
  });

  it('tells steps from other YAML by the keys a step starts with', () => {
    expect(snippetKind('- name: x\n  run: y')).toBe('steps');
    expect(snippetKind('# comment\nrun: make')).toBe('step');
    expect(snippetKind('- gomod: go.opentelemetry.io/x v1')).toBe('other');
    expect(snippetKind('exporters:\n  otlphttp: {}')).toBe('other');
  });

  it('finds the README workflows: the quick start and the GitHub Action examples', () => {
    const readme = markdownYamlSnippets(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
    const workflows = readme.filter((s) => s.workflow !== null);
    expect(workflows.length).toBeGreaterThanOrEqual(4);
    expect(workflows[0]!.text).toMatch(/^name: Tests with tokf telemetry/);
  });
});
