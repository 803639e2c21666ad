import { messageOf } from '../errors.js';

/** The fields the toolkit's errors carry: Azure's RestError, Octokit's, http-client's, fetch's. */
interface ServiceErrorFields {
  name?: unknown;
  statusCode?: unknown;
  status?: unknown;
  code?: unknown;
  request?: { method?: unknown; url?: unknown };
  cause?: unknown;
}

/**
 * What went wrong with a call to a GitHub service (cache, artifacts, blob storage, REST), in words
 * that are never empty. Blob storage answers a refused token with a bare 401, and Azure's RestError
 * then has an empty message; fetch says only "fetch failed" and keeps the reason in its cause.
 * The status, the error code and the request (method and URL without its query, which holds the
 * storage signature) say what was tried.
 */
export function describeServiceError(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ServiceErrorFields;
  const message = messageOf(err).trim();
  const cause = e.cause === undefined ? '' : messageOf(e.cause).trim();
  if (message !== '')
    return cause !== '' && !message.includes(cause) ? `${message} (${cause})` : message;
  const name = typeof e.name === 'string' && e.name !== '' ? e.name : 'an error with no message';
  const status = typeof e.statusCode === 'number' ? e.statusCode : e.status;
  const parts = [
    typeof status === 'number' ? `HTTP ${status}` : '',
    typeof e.code === 'string' && e.code !== '' ? `(${e.code})` : '',
    requestOf(e),
    cause !== '' ? `(${cause})` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? name : `${name}: ${parts.join(' ')}`;
}

function requestOf(e: ServiceErrorFields): string {
  const method = typeof e.request?.method === 'string' ? e.request.method : undefined;
  const url = typeof e.request?.url === 'string' ? withoutQuery(e.request.url) : undefined;
  if (url === undefined) return '';
  return `from ${method === undefined ? '' : `${method} `}${url}`;
}

function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.replace(/[?#].*$/, '');
  }
}
