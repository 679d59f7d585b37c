/**
 * Queue feeder: keeps one projection per submission in `lxe-queue` (state, station, matter, enterprise, missing
 * pages), indexed for the hall's queries. It also confirms receipt: once a submission's documents and all of its
 * pages are on the server it appends the `receive` event (fixed id, so doing it twice is harmless) to the
 * station's database, which the device learns of by ordinary replication.
 *
 * Its cost follows activity, not the number of stations (README, "The queue feeder"): a station database is read
 * only when something says it changed — this process's own writes (the sync proxy and the API call `touched`),
 * and, on CouchDB, one `_db_updates` long-poll per process for writes by anyone else (other sync-server
 * processes, direct writes). At start every station is swept once from its checkpoint (`_local/feeder-<id>`,
 * so a restart resumes, not replays). Projections are idempotent and every event the feeder writes has a fixed
 * id, so several processes feeding at once do the work at most twice and record it exactly once.
 */
import type { Logger } from 'pino';
import { createHash } from 'node:crypto';
import { eventId, referencedBlobs, type EventDoc, type SubmissionDoc } from '../../../src/domain/documents';
import { evaluateAutoApproval } from '../../../src/domain/auto-approval';
import { computeSla } from '../../../src/domain/calendar';
import { submissionFacts } from '../../../src/domain/five-figures-facts';
import type { MatterDoc } from '../../../src/domain/catalog';
import { foldEvents } from '../../../src/domain/submission-machine';
import type { QueueItem } from '../../../src/domain/api-contract';
import { presentBlobs } from '../blobs/blob-store';
import type { Audit } from '../audit/sink';
import { StoreError, type CouchClient } from '../store/couch';
import { appendEvent, loadMatter, loadRecord, pickupHash, QUEUE_DB, queueItem, submissionOf, waitingFor, writeProjection } from './projection';

/** Crockford base32, the ULID alphabet. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The 秒批 event's id, the same in every process: the submission's ULID time and 80 bits of a hash of it, so two
 * processes approving at once write one document (the second gets 409) instead of approving twice.
 */
export function autoApprovalEventId(submissionId: string): string {
  const ulid = submissionId.slice('submission:'.length);
  const hash = createHash('sha256').update(`${submissionId}|autoApprove`).digest();
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[hash[i]! & 31];
  return eventId(submissionId, ulid.slice(0, 10) + tail);
}

interface Drain {
  /** Set when a change is announced while the drain runs: it reads once more before it ends. */
  again: boolean;
  done: Promise<void>;
  /** When the change that started it was announced (the feeder's lag is the oldest of these). */
  since: number;
}

export interface FeederStats {
  /** Store requests the feeder made (changes reads, projections, checkpoints), since start. */
  storeReads: number;
  /** Station drains run (one per announced burst of changes of a station). */
  drains: number;
}

/** What a projection already read, handed to the next round of the same projection (after its own event). */
interface Known {
  claimed: QueueItem | undefined;
  record: { submission: SubmissionDoc; events: EventDoc[] };
}

export class QueueFeeder {
  private readonly abort = new AbortController();
  private readonly drains = new Map<string, Drain>();
  /** Each station's checkpoint as this process last wrote it. */
  private readonly checkpoints = new Map<string, string | number>();
  /** Serialises work per submission so two changes for one submission never race. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly matters = new Map<string, { doc: MatterDoc | undefined; at: number }>();
  private readonly listeners = new Set<(item: QueueItem) => void>();
  /** The projection version each submission was last announced with (the feed repeats this process's writes). */
  private readonly emitted = new Map<string, string>();
  private readonly watchers: Promise<void>[] = [];
  /** Drains waiting for a slot: a burst of hundreds of stations must not open hundreds of store requests. */
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private pendingHashes = new Set<string>();
  /** Events this feeder wrote and is projecting itself, by id → revision (the feed's echo is skipped). */
  private readonly ownEvents = new Map<string, string>();
  private hashTimer: ReturnType<typeof setTimeout> | undefined;
  readonly stats: FeederStats = { storeReads: 0, drains: 0 };
  private readonly audit: Audit;

  /** Without `audit`, entries (refused foreign ids, 秒批) are only logged. */
  constructor(
    private readonly store: CouchClient,
    private readonly log: Logger,
    private readonly opts: { maxConcurrentDrains?: number; audit?: Audit } = {},
  ) {
    this.audit = opts.audit ?? ((event, level = 'info') => log[level](event));
  }

  /** Tell listeners of a projection once, whether this process wrote it or the projection feed brought it. */
  private emit(item: QueueItem): void {
    if (this.emitted.get(item.submissionId) === item.updatedAt) return;
    if (this.emitted.size > 10_000) this.emitted.clear();
    this.emitted.set(item.submissionId, item.updatedAt);
    for (const listener of this.listeners) listener(item);
  }

  private expectEcho(id: string, rev: string): void {
    if (this.ownEvents.size > 10_000) this.ownEvents.clear();
    this.ownEvents.set(id, rev);
  }

  /** Whether a change is the echo of an event `expectEcho` recorded (consumed: an echo is skipped once). */
  private isOwnEcho(id: string, rev: string | undefined): boolean {
    if (rev === undefined || this.ownEvents.get(id) !== rev) return false;
    this.ownEvents.delete(id);
    return true;
  }

  /** Called after every projection change by any process (the hall's live dashboard and queue listen here). */
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
    const doc = await loadMatter(this.store, id);
    this.matters.set(id, { doc, at: Date.now() });
    return doc;
  }

  /**
   * Start following: the store-wide update feed (CouchDB) and the projection feed that tells this process's
   * listeners about changes made by any process. Then each station in `stations` is swept from its checkpoint.
   */
  async start(stations: string[]): Promise<void> {
    const since = await this.dbUpdatesNow();
    if (since !== undefined) this.watchers.push(this.watchDbUpdates(since));
    this.watchers.push(this.watchProjections(await this.queueNow()));
    for (const id of stations) void this.touched(id);
  }

  /** A station's database is new or may have changed (created by the admin API, or written): read it. */
  follow(stationId: string): void {
    void this.touched(stationId);
  }

  /**
   * Something wrote to a station's database: read its changes since the checkpoint and project what they touch.
   * Cheap to call for every write; calls during a drain fold into one more read. Resolves when drained.
   */
  touched(stationId: string): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    const running = this.drains.get(stationId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const drain: Drain = { again: false, done: Promise.resolve(), since: Date.now() };
    drain.done = this.withSlot(() => this.drain(stationId, drain))
      .catch((e: unknown) => this.log.error({ err: e, stationId }, 'queue feeder: drain failed'))
      .finally(() => {
        if (this.drains.get(stationId) === drain) this.drains.delete(stationId);
      });
    this.drains.set(stationId, drain);
    return drain.done;
  }

  /** Seconds the oldest announced change has waited to be projected (0 when every station is drained). */
  lagSeconds(): number {
    let oldest = Infinity;
    for (const d of this.drains.values()) oldest = Math.min(oldest, d.since);
    return oldest === Infinity ? 0 : (Date.now() - oldest) / 1000;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.hashTimer);
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.allSettled([...this.watchers, ...[...this.drains.values()].map((d) => d.done), ...this.chains.values()]);
  }

  /**
   * A blob arrived: re-check the submissions that were waiting for it. Arrivals within 200 ms share one look-up
   * (an upload burst of a thousand pages is a few dozen queries, not a thousand).
   */
  blobStored(sha256: string): Promise<void> {
    this.pendingHashes.add(sha256);
    if (this.hashTimer) return Promise.resolve();
    return new Promise((resolve) => {
      this.hashTimer = setTimeout(() => {
        this.hashTimer = undefined;
        const hashes = [...this.pendingHashes];
        this.pendingHashes = new Set();
        void this.recheck(hashes)
          .catch((e: unknown) => this.log.error({ err: e }, 'queue feeder: blob recheck failed'))
          .finally(resolve);
      }, 200);
    });
  }

  private async recheck(hashes: string[]): Promise<void> {
    if (!hashes.length || this.abort.signal.aborted) return;
    this.stats.storeReads++;
    const waiting = await waitingFor(this.store, hashes);
    if (!waiting.length) return;
    // Project only the submissions with every missing page now stored: a submission's first four pages of five
    // change nothing the hall acts on, and re-projecting after each one cost ~6 store requests per page (bench,
    // ingest section). Its `missingBlobs` stays as it was until the last page arrives.
    this.stats.storeReads++;
    const present = await presentBlobs(this.store, [...new Set(waiting.flatMap((w) => w.missingBlobs))]);
    const complete = waiting.filter((w) => w.missingBlobs.every((h) => present.has(h)));
    await Promise.all(complete.map((item) => this.schedule(item.stationId, item.submissionId)));
  }

  private async withSlot<T>(work: () => Promise<T>): Promise<T> {
    const max = this.opts.maxConcurrentDrains ?? 8;
    while (this.active >= max && !this.abort.signal.aborted) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Read a station's changes from its checkpoint until none are left, projecting each touched submission. */
  private async drain(stationId: string, drain: Drain): Promise<void> {
    this.stats.drains++;
    const db = `station-${stationId}`;
    const checkpointId = `_local/feeder-${stationId}`;
    // The checkpoint this process last wrote is known: read the stored one only the first time (or from another
    // process's progress, which is at worst older: reading from an older point only projects again).
    const known = this.checkpoints.get(stationId);
    if (known === undefined) this.stats.storeReads++;
    let since: string | number = known ?? (await this.store.get<{ since: string | number }>(QUEUE_DB, checkpointId).catch(() => undefined))?.since ?? 0;
    let failures = 0;
    do {
      drain.again = false;
      for (;;) {
        if (this.abort.signal.aborted) return;
        try {
          this.stats.storeReads++;
          const changes = await this.store.changesSince(db, since, 500);
          const touched = new Set<string>();
          for (const change of changes.results) {
            if (this.isOwnEcho(change.id, change.changes[0]?.rev)) continue;
            const id = submissionOf(change.id);
            if (id) touched.add(id);
          }
          await Promise.all([...touched].map((id) => this.schedule(stationId, id)));
          if (changes.last_seq !== since) {
            since = changes.last_seq;
            this.checkpoints.set(stationId, since);
            this.stats.storeReads++;
            await this.store.upsert<{ _id: string; since: string | number }>(QUEUE_DB, checkpointId, () => ({ _id: checkpointId, since }));
          }
          failures = 0;
          if (changes.results.length < 500) break;
        } catch (e) {
          if (this.abort.signal.aborted) return;
          if (e instanceof StoreError && e.status === 404) return; // no such station database (yet): nothing to feed
          failures++;
          this.log.warn({ err: e, stationId, failures }, 'queue feeder: changes failed, backing off');
          await this.sleep(Math.min(30_000, 250 * 2 ** failures));
        }
      }
    } while (drain.again);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }

  /** The current end of the store's `_db_updates` feed, or undefined where the store has none (embedded). */
  private async dbUpdatesNow(): Promise<string | undefined> {
    try {
      const r = await this.store.json<{ last_seq?: string }>('GET', '/_db_updates?feed=normal&since=now&limit=0');
      return r.last_seq ?? undefined;
    } catch (e) {
      this.log.info({ reason: (e as Error).message }, 'queue feeder: the store has no _db_updates; following this process\'s writes only');
      return undefined;
    }
  }

  /** One long-poll for the whole store: a station database that changed is drained, whoever wrote it. */
  private async watchDbUpdates(since: string): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      const request = new AbortController(); // one per request: fetch keeps a listener on the signal it is given
      const onAbort = (): void => request.abort();
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const r = await this.store.json<{ results: { db_name: string; type: string }[]; last_seq: string }>(
          'GET',
          `/_db_updates?feed=longpoll&timeout=25000&since=${encodeURIComponent(since)}`,
          undefined,
          request.signal,
        );
        const stations = new Set<string>();
        for (const u of r.results) {
          const name = this.store.unprefixed(u.db_name);
          // A new database holds nothing yet (the admin API follows new stations itself); only writes are news.
          if (name?.startsWith('station-') && u.type === 'updated') stations.add(name.slice('station-'.length));
        }
        for (const id of stations) void this.touched(id);
        since = r.last_seq;
        failures = 0;
      } catch (e) {
        if (this.abort.signal.aborted) break;
        failures++;
        this.log.warn({ err: e, failures }, 'queue feeder: _db_updates failed, backing off');
        await this.sleep(Math.min(30_000, 250 * 2 ** failures));
        // After a gap (a node restarted) every station may have changed unseen: sweep those we know of.
        if (failures === 1) void this.sweepAll();
      } finally {
        this.abort.signal.removeEventListener('abort', onAbort);
      }
    }
  }

  /** Drain every station database from its checkpoint (start, and after the update feed was lost). */
  async sweepAll(): Promise<void> {
    const names = await this.store.listDbs().catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.startsWith('station-')).map((n) => this.touched(n.slice('station-'.length))));
  }

  private async queueNow(): Promise<string | number> {
    try {
      return (await this.store.json<{ update_seq: string | number }>('GET', `/${QUEUE_DB}`)).update_seq;
    } catch {
      return 0;
    }
  }

  /** Projection changes by any process, for this process's listeners (live queue and dashboard). */
  private async watchProjections(since: string | number): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      const request = new AbortController();
      const onAbort = (): void => request.abort();
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const changes = await this.store.changes<QueueItem>(QUEUE_DB, since, { timeoutMs: 25_000, limit: 500, signal: request.signal });
        for (const c of changes.results) if (c.doc?.type === 'queueItem') this.emit(c.doc);
        since = changes.last_seq;
        failures = 0;
      } catch (e) {
        if (this.abort.signal.aborted) break;
        failures++;
        this.log.warn({ err: e, failures }, 'queue feeder: projection feed failed, backing off');
        await this.sleep(Math.min(30_000, 250 * 2 ** failures));
      } finally {
        this.abort.signal.removeEventListener('abort', onAbort);
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

  /**
   * Project again every submission whose clock runs (accepted and not yet decided), e.g. after the calendar
   * changed: their stored due dates were computed with the old one. Resolves with how many were projected.
   */
  async reprojectRunning(): Promise<number> {
    // Collected first, then projected: projecting moves an item's sortKey, and with it the pages being read.
    const running: Pick<QueueItem, 'stationId' | 'submissionId'>[] = [];
    for (const state of ['accepted', 'correctionRequested', 'dispatched', 'approved'] as const) {
      for (let skip = 0; ; skip += 1000) {
        this.stats.storeReads++;
        const { docs } = await this.store.find<Pick<QueueItem, 'stationId' | 'submissionId'>>(QUEUE_DB, {
          selector: { state, sortKey: { $gt: null } },
          use_index: 'idx-state-sort',
          fields: ['stationId', 'submissionId'],
          limit: 1000,
          skip,
        });
        running.push(...docs);
        if (docs.length < 1000 || this.abort.signal.aborted) break;
      }
    }
    await Promise.all(running.map((d) => this.schedule(d.stationId, d.submissionId)));
    return running.length;
  }

  /** Recompute one submission's projection from its documents; confirm receipt when complete. */
  async project(stationId: string, submissionId: string, depth = 0, known?: Known): Promise<QueueItem | undefined> {
    // A submission id belongs to the station that first brought it. Ids are not secret (hall URLs, the
    // enterprise API): the same id in another station's database must never replace or mix with it.
    const claimed = known ? known.claimed : await queueItem(this.store, submissionId);
    if (claimed && claimed.stationId !== stationId) {
      this.audit({ audit: 'refused', reason: 'submission id of another station', submissionId, stationId, owner: claimed.stationId }, 'warn');
      return undefined;
    }
    const record = known?.record ?? (await loadRecord(this.store, stationId, submissionId));
    if (!record) return undefined; // events can arrive before their submission; its own change will follow
    const { submission, events } = record;
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
      let rev: string | undefined;
      try {
        rev = await appendEvent(this.store, receive);
      } catch (e) {
        if (!(e instanceof StoreError && e.status === 409)) throw e; // another process confirmed it: read what it wrote
      }
      if (!rev) return this.project(stationId, submissionId, depth + 1);
      // The station's feed will bring this event back; the projection below already holds it, so the echo is
      // skipped (a projection per page otherwise). Should that projection fail, it is scheduled again here.
      this.expectEcho(receive._id, rev);
      try {
        return await this.project(stationId, submissionId, depth + 1, { claimed, record: { submission, events: [...events, receive] } });
      } catch (e) {
        this.ownEvents.delete(receive._id);
        void this.schedule(stationId, submissionId);
        throw e;
      }
    }
    const matter = await this.matter(submission.matterId);
    // 秒批: a complete, freshly received submission of an eligible matter that no person has touched yet.
    const autoApproval = matter ? evaluateAutoApproval(matter, submission) : undefined;
    if (folded.state === 'received' && missingBlobs.length === 0 && autoApproval?.passed && depth < 2 && !events.some((e) => e.role === 'hall' || e.action === 'autoApprove')) {
      const now = new Date().toISOString();
      const autoEvent: EventDoc = {
        _id: autoApprovalEventId(submissionId),
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
      try {
        await appendEvent(this.store, autoEvent);
        this.audit({ audit: 'autoApprove', submissionId, stationId });
      } catch (e) {
        if (!(e instanceof StoreError && e.status === 409)) throw e; // another process approved it: once is enough
      }
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
      ...(status.certificateNo ? { certificateNo: status.certificateNo } : {}),
      ...(status.delivery ? { delivery: status.delivery } : {}),
      facts: submissionFacts(submission, events, matter),
      updatedAt: new Date().toISOString(),
    };
    const { foreign, changed } = await writeProjection(this.store, item, { doc: claimed });
    // This process's listeners hear at once; other processes' from the projection feed (watchProjections).
    if (changed) this.emit(item);
    return foreign ? undefined : item;
  }
}
