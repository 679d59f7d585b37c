/**
 * Names of matters and materials in both languages. Submissions record the Chinese names as they were at
 * intake; the English ones come from the catalog by id, when the device has it (Chinese otherwise).
 */
import type { MatterDoc } from '../../domain/catalog';
import type { Bilingual } from './messages';

type IndexedMatter = Pick<MatterDoc, 'id' | 'name' | 'nameEn' | 'materials'> & Partial<Pick<MatterDoc, 'questions'>>;
export type CatalogIndex = ReadonlyMap<string, IndexedMatter>;

export function indexCatalog(matters: readonly IndexedMatter[]): CatalogIndex {
  return new Map(matters.map((m) => [m.id, m]));
}

export function matterName(catalog: CatalogIndex, matterId: string, recorded: string): Bilingual {
  return { zh: recorded, en: catalog.get(matterId)?.nameEn };
}

export function materialName(catalog: CatalogIndex, matterId: string, materialId: string, recorded: string): Bilingual {
  return { zh: recorded, en: catalog.get(matterId)?.materials.find((m) => m.id === materialId)?.nameEn };
}

/**
 * A submission's guided answers (question id → option value) as question and answer texts, in the catalog's
 * question order; answers to questions the catalog no longer has follow, shown by their ids.
 */
export function answerNames(catalog: CatalogIndex, matterId: string, answers: Readonly<Record<string, string>>): { question: Bilingual; answer: Bilingual }[] {
  const questions = catalog.get(matterId)?.questions ?? [];
  const known = questions.flatMap((q) => {
    const value = Object.hasOwn(answers, q.id) ? answers[q.id] : undefined;
    if (value === undefined) return [];
    const option = q.options.find((o) => o.value === value);
    return [{ question: { zh: q.text, en: q.textEn }, answer: option ? { zh: option.label, en: option.labelEn } : { zh: value } }];
  });
  const asked = new Set(questions.map((q) => q.id));
  const unknown = Object.entries(answers)
    .filter(([id]) => !asked.has(id))
    .map(([id, value]) => ({ question: { zh: id }, answer: { zh: value } }));
  return [...known, ...unknown];
}
