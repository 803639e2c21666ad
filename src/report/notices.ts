import { FUTURE_TOLERANCE_S, type Notice } from '../engine/index.js';
import { count, plural } from '../words.js';

/** A notice in a person's words, as the CLI, the job summary and annotations show it. */
export function describeNotice(n: Notice): string {
  return n.signal === undefined ? describe(n) : `${n.signal}: ${describe(n)}`;
}

function describe(n: Notice): string {
  const events = plural(n.count, 'event');
  const from = n.firstId === null ? '' : ` (first: id ${n.firstId})`;
  const said = n.message === null ? '' : `: ${n.message}`;
  const one = n.count === 1;
  const were = one ? 'was' : 'were';
  const are = one ? 'is' : 'are';
  switch (n.kind) {
    case 'send-failed':
      return `a request of ${events}${from} failed${said}; it and all later events stay pending`;
    case 'record-failed':
      return `a request of ${events}${from} was answered but recording that failed${said}; these events will be sent again by the next run`;
    case 'circuit-breaker':
      return `circuit breaker: ${count(n.count)} events in a row were refused, so sending stopped; the events after them stay pending`;
    case 'read-failed':
      return `reading the database failed part way${said}; the events not yet read stay pending`;
    case 'database-damaged':
      return `${n.message ?? 'the database is damaged'}; the events not yet read stay pending`;
    case 'count-failed':
      return `counting pending events failed${said}`;
    case 'set-aside-failed':
      return `could not set aside ${events}${from}${said}; they stay pending`;
    case 'skip-failed':
      return `could not record ${events} of tokf's built-in commands as skipped${from}${said}; they stay pending`;
    case 'interrupted':
      // No count: the run read only part of the selection; the summary says what is still pending.
      return 'interrupted: sending stopped and what was acknowledged is recorded; the events not delivered stay pending for the next run';
    case 'lock-lost':
      return `this run lost its sync lock${said}; it stopped and recorded nothing after that, so another sync does not record the same events twice; ${n.count} selected ${one ? 'event stays' : 'events stay'} pending`;
    case 'too-old-unsent':
      return `${events}${from} ${were} refused as older than the endpoint keeps${said}; they stay pending: give --otlp-json-out DIR (the action always has one) to keep them in a file and set them aside, or --max-age to leave such events out`;
    case 'too-old-for-endpoint':
      return `${events}${from} ${were} older than the endpoint keeps${said}; not sent, kept in ${n.file ?? 'the OTLP/JSON file'} and set aside`;
    case 'beyond-backend-history':
      return `${events}${from} ${are} older than ${n.message ?? 'the backend'} keeps by default and ${were} sent: it answers success to such points and drops them, so they count as delivered here but may not be stored there; keep the preset's --max-age, or set it to the server's own retention`;
    case 'file-failed':
      return `writing ${n.file ?? 'a file'} failed${said}; what was sent is recorded`;
    case 'unexpected':
      return `sending failed unexpectedly${said}`;
    case 'already-held':
      return `${events}${from} ${were} already in the backend: the request carrying them was stored although its answer was lost (a timeout, a dropped connection, a run that did not end), and its resend was refused as out of order or duplicate${said}; recorded as delivered`;
    case 'out-of-order':
      return `the endpoint holds newer samples of a series in a request of ${events}${from} than this database recorded delivering${said}; sending stopped so that no series is counted down, and these and all later events stay pending. Another sender or another copy of this database writes the same series (give each its own service.instance.id), or this copy is older than the one synced last. To load these events anyway, write them with --openmetrics-out DIR and backfill them (promtool tsdb create-blocks-from openmetrics), or let the backend take older samples (Prometheus: storage.tsdb.out_of_order_time_window)`;
    case 'behind-endpoint':
      return n.file !== undefined
        ? `${events}${from} ${were} refused as behind newer samples their series hold at the endpoint${said}; not sent again, kept in ${n.file} and set aside (backfill them from there, e.g. promtool tsdb create-blocks-from openmetrics with --openmetrics-out)`
        : `${events}${from} ${were} refused as behind newer samples their series hold at the endpoint${said}; they stay pending: give --otlp-json-out DIR (the action always has one) to keep them in a file and set them aside, write them with --openmetrics-out DIR to backfill them, or let the backend take older samples (Prometheus: storage.tsdb.out_of_order_time_window)`;
    case 'refuses-everything':
      return `the endpoint refused every request of this run${said}, so nothing was set aside: ${events}${from} and all later ones stay pending; check the endpoint's address, its headers and any proxy's body limit (a 413 for a single event), then run again`;
    case 'refused':
      return `${events} ${were} refused and set aside as rejected (${n.message ?? 'refused'}); --retry-rejected sends them again`;
    case 'partial-success':
      return `the endpoint accepted a request but rejected ${plural(n.count, rejectedThing(n.signal))} of it${said}`;
    case 'too-old':
      return n.file !== undefined
        ? `${events} older than max-age ${were} not sent, only written to ${n.file}`
        : `${events} older than max-age ${were} not sent and stay pending; give an OTLP/JSON output directory to export them`;
    case 'unreadable-time':
      return `${plural(n.count, 'pending event')} ${one ? 'has' : 'have'} a timestamp that is not a time OTLP can carry (1970-01-01 to 2262-04-11, UTC) and cannot be replayed${n.setAside ? `; ${one ? 'it was' : 'they were'} set aside as rejected` : ''}`;
    case 'skipped-rejected':
      return `${events} set aside as rejected by earlier runs ${were} skipped (--retry-rejected sends them again)`;
    case 'clock-future':
      return `${events} ${are} stamped more than ${FUTURE_TOLERANCE_S / 60} minutes in the future${from}; the clock of the machine that recorded them may be wrong`;
    case 'redirected':
      return `${plural(n.count, 'request')} followed a redirect${said}; give the final URL as the endpoint to save the extra round trip`;
    case 'clock-backwards':
      return `${events} ${are} stamped earlier than an event recorded before them${from}; the recording clock went backwards`;
  }
}

/** What partial_success counts for each signal. */
function rejectedThing(signal: Notice['signal']): string {
  return signal === 'logs' ? 'log record' : signal === 'traces' ? 'span' : 'data point';
}
