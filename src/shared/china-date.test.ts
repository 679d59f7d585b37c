import { describe, expect, it } from 'vitest';
import { chinaDate as domainChinaDate } from '../domain/calendar';
import { chinaDate } from './china-date';

describe('chinaDate', () => {
  it('is the day in China, not in UTC', () => {
    const oneAm = Date.parse('2026-12-06T01:00:00+08:00'); // 2026-12-05 in UTC
    expect(chinaDate(0, oneAm)).toBe('2026-12-06');
    expect(chinaDate(1, oneAm)).toBe('2026-12-07');
    expect(chinaDate(14, Date.parse('2026-12-31T23:59:59+08:00'))).toBe('2027-01-14');
  });

  it('agrees with the domain’s chinaDate around midnight in both zones', () => {
    for (const at of ['2026-12-05T15:59:59Z', '2026-12-05T16:00:00Z', '2026-12-05T23:59:59Z', '2026-12-06T00:00:00Z']) {
      expect(chinaDate(0, Date.parse(at)), at).toBe(domainChinaDate(new Date(at)));
    }
  });
});
