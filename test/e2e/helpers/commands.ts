/**
 * The invocations the suite has tokf record: one of each kind of row tokf 0.2.54 writes. Run in
 * a sandbox whose work directory is a git repository with changes (see TokfSandbox.initGitRepo).
 */
export interface Invocation {
  /** What the row stands for, for test names and messages. */
  kind: string;
  /** tokf's arguments. */
  args: string[];
  /** The row's `filter_name`: null for passthrough, or the filter tokf must have chosen. */
  filter: string | null;
  /** The row's `exit_code`. */
  exitCode: number;
  /** The row's `head_exit_code`, set by --pipe-through runs only. */
  headExitCode?: number;
}

export const INVOCATIONS: readonly Invocation[] = [
  { kind: 'passing, no filter', args: ['run', 'echo', 'hello'], filter: null, exitCode: 0 },
  {
    kind: 'failing, no filter',
    args: ['run', 'sh', '-c', 'echo oops >&2; exit 3'],
    filter: null,
    exitCode: 3,
  },
  // tokf maps a signal to 128 + its number, as a shell does.
  {
    kind: 'killed by SIGTERM',
    args: ['run', 'sh', '-c', 'kill -TERM $$'],
    filter: null,
    exitCode: 143,
  },
  {
    kind: 'killed by SIGKILL',
    args: ['run', 'sh', '-c', 'kill -KILL $$'],
    filter: null,
    exitCode: 137,
  },
  { kind: 'built-in filter, passing', args: ['run', 'ls', '-la'], filter: 'ls', exitCode: 0 },
  {
    kind: 'built-in filter, failing',
    args: ['run', 'ls', 'no-such-file'],
    filter: 'ls',
    exitCode: 2,
  },
  {
    kind: 'built-in filter git status',
    args: ['run', 'git', 'status'],
    filter: 'git status',
    exitCode: 0,
  },
  // The pipeline succeeds while the command it wraps fails: exit_code 0, head_exit_code 4.
  {
    kind: '--pipe-through',
    args: ['run', '--pipe-through', 'head -n 3', 'sh', '-c', 'seq 1 50; exit 4'],
    filter: null,
    exitCode: 0,
    headExitCode: 4,
  },
  {
    kind: 'tokf err',
    args: ['err', 'sh', '-c', 'echo "error: something broke"; seq 1 40; exit 1'],
    filter: '_builtin/err',
    exitCode: 1,
  },
  {
    kind: 'tokf test',
    args: ['test', 'sh', '-c', 'echo "test a ... ok"; echo "test b ... FAILED"; exit 101'],
    filter: '_builtin/test',
    exitCode: 101,
  },
  {
    kind: 'tokf summary',
    args: ['summary', 'seq', '1', '300'],
    filter: '_builtin/summary',
    exitCode: 0,
  },
  // The same series again at once: events of one series and second become one point.
  { kind: 'passing, no filter (again)', args: ['run', 'echo', 'hello'], filter: null, exitCode: 0 },
  { kind: 'passing, no filter (again)', args: ['run', 'echo', 'hello'], filter: null, exitCode: 0 },
];
