import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ulid } from 'ulid';
import {
  DELIVERY_METHODS,
  RATINGS,
  ROLES,
  eventDocSchema,
  eventId,
  type EventAction,
  type EventDoc,
  type Role,
  type SubmissionDoc,
} from './documents';
import {
  ACTION_ROLES,
  FINAL_STATES,
  SUBMISSION_STATES,
  applyEvent,
  clockStoppedAt,
  eventOrder,
  foldEvents,
  initialStatus,
  transition,
  type FoldedSubmission,
  type SubmissionState,
  type SubmissionStatus,
  type TransitionResult,
} from './submission-machine';

// ---------------------------------------------------------------------------
// The expected lifecycle, written out by hand, independent of the implementation's table.
//
//   submit → submitted ─receive→ received ─┬─accept→ accepted ─dispatch→ dispatched ─(all departments approve)→ approved
//                                          │                 ├─approve→ approved          └─(any department denies)→ denied
//                                          │                 └─deny→ denied
//                                          ├─requestCorrection→ correctionRequested ─supplement→ (where it came from)
//                                          ├─reject→ rejected
//                                          └─autoApprove (秒批) → approved ─issue→ issued ─deliver→ delivered ─rate→ rated
//
// - requestCorrection (补正) also from accepted and dispatched; the supplement then returns there.
// - supplement also fulfils 容缺 commitments: allowed while accepted, dispatched or approved (they block `issue`).
// - withdraw (by the station) only before acceptance: submitted, received, correctionRequested.
// - approve/deny are the hall's single-step decisions from accepted; once dispatched, the outcome is the
//   aggregate of the departments' decisions (departmentDecision), so approve/deny are refused while dispatched.
// - delivered is final for the hall, but the enterprise may still rate it.
// ---------------------------------------------------------------------------

const ACTIONS = [
  'submit',
  'receive',
  'withdraw',
  'supplement',
  'accept',
  'requestCorrection',
  'reject',
  'dispatch',
  'departmentDecision',
  'approve',
  'deny',
  'autoApprove',
  'issue',
  'deliver',
  'rate',
] as const satisfies readonly EventAction[];

/** Compile-time check that ACTIONS lists every EventAction (fails to type-check if one is missing). */
type MissingAction = Exclude<EventAction, (typeof ACTIONS)[number]>;
const noMissingAction: [MissingAction] extends [never] ? true : false = true;

/** The lifecycle's states, by hand. */
const HAND_STATES = [
  'submitted',
  'received',
  'correctionRequested',
  'accepted',
  'dispatched',
  'approved',
  'issued',
  'delivered',
  'rated',
  'rejected',
  'withdrawn',
  'denied',
] as const satisfies readonly SubmissionState[];
/** Compile-time check that HAND_STATES lists every SubmissionState. */
type MissingState = Exclude<SubmissionState, (typeof HAND_STATES)[number]>;
const noMissingState: [MissingState] extends [never] ? true : false = true;

const ALLOWED_ROLE: Record<EventAction, Role> = {
  submit: 'station',
  receive: 'system',
  withdraw: 'station',
  supplement: 'station',
  accept: 'hall',
  requestCorrection: 'hall',
  reject: 'hall',
  dispatch: 'hall',
  departmentDecision: 'hall',
  approve: 'hall',
  deny: 'hall',
  autoApprove: 'system',
  issue: 'hall',
  deliver: 'hall',
  rate: 'enterprise',
};

/** One role that must be refused for each action (varied on purpose). */
const DISALLOWED_ROLE: Record<EventAction, Role> = {
  submit: 'hall',
  receive: 'station',
  withdraw: 'hall',
  supplement: 'enterprise',
  accept: 'station',
  requestCorrection: 'station',
  reject: 'admin',
  dispatch: 'station',
  departmentDecision: 'system',
  approve: 'system',
  deny: 'enterprise',
  autoApprove: 'hall',
  issue: 'admin',
  deliver: 'station',
  rate: 'station',
};

type StateKey = SubmissionState | 'undefined';
const ok = (state: SubmissionState): TransitionResult => ({ ok: true, state });
const err = (error: string): TransitionResult => ({ ok: false, error });

/** Expected result of `transition(state, action, ALLOWED_ROLE[action])`, every cell spelled out. */
const EXPECTED: Record<StateKey, Record<EventAction, TransitionResult>> = {
  undefined: {
    submit: ok('submitted'),
    receive: err('receive before submit'),
    withdraw: err('withdraw before submit'),
    supplement: err('supplement before submit'),
    accept: err('accept before submit'),
    requestCorrection: err('requestCorrection before submit'),
    reject: err('reject before submit'),
    dispatch: err('dispatch before submit'),
    departmentDecision: err('departmentDecision before submit'),
    approve: err('approve before submit'),
    deny: err('deny before submit'),
    autoApprove: err('autoApprove before submit'),
    issue: err('issue before submit'),
    deliver: err('deliver before submit'),
    rate: err('rate before submit'),
  },
  submitted: {
    submit: err('already submitted'),
    receive: ok('received'),
    withdraw: ok('withdrawn'),
    supplement: err('cannot supplement when submitted'),
    accept: err('cannot accept when submitted'),
    requestCorrection: err('cannot requestCorrection when submitted'),
    reject: err('cannot reject when submitted'),
    dispatch: err('cannot dispatch when submitted'),
    departmentDecision: err('cannot departmentDecision when submitted'),
    approve: err('cannot approve when submitted'),
    deny: err('cannot deny when submitted'),
    autoApprove: err('cannot autoApprove when submitted'),
    issue: err('cannot issue when submitted'),
    deliver: err('cannot deliver when submitted'),
    rate: err('cannot rate when submitted'),
  },
  received: {
    submit: err('already submitted'),
    receive: err('cannot receive when received'),
    withdraw: ok('withdrawn'),
    supplement: err('cannot supplement when received'),
    accept: ok('accepted'),
    requestCorrection: ok('correctionRequested'),
    reject: ok('rejected'),
    dispatch: err('cannot dispatch when received'),
    departmentDecision: err('cannot departmentDecision when received'),
    approve: err('cannot approve when received'),
    deny: err('cannot deny when received'),
    autoApprove: ok('approved'),
    issue: err('cannot issue when received'),
    deliver: err('cannot deliver when received'),
    rate: err('cannot rate when received'),
  },
  correctionRequested: {
    submit: err('already submitted'),
    receive: err('cannot receive when correctionRequested'),
    withdraw: ok('withdrawn'),
    supplement: ok('received'),
    accept: err('cannot accept when correctionRequested'),
    requestCorrection: err('cannot requestCorrection when correctionRequested'),
    reject: err('cannot reject when correctionRequested'),
    dispatch: err('cannot dispatch when correctionRequested'),
    departmentDecision: err('cannot departmentDecision when correctionRequested'),
    approve: err('cannot approve when correctionRequested'),
    deny: err('cannot deny when correctionRequested'),
    autoApprove: err('cannot autoApprove when correctionRequested'),
    issue: err('cannot issue when correctionRequested'),
    deliver: err('cannot deliver when correctionRequested'),
    rate: err('cannot rate when correctionRequested'),
  },
  accepted: {
    submit: err('already submitted'),
    receive: err('cannot receive when accepted'),
    withdraw: err('cannot withdraw when accepted'),
    supplement: ok('accepted'),
    accept: err('cannot accept when accepted'),
    requestCorrection: ok('correctionRequested'),
    reject: err('cannot reject when accepted'),
    dispatch: ok('dispatched'),
    departmentDecision: err('cannot departmentDecision when accepted'),
    approve: ok('approved'),
    deny: ok('denied'),
    autoApprove: err('cannot autoApprove when accepted'),
    issue: err('cannot issue when accepted'),
    deliver: err('cannot deliver when accepted'),
    rate: err('cannot rate when accepted'),
  },
  dispatched: {
    submit: err('already submitted'),
    receive: err('cannot receive when dispatched'),
    withdraw: err('cannot withdraw when dispatched'),
    supplement: ok('dispatched'),
    accept: err('cannot accept when dispatched'),
    requestCorrection: ok('correctionRequested'),
    reject: err('cannot reject when dispatched'),
    dispatch: err('cannot dispatch when dispatched'),
    departmentDecision: ok('dispatched'),
    approve: err('cannot approve when dispatched'),
    deny: err('cannot deny when dispatched'),
    autoApprove: err('cannot autoApprove when dispatched'),
    issue: err('cannot issue when dispatched'),
    deliver: err('cannot deliver when dispatched'),
    rate: err('cannot rate when dispatched'),
  },
  approved: {
    submit: err('already submitted'),
    receive: err('cannot receive when approved'),
    withdraw: err('cannot withdraw when approved'),
    supplement: ok('approved'),
    accept: err('cannot accept when approved'),
    requestCorrection: err('cannot requestCorrection when approved'),
    reject: err('cannot reject when approved'),
    dispatch: err('cannot dispatch when approved'),
    departmentDecision: err('cannot departmentDecision when approved'),
    approve: err('cannot approve when approved'),
    deny: err('cannot deny when approved'),
    autoApprove: err('cannot autoApprove when approved'),
    issue: ok('issued'),
    deliver: err('cannot deliver when approved'),
    rate: err('cannot rate when approved'),
  },
  issued: {
    submit: err('already submitted'),
    receive: err('cannot receive when issued'),
    withdraw: err('cannot withdraw when issued'),
    supplement: err('cannot supplement when issued'),
    accept: err('cannot accept when issued'),
    requestCorrection: err('cannot requestCorrection when issued'),
    reject: err('cannot reject when issued'),
    dispatch: err('cannot dispatch when issued'),
    departmentDecision: err('cannot departmentDecision when issued'),
    approve: err('cannot approve when issued'),
    deny: err('cannot deny when issued'),
    autoApprove: err('cannot autoApprove when issued'),
    issue: err('cannot issue when issued'),
    deliver: ok('delivered'),
    rate: err('cannot rate when issued'),
  },
  delivered: {
    submit: err('already submitted'),
    receive: err('cannot receive when delivered'),
    withdraw: err('cannot withdraw when delivered'),
    supplement: err('cannot supplement when delivered'),
    accept: err('cannot accept when delivered'),
    requestCorrection: err('cannot requestCorrection when delivered'),
    reject: err('cannot reject when delivered'),
    dispatch: err('cannot dispatch when delivered'),
    departmentDecision: err('cannot departmentDecision when delivered'),
    approve: err('cannot approve when delivered'),
    deny: err('cannot deny when delivered'),
    autoApprove: err('cannot autoApprove when delivered'),
    issue: err('cannot issue when delivered'),
    deliver: err('cannot deliver when delivered'),
    rate: ok('rated'),
  },
  rated: {
    submit: err('already submitted'),
    receive: err('cannot receive when rated'),
    withdraw: err('cannot withdraw when rated'),
    supplement: err('cannot supplement when rated'),
    accept: err('cannot accept when rated'),
    requestCorrection: err('cannot requestCorrection when rated'),
    reject: err('cannot reject when rated'),
    dispatch: err('cannot dispatch when rated'),
    departmentDecision: err('cannot departmentDecision when rated'),
    approve: err('cannot approve when rated'),
    deny: err('cannot deny when rated'),
    autoApprove: err('cannot autoApprove when rated'),
    issue: err('cannot issue when rated'),
    deliver: err('cannot deliver when rated'),
    rate: err('cannot rate when rated'),
  },
  rejected: {
    submit: err('already submitted'),
    receive: err('cannot receive when rejected'),
    withdraw: err('cannot withdraw when rejected'),
    supplement: err('cannot supplement when rejected'),
    accept: err('cannot accept when rejected'),
    requestCorrection: err('cannot requestCorrection when rejected'),
    reject: err('cannot reject when rejected'),
    dispatch: err('cannot dispatch when rejected'),
    departmentDecision: err('cannot departmentDecision when rejected'),
    approve: err('cannot approve when rejected'),
    deny: err('cannot deny when rejected'),
    autoApprove: err('cannot autoApprove when rejected'),
    issue: err('cannot issue when rejected'),
    deliver: err('cannot deliver when rejected'),
    rate: err('cannot rate when rejected'),
  },
  withdrawn: {
    submit: err('already submitted'),
    receive: err('cannot receive when withdrawn'),
    withdraw: err('cannot withdraw when withdrawn'),
    supplement: err('cannot supplement when withdrawn'),
    accept: err('cannot accept when withdrawn'),
    requestCorrection: err('cannot requestCorrection when withdrawn'),
    reject: err('cannot reject when withdrawn'),
    dispatch: err('cannot dispatch when withdrawn'),
    departmentDecision: err('cannot departmentDecision when withdrawn'),
    approve: err('cannot approve when withdrawn'),
    deny: err('cannot deny when withdrawn'),
    autoApprove: err('cannot autoApprove when withdrawn'),
    issue: err('cannot issue when withdrawn'),
    deliver: err('cannot deliver when withdrawn'),
    rate: err('cannot rate when withdrawn'),
  },
  denied: {
    submit: err('already submitted'),
    receive: err('cannot receive when denied'),
    withdraw: err('cannot withdraw when denied'),
    supplement: err('cannot supplement when denied'),
    accept: err('cannot accept when denied'),
    requestCorrection: err('cannot requestCorrection when denied'),
    reject: err('cannot reject when denied'),
    dispatch: err('cannot dispatch when denied'),
    departmentDecision: err('cannot departmentDecision when denied'),
    approve: err('cannot approve when denied'),
    deny: err('cannot deny when denied'),
    autoApprove: err('cannot autoApprove when denied'),
    issue: err('cannot issue when denied'),
    deliver: err('cannot deliver when denied'),
    rate: err('cannot rate when denied'),
  },
};

/** The final states, by hand: nothing is left for the hall (delivered may still be rated by the enterprise). */
const HAND_FINAL_STATES = ['rejected', 'withdrawn', 'denied', 'delivered', 'rated'] as const satisfies readonly SubmissionState[];

const STATES: readonly (SubmissionState | undefined)[] = [undefined, ...SUBMISSION_STATES];
const keyOf = (state: SubmissionState | undefined): StateKey => state ?? 'undefined';

/** Oracle built from the hand-written table: what `transition` must answer for any role. */
function expectedTransition(state: SubmissionState | undefined, action: EventAction, role: Role): TransitionResult {
  if (role !== ALLOWED_ROLE[action]) return err(`role ${role} may not ${action}`);
  return EXPECTED[keyOf(state)][action];
}

interface Row {
  state: SubmissionState | undefined;
  action: EventAction;
  role: Role;
  expected: TransitionResult;
}

const TABLE: Row[] = STATES.flatMap((state) =>
  ACTIONS.flatMap((action): Row[] => [
    { state, action, role: ALLOWED_ROLE[action], expected: EXPECTED[keyOf(state)][action] },
    { state, action, role: DISALLOWED_ROLE[action], expected: err(`role ${DISALLOWED_ROLE[action]} may not ${action}`) },
  ]),
);

// ---------------------------------------------------------------------------
// Event fixtures
// ---------------------------------------------------------------------------

const STATION = 'jingan-hkri';
const SUB_ULID = ulid();
const SUBMISSION_ID = `submission:${SUB_ULID}`;
const BASE_MS = Date.parse('2025-06-15T01:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
/** Minute `m` of the test day. */
const T = (m: number): string => iso(BASE_MS + m * 60_000);

/** Deterministic, ULID-shaped, strictly increasing with n (digits are valid Crockford base32). */
const fakeUlid = (n: number): string => `01J${String(n).padStart(23, '0')}`;

const MATERIALS = ['business-licence', 'lease-contract', 'fire-plan', 'shop-photo'] as const;
const DEPARTMENTS = ['market', 'fire', 'health'] as const;
const PAGE = { sha256: 'a'.repeat(64), bytes: 1024, type: 'image/jpeg' as const };

type Rule = { rule: string; ok: boolean; detail: string };

interface EventSpec {
  action: EventAction;
  role?: Role;
  at: string;
  serverAt?: string;
  suffix?: string;
  actor?: string;
  /** requestCorrection: the materials asked for; supplement: the materials supplied. */
  materialIds?: readonly string[];
  reason?: string;
  departments?: readonly string[];
  department?: string;
  decision?: 'approve' | 'deny';
  rules?: readonly Rule[];
  certificateNo?: string;
  method?: (typeof DELIVERY_METHODS)[number];
  reference?: string;
  rating?: (typeof RATINGS)[number];
  comment?: string;
}

function makeEvent(spec: EventSpec): EventDoc {
  const role = spec.role ?? ALLOWED_ROLE[spec.action];
  const base = {
    _id: eventId(SUBMISSION_ID, spec.suffix ?? ulid()),
    type: 'event' as const,
    submissionId: SUBMISSION_ID,
    stationId: STATION,
    actor: spec.actor ?? (role === 'system' ? 'sync-server' : `${role}-user`),
    role,
    at: spec.at,
    ...(spec.serverAt === undefined ? {} : { serverAt: spec.serverAt }),
  };
  switch (spec.action) {
    case 'submit':
    case 'receive':
    case 'accept':
      return { ...base, action: spec.action };
    case 'withdraw':
      return { ...base, action: 'withdraw', reason: spec.reason ?? '企业撤回' };
    case 'requestCorrection':
      return { ...base, action: 'requestCorrection', reason: spec.reason ?? '营业执照复印件不清晰', materialIds: [...(spec.materialIds ?? ['business-licence'])] };
    case 'reject':
      return { ...base, action: 'reject', reason: spec.reason ?? '不属于本事项受理范围' };
    case 'supplement':
      return { ...base, action: 'supplement', items: (spec.materialIds ?? ['business-licence']).map((materialId) => ({ materialId, pages: [PAGE] })) };
    case 'dispatch':
      return { ...base, action: 'dispatch', departments: [...(spec.departments ?? ['market'])] };
    case 'departmentDecision':
      return { ...base, action: 'departmentDecision', department: spec.department ?? 'market', decision: spec.decision ?? 'approve', note: '审查意见' };
    case 'approve':
      return { ...base, action: 'approve', note: '准予许可' };
    case 'deny':
      return { ...base, action: 'deny', reason: spec.reason ?? '不符合许可条件' };
    case 'autoApprove':
      return { ...base, action: 'autoApprove', rules: [...(spec.rules ?? [{ rule: 'no-violations', ok: true, detail: '无违法记录' }])] };
    case 'issue':
      return { ...base, action: 'issue', certificateNo: spec.certificateNo ?? 'ZS2025061500001' };
    case 'deliver':
      return { ...base, action: 'deliver', method: spec.method ?? 'post', reference: spec.reference ?? 'SF1234567890' };
    case 'rate':
      return { ...base, action: 'rate', rating: spec.rating ?? 'good', ...(spec.comment === undefined ? {} : { comment: spec.comment }) };
  }
}

let seq = 0;
/**
 * One event at minute `m`, by the action's allowed role unless told otherwise. The server and the hall stamp
 * serverAt (and their device clock `at` is deliberately wrong by an hour, so anything using `at` shows).
 */
function ev(action: EventAction, m: number, extra: Partial<EventSpec> = {}): EventDoc {
  const role = extra.role ?? ALLOWED_ROLE[action];
  const stamped = role === 'hall' || role === 'system';
  return makeEvent({
    action,
    at: stamped ? T(m + 60) : T(m),
    ...(stamped ? { serverAt: T(m) } : {}),
    suffix: fakeUlid(++seq),
    ...extra,
  });
}

const toReceived = (): EventDoc[] => [ev('submit', 0), ev('receive', 1)];
const toAccepted = (): EventDoc[] => [...toReceived(), ev('accept', 2)];
const toDispatched = (departments: readonly string[]): EventDoc[] => [...toAccepted(), ev('dispatch', 3, { departments })];
const toApproved = (): EventDoc[] => [...toAccepted(), ev('approve', 3)];
const toIssued = (): EventDoc[] => [...toApproved(), ev('issue', 4)];
const toDelivered = (): EventDoc[] => [...toIssued(), ev('deliver', 5)];

/** A submission's checklist: provided core materials and 容缺 (deficient, committed) ones, in the given order. */
function checklist(entries: readonly (readonly [string, 'provided' | 'deficient'])[]): Pick<SubmissionDoc, 'items'> {
  return {
    items: entries.map(([materialId, status]) =>
      status === 'provided'
        ? { materialId, name: materialId, core: true, status, pages: [PAGE] }
        : { materialId, name: materialId, core: false, status, pages: [], commitment: { dueDate: '2025-07-15', text: '承诺于期限内补交' } },
    ),
  };
}

const ids = (events: readonly EventDoc[]): string[] => events.map((e) => e._id);
const ignoredOf = (f: FoldedSubmission): [string, string][] => f.ignored.map((i) => [i.event.action, i.error]);

/** Fold, insisting that every event applied. */
function foldAll(events: readonly EventDoc[], submission?: Pick<SubmissionDoc, 'items'>): FoldedSubmission {
  const folded = foldEvents(events, submission);
  expect(ignoredOf(folded)).toEqual([]);
  return folded;
}

/** The status after `events`, then the result of applying `next` to it. */
function after(events: readonly EventDoc[], next: EventDoc, submission?: Pick<SubmissionDoc, 'items'>) {
  return applyEvent(foldAll(events, submission).status, next);
}

// ---------------------------------------------------------------------------
// transition
// ---------------------------------------------------------------------------

describe('transition: full table (state × action × allowed/disallowed role)', () => {
  it('the table covers every state (plus undefined), every action and two roles per action', () => {
    expect(noMissingAction).toBe(true);
    expect(noMissingState).toBe(true);
    expect(new Set(ACTIONS).size).toBe(15);
    expect([...SUBMISSION_STATES].sort()).toEqual([...HAND_STATES].sort());
    expect(Object.keys(EXPECTED).sort()).toEqual(['undefined', ...SUBMISSION_STATES].sort());
    for (const key of Object.keys(EXPECTED) as StateKey[]) expect(Object.keys(EXPECTED[key]).sort()).toEqual([...ACTIONS].sort());
    expect(TABLE).toHaveLength((SUBMISSION_STATES.length + 1) * ACTIONS.length * 2);
    for (const action of ACTIONS) {
      expect(ACTION_ROLES[action]).toEqual([ALLOWED_ROLE[action]]);
      expect(ACTION_ROLES[action]).not.toContain(DISALLOWED_ROLE[action]);
    }
    expect(Object.keys(ACTION_ROLES).sort()).toEqual([...ACTIONS].sort());
  });

  it.each(TABLE.map((r) => [keyOf(r.state), r.action, r.role, r.expected.ok ? `→ ${r.expected.state}` : `✗ ${r.expected.error}`, r] as const))(
    '%s + %s by %s %s',
    (_state, _action, _role, _label, row) => {
      expect(transition(row.state, row.action, row.role)).toEqual(row.expected);
    },
  );

  it('every role other than the allowed one is refused, in every state, with the role error', () => {
    for (const state of STATES) {
      for (const action of ACTIONS) {
        for (const role of ROLES) {
          expect(transition(state, action, role), `${keyOf(state)} ${action} ${role}`).toEqual(expectedTransition(state, action, role));
        }
      }
    }
  });

  it('FINAL_STATES are exactly rejected, withdrawn, denied, delivered, rated; they accept nothing but the enterprise’s rating of a delivery', () => {
    expect([...FINAL_STATES].sort()).toEqual([...HAND_FINAL_STATES].sort());
    for (const state of FINAL_STATES) {
      const allowed = ACTIONS.filter((a) => transition(state, a, ALLOWED_ROLE[a]).ok);
      expect(allowed, state).toEqual(state === 'delivered' ? ['rate'] : []);
    }
  });

  it('only submit leaves the empty state, and withdraw only works before acceptance', () => {
    expect(ACTIONS.filter((a) => transition(undefined, a, ALLOWED_ROLE[a]).ok)).toEqual(['submit']);
    expect(SUBMISSION_STATES.filter((s) => transition(s, 'withdraw', 'station').ok).sort()).toEqual(['correctionRequested', 'received', 'submitted']);
  });
});

// ---------------------------------------------------------------------------
// fixtures are real documents
// ---------------------------------------------------------------------------

describe('fixtures', () => {
  it('every action’s fixture event is a schema-valid event document', () => {
    for (const action of ACTIONS) {
      const e = ev(action, 0);
      const parsed = eventDocSchema.safeParse(e);
      expect(parsed.success, `${action}: ${parsed.error?.message ?? ''}`).toBe(true);
      expect(parsed.data).toEqual(e);
    }
  });
});

// ---------------------------------------------------------------------------
// eventOrder
// ---------------------------------------------------------------------------

describe('eventOrder', () => {
  it('puts submit first even when another event is earlier by every clock', () => {
    const receive = makeEvent({ action: 'receive', at: iso(BASE_MS), serverAt: iso(BASE_MS), suffix: 'received' });
    const submit = makeEvent({ action: 'submit', at: iso(BASE_MS + 3_600_000) });
    expect(eventOrder(submit, receive)).toBeLessThan(0);
    expect(eventOrder(receive, submit)).toBeGreaterThan(0);
    expect(ids([receive, submit].sort(eventOrder))).toEqual([submit._id, receive._id]);
  });

  it('orders by serverAt when present, even against a later device clock', () => {
    // a: device clock says 12:00 but the server saw it at 10:00; b: device says 11:00, no server time.
    const a = makeEvent({ action: 'accept', at: '2025-06-15T12:00:00.000Z', serverAt: '2025-06-15T10:00:00.000Z', suffix: fakeUlid(9) });
    const b = makeEvent({ action: 'withdraw', at: '2025-06-15T11:00:00.000Z', suffix: fakeUlid(1) });
    expect(eventOrder(a, b)).toBeLessThan(0);
    expect(eventOrder(b, a)).toBeGreaterThan(0);
  });

  it('falls back to the device clock (at) without serverAt', () => {
    const early = makeEvent({ action: 'withdraw', at: '2025-06-15T09:00:00.000Z', suffix: fakeUlid(9) });
    const late = makeEvent({ action: 'supplement', at: '2025-06-15T09:00:00.001Z', suffix: fakeUlid(1) });
    expect(eventOrder(early, late)).toBeLessThan(0);
    expect(eventOrder(late, early)).toBeGreaterThan(0);
  });

  it('breaks equal times by id, deterministically', () => {
    const at = '2025-06-15T09:00:00.000Z';
    const first = makeEvent({ action: 'reject', at, suffix: fakeUlid(1) });
    const second = makeEvent({ action: 'accept', at, suffix: fakeUlid(2) });
    expect(eventOrder(first, second)).toBeLessThan(0);
    expect(eventOrder(second, first)).toBeGreaterThan(0);
    expect(eventOrder(first, first)).toBe(0);
    // Equal serverAt with different device clocks: still decided (by id), never 0.
    const s1 = makeEvent({ action: 'accept', at: '2025-06-15T11:00:00.000Z', serverAt: at, suffix: fakeUlid(3) });
    const s2 = makeEvent({ action: 'reject', at: '2025-06-15T08:00:00.000Z', serverAt: at, suffix: fakeUlid(4) });
    expect(Math.sign(eventOrder(s1, s2))).toBe(-Math.sign(eventOrder(s2, s1)));
    expect(eventOrder(s1, s2)).not.toBe(0);
  });

  it('is a consistent comparator (antisymmetric, transitive) on random events', () => {
    const eventArb = fc.record({
      action: fc.constantFrom(...ACTIONS),
      at: fc.integer({ min: 0, max: 5 }),
      serverAt: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      id: fc.integer({ min: 0, max: 5 }),
    });
    const toEvent = (r: { action: EventAction; at: number; serverAt: number | undefined; id: number }): EventDoc =>
      makeEvent({
        action: r.action,
        at: iso(BASE_MS + r.at * 1000),
        ...(r.serverAt === undefined ? {} : { serverAt: iso(BASE_MS + r.serverAt * 1000) }),
        suffix: fakeUlid(r.id),
      });
    fc.assert(
      fc.property(eventArb, eventArb, eventArb, (ra, rb, rc) => {
        const [a, b, c] = [toEvent(ra), toEvent(rb), toEvent(rc)];
        expect(Math.sign(eventOrder(a, b))).toBe(-Math.sign(eventOrder(b, a)) || 0);
        if (eventOrder(a, b) <= 0 && eventOrder(b, c) <= 0) expect(eventOrder(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('schema-valid instants in mixed formats are sanity-checked as valid documents', () => {
    for (const at of ['2025-06-15T10:00:00Z', '2025-06-15T10:00:00.500Z', '2025-06-15T17:00:00+08:00']) {
      expect(eventDocSchema.safeParse(makeEvent({ action: 'withdraw', at })).success).toBe(true);
    }
  });

  // Regression (found by these tests, fixed): eventOrder compared ISO instants as strings; for mixed precisions and
  // offsets string order is not time order ('…10:00:00Z' > '…10:00:00.500Z' because 'Z' > '.').
  it('orders instants chronologically across fractional-second precisions', () => {
    const earlier = makeEvent({ action: 'withdraw', at: '2025-06-15T10:00:00Z', suffix: fakeUlid(2) });
    const later = makeEvent({ action: 'supplement', at: '2025-06-15T10:00:00.500Z', suffix: fakeUlid(1) });
    expect(eventOrder(earlier, later)).toBeLessThan(0);
  });

  it('orders instants chronologically across UTC offsets', () => {
    const earlier = makeEvent({ action: 'withdraw', at: '2025-06-15T17:00:00+08:00', suffix: fakeUlid(2) });
    const later = makeEvent({ action: 'accept', at: '2025-06-15T10:00:00Z', suffix: fakeUlid(1) });
    expect(eventOrder(earlier, later)).toBeLessThan(0);
  });

  it('a withdraw written with a +08:00 offset before the accept wins', () => {
    const events = [
      makeEvent({ action: 'submit', at: '2025-06-15T08:00:00.000Z' }),
      makeEvent({ action: 'receive', at: '2025-06-15T08:01:00.000Z', serverAt: '2025-06-15T08:01:00.000Z', suffix: 'received' }),
      makeEvent({ action: 'withdraw', at: '2025-06-15T17:30:00+08:00' }),
      makeEvent({ action: 'accept', at: '2025-06-15T10:00:00Z' }),
    ];
    expect(foldEvents(events).state).toBe('withdrawn');
  });
});

// ---------------------------------------------------------------------------
// applyEvent / foldEvents: the rules that depend on history
// ---------------------------------------------------------------------------

describe('applyEvent: basics', () => {
  it('refuses with exactly what transition says (role first, then state)', () => {
    const status = foldAll(toReceived()).status;
    expect(applyEvent(status, ev('accept', 5, { role: 'station' }))).toEqual({ ok: false, error: 'role station may not accept' });
    expect(applyEvent(status, ev('issue', 5))).toEqual({ ok: false, error: 'cannot issue when received' });
    expect(applyEvent(initialStatus(), ev('rate', 5))).toEqual({ ok: false, error: 'rate before submit' });
  });

  it('never mutates the status it is given', () => {
    const status = foldAll(toDispatched(['market', 'fire']), checklist([['lease-contract', 'deficient']])).status;
    const snapshot = structuredClone(status);
    for (const next of [
      ev('departmentDecision', 10, { department: 'market' }),
      ev('requestCorrection', 10),
      ev('supplement', 10, { materialIds: ['lease-contract'] }),
    ]) {
      const r = applyEvent(status, next);
      expect(r.ok).toBe(true);
      expect(status).toEqual(snapshot);
    }
    const corrected = applyEvent(status, ev('requestCorrection', 10));
    if (!corrected.ok) throw new Error(corrected.error);
    const correctedSnapshot = structuredClone(corrected.status);
    expect(applyEvent(corrected.status, ev('supplement', 11)).ok).toBe(true);
    expect(corrected.status).toEqual(correctedSnapshot);
  });

  it('initialStatus seeds the 容缺 commitments from the deficient items, in checklist order', () => {
    expect(initialStatus()).toEqual({ state: undefined, departments: {}, outstanding: [], pauses: [] });
    const sub = checklist([
      ['application-form', 'provided'],
      ['shop-photo', 'deficient'],
      ['business-licence', 'provided'],
      ['lease-contract', 'deficient'],
    ]);
    expect(initialStatus(sub)).toEqual({ state: undefined, departments: {}, outstanding: ['shop-photo', 'lease-contract'], pauses: [] });
    expect(initialStatus(checklist([['application-form', 'provided']])).outstanding).toEqual([]);
  });
});

describe('parallel approval (并联审批)', () => {
  it('two departments: pending after one approval, approved when both approve; decidedAt is the concluding decision', () => {
    const events = [...toDispatched(['market', 'fire']), ev('departmentDecision', 10, { department: 'fire' })];
    const mid = foldAll(events);
    expect(mid.state).toBe('dispatched');
    expect(mid.status.departments).toEqual({ market: 'pending', fire: 'approved' });
    expect(mid.status.decidedAt).toBeUndefined();
    const done = foldAll([...events, ev('departmentDecision', 20, { department: 'market' })]);
    expect(done.state).toBe('approved');
    expect(done.status.departments).toEqual({ market: 'approved', fire: 'approved' });
    expect(done.status.decidedAt).toBe(T(20));
  });

  it('dispatch records every department as pending', () => {
    const folded = foldAll(toDispatched(['market', 'fire', 'health']));
    expect(folded.state).toBe('dispatched');
    expect(folded.status.departments).toEqual({ market: 'pending', fire: 'pending', health: 'pending' });
  });

  it('three departments: approved only when the third approves', () => {
    const events = [
      ...toDispatched(['market', 'fire', 'health']),
      ev('departmentDecision', 10, { department: 'health' }),
      ev('departmentDecision', 11, { department: 'market' }),
    ];
    expect(foldAll(events).state).toBe('dispatched');
    const done = foldAll([...events, ev('departmentDecision', 12, { department: 'fire' })]);
    expect(done.state).toBe('approved');
    expect(done.status.decidedAt).toBe(T(12));
  });

  it('one department denying denies the whole, at once; later decisions are refused', () => {
    const events = [
      ...toDispatched(['market', 'fire', 'health']),
      ev('departmentDecision', 10, { department: 'market' }),
      ev('departmentDecision', 11, { department: 'fire', decision: 'deny' }),
    ];
    const denied = foldAll(events);
    expect(denied.state).toBe('denied');
    expect(denied.status.departments).toEqual({ market: 'approved', fire: 'denied', health: 'pending' });
    expect(denied.status.decidedAt).toBe(T(11));
    const late = foldEvents([...events, ev('departmentDecision', 12, { department: 'health' })]);
    expect(late.state).toBe('denied');
    expect(ignoredOf(late)).toEqual([['departmentDecision', 'cannot departmentDecision when denied']]);
  });

  it('a deny after every other department approved still denies', () => {
    const folded = foldAll([
      ...toDispatched(['market', 'fire']),
      ev('departmentDecision', 10, { department: 'market' }),
      ev('departmentDecision', 11, { department: 'fire', decision: 'deny' }),
    ]);
    expect(folded.state).toBe('denied');
    expect(folded.status.decidedAt).toBe(T(11));
  });

  it('a decision for a department that was not dispatched is refused with the exact error, and changes nothing', () => {
    const events = toDispatched(['market', 'fire']);
    const r = after(events, ev('departmentDecision', 10, { department: 'health' }));
    expect(r).toEqual({ ok: false, error: 'department health was not dispatched' });
    const folded = foldEvents([...events, ev('departmentDecision', 10, { department: 'health', decision: 'deny' })]);
    expect(folded.state).toBe('dispatched');
    expect(folded.status.departments).toEqual({ market: 'pending', fire: 'pending' });
    expect(ignoredOf(folded)).toEqual([['departmentDecision', 'department health was not dispatched']]);
  });

  it('a repeated decision by the same department is refused with the exact error (even to change its mind)', () => {
    const events = [...toDispatched(['market', 'fire']), ev('departmentDecision', 10, { department: 'market' })];
    expect(after(events, ev('departmentDecision', 11, { department: 'market' }))).toEqual({ ok: false, error: 'department market already decided' });
    expect(after(events, ev('departmentDecision', 11, { department: 'market', decision: 'deny' }))).toEqual({
      ok: false,
      error: 'department market already decided',
    });
    const folded = foldEvents([...events, ev('departmentDecision', 11, { department: 'market', decision: 'deny' })]);
    expect(folded.state).toBe('dispatched');
    expect(folded.status.departments).toEqual({ market: 'approved', fire: 'pending' });
  });

  it('department decisions before dispatch, and approve/deny while dispatched, are refused', () => {
    expect(after(toAccepted(), ev('departmentDecision', 10))).toEqual({ ok: false, error: 'cannot departmentDecision when accepted' });
    expect(after(toDispatched(['market']), ev('approve', 10))).toEqual({ ok: false, error: 'cannot approve when dispatched' });
    expect(after(toDispatched(['market']), ev('deny', 10))).toEqual({ ok: false, error: 'cannot deny when dispatched' });
  });

  it('the hall decides alone from accepted: approve and deny set decidedAt (server time)', () => {
    const approved = foldAll(toApproved());
    expect(approved.state).toBe('approved');
    expect(approved.status.decidedAt).toBe(T(3));
    expect(approved.status.departments).toEqual({});
    const denied = foldAll([...toAccepted(), ev('deny', 7)]);
    expect(denied.state).toBe('denied');
    expect(denied.status.decidedAt).toBe(T(7));
  });

  it('department names are only checked as own entries (schema allows "constructor")', () => {
    const e = ev('departmentDecision', 10, { department: 'constructor' });
    expect(eventDocSchema.safeParse(e).success).toBe(true);
    // Whatever the message, the decision must not apply.
    const r = after(toDispatched(['market']), e);
    expect(r.ok).toBe(false);
  });

  // `departments` is a plain object: `departments['constructor']` must not find Object.prototype's (a department
  // id may be "constructor"), or the decision would read as 'already decided'.
  it('a decision for the undispatched department "constructor" says it was not dispatched', () => {
    expect(after(toDispatched(['market']), ev('departmentDecision', 10, { department: 'constructor' }))).toEqual({
      ok: false,
      error: 'department constructor was not dispatched',
    });
  });
});

describe('容缺: outstanding commitments block issue', () => {
  const sub = checklist([
    ['application-form', 'provided'],
    ['lease-contract', 'deficient'],
    ['shop-photo', 'deficient'],
  ]);

  it('accept is allowed with deficient items; issue is refused with the 容缺 error while any is outstanding', () => {
    const events = toApproved();
    const status = foldAll(events, sub).status;
    expect(status.state).toBe('approved');
    expect(status.outstanding).toEqual(['lease-contract', 'shop-photo']);
    expect(applyEvent(status, ev('issue', 10))).toEqual({
      ok: false,
      error: 'cannot issue while 容缺 commitments are outstanding: lease-contract, shop-photo',
    });
    const folded = foldEvents([...events, ev('issue', 10)], sub);
    expect(folded.state).toBe('approved');
    expect(folded.status.certificateNo).toBeUndefined();
    expect(ignoredOf(folded)).toEqual([['issue', 'cannot issue while 容缺 commitments are outstanding: lease-contract, shop-photo']]);
  });

  it('a partial supplement still blocks, naming what remains', () => {
    const events = [...toApproved(), ev('supplement', 10, { materialIds: ['shop-photo'] })];
    const status = foldAll(events, sub).status;
    expect(status.outstanding).toEqual(['lease-contract']);
    expect(applyEvent(status, ev('issue', 11))).toEqual({ ok: false, error: 'cannot issue while 容缺 commitments are outstanding: lease-contract' });
  });

  it('a supplement of unrelated materials changes nothing', () => {
    const status = foldAll([...toApproved(), ev('supplement', 10, { materialIds: ['business-licence'] })], sub).status;
    expect(status.outstanding).toEqual(['lease-contract', 'shop-photo']);
    expect(status.state).toBe('approved');
  });

  it('issue is allowed once supplements (while accepted, dispatched or approved) cover every deficient material', () => {
    const folded = foldAll(
      [
        ...toAccepted(),
        ev('supplement', 3, { materialIds: ['lease-contract'] }),
        ev('dispatch', 4, { departments: ['market'] }),
        ev('departmentDecision', 5, { department: 'market' }),
        ev('supplement', 6, { materialIds: ['shop-photo'] }),
        ev('issue', 7, { certificateNo: 'ZS-0001' }),
      ],
      sub,
    );
    expect(folded.state).toBe('issued');
    expect(folded.status.outstanding).toEqual([]);
    expect(folded.status.certificateNo).toBe('ZS-0001');
    // One supplement covering both, while dispatched, works too.
    const once = foldAll(
      [
        ...toDispatched(['market']),
        ev('supplement', 10, { materialIds: ['shop-photo', 'lease-contract'] }),
        ev('departmentDecision', 11, { department: 'market' }),
        ev('issue', 12),
      ],
      sub,
    );
    expect(once.state).toBe('issued');
  });

  it('a supplement answering a correction also fulfils the commitments it covers', () => {
    const folded = foldAll(
      [...toAccepted(), ev('requestCorrection', 3), ev('supplement', 4, { materialIds: ['business-licence', 'lease-contract', 'shop-photo'] }), ev('approve', 5), ev('issue', 6)],
      sub,
    );
    expect(folded.state).toBe('issued');
  });

  it('autoApprove does not bypass the commitments', () => {
    const events = [...toReceived(), ev('autoApprove', 2)];
    expect(after(events, ev('issue', 3), sub)).toEqual({ ok: false, error: 'cannot issue while 容缺 commitments are outstanding: lease-contract, shop-photo' });
    expect(foldAll([...events, ev('supplement', 3, { materialIds: [...MATERIALS] }), ev('issue', 4)], sub).state).toBe('issued');
  });

  it('without the submission (or with no deficient item) nothing blocks issue', () => {
    expect(foldAll([...toApproved(), ev('issue', 10)]).state).toBe('issued');
    expect(foldAll([...toApproved(), ev('issue', 10)], checklist([['application-form', 'provided']])).state).toBe('issued');
  });

  it('a supplement before acceptance is refused (the commitments stay outstanding)', () => {
    const folded = foldEvents([...toReceived(), ev('supplement', 2, { materialIds: ['lease-contract'] })], sub);
    expect(ignoredOf(folded)).toEqual([['supplement', 'cannot supplement when received']]);
    expect(folded.status.outstanding).toEqual(['lease-contract', 'shop-photo']);
  });
});

describe('补正 (correction) and its pauses', () => {
  it('from received: correctionRequested → supplement → received; the correction is recorded, then cleared', () => {
    const asked = foldAll([...toReceived(), ev('requestCorrection', 10, { reason: '身份证复印件模糊', materialIds: ['id-copy', 'lease-contract'] })]);
    expect(asked.state).toBe('correctionRequested');
    expect(asked.status.correction).toEqual({ reason: '身份证复印件模糊', materialIds: ['id-copy', 'lease-contract'] });
    expect(asked.status.resumeState).toBeUndefined();
    const answered = foldAll([...asked.applied, ev('supplement', 20, { materialIds: ['id-copy', 'lease-contract'] })]);
    expect(answered.state).toBe('received');
    expect(answered.status.correction).toBeUndefined();
    expect(answered.status.acceptedAt).toBeUndefined();
  });

  it('after acceptance: accepted → correctionRequested → supplement → accepted, keeping acceptedAt', () => {
    const asked = foldAll([...toAccepted(), ev('requestCorrection', 10)]);
    expect(asked.state).toBe('correctionRequested');
    expect(asked.status.resumeState).toBe('accepted');
    const answered = foldAll([...asked.applied, ev('supplement', 20)]);
    expect(answered.state).toBe('accepted');
    expect(answered.status.resumeState).toBeUndefined();
    expect(answered.status.correction).toBeUndefined();
    expect(answered.status.acceptedAt).toBe(T(2));
    // and the lifecycle goes on from there
    expect(foldAll([...answered.applied, ev('dispatch', 21, { departments: ['market'] })]).state).toBe('dispatched');
  });

  it('after dispatch: dispatched → correctionRequested → supplement → dispatched, keeping the departments’ decisions', () => {
    const events = [
      ...toDispatched(['market', 'fire']),
      ev('departmentDecision', 5, { department: 'market' }),
      ev('requestCorrection', 10),
    ];
    const asked = foldAll(events);
    expect(asked.state).toBe('correctionRequested');
    expect(asked.status.resumeState).toBe('dispatched');
    expect(asked.status.departments).toEqual({ market: 'approved', fire: 'pending' });
    // no department decides while the correction is open
    expect(applyEvent(asked.status, ev('departmentDecision', 11, { department: 'fire' }))).toEqual({
      ok: false,
      error: 'cannot departmentDecision when correctionRequested',
    });
    const answered = foldAll([...events, ev('supplement', 20)]);
    expect(answered.state).toBe('dispatched');
    expect(answered.status.departments).toEqual({ market: 'approved', fire: 'pending' });
    expect(foldAll([...events, ev('supplement', 20), ev('departmentDecision', 21, { department: 'fire' })]).state).toBe('approved');
  });

  it('two correction rounds (before and after acceptance) each return where they came from and each record a pause', () => {
    // resumeState must not leak between rounds.
    const folded = foldAll([
      ...toReceived(),
      ev('requestCorrection', 10),
      ev('supplement', 11),
      ev('accept', 12),
      ev('requestCorrection', 13),
      ev('supplement', 14),
    ]);
    expect(folded.state).toBe('accepted');
    expect(folded.status.pauses).toEqual([
      { from: T(10), to: T(11) },
      { from: T(13), to: T(14) },
    ]);
  });

  it('records the pause from the requestCorrection’s server time to the supplement’s time', () => {
    // The hall's device clock is an hour off (ev), so a pause starting at `at` would show.
    const open = foldAll([...toAccepted(), ev('requestCorrection', 10)]);
    expect(open.status.pauses).toEqual([{ from: T(10) }]);
    expect(open.status.pauses[0]).not.toHaveProperty('to');
    const closed = foldAll([...open.applied, ev('supplement', 25)]);
    expect(closed.status.pauses).toEqual([{ from: T(10), to: T(25) }]);
  });

  it('uses the supplement’s serverAt when it has one (server clock over device clock)', () => {
    const supplement = makeEvent({ action: 'supplement', at: T(90), serverAt: T(30), suffix: fakeUlid(++seq) });
    const folded = foldAll([...toAccepted(), ev('requestCorrection', 10), supplement]);
    expect(folded.status.pauses).toEqual([{ from: T(10), to: T(30) }]);
    expect(folded.status.updatedAt).toBe(T(30));
  });

  it('a 容缺 supplement outside a correction neither opens nor closes a pause', () => {
    const folded = foldAll([...toAccepted(), ev('supplement', 10)]);
    expect(folded.state).toBe('accepted');
    expect(folded.status.pauses).toEqual([]);
  });

  it('refuses a second correction while one is open, and accept/reject/issue while correcting', () => {
    const events = [...toAccepted(), ev('requestCorrection', 10)];
    for (const action of ['requestCorrection', 'accept', 'reject', 'dispatch', 'approve', 'issue'] as const) {
      expect(after(events, ev(action, 11))).toEqual({ ok: false, error: `cannot ${action} when correctionRequested` });
    }
  });

  it('a station may withdraw during a correction asked before acceptance', () => {
    expect(foldAll([...toReceived(), ev('requestCorrection', 10), ev('withdraw', 11)]).state).toBe('withdrawn');
  });

  // A device may withdraw only before acceptance. The table allows withdraw from correctionRequested, so the fold
  // must also look at whether the submission was ever accepted (a 补正 asked after acceptance or dispatch).
  it('a withdraw during a correction asked after acceptance is refused', () => {
    for (const prefix of [toAccepted(), toDispatched(['market'])]) {
      const folded = foldEvents([...prefix, ev('requestCorrection', 10), ev('withdraw', 11)]);
      expect(folded.state).toBe('correctionRequested');
      expect(folded.ignored.map((i) => i.event.action)).toEqual(['withdraw']);
      expect(folded.ignored[0]?.error).toMatch(/withdraw/);
    }
  });
});

describe('timestamps and recorded payloads', () => {
  it('receivedAt, acceptedAt and decidedAt use the server time; updatedAt follows the last applied event', () => {
    const folded = foldAll(toApproved());
    expect(folded.status.receivedAt).toBe(T(1));
    expect(folded.status.acceptedAt).toBe(T(2));
    expect(folded.status.decidedAt).toBe(T(3));
    expect(folded.status.updatedAt).toBe(T(3));
  });

  it('without serverAt the device time counts', () => {
    const folded = foldAll([
      makeEvent({ action: 'submit', at: T(0), suffix: fakeUlid(++seq) }),
      makeEvent({ action: 'receive', at: T(1), suffix: fakeUlid(++seq) }),
      makeEvent({ action: 'accept', at: T(2), suffix: fakeUlid(++seq) }),
    ]);
    expect(folded.status.receivedAt).toBe(T(1));
    expect(folded.status.acceptedAt).toBe(T(2));
  });

  it('nothing is decided, accepted or received before it happens', () => {
    const submitted = foldAll([ev('submit', 0)]).status;
    expect(submitted.state).toBe('submitted');
    expect(submitted.receivedAt).toBeUndefined();
    expect(submitted.updatedAt).toBe(T(0));
    const accepted = foldAll(toAccepted()).status;
    expect(accepted.decidedAt).toBeUndefined();
  });

  it('autoApprove (秒批) goes from received straight to approved; acceptance and decision at the same time', () => {
    const folded = foldAll([
      ...toReceived(),
      ev('autoApprove', 2, { rules: [{ rule: 'no-violations', ok: true, detail: '无违法记录' }, { rule: 'address-match', ok: true, detail: '地址一致' }] }),
    ]);
    expect(folded.state).toBe('approved');
    expect(folded.status.decidedAt).toBe(T(2));
    expect(folded.status.acceptedAt).toBe(T(2));
    expect(after(toAccepted(), ev('autoApprove', 3))).toEqual({ ok: false, error: 'cannot autoApprove when accepted' });
    expect(after(toReceived(), ev('autoApprove', 3, { role: 'hall' }))).toEqual({ ok: false, error: 'role hall may not autoApprove' });
  });

  // Defence in depth: 秒批 approves only when every rule passed, and the event records each rule's outcome.
  it('an autoApprove whose recorded 秒批 rules did not all pass is refused', () => {
    const r = after(toReceived(), ev('autoApprove', 2, { rules: [{ rule: 'no-violations', ok: false, detail: '存在未结案件' }] }));
    expect(r.ok).toBe(false);
  });

  it('issue records the certificate number; deliver records method and reference; rate records rating and comment', () => {
    const folded = foldAll([
      ...toApproved(),
      ev('issue', 4, { certificateNo: 'ZS20250615ABCD' }),
      ev('deliver', 5, { method: 'locker', reference: 'LK-0042' }),
      ev('rate', 6, { rating: 'average', comment: '等待时间稍长' }),
    ]);
    expect(folded.state).toBe('rated');
    expect(folded.status.certificateNo).toBe('ZS20250615ABCD');
    expect(folded.status.delivery).toEqual({ method: 'locker', reference: 'LK-0042' });
    expect(folded.status.rating).toEqual({ rating: 'average', comment: '等待时间稍长' });
    expect(folded.status.updatedAt).toBe(T(6));
  });

  it('a rating without a comment records no comment', () => {
    const folded = foldAll([...toDelivered(), ev('rate', 6, { rating: 'bad' })]);
    expect(folded.status.rating).toEqual({ rating: 'bad' });
    expect(folded.status.rating).not.toHaveProperty('comment');
    expect(folded.status.delivery).toEqual({ method: 'post', reference: 'SF1234567890' });
  });

  it('each delivery method is recorded as given', () => {
    for (const method of DELIVERY_METHODS) {
      expect(foldAll([...toIssued(), ev('deliver', 5, { method, reference: `ref-${method}` })]).status.delivery).toEqual({ method, reference: `ref-${method}` });
    }
  });
});

describe('final states accept no further actions', () => {
  const HISTORIES: Record<(typeof HAND_FINAL_STATES)[number], () => EventDoc[]> = {
    rejected: () => [...toReceived(), ev('reject', 2)],
    withdrawn: () => [ev('submit', 0), ev('withdraw', 1)],
    denied: () => [...toDispatched(['market']), ev('departmentDecision', 4, { department: 'market', decision: 'deny' })],
    delivered: () => toDelivered(),
    rated: () => [...toDelivered(), ev('rate', 6)],
  };

  it.each(HAND_FINAL_STATES)('%s: every action by its allowed role is refused (delivered: all but the rating)', (finalState) => {
    const history = HISTORIES[finalState]();
    const folded = foldAll(history);
    expect(folded.state).toBe(finalState);
    for (const action of ACTIONS) {
      const r = applyEvent(folded.status, ev(action, 30));
      if (finalState === 'delivered' && action === 'rate') expect(r.ok).toBe(true);
      else expect(r, `${finalState} + ${action}`).toEqual({ ok: false, error: action === 'submit' ? 'already submitted' : `cannot ${action} when ${finalState}` });
    }
    // Folded with every other action afterwards: the state stays, and every late event is reported.
    const late = ACTIONS.filter((a) => a !== 'rate' || finalState !== 'delivered').map((a, i) => ev(a, 30 + i));
    const refolded = foldEvents([...history, ...late]);
    expect(refolded.state).toBe(finalState);
    expect(refolded.ignored).toHaveLength(late.length);
  });
});

describe('foldEvents', () => {
  it('folds nothing to no state', () => {
    expect(foldEvents([])).toEqual({ state: undefined, status: initialStatus(), applied: [], ignored: [] });
  });

  it('folds the whole lifecycle in any input order (dispatch, parallel approval, 容缺, correction, issue, deliver, rate)', () => {
    const sub = checklist([
      ['application-form', 'provided'],
      ['lease-contract', 'deficient'],
    ]);
    const events = [
      ev('submit', 0),
      ev('receive', 1),
      ev('accept', 2),
      ev('dispatch', 3, { departments: ['market', 'fire'] }),
      ev('departmentDecision', 4, { department: 'fire' }),
      ev('requestCorrection', 5),
      ev('supplement', 6, { materialIds: ['business-licence', 'lease-contract'] }),
      ev('departmentDecision', 7, { department: 'market' }),
      ev('issue', 8),
      ev('deliver', 9),
      ev('rate', 10),
    ];
    for (const e of events) expect(eventDocSchema.safeParse(e).success).toBe(true);
    const folded = foldAll([...events].reverse(), sub);
    expect(folded.state).toBe('rated');
    expect(ids(folded.applied)).toEqual(ids(events));
    expect(folded.status).toMatchObject({
      departments: { market: 'approved', fire: 'approved' },
      outstanding: [],
      pauses: [{ from: T(5), to: T(6) }],
      receivedAt: T(1),
      acceptedAt: T(2),
      decidedAt: T(7),
      updatedAt: T(10),
    });
  });

  it('reports every event that does not apply, with its error, and never drops one', () => {
    const submit = makeEvent({ action: 'submit', at: iso(BASE_MS) });
    const resubmit = makeEvent({ action: 'submit', at: iso(BASE_MS + 500) });
    const early = makeEvent({ action: 'accept', at: iso(BASE_MS + 1000) }); // before receive
    const receive = makeEvent({ action: 'receive', at: iso(BASE_MS + 2000), serverAt: iso(BASE_MS + 2000), suffix: 'received' });
    const forged = makeEvent({ action: 'accept', role: 'station', at: iso(BASE_MS + 3000) });
    const accept = makeEvent({ action: 'accept', at: iso(BASE_MS + 4000) });
    const lateWithdraw = makeEvent({ action: 'withdraw', at: iso(BASE_MS + 5000) });
    const forgedRating = makeEvent({ action: 'rate', role: 'station', at: iso(BASE_MS + 6000) });
    const all = [forgedRating, lateWithdraw, accept, forged, receive, early, resubmit, submit];
    const folded = foldEvents(all);
    expect(folded.state).toBe('accepted');
    expect(ids(folded.applied)).toEqual(ids([submit, receive, accept]));
    expect(folded.ignored.map((i) => [i.event._id, i.error])).toEqual([
      [resubmit._id, 'already submitted'],
      [early._id, 'cannot accept when submitted'],
      [forged._id, 'role station may not accept'],
      [lateWithdraw._id, 'cannot withdraw when accepted'],
      [forgedRating._id, 'role station may not rate'],
    ]);
    expect(folded.applied.length + folded.ignored.length).toBe(all.length);
  });

  it('ignores everything when there is no submit, saying why', () => {
    const events = [ev('receive', 0), ev('withdraw', 1), ev('dispatch', 2)];
    const folded = foldEvents(events);
    expect(folded.state).toBeUndefined();
    expect(folded.applied).toEqual([]);
    expect(folded.ignored.map((i) => i.error)).toEqual(['receive before submit', 'withdraw before submit', 'dispatch before submit']);
  });

  it('does not mutate its input', () => {
    const events = [ev('withdraw', 1), ev('submit', 0)];
    const before = ids(events);
    const snapshot = structuredClone(events);
    foldEvents(events);
    expect(ids(events)).toEqual(before);
    expect(events).toEqual(snapshot);
  });
});

// ---------------------------------------------------------------------------
// Properties, against an independent model of the lifecycle
// ---------------------------------------------------------------------------

type Decision = 'pending' | 'approved' | 'denied';
interface ModelStatus {
  state: SubmissionState | undefined;
  departments: [string, Decision][];
  outstanding: string[];
  correction: { reason: string; materialIds: string[] } | undefined;
  resume: SubmissionState | undefined;
  pauses: { from: string; to?: string }[];
  receivedAt?: string;
  acceptedAt?: string;
  decidedAt?: string;
  certificateNo?: string;
}
type ModelStep = { ok: true; status: ModelStatus } | { ok: false; error: string };

/** One event through the model: the hand-written table, then the history rules, written independently of the implementation. */
function modelStep(m: ModelStatus, e: EventDoc): ModelStep {
  const t = expectedTransition(m.state, e.action, e.role);
  if (!t.ok) return t;
  const time = e.serverAt ?? e.at;
  const s: ModelStatus = { ...m, state: t.state, departments: m.departments.map(([d, v]) => [d, v]), outstanding: [...m.outstanding], pauses: m.pauses.map((p) => ({ ...p })) };
  switch (e.action) {
    case 'withdraw':
      if (m.acceptedAt !== undefined) return { ok: false, error: 'cannot withdraw after accepted' }; // only before acceptance
      break;
    case 'receive':
      s.receivedAt = time;
      break;
    case 'accept':
      s.acceptedAt = time;
      break;
    case 'requestCorrection':
      s.correction = { reason: e.reason, materialIds: [...e.materialIds] };
      s.resume = m.state === 'accepted' || m.state === 'dispatched' ? m.state : undefined;
      s.pauses.push({ from: time });
      break;
    case 'supplement':
      s.outstanding = s.outstanding.filter((id) => !e.items.some((i) => i.materialId === id));
      if (m.state === 'correctionRequested') {
        s.state = m.resume ?? 'received';
        s.resume = undefined;
        s.correction = undefined;
        const last = s.pauses[s.pauses.length - 1];
        if (last) last.to = time;
      }
      break;
    case 'dispatch':
      s.departments = [...new Set(e.departments)].map((d) => [d, 'pending']);
      break;
    case 'departmentDecision': {
      const entry = s.departments.find(([d]) => d === e.department);
      if (!entry) return { ok: false, error: `department ${e.department} was not dispatched` };
      if (entry[1] !== 'pending') return { ok: false, error: `department ${e.department} already decided` };
      entry[1] = e.decision === 'approve' ? 'approved' : 'denied';
      if (s.departments.some(([, v]) => v === 'denied')) {
        s.state = 'denied';
        s.decidedAt = time;
      } else if (s.departments.every(([, v]) => v === 'approved')) {
        s.state = 'approved';
        s.decidedAt = time;
      }
      break;
    }
    case 'autoApprove':
      if (e.rules.some((r) => !r.ok)) return { ok: false, error: 'autoApprove needs every 秒批 rule to pass' };
      s.acceptedAt = time; // approval by rule is acceptance: the clock starts
      s.decidedAt = time;
      break;
    case 'approve':
    case 'deny':
      s.decidedAt = time;
      break;
    case 'issue':
      if (m.outstanding.length > 0) return { ok: false, error: `cannot issue while 容缺 commitments are outstanding: ${m.outstanding.join(', ')}` };
      s.certificateNo = e.certificateNo;
      break;
    case 'submit':
    case 'reject':
    case 'deliver':
    case 'rate':
      break;
  }
  return { ok: true, status: s };
}

const modelInitial = (deficient: readonly string[]): ModelStatus => ({
  state: undefined,
  departments: [],
  outstanding: [...deficient],
  correction: undefined,
  resume: undefined,
  pauses: [],
});

/** Sort by (submit first, instant, id), independently of eventOrder. */
function modelSort(events: readonly EventDoc[]): EventDoc[] {
  const key = (e: EventDoc): [number, number, string] => [e.action === 'submit' ? 0 : 1, Date.parse(e.serverAt ?? e.at), e._id];
  return [...events].sort((a, b) => {
    const [ra, ta, ia] = key(a);
    const [rb, tb, ib] = key(b);
    return ra - rb || ta - tb || (ia < ib ? -1 : ia > ib ? 1 : 0);
  });
}

function modelFold(events: readonly EventDoc[], deficient: readonly string[]) {
  let status = modelInitial(deficient);
  const applied: string[] = [];
  const ignored: [string, string][] = [];
  for (const e of modelSort(events)) {
    const r = modelStep(status, e);
    if (r.ok) {
      status = r.status;
      applied.push(e._id);
    } else ignored.push([e._id, r.error]);
  }
  return { status, applied, ignored };
}

function expectMatchesModel(folded: FoldedSubmission, model: ReturnType<typeof modelFold>): void {
  const s: SubmissionStatus = folded.status;
  const m = model.status;
  expect(folded.state).toBe(m.state);
  expect(s.state).toBe(m.state);
  expect(ids(folded.applied)).toEqual(model.applied);
  expect(folded.ignored.map((i) => [i.event._id, i.error])).toEqual(model.ignored);
  expect(s.departments).toEqual(Object.fromEntries(m.departments));
  expect(s.outstanding).toEqual(m.outstanding);
  expect(s.correction).toEqual(m.correction);
  expect(s.resumeState).toBe(m.resume);
  expect(s.pauses).toEqual(m.pauses);
  expect(s.receivedAt).toBe(m.receivedAt);
  expect(s.acceptedAt).toBe(m.acceptedAt);
  expect(s.decidedAt).toBe(m.decidedAt);
  expect(s.certificateNo).toBe(m.certificateNo);
}

/** Invariants that hold for any fold, whatever the events. */
function expectInvariants(events: readonly EventDoc[], folded: FoldedSubmission): void {
  expect(folded.applied.length + folded.ignored.length).toBe(events.length);
  expect([...ids(folded.applied), ...folded.ignored.map((i) => i.event._id)].sort()).toEqual(ids(events).sort());
  for (const i of folded.ignored) {
    expect(events).toContain(i.event);
    expect(i.error.length).toBeGreaterThan(0);
  }
  expect(folded.state === undefined || (SUBMISSION_STATES as readonly string[]).includes(folded.state)).toBe(true);
  expect(folded.status.state).toBe(folded.state);
  const s = folded.status;
  // Pauses are closed in order; only the last may be open, and it is open while a correction is.
  for (const [i, p] of s.pauses.entries()) {
    if (p.to !== undefined) expect(Date.parse(p.to)).toBeGreaterThanOrEqual(Date.parse(p.from));
    else expect(i).toBe(s.pauses.length - 1);
  }
  if (folded.state === 'correctionRequested') expect(s.pauses.at(-1)?.to).toBeUndefined();
  // Nothing is issued while a commitment is outstanding, and no supplement follows issue.
  if (folded.state === 'issued' || folded.state === 'delivered' || folded.state === 'rated') {
    expect(s.outstanding).toEqual([]);
    expect(s.certificateNo).toBeDefined();
  }
  // Parallel outcome: a dispatched submission ends approved only if all approved, denied if any denied.
  const decisions = Object.values(s.departments);
  if (folded.state === 'dispatched') expect(decisions.every((d) => d !== 'denied') && decisions.some((d) => d === 'pending')).toBe(true);
  if (decisions.includes('denied')) expect(folded.state).toBe('denied');
  // Only applied events count for updatedAt.
  const last = folded.applied.at(-1);
  expect(s.updatedAt).toBe(last === undefined ? undefined : (last.serverAt ?? last.at));
}

// Arbitrary events: any action, mostly by its allowed role, payloads drawn from small sets so they interact.
const rawEventArb = fc.record({
  action: fc.constantFrom(...ACTIONS),
  role: fc.oneof({ arbitrary: fc.constant<Role | undefined>(undefined), weight: 4 }, { arbitrary: fc.constantFrom<Role | undefined>(...ROLES), weight: 1 }),
  materialIds: fc.subarray([...MATERIALS], { minLength: 1 }),
  departments: fc.subarray([...DEPARTMENTS], { minLength: 1 }),
  department: fc.constantFrom<string>('market', 'fire', 'health', 'tax'),
  decision: fc.constantFrom<'approve' | 'deny'>('approve', 'approve', 'deny'),
  rulesOk: fc.boolean(),
  method: fc.constantFrom(...DELIVERY_METHODS),
  rating: fc.constantFrom(...RATINGS),
  comment: fc.option(fc.constantFrom('很好', '一般'), { nil: undefined }),
  skewMs: fc.integer({ min: -3_600_000, max: 3_600_000 }),
  stamped: fc.boolean(),
});
type RawEvent = typeof rawEventArb extends fc.Arbitrary<infer R> ? R : never;

/** Build an event whose counted time (serverAt ?? at) is `timeMs`. */
function fromRaw(r: RawEvent, timeMs: number, n: number): EventDoc {
  return makeEvent({
    action: r.action,
    ...(r.role === undefined ? {} : { role: r.role }),
    at: iso(r.stamped ? timeMs + r.skewMs : timeMs),
    ...(r.stamped ? { serverAt: iso(timeMs) } : {}),
    suffix: fakeUlid(n),
    materialIds: r.materialIds,
    departments: r.departments,
    department: r.department,
    decision: r.decision,
    rules: [{ rule: 'no-violations', ok: r.rulesOk, detail: '-' }],
    method: r.method,
    rating: r.rating,
    ...(r.comment === undefined ? {} : { comment: r.comment }),
  });
}

const deficientArb = fc.subarray([...MATERIALS]);
const submissionOf = (deficient: readonly string[]): Pick<SubmissionDoc, 'items'> =>
  checklist([['application-form', 'provided'], ...deficient.map((d) => [d, 'deficient'] as const)]);

/** Arbitrary event sets with colliding times (0–5 s): ties are broken by id. Ids are unique, not in generation order. */
const collidingSetArb = fc.array(fc.tuple(rawEventArb, fc.integer({ min: 0, max: 5 })), { maxLength: 20 }).map((raws) =>
  raws.map(([r, sec], i) => fromRaw(r, BASE_MS + sec * 1000, (i * 7919) % 10007)),
);

/** Arbitrary event sets whose counted times are all distinct. */
const distinctSetArb = fc
  .array(rawEventArb, { maxLength: 20 })
  .chain((raws) => fc.tuple(fc.constant(raws), fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: raws.length, maxLength: raws.length })))
  .map(([raws, secs]) => raws.map((r, i) => fromRaw(r, BASE_MS + (secs[i] ?? 0) * 1000, (i * 7919) % 10007)));

/**
 * A valid history: a random walk through the model, choosing only events it accepts (so it is also a walk
 * through the hand-written table), with strictly increasing times; hall and system events carry serverAt and a
 * skewed device clock.
 */
const stepArb = fc.record({ choice: fc.nat(), raw: rawEventArb, gapMs: fc.integer({ min: 1, max: 86_400_000 }) });
const walkArb = fc.tuple(deficientArb, fc.array(stepArb, { maxLength: 16 })).map(([deficient, steps]) => {
  let t = BASE_MS;
  let n = 0;
  let status = modelInitial(deficient);
  const visited = new Set<SubmissionState>();
  const events: EventDoc[] = [];
  const take = (e: EventDoc): boolean => {
    const r = modelStep(status, e);
    if (!r.ok) return false;
    status = r.status;
    if (status.state) visited.add(status.state);
    events.push(e);
    return true;
  };
  take(makeEvent({ action: 'submit', at: iso(t), suffix: fakeUlid(++n) }));
  for (const step of steps) {
    t += step.gapMs;
    const candidates = ACTIONS.flatMap((action) => {
      const role = ALLOWED_ROLE[action];
      const pending = status.departments.filter(([, v]) => v === 'pending').map(([d]) => d);
      const raw: RawEvent = {
        ...step.raw,
        action,
        role: undefined,
        stamped: role === 'hall' || role === 'system',
        rulesOk: true,
        department: pending[step.choice % Math.max(pending.length, 1)] ?? step.raw.department,
      };
      const e = fromRaw(raw, t, n + 1);
      const r = modelStep(status, e);
      return r.ok ? [e] : [];
    });
    const chosen = candidates[step.choice % Math.max(candidates.length, 1)];
    if (chosen === undefined) break; // final state: the walk ends
    n += 1;
    take(chosen);
  }
  return { events, deficient, finalState: status.state, visited };
});

/** Valid history plus arbitrary noise events at arbitrary times within it. */
const noisyWalkArb = walkArb.chain((walk) =>
  fc.array(fc.tuple(rawEventArb, fc.integer({ min: 0, max: 17 * 86_400 })), { maxLength: 8 }).map((noise) => ({
    ...walk,
    events: [...walk.events, ...noise.map(([r, sec], j) => fromRaw(r, BASE_MS + sec * 1000, 1000 + j))],
  })),
);

const permutationOf = <T>(xs: readonly T[]): fc.Arbitrary<T[]> => fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });

describe('properties', () => {
  it('the model and the walk generator are sane: walks reach every state', () => {
    const visited = new Set<SubmissionState>();
    for (const walk of fc.sample(walkArb, { numRuns: 3000, seed: 42 })) for (const s of walk.visited) visited.add(s);
    expect([...visited].sort()).toEqual([...SUBMISSION_STATES].sort());
  });

  it('property: random valid-or-invalid event sets fold without throwing; applied + ignored = events; state in SUBMISSION_STATES; matches the model', () => {
    fc.assert(
      fc.property(collidingSetArb, deficientArb, (events, deficient) => {
        for (const e of events) expect(eventDocSchema.safeParse(e).success).toBe(true);
        let folded: FoldedSubmission | undefined;
        expect(() => (folded = foldEvents(events, submissionOf(deficient)))).not.toThrow();
        if (!folded) return;
        expectInvariants(events, folded);
        const model = modelFold(events, deficient);
        expectMatchesModel(folded, model);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: the fold is order-independent for histories whose events have distinct times', () => {
    fc.assert(
      fc.property(
        distinctSetArb.chain((events) => fc.tuple(fc.constant(events), permutationOf(events))),
        deficientArb,
        ([events, shuffled], deficient) => {
          const times = events.map((e) => Date.parse(e.serverAt ?? e.at));
          expect(new Set(times).size).toBe(events.length);
          const sub = submissionOf(deficient);
          const a = foldEvents(events, sub);
          const b = foldEvents(shuffled, sub);
          expect(b).toEqual(a);
          expect(ids(b.applied)).toEqual(ids(a.applied));
          expectInvariants(events, a);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property: even with equal times the fold is order-independent (ties broken by id)', () => {
    fc.assert(
      fc.property(
        collidingSetArb.chain((events) => fc.tuple(fc.constant(events), permutationOf(events))),
        ([events, shuffled]) => {
          const a = foldEvents(events);
          const b = foldEvents(shuffled);
          expect(b).toEqual(a);
          expect(ids(b.applied)).toEqual(ids(a.applied));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: any permutation of a valid history applies every event, in order, and ends in the walk’s state', () => {
    fc.assert(
      fc.property(
        walkArb.chain((w) => fc.tuple(fc.constant(w), permutationOf(w.events))),
        ([walk, shuffled]) => {
          const folded = foldEvents(shuffled, submissionOf(walk.deficient));
          expect(folded.ignored.map((i) => [i.event.action, i.error])).toEqual([]);
          expect(folded.state).toBe(walk.finalState);
          expect(ids(folded.applied)).toEqual(ids(walk.events));
          expectInvariants(walk.events, folded);
          expectMatchesModel(folded, modelFold(walk.events, walk.deficient));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property: valid histories with arbitrary noise match the model in any order', () => {
    fc.assert(
      fc.property(
        noisyWalkArb.chain((w) => fc.tuple(fc.constant(w), permutationOf(w.events))),
        ([walk, shuffled]) => {
          const sub = submissionOf(walk.deficient);
          let folded: FoldedSubmission | undefined;
          expect(() => (folded = foldEvents(shuffled, sub))).not.toThrow();
          if (!folded) return;
          expectInvariants(walk.events, folded);
          expect(foldEvents(walk.events, sub)).toEqual(folded);
          expectMatchesModel(folded, modelFold(walk.events, walk.deficient));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('clockStoppedAt', () => {
  const base = { issuedAt: undefined, decidedAt: undefined };
  it('stops at the certificate, and stays stopped through delivery and rating', () => {
    for (const state of ['issued', 'delivered', 'rated'] as const) {
      expect(clockStoppedAt({ ...base, state, decidedAt: '2026-03-03T10:00:00Z', issuedAt: '2026-03-04T10:00:00Z' })).toBe('2026-03-04T10:00:00Z');
    }
  });
  it('stops at a denial, and not at an approval still to be issued', () => {
    expect(clockStoppedAt({ ...base, state: 'denied', decidedAt: '2026-03-03T10:00:00Z' })).toBe('2026-03-03T10:00:00Z');
    expect(clockStoppedAt({ ...base, state: 'approved', decidedAt: '2026-03-03T10:00:00Z' })).toBeUndefined();
    expect(clockStoppedAt({ ...base, state: 'accepted' })).toBeUndefined();
  });
});
