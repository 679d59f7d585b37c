import { afterEach, describe, expect, it } from 'vitest';
import { addWorkingDays, CALENDAR_COVERS_UNTIL, calendarCoversUntil, computeSla, defaultDeficientDue, isBeyondCalendar, isWorkingDay, useCalendarYears, workingDaysBetween, type CalendarYear } from './calendar';

/** An illustrative 2027 (not the State Council's notice): New Year 1–3 January, Spring Festival 6–12 February with two make-up Sundays. */
const YEAR_2027: CalendarYear = {
  year: 2027,
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
  workdays: ['2027-01-31', '2027-02-14'],
};

afterEach(() => useCalendarYears([]));

describe.runIf(CALENDAR_COVERS_UNTIL === 2026)('a loaded year (useCalendarYears)', () => {
  it('a loaded 2027 moves working days across New Year 2027', () => {
    expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-01');
    useCalendarYears([YEAR_2027]);
    expect(isWorkingDay('2027-01-01')).toBe(false);
    expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
    expect(isWorkingDay('2027-02-14')).toBe(true); // a Sunday, worked by notice
    expect(workingDaysBetween('2027-02-05', '2027-02-15')).toBe(2); // Sunday the 14th and Monday the 15th
  });

  it('computeSla counts with it: a matter accepted on 30 December 2026 is due after the New Year holiday', () => {
    const input = { acceptedAt: '2026-12-30T10:00:00+08:00', promisedDays: 2, legalDays: 5, pauses: [], now: '2026-12-30T11:00:00+08:00' };
    expect(computeSla(input)).toMatchObject({ dueDate: '2027-01-01', legalDueDate: '2027-01-06' });
    expect(defaultDeficientDue('2026-12-28', 5)).toBe('2027-01-01');
    useCalendarYears([YEAR_2027]);
    expect(computeSla(input)).toMatchObject({ dueDate: '2027-01-04', legalDueDate: '2027-01-07' });
    // The 容缺 default counts with it too: promised 5 from 28 December, due the 4th working day, now 4 January.
    expect(defaultDeficientDue('2026-12-28', 5)).toBe('2027-01-04');
    useCalendarYears([]);
    expect(computeSla(input).dueDate).toBe('2027-01-01');
  });

  it('a loaded year replaces the built-in data for that year only', () => {
    expect(isWorkingDay('2026-10-01')).toBe(false);
    useCalendarYears([{ year: 2026, holidays: ['2026-10-02'], workdays: [] }]);
    expect(isWorkingDay('2026-10-01')).toBe(true); // a Thursday no longer listed
    expect(isWorkingDay('2026-10-02')).toBe(false);
    expect(isWorkingDay('2025-10-01')).toBe(false); // other years keep the built-in data
  });

  it('ignores dates outside their own year', () => {
    useCalendarYears([{ year: 2027, holidays: ['2028-01-03'], workdays: [] }]);
    expect(isWorkingDay('2028-01-03')).toBe(true);
  });

  it('a date beyond the known calendar is flagged; the coverage grows only without a gap', () => {
    expect(calendarCoversUntil()).toBe(2026);
    expect(isBeyondCalendar('2026-12-31')).toBe(false);
    expect(isBeyondCalendar('2027-01-04')).toBe(true);
    useCalendarYears([YEAR_2027]);
    expect(calendarCoversUntil()).toBe(2027);
    expect(isBeyondCalendar('2027-01-04')).toBe(false);
    expect(isBeyondCalendar('2028-01-03')).toBe(true);
    useCalendarYears([{ year: 2028, holidays: [], workdays: [] }]);
    expect(calendarCoversUntil()).toBe(2026); // 2027 is unknown: 2028 alone covers nothing after 2026
    expect(isBeyondCalendar('2027-06-01')).toBe(true);
    expect(() => isBeyondCalendar('2027-02-30')).toThrow(RangeError);
  });
});
