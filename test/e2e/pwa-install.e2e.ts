/**
 * Installability as Chromium itself judges it (only in a persistent profile): manifest, icons, service worker.
 * Also checks the manifest's content a user sees when installing.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launchPersistent } from './support/browser';
import { signInAndInstall, useStage } from './support/fixtures';
import { readTable } from './support/idb';
import { DIST, startServer } from './support/server';
import { AppShell, IntakePage } from './pages/app';

describe('installable PWA', () => {
  // Chromium judges installability only in a persistent profile: no shared browser here.
  const stage = useStage('pwa-install', { noBrowser: true });
  const { shot } = stage;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    profile = mkdtempSync(path.join(os.tmpdir(), 'lxe-profile-'));
    context = await launchPersistent(profile);
  });

  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('has no installability errors and a complete manifest', async () => {
    const { server } = stage;
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
    const updProfile = mkdtempSync(path.join(os.tmpdir(), 'lxe-profile-'));
    const ctx = await launchPersistent(updProfile);
    try {
      const page = await ctx.newPage();
      const intake = new IntakePage(page);
      // Signed in, then a later visit: the page is controlled by the installed service worker.
      await signInAndInstall(page, updServer.url, 'station');
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
      await Promise.all([page.waitForEvent('framenavigated', { timeout: 20_000 }), new AppShell(page).updateButton().click()]);
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
      rmSync(updProfile, { recursive: true, force: true });
    }
  });
});
