import {
  flagUsage,
  SECTIONS,
  SETTING_KEYS,
  shownDefault,
  specOf,
  type FlagDoc,
  type SettingSpec,
} from '../config/settings.js';
import { CLI_FLAGS } from './args.js';
import { option } from './help-format.js';

export const MAIN_HELP = `telemetry-sync: replay tokf's tracking database to an OpenTelemetry OTLP/HTTP endpoint

Usage:
  telemetry-sync sync [options]     deliver pending events (see: telemetry-sync sync --help)
  telemetry-sync status [--db PATH] [--json]
                                    what is pending, delivered and set aside, the last sync, and
                                    whether one is running; reads the database only, sends nothing
  telemetry-sync status --gridctl [DIR...] [--state FILE] [--json]
                                    what a replay of gridctl's telemetry would send, per server
  telemetry-sync replay PATH... [options]
                                    send files of OTLP JSON Lines, each line once (see:
                                    telemetry-sync replay --help)
  telemetry-sync --help | --version

Exit codes: 0 all selected events delivered (or dry run / file export); 1 some could not be
delivered (they stay pending or were set aside as rejected), or another sync holds the database;
2 bad usage or unreadable database, nothing changed.
`;

export const STATUS_HELP = `Usage: telemetry-sync status [--db PATH] [--json]
       telemetry-sync status --replay [--state FILE] [--json]
       telemetry-sync status --gridctl [DIR...] [--state FILE] [--json]

Where a tokf tracking database stands: the pending events (how many, the first and last), the
delivered ones, those set aside (too old, refused by an endpoint) by reason, the last sync (when,
what it did) and whether a sync holds the database now. The database is opened read-only: a
read-only file will do, nothing is sent or changed.

  --db PATH                   tracking database (default: tokf's own rules, as for sync)
  --gridctl                   instead: what \`replay --gridctl DIR...\` would send (DIR as there,
                              default ~/.gridctl/telemetry), per server and signal, from the
                              replay state (--state, as for replay), and the last replay;
                              sends and changes nothing
  --replay                    instead: where a replay state stands (--state, as for replay):
                              the files it holds progress for, the last replay, the lock
  --json                      print the status as one JSON object on stdout
  -h, --help                  this help

Exit codes: 0 the status was read; 2 bad usage or unreadable database.
`;

const INTRO = `Usage: telemetry-sync sync [options]

Replays every pending event of a tokf tracking database as OTLP metrics with its original
timestamp, in id order, and records what the endpoint acknowledged so the next run sends the rest.
`;

const OUTRO = `tokf's own rules for the database: $TOKF_DB_PATH, else $TOKF_HOME/tracking.db, else
$XDG_DATA_HOME/tokf/tracking.db or ~/.local/share/tokf/tracking.db (on macOS
~/Library/Application Support/tokf/tracking.db).

Refused data: a request an endpoint refuses as bad (400, 413, 422) is split in halves until the
refused events are found; those are set aside as rejected (with the reason) and the rest are
delivered. A refusal for age ("out of bounds", "too old", "out of order") is not bad data: the
endpoint's horizon is searched in a few single-event probes, older events stay in the
--otlp-json-out file and are set aside (without one they stay pending), newer ones are sent.
Any other failure stops the run: nothing later overtakes it. One sync at a time per database: a
second one waits up to 10 s, then refuses.

Flags beat environment variables. Exit codes: 0 all selected events delivered (or dry run / file
export); 1 some could not be delivered (they stay pending or were set aside as rejected), or
another sync holds the database; 2 bad usage or unreadable database, nothing changed; 130
interrupted (Ctrl-C): what was acknowledged is recorded, the rest stays pending.
`;

export const SYNC_HELP = syncHelp();

/** The options part is made from the settings table, so that it lists every flag as it is. */
function syncHelp(): string {
  const options: { doc: FlagDoc; label: string; text: string }[] = [
    ...SETTING_KEYS.map((key) => {
      const spec = specOf(key);
      return { doc: spec, label: flagUsage(spec), text: spec.help + notes(spec) };
    }),
    ...CLI_FLAGS.map((doc) => ({
      doc,
      label: doc.short === undefined ? flagUsage(doc) : `-${doc.short}, ${flagUsage(doc)}`,
      text: doc.help,
    })),
  ];
  const sections = SECTIONS.map((section) => {
    const lines = options
      .filter(({ doc }) => doc.section === section)
      .flatMap(({ label, text }) => option(label, text));
    return `${section}\n${lines.join('\n')}\n`;
  });
  return [INTRO, ...sections, OUTRO].join('\n');
}

function notes(spec: SettingSpec): string {
  const shown = shownDefault(spec);
  const parts = [
    ...(shown === undefined ? [] : [`default ${shown}`]),
    ...(spec.env.length === 0 ? [] : [`env: ${spec.env.join(', ')}`]),
  ];
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}
