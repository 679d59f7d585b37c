/**
 * Accessibility: axe-core (WCAG 2 A/AA rules) on every main screen at phone, tablet and desktop widths, and on
 * the sign-in, intake and hall-queue screens in English too; no serious or critical violation is allowed.
 * Screenshots of each screen at each width are kept.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, useStage } from './support/fixtures';
import { audit } from './support/axe';
import { countRequests, settled } from './support/settle';
import { IntakePage, type Locale } from './pages/app';

const WIDTHS = [360, 768, 1280] as const;

describe('accessibility of the main screens', () => {
  const stage = useStage('a11y');
  const { shot } = stage;

  /** A device in `locale`, signed in as `who` (or not), counting its requests so a screen can be seen settled. */
  async function device(who: 'station' | 'hall' | 'enterprise' | null, locale: Locale, browserLocale: string) {
    const context = await stage.device({ locale, browserLocale });
    await countRequests(context);
    const page = await context.newPage();
    if (who) await signIn(page, stage.server.url, who, locale);
    return { context, page };
  }

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
    const { server } = stage;
    const problems: string[] = [];
    for (const who of [null, 'station', 'hall', 'enterprise'] as const) {
      const { context, page } = await device(who, 'zh-CN', 'zh-CN');
      for (const screen of screens.filter((s) => s.who === who)) {
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`${server.url}${screen.path}`);
          await page.locator('main h1').first().waitFor();
          await screen.prepare?.(page);
          await settled(page);
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
    const { server } = stage;
    const problems: string[] = [];
    for (const who of [null, 'station', 'hall'] as const) {
      // The language chosen on this device, as the switch in the header leaves it.
      const { context, page } = await device(who, 'en', 'en-US');
      for (const screen of screens.filter((s) => s.who === who && ['sign-in', 'intake', 'hall-queue'].includes(s.name))) {
        for (const width of [360, 1280] as const) {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`${server.url}${screen.path}`);
          await page.locator('main h1').first().waitFor();
          await screen.prepare?.(page);
          await settled(page);
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
