/**
 * Accessibility: axe-core (WCAG 2 A/AA rules) on every main screen at phone, tablet and desktop widths, and on
 * the sign-in, intake and hall-queue screens in English too; no serious or critical violation is allowed.
 * Screenshots of each screen at each width are kept.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotter } from './support/browser';
import { startServer, type RunningServer } from './support/server';
import { IntakePage, SignInPage } from './pages/app';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WIDTHS = [360, 768, 1280] as const;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

async function audit(page: Page): Promise<string[]> {
  // Evaluated through DevTools, not added as a <script>: the app's Content-Security-Policy (rightly) refuses inline
  // scripts, and the audit must not need the policy relaxed.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations;
  })) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility of the main screens', () => {
  let server: RunningServer;
  let browser: Browser;
  const shot = screenshotter('a11y');

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    server?.cleanup();
  });

  const screens: { who: 'station' | 'hall' | 'enterprise' | null; path: string; name: string; prepare?: (page: Page) => Promise<void> }[] = [
    { who: null, path: '/sign-in', name: 'sign-in' },
    { who: null, path: '/track', name: 'track' },
    {
      who: 'station',
      path: '/intake',
      name: 'intake',
      prepare: async (page) => {
        const intake = new IntakePage(page);
        await intake.waitForCatalog('food-business-licence');
        await intake.matter().selectOption('food-business-licence');
        await page.locator('[data-testid="questions"]').waitFor();
      },
    },
    { who: 'station', path: '/outbox', name: 'outbox' },
    { who: 'station', path: '/bookings', name: 'station-bookings' },
    { who: 'hall', path: '/hall', name: 'hall-queue' },
    { who: 'hall', path: '/hall/dashboard', name: 'hall-dashboard' },
    { who: 'enterprise', path: '/enterprise', name: 'enterprise' },
    { who: 'enterprise', path: '/enterprise/book', name: 'enterprise-book' },
  ];

  it('has no serious or critical axe violations at 360, 768 and 1280 px', async () => {
    const problems: string[] = [];
    for (const who of [null, 'station', 'hall', 'enterprise'] as const) {
      const context = await browser.newContext({ locale: 'zh-CN' });
      const page = await context.newPage();
      if (who) {
        await new SignInPage(page).signIn(server.url, who);
        await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
      }
      for (const screen of screens.filter((s) => s.who === who)) {
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`${server.url}${screen.path}`);
          await page.locator('main h1').first().waitFor();
          await screen.prepare?.(page);
          await page.waitForTimeout(200);
          for (const p of await audit(page)) problems.push(`${screen.name} @${width}px: ${p}`);
          // Nothing may need horizontal scrolling at phone width.
          if (width === 360) {
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
            if (overflow > 1) problems.push(`${screen.name} @360px: ${overflow}px horizontal overflow`);
          }
          await shot(page, `${screen.name}-${width}`);
        }
      }
      await context.close();
    }
    expect(problems).toEqual([]);
  });

  it('has no serious or critical axe violations in English either (sign-in, intake, hall queue)', async () => {
    const problems: string[] = [];
    for (const who of [null, 'station', 'hall'] as const) {
      const context = await browser.newContext({ locale: 'en-US' });
      // The language chosen on this device, as the switch in the header leaves it.
      await context.addInitScript(() => localStorage.setItem('lxe-locale', 'en'));
      const page = await context.newPage();
      if (who) {
        await page.goto(`${server.url}/sign-in`);
        await page.getByLabel('Username', { exact: true }).fill(who);
        await page.getByLabel('Password', { exact: true }).fill('demo');
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
      }
      for (const screen of screens.filter((s) => s.who === who && ['sign-in', 'intake', 'hall-queue'].includes(s.name))) {
        for (const width of [360, 1280] as const) {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`${server.url}${screen.path}`);
          await page.locator('main h1').first().waitFor();
          await screen.prepare?.(page);
          await page.waitForTimeout(200);
          expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
          for (const p of await audit(page)) problems.push(`${screen.name} (en) @${width}px: ${p}`);
          if (width === 360) {
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
            if (overflow > 1) problems.push(`${screen.name} (en) @360px: ${overflow}px horizontal overflow`);
          }
          await shot(page, `${screen.name}-en-${width}`);
        }
      }
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});
