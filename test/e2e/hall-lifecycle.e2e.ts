/**
 * Issue 5's browser test: the hall requests a correction, the station supplies it offline and syncs, the
 * hall accepts, dispatches to two departments, both approve, the hall issues and delivers — and the station
 * device shows every step, learned by replication.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotter, watchErrors } from './support/browser';
import { startServer, type RunningServer } from './support/server';
import { DeviceSubmissionPage, HallRecordPage, IntakePage, SignInPage } from './pages/app';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const APPLICATION = path.join(FIXTURES, 'page-application.jpg');
const STATEMENT = path.join(FIXTURES, 'page-statement.png');

describe('hall lifecycle with a station device following along', () => {
  let server: RunningServer;
  let browser: Browser;
  let stationCtx: BrowserContext;
  let hallCtx: BrowserContext;
  let station: Page;
  let hall: Page;
  let errors: string[];
  const shot = screenshotter('hall-lifecycle');

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    stationCtx = await browser.newContext({ viewport: { width: 900, height: 900 }, locale: 'zh-CN' });
    hallCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    station = await stationCtx.newPage();
    hall = await hallCtx.newPage();
    errors = [...watchErrors(station), ...watchErrors(hall)];
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    server?.cleanup();
  });

  it('correction offline, parallel approval, issue and delivery', async () => {
    // Station takes in a licence reissue online.
    await new SignInPage(station).signIn(server.url, 'station');
    await station.waitForURL('**/intake');
    const intake = new IntakePage(station);
    await intake.waitForCatalog('licence-reissue');
    await intake.matter().selectOption('licence-reissue');
    await intake.answer('reason', 'lost');
    await intake.uscc().fill('91310106MA1FL4XQ0W');
    await intake.enterpriseName().fill('上海示例科技有限公司');
    await intake.applicantName().fill('李四');
    await intake.idNumber().fill('310106198503121238');
    await intake.attach('reissue-application', APPLICATION);
    await intake.attach('loss-statement', STATEMENT);
    await expect.poll(() => intake.pageCount('loss-statement')).toBe(1);
    await intake.submitButton().click();
    const receiptNo = (await station.getByTestId('receipt-no').textContent())?.trim() ?? '';
    const ulid = (await station.getByRole('link', { name: '打印回执', exact: true }).getAttribute('href'))?.split('/').pop() ?? '';
    expect(ulid).toMatch(/^[0-9A-Z]{26}$/);
    const device = new DeviceSubmissionPage(station);
    await device.open(server.url, ulid);
    await expect.poll(() => device.state().textContent(), { timeout: 30_000 }).toContain('大厅已收到');

    // Hall asks for a correction of the loss statement.
    await new SignInPage(hall).signIn(server.url, 'hall');
    await hall.waitForURL('**/hall');
    await hall.locator(`[data-testid="queue-item"][data-receipt="${receiptNo}"]`).waitFor({ timeout: 30_000 });
    await shot(hall, 'queue-new');
    const record = new HallRecordPage(hall);
    await record.open(server.url, ulid);
    await record.requestCorrection(['loss-statement'], '遗失声明未盖公章，请补交盖章件');
    await expect.poll(() => record.state().textContent()).toContain('补正中');
    await shot(hall, 'correction-requested');

    // The device learns of it, then supplies the page offline; the supplement survives a reload.
    await expect.poll(() => device.state().textContent(), { timeout: 30_000 }).toContain('需补正');
    await expect.poll(() => station.getByTestId('correction').textContent()).toContain('未盖公章');
    await stationCtx.setOffline(true);
    await device.supplementPage('loss-statement', APPLICATION);
    await expect.poll(() => station.locator('[data-material="loss-statement"] .hint').textContent()).toContain('已拍 1');
    await device.sendSupplement();
    await expect.poll(() => station.getByTestId('supplement-message').textContent()).toContain('补交材料已保存');
    await station.reload();
    await expect.poll(() => device.timelineActions()).toContain('supplement');
    await shot(station, 'supplement-offline');
    await stationCtx.setOffline(false);

    // Back online: the hall sees the supplement, accepts, dispatches to two departments; both approve.
    await expect.poll(async () => {
      await record.open(server.url, ulid);
      return (await record.state().textContent()) ?? '';
    }, { timeout: 30_000 }).toContain('待受理');
    expect(await hall.getByTestId('timeline').textContent()).toContain('补交材料');
    const expectDevice = async (label: string): Promise<void> => {
      await expect.poll(() => device.state().textContent(), { timeout: 30_000 }).toContain(label);
    };
    await record.accept();
    await expect.poll(() => record.state().textContent()).toContain('已受理');
    await expect.poll(() => hall.getByTestId('sla').textContent()).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/); // the due date, as a date in the reader's language
    await expectDevice('已受理');
    await record.dispatch(['market-regulation', 'fire']);
    await expect.poll(() => record.state().textContent()).toContain('并联审批中');
    await expectDevice('并联审批中');
    await record.departmentApproves('market-regulation');
    await expect.poll(() => hall.locator('[data-department="market-regulation"]').textContent()).toContain('approved');
    expect(await record.state().textContent()).toContain('并联审批中');
    await record.departmentApproves('fire');
    await expect.poll(() => record.state().textContent()).toContain('审批通过');
    await expectDevice('审批通过');
    await shot(hall, 'approved');
    await record.issue();
    await expect.poll(() => record.state().textContent()).toContain('已发证');
    await expectDevice('已发证');
    await record.deliver('post', 'SF1234567890');
    await expect.poll(() => record.state().textContent()).toContain('已送达');
    await expectDevice('已送达');
    await shot(hall, 'delivered-timeline');

    // The device's own timeline holds every step, in order.
    const actions = await device.timelineActions();
    expect(actions).toEqual(['submit', 'receive', 'requestCorrection', 'supplement', 'accept', 'dispatch', 'departmentDecision', 'departmentDecision', 'issue', 'deliver']);
    await shot(station, 'device-timeline');

    // The dashboard counts it live.
    await hall.goto(`${server.url}/hall/dashboard`);
    await expect.poll(() => hall.getByTestId('received-today').textContent()).toBe('1');
    expect(await hall.getByTestId('issued-today').textContent()).toBe('1');
    await shot(hall, 'dashboard');
    expect(errors).toEqual([]);
  });
});
