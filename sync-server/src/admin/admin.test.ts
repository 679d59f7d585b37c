/**
 * Admin API: the router mounted on its own small app with the real session middleware, over the store of a
 * real test server (embedded store, demo accounts). Cookies of the demo accounts signed in on the real server
 * open it, and accounts it creates sign in on the real server, so the whole path is exercised without the
 * router being wired into app.ts.
 */
import type { Server as HttpServer } from 'node:http';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountId, ACCOUNTS_DB, type Account } from '../auth/accounts';
import { verifyPassword } from '../auth/passwords';
import { sessionMiddleware } from '../auth/routes';
import { SessionStore } from '../auth/sessions';
import { asArray, asRecord, call, makeEvent, makeSubmission, sessionCookieFrom, startTestServer, waitFor, type DemoUser, type Reply, type TestServer } from '../test-support';
import { adminRoutes } from './routes';

let t: TestServer;
let adminHttp: HttpServer;
let adminUrl: string;
const followed: string[] = [];

beforeAll(async () => {
  t = await startTestServer({}, ['station', 'hall', 'enterprise', 'admin']);
  const app = express();
  app.use(
    '/api/admin',
    sessionMiddleware(new SessionStore(t.server.store, 60_000)),
    adminRoutes(t.server.store, pino({ level: 'silent' }), t.server.auditSink.auditTo(pino({ level: 'silent' })), (id) => {
      followed.push(id);
      t.server.feeder.follow(id);
    }),
  );
  adminHttp = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  const address = adminHttp.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  adminUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    if (!adminHttp) return resolve();
    adminHttp.closeAllConnections();
    adminHttp.close(() => resolve());
  });
  await t?.close();
});

/** Call the admin router as a signed-in demo account (`undefined` = no session). */
function admin(user: DemoUser | undefined, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
  return call(adminUrl, method, `/api/admin${path}`, { cookie: user ? t.cookies[user] : undefined, body, ...(headers ? { headers } : {}) });
}

const storedAccount = (username: string): Promise<Account | undefined> => t.server.store.get<Account>(ACCOUNTS_DB, accountId(username));
const reason = (r: Reply): string => String(asRecord(r.json).reason);

let seq = 0;
/** A fresh, valid station id / username for each test. */
const fresh = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${seq++}`;

function stationBody(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name: '测试站', nameEn: 'Test Station', kind: 'building', district: '上海市黄浦区', buildings: ['一号楼'], ...extra };
}

describe('who may use the admin API', () => {
  const endpoints: [string, string, unknown][] = [
    ['GET', '/stations', undefined],
    ['POST', '/stations', stationBody('forbidden-station')],
    ['GET', '/accounts', undefined],
    ['POST', '/accounts', { username: 'forbidden-user', password: 'long-enough-1', role: 'admin' }],
    ['POST', '/accounts/hall/password', { password: 'long-enough-1' }],
  ];

  it.each(endpoints)('%s %s answers 401 without a session', async (method, path, body) => {
    const r = await admin(undefined, method, path, body);
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: 'unauthorized' });
  });

  it.each((['station', 'hall', 'enterprise'] as const).flatMap((who) => endpoints.map(([m, p, b]) => [who, m, p, b] as const)))('%s: %s %s answers 403', async (who, method, path, body) => {
    const r = await admin(who, method, path, body);
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ error: 'forbidden', reason: `the ${who} role may not do this` });
  });

  it('refused requests changed nothing', async () => {
    expect(await t.server.store.get(ACCOUNTS_DB, accountId('forbidden-user'))).toBeUndefined();
    expect(await t.server.store.get('lxe-stations', 'station:forbidden-station')).toBeUndefined();
    expect((await t.signIn('hall')).reply.status).toBe(200); // the hall password was not reset
  });
});

describe('stations', () => {
  it('lists the demo stations', async () => {
    const r = await admin('admin', 'GET', '/stations');
    expect(r.status).toBe(200);
    const stations = asArray(asRecord(r.json).stations).map(asRecord);
    expect(stations.map((s) => s.id)).toEqual(expect.arrayContaining(['jingan-hkri', 'songshanhu-nanhuwan']));
    expect(stations.find((s) => s.id === 'jingan-hkri')).toEqual({
      id: 'jingan-hkri',
      name: '恒隆广场 楼小二',
      nameEn: 'Plaza 66 Building Helper',
      kind: 'building',
      district: '上海市静安区',
      buildings: ['恒隆广场一座', '恒隆广场二座'],
      // Opening hours and booking capacity, which the console edits.
      schedule: expect.objectContaining({ slotMinutes: 30, capacity: 2, doorstepCapacity: 1 }),
    });
  });

  it('creates a station and its database, hands it to the feeder, lists it; the same id again is 409', async () => {
    const id = fresh('new-station');
    const r = await admin('admin', 'POST', '/stations', stationBody(id, { name: '  新站  ', kind: 'branch', buildings: [] }));
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ station: { id, name: '新站', nameEn: 'Test Station', kind: 'branch', district: '上海市黄浦区', buildings: [] } });
    const info = asRecord(await t.server.store.json('GET', `/station-${id}`));
    expect(info.doc_count).toBe(0);
    expect(followed).toContain(id);
    const list = asArray(asRecord((await admin('admin', 'GET', '/stations')).json).stations).map(asRecord);
    expect(list.map((s) => s.id)).toContain(id);

    const again = await admin('admin', 'POST', '/stations', stationBody(id, { name: 'other' }));
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ error: 'conflict', reason: `station ${id} already exists` });
    expect(followed.filter((f) => f === id)).toHaveLength(1);
  });

  it('buildings may be left out (none)', async () => {
    const id = fresh('no-buildings');
    const { buildings: _b, ...body } = stationBody(id);
    const r = await admin('admin', 'POST', '/stations', body);
    expect(r.status).toBe(201);
    expect(asRecord(asRecord(r.json).station).buildings).toEqual([]);
  });

  it.each([
    ['an upper-case id', stationBody('Bad-Id'), /^id: 2-63 characters/],
    ['a one-letter id', stationBody('a'), /^id: /],
    ['an id with a slash', stationBody('a/b'), /^id: /],
    ['an id starting with a digit', stationBody('1abc'), /^id: /],
    ['a missing name', { ...stationBody('ok-id'), name: undefined }, /^name: required$/],
    ['a blank name', stationBody('ok-id', { name: '   ' }), /^name: must not be empty$/],
    ['a name that is not a string', stationBody('ok-id', { name: 42 }), /^name: must be a string$/],
    ['an unknown kind', stationBody('ok-id', { kind: 'tower' }), /^kind: must be one of building, branch$/],
    ['buildings not an array', stationBody('ok-id', { buildings: '一号楼' }), /^buildings: must be an array/],
    ['a building twice', stationBody('ok-id', { buildings: ['A', 'A'] }), /^buildings: each building only once$/],
    ['an extra field', stationBody('ok-id', { owner: 'me' }), /owner/],
    ['a _rev smuggled in', stationBody('ok-id', { _rev: '1-abc' }), /_rev/],
  ])('answers 400 naming the problem for %s', async (_label, body, expected) => {
    const r = await admin('admin', 'POST', '/stations', body);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'bad_request' });
    expect(reason(r)).toMatch(expected);
    expect(await t.server.store.get('lxe-stations', 'station:ok-id')).toBeUndefined();
  });

  it('answers 400 to an array, to a body that is not JSON, 415 to another content type, 413 to a huge body', async () => {
    expect((await admin('admin', 'POST', '/stations', [stationBody('ok-id')])).status).toBe(400);
    const broken = await admin('admin', 'POST', '/stations', '{"id": "ok-id", ', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.json).toEqual({ error: 'bad_request', reason: 'the body is not valid JSON' });
    const text = await admin('admin', 'POST', '/stations', 'id=ok-id', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(reason(text)).toMatch(/application\/json/);
    const huge = await admin('admin', 'POST', '/stations', stationBody('ok-id', { name: 'x'.repeat(20_000) }));
    expect(huge.status).toBe(413);
    expect(await t.server.store.get('lxe-stations', 'station:ok-id')).toBeUndefined();
  });

  it('unknown admin paths answer a JSON 404', async () => {
    const r = await admin('admin', 'DELETE', '/stations');
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ error: 'not_found' });
  });
});

describe('accounts', () => {
  let stationId: string;

  beforeAll(async () => {
    stationId = fresh('acct-station');
    expect((await admin('admin', 'POST', '/stations', stationBody(stationId))).status).toBe(201);
  });

  it('creates a station account that signs in on the real server, bound to its station; the hash verifies', async () => {
    const username = fresh('staff');
    const r = await admin('admin', 'POST', '/accounts', { username, password: 'correct horse 1', role: 'station', stationId, displayName: '新站 工作人员' });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ account: { username, role: 'station', stationId, displayName: '新站 工作人员' } });
    expect(r.text).not.toMatch(/passwordHash|scrypt/);

    const stored = await storedAccount(username);
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('correct horse 1', stored!.passwordHash)).toBe(true);
    expect(await verifyPassword('wrong horse 1', stored!.passwordHash)).toBe(false);

    const { reply } = await t.signIn(username, 'correct horse 1');
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ username, role: 'station', station: stationId, stationName: '测试站' });
  });

  it('a new station account can sync into its new station, and the feeder puts its submissions in the hall queue', async () => {
    const username = fresh('feeder');
    expect((await admin('admin', 'POST', '/accounts', { username, password: 'feeder-pass-1', role: 'station', stationId })).status).toBe(201);
    const { cookie } = await t.signIn(username, 'feeder-pass-1');
    const sub = makeSubmission({ stationId, createdBy: username });
    const event = makeEvent(sub, { actor: username });
    const w = await t.call('POST', `/sync/station-${stationId}/_bulk_docs`, { cookie, body: { docs: [sub, event] } });
    expect(w.status).toBe(201);
    for (const result of asArray(w.json)) expect(result).toMatchObject({ ok: true });
    // The other station's account may not touch it.
    expect((await t.as('station', 'GET', `/sync/station-${stationId}/_all_docs`)).status).toBe(403);
    const item = await waitFor('the new station submission in the hall queue', async () => {
      const q = await t.as('hall', 'GET', `/api/hall/queue?state=received&station=${stationId}&limit=200`);
      return asArray(asRecord(q.json).items).map(asRecord).find((i) => i.submissionId === sub._id);
    });
    expect(item).toMatchObject({ stationId, state: 'received' });
  });

  it.each([
    ['hall', {}],
    ['admin', { displayName: '第二管理员' }],
  ] as const)('creates a %s account (no station, no USCC)', async (role, extra) => {
    const username = fresh(role);
    const r = await admin('admin', 'POST', '/accounts', { username, password: 'long-enough-1', role, ...extra });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ account: { username, role, ...extra } });
  });

  it('creates an enterprise account with a valid USCC, normalised (spaces, lower case)', async () => {
    const username = fresh('ent');
    const r = await admin('admin', 'POST', '/accounts', { username, password: 'long-enough-1', role: 'enterprise', uscc: ' 91310106ma1fl4xq0w ' });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ account: { username, role: 'enterprise', uscc: '91310106MA1FL4XQ0W' } });
    expect((await storedAccount(username))?.uscc).toBe('91310106MA1FL4XQ0W');
  });

  it('stores usernames lower-case, so a different case is the same account (409)', async () => {
    const username = fresh('case');
    expect((await admin('admin', 'POST', '/accounts', { username: username.toUpperCase(), password: 'long-enough-1', role: 'hall' })).status).toBe(201);
    expect(await storedAccount(username)).toBeDefined();
    const again = await admin('admin', 'POST', '/accounts', { username, password: 'long-enough-2', role: 'hall' });
    expect(again.status).toBe(409);
  });

  it('a username that is taken answers 409 and leaves the account as it was', async () => {
    const before = await storedAccount('station');
    const r = await admin('admin', 'POST', '/accounts', { username: 'station', password: 'take-over-123', role: 'admin' });
    expect(r.status).toBe(409);
    expect(r.json).toEqual({ error: 'conflict', reason: 'username station is already taken' });
    expect(await storedAccount('station')).toEqual(before);
  });

  it('two concurrent creations of one username: one 201, one 409', async () => {
    const username = fresh('race');
    const [a, b] = await Promise.all([
      admin('admin', 'POST', '/accounts', { username, password: 'first-pass-1', role: 'hall' }),
      admin('admin', 'POST', '/accounts', { username, password: 'second-pass-2', role: 'admin' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const winner = a.status === 201 ? 'first-pass-1' : 'second-pass-2';
    expect(await verifyPassword(winner, (await storedAccount(username))!.passwordHash)).toBe(true);
  });

  it.each([
    ['a bad USCC check character', { role: 'enterprise', uscc: '91310106MA1FL4XQ0X' }, 'uscc: not a valid USCC: USCC check character does not match the code'],
    ['a USCC of the wrong length', { role: 'enterprise', uscc: '9131010' }, 'uscc: not a valid USCC: USCC must be 18 characters, got 7'],
    ['a USCC with a forbidden letter', { role: 'enterprise', uscc: '91310106MA1FL4XQOW' }, 'uscc: not a valid USCC: USCC character "O" at index 16 is not allowed (allowed: 0-9 and A-Y except I, O, S, V, Z)'],
    ['an enterprise account without USCC', { role: 'enterprise' }, 'uscc: an enterprise account needs the USCC (统一社会信用代码) of its enterprise'],
    ['a USCC on a hall account', { role: 'hall', uscc: '91310106MA1FL4XQ0W' }, 'uscc: only enterprise accounts are bound to a USCC, not hall accounts'],
    ['a station account without station', { role: 'station' }, 'stationId: a station account needs the id of its station'],
    ['a station on an admin account', { role: 'admin', stationId: 'jingan-hkri' }, 'stationId: only station accounts are bound to a station, not admin accounts'],
    ['a station that does not exist', { role: 'station', stationId: 'no-such-station' }, 'stationId: station no-such-station does not exist (create it first)'],
    ['a malformed station id', { role: 'station', stationId: 'No Such' }, /^stationId: 2-63 characters/],
    ['an unknown role', { role: 'system' }, 'role: must be one of station, hall, admin, enterprise'],
    ['a short password', { role: 'hall', password: 'short12' }, 'password: at least 8 characters'],
    ['a password over 256 characters', { role: 'hall', password: 'x'.repeat(257) }, 'password: at most 256 characters'],
    ['a missing password', { role: 'hall', password: undefined }, 'password: required'],
    ['a bad username', { role: 'hall', username: '-dash' }, /^username: 2-32 characters/],
    ['a passwordHash field', { role: 'hall', passwordHash: 'scrypt$1$1$1$AA==$AA==' }, /passwordHash/],
  ])('answers 400 naming the problem for %s', async (_label, extra, expected) => {
    const username = fresh('bad');
    const r = await admin('admin', 'POST', '/accounts', { username, password: 'long-enough-1', ...extra });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'bad_request' });
    if (typeof expected === 'string') expect(reason(r)).toBe(expected);
    else expect(reason(r)).toMatch(expected);
    expect(await storedAccount(username)).toBeUndefined();
  });

  it('lists every account without any password hash', async () => {
    const r = await admin('admin', 'GET', '/accounts');
    expect(r.status).toBe(200);
    expect(r.text).not.toMatch(/passwordHash|scrypt|_rev|_id/);
    const accounts = asArray(asRecord(r.json).accounts).map(asRecord);
    expect(accounts).toEqual(
      expect.arrayContaining([
        { username: 'station', role: 'station', stationId: 'jingan-hkri', displayName: '恒隆广场 楼小二 工作人员' },
        { username: 'enterprise', role: 'enterprise', uscc: '91310106MA1FL4XQ0W', displayName: '上海示例科技有限公司' },
        { username: 'admin', role: 'admin', displayName: '系统管理员' },
      ]),
    );
    for (const a of accounts) expect(Object.keys(a).every((k) => ['username', 'role', 'stationId', 'uscc', 'displayName'].includes(k))).toBe(true);
  });
});

describe('password reset', () => {
  it('changes the hash, the new password signs in, the old does not, and existing sessions are signed out', async () => {
    const username = fresh('reset');
    expect((await admin('admin', 'POST', '/accounts', { username, password: 'old-password-1', role: 'hall' })).status).toBe(201);
    const { cookie } = await t.signIn(username, 'old-password-1');
    expect(cookie).toBeDefined();
    const before = (await storedAccount(username))!.passwordHash;

    const r = await admin('admin', 'POST', `/accounts/${username}/password`, { password: 'new-password-2' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ok: true, username, revokedSessions: 1 });

    const after = (await storedAccount(username))!.passwordHash;
    expect(after).not.toBe(before);
    expect(await verifyPassword('new-password-2', after)).toBe(true);
    expect(await verifyPassword('old-password-1', after)).toBe(false);
    expect((await t.call('GET', '/api/session', { cookie })).status).toBe(401);
    expect((await t.signIn(username, 'old-password-1')).reply.status).toBe(401);
    const again = await t.signIn(username, 'new-password-2');
    expect(again.reply.status).toBe(200);
    expect(sessionCookieFrom(again.reply.headers)).toBeDefined();
    // The account is otherwise unchanged.
    expect(await storedAccount(username)).toMatchObject({ username, role: 'hall' });
  });

  it('other accounts keep their sessions', async () => {
    const username = fresh('reset2');
    expect((await admin('admin', 'POST', '/accounts', { username, password: 'old-password-1', role: 'hall' })).status).toBe(201);
    expect((await admin('admin', 'POST', `/accounts/${username}/password`, { password: 'new-password-2' })).status).toBe(200);
    expect((await t.as('hall', 'GET', '/api/session')).status).toBe(200);
  });

  it('an unknown account is 404, a bad password 400, a bad body 400; nothing changes', async () => {
    const before = (await storedAccount('hall'))!.passwordHash;
    const unknown = await admin('admin', 'POST', '/accounts/nobody-here/password', { password: 'long-enough-1' });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: 'not_found', reason: 'no account nobody-here' });
    const short = await admin('admin', 'POST', '/accounts/hall/password', { password: 'short' });
    expect(short.status).toBe(400);
    expect(reason(short)).toBe('password: at least 8 characters');
    const extra = await admin('admin', 'POST', '/accounts/hall/password', { password: 'long-enough-1', role: 'admin' });
    expect(extra.status).toBe(400);
    expect(reason(extra)).toMatch(/role/);
    expect((await admin('admin', 'POST', '/accounts/%E0%A4%A/password', { password: 'long-enough-1' })).status).toBeLessThan(500);
    expect((await storedAccount('hall'))!.passwordHash).toBe(before);
  });
});
