/** `Text`: message descriptors with nested messages, bilingual and list parameters, labels, formatters. */
import { describe, expect, it } from 'vitest';
import { msg } from './messages';
import { textIn } from './test-support';

const zh = textIn('zh-CN');
const en = textIn('en');

describe('Text', () => {
  it('translates nested messages, bilingual names and lists in the reader’s language', () => {
    const field = msg('idProblem.checkDigit', { field: msg('idField.uscc') });
    expect(zh.m(field)).toBe('统一社会信用代码核对不上，可能有字符输错：请对照证照原件逐位核对');
    expect(en.m(field)).toBe('The credit code does not check out, a character may be mistyped; compare it character by character with the licence or ID card');
    const missing = msg('intakeError.missingPages', { names: [{ zh: '营业执照', en: 'Business licence' }, { zh: '章程', en: 'Articles' }, '遗失声明'] });
    expect(zh.m(missing)).toBe('还缺材料：营业执照、章程、遗失声明');
    expect(en.m(missing)).toBe('Missing materials: Business licence, Articles, 遗失声明');
    expect(zh.m(undefined)).toBe('');
    expect(zh.m(null)).toBe('');
  });

  it('labels values from data, and shows unknown values as they are', () => {
    expect(zh.label('stationState', 'received')).toBe('大厅已收到');
    expect(en.label('stationState', 'received')).toBe('Received by hall');
    expect(en.label('hallState', 'correctionRequested')).toBe('Correction requested');
    expect(en.label('department', 'fire')).toBe('Fire services');
    expect(en.label('stationState', 'somethingNew')).toBe('somethingNew');
    expect(en.label('stationState', 'toString')).toBe('toString');
  });

  it('formats in the reader’s language, in China time', () => {
    expect(zh.dateTime('2025-01-02T16:30:00Z')).toBe('2025年1月3日 00:30');
    expect(en.dateTime('2025-01-02T16:30:00Z')).toMatch(/^Jan 3, 2025, 12:30\sAM$/);
    expect(zh.date('2025-01-02')).toBe('2025年1月2日');
    expect(en.date('2025-01-02')).toBe('Jan 2, 2025');
    expect(en.bytes(12_345_678)).toBe('12.3 MB');
    expect(en.percent(0.424)).toBe('42%');
    expect(zh.number(12345)).toBe('12,345');
    expect(en.list(['a', 'b'])).toBe('a, b');
    expect(zh.list(['甲', '乙'])).toBe('甲、乙');
  });

  it('picks a catalog list in the reader’s language, with its lang, falling back to the Chinese list', () => {
    const zhList = ['邮寄', '窗口自取'];
    const enList = ['Delivery by post', 'Collection at the service window'];
    expect(en.pickList(zhList, enList)).toEqual({ items: enList, lang: 'en', text: 'Delivery by post, Collection at the service window' });
    expect(zh.pickList(zhList, enList)).toEqual({ items: zhList, lang: 'zh-CN', text: '邮寄、窗口自取' });
    // No English twin: the Chinese list, marked Chinese and joined the Chinese way, also in the English UI.
    expect(en.pickList(zhList)).toEqual({ items: zhList, lang: 'zh-CN', text: '邮寄、窗口自取' });
    expect(en.pickList(zhList, [])).toEqual({ items: zhList, lang: 'zh-CN', text: '邮寄、窗口自取' });
    // A twin that does not line up item by item is not trusted.
    expect(en.pickList(zhList, ['Delivery by post'])).toMatchObject({ items: zhList, lang: 'zh-CN' });
    expect(en.pickList([], [])).toEqual({ items: [], lang: 'zh-CN', text: '' });
  });

  it('tells which language a bilingual text is shown in, for its lang attribute', () => {
    expect(en.langOf({ zh: '不收费', en: 'Free of charge' })).toBe('en');
    expect(en.langOf({ zh: '不收费' })).toBe('zh-CN');
    expect(en.langOf({ zh: '不收费', en: '' })).toBe('zh-CN');
    expect(zh.langOf({ zh: '不收费', en: 'Free of charge' })).toBe('zh-CN');
    // Always the language of what pick() shows.
    for (const text of [{ zh: '甲', en: 'A' }, { zh: '甲' }]) expect(en.pick(text) === text.zh).toBe(en.langOf(text) === 'zh-CN');
  });
});
