/** The notice a draft gets when its matter's catalog version changes under it. */
import { describe, expect, it } from 'vitest';
import { DEMO_MATTERS } from '../../../sync-server/src/demo/catalog';
import type { MatterDoc } from '../../domain/catalog';
import { baseOf, versionChange } from './version-change';

const V1: MatterDoc = { ...(DEMO_MATTERS.find((m) => m.id === 'licence-reissue') as MatterDoc), version: 1 };

describe('versionChange', () => {
  it('is null for the same version, another matter, or a draft without a remembered version', () => {
    expect(versionChange(baseOf(V1), V1)).toBeNull();
    expect(versionChange(baseOf(V1), { ...V1, id: 'other', version: 2 })).toBeNull();
    expect(versionChange(undefined, V1)).toBeNull();
  });

  it('names the materials added and those no longer needed', () => {
    const [dropped, ...kept] = V1.materials;
    const v2: MatterDoc = { ...V1, version: 2, materials: [...kept, { id: 'new-proof', name: '新增证明', nameEn: 'New proof', core: true }] };
    expect(versionChange(baseOf(V1), v2)).toEqual({
      matterId: V1.id,
      name: V1.name,
      nameEn: V1.nameEn,
      to: 2,
      added: [{ id: 'new-proof', name: '新增证明', nameEn: 'New proof' }],
      removed: [{ id: dropped!.id, name: dropped!.name, nameEn: dropped!.nameEn }],
    });
  });

  it('reports a new version whose materials did not change, with empty lists', () => {
    expect(versionChange(baseOf(V1), { ...V1, version: 3, promisedDays: 1 })).toMatchObject({ to: 3, added: [], removed: [] });
  });
});
