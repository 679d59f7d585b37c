/**
 * Pages on the device, for every flow that captures them (the intake, 补正 and 容缺 supplements): a photo or
 * file becomes a page (type checked, compressed, hashed), its bytes are kept in Dexie as a `draft` blob, and
 * they are freed when the page leaves the last draft that held it.
 */
import { capturePage, captureSignature, type CapturedPage } from '../capture/files';
import type { CompressStage } from '../capture/compress';
import type { DraftPage } from '../storage/db';
import { loadDb } from '../storage/device-db';

export type { DraftPage };

/** The page's bytes into the device; rides out a reopen of the database after a storage failure. */
async function keep(page: CapturedPage, stationId: string): Promise<void> {
  const { db, storageHealth } = await loadDb();
  await storageHealth.retrying(() => db.blobs.put({ sha256: page.sha256, blob: page.blob, type: page.type, bytes: page.bytes, state: 'draft', stationId, createdAt: new Date().toISOString(), attempts: 0 }));
}

/** Capture `file` as a page of `stationId` and keep its bytes. Throws CaptureError (refused) or a storage error. */
export async function keepPage(file: File, stationId: string, onStage?: (stage: CompressStage) => void): Promise<DraftPage> {
  const page = await capturePage(file, onStage);
  await keep(page, stationId);
  return { sha256: page.sha256, bytes: page.bytes, type: page.type, ...(page.warnings.length ? { warnings: page.warnings } : {}) };
}

/** The applicant's signature (a PNG from the pad) as a page. */
export async function keepSignature(png: Blob, stationId: string): Promise<DraftPage> {
  const page = await captureSignature(png);
  await keep(page, stationId);
  return { sha256: page.sha256, bytes: page.bytes, type: page.type };
}

/** A kept page's bytes (for thumbnails), if still on the device. */
export async function pageBlob(sha256: string): Promise<Blob | undefined> {
  return (await (await loadDb()).db.blobs.get(sha256))?.blob;
}

/**
 * Pages that left a draft (removed, retaken): their bytes go unless another saved draft still holds them.
 * Call it after the draft without them is saved, so a failed save never loses pages it still needs.
 */
export async function releasePages(hashes: string[]): Promise<void> {
  await (await import('../storage/drafts')).releaseBlobs(hashes);
}

/** The pages of a submission or supplement that was written: they become uploads. */
export async function submitPages(hashes: string[]): Promise<void> {
  await (await import('../storage/drafts')).markPending(hashes);
}
