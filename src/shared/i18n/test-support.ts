/**
 * For unit and component tests: every locale's messages loaded, as a plugin that gives mounted components
 * their translator (`global: { plugins: [testI18n(locale)] }`), and `Text` helpers outside any component.
 * Not imported by the app.
 */
import type { Plugin } from 'vue';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';
import { textFor, type Text } from './use-text';
import { createMessages, TRANSLATOR, type Messages } from './translate';
import type { Locale } from './messages';

/** A translator in `locale` with every language loaded. */
export function testMessages(locale: Locale = 'zh-CN'): Messages {
  return createMessages(locale, { 'zh-CN': zhCN, en });
}

export function testI18n(locale: Locale = 'zh-CN'): Plugin {
  return { install: (app) => void app.provide(TRANSLATOR, testMessages(locale)) };
}

/** `Text` helpers in `locale`, outside any component. */
export function textIn(locale: Locale): Text {
  return textFor(testMessages(locale));
}
