/**
 * 进度查询 without sign-in: receipt number + pickup code → the plain-language timeline. Any mismatch is the same
 * 404 (a guess learns nothing, not even that the receipt number exists), failures are rate-limited per address
 * and per receipt number (guesses spread over many addresses still meet the second), and the answer carries no
 * personal data (no names, no ID numbers).
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type { TrackResult } from '../../../src/domain/api-contract';
import { foldEvents } from '../../../src/domain/submission-machine';
import { SharedFailureLimiter } from '../auth/rate-limit';
import { view } from '../bytes';
import type { CouchClient } from '../store/couch';
import type { QueueFeeder } from '../queue/feeder';
import { findByReceipt, loadRecord, pickupHash, resultNumbers } from '../queue/projection';

export function trackRoutes(store: CouchClient, feeder: Pick<QueueFeeder, 'matterNameEn'>): Router {
  const router = express.Router();
  const perAddress = new SharedFailureLimiter(store, 'track-address', 10, 10 * 60_000);
  // A pickup code has 10^6 values: 10 wrong ones an hour per receipt keeps a distributed guess below 0.03 % a day.
  // While a receipt is locked even the right code is refused, or the lock would tell nothing.
  const perReceipt = new SharedFailureLimiter(store, 'track-receipt', 10, 60 * 60_000);

  router.get('/', async (req, res, next) => {
    try {
      const ip = req.ip ?? 'unknown';
      const receiptNo = typeof req.query.receiptNo === 'string' ? req.query.receiptNo.trim().toUpperCase() : '';
      const pickupCode = typeof req.query.pickupCode === 'string' ? req.query.pickupCode.trim() : '';
      const wellFormed = /^[0-9A-Z-]{8,40}$/.test(receiptNo);
      const [byAddress, byReceipt] = await Promise.all([perAddress.blockedFor(ip), wellFormed ? perReceipt.blockedFor(receiptNo) : 0]);
      if (byAddress > 0 || byReceipt > 0) {
        const wait = Math.max(byAddress, byReceipt);
        const minutes = Math.ceil(wait / 60_000);
        res.set('retry-after', String(Math.ceil(wait / 1000)));
        // `limit` lets the page say which: this receipt number (for everyone) or this address.
        return void res.status(429).json({
          error: 'too_many_requests',
          limit: byReceipt >= byAddress ? 'receipt' : 'address',
          retryAfterMinutes: minutes,
          reason: byReceipt >= byAddress ? `此回执号错误尝试过多，请 ${minutes} 分钟后再试 Too many wrong pickup codes for this receipt number` : `查询次数过多，请 ${minutes} 分钟后再试 Too many attempts`,
        });
      }
      const notFound = async (): Promise<void> => {
        await Promise.all([perAddress.fail(ip), wellFormed ? perReceipt.fail(receiptNo) : undefined]);
        res.status(404).json({ error: 'not_found', reason: '回执号或取件码不正确 No submission matches this receipt number and pickup code' });
      };
      if (!wellFormed || !/^\d{6}$/.test(pickupCode)) return await notFound();
      const docs = await findByReceipt(store, receiptNo, 2);
      const item = docs[0];
      const expected = Buffer.from(item?.pickupHash ?? '0'.repeat(64), 'hex');
      const given = Buffer.from(pickupHash(receiptNo, pickupCode), 'hex');
      if (!item || docs.length !== 1 || !timingSafeEqual(view(expected), view(given))) return await notFound();
      const record = await loadRecord(store, item.stationId, item.submissionId);
      if (!record) return await notFound();
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
        ...resultNumbers(folded.status.certificateNo, folded.status.delivery),
      } satisfies TrackResult);
    } catch (e) {
      next(e);
    }
  });
  return router;
}
