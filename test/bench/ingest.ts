/**
 * ingest: pages per second through `PUT /api/blobs` while a station's backlog waits for them. The station's
 * submissions (N × pages, ~30 KB each) are replicated first, so the hall queue holds N incomplete submissions
 * waiting for their pages, as after a device's documents arrive; then every page is uploaded by one client with
 * two uploads in flight (as the device sends them). Baseline: the same number of pages of the same sizes (other
 * bytes: the store is content-addressed) written straight into the store as attachments by one client, also two
 * at a time — what the store itself can take, without the product's checks, metadata and queue work.
 * Runs on every store of `benchStores()`.
 */
import { createHash } from 'node:crypto';
import type { PageRef } from '../../src/domain/documents';
import { STATION } from '../../sync-server/src/test-support';
import { benchStores, figure, pool, log, round, startBenchServer, until, type BenchServer, type Figure } from './lib';
import { buildDocs, jpegLike } from './sync';

export interface IngestOptions {
  submissions: number;
  pagesPer: number;
  pageBytes: number;
  /** Uploads in flight (the device keeps two). */
  concurrency: number;
  /** Longest one run may take. */
  runTimeoutMs: number;
}


/** Count the server's store requests by method and path shape while uploads run (what a page costs, and where). */
function tallyRequests(bench: BenchServer): { stop(): [string, number][] } {
  const store = bench.server.store;
  const original = store.fetch.bind(store);
  const counts = new Map<string, number>();
  store.fetch = (p: string, init: RequestInit = {}) => {
    const shape = `${init.method ?? 'GET'} ${p.split('?')[0]!.replace(/\/(?:[^/]*%3A|blob:|submission:|event:)[^/]*/g, '/:id').replace(/^\/station-[^/]+/, '/station-:s')}`;
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
    return original(p, init);
  };
  return {
    stop() {
      store.fetch = original;
      return [...counts].sort((a, b) => b[1] - a[1]);
    },
  };
}

async function ingestOn(bench: BenchServer, label: string, opts: IngestOptions): Promise<Figure[]> {
  const count = opts.submissions * opts.pagesPer;
  const sizes = Array.from({ length: count }, () => Math.round(opts.pageBytes * (0.85 + Math.random() * 0.3)));
  const files = sizes.map(jpegLike);
  const pages: PageRef[] = files.map((f) => ({ sha256: createHash('sha256').update(f).digest('hex'), bytes: f.length, type: 'image/jpeg' }));
  const docs = buildDocs(STATION, 'station', pages, opts.pagesPer);
  const subIds = new Set(docs.filter((d) => d.type === 'submission').map((d) => d._id));
  const cookie = await bench.signIn('station');
  const signal = AbortSignal.timeout(opts.runTimeoutMs * 3);

  // The backlog: every document on the server, every submission projected as incomplete.
  const incomplete = new Set<string>();
  const received = new Map<string, number>();
  const off = bench.server.feeder.onChange((item) => {
    if (!subIds.has(item.submissionId)) return;
    if (item.state === 'incomplete') incomplete.add(item.submissionId);
    else if (!received.has(item.submissionId)) received.set(item.submissionId, performance.now());
  });
  try {
    for (let i = 0; i < docs.length; i += 100) {
      const res = await fetch(`${bench.url}/sync/station-${STATION}/_bulk_docs`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ docs: docs.slice(i, i + 100) }),
        signal,
      });
      const out = (await res.json()) as { error?: string }[];
      if (res.status !== 201 || out.some((r) => r.error)) throw new Error(`_bulk_docs: ${res.status} ${JSON.stringify(out).slice(0, 200)}`);
    }
    await until(`${label}: ${subIds.size} submissions projected as incomplete`, async () => (incomplete.size === subIds.size ? true : undefined), 300_000, 250);
    log(`ingest (${label}): ${subIds.size} incomplete submissions waiting for ${count} pages`);

    // Baseline: the store alone, the same sizes, other bytes, into a database of its own.
    const raw = sizes.map(jpegLike);
    const rawDb = 'bench-raw-attachments';
    await bench.server.store.ensureDb(rawDb);
    const rawStart = performance.now();
    await pool(raw, opts.concurrency, async (body, i) => {
      await bench.server.store.putAttachment(rawDb, `page:${i}`, 'data', undefined, Buffer.from(body.buffer, body.byteOffset, body.byteLength), 'image/jpeg');
    });
    const rawMs = performance.now() - rawStart;
    log(`ingest (${label}): raw attachments ${round(count / (rawMs / 1000), 1)} pages/s`);

    // The product: every page through the API, with the queue re-checking what waits for it.
    const requestsBefore = bench.server.store.stats.requests;
    const kinds = tallyRequests(bench);
    const started = performance.now();
    await pool(files, opts.concurrency, async (body, i) => {
      const res = await fetch(`${bench.url}/api/blobs/${pages[i]!.sha256}`, { method: 'PUT', headers: { cookie, 'content-type': 'image/jpeg' }, body, signal });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`PUT /api/blobs: ${res.status}`);
    });
    const apiMs = performance.now() - started;
    await until(`${label}: every submission received`, async () => (received.size === subIds.size ? true : undefined), opts.runTimeoutMs, 100);
    const receivedMs = Math.max(...received.values()) - started;
    const perPage = (bench.server.store.stats.requests - requestsBefore) / count;
    const top = kinds.stop().slice(0, 6).map(([k, n]) => `${k} ${round(n / count, 2)}`).join(', ');
    log(`ingest (${label}): store requests a page by kind: ${top}`);
    log(`ingest (${label}): API ${round(count / (apiMs / 1000), 1)} pages/s, ${round(perPage, 2)} store requests a page; all received after ${round(receivedMs / 1000, 1)} s`);
    const what = `${opts.submissions} × ${opts.pagesPer} pages of ~${Math.round(opts.pageBytes / 1024)} KB`;
    return [
      figure({
        name: `ingest (${label}): pages per second through PUT /api/blobs, ${what} waiting, ≥ 0.5× raw`,
        value: count / (apiMs / 1000),
        unit: 'pages/s',
        baseline: count / (rawMs / 1000),
        target: 0.5,
        targetOn: 'ratio',
        atLeast: true,
        notes: `one client, ${opts.concurrency} uploads in flight, with ${subIds.size} submissions incomplete in the hall queue; baseline = the same sizes written as attachments straight into the store (CouchDB HTTP API, ${opts.concurrency} in flight). Every submission received after ${round(receivedMs / 1000, 1)} s; the product asked the store ${round(perPage, 2)} times a page (upload, queue look-ups, projection, receipt), the baseline once (by kind: ${top})`,
      }),
      figure({
        name: `ingest (${label}): until every submission of the backlog is received in the hall queue`,
        value: receivedMs / 1000,
        unit: 's',
        baseline: apiMs / 1000,
        target: 1.5,
        targetOn: 'ratio',
        notes: 'from the first upload to the last receive confirmation by the queue feeder, against the uploads alone: the queue keeps up with the pages (≤ 1.5×)',
      }),
    ];
  } finally {
    off();
  }
}

export async function benchIngest(opts: IngestOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const store of await benchStores()) {
    const bench = await startBenchServer({ staticDir: undefined, ...store.overrides });
    try {
      figures.push(...(await ingestOn(bench, store.label, opts)));
    } finally {
      await bench.close();
    }
  }
  return figures;
}
