// Runs one @actions/cache or @actions/artifact call in a fresh Node process, with the environment
// it was started with (see ToolkitServer.newRun and job-env.ts), and prints the outcome as one line
// `TOOLKIT_RESULT <json>` on stdout (everything else there is @actions/core's log).
//
// Usage: node toolkit-driver.mjs '<json>' where json is one of
//   {"op":"save-cache","paths":[...],"key":"..."}
//   {"op":"restore-cache","paths":[...],"key":"...","restoreKeys":[...]}
//   {"op":"upload-artifact","name":"...","files":[...],"root":"..."}
//   {"op":"download-artifact","name":"...","path":"...","findBy":{...}?}
const request = JSON.parse(process.argv[2] ?? '{}');

async function run() {
  switch (request.op) {
    case 'save-cache': {
      const cache = await import('@actions/cache');
      return { id: await cache.saveCache(request.paths, request.key) };
    }
    case 'restore-cache': {
      const cache = await import('@actions/cache');
      const key = await cache.restoreCache(request.paths, request.key, request.restoreKeys ?? []);
      return { key: key ?? null };
    }
    case 'upload-artifact': {
      const { DefaultArtifactClient } = await import('@actions/artifact');
      const result = await new DefaultArtifactClient().uploadArtifact(
        request.name,
        request.files,
        request.root,
      );
      return { id: result.id ?? null, size: result.size ?? null, digest: result.digest ?? null };
    }
    case 'download-artifact': {
      const { DefaultArtifactClient } = await import('@actions/artifact');
      const client = new DefaultArtifactClient();
      const findBy = request.findBy ? { findBy: request.findBy } : {};
      const { artifact } = await client.getArtifact(request.name, findBy);
      const result = await client.downloadArtifact(artifact.id, { path: request.path, ...findBy });
      return { id: artifact.id, downloadPath: result.downloadPath };
    }
    default:
      throw new Error(`unknown op ${request.op}`);
  }
}

try {
  const result = await run();
  process.stdout.write(`TOOLKIT_RESULT ${JSON.stringify({ ok: true, ...result })}\n`);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stdout.write(`TOOLKIT_RESULT ${JSON.stringify({ ok: false, error: message })}\n`);
  process.exitCode = 1;
}
