/**
 * Issue 5's browser test: the hall requests a correction, the station supplies it offline and syncs, the
 * hall accepts, dispatches to two departments, both approve, the hall issues and delivers — and the station
 * device shows every step, learned by replication.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStage } from './support/fixtures';
import { DeviceSubmissionPage, HallQueuePage, HallRecordPage, IntakePage } from './pages/app';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const APPLICATION = path.join(FIXTURES, 'page-application.jpg');
const STATEMENT = path.join(FIXTURES, 'page-statement.png');

describe('hall lifecycle with a station device following along', () => {
  const stage = useStage('hall-lifecycle');
  const { shot } = stage;

  it('correction offline, parallel approval, issue and delivery', async () => {
    const { server } = stage;
    // Station takes in a licence reissue online.
    const { context: stationCtx, page: station, errors: stationErrors } = await stage.signedIn('station', { viewport: { width: 900, height: 900 } });
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
    const ulid = (await intake.printReceiptLink().getAttribute('href'))?.split('/').pop() ?? '';
    expect(ulid).toMatch(/^[0-9A-Z]{26}$/);
    const device = new DeviceSubmissionPage(station);
    await device.open(server.url, ulid);
    await expect.poll(() => device.stateName(), { timeout: 30_000 }).toBe('received');

    // Hall asks for a correction of the loss statement.
    const { page: hall, errors: hallErrors } = await stage.signedIn('hall', { viewport: { width: 1280, height: 900 } });
    await new HallQueuePage(hall).item(receiptNo).waitFor({ timeout: 30_000 });
    await shot(hall, 'queue-new');
    const record = new HallRecordPage(hall);
    await record.open(server.url, ulid);
    await record.requestCorrection(['loss-statement'], '遗失声明未盖公章，请补交盖章件');
    await expect.poll(() => record.stateName()).toBe('correctionRequested');
    await shot(hall, 'correction-requested');

    // The device learns of it, then supplies the page offline; the supplement survives a reload.
    await expect.poll(() => device.stateName(), { timeout: 30_000 }).toBe('correctionRequested');
    await expect.poll(() => station.getByTestId('correction').textContent()).toContain('未盖公章'); // the hall's own words reach the station
    await stationCtx.setOffline(true);
    await device.supplementPage('loss-statement', APPLICATION);
    await expect.poll(() => station.locator('[data-material="loss-statement"] .hint').getAttribute('data-pages')).toBe('1');
    await device.sendSupplement();
    await expect.poll(() => station.getByTestId('supplement-message').getAttribute('data-message')).toBe('submission.saved');
    await station.reload();
    await expect.poll(() => device.timelineActions()).toContain('supplement');
    await shot(station, 'supplement-offline');
    await stationCtx.setOffline(false);

    // Back online: the hall sees the supplement, accepts, dispatches to two departments; both approve.
    await expect.poll(async () => {
      await record.open(server.url, ulid);
      return record.stateName();
    }, { timeout: 30_000 }).toBe('received');
    expect(await hall.locator('[data-testid="timeline"] li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-action')))).toContain('supplement');
    const expectDevice = async (state: string): Promise<void> => {
      await expect.poll(() => device.stateName(), { timeout: 30_000 }).toBe(state);
    };
    await record.accept();
    await expect.poll(() => record.stateName()).toBe('accepted');
    await expect.poll(() => hall.getByTestId('sla').textContent()).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/); // the due date, as a date in the reader's language
    await expectDevice('accepted');
    await record.dispatch(['market-regulation', 'fire']);
    await expect.poll(() => record.stateName()).toBe('dispatched');
    await expectDevice('dispatched');
    await record.departmentApproves('market-regulation');
    await expect.poll(() => hall.locator('[data-department="market-regulation"]').textContent()).toContain('approved');
    expect(await record.stateName()).toBe('dispatched');
    await record.departmentApproves('fire');
    await expect.poll(() => record.stateName()).toBe('approved');
    await expectDevice('approved');
    await shot(hall, 'approved');
    await record.issue();
    await expect.poll(() => record.stateName()).toBe('issued');
    await expectDevice('issued');
    await record.deliver('post', 'SF1234567890');
    await expect.poll(() => record.stateName()).toBe('delivered');
    await expectDevice('delivered');
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
    expect([...stationErrors, ...hallErrors]).toEqual([]);
  });
});
