/** All configuration comes from environment variables (listed in the README); defaults suit `npm start`. */
import path from 'node:path';
import { DEFAULT_PURGE_AFTER_DAYS, MAX_PURGE_AFTER_DAYS } from '../../src/domain/purge';
import { DEFAULT_SLOW_BODY_LIMITS, type SlowBodyLimits } from './slow-body';
import { DEMO_CATALOGS, type DemoCatalog } from './demo/seed';

export interface Config {
  port: number;
  host: string;
  /** Real CouchDB 3.x (credentials in the URL); undefined = embedded store under dataDir. */
  couchdbUrl: string | undefined;
  /** Prefix of every database name in that CouchDB (several deployments or test runs on one server). */
  couchdbPrefix: string;
  dataDir: string;
  /** Sync-server processes serving one port (`WORKERS`, default 1): see main.ts. */
  workers: number;
  /** Set by the primary for its workers: the store is already prepared (databases, indexes, demo data). */
  storePrepared: boolean;
  /** Set by the primary for its workers: COUCHDB_URL is the primary's embedded store. */
  sharedEmbeddedStore: boolean;
  demo: boolean;
  /** Which demo catalog `demo` seeds (`DEMO_CATALOG`): the district-size one, or only the hand-written matters. */
  demoCatalog: DemoCatalog;
  /** Built app to serve; undefined = API only (tests). */
  staticDir: string | undefined;
  sessionTtlMs: number;
  maxBlobBytes: number;
  maxSyncBodyBytes: number;
  logLevel: string;
  /**
   * Reverse proxies in front of the server (0 = none). The client address is the entry of X-Forwarded-For
   * that many hops from the right: the left-most entries are whatever the client sent.
   */
  trustProxy: number;
  /** Days after the hall's decision that station devices keep a submission's personal fields (0 = at once). */
  purgeAfterDays: number;
  /** The floor on a request body's progress (slow-body guard); tests shorten the window. */
  slowBody: SlowBodyLimits;
  /** Bearer token Prometheus scrapes `/metrics` with (unset: only a signed-in admin may read them). */
  metricsToken: string | undefined;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function days(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n > MAX_PURGE_AFTER_DAYS) throw new Error(`${name} must be a whole number of days from 0 to ${MAX_PURGE_AFTER_DAYS}, got "${value}"`);
  return n;
}

function hops(value: string | undefined, name: string): number {
  if (value === undefined || value.trim() === '') return 0;
  if (!/^\d+$/.test(value.trim()) || Number(value) > 10) throw new Error(`${name} must be the number of reverse proxies in front of the server (0 to 10), got "${value}"`);
  return Number(value);
}

function demoCatalog(value: string | undefined, name: string): DemoCatalog {
  if (value === undefined || value.trim() === '') return 'district';
  const choice = DEMO_CATALOGS.find((c) => c === value.trim());
  if (!choice) throw new Error(`${name} must be one of ${DEMO_CATALOGS.join(', ')}, got "${value}"`);
  return choice;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Config {
  return {
    port: int(env.PORT, 8080, 'PORT'),
    host: env.HOST ?? '127.0.0.1',
    couchdbUrl: env.COUCHDB_URL || undefined,
    couchdbPrefix: env.COUCHDB_DB_PREFIX ?? '',
    dataDir: path.resolve(root, env.DATA_DIR ?? 'data'),
    workers: int(env.WORKERS, 1, 'WORKERS'),
    storePrepared: env.LXE_STORE_PREPARED === '1',
    sharedEmbeddedStore: env.LXE_SHARED_EMBEDDED_STORE === '1',
    demo: env.DEMO !== '0',
    demoCatalog: demoCatalog(env.DEMO_CATALOG, 'DEMO_CATALOG'),
    staticDir: env.STATIC_DIR === '' ? undefined : path.resolve(root, env.STATIC_DIR ?? 'dist'),
    sessionTtlMs: int(env.SESSION_TTL_MINUTES, 12 * 60, 'SESSION_TTL_MINUTES') * 60_000,
    maxBlobBytes: int(env.MAX_BLOB_BYTES, 10 * 1024 * 1024, 'MAX_BLOB_BYTES'),
    maxSyncBodyBytes: int(env.MAX_SYNC_BODY_BYTES, 4 * 1024 * 1024, 'MAX_SYNC_BODY_BYTES'),
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: hops(env.TRUST_PROXY, 'TRUST_PROXY'),
    purgeAfterDays: days(env.LXE_PURGE_AFTER_DAYS, DEFAULT_PURGE_AFTER_DAYS, 'LXE_PURGE_AFTER_DAYS'),
    slowBody: DEFAULT_SLOW_BODY_LIMITS,
    metricsToken: env.METRICS_TOKEN || undefined,
  };
}
