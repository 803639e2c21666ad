import { legLabel, readLeg } from '../../src/action/leg.js';
import { readRuntimeToken } from '../../src/action/runtime-token.js';

const token = (payload: object) =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;

describe('the runtime token', () => {
  it('names the job backend id and the readable cache scopes', () => {
    const claims = readRuntimeToken(
      token({
        scp: 'Actions.GenericRead:0 Actions.Results:run-1:3f2a9c1d-aaaa-bbbb Actions.UploadArtifacts:run-1:3f2a9c1d-aaaa-bbbb',
        ac: '[{"Scope":"refs/pull/7/merge","Permission":3},{"Scope":"refs/heads/main","Permission":1},{"Scope":"refs/heads/x","Permission":2}]',
      }),
    );
    expect(claims).toEqual({
      jobBackendId: '3f2a9c1d-aaaa-bbbb',
      readableRefs: ['refs/pull/7/merge', 'refs/heads/main'],
    });
  });

  it('says nothing for a missing or malformed token', () => {
    for (const t of [undefined, '', 'abc', 'a.!!!.c', token({ scp: 42, ac: 'nope' })]) {
      expect(readRuntimeToken(t)).toEqual({ jobBackendId: undefined, readableRefs: undefined });
    }
  });
});

describe('legs', () => {
  it('take their id from the job backend id, else from what the runner says of the job', () => {
    const env = { ACTIONS_RUNTIME_TOKEN: token({ scp: 'Actions.Results:r:3F2A9C1D-1234-5678' }) };
    expect(readLeg(env, '').id).toBe('3f2a9c1d');
    const a = readLeg({ GITHUB_JOB: 'test', RUNNER_NAME: 'GitHub Actions 2' }, '');
    const b = readLeg({ GITHUB_JOB: 'test', RUNNER_NAME: 'GitHub Actions 3' }, '');
    expect(a.id).toMatch(/^[0-9a-f]{8}$/);
    expect(a.id).not.toBe(b.id);
  });

  it.each([
    ['', ''],
    ['null', ''],
    ['{}', ''],
    ['{\n  "os": "ubuntu-latest",\n  "node": 20\n}', 'ubuntu-latest-20'],
    ['{"include": {"target": "x86_64/linux"}, "flags": ["a b", true]}', 'x86_64-linux-a-b-true'],
    ['windows, node 22', 'windows-node-22'],
  ])('label %j as %j', (input, label) => {
    expect(legLabel(input)).toBe(label);
  });

  it('cut a long label and tell it apart by a hash of the whole', () => {
    const one = legLabel(JSON.stringify({ a: 'x'.repeat(60), b: 1 }));
    const two = legLabel(JSON.stringify({ a: 'x'.repeat(60), b: 2 }));
    expect(one).toHaveLength(40);
    expect(one).not.toBe(two);
  });
});
