/** The enterprise account's own submissions (by its USCC) and 好差评, once per delivered submission. */
import express, { type Router } from 'express';
import { ratingRequestSchema, type EnterpriseSubmission } from '../../../src/domain/api-contract';
import { describeIssues, eventDocSchema, eventId, RATING_EVENT_SUFFIX } from '../../../src/domain/documents';
import { applyEvent, foldEvents } from '../../../src/domain/submission-machine';
import { requireRole } from '../auth/routes';
import { StoreError, type CouchClient } from '../store/couch';
import type { QueueFeeder } from '../queue/feeder';
import { appendEvent, findByUscc, loadRecord, queueItem, resultNumbers } from '../queue/projection';
import type { Audit } from '../audit/sink';

export function enterpriseRoutes(store: CouchClient, feeder: QueueFeeder, audit: Audit): Router {
  const router = express.Router();
  router.use(requireRole('enterprise'));

  router.get('/submissions', async (req, res, next) => {
    try {
      const docs = await findByUscc(store, req.session!.uscc, 200);
      // Only what the enterprise needs: no applicant ID numbers, no internal ids of other parties.
      // The submission keeps the Chinese name it was taken in under; the English one comes from the catalog.
      const namesEn = new Map(await Promise.all([...new Set(docs.map((d) => d.matterId))].map(async (id) => [id, await feeder.matterNameEn(id)] as const)));
      const submissions = docs.map((d): EnterpriseSubmission => {
        const matterNameEn = namesEn.get(d.matterId);
        return {
          submissionId: d.submissionId,
          receiptNo: d.receiptNo,
          matterName: d.matterName,
          ...(matterNameEn ? { matterNameEn } : {}),
          state: d.state,
          createdAt: d.createdAt,
          dueDate: d.dueDate,
          rating: d.rating,
          outstanding: d.outstanding.length,
          ...resultNumbers(d.certificateNo, d.delivery),
        };
      });
      res.json({ submissions });
    } catch (e) {
      next(e);
    }
  });

  router.post('/submissions/:id/rating', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const submissionId = `submission:${req.params.id ?? ''}`;
      const item = await queueItem(store, submissionId);
      // Someone else's submission looks exactly like a missing one.
      if (!item || item.uscc !== req.session!.uscc) return void res.status(404).json({ error: 'not_found', reason: 'no such submission of yours' });
      const record = await loadRecord(store, item.stationId, submissionId);
      if (!record) return void res.status(404).json({ error: 'not_found', reason: 'no such submission of yours' });
      const request = ratingRequestSchema.safeParse(req.body);
      if (!request.success) return void res.status(400).json({ error: 'bad_request', reason: describeIssues(request.error) });
      const body = request.data;
      const now = new Date().toISOString();
      const parsed = eventDocSchema.safeParse({
        // One fixed id: of concurrent ratings the store keeps exactly one.
        _id: eventId(submissionId, RATING_EVENT_SUFFIX),
        type: 'event',
        action: 'rate',
        submissionId,
        stationId: item.stationId,
        actor: req.session!.username,
        role: 'enterprise',
        at: now,
        serverAt: now,
        rating: body.rating,
        ...(body.comment?.trim() ? { comment: body.comment.trim() } : {}),
      });
      if (!parsed.success) return void res.status(400).json({ error: 'bad_request', reason: describeIssues(parsed.error) });
      const applied = applyEvent(foldEvents(record.events, record.submission).status, parsed.data);
      if (!applied.ok) return void res.status(409).json({ error: 'conflict', reason: applied.error.includes('rated') ? '已评价过 Already rated' : `暂不能评价 Cannot rate yet: ${applied.error}` });
      await appendEvent(store, parsed.data);
      audit({ audit: 'rating', user: req.session!.username, submissionId, rating: parsed.data.action === 'rate' ? parsed.data.rating : undefined });
      await feeder.schedule(item.stationId, submissionId);
      res.status(201).json({ ok: true } as const);
    } catch (e) {
      if (e instanceof StoreError && e.status === 409) return void res.status(409).json({ error: 'conflict', reason: '已评价过 Already rated' });
      next(e);
    }
  });
  return router;
}
