import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { checkClientWrite, type WriteCheck, type Writer } from './authority';
import { eventDocSchema, eventId, submissionDocSchema, type EventAction, type EventDoc, type Role, type SubmissionDoc } from './documents';

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

const STATION = 'jingan-hkri';
const OTHER_STATION = 'xuhui-tianping';
const USER = 'clerk01';
const clerk: Writer = { username: USER, role: 'station', stationId: STATION };

const SUB_ULID = ulid();
const SUBMISSION_ID = `submission:${SUB_ULID}`;
const AT = '2025-06-15T02:00:00.000Z';

function submission(): SubmissionDoc {
  return {
    _id: SUBMISSION_ID,
    type: 'submission',
    schemaVersion: 1,
    stationId: STATION,
    matterId: 'business-change',
    matterName: '企业变更登记',
    enterprise: { uscc: '91310106MA1FL4XQ0W', name: '上海楼小二科技有限公司' },
    applicant: { name: '张三', idNumber: '310106198503121238' },
    items: [{ materialId: 'application-form', name: '变更登记申请书', core: true, status: 'provided', pages: [{ sha256: 'a'.repeat(64), bytes: 1234, type: 'image/jpeg' }] }],
    receiptNo: 'JING-20250615-04HMASW9',
    pickupCode: '123456',
    createdAt: AT,
    createdBy: USER,
    deviceId: 'device-0001',
  };
}

function event(action: EventAction, overrides: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  const base = {
    _id: eventId(SUBMISSION_ID, ulid()),
    type: 'event',
    submissionId: SUBMISSION_ID,
    stationId: STATION,
    actor: USER,
    role: 'station',
    at: AT,
    action,
  };
  const extra: Record<EventAction, Record<string, unknown>> = {
    submit: {},
    receive: {},
    accept: {},
    withdraw: { reason: '企业撤回' },
    reject: { reason: '不予受理' },
    requestCorrection: { reason: '请补正', materialIds: ['application-form'] },
    supplement: { items: [{ materialId: 'application-form', pages: [{ sha256: 'b'.repeat(64), bytes: 99, type: 'application/pdf' }] }] },
    dispatch: { departments: ['market-regulation', 'fire-rescue'] },
    departmentDecision: { department: 'market-regulation', decision: 'approve', note: '同意' },
    approve: { note: '准予许可' },
    deny: { reason: '不符合许可条件' },
    autoApprove: { rules: [{ rule: 'no-violations', ok: true, detail: '无违法记录' }] },
    issue: { certificateNo: 'ZS20250615ABCD' },
    deliver: { method: 'post', reference: 'SF1234567890' },
    rate: { rating: 'good', comment: '办事很快' },
  };
  return { ...base, ...extra[action], ...overrides };
}

function expectRefused(result: WriteCheck, status: 400 | 403, reason: string | RegExp): void {
  expect(result.ok, 'expected the write to be refused').toBe(false);
  if (result.ok) return;
  expect(result.status).toBe(status);
  if (typeof reason === 'string') expect(result.reason).toBe(reason);
  else expect(result.reason).toMatch(reason);
}

function expectAccepted(result: WriteCheck): void {
  expect(result.ok ? 'accepted' : `${result.status} ${result.reason}`).toBe('accepted');
}

/** Every event action and the one role that may take it, by hand. */
const ACTION_OWNER: Record<EventAction, Role> = {
  submit: 'station',
  withdraw: 'station',
  supplement: 'station',
  receive: 'system',
  autoApprove: 'system',
  accept: 'hall',
  requestCorrection: 'hall',
  reject: 'hall',
  dispatch: 'hall',
  departmentDecision: 'hall',
  approve: 'hall',
  deny: 'hall',
  issue: 'hall',
  deliver: 'hall',
  rate: 'enterprise',
};
const ALL_ACTIONS = Object.keys(ACTION_OWNER) as EventAction[];
const STATION_ACTIONS = ['submit', 'withdraw', 'supplement'] as const satisfies readonly EventAction[];
/** Everything the hall, the server (system) or the enterprise does: never writable by a station. */
const FOREIGN_ACTIONS = ALL_ACTIONS.filter((a) => ACTION_OWNER[a] !== 'station');

// ---------------------------------------------------------------------------
// Allowed writes
// ---------------------------------------------------------------------------

describe('checkClientWrite: what a station user may write', () => {
  it('accepts a valid submission and returns the parsed document', () => {
    const doc = submission();
    const r = checkClientWrite(doc, clerk, STATION);
    expectAccepted(r);
    if (r.ok) expect(r.doc).toEqual(doc);
  });

  it('accepts the submit event, and the station’s own withdraw and supplement events', () => {
    for (const action of STATION_ACTIONS) {
      const doc = event(action);
      expect(eventDocSchema.safeParse(doc).success).toBe(true);
      const r = checkClientWrite(doc, clerk, STATION);
      expectAccepted(r);
      if (r.ok) expect(r.doc).toEqual(doc);
    }
  });

  it('of all the event actions, a station may write exactly submit, withdraw and supplement; every other one is a 403 with a reason', () => {
    for (const action of ALL_ACTIONS) {
      const r = checkClientWrite(event(action), clerk, STATION);
      if ((STATION_ACTIONS as readonly EventAction[]).includes(action)) expectAccepted(r);
      else expectRefused(r, 403, `a station may not write a ${action} event`);
    }
  });

  it('accepts first revisions replicated with new_edits=false (_rev 1-…, _revisions start 1)', () => {
    expectAccepted(checkClientWrite({ ...submission(), _rev: '1-abc123' }, clerk, STATION));
    expectAccepted(checkClientWrite({ ...event('submit'), _rev: '1-abc123', _revisions: { start: 1, ids: ['abc123'] } }, clerk, STATION));
  });
});

// ---------------------------------------------------------------------------
// Forgeries
// ---------------------------------------------------------------------------

describe('checkClientWrite: forgeries are refused', () => {
  it.each([
    ['hall', { username: 'hall01', role: 'hall' }],
    ['hall with a station id', { username: 'hall01', role: 'hall', stationId: STATION }],
    ['enterprise', { username: 'ent01', role: 'enterprise' }],
    ['admin', { username: 'root', role: 'admin', stationId: STATION }],
    ['system', { username: 'sync-server', role: 'system' }],
  ] as const)('a %s writer may not write into a station database', (_label, writer: Writer) => {
    const reason = `${writer.role} ${writer.username} may not write to station ${STATION}`;
    expectRefused(checkClientWrite({ ...submission(), createdBy: writer.username }, writer, STATION), 403, reason);
    expectRefused(checkClientWrite(event('submit', { actor: writer.username, role: writer.role }), writer, STATION), 403, reason);
  });

  it('a station user may not write into another station’s database', () => {
    const other: Writer = { username: USER, role: 'station', stationId: OTHER_STATION };
    expectRefused(checkClientWrite(submission(), other, STATION), 403, `station ${USER} may not write to station ${STATION}`);
    expectRefused(checkClientWrite({ ...submission(), stationId: OTHER_STATION }, clerk, OTHER_STATION), 403, `station ${USER} may not write to station ${OTHER_STATION}`);
    const unassigned: Writer = { username: USER, role: 'station' };
    expectRefused(checkClientWrite(submission(), unassigned, STATION), 403, /may not write to station jingan-hkri/);
  });

  it('a submission must belong to the database’s station', () => {
    // Well-formed for the other station, receipt number in its series included.
    const doc = { ...submission(), stationId: OTHER_STATION, receiptNo: 'XUHU-20250615-04HMASW9' };
    expect(submissionDocSchema.safeParse(doc).success).toBe(true);
    expectRefused(checkClientWrite(doc, clerk, STATION), 403, 'submission belongs to another station');
  });

  it('a submission’s receipt number must be in its station’s series (public tracking finds it by the number)', () => {
    const doc = { ...submission(), receiptNo: 'XUHU-20250615-04HMASW9' };
    expect(submissionDocSchema.safeParse(doc).success).toBe(false);
    expectRefused(checkClientWrite(doc, clerk, STATION), 400, "receiptNo: must start with the station's code JING-");
  });

  it('a submission’s createdBy must be the signed-in user', () => {
    expectRefused(checkClientWrite({ ...submission(), createdBy: 'clerk02' }, clerk, STATION), 403, 'createdBy must be the signed-in user');
  });

  it('an event must belong to the database’s station', () => {
    expectRefused(checkClientWrite(event('submit', { stationId: OTHER_STATION }), clerk, STATION), 403, 'event belongs to another station');
  });

  it('an event’s actor and role must be the signed-in user', () => {
    const reason = 'event actor and role must be the signed-in user';
    expectRefused(checkClientWrite(event('submit', { actor: 'clerk02' }), clerk, STATION), 403, reason);
    expectRefused(checkClientWrite(event('accept', { role: 'hall', actor: 'hall01' }), clerk, STATION), 403, reason);
    expectRefused(checkClientWrite(event('accept', { role: 'hall' }), clerk, STATION), 403, reason);
    expectRefused(checkClientWrite(event('receive', { role: 'system', actor: USER }), clerk, STATION), 403, reason);
  });

  it('the hand tables cover every event action, and the station’s are exactly submit, withdraw, supplement', () => {
    expect(ALL_ACTIONS).toHaveLength(15);
    expect(ALL_ACTIONS.filter((a) => ACTION_OWNER[a] === 'station').sort()).toEqual([...STATION_ACTIONS].sort());
    expect(FOREIGN_ACTIONS).toHaveLength(12);
    // every fixture is a schema-valid event, so a refusal below is about authority, not shape
    for (const action of ALL_ACTIONS) {
      const parsed = eventDocSchema.safeParse(event(action));
      expect(parsed.success, `${action}: ${parsed.error?.message ?? ''}`).toBe(true);
    }
  });

  it.each(FOREIGN_ACTIONS.map((a) => [a, ACTION_OWNER[a]] as const))('a station may not write a %s event (a %s action), even as itself', (action) => {
    const doc = event(action);
    expect(eventDocSchema.safeParse(doc).success).toBe(true);
    expectRefused(checkClientWrite(doc, clerk, STATION), 403, `a station may not write a ${action} event`);
  });

  it.each(FOREIGN_ACTIONS.map((a) => [a, ACTION_OWNER[a]] as const))('nobody writes a %s event through replication, not even its owner (%s)', (action, owner) => {
    const writer: Writer = { username: `${owner}01`, role: owner, stationId: STATION };
    const doc = event(action, { actor: writer.username, role: owner });
    expect(eventDocSchema.safeParse(doc).success).toBe(true);
    expectRefused(checkClientWrite(doc, writer, STATION), 403, `${owner} ${owner}01 may not write to station ${STATION}`);
  });

  it('serverAt is set by the server only', () => {
    expectRefused(checkClientWrite(event('submit', { serverAt: AT }), clerk, STATION), 403, 'serverAt is set by the server only');
    expectRefused(checkClientWrite(event('submit', { serverAt: undefined }), clerk, STATION), 403, 'serverAt is set by the server only');
    expectRefused(checkClientWrite({ ...submission(), serverAt: AT }, clerk, STATION), 403, 'serverAt is set by the server only');
  });

  it.each([
    ['_deleted', true],
    ['_attachments', { 'scan.jpg': { content_type: 'image/jpeg', data: 'AAAA' } }],
    ['_conflicts', ['2-abc']],
    ['_deleted_conflicts', ['2-abc']],
    ['_local_seq', 1],
    ['_revs_info', []],
    ['_security', {}],
    ['_anything', 1],
  ] as const)('refuses the meta field %s', (field, value) => {
    expectRefused(checkClientWrite({ ...submission(), [field]: value }, clerk, STATION), 403, `field ${field} is not allowed`);
    expectRefused(checkClientWrite({ ...event('submit'), [field]: value }, clerk, STATION), 403, `field ${field} is not allowed`);
  });

  it('refuses meta fields even from a writer who could not write anyway, before anything else', () => {
    expectRefused(checkClientWrite({ _deleted: true }, { username: 'h', role: 'hall' }, STATION), 403, 'field _deleted is not allowed');
  });

  it.each(['2-abc', '10-abc', '11-abc', '0-abc', '-1-abc', '1abc', ''])('refuses _rev %j (only first revisions)', (rev) => {
    const reason = 'documents are immutable: only first revisions may be written';
    expectRefused(checkClientWrite({ ...submission(), _rev: rev }, clerk, STATION), 403, reason);
    expectRefused(checkClientWrite({ ...event('submit'), _rev: rev }, clerk, STATION), 403, reason);
  });

  it('refuses a non-string _rev through the schema', () => {
    expectRefused(checkClientWrite({ ...submission(), _rev: 2 }, clerk, STATION), 400, /_rev/);
  });

  it.each([
    ['null', null],
    ['an array', [submission()]],
    ['a string', JSON.stringify(submission())],
    ['a number', 42],
    ['a boolean', true],
    ['undefined', undefined],
  ] as const)('refuses %s as a document', (_label, raw) => {
    expectRefused(checkClientWrite(raw, clerk, STATION), 400, 'document must be a JSON object');
  });

  it('refuses unknown or missing document types', () => {
    expectRefused(checkClientWrite({ _id: 'queue:1', type: 'queueItem' }, clerk, STATION), 400, 'unknown document type');
    expectRefused(checkClientWrite({ _id: 'matter:x', type: 'matter' }, clerk, STATION), 400, 'unknown document type');
    expectRefused(checkClientWrite({ _id: 'x' }, clerk, STATION), 400, 'unknown document type');
    expectRefused(checkClientWrite({}, clerk, STATION), 400, 'unknown document type');
  });

  it('refuses an event whose id does not name its submission', () => {
    const doc = event('submit', { _id: eventId(`submission:${ulid()}`, ulid()) });
    expect(eventDocSchema.safeParse(doc).success).toBe(true);
    expectRefused(checkClientWrite(doc, clerk, STATION), 400, 'event id must name its submission');
  });

  it('refuses malformed documents with a reason that names the field', () => {
    expectRefused(checkClientWrite({ ...submission(), enterprise: { uscc: '91310106MA1FL4XQ0X', name: 'x' } }, clerk, STATION), 400, /^enterprise\.uscc: invalid unified social credit code/);
    expectRefused(checkClientWrite({ ...submission(), extra: 1 }, clerk, STATION), 400, /extra/);
    expectRefused(checkClientWrite(event('reject', { reason: '' }), clerk, STATION), 400, /reason/);
    expectRefused(checkClientWrite(event('submit', { at: 'yesterday' }), clerk, STATION), 400, /^at: /);
  });

  it('companion: the forged documents of the two bug tests below are otherwise valid', () => {
    const withRevs = { ...event('submit'), _rev: '1-aaaa', _revisions: { start: 2, ids: ['bbbb', 'aaaa'] } };
    expect(eventDocSchema.safeParse(withRevs).success).toBe(true);
    const squat = event('withdraw', { _id: eventId(SUBMISSION_ID, 'received') });
    expect(eventDocSchema.safeParse(squat).success).toBe(true);
  });

  // Regression (found by these tests, fixed): only `_rev` is checked for "first revision". With new_edits=false, CouchDB/PouchDB take the revision from
  // `_revisions` (start + ids[0]) when present, ignoring `_rev`. The sync proxy lets a new_edits=false write through
  // when `_rev` equals the stored first revision, so `{_rev: '1-aaaa', _revisions: {start: 2, ids: ['bbbb','aaaa']}}`
  // writes revision 2-bbbb over an "immutable" document (verified against pouchdb-adapter-memory).
  // Fix (authority.ts, after the `_rev` check): refuse unless `_revisions` is absent or
  // `start === 1 && ids.length === 1 && (doc._rev === undefined || doc._rev === \`1-${ids[0]}\`)`.
  it('refuses _revisions that claim a later revision than 1', () => {
    const doc = { ...event('submit'), _rev: '1-aaaa', _revisions: { start: 2, ids: ['bbbb', 'aaaa'] } };
    expect(checkClientWrite(doc, clerk, STATION).ok).toBe(false);
  });

  // Regression (found by these tests, fixed): the event id suffix `received` is reserved for the server's own receipt (documents.ts; the queue feeder
  // writes `eventId(submissionId, 'received')` and on 409 re-projects). A station may create that id itself with any
  // action it is allowed (withdraw/supplement/submit); the feeder's put then conflicts forever: the submission is never
  // received and `project()` recurses on every 409. Fix (authority.ts, event branch): refuse client events whose
  // `_id` ends in `:received` (403, e.g. 'event id suffix received is reserved for the server'); optionally also
  // tighten eventDocSchema so the `received` suffix is only valid with action 'receive' and role 'system'.
  it('refuses a client event that takes the server-reserved `received` id', () => {
    const doc = event('withdraw', { _id: eventId(SUBMISSION_ID, 'received') });
    expect(checkClientWrite(doc, clerk, STATION).ok).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/** Independent statement of what an accepted write must satisfy. */
function assertWellFormedAcceptance(raw: unknown, writer: Writer, db: string): void {
  const r = checkClientWrite(raw, writer, db);
  if (!r.ok) {
    expect([400, 403]).toContain(r.status);
    expect(r.reason.length).toBeGreaterThan(0);
    return;
  }
  expect(typeof raw === 'object' && raw !== null && !Array.isArray(raw)).toBe(true);
  const doc = raw as Record<string, unknown>;
  for (const key of Object.keys(doc)) if (key.startsWith('_')) expect(['_id', '_rev', '_revisions']).toContain(key);
  expect('serverAt' in doc).toBe(false);
  if (typeof doc._rev === 'string') expect(doc._rev.startsWith('1-')).toBe(true);
  expect(writer.role).toBe('station');
  expect(writer.stationId).toBe(db);
  if (doc.type === 'submission') {
    const parsed = submissionDocSchema.safeParse(doc);
    expect(parsed.success).toBe(true);
    expect(parsed.data?.stationId).toBe(db);
    expect(parsed.data?.createdBy).toBe(writer.username);
  } else {
    const parsed = eventDocSchema.safeParse(doc);
    expect(parsed.success).toBe(true);
    const e = parsed.data as EventDoc;
    expect(e.stationId).toBe(db);
    expect(e.actor).toBe(writer.username);
    expect(e.role).toBe(writer.role);
    expect(['submit', 'withdraw', 'supplement']).toContain(e.action);
    expect(e._id.startsWith(`event:${e.submissionId.slice('submission:'.length)}:`)).toBe(true);
  }
}

describe('checkClientWrite: properties', () => {
  it('property: arbitrary values are never accepted', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        expect(checkClientWrite(raw, clerk, STATION).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: arbitrary JSON objects are never accepted, even typed as submission or event', () => {
    fc.assert(
      fc.property(fc.object(), fc.constantFrom(undefined, 'submission', 'event'), (obj, type) => {
        const raw: Record<string, unknown> = type === undefined ? obj : { ...obj, type };
        const r = checkClientWrite(raw, clerk, STATION);
        expect(r.ok).toBe(false);
        if (!r.ok) expect([400, 403]).toContain(r.status);
      }),
      { numRuns: 2000 },
    );
  });

  const validDocArb = fc.constantFrom<() => Record<string, unknown>>(
    () => ({ ...submission() }),
    () => event('submit'),
    () => event('withdraw'),
    () => event('supplement'),
  );

  it('property: adding any unknown field to a valid document gets it refused', () => {
    fc.assert(
      fc.property(validDocArb, fc.string({ minLength: 1 }), fc.jsonValue(), (make, key, value) => {
        const doc = make();
        fc.pre(!(key in doc) && key !== '__proto__' && !['_rev', '_revisions'].includes(key));
        const r = checkClientWrite({ ...doc, [key]: value }, clerk, STATION);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: removing any field of a valid document gets it refused (except optional ones)', () => {
    fc.assert(
      fc.property(validDocArb, fc.nat(), (make, n) => {
        const doc = make();
        const optional = new Set(['reason']);
        const keys = Object.keys(doc).filter((k) => !(doc.action === 'withdraw' && optional.has(k)));
        const key = keys[n % keys.length];
        if (key === undefined) return;
        const { [key]: _removed, ...rest } = doc;
        expect(checkClientWrite(rest, clerk, STATION).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('property: replacing any field (or writer) with arbitrary values never yields a malformed or foreign acceptance', () => {
    const writerArb = fc.oneof(
      fc.constant(clerk),
      fc.record({
        username: fc.constantFrom(USER, 'clerk02', 'hall01'),
        role: fc.constantFrom('station', 'hall', 'admin', 'enterprise', 'system'),
        stationId: fc.constantFrom(STATION, OTHER_STATION, undefined),
      }),
    );
    const valueArb = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(STATION, OTHER_STATION, USER, 'clerk02', 'station', 'hall', 'system', 'enterprise', ...ALL_ACTIONS, '1-abc', '2-abc', AT),
    );
    fc.assert(
      fc.property(validDocArb, fc.nat(), valueArb, writerArb, fc.constantFrom(STATION, OTHER_STATION), (make, n, value, writer, db) => {
        const doc = make();
        const keys = [...Object.keys(doc), '_rev', 'serverAt', '_deleted'];
        const key = keys[n % keys.length] ?? '_id';
        assertWellFormedAcceptance({ ...doc, [key]: value }, writer as Writer, db);
      }),
      { numRuns: 2000 },
    );
  });
});
