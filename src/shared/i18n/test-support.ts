/**
 * For unit and component tests: a vue-i18n instance with every locale's messages loaded (the full build
 * compiles them at run time in Node, which also proves they parse), and `Text` helpers over it.
 * Not imported by the app.
 */
import { createI18n } from 'vue-i18n';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';
import { textFor, type Text } from './use-text';
import type { Locale, MessageSchema } from './messages';

export function testI18n(locale: Locale = 'zh-CN') {
  return createI18n<[MessageSchema], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN, en },
    missingWarn: true,
    fallbackWarn: true,
  });
}

/** `Text` helpers in `locale`, outside any component. */
export function textIn(locale: Locale): Text {
  const composer = testI18n(locale).global;
  return textFor({ locale: composer.locale, translate: (key, named, plural) => (plural === undefined ? composer.t(key, named) : composer.t(key, named, plural)) });
}
