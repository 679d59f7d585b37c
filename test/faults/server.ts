/**
 * The real sync-server as a child process that *is* the server. `test/e2e/support/server.ts` starts it through
 * the tsx CLI, which runs the server in a grandchild process: a SIGKILL there kills only the wrapper and leaves
 * the server running (and holding the port). The fault suite must really `kill -9` the server, so it starts
 * Node with tsx's loader directly and signals that process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, ROOT, type RunningServer } from '../e2e/support/server';

export interface FaultServer extends RunningServer {
  /** Process id of the running server (the one `stop` signals). */
  pid(): number | undefined;
  /** SIGKILL without waiting: for kills that must land within the same tick as the event that triggers them. */
  killNow(): void;
}

export async function startFaultServer(env: Record<string, string> = {}): Promise<FaultServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lxe-faults-'));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let log = '';

  async function launch(): Promise<void> {
    const tsx = path.join(ROOT, 'node_modules/tsx/dist');
    child = spawn(process.execPath, ['--require', path.join(tsx, 'preflight.cjs'), '--import', pathToFileURL(path.join(tsx, 'loader.mjs')).href, 'sync-server/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, STATIC_DIR: 'dist', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const c = child;
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

  const alive = (c: ChildProcess | undefined): c is ChildProcess => !!c && c.exitCode === null && c.signalCode === null;

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
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
    pid: () => (alive(child) ? child.pid : undefined),
    killNow: () => {
      if (alive(child)) child.kill('SIGKILL');
    },
  };
}

/** Wait for the (killed) server process to be gone. */
export async function exited(server: FaultServer, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (server.pid() !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
