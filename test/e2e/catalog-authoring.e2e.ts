/**
 * Issue 14's catalog "Done when": an admin grants a hall officer the catalog permission; the officer, as a new
 * user would, adds a matter with two guided questions and a 秒批 rule, sees every problem until the draft is
 * complete, previews the intake (the checklist follows the answers), survives a reload, and publishes it as the
 * next catalog version. A station device that was installed before and offline meanwhile takes in that matter
 * after its next sync; the submission records the version, and the 秒批 rule approves it on receipt.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchErrors } from './support/browser';
import { signInAndInstall, useStage } from './support/fixtures';
import { AppShell, IntakeChecklistPage, IntakePage, OutboxPage } from './pages/app';
import { AccountsPanel, CatalogPage } from './pages/catalog';

const PHOTO = path.join(import.meta.dirname, 'fixtures', 'page-application.jpg');
const MATTER = 'outdoor-ads';

describe('catalog authoring', () => {
  const stage = useStage('catalog-authoring');

  it('a hall officer with the catalog permission publishes a new matter; an offline station takes it in after its next sync', async () => {
    const { server, shot } = stage;

    // A station installed earlier, then offline while the hall works.
    const station = await stage.device();
    const stationPage = await station.newPage();
    const stationErrors = watchErrors(stationPage);
    await signInAndInstall(stationPage, server.url, 'station');
    await station.setOffline(true);
    const shell = new AppShell(stationPage);
    await expect.poll(() => shell.syncPhase()).toBe('offline');

    // The admin grants the hall officer the catalog permission in the accounts panel.
    const admin = await stage.signedIn('admin');
    const accounts = new AccountsPanel(admin.page);
    await accounts.tab('账号').click();
    await accounts.catalogPermission('hall').click();
    await expect.poll(() => accounts.catalogPermission('hall').getAttribute('aria-pressed')).toBe('true');
    await shot(admin.page, 'permission-granted');

    // The hall officer finds the Catalog screen in the menu.
    const hall = await stage.signedIn('hall');
    const catalog = new CatalogPage(hall.page);
    await catalog.navLink().click();
    await hall.page.waitForURL('**/catalog');
    await expect.poll(() => catalog.version()).toBe(1);
    await catalog.newMatter().click();
    // An empty draft cannot be published, and says why.
    expect(await catalog.draftState()).toBe('invalid');
    expect((await catalog.problems()).length).toBeGreaterThan(0);
    expect(await catalog.publishButton().isDisabled()).toBe(true);

    await catalog.field('m-id').fill(MATTER);
    await catalog.field('m-name').fill('户外广告设施设置审批');
    // The draft is kept across a reload of the page.
    await expect.poll(() => hall.page.evaluate(() => sessionStorage.getItem('lxe:catalog-draft') ?? '')).toContain('户外广告设施设置审批');
    await hall.page.reload();
    await expect.poll(() => catalog.field('m-name').inputValue()).toBe('户外广告设施设置审批');

    await catalog.field('m-name-en').fill('Approval of outdoor advertising facilities');
    await catalog.field('m-initials').fill('hwggsssszsp');
    await catalog.field('m-keywords').fill('广告牌, 招牌');
    await catalog.field('m-legal').fill('20');
    await catalog.field('m-promised').fill('5');
    await catalog.field('g-applicants').fill('在本区设置户外广告设施的企业');
    await catalog.field('g-legalBasis').fill('《城市市容和环境卫生管理条例》');
    await catalog.fillMaterial(0, { id: 'application', name: '户外广告设置申请表', nameEn: 'Application form', core: true, pages: 1 });
    await catalog.addQuestion(0, { id: 'lit', text: '是否为发光广告？', textEn: 'Is the sign illuminated?' });
    await catalog.addQuestion(1, { id: 'large', text: '面积是否超过 10 平方米？', textEn: 'Is it larger than 10 m²?' });
    await catalog.addMaterial(1, { id: 'electrical-report', name: '电气安全检测报告', nameEn: 'Electrical safety report', core: false });
    await catalog.neededWhen(1, 'lit', 'yes');
    await catalog.addMaterial(2, { id: 'structure-report', name: '结构安全证明', nameEn: 'Structural safety certificate', core: true });
    await catalog.neededWhen(2, 'large', 'yes');
    // 秒批: every core material present, valid codes, and only small signs.
    await catalog.field('r-core').check();
    await catalog.field('r-codes').check();
    await catalog.addAnswerRule(0, 'large', ['no']);
    await expect.poll(() => catalog.problems()).toEqual([]);
    expect(await catalog.draftState()).toBe('valid');

    // The preview: the checklist follows the answers, as at a station.
    expect(await catalog.previewChecklist()).toEqual(['application']);
    await catalog.previewAnswer('lit', 'yes');
    await expect.poll(() => catalog.previewChecklist()).toEqual(['application', 'electrical-report']);
    await catalog.previewAnswer('large', 'yes');
    await expect.poll(() => catalog.previewChecklist()).toEqual(['application', 'electrical-report', 'structure-report']);
    await catalog.previewAnswer('lit', 'no');
    await catalog.previewAnswer('large', 'no');
    await expect.poll(() => catalog.previewChecklist()).toEqual(['application']);
    await shot(hall.page, 'matter-preview');

    await catalog.publishButton().click();
    await catalog.done().waitFor();
    await expect.poll(() => catalog.version()).toBe(2);
    await catalog.listed(MATTER).waitFor();
    await shot(hall.page, 'published');

    // The station syncs again and takes in the new matter.
    await station.setOffline(false);
    const intake = new IntakePage(stationPage);
    const checklist = new IntakeChecklistPage(stationPage);
    await intake.waitForCatalog(MATTER);
    await intake.matter().selectOption(MATTER);
    await intake.answer('lit', 'no');
    await intake.answer('large', 'no');
    await expect.poll(() => checklist.materialIds()).toEqual(['application']);
    await intake.uscc().fill('91310106MA1FL4XQ0W');
    await intake.enterpriseName().fill('上海示例科技有限公司');
    await intake.applicantName().fill('张三');
    await intake.idNumber().fill('310106198503121238');
    await checklist.attachFiles('application', PHOTO);
    await expect.poll(() => intake.pageCount('application')).toBe(1);
    await intake.submitButton().click();
    const receiptNo = (await stationPage.getByTestId('receipt-no').textContent())?.trim() ?? '';
    expect(receiptNo).toMatch(/^JING-/);
    await shot(stationPage, 'station-receipt');

    // Taken under version 2; the 秒批 rule approves it once the hall has it.
    const outbox = new OutboxPage(stationPage);
    await shell.nav('navOutbox').click();
    await expect.poll(() => outbox.state(receiptNo), { timeout: 60_000 }).toBe('approved');
    const all = (await (await stationPage.request.get(`${server.url}/sync/station-jingan-hkri/_all_docs?include_docs=true`)).json()) as { rows: { doc: { type?: string; receiptNo?: string; matterVersion?: number } }[] };
    expect(all.rows.map((r) => r.doc).find((d) => d.type === 'submission' && d.receiptNo === receiptNo)?.matterVersion).toBe(2);

    expect(stationErrors).toEqual([]);
    expect(hall.errors).toEqual([]);
    expect(admin.errors).toEqual([]);
  });
});
