import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { ROLES, eventDocSchema, eventId, type EventAction, type EventDoc, type Role } from './documents';
import {
  ACTION_ROLES,
  SUBMISSION_STATES,
  eventOrder,
  foldEvents,
  transition,
  type SubmissionState,
  type TransitionResult,
} from './submission-machine';

// ---------------------------------------------------------------------------
// The expected lifecycle, written out by hand (DESIGN §4), independent of the implementation's table.
// ---------------------------------------------------------------------------

const ACTIONS = ['submit', 'receive', 'withdraw', 'supplement', 'accept', 'requestCorrection', 'reject'] as const satisfies readonly EventAction[];

/** Compile-time check that ACTIONS lists every EventAction (fails to type-check if one is missing). */
type MissingAction = Exclude<EventAction, (typeof ACTIONS)[number]>;
const noMissingAction: [MissingAction] extends [never] ? true : false = true;

const ALLOWED_ROLE: Record<EventAction, Role> = {
  submit: 'station',
  receive: 'system',
  withdraw: 'station',
  supplement: 'station',
  accept: 'hall',
  requestCorrection: 'hall',
  reject: 'hall',
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
  },
  submitted: {
    submit: err('already submitted'),
    receive: ok('received'),
    withdraw: ok('withdrawn'),
    supplement: err('cannot supplement when submitted'),
    accept: err('cannot accept when submitted'),
    requestCorrection: err('cannot requestCorrection when submitted'),
    reject: err('cannot reject when submitted'),
  },
  received: {
    submit: err('already submitted'),
    receive: err('cannot receive when received'),
    withdraw: ok('withdrawn'),
    supplement: err('cannot supplement when received'),
    accept: ok('accepted'),
    requestCorrection: ok('correctionRequested'),
    reject: ok('rejected'),
  },
  correctionRequested: {
    submit: err('already submitted'),
    receive: err('cannot receive when correctionRequested'),
    withdraw: ok('withdrawn'),
    supplement: ok('received'),
    accept: err('cannot accept when correctionRequested'),
    requestCorrection: err('cannot requestCorrection when correctionRequested'),
    reject: err('cannot reject when correctionRequested'),
  },
  accepted: {
    submit: err('already submitted'),
    receive: err('cannot receive when accepted'),
    withdraw: err('cannot withdraw when accepted'),
    supplement: err('cannot supplement when accepted'),
    accept: err('cannot accept when accepted'),
    requestCorrection: err('cannot requestCorrection when accepted'),
    reject: err('cannot reject when accepted'),
  },
  rejected: {
    submit: err('already submitted'),
    receive: err('cannot receive when rejected'),
    withdraw: err('cannot withdraw when rejected'),
    supplement: err('cannot supplement when rejected'),
    accept: err('cannot accept when rejected'),
    requestCorrection: err('cannot requestCorrection when rejected'),
    reject: err('cannot reject when rejected'),
  },
  withdrawn: {
    submit: err('already submitted'),
    receive: err('cannot receive when withdrawn'),
    withdraw: err('cannot withdraw when withdrawn'),
    supplement: err('cannot supplement when withdrawn'),
    accept: err('cannot accept when withdrawn'),
    requestCorrection: err('cannot requestCorrection when withdrawn'),
    reject: err('cannot reject when withdrawn'),
  },
};

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

/** Deterministic, ULID-shaped, strictly increasing with n (digits are valid Crockford base32). */
const fakeUlid = (n: number): string => `01J${String(n).padStart(23, '0')}`;

interface EventSpec {
  action: EventAction;
  role?: Role;
  at: string;
  serverAt?: string;
  suffix?: string;
  actor?: string;
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
    case 'requestCorrection':
      return { ...base, action: 'requestCorrection', reason: '营业执照复印件不清晰', materialIds: ['business-licence'] };
    case 'reject':
      return { ...base, action: 'reject', reason: '不属于本事项受理范围' };
    case 'withdraw':
      return { ...base, action: 'withdraw', reason: '企业撤回' };
    case 'supplement':
      return { ...base, action: 'supplement', items: [{ materialId: 'business-licence', pages: [{ sha256: 'a'.repeat(64), bytes: 1024, type: 'image/jpeg' }] }] };
    case 'submit':
    case 'receive':
    case 'accept':
      return { ...base, action: spec.action };
  }
}

const ids = (events: readonly EventDoc[]): string[] => events.map((e) => e._id);

// ---------------------------------------------------------------------------
// transition
// ---------------------------------------------------------------------------

describe('transition: full table (state × action × allowed/disallowed role)', () => {
  it('the table covers every state (plus undefined), every action and two roles per action', () => {
    expect(noMissingAction).toBe(true);
    expect(new Set(ACTIONS).size).toBe(7);
    expect(Object.keys(EXPECTED).sort()).toEqual(['undefined', ...SUBMISSION_STATES].sort());
    expect(TABLE).toHaveLength((SUBMISSION_STATES.length + 1) * ACTIONS.length * 2);
    for (const action of ACTIONS) {
      expect(ACTION_ROLES[action]).toEqual([ALLOWED_ROLE[action]]);
      expect(ACTION_ROLES[action]).not.toContain(DISALLOWED_ROLE[action]);
    }
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

  it('terminal states accept nothing and only submit leaves the empty state', () => {
    for (const state of ['accepted', 'rejected', 'withdrawn'] as const) {
      for (const action of ACTIONS) expect(transition(state, action, ALLOWED_ROLE[action]).ok).toBe(false);
    }
    const fromNothing = ACTIONS.filter((a) => transition(undefined, a, ALLOWED_ROLE[a]).ok);
    expect(fromNothing).toEqual(['submit']);
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
    // Companion of the `it.fails` tests below: the documents there are valid, so the schema does not save us.
    for (const at of ['2025-06-15T10:00:00Z', '2025-06-15T10:00:00.500Z', '2025-06-15T17:00:00+08:00']) {
      expect(eventDocSchema.safeParse(makeEvent({ action: 'withdraw', at })).success).toBe(true);
    }
  });

  // Regression (found by these tests, fixed): eventOrder compares ISO instants as strings. The schema accepts any offset (`offset: true`) and any
  // precision, and for those string order is not time order ('…10:00:00Z' > '…10:00:00.500Z' because 'Z' > '.').
  // Fix: compare Date.parse(serverAt ?? at) numerically (or restrict ISO_INSTANT to UTC 'Z' with fixed ms precision).
  it('orders instants chronologically across fractional-second precisions', () => {
    const earlier = makeEvent({ action: 'withdraw', at: '2025-06-15T10:00:00Z', suffix: fakeUlid(2) });
    const later = makeEvent({ action: 'supplement', at: '2025-06-15T10:00:00.500Z', suffix: fakeUlid(1) });
    expect(eventOrder(earlier, later)).toBeLessThan(0);
  });

  // Same BUG, with an offset: 17:00+08:00 is 09:00Z, an hour before 10:00Z, but sorts after it as a string.
  it('orders instants chronologically across UTC offsets', () => {
    const earlier = makeEvent({ action: 'withdraw', at: '2025-06-15T17:00:00+08:00', suffix: fakeUlid(2) });
    const later = makeEvent({ action: 'accept', at: '2025-06-15T10:00:00Z', suffix: fakeUlid(1) });
    expect(eventOrder(earlier, later)).toBeLessThan(0);
  });

  // Consequence of the same BUG on the folded state: the station withdrew (09:30Z, written as +08:00) before the
  // hall accepted (10:00Z), so the submission must end withdrawn; string ordering makes it accepted instead.
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
// foldEvents
// ---------------------------------------------------------------------------

describe('foldEvents', () => {
  it('folds nothing to no state', () => {
    expect(foldEvents([])).toEqual({ state: undefined, applied: [], ignored: [] });
  });

  it('folds a typical history (submit, receive, correction, supplement, accept)', () => {
    const events = [
      makeEvent({ action: 'submit', at: iso(BASE_MS) }),
      makeEvent({ action: 'receive', at: iso(BASE_MS + 1000), serverAt: iso(BASE_MS + 1000), suffix: 'received' }),
      makeEvent({ action: 'requestCorrection', at: iso(BASE_MS + 2000) }),
      makeEvent({ action: 'supplement', at: iso(BASE_MS + 3000) }),
      makeEvent({ action: 'accept', at: iso(BASE_MS + 4000) }),
    ];
    for (const e of events) expect(eventDocSchema.safeParse(e).success).toBe(true);
    const folded = foldEvents([...events].reverse());
    expect(folded.state).toBe('accepted');
    expect(ids(folded.applied)).toEqual(ids(events));
    expect(folded.ignored).toEqual([]);
  });

  it('reports every event that does not apply, with its error, and never drops one', () => {
    const submit = makeEvent({ action: 'submit', at: iso(BASE_MS) });
    const resubmit = makeEvent({ action: 'submit', at: iso(BASE_MS + 500) });
    const early = makeEvent({ action: 'accept', at: iso(BASE_MS + 1000) }); // before receive
    const receive = makeEvent({ action: 'receive', at: iso(BASE_MS + 2000), serverAt: iso(BASE_MS + 2000), suffix: 'received' });
    const forged = makeEvent({ action: 'accept', role: 'station', at: iso(BASE_MS + 3000) });
    const accept = makeEvent({ action: 'accept', at: iso(BASE_MS + 4000) });
    const lateWithdraw = makeEvent({ action: 'withdraw', at: iso(BASE_MS + 5000) });
    const all = [lateWithdraw, accept, forged, receive, early, resubmit, submit];
    const folded = foldEvents(all);
    expect(folded.state).toBe('accepted');
    expect(ids(folded.applied)).toEqual(ids([submit, receive, accept]));
    expect(folded.ignored.map((i) => [i.event._id, i.error])).toEqual([
      [resubmit._id, 'already submitted'],
      [early._id, 'cannot accept when submitted'],
      [forged._id, 'role station may not accept'],
      [lateWithdraw._id, 'cannot withdraw when accepted'],
    ]);
    expect(folded.applied.length + folded.ignored.length).toBe(all.length);
  });

  it('ignores everything when there is no submit, saying why', () => {
    const events = [
      makeEvent({ action: 'receive', at: iso(BASE_MS), serverAt: iso(BASE_MS), suffix: 'received' }),
      makeEvent({ action: 'withdraw', at: iso(BASE_MS + 1) }),
    ];
    const folded = foldEvents(events);
    expect(folded.state).toBeUndefined();
    expect(folded.applied).toEqual([]);
    expect(folded.ignored.map((i) => i.error)).toEqual(['receive before submit', 'withdraw before submit']);
  });

  it('does not mutate its input', () => {
    const events = [makeEvent({ action: 'withdraw', at: iso(BASE_MS + 1) }), makeEvent({ action: 'submit', at: iso(BASE_MS) })];
    const before = ids(events);
    foldEvents(events);
    expect(ids(events)).toEqual(before);
  });

  // A valid history: a random walk through the hand-written table, with strictly increasing times. The server and
  // the hall stamp serverAt; their device clocks (at) are skewed arbitrarily, so ordering must use serverAt.
  const stepArb = fc.record({ choice: fc.nat(), gapMs: fc.integer({ min: 1, max: 86_400_000 }), skewMs: fc.integer({ min: -86_400_000, max: 86_400_000 }) });
  const validHistoryArb = fc.array(stepArb, { maxLength: 12 }).map((steps) => {
    let t = BASE_MS;
    let state: SubmissionState | undefined = undefined;
    const events: EventDoc[] = [];
    const push = (action: EventAction, skewMs: number, n: number): void => {
      const role = ALLOWED_ROLE[action];
      const serverStamped = role === 'system' || role === 'hall';
      events.push(
        makeEvent({
          action,
          at: iso(serverStamped ? t + skewMs : t),
          ...(serverStamped ? { serverAt: iso(t) } : {}),
          suffix: action === 'receive' ? 'received' : fakeUlid(n),
        }),
      );
    };
    push('submit', 0, 0);
    state = 'submitted';
    steps.forEach((step, i) => {
      if (state === undefined) return;
      const from: SubmissionState = state;
      const possible = ACTIONS.filter((a) => EXPECTED[from][a].ok);
      const action = possible[step.choice % Math.max(possible.length, 1)];
      if (action === undefined) return; // terminal state: the walk ends
      t += step.gapMs;
      push(action, step.skewMs, i + 1);
      const next = EXPECTED[from][action];
      if (next.ok) state = next.state;
    });
    return { events, finalState: state };
  });

  const permutationOf = <T>(xs: readonly T[]): fc.Arbitrary<T[]> => fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });

  it('property: any permutation of a valid history folds to the walk’s final state, applying every event in order', () => {
    fc.assert(
      fc.property(
        validHistoryArb.chain((h) => fc.tuple(fc.constant(h), permutationOf(h.events))),
        ([history, shuffled]) => {
          const folded = foldEvents(shuffled);
          expect(folded.state).toBe(history.finalState);
          expect(ids(folded.applied)).toEqual(ids(history.events));
          expect(folded.ignored).toEqual([]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  // Arbitrary event sets: invalid actions, wrong roles, duplicate submits, equal times, mixed serverAt.
  const rawEventArb = fc.record({
    action: fc.constantFrom(...ACTIONS),
    role: fc.oneof(fc.constant<Role | undefined>(undefined), fc.constantFrom(...ROLES)),
    atSec: fc.integer({ min: 0, max: 4 }),
    serverAtSec: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  });
  const eventSetArb = fc.array(rawEventArb, { maxLength: 14 }).map((raws) =>
    raws.map((r, i) =>
      makeEvent({
        action: r.action,
        ...(r.role === undefined ? {} : { role: r.role }),
        at: iso(BASE_MS + r.atSec * 1000),
        ...(r.serverAtSec === undefined ? {} : { serverAt: iso(BASE_MS + r.serverAtSec * 1000) }),
        suffix: fakeUlid((i * 7919) % 10007), // unique, but not in generation order
      }),
    ),
  );

  /** Independent oracle: sort by (submit first, numeric time, id), step through the hand-written table. */
  function oracleFold(events: readonly EventDoc[]): { state: SubmissionState | undefined; applied: string[]; ignored: [string, string][] } {
    const key = (e: EventDoc): [number, number, string] => [e.action === 'submit' ? 0 : 1, Date.parse(e.serverAt ?? e.at), e._id];
    const sorted = [...events].sort((a, b) => {
      const [ra, ta, ia] = key(a);
      const [rb, tb, ib] = key(b);
      return ra - rb || ta - tb || (ia < ib ? -1 : ia > ib ? 1 : 0);
    });
    let state: SubmissionState | undefined = undefined;
    const applied: string[] = [];
    const ignored: [string, string][] = [];
    for (const e of sorted) {
      const r = expectedTransition(state, e.action, e.role);
      if (r.ok) {
        state = r.state;
        applied.push(e._id);
      } else ignored.push([e._id, r.error]);
    }
    return { state, applied, ignored };
  }

  it('property: arbitrary event sets fold the same under any permutation and match the oracle; applied + ignored = all', () => {
    fc.assert(
      fc.property(
        eventSetArb.chain((events) => fc.tuple(fc.constant(events), permutationOf(events))),
        ([events, shuffled]) => {
          const a = foldEvents(events);
          const b = foldEvents(shuffled);
          expect(b.state).toBe(a.state);
          expect(ids(b.applied)).toEqual(ids(a.applied));
          expect(b.ignored.map((i) => [i.event._id, i.error])).toEqual(a.ignored.map((i) => [i.event._id, i.error]));

          const oracle = oracleFold(events);
          expect(a.state).toBe(oracle.state);
          expect(ids(a.applied)).toEqual(oracle.applied);
          expect(a.ignored.map((i) => [i.event._id, i.error])).toEqual(oracle.ignored);

          expect(a.applied.length + a.ignored.length).toBe(events.length);
          expect([...ids(a.applied), ...a.ignored.map((i) => i.event._id)].sort()).toEqual(ids(events).sort());
          // Ignored entries carry the very event object passed in, not a copy.
          for (const i of a.ignored) expect(events).toContain(i.event);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
