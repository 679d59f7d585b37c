/**
 * Queue feeder: follows every station database's `_changes` and keeps one projection per submission in
 * `lxe-queue` (state, station, matter, enterprise, missing pages), indexed for the hall's queries.
 * It also confirms receipt: once a submission's documents and all of its pages are on the server it appends
 * the `receive` event (fixed id, so doing it twice is harmless) to the station's database, which the device
 * learns of by ordinary replication. Progress per station is a `_local` checkpoint, so a restart resumes.
 */
import type { Logger } from 'pino';
import { eventId, referencedBlobs, type EventDoc, type SubmissionDoc } from '../../../src/domain/documents';
import { ulid as newUlid } from 'ulid';
import { evaluateAutoApproval } from '../../../src/domain/auto-approval';
import { computeSla } from '../../../src/domain/calendar';
import type { MatterDoc } from '../../../src/domain/catalog';
import { foldEvents, type SubmissionState, type SubmissionStatus } from '../../../src/domain/submission-machine';
import { presentBlobs } from '../blobs/routes';
import { pickupHash } from '../enterprise/track';
import { StoreError, type CouchClient } from '../store/couch';

export const QUEUE_DB = 'lxe-queue';

/** `incomplete`: documents arrived, some pages not yet. */
export type QueueState = SubmissionState | 'incomplete';

export interface QueueItem {
  _id: string;
  _rev?: string;
  type: 'queueItem';
  submissionId: string;
  stationId: string;
  matterId: string;
  matterName: string;
  enterpriseName: string;
  uscc: string;
  applicantName: string;
  receiptNo: string;
  state: QueueState;
  createdAt: string;
  receivedAt: string | null;
  pages: number;
  deficient: number;
  missingBlobs: string[];
  /** 容缺 materials still outstanding. */
  outstanding: string[];
  departments: SubmissionStatus['departments'];
  acceptedAt: string | null;
  issuedAt: string | null;
  /** Promised / legal due dates (CST YYYY-MM-DD), null before acceptance or while paused. */
  dueDate: string | null;
  legalDueDate: string | null;
  paused: boolean;
  /** Sort key within a state: the due date once the clock runs, else when it arrived. */
  sortKey: string;
  rating: string | null;
  /** 秒批 outcome for eligible matters (failed rules send it to a person, with these reasons). */
  autoApproval: { passed: boolean; outcomes: { rule: string; ok: boolean; detail: string }[] } | null;
  /** SHA-256 of receipt number and pickup code: the public tracking check, without keeping the code. */
  pickupHash: string;
  updatedAt: string;
}

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
  await store.createIndex(QUEUE_DB, 'receipt', ['receiptNo']);
  await store.createIndex(QUEUE_DB, 'uscc', ['uscc', 'createdAt']);
}

export class QueueFeeder {
  private readonly abort = new AbortController();
  private readonly running = new Map<string, Promise<void>>();
  /** Serialises work per submission so two changes for one submission never race. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly matters = new Map<string, { doc: MatterDoc | undefined; at: number }>();
  private readonly listeners = new Set<(item: QueueItem) => void>();

  constructor(
    private readonly store: CouchClient,
    private readonly log: Logger,
  ) {}

  /** Called after every projection change (the hall's live dashboard and queue listen here). */
  onChange(listener: (item: QueueItem) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The matter's English name from the catalog (cached), for the enterprise's and the public tracking views. */
  async matterNameEn(id: string): Promise<string | undefined> {
    return (await this.matter(id).catch(() => undefined))?.nameEn;
  }

  private async matter(id: string): Promise<MatterDoc | undefined> {
    const cached = this.matters.get(id);
    if (cached && Date.now() - cached.at < 60_000) return cached.doc;
    const doc = await this.store.get<MatterDoc>('catalog', `matter:${id}`);
    this.matters.set(id, { doc, at: Date.now() });
    return doc;
  }

  follow(stationId: string): void {
    if (this.running.has(stationId) || this.abort.signal.aborted) return;
    this.running.set(stationId, this.loop(stationId));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.running.values(), ...this.chains.values()]);
  }

  /** A blob arrived: re-check the submissions that were waiting for it. */
  async blobStored(sha256: string): Promise<void> {
    const { docs } = await this.store.find<QueueItem>(QUEUE_DB, {
      selector: { state: 'incomplete', missingBlobs: { $elemMatch: { $eq: sha256 } } },
      limit: 1000,
    });
    await Promise.all(docs.map((item) => this.schedule(item.stationId, item.submissionId)));
  }

  private async loop(stationId: string): Promise<void> {
    const db = `station-${stationId}`;
    const checkpointId = `_local/feeder-${stationId}`;
    let since: string | number = (await this.store.get<{ since: string | number }>(QUEUE_DB, checkpointId).catch(() => undefined))?.since ?? 0;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        const changes = await this.store.changes<SubmissionDoc | EventDoc>(db, since, { timeoutMs: 20_000, limit: 200, signal: this.abort.signal });
        const touched = new Set<string>();
        for (const change of changes.results) {
          const id = submissionOf(change.id);
          if (id) touched.add(id);
        }
        await Promise.all([...touched].map((id) => this.schedule(stationId, id)));
        if (changes.last_seq !== since) {
          since = changes.last_seq;
          await this.store.upsert<{ _id: string; since: string | number }>(QUEUE_DB, checkpointId, () => ({ _id: checkpointId, since }));
        }
        failures = 0;
      } catch (e) {
        if (this.abort.signal.aborted) break;
        failures++;
        if (e instanceof StoreError && e.status === 404) await this.store.ensureDb(db).catch(() => undefined);
        this.log.warn({ err: e, stationId, failures }, 'queue feeder: changes failed, backing off');
        await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** failures)));
      }
    }
  }

  schedule(stationId: string, submissionId: string): Promise<void> {
    const previous = this.chains.get(submissionId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        await this.project(stationId, submissionId);
      })
      .catch((e: unknown) => this.log.error({ err: e, submissionId }, 'queue feeder: projection failed'));
    this.chains.set(submissionId, next);
    void next.then(() => {
      if (this.chains.get(submissionId) === next) this.chains.delete(submissionId);
    });
    return next;
  }

  /** Recompute one submission's projection from its documents; confirm receipt when complete. */
  async project(stationId: string, submissionId: string, depth = 0): Promise<QueueItem | undefined> {
    const db = `station-${stationId}`;
    const submission = await this.store.get<SubmissionDoc>(db, submissionId);
    if (!submission) return undefined; // events can arrive before their submission; its own change will follow
    const ulid = submissionId.slice('submission:'.length);
    const { rows } = await this.store.allDocs<EventDoc>(db, { startkey: `event:${ulid}:`, endkey: `event:${ulid}:\ufff0`, include_docs: true });
    const events = rows.flatMap((r) => (r.doc ? [r.doc] : []));
    const folded = foldEvents(events, submission);
    const supplementPages = events.flatMap((e) => (e.action === 'supplement' ? e.items.flatMap((i) => i.pages) : []));
    const pages = [...referencedBlobs(submission), ...supplementPages];
    const present = await presentBlobs(this.store, pages.map((p) => p.sha256));
    const missingBlobs = pages.map((p) => p.sha256).filter((h) => !present.has(h));
    const receiveEvent = events.find((e) => e.action === 'receive');
    if (folded.state === 'submitted' && missingBlobs.length === 0 && !receiveEvent && depth === 0) {
      const now = new Date().toISOString();
      const receive: EventDoc = {
        _id: eventId(submissionId, 'received'),
        type: 'event',
        action: 'receive',
        submissionId,
        stationId,
        actor: 'sync-server',
        role: 'system',
        at: now,
        serverAt: now,
      };
      try {
        await this.store.put(db, receive);
      } catch (e) {
        if (!(e instanceof StoreError && e.status === 409)) throw e;
      }
      return this.project(stationId, submissionId, depth + 1);
    }
    const matter = await this.matter(submission.matterId);
    // 秒批: a complete, freshly received submission of an eligible matter that no person has touched yet.
    const autoApproval = matter ? evaluateAutoApproval(matter, submission) : undefined;
    if (folded.state === 'received' && missingBlobs.length === 0 && autoApproval?.passed && depth < 2 && !events.some((e) => e.role === 'hall' || e.action === 'autoApprove')) {
      const now = new Date().toISOString();
      const autoEvent: EventDoc = {
        _id: eventId(submissionId, newUlid()),
        type: 'event',
        action: 'autoApprove',
        submissionId,
        stationId,
        actor: 'sync-server',
        role: 'system',
        at: now,
        serverAt: now,
        rules: autoApproval.outcomes,
      };
      await this.store.put(db, autoEvent);
      this.log.info({ audit: 'autoApprove', submissionId, stationId });
      return this.project(stationId, submissionId, depth + 1);
    }
    const status = folded.status;
    const sla =
      status.acceptedAt && matter
        ? computeSla({ acceptedAt: status.acceptedAt, promisedDays: matter.promisedDays, legalDays: matter.legalDays, pauses: status.pauses, now: new Date().toISOString() })
        : undefined;
    const receivedAt = receiveEvent?.serverAt ?? null;
    const item: QueueItem = {
      _id: submissionId,
      type: 'queueItem',
      submissionId,
      stationId,
      matterId: submission.matterId,
      matterName: submission.matterName,
      enterpriseName: submission.enterprise.name,
      uscc: submission.enterprise.uscc,
      applicantName: submission.applicant.name,
      receiptNo: submission.receiptNo,
      state: folded.state === 'submitted' && missingBlobs.length ? 'incomplete' : (folded.state ?? 'incomplete'),
      createdAt: submission.createdAt,
      receivedAt,
      pages: pages.length,
      deficient: submission.items.filter((i) => i.status === 'deficient').length,
      missingBlobs,
      outstanding: status.outstanding,
      departments: status.departments,
      acceptedAt: status.acceptedAt ?? null,
      issuedAt: status.issuedAt ?? null,
      dueDate: sla && !sla.paused ? sla.dueDate : null,
      legalDueDate: sla && !sla.paused ? sla.legalDueDate : null,
      paused: sla?.paused ?? false,
      sortKey: (sla && !sla.paused ? sla.dueDate : null) ?? receivedAt ?? submission.createdAt,
      rating: status.rating?.rating ?? null,
      autoApproval: autoApproval ?? null,
      pickupHash: pickupHash(submission.receiptNo, submission.pickupCode),
      updatedAt: new Date().toISOString(),
    };
    let changed = false;
    await this.store.upsert<QueueItem>(QUEUE_DB, submissionId, (old) => {
      if (old && sameProjection(old, item)) return undefined;
      changed = true;
      return item;
    });
    if (changed) for (const listener of this.listeners) listener(item);
    return item;
  }
}

/** Everything but the timestamp of the projection itself. */
function sameProjection(a: QueueItem, b: QueueItem): boolean {
  const strip = ({ _rev: _r, updatedAt: _u, ...rest }: QueueItem): string => JSON.stringify(rest);
  return strip(a) === strip(b);
}
