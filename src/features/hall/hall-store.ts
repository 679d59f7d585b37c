/**
 * The hall officer's data: queue views, one submission's record, decisions and the dashboard, all through
 * the sync-server's hall API (the hall works online). A server-sent event stream tells every open view when
 * anything in the queue changed, so nothing needs a reload.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../../sync/api';
import type { EventDoc, SubmissionDoc } from '../../domain/documents';
import type { SubmissionStatus } from '../../domain/submission-machine';
import type { Dashboard } from '../../domain/dashboard';
import { indexCatalog, type CatalogIndex } from '../../shared/i18n/catalog-names';
import { loadMatters } from '../../shared/catalog';

export interface QueueItem {
  submissionId: string;
  stationId: string;
  matterId: string;
  matterName: string;
  enterpriseName: string;
  uscc: string;
  applicantName: string;
  receiptNo: string;
  state: string;
  receivedAt: string | null;
  acceptedAt: string | null;
  dueDate: string | null;
  legalDueDate: string | null;
  paused: boolean;
  pages: number;
  deficient: number;
  outstanding: string[];
  missingBlobs: string[];
  overdue: boolean;
  dueSoon: boolean;
  rating: string | null;
  autoApproval: { passed: boolean; outcomes: { rule: string; ok: boolean; detail: string }[] } | null;
}

export interface Sla {
  dueDate: string;
  legalDueDate: string;
  usedWorkingDays: number;
  remainingWorkingDays: number;
  paused: boolean;
  dueSoon: boolean;
  overdue: boolean;
}

export interface SubmissionRecord {
  item: QueueItem;
  submission: SubmissionDoc;
  status: SubmissionStatus;
  sla: Sla | null;
  matter: { name: string; promisedDays: number; legalDays: number } | null;
  timeline: { event: EventDoc; applied: boolean; error?: string }[];
}

export type { Dashboard };

export interface QueueQuery {
  view: string;
  station?: string;
  matter?: string;
  uscc?: string;
  skip?: number;
  limit?: number;
}

export type Decision =
  | { action: 'accept' }
  | { action: 'requestCorrection'; reason: string; materialIds: string[] }
  | { action: 'reject'; reason: string }
  | { action: 'dispatch'; departments: string[] }
  | { action: 'departmentDecision'; department: string; decision: 'approve' | 'deny'; note?: string }
  | { action: 'approve'; note?: string }
  | { action: 'deny'; reason: string }
  | { action: 'issue'; certificateNo?: string }
  | { action: 'deliver'; method: 'post' | 'locker' | 'pickup'; reference: string };

export function queueQueryString(q: QueueQuery, format: 'json' | 'csv' = 'json'): string {
  const params = new URLSearchParams({ view: q.view, limit: String(q.limit ?? 20), skip: String(q.skip ?? 0), format });
  for (const key of ['station', 'matter', 'uscc'] as const) if (q[key]) params.set(key, q[key]!);
  return params.toString();
}

export const useHallStore = defineStore('hall', () => {
  /** Bumped on every change the server streams; views watch it to refetch. */
  const changes = ref(0);
  const live = ref(false);
  /** The catalog, for the English names of matters and materials (queue items record the Chinese ones). */
  const catalog = ref<CatalogIndex>(new Map());
  let catalogLoad: Promise<void> | undefined;
  let source: EventSource | undefined;

  function loadCatalog(): Promise<void> {
    catalogLoad ??= loadMatters('server').then(
      (matters) => {
        catalog.value = indexCatalog(matters);
      },
      () => {
        catalogLoad = undefined; // names stay as recorded; try again next time
      },
    );
    return catalogLoad;
  }

  function connect(): void {
    void loadCatalog();
    if (source) return;
    source = new EventSource('/api/hall/stream');
    source.addEventListener('open', () => (live.value = true));
    source.addEventListener('error', () => (live.value = false));
    source.addEventListener('change', () => changes.value++);
  }

  function disconnect(): void {
    source?.close();
    source = undefined;
    live.value = false;
  }

  const queue = (q: QueueQuery): Promise<{ items: QueueItem[]; hasMore: boolean; today: string }> => api('GET', `/api/hall/queue?${queueQueryString(q)}`);
  const record = (id: string): Promise<SubmissionRecord> => api('GET', `/api/hall/submissions/${encodeURIComponent(id)}`);
  const decide = (id: string, decision: Decision): Promise<{ status: SubmissionStatus }> => api('POST', `/api/hall/submissions/${encodeURIComponent(id)}/events`, decision);
  const dashboard = (): Promise<Dashboard> => api('GET', '/api/hall/dashboard');

  return { changes, live, catalog, connect, disconnect, queue, record, decide, dashboard };
});

/** Departments a submission can be dispatched to (their names are messages: `department.<id>`). */
export const DEPARTMENT_IDS = ['market-regulation', 'health', 'fire', 'housing', 'human-resources'] as const;
