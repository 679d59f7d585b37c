/**
 * The queue projection (`lxe-queue`, one document per submission) and the station documents it is built from:
 * every read and write of them, for the feeder (which writes projections), the hall and enterprise routes and
 * public tracking (which read them). No HTTP here.
 */
import { createHash } from 'node:crypto';
import { QUEUE_VIEWS, type Dashboard, type FiguresRow, type FiveFigures, type QueueItem, type QueueState } from '../../../src/domain/api-contract';
import { chinaDate, deadlineFlags } from '../../../src/domain/calendar';
import { addDays, CST_OFFSET_MS, dayNumberOf, DAY_MS } from '../../../src/domain/china-time';
import { addCounts, countsOf, emptyCounts, type FigureCounts, type SubmissionFacts } from '../../../src/domain/five-figures';
import { submissionFacts } from '../../../src/domain/five-figures-facts';
import type { MatterDoc } from '../../../src/domain/catalog';
import type { EventDoc, SubmissionDoc } from '../../../src/domain/documents';
import { CLOCK_STATES, OPEN_STATES } from '../../../src/domain/submission-machine';
import { StoreError, type CouchClient } from '../store/couch';

export const QUEUE_DB = 'lxe-queue';

/** What the projection keeps instead of the pickup code itself. */
export const pickupHash = (receiptNo: string, pickupCode: string): string => createHash('sha256').update(`${receiptNo}:${pickupCode}`).digest('hex');

/** Which submission's projection a station-side change touches. */
export const submissionOf = (docId: string): string | undefined => {
  const m = /^(?:submission|event):([0-9A-HJKMNP-TV-Z]{26})/.exec(docId);
  return m ? `submission:${m[1]}` : undefined;
};

export async function setUpQueue(store: CouchClient): Promise<void> {
  await store.ensureDb(QUEUE_DB);
  await store.createIndex(QUEUE_DB, 'state-received', ['state', 'receivedAt']);
  await store.createIndex(QUEUE_DB, 'state-sort', ['state', 'sortKey']);
  // The hall filters a view by station, matter or enterprise: each has its own index so a filter at 100k
  // submissions is a range read, not a scan of the whole state (see `npm run bench`, queue section).
  await store.createIndex(QUEUE_DB, 'state-station-sort', ['state', 'stationId', 'sortKey']);
  await store.createIndex(QUEUE_DB, 'state-matter-sort', ['state', 'matterId', 'sortKey']);
  await store.createIndex(QUEUE_DB, 'state-uscc-sort', ['state', 'uscc', 'sortKey']);
  // A view of several states (done, the running clock) has partial indexes of its own, unfiltered and per
  // filter: its page is one range read with the store skipping and limiting, instead of one read per state of
  // `skip + limit` documents each, merged here (the done view read 6× the documents it showed).
  for (const states of stateSets()) {
    for (const by of [undefined, ...FILTER_FIELDS]) {
      await store.createIndex(QUEUE_DB, setIndex(states, by), [...(by ? [by] : []), 'sortKey'], { state: { $in: [...states] } });
    }
  }
  await store.createIndex(QUEUE_DB, 'receipt', ['receiptNo']);
  await store.createIndex(QUEUE_DB, 'uscc', ['uscc', 'createdAt']);
  // The hall's own figures read a period by receipt time.
  await store.createIndex(QUEUE_DB, 'received', ['receivedAt']);
  // A page's arrival looks up who waits for it by hash: Mango cannot index an array's elements (an `$elemMatch`
  // read every incomplete submission on every upload burst), a map view can. ES5: CouchDB runs it in QuickJS.
  await store.ensureViews(QUEUE_DB, 'waiting', {
    byBlob: {
      map: "function (doc) { if (doc.type === 'queueItem' && doc.missingBlobs) { for (var i = 0; i < doc.missingBlobs.length; i++) emit(doc.missingBlobs[i], [doc.stationId, doc.missingBlobs]); } }",
    },
  });
}

/** One submission's projection, by submission id. */
export const queueItem = (store: CouchClient, submissionId: string): Promise<QueueItem | undefined> => store.get<QueueItem>(QUEUE_DB, submissionId);

/** A submission and its events, from the station's database that holds them. */
export async function loadRecord(store: CouchClient, stationId: string, submissionId: string): Promise<{ submission: SubmissionDoc; events: EventDoc[] } | undefined> {
  // Both reads at once: the hall's record screen and every decision wait for them.
  const [submission, events] = await Promise.all([store.get<SubmissionDoc>(`station-${stationId}`, submissionId), loadEvents(store, stationId, submissionId)]);
  return submission ? { submission, events } : undefined;
}

/** A submission's events (they may arrive before the submission itself). */
async function loadEvents(store: CouchClient, stationId: string, submissionId: string): Promise<EventDoc[]> {
  const ulid = submissionId.slice('submission:'.length);
  const { rows } = await store.allDocs<EventDoc>(`station-${stationId}`, { startkey: `event:${ulid}:`, endkey: `event:${ulid}:\ufff0`, include_docs: true });
  return rows.flatMap((r) => (r.doc ? [r.doc] : []));
}

/** Append an event the server made (a decision, a rating) to the station's database, where the device gets it. */
/** Write a server event into the station's database; resolves with its revision. */
export async function appendEvent(store: CouchClient, event: EventDoc): Promise<string> {
  return (await store.put(`station-${event.stationId}`, event)).rev;
}

/** A matter from the catalog, as it is now. */
export const loadMatter = (store: CouchClient, matterId: string): Promise<MatterDoc | undefined> => store.get<MatterDoc>('catalog', `matter:${matterId}`);

/**
 * Store a recomputed projection unless it equals the stored one. `foreign` when the id belongs to another
 * station's submission (a submission id belongs to the station that first brought it), `changed` when written.
 */
export async function writeProjection(store: CouchClient, item: QueueItem, current?: { doc: QueueItem | undefined }): Promise<{ foreign: boolean; changed: boolean }> {
  let foreign = false;
  let changed = false;
  // The projection just read (`current`) saves the upsert's read; a conflict means it moved on: read it again.
  if (current && (!current.doc || current.doc.stationId === item.stationId)) {
    if (current.doc && sameProjection(current.doc, item)) return { foreign, changed };
    try {
      await store.put(QUEUE_DB, { ...item, ...(current.doc?._rev ? { _rev: current.doc._rev } : {}) });
      return { foreign, changed: true };
    } catch (e) {
      if (!(e instanceof StoreError && e.status === 409)) throw e;
    }
  }
  await store.upsert<QueueItem>(QUEUE_DB, item._id, (old) => {
    if (old && old.stationId !== item.stationId) {
      foreign = true;
      return undefined;
    }
    if (old && sameProjection(old, item)) return undefined;
    changed = true;
    return item;
  });
  return { foreign, changed };
}

/**
 * What the enterprise and the public tracking page see of a result: the certificate's number and, for a delivery
 * by post, the courier's. A locker code opens the locker, so it stays off pages that a receipt alone opens.
 */
export function resultNumbers(certificateNo: string | undefined, delivery: { method: string; reference: string } | undefined): { certificateNo?: string; courierNo?: string } {
  return { ...(certificateNo ? { certificateNo } : {}), ...(delivery?.method === 'post' ? { courierNo: delivery.reference } : {}) };
}

/** Everything but the timestamp of the projection itself. */
function sameProjection(a: QueueItem, b: QueueItem): boolean {
  const strip = ({ _rev: _r, updatedAt: _u, ...rest }: QueueItem): string => JSON.stringify(rest);
  return strip(a) === strip(b);
}

/** Submissions waiting for any of these pages (incomplete ones, and any whose later pages are still on their way). */
export async function waitingFor(store: CouchClient, hashes: string[]): Promise<Pick<QueueItem, 'stationId' | 'submissionId' | 'missingBlobs'>[]> {
  const { rows } = await store.viewByKeys<[string, string[]]>(QUEUE_DB, 'waiting', 'byBlob', hashes);
  // A submission waiting for several of these pages has a row for each: once is enough.
  const bySubmission = new Map(rows.map((r) => [r.id, r.value]));
  return [...bySubmission].map(([submissionId, [stationId, missingBlobs]]) => ({ submissionId, stationId, missingBlobs }));
}

export interface QueueFilter {
  stationId?: string;
  matterId?: string;
  uscc?: string;
  sortKey?: Record<string, string | null>;
}

/** The filters the hall offers, each with its own indexes (the field between the states and `sortKey`). */
const FILTER_FIELDS = ['stationId', 'matterId', 'uscc'] as const;
type FilterField = (typeof FILTER_FIELDS)[number];
const FILTER_NAMES: Record<FilterField, string> = { stationId: 'station', matterId: 'matter', uscc: 'uscc' };

/** The state sets of the hall's views that have more than one state, each once (dueSoon and overdue share one). */
export function stateSets(): (readonly QueueState[])[] {
  const sets = new Map<string, readonly QueueState[]>();
  for (const states of Object.values(QUEUE_VIEWS)) if (states.length > 1) sets.set([...states].sort().join(','), states);
  return [...sets.values()];
}

/** The partial index of a state set (with a filter's field): `in-<states, sorted>[-<filter>]-sort`. */
const setIndex = (states: readonly QueueState[], by: FilterField | undefined): string => `in-${[...states].sort().join('-')}${by ? `-${FILTER_NAMES[by]}` : ''}-sort`;

/**
 * A page of a hall view (one state, or a view's state set) in sort-key order, through the index that fits the
 * filter: the equality fields come first in the index and `sortKey` last, so the store reads a range in order,
 * skipping and limiting in the index, instead of filtering a whole state. A state set's index is partial (it
 * holds only those states), so its selector names no state: a state condition would be checked document by
 * document on the embedded store, which then reads the whole range before limiting.
 */
export async function queuePage(store: CouchClient, states: readonly QueueState[], filter: QueueFilter, page: { skip: number; limit: number }): Promise<{ items: QueueItem[]; hasMore: boolean }> {
  const by = FILTER_FIELDS.find((f) => filter[f] !== undefined);
  const single = states.length === 1;
  const index = single ? (by ? `state-${FILTER_NAMES[by]}-sort` : 'state-sort') : setIndex(states, by);
  const { sortKey, ...rest } = filter;
  const { docs } = await store.find<QueueItem>(QUEUE_DB, {
    selector: { ...(single ? { state: states[0] } : {}), ...rest, sortKey: sortKey ?? { $gt: null } },
    sort: [...(single ? [{ state: 'asc' }] : []), ...(by ? [{ [by]: 'asc' }] : []), { sortKey: 'asc' }],
    use_index: `idx-${index}`,
    skip: page.skip,
    // One more than the page: whether there is a next one.
    limit: page.limit + 1,
  });
  return { items: docs.slice(0, page.limit), hasMore: docs.length > page.limit };
}

/** Projections by receipt number (at most `limit`; tracking wants exactly one). */
export async function findByReceipt(store: CouchClient, receiptNo: string, limit: number): Promise<QueueItem[]> {
  return (await store.find<QueueItem>(QUEUE_DB, { selector: { receiptNo }, use_index: 'idx-receipt', limit })).docs;
}

/** An enterprise's newest submissions. */
export async function findByUscc(store: CouchClient, uscc: string | undefined, limit: number): Promise<QueueItem[]> {
  return (await store.find<QueueItem>(QUEUE_DB, { selector: { uscc, createdAt: { $gt: null } }, sort: [{ uscc: 'desc' }, { createdAt: 'desc' }], use_index: 'idx-uscc', limit })).docs;
}

/** Every projection, a page at a time: memory and each store request stay bounded however large the queue. */
async function* allProjections(store: CouchClient, pageSize: number): AsyncGenerator<QueueItem> {
  let startkey = 'submission:';
  for (;;) {
    const { rows } = await store.allDocs<QueueItem>(QUEUE_DB, { startkey, endkey: 'submission:\ufff0', include_docs: true, limit: pageSize });
    for (const row of rows) if (row.doc?.type === 'queueItem') yield row.doc;
    if (rows.length < pageSize) return;
    startkey = `${rows[rows.length - 1]!.id}\u0000`;
  }
}

/** Dashboard figures from the projection, read in bounded pages. */
export async function dashboard(store: CouchClient, pageSize = 1000): Promise<Dashboard> {
  const today = chinaDate(new Date());
  const d: Dashboard = { today, byState: {}, byStation: {}, receivedToday: 0, acceptedToday: 0, issuedToday: 0, open: 0, overdue: 0, dueSoon: 0, averageHandlingDays: null, ratings: { good: 0, average: 0, bad: 0 }, badRatings: [] };
  let handled = 0;
  let handledMs = 0;
  for await (const i of allProjections(store, pageSize)) {
    d.byState[i.state] = (d.byState[i.state] ?? 0) + 1;
    const station = (d.byStation[i.stationId] ??= {});
    station[i.state] = (station[i.state] ?? 0) + 1;
    if (i.receivedAt && chinaDate(new Date(i.receivedAt)) === today) d.receivedToday++;
    if (i.acceptedAt && chinaDate(new Date(i.acceptedAt)) === today) d.acceptedToday++;
    if (i.issuedAt && chinaDate(new Date(i.issuedAt)) === today) d.issuedToday++;
    if ((OPEN_STATES as readonly string[]).includes(i.state)) d.open++;
    if ((CLOCK_STATES as readonly string[]).includes(i.state)) {
      const flags = deadlineFlags(i.dueDate, today);
      if (flags.overdue) d.overdue++;
      else if (flags.dueSoon) d.dueSoon++;
    }
    // Handling time: from receipt to the certificate (calendar days, as the public sees it).
    if (i.receivedAt && i.issuedAt) {
      handled++;
      handledMs += Date.parse(i.issuedAt) - Date.parse(i.receivedAt);
    }
    if (i.rating === 'good' || i.rating === 'average' || i.rating === 'bad') d.ratings[i.rating]++;
    if (i.rating === 'bad') d.badRatings.push({ submissionId: i.submissionId, receiptNo: i.receiptNo, stationId: i.stationId, enterpriseName: i.enterpriseName });
  }
  if (handled) d.averageHandlingDays = Math.round((handledMs / handled / 86_400_000) * 10) / 10;
  return d;
}

/** The instant a China date begins (00:00 China time), as the ISO text receipt times are stored in. */
const chinaDayStart = (date: string): string => new Date(dayNumberOf(date)! * DAY_MS - CST_OFFSET_MS).toISOString();

/**
 * The projections received in `[fromIso, toIso)`, a page at a time through the receipt-time index. Pages
 * continue from the last receipt time; submissions received in that same millisecond and already read are
 * skipped (the index orders ties by id, the same way every time).
 */
async function* receivedBetween(store: CouchClient, fromIso: string, toIso: string, pageSize: number): AsyncGenerator<QueueItem> {
  let after = fromIso;
  let tied = 0;
  for (;;) {
    const { docs } = await store.find<QueueItem>(QUEUE_DB, {
      selector: { receivedAt: { $gte: after, $lt: toIso } },
      sort: [{ receivedAt: 'asc' }],
      use_index: 'idx-received',
      skip: tied,
      limit: pageSize,
    });
    for (const doc of docs) if (doc.type === 'queueItem') yield doc;
    if (docs.length < pageSize) return;
    const last = docs[docs.length - 1]!.receivedAt!;
    const sameAsLast = docs.filter((d) => d.receivedAt === last).length;
    tied = last === after ? tied + sameAsLast : sameAsLast;
    after = last;
  }
}

/**
 * The hall's own figures for the submissions received from `from` to `to` (China dates, both included), per
 * station and per matter, read in bounded pages. A projection written before the figures existed has no
 * `facts`: they are computed from its documents (`factsOf`, by default the station database and the catalog).
 */
export async function fiveFigures(
  store: CouchClient,
  from: string,
  to: string,
  opts: { pageSize?: number; factsOf?: (item: QueueItem) => Promise<SubmissionFacts | undefined> } = {},
): Promise<FiveFigures> {
  const factsOf = opts.factsOf ?? ((item: QueueItem) => factsFromRecord(store, item));
  const total = emptyCounts();
  const byStation = new Map<string, FigureCounts>();
  const byMatter = new Map<string, { name: string; counts: FigureCounts }>();
  for await (const item of receivedBetween(store, chinaDayStart(from), chinaDayStart(addDays(to, 1)), opts.pageSize ?? 500)) {
    const facts = item.facts ?? (await factsOf(item));
    if (!facts) continue; // its documents are gone (purged or foreign): nothing to count it by
    const c = countsOf(facts);
    addCounts(total, c);
    addCounts(byStation.get(item.stationId) ?? byStation.set(item.stationId, emptyCounts()).get(item.stationId)!, c);
    const matter = byMatter.get(item.matterId) ?? byMatter.set(item.matterId, { name: item.matterName, counts: emptyCounts() }).get(item.matterId)!;
    addCounts(matter.counts, c);
  }
  const rows = <T>(m: Map<string, T>, row: (key: string, v: T) => FiguresRow): FiguresRow[] => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => row(k, v));
  return {
    from,
    to,
    total,
    byStation: rows(byStation, (key, counts) => ({ key, counts })),
    byMatter: rows(byMatter, (key, { name, counts }) => ({ key, name, counts })),
  };
}

async function factsFromRecord(store: CouchClient, item: QueueItem): Promise<SubmissionFacts | undefined> {
  const record = await loadRecord(store, item.stationId, item.submissionId);
  if (!record) return undefined;
  return submissionFacts(record.submission, record.events, await loadMatter(store, record.submission.matterId));
}
