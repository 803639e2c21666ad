/**
 * Every `uses:` a reader copies resolves under the release process (release.yml): this action by
 * the major tag of package.json's version (`v0` before 1.0.0), a full version of that major or a
 * commit SHA; other actions by a version tag or a SHA, never a branch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  REPO_ROOT,
  exampleWorkflows,
  markdownYamlSnippets,
  repositoryWorkflows,
} from '../../scripts/workflows/snippets.mjs';

const THIS_ACTION = 'telemetry-sync/telemetry-sync';
const VERSION: string = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version;
const MAJOR = `v${VERSION.split('.')[0]}`;

interface Use {
  where: string;
  action: string;
  ref: string;
  comment: string;
}

/** The `uses:` lines of a workflow text, `where` naming file and line. */
function usesOf(text: string, where: (line: number) => string): Use[] {
  return text.split('\n').flatMap((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*['"]?([^@\s'"]+)(?:@([^\s'"#]+))?['"]?\s*(?:#\s*(.*))?$/.exec(
      line,
    );
    return m === null
      ? []
      : [{ where: where(i + 1), action: m[1]!, ref: m[2] ?? '', comment: m[3] ?? '' }];
  });
}

function readmeUses(): Use[] {
  const snippets = markdownYamlSnippets(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
  return snippets
    .filter((s) => s.kind !== 'other')
    .flatMap((s) => usesOf(s.text, (n) => `README.md:${s.firstLine + n - 1}`));
}

function fileUses(files: string[]): Use[] {
  return files.flatMap((f) => usesOf(readFileSync(join(REPO_ROOT, f), 'utf8'), (n) => `${f}:${n}`));
}

const SHA = /^[0-9a-f]{40}$/;
const FULL_VERSION = /^v(\d+)\.\d+\.\d+$/;

/** Why a ref of this action does not follow the versioning rule, or undefined when it does. */
function thisActionRefProblem(ref: string, comment: string, major: string): string | undefined {
  if (ref === major) return undefined;
  const full = FULL_VERSION.exec(ref);
  if (full !== null)
    return `v${full[1]}` === major ? undefined : `${ref} is not of the major ${major}`;
  if (SHA.test(ref))
    return /^v\d+\.\d+\.\d+\b/.test(comment) ? undefined : 'a SHA needs its version in a comment';
  return `"${ref}" is neither ${major}, a ${major}.x.y version nor a commit SHA`;
}

describe('uses: refs', () => {
  const readme = readmeUses();
  const workflows = fileUses([...repositoryWorkflows(), ...exampleWorkflows()]);

  it('the README shows this action, and only by the major tag of package.json', () => {
    const ours = readme.filter((u) => u.action === THIS_ACTION);
    expect(ours.length).toBeGreaterThanOrEqual(4);
    for (const u of ours) {
      expect({ where: u.where, problem: thisActionRefProblem(u.ref, u.comment, MAJOR) }).toEqual({
        where: u.where,
        problem: undefined,
      });
      // The examples follow releases, not a pin: the moving major tag.
      expect({ where: u.where, ref: u.ref }).toEqual({ where: u.where, ref: MAJOR });
    }
  });

  it('the README prose names the same major tag wherever it names this action with a ref', () => {
    const text = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const refs = [...text.matchAll(/telemetry-sync\/telemetry-sync@(v\d+)\b/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    expect(new Set(refs)).toEqual(new Set([MAJOR]));
  });

  it('the repository workflows run this action from the checkout, never from a ref', () => {
    const ours = workflows.filter((u) => u.action === THIS_ACTION);
    for (const u of ours) expect(thisActionRefProblem(u.ref, u.comment, MAJOR)).toBeUndefined();
    expect(workflows.some((u) => u.action === './')).toBe(true);
  });

  it('every other action is taken by a version tag or a commit SHA, never a branch', () => {
    const others = [...readme, ...workflows].filter(
      (u) => u.action !== THIS_ACTION && !u.action.startsWith('./'),
    );
    expect(others.length).toBeGreaterThan(0);
    for (const u of others) {
      expect({ where: u.where, ref: u.ref }).toEqual({
        where: u.where,
        ref: expect.stringMatching(/^(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/),
      });
    }
  });

  it('the rule: the major tag, a full version of it, or a SHA with its version', () => {
    expect(thisActionRefProblem('v0', '', 'v0')).toBeUndefined();
    expect(thisActionRefProblem('v0.3.1', '', 'v0')).toBeUndefined();
    expect(thisActionRefProblem('a'.repeat(40), 'v0.3.1', 'v0')).toBeUndefined();
    expect(thisActionRefProblem('v1', '', 'v0')).toMatch(/neither v0/);
    expect(thisActionRefProblem('v1.0.0', '', 'v0')).toMatch(/not of the major v0/);
    expect(thisActionRefProblem('main', '', 'v0')).toMatch(/neither v0/);
    expect(thisActionRefProblem('a'.repeat(40), '', 'v0')).toMatch(/version in a comment/);
  });

  it('the release workflow moves the major tag the README uses: v<major of X.Y.Z>', () => {
    const release = readFileSync(join(REPO_ROOT, '.github/workflows/release.yml'), 'utf8');
    expect(release).toContain('echo "major=v${version%%.*}" >> "$GITHUB_OUTPUT"');
    expect(release).toMatch(/git tag -f "\$MAJOR" "v\$VERSION\^\{commit\}"/);
    expect(release).toContain('npm publish --provenance');
    // The shell's ${version%%.*} of package.json's version is the tag the README shows.
    expect(`v${VERSION.replace(/\..*$/, '')}`).toBe(MAJOR);
  });
});
