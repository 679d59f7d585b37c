// `/metrics` (Prometheus text) and `/readyz` over HTTP: who may read them, and that what users do shows up in
// the figures an operator alerts on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvent, makePng, makeSubmission, sha256Hex, STATION_DB, startTestServer, waitFor, type TestServer } from './test-support';

const TOKEN = 'scrape-token-for-tests-0123456789';
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ metricsToken: TOKEN }, ['station', 'hall', 'admin']);
});
afterAll(async () => {
  await t?.close();
});

const scrape = async (): Promise<string> => {
  const r = await t.call('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(r.status).toBe(200);
  return r.text;
};

/** The value of one sample (`name{labels} value`), 0 when the line is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',');
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

describe('/metrics', () => {
  it('is not public: 401 without a session or token, 403 for a station, 200 for an admin or the scrape token', async () => {
    expect((await t.call('GET', '/metrics')).status).toBe(401);
    expect((await t.call('GET', '/metrics', { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
    expect((await t.as('station', 'GET', '/metrics')).status).toBe(403);
    expect((await t.as('hall', 'GET', '/metrics')).status).toBe(403);
    const admin = await t.as('admin', 'GET', '/metrics');
    expect(admin.status).toBe(200);
    expect(admin.headers.get('content-type')).toContain('text/plain');
    expect(admin.text).toContain('# TYPE lxe_http_requests_total counter');
  });

  it('counts requests by route template (never by station or document id), sign-in failures, replication and scan bytes', async () => {
    const before = await scrape();
    const failures = sample(before, 'lxe_sign_in_failures_total');
    const out = sample(before, 'lxe_replication_bytes_total', { direction: 'out' });
    const blobs = sample(before, 'lxe_blob_bytes_stored_total');

    expect((await t.signIn('station', 'not-the-password')).reply.status).toBe(401);
    expect((await t.as('station', 'GET', `/sync/${STATION_DB}/_all_docs?include_docs=true`)).status).toBe(200);
    const png = makePng(7);
    expect((await t.as('station', 'PUT', `/api/blobs/${sha256Hex(png)}`, { body: png, headers: { 'content-type': 'image/png' } })).status).toBe(201);

    const after = await scrape();
    expect(sample(after, 'lxe_sign_in_failures_total')).toBe(failures + 1);
    expect(sample(after, 'lxe_replication_bytes_total', { direction: 'out' })).toBeGreaterThan(out);
    expect(sample(after, 'lxe_blob_bytes_stored_total')).toBe(blobs + png.length);
    expect(sample(after, 'lxe_http_requests_total', { route: '/sync/:db/_all_docs', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'lxe_http_requests_total', { route: '/api/session/', method: 'POST', status: '401' })).toBeGreaterThanOrEqual(1);
    const routes = [...after.matchAll(/route="([^"]*)"/g)].map((m) => m[1]!);
    expect(routes.filter((r) => r.includes('jingan') || /[0-9A-HJKMNP-TV-Z]{26}/.test(r) || /[0-9a-f]{64}/.test(r))).toEqual([]);
  });

  it('reports the queue by state, overdue, the feeder lag and store latency', async () => {
    const submission = makeSubmission();
    expect((await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [submission, makeEvent(submission)] } })).status).toBe(201);
    const byState = await waitFor('the submission in the dashboard', async () => {
      const d = JSON.parse((await t.as('hall', 'GET', '/api/hall/dashboard')).text) as { byState: Record<string, number> };
      return Object.keys(d.byState).length ? d.byState : undefined;
    });
    // Figures read at scrape time are reused for 10 s: wait out the cache filled by the scrapes above.
    const text = await waitFor('the queue in /metrics', async () => {
      const m = await scrape();
      return Object.entries(byState).every(([state, n]) => sample(m, 'lxe_queue_submissions', { state }) === n) ? m : undefined;
    }, 15_000, 500);
    for (const [state, n] of Object.entries(byState)) expect(sample(text, 'lxe_queue_submissions', { state })).toBe(n);
    expect(text).toMatch(/^lxe_queue_overdue \d+$/m);
    expect(text).toMatch(/^lxe_feeder_lag_seconds [\d.]+$/m);
    expect(sample(text, 'lxe_store_request_duration_seconds_count')).toBeGreaterThan(0);
    expect(text).toMatch(/^lxe_open_change_feeds \d+$/m);
  });
});

describe('/readyz', () => {
  it('is 200 when the store answers and the queue is caught up, 503 when the feeder falls behind', async () => {
    const ok = await t.call('GET', '/readyz');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toMatchObject({ ready: true, store: 'reachable' });
    const feeder = t.server.feeder;
    const real = feeder.lagSeconds.bind(feeder);
    feeder.lagSeconds = () => 120; // a drain stuck for two minutes
    try {
      const behind = await t.call('GET', '/readyz');
      expect(behind.status).toBe(503);
      expect(JSON.parse(behind.text)).toMatchObject({ ready: false, feederLagSeconds: 120 });
    } finally {
      feeder.lagSeconds = real;
    }
  });
});
