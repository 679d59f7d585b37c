/**
 * Dates, times and numbers in the reader's language through Intl. Instants are shown in China time
 * (Asia/Shanghai) whatever the device's zone, like the working-day clock and the receipt numbers; calendar
 * dates (`YYYY-MM-DD`, e.g. a due date) are days, not instants, and are never shifted by a zone.
 */
import { isCalendarDate } from '../../domain/china-time';
import type { Locale } from './messages';

export const TIME_ZONE = 'Asia/Shanghai';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

/** An instant (ISO string, Date or epoch ms) as date and time in China time; '' when it is not a date. */
export function formatDateTime(value: string | number | Date, locale: Locale): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return cached(`dt:${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE })).format(date);
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` in the reader's language (2025年1月2日, Jan 2, 2025); anything else as given. */
export function formatDate(ymd: string, locale: Locale): string {
  const m = CALENDAR_DATE.exec(ymd);
  if (!m) return ymd;
  if (!isCalendarDate(ymd)) return ymd; // 2025-02-30 is not a day
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return cached(`d:${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' })).format(date);
}

export function formatNumber(n: number, locale: Locale): string {
  return cached(`n:${locale}`, () => new Intl.NumberFormat(locale)).format(n);
}

/** A share (0…1) as a whole percentage. */
export function formatPercent(fraction: number, locale: Locale): string {
  return cached(`p:${locale}`, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 })).format(fraction);
}

/** Storage sizes in decimal megabytes, or gigabytes from 1 GB, with one decimal. */
export function formatBytes(bytes: number, locale: Locale): string {
  const giga = bytes >= 1e9;
  const unit = giga ? 'gigabyte' : 'megabyte';
  return cached(`b:${unit}:${locale}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', minimumFractionDigits: 1, maximumFractionDigits: 1 })).format(bytes / (giga ? 1e9 : 1e6));
}

/** Items joined the way the language lists them (甲、乙、丙 / A, B, C). */
export function formatList(items: readonly string[], locale: Locale): string {
  return cached(`l:${locale}`, () => new Intl.ListFormat(locale, { type: 'conjunction', style: 'narrow' })).format(items);
}
