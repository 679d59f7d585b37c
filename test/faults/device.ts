/**
 * A station device for the fault suite: Chromium with a profile on disk (so IndexedDB, the service worker and
 * cookies survive a hard kill), the intake flow as staff do it, and readers of what the device holds in
 * Dexie (drafts, scan blobs) — the ground truth of what was captured.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchPersistent as launchProfile } from '../e2e/support/browser';
import { signIn } from '../e2e/support/fixtures';
export { skewClock } from '../e2e/support/fixtures';
import { AppShell, IntakePage } from '../e2e/pages/app';
import { deviceBlobs, readDrafts, type DraftRecord } from '../e2e/support/idb';

export { deviceBlobs, readDrafts, type DeviceBlob, type DraftRecord } from '../e2e/support/idb';

export const VIEWPORT = { width: 1024, height: 900 };
export const USCC = '91310106MA1FL4XQ0W';
export const ID_NUMBER = '310106198503121238';
/** 营业执照补办 (lost): two materials, one page each. */
export const MATTER = 'licence-reissue';
export const MATERIALS = ['reissue-application', 'loss-statement'] as const;

/** A page made in the test, for the material's file input. */
export interface PageFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export const attachPage = (page: Page, materialId: string, file: PageFile): Promise<void> => page.locator(`[data-material="${materialId}"] input[type=file]:not(.retake-input)`).setInputFiles(file);
export const materialError = (page: Page, materialId: string) => page.locator(`[data-material="${materialId}"] .error`);

export async function launchPersistent(profileDir: string, init?: (context: BrowserContext) => Promise<void>): Promise<BrowserContext> {
  const context = await launchProfile(profileDir, { viewport: VIEWPORT, locale: 'zh-CN' });
  await init?.(context);
  return context;
}

/**
 * The browser process of a persistent profile (playwright-core does not expose it): the process whose
 * command line names this profile directory and is not a renderer/GPU/utility child (`--type=`).
 */
export function browserPid(profileDir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0');
    } catch {
      continue;
    }
    if (args.includes(`--user-data-dir=${profileDir}`) && !args.some((a) => a.startsWith('--type='))) return Number(entry);
  }
  return undefined;
}

/** `kill -9` the whole browser of this profile, as a crash or a pulled battery would; waits until it is gone. */
export async function killBrowser(context: BrowserContext, profileDir: string): Promise<void> {
  const pid = browserPid(profileDir);
  if (!pid) throw new Error(`no browser process for ${profileDir}`);
  const closed = new Promise<void>((resolve) => context.once('close', () => resolve()));
  process.kill(pid, 'SIGKILL');
  await closed;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (browserPid(profileDir) !== undefined || hasProfileChildren(profileDir))) await new Promise((r) => setTimeout(r, 50));
}

function hasProfileChildren(profileDir: string): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(profileDir)) return true;
    } catch {
      /* gone meanwhile */
    }
  }
  return false;
}

/**
 * After a restart the device may have lost its session (Chromium writes new cookies to disk only every ~30 s,
 * so a crash soon after signing in forgets them) and asks for the password. Staff sign in again: through the
 * app's "重新登录 Sign in" link, or, when that does not lead to the form, by signing out and in. Returns which.
 */
export async function resumeSession(page: Page, base: string, username: 'station' | 'station2'): Promise<'kept' | 'link' | 'sign-out'> {
  const shell = new AppShell(page);
  await shell.syncStatus().waitFor({ timeout: 30_000 });
  // The app starts on the device's session and asks the server in the background: wait for its answer to show
  // (up to date with the session kept, or "sign in again"), not for the first status painted.
  await expect.poll(async () => ['unauthorized', 'idle'].includes((await shell.syncPhase()) ?? ''), { timeout: 60_000 }).toBe(true);
  if ((await shell.syncPhase()) !== 'unauthorized') return 'kept';
  await shell.signInAgain().click();
  const form = await page
    .locator('#password')
    .waitFor({ timeout: 3_000 })
    .then(
      () => true,
      () => false,
    );
  if (!form) {
    await shell.signOut().click();
    await page.waitForURL('**/sign-in');
  }
  await signIn(page, base, username);
  return form ? 'link' : 'sign-out';
}

/** Distinct scanned-looking JPEG pages (≈150–250 KB, kept byte for byte by the app), drawn by the browser. */
export async function scannedPages(page: Page, labels: string[]): Promise<PageFile[]> {
  const encoded = await page.evaluate(async (names) => {
    const out: string[] = [];
    for (const text of names) {
      let seed = 0;
      for (const ch of text) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0;
      const rand = (): number => {
        seed = (seed + 0x6d2b79f5) >>> 0;
        let t = seed;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const canvas = new OffscreenCanvas(1000, 1400);
      const g = canvas.getContext('2d');
      if (!g) throw new Error('no 2d context');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.fillStyle = '#111';
      g.font = 'bold 44px sans-serif';
      g.fillText(text, 60, 110);
      g.font = '24px sans-serif';
      for (let i = 0; i < 28; i++) g.fillText(`${text} — 第 ${i + 1} 行 line ${i + 1}: 兹证明以上材料真实有效。`, 60, 190 + i * 34);
      // A photographed stamp/texture block: noise makes the page a realistic size and every page unique.
      const noise = g.createImageData(420, 300);
      for (let i = 0; i < noise.data.length; i += 4) {
        const v = 90 + Math.floor(rand() * 140);
        noise.data[i] = v;
        noise.data[i + 1] = Math.floor(v * 0.6);
        noise.data[i + 2] = Math.floor(v * 0.5);
        noise.data[i + 3] = 255;
      }
      g.putImageData(noise, 520, 1080);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
      let binary = '';
      for (const b of new Uint8Array(await blob.arrayBuffer())) binary += String.fromCharCode(b);
      out.push(btoa(binary));
    }
    return out;
  }, labels);
  return encoded.map((b64, i) => ({ name: `${labels[i]}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') }));
}

export const draftHashes = (d: DraftRecord): string[] => [...MATERIALS.flatMap((m) => (d.pages[m] ?? []).map((p) => p.sha256)), ...(d.signature ? [d.signature.sha256] : [])];

/** What a submission was on the device when staff pressed Submit. */
export interface Captured {
  submissionId: string;
  receiptNo: string;
  /** Unique enterprise name: finds the submission (and any duplicate of it) on the server. */
  marker: string;
  stationId: string;
  /** Page hashes in checklist order, as the device's draft held them. */
  hashes: string[];
}

export async function fillBasics(page: Page, marker: string): Promise<void> {
  const intake = new IntakePage(page);
  await intake.waitForCatalog(MATTER);
  await intake.matter().selectOption(MATTER);
  await intake.answer('reason', 'lost');
  await intake.uscc().fill(USCC);
  await intake.enterpriseName().fill(marker);
  await intake.applicantName().fill('张三');
  await intake.idNumber().fill(ID_NUMBER);
}

/** Wait until the autosaved draft with this marker holds `pages` pages, and return it. */
export async function savedDraft(page: Page, marker: string, pages: number): Promise<DraftRecord> {
  let found: DraftRecord | undefined;
  await expect
    .poll(
      async () => {
        found = (await readDrafts(page)).find((d) => d.enterpriseName === marker);
        return found ? draftHashes(found).length : -1;
      },
      { timeout: 15_000 },
    )
    .toBe(pages);
  return found!;
}

/** One intake from an empty form on /intake to the receipt, then back to a fresh form. */
export async function takeIntake(page: Page, marker: string, files: PageFile[]): Promise<Captured> {
  const intake = new IntakePage(page);
  await fillBasics(page, marker);
  for (const [i, material] of MATERIALS.entries()) {
    await attachPage(page, material, files[i]!);
    await expect.poll(() => intake.pageCount(material), { timeout: 15_000 }).toBe(1);
  }
  const draft = await savedDraft(page, marker, MATERIALS.length);
  await intake.submitButton().click();
  const receipt = page.getByTestId('receipt');
  await receipt.waitFor({ timeout: 15_000 });
  const receiptNo = ((await page.getByTestId('receipt-no').textContent()) ?? '').trim();
  const href = (await receipt.locator('a[href^="/receipt/"]').getAttribute('href')) ?? '';
  const ulid = href.split('/').pop() ?? '';
  expect(ulid).toBe(draft.id);
  await intake.nextIntakeButton().click();
  return { submissionId: `submission:${ulid}`, receiptNo, marker, stationId: draft.stationId, hashes: draftHashes(draft) };
}

/** An intake left half-done: basics filled and one page attached, not submitted. */
export async function leaveDraft(page: Page, marker: string, file: PageFile): Promise<DraftRecord> {
  const intake = new IntakePage(page);
  await fillBasics(page, marker);
  await attachPage(page, MATERIALS[0], file);
  await expect.poll(() => intake.pageCount(MATERIALS[0]), { timeout: 15_000 }).toBe(1);
  return savedDraft(page, marker, 1);
}

/** Problems with a draft after a fault: gone, changed, or its page bytes missing or damaged on the device. */
export async function draftProblems(page: Page, before: DraftRecord): Promise<string[]> {
  const after = (await readDrafts(page)).find((d) => d.id === before.id);
  if (!after) return [`draft ${before.id} (${before.enterpriseName}) is gone`];
  const fields = ['matterId', 'uscc', 'enterpriseName', 'applicantName', 'idNumber', 'answers', 'pages', 'deficient', 'signature'] as const;
  const problems = fields.filter((f) => JSON.stringify(after[f]) !== JSON.stringify(before[f])).map((f) => `draft ${before.id}: ${f} changed`);
  const blobs = new Map((await deviceBlobs(page)).map((b) => [b.key, b]));
  for (const hash of draftHashes(before)) {
    const blob = blobs.get(hash);
    if (!blob) problems.push(`draft ${before.id}: page ${hash.slice(0, 12)} missing on the device`);
    else if (blob.computed !== hash) problems.push(`draft ${before.id}: page ${hash.slice(0, 12)} damaged on the device`);
  }
  return problems;
}
