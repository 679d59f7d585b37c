/**
 * sync: a station device (headless Chromium running the built app) with a backlog of N submissions × 5 pages
 * of ~300 KB syncs everything; baseline: the same number of documents and pages of the same sizes sent by a
 * plain Node client through raw `_bulk_docs` (via the `/sync/` proxy) and raw `PUT /api/blobs`, one page at a
 * time like the device, against the same server and store, in the same run (another station's database,
 * because the store is content-addressed and create-only: the same bytes twice would not be stored twice).
 *
 * The backlog is written into the device's own stores with the app's storage modules (see device-seed.ts),
 * from a page of the origin that does not run the app; then the app starts offline, and the clock starts when
 * the network comes back. "Done" = every document and every page is on the server (the store's view, read
 * in-process: blob arrivals are hooked, documents polled cheaply). Also reported: time until the hall queue
 * has every submission as received, and the device page's peak JS heap during sync (CDP Runtime.getHeapUsage).
 */
import { createHash, randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import type { CDPSession, Page } from 'playwright-core';
import type { EventDoc, PageRef, SubmissionDoc } from '../../src/domain/documents';
import { makeEvent, makeSubmission, STATION, STATION2 } from '../../sync-server/src/test-support';
import { launchBrowser } from '../e2e/support/browser';
import type * as Seed from './device-seed';
import { benchStores, CATALOG_READY, figure, log, median, ROOT, round, signInStation, sleep, startBenchServer, until, type BenchServer, type BenchStore, type Figure } from './lib';

type SeedWindow = Window & { __benchSeed: typeof Seed };

export interface SyncOptions {
  submissions: number;
  pagesPer: number;
  /** Mean page size; sizes vary ±15 % around it. */
  pageBytes: number;
  /** Longest either run may take before the section gives up. */
  runTimeoutMs: number;
  /** Runs per store (the ratio figure is their median; each is reported). */
  runs: number;
  /** After the last run of each store: the device's footprint and a new device's first sync. */
  after?: boolean;
}

/** JPEG-shaped bytes of exactly `size` (SOI, JFIF APP0, noise, EOI), as the device seeds them. */
export function jpegLike(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(randomBytes(size));
  out.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00], 0);
  out[size - 2] = 0xff;
  out[size - 1] = 0xd9;
  return out;
}

export function buildDocs(stationId: string, createdBy: string, pages: PageRef[], pagesPer: number): (SubmissionDoc | EventDoc)[] {
  const docs: (SubmissionDoc | EventDoc)[] = [];
  for (let i = 0; i < pages.length; i += pagesPer) {
    const sub = { ...makeSubmission({ stationId, createdBy, pages: pages.slice(i, i + pagesPer) }), deviceId: 'bench-device-0001' };
    docs.push(sub, makeEvent(sub, { actor: createdBy }));
  }
  return docs;
}

interface Watch {
  blobs: Map<string, number>;
  received: Map<string, number>;
  stop(): void;
}

/** In-process observation of the server: when each page is stored, when each submission leaves `incomplete`. */
export function watchServer(bench: BenchServer): Watch {
  const feeder = bench.server.feeder;
  const blobs = new Map<string, number>();
  const received = new Map<string, number>();
  const original = feeder.blobStored.bind(feeder);
  feeder.blobStored = (sha256: string) => {
    if (!blobs.has(sha256)) blobs.set(sha256, performance.now());
    return original(sha256);
  };
  const off = feeder.onChange((item) => {
    if (item.state !== 'incomplete' && !received.has(item.submissionId)) received.set(item.submissionId, performance.now());
  });
  return {
    blobs,
    received,
    stop() {
      off();
      feeder.blobStored = original;
    },
  };
}

async function docsPresent(bench: BenchServer, db: string, ids: string[]): Promise<number> {
  const { rows } = await bench.server.store.allDocs<unknown>(db, { keys: ids });
  return rows.filter((r) => r.value && !r.value.deleted).length;
}

/** Raw client: `_bulk_docs` in batches of 100 (PouchDB's batch size), then every page, one PUT at a time. */
async function rawSync(bench: BenchServer, opts: SyncOptions, sizes: number[], watch: Watch): Promise<{ ms: number; receivedMs: number }> {
  const cookie = await bench.signIn('station2');
  const files = sizes.map(jpegLike);
  const pages: PageRef[] = files.map((f) => ({ sha256: createHash('sha256').update(f).digest('hex'), bytes: f.length, type: 'image/jpeg' }));
  const docs = buildDocs(STATION2, 'station2', pages, opts.pagesPer);
  const subIds = docs.filter((d) => d.type === 'submission').map((d) => d._id);
  const deadline = AbortSignal.timeout(opts.runTimeoutMs);
  const started = performance.now();
  for (let i = 0; i < docs.length; i += 100) {
    const res = await fetch(`${bench.url}/sync/station-${STATION2}/_bulk_docs`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ docs: docs.slice(i, i + 100) }),
      signal: deadline,
    });
    const out = (await res.json()) as { error?: string }[];
    if (res.status !== 201 || out.some((r) => r.error)) throw new Error(`raw _bulk_docs: ${res.status} ${JSON.stringify(out).slice(0, 200)}`);
  }
  for (const [i, file] of files.entries()) {
    const res = await fetch(`${bench.url}/api/blobs/${pages[i]!.sha256}`, { method: 'PUT', headers: { cookie, 'content-type': 'image/jpeg' }, body: file, signal: deadline });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`raw PUT /api/blobs: ${res.status}`);
  }
  const ms = performance.now() - started;
  await until('raw run: every submission received in the hall queue', async () => (subIds.every((id) => watch.received.has(id)) ? true : undefined), 120_000, 100);
  const receivedMs = Math.max(...subIds.map((id) => watch.received.get(id)!)) - started;
  return { ms, receivedMs };
}

async function heapSampler(cdp: CDPSession): Promise<{ peak(): number; stop(): Promise<void> }> {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const { usedSize } = await cdp.send('Runtime.getHeapUsage');
        peak = Math.max(peak, usedSize);
      } catch {
        return;
      }
      await sleep(250);
    }
  })();
  return {
    peak: () => peak,
    async stop() {
      running = false;
      await loop;
    },
  };
}


interface RunResult {
  deviceMs: number;
  rawMs: number;
  rawReceivedMs: number;
  deviceReceivedMs: number;
  docsMs: number;
  upToDateMs: number;
  peak: number;
  idleHeap: number;
  totalMb: number;
  pageErrors: string[];
  footprint?: Footprint;
  firstSync?: FirstSync;
}

interface Footprint {
  /** IndexedDB bytes (navigator.storage.estimate().usageDetails) and page heap after a GC: empty vs after sync. */
  empty: { idb: number; heap: number; usage: number };
  synced: { idb: number; heap: number; usage: number };
}

interface FirstSync {
  /** From 登录 to the intake's matter picker filled, and to every station document in the device's PouchDB. */
  intakeMs: number;
  completeMs: number;
  docs: number;
  /** The same documents (station database and catalog) fetched raw with `_all_docs?include_docs=true`. */
  rawMs: number;
}

export async function bundleSeed(): Promise<string> {
  const bundle = await build({
    entryPoints: [`${ROOT}/test/bench/device-seed.ts`],
    bundle: true,
    format: 'iife',
    globalName: '__benchSeed',
    platform: 'browser',
    target: 'es2022',
    write: false,
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  return bundle.outputFiles[0]!.text;
}

/** IndexedDB bytes and the page's JS heap after a full GC. */
async function measureFootprint(page: Page, cdp: CDPSession): Promise<{ idb: number; heap: number; usage: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  const est = await page.evaluate(async () => {
    const e = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: Record<string, number> };
    return { usage: e.usage ?? 0, idb: e.usageDetails?.indexedDB ?? Number.NaN };
  });
  return { heap, ...est };
}

/** Documents in the device's station PouchDB (read straight from IndexedDB, beside the app's own connection). */
const STATION_DOCS_PROBE = async (): Promise<number> => {
  const names = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('_pouch_station-'));
  let total = 0;
  for (const name of names) {
    total += await new Promise<number>((resolve) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => {
        const idb = open.result;
        if (!idb.objectStoreNames.contains('document-store')) {
          idb.close();
          return resolve(0);
        }
        const count = idb.transaction('document-store').objectStore('document-store').count();
        count.onsuccess = () => {
          idb.close();
          resolve(count.result);
        };
        count.onerror = () => {
          idb.close();
          resolve(0);
        };
      };
      open.onerror = () => resolve(0);
    });
  }
  return total;
};

/** A new station device (fresh profile) signs in online and pulls the catalog and its station's documents. */
async function firstSync(bench: BenchServer, browser: Awaited<ReturnType<typeof launchBrowser>>, timeoutMs: number): Promise<FirstSync> {
  // Baseline first: what the device has to fetch, raw, by a client with the same rights.
  const cookie = await bench.signIn('station');
  const rawStart = performance.now();
  let docs = 0;
  for (const db of [`station-${STATION}`, 'catalog']) {
    const res = await fetch(`${bench.url}/sync/${db}/_all_docs?include_docs=true`, { headers: { cookie, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json()) as { rows?: { id: string }[] };
    if (res.status !== 200 || !body.rows) throw new Error(`raw _all_docs ${db}: ${res.status}`);
    if (db !== 'catalog') docs = body.rows.filter((r) => !r.id.startsWith('_design/')).length;
  }
  const rawMs = performance.now() - rawStart;

  const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await page.goto(`${bench.url}/sign-in`);
    await page.locator('#username').fill('station');
    await page.locator('#password').fill('demo');
    const started = performance.now();
    await page.locator('form button[type=submit]').click();
    await page.locator(CATALOG_READY).waitFor({ state: 'attached', timeout: timeoutMs });
    const intakeMs = performance.now() - started;
    const held = await until('the new device to hold every station document', async () => {
      const n = await page.evaluate(STATION_DOCS_PROBE);
      return n >= docs ? n : undefined;
    }, timeoutMs, 250);
    const completeMs = performance.now() - started;
    log(`sync: first sync of a new device: intake usable ${round(intakeMs / 1000, 1)} s, ${held} documents after ${round(completeMs / 1000, 1)} s (raw ${round(rawMs / 1000, 2)} s)`);
    return { intakeMs, completeMs, docs, rawMs };
  } finally {
    await context.close();
  }
}

/** One run: a fresh server on `store`, the device's backlog, the raw baseline, then the device syncs. */
async function syncOnce(store: BenchStore, seedCode: string, opts: SyncOptions, after: boolean): Promise<RunResult> {
  const n = opts.submissions;
  const pageCount = n * opts.pagesPer;
  const sizes = Array.from({ length: pageCount }, () => Math.round(opts.pageBytes * (0.85 + Math.random() * 0.3)));
  const totalMb = sizes.reduce((a, b) => a + b, 0) / 1024 / 1024;
  const bench = await startBenchServer(store.overrides);
  const browser = await launchBrowser();
  const watch = watchServer(bench);
  try {
    const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, locale: 'zh-CN' });
    const page: Page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    // 1. Sign in online, wait for the catalog and the service worker (so the app can start offline later).
    await signInStation(page, bench.url);
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
    let empty: Footprint['empty'] | undefined;
    if (after) {
      await page.locator('[data-testid="sync-status"][data-state="idle"]').waitFor({ timeout: 60_000 });
      await sleep(1000);
      const cdp = await context.newCDPSession(page);
      empty = await measureFootprint(page, cdp);
      await cdp.detach();
    }

    // 2. The backlog, written into the device's stores from a page of the origin where the app is not running.
    await page.goto(`${bench.url}/healthz`);
    await page.addScriptTag({ content: seedCode });
    const seedStart = performance.now();
    const pages: PageRef[] = [];
    for (let i = 0; i < sizes.length; i += 25) {
      const chunk = sizes.slice(i, i + 25);
      pages.push(...(await page.evaluate(([station, s]) => (window as unknown as SeedWindow).__benchSeed.seedBlobs(station, s), [STATION, chunk] as const)));
    }
    const docs = buildDocs(STATION, 'station', pages, opts.pagesPer);
    const deviceIds = docs.map((d) => d._id);
    const deviceSubs = docs.filter((d) => d.type === 'submission').map((d) => d._id);
    for (let i = 0; i < docs.length; i += 100) {
      const chunk = docs.slice(i, i + 100);
      await page.evaluate(([station, d]) => (window as unknown as SeedWindow).__benchSeed.seedDocs(station, d), [STATION, chunk] as const);
    }
    const held = await page.evaluate((station) => (window as unknown as SeedWindow).__benchSeed.counts(station), STATION);
    await page.evaluate((station) => (window as unknown as SeedWindow).__benchSeed.close(station), STATION);
    if (held.pending < pageCount) throw new Error(`device holds ${held.pending} pending pages, expected ${pageCount}`);
    log(`sync (${store.label}): device backlog written (${n} submissions, ${pageCount} pages, ${round(totalMb)} MB) in ${round((performance.now() - seedStart) / 1000, 1)} s`);

    // 3. Baseline while the browser idles: the same amount of work from a raw Node client.
    const raw = await rawSync(bench, opts, sizes, watch);
    log(`sync (${store.label}): raw client ${round(raw.ms / 1000, 1)} s (all received ${round(raw.receivedMs / 1000, 1)} s)`);

    // 4. The app starts offline with the backlog; the clock starts when the network comes back.
    await context.setOffline(true);
    await page.goto(`${bench.url}/intake`);
    await page.locator(CATALOG_READY).waitFor({ state: 'attached', timeout: 30_000 });
    await sleep(1000);
    const cdp = await context.newCDPSession(page);
    const idleHeap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const heap = await heapSampler(cdp);
    const started = performance.now();
    await context.setOffline(false);
    let docsAt = 0;
    await until(
      'the device to sync every document and page',
      async () => {
        if (!docsAt && (await docsPresent(bench, `station-${STATION}`, deviceIds)) === deviceIds.length) docsAt = performance.now();
        return docsAt && pages.every((p) => watch.blobs.has(p.sha256)) ? true : undefined;
      },
      opts.runTimeoutMs,
      500,
    );
    const deviceMs = Math.max(docsAt, ...pages.map((p) => watch.blobs.get(p.sha256)!)) - started;
    await until('device run: every submission received in the hall queue', async () => (deviceSubs.every((id) => watch.received.has(id)) ? true : undefined), 180_000, 100);
    const deviceReceivedMs = Math.max(...deviceSubs.map((id) => watch.received.get(id)!)) - started;
    // The device learns of every receipt by replication and says it is up to date.
    let upToDateMs = Number.NaN;
    try {
      await page.getByTestId('sync-status').filter({ hasText: '已同步' }).waitFor({ timeout: 120_000 });
      upToDateMs = performance.now() - started;
    } catch {
      // reported as NaN
    }
    await heap.stop();
    const peak = heap.peak();
    log(`sync (${store.label}): device ${round(deviceMs / 1000, 1)} s (documents ${round((docsAt - started) / 1000, 1)} s, all received ${round(deviceReceivedMs / 1000, 1)} s), peak heap ${round(peak / 1048576, 1)} MB`);
    if (pageErrors.length) log(`sync: page errors: ${pageErrors.slice(0, 3).join(' | ')}`);
    const result: RunResult = { deviceMs, rawMs: raw.ms, rawReceivedMs: raw.receivedMs, deviceReceivedMs, docsMs: docsAt - started, upToDateMs, peak, idleHeap, totalMb, pageErrors };
    if (after && empty) {
      // Pages uploaded are freed on the device; what stays is its documents, the catalog and the app's own rows.
      await sleep(2000);
      result.footprint = { empty, synced: await measureFootprint(page, cdp) };
      log(`sync (${store.label}): footprint IndexedDB ${round(empty.idb / 1048576, 2)} → ${round(result.footprint.synced.idb / 1048576, 2)} MB, heap ${round(empty.heap / 1048576, 1)} → ${round(result.footprint.synced.heap / 1048576, 1)} MB`);
    }
    await context.close();
    if (after) result.firstSync = await firstSync(bench, browser, opts.runTimeoutMs);
    return result;
  } finally {
    watch.stop();
    await browser.close().catch(() => undefined);
    await bench.close();
  }
}

export async function benchSync(opts: SyncOptions): Promise<Figure[]> {
  const seedCode = await bundleSeed();
  const figures: Figure[] = [];
  const what = `${opts.submissions} submissions × ${opts.pagesPer} pages of ~${Math.round(opts.pageBytes / 1024)} KB`;
  for (const { label } of await benchStores()) {
    const runs: RunResult[] = [];
    for (let i = 0; i < opts.runs; i++) {
      // A fresh store (and on CouchDB a fresh database prefix) per run: runs do not see each other's data.
      const store = (await benchStores()).find((s) => s.label === label)!;
      runs.push(await syncOnce(store, seedCode, opts, Boolean(opts.after) && i === opts.runs - 1));
    }
    const ratios = runs.map((r) => r.deviceMs / r.rawMs);
    const mid = runs[ratios.indexOf(median(ratios))]!;
    figures.push(
      figure({
        name: `sync (${label}): Chromium station device, backlog of ${what} (${round(mid.totalMb)} MB), ${opts.runs > 1 ? `median of ${opts.runs} runs, ` : ''}≤ 1.3× raw`,
        value: mid.deviceMs / 1000,
        unit: 's',
        baseline: mid.rawMs / 1000,
        target: 1.3,
        targetOn: 'ratio',
        notes: `runs (device / raw): ${runs.map((r) => `${round(r.deviceMs / 1000, 1)} s / ${round(r.rawMs / 1000, 1)} s = ${round(r.deviceMs / r.rawMs, 2)}×`).join('; ')}. Device = built app in headless Chromium (PouchDB live sync + blob uploader) from network-back to every doc and page stored; its backlog was written into its Dexie/PouchDB with the app's own storage modules, not through the camera pipeline. Baseline = Node client, raw _bulk_docs (batches of 100) through /sync/ + sequential raw PUT /api/blobs, same server and store, other demo station, same page sizes. In the median run: documents on the server after ${round(mid.docsMs / 1000, 1)} s, the device showed 已同步 after ${round(mid.upToDateMs / 1000, 1)} s${mid.pageErrors.length ? `; page errors: ${mid.pageErrors.length}` : ''}`,
      }),
      figure({
        name: `sync (${label}): until every submission is received in the hall queue (${what})`,
        value: mid.deviceReceivedMs / 1000,
        unit: 's',
        baseline: mid.rawReceivedMs / 1000,
        target: null,
        notes: 'the median run above, to the last receive confirmation by the queue feeder (device vs raw client)',
      }),
      figure({
        name: `sync (${label}): peak JS heap of the device page during sync (${what})`,
        value: Math.max(...runs.map((r) => r.peak)) / 1048576,
        unit: 'MB',
        baseline: mid.idleHeap / 1048576,
        target: null,
        notes: 'CDP Runtime.getHeapUsage every 250 ms during the device runs (the highest); baseline = the same page idle before the network came back',
      }),
    );
    const last = runs.at(-1)!;
    if (last.footprint) {
      const { empty, synced } = last.footprint;
      figures.push(
        figure({
          name: `device (${label}): IndexedDB after ${opts.submissions} synced submissions (pages uploaded and freed), ≤ 10 MB`,
          value: synced.idb / 1048576,
          unit: 'MB',
          baseline: empty.idb / 1048576,
          target: 10,
          notes: `navigator.storage.estimate().usageDetails.indexedDB in Chromium; baseline = the same device signed in and synced before the backlog (empty). All origin storage: ${round(empty.usage / 1048576, 1)} → ${round(synced.usage / 1048576, 1)} MB (the rest is the service worker's precache)`,
        }),
        figure({
          name: `device (${label}): page JS heap after ${opts.submissions} synced submissions, ≤ 40 MB`,
          value: synced.heap / 1048576,
          unit: 'MB',
          baseline: empty.heap / 1048576,
          target: 40,
          notes: 'CDP Runtime.getHeapUsage after HeapProfiler.collectGarbage, on the intake screen once sync is idle; baseline = the same device before the backlog',
        }),
      );
    }
    if (last.firstSync) {
      const f = last.firstSync;
      figures.push(
        figure({
          name: `first sync (${label}): new station device, district catalog + ${f.docs} station documents → intake usable and every document held, ≤ 10 s`,
          value: f.completeMs / 1000,
          unit: 's',
          baseline: f.rawMs / 1000,
          target: 10,
          notes: `fresh browser profile, online, from 登录 to the station database's ${f.docs} documents in the device's PouchDB (intake usable after ${round(f.intakeMs / 1000, 1)} s); baseline = the same documents fetched raw with _all_docs?include_docs=true (station database and catalog) by a Node client`,
        }),
        figure({
          name: `first sync (${label}): the same against raw _all_docs, ≤ 2×`,
          value: f.completeMs / 1000,
          unit: 's',
          baseline: f.rawMs / 1000,
          target: 2,
          targetOn: 'ratio',
          notes: 'the run above as a ratio: what replication, IndexedDB and the app add to fetching the same documents',
        }),
      );
    }
  }
  return figures;
}
