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
import { figure, log, ROOT, round, signInStation, sleep, startBenchServer, until, type BenchServer, type Figure } from './lib';

type SeedWindow = Window & { __benchSeed: typeof Seed };

export interface SyncOptions {
  submissions: number;
  pagesPer: number;
  /** Mean page size; sizes vary ±15 % around it. */
  pageBytes: number;
  /** Longest either run may take before the section gives up. */
  runTimeoutMs: number;
}

/** JPEG-shaped bytes of exactly `size` (SOI, JFIF APP0, noise, EOI), as the device seeds them. */
function jpegLike(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(randomBytes(size));
  out.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00], 0);
  out[size - 2] = 0xff;
  out[size - 1] = 0xd9;
  return out;
}

function buildDocs(stationId: string, createdBy: string, pages: PageRef[], pagesPer: number): (SubmissionDoc | EventDoc)[] {
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
function watchServer(bench: BenchServer): Watch {
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

export async function benchSync(opts: SyncOptions): Promise<Figure[]> {
  const n = opts.submissions;
  const pageCount = n * opts.pagesPer;
  const sizes = Array.from({ length: pageCount }, () => Math.round(opts.pageBytes * (0.85 + Math.random() * 0.3)));
  const totalMb = sizes.reduce((a, b) => a + b, 0) / 1024 / 1024;
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
  const seedCode = bundle.outputFiles[0]!.text;

  const bench = await startBenchServer();
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
    log(`sync: device backlog written (${n} submissions, ${pageCount} pages, ${round(totalMb)} MB) in ${round((performance.now() - seedStart) / 1000, 1)} s`);

    // 3. Baseline while the browser idles: the same amount of work from a raw Node client.
    const raw = await rawSync(bench, opts, sizes, watch);
    log(`sync: raw client ${round(raw.ms / 1000, 1)} s (all received ${round(raw.receivedMs / 1000, 1)} s)`);

    // 4. The app starts offline with the backlog; the clock starts when the network comes back.
    await context.setOffline(true);
    await page.goto(`${bench.url}/intake`);
    await page.locator('#matter option[value="licence-reissue"]').waitFor({ state: 'attached', timeout: 30_000 });
    await sleep(1000);
    const cdp = await context.newCDPSession(page);
    const before = (await cdp.send('Runtime.getHeapUsage')).usedSize;
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
    await until('device run: every submission received in the hall queue', async () => (deviceSubs.every((id) => watch.received.has(id)) ? true : undefined), 120_000, 100);
    const deviceReceivedMs = Math.max(...deviceSubs.map((id) => watch.received.get(id)!)) - started;
    // The device learns of every receipt by replication and says it is up to date.
    let upToDateMs = Number.NaN;
    try {
      await page.getByTestId('sync-status').filter({ hasText: '已同步' }).waitFor({ timeout: 60_000 });
      upToDateMs = performance.now() - started;
    } catch {
      // reported as NaN
    }
    await heap.stop();
    const peak = heap.peak();
    log(`sync: device ${round(deviceMs / 1000, 1)} s (documents ${round((docsAt - started) / 1000, 1)} s, all received ${round(deviceReceivedMs / 1000, 1)} s), peak heap ${round(peak / 1048576, 1)} MB`);
    if (pageErrors.length) log(`sync: page errors: ${pageErrors.slice(0, 3).join(' | ')}`);
    await context.close();

    const scale = n === 200 ? '' : ` (scaled down from 200 to fit the time budget)`;
    const what = `${n} submissions × ${opts.pagesPer} pages (${round(totalMb)} MB)`;
    return [
      figure({
        name: `sync: Chromium station device, backlog of ${what}${scale}, ≤ 1.3× raw`,
        value: deviceMs / 1000,
        unit: 's',
        baseline: raw.ms / 1000,
        target: 1.3,
        targetOn: 'ratio',
        notes: `device = built app in headless Chromium (PouchDB live sync + blob uploader) from network-back to every doc and page stored; its backlog was written into its Dexie/PouchDB with the app's own storage modules, not through the camera pipeline. Baseline = Node client, raw _bulk_docs (batches of 100) through /sync/ + sequential raw PUT /api/blobs, same server and store, other demo station, same page sizes. Documents on server after ${round((docsAt - started) / 1000, 1)} s; device showed 已同步 after ${round(upToDateMs / 1000, 1)} s; ${round(totalMb / (deviceMs / 1000), 2)} MB/s vs ${round(totalMb / (raw.ms / 1000), 2)} MB/s raw${pageErrors.length ? `; page errors: ${pageErrors.length}` : ''}`,
      }),
      figure({
        name: `sync: until every submission is received in the hall queue (${n} × ${opts.pagesPer} pages)`,
        value: deviceReceivedMs / 1000,
        unit: 's',
        baseline: raw.receivedMs / 1000,
        target: null,
        notes: 'same runs as above, to the last receive confirmation by the queue feeder (device vs raw client)',
      }),
      figure({
        name: 'sync: peak JS heap of the device page during sync',
        value: peak / 1048576,
        unit: 'MB',
        baseline: before / 1048576,
        target: null,
        notes: 'CDP Runtime.getHeapUsage every 250 ms during the device run; baseline = the same page idle before the network came back',
      }),
    ];
  } finally {
    watch.stop();
    await browser.close().catch(() => undefined);
    await bench.close();
  }
}
