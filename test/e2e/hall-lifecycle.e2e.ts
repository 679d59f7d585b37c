/**
 * Issue 5's browser test: the hall requests a correction, the station supplies it offline and syncs, the
 * hall accepts, dispatches to two departments, both approve, the hall issues and delivers — and the station
 * device shows every step, learned by replication. Along the way (issue 16) the record speaks names, not ids;
 * the viewer runs across materials and draws PDF thumbnails; checkboxes answer clicks on their names; a
 * department's denial needs its own reason; the decision panel stays in reach; the clock ends with its final figures.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStage } from './support/fixtures';
import { DeviceSubmissionPage, HallQueuePage, HallRecordPage, IntakePage } from './pages/app';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const APPLICATION = path.join(FIXTURES, 'page-application.jpg');
const STATEMENT = path.join(FIXTURES, 'page-statement.png');
const PDF = path.join(FIXTURES, 'void-notice.pdf');

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
    await expect.poll(() => intake.pageCount('reissue-application')).toBe(1);
    await intake.attach('reissue-application', PDF);
    await expect.poll(() => intake.pageCount('reissue-application')).toBe(2);
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
    const queue = new HallQueuePage(hall);
    await queue.item(receiptNo).waitFor({ timeout: 30_000 });
    // Stations by name, in the table and in the filter (no internal ids to type).
    await expect.poll(() => queue.stationOf(receiptNo)).toBe('恒隆广场 楼小二');
    await queue.filterStation('南湖湾分厅');
    await expect.poll(() => queue.item(receiptNo).count()).toBe(0);
    await queue.filterStation('恒隆广场 楼小二');
    await queue.item(receiptNo).waitFor();
    await queue.filterStation(null);
    await shot(hall, 'queue-new');
    const record = new HallRecordPage(hall);
    await record.open(server.url, ulid);
    // Guided answers and the station by name, in the reader's language.
    await expect.poll(() => record.answers()).toEqual(['营业执照是遗失还是损毁？ 遗失']);
    expect(await record.station()).toContain('恒隆广场 楼小二');
    // The PDF page has a real thumbnail (pdf.js, loaded on demand under the app's CSP).
    await expect.poll(() => record.pdfThumbnailStates(), { timeout: 30_000 }).toEqual(['rendered']);
    // "Next page" runs on from the application's last page into the loss statement, and back.
    await record.openFirstPage();
    expect(await record.lightboxTitle()).toBe('补领营业执照申请书 · 1/2');
    await record.nextPage();
    expect(await record.lightboxTitle()).toBe('补领营业执照申请书 · 2/2');
    await record.nextPage();
    expect(await record.lightboxTitle()).toBe('遗失声明 · 1/1');
    expect(await record.nextPageDisabled()).toBe(true);
    await record.previousPage();
    expect(await record.lightboxTitle()).toBe('补领营业执照申请书 · 2/2');
    await record.closeViewer();
    // Wide screen: the decision panel sits beside the materials and stays on screen while they scroll.
    const side = (await record.decisionPanel().boundingBox())!;
    expect(side.x).toBeGreaterThan((await record.materials().boundingBox())!.x + 300);
    await hall.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(async () => (await record.decisionPanel().boundingBox())!.y).toBeGreaterThanOrEqual(0);
    expect((await record.decisionPanel().boundingBox())!.y).toBeLessThan(900);
    await shot(hall, 'record-wide');
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
    // 不同意 needs the department's own reason: the correction's reason field does not count.
    expect(await record.departmentDenyButton('fire').isDisabled()).toBe(true);
    await record.correctionReason().fill('这是补正理由');
    expect(await record.departmentDenyButton('fire').isDisabled()).toBe(true);
    await record.departmentDenyReason('fire').fill('消防验收未通过');
    expect(await record.departmentDenyButton('fire').isDisabled()).toBe(false);
    await record.departmentDenyReason('fire').fill('');
    await record.correctionReason().fill('');
    await record.departmentApproves('market-regulation');
    await expect.poll(() => record.departmentDecision('market-regulation')).toBe('approved');
    expect(await record.departmentText('market-regulation')).toContain('已同意'); // a word, not the id `approved`
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
    // The clock's final figures: used of promised, on time — not "0 used · 1 left".
    await expect.poll(() => record.clockStopped()).toBe(true);
    expect(await record.clockOutcome()).toBe('onTime');
    expect(await record.clockFigures()).toBe('用时 0 / 承诺 1 个工作日');
    await shot(hall, 'delivered-timeline');

    // The same record on a 360 px phone in English: names in English, the clock and decision before the pages.
    const { context: phoneCtx, page: phone, errors: phoneErrors } = await stage.signedIn('hall', { viewport: { width: 360, height: 780 }, locale: 'en' });
    const phoneRecord = new HallRecordPage(phone, 'en');
    await phoneRecord.open(server.url, ulid);
    await expect.poll(() => phoneRecord.answers()).toEqual(['Was the licence lost or damaged? Lost']);
    await expect.poll(() => phoneRecord.station()).toContain('Plaza 66 Building Helper');
    expect(await phoneRecord.clockFigures()).toBe('Took 0 of 1 promised working days');
    const phoneSide = (await phoneRecord.decisionPanel().boundingBox())!;
    expect(phoneSide.y).toBeLessThan((await phoneRecord.materials().boundingBox())!.y);
    expect(phoneSide.x + phoneSide.width).toBeLessThanOrEqual(361);
    await shot(phone, 'record-phone-en');
    expect(phoneErrors).toEqual([]);
    await phoneCtx.close();

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
