import { flagUsage, shownDefault } from '../config/settings.js';
import { REPLAY_DEFAULTS, REPLAY_HELP, type ReplaySharedKey } from '../config/replay-settings.js';
import { FORGET_AFTER_DAYS } from '../engine/index.js';
import { option } from './help-format.js';
import { REPLAY_SPECS } from './replay-args.js';

const INTRO = `Usage: telemetry-sync replay PATH... [options]
       telemetry-sync replay --gridctl [DIR...] [options]

Sends files of OTLP JSON Lines (one MetricsData, LogsData or TracesData object per line, plain or
.gz) to an OTLP/HTTP endpoint, each line as it is (application/json) to its signal's path
(v1/metrics, v1/logs, v1/traces), and records per file the byte offset up to which lines were
acknowledged, so that the next run sends only what was appended since. A directory takes its
*.jsonl and *.jsonl.gz files, rotated siblings (name-<time>.jsonl) oldest first, name.jsonl last.

With --gridctl, each DIR (~/.gridctl/telemetry when none is given, or one stack's or one
server's directory) is gridctl's telemetry: per <stack>/<server>/, logs.jsonl (slog JSON lines,
sent as log records), metrics.jsonl (snapshot lines, sent as sums: --temporality, --backend,
--max-age and --openmetrics-out apply) and traces.jsonl (OTLP, sent as they are), with the same
progress. telemetry-sync status --gridctl [DIR...] says what is pending.
`;

const OUTRO = `Bad lines (not JSON, not OTLP, over 16 MiB) and lines the endpoint refuses (400, 413, 422) go
to the rejects file with file, line number and reason, and the run goes on past them. Lines over
1 MiB are cut by resource, scope and record into requests of at most 1 MiB. --since and --until
keep the records inside the window by their own times and count the others as done. A plain
file's last line without a newline waits for a later run. Any other failure stops the run at the
last acknowledged line. The state forgets a file no run has met for ${FORGET_AFTER_DAYS} days, unless
it is still at its path.

Exit codes: 0 every line read was delivered (or dry run); 1 lines were set aside, a file could not
be read, or delivery failed (the rest waits for the next run); 2 bad usage, nothing sent.
`;

/** \`telemetry-sync replay --help\`. */
export function replayHelp(): string {
  const lines = REPLAY_SPECS.flatMap(([key, spec]) => {
    const shown = REPLAY_DEFAULTS[key as ReplaySharedKey] ?? shownDefault(spec);
    const help = REPLAY_HELP[key as ReplaySharedKey] ?? spec.help;
    const text = help + (shown === undefined ? '' : ` (default ${shown})`);
    return option(flagUsage(spec), text);
  });
  lines.push(...option('--json', 'print the result as one JSON object on stdout'));
  lines.push(...option('-h, --help', 'this help'));
  return `${INTRO}\nOptions\n${lines.join('\n')}\n\n${OUTRO}`;
}
