/**
 * 留痕 for the server itself: every log line carrying an `audit` field (sign-in attempts, accepted and refused
 * writes, uploads, decisions, bookings, ratings) is also stored in the `lxe-audit` database, in batches, so
 * the record survives log rotation and can be queried with the rest of the data. Entries logged before the
 * store is attached are buffered; a failing store never blocks a request (the line is still on stdout).
 */
import { Writable } from 'node:stream';
import type { CouchClient } from '../store/couch';

export const AUDIT_DB = 'lxe-audit';
const MAX_BUFFER = 10_000;

export class AuditSink {
  readonly stream: Writable;
  private buffer: Record<string, unknown>[] = [];
  private store: CouchClient | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly intervalMs = 1000) {
    this.stream = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line.includes('"audit"')) continue;
          try {
            const entry = JSON.parse(line) as Record<string, unknown>;
            if (typeof entry.audit === 'string' && this.buffer.length < MAX_BUFFER) this.buffer.push(entry);
          } catch {
            // not a JSON line: nothing to audit
          }
        }
        done();
      },
    });
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
