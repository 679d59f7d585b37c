/**
 * Blob uploader: sends every `pending` page to `PUT /api/blobs/<sha256>` (idempotent, so any retry is safe),
 * two at a time with progress, backing off on network errors. State lives in Dexie, so closing the tab
 * mid-upload loses nothing: the next start asks the server which hashes it already holds and goes on.
 */
import { db, type StoredBlob } from '../storage/db';

export interface UploadProgress {
  sha256: string;
  loaded: number;
  total: number;
}

export interface UploaderEvents {
  progress(p: UploadProgress | undefined): void;
  unauthorized(): void;
  error(message: string): void;
}

function put(blob: StoredBlob, onProgress: (loaded: number) => void): Promise<{ status: number; reason?: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `/api/blobs/${blob.sha256}`);
    xhr.setRequestHeader('content-type', blob.type);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let reason: string | undefined;
      try {
        reason = (JSON.parse(xhr.responseText) as { reason?: string }).reason;
      } catch {
        reason = undefined;
      }
      resolve({ status: xhr.status, ...(reason ? { reason } : {}) });
    };
    xhr.onerror = () => reject(new Error('network error'));
    xhr.ontimeout = () => reject(new Error('timeout'));
    xhr.timeout = 120_000;
    xhr.send(blob.blob);
  });
}

/**
 * The server holds these bytes now: scans of ID cards and the like leave the device, unless an
 * open draft still shows the same page.
 */
async function forgetUploaded(sha256: string): Promise<void> {
  await db.transaction('rw', db.blobs, db.drafts, async () => {
    const inDraft = (await db.drafts.toArray()).some((d) => [...Object.values(d.pages).flat(), ...(d.signature ? [d.signature] : [])].some((p) => p.sha256 === sha256));
    if (inDraft) await db.blobs.update(sha256, { state: 'uploaded', uploadedAt: new Date().toISOString() });
    else await db.blobs.delete(sha256);
  });
}

export class Uploader {
  private running = false;
  private again = false;
  private stopped = false;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly stationId: string,
    private readonly events: UploaderEvents,
  ) {}

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Upload everything pending; calling it while running schedules one more pass. */
  async kick(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        await this.pass();
      } while (this.again && !this.stopped);
      this.failures = 0;
    } catch (e) {
      this.failures++;
      this.events.error((e as Error).message);
      const delay = Math.min(60_000, 1000 * 2 ** this.failures);
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.kick(), delay);
    } finally {
      this.running = false;
      this.events.progress(undefined);
    }
  }

  private async pass(): Promise<void> {
    const pending = await db.blobs.where('state').equals('pending').filter((b) => b.stationId === this.stationId && !b.lastError).toArray();
    if (!pending.length) return;
    // Resume cheaply: the server may already hold pages sent before a crash or from another attempt.
    const res = await fetch('/api/blobs/_present', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hashes: pending.map((b) => b.sha256) }),
    }).catch(() => {
      throw new Error('offline');
    });
    if (res.status === 401) return this.events.unauthorized();
    const present = new Set(res.ok ? ((await res.json()) as { present: string[] }).present : []);
    // Two uploads at a time: while the server hashes and stores one page the next is already on the wire
    // (measured in `npm run bench`, sync section). Progress is reported for the whole pass.
    const total = pending.reduce((n, b) => n + (present.has(b.sha256) ? 0 : b.bytes), 0);
    const inFlight = new Map<string, number>();
    let finished = 0;
    let stop: 'unauthorized' | undefined;
    const report = (sha256: string): void => {
      let loaded = finished;
      for (const n of inFlight.values()) loaded += n;
      this.events.progress({ sha256, loaded, total });
    };
    const queue = [...pending];
    const worker = async (): Promise<void> => {
      for (let blob = queue.shift(); blob && !this.stopped && !stop; blob = queue.shift()) {
        if (!present.has(blob.sha256)) {
          const sha = blob.sha256;
          inFlight.set(sha, 0);
          const result = await put(blob, (loaded) => {
            inFlight.set(sha, loaded);
            report(sha);
          }).finally(() => inFlight.delete(sha));
          if (result.status === 401) {
            stop = 'unauthorized';
            return;
          }
          if (result.status >= 500) throw new Error(result.reason ?? `server error ${result.status}`);
          finished += blob.bytes;
          if (result.status >= 400) {
            // The server will never take these bytes: keep them, say why, and do not retry in a loop.
            await db.blobs.update(sha, { attempts: blob.attempts + 1, lastError: result.reason ?? `HTTP ${result.status}` });
            continue;
          }
        }
        await forgetUploaded(blob.sha256);
      }
    };
    const results = await Promise.allSettled([worker(), worker()]);
    if (stop === 'unauthorized') return this.events.unauthorized();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
