/**
 * Constants and pure helpers of the document model, without the zod schemas (documents.ts re-exports them),
 * so code on the station's first screen can use them before the validator is loaded.
 */
import type { PageRef, SubmissionDoc } from './documents';

/** Largest blob (scan page, PDF, signature) the server accepts; DESIGN §7. */
export const MAX_BLOB_BYTES = 10 * 1024 * 1024;

export const BLOB_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type BlobType = (typeof BLOB_TYPES)[number];

/** Every page (and signature) a submission references, deduplicated. */
export function referencedBlobs(doc: Pick<SubmissionDoc, 'items'>): PageRef[] {
  const seen = new Map<string, PageRef>();
  for (const item of doc.items) {
    for (const page of item.pages) seen.set(page.sha256, page);
    if (item.commitment?.signature) seen.set(item.commitment.signature.sha256, item.commitment.signature);
  }
  return [...seen.values()];
}

export function eventId(submissionId: string, suffix: string): string {
  return `event:${submissionId.slice('submission:'.length)}:${suffix}`;
}


/** Bounds of the enterprise profile fields (一次采集) in a submission; the intake's inputs use the same. */
export const ENTERPRISE_TEXT_MAX = { address: 200, legalRepresentative: 50, contactName: 50 } as const;

/**
 * A mainland China phone number: a mobile (`1[3-9]` + 9 digits, optionally after `+86`/`86`) or a landline
 * with its area code (`0` + 2–3 digits, 7–8 digit number, optional extension), separators `-` or space.
 */
export const CONTACT_PHONE_PATTERN = /^(?:(?:\+?86[- ]?)?1[3-9]\d{9}|0\d{2,3}[- ]?\d{7,8}(?:[- ]\d{1,6})?)$/;

export function isValidContactPhone(phone: string): boolean {
  return phone.length <= 20 && CONTACT_PHONE_PATTERN.test(phone);
}
