/**
 * Issue 16's defects as a station worker and an enterprise meet them: a 360 px phone, in Chinese and in English.
 * The station device works offline: the sync badge tells the truth (offline with what waits, never "synced" or an
 * error), a mistyped code is explained without suggesting a check character, a wrong field is checked when left
 * and 提交 brings the first error into view with a summary at the button, 容缺 defaults within the promised time,
 * business dates are China dates even when UTC is still on the day before, 新建代收 leaves the finished panel, and
 * sign-out on a synced device does not warn of data loss. The enterprise cannot book one slot twice.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dialog, Locator, Page } from 'playwright-core';
import { signInAndInstall, skewClock, useStage } from './support/fixtures';
import { watchErrors } from './support/browser';
import { AppShell, IntakeChecklistPage, IntakePage, LOCALES, MESSAGES, OutboxPage, UI, type Locale } from './pages/app';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const APPLICATION = path.join(FIXTURES, 'page-application.jpg');
const PHONE = { width: 360, height: 740 };
const DAY = 86_400_000;
/** A valid USCC with one character in the organisation-code part (positions 9–17) changed: M → N. */
const USCC_TYPO = '91310106NA1FL4XQ0W';
const USCC = '91310106MA1FL4XQ0W';
const ID_TYPO = '310106198503121248';
const ID = '310106198503121238';

/** Words that would steer staff to type a suggested check character. */
const SUGGESTS_CHARACTER: Record<Locale, RegExp> = { 'zh-CN': /应为|应该是/, en: /should be|expected/i };
/** What the badge says while work waits, by language ("1 项待同步", "1 waiting"). */
const WAITING: Record<Locale, RegExp> = { 'zh-CN': /[1-9]\d* 项待同步/, en: /[1-9]\d* waiting/ };
const ORG_CODE: Record<Locale, string> = { 'zh-CN': '组织机构代码', en: 'organisation code' };

/** Whether the element is on screen, top to bottom, in the viewport. */
const inView = (l: Locator): Promise<boolean> => l.evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
});
const focusedId = (page: Page): Promise<string | undefined> => page.evaluate(() => document.activeElement?.id);

describe('field-ready at 360 px, in both languages', () => {
  const stage = useStage('field-ready');
  const { shot } = stage;

  for (const locale of LOCALES) {
    const text = UI[locale];
    const says = MESSAGES[locale];

    it(`station (${locale}): honest badge offline, checked codes, errors in reach, 容缺 within the promise, China dates, quiet sign-out`, async () => {
      const { server } = stage;
      const context = await stage.device({ locale, viewport: PHONE });
      // 00:30 in China while UTC is still on the day before: every business date must be the China one.
      const now = Date.now();
      const utcMidnight = Math.floor(now / DAY) * DAY;
      await skewClock(context, utcMidnight + 16.5 * 3_600_000 - now);
      const chinaToday = new Date(utcMidnight + DAY).toISOString().slice(0, 10);
      const page = await context.newPage();
      const errors = watchErrors(page);
      const intake = new IntakePage(page, locale);
      const checklist = new IntakeChecklistPage(page, locale);
      const shell = new AppShell(page, locale);
      await signInAndInstall(page, server.url, 'station', { locale });

      // Offline is not an error, and nothing waits yet.
      await context.setOffline(true);
      await expect.poll(() => shell.syncPhase()).toBe('offline');

      await intake.matter().selectOption('licence-reissue');
      await intake.answer('reason', 'lost');
      // A typo in the organisation-code part: said when the field is left, naming that part, suggesting nothing.
      await intake.uscc().fill(USCC_TYPO);
      await intake.enterpriseName().focus();
      await expect.poll(() => intake.errorFor('uscc').textContent()).toContain(ORG_CODE[locale]);
      expect(await intake.errorFor('uscc').textContent()).not.toMatch(SUGGESTS_CHARACTER[locale]);
      // An ID number typo: "does not check out", compare with the card; no character offered.
      await intake.idNumber().fill(ID_TYPO);
      await intake.applicantName().focus();
      await expect.poll(() => intake.errorFor('id-number').textContent()).toContain(says.checkDigit);
      expect(await intake.errorFor('id-number').textContent()).not.toMatch(SUGGESTS_CHARACTER[locale]);
      // An empty field left untouched is not yet wrong.
      expect(await intake.errorFor('enterprise-name').textContent()).toBe('');

      // 提交 from the bottom: the first wrong field comes into view with the cursor in it, a summary at the button.
      await intake.submitButton().scrollIntoViewIfNeeded();
      await intake.submitButton().click();
      await expect.poll(() => focusedId(page)).toBe('uscc');
      expect(await inView(intake.uscc())).toBe(true);
      const summary = page.getByTestId('error-summary');
      expect(await summary.locator('li').count()).toBeGreaterThanOrEqual(4); // uscc, enterprise name, applicant, ID, pages
      await shot(page, `errors-${locale}`);
      // The summary's entries jump to their field.
      await summary.locator('li').nth(1).locator('a').click();
      await expect.poll(() => focusedId(page)).toBe('enterprise-name');
      expect(await inView(intake.enterpriseName())).toBe(true);

      await intake.uscc().fill(USCC);
      await intake.enterpriseName().fill('上海示例科技有限公司');
      await intake.applicantName().fill('张三');
      await intake.idNumber().fill(ID);
      await intake.attach('reissue-application', APPLICATION);
      await expect.poll(() => intake.pageCount('reissue-application')).toBe(1);
      // 容缺: the default due date lies within the promised time, which is shown beside it.
      await page.locator('[data-material="loss-statement"]').getByText(text.supplyLater, { exact: true }).click();
      const due = page.locator('#due-loss-statement');
      await expect.poll(() => due.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const hint = page.locator('[data-material="loss-statement"] [data-testid="due-hint"]');
      const promisedBy = /\d{4}-\d{2}-\d{2}/.exec((await hint.textContent()) ?? '')?.[0] ?? '';
      expect(promisedBy > chinaToday).toBe(true);
      expect(await due.inputValue() <= promisedBy).toBe(true);
      expect(await due.inputValue() > chinaToday).toBe(true);
      expect(await due.getAttribute('min')).toBe(new Date(Date.parse(chinaToday) + DAY).toISOString().slice(0, 10));
      await checklist.sign();
      await expect.poll(() => page.getByTestId('error-summary').count()).toBe(0);

      await intake.submitButton().click();
      const receiptNo = (await page.getByTestId('receipt-no').textContent())?.trim() ?? '';
      // The receipt number carries the China date, not UTC's day before.
      expect(receiptNo).toContain(`-${chinaToday.replaceAll('-', '')}-`);
      // Offline with work waiting: the badge says so, and it is not an error.
      await expect.poll(() => shell.syncStatus().textContent()).toMatch(WAITING[locale]);
      expect(await shell.syncPhase()).toBe('offline');
      await shot(page, `submitted-offline-${locale}`);

      // 新建代收 in the header starts the next intake: the finished panel goes.
      await shell.nav('navIntake').click();
      await expect.poll(() => page.getByTestId('receipt').count()).toBe(0);
      await intake.matter().waitFor();

      // Online again: synced, and the outbox says so.
      await context.setOffline(false);
      const outbox = new OutboxPage(page, locale);
      await shell.nav('navOutbox').click();
      await expect.poll(() => outbox.sync(receiptNo), { timeout: 60_000 }).toBe('synced');
      await expect.poll(() => shell.syncPhase(), { timeout: 30_000 }).toBe('idle');
      expect(await shell.syncStatus().textContent()).not.toMatch(WAITING[locale]);

      // Sign-out on a synced device: no warning about losing data (it has pulled documents, but none unsynced).
      const dialogs: string[] = [];
      const onDialog = (d: Dialog): void => {
        dialogs.push(d.message());
        void d.dismiss();
      };
      page.on('dialog', onDialog);
      await shell.signOut().click();
      await page.waitForURL('**/sign-in');
      page.off('dialog', onDialog);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`enterprise (${locale}): one booking per slot, and the seats left follow`, async () => {
      const { context, page, errors } = await stage.signedIn('enterprise', { locale, viewport: PHONE });
      await page.getByRole('link', { name: text.bookHelp, exact: true }).click();
      await page.waitForURL('**/enterprise/book');
      await page.locator('#matter').selectOption('food-business-licence');
      const chosen = page.locator('.slot:not(.full) input').nth(locale === 'en' ? 2 : 3);
      const start = (await chosen.getAttribute('value')) ?? '';
      await chosen.check();
      const seats = (): Promise<string | null> => page.locator('.slot', { has: page.locator(`input[value="${start}"]`) }).locator('.hint').textContent();
      const before = await seats();
      await page.locator('#contact').fill('王五');
      await page.locator('#phone').fill('13800138000');
      await page.getByRole('button', { name: text.book, exact: true }).click();
      await expect.poll(() => page.getByTestId('booking-outcome').getAttribute('data-outcome')).toBe('confirmed');
      await expect.poll(seats).not.toBe(before);
      // The form does not stay armed: 预约 is disabled until a slot is chosen again.
      expect(await page.getByRole('button', { name: text.book, exact: true }).isDisabled()).toBe(true);
      const after = await seats();
      await page.locator(`.slot input[value="${start}"]`).check();
      await page.getByRole('button', { name: text.book, exact: true }).click();
      await expect.poll(() => page.getByTestId('booking-outcome').getAttribute('data-outcome')).toBe('duplicate');
      expect(await seats()).toBe(after);
      await shot(page, `booking-duplicate-${locale}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
