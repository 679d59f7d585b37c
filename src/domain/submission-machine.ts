/**
 * The submission lifecycle of DESIGN §4 as a pure state machine. State is never stored as truth: it is the
 * fold of the append-only event documents, computed the same way on the device and on the server.
 */
import type { EventAction, EventDoc, Role } from './documents';

export const SUBMISSION_STATES = [
  'submitted',
  'received',
  'accepted',
  'correctionRequested',
  'rejected',
  'withdrawn',
] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

/** Which action moves which state where. Missing entries are refused. */
const TRANSITIONS: Record<SubmissionState, Partial<Record<EventAction, SubmissionState>>> = {
  submitted: { receive: 'received', withdraw: 'withdrawn' },
  received: { accept: 'accepted', requestCorrection: 'correctionRequested', reject: 'rejected', withdraw: 'withdrawn' },
  correctionRequested: { supplement: 'received', withdraw: 'withdrawn' },
  accepted: {},
  rejected: {},
  withdrawn: {},
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
};

export type TransitionResult =
  | { ok: true; state: SubmissionState }
  | { ok: false; error: string };

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

export interface FoldedSubmission {
  state: SubmissionState | undefined;
  /** Events that applied, in order. */
  applied: EventDoc[];
  /** Events that did not apply (kept for the audit trail, never silently dropped). */
  ignored: { event: EventDoc; error: string }[];
}

/** Server time first (it is one clock), device time as fallback; the id breaks ties deterministically. */
export function eventOrder(a: EventDoc, b: EventDoc): number {
  const rank = (e: EventDoc): number => (e.action === 'submit' ? 0 : 1);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  // Compare instants, not strings: offsets and fractional seconds make text order differ from time order.
  const ta = Date.parse(a.serverAt ?? a.at);
  const tb = Date.parse(b.serverAt ?? b.at);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}

/** Fold a submission's events into its state. Order of the input does not matter. */
export function foldEvents(events: readonly EventDoc[]): FoldedSubmission {
  const result: FoldedSubmission = { state: undefined, applied: [], ignored: [] };
  for (const event of [...events].sort(eventOrder)) {
    const next = transition(result.state, event.action, event.role);
    if (next.ok) {
      result.state = next.state;
      result.applied.push(event);
    } else {
      result.ignored.push({ event, error: next.error });
    }
  }
  return result;
}
