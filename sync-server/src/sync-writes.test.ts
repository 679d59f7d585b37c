/**
 * Server integration: writes through the sync proxy (`_bulk_docs` and single-document PUT). Every document is
 * checked against the domain schemas and the writer's authority; refused documents get a per-document
 * `forbidden` and must not reach the store. Checked afterwards through `server.store` directly.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDoc, SubmissionDoc } from '../../src/domain/documents';
import {
  asArray,
  asRecord,
  isRecord,
  makeEvent,
  makeSubmission,
  STATION2,
  STATION2_DB,
  STATION_DB,
  startTestServer,
  type Reply,
  type TestServer,
} from './test-support';

const MAX_SYNC_BODY_BYTES = 64 * 1024;
const BULK = `/sync/${STATION_DB}/_bulk_docs`;

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ maxSyncBodyBytes: MAX_SYNC_BODY_BYTES }, ['station', 'station2', 'hall', 'enterprise', 'admin']);
});

afterAll(async () => {
  await t?.close();
});

/** The per-document results of a `_bulk_docs` reply. */
function results(r: Reply): Record<string, unknown>[] {
  return asArray(r.json).map(asRecord);
}

async function stored(id: string, db = STATION_DB): Promise<Record<string, unknown> | undefined> {
  return t.server.store.get<Record<string, unknown>>(db, id);
}

/** Stored document without its revision, for comparing contents. */
function content(doc: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!doc) return undefined;
  const { _rev: _ignored, ...rest } = doc;
  return rest;
}

/** All leaf revisions of a document (more than one = a conflict). */
async function leafRevs(id: string): Promise<string[]> {
  const res = await t.server.store.fetch(`/${STATION_DB}/${encodeURIComponent(id)}?open_revs=all`, { headers: { accept: 'application/json' } });
  const body: unknown = await res.json();
  return asArray(body).flatMap((entry) => {
    const ok = isRecord(entry) && isRecord(entry.ok) ? entry.ok : undefined;
    return typeof ok?._rev === 'string' ? [ok._rev] : [];
  });
}

describe('valid writes', () => {
  it('a station writes its own submission and submit event: 201, both stored as sent', async () => {
    const sub = makeSubmission();
    const ev = makeEvent(sub);
    const r = await t.as('station', 'POST', BULK, { body: { docs: [sub, ev] } });
    expect(r.status).toBe(201);
    const [a, b] = results(r);
    expect(a).toMatchObject({ id: sub._id, ok: true });
    expect(b).toMatchObject({ id: ev._id, ok: true });
    expect(String(a?.rev)).toMatch(/^1-/);
    expect(content(await stored(sub._id))).toEqual(sub);
    expect(content(await stored(ev._id))).toEqual(ev);
  });

  it('a withdraw event by the station is accepted too', async () => {
    const sub = makeSubmission();
    const r = await t.as('station', 'POST', BULK, { body: { docs: [sub, makeEvent(sub), makeEvent(sub, { action: 'withdraw' })] } });
    expect(r.status).toBe(201);
    expect(results(r).every((x) => x.ok === true)).toBe(true);
  });

  it('station2 writes into its own database', async () => {
    const sub = makeSubmission({ stationId: STATION2, createdBy: 'station2' });
    const r = await t.as('station2', 'POST', `/sync/${STATION2_DB}/_bulk_docs`, { body: { docs: [sub, makeEvent(sub, { actor: 'station2' })] } });
    expect(r.status).toBe(201);
    expect(results(r).every((x) => x.ok === true)).toBe(true);
    expect(await stored(sub._id, STATION2_DB)).toBeDefined();
    expect(await stored(sub._id, STATION_DB)).toBeUndefined();
  });

  it('replication-style writes (new_edits=false, _revisions) are accepted, and the same doc/rev again is idempotent', async () => {
    const sub = { ...makeSubmission(), _rev: '1-0123456789abcdef0123456789abcdef', _revisions: { start: 1, ids: ['0123456789abcdef0123456789abcdef'] } };
    const first = await t.as('station', 'POST', BULK, { body: { docs: [sub], new_edits: false } });
    expect(first.status).toBe(201);
    expect(results(first).filter((x) => 'error' in x)).toEqual([]);
    expect((await stored(sub._id))?._rev).toBe(sub._rev);
    // A retry after a lost response: same id, same rev, same content.
    const again = await t.as('station', 'POST', BULK, { body: { docs: [sub], new_edits: false } });
    expect(again.status).toBe(201);
    expect(results(again).filter((x) => 'error' in x)).toEqual([]);
    expect(await leafRevs(sub._id)).toEqual([sub._rev]);
  });

  it('a mixed batch stores the valid documents and refuses only the forged one', async () => {
    const sub = makeSubmission();
    const forged = makeEvent(sub, { action: 'accept', role: 'hall', actor: 'hall' });
    const r = await t.as('station', 'POST', BULK, { body: { docs: [sub, forged, makeEvent(sub)] } });
    expect(r.status).toBe(201);
    const [a, b, c] = results(r);
    expect(a).toMatchObject({ id: sub._id, ok: true });
    expect(b).toMatchObject({ id: forged._id, error: 'forbidden' });
    expect(c).toMatchObject({ ok: true });
    expect(await stored(sub._id)).toBeDefined();
    expect(await stored(forged._id)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Forged documents, each written by `station` into its own database. Every one must be refused per document
// with `forbidden` and leave nothing in the store.
// ---------------------------------------------------------------------------------------------------------

interface Forgery {
  name: string;
  doc: () => unknown;
  reason: RegExp;
}

const sub = (): SubmissionDoc => makeSubmission();
const ev = (opts: Parameters<typeof makeEvent>[1]): EventDoc => makeEvent(makeSubmission(), opts);

const FORGERIES: Forgery[] = [
  { name: 'a submission for another station', doc: () => makeSubmission({ stationId: STATION2, createdBy: 'station' }), reason: /another station/ },
  { name: 'a submission created by someone else', doc: () => makeSubmission({ createdBy: 'station2' }), reason: /createdBy/ },
  { name: 'an accept event (hall only) claimed as hall', doc: () => ev({ action: 'accept', actor: 'hall', role: 'hall' }), reason: /actor and role/ },
  { name: 'an accept event by the station itself', doc: () => ev({ action: 'accept' }), reason: /station may not write a accept event/ },
  { name: 'a reject event by the station itself', doc: () => ev({ action: 'reject' }), reason: /may not write a reject/ },
  { name: 'a requestCorrection event by the station', doc: () => ev({ action: 'requestCorrection' }), reason: /may not write a requestCorrection/ },
  { name: 'a receive event claimed as the system', doc: () => ev({ action: 'receive', actor: 'sync-server', role: 'system' }), reason: /actor and role/ },
  { name: 'a receive event by the station', doc: () => ev({ action: 'receive' }), reason: /may not write a receive/ },
  { name: 'an event whose actor is someone else', doc: () => ev({ actor: 'station2' }), reason: /actor and role/ },
  { name: 'an event whose role is not the session role', doc: () => ev({ role: 'hall' }), reason: /actor and role/ },
  { name: 'an event for another station', doc: () => ev({ stationId: STATION2 }), reason: /another station/ },
  { name: 'an event whose id names another submission', doc: () => ({ ...ev({}), submissionId: makeSubmission()._id }), reason: /name its submission/ },
  { name: 'an event with serverAt', doc: () => ({ ...ev({}), serverAt: new Date().toISOString() }), reason: /serverAt/ },
  { name: 'a submission with serverAt', doc: () => ({ ...sub(), serverAt: new Date().toISOString() }), reason: /serverAt/ },
  { name: 'a deletion (_deleted: true)', doc: () => ({ ...sub(), _deleted: true }), reason: /_deleted/ },
  { name: 'a bare deletion stub', doc: () => ({ _id: sub()._id, _deleted: true }), reason: /_deleted/ },
  { name: 'inline _attachments', doc: () => ({ ...sub(), _attachments: { 'x.txt': { content_type: 'text/plain', data: 'aGk=' } } }), reason: /_attachments/ },
  { name: 'a _conflicts field', doc: () => ({ ...sub(), _conflicts: [] }), reason: /_conflicts/ },
  { name: 'a second revision (_rev 2-abc)', doc: () => ({ ...sub(), _rev: '2-abc' }), reason: /first revisions/ },
  { name: '_revisions naming a later revision', doc: () => ({ ...sub(), _rev: '1-aaa', _revisions: { start: 2, ids: ['bbb', 'aaa'] } }), reason: /_revisions/ },
  { name: '_revisions contradicting _rev', doc: () => ({ ...sub(), _rev: '1-aaa', _revisions: { start: 1, ids: ['bbb'] } }), reason: /_revisions/ },
  { name: 'an invalid USCC', doc: () => ({ ...sub(), enterprise: { uscc: '91310106MA1FL4XQ0X', name: '上海示例科技有限公司' } }), reason: /enterprise\.uscc: invalid unified social credit code/ },
  { name: 'an invalid resident ID number', doc: () => ({ ...sub(), applicant: { name: '张三', idNumber: '310106198503121239' } }), reason: /applicant\.idNumber: invalid resident ID/ },
  { name: 'a core material marked deficient', doc: () => ({ ...sub(), items: [{ materialId: 'x', name: '申请书', core: true, status: 'deficient', pages: [], commitment: { dueDate: '2030-01-01', text: 't' } }] }), reason: /core material cannot be deficient/ },
  { name: 'an unknown field on a submission', doc: () => ({ ...sub(), approved: true }), reason: /approved|Unrecognized/i },
  { name: 'a malformed submission id', doc: () => ({ ...sub(), _id: 'submission:not-a-ulid' }), reason: /_id/ },
  { name: 'an unknown type', doc: () => ({ _id: 'queueItem:x', type: 'queueItem', state: 'accepted' }), reason: /unknown document type/ },
  { name: 'a document without type', doc: () => ({ _id: 'x' }), reason: /unknown document type/ },
  { name: 'a design document', doc: () => ({ _id: '_design/evil', validate_doc_update: 'function(){}' }), reason: /unknown document type/ },
  { name: 'a _local document', doc: () => ({ _id: '_local/evil', type: 'submission' }), reason: /_id/ },
  { name: 'a string instead of a document', doc: () => 'submission', reason: /JSON object/ },
  { name: 'null instead of a document', doc: () => null, reason: /JSON object/ },
  { name: 'an array instead of a document', doc: () => [sub()], reason: /JSON object/ },
];

describe.each([
  ['new_edits=true', true],
  ['new_edits=false', false],
] as const)('forged documents via _bulk_docs (%s)', (_mode, newEdits) => {
  it.each(FORGERIES.map((f) => [f.name, f] as const))('refuses %s and stores nothing', async (_name, forgery) => {
    let doc = forgery.doc();
    if (!newEdits && isRecord(doc) && doc._rev === undefined) doc = { ...doc, _rev: `1-${randomBytes(16).toString('hex')}` };
    const r = await t.as('station', 'POST', BULK, { body: { docs: [doc], new_edits: newEdits } });
    expect(r.status).toBe(201);
    const list = results(r);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ error: 'forbidden' });
    expect(String(list[0]?.reason)).toMatch(forgery.reason);
    if (isRecord(doc) && typeof doc._id === 'string') expect(await stored(doc._id)).toBeUndefined();
  });
});

describe('immutability of existing documents', () => {
  it('a different first revision of an existing submission is refused (new_edits=false)', async () => {
    const original = makeSubmission();
    const w = await t.as('station', 'POST', BULK, { body: { docs: [original] } });
    expect(results(w)[0]).toMatchObject({ ok: true });
    const before = await stored(original._id);
    const edited = { ...original, enterprise: { ...original.enterprise, name: '被篡改的公司' }, _rev: `1-${randomBytes(16).toString('hex')}` };
    const r = await t.as('station', 'POST', BULK, { body: { docs: [edited], new_edits: false } });
    expect(r.status).toBe(201);
    expect(results(r)).toEqual([expect.objectContaining({ id: original._id, error: 'forbidden', reason: expect.stringMatching(/immutable/) })]);
    expect(await stored(original._id)).toEqual(before);
    expect(await leafRevs(original._id)).toEqual([before?._rev]);
  });

  it('an edit on top of the existing revision (new_edits=true, no _rev) is refused', async () => {
    const original = makeSubmission();
    await t.as('station', 'POST', BULK, { body: { docs: [original] } });
    const before = await stored(original._id);
    const r = await t.as('station', 'POST', BULK, { body: { docs: [{ ...original, matterName: '改' }] } });
    expect(results(r)[0]).toMatchObject({ error: 'forbidden', reason: expect.stringMatching(/immutable/) });
    expect(await stored(original._id)).toEqual(before);
  });

  it('an edit with the existing _rev (new_edits=true) is refused', async () => {
    const original = makeSubmission();
    const w = await t.as('station', 'POST', BULK, { body: { docs: [original] } });
    const rev = String(results(w)[0]?.rev);
    const r = await t.as('station', 'POST', BULK, { body: { docs: [{ ...original, _rev: rev, matterName: '改' }] } });
    expect(results(r)[0]).toMatchObject({ error: 'forbidden' });
    expect((await stored(original._id))?.matterName).toBe(original.matterName);
  });

  // Regression: with new_edits=false the store builds the revision path from `_revisions`, not `_rev`, so
  // `_rev: <existing>` plus `_revisions: {start: 2, ids: [<new>, <existing>]}` used to pass the proxy's
  // "same first revision again" branch and write revision 2 with new content over an immutable submission.
  it('an edit smuggled in as revision 2 via _revisions (new_edits=false, _rev = existing rev) is refused', async () => {
    const original = makeSubmission();
    const w = await t.as('station', 'POST', BULK, { body: { docs: [original] } });
    const rev = String(results(w)[0]?.rev);
    const before = await stored(original._id);
    const newHash = randomBytes(16).toString('hex');
    const edited = { ...original, enterprise: { ...original.enterprise, name: '被篡改的公司' }, _rev: rev, _revisions: { start: 2, ids: [newHash, rev.slice(2)] } };
    const r = await t.as('station', 'POST', BULK, { body: { docs: [edited], new_edits: false } });
    expect(r.status).toBe(201);
    expect(await stored(original._id)).toEqual(before);
    expect(results(r)).toEqual([expect.objectContaining({ id: original._id, error: 'forbidden' })]);
  });

  // Regression, same cause as above: a brand-new document must not be written directly as revision 3 through
  // `_revisions`, since only first revisions may be written.
  it('a new document cannot be written as a later revision through _revisions (new_edits=false)', async () => {
    const doc = makeSubmission();
    const hash = randomBytes(16).toString('hex');
    const forged = { ...doc, _rev: `1-${hash}`, _revisions: { start: 3, ids: [randomBytes(16).toString('hex'), randomBytes(16).toString('hex'), hash] } };
    const r = await t.as('station', 'POST', BULK, { body: { docs: [forged], new_edits: false } });
    expect(r.status).toBe(201);
    expect(results(r)).toEqual([expect.objectContaining({ id: doc._id, error: 'forbidden', reason: expect.stringMatching(/_revisions/) })]);
    expect(await stored(doc._id)).toBeUndefined();
  });

  // BUG (sync-proxy.ts bulkDocs, existingRevs/toWrite): existence is checked against the store only, not within
  // the batch, so one new_edits=false request carrying the same new id twice with two different `1-` revisions
  // stores both as conflicting leaves: two contents for one "immutable" submission. (The same check-then-write
  // gap exists between two concurrent requests.) Expected: the second copy refused, one leaf revision.
  it('the same new id twice in one batch with different first revisions does not create a conflict', async () => {
    const original = makeSubmission();
    const a = { ...original, _rev: `1-${randomBytes(16).toString('hex')}` };
    const b = { ...original, enterprise: { ...original.enterprise, name: '另一家公司' }, _rev: `1-${randomBytes(16).toString('hex')}` };
    const r = await t.as('station', 'POST', BULK, { body: { docs: [a, b], new_edits: false } });
    expect(r.status).toBe(201);
    expect(await leafRevs(original._id)).toHaveLength(1);
  });
});

describe('malformed _bulk_docs requests', () => {
  it.each([
    ['a body that is not JSON', '{"docs": [', 400],
    ['an empty body', '', 400],
    ['docs that is not an array', JSON.stringify({ docs: { a: 1 } }), 400],
    ['no docs field', JSON.stringify({ new_edits: false }), 400],
    ['a JSON array body', JSON.stringify([makeSubmission()]), 400],
    ['JSON null', 'null', 400],
  ] as const)('%s → %i', async (_label, body, status) => {
    const r = await t.as('station', 'POST', BULK, { body, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ error: 'bad_request' });
  });

  it('more than 1000 documents → 413', async () => {
    const r = await t.as('station', 'POST', BULK, { body: { docs: Array.from({ length: 1001 }, () => ({})) } });
    expect(r.status).toBe(413);
  });

  it(`a body over maxSyncBodyBytes (${MAX_SYNC_BODY_BYTES}) → 413 and nothing stored`, async () => {
    const big = { ...makeSubmission(), matterName: 'x'.repeat(MAX_SYNC_BODY_BYTES) };
    const r = await t.as('station', 'POST', BULK, { body: { docs: [big] } });
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ error: 'too_large' });
    expect(await stored(big._id)).toBeUndefined();
  });

  it('a body just under the limit is read (and then judged on its content)', async () => {
    const doc = { ...makeSubmission(), matterName: 'x'.repeat(MAX_SYNC_BODY_BYTES - 2000) };
    const r = await t.as('station', 'POST', BULK, { body: { docs: [doc] } });
    expect(r.status).toBe(201);
    expect(results(r)[0]).toMatchObject({ error: 'forbidden', reason: expect.stringMatching(/matterName/) });
  });

  it('a submission into another station’s database is refused as a whole (403), nothing stored', async () => {
    const doc = makeSubmission({ stationId: STATION2, createdBy: 'station' });
    const r = await t.as('station', 'POST', `/sync/${STATION2_DB}/_bulk_docs`, { body: { docs: [doc] } });
    expect(r.status).toBe(403);
    expect(await stored(doc._id, STATION2_DB)).toBeUndefined();
  });

  it.each(['hall', 'enterprise', 'admin'] as const)('%s may not write even a well-formed document into a station database', async (who) => {
    const doc = makeSubmission();
    const r = await t.as(who, 'POST', BULK, { body: { docs: [doc] } });
    expect(r.status).toBe(403);
    expect(await stored(doc._id)).toBeUndefined();
  });
});

describe('single-document PUT', () => {
  const put = (doc: Record<string, unknown> & { _id: string }, query = ''): Promise<Reply> => t.as('station', 'PUT', `/sync/${STATION_DB}/${doc._id}${query}`, { body: doc });

  it('a valid submission → 201 and stored; the same id again → 409', async () => {
    const doc = makeSubmission();
    const r = await put(doc);
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ ok: true, id: doc._id, rev: expect.stringMatching(/^1-/) });
    expect(content(await stored(doc._id))).toEqual(doc);
    const again = await put({ ...doc, matterName: '改' });
    expect(again.status).toBe(409);
    expect((await stored(doc._id))?.matterName).toBe(doc.matterName);
  });

  it('a valid event → 201', async () => {
    const doc = makeSubmission();
    expect((await put(doc)).status).toBe(201);
    const e = makeEvent(doc);
    expect((await put(e)).status).toBe(201);
    expect(await stored(e._id)).toBeDefined();
  });

  it('with ?new_edits=false and a first revision → 201 with that revision', async () => {
    const doc = { ...makeSubmission(), _rev: `1-${randomBytes(16).toString('hex')}` };
    const r = await put(doc, '?new_edits=false');
    expect(r.status).toBe(201);
    expect((await stored(doc._id))?._rev).toBe(doc._rev);
  });

  it.each([
    ['an accept event by the station', () => ev({ action: 'accept' }), 403],
    ['an event whose actor is someone else', () => ev({ actor: 'station2' }), 403],
    ['an event with serverAt', () => ({ ...ev({}), serverAt: new Date().toISOString() }), 403],
    ['a submission for another station', () => makeSubmission({ stationId: STATION2 }), 403],
    ['a deletion', () => ({ ...sub(), _deleted: true }), 403],
    ['inline attachments', () => ({ ...sub(), _attachments: {} }), 403],
    ['a second revision', () => ({ ...sub(), _rev: '2-abc' }), 403],
    ['an invalid USCC', () => ({ ...sub(), enterprise: { uscc: '91310106MA1FL4XQ0X', name: 'x' } }), 400],
    ['an unknown type', () => ({ _id: 'thing:1', type: 'thing' }), 400],
  ] as const)('refuses %s (%i) and stores nothing', async (_label, make, status) => {
    const doc = make();
    const r = await put(doc);
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ error: status === 403 ? 'forbidden' : 'bad_request' });
    expect(await stored(doc._id)).toBeUndefined();
  });

  it('refuses a body whose _id differs from the URL (400)', async () => {
    const doc = makeSubmission();
    const other = makeSubmission();
    const r = await t.as('station', 'PUT', `/sync/${STATION_DB}/${other._id}`, { body: doc });
    expect(r.status).toBe(400);
    expect(await stored(doc._id)).toBeUndefined();
    expect(await stored(other._id)).toBeUndefined();
  });

  it('refuses a body that is not JSON (400)', async () => {
    const r = await t.as('station', 'PUT', `/sync/${STATION_DB}/${makeSubmission()._id}`, { body: 'not json', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
  });

  it('refuses a PUT into another station’s database (403)', async () => {
    const doc = makeSubmission({ stationId: STATION2, createdBy: 'station2' });
    const r = await t.as('station', 'PUT', `/sync/${STATION2_DB}/${doc._id}`, { body: doc });
    expect(r.status).toBe(403);
    expect(await stored(doc._id, STATION2_DB)).toBeUndefined();
  });
});

describe('_local checkpoints', () => {
  it('a station may write and read replication checkpoints in its own database', async () => {
    const id = `_local/${randomBytes(8).toString('hex')}`;
    const r = await t.as('station', 'PUT', `/sync/${STATION_DB}/${id}`, { body: { _id: id, last_seq: 3 } });
    expect(r.status).toBe(201);
    const g = await t.as('station', 'GET', `/sync/${STATION_DB}/${id}`);
    expect(g.status).toBe(200);
    expect(g.json).toMatchObject({ last_seq: 3 });
  });

  it('but not in another station’s database', async () => {
    const id = `_local/${randomBytes(8).toString('hex')}`;
    const r = await t.as('station', 'PUT', `/sync/${STATION2_DB}/${id}`, { body: { _id: id } });
    expect(r.status).toBe(403);
    expect(await stored(id, STATION2_DB)).toBeUndefined();
  });
});
