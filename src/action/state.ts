import * as core from '@actions/core';
import type { Claim } from './cache-claims.js';
import { State } from './constants.js';
import type { RestoreState } from './restore.js';

/*
 * What the main step hands the post step, and the only module that reads or writes it: each key
 * with its type, written as JSON and checked field by field when read back. src/index.ts imports
 * this before the Node check, so it imports nothing at run time that reaches node:sqlite.
 */

/** A value the post step found under a state key is not what the main step writes. */
export class ActionStateError extends Error {
  override name = 'ActionStateError';
}

/** Marks the step as the main one: the runner then starts the post step with the state set. */
export function markPost(): void {
  core.saveState(State.IsPost, 'true');
}

export function isPost(): boolean {
  return core.getState(State.IsPost) === 'true';
}

export function saveRestore(restore: RestoreState): void {
  core.saveState(State.Restore, JSON.stringify(restore));
}

/** What the main step restored; undefined when it did not get that far. */
export function readRestore(): RestoreState | undefined {
  return readJson(State.Restore, RESTORE_FIELDS) as RestoreState | undefined;
}

/** The main step synced (sync: now): the post step only saves and cleans up. */
export function saveSyncDone(claim: Claim | undefined): void {
  core.saveState(State.SyncDone, 'true');
  core.saveState(State.Claim, JSON.stringify(claim));
}

export function syncDone(): boolean {
  return core.getState(State.SyncDone) === 'true';
}

/** The cache entries the main step's sync took; undefined when it took none or did not sync. */
export function readClaim(): Claim | undefined {
  return readJson(State.Claim, CLAIM_FIELDS) as Claim | undefined;
}

interface Field {
  test: (v: unknown) => boolean;
  /** What the value should be, for the error. */
  what: string;
  optional?: true;
}

const isString = (v: unknown): boolean => typeof v === 'string';
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const listOf =
  (item: (v: unknown) => boolean) =>
  (v: unknown): boolean =>
    Array.isArray(v) && v.every(item);
const shapeOf =
  (fields: Record<string, Field>) =>
  (v: unknown): boolean =>
    misfit(v, fields) === undefined;

const STRINGS: Field = { test: listOf(isString), what: 'a list of strings' };
const ENTRY = { id: { test: isCount, what: 'a count' }, key: { test: isString, what: 'a string' } };
const RESTORED_FROM = ['cache', 'artifact', 'existing', 'none'];

// Every field of the type is listed (the mapped type says so), so a new one cannot go unchecked.
const RESTORE_FIELDS: { [K in keyof Required<RestoreState>]: Field } = {
  dbPath: { test: isString, what: 'a string' },
  restoredFrom: {
    test: (v) => RESTORED_FROM.includes(v as string),
    what: `one of ${RESTORED_FROM.join(', ')}`,
  },
  restoredKey: { test: isString, what: 'a string', optional: true },
  cacheHit: { test: (v) => typeof v === 'boolean', what: 'true or false' },
  sidePath: { test: isString, what: 'a string', optional: true },
  restoredFingerprint: { test: isString, what: 'a string', optional: true },
  held: {
    test: listOf(shapeOf({ ...ENTRY, pending: { test: isCount, what: 'a count' } })),
    what: 'a list of entries (id, key, pending)',
    optional: true,
  },
  superseded: { test: listOf(shapeOf(ENTRY)), what: 'a list of entries (id, key)', optional: true },
  merged: { test: isCount, what: 'a count', optional: true },
  ownFromId: { test: isCount, what: 'a count', optional: true },
  stampAtPost: { test: (v) => typeof v === 'boolean', what: 'true or false', optional: true },
  notes: STRINGS,
  problems: STRINGS,
  advice: { ...STRINGS, optional: true },
};

const CLAIM_FIELDS: { [K in keyof Required<Claim>]: Field } = {
  fromId: { test: isCount, what: 'a count', optional: true },
  taken: { test: listOf(isCount), what: 'a list of entry ids' },
  notes: STRINGS,
  advice: STRINGS,
};

/** Why a value does not have these fields; undefined when it does. */
function misfit(value: unknown, fields: Record<string, Field>): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'it is not a JSON object';
  for (const [name, field] of Object.entries(fields)) {
    const v = (value as Record<string, unknown>)[name];
    if (v === undefined && field.optional === true) continue;
    if (!field.test(v))
      return v === undefined ? `${name} is missing` : `${name} is not ${field.what}`;
  }
  return undefined;
}

// JSON.stringify(undefined) saves nothing, which reads back as '' (as does a key never saved).
function readJson(key: string, fields: Record<string, Field>): unknown {
  const saved = core.getState(key);
  if (saved === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(saved);
  } catch (err) {
    throw malformed(key, `it is not JSON (${(err as Error).message})`);
  }
  const why = misfit(value, fields);
  if (why !== undefined) throw malformed(key, why);
  return value;
}

function malformed(key: string, why: string): ActionStateError {
  return new ActionStateError(
    `the state the main step saved as "${key}" cannot be read: ${why}. The post step did nothing; re-run the job so that the main step saves it again`,
  );
}
