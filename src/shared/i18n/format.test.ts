/** Dates in China time whatever the device's zone, calendar dates never shifted, numbers per language. */
import { afterEach, describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatDateTime, formatList, formatNumber, formatPercent } from './format';

const zone = process.env.TZ;
afterEach(() => {
  process.env.TZ = zone;
});

describe('formatDateTime', () => {
  it('shows instants in China time (UTC+8), in either language', () => {
    expect(formatDateTime('2025-03-31T23:59:00Z', 'zh-CN')).toBe('2025年4月1日 07:59');
    expect(formatDateTime('2025-03-31T23:59:00Z', 'en')).toMatch(/^Apr 1, 2025, 7:59\sAM$/);
    expect(formatDateTime(Date.UTC(2025, 0, 1, 4, 0), 'zh-CN')).toBe('2025年1月1日 12:00');
    expect(formatDateTime(new Date('2025-01-01T04:00:00Z'), 'en')).toMatch(/^Jan 1, 2025, 12:00\sPM$/);
  });

  it('does not depend on the device’s time zone', () => {
    process.env.TZ = 'America/New_York';
    expect(formatDateTime('2025-03-31T23:59:00Z', 'zh-CN')).toBe('2025年4月1日 07:59');
    expect(formatDate('2025-03-31', 'zh-CN')).toBe('2025年3月31日');
  });

  it('gives nothing for what is not a date', () => {
    expect(formatDateTime('not a date', 'en')).toBe('');
    expect(formatDateTime(Number.NaN, 'zh-CN')).toBe('');
  });
});

describe('formatDate', () => {
  it('shows a calendar day as that day, in either language', () => {
    expect(formatDate('2025-01-02', 'zh-CN')).toBe('2025年1月2日');
    expect(formatDate('2025-01-02', 'en')).toBe('Jan 2, 2025');
    expect(formatDate('2024-02-29', 'en')).toBe('Feb 29, 2024');
  });

  it('leaves anything that is not a real YYYY-MM-DD day as it is', () => {
    expect(formatDate('', 'en')).toBe('');
    expect(formatDate('2025-02-30', 'en')).toBe('2025-02-30');
    expect(formatDate('tomorrow', 'zh-CN')).toBe('tomorrow');
    expect(formatDate('2025-1-2', 'en')).toBe('2025-1-2');
  });
});

describe('numbers', () => {
  it('formats counts, shares, sizes and lists per language', () => {
    expect(formatNumber(1234567, 'en')).toBe('1,234,567');
    expect(formatNumber(2.5, 'zh-CN')).toBe('2.5');
    expect(formatPercent(0.5, 'zh-CN')).toBe('50%');
    expect(formatPercent(0.995, 'en')).toBe('100%');
    expect(formatBytes(0, 'en')).toBe('0.0 MB');
    expect(formatBytes(999_949_999, 'en')).toBe('999.9 MB');
    expect(formatBytes(2_500_000_000, 'zh-CN')).toBe('2.5 GB');
    expect(formatList(['A', 'B', 'C'], 'en')).toBe('A, B, C');
    expect(formatList(['甲', '乙', '丙'], 'zh-CN')).toBe('甲、乙、丙');
    expect(formatList([], 'en')).toBe('');
  });
});
