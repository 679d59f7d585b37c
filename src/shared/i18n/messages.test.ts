/**
 * The message trees: English is complete (the same keys as zh-CN, nothing empty), every message parses,
 * both languages use the same placeholders, and every message renders with its placeholders filled.
 */
import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';
import { testMessages } from './test-support';
import { format } from './translate';
import { isBilingual, isLocale, isMsg, msg, pick, rawMsg } from './messages';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(`${prefix}${key}`, value);
    else for (const [k, v] of leaves(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const zh = leaves(zhCN);
const english = leaves(en);
const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;

describe('locale messages', () => {
  it('English has exactly the keys of zh-CN', () => {
    expect([...english.keys()].sort()).toEqual([...zh.keys()].sort());
  });

  it('has no empty or blank messages', () => {
    for (const [locale, tree] of [['zh-CN', zh], ['en', english]] as const) {
      const blank = [...tree].filter(([, v]) => !v.trim()).map(([k]) => k);
      expect(blank, locale).toEqual([]);
    }
  });

  it('uses the same placeholders in both languages', () => {
    const differ = [...zh].filter(([k, v]) => placeholders(v).join() !== placeholders(english.get(k) ?? '').join()).map(([k]) => k);
    expect(differ).toEqual([]);
  });

  it('has no Chinese in English messages (language names live in the switch, not here)', () => {
    expect([...english].filter(([, v]) => CJK.test(v)).map(([k]) => k)).toEqual([]);
  });

  it('uses only what the lookup understands: `{name}` placeholders and up to three plural forms', () => {
    for (const [locale, tree] of [['zh-CN', zh], ['en', english]] as const) {
      for (const [key, text] of tree) {
        const forms = text.split('|');
        expect(forms.length, `${locale} ${key}`).toBeLessThanOrEqual(3);
        for (const form of forms) expect(form.replace(/\{\w+\}/g, ''), `${locale} ${key}`).not.toMatch(/[{}@]/);
      }
    }
  });

  it('renders every message with its placeholders filled and nothing left in braces', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const t = (key: string, params: Record<string, string>, plural: number): string => testMessages(locale).translate(key, params, plural);
      const tree = locale === 'en' ? english : zh;
      for (const [key, text] of tree) {
        const params = Object.fromEntries(placeholders(text).map((p) => [p, `«${p}»`]));
        const out = t(key, params, 2);
        expect(out, `${locale} ${key}`).not.toMatch(/[{}|@]/);
        for (const p of placeholders(text)) expect(out, `${locale} ${key}`).toContain(`«${p}»`);
      }
    }
  });

  it('chooses English plural forms by count', () => {
    const { translate } = testMessages('en');
    expect(translate('receipt.provided', { n: 1 }, 1)).toBe('1 page received');
    expect(translate('receipt.provided', { n: 3 }, 3)).toBe('3 pages received');
    expect(translate('receipt.provided', { n: 0 }, 0)).toBe('0 pages received');
    // The count may come as the `n` parameter alone, and fills `{n}` from the plural argument when not given.
    expect(translate('receipt.provided', { n: 1 })).toBe('1 page received');
    expect(translate('receipt.provided', {}, 2)).toBe('2 pages received');
    expect(testMessages('zh-CN').translate('receipt.provided', { n: 3 }, 3)).toBe('已收 3 页');
  });

  it('chooses among three forms by zero, one and more, and fills a missing placeholder with nothing', () => {
    expect([0, 1, 2, 7].map((n) => format('none | one {n} | {n} many', { n }))).toEqual(['none', 'one 1', '2 many', '7 many']);
    expect(format('{a} and {b}', { a: 'x' })).toBe('x and ');
  });

  it('falls back to zh-CN for a key English lacks, and shows the key when neither has it', () => {
    const messages = testMessages('en');
    messages.add('en', { nav: { outbox: 'Outbox' } }); // replaces the whole group: nav.intake is now missing in English
    expect(messages.translate('nav.outbox', {})).toBe('Outbox');
    expect(messages.translate('nav.intake', {})).toBe('新建代收');
    expect(messages.translate('nav.nothing', {})).toBe('nav.nothing');
  });
});

describe('message helpers', () => {
  it('builds descriptors and tells them apart from bilingual text', () => {
    expect(msg('intake.checklist', { n: 3 })).toEqual({ key: 'intake.checklist', params: { n: 3 } });
    expect(msg('receipt.provided', { n: 2 }, 2)).toEqual({ key: 'receipt.provided', params: { n: 2 }, plural: 2 });
    expect(rawMsg('boom')).toEqual({ key: 'common.raw', params: { text: 'boom' } });
    expect(isMsg(msg('signIn.wrong'))).toBe(true);
    expect(isMsg({ zh: '甲' })).toBe(false);
    expect(isBilingual({ zh: '甲', en: 'A' })).toBe(true);
    expect(isBilingual('甲')).toBe(false);
  });

  it('picks English when there is English, Chinese otherwise', () => {
    expect(pick({ zh: '营业执照', en: 'Business licence' }, 'en')).toBe('Business licence');
    expect(pick({ zh: '营业执照', en: 'Business licence' }, 'zh-CN')).toBe('营业执照');
    expect(pick({ zh: '营业执照' }, 'en')).toBe('营业执照');
    expect(pick({ zh: '营业执照', en: '' }, 'en')).toBe('营业执照');
  });

  it('knows its locales', () => {
    expect(isLocale('zh-CN')).toBe(true);
    expect(isLocale('en')).toBe(true);
    expect(isLocale('fr')).toBe(false);
    expect(isLocale(null)).toBe(false);
  });
});
