/**
 * The submission lifecycle as a pure state machine. State is never stored as truth: it is the
 * fold of the append-only event documents, computed the same way on the device and on the server.
 *
 * `transition` is the table (state × action × role → next state); `applyEvent` adds what depends on the
 * history: parallel department decisions, 容缺 commitments that block `issue`, and 补正 pauses.
 */
import type { EventAction, EventDoc, Role, SubmissionDoc } from './documents';

export const SUBMISSION_STATES = [
  'submitted',
  'received',
  'accepted',
  'correctionRequested',
  'rejected',
  'withdrawn',
  'dispatched',
  'approved',
  'denied',
  'issued',
  'delivered',
  'rated',
] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

/** States with nothing left to do for the hall. */
export const FINAL_STATES: readonly SubmissionState[] = ['rejected', 'withdrawn', 'denied', 'delivered', 'rated'];

/** States in which the hall still owes the applicant something (received, not yet handed over). */
export const OPEN_STATES: readonly SubmissionState[] = ['received', 'correctionRequested', 'accepted', 'dispatched', 'approved', 'issued'];

/** States in which the promised-time clock runs, so a submission can be due soon or overdue. */
export const CLOCK_STATES = ['accepted', 'dispatched', 'approved'] as const satisfies readonly SubmissionState[];

/**
 * When the promised-time clock stopped for good: the certificate was issued, or the matter denied. Undefined
 * while it runs (or never started). A clock that stopped keeps its final figures (`computeSla`'s `stoppedAt`).
 */
export function clockStoppedAt(status: Pick<SubmissionStatus, 'state' | 'issuedAt' | 'decidedAt'>): string | undefined {
  if (status.issuedAt !== undefined) return status.issuedAt;
  return status.state === 'denied' ? status.decidedAt : undefined;
}

/** Which action moves which state where. Missing entries are refused. */
const TRANSITIONS: Record<SubmissionState, Partial<Record<EventAction, SubmissionState>>> = {
  submitted: { receive: 'received', withdraw: 'withdrawn' },
  received: {
    accept: 'accepted',
    requestCorrection: 'correctionRequested',
    reject: 'rejected',
    withdraw: 'withdrawn',
    autoApprove: 'approved',
  },
  // Where a supplement leads depends on where the correction came from (see applyEvent).
  correctionRequested: { supplement: 'received', withdraw: 'withdrawn' },
  accepted: { dispatch: 'dispatched', approve: 'approved', deny: 'denied', requestCorrection: 'correctionRequested', supplement: 'accepted' },
  dispatched: { departmentDecision: 'dispatched', requestCorrection: 'correctionRequested', supplement: 'dispatched' },
  approved: { issue: 'issued', supplement: 'approved' },
  issued: { deliver: 'delivered' },
  delivered: { rate: 'rated' },
  rejected: {},
  withdrawn: {},
  denied: {},
  rated: {},
};

/** Who may take each action (the authority half of the rules; the proxy and hall API both enforce it). */
export const ACTION_ROLES: Record<EventAction, readonly Role[]> = {
  submit: ['station'],
  receive: ['system'],
  withdraw: ['station'],
  supplement: ['station'],
  accept: ['hall'],
  requestCorrection: ['hall'],
  reject: ['hall'],
  dispatch: ['hall'],
  departmentDecision: ['hall'],
  approve: ['hall'],
  deny: ['hall'],
  autoApprove: ['system'],
  issue: ['hall'],
  deliver: ['hall'],
  rate: ['enterprise'],
};

export type TransitionResult = { ok: true; state: SubmissionState } | { ok: false; error: string };

/** The state after `action` from `state`, or why it is not allowed. `undefined` state = nothing yet. */
export function transition(state: SubmissionState | undefined, action: EventAction, role: Role): TransitionResult {
  if (!ACTION_ROLES[action].includes(role)) return { ok: false, error: `role ${role} may not ${action}` };
  if (state === undefined) {
    return action === 'submit' ? { ok: true, state: 'submitted' } : { ok: false, error: `${action} before submit` };
  }
  if (action === 'submit') return { ok: false, error: 'already submitted' };
  const next = TRANSITIONS[state][action];
  return next ? { ok: true, state: next } : { ok: false, error: `cannot ${action} when ${state}` };
}

/** A 补正 period: the promised-time clock does not run while it is open. */
export interface CorrectionPause {
  from: string;
  to?: string;
}

export interface SubmissionStatus {
  state: SubmissionState | undefined;
  /** 并联审批: each dispatched department's decision so far. */
  departments: Record<string, 'pending' | 'approved' | 'denied'>;
  /** 容缺 materials not yet supplied; `issue` is refused while any remain. */
  outstanding: string[];
  /** Materials the hall asked to be supplied again (open correction). */
  correction?: { reason: string; materialIds: string[] };
  /** The state to return to when a correction asked after acceptance is answered. */
  resumeState?: SubmissionState;
  pauses: CorrectionPause[];
  receivedAt?: string;
  acceptedAt?: string;
  decidedAt?: string;
  issuedAt?: string;
  certificateNo?: string;
  delivery?: { method: string; reference: string };
  rating?: { rating: string; comment?: string };
  /** Last time anything happened (server clock where known). */
  updatedAt?: string;
}

export type ApplyResult = { ok: true; status: SubmissionStatus } | { ok: false; error: string };

/** The time an event counts at: the server's where it stamped one. */
export const eventTime = (e: EventDoc): string => e.serverAt ?? e.at;

/** The status before any event; `submission` seeds the 容缺 commitments. */
export function initialStatus(submission?: Pick<SubmissionDoc, 'items'>): SubmissionStatus {
  return {
    state: undefined,
    departments: {},
    outstanding: submission ? submission.items.filter((i) => i.status === 'deficient').map((i) => i.materialId) : [],
    pauses: [],
  };
}

/** Apply one event to a status: the table, then the rules that depend on history. */
export function applyEvent(status: SubmissionStatus, event: EventDoc): ApplyResult {
  const t = transition(status.state, event.action, event.role);
  if (!t.ok) return t;
  // A device may withdraw only before acceptance, even during a later correction.
  if (event.action === 'withdraw' && status.acceptedAt !== undefined) return { ok: false, error: 'cannot withdraw after accepted' };
  if (event.action === 'autoApprove' && event.rules.some((r) => !r.ok)) return { ok: false, error: 'autoApprove needs every 秒批 rule to pass' };
  const at = eventTime(event);
  const next: SubmissionStatus = {
    ...status,
    state: t.state,
    departments: { ...status.departments },
    outstanding: [...status.outstanding],
    pauses: status.pauses.map((p) => ({ ...p })),
    updatedAt: at,
  };
  switch (event.action) {
    case 'receive':
      next.receivedAt = at;
      break;
    case 'accept':
      next.acceptedAt = at;
      break;
    case 'requestCorrection':
      next.correction = { reason: event.reason, materialIds: event.materialIds };
      next.pauses.push({ from: at });
      if (status.state === 'accepted' || status.state === 'dispatched') next.resumeState = status.state;
      break;
    case 'supplement': {
      const supplied = new Set(event.items.map((i) => i.materialId));
      next.outstanding = next.outstanding.filter((id) => !supplied.has(id));
      if (status.state === 'correctionRequested') {
        next.state = status.resumeState ?? 'received';
        delete next.resumeState;
        delete next.correction;
        const open = next.pauses.at(-1);
        if (open && open.to === undefined) open.to = at;
      }
      break;
    }
    case 'dispatch':
      next.departments = Object.fromEntries(event.departments.map((d) => [d, 'pending' as const]));
      break;
    case 'departmentDecision': {
      const current = Object.hasOwn(status.departments, event.department) ? status.departments[event.department] : undefined;
      if (current === undefined) return { ok: false, error: `department ${event.department} was not dispatched` };
      if (current !== 'pending') return { ok: false, error: `department ${event.department} already decided` };
      next.departments[event.department] = event.decision === 'approve' ? 'approved' : 'denied';
      const decisions = Object.values(next.departments);
      if (decisions.includes('denied')) next.state = 'denied';
      else if (decisions.every((d) => d === 'approved')) next.state = 'approved';
      if (next.state !== 'dispatched') next.decidedAt = at;
      break;
    }
    case 'autoApprove':
      // Approval by rule is also acceptance: the promised-time clock has a start.
      next.acceptedAt = at;
      next.decidedAt = at;
      break;
    case 'approve':
    case 'deny':
      next.decidedAt = at;
      break;
    case 'issue':
      if (status.outstanding.length) {
        return { ok: false, error: `cannot issue while 容缺 commitments are outstanding: ${status.outstanding.join(', ')}` };
      }
      next.certificateNo = event.certificateNo;
      next.issuedAt = at;
      break;
    case 'deliver':
      next.delivery = { method: event.method, reference: event.reference };
      break;
    case 'rate':
      next.rating = { rating: event.rating, ...(event.comment ? { comment: event.comment } : {}) };
      break;
    default:
      break;
  }
  return { ok: true, status: next };
}

export interface FoldedSubmission {
  state: SubmissionState | undefined;
  status: SubmissionStatus;
  /** Events that applied, in order. */
  applied: EventDoc[];
  /** Events that did not apply (kept for the audit trail, never silently dropped). */
  ignored: { event: EventDoc; error: string }[];
}

/** Submit first; then server time (one clock), device time as fallback; the id breaks ties deterministically. */
export function eventOrder(a: EventDoc, b: EventDoc): number {
  const rank = (e: EventDoc): number => (e.action === 'submit' ? 0 : 1);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  // Compare instants, not strings: offsets and fractional seconds make text order differ from time order.
  const ta = Date.parse(eventTime(a));
  const tb = Date.parse(eventTime(b));
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}

/** Fold a submission's events into its status. Order of the input does not matter. */
export function foldEvents(events: readonly EventDoc[], submission?: Pick<SubmissionDoc, 'items'>): FoldedSubmission {
  let status = initialStatus(submission);
  const applied: EventDoc[] = [];
  const ignored: { event: EventDoc; error: string }[] = [];
  for (const event of [...events].sort(eventOrder)) {
    const next = applyEvent(status, event);
    if (next.ok) {
      status = next.status;
      applied.push(event);
    } else {
      ignored.push({ event, error: next.error });
    }
  }
  return { state: status.state, status, applied, ignored };
}
