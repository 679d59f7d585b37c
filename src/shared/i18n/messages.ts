/**
 * Types of the UI's messages, and message descriptors (`Msg`) that stores and other non-view code return
 * instead of finished strings: a view translates them when it renders, so a message already on screen follows
 * a language switch, and stores stay free of the i18n instance. No vue-i18n import here.
 */
import type zhCN from './locales/zh-CN.json';

/** The languages of the UI. zh-CN is the default and bundled; the others are loaded when chosen. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The shape every locale's messages must have (zh-CN is the reference). */
export type MessageSchema = typeof zhCN;

/** Dotted paths of the leaves of a message tree: `intake.title`, `stationState.received`, … */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<MessageSchema>;

/** Groups whose leaves are looked up by a value from data (a state, an action, a department id…). */
export type LabelGroup = {
  [K in keyof MessageSchema]: MessageSchema[K] extends Record<string, string> ? K : never;
}[keyof MessageSchema];

/** Text that comes in both languages from data (the catalog's `name` / `nameEn`); `en` may be missing. */
export interface Bilingual {
  zh: string;
  en?: string | undefined;
}

/** A parameter of a message: plain text or a number, another message, a bilingual text, or a list of them. */
export type MsgParam = string | number | Msg | Bilingual | readonly (string | Bilingual)[];

/** A message to show, by key and parameters (named: `{name}` in the message text). */
export interface Msg {
  key: MessageKey;
  params?: Readonly<Record<string, MsgParam>>;
  /** Chooses a plural form (`one | many` in the message) by this count. */
  plural?: number;
}

export function msg(key: MessageKey, params?: Readonly<Record<string, MsgParam>>, plural?: number): Msg {
  return { key, ...(params ? { params } : {}), ...(plural === undefined ? {} : { plural }) };
}

/** Free text (a server's reason, an exception's message) shown as is in every language. */
export function rawMsg(text: string): Msg {
  return { key: 'common.raw', params: { text } };
}

export function isMsg(value: unknown): value is Msg {
  return typeof value === 'object' && value !== null && 'key' in value && typeof (value as { key: unknown }).key === 'string';
}

export function isBilingual(value: unknown): value is Bilingual {
  return typeof value === 'object' && value !== null && 'zh' in value && typeof (value as { zh: unknown }).zh === 'string';
}

/** The text of a bilingual value in `locale` (Chinese when there is no English). */
export function pick(text: Bilingual, locale: Locale): string {
  return locale === 'en' && text.en ? text.en : text.zh;
}
