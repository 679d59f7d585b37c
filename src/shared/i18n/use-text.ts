/**
 * What views use to show text: `t` with type-checked keys, `m` for message descriptors from stores, `label`
 * for values from data (states, actions, departments…), `pick` / `pickList` for the catalog's bilingual fields
 * (with `langOf` for the `lang` attribute of what was picked), and the formatters bound to the current
 * language. Everything re-renders when the language changes.
 */
import { computed, inject, type ComputedRef } from 'vue';
import zhCN from './locales/zh-CN.json';
import { i18n } from './index';
import { TRANSLATOR, type Translator } from './translate';
import { formatBytes, formatDate, formatDateTime, formatList, formatNumber, formatPercent } from './format';
import { isBilingual, isMsg, pick as pickText, type Bilingual, type LabelGroup, type Locale, type MessageKey, type Msg, type MsgParam } from './messages';

/** A catalog list as shown: its items in one language, that language, and the items as one phrase in it. */
export interface ShownList {
  items: readonly string[];
  /** For the element's `lang` attribute: `zh-CN` whenever the Chinese items are shown, also in the English UI. */
  lang: Locale;
  /** The items joined as a list in `lang` (甲、乙 / A, B). */
  text: string;
}

export interface Text {
  locale: ComputedRef<Locale>;
  t(key: MessageKey, params?: Readonly<Record<string, MsgParam>>, plural?: number): string;
  m(message: Msg | undefined | null): string;
  label(group: LabelGroup, value: string): string;
  pick(text: Bilingual): string;
  /** The language `pick(text)` shows. */
  langOf(text: Bilingual): Locale;
  /** A list with an item-by-item English twin (`conditions` / `conditionsEn`): the twin in English when there is one. */
  pickList(zh: readonly string[], en?: readonly string[]): ShownList;
  dateTime(value: string | number | Date): string;
  date(ymd: string): string;
  number(n: number): string;
  percent(fraction: number): string;
  bytes(n: number): string;
  list(items: readonly (string | Bilingual)[]): string;
}

/** The view helpers over a translator; `useText()` in components, directly in tests. */
export function textFor(translator: Translator): Text {
  const locale = computed(() => translator.locale.value);

  const pick = (text: Bilingual): string => pickText(text, locale.value);
  const langOf = (text: Bilingual): Locale => (locale.value === 'en' && text.en ? 'en' : 'zh-CN');
  // A twin that does not line up is not shown: it would drop or invent items (matterDocSchema refuses it anyway).
  const pickList = (zh: readonly string[], en?: readonly string[]): ShownList => {
    const lang: Locale = locale.value === 'en' && en?.length && en.length === zh.length ? 'en' : 'zh-CN';
    const items = lang === 'en' && en ? en : zh;
    return { items, lang, text: formatList(items, lang) };
  };
  const list = (items: readonly (string | Bilingual)[]): string => formatList(items.map((i) => (typeof i === 'string' ? i : pick(i))), locale.value);

  function param(value: MsgParam): string | number {
    if (typeof value === 'string' || typeof value === 'number') return value;
    if (isMsg(value)) return m(value);
    if (isBilingual(value)) return pick(value);
    return list(value);
  }

  function t(key: MessageKey, params?: Readonly<Record<string, MsgParam>>, plural?: number): string {
    const named: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(params ?? {})) named[name] = param(value);
    return translator.translate(key, named, plural);
  }

  function m(message: Msg | undefined | null): string {
    return message ? t(message.key, message.params, message.plural) : '';
  }

  function label(group: LabelGroup, value: string): string {
    return Object.hasOwn(zhCN[group], value) ? t(`${group}.${value}` as MessageKey) : value;
  }

  return {
    locale,
    t,
    m,
    label,
    pick,
    langOf,
    pickList,
    list,
    dateTime: (value) => formatDateTime(value, locale.value),
    date: (ymd) => formatDate(ymd, locale.value),
    number: (n) => formatNumber(n, locale.value),
    percent: (fraction) => formatPercent(fraction, locale.value),
    bytes: (n) => formatBytes(n, locale.value),
  };
}

/** In a component: the app's messages, or those a test provided (`TRANSLATOR`). */
export function useText(): Text {
  return textFor(inject(TRANSLATOR, i18n));
}
