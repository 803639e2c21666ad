/**
 * Azurite's blob service as a child process on 127.0.0.1, for tests that need the Azure Blob
 * Storage the Actions cache and artifact libraries upload to and download from.
 *
 * Started from node_modules with a random free port, `--skipApiVersionCheck` (the Azure SDK inside
 * the toolkit speaks a newer API version than Azurite knows), `--silent`, `--disableTelemetry` and
 * its working directory in a fresh temp directory that `stop()` removes. Signed (SAS) URLs are made
 * with Azurite's well-known development key for the account `devstoreaccount1`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import {
  BlobSASPermissions,
  BlobServiceClient,
  SASProtocol,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';

/** Azurite's development storage account. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
/** Azurite's published development key for {@link AZURITE_ACCOUNT} (not a secret). */
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
/**
 * Storage service version written into SAS tokens (`sv`). The SDK's default is newer than Azurite
 * 3.35 knows; Azurite validates a signature with the rules of the `sv` it is given.
 */
export const AZURITE_SAS_VERSION = '2025-11-05';

export interface AzuriteOptions {
  /**
   * Keep blobs in memory (`--inMemoryPersistence`) instead of on disk under the temp location.
   * Default false: disk persistence in the temp directory, which `stop()` deletes either way.
   */
  inMemory?: boolean;
  /** Give up starting after this many ms. Default 20000. */
  startTimeoutMs?: number;
}

/** Permissions for a blob SAS: read, or create+write (what an upload of blocks needs). */
export type SasAccess = 'read' | 'write' | 'readwrite';

export interface SasOptions {
  access: SasAccess;
  /** Lifetime of the URL. Default one hour. */
  expiresInMs?: number;
  /** `rscd`: the Content-Disposition Azurite answers downloads with. */
  contentDisposition?: string;
  /** `rsct`: the Content-Type Azurite answers downloads with. */
  contentType?: string;
}

export interface BlobInfo {
  size: number;
  contentType?: string;
}

const LISTENING = /successfully listens on (http:\/\/[^\s]+)/;

/** A running Azurite blob service. Create with {@link startAzurite}. */
export class Azurite {
  /** Origin of the blob service, e.g. `http://127.0.0.1:40123`. */
  readonly origin: string;
  /** Port Azurite listens on. */
  readonly port: number;
  /** Account URL: `<origin>/devstoreaccount1` (path-style, as Azurite wants). */
  readonly blobEndpoint: string;
  /** Temp directory Azurite runs in (and persists to, unless in memory). Removed by stop(). */
  readonly location: string;
  private readonly child: ChildProcess;
  private readonly credential: StorageSharedKeyCredential;
  private readonly service: BlobServiceClient;
  private readonly outputChunks: string[];
  private readonly onExit: () => void;
  private stopped = false;

  /** @internal use startAzurite() */
  constructor(init: {
    child: ChildProcess;
    origin: string;
    location: string;
    output: string[];
    onExit: () => void;
  }) {
    this.child = init.child;
    this.origin = init.origin;
    this.port = Number(new URL(init.origin).port);
    this.location = init.location;
    this.outputChunks = init.output;
    this.onExit = init.onExit;
    this.blobEndpoint = `${this.origin}/${AZURITE_ACCOUNT}`;
    this.credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY);
    this.service = new BlobServiceClient(this.blobEndpoint, this.credential);
  }

  /** Process id of the Azurite child. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What Azurite printed so far (for diagnostics). */
  output(): string {
    return this.outputChunks.join('');
  }

  /** Creates a container if it does not exist yet. */
  async createContainer(container: string): Promise<void> {
    await this.service.getContainerClient(container).createIfNotExists();
  }

  /** Unsigned URL of a blob (Azurite refuses it without credentials). */
  blobUrl(container: string, blob: string): string {
    const encoded = blob.split('/').map(encodeURIComponent).join('/');
    return `${this.blobEndpoint}/${encodeURIComponent(container)}/${encoded}`;
  }

  /** A signed URL for one blob, made with the development key. */
  sasUrl(container: string, blob: string, options: SasOptions): string {
    const permissions = BlobSASPermissions.parse(
      options.access === 'read' ? 'r' : options.access === 'write' ? 'cw' : 'rcw',
    );
    const now = Date.now();
    const query = generateBlobSASQueryParameters(
      {
        containerName: container,
        blobName: blob,
        permissions,
        protocol: SASProtocol.HttpsAndHttp,
        startsOn: new Date(now - 5 * 60_000),
        expiresOn: new Date(now + (options.expiresInMs ?? 60 * 60_000)),
        version: AZURITE_SAS_VERSION,
        ...(options.contentDisposition ? { contentDisposition: options.contentDisposition } : {}),
        ...(options.contentType ? { contentType: options.contentType } : {}),
      },
      this.credential,
    ).toString();
    return `${this.blobUrl(container, blob)}?${query}`;
  }

  /** Signed URL to read a blob. */
  readSasUrl(container: string, blob: string, options: Omit<SasOptions, 'access'> = {}): string {
    return this.sasUrl(container, blob, { ...options, access: 'read' });
  }

  /** Signed URL to create/write a blob (block uploads and commit). */
  writeSasUrl(container: string, blob: string, options: Omit<SasOptions, 'access'> = {}): string {
    return this.sasUrl(container, blob, { ...options, access: 'write' });
  }

  /** Size and content type of a committed blob, or undefined when there is none. */
  async blobInfo(container: string, blob: string): Promise<BlobInfo | undefined> {
    const client = this.service.getContainerClient(container).getBlobClient(blob);
    try {
      const props = await client.getProperties();
      return {
        size: props.contentLength ?? 0,
        ...(props.contentType ? { contentType: props.contentType } : {}),
      };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /** The bytes of a blob, or undefined when there is none. */
  async readBlob(container: string, blob: string): Promise<Buffer | undefined> {
    const client = this.service.getContainerClient(container).getBlobClient(blob);
    try {
      return await client.downloadToBuffer();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Deletes a blob if it exists. */
  async deleteBlob(container: string, blob: string): Promise<void> {
    await this.service.getContainerClient(container).getBlobClient(blob).deleteIfExists();
  }

  /** Stops Azurite (SIGTERM, then SIGKILL after 3 s) and deletes its temp directory. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    process.off('exit', this.onExit);
    await killChild(this.child, 3000);
    await rm(this.location, { recursive: true, force: true });
  }
}

/** Starts Azurite's blob service and resolves once it accepts requests. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const require = createRequire(import.meta.url);
  const main = path.join(
    path.dirname(require.resolve('azurite/package.json')),
    'dist/src/blob/main.js',
  );
  const location = await mkdtemp(path.join(os.tmpdir(), 'azurite-'));
  const args = [
    main,
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    '0',
    '--skipApiVersionCheck',
    '--silent',
    '--disableTelemetry',
    // Azurite refuses --location together with --inMemoryPersistence; its cwd is the temp dir.
    ...(options.inMemory ? ['--inMemoryPersistence'] : ['--location', location]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: location,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
  });
  const output: string[] = [];
  const onExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', onExit);

  try {
    const origin = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(
        () => reject(new Error(`Azurite did not start in time:\n${output.join('')}`)),
        options.startTimeoutMs ?? 20_000,
      );
      const onData = (chunk: Buffer): void => {
        const text = chunk.toString('utf8');
        output.push(text);
        seen += text;
        const match = LISTENING.exec(seen);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1].replace(/\/$/, ''));
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`Azurite exited (${code ?? signal}) before listening:\n${output.join('')}`),
        );
      });
    });
    await waitUntilAccepting(origin, options.startTimeoutMs ?? 20_000);
    return new Azurite({ child, origin, location, output, onExit });
  } catch (error) {
    process.off('exit', onExit);
    await killChild(child, 1000);
    await rm(location, { recursive: true, force: true });
    throw error;
  }
}

/** Polls until the service answers any HTTP request. */
async function waitUntilAccepting(origin: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${origin}/${AZURITE_ACCOUNT}?comp=list`);
      await response.arrayBuffer();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function killChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
