import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { Parser } from './vocabulary.js';

const CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * A file of PEM certificates, read now so that a wrong path is a usage error before anything is
 * sent, rather than a failed handshake after the database was opened.
 */
export const readCertificateFile: Parser<string> = (path, source) => {
  const pem = readPem(path, source);
  if (!CERTIFICATE.test(pem)) {
    throw new UsageError(
      `${source}: "${path}" holds no PEM certificate (a "-----BEGIN CERTIFICATE-----" block)`,
    );
  }
  try {
    new X509Certificate(pem);
  } catch {
    throw new UsageError(`${source}: the certificate in "${path}" cannot be read`);
  }
  return pem;
};

/** A PEM private key file; one with a passphrase cannot be used, as nothing could unlock it. */
export const readKeyFile: Parser<string> = (path, source) => {
  const pem = readPem(path, source);
  if (!PRIVATE_KEY.test(pem)) {
    throw new UsageError(
      `${source}: "${path}" holds no PEM private key (a "-----BEGIN PRIVATE KEY-----" block)`,
    );
  }
  if (/ENCRYPTED/.test(pem)) {
    throw new UsageError(
      `${source}: the key in "${path}" is protected by a passphrase; give an unencrypted copy (openssl pkey -in KEY -out PLAIN)`,
    );
  }
  try {
    createPrivateKey(pem);
  } catch {
    throw new UsageError(`${source}: the private key in "${path}" cannot be read`);
  }
  return pem;
};

/** Whether a PEM file also holds a private key, as a combined certificate-and-key file does. */
export function holdsPrivateKey(pem: string): boolean {
  return PRIVATE_KEY.test(pem);
}

/** Whether the key is the one the certificate (the first in the file) was issued for. */
export function keyFits(certificatePem: string, keyPem: string): boolean {
  return new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(keyPem));
}

function readPem(path: string, source: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (code ?? 'unreadable');
    throw new UsageError(`${source}: cannot read "${path}": ${why}`);
  }
}
