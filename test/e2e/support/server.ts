/** Starts the real sync-server (with the built app; the embedded store, or the lane's CouchDB) as a child process on a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
/** The built app under test: dist/, or E2E_STATIC_DIR (another build, e.g. while others use dist/ on a shared machine). */
export const DIST = path.resolve(ROOT, process.env.E2E_STATIC_DIR ?? 'dist');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Start again on the same port and data (after a stop or a crash). */
  restart(): Promise<void>;
  cleanup(): void;
}

/**
 * The real-CouchDB lane (LXE_TEST_COUCHDB = a CouchDB URL with admin credentials): the server stores in that
 * CouchDB under a database prefix of its own, kept across restarts and dropped by `cleanup`.
 */
function couchEnv(): Record<string, string> {
  const url = process.env.LXE_TEST_COUCHDB;
  if (!url || !/^https?:\/\//.test(url)) return {};
  return { COUCHDB_URL: url, COUCHDB_DB_PREFIX: `e${randomBytes(5).toString('hex')}-` };
}

async function dropPrefixed(url: string, prefix: string): Promise<void> {
  const base = new URL(url);
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
  const origin = `${base.protocol}//${base.host}`;
  const all = (await (await fetch(`${origin}/_all_dbs`, { headers: { authorization: auth } })).json()) as string[];
  await Promise.all(all.filter((n) => n.startsWith(prefix)).map((n) => fetch(`${origin}/${encodeURIComponent(n)}`, { method: 'DELETE', headers: { authorization: auth } }).catch(() => undefined)));
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lxe-e2e-'));
  const couch = couchEnv();
  env = { ...couch, ...env };
  let child: ChildProcess | undefined;
  let log = '';
  const url = `http://127.0.0.1:${port}`;

  async function launch(): Promise<void> {
    child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'sync-server/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, STATIC_DIR: DIST, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`sync-server exited (${child.exitCode}):\n${log}`);
      const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`sync-server did not become healthy:\n${log}`);
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
  }

  await launch();
  return {
    url,
    port,
    dataDir,
    output: () => log,
    stop,
    restart: launch,
    cleanup: () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (couch.COUCHDB_URL && couch.COUCHDB_DB_PREFIX) void dropPrefixed(couch.COUCHDB_URL, couch.COUCHDB_DB_PREFIX).catch(() => undefined);
    },
  };
}
