/** Public tracking: a submission's progress by receipt number and pickup code (no sign-in). */
import { api, ApiError } from '../../sync/api';
import { trackResultSchema, type TrackResult } from '../../domain/api-contract';
import { msg, rawMsg, type Msg } from '../../shared/i18n/messages';

/** The submission's progress, or why it could not be shown. */
export async function track(receiptNo: string, pickupCode: string): Promise<{ result: TrackResult } | { error: Msg }> {
  try {
    return { result: await api('GET', `/api/track?receiptNo=${encodeURIComponent(receiptNo.trim())}&pickupCode=${encodeURIComponent(pickupCode.trim())}`, undefined, trackResultSchema) };
  } catch (e) {
    if (!(e instanceof ApiError)) return { error: msg('track.offline') };
    if (e.status === 404) return { error: msg('track.notFound') };
    if (e.status === 429) return { error: tooMany(e.body) };
    return { error: rawMsg(e.message) };
  }
}

/** The server says which limit was hit: guesses for this receipt number (from anywhere) or from this address. */
function tooMany(body: unknown): Msg {
  const b = typeof body === 'object' && body !== null ? (body as { limit?: unknown; retryAfterMinutes?: unknown }) : {};
  const minutes = typeof b.retryAfterMinutes === 'number' && b.retryAfterMinutes > 0 ? b.retryAfterMinutes : 60;
  return b.limit === 'receipt' ? msg('track.tooManyForReceipt', { minutes }) : msg('track.tooMany', { minutes });
}
