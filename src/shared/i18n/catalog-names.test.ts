import { describe, expect, it } from 'vitest';
import { answerNames, indexCatalog } from './catalog-names';

const catalog = indexCatalog([
  {
    id: 'food',
    name: '食品经营许可',
    nameEn: 'Food business licence',
    materials: [],
    questions: [
      { id: 'business-type', text: '经营类型', textEn: 'Type of business', options: [{ value: 'catering', label: '餐饮服务', labelEn: 'Catering' }, { value: 'retail', label: '食品销售', labelEn: 'Food retail' }] },
      { id: 'chain', text: '是否连锁', textEn: 'Part of a chain?', options: [{ value: 'yes', label: '是', labelEn: 'Yes' }, { value: 'no', label: '否', labelEn: 'No' }] },
    ],
  },
]);

describe('answerNames', () => {
  it('names each answered question and its chosen option in both languages, in the catalog’s order', () => {
    expect(answerNames(catalog, 'food', { chain: 'no', 'business-type': 'catering' })).toEqual([
      { question: { zh: '经营类型', en: 'Type of business' }, answer: { zh: '餐饮服务', en: 'Catering' } },
      { question: { zh: '是否连锁', en: 'Part of a chain?' }, answer: { zh: '否', en: 'No' } },
    ]);
  });

  it('shows what the catalog does not know by its ids, never drops it', () => {
    expect(answerNames(catalog, 'food', { 'business-type': 'wholesale', removed: 'x' })).toEqual([
      { question: { zh: '经营类型', en: 'Type of business' }, answer: { zh: 'wholesale' } },
      { question: { zh: 'removed' }, answer: { zh: 'x' } },
    ]);
    expect(answerNames(catalog, 'unknown-matter', { a: 'b' })).toEqual([{ question: { zh: 'a' }, answer: { zh: 'b' } }]);
  });
});
