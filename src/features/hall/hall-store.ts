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

export interface Dashboard {
  today: string;
  byState: Record<string, number>;
  byStation: Record<string, Record<string, number>>;
  receivedToday: number;
  acceptedToday: number;
  issuedToday: number;
  open: number;
  overdue: number;
  dueSoon: number;
  averageHandlingDays: number | null;
  ratings: { good: number; average: number; bad: number };
  badRatings: { submissionId: string; receiptNo: string; stationId: string; enterpriseName: string }[];
}

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
  let source: EventSource | undefined;

  function connect(): void {
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

  return { changes, live, connect, disconnect, queue, record, decide, dashboard };
});

/** Labels shared by the hall screens. */
export const STATE_LABELS: Record<string, string> = {
  incomplete: '材料上传中 Pages arriving',
  submitted: '已提交 Submitted',
  received: '待受理 Received',
  accepted: '已受理 Accepted',
  correctionRequested: '补正中 Correction requested',
  rejected: '不予受理 Rejected',
  withdrawn: '已撤回 Withdrawn',
  dispatched: '并联审批中 With departments',
  approved: '审批通过 Approved',
  denied: '不予许可 Denied',
  issued: '已发证 Issued',
  delivered: '已送达 Delivered',
  rated: '已评价 Rated',
};

export const ACTION_LABELS: Record<string, string> = {
  submit: '提交 Submitted at station',
  receive: '大厅收到 Received',
  withdraw: '撤回 Withdrawn',
  accept: '受理 Accepted',
  requestCorrection: '要求补正 Correction requested',
  reject: '不予受理 Rejected',
  supplement: '补交材料 Supplemented',
  dispatch: '分送部门 Dispatched',
  departmentDecision: '部门意见 Department decision',
  approve: '审批通过 Approved',
  deny: '不予许可 Denied',
  autoApprove: '秒批 Auto-approved',
  issue: '发证 Issued',
  deliver: '送达 Delivered',
  rate: '评价 Rated',
};

export const DEPARTMENTS: { id: string; name: string }[] = [
  { id: 'market-regulation', name: '市场监管局 Market regulation' },
  { id: 'health', name: '卫生健康委 Health commission' },
  { id: 'fire', name: '消防救援支队 Fire services' },
  { id: 'housing', name: '住房保障局 Housing' },
  { id: 'human-resources', name: '人社局 Human resources' },
];
