/**
 * 留痕 for the server itself: sign-in attempts, accepted and refused writes, uploads, decisions, bookings,
 * ratings. Each is an explicit `audit(event)` call; the entry goes to the log and into the `lxe-audit` database
 * (in batches), so the record survives log rotation and can be queried with the rest of the data — in tests as
 * in production. Entries recorded before the store is attached are buffered; a failing store never blocks a
 * request (the line is still in the log).
 */
import type { Logger } from 'pino';
import type { CouchClient } from '../store/couch';

export const AUDIT_DB = 'lxe-audit';
const MAX_BUFFER = 10_000;

/** One audit entry: `audit` names what happened, the rest says who, where and with what outcome. */
export interface AuditEvent {
  audit: string;
  [field: string]: unknown;
}

/** Record an audit entry; `warn` for refusals and failures. */
export type Audit = (event: AuditEvent, level?: 'info' | 'warn') => void;

export class AuditSink {
  private buffer: Record<string, unknown>[] = [];
  private store: CouchClient | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly intervalMs = 1000) {}

  record(event: AuditEvent): void {
    if (this.buffer.length < MAX_BUFFER) this.buffer.push({ time: Date.now(), ...event });
  }

  /** The `audit` function the routes call: the entry is logged and kept. */
  auditTo(log: Logger): Audit {
    return (event, level = 'info') => {
      log[level](event);
      this.record(event);
    };
  }

  async attach(store: CouchClient): Promise<void> {
    await store.ensureDb(AUDIT_DB);
    this.store = store;
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Write what is buffered (also called on shutdown). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (!this.store || !this.buffer.length) return;
      const batch = this.buffer;
      this.buffer = [];
      const docs = batch.map((e) => ({ _id: `audit:${new Date(Number(e.time) || Date.now()).toISOString()}:${Math.random().toString(36).slice(2, 10)}`, type: 'audit', ...e }));
      try {
        await this.store.bulkDocs(AUDIT_DB, docs);
      } catch {
        this.buffer = [...batch, ...this.buffer].slice(0, MAX_BUFFER); // try again next time
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
