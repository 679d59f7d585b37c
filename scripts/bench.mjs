// `npm run bench`: builds the app when dist/ is missing or stale, then runs test/bench/run.ts (TypeScript,
// through tsx) within the 10-minute budget. Writes test/bench/results.json, prints a table, exits non-zero
// when a budget is missed (or the run could not finish).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureBuild, root } from './ensure.mjs';

const TOTAL_MS = 10 * 60_000;
const started = Date.now();
ensureBuild();
const buildMs = Date.now() - started;
if (buildMs > 1000) console.log(`› build took ${(buildMs / 1000).toFixed(1)} s`);

// The run plans its sections within what is left (less a margin); the hard stop is the 10 minutes.
const budget = Math.max(120_000, TOTAL_MS - buildMs - 45_000);
const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'test/bench/run.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, BENCH_BUDGET_MS: String(budget) },
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
  console.error('bench: over the 10-minute budget, stopping');
  stopAll('SIGKILL');
}, Math.max(60_000, TOTAL_MS - buildMs - 5_000));
child.on('exit', (code, signal) => {
  clearTimeout(hardStop);
  console.log(`bench: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  process.exit(signal ? 1 : (code ?? 1));
});
