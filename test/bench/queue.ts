/**
 * queue: the hall's acceptance-queue query p95 with a large `lxe-queue`, on every store of the run (the embedded
 * store, and a real CouchDB node when one is configured). The projection documents are written straight into the
 * store (as the feeder would leave them), spread over states, 20 stations, six matters and a year of dates; then
 * 100+ `GET /api/hall/queue?view=…` requests across every view are timed, and summarised per view and per
 * variant (first page, skip, filter). Baseline: a plain document read (`GET /lxe-queue/<id>`) on the same store.
 */
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { addWorkingDays, chinaDate } from '../../src/domain/calendar';
import { QUEUE_DB } from '../../sync-server/src/queue/projection';
import { QUEUE_VIEWS, type QueueItem, type QueueState } from '../../src/domain/api-contract';

import { call } from '../../sync-server/src/test-support';
import { benchStores, failedFigure, figure, log, percentile, round, startBenchServer, type BenchStore, type Figure } from './lib';

/** Share of submissions per state: most of a year's work is done; a working day's worth is open. */
const STATE_MIX: [QueueState, number][] = [
  ['delivered', 0.3],
  ['rated', 0.18],
  ['issued', 0.06],
  ['rejected', 0.03],
  ['denied', 0.02],
  ['withdrawn', 0.01],
  ['received', 0.1],
  ['incomplete', 0.02],
  ['correctionRequested', 0.04],
  ['accepted', 0.1],
  ['dispatched', 0.08],
  ['approved', 0.06],
];
const MATTERS = [
  ['company-registration', '企业设立登记'],
  ['business-scope-change', '经营范围变更'],
  ['legal-rep-change', '法定代表人变更'],
  ['licence-reissue', '营业执照补办'],
  ['food-licence', '食品经营许可'],
  ['lease-filing', '租赁备案'],
] as const;
const STATIONS = Array.from({ length: 20 }, (_, i) => `station-${String(i + 1).padStart(2, '0')}`);

function pickState(r: number): QueueState {
  let acc = 0;
  for (const [state, share] of STATE_MIX) {
    acc += share;
    if (r < acc) return state;
  }
  return 'delivered';
}

/** One realistic projection; `i` spreads creation over the last 365 days. */
export function queueItem(i: number, n: number, now: number): QueueItem {
  const rnd = randomBytes(6);
  const state = pickState(rnd.readUInt16BE(0) / 65536);
  const [matterId, matterName] = MATTERS[rnd[2]! % MATTERS.length]!;
  const stationId = STATIONS[rnd[3]! % STATIONS.length]!.slice('station-'.length);
  const created = new Date(now - (n - i) * ((365 * 86_400_000) / n));
  const receivedAt = state === 'incomplete' ? null : new Date(created.getTime() + 60_000).toISOString();
  const running = state === 'accepted' || state === 'dispatched' || state === 'approved';
  const acceptedAt = running || ['issued', 'delivered', 'rated', 'denied'].includes(state) ? new Date(created.getTime() + 3_600_000).toISOString() : null;
  // Open work has due dates around today (some overdue, some due soon); done work had them in the past.
  const today = chinaDate(new Date(now));
  const offset = (rnd[4]! % 15) - 5;
  const dueDate = !running ? null : offset >= 0 ? addWorkingDays(today, offset) : chinaDate(new Date(now + offset * 86_400_000));
  const id = `submission:${ulid(created.getTime())}`;
  const sortKey = dueDate ?? receivedAt ?? created.toISOString();
  return {
    _id: id,
    type: 'queueItem',
    submissionId: id,
    stationId,
    matterId,
    matterName,
    enterpriseName: `示例企业 ${i % 5000} 有限公司`,
    uscc: '91310106MA1FL4XQ0W',
    applicantName: '张三',
    receiptNo: `${stationId.replace(/[^a-z0-9]/g, '').slice(0, 4).toUpperCase()}-${today.replaceAll('-', '')}-${randomBytes(5).toString('hex').slice(0, 8).toUpperCase()}`,
    state,
    createdAt: created.toISOString(),
    receivedAt,
    pages: 5,
    deficient: rnd[5]! % 7 === 0 ? 1 : 0,
    missingBlobs: state === 'incomplete' ? [randomBytes(32).toString('hex')] : [],
    outstanding: [],
    departments: {},
    acceptedAt,
    issuedAt: ['issued', 'delivered', 'rated'].includes(state) ? new Date(created.getTime() + 5 * 86_400_000).toISOString() : null,
    dueDate,
    legalDueDate: dueDate ? addWorkingDays(dueDate, 10) : null,
    paused: state === 'correctionRequested',
    sortKey,
    rating: state === 'rated' ? (['good', 'good', 'good', 'average', 'bad'] as const)[rnd[5]! % 5]! : null,
    autoApproval: null,
    pickupHash: randomBytes(32).toString('hex'),
    updatedAt: new Date(now).toISOString(),
  };
}

export interface QueueOptions {
  target: number;
  /** Documents to seed (100k); scaled down per store to fit the budget. */
  docs: number;
  /** The whole section (every store: seeding, index build, queries) should end within this; N is scaled down to fit. */
  budgetMs: number;
  /** Timed queries per store. */
  requests: number;
}

/** The request mix: every view the hall UI offers, as it asks (20 per page), paging and its two filters. */
function requestPath(i: number, views: string[]): string {
  const view = views[i % views.length]!;
  const variant = Math.floor(i / views.length) % 6;
  const extra = variant === 1 ? '&skip=20' : variant === 3 ? '&skip=40' : variant === 4 ? `&station=${STATIONS[i % STATIONS.length]!.slice('station-'.length)}` : variant === 5 ? `&matter=${MATTERS[i % MATTERS.length]![0]}` : '';
  return `/api/hall/queue?view=${view}&limit=20${extra}`;
}

/** The figure on every store the run has (embedded always, CouchDB when configured), each with its share of the budget. */
export async function benchQueue(opts: QueueOptions): Promise<Figure[]> {
  const deadline = performance.now() + opts.budgetMs;
  const stores = await benchStores();
  const figures: Figure[] = [];
  for (const [k, store] of stores.entries()) {
    // What is left, shared among the stores still to run (the embedded store first: it is the slower to seed).
    const budgetMs = (deadline - performance.now()) / (stores.length - k);
    try {
      figures.push(await queueOn(store, { ...opts, budgetMs }));
    } catch (e) {
      // One store failing keeps the other's figure.
      figures.push(failedFigure(`queue (${store.label}): hall queue query p95, ≤ ${opts.target} ms`, opts.target, e));
    }
  }
  return figures;
}

/** Summary of timings per view (or filter), the slowest first: "done 31/48 ms" = median/max. */
function perGroup(samples: { group: string; ms: number }[]): string {
  const groups = new Map<string, number[]>();
  for (const s of samples) (groups.get(s.group) ?? groups.set(s.group, []).get(s.group)!).push(s.ms);
  return [...groups]
    .map(([group, ms]) => ({ group, median: percentile(ms, 50), max: Math.max(...ms) }))
    .sort((a, b) => b.max - a.max)
    .map((g) => `${g.group} ${round(g.median, 0)}/${round(g.max, 0)}`)
    .join(', ');
}

/** What a store's share keeps for the timed queries and the baseline after seeding and index catch-up. */
const RESERVE_MS = 30_000;

async function queueOn(where: BenchStore, opts: QueueOptions): Promise<Figure> {
  const sectionStart = performance.now();
  const deadline = sectionStart + opts.budgetMs;
  const bench = await startBenchServer({ demo: true, staticDir: undefined, ...where.overrides });
  try {
    const store = bench.server.store;
    const hall = await bench.signIn('hall');
    const views = Object.keys(QUEUE_VIEWS);
    const now = Date.now();
    // Creation dates are spread over a year whatever N turns out to be.
    const spread = opts.docs;
    // CouchDB takes large `_bulk_docs` batches well; the embedded store's LevelDB writes are per batch too.
    const batch = where.kind === 'couchdb' ? 10_000 : 2000;
    let seeded = 0;
    let seedMs = 0;
    /** Seed up to `n`; with `warmPerDoc`, stop early when the index catch-up still to come would overrun. */
    const seedTo = async (n: number, warmPerDoc = 0): Promise<void> => {
      const started = performance.now();
      const from = seeded;
      while (seeded < n) {
        const size = Math.min(batch, n - seeded);
        if (warmPerDoc && performance.now() + (seeded + size - from) * warmPerDoc + RESERVE_MS > deadline) break;
        const docs = Array.from({ length: size }, (_, k) => queueItem(Math.round(((seeded + k) * spread) / n), spread, now));
        const res = await store.bulkDocs(QUEUE_DB, docs);
        const failed = res.filter((r) => r.error);
        if (failed.length) throw new Error(`seeding lxe-queue: ${failed.length} refused (${failed[0]?.error} ${failed[0]?.reason})`);
        seeded += size;
      }
      seedMs += performance.now() - started;
    };
    /** First query through every index: builds (or brings up to date) the indexes, as after a bulk load. */
    const warm = async (): Promise<number> => {
      const started = performance.now();
      // Every index once: each view unfiltered and through each filter (a running server queries all of them
      // all day, so they are current; a bulk load leaves them to catch up at the first query, which must not be
      // a timed one).
      const filters = ['', `&station=${STATIONS[0]!.slice('station-'.length)}`, `&matter=${MATTERS[0][0]}`, '&uscc=91310106MA1FL4XQ0W'];
      const paths = views.flatMap((view) => filters.map((filter) => `view=${view}${filter}`));
      for (const view of paths) {
        // CouchDB goes on building an index after the request that started it gave up (503 from the server's store
        // timeout): ask again until it answers, within the store's share of the budget.
        for (let attempt = 1; ; attempt++) {
          const reply = await call(bench.url, 'GET', `/api/hall/queue?${view}&limit=20`, { cookie: hall });
          if (reply.status === 200) break;
          if (reply.status !== 503 || attempt >= 20) throw new Error(`warm-up query ${view}: ${reply.status} ${reply.text.slice(0, 200)}`);
        }
      }
      return performance.now() - started;
    };

    // Calibrate on 10k, then grow to the largest N whose seeding, index update and queries fit the budget.
    const calibration = Math.min(10_000, opts.docs);
    await seedTo(calibration);
    const warmCal = await warm();
    // Seeding and index catch-up grow with N; the timed queries themselves are a few seconds at any N here.
    // Per document the 10k calibration overstated the big run on a quiet machine (2.2 ms/doc against 1.5 at 65k)
    // but understated it twofold on a busy one (2.1 against 2.9 at 95k), and an overrun eats the next store's
    // share: taken as it is.
    const perDoc = (seedMs + warmCal) / seeded;
    const left = deadline - performance.now() - RESERVE_MS;
    const fit = Math.floor(left / perDoc / 5000) * 5000;
    const n = Math.max(calibration, Math.min(opts.docs, fit));
    log(`queue (${where.label}): calibration ${calibration} docs (seed ${round(seedMs / 1000, 1)} s, warm ${round(warmCal / 1000, 1)} s) → N = ${n}`);
    // Seeding slows as the store grows (and with whatever else the machine runs): stop short rather than overrun.
    await seedTo(n, warmCal / calibration);
    const warmMs = await warm();
    log(`queue (${where.label}): seeded ${seeded} projections in ${round(seedMs / 1000, 1)} s; index update + first query per index ${round(warmMs / 1000, 1)} s`);

    const timings: number[] = [];
    const samples: { path: string; view: string; filter: string; ms: number }[] = [];
    const sampleIds: string[] = [];
    // Where a request's time goes: the store's `_find` (the page's one indexed read) against the rest.
    const finds: number[] = [];
    let findMs = 0;
    const find = store.find.bind(store);
    store.find = (async (db: string, query: Record<string, unknown>) => {
      const started = performance.now();
      try {
        return await find(db, query);
      } finally {
        findMs += performance.now() - started;
      }
    }) as typeof store.find;
    for (let i = 0; i < opts.requests; i++) {
      if (i >= 54 && performance.now() > deadline) break;
      const path = requestPath(i, views);
      findMs = 0;
      const started = performance.now();
      const reply = await call(bench.url, 'GET', path, { cookie: hall });
      const ms = performance.now() - started;
      finds.push(findMs);
      if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${reply.text.slice(0, 200)}`);
      const items = (reply.json as { items: { submissionId: string }[] }).items;
      if (items[0] && sampleIds.length < 200) sampleIds.push(items[0].submissionId);
      timings.push(ms);
      const query = new URLSearchParams(path.slice('/api/hall/queue?'.length));
      const filter = query.has('station') ? 'station' : query.has('matter') ? 'matter' : query.has('skip') ? `skip ${query.get('skip')}` : 'first page';
      samples.push({ path: path.slice('/api/hall/queue?'.length).replace('&limit=20', ''), view: query.get('view')!, filter, ms });
    }
    // Baseline: plain document reads of queue items on the same store (the cheapest thing the store does).
    const { rows } = await store.allDocs<QueueItem>(QUEUE_DB, { startkey: 'submission:', endkey: 'submission:\ufff0', limit: 500 });
    const ids = [...sampleIds, ...rows.map((r) => r.id)];
    const reads: number[] = [];
    for (let i = 0; i < Math.max(50, timings.length); i++) {
      const id = ids[(i * 7) % ids.length]!;
      const started = performance.now();
      const res = await store.fetch(`/${QUEUE_DB}/${encodeURIComponent(id)}`, { headers: { accept: 'application/json' } });
      await res.arrayBuffer();
      reads.push(performance.now() - started);
      if (!res.ok) throw new Error(`baseline read ${id}: ${res.status}`);
    }
    const p95 = percentile(timings, 95);
    const worst = [...samples].sort((a, b) => b.ms - a.ms).slice(0, 4);
    const fast = timings.filter((t) => t <= opts.target).length;
    const scaled = seeded < opts.docs ? ` (scaled down from ${opts.docs / 1000}k to fit the time budget)` : '';
    const notes = [
      `${timings.length} GET /api/hall/queue (limit 20) over all ${views.length} views: first pages, skip 20/40, station and matter filters; median ${round(percentile(timings, 50), 1)} ms; ${fast}/${timings.length} within ${opts.target} ms`,
      `the store's _find: median ${round(percentile(finds, 50), 1)} ms, p95 ${round(percentile(finds, 95), 1)} ms of it`,
      `per view, median/max ms: ${perGroup(samples.map((s) => ({ group: s.view, ms: s.ms })))}`,
      `per variant: ${perGroup(samples.map((s) => ({ group: s.filter, ms: s.ms })))}`,
      `slowest: ${worst.map((w) => `${w.path} ${round(w.ms, 0)} ms`).join(', ')}`,
      `baseline = p95 of ${reads.length} GET /lxe-queue/<id> on the store`,
      `seeding ${seeded} docs took ${round(seedMs / 1000, 1)} s (${Math.round(seeded / (seedMs / 1000))} docs/s), index update + first query per index ${round(warmMs / 1000, 1)} s`,
      ...(seeded < opts.docs ? [`${where.label}: only ${seeded} of ${opts.docs} fitted the section's share of the budget (${round(opts.budgetMs / 1000, 0)} s)`] : []),
    ];
    return figure({
      name: `queue (${where.label}): hall queue query p95 at ${round(seeded / 1000, 1)}k submissions${scaled}, ≤ ${opts.target} ms`,
      value: p95,
      unit: 'ms',
      baseline: percentile(reads, 95),
      target: opts.target,
      notes: notes.join('; '),
    });
  } finally {
    await bench.close();
  }
}
