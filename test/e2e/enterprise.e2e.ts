/**
 * Issue 6's browser test: an enterprise books online and offline (the offline booking is queued and replayed
 * when the network returns), the public tracking page is reached from a receipt's QR code, and after delivery
 * the enterprise rates the service, which the hall's dashboard flags when it is bad.
 */
import path from 'node:path';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { useStage } from './support/fixtures';
import { AppShell, IntakePage, MESSAGES, UI } from './pages/app';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

describe('enterprise: book, track, rate', () => {
  const stage = useStage('enterprise');
  const { shot } = stage;
  const text = UI['zh-CN'];
  // The enterprise's phone, signed in once for both tests.
  let entCtx: BrowserContext;
  let ent: Page;
  let errors: string[];

  it('books a slot online, and offline with a replay when the network returns', async () => {
    const { server } = stage;
    ({ context: entCtx, page: ent, errors } = await stage.signedIn('enterprise', { viewport: { width: 390, height: 844 } }));
    await ent.getByRole('link', { name: text.bookHelp, exact: true }).click();
    await ent.waitForURL('**/enterprise/book');
    await ent.locator('#matter').selectOption('food-business-licence');
    await expect.poll(() => ent.getByTestId('bring-list').textContent()).toContain('营业执照');
    const chosen = ent.locator('.slot:not(.full) input').first();
    const start = (await chosen.getAttribute('value')) ?? '';
    await chosen.check();
    const seats = (): Promise<string | null> => ent.locator('.slot', { has: ent.locator(`input[value="${start}"]`) }).locator('.hint').textContent();
    const seatsBefore = await seats();
    await ent.locator('#contact').fill('王五');
    await ent.locator('#phone').fill('13800138000');
    await ent.locator('#note').fill('带两名员工，需办理现制现售');
    await ent.getByRole('button', { name: text.book, exact: true }).click();
    await expect.poll(() => ent.getByTestId('booking-outcome').getAttribute('data-outcome')).toBe('confirmed');
    // Booked: the seats left follow and the slot is cleared, so pressing 预约 again cannot take a second seat…
    await expect.poll(seats).not.toBe(seatsBefore);
    await expect.poll(() => ent.getByRole('button', { name: '预约', exact: true }).isDisabled()).toBe(true);
    await shot(ent, 'booked-online');
    // …and choosing the same slot for the same matter again is answered with the booking already held.
    const seatsAfter = await seats();
    await ent.locator(`.slot input[value="${start}"]`).check();
    await ent.getByRole('button', { name: '预约', exact: true }).click();
    await expect.poll(() => ent.getByTestId('booking-outcome').getAttribute('data-outcome')).toBe('duplicate');
    expect(await seats()).toBe(seatsAfter);
    expect(await ent.getByTestId('book-again').isVisible()).toBe(true);

    // Offline: the booking is queued, survives a reload, and is sent when the network returns.
    await entCtx.setOffline(true);
    await ent.locator('.slot:not(.full) input').nth(1).check();
    await ent.getByRole('button', { name: text.book, exact: true }).click();
    await expect.poll(() => ent.getByTestId('booking-outcome').getAttribute('data-outcome')).toBe('queued');
    await ent.goto(`${server.url}/enterprise`).catch(() => undefined);
    await ent.waitForURL('**/enterprise');
    await expect.poll(() => ent.getByTestId('queued-booking').count()).toBe(1);
    await shot(ent, 'queued-offline');
    await entCtx.setOffline(false);
    await expect.poll(() => ent.getByTestId('replayed').getAttribute('data-outcome'), { timeout: 20_000 }).toBe('confirmed');
    await expect.poll(() => ent.locator('[data-testid="booking"][data-status="confirmed"]').count()).toBe(2);
    expect(await ent.getByTestId('queued-booking').count()).toBe(0);
    await shot(ent, 'replayed-online');
  });

  it('tracks progress from the receipt QR code and rates after delivery', async () => {
    const { server } = stage;
    // A station takes in a submission for the demo enterprise and opens its receipt.
    const { context: stationCtx, page: station } = await stage.signedIn('station', { viewport: { width: 1280, height: 720 } });
    const intake = new IntakePage(station);
    await intake.waitForCatalog('licence-reissue');

    // The station device has the enterprise's bookings by replication; staff mark one arrived and start
    // an intake prefilled from it (一次采集).
    await new AppShell(station).nav('navBookings').click();
    await expect.poll(() => station.getByTestId('station-booking').count(), { timeout: 20_000 }).toBe(2);
    const first = station.getByTestId('station-booking').first();
    // Each booking says its matter, in the screen's language, and the enterprise's note.
    await expect.poll(() => first.getByTestId('booking-matter').textContent()).toBe('食品经营许可');
    expect(await first.getByTestId('booking-note').textContent()).toBe('企业留言：带两名员工，需办理现制现售');
    await first.getByRole('button', { name: text.arrived, exact: true }).click();
    await expect.poll(() => first.getByTestId('booking-status').getAttribute('data-status')).toBe('arrived');
    await shot(station, 'station-bookings');
    await first.getByRole('button', { name: text.startIntake, exact: true }).click();
    await station.waitForURL('**/intake?draft=*');
    await expect.poll(() => intake.uscc().inputValue()).toBe('91310106MA1FL4XQ0W');
    expect(await intake.enterpriseName().inputValue()).toBe('上海示例科技有限公司');
    expect(await intake.matter().inputValue()).toBe('food-business-licence');
    await intake.matter().selectOption('licence-reissue');
    await intake.answer('reason', 'lost');
    await intake.uscc().fill('91310106MA1FL4XQ0W');
    await intake.enterpriseName().fill('上海示例科技有限公司');
    await intake.applicantName().fill('张三');
    await intake.idNumber().fill('310106198503121238');
    await intake.attach('reissue-application', path.join(FIXTURES, 'page-application.jpg'));
    await intake.attach('loss-statement', path.join(FIXTURES, 'page-statement.png'));
    await expect.poll(() => intake.pageCount('loss-statement')).toBe(1);
    await intake.submitButton().click();
    await intake.printReceiptLink().click();
    await station.getByTestId('receipt-qr').locator('svg').waitFor();
    const trackUrl = (await station.getByTestId('track-link').getAttribute('href')) ?? '';
    expect(trackUrl).toMatch(/\/track\?receiptNo=.+&pickupCode=\d{6}$/);
    // The QR code is exactly that URL: the same library and options in Node draw the same symbol.
    // (Compare the modules' path data: the DOM re-serialises the markup around it.)
    const paths = (svg: string): string[] => [...svg.matchAll(/ d="([^"]+)"/g)].map((m) => m[1] ?? '');
    const drawn = paths(await station.getByTestId('receipt-qr').innerHTML());
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn).toEqual(paths(await QRCode.toString(trackUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 })));
    const ulid = station.url().split('/').pop() ?? '';
    await shot(station, 'receipt');

    // Anyone holding the receipt: a fresh browser, no sign-in.
    const anon = await stage.device({ viewport: { width: 390, height: 844 } });
    const phone = await anon.newPage();
    await expect.poll(async () => {
      await phone.goto(trackUrl);
      return phone.getByTestId('track-state').getAttribute('data-state', { timeout: 5_000 }).catch(() => '');
    }, { timeout: 40_000 }).toBe('received');
    await shot(phone, 'track-from-qr');
    // A wrong pickup code learns nothing.
    await phone.goto(trackUrl.replace(/pickupCode=\d{6}/, 'pickupCode=000000'));
    await expect.poll(() => phone.getByRole('alert').first().textContent()).toContain(MESSAGES['zh-CN'].trackNotFound);

    // The hall takes it to delivery through its API.
    const { context: hall, page: hallPage } = await stage.signedIn('hall', { viewport: { width: 1280, height: 720 } });
    for (const body of [{ action: 'accept' }, { action: 'approve' }, { action: 'issue', certificateNo: 'ZS-E2E-0001' }, { action: 'deliver', method: 'post', reference: 'SF1234567890' }]) {
      const r = await hallPage.request.post(`${server.url}/api/hall/submissions/${ulid}/events`, { data: body });
      expect(r.status()).toBe(201);
    }

    // The enterprise sees it delivered, rates it "bad"; it cannot rate twice; the hall's dashboard flags it.
    await ent.goto(`${server.url}/enterprise`);
    const item = ent.locator('[data-testid="enterprise-submission"]').first();
    await expect.poll(() => item.getAttribute('data-state'), { timeout: 20_000 }).toBe('delivered');
    // The certificate's and the courier's numbers; no rating chosen for the enterprise, so it cannot be sent yet.
    expect(await item.getByTestId('certificate-no').textContent()).toBe('ZS-E2E-0001');
    expect(await item.getByTestId('courier-no').textContent()).toBe('SF1234567890');
    expect(await item.locator('input[type=radio]:checked').count()).toBe(0);
    expect(await item.getByRole('button', { name: text.submitRating, exact: true }).isDisabled()).toBe(true);
    await item.locator('input[type=radio][value="bad"]').check();
    expect(await item.getByRole('button', { name: text.submitRating, exact: true }).isEnabled()).toBe(true);
    await item.locator('input[id^="comment-"]').fill('等待时间太长');
    await item.getByRole('button', { name: text.submitRating, exact: true }).click();
    await expect.poll(() => item.getAttribute('data-state')).toBe('rated');
    const again = await ent.request.post(`${server.url}/api/enterprise/submissions/${ulid}/rating`, { data: { rating: 'good' } });
    expect(again.status()).toBe(409);
    await shot(ent, 'rated');
    await hallPage.goto(`${server.url}/hall/dashboard`);
    await expect.poll(() => hallPage.getByTestId('bad-ratings').textContent()).toContain('上海示例科技有限公司');
    await shot(hallPage, 'dashboard-bad-rating');
    await phone.goto(trackUrl);
    await expect.poll(() => phone.getByTestId('track-state').getAttribute('data-state')).toBe('rated');
    expect(await phone.getByTestId('certificate-no').textContent()).toBe('ZS-E2E-0001');
    expect(await phone.getByTestId('courier-no').textContent()).toBe('SF1234567890');
    await shot(phone, 'track-result-numbers');
    await Promise.all([stationCtx.close(), anon.close(), hall.close()]);
    expect(errors).toEqual([]);
  });
});
