/**
 * Issue 17's browser test: an operator, as a new user would, sets up a new station and its two staff accounts
 * in the admin console; one of the staff signs in on a station device, which syncs; the device then appears in
 * the console's fleet list for that station; retired there, the device signs out and wipes itself when it next
 * reaches the server. The console passes the axe audit.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotter, watchErrors } from './support/browser';
import { startServer, type RunningServer } from './support/server';
import { SignInPage } from './pages/app';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Serious and critical WCAG 2 A/AA violations on the page (as in a11y.e2e.ts). */
async function audit(page: Page): Promise<string[]> {
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations;
  })) as { id: string; impact: string | null; nodes: { target: string[] }[] }[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('admin console: a new station, its staff, and its device in the fleet', () => {
  let server: RunningServer;
  let browser: Browser;
  let adminCtx: BrowserContext;
  let admin: Page;
  let errors: string[];
  const shot = screenshotter('admin-console');
  const suffix = Date.now().toString(36).slice(-5);
  const stationId = `e2e-station-${suffix}`;
  const staff = [`lin.${suffix}`, `zhou.${suffix}`];
  const password = 'long-enough-1';

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    admin = await adminCtx.newPage();
    errors = watchErrors(admin);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    server?.cleanup();
  });

  it('creates a station with its hours and capacity', async () => {
    await new SignInPage(admin).signIn(server.url, 'admin');
    await admin.waitForURL('**/admin');
    await admin.getByRole('heading', { name: '管理控制台' }).waitFor();
    await admin.getByLabel('站点编号').fill(stationId);
    await admin.getByLabel('站点名称').fill('陆家嘴金融城 楼小二');
    await admin.getByLabel('英文名称').fill('Lujiazui Finance City Station');
    await admin.getByLabel('所属区域').fill('上海市浦东新区');
    await admin.getByLabel('服务楼宇').fill('一号楼\n二号楼');
    await admin.getByLabel('窗口容量（每时段）').fill('3');
    await admin.getByRole('button', { name: '创建站点' }).click();
    await expect.poll(() => admin.getByTestId('station-done').textContent()).toContain('已创建站点');
    const row = admin.locator(`[data-station="${stationId}"]`);
    await expect.poll(() => row.textContent()).toContain('陆家嘴金融城');
    expect(await row.textContent()).toContain('一号楼、二号楼');
    expect(await row.textContent()).toContain('3 / 1');
    expect(await audit(admin)).toEqual([]);
    await shot(admin, 'station-created');
  });

  it('creates two staff accounts for it', async () => {
    await admin.getByRole('tab', { name: '账号' }).click();
    for (const username of staff) {
      await admin.getByLabel('用户名').fill(username);
      await admin.getByLabel('姓名').fill(`员工 ${username}`);
      await admin.getByLabel('角色').selectOption('station');
      await admin.getByLabel('服务站', { exact: true }).selectOption(stationId);
      await admin.getByLabel('初始密码').fill(password);
      await admin.getByRole('button', { name: '创建账号' }).click();
      await expect.poll(() => admin.getByTestId('account-done').textContent()).toContain(`已创建账号 ${username}`);
      await expect.poll(() => admin.locator(`[data-account="${username}"]`).textContent()).toContain('陆家嘴金融城');
    }
    expect(await audit(admin)).toEqual([]);
    await shot(admin, 'accounts-created');
  });

  it('shows the device of a staff member who signed in and synced, under the new station', async () => {
    await admin.getByRole('tab', { name: '设备' }).click();
    expect(await admin.locator(`[data-fleet-station="${stationId}"]`).count()).toBe(0);

    const deviceCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const device = await deviceCtx.newPage();
    const deviceErrors = watchErrors(device);
    await new SignInPage(device).signIn(server.url, staff[0]!, password);
    await device.waitForURL('**/intake');
    await expect.poll(() => device.getByTestId('sync-status').getAttribute('class'), { timeout: 30_000 }).toContain('idle');

    const group = admin.locator(`[data-fleet-station="${stationId}"]`);
    await expect
      .poll(
        async () => {
          await admin.getByRole('button', { name: '刷新' }).click();
          return group.locator('[data-device]').count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await group.getByRole('heading').textContent()).toContain('陆家嘴金融城');
    const row = group.locator('[data-device]');
    expect(await row.textContent()).toContain(staff[0]);
    expect(await row.getByTestId('attention').textContent()).toContain('正常');
    expect(await audit(admin)).toEqual([]);
    await shot(admin, 'fleet');
    expect(deviceErrors).toEqual([]);

    // The device is lost: retired in the console, its session ends; when it next reaches the server it learns
    // so, and (nothing unsynced) signs out and wipes itself.
    admin.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: '停用' }).click();
    await expect.poll(() => row.getByTestId('attention').textContent()).toContain('已停用');
    await deviceCtx.setOffline(true);
    await deviceCtx.setOffline(false);
    await device.waitForURL('**/sign-in', { timeout: 30_000 });
    expect(await device.evaluate(() => localStorage.getItem('lxe:session'))).toBeNull();
    expect(errors).toEqual([]);
    await deviceCtx.close();
  });
});
