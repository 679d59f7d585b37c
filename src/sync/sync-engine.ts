/**
 * One station device's sync: live two-way replication of the station database, pull-only replication of
 * the catalog, and the blob uploader. Reports one status for the indicator and records per-document push
 * state in Dexie so the outbox can show where every item is.
 *
 * It also runs the purge of personal fields (issue 8, src/sync/purge.ts) at start, when a sync has brought
 * something new, and hourly. The purge may replace the station database with a rebuilt generation, so
 * `local` can change: write through {@link SyncEngine.write} and follow changes with
 * {@link SyncEngine.watchLocal}, which both survive the swap.
 */
import { purgeAfterDays } from '../domain/purge';
import { CHANGE_GATHER_MS, coalesce } from './coalesce';
import { db, getSetting } from '../storage/db';
import { SETTING_KEYS } from '../storage/keys';
import { storePurged } from '../storage/purge';
import { sendHeartbeat } from './heartbeat';
import { withLock } from './lock';
import { commitGeneration, currentLocalName, destroyRetired, isClosedConnection, localDb, newGeneration, remoteDb, reopenDb, stationDbName, type LocalDb } from './pouch';
import { copyWithout, planLocalPurge, readPullPosition, writePullSeq, type Seq } from './purge';
import { Uploader, type UploadProgress } from './uploader';
import { countUnsynced, countWrittenNotPushed, notePushed, noteRefused, noteWritten } from '../storage/doc-sync';

/** Pages on the device the server does not have yet (in a draft, or waiting to upload). */
const pendingPages = (): Promise<number> => db.blobs.where('state').anyOf('pending', 'draft').count();

/** How often a running device looks for submissions whose purge window has passed. */
const PURGE_CHECK_MS = 60 * 60_000;
/** At most one heartbeat a minute (the first at once). */
const HEARTBEAT_MS = 60_000;

export type SyncPhase = 'offline' | 'syncing' | 'idle' | 'unauthorized' | 'error';

export interface SyncStatus {
  phase: SyncPhase;
  lastSyncAt?: string;
  message?: string;
  upload?: UploadProgress;
  /** Documents and pages written on this device that the server does not have yet. */
  waiting?: number;
}

interface Cancelable {
  cancel(): void;
}

export class SyncEngine {
  catalog: LocalDb;
  private db: LocalDb;
  private readonly base: string;
  private readonly lockName: string;
  private handles: Cancelable[] = [];
  /** Settle when the replications in `handles` have stopped after a cancel. */
  private running: PromiseLike<unknown>[] = [];
  /** Bumped by every (re)start and cancel, so a replicate() that was waiting knows it is stale. */
  private token = 0;
  private started = false;
  private stopped = false;
  private replicationIdle = false;
  private uploader: Uploader;
  private status: SyncStatus = { phase: navigator.onLine ? 'syncing' : 'offline' };
  private purging: Promise<void> | undefined;
  private pulledSincePurge = true;
  private lastPurgeCheck = 0;
  private purgeTimer: ReturnType<typeof setInterval> | undefined;
  private seqWrites: Promise<void> = Promise.resolve();
  private readonly swapListeners = new Set<() => void>();
  private readonly onOnline = (): void => this.restart();
  private readonly onOffline = (): void => this.set({ phase: 'offline' });
  /** Another tab rebuilt the station database: follow it. */
  private readonly onStorage = (e: StorageEvent): void => {
    if (e.key === null || e.key.endsWith(`:${this.base}`)) this.followGeneration();
  };

  constructor(
    readonly stationId: string,
    private readonly report: (status: SyncStatus) => void,
    /** The purge window from the (cached) session; anything invalid or missing means the default. */
    private readonly purgePolicy: () => unknown = () => undefined,
    /** The server says an administrator retired this device (lost or stolen). */
    private readonly onRetired?: () => void,
  ) {
    this.base = stationDbName(stationId);
    this.lockName = `lxe-localdb:${this.base}`;
    this.db = localDb(currentLocalName(this.base));
    this.catalog = localDb('catalog');
    this.uploader = new Uploader(stationId, {
      progress: (upload) => {
        this.set(upload ? { phase: 'syncing', upload } : { upload: undefined });
        if (!upload) void this.countWaiting();
      },
      unauthorized: () => this.unauthorized(),
      error: (message) => this.set({ phase: navigator.onLine ? 'error' : 'offline', message }),
    });
  }

  /** The station's replicated database (the current generation: a purge may replace it). */
  get local(): LocalDb {
    return this.db;
  }

  start(): void {
    this.started = true;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('storage', this.onStorage);
    this.purgeTimer = setInterval(() => void this.purge(), PURGE_CHECK_MS);
    void this.replicate();
  }

  /** Signed in again after the session expired: replication and uploads pick up where they stopped. */
  signedInAgain(): void {
    if (this.stopped) return;
    if (!this.started) this.start();
    else this.restart();
  }

  stop(): void {
    this.started = false;
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('storage', this.onStorage);
    clearInterval(this.purgeTimer);
    this.cancelAll();
    this.uploader.stop();
  }

  /** Write to the station database. Waits while a purge rebuilds it, so nothing written can be lost. */
  write<T>(fn: (local: LocalDb) => Promise<T>): Promise<T> {
    return withLock(this.lockName, 'shared', async () => {
      this.followGeneration();
      let result: T;
      try {
        result = await fn(this.db);
      } catch (e) {
        if (!isClosedConnection(e)) throw e;
        // The browser closed the databases after a storage failure (a full disk, since freed): reopen, retry once.
        await this.reopen();
        result = await fn(this.db);
      }
      // Remembered as written here, so the sign-out warning counts this device's own work and nothing it pulled.
      await noteWritten(writtenIds(result), new Date().toISOString()).catch(() => undefined);
      void this.countWaiting();
      return result;
    });
  }

  /** Fresh PouchDB instances for the station database and the catalog; watchers and replication follow. */
  private async reopen(): Promise<void> {
    this.cancelAll();
    this.db = await reopenDb(this.db.name);
    this.catalog = await reopenDb('catalog');
    for (const listener of this.swapListeners) listener();
    this.resume();
  }

  /**
   * Live changes of the station database; after a rebuild it follows the new one and calls `onChange` once.
   * Calls are gathered (see `coalesce`); a promise returned by `onChange` is awaited before the next call.
   */
  watchLocal(onChange: () => unknown): Cancelable {
    return this.follow(() => this.db, onChange);
  }

  /** Live changes of the catalog; after a reopen (storage failure) it follows the new instance likewise. */
  watchCatalog(onChange: () => unknown): Cancelable {
    return this.follow(() => this.catalog, onChange);
  }

  private follow(current: () => LocalDb, onChange: () => unknown): Cancelable {
    // Replication writes in bursts (a batch of up to 100 documents is 100 changes) and listeners re-read whole
    // databases: a burst is told once, after a short gathering window, and never while the listener's last
    // re-read is still running (a new device's first sync re-read and validated the catalog per document).
    const told = coalesce(onChange, CHANGE_GATHER_MS);
    const follow = () => current().changes({ live: true, since: 'now' }).on('change', told.call);
    let feed = follow();
    const swapped = (): void => {
      feed.cancel();
      feed = follow();
      told.call();
    };
    this.swapListeners.add(swapped);
    return {
      cancel: () => {
        feed.cancel();
        told.cancel();
        this.swapListeners.delete(swapped);
      },
    };
  }

  /**
   * Let personal fields leave the device once their window has passed (issue 8): keep a masked record of each
   * due submission in Dexie, then rebuild the station database without those documents (and without bookings
   * past the window). Works offline; runs one at a time; never throws.
   */
  purge(): Promise<void> {
    this.purging ??= this.runPurge()
      .catch((e: unknown) => console.warn('purge of personal fields failed; retried later', e))
      .finally(() => {
        this.purging = undefined;
      });
    return this.purging;
  }

  /** What would be lost by wiping the device now: unsent documents, pages not yet uploaded, open drafts. */
  async unsynced(): Promise<{ docs: number; pages: number; drafts: number }> {
    const [docs, rows, pages, drafts, deviceId] = await Promise.all([
      this.local.allDocs({ include_docs: true }),
      db.docSync.toArray(),
      pendingPages(),
      db.drafts.count(),
      getSetting<string>(SETTING_KEYS.deviceId).catch(() => undefined),
    ]);
    return { docs: countUnsynced(docs.rows as { id: string; doc?: { type?: string; deviceId?: string } }[], rows, deviceId), pages, drafts };
  }

  /** New local work (a submission): push pages now rather than at the next retry. */
  kick(): void {
    void this.uploader.kick();
  }

  private restart(): void {
    this.cancelAll();
    this.uploader.stop();
    this.uploader = new Uploader(this.stationId, {
      progress: (upload) => {
        this.set(upload ? { phase: 'syncing', upload } : { upload: undefined });
        if (!upload) void this.countWaiting();
      },
      unauthorized: () => this.unauthorized(),
      error: (message) => this.set({ phase: navigator.onLine ? 'error' : 'offline', message }),
    });
    void this.replicate();
  }

  private cancelAll(): void {
    this.token++;
    for (const h of this.handles) h.cancel();
    this.handles = [];
  }

  private async runPurge(): Promise<void> {
    this.pulledSincePurge = false;
    this.lastPurgeCheck = Date.now();
    // What an interrupted rebuild (or another tab's) left behind still holds personal data.
    await withLock(this.lockName, 'exclusive', () => destroyRetired(this.base));
    const plan = await planLocalPurge(this.db, new Date(), purgeAfterDays(this.purgePolicy()));
    // Signed out meanwhile: the wipe has taken everything already.
    if (this.stopped || (!plan.submissions.length && !plan.bookingIds.length)) return;
    await storePurged(plan.submissions, plan.hashes);
    await this.rebuild(new Set([...plan.submissions.map((s) => s._id), ...plan.bookingIds]));
  }

  /**
   * Replace the station database by a copy without `drop`. Replication pauses meanwhile and writes wait (the
   * exclusive lock); the new generation becomes current only once complete, so a crash leaves the old one.
   */
  private async rebuild(drop: ReadonlySet<string>): Promise<void> {
    await withLock(this.lockName, 'exclusive', async () => {
      this.followGeneration();
      const replications = this.running;
      this.cancelAll();
      await Promise.race([Promise.allSettled(replications), new Promise((r) => setTimeout(r, 5000))]);
      await this.seqWrites;
      const next = newGeneration(this.base);
      try {
        await copyWithout(this.db, next, drop);
        if (this.stopped) throw new Error('signed out during the rebuild');
        commitGeneration(next.name);
        this.db = next;
        for (const listener of this.swapListeners) listener();
      } finally {
        // The old generation after a swap, or the unfinished copy after a failure.
        await destroyRetired(this.base);
        this.resume();
      }
    });
  }

  /** Another tab made a new generation current: use it (reads localStorage, so it is synchronous). */
  private followGeneration(): void {
    const name = currentLocalName(this.base);
    if (name === this.db.name) return;
    this.cancelAll();
    this.db = localDb(name);
    for (const listener of this.swapListeners) listener();
    this.resume();
  }

  /**
   * Replication after a swap: cancelling bumped the token, so a replicate() still waiting (e.g. for the purge
   * at start) gives up and this one takes its place. Not while signed out here or waiting for the password.
   */
  private resume(): void {
    if (this.started && this.status.phase !== 'unauthorized') void this.replicate();
  }

  /** Everything up to `seq` is in the database: remember it, so a rebuilt generation pulls on from there. */
  private notePulled(local: LocalDb, seq: unknown): void {
    if (typeof seq !== 'string' && typeof seq !== 'number') return;
    const at: Seq = seq;
    this.seqWrites = this.seqWrites.then(() => writePullSeq(local, at)).catch(() => undefined);
  }

  private unauthorized(): void {
    this.cancelAll();
    this.uploader.stop();
    this.set({ phase: 'unauthorized', message: '登录已过期，请重新登录后同步 (session expired: sign in to sync)' });
  }

  private lastHeartbeat = 0;
  private heartbeating = false;

  /**
   * Tell the fleet list how this device is, after a sync caught up or the server turned the session away (a
   * retired device's sessions end; its heartbeat is answered without one). Failures only wait for the next.
   */
  private heartbeat(): void {
    // Turned away is rare and may mean the device was retired: ask at once rather than within the minute.
    const due = this.status.phase === 'unauthorized' || Date.now() - this.lastHeartbeat >= HEARTBEAT_MS;
    if (this.heartbeating || this.stopped || !due || !navigator.onLine) return;
    this.heartbeating = true;
    this.lastHeartbeat = Date.now();
    void this.unsynced()
      .then((waiting) => sendHeartbeat({ lastSyncAt: this.status.lastSyncAt, waiting }))
      .then(({ retired }) => {
        if (retired && !this.stopped) this.onRetired?.();
      })
      .catch(() => undefined)
      .finally(() => {
        this.heartbeating = false;
      });
  }

  /** Recount what waits for the server (after a local write, a push, and when sync pauses). */
  private async countWaiting(): Promise<void> {
    const waiting = await Promise.all([countWrittenNotPushed(), pendingPages()])
      .then(([docs, pages]) => docs + pages)
      .catch(() => undefined);
    if (waiting !== undefined && waiting !== (this.status.waiting ?? 0)) this.set({ waiting });
  }

  private set(patch: Partial<SyncStatus>): void {
    // Uploads finishing while replication is paused and healthy means everything is up to date.
    if ('upload' in patch && patch.upload === undefined && this.replicationIdle && this.status.phase === 'syncing') {
      patch = { ...patch, phase: 'idle', lastSyncAt: new Date().toISOString() };
    }
    const before = this.status.phase;
    this.status = { ...this.status, ...patch };
    // The badge tells the truth: without a network nothing is "synced" and nothing is an error — it is offline,
    // with what is waiting. (A failed request while offline is the network's absence, not a fault.)
    if (!navigator.onLine && this.status.phase !== 'unauthorized') this.status.phase = 'offline';
    if (this.status.upload === undefined) delete this.status.upload;
    this.report({ ...this.status });
    if (this.status.phase === 'idle' || (this.status.phase === 'unauthorized' && before !== 'unauthorized')) this.heartbeat();
  }

  private async replicate(): Promise<void> {
    const token = ++this.token;
    // At start the purge goes first, so purged documents are never pulled again.
    await this.purging;
    const position = await readPullPosition(this.db);
    if (token !== this.token || !this.started) return;
    const local = this.db;
    const remote = remoteDb(stationDbName(this.stationId), () => this.unauthorized());
    const backOff = (delay: number): number => (delay === 0 ? 1000 : Math.min(30_000, delay * 2));
    // A rebuilt generation has no replication checkpoint of its own: it pulls from the position the device
    // recorded, and keeps its pull checkpoint on the device only. (With the default two-sided checkpoints, an
    // attempt cut off between writing the local and the server copy leaves them disagreeing, and PouchDB then
    // starts again from 0, which would bring the purged documents back.)
    const pull = position?.rebuilt ? { pull: { since: position.seq, checkpoint: 'target' as const } } : {};
    const sync = local.sync(remote, { live: true, retry: true, back_off_function: backOff, ...pull });
    sync
      .on('change', (info) => {
        if (info.direction === 'push') {
          const now = new Date().toISOString();
          void notePushed(info.change.docs.map((d) => d._id), now).then(() => this.countWaiting());
        } else {
          this.pulledSincePurge = true;
          this.notePulled(local, info.change.last_seq);
        }
        if (!this.replicationIdle) this.set({ phase: 'syncing' });
      })
      .on('denied', (err) => {
        const e = err as { id?: string; reason?: string; message?: string };
        if (e.id) void noteRefused(e.id, e.reason ?? e.message ?? 'refused by the server');
      })
      .on('active', () => {
        this.replicationIdle = false;
        this.set({ phase: 'syncing' });
      })
      .on('paused', (err) => {
        if (this.status.phase === 'unauthorized') return;
        void this.countWaiting();
        this.replicationIdle = !err && navigator.onLine;
        if (!this.replicationIdle) this.set({ phase: 'offline', message: '等待网络 (waiting for the network)' });
        else if (!this.status.upload) this.set({ phase: 'idle', lastSyncAt: new Date().toISOString(), message: '' });
        // Sync has caught up: whatever the hall decided may now be due for the purge.
        if (this.replicationIdle && (this.pulledSincePurge || Date.now() - this.lastPurgeCheck > PURGE_CHECK_MS)) void this.purge();
      })
      .on('error', (err) => this.set({ phase: 'error', message: String((err as Error).message ?? err) }));
    this.handles.push(sync);
    // The catalog is read-only for devices: its replication checkpoint lives on the device only (the server
    // refuses a checkpoint write to it, which PouchDB would otherwise try, and fail, on every sync).
    const catalog = this.catalog.replicate.from(remoteDb('catalog', () => this.unauthorized()), { live: true, retry: true, back_off_function: backOff, checkpoint: 'target' });
    this.handles.push(catalog);
    this.running = [sync, catalog];
    void this.uploader.kick();
  }
}

/** The ids a write reported as written (`put` gives one result, `bulkDocs` a list; errors are left out). */
function writtenIds(result: unknown): string[] {
  return (Array.isArray(result) ? result : [result]).flatMap((r) => (r && typeof r === 'object' && (r as { ok?: unknown }).ok === true && typeof (r as { id?: unknown }).id === 'string' ? [(r as { id: string }).id] : []));
}
