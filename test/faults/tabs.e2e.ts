/**
 * Fault runs of the device's own making: a tab closed while its submit is being written, and two tabs of one
 * device taking intakes and syncing at once (the same IndexedDB, the same PouchDB, two sync engines and two
 * uploaders). After each: every submission is on the server exactly once with its pages, no draft is lost or
 * left behind, and the hall queue holds each once. Ends with `faults: N runs, lost L, duplicated D` (counted by
 * `npm run soak` with the other fault files).
 *
 * When the tab is closed is drawn from FAULT_SEED (printed; set it to replay a run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { AppShell, IntakePage } from '../e2e/pages/app';
import { newDevice, signInAndInstall, useBrowser } from '../e2e/support/fixtures';
import { attachPage, draftHashes, draftProblems, fillBasics, MATERIALS, readDrafts, savedDraft, scannedPages, takeIntake, VIEWPORT, type Captured, type PageFile } from './device';
import { Ledger, Tally } from './ledger';
import { startFaultServer } from './server';
import { seededRandom } from './tcp-proxy';

const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 1e9));
const tally = new Tally();

/** The outbox, once its submitted list has loaded (it shows at least `known` items, all read at once). */
async function outboxLoaded(page: Page, base: string, known: number): Promise<void> {
  await page.goto(`${base}/outbox`);
  await expect.poll(() => page.getByTestId('outbox-item').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(known);
}

describe('fault suite: tabs', () => {
  const stage = useBrowser();

  beforeAll(() => console.log(`tabs fault seed ${SEED} (FAULT_SEED=${SEED} replays it)`));
  afterAll(() => console.log(tally.summary()));

  it('6. a tab closed while its submit is being written: the submission is kept once, or its draft is intact and submits once', async () => {
    const server = await startFaultServer();
    const context = await newDevice(stage.browser, { viewport: VIEWPORT });
    const random = seededRandom(SEED + 6);
    const captured: Captured[] = [];
    const problems: string[] = [];
    const outcomes = { kept: 0, draft: 0 };
    try {
      let page = await context.newPage();
      await signInAndInstall(page, server.url, 'station');
      const files: PageFile[] = await scannedPages(page, ['T6 申请书 0', 'T6 声明 0', 'T6 申请书 1', 'T6 声明 1', 'T6 申请书 2', 'T6 声明 2', 'T6 申请书 3', 'T6 声明 3']);
      await context.setOffline(true);
      // One ordinary intake first, so the reopened outbox has something to show once it has loaded.
      captured.push(await takeIntake(page, 'T6 关闭前', files.slice(0, 2)));

      for (let round = 1; round <= 3; round++) {
        const marker = `T6 关闭标签 ${round}`;
        const intake = new IntakePage(page);
        await fillBasics(page, marker);
        for (const [i, material] of MATERIALS.entries()) {
          await attachPage(page, material, files[2 * round + i]!);
          await expect.poll(() => intake.pageCount(material), { timeout: 15_000 }).toBe(1);
        }
        const draft = await savedDraft(page, marker, MATERIALS.length);
        // Submit, and close the tab 0–40, 40–80 or 80–120 ms later (seeded within each): on this machine the
        // write lands about 100–150 ms after the click, so the rounds fall before, around and after it.
        const delay = Math.floor((round - 1 + random()) * 40);
        await intake.submitButton().click({ noWaitAfter: true });
        if (delay) await page.waitForTimeout(delay); // the fault's own schedule, not a wait for the app
        await page.close({ runBeforeUnload: false });

        page = await context.newPage();
        await outboxLoaded(page, server.url, captured.length);
        const item = page.getByTestId('outbox-item').filter({ hasText: marker });
        if ((await item.count()) === 1) {
          outcomes.kept++;
          const receiptNo = (await item.getAttribute('data-receipt')) ?? '';
          captured.push({ submissionId: `submission:${draft.id}`, receiptNo, marker, stationId: draft.stationId, hashes: draftHashes(draft) });
          // The app finishes an interrupted submit by itself: the draft goes, the pages become uploads.
          await expect.poll(async () => (await readDrafts(page)).some((d) => d.id === draft.id), { timeout: 30_000 }).toBe(false);
          console.log(`fault 6 round ${round}: closed ${delay} ms after submit → the submission was kept`);
        } else {
          outcomes.draft++;
          problems.push(...(await draftProblems(page, draft)));
          // Staff find the draft in the outbox, resume it and submit again: one submission, the draft's own id.
          await page.getByTestId('draft-item').filter({ hasText: marker }).getByRole('link').click();
          await expect.poll(() => new IntakePage(page).enterpriseName().inputValue(), { timeout: 15_000 }).toBe(marker);
          await new IntakePage(page).submitButton().click();
          await page.getByTestId('receipt').waitFor({ timeout: 15_000 });
          const receiptNo = ((await page.getByTestId('receipt-no').textContent()) ?? '').trim();
          captured.push({ submissionId: `submission:${draft.id}`, receiptNo, marker, stationId: draft.stationId, hashes: draftHashes(draft) });
          await new IntakePage(page).nextIntakeButton().click();
          console.log(`fault 6 round ${round}: closed ${delay} ms after submit → the draft was left, intact, and submitted again`);
        }
        await page.goto(`${server.url}/intake`);
      }
      const leftover = (await readDrafts(page)).filter((d) => d.enterpriseName.startsWith('T6 '));
      problems.push(...leftover.map((d) => `draft ${d.id} (${d.enterpriseName}) left behind after its submission`));

      await context.setOffline(false);
      problems.push(...(await tally.account(`fault 6 (tab closed mid-submit: ${outcomes.kept} kept, ${outcomes.draft} left as drafts)`, new Ledger(server.url), captured, 60_000)).problems);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
      server.cleanup();
    }
  });

  it('7. two tabs of one device take intakes and sync at once: each submission once, both tabs end synced', async () => {
    const server = await startFaultServer();
    const context = await newDevice(stage.browser, { viewport: VIEWPORT });
    const captured: Captured[] = [];
    try {
      const first = await context.newPage();
      await signInAndInstall(first, server.url, 'station');
      const files = await scannedPages(first, ['T7 a1', 'T7 a2', 'T7 b1', 'T7 b2', 'T7 c1', 'T7 c2', 'T7 d1', 'T7 d2']);
      await context.setOffline(true);
      captured.push(await takeIntake(first, 'T7 第一标签 1', files.slice(0, 2)));
      const second = await context.newPage();
      await second.goto(`${server.url}/intake`);
      captured.push(await takeIntake(second, 'T7 第二标签 1', files.slice(2, 4)));
      // Back in the first tab: its form is its own fresh draft, untouched by the second tab's submit.
      captured.push(await takeIntake(first, 'T7 第一标签 2', files.slice(4, 6)));

      // Both tabs online at once: two sync engines replicate and two uploaders send the same pages.
      await context.setOffline(false);
      captured.push(await takeIntake(second, 'T7 第二标签 2', files.slice(6, 8)));
      const { problems } = await tally.account('fault 7 (two tabs of one device)', new Ledger(server.url), captured, 60_000);
      for (const page of [first, second]) {
        await page.goto(`${server.url}/outbox`);
        await expect.poll(() => new AppShell(page).syncPhase(), { timeout: 60_000 }).toBe('idle');
      }
      const leftover = (await readDrafts(first)).filter((d) => d.enterpriseName.startsWith('T7 '));
      problems.push(...leftover.map((d) => `draft ${d.id} (${d.enterpriseName}) left behind after its submission`));
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
      server.cleanup();
    }
  });
});
