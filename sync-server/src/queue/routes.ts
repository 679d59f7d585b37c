/** Hall API over the queue projection (hall role only). */
import express, { type Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/routes';
import type { CouchClient } from '../store/couch';
import { QUEUE_DB, type QueueItem } from './feeder';

const QUEUE_STATES = ['incomplete', 'received', 'accepted', 'correctionRequested', 'rejected', 'withdrawn'] as const;
const querySchema = z.object({
  state: z.enum(QUEUE_STATES).default('received'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  bookmark: z.string().max(2000).optional(),
});

export function queueRoutes(store: CouchClient): Router {
  const router = express.Router();
  router.use(requireRole('hall', 'admin'));
  router.get('/queue', async (req, res, next) => {
    try {
      const q = querySchema.safeParse(req.query);
      if (!q.success) return void res.status(400).json({ error: 'bad_request', reason: 'state must be a queue state; limit 1..200' });
      const result = await store.find<QueueItem>(QUEUE_DB, {
        selector: { state: q.data.state, receivedAt: { $gte: null } },
        sort: [{ state: 'asc' }, { receivedAt: 'asc' }],
        use_index: 'idx-state-received',
        limit: q.data.limit,
        ...(q.data.bookmark ? { bookmark: q.data.bookmark } : {}),
      });
      res.json({ items: result.docs, bookmark: result.bookmark ?? null });
    } catch (e) {
      next(e);
    }
  });
  return router;
}
