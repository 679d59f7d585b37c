/**
 * Installability as Chromium itself judges it (only in a persistent profile): manifest, icons, service worker.
 * Also checks the manifest's content a user sees when installing.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, screenshotter } from './support/browser';
import { readTable } from './support/idb';
import { DIST, startServer, type RunningServer } from './support/server';
import { IntakePage, SignInPage } from './pages/app';

describe('installable PWA', () => {
  let server: RunningServer;
  let context: BrowserContext;
  let profile: string;
  const shot = screenshotter('pwa-install');

  beforeAll(async () => {
    server = await startServer();
    profile = mkdtempSync(path.join(os.tmpdir(), 'lxe-profile-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    server?.cleanup();
    rmSync(profile, { recursive: true, force: true });
  });

  it('has no installability errors and a complete manifest', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/sign-in`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    expect(installabilityErrors.map((e) => e.errorId)).toEqual([]);

    const manifest = (await (await page.request.get(`${server.url}/manifest.webmanifest`)).json()) as {
      name: string;
      short_name: string;
      display: string;
      icons: { sizes: string; purpose?: string }[];
      shortcuts: { url: string }[];
      screenshots: { src: string; form_factor: string }[];
    };
    expect(manifest.shortcuts.map((s) => s.url)).toEqual(['/intake', '/outbox']);
    expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
    expect(manifest.screenshots.map((s) => s.form_factor).sort()).toEqual(['narrow', 'wide']);
    for (const shot of manifest.screenshots) expect((await page.request.get(`${server.url}${shot.src}`)).status()).toBe(200);
    expect(manifest.short_name).toBe('楼小二');
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of ['/icons/icon-192.png', '/icons/icon-512.png']) {
      const res = await page.request.get(`${server.url}${icon}`);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toBe('image/png');
    }
    await shot(page, 'sign-in');
  });

  it('offers a new version without interrupting an intake, and the draft survives the update', async () => {
    // A copy of the built app whose service worker we can change, as a deployment would.
    const staticDir = mkdtempSync(path.join(os.tmpdir(), 'lxe-dist-'));
    cpSync(DIST, staticDir, { recursive: true });
    const updServer = await startServer({ STATIC_DIR: staticDir });
    const ctx = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'lxe-profile-')), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await ctx.newPage();
      await new SignInPage(page).signIn(updServer.url, 'station');
      await page.waitForURL('**/intake');
      const intake = new IntakePage(page);
      await intake.waitForCatalog('licence-reissue');
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      // A later visit: the page is controlled by the installed service worker.
      await page.reload();
      await intake.waitForCatalog('licence-reissue');
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      await intake.matter().selectOption('licence-reissue');
      await intake.enterpriseName().fill('更新测试有限公司');
      await intake.applicantName().fill('赵六');
      // The draft is saved (autosave is asynchronous) before the new version arrives.
      await expect
        .poll(async () => (await readTable<{ enterpriseName: string; applicantName: string }>(page, 'drafts')).some((d) => d.enterpriseName === '更新测试有限公司' && d.applicantName === '赵六'), { timeout: 15_000 })
        .toBe(true);
      // Deploy a new version and let the app find it.
      appendFileSync(path.join(staticDir, 'sw.js'), '\n// new version\n');
      await page.evaluate(async () => {
        await (await navigator.serviceWorker.getRegistration())?.update();
      });
      await page.getByTestId('update-banner').waitFor({ timeout: 20_000 });
      // The banner waits for the user: nothing reloaded, the form is as it was.
      expect(await intake.applicantName().inputValue()).toBe('赵六');
      await shot(page, 'update-offered');
      await Promise.all([page.waitForEvent('framenavigated', { timeout: 20_000 }), page.getByRole('button', { name: '更新', exact: true }).click()]);
      await page.waitForLoadState('load');
      await intake.waitForCatalog('licence-reissue');
      await expect.poll(() => intake.enterpriseName().inputValue(), { timeout: 15_000 }).toBe('更新测试有限公司');
      expect(await intake.applicantName().inputValue()).toBe('赵六');
      expect(await page.getByTestId('update-banner').count()).toBe(0);
      await shot(page, 'after-update');
    } finally {
      await ctx.close();
      await updServer.stop();
      updServer.cleanup();
      rmSync(staticDir, { recursive: true, force: true });
    }
  });
});
