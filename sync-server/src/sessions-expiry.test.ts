/**
 * Session expiry and forged session cookies, against a real server whose sessions last 1.5 s. After expiry
 * every protected surface (`/sync/…`, `/api/blobs`, `/api/hall`, `/api/session`) answers 401 with a reason that
 * says to sign in again, even for a session the server has cached; a fresh sign-in works. Cookies that were
 * never issued (random tokens, other formats, empty or oversized values) are no session at all.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from './auth/sessions';
import { asRecord, makePng, makeSubmission, sha256Hex, STATION_DB, startTestServer, type Reply, type TestServer } from './test-support';

const TTL_MS = 1500;

let t: TestServer;

beforeAll(async () => {
  // No sign-ins at start: each test signs in when it needs a session, so the clock starts there.
  t = await startTestServer({ sessionTtlMs: TTL_MS }, []);
});

afterAll(async () => {
  await t?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function signIn(username: string): Promise<{ cookie: string; expiresAt: number }> {
  const { reply, cookie } = await t.signIn(username);
  expect(reply.status).toBe(200);
  if (!cookie) throw new Error('no session cookie');
  return { cookie, expiresAt: Date.parse(String(asRecord(reply.json).expiresAt)) };
}

/** Wait until the session's expiry has certainly passed (plus a margin for clock granularity). */
async function waitPast(expiresAt: number): Promise<void> {
  await sleep(Math.max(0, expiresAt - Date.now()) + 50);
}

function expectSignInAgain(r: Reply, what: string): void {
  expect(r.status, `${what}: ${r.status} ${r.text}`).toBe(401);
  expect(r.json, what).toMatchObject({ error: 'unauthorized' });
  expect(String(asRecord(r.json).reason), what).toMatch(/sign in|not signed in/);
  expect(String(asRecord(r.json).reason), what).toMatch(/expired|sign in|not signed in/);
}

/** Every protected surface a station or hall device uses. */
async function protectedCalls(cookie: string): Promise<[string, Reply][]> {
  const png = makePng();
  const sub = makeSubmission();
  return [
    ['GET /sync/<station db>/', await t.call('GET', `/sync/${STATION_DB}/`, { cookie })],
    ['GET /sync/<station db>/_changes', await t.call('GET', `/sync/${STATION_DB}/_changes?since=0`, { cookie })],
    ['POST /sync/<station db>/_bulk_docs', await t.call('POST', `/sync/${STATION_DB}/_bulk_docs`, { cookie, body: { docs: [sub] } })],
    ['GET /sync/catalog/_all_docs', await t.call('GET', '/sync/catalog/_all_docs', { cookie })],
    ['GET /sync/', await t.call('GET', '/sync/', { cookie })],
    ['PUT /api/blobs/<sha>', await t.call('PUT', `/api/blobs/${sha256Hex(png)}`, { cookie, body: png, headers: { 'content-type': 'image/png' } })],
    ['GET /api/blobs/<sha>', await t.call('GET', `/api/blobs/${sha256Hex(png)}`, { cookie })],
    ['POST /api/blobs/_present', await t.call('POST', '/api/blobs/_present', { cookie, body: { hashes: [sha256Hex(png)] } })],
    ['GET /api/hall/queue', await t.call('GET', '/api/hall/queue', { cookie })],
  ];
}

describe('an expired session', () => {
  // Signed in together, then one wait past their expiry: the tests below only look.
  let used: { cookie: string; expiresAt: number };
  let unused: { cookie: string; expiresAt: number };
  let hall: { cookie: string; expiresAt: number };
  const png = makePng();

  beforeAll(async () => {
    /** Sign in and use the session at once (so the server caches it), while it is certainly still valid. */
    const signInAndUse = async (username: string, use: (cookie: string) => Promise<Reply>[]): Promise<{ cookie: string; expiresAt: number }> => {
      const session = await signIn(username);
      expect(session.expiresAt - Date.now()).toBeLessThanOrEqual(TTL_MS);
      for (const r of await Promise.all(use(session.cookie))) expect(r.status, r.text).toBeLessThan(300);
      expect(Date.now(), 'the machine was too slow to use the session within its lifetime').toBeLessThan(session.expiresAt);
      return session;
    };
    [used, hall, unused] = await Promise.all([
      signInAndUse('station', (cookie) => [
        t.call('GET', `/sync/${STATION_DB}/`, { cookie }),
        t.call('PUT', `/api/blobs/${sha256Hex(png)}`, { cookie, body: png, headers: { 'content-type': 'image/png' } }),
      ]),
      signInAndUse('hall', (cookie) => [t.call('GET', '/api/hall/queue', { cookie })]),
      signIn('station'),
    ]);
    await waitPast(Math.max(used.expiresAt, unused.expiresAt, hall.expiresAt));
  });

  it('a session used before expiry (cached) answers 401 everywhere after it, with a reason to sign in again', async () => {
    for (const [what, r] of await protectedCalls(used.cookie)) expectSignInAgain(r, what);
    expect((await t.call('GET', `/sync/${STATION_DB}/`, { cookie: used.cookie })).json).toEqual({ error: 'unauthorized', reason: 'sign in to sync (session missing or expired)' });
    expect((await t.call('GET', `/api/blobs/${sha256Hex(png)}`, { cookie: used.cookie })).json).toEqual({ error: 'unauthorized', reason: 'sign in first (session missing or expired)' });
    expect((await t.call('GET', '/api/session', { cookie: used.cookie })).status).toBe(401);
  });

  it('so does a session never used before it expired (not cached), and the hall\'s', async () => {
    for (const [what, r] of await protectedCalls(unused.cookie)) expectSignInAgain(r, `station ${what}`);
    for (const [what, r] of await protectedCalls(hall.cookie)) expectSignInAgain(r, `hall ${what}`);
  });

  it('nothing is written with an expired session', async () => {
    const sub = makeSubmission();
    expect((await t.call('POST', `/sync/${STATION_DB}/_bulk_docs`, { cookie: used.cookie, body: { docs: [sub] } })).status).toBe(401);
    expect((await t.call('PUT', `/sync/${STATION_DB}/${sub._id}`, { cookie: used.cookie, body: sub })).status).toBe(401);
    expect(await t.server.store.get(STATION_DB, sub._id)).toBeUndefined();
  });

  it('signing in again gives a new, working session; the old cookie stays dead', async () => {
    const again = await signIn('station');
    expect(again.cookie).not.toBe(used.cookie);
    expect((await t.call('GET', `/sync/${STATION_DB}/`, { cookie: again.cookie })).status).toBe(200);
    expect((await t.call('GET', `/sync/${STATION_DB}/`, { cookie: used.cookie })).status).toBe(401);
  });
});

describe('forged session cookies answer 401 on /sync and /api/blobs', () => {
  const values: [string, string][] = [
    ['a random 256-bit token', randomBytes(32).toString('base64url')],
    ['a random hex token', randomBytes(32).toString('hex')],
    ['the SHA-256 store key of a random token', `session:${createHash('sha256').update(randomBytes(32).toString('hex')).digest('hex')}`],
    ['a UUID', randomUUID()],
    ['a JWT-shaped value', 'eyJhbGciOiJub25lIn0.eyJ1c2VybmFtZSI6InN0YXRpb24iLCJyb2xlIjoiYWRtaW4ifQ.'],
    ['a JSON session', encodeURIComponent(JSON.stringify({ username: 'station', role: 'station', stationId: 'jingan-hkri' }))],
    ['an empty value', ''],
    ['a quoted empty value', '""'],
    ['whitespace', '%20%20'],
    ['an oversized value', 'A'.repeat(4000)],
    ['invalid percent-encoding', '%E0%A4%A'],
    ['a NUL byte', '%00'],
  ];

  it.each(values)('%s', async (_label, value) => {
    const cookie = `${SESSION_COOKIE}=${value}`;
    const png = makePng();
    const replies: [string, Reply][] = [
      ['GET /sync/<station db>/_all_docs', await t.call('GET', `/sync/${STATION_DB}/_all_docs`, { cookie })],
      ['POST /sync/<station db>/_bulk_docs', await t.call('POST', `/sync/${STATION_DB}/_bulk_docs`, { cookie, body: { docs: [makeSubmission()] } })],
      ['PUT /api/blobs/<sha>', await t.call('PUT', `/api/blobs/${sha256Hex(png)}`, { cookie, body: png, headers: { 'content-type': 'image/png' } })],
      ['GET /api/blobs/<sha>', await t.call('GET', `/api/blobs/${sha256Hex(png)}`, { cookie })],
      ['GET /api/session', await t.call('GET', '/api/session', { cookie })],
    ];
    for (const [what, r] of replies) expectSignInAgain(r, what);
  });

  it('with two session cookies the first counts; a forged one never grants access', async () => {
    const { cookie } = await signIn('station');
    const forged = `${SESSION_COOKIE}=${randomBytes(32).toString('base64url')}`;
    expect((await t.call('GET', `/sync/${STATION_DB}/`, { cookie: `${forged}; ${cookie}` })).status).toBe(401);
    expect((await t.call('GET', `/sync/${STATION_DB}/`, { cookie: `${cookie}; ${forged}` })).status).toBe(200);
    expect((await t.call('GET', `/sync/${STATION_DB}/`, { cookie: `other=1; ${cookie}` })).status).toBe(200);
  });
});
