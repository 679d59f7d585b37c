/**
 * The device side of the load bench, in its own process (so the simulated devices do not share the server's
 * event loop): N station devices, each a PouchDB (memory adapter) live-syncing its station's database through
 * the `/sync/` proxy with its own session, each taking in submissions at a steady rate — documents into the
 * local database (replication carries them), the page uploaded with `PUT /api/blobs` as the app's uploader
 * does after a submit. A hall client follows `/api/hall/stream` and notes when each submission leaves
 * `incomplete` (i.e. is received into the queue). Prints one JSON line with the outcome and exits.
 *
 * Input: the JSON in argv[2] (see `LoadStepInput`).
 */
/// <reference types="pouchdb-replication" />
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type PouchDBStatic from 'pouchdb-core';
import { makeEvent, makeJpeg, makeSubmission, pageRef } from '../../sync-server/src/test-support';

const require = createRequire(import.meta.url);
// Cast: `require` returns `any`; @types/pouchdb-core describes this module's export.
const PouchDB = (require('pouchdb-core') as typeof PouchDBStatic)
  .plugin(require('pouchdb-adapter-memory') as PouchDB.Plugin) // cast: untyped CommonJS plugin
  .plugin(require('pouchdb-adapter-http') as PouchDB.Plugin) // cast: untyped CommonJS plugin
  .plugin(require('pouchdb-replication') as PouchDB.Plugin); // cast: untyped CommonJS plugin

export interface LoadStepInput {
  url: string;
  hallCookie: string;
  devices: { stationId: string; username: string; cookie: string }[];
  ratePerDevice: number;
  writeMs: number;
  drainMs: number;
}

export interface LoadStepOutput {
  written: number;
  received: number;
  latenciesMs: number[];
  /** From the first write to the last receipt. */
  spanMs: number;
  errors: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function followHall(url: string, cookie: string, signal: AbortSignal, onReceived: (id: string) => void): Promise<void> {
  const res = await fetch(`${url}/api/hall/stream`, { headers: { cookie, accept: 'text/event-stream' }, signal });
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

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as LoadStepInput;
  const errors: string[] = [];
  const writtenAt = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  const stop = new AbortController();
  await followHall(input.url, input.hallCookie, stop.signal, (id) => {
    if (!receivedAt.has(id)) receivedAt.set(id, performance.now());
  });

  const devices = input.devices.map((d) => {
    const local = new PouchDB(`device-${d.username}-${randomBytes(4).toString('hex')}`, { adapter: 'memory' });
    const remote = new PouchDB(`${input.url}/sync/station-${d.stationId}`, {
      skip_setup: true,
      fetch: (url: string | Request, opts?: RequestInit) => fetch(url, { ...opts, headers: { ...Object.fromEntries(new Headers(opts?.headers).entries()), cookie: d.cookie } }),
    });
    const backOff = (delay: number): number => (delay === 0 ? 1000 : Math.min(30_000, delay * 2));
    const sync = local.sync(remote, { live: true, retry: true, back_off_function: backOff });
    const idle = new Promise<void>((resolve) => {
      sync.on('paused', () => resolve());
      setTimeout(resolve, 15_000);
    });
    sync.on('error', (e) => errors.push(`sync ${d.username}: ${String((e as Error).message ?? e)}`));
    sync.on('denied', (e) => errors.push(`denied ${d.username}: ${JSON.stringify(e).slice(0, 200)}`));
    return { ...d, local, remote, sync, idle };
  });
  // Each device first catches up with its station's database (earlier steps' documents).
  await Promise.all(devices.map((d) => d.idle));

  const interval = 1000 / input.ratePerDevice;
  const started = performance.now();
  const uploads: Promise<void>[] = [];
  await Promise.all(
    devices.map(async (d, i) => {
      // Stagger the devices evenly over one interval: a steady aggregate rate, not bursts.
      for (let k = 0; ; k++) {
        const at = started + (i / devices.length) * interval + k * interval;
        if (at - started >= input.writeMs) return;
        await sleep(at - performance.now());
        const jpeg = makeJpeg();
        const sub = { ...makeSubmission({ stationId: d.stationId, createdBy: d.username, pages: [pageRef(jpeg, 'image/jpeg')] }), deviceId: `bench-${d.username}` };
        writtenAt.set(sub._id, performance.now());
        try {
          await d.local.bulkDocs([sub, makeEvent(sub, { actor: d.username })]);
        } catch (e) {
          errors.push(`local write ${d.username}: ${(e as Error).message}`);
          continue;
        }
        uploads.push(
          (async () => {
            for (let attempt = 0; attempt < 5; attempt++) {
              try {
                const res = await fetch(`${input.url}/api/blobs/${pageRef(jpeg, 'image/jpeg').sha256}`, { method: 'PUT', headers: { cookie: d.cookie, 'content-type': 'image/jpeg' }, body: new Uint8Array(jpeg) });
                await res.arrayBuffer();
                if (res.status === 201 || res.status === 200) return;
                errors.push(`upload ${d.username}: ${res.status}`);
              } catch (e) {
                errors.push(`upload ${d.username}: ${(e as Error).message}`);
              }
              await sleep(500 * 2 ** attempt);
            }
          })(),
        );
      }
    }),
  );
  await Promise.all(uploads);
  const drainUntil = performance.now() + input.drainMs;
  while (performance.now() < drainUntil && [...writtenAt.keys()].some((id) => !receivedAt.has(id))) await sleep(100);

  stop.abort();
  for (const d of devices) d.sync.cancel();
  await Promise.allSettled(devices.flatMap((d) => [d.local.destroy(), d.remote.close()]));

  const latenciesMs: number[] = [];
  let last = started;
  for (const [id, at] of writtenAt) {
    const got = receivedAt.get(id);
    if (got === undefined) continue;
    latenciesMs.push(got - at);
    last = Math.max(last, got);
  }
  const out: LoadStepOutput = { written: writtenAt.size, received: latenciesMs.length, latenciesMs, spanMs: last - started, errors: errors.slice(0, 20) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`load devices failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
