/**
 * Which redirects a POST of OTLP follows, and in what words. 307 and 308 keep the method and
 * body (RFC 9110 15.4.8, 15.4.9) and are followed; after 301, 302 and 303 most clients send a
 * GET, which an OTLP receiver cannot take, so the Location is shown for the user to adopt.
 */

/** Redirects followed with method and body kept. */
const FOLLOWED: ReadonlySet<number> = new Set([307, 308]);
/** Redirects not followed for a POST: the URL is shown instead. */
const NOT_FOLLOWED: ReadonlySet<number> = new Set([301, 302, 303]);
/** Redirects followed in one attempt; a load balancer needs one or two, more is a loop. */
export const MAX_REDIRECTS = 5;

export function isRedirect(status: number): boolean {
  return FOLLOWED.has(status) || NOT_FOLLOWED.has(status);
}

/** Where a redirect leads, with a line for the run's notes; or why it is not followed. */
export type Hop = { kind: 'go'; url: URL; line: string } | { kind: 'stop'; message: string };

/**
 * The next hop after a redirect from `from`. `hopsSoFar`: redirects already followed in this
 * attempt. `endpointHeaders`: the configured headers, which a hop to another origin leaves
 * behind. `show` puts a URL in words that are safe to print.
 */
export function nextHop(
  from: URL,
  status: number,
  location: string | null,
  hopsSoFar: number,
  endpointHeaders: readonly string[],
  show: (url: URL) => string,
): Hop {
  const stop = (message: string): Hop => ({ kind: 'stop', message });
  let to: URL | undefined;
  try {
    if (location !== null && location.trim() !== '') to = new URL(location.trim(), from);
  } catch {
    to = undefined;
  }
  if (to === undefined) {
    return stop(
      `a redirect from ${show(from)} with no usable Location; give the endpoint's own URL`,
    );
  }
  const where = show(to);
  if (NOT_FOLLOWED.has(status)) {
    return stop(
      `the endpoint redirects to ${where} (Location); a POST is not followed through ${status} (it would turn into a GET): give ${where} as the endpoint`,
    );
  }
  if (to.protocol !== 'https:' && to.protocol !== 'http:') {
    return stop(`a redirect to ${where}, which is not http or https; not followed`);
  }
  if (from.protocol === 'https:' && to.protocol === 'http:') {
    return stop(
      `a redirect from ${show(from)} to ${where} would leave TLS, so it is not followed; check the endpoint's configuration, or give the https URL it should have`,
    );
  }
  if (hopsSoFar >= MAX_REDIRECTS) {
    return stop(
      `more than ${MAX_REDIRECTS} redirects (last to ${where}); give the endpoint's final URL`,
    );
  }
  const note =
    to.origin !== from.origin && endpointHeaders.length > 0
      ? `; ${endpointHeaders.join(', ')} not sent to the other origin`
      : '';
  return {
    kind: 'go',
    url: to,
    line: `HTTP ${status}: redirected from ${show(from)} to ${where}${note}`,
  };
}

/**
 * The headers for another origin: the configured ones (and any Authorization) left behind, as
 * browsers and undici drop Authorization on a cross-origin redirect.
 */
export function headersForOtherOrigin(
  headers: Record<string, string>,
  endpointHeaders: readonly string[],
): Record<string, string> {
  const drop = new Set([...endpointHeaders, 'authorization'].map((n) => n.toLowerCase()));
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !drop.has(name.toLowerCase())),
  );
}
