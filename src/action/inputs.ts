import {
  SETTINGS,
  settingsFrom,
  specOf,
  type SettingLabel,
  type SyncSettings,
} from '../config/settings.js';
import { UsageError } from '../errors.js';
import { DEFAULT_SIGNALS, lookUpSetting } from '../config/build-config.js';
import type { Signal } from '../config/vocabulary.js';
import { defaultTokfDbPath } from '../config/tokf-paths.js';
import {
  DEFAULT_ARTIFACT_NAME,
  DEFAULT_CACHE_KEY_PREFIX,
  DEFAULT_OTLP_ARTIFACT_NAME,
  Inputs,
} from './constants.js';

export type RestoreMode = 'cache' | 'artifact' | 'cache-then-artifact' | 'none';
export type SyncMode = 'post' | 'now';
export type OtlpArtifactMode = 'always' | 'on-failure' | 'never';
/** Whether the main step leaves tokf's own live export as it is or turns it off for the job. */
export type TokfLiveExport = 'keep' | 'off';
/** How the job summary and the pull-request comment name commands (see programOf). */
export type SummaryCommands = 'program' | 'full';

/** The action's inputs, validated. */
export interface ActionInputs {
  databasePath: string;
  restore: RestoreMode;
  sync: SyncMode;
  cacheKeyPrefix: string;
  saveCache: boolean;
  artifactName: string;
  artifactRunId: number | undefined;
  githubToken: string;
  /** The engine's settings; validated by buildSyncConfig when the sync runs. */
  settings: SyncSettings;
  /** What each event is sent as (input signals): the restore counts leftovers per signal. */
  signals: Signal[];
  ciAttributes: boolean;
  otlpArtifact: OtlpArtifactMode;
  /** Also write the OpenMetrics backfill of the selected events into the artifact. */
  openmetrics: boolean;
  otlpArtifactName: string;
  retentionDays: number | undefined;
  summary: boolean;
  summaryCommands: SummaryCommands;
  commentOnPr: boolean;
  failOnError: boolean;
  /** What tells the legs of a matrix apart, as given (see leg.ts); by default toJSON(matrix). */
  leg: string;
  tokfLiveExport: TokfLiveExport;
  /** A gridctl telemetry directory the post step also replays ('' for ~/.gridctl/telemetry). */
  gridctl: string | undefined;
}

/** Engine errors name action inputs the way a workflow author wrote them. */
export const inputLabel: SettingLabel = (key) => named(specOf(key).input ?? specOf(key).flag);

const named = (input: string) => `input "${input}"`;

type GetInput = (name: string) => string;

/** Reads and checks every input; a bad value is a UsageError naming the input. */
export function readActionInputs(getInput: GetInput, env: NodeJS.ProcessEnv): ActionInputs {
  const get = (name: string) => getInput(name).trim();
  const databasePath = get(SETTINGS.db.input) || defaultTokfDbPath(env);
  const settings = { ...engineSettings(get), db: databasePath };
  return {
    databasePath,
    restore: oneOf(get(Inputs.Restore) || 'cache-then-artifact', Inputs.Restore, [
      'cache',
      'artifact',
      'cache-then-artifact',
      'none',
    ]),
    sync: oneOf(get(Inputs.Sync) || 'post', Inputs.Sync, ['post', 'now']),
    cacheKeyPrefix: cacheKeyPrefix(get(Inputs.CacheKeyPrefix) || DEFAULT_CACHE_KEY_PREFIX),
    saveCache: bool(get(Inputs.SaveCache), Inputs.SaveCache, true),
    artifactName: get(Inputs.ArtifactName) || DEFAULT_ARTIFACT_NAME,
    artifactRunId: runId(get(Inputs.ArtifactRunId)),
    githubToken: get(Inputs.GithubToken) || env.GITHUB_TOKEN || '',
    settings,
    signals: [
      ...(lookUpSetting('signals', settings, env, Date.now(), inputLabel)?.value ??
        DEFAULT_SIGNALS),
    ],
    ciAttributes: bool(get(Inputs.CiAttributes), Inputs.CiAttributes, true),
    otlpArtifact: oneOf(get(Inputs.OtlpArtifact) || 'on-failure', Inputs.OtlpArtifact, [
      'always',
      'on-failure',
      'never',
    ]),
    openmetrics: bool(get(Inputs.Openmetrics), Inputs.Openmetrics, false),
    otlpArtifactName: artifactName(get(Inputs.OtlpArtifactName) || DEFAULT_OTLP_ARTIFACT_NAME),
    retentionDays: retentionDays(get(Inputs.RetentionDays)),
    summary: bool(get(Inputs.Summary), Inputs.Summary, true),
    summaryCommands: oneOf(get(Inputs.SummaryCommands) || 'program', Inputs.SummaryCommands, [
      'program',
      'full',
    ]),
    commentOnPr: bool(get(Inputs.CommentOnPr), Inputs.CommentOnPr, false),
    failOnError: bool(get(Inputs.FailOnError), Inputs.FailOnError, false),
    leg: get(Inputs.Leg),
    tokfLiveExport: oneOf(get(Inputs.TokfLiveExport) || 'keep', Inputs.TokfLiveExport, [
      'keep',
      'off',
    ]),
    gridctl: gridctlDir(get(Inputs.Gridctl)),
  };
}

/**
 * Every engine setting the action has an input for, as given (blank included: the engine then
 * falls back to the environment and its default, as for an omitted flag).
 */
function engineSettings(get: GetInput): SyncSettings {
  return settingsFrom((spec) => {
    if (spec.input === undefined) return undefined;
    return spec.type === 'boolean' ? bool(get(spec.input), spec.input, false) : get(spec.input);
  });
}

/** `true`: gridctl's default directory; `false` or blank: none; else the directory. */
function gridctlDir(value: string): string | undefined {
  if (value === '' || ['false', 'False', 'FALSE'].includes(value)) return undefined;
  return ['true', 'True', 'TRUE'].includes(value) ? '' : value;
}

function oneOf<T extends string>(value: string, input: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${named(input)}: "${value}" is not one of ${allowed.join(', ')}`);
}

// The YAML 1.2 core schema booleans, which is what @actions/core accepts too.
function bool(value: string, input: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new UsageError(`${named(input)}: "${value}" is not true or false`);
}

function runId(value: string): number | undefined {
  if (value === '') return undefined;
  if (!/^\d+$/.test(value) || Number(value) === 0) {
    throw new UsageError(`${named(Inputs.ArtifactRunId)}: "${value}" is not a workflow run id`);
  }
  return Number(value);
}

function retentionDays(value: string): number | undefined {
  if (value === '') return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 90) {
    throw new UsageError(
      `${named(Inputs.RetentionDays)}: "${value}" is not a number of days from 1 to 90`,
    );
  }
  return n;
}

// Cache keys may not contain commas and are at most 512 characters; ours append about 40.
function cacheKeyPrefix(value: string): string {
  if (value.includes(',') || value.length > 400) {
    throw new UsageError(
      `${named(Inputs.CacheKeyPrefix)}: must have no commas and at most 400 characters`,
    );
  }
  return value;
}

// Characters GitHub refuses in artifact names.
function artifactName(value: string): string {
  if (/[":<>|*?\\/\r\n]/.test(value)) {
    throw new UsageError(
      `${named(Inputs.OtlpArtifactName)}: "${value}" contains a character artifact names may not have (" : < > | * ? \\ /)`,
    );
  }
  return value;
}
