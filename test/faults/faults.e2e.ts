/**
 * Issue 7's fault suite: real Chromium (real service worker, real IndexedDB) against the real sync-server, with
 * the things that go wrong in the field made to happen on purpose — the browser killed mid-sync, the server
 * `kill -9`ed mid-replication and mid-upload, a network that drops, delays and truncates connections, device
 * clocks days off, and a full disk. After each: every submission the device captured and every page is on the
 * server exactly once with the captured SHA-256, drafts are intact, and the hall's queue holds each submission
 * exactly once in `received` or later. Ends with one line: `faults: N runs, lost L, duplicated D`.
 *
 * Fault schedules are drawn from FAULT_SEED (printed; set it to replay a run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { screenshotter } from '../e2e/support/browser';
import { newDevice as newContext, signIn, signInAndInstall, useBrowser } from '../e2e/support/fixtures';
import { AppShell, HallQueuePage, IntakePage, OutboxPage } from '../e2e/pages/app';
import {
  attachPage,
  deviceBlobs,
  draftHashes,
  draftProblems,
  killBrowser,
  launchPersistent,
  leaveDraft,
  materialError,
  MATERIALS,
  MATTER,
  resumeSession,
  savedDraft,
  scannedPages,
  skewClock,
  takeIntake,
  VIEWPORT,
  type Captured,
} from './device';
import { installDiskFullHook, smallDisk } from './disk';
import { Ledger, Tally } from './ledger';
import { exited, startFaultServer, type FaultServer } from './server';
import { TcpProxy } from './tcp-proxy';

const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 1e9));
const DAY = 86_400_000;
const shot = screenshotter('faults');
const tally = new Tally();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Bound a wait with a clear message. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves while the `nth` blob upload seen through the proxy from now on has sent `bytes` of its request. */
function midPut(proxy: TcpProxy, nth: number, bytes: number): Promise<unknown> {
  const puts = new Set<string>();
  return proxy.when((c, d) => {
    if (d !== 'up' || !c.request.startsWith('PUT /api/blobs/')) return false;
    puts.add(`${c.id}:${c.requests}`);
    return puts.size >= nth && c.sinceRequest >= bytes;
  });
}

/** What the device says about itself, for the log when a run goes wrong. */
async function deviceState(page: Page): Promise<string> {
  const status = await page
    .getByTestId('sync-status')
    .evaluate((el) => `${el.textContent ?? ''} (${el.getAttribute('title') ?? ''})`)
    .catch(() => 'no sync status');
  const blobs = await deviceBlobs(page).catch(() => []);
  return `device: ${status}; blobs ${blobs.map((b) => `${b.key.slice(0, 12)}:${b.state}${b.lastError ? `!${b.lastError}` : ''}`).join(' ')}`;
}

async function killServer(server: FaultServer): Promise<void> {
  server.killNow();
  await exited(server);
}

const firstPage = async (context: BrowserContext): Promise<Page> => context.pages()[0] ?? (await context.newPage());
const newDevice = (browser: Browser): Promise<BrowserContext> => newContext(browser, { viewport: VIEWPORT });

/** Three intakes offline (two pages each) and a fourth left as a draft with one page. */
async function offlineBacklog(page: Page, context: BrowserContext, tag: string): Promise<{ captured: Captured[]; draft: Awaited<ReturnType<typeof leaveDraft>> }> {
  const files = await scannedPages(page, ['A', 'B', 'C'].flatMap((s) => [`${tag} 申请书 ${s}`, `${tag} 遗失声明 ${s}`]).concat(`${tag} 草稿页`));
  await context.setOffline(true);
  const captured: Captured[] = [];
  for (const [i, s] of ['A', 'B', 'C'].entries()) captured.push(await takeIntake(page, `${tag} ${s}`, files.slice(2 * i, 2 * i + 2)));
  const draft = await leaveDraft(page, `${tag} 草稿`, files[6]!);
  return { captured, draft };
}

describe('fault suite: nothing captured is lost or duplicated', () => {
  const stage = useBrowser();

  beforeAll(() => {
    console.log(`fault seed ${SEED} (FAULT_SEED=${SEED} replays it)`);
  });

  afterAll(() => {
    console.log(tally.summary());
  });

  it('1. the browser is killed (SIGKILL) mid-upload and restarted with the same profile', async () => {
    const server = await startFaultServer();
    const proxy = new TcpProxy(server.port, SEED + 1);
    await proxy.listen();
    const profile = mkdtempSync(path.join(os.tmpdir(), 'lxe-profile-'));
    let context = await launchPersistent(profile);
    try {
      let page = await firstPage(context);
      await signInAndInstall(page, proxy.url, 'station');
      const { captured, draft } = await offlineBacklog(page, context, 'F1 浏览器崩溃');
      await shot(page, 'f1-offline-backlog-and-draft');

      // Online through a slow link; kill the whole browser while the second page is half sent.
      proxy.setPlan({ bytesPerSecond: 300_000 });
      const midUpload = midPut(proxy, 2, 60_000);
      await context.setOffline(false);
      await within(midUpload, 30_000, 'the second page upload');
      await killBrowser(context, profile);
      proxy.setPlan({});
      const atKill = (await new Ledger(server.url).queue()).filter((q) => captured.some((c) => c.submissionId === q.submissionId));
      console.log(`fault 1: browser killed mid-upload; hall queue then: [${atKill.map((q) => q.state).join(', ')}]`);

      // Relaunch on the same profile: the app starts from the service worker and finishes by itself.
      context = await launchPersistent(profile);
      page = await firstPage(context);
      await page.goto(`${proxy.url}/outbox`);
      const how = await resumeSession(page, proxy.url, 'station');
      if (how !== 'kept') console.log(`fault 1: the session cookie did not survive the kill; signed in again (${how})`);
      const audit = await tally.account('fault 1 (browser killed mid-upload)', new Ledger(server.url), captured, 60_000, await draftProblems(page, draft));
      if (audit.problems.length) console.log(await deviceState(page));
      await page.goto(`${proxy.url}/outbox`);
      const outbox = new OutboxPage(page);
      for (const c of captured) await expect.poll(() => outbox.state(c.receiptNo), { timeout: 30_000 }).toBe('received');
      await shot(page, 'f1-after-restart-all-received');
      expect(audit.problems).toEqual([]);
    } finally {
      await context.close().catch(() => undefined);
      await proxy.close();
      await server.stop();
      server.cleanup();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('2. the sync-server is killed (kill -9) mid-replication and mid-upload, and restarted', async () => {
    const server = await startFaultServer();
    const proxy = new TcpProxy(server.port, SEED + 2);
    await proxy.listen();
    const context = await newDevice(stage.browser);
    try {
      const page = await context.newPage();
      await signInAndInstall(page, proxy.url, 'station');
      const { captured, draft } = await offlineBacklog(page, context, 'F2 服务器崩溃');

      proxy.setPlan({ bytesPerSecond: 300_000 });
      // Kill 1: as the device's first _bulk_docs reaches the server.
      const bulkDocs = proxy.when((c, d) => d === 'up' && /^POST \/sync\/station-[a-z-]+\/_bulk_docs/.test(c.request));
      await context.setOffline(false);
      await within(bulkDocs, 30_000, 'the first _bulk_docs');
      await killServer(server);
      await sleep(1_000);
      await server.restart();
      // Kill 2: while a page is half uploaded to the restarted server.
      await within(midPut(proxy, 1, 60_000), 45_000, 'a page upload after the restart');
      await killServer(server);
      await sleep(1_000);
      await server.restart();
      console.log('fault 2: server killed at the first _bulk_docs and again mid-upload; restarted twice');
      proxy.setPlan({});

      const audit = await tally.account('fault 2 (server kill -9 mid-sync)', new Ledger(server.url), captured, 75_000, await draftProblems(page, draft));
      if (audit.problems.length) console.log(await deviceState(page));
      await page.goto(`${proxy.url}/outbox`);
      await expect.poll(() => new AppShell(page).syncPhase(), { timeout: 30_000 }).toBe('idle');
      await shot(page, 'f2-after-server-restarts');
      expect(audit.problems).toEqual([]);
    } finally {
      await context.close();
      await proxy.close();
      await server.stop();
      server.cleanup();
    }
  });

  it('3. a proxy drops, delays and truncates connections while the device syncs', async () => {
    const server = await startFaultServer();
    const proxy = new TcpProxy(server.port, SEED + 3);
    await proxy.listen();
    const context = await newDevice(stage.browser);
    const ledger = new Ledger(server.url);
    try {
      const page = await context.newPage();
      await signInAndInstall(page, proxy.url, 'station');
      const { captured, draft } = await offlineBacklog(page, context, 'F3 网络故障');

      // The first new connection cut and the second truncated (a sync may need only a few connections), then 35%
      // of connections cut (half with RST) and 35% truncated somewhere in their first 30 KB; every chunk delayed 0–300 ms.
      proxy.setPlan({ first: ['drop', 'truncate'], dropRate: 0.35, truncateRate: 0.35, afterBytes: [100, 30_000], delayMs: [0, 300] });
      // The plan applies to new connections: close the kept-alive ones from the online sign-in.
      proxy.destroyAll();
      await context.setOffline(false);
      const throughFaults = await ledger.settled(captured, 40_000);
      await shot(page, 'f3-during-network-faults');
      proxy.setPlan({});
      const { connections, dropped, truncated } = proxy.stats;
      console.log(`fault 3: ${connections} connections, ${dropped} cut, ${truncated} truncated; ${throughFaults ? 'everything arrived while faults were on' : 'network healed after 40 s of faults'}`);
      const audit = await tally.account('fault 3 (network drops, delays, truncation)', ledger, captured, 75_000, await draftProblems(page, draft));
      if (audit.problems.length) console.log(await deviceState(page));
      await page.goto(`${proxy.url}/outbox`);
      await shot(page, 'f3-after-network-faults');
      expect(dropped + truncated).toBeGreaterThan(0);
      expect(audit.problems).toEqual([]);
    } finally {
      await context.close();
      await proxy.close();
      await server.stop();
      server.cleanup();
    }
  });

  it('4. device clocks 3 days ahead and 3 days behind: everything syncs and the hall orders by server time', async () => {
    const server = await startFaultServer();
    const ahead = await newDevice(stage.browser);
    const behind = await newDevice(stage.browser);
    const ledger = new Ledger(server.url);
    try {
      await skewClock(ahead, 3 * DAY);
      await skewClock(behind, -3 * DAY);
      const aheadPage = await ahead.newPage();
      const behindPage = await behind.newPage();
      await signInAndInstall(aheadPage, server.url, 'station');
      await signInAndInstall(behindPage, server.url, 'station2');
      const skew = async (page: Page): Promise<number> => (await page.evaluate(() => Date.now())) - Date.now();
      expect(Math.round((await skew(aheadPage)) / DAY)).toBe(3);
      expect(Math.round((await skew(behindPage)) / DAY)).toBe(-3);
      const files = await scannedPages(aheadPage, ['F4 申请书 快1', 'F4 遗失声明 快1', 'F4 申请书 慢', 'F4 遗失声明 慢', 'F4 申请书 快2', 'F4 遗失声明 快2', 'F4 草稿页']);

      // Alternate devices; each submission is received before the next is made, so server time orders them.
      const started = new Date().toISOString();
      const order: Captured[] = [];
      const steps: [Page, string, number][] = [
        [aheadPage, 'F4 时钟 快 1', 0],
        [behindPage, 'F4 时钟 慢 1', 2],
        [aheadPage, 'F4 时钟 快 2', 4],
      ];
      for (const [page, marker, f] of steps) {
        const c = await takeIntake(page, marker, files.slice(f, f + 2));
        order.push(c);
        expect(await ledger.settled([c], 30_000)).toBe(true);
      }
      // A draft kept under a clock 3 days behind is still the one the intake screen resumes.
      const draft = await leaveDraft(behindPage, 'F4 时钟 慢 草稿', files[6]!);
      await behindPage.reload();
      await new IntakePage(behindPage).waitForCatalog(MATTER);
      await expect.poll(() => new IntakePage(behindPage).enterpriseName().inputValue()).toBe('F4 时钟 慢 草稿');
      const audit = await tally.account('fault 4 (device clocks ±3 days)', ledger, order, 30_000, await draftProblems(behindPage, draft));

      const received = (await ledger.queue()).filter((q) => order.some((c) => c.submissionId === q.submissionId));
      const now = new Date(Date.now() + 60_000).toISOString();
      console.log(`fault 4: createdAt (device) ${received.map((q) => q.createdAt).join(', ')}; receivedAt (server) ${received.map((q) => q.receivedAt).join(', ')}`);
      expect(received.map((q) => q.submissionId)).toEqual(order.map((c) => c.submissionId));
      for (const q of received) {
        expect(q.receivedAt! >= started && q.receivedAt! <= now, `receivedAt ${q.receivedAt} is server time`).toBe(true);
        expect(q.sortKey).toBe(q.receivedAt);
      }
      expect(Date.parse(received[0]!.createdAt) - Date.now()).toBeGreaterThan(2 * DAY);
      expect(Date.now() - Date.parse(received[1]!.createdAt)).toBeGreaterThan(2 * DAY);
      await shot(aheadPage, 'f4-device-3-days-ahead');
      const hall = await newDevice(stage.browser);
      const hallPage = await hall.newPage();
      await signIn(hallPage, server.url, 'hall');
      await new HallQueuePage(hallPage).item(order[2]!.receiptNo).waitFor({ timeout: 30_000 });
      await shot(hallPage, 'f4-hall-queue-server-time-order');
      await hall.close();
      expect(audit.problems).toEqual([]);
    } finally {
      await ahead.close();
      await behind.close();
      await server.stop();
      server.cleanup();
    }
  });

  it('5. the disk fills up while a page is attached: clear error, draft intact, completes once space is back', async () => {
    const server = await startFaultServer();
    const disk = smallDisk();
    const context = await launchPersistent(disk.profile, (c) => installDiskFullHook(c, disk));
    const ledger = new Ledger(server.url);
    try {
      const page = await firstPage(context);
      const intake = new IntakePage(page);
      await signInAndInstall(page, server.url, 'station');
      const files = await scannedPages(page, ['F5 申请书', 'F5 遗失声明']);
      const marker = 'F5 存储已满';
      const draft = await leaveDraft(page, marker, files[0]!);

      await disk.fill(page);
      console.log(`fault 5: disk full (${disk.kind === 'tmpfs' ? 'the profile is on a small tmpfs, filled to the last KB' : 'mount not allowed here: IndexedDB Blob writes throw QuotaExceededError'})`);
      await attachPage(page, MATERIALS[1], files[1]!);
      await expect.poll(() => materialError(page, MATERIALS[1]).textContent().catch(() => ''), { timeout: 15_000 }).toContain(intake.says.storageFull);
      expect(await intake.pageCount(MATERIALS[1])).toBe(0);
      await shot(page, 'f5-storage-full-error');

      // The draft, with its earlier page, survives a reload while the disk is still full.
      await page.reload();
      await intake.waitForCatalog(MATTER);
      await expect.poll(() => intake.enterpriseName().inputValue()).toBe(marker);
      await expect.poll(() => intake.pageCount(MATERIALS[0])).toBe(1);
      await shot(page, 'f5-draft-after-reload-storage-full');

      // Space is back. The stored draft and its page bytes are read raw first (a second IndexedDB connection
      // cannot always be opened on a full disk, even while the app's own stays usable).
      await disk.free(page);
      const draftIssues = await draftProblems(page, draft);
      await attachPage(page, MATERIALS[1], files[1]!);
      await expect
        .poll(() => intake.pageCount(MATERIALS[1]), { timeout: 30_000 })
        .toBe(1)
        .catch(async (e: unknown) => {
          // Say what the screen said, so a failure here can be told apart from a slow one.
          throw new Error(`the page was not attached once space was back; the material says: ${await materialError(page, MATERIALS[1]).textContent().catch(() => '(nothing)')}`, { cause: e });
        });
      // Whatever the device said while its storage could not be opened is gone once it is back (no reload).
      await expect.poll(() => page.getByTestId('storage-banner').count(), { timeout: 30_000 }).toBe(0);
      const full = await savedDraft(page, marker, 2);
      await intake.submitButton().click();
      await page
        .getByTestId('receipt')
        .waitFor({ timeout: 60_000 })
        .catch(async (e: unknown) => {
          // Say what the screen said (a refusal, a storage message, a busy form), so a failure can be told from a slow one.
          const said = await page.locator('.error:not(:empty), [data-testid="storage-banner"], [role="status"]').allInnerTexts().catch(() => []);
          throw new Error(`no receipt after 提交 once space was back; the screen says: ${JSON.stringify(said)}`, { cause: e });
        });
      const receiptNo = ((await page.getByTestId('receipt-no').textContent()) ?? '').trim();
      const captured: Captured = { submissionId: `submission:${full.id}`, receiptNo, marker, stationId: full.stationId, hashes: draftHashes(full) };
      const audit = await tally.account('fault 5 (disk full)', ledger, [captured], 30_000, draftIssues);
      await page.goto(`${server.url}/outbox`);
      await expect.poll(() => new OutboxPage(page).state(receiptNo), { timeout: 30_000 }).toBe('received');
      await shot(page, 'f5-synced-after-space-freed');
      expect(audit.problems).toEqual([]);
    } finally {
      await context.close().catch(() => undefined);
      disk.close();
      await server.stop();
      server.cleanup();
    }
  });

  it('every run accounted for: nothing lost, nothing duplicated', () => {
    expect(tally.runs).toBe(5);
    expect(tally.lost).toBe(0);
    expect(tally.duplicated).toBe(0);
  });
});
