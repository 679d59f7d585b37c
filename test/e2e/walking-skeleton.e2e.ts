/**
 * Issue 2's walking skeleton, as a station user lives it: sign in online, lose the network, reload, take in
 * a submission with photos offline, reload again, get the network back, and see the documents and the exact
 * photo bytes arrive on the server and the submission in the hall's queue.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchErrors } from './support/browser';
import { signIn, takeControl, useStage } from './support/fixtures';
import { readTable } from './support/idb';
import { AppShell, HallQueuePage, IntakePage, OutboxPage } from './pages/app';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const APPLICATION = path.join(FIXTURES, 'page-application.jpg');
const STATEMENT = path.join(FIXTURES, 'page-statement.png');
const NOT_IMAGE = path.join(FIXTURES, 'not-an-image.jpg');
const sha256 = (buf: Buffer): string => createHash('sha256').update(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)).digest('hex');

describe('walking skeleton: offline intake reaches the hall queue', () => {
  const stage = useStage('walking-skeleton');
  const { shot } = stage;

  it('works offline from sign-in to the hall queue', async () => {
    const { server } = stage;
    const station = await stage.device();
    const page = await station.newPage();
    const errors = watchErrors(page);
    const intake = new IntakePage(page);
    const shell = new AppShell(page);
    // On the real-CouchDB lane the server must really be storing in CouchDB, not quietly in its embedded store.
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { store: string };
    expect(health.store).toBe(/^https?:\/\//.test(process.env.LXE_TEST_COUCHDB ?? '') ? 'couchdb' : 'embedded');

    // 1. Sign in online; the service worker takes control and the catalog replicates.
    await signIn(page, server.url, 'station');
    await intake.waitForCatalog('licence-reissue');
    await takeControl(page, () => intake.waitForCatalog('licence-reissue'));
    await shot(page, 'signed-in-online');

    // 2. Offline: the app reloads from the service worker and still works.
    await station.setOffline(true);
    await page.reload();
    await intake.waitForCatalog('licence-reissue');
    await expect.poll(() => shell.syncPhase()).toBe('offline');
    await shot(page, 'reloaded-offline');

    // 3. Bad input gets clear messages and nothing is lost.
    await intake.matter().selectOption('licence-reissue');
    await intake.answer('reason', 'lost');
    await intake.uscc().fill('91310106MA1FL4XQ0A');
    await intake.enterpriseName().fill('上海示例科技有限公司');
    await intake.applicantName().fill('张三');
    await intake.idNumber().fill('31010619850312123X');
    await intake.submitButton().click();
    // A typo in the code: the message asks to compare with the licence, and never offers a check character to type.
    await expect.poll(() => intake.errorFor('uscc').textContent()).toContain(intake.says.checkDigit);
    expect(await intake.errorFor('uscc').textContent()).not.toMatch(/应为|should be/);
    expect(await intake.errorFor('id-number').textContent()).toContain(intake.says.checkDigit);
    await intake.attach('reissue-application', NOT_IMAGE);
    await expect.poll(() => intake.material('reissue-application').locator('.error').textContent()).toContain(intake.says.notImageOrPdf);
    await shot(page, 'validation-messages');

    // 4. Correct the codes, attach a photo per material.
    await intake.uscc().fill('91310106MA1FL4XQ0W');
    await intake.idNumber().fill('310106198503121238');
    await intake.attach('reissue-application', APPLICATION);
    await intake.attach('loss-statement', STATEMENT);
    await expect.poll(() => intake.pageCount('reissue-application')).toBe(1);
    await expect.poll(() => intake.pageCount('loss-statement')).toBe(1);

    // 5. The draft survives a reload while offline.
    // Autosave is asynchronous: reload only once the draft with both pages is in IndexedDB.
    await expect
      .poll(async () => {
        const drafts = await readTable<{ uscc: string; pages: Record<string, unknown[]> }>(page, 'drafts');
        return drafts.some((d) => d.uscc === '91310106MA1FL4XQ0W' && (d.pages['reissue-application']?.length ?? 0) === 1 && (d.pages['loss-statement']?.length ?? 0) === 1);
      }, { timeout: 15_000 })
      .toBe(true);
    await page.reload();
    await intake.waitForCatalog('licence-reissue');
    await expect.poll(() => intake.uscc().inputValue()).toBe('91310106MA1FL4XQ0W');
    expect(await intake.applicantName().inputValue()).toBe('张三');
    await expect.poll(() => intake.pageCount('loss-statement')).toBe(1);
    expect(await intake.pageCount('reissue-application')).toBe(1);
    await shot(page, 'draft-after-offline-reload');

    // 6. Submit offline: a receipt, and the submission waits in the outbox, across another reload.
    await intake.submitButton().click();
    const receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';
    expect(receiptNo).toMatch(/^JING-\d{8}-[0-9A-Z]{8}$/);
    expect(await page.getByTestId('pickup-code').textContent()).toMatch(/^\d{6}$/);
    await shot(page, 'receipt-offline');
    await page.goto(`${server.url}/outbox`);
    await page.reload();
    const outbox = new OutboxPage(page);
    await outbox.item(receiptNo).waitFor();
    expect(await outbox.sync(receiptNo)).toBe('offline'); // waiting for the network, not "uploading"
    // The header tells the truth offline: not "synced" and not an error, but offline with what waits
    // (the submission, its submit event and its pages).
    await expect.poll(() => shell.syncPhase()).toBe('offline');
    await expect.poll(async () => /项待同步/.test((await shell.syncStatus().textContent()) ?? ''), { timeout: 15_000 }).toBe(true);
    await shot(page, 'outbox-offline');

    // 7. Online again: documents and photos reach the server, and the device learns the hall received it.
    await station.setOffline(false);
    await expect.poll(() => outbox.state(receiptNo), { timeout: 60_000 }).toBe('received');
    expect(await outbox.sync(receiptNo)).toBe('synced');
    await expect.poll(() => shell.syncPhase(), { timeout: 30_000 }).toBe('idle');
    await expect.poll(async () => (await shell.syncStatus().textContent())?.trim(), { timeout: 30_000 }).toBe('已同步');
    // The outbox says when the device last synced, and the sync log tells the offline spell and the sync after it.
    await expect.poll(async () => Date.parse((await outbox.lastSyncAt()) ?? '')).toBeGreaterThan(0);
    expect(await page.getByTestId('last-sync').textContent()).toContain(outbox.says.lastSync); // and says so
    const log = await outbox.logPhases();
    expect(log[0]).toBe('idle');
    expect(log).toContain('offline');
    await shot(page, 'outbox-synced');

    const docs = (await (await page.request.get(`${server.url}/sync/station-jingan-hkri/_all_docs?include_docs=true`)).json()) as {
      rows: { id: string; doc: { type: string; receiptNo?: string; items?: { materialId: string; pages: { sha256: string }[] }[] } }[];
    };
    const submission = docs.rows.map((r) => r.doc).find((d) => d.type === 'submission' && d.receiptNo === receiptNo);
    expect(submission).toBeDefined();
    const pageHash = (id: string): string => submission?.items?.find((i) => i.materialId === id)?.pages[0]?.sha256 ?? '';
    // A small JPEG is kept byte for byte; the PNG scan is re-encoded as JPEG on the device. Either way the
    // server holds exactly the bytes the device captured and hashed.
    expect(pageHash('reissue-application')).toBe(sha256(readFileSync(APPLICATION)));
    expect(pageHash('loss-statement')).not.toBe(sha256(readFileSync(STATEMENT)));
    for (const material of ['reissue-application', 'loss-statement']) {
      const res = await page.request.get(`${server.url}/api/blobs/${pageHash(material)}`);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toBe('image/jpeg');
      expect(sha256(await res.body())).toBe(pageHash(material));
    }

    // 8. The hall, in its own browser context, sees it in the acceptance queue.
    const { context: hall, page: hallPage } = await stage.signedIn('hall', { viewport: { width: 1280, height: 800 } });
    const queue = new HallQueuePage(hallPage);
    await queue.item(receiptNo).waitFor({ timeout: 30_000 });
    expect(await queue.item(receiptNo).textContent()).toContain('上海示例科技有限公司');
    await shot(hallPage, 'hall-queue');
    await hall.close();

    expect(errors).toEqual([]);
  });
});
