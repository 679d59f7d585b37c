/**
 * Issue 11's cluster faults: three sync-server processes (`WORKERS=3`, one port) on a real 3-node Apache CouchDB
 * cluster (given to the server as its three node URLs). Station devices — PouchDB live-replicating through the
 * proxy with the real protocol, pages uploaded with `PUT /api/blobs` and retried as the app's uploader does —
 * keep taking in submissions while one CouchDB node is `kill -9`ed mid-sync (and later restarted) and one
 * sync-server process is `kill -9`ed mid-upload (the primary starts another). Afterwards the fault suite's
 * ledger checks every submission is on the server once with its exact pages and once in the hall's queue past
 * `incomplete`, and each has exactly one receipt event. Needs a CouchDB kit (LXE_TEST_COUCHDB_KIT, set by
 * `npm test` from LXE_TEST_COUCHDB); without one it says so in one line.
 */
/// <reference types="pouchdb-replication" />
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type PouchDBStatic from 'pouchdb-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvent, makeJpeg, makeSubmission, pageRef, sha256Hex } from '../../sync-server/src/test-support';
import type * as CouchKit from '../../scripts/couchdb.mjs';
import type { CouchCluster } from '../../scripts/couchdb.mjs';
import { ROOT } from '../e2e/support/server';
import type { Captured } from './device';
import { Ledger } from './ledger';
import { startFaultServer, type FaultServer } from './server';

const require = createRequire(import.meta.url);
// Cast: `require` returns `any`; @types/pouchdb-core describes this module's export.
const PouchDB = (require('pouchdb-core') as typeof PouchDBStatic)
  .plugin(require('pouchdb-adapter-memory') as PouchDB.Plugin) // cast: untyped CommonJS plugin
  .plugin(require('pouchdb-adapter-http') as PouchDB.Plugin) // cast: untyped CommonJS plugin
  .plugin(require('pouchdb-replication') as PouchDB.Plugin); // cast: untyped CommonJS plugin

const KIT = process.env.LXE_TEST_COUCHDB_KIT;
const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 1e9));
if (!KIT) console.log('cluster fault runs: NOT RUN — LXE_TEST_COUCHDB_KIT is not set (a CouchDB kit folder; npm test sets it from LXE_TEST_COUCHDB)');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const STATIONS = [
  { stationId: 'jingan-hkri', username: 'station' },
  { stationId: 'songshanhu-nanhuwan', username: 'station2' },
] as const;

/** Wait (bounded) until `probe` is true; false when it never was. */
async function until(probe: () => boolean, ms: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

/** A seeded random source, so a run's schedule can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

async function signIn(url: string, username: string): Promise<string> {
  for (;;) {
    const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }), signal: AbortSignal.timeout(15_000) }).catch(() => undefined);
    if (res?.ok) return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    await sleep(300);
  }
}

/** One station device: a local PouchDB pushing live through the proxy, and an uploader that retries pages. */
class Device {
  private readonly db: PouchDB.Database;
  private cookie = '';
  private replication: PouchDB.Replication.Replication<object> | undefined;
  private readonly uploads: Promise<void>[] = [];
  readonly captured: Captured[] = [];
  uploadsInFlight = 0;

  constructor(
    private readonly url: string,
    readonly station: (typeof STATIONS)[number],
    readonly name: string,
  ) {
    this.db = new PouchDB(`device-${name}-${randomBytes(4).toString('hex')}`, { adapter: 'memory' });
  }

  async start(): Promise<void> {
    this.cookie = await signIn(this.url, this.station.username);
    const remote = new PouchDB(`${this.url}/sync/station-${this.station.stationId}`, {
      skip_setup: true,
      fetch: async (u: string | Request, opts?: RequestInit) => {
        // A time limit per request, as a real device's network has: a request whose process died must not hang the
        // replication for good (it retries with its back-off instead).
        const signal = opts?.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000);
        const res = await fetch(u, { ...opts, signal, headers: { ...Object.fromEntries(new Headers(opts?.headers).entries()), cookie: this.cookie } });
        if (res.status === 401) this.cookie = await signIn(this.url, this.station.username);
        return res;
      },
    } as PouchDB.Configuration.RemoteDatabaseConfiguration);
    // Live, retrying with a short back-off, as the app's sync engine does.
    this.replication = this.db.replicate.to(remote, { live: true, retry: true, back_off_function: (d: number) => Math.min(2_000, d ? d * 2 : 200) });
  }

  /** Take in one submission with `pages` pages: bytes first (retried until the server has them), then documents. */
  async intake(pages: number): Promise<void> {
    const bytes = Array.from({ length: pages }, () => {
      const jpeg = makeJpeg();
      // Distinct bytes per page: a JPEG comment segment after SOI.
      const note = randomBytes(2048);
      const out = new Uint8Array(jpeg.length + 4 + note.length);
      out.set(jpeg.subarray(0, 2), 0);
      out.set([0xff, 0xfe, (note.length + 2) >> 8, (note.length + 2) & 0xff], 2);
      out.set(note, 6);
      out.set(jpeg.subarray(2), 6 + note.length);
      return out;
    });
    const marker = `集群 ${this.name} ${randomBytes(4).toString('hex')}`;
    const base = makeSubmission({ stationId: this.station.stationId, createdBy: this.station.username, pages: bytes.map((b) => pageRef(b, 'image/jpeg')) });
    const sub = { ...base, enterprise: { ...base.enterprise, name: marker } };
    await this.db.bulkDocs([sub, makeEvent(sub, { actor: this.station.username })]);
    this.captured.push({ submissionId: sub._id, receiptNo: sub.receiptNo, marker, stationId: this.station.stationId, hashes: bytes.map(sha256Hex) });
    for (const b of bytes) this.uploads.push(this.upload(b));
  }

  private async upload(bytes: Uint8Array): Promise<void> {
    this.uploadsInFlight++;
    try {
      for (let attempt = 0; ; attempt++) {
        // A time limit per try, as the app's uploader has: a request to a process that died is given up on.
        const res = await fetch(`${this.url}/api/blobs/${sha256Hex(bytes)}`, { method: 'PUT', headers: { cookie: this.cookie, 'content-type': 'image/jpeg' }, body: Uint8Array.from(bytes), signal: AbortSignal.timeout(15_000) }).catch(() => undefined);
        if (res && (res.status === 200 || res.status === 201)) return;
        if (attempt === 20) console.log(`cluster: ${this.name} page ${sha256Hex(bytes).slice(0, 12)} still refused after 20 tries: ${res ? `${res.status} ${await res.text().catch(() => '')}` : 'no answer'}`);
        if (res?.status === 401) this.cookie = await signIn(this.url, this.station.username);
        await sleep(Math.min(2_000, 200 * 2 ** Math.min(attempt, 4)));
      }
    } finally {
      this.uploadsInFlight--;
    }
  }

  async drained(): Promise<void> {
    await Promise.all(this.uploads);
  }

  stop(): void {
    this.replication?.cancel();
  }
}

/** The worker processes of the sync-server's primary: its children that run the server (not tsx's esbuild). */
function workerPids(primary: number): number[] {
  try {
    return execFileSync('ps', ['--ppid', String(primary), '-o', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('sync-server/src/main.ts'))
      .map((l) => Number(l.trim().split(/\s+/)[0]))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

describe.skipIf(!KIT)('cluster faults: 3 sync-server processes on a 3-node CouchDB cluster', () => {
  let cluster: CouchCluster;
  let server: FaultServer;

  beforeAll(async () => {
    console.log(`cluster fault seed ${SEED} (FAULT_SEED=${SEED} replays it)`);
    const kit = (await import(pathToFileURL(path.join(ROOT, 'scripts/couchdb.mjs')).href)) as typeof CouchKit;
    cluster = await kit.startCluster(KIT!, 3);
    server = await startFaultServer({ WORKERS: '3', COUCHDB_URL: cluster.urls.join(','), COUCHDB_DB_PREFIX: `c${randomBytes(4).toString('hex')}-` });
    if (!(await until(() => workerPids(server.pid()!).length === 3, 30_000, 200))) throw new Error(`the sync-server did not start 3 processes:\n${server.output()}`);
  }, 180_000);

  afterAll(async () => {
    if (process.env.CLUSTER_LOG) (await import('node:fs')).writeFileSync(process.env.CLUSTER_LOG, server?.output() ?? '');
    await server?.stop();
    server?.cleanup();
    cluster?.stop();
  });

  it('a CouchDB node and a sync-server process killed mid-sync: nothing lost, nothing duplicated, devices carry on', async () => {
    const rnd = random(SEED);
    const ledger = new Ledger(server.url);
    const devices = STATIONS.flatMap((station, s) => [0, 1].map((i) => new Device(server.url, station, `S${s}D${i}`)));
    await Promise.all(devices.map((d) => d.start()));
    const worker = () => devices[Math.floor(rnd() * devices.length)]!;

    // Phase 1: steady intake.
    for (let i = 0; i < 6; i++) await worker().intake(2);
    // Phase 2: a CouchDB node dies while devices sync (node 1 is the one the server talks to first).
    const node = 0;
    const writing = Promise.all(devices.map(async (d) => {
      for (let i = 0; i < 2; i++) await d.intake(2);
    }));
    await sleep(200 + Math.floor(rnd() * 400));
    cluster.kill(node);
    console.log(`cluster: kill -9 CouchDB node ${node + 1} (pid ${cluster.pids[node]}) mid-sync`);
    await writing;
    // Phase 3: a sync-server process dies while pages are uploading.
    for (const d of devices) await d.intake(3);
    await until(() => devices.some((d) => d.uploadsInFlight > 0), 10_000, 5);
    const pids = workerPids(server.pid()!);
    const victim = pids[Math.floor(rnd() * pids.length)]!;
    process.kill(victim, 'SIGKILL');
    console.log(`cluster: kill -9 sync-server process ${victim} of ${pids.length} mid-upload (uploads in flight: ${devices.reduce((n, d) => n + d.uploadsInFlight, 0)})`);
    for (const d of devices) await d.intake(1);
    expect(await until(() => workerPids(server.pid()!).filter((p) => p !== victim).length === 3, 30_000, 200), 'the primary starts another process').toBe(true);
    // Phase 4: the node comes back; devices never restarted.
    cluster.restart();
    console.log('cluster: CouchDB node restarted');
    for (let i = 0; i < 4; i++) await worker().intake(1);
    console.log('cluster: waiting for uploads');
    const progress = setInterval(() => console.log(`cluster: uploads in flight ${devices.map((d) => d.uploadsInFlight).join('/')}`), 10_000);
    await Promise.all(devices.map((d) => d.drained())).finally(() => clearInterval(progress));
    console.log('cluster: uploads done');

    const captured = devices.flatMap((d) => d.captured);
    const started = Date.now();
    const settled = await ledger.settled(captured, 150_000);
    const audit = await ledger.audit(captured);
    // Receipt recorded exactly once per submission, however many processes fed it.
    for (const { stationId, username } of STATIONS) {
      const docs = await (await fetch(`${server.url}/sync/station-${stationId}/_all_docs?include_docs=true`, { headers: { cookie: await signIn(server.url, username) } })).json() as { rows: { doc?: { type?: string; action?: string; submissionId?: string } }[] };
      const receipts = new Map<string, number>();
      for (const r of docs.rows) if (r.doc?.type === 'event' && r.doc.action === 'receive') receipts.set(r.doc.submissionId!, (receipts.get(r.doc.submissionId!) ?? 0) + 1);
      for (const c of captured.filter((x) => x.stationId === stationId)) {
        const n = receipts.get(c.submissionId) ?? 0;
        if (n > 1) {
          audit.duplicated += n - 1;
          audit.problems.push(`${c.receiptNo}: ${n} receive events`);
        }
      }
    }
    for (const d of devices) d.stop();
    const pages = captured.reduce((n, c) => n + c.hashes.length, 0);
    console.log(`cluster faults: ${captured.length} submissions, ${pages} pages from ${devices.length} devices; ${settled ? `settled ${((Date.now() - started) / 1000).toFixed(1)} s after the last write` : 'did NOT settle'}; lost ${audit.lost}, duplicated ${audit.duplicated}` + (audit.problems.length ? `\n  - ${audit.problems.join('\n  - ')}` : ''));
    expect(audit.problems).toEqual([]);
    expect(settled).toBe(true);
  }, 420_000);
});
