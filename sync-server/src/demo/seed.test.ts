/**
 * The demo seed on a store that already holds data (a `./data` directory from an earlier version): a stored
 * demo matter whose content differs from the shipped one is brought up to date in place (new revision, same
 * id), so new catalog fields such as the English guide reach existing installations; an unchanged matter is
 * not rewritten, so restarts do not churn revisions that every device would replicate again.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatterDoc } from '../../../src/domain/catalog';
import { startTestServer, type TestServer } from '../test-support';
import { DEMO_MATTERS } from './catalog';
import { sameMatter, seedDemo, SEEDED_MATTERS, seededCatalogIds } from './seed';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({}, []);
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
  it('stores every demo matter as shipped, the district-size ones too', async () => {
    for (const matter of SEEDED_MATTERS) expect(withoutRev(await stored(matter.id))).toEqual(JSON.parse(JSON.stringify(matter)));
  });

  it('leaves unchanged matters alone when seeded again (no new revisions)', async () => {
    const before = await revisions();
    expect(Object.keys(before).sort()).toEqual(seededCatalogIds().sort());
    await seedDemo(t.server.store, silent);
    expect(await revisions()).toEqual(before);
  });

  it('updates an outdated stored matter (one seeded before the English guide existed), and only that one', async () => {
    // What a data directory from before the English guide holds: no `…En` twins, an older condition.
    const current = await stored('food-business-licence');
    const { conditionsEn: _c, legalBasisEn: _l, resultDeliveryEn: _r, ...oldGuide } = current.guide;
    const { commitmentTextEn: _t, ...old } = current;
    const older: MatterDoc = { ...old, guide: { ...oldGuide, conditions: ['旧的条件'] } };
    await t.server.store.put('catalog', older);
    const outdated = await stored('food-business-licence');
    expect(outdated.commitmentTextEn).toBeUndefined();
    const before = await revisions();

    await seedDemo(t.server.store, silent);

    const after = await revisions();
    const updated = await stored('food-business-licence');
    const shipped = DEMO_MATTERS.find((m) => m.id === 'food-business-licence');
    expect(withoutRev(updated)).toEqual(JSON.parse(JSON.stringify(shipped)));
    expect(updated.guide.conditionsEn?.length).toBe(updated.guide.conditions.length);
    // Written over the stored revision (no conflict left behind), as its next generation.
    expect(updated._rev).not.toBe(outdated._rev);
    expect(Number(updated._rev.split('-')[0])).toBe(Number(outdated._rev.split('-')[0]) + 1);
    const conflicts = await t.server.store.json<{ _conflicts?: string[] }>('GET', '/catalog/matter%3Afood-business-licence?conflicts=true');
    expect(conflicts._conflicts).toBeUndefined();
    // Every other matter kept its revision.
    for (const [id, rev] of Object.entries(before)) if (id !== 'matter:food-business-licence') expect(after[id], id).toBe(rev);

    // And a further seed changes nothing.
    await seedDemo(t.server.store, silent);
    expect(await revisions()).toEqual(after);
  });
});

describe('sameMatter', () => {
  const shipped = DEMO_MATTERS.find((m) => m.id === 'licence-reissue')!;
  // As the store returns it: keys in another order (`_id` last, the guide's keys reversed), with a `_rev`.
  const reordered = (m: MatterDoc): MatterDoc => {
    const { _id, guide, ...rest } = JSON.parse(JSON.stringify(m)) as MatterDoc;
    return { ...rest, guide: Object.fromEntries(Object.entries(guide).reverse()) as MatterDoc['guide'], _rev: '7-abc', _id };
  };

  it('ignores the order of keys and the revision', () => {
    expect(JSON.stringify(reordered(shipped))).not.toBe(JSON.stringify(shipped));
    expect(sameMatter(reordered(shipped), shipped)).toBe(true);
  });

  it('sees a missing English twin, a changed list item and an extra field', () => {
    const { commitmentTextEn: _t, ...noEnglish } = reordered(shipped);
    expect(sameMatter(noEnglish, shipped)).toBe(false);
    const changed = reordered(shipped);
    changed.guide.conditionsEn = ['Something else'];
    expect(sameMatter(changed, shipped)).toBe(false);
    expect(sameMatter({ ...reordered(shipped), legalDays: 5 }, shipped)).toBe(false);
    expect(sameMatter({ ...reordered(shipped), extra: true } as MatterDoc, shipped)).toBe(false);
  });
});
