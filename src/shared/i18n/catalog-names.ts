/**
 * Names of matters and materials in both languages. Submissions record the Chinese names as they were at
 * intake; the English ones come from the catalog by id, when the device has it (Chinese otherwise).
 */
import type { MatterDoc } from '../../domain/catalog';
import type { Bilingual } from './messages';

export type CatalogIndex = ReadonlyMap<string, Pick<MatterDoc, 'id' | 'name' | 'nameEn' | 'materials'>>;

export function indexCatalog(matters: readonly Pick<MatterDoc, 'id' | 'name' | 'nameEn' | 'materials'>[]): CatalogIndex {
  return new Map(matters.map((m) => [m.id, m]));
}

export function matterName(catalog: CatalogIndex, matterId: string, recorded: string): Bilingual {
  return { zh: recorded, en: catalog.get(matterId)?.nameEn };
}

export function materialName(catalog: CatalogIndex, matterId: string, materialId: string, recorded: string): Bilingual {
  return { zh: recorded, en: catalog.get(matterId)?.materials.find((m) => m.id === materialId)?.nameEn };
}
