/**
 * Business dates. Every date the product prints or compares — receipt and certificate numbers, due dates, the
 * day boundaries of bookings and dashboards — is a calendar day in China Standard Time (UTC+8, no daylight
 * saving), whatever the time zone of the device or the server: between 00:00 and 08:00 China time the UTC date
 * is still yesterday's. This is the one module that cuts a date out of an ISO instant (lint forbids
 * `toISOString().slice(0, 10)` anywhere else). No holiday table here, so the intake's first screen can use it.
 */
export const CST_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const utcDateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The calendar date of `instant` in China, e.g. `2026-03-02T17:30:00Z` → `2026-03-03`.
 * @throws RangeError if `instant` is an invalid Date.
 */
export function chinaDate(instant: Date): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('chinaDate: invalid Date');
  return utcDateOf(ms + CST_OFFSET_MS);
}

/** The calendar day in China `days` days after today (`now`), as `YYYY-MM-DD`. */
export function chinaDay(days = 0, now: number = Date.now()): string {
  return utcDateOf(now + CST_OFFSET_MS + days * DAY_MS);
}

/** Days since 1970-01-01 of a real `YYYY-MM-DD` date (year ≥ 100), or undefined (2026-02-30 is not a date). */
export function dayNumberOf(date: string): number | undefined {
  const match = DATE_PATTERN.exec(date);
  if (!match) return undefined;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const ms = Date.UTC(y, m - 1, d);
  // The round trip rejects impossible dates and years < 100 (which Date.UTC maps to 19xx).
  return utcDateOf(ms) === date ? ms / DAY_MS : undefined;
}

/** The `YYYY-MM-DD` of a day number (days since 1970-01-01). */
export const dateOfDayNumber = (day: number): string => utcDateOf(day * DAY_MS);

export const isCalendarDate = (date: string): boolean => dayNumberOf(date) !== undefined;

/** `date` plus `days` calendar days (negative: earlier). @throws RangeError for anything but a real date. */
export function addDays(date: string, days: number): string {
  const day = dayNumberOf(date);
  if (day === undefined) throw new RangeError(`addDays: not a calendar date: ${JSON.stringify(date)}`);
  return dateOfDayNumber(day + days);
}
