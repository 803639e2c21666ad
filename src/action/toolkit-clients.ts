import type { DefaultArtifactClient } from '@actions/artifact';

/**
 * The toolkit's cache and artifact packages, loaded when first used rather than with the action:
 * together they bring tens of MB of modules (storage SDKs, HTTP clients, protobuf runtimes) that a
 * post step which neither restores, saves nor uploads never needs, and which would otherwise sit
 * under the sync's peak memory and lengthen every start.
 */
export async function cacheToolkit(): Promise<typeof import('@actions/cache')> {
  return await import('@actions/cache');
}

/** A client of the artifact service (see cacheToolkit for why it is loaded late). */
export async function artifactClient(): Promise<DefaultArtifactClient> {
  const { DefaultArtifactClient: Client } = await import('@actions/artifact');
  return new Client();
}
