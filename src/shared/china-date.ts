/** China Standard Time: UTC+8 all year (no daylight saving). */
const CST_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The calendar day in China, `days` days after today, as `YYYY-MM-DD`, whatever the device's time zone (between
 * 00:00 and 08:00 China time the UTC date is still yesterday's). The same rule as the domain's `chinaDate` in
 * src/domain/calendar.ts, which the intake cannot import: that module carries the holiday table, too heavy for
 * the first screen.
 */
export function chinaDate(days = 0, now: number = Date.now()): string {
  return new Date(now + CST_OFFSET_MS + days * DAY_MS).toISOString().slice(0, 10);
}
