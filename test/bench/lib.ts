/**
 * Bench helpers: the real sync-server in-process on a loopback port (fresh embedded store, demo data, the built
 * app), figures, percentiles and bounded waiting. Every figure is a ratio against a baseline measured in the
 * same run; `target` is the budget the value must meet (null = reported, no budget).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import type * as CouchKit from '../../scripts/couchdb.mjs';
import type { Page } from 'playwright-core';
import { createServer, type Server } from '../../sync-server/src/app';
import { configFromEnv, type Config } from '../../sync-server/src/config';
import { call, sessionCookieFrom } from '../../sync-server/src/test-support';

/** The intake's matter picker holds the demo catalog: the station screen is usable. */
export const CATALOG_READY = '#matter option[value="licence-reissue"]';

/** Sign in as the demo station online and wait until the intake screen has the catalog. */
export async function signInStation(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.locator('#username').fill('station');
  await page.locator('#password').fill('demo');
  await page.locator('form button[type=submit]').click();
  await page.waitForURL('**/intake', { timeout: 30_000 });
  await page.locator(CATALOG_READY).waitFor({ state: 'attached', timeout: 30_000 });
}

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DIST = path.join(ROOT, 'dist');

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  /** Budget for `value` (≤ unless `targetKind` says ratio); null: reported without a budget. */
  target: number | null;
  met: boolean;
  /** What the budget applies to: the absolute value (default) or the ratio. */
  targetOn?: 'value' | 'ratio';
  /** The budget is a floor (≥ target), not a ceiling. */
  atLeast?: boolean;
  notes?: string;
}

/** A figure whose budget is on `value` or on the ratio: ≤ target, or ≥ target with `atLeast`. */
export function figure(f: { name: string; value: number; unit: string; baseline: number; target: number | null; targetOn?: 'value' | 'ratio'; atLeast?: boolean; notes?: string }): Figure {
  const ratio = f.baseline > 0 ? round(f.value / f.baseline, 3) : 0;
  const on = f.targetOn ?? 'value';
  const checked = on === 'ratio' ? ratio : f.value;
  const met = f.target === null ? true : Number.isFinite(checked) && (f.atLeast ? checked >= f.target : checked <= f.target);
  return { name: f.name, value: round(f.value, 2), unit: f.unit, baseline: round(f.baseline, 2), ratio, target: f.target, met, ...(f.target !== null ? { targetOn: on } : {}), ...(f.atLeast ? { atLeast: true } : {}), ...(f.notes ? { notes: f.notes } : {}) };
}

/** A section that could not run: a missed figure that says why. */
export function failedFigure(name: string, target: number | null, error: unknown): Figure {
  return { name, value: Number.NaN, unit: '', baseline: Number.NaN, ratio: Number.NaN, target, met: false, notes: `did not complete: ${(error as Error)?.message ?? String(error)}`.slice(0, 500) };
}

export const round = (n: number, digits = 2): number => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export const median = (values: number[]): number => percentile(values, 50);

/** Run `work` over `items`, at most `limit` at a time. */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` until it returns a value, or throw after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Reject after `ms` with a message naming `what`. */
export async function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took over ${Math.round(ms / 1000)} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export const log = (message: string): void => void process.stdout.write(`  ${new Date().toISOString().slice(11, 19)} ${message}\n`);

export interface BenchServer {
  url: string;
  server: Server;
  http: HttpServer;
  dataDir: string;
  signIn(username: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/** The real server in this process: fresh embedded store under a temp dir, demo data, `dist/` served. */
export async function startBenchServer(overrides: Partial<Config> = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lxe-bench-'));
  const config: Config = { ...configFromEnv({}, ROOT), dataDir, demo: true, staticDir: DIST, logLevel: 'silent', ...overrides };
  const server = await createServer(config, pino({ level: 'silent' }));
  const http: HttpServer = await new Promise((resolve, reject) => {
    const s = server.app.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  // Many devices keep long-polls open: do not let Node's defaults cut them or cap them.
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('bench server has no port');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    server,
    http,
    dataDir,
    async signIn(username, password = 'demo') {
      const reply = await call(url, 'POST', '/api/session', { body: { username, password } });
      const cookie = sessionCookieFrom(reply.headers);
      if (reply.status !== 200 || !cookie) throw new Error(`sign-in as ${username} failed: ${reply.status} ${reply.text}`);
      return cookie;
    },
    async close() {
      await new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      });
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The stores a figure runs on
// ---------------------------------------------------------------------------------------------------------

/** Where a section's server keeps its data: the embedded store, or a real CouchDB node (its own db prefix). */
export interface BenchStore {
  kind: 'embedded' | 'couchdb';
  /** For figure names: "embedded" or "CouchDB". */
  label: string;
  /** Config for `startBenchServer` (nothing for the embedded store). */
  overrides: Partial<Config>;
}

let couchNode: Promise<{ url: string; stop(): void } | null> | undefined;

/**
 * The stores each figure is measured on: always the embedded store, and a real CouchDB when one is configured
 * (LXE_TEST_COUCHDB: a URL, or a kit folder from which one node is started, once for the whole run).
 * BENCH_STORES=embedded (or couchdb) narrows it. Every call hands out a fresh database prefix, so sections and
 * runs never see each other's data on the shared CouchDB.
 */
export async function benchStores(): Promise<BenchStore[]> {
  const wanted = (process.env.BENCH_STORES ?? 'embedded,couchdb').split(',').map((s) => s.trim());
  const out: BenchStore[] = wanted.includes('embedded') ? [{ kind: 'embedded', label: 'embedded', overrides: {} }] : [];
  if (!wanted.includes('couchdb')) return out;
  couchNode ??= (async () => {
    const couch = (await import(pathToFileURL(path.join(ROOT, 'scripts/couchdb.mjs')).href)) as typeof CouchKit;
    const target = couch.laneTarget();
    if (target.none) {
      log(`stores: no CouchDB (${target.none}); figures run on the embedded store only`);
      return null;
    }
    if (target.url) return { url: target.url, stop: () => undefined };
    process.env.ERL_FLAGS ??= '+sbwt none +sbwtdcpu none +sbwtdio none';
    const node = await couch.startNode(target.kit!);
    log(`stores: CouchDB node started from the kit (PID ${node.pid})`);
    return node;
  })();
  const node = await couchNode;
  if (node) out.push({ kind: 'couchdb', label: 'CouchDB', overrides: { couchdbUrl: node.url, couchdbPrefix: `bench${Math.random().toString(36).slice(2, 8)}-` } });
  return out;
}

/** Stop the CouchDB node `benchStores` started (the run calls it once at the end). */
export async function stopBenchStores(): Promise<void> {
  const node = await couchNode;
  couchNode = undefined;
  node?.stop();
}
