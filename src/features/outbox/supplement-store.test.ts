// @vitest-environment happy-dom
/** A 补正 / 容缺 supplement draft: a page taken back leaves the device, as an intake draft's does. */
import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { db, type DraftPage } from '../../storage/db';
import { SETTING_KEYS } from '../../storage/keys';
import { useSupplementStore } from './supplement-store';

const SUBMISSION = 'submission:01JTESTSUBMISSION000000000A';
const OTHER = 'submission:01JTESTSUBMISSION000000000B';
const page = (n: number): DraftPage => ({ sha256: n.toString(16).padStart(64, '0'), bytes: 1000, type: 'image/jpeg' });
const stored = (p: DraftPage, state: 'draft' | 'pending' = 'draft') => ({ sha256: p.sha256, blob: new Blob(['page']), type: p.type, bytes: p.bytes, state, stationId: 'jingan-hkri', createdAt: new Date().toISOString(), attempts: 0 });

beforeEach(async () => {
  setActivePinia(createPinia());
  await Promise.all([db.blobs.clear(), db.settings.clear(), db.drafts.clear()]);
});

describe('removing a page from a supplement draft', () => {
  it('frees its bytes, unless another supplement draft or an upload still holds them', async () => {
    const [removed, kept, shared, uploading] = [page(1), page(2), page(3), page(4)];
    await db.settings.bulkPut([
      { key: SETTING_KEYS.supplement(SUBMISSION), value: { 'licence-application': [removed, kept, shared, uploading] } },
      { key: SETTING_KEYS.supplement(OTHER), value: { 'shop-layout': [shared] } },
    ]);
    await db.blobs.bulkPut([stored(removed), stored(kept), stored(shared), stored(uploading, 'pending')]);

    const store = useSupplementStore();
    await store.open(SUBMISSION);
    for (const p of [removed, shared, uploading]) await store.remove('licence-application', p.sha256);

    expect(await db.blobs.get(removed.sha256)).toBeUndefined();
    expect((await db.blobs.toArray()).map((b) => b.sha256).sort()).toEqual([kept, shared, uploading].map((p) => p.sha256).sort());
    expect(store.pages['licence-application']?.map((p) => p.sha256)).toEqual([kept.sha256]);
  });
});
