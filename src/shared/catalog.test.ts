import { describe, expect, it } from 'vitest';
import { seededMatters } from '../../sync-server/src/demo/seed';

const SEEDED_MATTERS = seededMatters('district');
import type { SyncEngine } from '../sync/sync-engine';
import { loadMatters, VALIDATE_SLICE } from './catalog';

/** A station's replicated catalog holding `docs` (what loadMatters reads from a sync engine). */
function engineWith(docs: unknown[]): Pick<SyncEngine, 'catalog'> {
  const catalog = { allDocs: () => Promise.resolve({ rows: docs.map((doc) => ({ doc })) }) };
  return { catalog } as unknown as Pick<SyncEngine, 'catalog'>;
}

describe('loadMatters', () => {
  it('validates every matter and leaves out the ones that fail', async () => {
    const broken = { ...SEEDED_MATTERS[0]!, _id: 'matter:broken', materials: 'none' };
    const loaded = await loadMatters(engineWith([...SEEDED_MATTERS, broken]));
    expect(loaded.map((m) => m._id)).toEqual(SEEDED_MATTERS.map((m) => m._id));
  });

  it('gives the main thread back between slices of a district-size catalog', async () => {
    expect(SEEDED_MATTERS.length).toBeGreaterThan(3 * VALIDATE_SLICE);
    // Timers queued while the catalog is validated run before it is done: nothing waits for the whole catalog.
    let ticks = 0;
    const tick = (): void => {
      ticks++;
      if (ticks < 100) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    await loadMatters(engineWith(SEEDED_MATTERS));
    expect(ticks).toBeGreaterThanOrEqual(Math.ceil(SEEDED_MATTERS.length / VALIDATE_SLICE) - 1);
  });
});
