/**
 * Who may write which replicated document. Pure, so the proxy and the tests share it.
 * Schema checks say a document is well-formed; these checks say this writer may write it here.
 */
import { bookingCheckSchema, describeIssues, eventDocSchema, submissionDocSchema, type BookingCheckDoc, type EventDoc, type Role, type SubmissionDoc } from './documents';
import { ACTION_ROLES } from './submission-machine';

export interface Writer {
  username: string;
  role: Role;
  stationId?: string | undefined;
}

export type WriteCheck =
  | { ok: true; doc: SubmissionDoc | EventDoc | BookingCheckDoc }
  | { ok: false; status: 400 | 403; reason: string };

const ALLOWED_META = new Set(['_id', '_rev', '_revisions']);

/**
 * Check one document a client wants to write into station database `dbStationId`.
 * Only creations are allowed: a submission's content and every event are immutable once written.
 */
export function checkClientWrite(raw: unknown, writer: Writer, dbStationId: string): WriteCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, status: 400, reason: 'document must be a JSON object' };
  const doc = raw as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (key.startsWith('_') && !ALLOWED_META.has(key)) return { ok: false, status: 403, reason: `field ${key} is not allowed` };
  }
  if (typeof doc._rev === 'string' && !doc._rev.startsWith('1-')) {
    return { ok: false, status: 403, reason: 'documents are immutable: only first revisions may be written' };
  }
  // With new_edits=false the store takes the revision from _revisions, not _rev: it must be a lone first revision too.
  if (doc._revisions !== undefined) {
    const revs = doc._revisions as { start?: unknown; ids?: unknown } | null;
    const ids = Array.isArray(revs?.ids) ? (revs.ids as unknown[]) : [];
    if (revs?.start !== 1 || ids.length !== 1 || (doc._rev !== undefined && doc._rev !== `1-${String(ids[0])}`)) {
      return { ok: false, status: 403, reason: 'documents are immutable: _revisions must describe a single first revision' };
    }
  }
  if ('serverAt' in doc) return { ok: false, status: 403, reason: 'serverAt is set by the server only' };
  if (writer.role !== 'station' || writer.stationId !== dbStationId) {
    return { ok: false, status: 403, reason: `${writer.role} ${writer.username} may not write to station ${dbStationId}` };
  }
  if (doc.type === 'submission') {
    const parsed = submissionDocSchema.safeParse(doc);
    if (!parsed.success) return { ok: false, status: 400, reason: describeIssues(parsed.error) };
    if (parsed.data.stationId !== dbStationId) return { ok: false, status: 403, reason: 'submission belongs to another station' };
    if (parsed.data.createdBy !== writer.username) return { ok: false, status: 403, reason: 'createdBy must be the signed-in user' };
    return { ok: true, doc: parsed.data };
  }
  if (doc.type === 'event') {
    const parsed = eventDocSchema.safeParse(doc);
    if (!parsed.success) return { ok: false, status: 400, reason: describeIssues(parsed.error) };
    const event = parsed.data;
    if (event.stationId !== dbStationId) return { ok: false, status: 403, reason: 'event belongs to another station' };
    if (!event._id.startsWith(`event:${event.submissionId.slice('submission:'.length)}:`)) {
      return { ok: false, status: 400, reason: 'event id must name its submission' };
    }
    // Fixed suffixes are the server's exactly-once slots: a device squatting one would block that step.
    if (!/:[0-9A-HJKMNP-TV-Z]{26}$/.test(event._id)) return { ok: false, status: 403, reason: 'event ids ending in "received", "rating" or "decision-…" are reserved for the server' };
    if (event.role !== writer.role || event.actor !== writer.username) {
      return { ok: false, status: 403, reason: 'event actor and role must be the signed-in user' };
    }
    if (!ACTION_ROLES[event.action].includes(writer.role)) {
      return { ok: false, status: 403, reason: `a ${writer.role} may not write a ${event.action} event` };
    }
    return { ok: true, doc: event };
  }
  if (doc.type === 'bookingCheck') {
    const parsed = bookingCheckSchema.safeParse(doc);
    if (!parsed.success) return { ok: false, status: 400, reason: describeIssues(parsed.error) };
    if (parsed.data.stationId !== dbStationId) return { ok: false, status: 403, reason: 'booking check belongs to another station' };
    if (parsed.data.actor !== writer.username) return { ok: false, status: 403, reason: 'actor must be the signed-in user' };
    if (!parsed.data._id.startsWith(`bookingcheck:${parsed.data.bookingId.slice('booking:'.length)}:`)) return { ok: false, status: 400, reason: 'check id must name its booking' };
    return { ok: true, doc: parsed.data };
  }
  return { ok: false, status: 400, reason: 'unknown document type' };
}
