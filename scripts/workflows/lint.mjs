#!/usr/bin/env node
/**
 * actionlint (the pinned peer of test/e2e/peers.json, built when missing) over every workflow a
 * reader meets: .github/workflows/*.yml, examples/*.yml workflows, and the README's workflow
 * snippets, a step or a list of steps wrapped into a workflow (scripts/workflows/snippets.mjs).
 *
 * The snippets are checked in a scratch project holding a copy of action.yml, with this action's
 * `uses: telemetry-sync/telemetry-sync@REF` read as `uses: ./`: actionlint then checks their
 * `with:` keys and required inputs against action.yml, which it cannot do for a remote ref.
 * shellcheck and pyflakes are left out (`-shellcheck= -pyflakes=`) so that the result does not
 * depend on what else the machine has installed (GitHub's runners have shellcheck, this one not).
 *
 *   node scripts/workflows/lint.mjs [--readme FILE]    exit 0 clean, 1 with the problems listed
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { isBuilt, readPeers } from '../e2e/peers-lib.mjs';
import {
  REPO_ROOT,
  exampleWorkflows,
  markdownYamlSnippets,
  repositoryWorkflows,
} from './snippets.mjs';

const THIS_ACTION = /^(\s*-?\s*uses:\s*)telemetry-sync\/telemetry-sync@\S+/gm;
const FLAGS = ['-shellcheck=', '-pyflakes=', '-format', '{{json .}}', '-no-color'];

function parseArgs(argv) {
  let readme = path.join(REPO_ROOT, 'README.md');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--readme' && argv[i + 1]) readme = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (use --readme FILE)`);
  }
  return { readme };
}

/** The actionlint binary, built by scripts/e2e/peers.mjs when it is not yet. */
function actionlint() {
  const peer = readPeers().find((p) => p.name === 'actionlint');
  if (!peer) throw new Error('no actionlint peer in test/e2e/peers.json');
  if (!isBuilt(peer)) {
    const build = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'scripts', 'e2e', 'peers.mjs'), '--only', 'actionlint'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (build.status !== 0) throw new Error('building actionlint failed (see above)');
  }
  return peer.bins.actionlint;
}

/** Runs actionlint on files (relative to cwd); its problems, parsed. */
function lint(bin, cwd, files) {
  if (files.length === 0) return [];
  const run = spawnSync(bin, [...FLAGS, ...files], { cwd, encoding: 'utf8' });
  if (run.error) throw new Error(`${bin}: ${run.error.message}`);
  // Exit 1 is "problems found", printed as JSON; anything else is actionlint failing.
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`actionlint exited ${run.status}: ${run.stderr || run.stdout}`);
  const out = run.stdout.trim();
  return out === '' || out === 'null' ? [] : JSON.parse(out);
}

/** A path as a reader finds it: relative inside the repository, else absolute. */
function shown(file) {
  const relative = path.relative(REPO_ROOT, file);
  return relative.startsWith('..') ? file : relative;
}

function main() {
  const { readme } = parseArgs(process.argv.slice(2));
  const bin = actionlint();
  const problems = [];

  const own = [...repositoryWorkflows(), ...exampleWorkflows()];
  for (const p of lint(bin, REPO_ROOT, own)) {
    problems.push(`${p.filepath}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  }

  const snippets = markdownYamlSnippets(fs.readFileSync(readme, 'utf8')).filter(
    (s) => s.workflow !== null,
  );
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-sync-actionlint-'));
  try {
    const workflows = path.join(scratch, '.github', 'workflows');
    fs.mkdirSync(workflows, { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, 'action.yml'), path.join(scratch, 'action.yml'));
    // actionlint reads a local action only inside a project (a .git directory), and checks that
    // the files action.yml runs exist: what they hold does not matter here.
    fs.mkdirSync(path.join(scratch, '.git'));
    const action = fs.readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8');
    for (const [, file] of action.matchAll(/^\s+(?:pre|main|post):\s*(\S+)/gm)) {
      fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
      fs.writeFileSync(path.join(scratch, file), '');
    }
    const byFile = new Map();
    for (const s of snippets) {
      const file = path.join('.github', 'workflows', `readme-line-${s.firstLine}.yml`);
      fs.writeFileSync(path.join(scratch, file), s.workflow.replace(THIS_ACTION, '$1./'));
      byFile.set(file, s);
    }
    for (const p of lint(bin, scratch, [...byFile.keys()])) {
      const s = byFile.get(p.filepath);
      if (s === undefined) throw new Error(`actionlint named ${p.filepath}, no snippet's file`);
      const at = `${s.line(p.line)}:${s.column(p.column)}`;
      problems.push(`${shown(readme)}:${at}: ${p.message} [${p.kind}]`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  const checked = `${own.length} workflow files and ${snippets.length} README snippets`;
  if (problems.length > 0) {
    process.stderr.write(`actionlint: ${problems.length} problems in ${checked}:\n`);
    for (const p of problems) process.stderr.write(`  ${p}\n`);
    process.exit(1);
  }
  process.stderr.write(`actionlint: ${checked}, no problems\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`actionlint: ${error.message}\n`);
  process.exit(2);
}
