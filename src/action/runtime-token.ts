/**
 * What the runner's ACTIONS_RUNTIME_TOKEN (a JWT) says about the job, read without verifying it:
 * it is only used to name things, never to decide what we may do. Its `scp` claim names the job's
 * backend ids (`Actions.Results:<run backend id>:<job backend id>`), which differ between the legs
 * of a matrix and between attempts; its `ac` claim lists the cache scopes (refs) the job may read.
 */
export interface RuntimeTokenClaims {
  jobBackendId: string | undefined;
  /** Refs whose cache entries this job may restore, its own first; undefined when not said. */
  readableRefs: string[] | undefined;
}

export function readRuntimeToken(token: string | undefined): RuntimeTokenClaims {
  const payload = decodePayload(token);
  return {
    jobBackendId: jobBackendId(payload?.scp),
    readableRefs: readableRefs(payload?.ac),
  };
}

function decodePayload(token: string | undefined): Record<string, unknown> | undefined {
  const part = token?.split('.')[1];
  if (part === undefined || part === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function jobBackendId(scp: unknown): string | undefined {
  if (typeof scp !== 'string') return undefined;
  for (const scope of scp.split(' ')) {
    const parts = scope.split(':');
    if (parts[0] === 'Actions.Results' && parts.length === 3 && parts[2]) return parts[2];
  }
  return undefined;
}

// `ac` is a JSON string: [{"Scope":"refs/heads/main","Permission":3}, ...]; bit 1 is read.
function readableRefs(ac: unknown): string[] | undefined {
  if (typeof ac !== 'string') return undefined;
  try {
    const scopes: unknown = JSON.parse(ac);
    if (!Array.isArray(scopes)) return undefined;
    return scopes
      .filter(
        (s): s is { Scope: string; Permission: number } =>
          typeof s?.Scope === 'string' && typeof s?.Permission === 'number',
      )
      .filter((s) => (s.Permission & 1) === 1)
      .map((s) => s.Scope);
  } catch {
    return undefined;
  }
}
