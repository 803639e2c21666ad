/** What a secret becomes in what is written: reasons, excerpts, notes, files, the database. */
const MASK = '***';

/**
 * Below this length a value is redacted only as given, not in its derived forms: the base64 or
 * percent-encoding of a two-letter value would match ordinary text.
 */
const MIN_DERIVED_LENGTH = 4;

/**
 * Headers whose value is a credential, as an endpoint may echo them back ("headers were:
 * Authorization: Bearer ..."): their values are masked even when the secret itself is not known
 * here (`status` reading rows an earlier version stored, a proxy's own header).
 */
const CREDENTIAL_HEADER =
  /\b((?:proxy-)?authorization|x-api-key|api-key|apikey|x-auth-token|x-honeycomb-team|dd-api-key|signoz-access-token|x-goog-api-key|cookie|set-cookie)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token|apikey|api-key|splunk|negotiate|digest)\s+)?[^\s"',;&]+/gi;

/** A URL's user and password, in any scheme (a proxy URL, an endpoint echoed back). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:"']*:[^\s/@"']*@/gi;

/**
 * Every form in which a secret may come back: as given, percent-encoded, in base64 (a Basic
 * credential), JSON-escaped; for an `Authorization` value its credential without the scheme, and
 * for a Basic one its decoded `user:password` and password.
 */
export function secretForms(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  const add = (s: string | undefined) => {
    if (s !== undefined && s !== '') out.add(s);
  };
  for (const secret of secrets) {
    add(secret);
    if (secret.length < MIN_DERIVED_LENGTH) continue;
    const scheme = /^(\S+)\s+(\S.*)$/.exec(secret);
    const credential = scheme?.[2];
    const parts = [secret];
    if (credential !== undefined && credential.length >= MIN_DERIVED_LENGTH) parts.push(credential);
    if (credential !== undefined && /^basic$/i.test(scheme![1]!)) {
      const decoded = Buffer.from(credential, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0 && /^[\x20-\x7e]+$/.test(decoded)) {
        parts.push(decoded);
        if (decoded.length - colon - 1 >= MIN_DERIVED_LENGTH) parts.push(decoded.slice(colon + 1));
      }
    }
    for (const part of parts) {
      add(part);
      add(encodeURIComponent(part));
      add(encodeURIComponent(part).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
      add(JSON.stringify(part).slice(1, -1));
      const b64 = Buffer.from(part, 'utf8').toString('base64');
      add(b64);
      add(b64.replace(/=+$/, ''));
      add(Buffer.from(part, 'utf8').toString('base64url'));
    }
  }
  return [...out];
}

/**
 * `text` with every secret (pass the forms of secretForms) replaced by `***`, longest first so
 * that none leaks in part, and with the values of credential headers and URL credentials masked
 * whatever they are.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length > 0) out = out.split(s).join(MASK);
  }
  return redactPatterns(out);
}

/** Only the credential headers and URL credentials (see redact): for text whose secrets are not known. */
export function redactPatterns(text: string): string {
  return text
    .replace(CREDENTIAL_HEADER, (_m, name: string, sep: string) => `${name}${sep}${MASK}`)
    .replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}${MASK}@`);
}
