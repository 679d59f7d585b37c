// The real-CouchDB lane's store. `LXE_TEST_COUCHDB` is either the URL of a CouchDB 3.x with admin credentials
// in it (used as it is), or the folder of a CouchDB kit with `start-couchdb.sh` / `start-couchdb-cluster.sh`
// (a node or a cluster is started from it on free loopback ports and stopped by PID afterwards).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ADMIN = 'admin:admin';

/** A free loopback port, and `count - 1` free ones after it. */
export async function freePorts(count = 1) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    const ok = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (ok.every(Boolean)) return base;
  }
  throw new Error('no free loopback ports');
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** What LXE_TEST_COUCHDB says: `{ url }`, `{ kit }`, or `{ none: reason }`. */
export function laneTarget(value = process.env.LXE_TEST_COUCHDB) {
  if (!value) return { none: 'LXE_TEST_COUCHDB is not set (a CouchDB URL with admin credentials, or a CouchDB kit folder)' };
  if (/^https?:\/\//.test(value)) return { url: value };
  const kit = path.resolve(value);
  if (!existsSync(path.join(kit, 'start-couchdb.sh'))) return { none: `LXE_TEST_COUCHDB=${value} is neither a URL nor a CouchDB kit folder (no start-couchdb.sh there)` };
  return { kit };
}

const release = (kit) => process.env.COUCHDB_RELEASE ?? path.join(kit, 'couchdb-3.5.0-linux-x64.tar.gz');

/** Start one node from a kit: `{ url, stop() }`. */
export async function startNode(kit) {
  const port = await freePorts(1);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lxe-couchdb-'));
  const pid = execFileSync('sh', [path.join(kit, 'start-couchdb.sh'), release(kit), String(port), dataDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: quietEnv() }).trim();
  return {
    url: `http://${ADMIN}@127.0.0.1:${port}`,
    pid: Number(pid),
    dataDir,
    stop() {
      try {
        execFileSync('sh', [path.join(kit, 'stop-couchdb.sh'), pid], { stdio: 'ignore' });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Start an N-node cluster from a kit: `{ urls, pids, stop(), kill(i), restart() }`. */
export async function startCluster(kit, nodes = 3) {
  const base = await freePorts(nodes);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lxe-couchdb-cluster-'));
  const start = () =>
    execFileSync('sh', [path.join(kit, 'start-couchdb-cluster.sh'), String(base), dataDir, String(nodes)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...quietEnv(), COUCHDB_RELEASE: release(kit) } })
      .trim()
      .split('\n')
      .map(Number);
  let pids = start();
  return {
    urls: pids.map((_, i) => `http://${ADMIN}@127.0.0.1:${base + i}`),
    get pids() {
      return pids;
    },
    dataDir,
    /** `kill -9` node i (0-based), by the PID the kit printed. */
    kill(i) {
      process.kill(pids[i], 'SIGKILL');
    },
    /** Start the nodes that are down again (the kit restarts only those). */
    restart() {
      pids = start();
      return pids;
    },
    stop() {
      try {
        execFileSync('sh', [path.join(kit, 'stop-couchdb-cluster.sh'), dataDir], { stdio: 'ignore' });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Per-request log lines off: they cost the node CPU that the tests need. */
function quietEnv() {
  return { ...process.env, COUCHDB_EXTRA_INI: [process.env.COUCHDB_EXTRA_INI, path.join(import.meta.dirname, 'couchdb-quiet.ini')].filter(Boolean).join(' ') };
}
