/**
 * The UI's languages. zh-CN is the default and is bundled with the app; English is a separate chunk loaded the
 * first time it is chosen (and precached by the service worker, so it works offline afterwards). The choice is
 * kept on the device in localStorage — read synchronously before the app mounts, and kept across sign-out,
 * which wipes personal data, not preferences — and sets `<html lang>`.
 */
import zhCN from './locales/zh-CN.json';
import { DEFAULT_LOCALE, isLocale, type Locale, type MessageSchema } from './messages';
import { createMessages } from './translate';
import { LOCAL_KEYS } from '../../storage/keys';

export const LOCALE_STORAGE_KEY = LOCAL_KEYS.locale;

/** The app's messages and current language (what `useText` reads outside tests). */
export const i18n = createMessages(DEFAULT_LOCALE, { [DEFAULT_LOCALE]: zhCN });

/** Every locale except the bundled default, and how to load it (one chunk each). */
const loaders: Record<Exclude<Locale, 'zh-CN'>, () => Promise<{ default: MessageSchema }>> = {
  en: () => import('./locales/en.json'),
};

async function ensureMessages(locale: Locale): Promise<void> {
  if (i18n.has(locale) || locale === 'zh-CN') return;
  i18n.add(locale, (await loaders[locale]()).default);
}

/** The language chosen on this device, or the default. */
export function savedLocale(): Locale {
  try {
    const value = localStorage.getItem(LOCALE_STORAGE_KEY);
    return isLocale(value) ? value : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE; // storage blocked (private mode policies): the default language
  }
}

function apply(locale: Locale): void {
  i18n.locale.value = locale;
  document.documentElement.lang = locale;
  document.title = i18n.translate('app.title', {});
}

/** Switch the UI to `locale` (loading its messages if need be) and remember the choice on this device. */
export async function setLocale(locale: Locale): Promise<void> {
  await ensureMessages(locale);
  apply(locale);
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Not remembered, but switched.
  }
}

/** At start-up, before mounting: the saved language, or the default if its messages cannot be loaded. */
export async function restoreLocale(): Promise<void> {
  const locale = savedLocale();
  try {
    await ensureMessages(locale);
    apply(locale);
  } catch (e) {
    console.warn(`messages for ${locale} could not be loaded; showing ${DEFAULT_LOCALE}`, e);
    apply(DEFAULT_LOCALE);
  }
}
