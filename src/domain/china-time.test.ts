import { describe, expect, it } from 'vitest';
import { addDays, chinaDate, chinaDay, isCalendarDate } from './china-time';
import { makeReceiptNo } from './receipt';

describe('business dates are China days', () => {
  it('today and n days on are the day in China, not in UTC', () => {
    const oneAm = Date.parse('2026-12-06T01:00:00+08:00'); // 2026-12-05 in UTC
    expect(chinaDay(0, oneAm)).toBe('2026-12-06');
    expect(chinaDay(1, oneAm)).toBe('2026-12-07');
    expect(chinaDay(14, Date.parse('2026-12-31T23:59:59+08:00'))).toBe('2027-01-14');
    for (const at of ['2026-12-05T15:59:59Z', '2026-12-05T16:00:00Z', '2026-12-05T23:59:59Z', '2026-12-06T00:00:00Z']) {
      expect(chinaDay(0, Date.parse(at)), at).toBe(chinaDate(new Date(at)));
    }
  });

  it('a receipt taken at 07:13 China time on 12-06 carries 20261206 (its UTC date is 12-05)', () => {
    const receipt = makeReceiptNo('jingan-hkri', new Date('2026-12-06T07:13:00+08:00'), new Uint8Array(5));
    expect(receipt).toContain('20261206');
    expect(receipt).not.toContain('20261205');
  });

  it('adds calendar days across months and years, and refuses dates that do not exist', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });
});
