/**
 * The first screen's reads without Dexie: the same rows Dexie would give, and through Dexie whenever the
 * database is not there yet at the current schema (a new device, or one from an older version to upgrade).
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEXIE_NAME } from './keys';
import type * as DeviceDb from './device-db';

const draft = (id: string, stationId: string, updatedAt: string) =>
  ({ id, stationId, updatedAt, matterId: '', uscc: '', enterpriseName: '', applicantName: '', idNumber: '', pages: {}, deficient: {}, signature: null, answers: {}, createdAt: updatedAt }) as const;

/** device-db and db afresh: a new Dexie instance, nothing loaded yet. */
async function fresh(): Promise<typeof DeviceDb> {
  vi.resetModules();
  return import('./device-db');
}

beforeEach(async () => {
  await Dexie.delete(DEXIE_NAME);
});

describe('first-screen reads', () => {
  it('read the station’s drafts (oldest change first) and a setting with plain IndexedDB, Dexie closed', async () => {
    const first = await fresh();
    const { db } = await first.loadDb();
    await db.drafts.bulkPut([draft('b', 's1', '2026-12-02T00:00:00Z'), draft('a', 's1', '2026-12-03T00:00:00Z'), draft('c', 's2', '2026-12-01T00:00:00Z'), draft('d', 's1', '2026-12-01T00:00:00Z')]);
    await db.settings.put({ key: 'catalogSnapshot', value: [{ id: 'licence-reissue' }] });
    db.close(); // whatever comes now did not go through Dexie (it would reject)
    expect((await first.stationDraftsFirst('s1')).map((d) => d.id)).toEqual(['d', 'b', 'a']);
    expect(await first.readSettingFirst('catalogSnapshot')).toEqual([{ id: 'licence-reissue' }]);
    expect(await first.readSettingFirst('missing')).toBeUndefined();
  });

  it('go through Dexie for a database of an older schema, which Dexie then upgrades', async () => {
    const old = new Dexie(DEXIE_NAME);
    old.version(1).stores({ drafts: 'id, stationId, updatedAt', blobs: 'sha256, state, stationId', docSync: 'id', settings: 'key' });
    await old.table('settings').put({ key: 'deviceId', value: 'dev-1' });
    await old.table('drafts').put(draft('x', 's1', '2026-12-01T00:00:00Z'));
    old.close();
    const first = await fresh();
    expect(await first.readSettingFirst('deviceId')).toBe('dev-1');
    expect((await first.stationDraftsFirst('s1')).map((d) => d.id)).toEqual(['x']);
    const { db } = await first.loadDb();
    expect(db.verno).toBe(4);
    db.close();
  });

  it('on a new device find nothing, and leave creating the database to Dexie', async () => {
    const first = await fresh();
    expect(await first.stationDraftsFirst('s1')).toEqual([]);
    const { db } = await first.loadDb();
    expect(db.verno).toBe(4);
    db.close();
  });
});
