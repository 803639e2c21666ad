import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Claim } from '../../src/action/cache-claims.js';
import type { RestoreState } from '../../src/action/restore.js';
import {
  ActionStateError,
  isPost,
  markPost,
  readClaim,
  readRestore,
  saveRestore,
  saveSyncDone,
  syncDone,
} from '../../src/action/state.js';
import { applyEnv, readCommandFile } from '../toolkit/job-env.js';

const dir = mkdtempSync(join(tmpdir(), 'action-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let step = 0;
/**
 * Runs `main` as the main step (GITHUB_STATE a real command file), then hands what it saved to
 * the post step as the runner does (STATE_<key>) and runs `post` there.
 */
async function acrossSteps<T>(main: () => void, post: () => T): Promise<T> {
  const file = join(dir, `state-${++step}`);
  writeFileSync(file, '');
  const undoMain = applyEnv({ GITHUB_STATE: file });
  try {
    main();
  } finally {
    undoMain();
  }
  const saved = await readCommandFile(file);
  return inPost(Object.fromEntries(Object.entries(saved).map(([k, v]) => [`STATE_${k}`, v])), post);
}

function inPost<T>(env: Record<string, string | undefined>, post: () => T): T {
  const undo = applyEnv({
    STATE_isPost: undefined,
    STATE_restore: undefined,
    STATE_syncDone: undefined,
    STATE_claim: undefined,
    ...env,
  });
  try {
    return post();
  } finally {
    undo();
  }
}

const restore: RestoreState = {
  dbPath: '/home/runner/.local/share/tokf/tracking.db',
  restoredFrom: 'cache',
  restoredKey: 'telemetry-db-v1-linux-main-7-1',
  cacheHit: true,
  restoredFingerprint: 'abc',
  held: [{ id: 12, key: 'telemetry-db-v1-linux-main-6-1', pending: 3 }],
  superseded: [{ id: 9, key: 'telemetry-db-v1-linux-main-5-1' }],
  merged: 4,
  ownFromId: 101,
  notes: ['merged 1 entry'],
  problems: [],
  advice: ['give actions: write'],
};
const claim: Claim = { fromId: 101, taken: [12], notes: ['took 1 entry'], advice: [] };

describe('the state the main step hands the post step', () => {
  it('reads back every key as the main step saved it', async () => {
    const post = await acrossSteps(
      () => {
        markPost();
        saveRestore(restore);
        saveSyncDone(claim);
      },
      () => ({
        isPost: isPost(),
        restore: readRestore(),
        syncDone: syncDone(),
        claim: readClaim(),
      }),
    );
    expect(post).toEqual({ isPost: true, restore, syncDone: true, claim });
  });

  it('is missing where the main step did not get that far, or its sync took no claim', async () => {
    expect(inPost({}, () => [isPost(), readRestore(), syncDone(), readClaim()])).toEqual([
      false,
      undefined,
      false,
      undefined,
    ]);
    const claimless = await acrossSteps(
      () => saveSyncDone(undefined),
      () => [syncDone(), readClaim()],
    );
    expect(claimless).toEqual([true, undefined]);
  });

  it('refuses a malformed value with an error that names the key and what is wrong', () => {
    const cases: [Record<string, string>, () => unknown, string][] = [
      [
        { STATE_restore: '{"dbPath": "/db", ' },
        readRestore,
        '"restore" cannot be read: it is not JSON',
      ],
      [
        { STATE_restore: '[1, 2]' },
        readRestore,
        '"restore" cannot be read: it is not a JSON object',
      ],
      [
        { STATE_restore: JSON.stringify({ ...restore, restoredFrom: 'floppy' }) },
        readRestore,
        'restoredFrom is not one of cache, artifact, existing, none',
      ],
      [
        { STATE_restore: JSON.stringify({ ...restore, dbPath: undefined }) },
        readRestore,
        'dbPath is missing',
      ],
      [
        { STATE_restore: JSON.stringify({ ...restore, held: [{ id: 1, key: 'k' }] }) },
        readRestore,
        'held is not a list of entries (id, key, pending)',
      ],
      [
        { STATE_claim: JSON.stringify({ ...claim, taken: ['12'] }) },
        readClaim,
        '"claim" cannot be read: taken is not a list of entry ids',
      ],
    ];
    for (const [env, read, message] of cases) {
      const thrown = inPost(env, () => {
        try {
          read();
        } catch (err) {
          return err;
        }
        return undefined;
      });
      expect(thrown).toBeInstanceOf(ActionStateError);
      expect((thrown as Error).message).toContain(message);
      expect((thrown as Error).message).toContain('re-run the job');
    }
  });
});
