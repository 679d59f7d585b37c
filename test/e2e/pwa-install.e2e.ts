/**
 * Installability as Chromium itself judges it (only in a persistent profile): manifest, icons, service worker.
 * Also checks the manifest's content a user sees when installing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, screenshotter } from './support/browser';
import { startServer, type RunningServer } from './support/server';

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
    };
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
});
