/**
 * Server-side sessions. The cookie holds a random token; the store keeps only its SHA-256 (a leaked
 * sessions database cannot be replayed). Sessions survive a server restart; an in-process cache keeps
 * replication traffic (many small requests) from reading the store each time.
 *
 * The cache is kept rather than dropped because a session read per request would add a store round trip to
 * every proxied replication request, and the store's round trips are what bounds throughput (README,
 * Performance). It stays correct across processes because every process follows `lxe-sessions`' `_changes`
 * with one long-poll and evicts each session whose document changed (a password reset or sign-out anywhere,
 * the admin command line included); the revoking process also evicts its own at once. While the feed is not
 * known to be following (start-up, store trouble), nothing is cached and every lookup reads the store.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { CouchClient } from '../store/couch';
import type { Account } from './accounts';

export const SESSIONS_DB = 'lxe-sessions';
export const SESSION_COOKIE = 'lxe_session';
/** How long `stop` waits for the feed's last request to come back. */
const STOP_WAIT_MS = 2_000;

/** A backstop only: changes evict at once (see above). */
const CACHE_MS = 30_000;

export interface Session {
  username: string;
  role: Account['role'];
  stationId?: string | undefined;
  uscc?: string | undefined;
  /** Display name of the station (for receipts), captured at sign-in. */
  stationName?: string | undefined;
  displayName?: string | undefined;
  /** As the account had them at sign-in (for the UI; guards read the account itself). */
  permissions?: string[] | undefined;
  expiresAt: number;
}

interface SessionDoc extends Session {
  _id: string;
  _rev?: string;
}

/** The session's document id: the SHA-256 of its token (what the store keeps). */
export const tokenKey = (token: string): string => 'session:' + createHash('sha256').update(token).digest('hex');

export class SessionStore {
  private readonly cache = new Map<string, { session: Session | undefined; at: number }>();
  /** Bumped by every eviction: a lookup whose store read overlapped one does not cache what it read. */
  private generation = 0;
  /** Whether the `_changes` feed is known to be following; the cache is used only then. */
  private following = false;
  private readonly abort = new AbortController();
  private feed: Promise<void> | undefined;

  constructor(
    private readonly store: CouchClient,
    private readonly ttlMs: number,
  ) {}

  /** Start following the sessions database (one long-poll); until then nothing is cached. */
  follow(log?: Logger): void {
    this.feed ??= this.run(log);
  }

  /**
   * Stop following. The feed's request is aborted, but a long-poll already answered can sit in the HTTP
   * client's body read past its abort (seen with the embedded store now and then): wait for it briefly, not
   * forever — the loop ends on its own once that read returns, and nothing after it touches the store.
   */
  async stop(): Promise<void> {
    this.abort.abort();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.feed, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** Forget cached sessions by document id (`session:<hash>`), e.g. right after this process revoked them. */
  evict(ids: Iterable<string>): void {
    this.generation++;
    for (const id of ids) this.cache.delete(id);
  }

  private async run(log: Logger | undefined): Promise<void> {
    const signal = this.abort.signal;
    let since: string | number | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (since === undefined) {
          // Start from now: nothing is cached yet, so nothing earlier can be stale.
          since = (await this.store.json<{ update_seq: string | number }>('GET', `/${SESSIONS_DB}`, undefined, signal)).update_seq;
        }
        // After a gap, first catch up without waiting; only then is the cache trusted again.
        const feed = this.following ? 'longpoll' : 'normal';
        const qs = new URLSearchParams({ feed, since: String(since), timeout: '25000', limit: '1000' });
        const changes = await this.store.json<{ results: { id: string }[]; last_seq: string | number }>('GET', `/${SESSIONS_DB}/_changes?${qs}`, undefined, signal);
        if (changes.results.length) this.evict(changes.results.map((c) => c.id));
        since = changes.last_seq;
        // A full page may have more behind it: stay in catch-up until a page comes back short.
        this.following = changes.results.length < 1000;
        failures = 0;
      } catch (e) {
        if (signal.aborted) break;
        this.following = false;
        this.evict([...this.cache.keys()]);
        failures++;
        log?.warn({ err: e, failures }, 'sessions: changes feed failed, reading sessions from the store until it is back');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    }
    this.following = false;
  }

  async create(account: Account, stationName?: string): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const session: Session = {
      username: account.username,
      role: account.role,
      stationId: account.stationId,
      uscc: account.uscc,
      stationName,
      displayName: account.displayName,
      permissions: account.permissions,
      expiresAt: Date.now() + this.ttlMs,
    };
    await this.store.put(SESSIONS_DB, { _id: tokenKey(token), ...session });
    return { token, session };
  }

  async lookup(token: string | undefined): Promise<Session | undefined> {
    if (!token || token.length > 100) return undefined;
    const key = tokenKey(token);
    const cached = this.following ? this.cache.get(key) : undefined;
    let session: Session | undefined;
    if (cached && Date.now() - cached.at < CACHE_MS) {
      session = cached.session;
    } else {
      const generation = this.generation;
      const doc = await this.store.get<SessionDoc>(SESSIONS_DB, key);
      session = doc ? { username: doc.username, role: doc.role, stationId: doc.stationId, uscc: doc.uscc, stationName: doc.stationName, displayName: doc.displayName, permissions: doc.permissions, expiresAt: doc.expiresAt } : undefined;
      if (this.cache.size > 10_000) this.cache.clear();
      // What was read before an eviction may be what was just revoked: read again next time instead.
      if (this.following && generation === this.generation) this.cache.set(key, { session, at: Date.now() });
    }
    return session && session.expiresAt > Date.now() ? session : undefined;
  }

  async destroy(token: string | undefined): Promise<void> {
    if (!token) return;
    const key = tokenKey(token);
    this.evict([key]);
    const doc = await this.store.get<SessionDoc>(SESSIONS_DB, key);
    if (doc?._rev) await this.store.json('DELETE', `/${SESSIONS_DB}/${encodeURIComponent(key)}?rev=${doc._rev}`);
    // Again once it is gone: a lookup may have cached it between the first eviction and the delete.
    this.evict([key]);
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
