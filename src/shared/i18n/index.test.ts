// @vitest-environment happy-dom
/** The language switch: default zh-CN, English loaded on demand, the choice kept on the device, <html lang>. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCALE_STORAGE_KEY } from './index';
import type * as I18nModule from './index';

async function fresh(): Promise<typeof I18nModule> {
  vi.resetModules();
  return import('./index');
}

beforeEach(() => {
  localStorage.clear();
  document.documentElement.lang = '';
});

describe('language', () => {
  it('starts in zh-CN when nothing was chosen', async () => {
    const { i18n, restoreLocale, savedLocale } = await fresh();
    expect(savedLocale()).toBe('zh-CN');
    await restoreLocale();
    expect(i18n.locale.value).toBe('zh-CN');
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(i18n.translate('nav.outbox', {})).toBe('发件箱');
  });

  it('switches to English (loading its messages), remembers it and sets <html lang>', async () => {
    const { i18n, setLocale } = await fresh();
    expect(i18n.has('en')).toBe(false); // English is not bundled
    await setLocale('en');
    expect(i18n.has('en')).toBe(true);
    expect(i18n.locale.value).toBe('en');
    expect(i18n.translate('nav.outbox', {})).toBe('Outbox');
    expect(document.documentElement.lang).toBe('en');
    expect(document.title).toBe('Louxiaoer Station');
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('en');

    await setLocale('zh-CN');
    expect(i18n.translate('nav.outbox', {})).toBe('发件箱');
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('zh-CN');
  });

  it('restores the saved choice at start-up', async () => {
    localStorage.setItem(LOCALE_STORAGE_KEY, 'en');
    const { i18n, restoreLocale } = await fresh();
    await restoreLocale();
    expect(i18n.locale.value).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(i18n.translate('syncPhase.idle', {})).toBe('Up to date');
  });

  it('ignores a saved value that is not one of its languages', async () => {
    localStorage.setItem(LOCALE_STORAGE_KEY, 'fr');
    const { i18n, restoreLocale, savedLocale } = await fresh();
    expect(savedLocale()).toBe('zh-CN');
    await restoreLocale();
    expect(i18n.locale.value).toBe('zh-CN');
  });
});
