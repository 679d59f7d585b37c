/**
 * The browser tests' shared fixtures: a server, a browser, devices (browser contexts) in a language, and users
 * signed in on them. `useStage` starts the server and the browser before a file's tests and stops them after;
 * the rest are plain functions for tests that manage their own (the fault suite starts a server per test).
 *
 *   describe('…', () => {
 *     const stage = useStage('suite-name');
 *     it('…', async () => {
 *       const { page } = await stage.signedIn('station');
 *       …
 *     });
 *   });
 *
 * A fault-suite file takes `useBrowser()` and a server per test (`startFaultServer` in test/faults/server.ts:
 * killable with kill -9, restartable on the same port and data), then `newDevice`, `signInAndInstall` and
 * `signIn` from here, and the page models (test/e2e/pages) in the device's language.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { IntakePage, SignInPage, type Locale } from '../pages/app';
import { launchBrowser, screenshotter, watchErrors } from './browser';
import { startServer, type RunningServer, type ServerOptions } from './server';

export type Account = 'station' | 'station2' | 'hall' | 'enterprise' | 'admin';

/** Where each account lands after signing in. */
export const HOME: Record<Account, string> = { station: '/intake', station2: '/intake', hall: '/hall', enterprise: '/enterprise', admin: '/admin' };

/** The device's storage key of the language chosen with the header's switch. */
const LOCALE_KEY = 'lxe-locale';

export interface DeviceOptions {
  /** The language the app shows (as if chosen on the device before); the app's default is Chinese. */
  locale?: Locale;
  /** The browser's own language (navigator.language); the app starts in Chinese whatever it is. */
  browserLocale?: string;
  viewport?: { width: number; height: number };
}

export const DEFAULT_VIEWPORT = { width: 1024, height: 900 };

/** A device: a fresh browser context (own cookies, IndexedDB, service worker). */
export async function newDevice(browser: Browser, options: DeviceOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: options.viewport ?? DEFAULT_VIEWPORT, locale: options.browserLocale ?? options.locale ?? 'zh-CN' });
  await chooseLocale(context, options.locale);
  return context;
}

/** The language this device has chosen, as the header's switch leaves it (kept if the app changes it later). */
export async function chooseLocale(context: BrowserContext, locale: Locale | undefined): Promise<void> {
  if (!locale || locale === 'zh-CN') return;
  await context.addInitScript(
    ([key, value]) => {
      if (localStorage.getItem(key) === null) localStorage.setItem(key, value);
    },
    [LOCALE_KEY, locale] as const,
  );
}

/** Sign in through the form and wait for the account's home screen. */
export async function signIn(page: Page, base: string, account: Account, locale: Locale = 'zh-CN'): Promise<void> {
  await new SignInPage(page, locale).signIn(base, account);
  await page.waitForURL((u) => u.pathname === HOME[account]);
}

/** Wait until the service worker controls the page (reloading once, as a later visit would). */
export async function takeControl(page: Page, ready: () => Promise<void>): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await ready();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

/**
 * A station signed in online with the app installed: the catalog replicated (`matter` is in it) and the
 * service worker in control, so the device works offline from here on.
 */
export async function signInAndInstall(page: Page, base: string, account: 'station' | 'station2' = 'station', options: { matter?: string; locale?: Locale } = {}): Promise<void> {
  const intake = new IntakePage(page, options.locale);
  const matter = options.matter ?? 'licence-reissue';
  await signIn(page, base, account, options.locale);
  await intake.waitForCatalog(matter);
  await takeControl(page, () => intake.waitForCatalog(matter));
}

/** Shifts the page's clock (Date and Date.now) by `offsetMs`; the server's clock is untouched. */
export async function skewClock(context: BrowserContext, offsetMs: number): Promise<void> {
  await context.addInitScript((offset: number) => {
    const RealDate = Date;
    class SkewedDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(RealDate.now() + offset);
        else super(...(args as [string | number]));
      }
      static override now(): number {
        return RealDate.now() + offset;
      }
    }
    globalThis.Date = SkewedDate as DateConstructor;
  }, offsetMs);
}

export interface SignedIn {
  context: BrowserContext;
  page: Page;
  /** Errors thrown in the page (a test asserts it stays empty). */
  errors: string[];
}

/** A new device with one page, signed in as `account` and on its home screen. */
export async function signedIn(browser: Browser, base: string, account: Account, options: DeviceOptions = {}): Promise<SignedIn> {
  const context = await newDevice(browser, options);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await signIn(page, base, account, options.locale);
  return { context, page, errors };
}

/** A new device with one page, signed in through the API only (no screen visited yet). */
export async function signedInByApi(browser: Browser, base: string, account: Account, options: DeviceOptions = {}): Promise<SignedIn & { session: unknown }> {
  const context = await newDevice(browser, options);
  const res = await context.request.post(`${base}/api/session`, { data: { username: account, password: 'demo' } });
  expect(res.status()).toBe(200);
  const page = await context.newPage();
  return { context, page, errors: watchErrors(page), session: await res.json() };
}

export interface Stage {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** Screenshots of this suite's steps (test/artifacts/<suite>/). */
  readonly shot: (page: Page, step: string) => Promise<void>;
  device(options?: DeviceOptions): Promise<BrowserContext>;
  signedIn(account: Account, options?: DeviceOptions): Promise<SignedIn>;
  signedInByApi(account: Account, options?: DeviceOptions): Promise<SignedIn & { session: unknown }>;
}

export interface StageOptions {
  /** The server's environment (e.g. LXE_PURGE_AFTER_DAYS). */
  env?: Record<string, string>;
  server?: ServerOptions;
  /** Extra Chromium flags for this suite's browser (e.g. a fake camera). */
  browserArgs?: readonly string[];
  /** Without a shared browser (a suite that launches its own, e.g. with a persistent profile). */
  noBrowser?: boolean;
}

/** A server and a browser for the tests of the enclosing `describe` (or file): started before, stopped after. */
export function useStage(suite: string, options: StageOptions = {}): Stage {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started (use the stage inside a test)`);
    return value;
  };
  beforeAll(async () => {
    // Both at once; whichever started is stopped in afterAll even when the other failed.
    const [s, b] = await Promise.allSettled([startServer(options.env, options.server), options.noBrowser ? Promise.resolve(undefined) : launchBrowser(options.browserArgs)]);
    if (s.status === 'fulfilled') server = s.value;
    if (b.status === 'fulfilled') browser = b.value;
    if (s.status === 'rejected') throw s.reason;
    if (b.status === 'rejected') throw b.reason;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    server?.cleanup();
  });
  const stage: Stage = {
    get server() {
      return need(server, 'the server');
    },
    get browser() {
      return need(browser, 'the browser');
    },
    shot: screenshotter(suite),
    device: (o) => newDevice(stage.browser, o),
    signedIn: (account, o) => signedIn(stage.browser, stage.server.url, account, o),
    signedInByApi: (account, o) => signedInByApi(stage.browser, stage.server.url, account, o),
  };
  return stage;
}

/** A browser for the tests of the enclosing `describe` (or file), for suites that start servers themselves. */
export function useBrowser(args: readonly string[] = []): { readonly browser: Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser(args);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('the browser is not started (use it inside a test)');
      return browser;
    },
  };
}
