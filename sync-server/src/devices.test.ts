/**
 * The admin console's server side: station edit and retire, account disable/enable (its sessions end at once,
 * in every process, and it cannot sign in), and the device fleet (heartbeats from station sessions only, the
 * station from the session, the fleet for admins only, retiring a device ends its sessions and its next
 * heartbeat says so).
 */
import type { Server as HttpServer } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from './app';
import { configFromEnv } from './config';
import { SERVER_APP_VERSION } from './devices/devices';
import { asArray, asRecord, call, STATION, STATION2, startTestServer, waitFor, type Reply, type TestServer } from './test-support';

let t: TestServer;
let second: Server | undefined;
let secondUrl: string;
let secondHttp: HttpServer | undefined;

beforeAll(async () => {
  t = await startTestServer({}, ['station', 'station2', 'hall', 'admin']);
  // A second server process on the same store, as with WORKERS=2.
  second = await createServer({ ...configFromEnv({}, '/tmp'), couchdbUrl: t.server.storeUrl, couchdbPrefix: t.server.store.prefix, storePrepared: true, sharedEmbeddedStore: t.server.storeKind === 'embedded', demo: false, staticDir: undefined, logLevel: 'silent' }, pino({ level: 'silent' }));
  const listening: HttpServer = await new Promise((resolve, reject) => {
    const s = second!.app.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  secondHttp = listening;
  const address = listening.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  secondUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    if (!secondHttp) return resolve();
    secondHttp.closeAllConnections();
    secondHttp.close(() => resolve());
  });
  await second?.close();
  await t?.close();
});

let seq = 0;
const fresh = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${seq++}`;
const reason = (r: Reply): string => String(asRecord(r.json).reason);

function beat(deviceId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { deviceId, appVersion: SERVER_APP_VERSION, lastSyncAt: new Date().toISOString(), waiting: { docs: 1, pages: 2, drafts: 0 }, storage: { usage: 950, quota: 1000 }, sentAt: new Date(Date.now() + 10 * 60_000).toISOString(), ...extra };
}

async function fleet(): Promise<Record<string, unknown>[]> {
  const r = await t.as('admin', 'GET', '/api/admin/devices');
  expect(r.status).toBe(200);
  return asArray(asRecord(r.json).devices).map(asRecord);
}

async function newStationAccount(station = STATION): Promise<{ username: string; cookie: string }> {
  const username = fresh('staff');
  const created = await t.as('admin', 'POST', '/api/admin/accounts', { body: { username, password: 'long-enough-1', role: 'station', stationId: station } });
  expect(created.status).toBe(201);
  const { cookie } = await t.signIn(username, 'long-enough-1');
  if (!cookie) throw new Error('no session');
  return { username, cookie };
}

describe('device heartbeat', () => {
  it('is recorded for the session station, never the body, with the clock offset and what needs attention', async () => {
    const id = fresh('dev');
    const r = await t.as('station', 'POST', '/api/devices/heartbeat', { body: beat(id) });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ retired: false });
    const device = (await fleet()).find((d) => d.deviceId === id);
    expect(device).toMatchObject({ stationId: STATION, username: 'station', waiting: { docs: 1, pages: 2, drafts: 0 } });
    expect(Number(device?.clockOffsetMs)).toBeGreaterThan(9 * 60_000);
    expect(device?.attention).toEqual(['storageFull', 'clockOff']);
    expect(device).not.toHaveProperty('sessions');
  });

  it('refuses a station id in the body and anything personal', async () => {
    const r = await t.as('station', 'POST', '/api/devices/heartbeat', { body: beat(fresh('dev'), { stationId: STATION2 }) });
    expect(r.status).toBe(400);
    const r2 = await t.as('station', 'POST', '/api/devices/heartbeat', { body: beat(fresh('dev'), { idNumber: '310106198503121238' }) });
    expect(r2.status).toBe(400);
  });

  it('a station cannot write another station’s device', async () => {
    const id = fresh('dev');
    expect((await t.as('station', 'POST', '/api/devices/heartbeat', { body: beat(id) })).status).toBe(200);
    const other = await t.as('station2', 'POST', '/api/devices/heartbeat', { body: beat(id, { appVersion: '0.0.1' }) });
    expect(other.status).toBe(403);
    expect((await fleet()).find((d) => d.deviceId === id)).toMatchObject({ stationId: STATION, appVersion: SERVER_APP_VERSION });
  });

  it('needs a station session', async () => {
    expect((await t.as(undefined, 'POST', '/api/devices/heartbeat', { body: beat(fresh('dev')) })).status).toBe(401);
    expect((await t.as('hall', 'POST', '/api/devices/heartbeat', { body: beat(fresh('dev')) })).status).toBe(403);
  });
});

describe('the fleet is for admins', () => {
  it.each([
    ['station', 'GET', '/api/admin/devices', 403],
    ['hall', 'GET', '/api/admin/devices', 403],
    [undefined, 'GET', '/api/admin/devices', 401],
    ['station', 'POST', '/api/admin/devices/dev-00000001/retire', 403],
  ] as const)('%s %s %s → %i', async (user, method, path, status) => {
    expect((await t.as(user, method, path)).status).toBe(status);
  });
});

describe('retiring a lost device', () => {
  it('ends the sessions it synced with, and its next heartbeat says retired (with or without a session)', async () => {
    const staff = await newStationAccount();
    const id = fresh('dev');
    expect((await call(t.url, 'POST', '/api/devices/heartbeat', { cookie: staff.cookie, body: beat(id) })).status).toBe(200);
    // Another session of the same account, on another device, is not touched.
    const other = await t.signIn(staff.username, 'long-enough-1');
    const retired = await t.as('admin', 'POST', `/api/admin/devices/${id}/retire`);
    expect(retired.status).toBe(200);
    expect(retired.json).toMatchObject({ revokedSessions: 1, device: { deviceId: id } });
    expect((await call(t.url, 'GET', '/api/session', { cookie: staff.cookie })).status).toBe(401);
    expect((await call(secondUrl, 'GET', '/api/session', { cookie: staff.cookie })).status).toBe(401);
    expect((await call(t.url, 'GET', '/api/session', { cookie: other.cookie })).status).toBe(200);

    const back = await call(t.url, 'POST', '/api/devices/heartbeat', { cookie: staff.cookie, body: beat(id) });
    expect(back.status).toBe(200);
    expect(back.json).toEqual({ retired: true });
    const signedInAgain = await call(t.url, 'POST', '/api/devices/heartbeat', { cookie: other.cookie, body: beat(id) });
    expect(signedInAgain.json).toEqual({ retired: true });
    expect((await fleet()).find((d) => d.deviceId === id)).toMatchObject({ attention: [] });
    expect((await fleet()).find((d) => d.deviceId === id)?.retiredAt).toEqual(expect.any(String));
  });

  it('404 for an unknown device', async () => {
    expect((await t.as('admin', 'POST', '/api/admin/devices/dev-unknown-1/retire')).status).toBe(404);
  });
});

describe('accounts: disable and enable', () => {
  it('ends the sessions at once in every process, refuses sign-in, and enabling lets it sign in again', async () => {
    const staff = await newStationAccount();
    // Warm both processes' session caches.
    expect((await call(t.url, 'GET', '/api/session', { cookie: staff.cookie })).status).toBe(200);
    expect((await call(secondUrl, 'GET', '/api/session', { cookie: staff.cookie })).status).toBe(200);

    const r = await t.as('admin', 'POST', `/api/admin/accounts/${staff.username}/disable`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ account: { username: staff.username, disabled: true }, revokedSessions: 1 });
    expect((await call(t.url, 'GET', '/api/session', { cookie: staff.cookie })).status).toBe(401);
    // The other process drops it from its cache when its sessions feed reports the deletion.
    await waitFor('the other process to drop the session', async () => ((await call(secondUrl, 'GET', '/api/session', { cookie: staff.cookie })).status === 401 ? true : undefined), 5000);
    expect((await call(secondUrl, 'GET', `/sync/station-${STATION}/`, { cookie: staff.cookie })).status).toBe(401);

    const refused = await t.signIn(staff.username, 'long-enough-1');
    expect(refused.reply.status).toBe(403);
    expect(refused.cookie).toBeUndefined();
    expect((await t.as('admin', 'GET', '/api/admin/accounts')).json).toMatchObject({ accounts: expect.arrayContaining([expect.objectContaining({ username: staff.username, disabled: true })]) });

    expect((await t.as('admin', 'POST', `/api/admin/accounts/${staff.username}/enable`)).status).toBe(200);
    expect((await t.signIn(staff.username, 'long-enough-1')).reply.status).toBe(200);
  });

  it('a wrong password on a disabled account says only "wrong password"', async () => {
    const staff = await newStationAccount();
    await t.as('admin', 'POST', `/api/admin/accounts/${staff.username}/disable`);
    expect((await t.signIn(staff.username, 'not-the-password')).reply.status).toBe(401);
  });

  it('404 for an unknown account; only admins', async () => {
    expect((await t.as('admin', 'POST', '/api/admin/accounts/nobody-here/disable')).status).toBe(404);
    expect((await t.as('hall', 'POST', '/api/admin/accounts/station/disable')).status).toBe(403);
  });
});

describe('stations: edit and retire', () => {
  const schedule = { slotMinutes: 30, capacity: 4, doorstepCapacity: 1, weekly: { sun: [], mon: [['09:00', '12:00']], tue: [], wed: [], thu: [], fri: [], sat: [] } };

  async function newStation(): Promise<string> {
    const id = fresh('st');
    const r = await t.as('admin', 'POST', '/api/admin/stations', { body: { id, name: '新站', nameEn: 'New Station', kind: 'building', district: '上海市黄浦区', buildings: ['一号楼'] } });
    expect(r.status).toBe(201);
    return id;
  }

  it('edits names, buildings and the schedule, validated as on creation', async () => {
    const id = await newStation();
    const r = await t.as('admin', 'PATCH', `/api/admin/stations/${id}`, { body: { name: '改名站', buildings: ['一号楼', '二号楼'], schedule } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ station: { id, name: '改名站', nameEn: 'New Station', buildings: ['一号楼', '二号楼'], schedule: { capacity: 4 } } });
    // Bookable now, with the new capacity.
    const list = asArray(asRecord((await t.as('station', 'GET', '/api/stations')).json).stations).map(asRecord);
    expect(list.find((s) => s.id === id)).toMatchObject({ schedule: { capacity: 4 } });

    const bad = await t.as('admin', 'PATCH', `/api/admin/stations/${id}`, { body: { buildings: ['一号楼', '一号楼'] } });
    expect(bad.status).toBe(400);
    expect(reason(bad)).toContain('each building only once');
    expect((await t.as('admin', 'PATCH', `/api/admin/stations/${id}`, { body: { id: 'other-id' } })).status).toBe(400);
    expect((await t.as('admin', 'PATCH', `/api/admin/stations/${id}`, { body: { schedule: { ...schedule, capacity: 0 } } })).status).toBe(400);
    expect((await t.as('admin', 'PATCH', '/api/admin/stations/no-such-station', { body: { name: 'x' } })).status).toBe(404);
    expect((await t.as('hall', 'PATCH', `/api/admin/stations/${id}`, { body: { name: 'x' } })).status).toBe(403);
  });

  it('retires a station: its staff are signed out and refused, it leaves the booking list, no new accounts', async () => {
    const id = await newStation();
    await t.as('admin', 'PATCH', `/api/admin/stations/${id}`, { body: { schedule } });
    const staff = await newStationAccount(id);
    const r = await t.as('admin', 'POST', `/api/admin/stations/${id}/retire`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ station: { id, retiredAt: expect.any(String) }, revokedSessions: 1 });
    expect((await call(t.url, 'GET', '/api/session', { cookie: staff.cookie })).status).toBe(401);
    expect((await t.signIn(staff.username, 'long-enough-1')).reply.status).toBe(403);
    const list = asArray(asRecord((await t.as('station', 'GET', '/api/stations')).json).stations).map(asRecord);
    expect(list.some((s) => s.id === id)).toBe(false);
    const account = await t.as('admin', 'POST', '/api/admin/accounts', { body: { username: fresh('late'), password: 'long-enough-1', role: 'station', stationId: id } });
    expect(account.status).toBe(400);
    expect((await t.as('admin', 'PATCH', `/api/admin/stations/${id}`, { body: { name: 'x' } })).status).toBe(400);
  });
});
