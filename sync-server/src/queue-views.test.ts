/**
 * The hall's queue views and filters against an oracle: a few hundred projections of every state, station,
 * matter, enterprise and due date are written into `lxe-queue` (as the feeder leaves them); every view, with
 * and without each filter, and paging, must list exactly what filtering and sorting the same items in memory
 * gives. Guards the per-filter indexes (and the due-date ranges on the sort key) against dropping or
 * reordering items.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, chinaDate } from '../../src/domain/calendar';
import { dashboard, QUEUE_DB } from './queue/projection';
import { QUEUE_VIEWS, type QueueItem, type QueueState } from '../../src/domain/api-contract';

import { asRecord, startTestServer, type TestServer } from './test-support';

let t: TestServer;
const items: QueueItem[] = [];
const STATES: QueueState[] = ['incomplete', 'received', 'correctionRequested', 'accepted', 'dispatched', 'approved', 'issued', 'delivered', 'rated', 'rejected', 'denied', 'withdrawn'];
const STATIONS = ['s-one', 's-two', 's-three'];
const MATTERS = ['licence-reissue', 'food-licence', 'lease-filing'];
const USCCS = ['91310106MA1FL4XQ0W', '91440300MA5F8B1C2D'];
const today = chinaDate(new Date());

/** Deterministic pseudo-random numbers, so a failure replays. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let x = Math.imul(seed ^ (seed >>> 15), seed | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function makeItems(n: number): QueueItem[] {
  const r = rng(20261123);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: QueueItem[] = [];
  for (let i = 0; i < n; i++) {
    const state = pick(STATES);
    const running = state === 'accepted' || state === 'dispatched' || state === 'approved';
    const created = new Date(Date.UTC(2026, 9, 1) + i * 3_600_000 + Math.floor(r() * 1000));
    const receivedAt = state === 'incomplete' ? null : new Date(created.getTime() + 60_000).toISOString();
    // Running work: due dates from 8 days ago to 6 working days ahead, a few without one (matter missing).
    const offset = Math.floor(r() * 15) - 8;
    const dueDate = !running || r() < 0.05 ? null : offset >= 0 ? addWorkingDays(today, offset) : chinaDate(new Date(Date.now() + offset * 86_400_000));
    const id = `submission:01KQ${String(i).padStart(22, '0')}`;
    out.push({
      _id: id,
      type: 'queueItem',
      submissionId: id,
      stationId: pick(STATIONS),
      matterId: pick(MATTERS),
      matterName: '事项',
      enterpriseName: `企业 ${i}`,
      uscc: pick(USCCS),
      applicantName: '张三',
      receiptNo: `R-${String(i).padStart(5, '0')}`,
      state,
      createdAt: created.toISOString(),
      receivedAt,
      pages: 1,
      deficient: 0,
      missingBlobs: [],
      outstanding: [],
      departments: {},
      acceptedAt: running ? receivedAt : null,
      issuedAt: null,
      dueDate,
      legalDueDate: dueDate,
      paused: state === 'correctionRequested',
      sortKey: dueDate ?? receivedAt ?? created.toISOString(),
      rating: null,
      autoApproval: null,
      pickupHash: '0'.repeat(64),
      updatedAt: created.toISOString(),
    } as QueueItem);
  }
  return out;
}

beforeAll(async () => {
  t = await startTestServer({}, ['hall']);
  items.push(...makeItems(420));
  const written = await t.server.store.bulkDocs(QUEUE_DB, items);
  expect(written.filter((w) => w.error)).toEqual([]);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

/** What the view must show: its states, the filters, the due-date window, ordered by sort key (then id). */
function oracle(view: string, filter: { station?: string; matter?: string; uscc?: string }): string[] {
  const states = QUEUE_VIEWS[view]!;
  const soon = addWorkingDays(today, 1);
  return items
    .filter((i) => states.includes(i.state))
    .filter((i) => (filter.station ? i.stationId === filter.station : true) && (filter.matter ? i.matterId === filter.matter : true) && (filter.uscc ? i.uscc === filter.uscc : true))
    .filter((i) => (view === 'overdue' ? !!i.dueDate && i.dueDate < today : view === 'dueSoon' ? !!i.dueDate && i.dueDate >= today && i.dueDate <= soon : true))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a._id < b._id ? -1 : 1))
    .map((i) => i.receiptNo);
}

async function listed(view: string, filter: { station?: string; matter?: string; uscc?: string }, limit = 200, skip = 0): Promise<{ receipts: string[]; hasMore: boolean }> {
  const qs = new URLSearchParams({ view, limit: String(limit), skip: String(skip), ...filter });
  const r = await t.as('hall', 'GET', `/api/hall/queue?${qs}`);
  expect(r.status, r.text).toBe(200);
  const body = asRecord(r.json);
  return { receipts: (body.items as QueueItem[]).map((i) => i.receiptNo), hasMore: body.hasMore as boolean };
}

describe('hall queue views and filters', () => {
  const filters = [{}, ...STATIONS.map((station) => ({ station })), ...MATTERS.map((matter) => ({ matter })), ...USCCS.map((uscc) => ({ uscc })), { station: STATIONS[0], matter: MATTERS[1] }];

  for (const view of Object.keys(QUEUE_VIEWS)) {
    it(`${view}: every filter lists exactly the matching items, in order`, async () => {
      let nonEmpty = 0;
      for (const filter of filters) {
        const want = oracle(view, filter);
        const got = await listed(view, filter);
        expect(got.receipts, `${view} ${JSON.stringify(filter)}`).toEqual(want.slice(0, 200));
        if (want.length) nonEmpty++;
      }
      // The data exercises the view: most filters have something to list.
      expect(nonEmpty).toBeGreaterThan(filters.length / 2);
    });
  }

  it('pages through a view without gaps or repeats', async () => {
    const want = oracle('done', {});
    expect(want.length).toBeGreaterThan(40);
    const seen: string[] = [];
    for (let skip = 0; ; skip += 15) {
      const page = await listed('done', {}, 15, skip);
      seen.push(...page.receipts);
      if (!page.hasMore) break;
    }
    expect(seen).toEqual(want);
  });

  it('reads a page of any view as one indexed range, the store skipping and limiting (not a read per state)', async () => {
    const store = t.server.store;
    const find = store.find.bind(store);
    const calls: { query: Record<string, unknown>; warning?: string }[] = [];
    store.find = (async (db: string, query: Record<string, unknown>) => {
      const res = await find(db, query);
      calls.push({ query, ...(res.warning ? { warning: res.warning } : {}) });
      return res;
    }) as typeof store.find;
    try {
      for (const view of Object.keys(QUEUE_VIEWS)) {
        for (const filter of [{}, { station: STATIONS[1]! }, { matter: MATTERS[2]! }, { uscc: USCCS[0]! }]) {
          calls.length = 0;
          await listed(view, filter, 10, 20);
          // One store query for the page and one more row (is there a next page?), through the index it names
          // (the store warns when it falls back to another; CouchDB's warning about a sparse result is fine).
          const fellBack = (w: string | undefined): boolean => /no matching index|not used/i.test(w ?? '');
          expect(calls.map((c) => ({ skip: c.query.skip, limit: c.query.limit, indexed: typeof c.query.use_index === 'string', fellBack: fellBack(c.warning) })), `${view} ${JSON.stringify(filter)}`).toEqual([
            { skip: 20, limit: 11, indexed: true, fellBack: false },
          ]);
        }
      }
    } finally {
      store.find = find;
    }
  });
});

describe('hall dashboard', () => {
  it('counts every projection by state and clock, the same whether read in one page or many', async () => {
    const r = await t.as('hall', 'GET', '/api/hall/dashboard');
    expect(r.status, r.text).toBe(200);
    const body = asRecord(r.json);
    const byState: Record<string, number> = {};
    for (const i of items) byState[i.state] = (byState[i.state] ?? 0) + 1;
    const running = items.filter((i) => ['accepted', 'dispatched', 'approved'].includes(i.state) && i.dueDate);
    const soon = addWorkingDays(today, 1);
    expect(body.byState).toEqual(byState);
    expect(body.open).toBe(items.filter((i) => ['received', 'correctionRequested', 'accepted', 'dispatched', 'approved', 'issued'].includes(i.state)).length);
    expect(body.overdue).toBe(running.filter((i) => i.dueDate! < today).length);
    expect(body.dueSoon).toBe(running.filter((i) => i.dueDate! >= today && i.dueDate! <= soon).length);
    // Pages of 7 cross page boundaries dozens of times: nothing may be counted twice or missed.
    expect(await dashboard(t.server.store, 7)).toEqual(body);
  });
});

