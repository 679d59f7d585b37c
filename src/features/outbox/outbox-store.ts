/**
 * 发件箱: every submission this device holds, with where it is on its way to the hall — pages uploaded,
 * documents sent, refused, received — and its state folded from its events.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { liveQuery, type Subscription } from 'dexie';
import { eventDocSchema, referencedBlobs, submissionDocSchema, type EventDoc, type SubmissionDoc } from '../../domain/documents';
import { FINAL_STATES, foldEvents, type SubmissionState, type SubmissionStatus } from '../../domain/submission-machine';
import { db, type DocSyncState, type Draft, type StoredBlob } from '../../storage/db';
import { deleteDraft } from '../../storage/drafts';
import { purgedOf } from '../../storage/purge';
import type { PurgedSubmission } from '../../domain/purge';
import { estimateStorage, type StorageEstimateInfo } from '../../storage/quota';
import type { SyncEngine } from '../../sync/sync-engine';
import { indexCatalog, type CatalogIndex } from '../../shared/i18n/catalog-names';
import { loadMatters } from '../../shared/catalog';
import { msg, type Msg } from '../../shared/i18n/messages';

/** A 容缺 material the applicant promised and has not supplied yet. */
export interface OutstandingMaterial {
  materialId: string;
  /** The name the submission recorded (views show the catalog's name in the UI's language where there is one). */
  name: string;
  /** The promised date (YYYY-MM-DD, China day). */
  dueDate: string | undefined;
}

export interface OutboxItem {
  /** The replicated document, or what stays of it once its personal fields have left the device (issue 8). */
  submission: SubmissionDoc | PurgedSubmission;
  state: SubmissionState | undefined;
  status: SubmissionStatus;
  events: EventDoc[];
  pagesTotal: number;
  pagesUploaded: number;
  pageErrors: string[];
  docsSent: boolean;
  refused: string | undefined;
  /** 容缺 still owed, earliest due first; empty once the case is closed (rejected, withdrawn, denied). */
  outstanding: OutstandingMaterial[];
  /** This device's events (supplements, withdrawals) the server holds, with their pages. */
  onServer: string[];
}

/** Where a submission is on its way to the hall, as the outbox card says it. */
export interface SyncProgress {
  /** Stable name for tests and styles. */
  state: 'refused' | 'pageRefused' | 'synced' | 'offline' | 'uploading' | 'waiting' | 'sent';
  text: Msg;
  kind: 'ok' | 'wait' | 'bad';
}

/**
 * The card's sync line. Offline, nothing moves: what has not gone yet waits for the network, which is what the
 * card says (with the pages sent so far), rather than "uploading" that is not happening.
 */
export function syncProgress(item: Pick<OutboxItem, 'refused' | 'pageErrors' | 'state' | 'pagesUploaded' | 'pagesTotal' | 'docsSent'>, offline: boolean): SyncProgress {
  if (item.refused) return { state: 'refused', text: msg('outbox.refused', { reason: item.refused }), kind: 'bad' };
  if (item.pageErrors[0]) return { state: 'pageRefused', text: msg('outbox.pageRefused', { reason: item.pageErrors[0] }), kind: 'bad' };
  if (item.state && item.state !== 'submitted') return { state: 'synced', text: msg('outbox.synced'), kind: 'ok' };
  const pagesLeft = item.pagesUploaded < item.pagesTotal;
  if (offline && (pagesLeft || !item.docsSent)) {
    const text = pagesLeft ? msg('outboxProgress.offlinePages', { done: item.pagesUploaded, total: item.pagesTotal }) : msg('outboxProgress.offline');
    return { state: 'offline', text, kind: 'wait' };
  }
  if (pagesLeft) return { state: 'uploading', text: msg('outbox.uploading', { done: item.pagesUploaded, total: item.pagesTotal }), kind: 'wait' };
  if (!item.docsSent) return { state: 'waiting', text: msg('outbox.waiting'), kind: 'wait' };
  return { state: 'sent', text: msg('outbox.sent'), kind: 'wait' };
}

/** The 容缺 materials `status` still counts as outstanding, with their promised dates; none once the case is closed. */
export function outstandingMaterials(submission: Pick<SubmissionDoc | PurgedSubmission, 'items'>, status: Pick<SubmissionStatus, 'state' | 'outstanding'>): OutstandingMaterial[] {
  if (status.state && FINAL_STATES.includes(status.state)) return [];
  return submission.items
    .filter((i) => status.outstanding.includes(i.materialId))
    .map((i) => ({ materialId: i.materialId, name: i.name, dueDate: i.commitment?.dueDate }))
    .sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
}

export const useOutboxStore = defineStore('outbox', () => {
  const items = ref<OutboxItem[]>([]);
  const drafts = ref<Draft[]>([]);
  const storage = ref<StorageEstimateInfo | undefined>(undefined);
  /** The catalog on the device, for the English names of matters and materials. */
  const catalog = ref<CatalogIndex>(new Map());
  let submissions: SubmissionDoc[] = [];
  let purged: PurgedSubmission[] = [];
  let events: EventDoc[] = [];
  let blobs = new Map<string, StoredBlob>();
  let docSync = new Map<string, DocSyncState>();
  let subscriptions: Subscription[] = [];
  let changes: { cancel(): void } | undefined;

  function rebuild(): void {
    const bySubmission = new Map<string, EventDoc[]>();
    for (const e of events) bySubmission.set(e.submissionId, [...(bySubmission.get(e.submissionId) ?? []), e]);
    const held = new Set(submissions.map((s) => s._id));
    const all: (SubmissionDoc | PurgedSubmission)[] = [...submissions, ...purged.filter((p) => !held.has(p._id))];
    items.value = all
      .map((submission) => {
        const pages = referencedBlobs(submission);
        const mine = bySubmission.get(submission._id) ?? [];
        const ids = [submission._id, ...mine.filter((e) => e.role === 'station').map((e) => e._id)];
        const refused = ids.map((id) => docSync.get(id)?.refused).find(Boolean);
        const pageThere = (sha256: string): boolean => blobs.get(sha256)?.state === 'uploaded' || !blobs.has(sha256);
        const onServer = mine
          .filter((e) => e.role === 'station' && docSync.get(e._id)?.pushedAt && (e.action !== 'supplement' || e.items.every((i) => i.pages.every((p) => pageThere(p.sha256)))))
          .map((e) => e._id);
        return {
          submission,
          ...(() => {
            const folded = foldEvents(mine, submission);
            return {
              state: folded.state,
              status: folded.status,
              events: [...folded.applied, ...folded.ignored.map((x) => x.event)],
              outstanding: outstandingMaterials(submission, folded.status),
            };
          })(),
          pagesTotal: pages.length,
          pagesUploaded: pages.filter((p) => pageThere(p.sha256)).length,
          pageErrors: pages.flatMap((p) => blobs.get(p.sha256)?.lastError ?? []),
          docsSent: ids.every((id) => docSync.get(id)?.pushedAt) || mine.some((e) => e.action === 'receive'),
          refused,
          onServer,
        };
      })
      .sort((a, b) => (a.submission.createdAt < b.submission.createdAt ? 1 : -1));
  }

  async function reloadDocs(engine: SyncEngine): Promise<void> {
    const [s, e] = await Promise.all([
      engine.local.allDocs({ startkey: 'submission:', endkey: 'submission:\ufff0', include_docs: true }),
      engine.local.allDocs({ startkey: 'event:', endkey: 'event:\ufff0', include_docs: true }),
    ]);
    submissions = s.rows.flatMap((r) => {
      const parsed = submissionDocSchema.safeParse(r.doc);
      return parsed.success ? [parsed.data] : [];
    });
    events = e.rows.flatMap((r) => {
      const parsed = eventDocSchema.safeParse(r.doc);
      return parsed.success ? [parsed.data] : [];
    });
    rebuild();
  }

  async function loadCatalog(engine: SyncEngine): Promise<void> {
    catalog.value = indexCatalog(await loadMatters(engine));
  }

  function watchAll(engine: SyncEngine): void {
    unwatch();
    void reloadDocs(engine);
    void loadCatalog(engine).catch(() => undefined);
    changes = engine.watchLocal(() => reloadDocs(engine));
    subscriptions = [
      liveQuery(() => db.blobs.where('stationId').equals(engine.stationId).toArray()).subscribe((rows) => {
        blobs = new Map(rows.map((b) => [b.sha256, b]));
        rebuild();
      }),
      liveQuery(() => db.drafts.where('stationId').equals(engine.stationId).reverse().sortBy('updatedAt')).subscribe((rows) => {
        drafts.value = rows;
        void estimateStorage().then((s) => (storage.value = s));
      }),
      liveQuery(() => db.docSync.toArray()).subscribe((rows) => {
        docSync = new Map(rows.map((d) => [d.id, d]));
        rebuild();
      }),
      liveQuery(() => purgedOf(engine.stationId)).subscribe((rows) => {
        purged = rows;
        rebuild();
      }),
    ];
  }

  function unwatch(): void {
    changes?.cancel();
    subscriptions.forEach((s) => s.unsubscribe());
    subscriptions = [];
  }

  return { items, drafts, storage, catalog, watchAll, unwatch, discardDraft: deleteDraft };
});
