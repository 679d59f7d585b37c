/**
 * district: the load of a district's station devices, on a real CouchDB (a 3-node cluster started from the kit
 * that LXE_TEST_COUCHDB names, or the CouchDB at that URL) and on the embedded store, in one run.
 *
 * - live devices: N devices (two per station, a session each) live-syncing their station's database and the
 *   catalog through the sync proxy (district-devices.ts: PouchDB for every write, plain long-polls for idle
 *   reads), each taking in one submission per minute with 3 pages of 300 KB. Figure: p95 from the device's
 *   write to the hall's queue stream saying it was received; N steps up (BENCH_DISTRICT_STEPS). CPU of the
 *   sync-server (this process: the server runs in it, with the embedded store when that is the store), of each
 *   CouchDB node (beam.smp) and of the device process is read from /proc over each step's writing.
 * - saturation: devices writing as fast as they can, submissions per second into the hall queue, against the
 *   same documents and pages written straight into the store by one client (the device process) in the same run.
 *
 * A step is skipped once the one before it could not keep up (not all received within the drain, or p95 over
 * 5× the target): the bend is found, and a further step would only spend the run's time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { accountId, ACCOUNTS_DB, STATIONS_DB, type Account, type StationDoc } from '../../sync-server/src/auth/accounts';
import { hashPassword } from '../../sync-server/src/auth/passwords';
import { SESSION_COOKIE, SessionStore } from '../../sync-server/src/auth/sessions';
import type { DistrictDevice, DistrictStepInput, DistrictStepOutput } from './district-devices';
import { failedFigure, figure, log, percentile, pool, ROOT, round, startBenchServer, type BenchServer, type Figure } from './lib';

export interface DistrictOptions {
  steps: number[];
  /** Which stores to run on: `cluster` (CouchDB from LXE_TEST_COUCHDB) and/or `embedded`. */
  stores: string[];
  devicesPerStation: number;
  /** Live devices: one submission per device per period, for `writeMs`, then up to `drainMs` for the rest. */
  periodMs: number;
  writeMs: number;
  drainMs: number;
  pagesPer: number;
  pageBytes: number;
  saturation: { devices: number; writeMs: number; warmupMs: number; drainMs: number; rawConcurrency: number };
  /** Longest the whole section may take; steps that would not fit are reported as not run. */
  budgetMs: number;
}

/** p95 write → hall queue, for every live step (the issue's target: 500 devices on the cluster). */
const P95_TARGET_MS = 2000;
/** Submissions per second through the product, against the raw store writes: at least this ratio. */
const SATURATION_TARGET = 0.5;

interface CouchKit {
  laneTarget(): { url?: string; kit?: string; none?: string };
  startCluster(kit: string, nodes: number): Promise<{ urls: string[]; pids: number[]; stop(): void }>;
}

type StoreKind = 'cluster' | 'embedded';

interface Store {
  kind: StoreKind;
  label: string;
  couchdbUrl?: string;
  prefix?: string;
  /** CouchDB node processes whose CPU is read (beam.smp). */
  pids: number[];
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// CPU and sockets from /proc
// ---------------------------------------------------------------------------------------------------------

const TICKS_PER_S = 100;

function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Busy and total ticks of the whole machine (all cores). */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const n = line.trim().split(/\s+/).slice(1).map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - (n[3] ?? 0) - (n[4] ?? 0), total };
}

function sockets(pid: number): number {
  try {
    let count = 0;
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) count++;
      } catch {
        // closed meanwhile
      }
    }
    return count;
  } catch {
    return 0;
  }
}

/** CPU of named processes over a window (% of one core), the machine's busy share, and peak sockets. */
class Sampler {
  private from = new Map<string, number>();
  private machine = machineTicks();
  private at = performance.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  readonly peakSockets = new Map<string, number>();

  constructor(private readonly pids: Map<string, number>) {}

  start(): void {
    this.at = performance.now();
    this.machine = machineTicks();
    for (const [name, pid] of this.pids) this.from.set(name, cpuTicks(pid) ?? 0);
    const sample = (): void => {
      for (const [name, pid] of this.pids) this.peakSockets.set(name, Math.max(this.peakSockets.get(name) ?? 0, sockets(pid)));
    };
    sample();
    this.timer = setInterval(sample, 3000);
  }

  stop(): { cpu: Record<string, number>; machineBusy: number; others: number; sockets: Record<string, number> } {
    clearInterval(this.timer);
    const seconds = (performance.now() - this.at) / 1000;
    const cpu: Record<string, number> = {};
    let ours = 0;
    for (const [name, pid] of this.pids) {
      const used = ((cpuTicks(pid) ?? 0) - (this.from.get(name) ?? 0)) / TICKS_PER_S;
      cpu[name] = round((100 * used) / seconds, 0);
      ours += used;
    }
    const m = machineTicks();
    const cores = os.cpus().length;
    const busyS = (m.busy - this.machine.busy) / TICKS_PER_S;
    // /proc/stat counts every core's ticks; the window's busy seconds against its core-seconds.
    const machineBusy = round((100 * (m.busy - this.machine.busy)) / Math.max(1, m.total - this.machine.total), 0);
    return { cpu, machineBusy, others: round((100 * Math.max(0, busyS - ours)) / seconds / cores, 0), sockets: Object.fromEntries(this.peakSockets) };
  }
}

const cpuText = (s: ReturnType<Sampler['stop']>): string =>
  `CPU (% of one core) ${Object.entries(s.cpu)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}; machine ${s.machineBusy}% busy of ${os.cpus().length} cores (others' work ${s.others}%); peak sockets ${Object.entries(s.sockets)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`;

/** Store requests by kind (`GET station/_changes(feed)`, `PUT lxe-blobs/attachment`, …): what a submission costs. */
function countRequests(store: BenchServer['server']['store']): Map<string, number> {
  const byKind = new Map<string, number>();
  const original = store.fetch.bind(store);
  store.fetch = (requestPath: string, init?: RequestInit) => {
    const [p = '', q = ''] = requestPath.split('?');
    const parts = p.split('/').filter(Boolean);
    const db = parts[0] ?? '';
    let rest = parts.slice(1).join('/');
    if (rest.startsWith('_local')) rest = '_local';
    else if (rest && !rest.startsWith('_')) rest = parts.length > 2 ? 'attachment' : 'doc';
    const kind = `${(init?.method ?? 'GET').toUpperCase()} ${db.startsWith('station-') ? 'station' : db}/${rest}${/feed=(longpoll|continuous)/.test(q) ? '(feed)' : ''}`;
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    return original(requestPath, init);
  };
  return byKind;
}

/** The kinds that grew between two snapshots, per submission, most first. */
function perSubmission(before: Map<string, number>, after: Map<string, number>, submissions: number): string {
  return [...after]
    .map(([k, v]): [string, number] => [k, (v - (before.get(k) ?? 0)) / Math.max(1, submissions)])
    .filter(([, v]) => v >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${round(v, 1)}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------------------
// The device process
// ---------------------------------------------------------------------------------------------------------

function runDevices(input: DistrictStepInput, timeoutMs: number, onPhase: (phase: string, pid: number) => void): Promise<DistrictStepOutput> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lxe-district-'));
  const file = path.join(dir, 'input.json');
  writeFileSync(file, JSON.stringify(input));
  return new Promise<DistrictStepOutput>((resolve, reject) => {
    // `node --import tsx`: one process (tsx's own CLI would run the script in a child), so its PID is the one to read.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/bench/district-devices.ts'), file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid ?? 0;
    let stdout = '';
    let stderr = '';
    let result: DistrictStepOutput | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      let end: number;
      while ((end = stdout.indexOf('\n')) !== -1) {
        const line = stdout.slice(0, end).trim();
        stdout = stdout.slice(end + 1);
        if (line.startsWith('@')) onPhase(line.slice(1), pid);
        else if (line.startsWith('{')) result = JSON.parse(line) as DistrictStepOutput;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      if (result) resolve(result);
      else reject(new Error(`district devices (${input.mode}, N=${input.devices.length}) ${signal ? `killed (${signal}, over ${Math.round(timeoutMs / 1000)} s)` : `exited ${code}`}: ${stderr.slice(-600)}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Stores and provisioning
// ---------------------------------------------------------------------------------------------------------

async function openStore(kind: StoreKind): Promise<Store> {
  if (kind === 'embedded') return { kind, label: 'embedded store', pids: [], stop: async () => undefined };
  // Loaded by URL: the lane's helper is plain JavaScript shared with scripts/test.mjs.
  const couch = (await import(pathToFileURL(path.join(ROOT, 'scripts/couchdb.mjs')).href)) as CouchKit;
  const target = couch.laneTarget();
  if (target.none) throw new Error(`no CouchDB: ${target.none}`);
  if (target.url) {
    const prefix = `bench${Math.random().toString(36).slice(2, 8)}-`;
    return { kind, label: 'CouchDB at LXE_TEST_COUCHDB', couchdbUrl: target.url, prefix, pids: [], stop: async () => undefined };
  }
  // Three Erlang VMs share this machine's cores with the sync-server and the devices: their schedulers' default
  // busy-waiting burns the cores the others need (measured at 60 devices: the nodes' CPU 150% → 109% of a core,
  // p95 2.1 → 1.2 s without it). A deployment knob, not a code change; ERL_FLAGS set by the caller wins.
  process.env.ERL_FLAGS ??= '+sbwt none +sbwtdcpu none +sbwtdio none';
  const at = performance.now();
  const cluster = await couch.startCluster(target.kit!, 3);
  log(`district: 3-node CouchDB cluster up in ${round((performance.now() - at) / 1000, 1)} s (beam.smp PIDs ${cluster.pids.join(', ')}; ERL_FLAGS ${process.env.ERL_FLAGS || 'none'})`);
  return { kind, label: 'CouchDB 3-node cluster', couchdbUrl: cluster.urls[0]!, pids: [...cluster.pids], stop: async () => cluster.stop() };
}


/**
 * Stations, station accounts and one session per device, written into the store as an admin would (the
 * password is hashed once; a sign-in per device would spend minutes of scrypt on the server's cores).
 */
async function provision(bench: BenchServer, devices: number, perStation: number): Promise<DistrictDevice[]> {
  const store = bench.server.store;
  const stations = Math.ceil(devices / perStation);
  const ids = Array.from({ length: stations }, (_, i) => `district-${String(i + 1).padStart(4, '0')}`);
  const stationDocs: StationDoc[] = ids.map((id, i) => ({ _id: `station:${id}`, type: 'station', id, name: `压测服务站 ${i + 1}`, nameEn: `District station ${i + 1}`, kind: 'building', district: '东莞市松山湖', buildings: [`压测大厦 ${i + 1}`] }));
  const passwordHash = await hashPassword('demo');
  const accounts: Account[] = ids.map((id, i) => ({ _id: accountId(`dist${i + 1}`), username: `dist${i + 1}`, role: 'station', stationId: id, displayName: `压测 ${i + 1}`, passwordHash }));
  for (let i = 0; i < stations; i += 500) {
    await store.bulkDocs(STATIONS_DB, stationDocs.slice(i, i + 500));
    await store.bulkDocs(ACCOUNTS_DB, accounts.slice(i, i + 500));
  }
  await pool(ids, 8, async (id) => {
    await store.ensureDb(`station-${id}`);
    bench.server.feeder.follow(id);
  });
  const sessions = new SessionStore(store, 12 * 3600_000);
  const out: DistrictDevice[] = Array.from({ length: devices });
  await pool(
    Array.from({ length: devices }, (_, i) => i),
    16,
    async (i) => {
      const account = accounts[Math.floor(i / perStation)]!;
      const { token } = await sessions.create(account, stationDocs[Math.floor(i / perStation)]!.name);
      out[i] = { stationId: account.stationId!, username: account.username, cookie: `${SESSION_COOKIE}=${token}` };
    },
  );
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The section
// ---------------------------------------------------------------------------------------------------------

interface StepResult {
  n: number;
  out: DistrictStepOutput;
  p50: number;
  p95: number;
  usage: ReturnType<Sampler['stop']>;
  storeRequests: number;
}

const stepName = (label: string, n: number): string => `district (${label}): ${n} live devices, p95 write → hall queue`;

async function runStore(kind: StoreKind, opts: DistrictOptions, deadline: number): Promise<Figure[]> {
  const maxN = Math.max(...opts.steps);
  const owed = (label: string): [string, number][] => [...opts.steps.map((n): [string, number] => [stepName(label, n), P95_TARGET_MS]), [`district (${label}): saturation, submissions/s into the queue vs raw store writes`, SATURATION_TARGET]];
  let store: Store;
  try {
    store = await openStore(kind);
  } catch (e) {
    log(`district: ${kind}: ${(e as Error).message}`);
    return owed(kind === 'cluster' ? 'CouchDB cluster' : 'embedded store').map(([name, target]) => failedFigure(name, target, e));
  }
  const label = store.kind === 'cluster' ? (store.pids.length ? 'CouchDB cluster' : 'CouchDB') : 'embedded store';
  const figures: Figure[] = [];
  let bench: BenchServer | undefined;
  try {
    bench = await startBenchServer({ staticDir: undefined, ...(store.couchdbUrl ? { couchdbUrl: store.couchdbUrl, couchdbPrefix: store.prefix ?? '' } : {}) });
    const byKind = countRequests(bench.server.store);
    const at = performance.now();
    const devices = await provision(bench, maxN, opts.devicesPerStation);
    const hallCookie = await bench.signIn('hall');
    log(`district (${label}): ${maxN} devices on ${Math.ceil(maxN / opts.devicesPerStation)} stations provisioned in ${round((performance.now() - at) / 1000, 1)} s`);
    const pids = new Map<string, number>([['sync-server', process.pid]]);
    store.pids.forEach((pid, i) => pids.set(`couchdb${i + 1}`, pid));

    const stepMs = opts.writeMs + opts.drainMs + 40_000;
    const base = { url: bench.url, hallCookie, periodMs: opts.periodMs, pagesPer: opts.pagesPer, pageBytes: opts.pageBytes };
    const results: StepResult[] = [];
    let skipped: string | undefined;
    for (const n of opts.steps) {
      if (skipped) {
        figures.push({ ...failedFigure(stepName(label, n), P95_TARGET_MS, new Error(skipped)), notes: `not run: ${skipped}` });
        continue;
      }
      // Keep time for the saturation runs (and the other store) after the steps.
      if (deadline - performance.now() < stepMs + 60_000) {
        skipped = 'no time left in the bench budget';
        figures.push({ ...failedFigure(stepName(label, n), P95_TARGET_MS, new Error(skipped)), notes: `not run: ${skipped}` });
        continue;
      }
      const sampler = new Sampler(pids);
      let usage: ReturnType<Sampler['stop']> | undefined;
      // The server's store requests from the first write to the end of the drain (connecting devices excluded).
      let requests0 = bench.server.store.stats.requests;
      let kinds0 = new Map(byKind);
      const out = await runDevices({ ...base, mode: 'live', devices: devices.slice(0, n), writeMs: opts.writeMs, drainMs: opts.drainMs, warmupMs: 0 }, stepMs + n * 60, (phase, pid) => {
        if (phase === 'writing') {
          pids.set('devices', pid);
          sampler.start();
          requests0 = bench!.server.store.stats.requests;
          kinds0 = new Map(byKind);
        } else if (phase === 'draining') {
          usage = sampler.stop();
          pids.delete('devices');
        }
      });
      const requests = bench.server.store.stats.requests - requests0;
      const kinds = perSubmission(kinds0, byKind, out.written);
      const p95 = percentile(out.latenciesMs, 95);
      const r: StepResult = { n, out, p50: percentile(out.latenciesMs, 50), p95, usage: usage!, storeRequests: requests };
      results.push(r);
      const offered = (n * 60_000) / opts.periodMs / 60;
      log(`district (${label}): N=${n}: ${out.received}/${out.written} received, offered ${round(offered, 2)}/s, p50 ${round(r.p50)} ms, p95 ${round(p95)} ms, connect ${round(out.connectMs / 1000, 1)} s; ${cpuText(r.usage)}; store requests ${requests} (${round(requests / Math.max(1, out.written), 1)}/submission: ${kinds}); ${JSON.stringify(out.counts)}${out.errors.length ? `; errors: ${out.errors.slice(0, 3).join(' | ')}` : ''}`);
      figures.push(
        figure({
          name: stepName(label, n),
          value: p95,
          unit: 'ms',
          baseline: results[0]!.p95,
          target: P95_TARGET_MS,
          notes: `${out.received}/${out.written} received within ${opts.drainMs / 1000} s of the last write; offered ${round(offered, 2)} submissions/s (1 per device per ${opts.periodMs / 1000} s, ${opts.pagesPer} × ${Math.round(opts.pageBytes / 1024)} KB pages) for ${opts.writeMs / 1000} s; p50 ${round(r.p50)} ms; ${cpuText(r.usage)}; store requests by the server ${round(requests / Math.max(1, out.written), 1)} per submission (${kinds}); device requests ${JSON.stringify(out.counts)}; devices online in ${round(out.connectMs / 1000, 1)} s${out.errors.length ? `; first errors: ${out.errors.slice(0, 2).join(' | ')}` : ''}; baseline: the first step`,
        }),
      );
      if (out.received < out.written || p95 > 5 * P95_TARGET_MS) skipped = `the ${n}-device step did not keep up (${out.received}/${out.written} received, p95 ${round(p95 / 1000, 1)} s)`;
    }
    const bend = results.find((r) => r.p95 > P95_TARGET_MS || r.out.received < r.out.written);
    const summary = results.map((r) => `${r.n}: p95 ${round(r.p95 / 1000, 2)} s`).join(' · ');
    const last = figures.findLast((f) => f.name.startsWith(`district (${label}):`) && Number.isFinite(f.value));
    if (last) last.notes = `${last.notes}; steps ${summary}; ${bend ? `bends at ${bend.n} devices (sync-server ${bend.usage.cpu['sync-server']}% of a core, ${Object.entries(bend.usage.cpu).filter(([k]) => k.startsWith('couchdb')).map(([k, v]) => `${k} ${v}%`).join(', ') || 'store in the sync-server'}, devices ${bend.usage.cpu.devices ?? '—'}%, machine ${bend.usage.machineBusy}% busy)` : `no bend up to ${results.at(-1)?.n ?? 0} devices`}`;

    // Saturation: through the product, then the same writes straight into the store.
    const satName = `district (${label}): saturation, submissions/s into the queue vs raw store writes`;
    const sat = opts.saturation;
    if (sat.writeMs <= sat.warmupMs || deadline - performance.now() < 2 * sat.writeMs + sat.drainMs + 30_000) {
      const why = sat.writeMs <= sat.warmupMs ? 'switched off (BENCH_DISTRICT_SAT_S)' : 'no time left in the bench budget';
      figures.push({ ...failedFigure(satName, SATURATION_TARGET, new Error(why)), notes: `not run: ${why}` });
    } else {
      const satDevices = devices.slice(0, Math.min(sat.devices, devices.length));
      const sampler = new Sampler(pids);
      let productUsage: ReturnType<Sampler['stop']> | undefined;
      const phases = (phase: string, pid: number): void => {
        if (phase === 'writing') {
          pids.set('devices', pid);
          sampler.start();
        } else if (phase === 'draining') {
          productUsage = sampler.stop();
          pids.delete('devices');
        }
      };
      const product = await runDevices({ ...base, mode: 'saturate', devices: satDevices, writeMs: sat.writeMs, drainMs: sat.drainMs, warmupMs: sat.warmupMs }, sat.writeMs + sat.drainMs + 60_000, phases);
      await bench.server.store.ensureDb('bench-raw');
      await bench.server.store.ensureDb('bench-raw-blobs');
      const rawSampler = new Sampler(pids);
      let rawUsage: ReturnType<Sampler['stop']> | undefined;
      const prefix = bench.server.store.prefix;
      const raw = await runDevices(
        { ...base, mode: 'raw', devices: satDevices, writeMs: sat.writeMs, drainMs: 0, warmupMs: sat.warmupMs, raw: { storeUrl: bench.server.storeUrl, docsDb: `${prefix}bench-raw`, blobsDb: `${prefix}bench-raw-blobs`, concurrency: sat.rawConcurrency } },
        sat.writeMs + 60_000,
        (phase, pid) => {
          if (phase === 'writing') {
            pids.set('devices', pid);
            rawSampler.start();
          } else if (phase === 'draining') {
            rawUsage = rawSampler.stop();
            pids.delete('devices');
          }
        },
      );
      log(`district (${label}): saturation: product ${round(product.windowRate, 2)}/s (${product.received}/${product.written} received, p95 ${round(percentile(product.latenciesMs, 95))} ms; ${cpuText(productUsage!)}), raw ${round(raw.windowRate, 2)}/s (${cpuText(rawUsage!)})${product.errors.length ? `; errors: ${product.errors.slice(0, 2).join(' | ')}` : ''}${raw.errors.length ? `; raw errors: ${raw.errors.slice(0, 2).join(' | ')}` : ''}`);
      figures.push(
        figure({
          name: satName,
          value: product.windowRate,
          unit: 'submissions/s',
          baseline: raw.windowRate,
          target: SATURATION_TARGET,
          targetOn: 'ratio',
          atLeast: true,
          notes: `${satDevices.length} devices writing as fast as they can for ${sat.writeMs / 1000} s (rate: received / first write → last receipt), each submission ${opts.pagesPer} × ${Math.round(opts.pageBytes / 1024)} KB pages; ${product.received}/${product.written} received within ${sat.drainMs / 1000} s, p95 ${round(percentile(product.latenciesMs, 95))} ms; ${cpuText(productUsage!)}. Raw: one client, ${sat.rawConcurrency} submissions in flight, _bulk_docs + 3 attachment PUTs straight into the store: ${raw.received} in ${sat.writeMs / 1000} s (rate counted after ${sat.warmupMs / 1000} s); ${cpuText(rawUsage!)}${product.errors.length ? `; first errors: ${product.errors.slice(0, 2).join(' | ')}` : ''}`,
        }),
      );
    }
  } catch (e) {
    log(`district (${label}) failed: ${(e as Error).stack ?? String(e)}`);
    const have = new Set(figures.map((f) => f.name));
    figures.push(...owed(label).filter(([name]) => !have.has(name)).map(([name, target]) => failedFigure(name, target, e)));
  } finally {
    await bench?.close().catch((e: unknown) => log(`district: closing the server: ${(e as Error).message}`));
    if (store.prefix && store.couchdbUrl) await dropPrefixed(store.couchdbUrl, store.prefix).catch(() => undefined);
    await store.stop().catch((e: unknown) => log(`district: stopping CouchDB: ${(e as Error).message}`));
  }
  return figures;
}

/** A CouchDB given by URL keeps nothing of the run: its databases of this prefix are dropped. */
async function dropPrefixed(url: string, prefix: string): Promise<void> {
  const { CouchClient } = await import('../../sync-server/src/store/couch');
  const admin = new CouchClient(url);
  const all = await admin.json<string[]>('GET', '/_all_dbs');
  await pool(all.filter((n) => n.startsWith(prefix)), 8, async (n) => void (await admin.json('DELETE', `/${encodeURIComponent(n)}`).catch(() => undefined)));
}

export async function benchDistrict(opts: DistrictOptions): Promise<Figure[]> {
  const started = performance.now();
  const deadline = started + opts.budgetMs;
  // The cluster first (the target is on it, 60% of the time), then the embedded store with what is left.
  const both = opts.stores.includes('cluster') && opts.stores.includes('embedded');
  const cluster = opts.stores.includes('cluster') ? await runStore('cluster', opts, both ? started + opts.budgetMs * 0.6 : deadline) : [];
  const embedded = opts.stores.includes('embedded') ? await runStore('embedded', opts, deadline) : [];
  return [...cluster, ...embedded];
}
