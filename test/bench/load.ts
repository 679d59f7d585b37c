/**
 * load: N simulated station devices (PouchDB in Node, one station and one session each, in a separate process:
 * load-devices.ts) live-syncing through the proxy at once, each taking in one submission per second (plus its
 * small page upload). Throughput = submissions received into the hall queue per second; latency = from the
 * device's local write to the hall's change stream saying it was received. N steps up; baseline: N = 1.
 * The server gets one bench station and station account per device (made directly in the store, as an
 * admin would), followed by the queue feeder like any station.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { createAccount, STATIONS_DB, type StationDoc } from '../../sync-server/src/auth/accounts';
import type { LoadStepInput, LoadStepOutput } from './load-devices';
import { figure, log, percentile, ROOT, round, startBenchServer, type Figure } from './lib';

export interface LoadOptions {
  steps: number[];
  ratePerDevice: number;
  writeMs: number;
  drainMs: number;
}

function runStep(input: LoadStepInput, timeoutMs: number): Promise<LoadStepOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'test/bench/load-devices.ts'), JSON.stringify(input)],
      { cwd: ROOT, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const line = stdout.trim().split('\n').at(-1) ?? '';
        if (err && !line.startsWith('{')) return reject(new Error(`load step (N=${input.devices.length}) failed: ${err.message} ${stderr.slice(-500)}`));
        try {
          resolve(JSON.parse(line) as LoadStepOutput);
        } catch {
          reject(new Error(`load step (N=${input.devices.length}) printed no result: ${stderr.slice(-500)}`));
        }
      },
    );
  });
}

export async function benchLoad(opts: LoadOptions): Promise<Figure[]> {
  const bench = await startBenchServer({ staticDir: undefined });
  try {
    const store = bench.server.store;
    const max = Math.max(...opts.steps);
    const devices: LoadStepInput['devices'] = [];
    for (let i = 1; i <= max; i++) {
      const stationId = `bench-${String(i).padStart(2, '0')}`;
      const station: StationDoc = { _id: `station:${stationId}`, type: 'station', id: stationId, name: `压测服务站 ${i}`, nameEn: `Bench station ${i}`, kind: 'building', district: '上海市静安区', buildings: [`压测大厦 ${i}`] };
      await store.upsert<StationDoc>(STATIONS_DB, station._id, () => station);
      await store.ensureDb(`station-${stationId}`);
      bench.server.feeder.follow(stationId);
      const username = `bench${String(i).padStart(2, '0')}`;
      await createAccount(store, { username, password: 'demo', role: 'station', stationId, displayName: `压测 ${i}` });
      devices.push({ stationId, username, cookie: await bench.signIn(username) });
    }
    const hallCookie = await bench.signIn('hall');

    const results: { n: number; out: LoadStepOutput; p50: number; p95: number; throughput: number }[] = [];
    for (const n of opts.steps) {
      const out = await runStep({ url: bench.url, hallCookie, devices: devices.slice(0, n), ratePerDevice: opts.ratePerDevice, writeMs: opts.writeMs, drainMs: opts.drainMs }, opts.writeMs + opts.drainMs + 60_000);
      const p95 = percentile(out.latenciesMs, 95);
      const throughput = out.received / (out.spanMs / 1000);
      results.push({ n, out, p50: percentile(out.latenciesMs, 50), p95, throughput });
      log(`load: N=${n}: ${out.received}/${out.written} received, ${round(throughput, 2)}/s, p50 ${round(percentile(out.latenciesMs, 50))} ms, p95 ${round(p95)} ms${out.errors.length ? `, errors: ${out.errors.slice(0, 2).join(' | ')}` : ''}`);
    }
    const base = results[0]!;
    // Where it bends: the first step whose p95 is more than twice the single device's, or that loses pace.
    const bend = results.find((r) => r.p95 > 2 * base.p95 || r.out.received < r.out.written || r.throughput < 0.8 * r.n * opts.ratePerDevice);
    const bendText = bend ? `p95 bends at N=${bend.n} (p95 ${round(bend.p95)} ms vs ${round(base.p95)} ms at N=1; ${round(bend.throughput, 2)}/s of ${bend.n * opts.ratePerDevice}/s offered)` : `no bend up to N=${max} (p95 within 2× of N=1, throughput keeps pace)`;
    const summary = results.map((r) => `N=${r.n}: ${round(r.throughput, 2)}/s, p95 ${round(r.p95)} ms`).join('; ');
    return results.flatMap((r) => [
      figure({
        name: `load: ${r.n} station device${r.n > 1 ? 's' : ''} live-syncing, p95 write → hall queue`,
        value: r.p95,
        unit: 'ms',
        baseline: base.p95,
        target: null,
        notes: `${r.out.received}/${r.out.written} received; p50 ${round(r.p50)} ms; offered ${round(r.n * opts.ratePerDevice, 2)} submissions/s for ${opts.writeMs / 1000} s${r.out.errors.length ? `; ${r.out.errors.length} errors, first: ${r.out.errors[0]}` : ''}${r.n === max ? `; ${bendText}; ${summary}` : ''}`,
      }),
      figure({
        name: `load: ${r.n} station device${r.n > 1 ? 's' : ''}, throughput into the hall queue`,
        value: r.throughput,
        unit: 'submissions/s',
        baseline: base.throughput,
        target: null,
        notes: `received submissions / (first write → last receipt); ${r.n} × ${opts.ratePerDevice}/s offered`,
      }),
    ]);
  } finally {
    await bench.close();
  }
}
