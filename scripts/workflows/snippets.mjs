/**
 * The workflows a reader copies: the repository's own (.github/workflows/*.yml) and the README's
 * YAML snippets, each as a whole workflow that actionlint can check. A snippet is a whole workflow
 * (it has `jobs:`), a list of steps, or one step (`uses:`/`run:` without the dash); the last two
 * are wrapped into a one-job workflow, and `line` maps a line of the wrapping back to the README.
 * YAML that is not a workflow (a Collector configuration, say) is returned as `kind: 'other'`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Keys a step may start with: a list item that starts with one of these is a step. */
const STEP_KEY =
  /^(uses|run|name|id|if|with|env|shell|working-directory|continue-on-error|timeout-minutes):/;

/** How far the wrapping indents a list of steps. */
const STEPS_INDENT = '      ';

/** The job a step snippet is wrapped in; its lines before the steps (see `line`). */
function wrapSteps(stepsText, readmeLine) {
  const header = [
    `name: README snippet at line ${readmeLine}`,
    'on: workflow_dispatch',
    'jobs:',
    '  snippet:',
    '    runs-on: ubuntu-latest',
    '    steps:',
  ];
  const body = stepsText.split('\n').map((l) => (l === '' ? l : `${STEPS_INDENT}${l}`));
  return { text: `${[...header, ...body].join('\n')}\n`, offset: header.length };
}

/** The kind of a YAML snippet, from its first line that is not a comment or blank. */
export function snippetKind(text) {
  if (/^jobs:/m.test(text) && /^on:/m.test(text)) return 'workflow';
  const first = text.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (first === undefined) return 'other';
  if (first.startsWith('- ') && STEP_KEY.test(first.slice(2).trim())) return 'steps';
  if (/^(uses|run):/.test(first)) return 'step';
  return 'other';
}

/**
 * Every ```yaml (or ```yml) block of a Markdown text: its first line's number (1-based, the line
 * after the fence), its text, its kind, and for workflows and steps the workflow to check with
 * `line(n)` and `column(c)`, where the workflow's line n and column c are in the Markdown.
 */
export function markdownYamlSnippets(markdown) {
  const lines = markdown.split('\n');
  const snippets = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    const text = lines.slice(start, end).join('\n');
    const firstLine = start + 1;
    const kind = snippetKind(text);
    if (kind === 'workflow') {
      snippets.push({
        firstLine,
        text,
        kind,
        workflow: `${text}\n`,
        line: (n) => firstLine + n - 1,
        column: (c) => c,
      });
    } else if (kind === 'steps' || kind === 'step') {
      const steps = kind === 'step' ? `- ${text.split('\n').join('\n  ')}` : text;
      const wrapped = wrapSteps(steps, firstLine);
      snippets.push({
        firstLine,
        text,
        kind,
        workflow: wrapped.text,
        line: (n) => firstLine + n - 1 - wrapped.offset,
        // One step is also made a list item: two more columns ("- ") than a list of steps.
        column: (c) => c - STEPS_INDENT.length - (kind === 'step' ? 2 : 0),
      });
    } else {
      snippets.push({ firstLine, text, kind, workflow: null, line: (n) => firstLine + n - 1 });
    }
    i = end;
  }
  return snippets;
}

/** The repository's workflow files, relative to the root. */
export function repositoryWorkflows(root = REPO_ROOT) {
  const dir = path.join(root, '.github', 'workflows');
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join('.github', 'workflows', f));
}

/** Example workflows kept as files (examples/*.yml that are workflows), relative to the root. */
export function exampleWorkflows(root = REPO_ROOT) {
  const dir = path.join(root, 'examples');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join('examples', f))
    .filter((f) => snippetKind(fs.readFileSync(path.join(root, f), 'utf8')) === 'workflow');
}
