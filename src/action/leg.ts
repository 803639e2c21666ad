import { createHash } from 'node:crypto';
import { readRuntimeToken } from './runtime-token.js';

/**
 * What tells this job apart from the others that share its names: the legs of a matrix have one
 * job name, run id, attempt and runner OS, yet each must save its own cache entry, upload its own
 * artifact and keep its own pull-request comment.
 */
export interface Leg {
  /**
   * Differs between every job of every run and attempt, legs of a matrix included: the start of
   * the job's backend id, named by the runtime token. For cache keys and artifact names.
   */
  id: string;
  /**
   * The same for a leg from run to run, so that its pull-request comment is found again: the
   * matrix values (the `leg` input, by default `${{ toJSON(matrix) }}`), '' outside a matrix.
   */
  label: string;
}

const MAX_LABEL = 40;

export function readLeg(env: NodeJS.ProcessEnv, legInput: string): Leg {
  const label = legLabel(legInput);
  const backendId = readRuntimeToken(env.ACTIONS_RUNTIME_TOKEN).jobBackendId;
  const id =
    backendId !== undefined
      ? backendId
          .replace(/[^0-9a-zA-Z]/g, '')
          .slice(0, 8)
          .toLowerCase()
      : digest(
          [env.GITHUB_JOB, label, env.RUNNER_NAME, env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT].join(
            '|',
          ),
        ).slice(0, 8);
  return { id, label };
}

/**
 * The input as a short name: a JSON object (toJSON(matrix)) gives its values joined by `-`; other
 * text is taken as it is. Only letters, digits, `.`, `_` and `-` are kept, so that it fits cache
 * keys, artifact names and an HTML comment; a long one is cut and given a hash of the whole.
 */
export function legLabel(input: string): string {
  const text = input.trim();
  if (text === '' || text === 'null' || text === '{}') return '';
  let words: string;
  try {
    words = leaves(JSON.parse(text) as unknown).join('-');
  } catch {
    words = text;
  }
  const clean = words
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
  if (clean.length <= MAX_LABEL) return clean;
  return `${clean.slice(0, MAX_LABEL - 9)}-${digest(text).slice(0, 8)}`;
}

function leaves(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [String(value)];
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
