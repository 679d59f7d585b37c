/**
 * Server-side sessions. The cookie holds a random token; the store keeps only its SHA-256 (a leaked
 * sessions database cannot be replayed). Sessions survive a server restart; a short in-process cache keeps
 * replication traffic (many small requests) from reading the store each time.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { CouchClient } from '../store/couch';
import type { Account } from './accounts';

export const SESSIONS_DB = 'lxe-sessions';
export const SESSION_COOKIE = 'lxe_session';
const CACHE_MS = 30_000;

export interface Session {
  username: string;
  role: Account['role'];
  stationId?: string | undefined;
  uscc?: string | undefined;
  /** Display name of the station (for receipts), captured at sign-in. */
  stationName?: string | undefined;
  displayName?: string | undefined;
  expiresAt: number;
}

interface SessionDoc extends Session {
  _id: string;
  _rev?: string;
}

const tokenKey = (token: string): string => 'session:' + createHash('sha256').update(token).digest('hex');

export class SessionStore {
  private readonly cache = new Map<string, { session: Session | undefined; at: number }>();

  constructor(
    private readonly store: CouchClient,
    private readonly ttlMs: number,
  ) {}

  async create(account: Account, stationName?: string): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const session: Session = {
      username: account.username,
      role: account.role,
      stationId: account.stationId,
      uscc: account.uscc,
      stationName,
      displayName: account.displayName,
      expiresAt: Date.now() + this.ttlMs,
    };
    await this.store.put(SESSIONS_DB, { _id: tokenKey(token), ...session });
    return { token, session };
  }

  async lookup(token: string | undefined): Promise<Session | undefined> {
    if (!token || token.length > 100) return undefined;
    const key = tokenKey(token);
    const cached = this.cache.get(key);
    let session: Session | undefined;
    if (cached && Date.now() - cached.at < CACHE_MS) {
      session = cached.session;
    } else {
      const doc = await this.store.get<SessionDoc>(SESSIONS_DB, key);
      session = doc ? { username: doc.username, role: doc.role, stationId: doc.stationId, uscc: doc.uscc, stationName: doc.stationName, displayName: doc.displayName, expiresAt: doc.expiresAt } : undefined;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { session, at: Date.now() });
    }
    return session && session.expiresAt > Date.now() ? session : undefined;
  }

  async destroy(token: string | undefined): Promise<void> {
    if (!token) return;
    const key = tokenKey(token);
    this.cache.delete(key);
    const doc = await this.store.get<SessionDoc>(SESSIONS_DB, key);
    if (doc?._rev) await this.store.json('DELETE', `/${SESSIONS_DB}/${encodeURIComponent(key)}?rev=${doc._rev}`);
  }
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      // A malformed value is no session, not a server error (else one bad cookie locks a browser out).
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function setSessionCookie(req: Request, res: Response, token: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: '/',
    maxAge: maxAgeMs,
  });
}
