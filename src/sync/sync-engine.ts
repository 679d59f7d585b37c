/**
 * One station device's sync: live two-way replication of the station database, pull-only replication of
 * the catalog, and the blob uploader. Reports one status for the indicator and records per-document push
 * state in Dexie so the outbox can show where every item is.
 */
import { db } from '../storage/db';
import { localDb, remoteDb, stationDbName, type LocalDb } from './pouch';
import { Uploader, type UploadProgress } from './uploader';

export type SyncPhase = 'offline' | 'syncing' | 'idle' | 'unauthorized' | 'error';

export interface SyncStatus {
  phase: SyncPhase;
  lastSyncAt?: string;
  message?: string;
  upload?: UploadProgress;
}

interface Cancelable {
  cancel(): void;
}

export class SyncEngine {
  readonly local: LocalDb;
  readonly catalog: LocalDb;
  private handles: Cancelable[] = [];
  private replicationIdle = false;
  private uploader: Uploader;
  private status: SyncStatus = { phase: navigator.onLine ? 'syncing' : 'offline' };
  private readonly onOnline = (): void => this.restart();
  private readonly onOffline = (): void => this.set({ phase: 'offline' });

  constructor(
    readonly stationId: string,
    private readonly report: (status: SyncStatus) => void,
  ) {
    this.local = localDb(stationDbName(stationId));
    this.catalog = localDb('catalog');
    this.uploader = new Uploader(stationId, {
      progress: (upload) => this.set(upload ? { phase: 'syncing', upload } : { upload: undefined }),
      unauthorized: () => this.unauthorized(),
      error: (message) => this.set({ phase: navigator.onLine ? 'error' : 'offline', message }),
    });
  }

  start(): void {
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.replicate();
  }

  stop(): void {
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.cancelAll();
    this.uploader.stop();
  }

  /** What would be lost by wiping the device now: unsent documents, pages not yet uploaded, open drafts. */
  async unsynced(): Promise<{ docs: number; pages: number; drafts: number }> {
    const [docs, pushed, pages, drafts] = await Promise.all([
      this.local.allDocs({ include_docs: true }),
      db.docSync.toArray(),
      db.blobs.where('state').anyOf('pending', 'draft').count(),
      db.drafts.count(),
    ]);
    const sent = new Set(pushed.filter((p) => p.pushedAt).map((p) => p.id));
    const mine = docs.rows.filter((r) => {
      const doc = r.doc as { type?: string; role?: string } | undefined;
      return (doc?.type === 'submission' || doc?.type === 'bookingCheck' || (doc?.type === 'event' && doc.role === 'station')) && !sent.has(r.id);
    });
    return { docs: mine.length, pages, drafts };
  }

  /** New local work (a submission): push pages now rather than at the next retry. */
  kick(): void {
    void this.uploader.kick();
  }

  private restart(): void {
    this.cancelAll();
    this.uploader.stop();
    this.uploader = new Uploader(this.stationId, {
      progress: (upload) => this.set(upload ? { phase: 'syncing', upload } : { upload: undefined }),
      unauthorized: () => this.unauthorized(),
      error: (message) => this.set({ phase: navigator.onLine ? 'error' : 'offline', message }),
    });
    this.replicate();
  }

  private cancelAll(): void {
    for (const h of this.handles) h.cancel();
    this.handles = [];
  }

  private unauthorized(): void {
    this.cancelAll();
    this.uploader.stop();
    this.set({ phase: 'unauthorized', message: '登录已过期，请重新登录后同步 (session expired: sign in to sync)' });
  }

  private set(patch: Partial<SyncStatus>): void {
    // Uploads finishing while replication is paused and healthy means everything is up to date.
    if ('upload' in patch && patch.upload === undefined && this.replicationIdle && this.status.phase === 'syncing') {
      patch = { ...patch, phase: 'idle', lastSyncAt: new Date().toISOString() };
    }
    this.status = { ...this.status, ...patch };
    if (this.status.upload === undefined) delete this.status.upload;
    this.report({ ...this.status });
  }

  private replicate(): void {
    const remote = remoteDb(stationDbName(this.stationId), () => this.unauthorized());
    const backOff = (delay: number): number => (delay === 0 ? 1000 : Math.min(30_000, delay * 2));
    const sync = this.local.sync(remote, { live: true, retry: true, back_off_function: backOff });
    sync
      .on('change', (info) => {
        if (info.direction === 'push') {
          const now = new Date().toISOString();
          void db.docSync.bulkPut(info.change.docs.map((d) => ({ id: d._id, pushedAt: now })));
        }
        if (!this.replicationIdle) this.set({ phase: 'syncing' });
      })
      .on('denied', (err) => {
        const e = err as { id?: string; reason?: string; message?: string };
        if (e.id) void db.docSync.put({ id: e.id, refused: e.reason ?? e.message ?? 'refused by the server' });
      })
      .on('active', () => {
        this.replicationIdle = false;
        this.set({ phase: 'syncing' });
      })
      .on('paused', (err) => {
        if (this.status.phase === 'unauthorized') return;
        this.replicationIdle = !err && navigator.onLine;
        if (!this.replicationIdle) this.set({ phase: 'offline', message: '等待网络 (waiting for the network)' });
        else if (!this.status.upload) this.set({ phase: 'idle', lastSyncAt: new Date().toISOString(), message: '' });
      })
      .on('error', (err) => this.set({ phase: 'error', message: String((err as Error).message ?? err) }));
    this.handles.push(sync);
    const catalog = this.catalog.replicate.from(remoteDb('catalog', () => this.unauthorized()), { live: true, retry: true, back_off_function: backOff });
    this.handles.push(catalog);
    void this.uploader.kick();
  }
}
