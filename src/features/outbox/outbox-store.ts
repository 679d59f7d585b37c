/**
 * 发件箱: every submission this device holds, with where it is on its way to the hall — pages uploaded,
 * documents sent, refused, received — and its state folded from its events.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { liveQuery, type Subscription } from 'dexie';
import { eventDocSchema, referencedBlobs, submissionDocSchema, type EventDoc, type SubmissionDoc } from '../../domain/documents';
import { foldEvents, type SubmissionState, type SubmissionStatus } from '../../domain/submission-machine';
import { db, type DocSyncState, type Draft, type StoredBlob } from '../../storage/db';
import { deleteDraft } from '../../storage/drafts';
import { purgedOf } from '../../storage/purge';
import type { PurgedSubmission } from '../../domain/purge';
import { estimateStorage, type StorageEstimateInfo } from '../../storage/quota';
import type { SyncEngine } from '../../sync/sync-engine';
import { indexCatalog, type CatalogIndex } from '../../shared/i18n/catalog-names';
import { loadMatters } from '../../shared/catalog';

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
        const uploaded = pages.filter((p) => blobs.get(p.sha256)?.state === 'uploaded' || !blobs.has(p.sha256));
        const mine = bySubmission.get(submission._id) ?? [];
        const ids = [submission._id, ...mine.filter((e) => e.role === 'station').map((e) => e._id)];
        const refused = ids.map((id) => docSync.get(id)?.refused).find(Boolean);
        return {
          submission,
          ...(() => {
            const folded = foldEvents(mine, submission);
            return { state: folded.state, status: folded.status, events: [...folded.applied, ...folded.ignored.map((x) => x.event)] };
          })(),
          pagesTotal: pages.length,
          pagesUploaded: uploaded.length,
          pageErrors: pages.flatMap((p) => blobs.get(p.sha256)?.lastError ?? []),
          docsSent: ids.every((id) => docSync.get(id)?.pushedAt) || mine.some((e) => e.action === 'receive'),
          refused,
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
    changes = engine.watchLocal(() => void reloadDocs(engine));
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
