/** Debian's Chromium driven by playwright-core (no downloaded browsers here), plus screenshot helpers. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test/artifacts');

// Without the background-networking flags Chromium keeps dialling Google hosts this machine cannot reach.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Chromium; `extraArgs` for a suite that needs more (e.g. a fake camera). */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * Chromium with a profile on disk: what Chromium needs to judge installability, and what survives a hard kill
 * (IndexedDB, the service worker, cookies).
 */
export function launchPersistent(profileDir: string, options: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ...options });
}

/** Screenshots go to test/artifacts/<suite>/<nn>-<step>.png (gitignored). */
export function screenshotter(suite: string): (page: Page, step: string) => Promise<void> {
  const dir = path.join(ARTIFACTS, suite);
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (page, step) => {
    n++;
    await page.screenshot({ path: path.join(dir, `${String(n).padStart(2, '0')}-${step}.png`), fullPage: true });
  };
}

/** Collects page errors so a test can assert the app never crashed. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => {
    errors.push(e.message);
    // Where it came from, for the log (the assertion compares messages).
    console.log(`page error: ${e.stack ?? e.message}`);
  });
  return errors;
}
