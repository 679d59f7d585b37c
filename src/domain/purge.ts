/**
 * Personal data on the device (issue 8): a submission's personal fields leave the station device a
 * configurable number of days after the hall has decided on it. This module is the pure part: which
 * submissions (and bookings) are due, how identifiers are masked, and what the device keeps of a purged
 * submission so staff still recognise it in the outbox. Storage and replication live in src/storage/purge.ts
 * and src/sync/purge.ts.
 */
import { eventTime, foldEvents } from './submission-machine';
import type { BookingDoc, ChecklistItem, EventAction, EventDoc, PageRef, SubmissionDoc } from './documents';

/** Days after the hall's decision that personal fields stay on a device, unless the server says otherwise. */
export const DEFAULT_PURGE_AFTER_DAYS = 30;
/** Upper bound the server accepts for the setting (ten years). */
export const MAX_PURGE_AFTER_DAYS = 3650;
export const DAY_MS = 86_400_000;

/**
 * Events after which the device no longer needs the applicant's identity: the hall's first decision
 * (受理, 秒批, 不予受理) or the station's withdrawal. 补正 is not one: the item is still being worked on.
 */
export const RELEASING_ACTIONS: readonly EventAction[] = ['accept', 'autoApprove', 'reject', 'withdraw'];

/** The purge window the device applies; anything not a whole number of days ≥ 0 falls back to the default. */
export function purgeAfterDays(fromServer: unknown): number {
  return typeof fromServer === 'number' && Number.isInteger(fromServer) && fromServer >= 0 && fromServer <= MAX_PURGE_AFTER_DAYS ? fromServer : DEFAULT_PURGE_AFTER_DAYS;
}

/** `3101**********1234`: the first four (province and city) and the last four characters stay. */
export function maskIdNumber(id: string): string {
  const chars = Array.from(id);
  if (chars.length <= 8) return '*'.repeat(chars.length);
  return chars.slice(0, 4).join('') + '*'.repeat(chars.length - 8) + chars.slice(-4).join('');
}

/** `张*`, `欧***`: the family name's first character and one star per other character. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*';
  return (chars[0] ?? '') + '*'.repeat(chars.length - 1);
}

/**
 * When the device may let go of a submission's personal fields: the time (server clock where stamped) of the
 * first releasing event that applies, and only once the server has confirmed receipt (`receive`, written by
 * the server alone), so a document that never reached the server is never dropped from the device.
 */
export function releasedAt(submission: Pick<SubmissionDoc, 'items'>, events: readonly EventDoc[]): string | undefined {
  const folded = foldEvents(events, submission);
  if (folded.status.receivedAt === undefined) return undefined;
  const released = folded.applied.find((e) => RELEASING_ACTIONS.includes(e.action));
  return released ? eventTime(released) : undefined;
}

/** Whether `afterDays` whole days have passed since `released` (0 = at once). */
export function isDue(released: string, now: Date, afterDays: number): boolean {
  const at = Date.parse(released);
  return Number.isFinite(at) && at + afterDays * DAY_MS <= now.getTime();
}

/** A checklist item as kept after purging: no signature reference under the 告知承诺. */
export interface PurgedItem {
  materialId: string;
  name: string;
  core: boolean;
  status: ChecklistItem['status'];
  pages: PageRef[];
  commitment?: { dueDate: string; text: string };
}

/**
 * What the device keeps of a submission once its personal fields are gone: enough for staff to recognise it
 * (receipt number, matter, enterprise, masked applicant) and for the outbox to fold its state and take a late
 * 补正. Shaped like a {@link SubmissionDoc} so lists can show either; it is never replicated.
 */
export interface PurgedSubmission {
  _id: string;
  type: 'purgedSubmission';
  stationId: string;
  matterId: string;
  matterName: string;
  enterprise: { uscc: string; name: string };
  applicant: { name: string; idNumber: string };
  items: PurgedItem[];
  receiptNo: string;
  createdAt: string;
  createdBy: string;
  /** When the device was allowed to let go (the releasing event's time) and when it did. */
  releasedAt: string;
  purgedAt: string;
}

/** The kept part of `submission`; drops the pickup code, device id, answers and the signature reference. */
export function purgedRecord(submission: SubmissionDoc, released: string, now: Date): PurgedSubmission {
  return {
    _id: submission._id,
    type: 'purgedSubmission',
    stationId: submission.stationId,
    matterId: submission.matterId,
    matterName: submission.matterName,
    enterprise: { uscc: submission.enterprise.uscc, name: submission.enterprise.name },
    applicant: { name: maskName(submission.applicant.name), idNumber: maskIdNumber(submission.applicant.idNumber) },
    items: submission.items.map((item) => ({
      materialId: item.materialId,
      name: item.name,
      core: item.core,
      status: item.status,
      pages: item.pages.map(({ sha256, bytes, type }) => ({ sha256, bytes, type })),
      ...(item.commitment ? { commitment: { dueDate: item.commitment.dueDate, text: item.commitment.text } } : {}),
    })),
    receiptNo: submission.receiptNo,
    createdAt: submission.createdAt,
    createdBy: submission.createdBy,
    releasedAt: released,
    purgedAt: now.toISOString(),
  };
}

/** Page and signature hashes a submission references (their bytes leave the device with it). */
export function blobHashes(submission: Pick<SubmissionDoc, 'items'>): string[] {
  const hashes = new Set<string>();
  for (const item of submission.items) {
    for (const page of item.pages) hashes.add(page.sha256);
    if (item.commitment?.signature) hashes.add(item.commitment.signature.sha256);
  }
  return [...hashes];
}

export interface PurgePlan {
  /** Kept records for the submissions that leave the device now. */
  submissions: PurgedSubmission[];
  /** Page and signature hashes of those submissions. */
  hashes: string[];
  /** Bookings (with the contact's name and phone) whose day is `afterDays` days past. */
  bookingIds: string[];
}

/** A booking's day ends at midnight China Standard Time (UTC+8, no DST). */
const bookingDayEnd = (date: string): number => Date.parse(`${date}T00:00:00+08:00`) + DAY_MS;

/**
 * Everything due at `now` among what the device holds. Submissions without any event that releases them
 * (not yet decided, still in 补正, or never confirmed by the server) are never due.
 */
export function planPurge(
  input: { submissions: readonly SubmissionDoc[]; events: readonly EventDoc[]; bookings: readonly Pick<BookingDoc, '_id' | 'date'>[] },
  now: Date,
  afterDays: number,
): PurgePlan {
  const bySubmission = new Map<string, EventDoc[]>();
  for (const e of input.events) {
    const list = bySubmission.get(e.submissionId);
    if (list) list.push(e);
    else bySubmission.set(e.submissionId, [e]);
  }
  const submissions: PurgedSubmission[] = [];
  const hashes = new Set<string>();
  for (const submission of input.submissions) {
    const released = releasedAt(submission, bySubmission.get(submission._id) ?? []);
    if (released === undefined || !isDue(released, now, afterDays)) continue;
    submissions.push(purgedRecord(submission, released, now));
    for (const h of blobHashes(submission)) hashes.add(h);
  }
  const bookingIds = input.bookings.filter((b) => Number.isFinite(bookingDayEnd(b.date)) && bookingDayEnd(b.date) + afterDays * DAY_MS <= now.getTime()).map((b) => b._id);
  return { submissions, hashes: [...hashes], bookingIds };
}
