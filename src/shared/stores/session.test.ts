// @vitest-environment happy-dom
/**
 * Where the device keeps its session: localStorage for a synchronous start, Dexie as the durable copy that
 * brings it back when the browser died before writing localStorage to disk (the fault suite's browser kill).
 */
import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db, getSetting, putSetting } from '../../storage/db';
import type { SessionInfo } from '../../sync/api';
import { useSessionStore } from './session';
import { useSyncStore } from './sync';

const pouch = vi.hoisted(() => ({ destroyLocalDbs: vi.fn(async (_names: string[]) => undefined) }));
vi.mock('../../sync/pouch', () => pouch);

const STATION: SessionInfo = { username: 'station', role: 'station', station: 'jingan-hkri', expiresAt: '2099-01-01T00:00:00.000Z' };

beforeEach(async () => {
  setActivePinia(createPinia());
  localStorage.clear();
  await db.settings.clear();
  // No server here: the background check fails like an offline device's.
  vi.stubGlobal('fetch', () => Promise.reject(new TypeError('offline')));
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('session on the device', () => {
  it('starts from localStorage without waiting for the durable copy', async () => {
    localStorage.setItem('lxe:session', JSON.stringify(STATION));
    const spy = vi.spyOn(db.settings, 'get');
    const session = useSessionStore();
    await session.restore();
    expect(session.session).toEqual(STATION);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    await session.checked(); // the background check (offline here) ends inside the test
  });

  it('comes back from the Dexie copy when localStorage lost it, and puts it back there', async () => {
    await putSetting('session', STATION);
    const session = useSessionStore();
    await session.restore();
    expect(session.session).toEqual(STATION);
    expect(JSON.parse(localStorage.getItem('lxe:session') ?? 'null')).toEqual(STATION);
    await session.checked();
  });

  it('sign-out removes both copies', async () => {
    localStorage.setItem('lxe:session', JSON.stringify(STATION));
    await putSetting('session', STATION);
    const session = useSessionStore();
    await session.restore();
    await session.checked();
    await session.logout();
    expect(session.session).toBeNull();
    expect(localStorage.getItem('lxe:session')).toBeNull();
    expect(await getSetting('session')).toBeUndefined();
  });

  it('sign-in writes both copies', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(new Response(JSON.stringify(STATION), { status: 200, headers: { 'content-type': 'application/json' } })));
    const session = useSessionStore();
    await session.login('station', 'demo');
    expect(JSON.parse(localStorage.getItem('lxe:session') ?? 'null')).toEqual(STATION);
    expect(await getSetting('session')).toEqual(STATION);
  });
});

describe('signing out of the device', () => {
  async function signedInWithUnsynced(left: { docs: number; pages: number; drafts: number }) {
    localStorage.setItem('lxe:session', JSON.stringify(STATION));
    const session = useSessionStore();
    await session.restore();
    await session.checked();
    const stop = vi.fn();
    useSyncStore().engine = { stationId: 'jingan-hkri', unsynced: async () => left, local: { name: 'station-jingan-hkri-1' }, stop } as unknown as NonNullable<ReturnType<typeof useSyncStore>['engine']>;
    await db.drafts.put({ id: 'd1', stationId: 'jingan-hkri', matterId: '', uscc: '', enterpriseName: '', applicantName: '', idNumber: '', pages: {}, deficient: {}, signature: null, answers: {}, createdAt: '', updatedAt: '' });
    pouch.destroyLocalDbs.mockClear();
    return { session, stop };
  }

  it('asks first when work is unsynced, and a no leaves everything as it was', async () => {
    const { session, stop } = await signedInWithUnsynced({ docs: 1, pages: 2, drafts: 0 });
    const asked: unknown[] = [];
    expect(await session.signOut((left) => (asked.push(left), false))).toBe(false);
    expect(asked).toEqual([{ docs: 1, pages: 2, drafts: 0 }]);
    expect(session.session).toEqual(STATION);
    expect(stop).not.toHaveBeenCalled();
    expect(await db.drafts.count()).toBe(1);
    expect(pouch.destroyLocalDbs).not.toHaveBeenCalled();
  });

  it('with nothing unsynced, stops sync and wipes the device without asking', async () => {
    const { session, stop } = await signedInWithUnsynced({ docs: 0, pages: 0, drafts: 0 });
    const confirm = vi.fn(() => true);
    expect(await session.signOut(confirm)).toBe(true);
    expect(confirm).not.toHaveBeenCalled();
    expect(stop).toHaveBeenCalled();
    expect(useSyncStore().engine).toBeNull();
    expect(session.session).toBeNull();
    expect(localStorage.getItem('lxe:session')).toBeNull();
    expect(await db.drafts.count()).toBe(0);
    expect(pouch.destroyLocalDbs).toHaveBeenCalledWith(['station-jingan-hkri-1', 'catalog']);
  });
});
