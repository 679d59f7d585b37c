/**
 * A station worker on a 360 px phone (issue 16's rough edges). The header takes two rows at most and cuts nothing
 * off, in Chinese and English, and the live camera's buttons never wrap a label one character per line. An intake
 * with a 容缺 material taken offline waits for the network in the outbox ("待联网 0/2", not "uploading") and the
 * card says what is owed and by when; once the hall accepts, the 容缺 page is supplied online — a thumbnail, a
 * page taken back, "提交容缺材料" — and the screen says it is sending, then sent, never "sent when online".
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signInAndInstall, useStage } from './support/fixtures';
import { watchErrors } from './support/browser';
import { AppShell, DeviceSubmissionPage, IntakeChecklistPage, IntakePage, LOCALES, OutboxPage, UI } from './pages/app';
import { chinaDay } from '../../src/domain/china-time';
import { formatDate } from '../../src/shared/i18n/format';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const PHOTO = path.join(FIXTURES, 'page-application.jpg');
const STATEMENT = path.join(FIXTURES, 'page-statement.png');
const PHONE = { width: 360, height: 740 };

/** The header's rows: its visible items grouped by their vertical middle. */
const headerRows = (page: Page): Promise<number> =>
  page.locator('header.top').evaluate((header) => {
    const middles = [...header.children]
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.width > 0 && r.height > 0)
      .map((r) => r.top + r.height / 2)
      .sort((a, b) => a - b);
    return middles.reduce((rows, y, i) => (i === 0 || y - (middles[i - 1] ?? 0) > 12 ? rows + 1 : rows), 0);
  });

/** What does not fit: header items past the screen's edges, or whose text overflows them. */
const cutOff = (page: Page, selector: string): Promise<string[]> =>
  page.locator(selector).evaluate((root) =>
    [...root.querySelectorAll<HTMLElement>('*')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) return false;
        return r.left < -0.5 || r.right > window.innerWidth + 0.5 || el.scrollWidth > el.clientWidth + 1;
      })
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent?.trim() ?? ''}`),
  );

describe('a station worker on a 360 px phone', () => {
  // The live camera: Chromium's fake camera, allowed without a prompt. The district-size catalog: the first test
  // goes offline while a freshly signed-in device is still pulling it (more than one batch), which must leave no
  // error in the page.
  const stage = useStage('station-phone', { env: { DEMO_CATALOG: 'district' }, browserArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  const { shot } = stage;

  it('the header takes two rows at most and the camera keeps its labels on one line, in both languages', async () => {
    for (const locale of LOCALES) {
      const { context, page, errors } = await stage.signedIn('station', { viewport: PHONE, locale });
      const intake = new IntakePage(page, locale);
      await intake.waitForCatalog('licence-reissue');
      const shell = new AppShell(page, locale);
      await shell.syncStatus().waitFor();
      await context.setOffline(true);
      await expect.poll(() => shell.syncPhase()).toBe('offline');
      expect(await headerRows(page), `header rows (${locale})`).toBeLessThanOrEqual(2);
      expect(await cutOff(page, 'header.top'), `header (${locale})`).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await shell.signOut().waitFor();
      await shot(page, `header-${locale}`);
      await context.setOffline(false);

      // The live camera: every button one line high (a label wrapped one character per line is several).
      await intake.matter().selectOption('licence-reissue');
      await intake.answer('reason', 'lost');
      await intake.material('reissue-application').locator('button.camera-button').click();
      const camera = page.locator('dialog.camera');
      await camera.waitFor();
      const take = camera.getByRole('button', { name: UI[locale].cameraTake, exact: true });
      await expect.poll(() => take.isEnabled(), { timeout: 15_000 }).toBe(true);
      const heights = await camera.locator('.camera-actions button').evaluateAll((buttons) => buttons.map((b) => Math.round(b.getBoundingClientRect().height)));
      expect(heights).toHaveLength(3);
      for (const h of heights) expect(h, `camera button heights ${heights.join(', ')} (${locale})`).toBeLessThanOrEqual(48);
      expect(await cutOff(page, 'dialog.camera .camera-actions'), `camera buttons (${locale})`).toEqual([]);
      await shot(page, `camera-${locale}`);
      await camera.getByRole('button', { name: UI[locale].cameraDone, exact: true }).click();
      await camera.waitFor({ state: 'detached' });
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('a 容缺 intake offline waits for the network and says what is owed; the 容缺 page is supplied online', async () => {
    const { server } = stage;
    const station = await stage.device({ viewport: PHONE });
    const page = await station.newPage();
    const errors = watchErrors(page);
    const intake = new IntakePage(page);
    const checklist = new IntakeChecklistPage(page);
    const shell = new AppShell(page);
    await signInAndInstall(page, server.url, 'station', { matter: 'licence-reissue' });

    // Offline: a licence reissue with the loss statement left 容缺 under a signed commitment.
    await station.setOffline(true);
    await expect.poll(() => shell.syncPhase()).toBe('offline');
    await intake.matter().selectOption('licence-reissue');
    await intake.answer('reason', 'lost');
    await intake.uscc().fill('91310106MA1FL4XQ0W');
    await intake.enterpriseName().fill('上海示例科技有限公司');
    await intake.applicantName().fill('张三');
    await intake.idNumber().fill('310106198503121238');
    await intake.attach('reissue-application', PHOTO);
    await expect.poll(() => intake.pageCount('reissue-application')).toBe(1);
    const due = chinaDay(2);
    await checklist.markDeficient('loss-statement', due);
    await checklist.sign();
    await intake.submitButton().click();
    const receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';
    const ulid = (await intake.printReceiptLink().getAttribute('href'))?.split('/').pop() ?? '';
    expect(ulid).toMatch(/^[0-9A-Z]{26}$/);

    // The outbox: waiting for the network with the pages sent so far (the page and the signature), and the 容缺 owed.
    await shell.nav('navOutbox').click();
    const outbox = new OutboxPage(page);
    await outbox.item(receiptNo).waitFor();
    expect(await outbox.sync(receiptNo)).toBe('offline');
    expect(await outbox.item(receiptNo).getByTestId('sync-state').textContent()).toBe(outbox.says.waitingForNetwork(0, 2));
    const owed = outbox.owed(receiptNo);
    expect(await owed.getAttribute('data-due')).toBe(due);
    expect(await owed.textContent()).toBe(`容缺待补：遗失声明，${formatDate(due, 'zh-CN')} 前`);
    await shot(page, 'outbox-offline-owed');

    // Online: received; the card still says what is owed.
    await station.setOffline(false);
    await expect.poll(() => outbox.state(receiptNo), { timeout: 45_000 }).toBe('received');
    expect(await outbox.sync(receiptNo)).toBe('synced');
    expect(await owed.getAttribute('data-due')).toBe(due);

    // The hall accepts (a 容缺 page is taken from then on).
    const { context: hallContext, page: hall } = await stage.signedIn('hall', { viewport: { width: 1280, height: 800 } });
    const accepted = await hall.request.post(`${server.url}/api/hall/submissions/${ulid}/events`, { data: { action: 'accept' } });
    expect(accepted.status()).toBe(201);
    await hallContext.close();

    // Supply the 容缺 page: a thumbnail, a page taken back, "提交容缺材料" (not 提交补正: the hall asked for nothing).
    const device = new DeviceSubmissionPage(page);
    await device.open(server.url, ulid);
    await expect.poll(() => device.stateName(), { timeout: 30_000 }).toBe('accepted');
    expect(await page.getByTestId('outstanding').locator('li').getAttribute('data-due')).toBe(due);
    await device.sendDeficientButton().waitFor();
    expect(await page.getByRole('button', { name: UI['zh-CN'].sendSupplement, exact: true }).count()).toBe(0);
    const supplyInputs = page.locator('[data-material="loss-statement"] input[type=file]');
    expect(await supplyInputs.evaluateAll((inputs) => inputs.map((i) => i.getAttribute('capture')))).toEqual(['environment', null]);
    await device.supplementPage('loss-statement', PHOTO);
    await expect.poll(() => device.supplementTiles('loss-statement').count()).toBe(1);
    const thumb = device.supplementTiles('loss-statement').locator('img');
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    await device.supplementTiles('loss-statement').getByRole('button', { name: '删除 遗失声明 第1页' }).click();
    await expect.poll(() => device.supplementTiles('loss-statement').count()).toBe(0);
    await device.supplementPage('loss-statement', STATEMENT);
    await expect.poll(() => device.supplementTiles('loss-statement').count()).toBe(1);
    await shot(page, 'supplement-deficient');
    await device.sendDeficientButton().click();
    // Online it is never "saved, sent when online": sending, then sent.
    await expect.poll(() => device.supplementMessage()).not.toBeNull();
    expect(['supplementForm.sending', 'supplementForm.sent']).toContain(await device.supplementMessage());
    await expect.poll(() => device.supplementMessage(), { timeout: 30_000 }).toBe('supplementForm.sent');
    expect(await page.getByTestId('outstanding').count()).toBe(0);
    await shot(page, 'supplement-sent');

    // The outbox card owes nothing any more.
    await shell.nav('navOutbox').click();
    await outbox.item(receiptNo).waitFor();
    await expect.poll(() => outbox.owed(receiptNo).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
