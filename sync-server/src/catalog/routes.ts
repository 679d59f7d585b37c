/**
 * `/api/admin/catalog`: catalog authoring, for the `admin` role and hall accounts with the `catalog` permission
 * (`requireCatalogAuthor`, read from the account at each request so a revoked permission applies at once).
 *
 * - `GET /` → `200` the current catalog as a file (`CatalogFile`, see README "Catalog file"); `?retired=1` adds
 *   `retired: [...]`
 * - `PUT /` a catalog file → `200 CatalogPublished`: the next version; matters not in the file are retired
 * - `PUT /matters/:id` a matter → `200 CatalogPublished`: publishes (or brings back) that matter alone
 * - `POST /matters/:id/retire` → `200 CatalogPublished`
 *
 * A refused publish is `400 {error: 'invalid_catalog', reason, problems: [{path, message}, …]}` with every
 * problem found, and nothing is written. Each publish is audited.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Audit } from '../audit/sink';
import { findAccount } from '../auth/accounts';
import { requireRole } from '../auth/routes';
import type { CouchClient } from '../store/couch';
import type { CatalogRefusal } from '../../../src/domain/api-contract';
import { CatalogRefused, exportCatalog, publishCatalog, publishMatter, retireMatter } from './service';

/** A district catalog (hundreds of matters with their guides) is a few MB at most. */
const MAX_CATALOG_BYTES = 8 * 1024 * 1024;

/** Admins, and hall officers whose account holds the `catalog` permission. */
export function requireCatalogAuthor(store: CouchClient) {
  const signedIn = requireRole();
  return (req: Request, res: Response, next: NextFunction): void =>
    signedIn(req, res, () => {
      const session = req.session!;
      if (session.role === 'admin') return next();
      if (session.role !== 'hall') return void res.status(403).json({ error: 'forbidden', reason: `the ${session.role} role may not edit the catalog` });
      findAccount(store, session.username).then(
        (account) => {
          if (account && !account.disabled && account.permissions?.includes('catalog')) next();
          else res.status(403).json({ error: 'forbidden', reason: 'this hall account lacks the catalog permission (an admin grants it)' });
        },
        (e: unknown) => next(e),
      );
    });
}

export function catalogRoutes(store: CouchClient, audit: Audit): Router {
  const router = express.Router();
  router.use(requireCatalogAuthor(store));
  const parseJson = express.json({ limit: MAX_CATALOG_BYTES, strict: true });
  const body = (req: Request, res: Response, next: NextFunction): void => {
    if (!req.is('application/json')) {
      req.resume();
      return void res.status(415).json({ error: 'unsupported_media_type', reason: 'send a JSON body with Content-Type: application/json' });
    }
    parseJson(req, res, (err?: unknown) => {
      if (!err) return next();
      if ((err as { status?: number }).status === 413) res.status(413).json({ error: 'too_large', reason: `a catalog over ${MAX_CATALOG_BYTES / 1024 / 1024} MB` });
      else res.status(400).json({ error: 'bad_request', reason: 'the body is not valid JSON' });
    });
  };
  const by = (req: Request): string => req.session?.username ?? 'unknown';

  router.get('/', async (req, res, next) => {
    try {
      res.json(await exportCatalog(store, req.query.retired === '1'));
    } catch (e) {
      next(e);
    }
  });

  router.put('/', body, async (req, res, next) => {
    try {
      const result = await publishCatalog(store, req.body, by(req));
      audit({ audit: 'catalog', action: 'publishCatalog', by: by(req), ...result });
      res.json(result);
    } catch (e) {
      next(e);
    }
  });

  router.put('/matters/:id', body, async (req, res, next) => {
    try {
      const result = await publishMatter(store, req.params.id!, req.body, by(req));
      audit({ audit: 'catalog', action: 'publishMatter', by: by(req), matter: req.params.id, ...result });
      res.json(result);
    } catch (e) {
      next(e);
    }
  });

  router.post('/matters/:id/retire', async (req, res, next) => {
    try {
      const result = await retireMatter(store, req.params.id!, by(req));
      audit({ audit: 'catalog', action: 'retireMatter', by: by(req), matter: req.params.id, ...result });
      res.json(result);
    } catch (e) {
      next(e);
    }
  });

  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof CatalogRefused)) return next(err);
    audit({ audit: 'catalog', outcome: 'refused', by: by(req), method: req.method, path: req.path, problems: err.problems.length }, 'warn');
    const answer: CatalogRefusal = { error: 'invalid_catalog', reason: `not published: ${err.problems.length} problem(s); nothing changed`, problems: err.problems };
    res.status(400).json(answer);
  });
  return router;
}
