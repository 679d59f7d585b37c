/**
 * Issue 8's browser test: personal fields leave the station device once the hall has accepted a submission
 * and the purge window (here `LXE_PURGE_AFTER_DAYS=0`) has passed. Two intakes; the hall accepts one; then
 * every IndexedDB database of the origin is read raw in the page (Dexie's and PouchDB's object stores, keys,
 * values and stored blobs) and the accepted applicant's ID number occurs nowhere, while the outbox still lists
 * the item with its receipt number and state, the untouched intake keeps its data, a reload does not pull
 * the purged document back, the server's copy is unchanged (nothing was written back), and sync goes on in
 * the rebuilt database (the second acceptance arrives and purges that one too).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { skewClock, takeControl, useStage } from './support/fixtures';
import { AppShell, IntakePage, OutboxPage } from './pages/app';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const APPLICATION = path.join(FIXTURES, 'page-application.jpg');
const STATEMENT = path.join(FIXTURES, 'page-statement.png');
const STATION_DB = 'station-jingan-hkri';
const ACCEPTED_ID = '310106198503121238';
const ACCEPTED_NAME = '张三丰';
const OPEN_ID = '44030519900101123X';

/**
 * Every IndexedDB database of the page's origin, read with the raw IndexedDB API: for each database, which
 * of `needles` occur in any key, any value (strings, nested objects, byte buffers) or any stored Blob.
 * Connections close at once, so the app can still delete or upgrade its databases.
 */
function scanIndexedDb(page: Page, needles: string[]): Promise<{ databases: string[]; found: Record<string, string[]> }> {
  return page.evaluate(async (wanted) => {
    const texts = (value: unknown, out: string[], blobs: Blob[]): void => {
      if (typeof value === 'string') out.push(value);
      else if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return;
      else if (value instanceof Blob) blobs.push(value);
      else if (value instanceof ArrayBuffer) out.push(new TextDecoder().decode(value));
      else if (ArrayBuffer.isView(value)) out.push(new TextDecoder().decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)));
      else if (Array.isArray(value)) for (const v of value) texts(v, out, blobs);
      else if (value instanceof Date) out.push(value.toISOString());
      else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) {
        out.push(k);
        texts(v, out, blobs);
      }
    };
    const databases = (await indexedDB.databases()).map((d) => d.name ?? '').filter(Boolean);
    const found: Record<string, string[]> = {};
    for (const name of databases) {
      // A database listed a moment ago may be deleted by now (the purge retires old generations): opening it
      // by name would create it again, empty, so an upgrade (= it did not exist) is aborted and the name skipped.
      const idb = await new Promise<IDBDatabase | null>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onupgradeneeded = () => req.transaction?.abort();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => (req.error?.name === 'AbortError' ? resolve(null) : reject(req.error ?? new Error(`cannot open ${name}`)));
      });
      if (!idb) continue;
      idb.onversionchange = () => idb.close();
      const out: string[] = [];
      const blobs: Blob[] = [];
      try {
        const stores = [...idb.objectStoreNames];
        if (stores.length) {
          const tx = idb.transaction(stores, 'readonly');
          await Promise.all(
            stores.map(
              (store) =>
                new Promise<void>((resolve, reject) => {
                  const keys = tx.objectStore(store).getAllKeys();
                  const values = tx.objectStore(store).getAll();
                  values.onsuccess = () => {
                    texts(keys.result, out, blobs);
                    texts(values.result, out, blobs);
                    resolve();
                  };
                  values.onerror = () => reject(values.error ?? new Error(`cannot read ${name}/${store}`));
                }),
            ),
          );
        }
      } finally {
        idb.close();
      }
      for (const blob of blobs) out.push(await blob.text());
      const all = out.join('\n');
      found[name] = wanted.filter((needle) => all.includes(needle));
    }
    // Only the databases that were there to read (see above).
    return { databases: Object.keys(found), found };
  }, needles);
}

/** The page's own clock (the second test moves it 31 days on). */
const pageNow = (page: Page): Promise<string> => page.evaluate(() => new Date().toISOString());

/**
 * Wait for a complete sync after `since` (page time): replication has pulled everything the server holds and
 * paused, up to date. Whatever a pull would bring back is on the device by then. The page is on the outbox.
 */
async function syncedAfter(page: Page, since: string, timeout = 30_000): Promise<void> {
  const shell = new AppShell(page);
  const outbox = new OutboxPage(page);
  await expect.poll(async () => (await shell.syncPhase()) === 'idle' && ((await outbox.lastSyncAt()) ?? '') > since, { timeout }).toBe(true);
}

/** Which databases hold `needle`. */
const holding = (scan: { found: Record<string, string[]> }, needle: string): string[] => Object.entries(scan.found).flatMap(([db, hits]) => (hits.includes(needle) ? [db] : []));

describe('personal fields leave the device after the hall accepts', () => {
  const stage = useStage('purge', { env: { LXE_PURGE_AFTER_DAYS: '0' } });
  const { shot } = stage;

  /** One licence reissue with two pages; returns its receipt number and submission ULID. */
  async function intake(station: Page, applicant: string, idNumber: string): Promise<{ receiptNo: string; ulid: string }> {
    const { server } = stage;
    const form = new IntakePage(station);
    await station.goto(`${server.url}/intake`);
    await form.waitForCatalog('licence-reissue');
    await form.matter().selectOption('licence-reissue');
    await form.answer('reason', 'lost');
    await form.uscc().fill('91310106MA1FL4XQ0W');
    await form.enterpriseName().fill('上海示例科技有限公司');
    await form.applicantName().fill(applicant);
    await form.idNumber().fill(idNumber);
    await form.attach('reissue-application', APPLICATION);
    await form.attach('loss-statement', STATEMENT);
    await expect.poll(() => form.pageCount('loss-statement')).toBe(1);
    await expect.poll(() => form.pageCount('reissue-application')).toBe(1);
    await station.locator('form button[type=submit]').click();
    const receiptNo = (await station.getByTestId('receipt-no').textContent())?.trim() ?? '';
    expect(receiptNo).toMatch(/^JING-\d{8}-[0-9A-Z]{8}$/);
    const href = (await station.locator('[data-testid="receipt"] a[href^="/receipt/"]').first().getAttribute('href')) ?? '';
    const ulid = href.split('/').pop() ?? '';
    expect(ulid).toMatch(/^[0-9A-Z]{26}$/);
    return { receiptNo, ulid };
  }

  it('removes the accepted applicant’s ID number from every local store and keeps the item listed', async () => {
    const { server } = stage;
    // The station signs in (the session carries the 0-day window) and takes in two submissions.
    const { context: stationCtx, page: station, errors, session } = await stage.signedInByApi('station');
    expect(session).toMatchObject({ station: 'jingan-hkri', purgeAfterDays: 0 });
    const { context: hallCtx } = await stage.signedInByApi('hall', { viewport: { width: 1280, height: 900 } });
    const accepted = await intake(station, ACCEPTED_NAME, ACCEPTED_ID);
    const open = await intake(station, '李四', OPEN_ID);

    const outbox = new OutboxPage(station);
    await station.goto(`${server.url}/outbox`);
    for (const { receiptNo } of [accepted, open]) {
      await expect.poll(() => outbox.state(receiptNo), { timeout: 60_000 }).toBe('received');
    }
    // Before any decision both ID numbers are on the device (and the scan finds them).
    const before = await scanIndexedDb(station, [ACCEPTED_ID, OPEN_ID]);
    expect(holding(before, ACCEPTED_ID)).toContain(`_pouch_${STATION_DB}`);
    expect(holding(before, OPEN_ID)).toContain(`_pouch_${STATION_DB}`);
    await shot(station, 'outbox-received');

    // The hall accepts the first one.
    const decided = await hallCtx.request.post(`${server.url}/api/hall/submissions/${accepted.ulid}/events`, { data: { action: 'accept' } });
    expect(decided.status()).toBe(201);

    // The device learns of it by replication, and with a 0-day window the personal fields leave at once.
    await expect.poll(() => outbox.state(accepted.receiptNo), { timeout: 60_000 }).toBe('accepted');
    await expect.poll(async () => holding(await scanIndexedDb(station, [ACCEPTED_ID]), ACCEPTED_ID), { timeout: 60_000 }).toEqual([]);
    const after = await scanIndexedDb(station, [ACCEPTED_ID, ACCEPTED_NAME, OPEN_ID, '3101**********1238', '张**', accepted.receiptNo]);
    expect(holding(after, ACCEPTED_ID)).toEqual([]);
    expect(holding(after, ACCEPTED_NAME)).toEqual([]);
    // What stays: the masked record (Dexie) for the outbox; the other submission keeps everything (PouchDB).
    expect(holding(after, '3101**********1238')).toEqual(['louxiaoer-station']);
    expect(holding(after, '张**')).toEqual(['louxiaoer-station']);
    expect(holding(after, accepted.receiptNo)).toContain('louxiaoer-station');
    const stationDbs = after.databases.filter((name) => name.startsWith(`_pouch_${STATION_DB}`));
    expect(stationDbs).toHaveLength(1);
    expect(stationDbs[0]).toMatch(new RegExp(`^_pouch_${STATION_DB}@`));
    expect(holding(after, OPEN_ID)).toEqual(stationDbs);

    // The outbox still lists both, the purged one with its receipt number and state.
    await outbox.item(accepted.receiptNo).waitFor();
    expect(await outbox.item(accepted.receiptNo).textContent()).toContain('上海示例科技有限公司');
    expect(await outbox.state(accepted.receiptNo)).toBe('accepted');
    expect(await outbox.state(open.receiptNo)).toBe('received');
    await shot(station, 'outbox-after-purge');

    // Reload (app start: the purge runs again, then sync pulls on from where it was): nothing comes back.
    const beforeReload = await pageNow(station);
    await station.reload();
    await outbox.item(accepted.receiptNo).waitFor({ timeout: 30_000 });
    await syncedAfter(station, beforeReload);
    const reloaded = await scanIndexedDb(station, [ACCEPTED_ID, OPEN_ID]);
    expect(holding(reloaded, ACCEPTED_ID)).toEqual([]);
    expect(holding(reloaded, OPEN_ID).length).toBe(1);
    expect(await outbox.state(accepted.receiptNo)).toBe('accepted');

    // The server's copy is the one first written: the device wrote nothing back.
    const onServer = await stationCtx.request.get(`${server.url}/sync/${STATION_DB}/submission:${accepted.ulid}?revs=true`);
    expect(onServer.status()).toBe(200);
    const doc = (await onServer.json()) as { _rev: string; applicant: { idNumber: string }; _revisions: { ids: string[] } };
    expect(doc._rev).toMatch(/^1-/);
    expect(doc._revisions.ids).toHaveLength(1);
    expect(doc.applicant.idNumber).toBe(ACCEPTED_ID);
    await shot(station, 'outbox-after-reload');

    // Sync goes on in the rebuilt database: the hall accepts the second one, and its ID number leaves too.
    expect((await hallCtx.request.post(`${server.url}/api/hall/submissions/${open.ulid}/events`, { data: { action: 'accept' } })).status()).toBe(201);
    await expect.poll(() => outbox.state(open.receiptNo), { timeout: 60_000 }).toBe('accepted');
    await expect.poll(async () => holding(await scanIndexedDb(station, [OPEN_ID]), OPEN_ID), { timeout: 60_000 }).toEqual([]);
    const last = await scanIndexedDb(station, [ACCEPTED_ID, OPEN_ID, '4403**********123X']);
    expect(holding(last, ACCEPTED_ID)).toEqual([]);
    expect(holding(last, '4403**********123X')).toEqual(['louxiaoer-station']);
    expect(last.databases.filter((name) => name.startsWith(`_pouch_${STATION_DB}`))).toHaveLength(1);
    for (const { receiptNo } of [accepted, open]) await outbox.item(receiptNo).waitFor();
    await shot(station, 'outbox-both-purged');
    expect(errors).toEqual([]);
  });
});

describe('with the default window, at app start and offline', () => {
  const stage = useStage('purge-start');
  const { shot } = stage;
  const ID = '11010519491231002X';

  it('keeps the ID number for 30 days after acceptance, then drops it when the app starts, offline', async () => {
    const { server } = stage;
    const { context: device, page, errors, session } = await stage.signedInByApi('station');
    expect(session).toMatchObject({ purgeAfterDays: 30 });
    const form = new IntakePage(page);
    await page.goto(`${server.url}/intake`);
    await form.waitForCatalog('licence-reissue');
    // The service worker takes control, so the app starts offline later.
    await takeControl(page, () => form.waitForCatalog('licence-reissue'));
    await form.matter().selectOption('licence-reissue');
    await form.answer('reason', 'lost');
    await form.uscc().fill('91310106MA1FL4XQ0W');
    await form.enterpriseName().fill('上海示例科技有限公司');
    await form.applicantName().fill('王五');
    await form.idNumber().fill(ID);
    await form.attach('reissue-application', APPLICATION);
    await form.attach('loss-statement', STATEMENT);
    await expect.poll(() => form.pageCount('loss-statement')).toBe(1);
    await page.locator('form button[type=submit]').click();
    const receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';
    const ulid = ((await page.locator('[data-testid="receipt"] a[href^="/receipt/"]').first().getAttribute('href')) ?? '').split('/').pop() ?? '';

    const outbox = new OutboxPage(page);
    const shell = new AppShell(page);
    await page.goto(`${server.url}/outbox`);
    await expect.poll(() => outbox.state(receiptNo), { timeout: 60_000 }).toBe('received');
    const { context: hall } = await stage.signedInByApi('hall');
    expect((await hall.request.post(`${server.url}/api/hall/submissions/${ulid}/events`, { data: { action: 'accept' } })).status()).toBe(201);
    await expect.poll(() => outbox.state(receiptNo), { timeout: 60_000 }).toBe('accepted');
    await expect.poll(() => shell.syncPhase(), { timeout: 30_000 }).toBe('idle');
    // Accepted just now: inside the 30 days the device still holds it.
    expect(holding(await scanIndexedDb(page, [ID]), ID)).toEqual([`_pouch_${STATION_DB}`]);

    // 31 days later, with no network: the app starts, and the ID number leaves before anything else happens.
    await device.setOffline(true);
    await skewClock(device, 31 * 86_400_000);
    await page.reload();
    await outbox.item(receiptNo).waitFor({ timeout: 30_000 });
    await expect.poll(async () => holding(await scanIndexedDb(page, [ID]), ID), { timeout: 30_000 }).toEqual([]);
    expect(holding(await scanIndexedDb(page, ['1101**********002X']), '1101**********002X')).toEqual(['louxiaoer-station']);
    expect(await outbox.state(receiptNo)).toBe('accepted');
    await shot(page, 'purged-offline-at-start');

    // Online again: sync resumes in the rebuilt database and does not bring the document back.
    await device.setOffline(false);
    await expect.poll(() => shell.syncPhase(), { timeout: 60_000 }).toBe('idle');
    // …and still hears from the hall.
    const beforeDispatch = await pageNow(page);
    expect((await hall.request.post(`${server.url}/api/hall/submissions/${ulid}/events`, { data: { action: 'dispatch', departments: ['market-regulation'] } })).status()).toBe(201);
    await expect.poll(() => outbox.state(receiptNo), { timeout: 60_000 }).toBe('dispatched');
    await syncedAfter(page, beforeDispatch);
    expect(holding(await scanIndexedDb(page, [ID]), ID)).toEqual([]);
    await shot(page, 'online-again');
    await hall.close();
    expect(errors).toEqual([]);
  });
});
