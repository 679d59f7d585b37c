import { createHash } from 'node:crypto';
import { StoreError, type CouchClient } from '../store/couch';

/** Fixed-window failure counter, in this process only (see SharedFailureLimiter for the one all processes share). */
export class FailureLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until `key` may try again, 0 if it may now. */
  blockedFor(key: string, now = Date.now()): number {
    const entry = this.failures.get(key);
    if (!entry || now - entry.since >= this.windowMs) return 0;
    return entry.count >= this.max ? this.windowMs - (now - entry.since) : 0;
  }

  fail(key: string, now = Date.now()): void {
    const entry = this.failures.get(key);
    if (!entry || now - entry.since >= this.windowMs) this.failures.set(key, { count: 1, since: now });
    else entry.count++;
    if (this.failures.size > 50_000) this.prune(now);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.failures) if (now - entry.since >= this.windowMs) this.failures.delete(key);
  }
}

/** Where the shared limiters keep their counters. */
export const LIMITS_DB = 'lxe-limits';

interface CounterDoc {
  _id: string;
  _rev?: string;
  count: number;
  since: number;
}

/**
 * The same fixed-window counter, kept in the store so every sync-server process counts the same failures:
 * with N processes behind one port a guesser would otherwise get N times the attempts. A failure costs one
 * read and one write; a check, one read. Counters are keyed by a hash (addresses and usernames stay out).
 */
export class SharedFailureLimiter {
  constructor(
    private readonly store: CouchClient,
    private readonly name: string,
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  private id(key: string): string {
    return `${this.name}:${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
  }

  async blockedFor(key: string, now = Date.now()): Promise<number> {
    const entry = await this.store.get<CounterDoc>(LIMITS_DB, this.id(key));
    if (!entry || now - entry.since >= this.windowMs) return 0;
    return entry.count >= this.max ? this.windowMs - (now - entry.since) : 0;
  }

  async fail(key: string, now = Date.now()): Promise<void> {
    const id = this.id(key);
    try {
      await this.store.upsert<CounterDoc>(LIMITS_DB, id, (old) => (!old || now - old.since >= this.windowMs ? { _id: id, count: 1, since: now } : { ...old, count: old.count + 1 }));
    } catch (e) {
      // Kept conflicting: other processes are counting this key's failures right now, which is what counts.
      if (!(e instanceof StoreError && e.status === 409)) throw e;
    }
  }

  async reset(key: string): Promise<void> {
    const id = this.id(key);
    const old = await this.store.get<CounterDoc>(LIMITS_DB, id);
    if (old?._rev) await this.store.json('DELETE', `/${LIMITS_DB}/${encodeURIComponent(id)}?rev=${encodeURIComponent(old._rev)}`).catch(() => undefined);
  }
}
