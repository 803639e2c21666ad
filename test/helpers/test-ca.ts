/**
 * A private CA and a loopback server certificate it issued, made with openssl at test time (EC
 * keys: milliseconds), for https endpoints on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** Path of the CA certificate, as OTEL_EXPORTER_OTLP_CERTIFICATE takes it. */
  caFile: string;
  /** Key and certificate of a server on 127.0.0.1 and localhost. */
  server: { key: string; cert: string };
}

export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'test-ca-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    ...['req', '-x509', ...newKey, '-keyout', file('ca.key'), '-out', file('ca.crt')],
    ...['-days', '2', '-subj', '/CN=test-ca'],
  );
  openssl(
    ...['req', ...newKey, '-keyout', file('server.key'), '-out', file('server.csr')],
    ...['-subj', '/CN=server'],
  );
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    ...['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key')],
    ...[
      '-set_serial',
      '7',
      '-days',
      '1',
      '-extfile',
      file('server.ext'),
      '-out',
      file('server.crt'),
    ],
  );
  return {
    caFile: file('ca.crt'),
    server: {
      key: readFileSync(file('server.key'), 'utf8'),
      cert: readFileSync(file('server.crt'), 'utf8'),
    },
  };
}
