/**
 * 进度查询 without sign-in: receipt number + pickup code → the plain-language timeline. Any mismatch is the same
 * 404 (a guess learns nothing, not even that the receipt number exists), failures are rate-limited per address,
 * and the answer carries no personal data (no names, no ID numbers).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import { foldEvents } from '../../../src/domain/submission-machine';
import { FailureLimiter } from '../auth/rate-limit';
import { view } from '../bytes';
import type { CouchClient } from '../store/couch';
import { QUEUE_DB, type QueueFeeder, type QueueItem } from '../queue/feeder';
import { loadRecord } from '../queue/routes';

/** What the projection keeps instead of the pickup code itself. */
export const pickupHash = (receiptNo: string, pickupCode: string): string => createHash('sha256').update(`${receiptNo}:${pickupCode}`).digest('hex');

export function trackRoutes(store: CouchClient, feeder: Pick<QueueFeeder, 'matterNameEn'>): Router {
  const router = express.Router();
  const limiter = new FailureLimiter(10, 10 * 60_000);

  router.get('/', async (req, res, next) => {
    try {
      const ip = req.ip ?? 'unknown';
      const wait = limiter.blockedFor(ip);
      if (wait > 0) {
        res.set('retry-after', String(Math.ceil(wait / 1000)));
        return void res.status(429).json({ error: 'too_many_requests', reason: `查询次数过多，请 ${Math.ceil(wait / 60_000)} 分钟后再试 Too many attempts` });
      }
      const receiptNo = typeof req.query.receiptNo === 'string' ? req.query.receiptNo.trim().toUpperCase() : '';
      const pickupCode = typeof req.query.pickupCode === 'string' ? req.query.pickupCode.trim() : '';
      const notFound = (): void => {
        limiter.fail(ip);
        res.status(404).json({ error: 'not_found', reason: '回执号或取件码不正确 No submission matches this receipt number and pickup code' });
      };
      if (!/^[0-9A-Z-]{8,40}$/.test(receiptNo) || !/^\d{6}$/.test(pickupCode)) return notFound();
      const { docs } = await store.find<QueueItem & { pickupHash?: string }>(QUEUE_DB, { selector: { receiptNo }, use_index: 'idx-receipt', limit: 2 });
      const item = docs[0];
      const expected = Buffer.from(item?.pickupHash ?? '0'.repeat(64), 'hex');
      const given = Buffer.from(pickupHash(receiptNo, pickupCode), 'hex');
      if (!item || docs.length !== 1 || !timingSafeEqual(view(expected), view(given))) return notFound();
      const record = await loadRecord(store, item.stationId, item.submissionId);
      if (!record) return notFound();
      const folded = foldEvents(record.events, record.submission);
      res.setHeader('cache-control', 'no-store');
      res.json({
        receiptNo,
        matterName: item.matterName,
        ...(await feeder.matterNameEn(item.matterId).then((en) => (en ? { matterNameEn: en } : {}))),
        state: folded.state,
        dueDate: item.dueDate,
        steps: folded.applied.map((e) => ({ action: e.action, at: e.serverAt ?? e.at, ...(e.action === 'deliver' ? { method: e.method } : {}) })),
        outstanding: folded.status.outstanding.length,
        canRate: folded.state === 'delivered',
      });
    } catch (e) {
      next(e);
    }
  });
  return router;
}
