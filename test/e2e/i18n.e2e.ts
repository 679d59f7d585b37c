/**
 * Issue 8, languages: the app starts in Chinese whatever the browser's language; a station user switches to
 * English and the main screens (intake, outbox, the hall's queue and record) speak English — labels, buttons,
 * states, validation messages, the catalog's English names — with no Chinese left in their controls; the
 * choice survives reloads, also offline from the service worker; switching back gives Chinese again.
 * Screenshots of the English screens land in test/artifacts/i18n.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, takeControl, useStage } from './support/fixtures';
import { watchErrors } from './support/browser';
import { AppShell, HallQueuePage, IntakePage, OutboxPage } from './pages/app';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const APPLICATION = path.join(FIXTURES, 'page-application.jpg');
const STATEMENT = path.join(FIXTURES, 'page-statement.png');
const NOT_IMAGE = path.join(FIXTURES, 'not-an-image.jpg');

/**
 * Chinese text in the page's controls: the header, headings, labels, legends, buttons, links, tabs, table
 * headers, badges, status and error lines, and accessible names and placeholders. Data is left out: what
 * people typed (enterprise names) or the catalog holds only in Chinese (marked lang="zh-CN"), and the
 * language switch's "中文", which names Chinese in Chinese on purpose.
 */
async function chineseInControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;
    const selector = [
      'header.top a', 'header.top button', 'header.top [role=status]', 'header.top .brand',
      'main h1', 'main h2', 'main label', 'main legend', 'main button', 'main a.button', 'main th', 'main [role=tab]',
      'main .badge', 'main .tag', 'main summary', 'main dt', 'main .error', 'main [role=status]', 'main [role=alert]',
      'main select option', 'main .question-text', 'main .material-name', 'nav a',
    ].join(',');
    const out: string[] = [];
    const isData = (el: Element): boolean => {
      const marked = el.closest('[lang]'); // the nearest language mark: <html> itself, or data marked inside it
      return (marked !== document.documentElement && marked?.getAttribute('lang') === 'zh-CN') || el.closest('[data-testid="locale-switch"]') !== null;
    };
    for (const el of document.querySelectorAll(selector)) {
      if (isData(el)) continue;
      const text = (el as HTMLElement).innerText ?? el.textContent ?? '';
      if (CJK.test(text)) out.push(`${el.tagName.toLowerCase()}: ${text.trim().slice(0, 80)}`);
    }
    for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
      if (isData(el)) continue;
      for (const attr of ['aria-label', 'placeholder', 'title']) {
        const value = el.getAttribute(attr);
        if (value && CJK.test(value)) out.push(`${el.tagName.toLowerCase()}[${attr}]: ${value.slice(0, 80)}`);
      }
    }
    return out;
  });
}

const lang = (page: Page): Promise<string> => page.evaluate(() => document.documentElement.lang);
const heading = (page: Page): Promise<string> => page.locator('main h1').first().innerText();

describe('languages: Chinese by default, English on request, remembered on the device', () => {
  const stage = useStage('i18n');
  const { shot } = stage;
  let receiptNo = '';

  it('station: switches to English, works in English, keeps it across reloads and offline, and switches back', async () => {
    const { server } = stage;
    // The browser itself prefers English: the app still starts in Chinese until someone chooses English.
    const station = await stage.device({ browserLocale: 'en-US' });
    const page = await station.newPage();
    const errors = watchErrors(page);
    // The page models speak the language the screen is in at each step.
    const intake = new IntakePage(page);
    const intakeEn = new IntakePage(page, 'en');

    // Chinese by default, the service worker installed and in control.
    await signIn(page, server.url, 'station');
    await intake.waitForCatalog('licence-reissue');
    expect(await lang(page)).toBe('zh-CN');
    expect(await heading(page)).toBe('新建代收');
    expect((await chineseInControls(page)).length).toBeGreaterThan(5); // the check below sees Chinese when there is some
    await takeControl(page, () => intake.waitForCatalog('licence-reissue'));

    // Switch to English: the intake screen, the catalog's English names, English validation messages.
    await page.getByTestId('locale-switch').selectOption('en');
    await expect.poll(() => heading(page)).toBe('New intake');
    expect(await lang(page)).toBe('en');
    expect(await page.title()).toBe('Louxiaoer Station');
    await intake.matter().selectOption('licence-reissue');
    expect(await intake.matter().locator('option:checked').innerText()).toBe('Reissue of business licence');
    await page.locator('[data-testid="questions"]').waitFor();
    expect(await page.locator('[data-testid="questions"] .question-text').first().innerText()).toBe('Was the licence lost or damaged?');
    // The matter's guide is in English too (conditions, legal basis, delivery), and says so in its lang attributes.
    const guide = page.getByTestId('guide');
    await guide.locator('summary').click();
    expect(await guide.innerText()).toContain('a notice declaring it void has been published in the National Enterprise Credit Information Publicity System');
    expect(await guide.locator('[lang="zh-CN"]').count()).toBe(0);
    await shot(page, 'intake-en-guide');
    await guide.locator('summary').click();
    await intake.answer('reason', 'lost');
    await intake.uscc().fill('91310106MA1FL4XQ0A');
    await intake.enterpriseName().fill('上海示例科技有限公司');
    await intake.applicantName().fill('张三');
    await intake.idNumber().fill('31010619850312123X');
    await intakeEn.submitButton().click();
    await expect.poll(() => intake.errorFor('uscc').textContent()).toBe('The credit code does not check out, a character may be mistyped; compare it character by character with the licence or ID card');
    expect(await intake.errorFor('id-number').textContent()).toBe('The ID number does not check out, a character may be mistyped; compare it character by character with the licence or ID card');
    await intake.attach('reissue-application', NOT_IMAGE);
    await expect.poll(() => intake.material('reissue-application').locator('.error').textContent()).toBe('“not-an-image.jpg” is not a JPEG/PNG/WebP image or a PDF');
    expect(await intake.material('loss-statement').locator('.material-name').innerText()).toBe('Loss statement');
    expect(await chineseInControls(page)).toEqual([]);
    await shot(page, 'intake-en-validation');

    await intake.uscc().fill('91310106MA1FL4XQ0W');
    await intake.idNumber().fill('310106198503121238');
    await intake.attach('reissue-application', APPLICATION);
    await intake.attach('loss-statement', STATEMENT);
    await expect.poll(() => intake.pageCount('reissue-application')).toBe(1);
    await expect.poll(() => intake.pageCount('loss-statement')).toBe(1);
    expect(await chineseInControls(page)).toEqual([]);
    await shot(page, 'intake-en-ready');
    await intakeEn.submitButton().click();
    receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';
    expect(receiptNo).toMatch(/^JING-\d{8}-[0-9A-Z]{8}$/);
    expect(await page.getByTestId('receipt').innerText()).toContain('Receipt no.');
    expect(await chineseInControls(page)).toEqual([]);
    await shot(page, 'intake-en-submitted');

    // The receipt in English: the catalog's English names, with the Chinese names the submission recorded beside them.
    await intakeEn.printReceiptLink().click();
    await page.waitForURL(/\/receipt\/[0-9A-Z]{26}$/);
    await expect.poll(() => page.getByTestId('receipt-matter').innerText()).toBe('Reissue of business licence\n营业执照补办');
    expect(await page.getByTestId('receipt-matter').locator('span').getAttribute('lang')).toBe('en');
    expect(await page.locator('table').innerText()).toContain('Loss statement');
    await shot(page, 'receipt-en');
    const shellEn = new AppShell(page, 'en');
    await shellEn.nav('navIntake').click();
    await page.waitForURL('**/intake');

    // The outbox in English: the matter's English name, the state and sync progress.
    await shellEn.nav('navOutbox').click();
    const outbox = new OutboxPage(page, 'en');
    await outbox.item(receiptNo).waitFor();
    expect(await heading(page)).toBe('Outbox');
    expect(await outbox.item(receiptNo).locator('strong').first().innerText()).toBe('Reissue of business licence');
    await expect.poll(() => outbox.item(receiptNo).getByTestId('state').textContent(), { timeout: 60_000 }).toBe('Received by hall');
    expect(await outbox.item(receiptNo).getByTestId('sync-state').textContent()).toBe('Synced');
    await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 30_000 }).toBe('Up to date');
    expect(await chineseInControls(page)).toEqual([]);
    await shot(page, 'outbox-en');

    // Remembered on the device: a reload comes back in English, and so does an offline start.
    await page.reload();
    await outbox.item(receiptNo).waitFor();
    expect(await heading(page)).toBe('Outbox');
    expect(await lang(page)).toBe('en');
    await station.setOffline(true);
    await page.goto(`${server.url}/intake`);
    await intake.waitForCatalog('licence-reissue');
    expect(await heading(page)).toBe('New intake');
    expect(await lang(page)).toBe('en');
    await expect.poll(() => page.getByTestId('sync-status').textContent()).toBe('Offline');
    expect(await chineseInControls(page)).toEqual([]);
    await shot(page, 'intake-en-offline');
    await page.goto(`${server.url}/outbox`);
    await outbox.item(receiptNo).waitFor();
    expect(await outbox.item(receiptNo).getByTestId('state').textContent()).toBe('Received by hall');
    await station.setOffline(false);

    // Back to Chinese, which is remembered too.
    await page.getByTestId('locale-switch').selectOption('zh-CN');
    await expect.poll(() => heading(page)).toBe('发件箱');
    expect(await lang(page)).toBe('zh-CN');
    expect(await outbox.item(receiptNo).getByTestId('state').textContent()).toBe('大厅已收到');
    await page.reload();
    await outbox.item(receiptNo).waitFor();
    expect(await heading(page)).toBe('发件箱');
    expect(await lang(page)).toBe('zh-CN');
    await shot(page, 'outbox-zh-again');
    expect(errors).toEqual([]);
  });

  it('hall: the queue, a record and the dashboard in English', async () => {
    expect(receiptNo).not.toBe('');
    const { context: hall, page: hallPage, errors: hallErrors } = await stage.signedIn('hall', { viewport: { width: 1280, height: 900 } });
    expect(await heading(hallPage)).toContain('受理队列');
    await hallPage.getByTestId('locale-switch').selectOption('en');
    await expect.poll(() => hallPage.locator('main h1').first().innerText()).toContain('Acceptance queue');

    const queue = new HallQueuePage(hallPage, 'en');
    await queue.item(receiptNo).waitFor({ timeout: 30_000 });
    const row = queue.item(receiptNo);
    await expect.poll(() => row.locator('td').nth(1).innerText()).toBe('Reissue of business licence');
    expect(await row.locator('.badge').first().innerText()).toBe('Received');
    expect(await hallPage.getByRole('tab').allInnerTexts()).toEqual(['New', 'In correction', 'Accepted', 'Dispatched', 'Approved', 'Due soon', 'Overdue', 'Done']);
    expect(await chineseInControls(hallPage)).toEqual([]);
    await shot(hallPage, 'hall-queue-en');

    await row.getByRole('link').click();
    await hallPage.getByTestId('record-state').waitFor();
    expect(await hallPage.getByTestId('record-state').innerText()).toBe('Received');
    expect(await hallPage.getByRole('button', { name: 'Accept', exact: true }).isVisible()).toBe(true);
    expect(await hallPage.getByTestId('timeline').innerText()).toContain('Submitted at station');
    expect(await chineseInControls(hallPage)).toEqual([]);
    await shot(hallPage, 'hall-record-en');

    await new AppShell(hallPage, 'en').nav('navDashboard').click();
    await hallPage.getByTestId('figures').waitFor();
    expect(await heading(hallPage)).toContain('Dashboard');
    expect(await chineseInControls(hallPage)).toEqual([]);
    await shot(hallPage, 'hall-dashboard-en');
    expect(hallErrors).toEqual([]);
    await hall.close();
  });
});
