/**
 * Issue 14's calendar as data: the hall loads next year's holidays in its calendar form, and the due date it
 * shows for a running submission moves with them. The submission (a district matter promised in 30 working days,
 * so the clock runs into the next year, published by the admin into the server's small demo catalog) is brought in
 * through the station's sync API; the hall accepts it on screen. The expected date comes from the domain's own clock with the same calendar data.
 */
import { describe, expect, it } from 'vitest';
import { computeSla, useCalendarYears } from '../../src/domain/calendar';
import { formatDate } from '../../src/shared/i18n/format';
import { makeEvent, makePng, makeSubmission, pageRef, sha256Hex, STATION_DB } from '../../sync-server/src/test-support';
import { DISTRICT_MATTERS } from '../../sync-server/src/demo/district-catalog';
import { useStage } from './support/fixtures';
import { HallRecordPage } from './pages/app';
import { CalendarPage } from './pages/calendar';

const MATTER = { id: 'district-industrial-product-new', name: '重要工业产品生产许可（新办）', promisedDays: 30, legalDays: 60 };

describe('calendar as data', () => {
  const stage = useStage('calendar-admin');

  it('loading the year of a due date in the hall’s form moves the due date the hall shows', async () => {
    const { server, shot } = stage;
    // The one district matter this needs, as the district-size demo catalog ships it.
    const matter = DISTRICT_MATTERS.find((m) => m.id === MATTER.id);
    expect(matter).toMatchObject(MATTER);
    const admin = await stage.signedInByApi('admin');
    const published = await admin.context.request.put(`${server.url}/api/admin/catalog/matters/${MATTER.id}`, { data: matter });
    expect(published.status(), await published.text()).toBe(200);
    await admin.context.close();

    // A station sends a complete submission of a 30-day matter.
    const station = await stage.signedInByApi('station');
    const png = makePng();
    expect((await station.context.request.put(`${server.url}/api/blobs/${sha256Hex(png)}`, { data: Buffer.from(png), headers: { 'content-type': 'image/png' } })).status()).toBe(201);
    const sub = { ...makeSubmission({ pages: [pageRef(png, 'image/png')] }), matterId: MATTER.id, matterName: MATTER.name };
    expect((await station.context.request.post(`${server.url}/sync/${STATION_DB}/_bulk_docs`, { data: { docs: [sub, makeEvent(sub)] } })).status()).toBe(201);
    const ulid = sub._id.slice('submission:'.length);

    // The hall accepts it and reads the due date.
    const { page: hall, errors } = await stage.signedIn('hall', { viewport: { width: 1280, height: 900 } });
    const record = new HallRecordPage(hall);
    await record.open(server.url, ulid);
    await expect.poll(() => record.stateName(), { timeout: 15_000 }).toBe('received');
    await record.accept();
    await expect.poll(() => record.stateName()).toBe('accepted');
    const api = async (): Promise<{ sla: { dueDate: string }; status: { acceptedAt: string } }> => (await hall.request.get(`${server.url}/api/hall/submissions/${ulid}`)).json();
    const before = await api();
    const due = before.sla.dueDate;
    const sla = hall.getByTestId('sla');
    await expect.poll(() => sla.textContent()).toContain(formatDate(due, 'zh-CN'));

    // The hall loads the year of that due date: New Year's days and the due date itself are holidays.
    const year = Number(due.slice(0, 4));
    const holidays = [...new Set([`${year}-01-01`, `${year}-01-02`, `${year}-01-03`, due])].sort();
    const calendar = new CalendarPage(hall);
    await calendar.open(server.url);
    await calendar.load(year, holidays);
    await expect.poll(() => calendar.loaded(year).textContent()).toContain(String(holidays.length));
    expect(await calendar.coverage().textContent()).toContain(String(year));
    await shot(hall, 'year-loaded');

    // The same clock with the same data says where the due date is now.
    useCalendarYears([{ year, holidays, workdays: [] }]);
    const expected = computeSla({ acceptedAt: before.status.acceptedAt, promisedDays: MATTER.promisedDays, legalDays: MATTER.legalDays, pauses: [], now: new Date().toISOString() }).dueDate;
    useCalendarYears([]);
    expect(expected).not.toBe(due);
    await record.open(server.url, ulid);
    await expect.poll(() => sla.textContent()).toContain(formatDate(expected, 'zh-CN'));
    expect(await sla.textContent()).not.toContain(formatDate(due, 'zh-CN'));
    // The queue's own projection moved too (what the lists and the dashboard sort and count by).
    expect((await hall.request.get(`${server.url}/api/hall/submissions/${ulid}`).then((r) => r.json()) as { item: { dueDate: string } }).item.dueDate).toBe(expected);
    await shot(hall, 'due-date-moved');
    expect(errors).toEqual([]);
  });
});
