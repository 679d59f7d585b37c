import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { StationDexie } from './db';

const names: string[] = [];
afterEach(async () => {
  await Promise.all(names.splice(0).map((n) => Dexie.delete(n)));
});

/** A database as the first release created it: version 1, four tables, with a draft and a setting in it. */
async function firstRelease(name: string): Promise<void> {
  const old = new Dexie(name);
  old.version(1).stores({ drafts: 'id, stationId, updatedAt', blobs: 'sha256, state, stationId', docSync: 'id', settings: 'key' });
  await old.table('drafts').put({ id: 'd1', stationId: 'jingan-hkri', updatedAt: '2026-11-01T00:00:00Z', matterId: 'licence-reissue' });
  await old.table('settings').put({ key: 'deviceId', value: 'dev-1' });
  old.close();
}

describe('StationDexie schema', () => {
  it('brings a database of the first release up to the current schema and keeps its rows', async () => {
    const name = `lxe-upgrade-${Math.random().toString(36).slice(2)}`;
    names.push(name);
    await firstRelease(name);
    const db = new StationDexie(name);
    await db.open();
    expect(db.verno).toBe(4);
    expect(db.tables.map((t) => t.name).sort()).toEqual(['blobs', 'bookingQueue', 'docSync', 'drafts', 'enterprises', 'purged', 'settings']);
    expect(await db.drafts.get('d1')).toMatchObject({ stationId: 'jingan-hkri', matterId: 'licence-reissue' });
    expect(await db.settings.get('deviceId')).toEqual({ key: 'deviceId', value: 'dev-1' });
    // The tables added later work, with their indexes.
    await db.enterprises.put({ uscc: '91310106MA1FL4XQ0W', name: '上海示例科技有限公司', sourceSubmissionId: 's1', updatedAt: '2026-11-01T00:00:00Z' });
    expect(await db.enterprises.where('sourceSubmissionId').equals('s1').count()).toBe(1);
    await db.purged.put({ _id: 'submission:X', stationId: 'jingan-hkri' } as never);
    expect(await db.purged.where('stationId').equals('jingan-hkri').count()).toBe(1);
    expect(await db.bookingQueue.where('queuedAt').above('').count()).toBe(0);
    db.close();
  });

  it('opens a database of the current version unchanged', async () => {
    const name = `lxe-current-${Math.random().toString(36).slice(2)}`;
    names.push(name);
    const first = new StationDexie(name);
    await first.drafts.put({ id: 'd2', stationId: 's', updatedAt: '2026-11-02T00:00:00Z' } as never);
    first.close();
    const again = new StationDexie(name);
    expect(await again.drafts.get('d2')).toMatchObject({ stationId: 's' });
    expect(again.verno).toBe(4);
    again.close();
  });
});
