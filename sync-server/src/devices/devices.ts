/**
 * The station device fleet. Each station device sends a small heartbeat when it syncs (`POST
 * /api/devices/heartbeat`, station session); the server keeps one `device:<id>` document per device in
 * `lxe-devices`, with the station taken from the session, never from the body. The console reads the fleet
 * (`GET /api/admin/devices`) with what needs attention (`deviceAttention`), and can retire a lost device
 * (`POST /api/admin/devices/:id/retire`): the sessions it sent heartbeats with end at once, and its next
 * heartbeat is answered `{retired: true}` — also without a session, so a device whose session was ended still
 * learns it must push what it has and wipe itself. That answer tells nothing but "this id is retired".
 */
import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Audit } from '../audit/sink';
import { DEVICE_ID_PATTERN, deviceAttention, heartbeatSchema, type Attention, type DeviceRecord } from '../../../src/domain/devices';
import { describeIssues } from '../../../src/domain/documents';
import { requireRole } from '../auth/routes';
import { readCookie, SESSION_COOKIE, SESSIONS_DB, tokenKey } from '../auth/sessions';
import type { CouchClient } from '../store/couch';

export const DEVICES_DB = 'lxe-devices';
/** Sessions remembered per device, newest last (enough for a device signed in again a few times). */
const SESSIONS_KEPT = 10;

/** The version of this build: the app served from here is the current one. */
export const SERVER_APP_VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface DeviceDoc extends DeviceRecord {
  _id: string;
  _rev?: string;
  type: 'device';
  /** Session document ids (`session:<sha256 of the token>`) the device's heartbeats came with. */
  sessions: string[];
}

export interface FleetDevice extends DeviceRecord {
  attention: Attention[];
}

const deviceKey = (id: string): string => `device:${id}`;
const parseJson = express.json({ limit: '4kb', strict: true });

function jsonBody(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('application/json')) {
    req.resume();
    return void res.status(415).json({ error: 'unsupported_media_type', reason: 'send a JSON body with Content-Type: application/json' });
  }
  parseJson(req, res, (err?: unknown) => (err ? void res.status(400).json({ error: 'bad_request', reason: 'the body is not valid JSON (at most 4 KiB)' }) : next()));
}

/** The public form: the session hashes stay on the server. */
function record(doc: DeviceDoc): DeviceRecord {
  const { _id: _i, _rev: _r, type: _t, sessions: _s, ...rest } = doc;
  return rest;
}

/** `POST /heartbeat` for station devices. */
export function deviceRoutes(store: CouchClient, audit: Audit): Router {
  const router = express.Router();
  router.post('/heartbeat', jsonBody, async (req, res, next) => {
    try {
      const parsed = heartbeatSchema.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ error: 'bad_request', reason: describeIssues(parsed.error) });
      const beat = parsed.data;
      const existing = await store.get<DeviceDoc>(DEVICES_DB, deviceKey(beat.deviceId));
      if (existing?.retiredAt) {
        audit({ audit: 'device', action: 'heartbeat', outcome: 'retired', device: beat.deviceId, station: existing.stationId, by: req.session?.username }, 'warn');
        return void res.json({ retired: true });
      }
      const session = req.session;
      if (!session) return void res.status(401).json({ error: 'unauthorized', reason: 'sign in first (session missing or expired)' });
      if (session.role !== 'station' || !session.stationId) return void res.status(403).json({ error: 'forbidden', reason: `the ${session.role} role has no station device` });
      const stationId = session.stationId;
      const sessionId = tokenKey(readCookie(req, SESSION_COOKIE) ?? '');
      const now = new Date();
      let refused: 'otherStation' | 'retired' | undefined;
      await store.upsert<DeviceDoc>(DEVICES_DB, deviceKey(beat.deviceId), (old) => {
        refused = old && old.stationId !== stationId ? 'otherStation' : old?.retiredAt ? 'retired' : undefined;
        if (refused) return undefined;
        return {
          _id: deviceKey(beat.deviceId),
          type: 'device',
          deviceId: beat.deviceId,
          stationId,
          appVersion: beat.appVersion,
          ...(beat.lastSyncAt ? { lastSyncAt: beat.lastSyncAt } : old?.lastSyncAt ? { lastSyncAt: old.lastSyncAt } : {}),
          waiting: beat.waiting,
          ...(beat.storage ? { storage: beat.storage } : {}),
          lastSeenAt: now.toISOString(),
          clockOffsetMs: Date.parse(beat.sentAt) - now.getTime(),
          username: session.username,
          sessions: [...(old?.sessions ?? []).filter((s) => s !== sessionId), sessionId].slice(-SESSIONS_KEPT),
        };
      });
      if (refused === 'retired') return void res.json({ retired: true });
      if (refused === 'otherStation') {
        audit({ audit: 'device', action: 'heartbeat', outcome: 'refused', device: beat.deviceId, station: stationId, by: session.username }, 'warn');
        return void res.status(403).json({ error: 'forbidden', reason: 'this device belongs to another station' });
      }
      res.json({ retired: false, serverTime: now.toISOString() });
    } catch (e) {
      next(e);
    }
  });
  return router;
}

export async function listDevices(store: CouchClient, now = new Date()): Promise<FleetDevice[]> {
  const { rows } = await store.allDocs<DeviceDoc>(DEVICES_DB, { startkey: 'device:', endkey: 'device:\ufff0', include_docs: true });
  return rows
    .flatMap((r) => (r.doc?.type === 'device' ? [{ ...record(r.doc), attention: deviceAttention(r.doc, now, SERVER_APP_VERSION) }] : []))
    .sort((a, b) => a.stationId.localeCompare(b.stationId) || b.lastSeenAt.localeCompare(a.lastSeenAt));
}

/** `GET /` and `POST /:id/retire` under `/api/admin/devices`, for the `admin` role. */
export function deviceAdminRoutes(store: CouchClient, audit: Audit, onSessionsRevoked?: (sessionIds: string[]) => void): Router {
  const router = express.Router();
  router.use(requireRole('admin'));

  router.get('/', async (_req, res, next) => {
    try {
      res.json({ serverAppVersion: SERVER_APP_VERSION, devices: await listDevices(store) });
    } catch (e) {
      next(e);
    }
  });

  router.post('/:id/retire', async (req, res, next) => {
    try {
      const id = req.params.id;
      if (!DEVICE_ID_PATTERN.test(id)) return void res.status(404).json({ error: 'not_found', reason: 'no such device' });
      let doc: DeviceDoc | undefined;
      await store.upsert<DeviceDoc>(DEVICES_DB, deviceKey(id), (old) => {
        doc = old && !old.retiredAt ? { ...old, retiredAt: new Date().toISOString() } : old;
        return old && !old.retiredAt ? doc : undefined;
      });
      if (!doc) return void res.status(404).json({ error: 'not_found', reason: 'no such device' });
      const revokedSessions = await revoke(store, doc.sessions);
      onSessionsRevoked?.(doc.sessions);
      audit({ audit: 'admin', action: 'retireDevice', by: req.session?.username, device: id, station: doc.stationId, revokedSessions });
      res.json({ device: { ...record(doc), attention: [] }, revokedSessions });
    } catch (e) {
      next(e);
    }
  });
  return router;
}

/** Delete the sessions by id; those already gone count for nothing. */
async function revoke(store: CouchClient, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const { rows } = await store.allDocs<unknown>(SESSIONS_DB, { keys: ids });
  const live = rows.flatMap((r) => (r.value?.rev && !r.value.deleted ? [{ _id: r.id, _rev: r.value.rev, _deleted: true }] : []));
  if (live.length) await store.bulkDocs(SESSIONS_DB, live);
  return live.length;
}
