// `npm run soak`: the fault suite again and again with new seeds until at least SOAK_RUNS fault runs (default 100)
// are done — each pass runs the browser fault runs (test/faults/faults.e2e.ts: browser kill -9, sync-server
// kill -9, lossy network, clock skew, full disk), the tab runs (test/faults/tabs.e2e.ts: a tab closed mid-submit,
// two tabs of one device at once) and, with a CouchDB kit, the cluster run (a CouchDB node and a
// sync-server process killed). Every pass prints its seed (FAULT_SEED=<seed> replays it); the end prints
// `faults: N runs, lost L, duplicated D` over all passes and exits non-zero when anything was lost, duplicated or
// failed. Not part of `npm test` (it takes about an hour).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureBuild, ensureDependencies, root } from './ensure.mjs';
import { laneTarget } from './couchdb.mjs';

const target = Number(process.env.SOAK_RUNS ?? 100);
const firstSeed = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 1e9));
const lane = laneTarget(process.env.LXE_TEST_COUCHDB ?? path.join(root, '../shared/couchdb'));
ensureDependencies();
ensureBuild();
if (!lane.kit) console.log(`soak: cluster runs NOT included — ${lane.none ?? 'LXE_TEST_COUCHDB is a URL, not a kit folder'}`);

const total = { runs: 0, lost: 0, duplicated: 0, failedPasses: 0 };
const files = ['test/faults/faults.e2e.ts', 'test/faults/tabs.e2e.ts', ...(lane.kit ? ['test/faults/cluster.e2e.ts'] : [])];
for (let pass = 0; total.runs < target; pass++) {
  const seed = firstSeed + pass;
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/faults/vitest.config.ts', ...files], {
    cwd: root,
    env: { ...process.env, FAULT_SEED: String(seed), ...(lane.kit ? { LXE_TEST_COUCHDB_KIT: lane.kit } : {}) },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  // Vitest colours the lines it relays from tests: strip the escapes before reading the tallies.
  const out = `${r.stdout}\n${r.stderr}`.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  let runs = 0;
  let lost = 0;
  let duplicated = 0;
  for (const m of out.matchAll(/^faults: (\d+) runs, lost (\d+), duplicated (\d+)/gm)) {
    runs += Number(m[1]);
    lost += Number(m[2]);
    duplicated += Number(m[3]);
  }
  for (const m of out.matchAll(/^cluster faults: .*lost (\d+), duplicated (\d+)/gm)) {
    runs += 1;
    lost += Number(m[1]);
    duplicated += Number(m[2]);
  }
  const failed = r.status !== 0;
  total.runs += runs;
  total.lost += lost;
  total.duplicated += duplicated;
  if (failed) total.failedPasses++;
  console.log(`soak pass ${pass + 1}: FAULT_SEED=${seed}: ${runs} runs, lost ${lost}, duplicated ${duplicated}${failed ? ' — FAILED (output below)' : ''} (${((Date.now() - started) / 1000).toFixed(0)} s; ${total.runs}/${target})`);
  if (failed) console.log(out.split('\n').filter((l) => /FAIL|Error|expected|lost| {2}- /.test(l)).slice(0, 40).join('\n'));
  if (runs === 0) {
    console.log('soak: a pass ran no fault runs; stopping');
    total.failedPasses++;
    break;
  }
}
console.log(`\nfaults: ${total.runs} runs, lost ${total.lost}, duplicated ${total.duplicated}${total.failedPasses ? ` (${total.failedPasses} passes failed)` : ''}`);
process.exit(total.lost || total.duplicated || total.failedPasses ? 1 : 0);
