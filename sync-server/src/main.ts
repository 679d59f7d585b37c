/**
 * Entry point: read the environment, start, listen; stop cleanly on SIGINT/SIGTERM.
 * `WORKERS=N` (N > 1) runs N processes serving one port (Node's cluster module hands them connections in turn):
 * this primary prepares the store once (and runs the embedded store, when no COUCHDB_URL is given, handing its
 * URL to the workers), starts the workers, and starts a new one when one dies. Everything a worker does that must
 * happen once is made exactly-once by the store (fixed event ids, shared counters, conflict checks), not here.
 */
import cluster from 'node:cluster';
import pino from 'pino';
import { createServer, prepareStore } from './app';
import { configFromEnv } from './config';
import { DEMO_ACCOUNTS } from './demo/seed';
import { CouchClient } from './store/couch';
import { startEmbeddedStore } from './store/embedded';

const config = configFromEnv();

/** A failed start: logged, said in one plain line, exit 1. */
function couldNotStart(log: pino.Logger, e: unknown): never {
  log.fatal({ err: e }, (e as Error).message);
  process.stderr.write(`\nsync-server could not start: ${(e as Error).message}\n`);
  process.exit(1);
}

function banner(url: string, storeKind: string): void {
  const lines = [`\n  楼小二 Station is running at ${url}`, `  store: ${storeKind}${config.couchdbUrl ? '' : ` (${config.dataDir})`}${config.workers > 1 ? `, ${config.workers} server processes` : ''}`];
  if (config.demo) {
    lines.push('  demo accounts (password "demo"):');
    for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.username.padEnd(10)} ${a.role.padEnd(10)} ${a.stationId ?? a.uscc ?? ''}`);
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

if (config.workers > 1 && cluster.isPrimary) {
  const log = pino({ level: config.logLevel });
  try {
    const embedded = config.couchdbUrl ? undefined : await startEmbeddedStore(config.dataDir);
    const url = config.couchdbUrl ?? embedded!.url;
    await prepareStore(new CouchClient(url, { prefix: config.couchdbUrl ? config.couchdbPrefix : '' }), config, log);
    const env = { COUCHDB_URL: url, LXE_STORE_PREPARED: '1', ...(embedded ? { LXE_SHARED_EMBEDDED_STORE: '1' } : {}) };
    let stopping = false;
    let listening = 0;
    const fork = (): void => {
      const worker = cluster.fork(env);
      worker.on('listening', () => {
        if (++listening === config.workers) banner(`http://${config.host}:${config.port}`, embedded ? 'embedded' : 'couchdb');
      });
    };
    for (let i = 0; i < config.workers; i++) fork();
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      log.warn({ pid: worker.process.pid, code, signal }, 'a server process ended; starting another');
      fork();
    });
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down the server processes');
      const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
      let left = workers.length;
      const done = (): void => void (embedded?.close() ?? Promise.resolve()).then(() => process.exit(0));
      if (!left) done();
      for (const w of workers) {
        w.once('exit', () => --left === 0 && done());
        w.process.kill('SIGTERM');
      }
      setTimeout(() => process.exit(1), 15_000).unref();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  } catch (e) {
    couldNotStart(log, e);
  }
} else {
  await serve();
}

async function serve(): Promise<void> {
  // Log lines go to stdout as JSON; the server keeps its audit trail in the store (lxe-audit) itself.
  const log = pino({ level: config.logLevel });

  try {
    const server = await createServer(config, log);
    const http = server.app.listen(config.port, config.host, () => {
      const url = `http://${config.host}:${config.port}`;
      log.info({ url, store: server.storeKind, demo: config.demo, pid: process.pid }, 'listening');
      if (cluster.isPrimary) banner(url, server.storeKind);
    });
    http.on('error', (e) => {
      log.fatal({ err: e }, `cannot listen on ${config.host}:${config.port}`);
      process.exit(1);
    });
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down: finishing in-flight requests');
      http.close(() => void server.close().then(() => process.exit(0)));
      http.closeIdleConnections();
      setTimeout(() => {
        http.closeAllConnections();
      }, 5_000).unref();
      setTimeout(() => process.exit(1), 10_000).unref();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  } catch (e) {
    couldNotStart(log, e);
  }
}
