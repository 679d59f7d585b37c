/**
 * Starts the real sync-server (with the built app; the embedded store, or the lane's CouchDB) as a child process
 * on a free port. The child *is* the server: Node runs it with tsx's loader directly, not through the tsx CLI
 * (which would run it in a grandchild, so a SIGKILL would kill only the wrapper and leave the server holding the
 * port). The fault suite relies on that to `kill -9` the server and start it again on the same port and data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

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
  /** Start again on the same port and data (after a stop or a crash); refused while it still runs. */
  restart(): Promise<void>;
  cleanup(): void;
  /** Process id of the running server (the one `stop` signals); undefined once it has exited. */
  pid(): number | undefined;
  /** SIGKILL without waiting: for kills that must land within the same tick as the event that triggers them. */
  killNow(): void;
}

export interface ServerOptions {
  /**
   * `lane` (the default): the real-CouchDB lane's store when LXE_TEST_COUCHDB names one, else the embedded store.
   * `embedded`: always the embedded store (the fault suite's device runs), unless `env` names another.
   */
  store?: 'lane' | 'embedded';
  /** Prefix of the temporary data directory's name. */
  tmpPrefix?: string;
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

const TSX = path.join(ROOT, 'node_modules/tsx/dist');

export async function startServer(env: Record<string, string> = {}, options: ServerOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), options.tmpPrefix ?? 'lxe-e2e-'));
  const couch = options.store === 'embedded' ? {} : couchEnv();
  // The hand-written demo matters only, unless the test asks for the district-size catalog (DEMO_CATALOG=district):
  // every device a test signs in pulls the whole catalog, and at district size that is three replication batches.
  const childEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, STATIC_DIR: DIST, LOG_LEVEL: 'warn', DEMO_CATALOG: 'core', ...couch, ...env };
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let log = '';

  const alive = (c: ChildProcess | undefined): c is ChildProcess => !!c && c.exitCode === null && c.signalCode === null;

  async function launch(): Promise<void> {
    const c = spawn(process.execPath, ['--require', path.join(TSX, 'preflight.cjs'), '--import', pathToFileURL(path.join(TSX, 'loader.mjs')).href, 'sync-server/src/main.ts'], {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    c.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    c.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`sync-server exited (${c.exitCode ?? c.signalCode}):\n${log}`);
      const ok = await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`sync-server did not become healthy:\n${log}`);
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = child;
    if (!alive(c)) return;
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
    restart: async () => {
      if (alive(child)) throw new Error('restart: the server is still running');
      await launch();
    },
    cleanup: () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (couch.COUCHDB_URL && couch.COUCHDB_DB_PREFIX) void dropPrefixed(couch.COUCHDB_URL, couch.COUCHDB_DB_PREFIX).catch(() => undefined);
    },
    pid: () => (alive(child) ? child.pid : undefined),
    killNow: () => {
      if (alive(child)) child.kill('SIGKILL');
    },
  };
}

/** Wait for a (killed) server process to be gone. */
export async function exited(server: RunningServer, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (server.pid() !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
