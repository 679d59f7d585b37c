// `npm run bench`: builds the app when dist/ is missing or stale, then runs test/bench/run.ts (TypeScript,
// through tsx): each section within its own time limit, on the embedded store and a real CouchDB, and the district
// section (up to 1,000 devices) last on a budget of its own (BENCH_DISTRICT_BUDGET_MS, default 10 minutes). Writes
// test/bench/results.json, prints a table, exits non-zero when a budget is missed (or the run could not finish).
// The CouchDB the figures also run on (and the district's): LXE_TEST_COUCHDB (a kit folder or a URL), else the
// kit at ../shared/couchdb if there.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureBuild, root } from './ensure.mjs';

const only = (process.env.BENCH_ONLY ?? 'start,capture,sync,backlog,ingest,load,queue,record,district').split(',').map((s) => s.trim());
const districtMs = only.includes('district') ? Number(process.env.BENCH_DISTRICT_BUDGET_MS ?? 600_000) : 0;
// Every section has its own time limit; this is the backstop for the whole run (sync alone is three runs per store).
const MAIN_MS = Number(process.env.BENCH_BUDGET_MS ?? 120 * 60_000);
const TOTAL_MS = MAIN_MS + (districtMs ? districtMs + 60_000 : 0);
const started = Date.now();
const kit = path.resolve(root, '../shared/couchdb');
if (!process.env.LXE_TEST_COUCHDB && existsSync(path.join(kit, 'start-couchdb.sh'))) {
  process.env.LXE_TEST_COUCHDB = kit;
  console.log(`› CouchDB from the kit at ${kit} (set LXE_TEST_COUCHDB to use another; BENCH_STORES=embedded to skip it)`);
}
ensureBuild();
const buildMs = Date.now() - started;
if (buildMs > 1000) console.log(`› build took ${(buildMs / 1000).toFixed(1)} s`);

const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'test/bench/run.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...(districtMs ? { BENCH_DISTRICT_BUDGET_MS: String(districtMs) } : {}) },
  // Own process group, so a stop also reaches tsx's child (and through its pipe, the browser).
  detached: true,
});
const stopAll = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(signal));
const hardStop = setTimeout(() => {
  console.error(`bench: over the ${Math.round(TOTAL_MS / 60_000)}-minute budget, stopping`);
  stopAll('SIGKILL');
}, Math.max(60_000, TOTAL_MS - buildMs - 5_000));
child.on('exit', (code, signal) => {
  clearTimeout(hardStop);
  console.log(`bench: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  process.exit(signal ? 1 : (code ?? 1));
});
