/**
 * The demo seed and the catalog: the demo matters are published once, as version 1, while the catalog has no
 * `catalog:meta`; from then on the catalog belongs to the hall, and a restart never overwrites its edits.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogMeta, MatterDoc } from '../../../src/domain/catalog';
import { startTestServer, type TestServer } from '../test-support';
import { DEMO_MATTERS } from './catalog';
import { seedDemo, seededCatalogIds, seededMatters } from './seed';
import { sameContent } from '../catalog/service';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ demoCatalog: 'district' }, []);
});

afterAll(async () => {
  await t?.close();
});

const silent = pino({ level: 'silent' });

async function stored(id: string): Promise<MatterDoc & { _rev: string }> {
  const doc = await t.server.store.get<MatterDoc & { _rev: string }>('catalog', `matter:${id}`);
  if (!doc) throw new Error(`matter:${id} not seeded`);
  return doc;
}

async function revisions(): Promise<Record<string, string>> {
  const { rows } = await t.server.store.allDocs<MatterDoc>('catalog', {});
  return Object.fromEntries(rows.map((r) => [r.id, r.value?.rev ?? '']));
}

const withoutRev = ({ _rev: _ignored, ...doc }: MatterDoc): MatterDoc => doc;

describe('seedDemo: the demo catalog', () => {
  it('publishes every demo matter as shipped, the district-size ones too, as catalog version 1', async () => {
    for (const matter of seededMatters('district')) expect(withoutRev(await stored(matter.id))).toEqual({ ...JSON.parse(JSON.stringify(matter)), version: 1 });
    expect(await t.server.store.get<CatalogMeta>('catalog', 'catalog:meta')).toMatchObject({ version: 1, publishedBy: 'demo-seed' });
    expect(await t.server.store.get<MatterDoc>('catalog-history', `matter:${DEMO_MATTERS[0]!.id}:1`)).toMatchObject({ id: DEMO_MATTERS[0]!.id, version: 1 });
  });

  it('leaves the catalog alone when seeded again (no new revisions)', async () => {
    const before = await revisions();
    expect(Object.keys(before).sort()).toEqual(seededCatalogIds('district').sort());
    await seedDemo(t.server.store, silent, 'district');
    expect(await revisions()).toEqual(before);
  });

  it('never overwrites the hall\'s edits once the catalog has a version', async () => {
    const current = await stored('food-business-licence');
    const edit: MatterDoc = { ...current, name: '食品经营许可（大厅改过）', version: 2 };
    await t.server.store.put('catalog', edit);
    const edited = await stored('food-business-licence');
    const before = await revisions();

    await seedDemo(t.server.store, silent, 'district');

    expect(await revisions()).toEqual(before);
    expect((await stored('food-business-licence')).name).toBe(edited.name);
  });

  it('gives a store from before versions (matters, no catalog:meta) its first version, rewriting only what differs', async () => {
    const meta = await t.server.store.get<CatalogMeta & { _rev: string }>('catalog', 'catalog:meta');
    await t.server.store.bulkDocs('catalog', [{ ...meta, _deleted: true }]);
    await seedDemo(t.server.store, silent, 'district');
    expect(await t.server.store.get<CatalogMeta>('catalog', 'catalog:meta')).toMatchObject({ version: 1 });
    // The edited matter differed from the shipped one: brought back to it.
    expect((await stored('food-business-licence')).name).toBe(DEMO_MATTERS.find((m) => m.id === 'food-business-licence')!.name);
  });
});

describe('sameContent', () => {
  const shipped = DEMO_MATTERS.find((m) => m.id === 'licence-reissue')!;
  // As the store returns it: keys in another order (`_id` last, the guide's keys reversed), with a `_rev`.
  const reordered = (m: MatterDoc): MatterDoc => {
    const { _id, guide, ...rest } = JSON.parse(JSON.stringify(m)) as MatterDoc;
    return { ...rest, guide: Object.fromEntries(Object.entries(guide).reverse()) as MatterDoc['guide'], _rev: '7-abc', _id, version: 3 };
  };

  it('ignores the order of keys, the revision and the version', () => {
    expect(JSON.stringify(reordered(shipped))).not.toBe(JSON.stringify(shipped));
    expect(sameContent(reordered(shipped), shipped)).toBe(true);
  });

  it('sees a missing English twin, a changed list item and an extra field', () => {
    const { commitmentTextEn: _t, ...noEnglish } = reordered(shipped);
    expect(sameContent(noEnglish, shipped)).toBe(false);
    const changed = reordered(shipped);
    changed.guide.conditionsEn = ['Something else'];
    expect(sameContent(changed, shipped)).toBe(false);
    expect(sameContent({ ...reordered(shipped), legalDays: 5 }, shipped)).toBe(false);
    expect(sameContent({ ...reordered(shipped), extra: true } as MatterDoc, shipped)).toBe(false);
  });
});
