/**
 * `npm run bench` (via scripts/bench.mjs, which builds the app first): runs every section against the real
 * sync-server in this process, writes test/bench/results.json, prints a table and exits non-zero when a
 * budget is missed. Sections run one after another (2 cores: anything in parallel would measure contention).
 *
 * Environment: BENCH_QUEUE_BUDGET_MS (the queue section's seeding and queries on every store, default 900 s),
 * BENCH_SYNC_RUNS (runs of the sync section, default 3), BENCH_BACKLOG_N (submissions of the backlog section, 1000),
 * BENCH_INGEST_N (submissions whose pages the ingest section uploads, 1000), BENCH_STORES=embedded,couchdb, BENCH_QUEUE_N (queue projections to seed, default
 * 100,000),
 * BENCH_ONLY=start,capture,sync,backlog,ingest,load,queue,record,district (a subset), BENCH_SYNC_N (submissions in the sync backlog),
 * BENCH_DISTRICT_BUDGET_MS (the district section's own time, after the others; default 600 s),
 * BENCH_DISTRICT_STEPS (live devices per step, default 100,250,500,1000), BENCH_DISTRICT_WRITE_S (seconds of
 * writing per step, default 30), BENCH_DISTRICT_STORES (cluster,embedded), BENCH_DISTRICT_SAT_DEVICES (48),
 * BENCH_DISTRICT_SAT_S (seconds of saturation writing, default 20; 0 = not run, reported as missed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchCapture } from './capture';
import { benchDistrict } from './district';
import { benchIngest } from './ingest';
import { launchBrowser } from '../e2e/support/browser';
import { failedFigure, log, ROOT, round, stopBenchStores, type Figure } from './lib';
import { benchLoad } from './load';
import { benchQueue } from './queue';
import { benchRecord } from './record';
import { benchSearch } from './search';
import { benchStart } from './start';
import { benchSync } from './sync';

const started = performance.now();
/** The queue section's own time (seeding 100k projections on each store, then the queries); it scales N to fit. */
const queueBudgetMs = Number(process.env.BENCH_QUEUE_BUDGET_MS ?? 900_000);
const only = new Set((process.env.BENCH_ONLY ?? 'start,capture,sync,backlog,ingest,load,queue,record,district').split(',').map((s) => s.trim()));
const syncN = Number(process.env.BENCH_SYNC_N ?? 200);
const syncRuns = Number(process.env.BENCH_SYNC_RUNS ?? 3);
const backlogN = Number(process.env.BENCH_BACKLOG_N ?? 1000);
const ingestN = Number(process.env.BENCH_INGEST_N ?? 1000);
/** The district section runs last, on its own budget (it starts CouchDB and steps up to 1,000 devices). */
const districtBudgetMs = Number(process.env.BENCH_DISTRICT_BUDGET_MS ?? 600_000);
const districtSteps = (process.env.BENCH_DISTRICT_STEPS ?? '100,250,500,1000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const districtWriteMs = Number(process.env.BENCH_DISTRICT_WRITE_S ?? 30) * 1000;
const districtStores = (process.env.BENCH_DISTRICT_STORES ?? 'cluster,embedded').split(',').map((s) => s.trim());

interface Section {
  key: string;
  /** Names (and budgets) of the figures the section owes, for a failure row. */
  owes: [string, number | null][];
  /** Longest the section may take. */
  timeoutMs: () => number;
  run: () => Promise<Figure[]>;
}

const sections: Section[] = [
  {
    key: 'start',
    owes: [
      ['start: cold offline start to a usable intake screen, 4× CPU throttling, ≤ 1000 ms', 1000],
      ['start: the same, navigating the moment the browser is launched (its start-up competing), 4× CPU throttling', null],
      ['start: initial JavaScript of the station route (/intake), gzip, ≤ 90 KB', 90],
    ],
    timeoutMs: () => 180_000,
    run: () => benchStart({ runs: 5 }),
  },
  {
    key: 'capture',
    owes: [['capture: longest main-thread task while a 12 MP photo is compressed in the worker, ≤ 50 ms', 50]],
    timeoutMs: () => 90_000,
    run: () => benchCapture(),
  },
  {
    key: 'sync',
    owes: [[`sync (embedded): Chromium station device, backlog of ${syncN} submissions × 5 pages, median of ${syncRuns} runs, ≤ 1.3× raw`, 1.3]],
    timeoutMs: () => 40 * 60_000,
    run: () => benchSync({ submissions: syncN, pagesPer: 5, pageBytes: 300 * 1024, runTimeoutMs: 300_000, runs: syncRuns }),
  },
  {
    key: 'backlog',
    owes: [
      [`sync (embedded): Chromium station device, backlog of ${backlogN} submissions × 5 pages of ~30 KB, ≤ 1.3× raw`, 1.3],
      [`device (embedded): IndexedDB after ${backlogN} synced submissions (pages uploaded and freed), ≤ 10 MB`, 10],
      [`first sync (embedded): new station device, district catalog + ${backlogN} submissions' documents, ≤ 10 s`, 10],
    ],
    timeoutMs: () => 40 * 60_000,
    run: () => benchSync({ submissions: backlogN, pagesPer: 5, pageBytes: 30 * 1024, runTimeoutMs: 900_000, runs: 1, after: true }),
  },
  {
    key: 'ingest',
    owes: [['ingest (embedded): pages per second through PUT /api/blobs, ≥ 0.5× raw', 0.5]],
    timeoutMs: () => 900_000,
    run: () => benchIngest({ submissions: ingestN, pagesPer: 5, pageBytes: 30 * 1024, concurrency: 2, runTimeoutMs: 400_000 }),
  },
  {
    key: 'queue',
    owes: [['queue: hall queue query p95 at 100k (embedded store; CouchDB too when configured), ≤ 50 ms', 50]],
    // Its own budget, shared among the stores (seeding is most of it): each store's N is scaled to fit, and says so.
    timeoutMs: () => queueBudgetMs + 60_000,
    run: () => benchQueue({ target: 50, docs: Number(process.env.BENCH_QUEUE_N ?? 100_000), budgetMs: queueBudgetMs, requests: 108 }),
  },
  {
    key: 'load',
    owes: [['load: station devices live-syncing, p95 write → hall queue', null]],
    timeoutMs: () => 180_000,
    run: () => benchLoad({ steps: [1, 2, 4, 8, 16], ratePerDevice: 1, writeMs: 8_000, drainMs: 15_000 }),
  },
  {
    key: 'record',
    owes: [
      ['record: hall record API p95, 50 pages and 30 events, ≤ 100 ms', 100],
      ['record: hall record, navigation to the first page painted, 50 pages and 30 events, ≤ 1000 ms', 1000],
      ['search: matter search per keystroke, district catalog, 4× CPU throttling, p95 ≤ 16 ms', 16],
    ],
    timeoutMs: () => 300_000,
    run: async () => {
      const browser = await launchBrowser();
      try {
        return [...(await benchRecord(browser, { requests: 60, paintRuns: 5 })), ...(await benchSearch(browser, { throttle: 4, rounds: 2 }))];
      } finally {
        await browser.close();
      }
    },
  },
  {
    key: 'district',
    owes: [['district (CouchDB cluster): 500 live devices, p95 write → hall queue', 2000]],
    timeoutMs: () => districtBudgetMs + 60_000,
    run: () =>
      benchDistrict({
        steps: districtSteps,
        stores: districtStores,
        devicesPerStation: 2,
        periodMs: 60_000,
        writeMs: districtWriteMs,
        drainMs: 20_000,
        pagesPer: 3,
        pageBytes: 300 * 1024,
        saturation: { devices: Number(process.env.BENCH_DISTRICT_SAT_DEVICES ?? 48), writeMs: Number(process.env.BENCH_DISTRICT_SAT_S ?? 20) * 1000, warmupMs: 5_000, drainMs: 20_000, rawConcurrency: 16 },
        budgetMs: districtBudgetMs,
      }),
  },
];

function table(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.met ? 'ok' : 'MISSED',
    f.name,
    `${Number.isFinite(f.value) ? round(f.value) : '—'} ${f.unit}`,
    `${Number.isFinite(f.baseline) ? round(f.baseline) : '—'} ${f.unit}`,
    Number.isFinite(f.ratio) ? `${round(f.ratio, 2)}×` : '—',
    f.target === null ? '—' : `${f.atLeast ? '≥' : '≤'} ${f.target}${f.targetOn === 'ratio' ? '×' : ` ${f.unit}`}`,
  ]);
  const head = ['', 'figure', 'value', 'baseline', 'ratio', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<number> {
  const figures: Figure[] = [];
  for (const section of sections) {
    if (!only.has(section.key)) continue;
    const at = performance.now();
    log(`▶ ${section.key}`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const out = await Promise.race([
        section.run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${section.key} took over ${Math.round(section.timeoutMs() / 1000)} s`)), section.timeoutMs());
        }),
      ]);
      figures.push(...out);
    } catch (e) {
      log(`${section.key} failed: ${(e as Error).stack ?? String(e)}`);
      figures.push(...section.owes.map(([name, target]) => failedFigure(name, target, e)));
    } finally {
      clearTimeout(timer);
    }
    log(`■ ${section.key} ${round((performance.now() - at) / 1000, 1)} s`);
  }
  await stopBenchStores();
  const out = path.join(ROOT, 'test/bench/results.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ figures, machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, at: new Date().toISOString(), seconds: round((performance.now() - started) / 1000, 1) }, null, 2)}\n`);
  process.stdout.write(`\n${table(figures)}\n\n`);
  for (const f of figures.filter((x) => x.notes)) process.stdout.write(`· ${f.name}\n    ${f.notes}\n`);
  const missed = figures.filter((f) => !f.met);
  process.stdout.write(`\nbench: ${figures.length} figures, ${missed.length} missed, ${round((performance.now() - started) / 1000, 1)} s; results in test/bench/results.json\n`);
  return missed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (e: unknown) => {
    await stopBenchStores().catch(() => undefined);
    process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  },
);
