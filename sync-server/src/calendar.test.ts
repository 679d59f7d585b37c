/**
 * Server integration: the hall's calendar and departments as data. Loading a year is validated with every reason,
 * allowed to the admin and the hall only, audited, and changes the due dates the queue already holds; a dispatch
 * is checked against the departments stored in the catalog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSla, useCalendarYears } from '../../src/domain/calendar';
import pino from 'pino';
import { AUDIT_DB } from './audit/sink';
import { CatalogData } from './calendar/catalog-data';
import { asArray, asRecord, makeEvent, makePng, makeSubmission, pageRef, sha256Hex, STATION_DB, startTestServer, waitFor, type TestServer } from './test-support';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({}, ['station', 'hall', 'enterprise', 'admin']);
});

afterAll(async () => {
  await t?.close();
  useCalendarYears([]); // the server shares this process's calendar module
});

async function trail(): Promise<Record<string, unknown>[]> {
  await t.server.auditSink.flush();
  const { rows } = await t.server.store.allDocs<Record<string, unknown>>(AUDIT_DB, { include_docs: true });
  return rows.flatMap((r) => (r.doc?.audit ? [r.doc] : []));
}

/** A submission of licence-reissue, received and accepted by the hall; its queue item once it has a due date. */
async function acceptedSubmission(): Promise<{ id: string; item: Record<string, unknown> }> {
  const png = makePng();
  expect((await t.as('station', 'PUT', `/api/blobs/${sha256Hex(png)}`, { body: png, headers: { 'content-type': 'image/png' } })).status).toBe(201);
  const sub = makeSubmission({ pages: [pageRef(png, 'image/png')] });
  expect((await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [sub, makeEvent(sub)] } })).status).toBe(201);
  const id = sub._id.slice('submission:'.length);
  const item = async (): Promise<Record<string, unknown> | undefined> => {
    const r = await t.as('hall', 'GET', `/api/hall/submissions/${id}`);
    return r.status === 200 ? asRecord(asRecord(r.json).item) : undefined;
  };
  await waitFor('received', async () => ((await item())?.state === 'received' ? true : undefined));
  expect((await t.as('hall', 'POST', `/api/hall/submissions/${id}/events`, { body: { action: 'accept' } })).status).toBe(201);
  return { id, item: await waitFor('a due date', async () => ((await item())?.dueDate ? await item() : undefined)) };
}

describe('calendar routes', () => {
  it('only the admin and the hall may read or load the calendar', async () => {
    expect((await t.as(undefined, 'GET', '/api/admin/calendar')).status).toBe(401);
    expect((await t.as('station', 'GET', '/api/admin/calendar')).status).toBe(403);
    expect((await t.as('enterprise', 'PUT', '/api/admin/calendar/2027', { body: { holidays: [], workdays: [] } })).status).toBe(403);
    const hall = await t.as('hall', 'GET', '/api/admin/calendar');
    expect(hall.status).toBe(200);
    expect(hall.json).toMatchObject({ years: [], builtInUntil: expect.any(Number), coversUntil: expect.any(Number) });
    expect((await t.as('admin', 'GET', '/api/admin/calendar')).status).toBe(200);
  });

  it('a bad year is 400 with every reason, and nothing is stored', async () => {
    const r = await t.as('hall', 'PUT', '/api/admin/calendar/2027', { body: { holidays: ['2027-02-30', '2026-12-31', '2027-01-01'], workdays: ['2027-01-01'] } });
    expect(r.status).toBe(400);
    expect(asRecord(r.json).issues).toEqual(['holidays: "2027-02-30" is not a real date (YYYY-MM-DD)', 'holidays: 2026-12-31 is not in 2027', '2027-01-01 is both a holiday and a make-up workday']);
    expect(String(asRecord(r.json).reason)).toContain('2026-12-31 is not in 2027');
    expect((await t.as('hall', 'PUT', '/api/admin/calendar/20x7', { body: { holidays: [], workdays: [] } })).status).toBe(400);
    expect((await t.as('hall', 'PUT', '/api/admin/calendar/2027', { body: { holidays: 'all' } })).status).toBe(400);
    expect(asRecord((await t.as('hall', 'GET', '/api/admin/calendar')).json).years).toEqual([]);
    expect(await t.server.store.get('catalog', 'calendar:2027')).toBeUndefined();
    expect(await trail()).toContainEqual(expect.objectContaining({ audit: 'admin', outcome: 'refused', action: 'putCalendar', by: 'hall' }));
  });

  it('a loaded year extends the known calendar, replicates in the catalog and is audited', async () => {
    const r = await t.as('admin', 'PUT', '/api/admin/calendar/2027', { body: { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [], source: '示例' } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ calendar: { _id: 'calendar:2027', year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], loadedBy: 'admin' }, coversUntil: 2027 });
    // Devices read it from the catalog database they replicate.
    const replicated = await t.as('station', 'GET', '/sync/catalog/calendar:2027');
    expect(replicated.status).toBe(200);
    expect(await trail()).toContainEqual(expect.objectContaining({ audit: 'admin', action: 'putCalendar', by: 'admin', year: 2027 }));
  });

  it('another server process on the same store follows the catalog and picks the year up', async () => {
    const other = new CatalogData(t.server.store, pino({ level: 'silent' }));
    await other.start();
    try {
      expect(other.years.map((y) => y.year)).toEqual([2027]);
      expect((await t.as('admin', 'PUT', '/api/admin/calendar/2028', { body: { holidays: ['2028-01-03'], workdays: [] } })).status).toBe(200);
      await waitFor('the other process to see 2028', async () => (other.years.some((y) => y.year === 2028) ? true : undefined));
      expect(other.years.find((y) => y.year === 2028)?.holidays).toEqual(['2028-01-03']);
    } finally {
      await other.stop();
    }
  });

  it('loading the year of a running clock changes the due date the queue holds', async () => {
    const { id, item } = await acceptedSubmission();
    const due = String(item.dueDate);
    const year = Number(due.slice(0, 4));
    // The due date itself becomes a holiday: the clock must run past it.
    const r = await t.as('hall', 'PUT', `/api/admin/calendar/${year}`, { body: { holidays: [due], workdays: [] } });
    expect(r.status).toBe(200);
    expect(asRecord(r.json).reprojected).toBeGreaterThanOrEqual(1);
    const after = asRecord(asRecord((await t.as('hall', 'GET', `/api/hall/submissions/${id}`)).json).item);
    const expected = computeSla({ acceptedAt: String(item.acceptedAt), promisedDays: 1, legalDays: 3, pauses: [], now: new Date().toISOString() }).dueDate;
    expect(after.dueDate).not.toBe(due);
    expect(after.dueDate).toBe(expected);
  });
});

describe('departments', () => {
  it('the demo departments are documents; the hall reads them, the station may not', async () => {
    const r = await t.as('hall', 'GET', '/api/admin/departments');
    expect(r.status).toBe(200);
    const ids = asArray(asRecord(r.json).departments).map((d) => asRecord(d).id);
    expect(ids).toEqual(expect.arrayContaining(['market-regulation', 'health', 'fire', 'housing', 'human-resources']));
    expect(await t.server.store.get('catalog', 'department:health')).toMatchObject({ type: 'department', name: '卫生健康委', matters: expect.arrayContaining(['public-place-hygiene-licence']) });
    expect((await t.as('station', 'GET', '/api/admin/departments')).status).toBe(403);
  });

  it('PUT validates with every reason, stores and audits', async () => {
    const bad = await t.as('hall', 'PUT', '/api/admin/departments/Tax!', { body: { name: '', nameEn: 'Tax', matters: ['NOPE'] } });
    expect(bad.status).toBe(400);
    expect(asArray(asRecord(bad.json).issues)).toHaveLength(3);
    const r = await t.as('hall', 'PUT', '/api/admin/departments/tax', { body: { name: '区税务局', nameEn: 'District tax bureau', matters: ['licence-reissue'] } });
    expect(r.status).toBe(200);
    expect(await t.server.store.get('catalog', 'department:tax')).toMatchObject({ name: '区税务局', matters: ['licence-reissue'] });
    expect(await trail()).toContainEqual(expect.objectContaining({ audit: 'admin', action: 'putDepartment', department: 'tax' }));
  });

  it('a dispatch names stored departments only; old ids stay valid', async () => {
    const { id } = await acceptedSubmission();
    const unknown = await t.as('hall', 'POST', `/api/hall/submissions/${id}/events`, { body: { action: 'dispatch', departments: ['health', 'no-such-office'] } });
    expect(unknown.status).toBe(400);
    expect(asRecord(unknown.json).reason).toContain('no-such-office');
    const ok = await t.as('hall', 'POST', `/api/hall/submissions/${id}/events`, { body: { action: 'dispatch', departments: ['health', 'tax'] } });
    expect(ok.status).toBe(201);
  });
});
