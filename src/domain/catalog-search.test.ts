import { describe, it, expect } from 'vitest';
import { searchMatters, type SearchableMatter } from './catalog-search';

interface M extends SearchableMatter {
  id: string;
}

const m = (id: string, name: string, nameEn: string, initials: string, keywords: string[] = []): M => ({ id, name, nameEn, initials, keywords });

const CATALOG: M[] = [
  m('scope', '经营范围变更登记', 'Change of business scope', 'jyfwbgdj', ['经营范围', 'scope']),
  m('food', '食品经营许可', 'Food business licence', 'spjyxk', ['餐饮', '超市', 'catering']),
  m('reissue', '营业执照补办', 'Reissue of business licence', 'yyzzbb', ['遗失', 'lost licence']),
  m('company', '有限责任公司设立登记', 'Registration of a new limited liability company', 'yxzrgssldj', ['开公司', '注册公司']),
  m('hygiene', '公共场所卫生许可', 'Public place hygiene licence', 'ggcswsxk', ['KTV', '美容美发']),
  m('licence', '营业执照', 'Business licence', 'yyzz'),
  m('change-licence', '企业营业执照变更', 'Business licence change', 'qyyyzzbg'),
];

const search = (q: string) => searchMatters(CATALOG, q).map((x) => x.id);

describe('searchMatters', () => {
  it('returns every matter in catalog order for an empty or blank query, as a new array', () => {
    expect(search('')).toEqual(CATALOG.map((x) => x.id));
    expect(search('   ')).toEqual(CATALOG.map((x) => x.id));
    expect(searchMatters(CATALOG, '')).not.toBe(CATALOG);
  });

  it.each([
    // Chinese name, anywhere in it
    ['食品', ['food']],
    ['许可', ['food', 'hygiene']],
    ['登记', ['scope', 'company']],
    // English name, case-insensitive
    ['food', ['food']],
    ['FOOD BUSINESS', ['food']],
    ['hygiene', ['hygiene']],
    // keywords, exact or contained
    ['开公司', ['company']],
    ['ktv', ['hygiene']],
    ['lost', ['reissue']],
    ['美容', ['hygiene']],
    // pinyin initials: prefix, substring, any case, full-width (IME) letters, spaces ignored
    ['spjy', ['food']],
    ['jyxk', ['food']],
    ['SPJY', ['food']],
    ['ｓｐｊｙ', ['food']],
    ['sp jy', ['food']],
    ['gcsw', ['hygiene']],
    // several words, each found somewhere
    ['licence food', ['food']],
    ['reissue 遗失', ['reissue']],
    // nothing
    ['xyzzy', []],
    ['许可证明', []],
  ])('%s → %j', (query, expected) => {
    expect(search(query)).toEqual(expected);
  });

  it('ranks exact, then prefix, then contained name matches; ties keep catalog order', () => {
    expect(search('营业执照')).toEqual(['licence', 'reissue', 'change-licence']);
    expect(search('business licence')).toEqual(['licence', 'change-licence', 'food', 'reissue']);
    expect(search('yyzz')).toEqual(['reissue', 'licence', 'change-licence']);
  });

  it('a single letter matches by prefix only, not anywhere in every name', () => {
    expect(search('y')).toEqual(['reissue', 'company', 'licence']);
    expect(search('f')).toEqual(['food']);
  });

  it('a keyword equal to the query ranks above a contained match', () => {
    const list = [m('a', '甲事项', 'Alpha', 'jsx', ['scope of work']), m('b', '乙事项', 'Beta', 'ysx', ['scope'])];
    expect(searchMatters(list, 'scope').map((x) => x.id)).toEqual(['b', 'a']);
  });

  it('does not modify its input and keeps the element type', () => {
    const before = JSON.stringify(CATALOG);
    const found: M[] = searchMatters(CATALOG, 'licence');
    expect(found.every((x) => CATALOG.includes(x))).toBe(true);
    expect(JSON.stringify(CATALOG)).toBe(before);
  });

  it('is fast enough for every keystroke over 200 matters', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ ...CATALOG[i % CATALOG.length]!, id: `m${i}` }));
    const queries = ['s', 'sp', 'spj', 'spjy', '食', '食品', 'food', 'licence', 'business licence', '营业执照补办'];
    const start = performance.now();
    for (let round = 0; round < 100; round++) for (const q of queries) searchMatters(many, q);
    // 1000 searches; a simple scan does this in a few milliseconds, the bound only catches a pathological change.
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
