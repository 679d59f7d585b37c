/**
 * `/api/admin`: stations and accounts, for the `admin` role only (the caller applies the session middleware).
 *
 * - `GET /stations` → `200 {stations: [...]}`
 * - `POST /stations` `{id, name, nameEn, kind, district, buildings?}` → `201 {station}` (and its database);
 *   `409` if the id is taken
 * - `GET /accounts` → `200 {accounts: [...]}`, never with password hashes
 * - `POST /accounts` `{username, password, role, stationId?, uscc?, displayName?}` → `201 {account}`;
 *   `409` if the username is taken
 * - `POST /accounts/:username/password` `{password}` → `200 {ok, username, revokedSessions}`: the account is
 *   signed out everywhere
 * - `PATCH /stations/:id` `{name?, nameEn?, district?, buildings?, schedule?}` → `200 {station}`
 * - `POST /stations/:id/retire` → `200 {station, revokedSessions}`: its accounts are signed out and cannot sign in
 * - `POST /accounts/:username/disable` | `/enable` → `200 {account, revokedSessions}`: disabling signs it out
 *   everywhere, at once, and it cannot sign in until enabled
 * - `PUT /accounts/:username/permissions` `{permissions: ['catalog']}` → `200 {account}` (hall accounts only)
 *
 * Every refusal is a 4xx `{error, reason}`; validation is shared with the command line (`service.ts`).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Audit } from '../audit/sink';
import { requireRole } from '../auth/routes';
import type { CouchClient } from '../store/couch';
import { AdminError, createAccountChecked, createStation, getAccounts, getStations, resetPassword, retireStation, setAccountDisabled, setPermissions, updateStation } from './service';

const parseJson = express.json({ limit: '16kb', strict: true });

/** A JSON body or a clear 4xx, whatever the app's own error handler would say. */
function jsonBody(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('application/json')) {
    req.resume();
    res.status(415).json({ error: 'unsupported_media_type', reason: 'send a JSON body with Content-Type: application/json' });
    return;
  }
  parseJson(req, res, (err?: unknown) => {
    if (!err) return next();
    const status = (err as { status?: number }).status;
    if (status === 413) res.status(413).json({ error: 'too_large', reason: 'request body over 16 KiB' });
    else res.status(400).json({ error: 'bad_request', reason: 'the body is not valid JSON' });
  });
}

export function adminRoutes(store: CouchClient, log: Logger, audit: Audit, onStationCreated?: (id: string) => void, onSessionsRevoked?: (sessionIds: string[]) => void): Router {
  const router = express.Router();
  router.use(requireRole('admin'));

  const by = (req: Request): string => req.session?.username ?? 'unknown';

  router.get('/stations', async (_req, res, next) => {
    try {
      res.json({ stations: await getStations(store) });
    } catch (e) {
      next(e);
    }
  });

  router.post('/stations', jsonBody, async (req, res, next) => {
    try {
      const station = await createStation(store, req.body);
      audit({ audit: 'admin', action: 'createStation', by: by(req), station: station.id });
      try {
        onStationCreated?.(station.id);
      } catch (e) {
        // The station exists either way; the feeder picks it up at the next start at the latest.
        log.error({ err: e, station: station.id }, 'onStationCreated failed');
      }
      res.status(201).json({ station });
    } catch (e) {
      next(e);
    }
  });

  router.patch('/stations/:id', jsonBody, async (req, res, next) => {
    try {
      const station = await updateStation(store, req.params.id, req.body);
      audit({ audit: 'admin', action: 'updateStation', by: by(req), station: station.id, fields: Object.keys(req.body as object) });
      res.json({ station });
    } catch (e) {
      next(e);
    }
  });

  router.post('/stations/:id/retire', async (req, res, next) => {
    try {
      const result = await retireStation(store, req.params.id, onSessionsRevoked);
      audit({ audit: 'admin', action: 'retireStation', by: by(req), station: result.station.id, revokedSessions: result.revokedSessions });
      res.json(result);
    } catch (e) {
      next(e);
    }
  });

  for (const action of ['disable', 'enable'] as const) {
    router.post(`/accounts/:username/${action}`, async (req, res, next) => {
      try {
        const result = await setAccountDisabled(store, req.params.username, action === 'disable', onSessionsRevoked);
        audit({ audit: 'admin', action: action === 'disable' ? 'disableAccount' : 'enableAccount', by: by(req), username: result.account.username, revokedSessions: result.revokedSessions });
        res.json(result);
      } catch (e) {
        next(e);
      }
    });
  }

  router.get('/accounts', async (_req, res, next) => {
    try {
      res.json({ accounts: await getAccounts(store) });
    } catch (e) {
      next(e);
    }
  });

  router.post('/accounts', jsonBody, async (req, res, next) => {
    try {
      const account = await createAccountChecked(store, req.body);
      audit({ audit: 'admin', action: 'createAccount', by: by(req), username: account.username, role: account.role, station: account.stationId, uscc: account.uscc });
      res.status(201).json({ account });
    } catch (e) {
      next(e);
    }
  });

  router.put('/accounts/:username/permissions', jsonBody, async (req, res, next) => {
    try {
      const account = await setPermissions(store, req.params.username, req.body);
      audit({ audit: 'admin', action: 'setPermissions', by: by(req), username: account.username, permissions: account.permissions ?? [] });
      res.json({ account });
    } catch (e) {
      next(e);
    }
  });

  router.post('/accounts/:username/password', jsonBody, async (req, res, next) => {
    try {
      const result = await resetPassword(store, req.params.username, req.body, onSessionsRevoked);
      audit({ audit: 'admin', action: 'resetPassword', by: by(req), username: result.username, revokedSessions: result.revokedSessions });
      res.json({ ok: true, ...result });
    } catch (e) {
      next(e);
    }
  });

  router.use((req, res) => {
    res.status(404).json({ error: 'not_found', reason: `no admin API ${req.method} ${req.path}` });
  });

  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof AdminError)) return next(err);
    audit({ audit: 'admin', outcome: 'refused', by: by(req), method: req.method, path: req.path, status: err.status, reason: err.reason }, 'warn');
    res.status(err.status).json({ error: err.error, reason: err.reason });
  });

  return router;
}
