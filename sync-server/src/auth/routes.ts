/** `/api/session`: sign in, who am I, sign out. Also the `requireSession` middleware. */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Audit } from '../audit/sink';
import { signInRequestSchema, type SessionInfo } from '../../../src/domain/api-contract';
import { ACCOUNT_PERMISSIONS, type AccountPermission } from '../../../src/domain/documents';
import type { CouchClient } from '../store/couch';
import { findAccount, STATIONS_DB, type StationDoc } from './accounts';
import { verifyPassword } from './passwords';
import { SharedFailureLimiter } from './rate-limit';
import { readCookie, SESSION_COOKIE, setSessionCookie, type Session, type SessionStore } from './sessions';

declare module 'express-serve-static-core' {
  interface Request {
    session?: Session;
  }
}

// A fixed hash so unknown usernames cost the same time as known ones (no account enumeration by timing).
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** What the server tells devices along with the session (cached with it, so it applies offline too). */
export interface DevicePolicy {
  /** Days after the hall's decision that a station device keeps a submission's personal fields. */
  purgeAfterDays: number;
}

export function publicSession(s: Session, policy: DevicePolicy): SessionInfo {
  return {
    username: s.username,
    role: s.role,
    ...(s.stationId ? { station: s.stationId } : {}),
    ...(s.uscc ? { uscc: s.uscc } : {}),
    ...(s.stationName ? { stationName: s.stationName } : {}),
    ...(s.displayName ? { displayName: s.displayName } : {}),
    ...(s.permissions?.length ? { permissions: s.permissions.filter((p): p is AccountPermission => (ACCOUNT_PERMISSIONS as readonly string[]).includes(p)) } : {}),
    expiresAt: new Date(s.expiresAt).toISOString(),
    purgeAfterDays: policy.purgeAfterDays,
  };
}

export function sessionMiddleware(sessions: SessionStore) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    try {
      req.session = await sessions.lookup(readCookie(req, SESSION_COOKIE));
      next();
    } catch (e) {
      next(e);
    }
  };
}

export function requireRole(...roles: Session['role'][]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.session) {
      res.status(401).json({ error: 'unauthorized', reason: 'sign in first (session missing or expired)' });
    } else if (roles.length && !roles.includes(req.session.role)) {
      res.status(403).json({ error: 'forbidden', reason: `the ${req.session.role} role may not do this` });
    } else next();
  };
}

export function sessionRoutes(store: CouchClient, sessions: SessionStore, ttlMs: number, audit: Audit, policy: DevicePolicy): Router {
  const router = express.Router();
  // Counted in the store, so several server processes behind one port count one set of failures.
  const perUser = new SharedFailureLimiter(store, 'signin-user', 5, 15 * 60_000);
  const perAddress = new SharedFailureLimiter(store, 'signin-address', 50, 15 * 60_000);

  router.post('/', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const parsed = signInRequestSchema.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ error: 'bad_request', reason: 'username and password are required' });
        return;
      }
      const { username, password } = parsed.data;
      const ip = req.ip ?? 'unknown';
      const userKey = `${ip}|${username.toLowerCase()}`;
      const [byUser, byAddress] = await Promise.all([perUser.blockedFor(userKey), perAddress.blockedFor(ip)]);
      const wait = Math.max(byUser, byAddress);
      if (wait > 0) {
        res.set('retry-after', String(Math.ceil(wait / 1000)));
        res.status(429).json({ error: 'too_many_requests', reason: `too many failed sign-ins; try again in ${Math.ceil(wait / 60_000)} min` });
        audit({ audit: 'signin', username, ip, outcome: 'locked' }, 'warn');
        return;
      }
      const account = await findAccount(store, username.toLowerCase());
      const ok = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
      if (!account || !ok) {
        await Promise.all([perUser.fail(userKey), perAddress.fail(ip)]);
        audit({ audit: 'signin', username, ip, outcome: 'failed' }, 'warn');
        res.status(401).json({ error: 'unauthorized', reason: 'wrong username or password' });
        return;
      }
      await perUser.reset(userKey);
      const station = account.stationId ? await store.get<StationDoc>(STATIONS_DB, `station:${account.stationId}`) : undefined;
      // Said only after the right password, so it tells nothing to someone guessing.
      if (account.disabled || station?.retiredAt) {
        audit({ audit: 'signin', username, ip, outcome: account.disabled ? 'disabled' : 'stationRetired' }, 'warn');
        res.status(403).json({ error: 'forbidden', reason: account.disabled ? 'this account is disabled; ask your administrator' : 'this station is closed; ask your administrator' });
        return;
      }
      const { token, session } = await sessions.create(account, station?.name);
      setSessionCookie(req, res, token, ttlMs);
      audit({ audit: 'signin', username, role: account.role, station: account.stationId, ip, outcome: 'ok' });
      res.json(publicSession(session, policy));
    } catch (e) {
      next(e);
    }
  });

  router.get('/', (req, res) => {
    if (!req.session) res.status(401).json({ error: 'unauthorized', reason: 'not signed in' });
    else res.json(publicSession(req.session, policy));
  });

  router.delete('/', async (req, res, next) => {
    try {
      await sessions.destroy(readCookie(req, SESSION_COOKIE));
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.json({ ok: true } as const);
    } catch (e) {
      next(e);
    }
  });
  return router;
}
