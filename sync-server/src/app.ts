/**
 * Wires the sync-server: one origin serves the built app, the API and sync, so cookies and the
 * service worker need no CORS. `createServer` sets up the store and returns an Express app that tests can
 * call without listening; `main.ts` only reads the environment and listens.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import pino, { type Logger } from 'pino';
import { ACCOUNTS_DB, listStations, STATIONS_DB } from './auth/accounts';
import { sessionMiddleware, sessionRoutes } from './auth/routes';
import { LIMITS_DB } from './auth/rate-limit';
import { SessionStore, SESSIONS_DB } from './auth/sessions';
import { BLOBS_DB } from './blobs/blob-store';
import { blobRoutes } from './blobs/routes';
import { AuditSink } from './audit/sink';
import { view } from './bytes';
import type { Config } from './config';
import { seedDemo } from './demo/seed';
import { slowBodyGuard } from './slow-body';
import { Metrics } from './metrics/metrics';
import { syncProxy } from './proxy/sync-proxy';
import { QueueFeeder } from './queue/feeder';
import { dashboard, setUpQueue } from './queue/projection';
import { adminRoutes } from './admin/routes';
import { catalogRoutes } from './catalog/routes';
import { CATALOG_HISTORY_DB } from './catalog/service';
import { CatalogData } from './calendar/catalog-data';
import { calendarRoutes, departmentRoutes } from './calendar/routes';
import { deviceAdminRoutes, deviceRoutes, DEVICES_DB } from './devices/devices';
import { queueRoutes } from './queue/routes';
import { CouchClient, StoreError } from './store/couch';
import { startEmbeddedStore } from './store/embedded';
import { bookingRoutes, setUpBookings } from './enterprise/bookings';
import { enterpriseRoutes } from './enterprise/enterprise';
import { trackRoutes } from './enterprise/track';

/**
 * The app's Content-Security-Policy. Scripts only from this origin (the built app has no inline script and no
 * eval; zod falls back from its `new Function` fast path by itself); inline styles stay allowed because Vue's
 * `:style` bindings and chart.js set them; scans are shown from blob:/data: URLs and PDFs in a same-origin frame;
 * the image worker and the service worker come from this origin or blob:. Nobody may frame the app.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "media-src 'self' blob:",
  "frame-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** /readyz says not ready while the hall queue is this far behind the stations' databases. */
export const READY_MAX_FEEDER_LAG_S = 60;

/** Compare secrets in constant time (the scrape token). */
function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(view(a), view(b));
}

export interface Server {
  app: express.Express;
  store: CouchClient;
  /** The store's URL with its credentials (another server process may be pointed at it). */
  storeUrl: string;
  storeKind: 'embedded' | 'couchdb';
  feeder: QueueFeeder;
  log: Logger;
  /** Where `audit(event)` entries are kept (flush it to read them back). */
  auditSink: AuditSink;
  close(): Promise<void>;
}

/** Check the store answers and the credentials work; a clear message instead of a stack trace. */
async function connect(store: CouchClient, kind: string): Promise<void> {
  try {
    await store.json('GET', '/_all_dbs');
  } catch (e) {
    if (e instanceof StoreError && (e.status === 401 || e.status === 403)) {
      throw new Error(`${kind} store at ${store.base} refused the credentials (${e.status}); check the user and password in COUCHDB_URL`, { cause: e });
    }
    throw new Error(`${kind} store at ${store.base} is unreachable: ${(e as Error).message}`, { cause: e });
  }
}

/** Databases, indexes and (with `demo`) the demo data: once per store, before any process serves. */
export async function prepareStore(store: CouchClient, config: Pick<Config, 'demo' | 'demoCatalog'>, log: Logger): Promise<void> {
  for (const db of [ACCOUNTS_DB, STATIONS_DB, SESSIONS_DB, BLOBS_DB, LIMITS_DB, DEVICES_DB, 'catalog', CATALOG_HISTORY_DB]) await store.ensureDb(db);
  await setUpQueue(store);
  await setUpBookings(store);
  if (config.demo) await seedDemo(store, log, config.demoCatalog);
}

export async function createServer(config: Config, log: Logger = pino({ level: config.logLevel }), options: { auditSink?: AuditSink } = {}): Promise<Server> {
  const embedded = config.couchdbUrl ? undefined : await startEmbeddedStore(config.dataDir);
  const store = new CouchClient(config.couchdbUrl ?? embedded!.url, { prefix: config.couchdbUrl ? config.couchdbPrefix : '' });
  // A worker of `WORKERS=N` is handed the primary's embedded store by URL: it still is the embedded store.
  const storeKind = embedded || config.sharedEmbeddedStore ? 'embedded' : 'couchdb';
  await connect(store, storeKind);
  if (!config.storePrepared) await prepareStore(store, config, log);

  // The audit trail goes to `lxe-audit` in this store unless the caller brings its own sink.
  const auditSink = options.auditSink ?? new AuditSink();
  await auditSink.attach(store);
  const audit = auditSink.auditTo(log);
  // The hall's calendar first: the feeder's first projections compute due dates with it.
  const catalogData = new CatalogData(store, log);
  await catalogData.start();
  const feeder = new QueueFeeder(store, log, { audit });
  const stations = await listStations(store);
  for (const station of stations) await store.ensureDb(`station-${station.id}`);
  await feeder.start(stations.map((s) => s.id));
  const sessions = new SessionStore(store, config.sessionTtlMs);
  sessions.follow(log);

  const app = express();
  app.disable('x-powered-by');
  // A hop count, never `true`: Express then takes the address the nearest trusted proxy appended, not the
  // left-most X-Forwarded-For entry, which the client writes (and would choose its rate-limit key and audit address).
  app.set('trust proxy', config.trustProxy > 0 ? config.trustProxy : false);
  app.use((_req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
    next();
  });
  app.use(slowBodyGuard(config.slowBody));
  const metrics = new Metrics({
    queue: async () => {
      const d = await dashboard(store);
      return { byState: d.byState, overdue: d.overdue };
    },
    feederLagSeconds: () => feeder.lagSeconds(),
  });
  store.observe = metrics.storeRequest;
  app.use(metrics.middleware());

  app.get('/healthz', async (_req, res) => {
    try {
      await store.json('GET', '/');
      res.json({ ok: true, store: storeKind });
    } catch {
      res.status(503).json({ ok: false, store: storeKind, reason: 'store unreachable' });
    }
  });

  // Ready to take traffic: the store answers and the hall queue is not behind (liveness stays /healthz).
  app.get('/readyz', async (_req, res) => {
    const lag = feeder.lagSeconds();
    const storeOk = await store.json('GET', '/').then(
      () => true,
      () => false,
    );
    const ready = storeOk && lag < READY_MAX_FEEDER_LAG_S;
    res.status(ready ? 200 : 503).json({ ready, store: storeOk ? 'reachable' : 'unreachable', feederLagSeconds: Math.round(lag * 10) / 10 });
  });

  const withSession = sessionMiddleware(sessions);
  // Scraped by Prometheus with METRICS_TOKEN as a bearer token, or read by a signed-in admin; nobody else.
  app.get('/metrics', withSession, async (req, res, next) => {
    try {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const byToken = config.metricsToken !== undefined && bearer !== undefined && safeEqual(bearer, config.metricsToken);
      if (!byToken && req.session?.role !== 'admin') {
        return void res.status(req.session ? 403 : 401).json({ error: req.session ? 'forbidden' : 'unauthorized', reason: 'metrics need an admin session or the scrape token (METRICS_TOKEN)' });
      }
      res.setHeader('content-type', metrics.registry.contentType);
      res.setHeader('cache-control', 'no-store');
      res.end(await metrics.registry.metrics());
    } catch (e) {
      next(e);
    }
  });
  app.use('/api/session', withSession, sessionRoutes(store, sessions, config.sessionTtlMs, audit, { purgeAfterDays: config.purgeAfterDays }));
  app.use('/api/blobs', withSession, blobRoutes(store, audit, config.maxBlobBytes, (sha) => void feeder.blobStored(sha).catch((e: unknown) => log.error({ err: e }, 'blobStored'))));
  app.use('/api/hall', withSession, queueRoutes(store, feeder, audit, catalogData));
  app.use('/api/track', trackRoutes(store, feeder));
  app.use('/api/enterprise', withSession, enterpriseRoutes(store, feeder, audit));
  app.use('/api/devices', withSession, deviceRoutes(store, audit));
  app.use('/api/admin/devices', withSession, deviceAdminRoutes(store, audit, (ids) => sessions.evict(ids)));
  // Before /api/admin: hall officers with the catalog permission come here, and the admin router takes admins only.
  app.use('/api/admin/catalog', withSession, catalogRoutes(store, audit));
  app.use('/api/admin/calendar', withSession, calendarRoutes(store, catalogData, audit, () => feeder.reprojectRunning()));
  app.use('/api/admin/departments', withSession, departmentRoutes(store, catalogData, audit));
  app.use('/api/admin', withSession, adminRoutes(store, log, audit, (id) => feeder.follow(id), (ids) => sessions.evict(ids)));
  app.use('/api', withSession, bookingRoutes(store, audit));
  app.use('/api', (_req, res) => void res.status(404).json({ error: 'not_found', reason: 'no such API' }));
  app.use('/sync', withSession, syncProxy(store, log, audit, config.maxSyncBodyBytes, (db) => {
    if (db.startsWith('station-')) void feeder.touched(db.slice('station-'.length));
  }));

  if (config.staticDir && existsSync(path.join(config.staticDir, 'index.html'))) {
    const dir = config.staticDir;
    app.use((req, res, next) => {
      res.setHeader('content-security-policy', APP_CSP);
      res.setHeader('x-frame-options', 'DENY');
      // Source maps stay on the build machine: served, they hand out the whole source with its comments.
      if (/\.map$/i.test(req.path)) return void res.status(404).json({ error: 'not_found', reason: 'no such file' });
      next();
    });
    app.use(
      express.static(dir, {
        index: false,
        setHeaders(res, file) {
          // Hashed assets never change; the shell and the service worker must be revalidated every time.
          if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
          else res.setHeader('cache-control', 'no-cache');
        },
      }),
    );
    app.get('*', (_req, res) => {
      res.setHeader('cache-control', 'no-cache');
      res.sendFile(path.join(dir, 'index.html'));
    });
  }

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      res.status(status).json({ error: 'bad_request', reason: (err as Error).message });
      return;
    }
    log.error({ err, url: req.originalUrl, method: req.method }, 'request failed');
    if (res.headersSent) return void res.destroy();
    res.status(err instanceof StoreError || (err as { cause?: unknown }).cause ? 503 : 500).json({ error: 'internal', reason: 'the server could not complete this request; nothing was stored, try again' });
  });

  return {
    app,
    store,
    storeUrl: config.couchdbUrl ?? embedded!.url,
    storeKind,
    feeder,
    log,
    auditSink,
    async close() {
      // A graceful stop is bounded: a projection still in flight after 10 s is abandoned (it is idempotent and the
      // feeder's checkpoints make the next start do it again), so a stop can never hang on one.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 10_000)));
      if ((await Promise.race([feeder.stop().then(() => 'stopped' as const), late])) === 'late') log.warn('queue feeder: still stopping after 10 s; abandoned');
      clearTimeout(timer);
      await catalogData.stop();
      await auditSink.close();
      await sessions.stop();
      await embedded?.close();
    },
  };
}
