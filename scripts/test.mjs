// `npm test`: installs what it needs (npm packages; Debian's chromium and CJK fonts via apt-get), then runs
// lint, type checks, unit and server tests, the production build, and the browser tests. Prints one
// closing line "N passed, N failed" summed over every vitest run.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureDependencies, root, run } from './ensure.mjs';
import { laneTarget, startNode } from './couchdb.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function ensureChromium() {
  const haveFonts = existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
  if (existsSync(CHROMIUM) && haveFonts) return;
  console.log('› installing Debian chromium and fonts-noto-cjk');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (args) => run(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-noto-cjk']);
}

const reports = path.join(root, 'test/artifacts/reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };

function vitest(name, args, env = {}) {
  const out = path.join(reports, `${name}.json`);
  let ok = true;
  try {
    run(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], { env: { ...process.env, ...env } });
  } catch {
    ok = false;
  }
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    if (r.numFailedTestSuites > 0) ok = false;
  }
  return ok;
}

function step(name, fn) {
  console.log(`\n› ${name}`);
  const started = Date.now();
  const ok = fn();
  console.log(`  ${name}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return ok;
}

const tryRun = (cmd, args) => () => {
  try {
    run(cmd, args);
    return true;
  } catch {
    return false;
  }
};

ensureDependencies();
ensureChromium();

// The real-CouchDB lane: the server suites and the walking skeleton again, on a real Apache CouchDB.
const lane = laneTarget();
// Each step is given the lane's store explicitly; the others must not see a kit folder (or URL) as theirs.
delete process.env.LXE_TEST_COUCHDB;
let couch = null;
if (lane.none) console.log(`\n› real-CouchDB lane: NOT RUN — ${lane.none}`);
else if (lane.url) couch = { url: lane.url, stop() {} };
else {
  console.log(`\n› starting a CouchDB node from ${lane.kit}`);
  couch = await startNode(lane.kit);
}
const stopCouch = () => couch?.stop();
process.on('exit', stopCouch);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
// What the lane runs: the server suites that touch the store (the embedded-only CLI and sink tests stay out).
const COUCH_SERVER_SUITES = ['security', 'sync-writes', 'fuzz', 'queue', 'queue-views', 'feeder', 'proxy-limits', 'blobs', 'bookings', 'replication', 'admin/admin', 'auto-approval', 'sessions-expiry', 'purge-policy', 'backup', 'metrics', 'catalog/catalog'].map((f) => `sync-server/src/${f}.test.ts`);
const bin = (p) => path.join(root, 'node_modules', p);
const results = [
  step('lint', tryRun(process.execPath, [bin('eslint/bin/eslint.js'), '.', '--max-warnings=0'])),
  step('typecheck', tryRun(process.execPath, [path.join(root, 'scripts/typecheck.mjs')])),
  step('unit and server tests', () => vitest('unit', [])),
  // The fuzz suite replays a fixed seed on this lane (the embedded lane explores a new one each run): `npm test`
  // must not fail on whichever new input a run happens to draw; FUZZ_SEED=<n> explores another.
  ...(couch ? [step('server tests on real CouchDB', () => vitest('couchdb', COUCH_SERVER_SUITES.filter((f) => existsSync(path.join(root, f))), { LXE_TEST_COUCHDB: couch.url, FUZZ_SEED: process.env.FUZZ_SEED ?? '20261206' }))] : []),
  step('build', tryRun(process.execPath, [bin('vite/bin/vite.js'), 'build', '--logLevel', 'warn'])),
];
const built = results[couch ? 4 : 3];
// The cluster fault runs (test/faults/cluster.e2e.ts) start a 3-node cluster from the kit when there is one.
results.push(built ? step('browser tests (Chromium)', () => vitest('e2e', ['--config', 'test/e2e/vitest.config.ts'], lane.kit ? { LXE_TEST_COUCHDB_KIT: lane.kit } : {})) : false);
if (couch && built) results.push(step('walking skeleton on real CouchDB', () => vitest('e2e-couchdb', ['--config', 'test/e2e/vitest.config.ts', 'test/e2e/walking-skeleton.e2e.ts'], { LXE_TEST_COUCHDB: couch.url })));

const failedSteps = results.filter((ok) => !ok).length;
console.log(`\n${failedSteps ? `${failedSteps} step(s) failed` : 'all steps passed'}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
console.log(couch ? `real-CouchDB lane: run against ${lane.url ? 'LXE_TEST_COUCHDB' : 'a node started from the kit'}` : `real-CouchDB lane: NOT RUN — ${lane.none}`);
process.exit(failedSteps ? 1 : 0);
