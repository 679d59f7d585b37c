/**
 * Constants and pure helpers of the document model, without the zod schemas (documents.ts re-exports them),
 * so code on the station's first screen can use them before the validator is loaded.
 */
import type { PageRef, SubmissionDoc } from './documents';

/** Largest blob (scan page, PDF, signature) the server accepts. */
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

/**
 * The hall's n-th decision on a submission (1-based): `event:<ULID>:decision-0001`. Deterministic, so two
 * decisions made on the same history (one process or several) are one document id, and the store's conflict
 * check keeps exactly one of them.
 */
export function decisionEventId(submissionId: string, n: number): string {
  return eventId(submissionId, `decision-${String(n).padStart(4, '0')}`);
}

/** The number of the next decision: one past the highest written, applied or not (so a slot is never reused). */
export function nextDecisionNumber(events: readonly { _id: string }[]): number {
  let last = 0;
  for (const e of events) {
    const m = /:decision-(\d+)$/.exec(e._id);
    if (m) last = Math.max(last, Number(m[1]));
  }
  return last + 1;
}

/** The enterprise's one rating of a submission has a fixed id: a second one, however concurrent, is a conflict. */
export const RATING_EVENT_SUFFIX = 'rating';


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
