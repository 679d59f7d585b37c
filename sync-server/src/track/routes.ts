/** `/api/track`: public progress by receipt number and pickup code. Not built yet in this slice: always 404. */
import express, { type Router } from 'express';

export function trackRoutes(): Router {
  const router = express.Router();
  router.get('/', (_req, res) => void res.status(404).json({ error: 'not_found', reason: 'no submission matches this receipt number and pickup code' }));
  return router;
}
