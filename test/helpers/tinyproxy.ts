/**
 * A real forwarding and CONNECT proxy for tests: tinyproxy from the Debian package, started on
 * loopback with a config of the test's own and stopped by it. Tests that need it skip, saying so,
 * when the binary is missing (`apt-get install tinyproxy`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/usr/bin/tinyproxy', '/usr/sbin/tinyproxy', '/usr/local/bin/tinyproxy'];

/** Where tinyproxy is, or undefined. */
export const TINYPROXY = CANDIDATES.find((path) => existsSync(path));

/** The message a suite prints when it skips for want of tinyproxy. */
export const NO_TINYPROXY =
  'tinyproxy is not installed: the real-proxy tests are SKIPPED (apt-get install -y tinyproxy)';

export interface Tinyproxy {
  /** http://127.0.0.1:port/ without credentials. */
  url: string;
  port: number;
  /** What tinyproxy logged so far (requests at LogLevel Connect). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts tinyproxy on a free loopback port, with Basic credentials when `auth` is given. */
export async function startTinyproxy(auth?: {
  user: string;
  password: string;
}): Promise<Tinyproxy> {
  if (TINYPROXY === undefined) throw new Error(NO_TINYPROXY);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tinyproxy-'));
  const conf = join(dir, 'tinyproxy.conf');
  writeFileSync(
    conf,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      'MaxClients 20',
      'Allow 127.0.0.1',
      'LogLevel Connect',
      'DisableViaHeader Yes',
      ...(auth === undefined ? [] : [`BasicAuth ${auth.user} ${auth.password}`]),
      '',
    ].join('\n'),
  );
  let output = '';
  const child: ChildProcess = spawn(TINYPROXY, ['-d', '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  await waitForPort(port, () => output);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    log: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, output: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`tinyproxy did not listen on ${port}: ${output()}`);
}
