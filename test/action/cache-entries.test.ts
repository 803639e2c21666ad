import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listCacheEntries } from '../../src/action/cache-entries.js';
import { readGithubRun } from '../../src/action/github-env.js';
import { GithubRest } from '../../src/action/github-rest.js';

/** A loopback stand-in for GET /repos/{owner}/{repo}/actions/caches, one page of entries. */
async function withCachesApi(
  entries: object[],
  body: (apiUrl: string, paths: string[]) => Promise<void>,
): Promise<void> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    const page = new URL(req.url ?? '/', 'http://x').searchParams.get('page');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ actions_caches: page === '1' ? entries : [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('listCacheEntries', () => {
  it('lists the prefix’s entries newest first by instant, then by id, whatever the page order', async () => {
    const entry = (id: number, created_at: string, key = `telemetry-sync-${id}`) => ({
      id,
      key,
      ref: 'refs/heads/main',
      created_at,
      size_in_bytes: 1000 + id,
    });
    const listed = [
      entry(1, '2026-11-29T10:00:05Z'),
      // Fractional seconds: as strings, "…05.5Z" sorts before "…05Z"; as instants it is later.
      entry(2, '2026-11-29T10:00:05.5Z'),
      entry(3, '2026-11-29T09:59:59Z'),
      entry(4, '2026-11-29T10:00:05Z'),
      entry(5, '2026-11-29T11:00:00Z', 'someone-else-1'),
    ];
    await withCachesApi(listed, async (apiUrl, paths) => {
      const run = readGithubRun({
        GITHUB_API_URL: apiUrl,
        GITHUB_REPOSITORY: 'octo/repo',
        GITHUB_REF: 'refs/heads/main',
      });
      const entries = await listCacheEntries(new GithubRest(run, 'token'), run, 'telemetry-sync-');
      expect(entries.map((e) => e.id)).toEqual([2, 4, 1, 3]);
      expect(entries[0]).toEqual({
        id: 2,
        key: 'telemetry-sync-2',
        ref: 'refs/heads/main',
        createdAt: '2026-11-29T10:00:05.5Z',
        sizeInBytes: 1002,
      });
      expect(paths[0]).toContain('/repos/octo/repo/actions/caches?key=telemetry-sync-');
    });
  });
});
