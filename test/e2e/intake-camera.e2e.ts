/**
 * Pages from the live camera, their order, and 一次采集: a station takes a licence reissue with a page from the
 * live camera (Chromium's fake camera) and one picked file, zooms in on a page, moves the picked page before
 * the camera page, retakes a page, fills in the enterprise profile and submits; the hall's record shows the
 * pages in that order and the address, legal representative and contact. The next intake for the same USCC is
 * prefilled. A browser whose camera is refused falls back to the file input with a clear message.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { audit } from './support/axe';
import { watchErrors } from './support/browser';
import { signIn, useStage } from './support/fixtures';
import { AppShell, IntakeChecklistPage, IntakePage, UI } from './pages/app';
import { readDrafts, readTable } from './support/idb';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const PHOTO = path.join(FIXTURES, 'page-application.jpg');
const PDF = path.join(FIXTURES, 'void-notice.pdf');
const USCC = '91310106MA1FL4XQ0W';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(Uint8Array.from(bytes)).digest('hex');

/** The hashes of every page whose bytes are on the device (Dexie's blobs table). */
const storedBlobs = async (page: Page): Promise<string[]> => (await readTable<{ sha256: string }>(page, 'blobs')).map((b) => b.sha256);

const pageOrder = async (page: Page, materialId: string): Promise<string[]> => (await readDrafts(page)).find((d) => d.matterId === 'licence-reissue')?.pages[materialId]?.map((p) => p.sha256) ?? [];

describe('intake: live camera, page order, enterprise profile', () => {
  // Only this suite's browser has a (fake) camera, allowed without a prompt.
  const stage = useStage('intake-camera', { browserArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  const { shot } = stage;
  const text = UI['zh-CN'];

  it('takes a page from the live camera, reorders, zooms, retakes, submits; the hall sees the order and the profile', async () => {
    const { server } = stage;
    const { page, errors } = await stage.signedIn('station');
    const intake = new IntakePage(page);
    const checklist = new IntakeChecklistPage(page);
    await intake.waitForCatalog('licence-reissue');
    await intake.matter().selectOption('licence-reissue');
    await intake.answer('reason', 'lost');
    await expect.poll(() => checklist.count()).toBe(2);

    await intake.uscc().fill(USCC);
    await intake.enterpriseName().fill('上海示例科技有限公司');
    await intake.enterpriseAddress().fill('上海市静安区南京西路1266号');
    await intake.legalRepresentative().fill('李四');
    await intake.contactName().fill('王五');
    await intake.contactPhone().fill('1381234');
    await intake.applicantName().fill('张三');
    await intake.idNumber().fill('310106198503121238');

    // 1. A page from the live camera: the preview opens in a dialog, "拍摄" adds the frame as a page.
    const material = intake.material('reissue-application');
    await material.getByRole('button', { name: '相机取景 补领营业执照申请书' }).click();
    const camera = page.getByRole('dialog', { name: '补领营业执照申请书 · 相机' });
    await camera.waitFor();
    const take = camera.getByRole('button', { name: text.cameraTake, exact: true });
    await expect.poll(() => take.isEnabled(), { timeout: 15_000 }).toBe(true);
    expect(await page.evaluate(() => (document.querySelector('dialog.camera video') as HTMLVideoElement).videoWidth)).toBeGreaterThan(0);
    await shot(page, 'camera-preview');
    expect(await audit(page), 'camera dialog').toEqual([]);
    await take.click();
    await expect.poll(() => camera.getByRole('status').textContent()).toContain(intake.says.pagesTaken(1));
    await camera.getByRole('button', { name: text.cameraDone, exact: true }).click();
    await camera.waitFor({ state: 'hidden' });
    await expect.poll(() => intake.pageCount('reissue-application'), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => pageOrder(page, 'reissue-application')).toHaveLength(1);
    const [cameraPage] = await pageOrder(page, 'reissue-application');
    // The camera's tracks are stopped once the dialog is closed.
    expect(await page.evaluate(() => document.querySelector('dialog.camera'))).toBeNull();

    // 2. A second page from a file; then the file page moves before the camera page (keyboard: Enter on the button).
    await checklist.attachFiles('reissue-application', PHOTO);
    await expect.poll(() => intake.pageCount('reissue-application')).toBe(2);
    await expect.poll(() => pageOrder(page, 'reissue-application')).toHaveLength(2);
    const [, filePage] = await pageOrder(page, 'reissue-application');
    expect(filePage).not.toBe(cameraPage);
    const earlier = material.getByRole('button', { name: '补领营业执照申请书 第 2 页前移' });
    await earlier.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => pageOrder(page, 'reissue-application')).toEqual([filePage, cameraPage]);
    // The focus followed the page to the front; "earlier" is disabled there, so it is on "later".
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('补领营业执照申请书 第 1 页后移');
    expect(await material.getByRole('button', { name: '补领营业执照申请书 第 1 页前移' }).isDisabled()).toBe(true);
    const box = await material.getByRole('button', { name: '补领营业执照申请书 第 1 页后移' }).boundingBox();
    expect(box && box.width >= 44 && box.height >= 44).toBe(true);
    await shot(page, 'pages-reordered');
    expect(await audit(page), 'page tiles').toEqual([]);

    // 3. Zoom: the page full size in a modal dialog; Esc closes it and gives the focus back.
    const zoomButton = material.getByRole('button', { name: '放大查看 补领营业执照申请书 第 2 页' });
    await zoomButton.click();
    const zoom = page.getByRole('dialog', { name: '补领营业执照申请书 · 第 2/2 页' });
    await zoom.waitFor();
    await expect.poll(() => zoom.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    await shot(page, 'page-zoom');
    expect(await audit(page), 'zoom dialog').toEqual([]);
    await page.keyboard.press('Escape');
    await zoom.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('放大查看 补领营业执照申请书 第 2 页');

    // 4. Retake the loss statement's page from the live camera (single shot: it closes after one picture); the
    // new bytes take its place and the old page's bytes leave the device.
    await checklist.attachFiles('loss-statement', PDF);
    await expect.poll(() => intake.pageCount('loss-statement')).toBe(1);
    const pdfPage = sha256(readFileSync(PDF));
    await expect.poll(() => pageOrder(page, 'loss-statement')).toEqual([pdfPage]);
    await intake.material('loss-statement').getByRole('button', { name: '重拍 遗失声明 第 1 页' }).click();
    const retakeCamera = page.getByRole('dialog', { name: '重拍 遗失声明 第 1 页 · 相机' });
    await retakeCamera.waitFor();
    const retakeShot = retakeCamera.getByRole('button', { name: text.cameraTake, exact: true });
    await expect.poll(() => retakeShot.isEnabled(), { timeout: 15_000 }).toBe(true);
    await retakeShot.click();
    await retakeCamera.waitFor({ state: 'hidden' });
    // Compressing the frame takes a while on a busy machine, as for the first camera page.
    await expect.poll(() => pageOrder(page, 'loss-statement'), { timeout: 20_000 }).not.toEqual([pdfPage]);
    const [fromCamera] = await pageOrder(page, 'loss-statement');
    expect(await intake.pageCount('loss-statement')).toBe(1);
    expect(await intake.material('loss-statement').locator('li.page .pdf').count()).toBe(0);
    await expect.poll(() => storedBlobs(page)).not.toContain(pdfPage);
    // Once more, from a file: the camera's "改用文件" opens the picker in the same click.
    await intake.material('loss-statement').getByRole('button', { name: '重拍 遗失声明 第 1 页' }).click();
    await retakeCamera.waitFor();
    const chooser = page.waitForEvent('filechooser');
    await retakeCamera.getByRole('button', { name: text.cameraFromFile, exact: true }).click();
    await (await chooser).setFiles(PHOTO);
    await expect.poll(() => pageOrder(page, 'loss-statement'), { timeout: 20_000 }).not.toEqual([fromCamera]);
    expect(await intake.pageCount('loss-statement')).toBe(1);
    await expect.poll(() => storedBlobs(page)).not.toContain(fromCamera);

    // 5. The phone is checked; then submit.
    await intake.submitButton().click();
    await expect.poll(() => intake.errorFor('contact-phone').textContent()).toBe(intake.says.contactPhone);
    await intake.contactPhone().fill('021-62881234');
    await expect.poll(() => intake.errorFor('contact-phone').textContent()).toBe('');
    const order = await pageOrder(page, 'reissue-application');
    await shot(page, 'before-submit');
    await intake.submitButton().click();
    await page.getByTestId('receipt-no').waitFor();
    await intake.printReceiptLink().click();
    await page.waitForURL(/\/receipt\/[0-9A-Z]{26}$/);
    const ulid = page.url().split('/').pop() ?? '';

    // 6. The hall: the pages in the order staff left them, and the enterprise profile.
    const { context: hallContext, page: hall } = await stage.signedIn('hall', { viewport: { width: 1280, height: 900 } });
    let record: { submission: { enterprise: Record<string, string>; items: { materialId: string; pages: { sha256: string }[] }[] } } | undefined;
    await expect
      .poll(
        async () => {
          const res = await hall.request.get(`${server.url}/api/hall/submissions/${ulid}`);
          if (res.ok()) record = (await res.json()) as typeof record;
          return res.status();
        },
        { timeout: 30_000 },
      )
      .toBe(200);
    expect(record?.submission.enterprise).toEqual({ uscc: USCC, name: '上海示例科技有限公司', address: '上海市静安区南京西路1266号', legalRepresentative: '李四', contactName: '王五', contactPhone: '021-62881234' });
    expect(record?.submission.items.find((i) => i.materialId === 'reissue-application')?.pages.map((p) => p.sha256)).toEqual(order);
    await hall.goto(`${server.url}/hall/submissions/${ulid}`);
    await hall.getByTestId('record-address').waitFor();
    expect(await hall.getByTestId('record-address').textContent()).toBe('上海市静安区南京西路1266号');
    expect(await hall.getByTestId('record-legal-rep').textContent()).toBe('李四');
    expect((await hall.getByTestId('record-contact').textContent())?.replace(/\s+/g, ' ').trim()).toBe('王五 021-62881234');
    await shot(hall, 'hall-record-profile');
    await hallContext.close();

    // 7. 一次采集: the next intake for this USCC is prefilled as soon as the USCC is valid, and stays editable.
    await new AppShell(page).nav('navIntake').click();
    await page.waitForURL('**/intake');
    await intake.waitForCatalog('licence-reissue');
    await intake.uscc().fill(USCC.slice(0, 17));
    expect(await intake.enterpriseAddress().inputValue()).toBe('');
    await intake.uscc().fill(USCC);
    await expect.poll(() => intake.enterpriseAddress().inputValue()).toBe('上海市静安区南京西路1266号');
    expect(await intake.enterpriseName().inputValue()).toBe('上海示例科技有限公司');
    expect(await intake.legalRepresentative().inputValue()).toBe('李四');
    expect(await intake.contactName().inputValue()).toBe('王五');
    expect(await intake.contactPhone().inputValue()).toBe('021-62881234');
    expect(await page.getByTestId('enterprise-prefilled').textContent()).toContain(intake.says.profilePrefilled);
    await intake.contactName().fill('赵六');
    expect(await intake.contactName().inputValue()).toBe('赵六');
    await shot(page, 'profile-prefilled');
    expect(errors).toEqual([]);
  });

  it('falls back to the file input with a clear message when the camera is refused', async () => {
    const context = await stage.device();
    await context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const p = await context.newPage();
    const pageErrors = watchErrors(p);
    const intake = new IntakePage(p);
    await signIn(p, stage.server.url, 'station');
    await intake.waitForCatalog('licence-reissue');
    await intake.matter().selectOption('licence-reissue');
    await intake.answer('reason', 'lost');
    const material = intake.material('reissue-application');
    await material.getByRole('button', { name: '相机取景 补领营业执照申请书' }).click();
    await expect.poll(() => material.locator('.camera-problem').textContent()).toBe(intake.says.cameraDenied);
    expect(await p.locator('dialog.camera').count()).toBe(0);
    expect(await p.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(intake.says.chooseFileFor('补领营业执照申请书'));
    await shot(p, 'camera-refused-fallback');
    // The file input still works.
    await new IntakeChecklistPage(p).attachFiles('reissue-application', PHOTO);
    await expect.poll(() => intake.pageCount('reissue-application')).toBe(1);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
