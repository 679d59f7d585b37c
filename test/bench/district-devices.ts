/**
 * The device side of the district bench, in its own process (started with `node --import tsx`, so its PID is
 * the process that does the work and its CPU can be read from /proc): N station devices with a session each.
 *
 * A device is cheap where it idles and real where it writes:
 * - writes: a PouchDB (memory adapter) per device with a live push replication to its station's database
 *   through the `/sync/` proxy — `_revs_diff`, `_bulk_docs` (new_edits=false) and the `_local` checkpoint,
 *   exactly as the app's PouchDB sends them; pages go up with `PUT /api/blobs/<sha256>`, two in flight, as the
 *   app's uploader does;
 * - reads: a plain long-poll of `_changes` on the station database and on the catalog (what PouchDB's live pull
 *   sends: `style=all_docs&feed=longpoll&heartbeat=10000&limit=100`), `_bulk_get` for the documents it does not
 *   have yet (the other device's and the server's `receive` events) and the two-sided pull checkpoint on the
 *   station database (the catalog's checkpoint stays on the device, as in the app).
 *
 * Modes: `live` (each device takes in one submission per `periodMs`, staggered), `saturate` (every device
 * writes as fast as it can), `raw` (one client writes the same documents and pages straight into the store).
 * A hall client follows `/api/hall/stream` and notes when each submission leaves `incomplete`.
 * Prints `@writing` / `@draining` when those phases begin (the parent samples CPU between them), then one JSON
 * line with the outcome. Input: a JSON file named by argv[2] (see `DistrictStepInput`).
 */
/// <reference types="pouchdb-replication" />
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type PouchDBStatic from 'pouchdb-core';
import type { PageRef } from '../../src/domain/documents';
import { makeEvent, makeSubmission } from '../../sync-server/src/test-support';

const require = createRequire(import.meta.url);
// Cast: `require` returns `any`; @types/pouchdb-core describes this module's export.
const PouchDB = (require('pouchdb-core') as typeof PouchDBStatic)
  .plugin(require('pouchdb-adapter-memory') as PouchDB.Plugin) // cast: untyped CommonJS plugin
  .plugin(require('pouchdb-adapter-http') as PouchDB.Plugin) // cast: untyped CommonJS plugin
  .plugin(require('pouchdb-replication') as PouchDB.Plugin); // cast: untyped CommonJS plugin

export interface DistrictDevice {
  stationId: string;
  username: string;
  cookie: string;
}

export interface DistrictStepInput {
  mode: 'live' | 'saturate' | 'raw';
  url: string;
  hallCookie: string;
  devices: DistrictDevice[];
  /** live: each device writes once per period, the devices staggered evenly over it. */
  periodMs: number;
  writeMs: number;
  drainMs: number;
  /** raw: the rate counts completions from this long after the start. */
  warmupMs: number;
  pagesPer: number;
  pageBytes: number;
  /** raw: the store (admin credentials in the URL), the databases to write into, submissions in flight. */
  raw?: { storeUrl: string; docsDb: string; blobsDb: string; concurrency: number };
}

export interface DistrictStepOutput {
  written: number;
  received: number;
  latenciesMs: number[];
  /** From the first write to the last receipt. */
  spanMs: number;
  /** saturate: received / (first write → last receipt), the queue may lag the writing; raw: completions per second after the warm-up. */
  windowRate: number;
  /** From start to every device following (checkpoints read, long-polls open). */
  connectMs: number;
  /** Requests by kind, and answers worth counting (429, errors). */
  counts: Record<string, number>;
  errors: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

const input = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as DistrictStepInput;
const counts: Record<string, number> = {};
const count = (what: string, n = 1): void => void (counts[what] = (counts[what] ?? 0) + n);
const errors: string[] = [];
const error = (message: string): void => {
  count('errors');
  if (errors.length < 20) errors.push(message.slice(0, 300));
};
const stop = new AbortController();

// Pages: distinct JPEG-shaped bytes cut from one random pool (fresh random bytes for each page would make the
// simulated devices, not the server, the cost); a nonce makes every page's hash new.
const POOL = randomBytes(4 * 1024 * 1024);
function page(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  const from = Math.floor(Math.random() * (POOL.length - size));
  out.set(POOL.subarray(from, from + size));
  out.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00], 0);
  out.set(randomBytes(16), 20);
  out[size - 2] = 0xff;
  out[size - 1] = 0xd9;
  return out;
}

function pages(): { files: Uint8Array<ArrayBuffer>[]; refs: PageRef[] } {
  const files = Array.from({ length: input.pagesPer }, () => page(input.pageBytes));
  return { files, refs: files.map((f) => ({ sha256: createHash('sha256').update(f).digest('hex'), bytes: f.length, type: 'image/jpeg' as const })) };
}

/** Run `work` on each item with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function followHall(onReceived: (id: string) => void): Promise<void> {
  const res = await fetch(`${input.url}/api/hall/stream`, { headers: { cookie: input.hallCookie, accept: 'text/event-stream' }, signal: stop.signal });
  if (!res.ok || !res.body) throw new Error(`hall stream: ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (!message.startsWith('event: change') || !data) continue;
          const change = JSON.parse(data) as { submissionId: string; state: string };
          if (change.state !== 'incomplete') onReceived(change.submissionId);
        }
      }
    } catch {
      // aborted at the end of the step
    }
  })();
}

class Device {
  readonly own = new Set<string>();
  readonly headers: Record<string, string>;
  private readonly local: PouchDB.Database;
  private readonly remote: PouchDB.Database;
  private push: PouchDB.Replication.Replication<object> | undefined;
  private readonly checkpointId: string;
  private checkpointRev: string | undefined;
  private readonly session = randomBytes(8).toString('hex');
  readonly loops: Promise<void>[] = [];

  constructor(readonly d: DistrictDevice) {
    this.headers = { cookie: d.cookie };
    this.checkpointId = `_local/bench-pull-${d.username}-${randomBytes(4).toString('hex')}`;
    this.local = new PouchDB(`device-${d.username}-${randomBytes(4).toString('hex')}`, { adapter: 'memory' });
    this.remote = new PouchDB(`${input.url}/sync/station-${d.stationId}`, {
      skip_setup: true,
      fetch: (url: string | Request, opts?: RequestInit) => {
        count('push');
        return fetch(url, { ...opts, headers: { ...Object.fromEntries(new Headers(opts?.headers).entries()), cookie: d.cookie } });
      },
    });
  }

  private async json<T>(path: string, init: RequestInit = {}, what = 'read'): Promise<{ status: number; body: T | undefined; retryAfter: number }> {
    count(what);
    const res = await fetch(`${input.url}${path}`, { ...init, headers: { ...this.headers, ...(init.body ? { 'content-type': 'application/json' } : {}) }, signal: stop.signal });
    const text = await res.text();
    if (res.status === 429) count('429');
    return { status: res.status, body: res.ok ? (JSON.parse(text) as T) : undefined, retryAfter: Number(res.headers.get('retry-after') ?? 1) };
  }

  /** Open the push replication and both long-polls; resolves once the device follows. */
  async start(): Promise<void> {
    const backOff = (delay: number): number => (delay === 0 ? 1000 : Math.min(30_000, delay * 2));
    this.push = this.local.replicate.to(this.remote, { live: true, retry: true, back_off_function: backOff });
    this.push.on('denied', (e) => error(`denied ${this.d.username}: ${JSON.stringify(e).slice(0, 200)}`));
    this.push.on('error', (e) => error(`push ${this.d.username}: ${String((e as Error).message ?? e)}`));
    const db = `/sync/station-${this.d.stationId}`;
    const [info, catalog] = await Promise.all([this.json<{ update_seq: string | number }>(db), this.json<{ update_seq: string | number }>('/sync/catalog')]);
    // The device has caught up before (a checkpoint it reads back), so it follows from now.
    await this.json(`${db}/${this.checkpointId}`);
    this.loops.push(this.follow('station', info.body?.update_seq ?? 0), this.follow('catalog', catalog.body?.update_seq ?? 0));
  }

  private async follow(which: 'station' | 'catalog', since: string | number): Promise<void> {
    const db = which === 'station' ? `/sync/station-${this.d.stationId}` : '/sync/catalog';
    while (!stop.signal.aborted) {
      try {
        const changes = await this.json<{ results: { id: string; changes: { rev: string }[] }[]; last_seq: string | number }>(
          `${db}/_changes?style=all_docs&feed=longpoll&heartbeat=10000&since=${encodeURIComponent(String(since))}&limit=100`,
          {},
          'changes',
        );
        if (changes.status === 429) {
          await sleep(changes.retryAfter * 1000);
          continue;
        }
        if (!changes.body) {
          error(`changes ${which} ${this.d.username}: ${changes.status}`);
          await sleep(1000);
          continue;
        }
        const { results, last_seq } = changes.body;
        const missing = results.filter((r) => !this.own.has(r.id));
        if (missing.length) {
          const got = await this.json(`${db}/_bulk_get?revs=true&latest=true`, { method: 'POST', body: JSON.stringify({ docs: missing.flatMap((r) => r.changes.map((c) => ({ id: r.id, rev: c.rev }))) }) }, 'bulkGet');
          if (got.status !== 200) error(`_bulk_get ${this.d.username}: ${got.status}`);
        }
        since = last_seq;
        if (which === 'station' && results.length) {
          const doc = { _id: this.checkpointId, ...(this.checkpointRev ? { _rev: this.checkpointRev } : {}), last_seq, session_id: this.session, history: [{ last_seq, session_id: this.session }], replicator: 'pouchdb', version: 1 };
          const put = await this.json<{ rev: string }>(`${db}/${this.checkpointId}`, { method: 'PUT', body: JSON.stringify(doc) }, 'checkpoint');
          if (put.body?.rev) this.checkpointRev = put.body.rev;
          else error(`checkpoint ${this.d.username}: ${put.status}`);
        }
      } catch (e) {
        if (stop.signal.aborted) return;
        error(`changes ${which} ${this.d.username}: ${(e as Error).message}`);
        await sleep(1000);
      }
    }
  }

  /** One submission: documents into the device's PouchDB (the push replication carries them), then its pages. */
  async submit(writtenAt: Map<string, number>): Promise<void> {
    const { files, refs } = pages();
    const sub = { ...makeSubmission({ stationId: this.d.stationId, createdBy: this.d.username, pages: refs }), deviceId: `bench-${this.d.username}` };
    const event = makeEvent(sub, { actor: this.d.username });
    this.own.add(sub._id);
    this.own.add(event._id);
    writtenAt.set(sub._id, performance.now());
    try {
      await this.local.bulkDocs([sub, event]);
    } catch (e) {
      error(`local write ${this.d.username}: ${(e as Error).message}`);
      return;
    }
    await pool(
      files.map((file, i) => ({ file, sha256: refs[i]!.sha256 })),
      2,
      async ({ file, sha256 }) => {
        for (let attempt = 0; attempt < 6 && !stop.signal.aborted; attempt++) {
          try {
            count('upload');
            const res = await fetch(`${input.url}/api/blobs/${sha256}`, { method: 'PUT', headers: { ...this.headers, 'content-type': 'image/jpeg' }, body: file, signal: stop.signal });
            const text = await res.text();
            if (res.status === 201 || res.status === 200) return;
            error(`upload ${this.d.username}: ${res.status} ${text.slice(0, 160)}`);
          } catch (e) {
            if (stop.signal.aborted) return;
            error(`upload ${this.d.username}: ${(e as Error).message}`);
          }
          await sleep(500 * 2 ** attempt);
        }
      },
    );
  }

  async close(): Promise<void> {
    this.push?.cancel();
    await Promise.allSettled([...this.loops, this.local.destroy(), this.remote.close()]);
  }
}

/** The baseline: the same documents and pages written straight into the store by one client. */
async function raw(): Promise<DistrictStepOutput> {
  const r = input.raw!;
  const store = new URL(r.storeUrl);
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(store.username)}:${decodeURIComponent(store.password)}`).toString('base64')}`;
  store.username = '';
  store.password = '';
  const base = store.toString().replace(/\/$/, '');
  const call = async (method: string, path: string, body: BodyInit, type: string): Promise<void> => {
    count('raw');
    const res = await fetch(`${base}${path}`, { method, headers: { authorization: auth, 'content-type': type }, body, signal: stop.signal });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`raw ${method} ${path.slice(0, 40)}: ${res.status} ${text.slice(0, 120)}`);
  };
  const started = performance.now();
  process.stdout.write('@writing\n');
  const done: number[] = [];
  let written = 0;
  await Promise.all(
    Array.from({ length: r.concurrency }, async (_, i) => {
      const d = input.devices[i % input.devices.length]!;
      while (performance.now() - started < input.writeMs) {
        const { files, refs } = pages();
        const sub = { ...makeSubmission({ stationId: d.stationId, createdBy: d.username, pages: refs }), deviceId: `bench-${d.username}` };
        written++;
        try {
          await call('POST', `/${r.docsDb}/_bulk_docs`, JSON.stringify({ docs: [sub, makeEvent(sub, { actor: d.username })] }), 'application/json');
          await Promise.all(files.map((f, k) => call('PUT', `/${r.blobsDb}/${encodeURIComponent(`blob:${refs[k]!.sha256}`)}/data`, f, 'image/jpeg')));
          done.push(performance.now() - started);
        } catch (e) {
          error((e as Error).message);
        }
      }
    }),
  );
  process.stdout.write('@draining\n');
  const inWindow = done.filter((t) => t >= input.warmupMs && t <= input.writeMs).length;
  return { written, received: done.length, latenciesMs: [], spanMs: performance.now() - started, windowRate: inWindow / ((input.writeMs - input.warmupMs) / 1000), connectMs: 0, counts, errors };
}

async function devices(): Promise<DistrictStepOutput> {
  const writtenAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  await followHall((id) => {
    if (!receivedAt.has(id)) receivedAt.set(id, performance.now());
  });
  const connectStart = performance.now();
  const all = input.devices.map((d) => new Device(d));
  // Devices come online at up to 50 at once (a district's offices do not all open in the same millisecond).
  await pool(all, 50, async (device) => {
    try {
      await device.start();
    } catch (e) {
      error(`start ${device.d.username}: ${(e as Error).message}`);
    }
  });
  const connectMs = performance.now() - connectStart;
  await sleep(2000);

  const started = performance.now();
  process.stdout.write('@writing\n');
  const submits: Promise<void>[] = [];
  await Promise.all(
    all.map(async (device, i) => {
      if (input.mode === 'saturate') {
        while (performance.now() - started < input.writeMs) await device.submit(writtenAt);
        return;
      }
      for (let k = 0; ; k++) {
        const at = started + (i / all.length) * input.periodMs + k * input.periodMs;
        if (at - started >= input.writeMs) return;
        await sleep(at - performance.now());
        submits.push(device.submit(writtenAt));
      }
    }),
  );
  await Promise.all(submits);
  process.stdout.write('@draining\n');
  const drainUntil = performance.now() + input.drainMs;
  while (performance.now() < drainUntil && [...writtenAt.keys()].some((id) => !receivedAt.has(id))) await sleep(100);

  stop.abort();
  await Promise.allSettled(all.map((d) => d.close()));
  const latenciesMs: number[] = [];
  let last = started;
  for (const [id, at] of writtenAt) {
    const got = receivedAt.get(id);
    if (got === undefined) continue;
    latenciesMs.push(got - at);
    last = Math.max(last, got);
  }
  // Saturated, the queue may lag the writes by more than the writing lasts: the rate is what reached the queue
  // from the first write to the last receipt (a window within the writing would miss a lagging queue entirely).
  const windowRate = input.mode === 'saturate' ? latenciesMs.length / ((last - started) / 1000) : 0;
  return { written: writtenAt.size, received: latenciesMs.length, latenciesMs, spanMs: last - started, windowRate, connectMs, counts, errors };
}

(input.mode === 'raw' ? raw() : devices()).then(
  (out) => {
    stop.abort();
    process.stdout.write(`${JSON.stringify(out)}\n`);
    process.exit(0);
  },
  (e: unknown) => {
    process.stderr.write(`district devices failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
