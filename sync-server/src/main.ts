/** Entry point: read the environment, start, listen; stop cleanly on SIGINT/SIGTERM. */
import pino from 'pino';
import { createServer } from './app';
import { AuditSink } from './audit/sink';
import { configFromEnv } from './config';
import { DEMO_ACCOUNTS } from './demo/seed';

const config = configFromEnv();
// Log lines go to stdout as JSON; those with an `audit` field are also kept in the store (lxe-audit).
const audit = new AuditSink();
// The logger itself runs at info at least, so audit entries are kept even when stdout shows only warnings.
const stdoutLevel = config.logLevel as pino.Level;
const loggerLevel = pino.levels.values[stdoutLevel] !== undefined && pino.levels.values[stdoutLevel] < pino.levels.values.info! ? stdoutLevel : 'info';
const log = pino({ level: loggerLevel }, pino.multistream([{ stream: process.stdout, level: stdoutLevel }, { stream: audit.stream, level: 'info' }]));

try {
  const server = await createServer(config, log);
  await audit.attach(server.store);
  const http = server.app.listen(config.port, config.host, () => {
    const url = `http://${config.host}:${config.port}`;
    log.info({ url, store: server.storeKind, demo: config.demo }, 'listening');
    const lines = [`\n  楼小二 Station is running at ${url}`, `  store: ${server.storeKind}${config.couchdbUrl ? '' : ` (${config.dataDir})`}`];
    if (config.demo) {
      lines.push('  demo accounts (password "demo"):');
      for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.username.padEnd(10)} ${a.role.padEnd(10)} ${a.stationId ?? a.uscc ?? ''}`);
    }
    process.stdout.write(lines.join('\n') + '\n\n');
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
    http.close(() => void audit.close().then(() => server.close()).then(() => process.exit(0)));
    http.closeIdleConnections();
    setTimeout(() => {
      http.closeAllConnections();
    }, 5_000).unref();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (e) {
  log.fatal({ err: e }, (e as Error).message);
  process.stderr.write(`\nsync-server could not start: ${(e as Error).message}\n`);
  process.exit(1);
}
