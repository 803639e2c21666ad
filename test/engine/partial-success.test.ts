/**
 * partial_success read per signal, in both encodings: the receiver answers each signal's path
 * with that signal's Export*ServiceResponse (encoded by the official schema), its rejected count
 * under the signal's own name, and the run counts it for that signal.
 */
import { describeNotice } from '../../src/report/notices.js';
import { OtlpReceiver, startOtlpReceiver, type ReceivedRequest } from '../helpers/otlp-receiver.js';
import { syncTo } from '../helpers/sync-engine.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

let receiver: OtlpReceiver;
afterEach(() => receiver?.close());
afterAll(removeTmpDirs);

function answer(r: ReceivedRequest) {
  const path = r.path.split('?')[0];
  const errorMessage = `some of ${path} dropped`;
  if (path === '/v1/metrics') return { partialSuccess: { rejectedDataPoints: 3, errorMessage } };
  if (path === '/v1/logs') return { partialSuccess: { rejectedLogRecords: 2, errorMessage } };
  return { partialSuccess: { rejectedSpans: 1, errorMessage } };
}

describe.each(['http/protobuf', 'http/json'])('partial success per signal over %s', (protocol) => {
  it('counts rejected data points, log records and spans, each for its signal', async () => {
    receiver = await startOtlpReceiver({ respond: answer });
    const db = tmpDbPath('partial-');
    createTokfDb(db, 'fresh');
    insertEvents(db, makeEvents(5));
    const result = await syncTo(receiver.url, db, { signals: 'metrics,logs,traces', protocol });
    expect(result).toMatchObject({ status: 'delivered', pending: 0 });
    // Every signal's responses came in the encoding of the request.
    const types = new Set(receiver.requests.map((r) => r.contentType));
    expect(types).toEqual(
      new Set([protocol === 'http/json' ? 'application/json' : 'application/x-protobuf']),
    );
    const lines = result.warnings.map(describeNotice);
    expect(lines).toEqual(
      expect.arrayContaining([
        'the endpoint accepted a request but rejected 3 data points of it: some of /v1/metrics dropped',
        'logs: the endpoint accepted a request but rejected 2 log records of it: some of /v1/logs dropped',
        'traces: the endpoint accepted a request but rejected 1 span of it: some of /v1/traces dropped',
      ]),
    );
  });
});
