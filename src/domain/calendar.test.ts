import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import {
  defaultDeficientDue,
  CALENDAR_COVERS_UNTIL,
  addWorkingDays,
  assumesWeekendsOnly,
  chinaDate,
  computeSla,
  deadlineFlags,
  isWorkingDay,
  workingDaysBetween,
  type Pause,
  type SlaInput,
} from './calendar';

const RUNS = { numRuns: 1000 };
const DAY_MS = 86_400_000;

// Plain-UTC date helpers for the tests (independent of calendar.ts).
const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const shift = (date: string, days: number): string => dateOf(dayNumber(date) + days);
const utcWeekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();
const isMonToFri = (date: string): boolean => utcWeekday(date) >= 1 && utcWeekday(date) <= 5;
/** A CST wall-clock time on `date` as an ISO instant. */
const cst = (date: string, time = '10:00'): string => `${date}T${time}:00+08:00`;

const FIRST_2025 = dayNumber('2025-01-01');
const LAST_2026 = dayNumber('2026-12-31');
/** Any date in 2025–2026. */
const dateIn2025_2026 = fc.integer({ min: FIRST_2025, max: LAST_2026 }).map(dateOf);
const workingDayIn2025_2026 = dateIn2025_2026.filter((d) => isWorkingDay(d));

const sla = (overrides: Partial<SlaInput>): ReturnType<typeof computeSla> =>
  computeSla({ acceptedAt: cst('2026-03-02'), promisedDays: 3, legalDays: 15, pauses: [], now: cst('2026-03-02'), ...overrides });

// ---------------------------------------------------------------------------
// The calendar itself
// ---------------------------------------------------------------------------

describe('isWorkingDay: State Council notices for 2025 and 2026', () => {
  // Each row checked against chinese-days 1.5.7 data and the 国务院办公厅 notices.
  const table: [date: string, working: boolean, why: string][] = [
    ['2025-01-01', false, 'New Year (Wed)'],
    ['2025-01-26', true, 'make-up for Spring Festival (Sun)'],
    ['2025-01-28', false, 'Spring Festival eve'],
    ['2025-02-04', false, 'Spring Festival last day (Tue)'],
    ['2025-02-05', true, 'back to work (Wed)'],
    ['2025-02-08', true, 'make-up for Spring Festival (Sat)'],
    ['2025-04-27', true, 'make-up for Labour Day (Sun)'],
    ['2025-05-05', false, 'Labour Day (Mon)'],
    ['2025-06-02', false, 'Dragon Boat (Mon)'],
    ['2025-09-28', true, 'make-up for National Day (Sun)'],
    ['2025-09-30', true, 'ordinary Tuesday'],
    ['2025-10-01', false, 'National Day'],
    ['2025-10-06', false, 'Mid-Autumn inside the National Day block (Mon)'],
    ['2025-10-08', false, 'National Day last day (Wed)'],
    ['2025-10-09', true, 'back to work (Thu)'],
    ['2025-10-11', true, 'make-up for National Day (Sat)'],
    ['2025-10-12', false, 'ordinary Sunday'],
    ['2026-01-02', false, 'New Year block (Fri)'],
    ['2026-01-04', true, 'make-up for New Year (Sun)'],
    ['2026-02-13', true, 'ordinary Friday'],
    ['2026-02-14', true, 'make-up for Spring Festival (Sat)'],
    ['2026-02-15', false, 'Spring Festival first day (Sun)'],
    ['2026-02-16', false, 'Spring Festival (Mon)'],
    ['2026-02-20', false, 'Spring Festival (Fri)'],
    ['2026-02-23', false, 'Spring Festival last day (Mon)'],
    ['2026-02-24', true, 'back to work (Tue)'],
    ['2026-02-28', true, 'make-up for Spring Festival (Sat)'],
    ['2026-03-01', false, 'ordinary Sunday'],
    ['2026-04-06', false, 'Qingming (Mon)'],
    ['2026-05-05', false, 'Labour Day last day (Tue)'],
    ['2026-05-09', true, 'make-up for Labour Day (Sat)'],
    ['2026-06-19', false, 'Dragon Boat (Fri)'],
    ['2026-09-20', true, 'make-up for National Day (Sun)'],
    ['2026-09-25', false, 'Mid-Autumn (Fri)'],
    ['2026-09-30', true, 'ordinary Wednesday'],
    ['2026-10-10', true, 'make-up for National Day (Sat)'],
  ];
  it.each(table)('%s → %s (%s)', (date, working) => {
    expect(isWorkingDay(date)).toBe(working);
  });

  it.each(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'])(
    'National Day 2026: %s is off',
    (date) => expect(isWorkingDay(date)).toBe(false),
  );

  it('2026-02-15..23 Spring Festival: nine consecutive days off', () => {
    const days = Array.from({ length: 9 }, (_, i) => shift('2026-02-15', i));
    expect(days.map(isWorkingDay)).toEqual(Array(9).fill(false));
    expect(workingDaysBetween('2026-02-14', '2026-02-23')).toBe(0);
  });

  it('agrees with the raw chinese-days data for every day it covers, and with weekends beyond', () => {
    const { holidays, workdays } = chineseDays as { holidays: Record<string, string>; workdays: Record<string, string> };
    for (let day = dayNumber('2003-12-01'); day <= dayNumber(`${CALENDAR_COVERS_UNTIL + 1}-12-31`); day++) {
      const date = dateOf(day);
      const expected = date in workdays || (!(date in holidays) && isMonToFri(date));
      if (isWorkingDay(date) !== expected) expect.fail(`${date}: expected ${expected}`);
    }
  });

  it('refuses malformed or impossible dates', () => {
    for (const bad of ['2026-02-30', '2026-2-3', '20260203', '2026-13-01', '', '2026-02-03T00:00:00Z', '0099-01-01']) {
      expect(() => isWorkingDay(bad), bad).toThrow(RangeError);
    }
  });
});

describe('coverage of the holiday data', () => {
  it('CALENDAR_COVERS_UNTIL is the last year in the data (2026 or later)', () => {
    const years = [...Object.keys(chineseDays.holidays), ...Object.keys(chineseDays.workdays)].map((d) => Number(d.slice(0, 4)));
    expect(CALENDAR_COVERS_UNTIL).toBe(Math.max(...years));
    expect(CALENDAR_COVERS_UNTIL).toBeGreaterThanOrEqual(2026);
    expect(years).not.toContain(CALENDAR_COVERS_UNTIL + 1);
  });

  it('past the covered year: Monday–Friday are working days, weekends are not, all year', () => {
    const year = CALENDAR_COVERS_UNTIL + 1;
    for (let day = dayNumber(`${year}-01-01`); day <= dayNumber(`${year}-12-31`); day++) {
      const date = dateOf(day);
      if (isWorkingDay(date) !== isMonToFri(date)) expect.fail(date);
    }
    expect(workingDaysBetween(`${year}-01-04`, `${year}-01-11`)).toBe(5);
  });

  it.runIf(CALENDAR_COVERS_UNTIL === 2026)('2027 is weekends only: New Year 2027-01-01 (Fri) counts as a working day', () => {
    expect(isWorkingDay('2027-01-01')).toBe(true);
    expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(isWorkingDay('2027-01-02')).toBe(false);
  });

  it('before the data starts (2004) it is weekends only too', () => {
    expect(isWorkingDay('2003-10-01')).toBe(true); // a Wednesday, though National Day in reality
    expect(isWorkingDay('2003-10-04')).toBe(false);
  });
});

describe('chinaDate', () => {
  it('is the calendar date in UTC+8', () => {
    expect(chinaDate(new Date('2026-03-02T17:30:00Z'))).toBe('2026-03-03');
    expect(chinaDate(new Date('2026-03-02T15:59:59.999Z'))).toBe('2026-03-02');
    expect(chinaDate(new Date('2026-03-02T16:00:00Z'))).toBe('2026-03-03');
    expect(chinaDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(chinaDate(new Date('2026-03-03T00:30:00+08:00'))).toBe('2026-03-03');
  });

  it('does not depend on the runtime time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = tz;
        expect(chinaDate(new Date('2026-03-02T17:30:00Z'))).toBe('2026-03-03');
        expect(isWorkingDay('2026-10-10')).toBe(true);
        expect(addWorkingDays('2026-09-30', 3)).toBe('2026-10-10');
        expect(sla({ acceptedAt: '2026-03-02T17:30:00Z' }).dueDate).toBe('2026-03-06');
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('refuses an invalid Date', () => {
    expect(() => chinaDate(new Date('nope'))).toThrow(RangeError);
  });
});

describe('addWorkingDays / workingDaysBetween', () => {
  it.each([
    // [start, n, expected, why]
    ['2026-03-02', 0, '2026-03-02', 'n = 0 on a working day is that day'],
    ['2026-02-15', 0, '2026-02-24', 'n = 0 in Spring Festival is the first day back'],
    ['2026-03-07', 0, '2026-03-09', 'n = 0 on a Saturday is Monday'],
    ['2026-03-02', 1, '2026-03-03', 'start day never counts'],
    ['2026-03-06', 1, '2026-03-09', 'Friday + 1 = Monday'],
    ['2026-02-13', 1, '2026-02-14', 'the next working day is the make-up Saturday'],
    ['2026-02-13', 2, '2026-02-24', 'then Spring Festival'],
    ['2026-09-18', 1, '2026-09-20', 'make-up Sunday before National Day'],
    ['2026-09-24', 3, '2026-09-30', 'Mid-Autumn Friday 09-25 and the weekend skipped'],
    ['2026-09-24', 4, '2026-10-08', 'then the whole National Day week'],
    ['2026-09-30', 3, '2026-10-10', 'Wednesday before National Day + 3 lands on the make-up Saturday'],
    ['2025-09-26', 1, '2025-09-28', 'make-up Sunday 2025-09-28'],
    ['2025-09-26', 4, '2025-10-09', 'National Day 2025 is 10-01..08'],
    ['2025-09-26', 6, '2025-10-11', 'make-up Saturday 2025-10-11'],
    ['2025-12-31', 1, '2026-01-04', 'New Year 2026 (01-01..03) off, then the make-up Sunday'],
  ] as const)('addWorkingDays(%s, %i) = %s (%s)', (start, n, expected, _why) => {
    expect(addWorkingDays(start, n)).toBe(expected);
  });

  it.each([
    ['2026-03-02', '2026-03-02', 0],
    ['2026-03-06', '2026-03-02', 0],
    ['2026-03-01', '2026-03-08', 5],
    ['2026-02-13', '2026-02-28', 6],
    ['2026-09-30', '2026-10-10', 3],
    // (09-27, 10-12]: 09-28 (Sun, make-up), 09-29, 09-30, 10-09, 10-10, 10-11 (Sat, make-up).
    ['2025-09-27', '2025-10-12', 6],
  ] as const)('workingDaysBetween(%s, %s) = %i', (from, to, expected) => {
    expect(workingDaysBetween(from, to)).toBe(expected);
  });

  it('refuses a negative or fractional n and malformed dates', () => {
    expect(() => addWorkingDays('2026-03-02', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-02', 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-02', Number.NaN)).toThrow(RangeError);
    expect(() => addWorkingDays('2026/03/02', 1)).toThrow(RangeError);
    expect(() => workingDaysBetween('2026-03-02', '2026-02-30')).toThrow(RangeError);
  });

  it('property: workingDaysBetween(d, addWorkingDays(d, n)) === n for a working day d', () => {
    fc.assert(
      fc.property(workingDayIn2025_2026, fc.integer({ min: 0, max: 80 }), (d, n) => {
        expect(workingDaysBetween(d, addWorkingDays(d, n))).toBe(n);
      }),
      RUNS,
    );
  });

  it('property: for n ≥ 1 and any d, the result is the first working day that makes the count n', () => {
    fc.assert(
      fc.property(dateIn2025_2026, fc.integer({ min: 1, max: 80 }), (d, n) => {
        const end = addWorkingDays(d, n);
        expect(end > d).toBe(true);
        expect(isWorkingDay(end)).toBe(true);
        expect(workingDaysBetween(d, end)).toBe(n);
        expect(workingDaysBetween(d, shift(end, -1))).toBe(n - 1);
      }),
      RUNS,
    );
  });

  it('property: n = 0 gives the first working day on or after d', () => {
    fc.assert(
      fc.property(dateIn2025_2026, (d) => {
        const w = addWorkingDays(d, 0);
        expect(isWorkingDay(w)).toBe(true);
        expect(w >= d).toBe(true);
        for (let x = d; x < w; x = shift(x, 1)) expect(isWorkingDay(x)).toBe(false);
      }),
      RUNS,
    );
  });

  it('property: monotone in n and in the start date', () => {
    fc.assert(
      fc.property(dateIn2025_2026, dateIn2025_2026, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), (a, b, m, n) => {
        const [d1, d2] = a <= b ? [a, b] : [b, a];
        const [n1, n2] = m <= n ? [m, n] : [n, m];
        expect(addWorkingDays(d1, n1) <= addWorkingDays(d1, n2)).toBe(true);
        // Strictly increasing, except that on a non-working day n = 0 and n = 1 both give the next working day.
        if (n1 < n2 && (n1 > 0 || isWorkingDay(d1))) expect(addWorkingDays(d1, n1) < addWorkingDays(d1, n2)).toBe(true);
        expect(addWorkingDays(d1, n1) <= addWorkingDays(d2, n1)).toBe(true);
        expect(workingDaysBetween(d1, d2) <= workingDaysBetween(d1, shift(d2, 1))).toBe(true);
        expect(workingDaysBetween(d1, d2) >= workingDaysBetween(shift(d1, 1), d2)).toBe(true);
      }),
      RUNS,
    );
  });

  it('property: workingDaysBetween is additive and 0 for empty ranges', () => {
    fc.assert(
      fc.property(dateIn2025_2026, dateIn2025_2026, dateIn2025_2026, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort() as [string, string, string];
        expect(workingDaysBetween(a, c)).toBe(workingDaysBetween(a, b) + workingDaysBetween(b, c));
        expect(workingDaysBetween(c, a)).toBe(0);
        expect(workingDaysBetween(a, shift(a, 1))).toBe(isWorkingDay(shift(a, 1)) ? 1 : 0);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------
// The promised-time clock
// ---------------------------------------------------------------------------

describe('defaultDeficientDue', () => {
  it('stays within the promised time: a 5-working-day matter taken in on Friday 2026-12-04 gives Thursday 12-10', () => {
    // Promised deadline counted from 12-04: Fri 12-11; the working day before it is Thu 12-10 (not two weeks, 12-18).
    expect(defaultDeficientDue('2026-12-04', 5)).toBe('2026-12-10');
  });
  it('is two weeks when the promised time is longer', () => {
    expect(defaultDeficientDue('2026-12-04', 20)).toBe('2026-12-18');
  });
  it('skips the National Day holiday when counting toward the promise', () => {
    // 10-01..10-07 are holidays: the four working days toward the promise all fall after them.
    expect(defaultDeficientDue('2026-09-30', 5)).toBe(addWorkingDays('2026-09-30', 4));
    expect(defaultDeficientDue('2026-09-30', 5) > '2026-10-07').toBe(true);
  });
  it('is never before tomorrow, even for a 0- or 1-day promise', () => {
    expect(defaultDeficientDue('2026-12-04', 0)).toBe('2026-12-05');
    expect(defaultDeficientDue('2026-12-04', 1)).toBe('2026-12-05');
  });
  it('is always after today and never after the promised deadline', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 700 }), fc.integer({ min: 0, max: 60 }), (offset, days) => {
        const today = shift('2025-01-01', offset);
        const due = defaultDeficientDue(today, days);
        expect(due > today).toBe(true);
        if (days > 1) expect(due < addWorkingDays(today, days)).toBe(true);
      }),
    );
  });
});

describe('computeSla', () => {
  // Reference case: accepted Monday 2026-03-02 (no holidays in March 2026), promised 3 → Thursday 03-05.
  it('counts from the working day after acceptance', () => {
    expect(sla({})).toEqual({
      dueDate: '2026-03-05',
      legalDueDate: '2026-03-23',
      usedWorkingDays: 0,
      remainingWorkingDays: 3,
      paused: false,
      dueSoon: false,
      overdue: false,
      stopped: false,
      assumesWeekendsOnly: { dueDate: false, legalDueDate: false },
    });
  });

  it('accepted Wednesday 2026-09-30 with 3 promised days: due after National Day, on the make-up Saturday', () => {
    expect(utcWeekday('2026-09-30')).toBe(3); // the brief called it a Friday; it is a Wednesday
    const acceptedAt = cst('2026-09-30', '16:45');
    expect(computeSla({ acceptedAt, promisedDays: 3, legalDays: 20, pauses: [], now: acceptedAt })).toMatchObject({
      dueDate: '2026-10-10',
      legalDueDate: '2026-11-03', // 10-08..10 (3), 10-12..30 (18), 11-02, 11-03
      remainingWorkingDays: 3,
    });
    // Mid-holiday nothing is used up; on the Friday after, one day is left.
    const during = computeSla({ acceptedAt, promisedDays: 3, legalDays: 20, pauses: [], now: cst('2026-10-05') });
    expect(during).toMatchObject({ usedWorkingDays: 0, remainingWorkingDays: 3, dueSoon: false, overdue: false });
    const friday = computeSla({ acceptedAt, promisedDays: 3, legalDays: 20, pauses: [], now: cst('2026-10-09') });
    expect(friday).toMatchObject({ usedWorkingDays: 2, remainingWorkingDays: 1, dueSoon: true, overdue: false });
    const monday = computeSla({ acceptedAt, promisedDays: 3, legalDays: 20, pauses: [], now: cst('2026-10-12') });
    expect(monday).toMatchObject({ usedWorkingDays: 4, remainingWorkingDays: 0, dueSoon: false, overdue: true });
  });

  it('accepted on the Friday before Spring Festival 2026: the make-up Saturday counts, the festival does not', () => {
    const r = sla({ acceptedAt: cst('2026-02-13'), promisedDays: 3, now: cst('2026-02-20') });
    expect(r).toMatchObject({ dueDate: '2026-02-25', usedWorkingDays: 1, remainingWorkingDays: 2 });
  });

  it('accepted on a weekend: day 1 is Monday', () => {
    expect(sla({ acceptedAt: cst('2026-03-07', '11:00') }).dueDate).toBe('2026-03-11');
  });

  it('promisedDays 0 (即办): due the acceptance day, or the next working day', () => {
    expect(sla({ promisedDays: 0 }).dueDate).toBe('2026-03-02');
    expect(sla({ promisedDays: 0, acceptedAt: cst('2026-03-07'), now: cst('2026-03-07') }).dueDate).toBe('2026-03-09');
    expect(sla({ promisedDays: 0 })).toMatchObject({ remainingWorkingDays: 0, dueSoon: true, overdue: false });
    // Accepted on New Year's Day 2025: due the next day, so one working day remains.
    const holiday = sla({ promisedDays: 0, acceptedAt: cst('2025-01-01'), now: cst('2025-01-01') });
    expect(holiday).toMatchObject({ dueDate: '2025-01-02', usedWorkingDays: 0, remainingWorkingDays: 1, dueSoon: true });
  });

  describe('CST boundary', () => {
    it('an acceptance at 2026-03-02T17:30:00Z (01:30 on 03-03 CST) counts from 03-03, not 03-02', () => {
      const r = sla({ acceptedAt: '2026-03-02T17:30:00Z', now: '2026-03-02T17:30:00Z' });
      expect(r.dueDate).toBe('2026-03-06'); // Wed 04, Thu 05, Fri 06; UTC dates would give 03-05
      expect(r.usedWorkingDays).toBe(0);
      // One minute earlier is still Monday in China.
      expect(sla({ acceptedAt: '2026-03-02T15:59:00Z' }).dueDate).toBe('2026-03-05');
    });

    it('overdue starts at 00:00 CST the day after the due date', () => {
      const base = { acceptedAt: '2026-03-02T17:30:00Z' };
      expect(sla({ ...base, now: '2026-03-06T15:59:59Z' })).toMatchObject({ overdue: false, dueSoon: true, remainingWorkingDays: 0 });
      expect(sla({ ...base, now: '2026-03-06T16:00:00Z' })).toMatchObject({ overdue: true, dueSoon: false });
    });
  });

  describe('overdue and dueSoon around the due date (accepted Mon 03-02, promised 3, due Thu 03-05)', () => {
    it.each([
      // [now, used, remaining, dueSoon, overdue]
      ['2026-03-02', 0, 3, false, false],
      ['2026-03-03', 1, 2, false, false],
      ['2026-03-04', 2, 1, true, false],
      ['2026-03-05', 3, 0, true, false],
      ['2026-03-06', 4, 0, false, true],
      ['2026-03-07', 4, 0, false, true],
      ['2026-03-09', 5, 0, false, true],
    ] as const)('now %s: used %i, remaining %i, dueSoon %s, overdue %s', (now, used, remaining, dueSoon, overdue) => {
      expect(sla({ now: cst(now, '18:00') })).toMatchObject({
        dueDate: '2026-03-05',
        usedWorkingDays: used,
        remainingWorkingDays: remaining,
        dueSoon,
        overdue,
        paused: false,
      });
    });

    it('dueSoonDays moves the threshold', () => {
      expect(sla({ now: cst('2026-03-03'), dueSoonDays: 2 }).dueSoon).toBe(true);
      expect(sla({ now: cst('2026-03-04'), dueSoonDays: 0 }).dueSoon).toBe(false);
      expect(sla({ now: cst('2026-03-05'), dueSoonDays: 0 }).dueSoon).toBe(true);
    });

    it('a clock skewed before acceptance uses nothing', () => {
      expect(sla({ now: cst('2026-02-27') })).toMatchObject({ usedWorkingDays: 0, remainingWorkingDays: 3, overdue: false });
    });
  });

  describe('补正 pauses', () => {
    it('a pause spanning 2 working days moves the due date by 2 working days', () => {
      const pauses: Pause[] = [{ from: cst('2026-03-03', '15:00'), to: cst('2026-03-04', '10:00') }];
      const r = sla({ pauses, now: cst('2026-03-05') });
      expect(r.dueDate).toBe(addWorkingDays('2026-03-05', 2));
      expect(r.dueDate).toBe('2026-03-09');
      expect(r.legalDueDate).toBe(addWorkingDays('2026-03-23', 2));
      expect(r).toMatchObject({ usedWorkingDays: 1, remainingWorkingDays: 2, paused: false, overdue: false });
    });

    it('a pause over a weekend only costs the working days it touches (Fri and Mon)', () => {
      const pauses = [{ from: cst('2026-03-06', '16:00'), to: cst('2026-03-09', '09:00') }];
      const base = sla({ promisedDays: 10 }).dueDate;
      expect(base).toBe('2026-03-16');
      expect(sla({ promisedDays: 10, pauses }).dueDate).toBe('2026-03-18');
    });

    it('a pause inside a holiday costs nothing', () => {
      const r = sla({
        acceptedAt: cst('2026-09-30'),
        pauses: [{ from: cst('2026-10-02'), to: cst('2026-10-06') }],
      });
      expect(r.dueDate).toBe('2026-10-10');
    });

    it('partial days: any part of a working day pauses it; a pause ending at 00:00 CST does not touch that day', () => {
      const oneDay = [{ from: cst('2026-03-03', '09:00'), to: cst('2026-03-04', '00:00') }];
      expect(sla({ pauses: oneDay }).dueDate).toBe('2026-03-06');
      const oneMinute = [{ from: cst('2026-03-03', '23:59'), to: cst('2026-03-04', '00:00') }];
      expect(sla({ pauses: oneMinute }).dueDate).toBe('2026-03-06');
      const acrossMidnight = [{ from: cst('2026-03-03', '23:59'), to: cst('2026-03-04', '00:01') }];
      expect(sla({ pauses: acrossMidnight }).dueDate).toBe('2026-03-09');
      const zeroLength = [{ from: cst('2026-03-03', '12:00'), to: cst('2026-03-03', '12:00') }];
      expect(sla({ pauses: zeroLength }).dueDate).toBe('2026-03-05');
    });

    it('overlapping pauses count each working day once; order does not matter', () => {
      const pauses = [
        { from: cst('2026-03-04', '09:00'), to: cst('2026-03-05', '17:00') },
        { from: cst('2026-03-03', '09:00'), to: cst('2026-03-04', '12:00') },
      ];
      expect(sla({ pauses }).dueDate).toBe('2026-03-10'); // Tue–Thu paused: Fri 06, Mon 09, Tue 10
      expect(sla({ pauses: [...pauses].reverse() }).dueDate).toBe('2026-03-10');
    });

    it('a pause on the acceptance day only changes nothing (that day never counts)', () => {
      expect(sla({ pauses: [{ from: cst('2026-03-02', '11:00'), to: cst('2026-03-02', '15:00') }] }).dueDate).toBe('2026-03-05');
    });

    it('a pause after the due date has passed does not rescue an overdue case', () => {
      const pauses = [{ from: cst('2026-03-09'), to: cst('2026-03-10') }];
      expect(sla({ pauses, now: cst('2026-03-11') })).toMatchObject({ dueDate: '2026-03-05', overdue: true, paused: false });
    });

    it('an open pause: paused, never overdue, and the due date moves with now', () => {
      const pauses: Pause[] = [{ from: cst('2026-03-04', '10:00') }];
      const tue = sla({ pauses, now: cst('2026-03-10') });
      expect(tue).toEqual({
        dueDate: '2026-03-12',
        legalDueDate: addWorkingDays('2026-03-10', 14),
        usedWorkingDays: 1,
        remainingWorkingDays: 2,
        paused: true,
        dueSoon: false,
        overdue: false,
        stopped: false,
        assumesWeekendsOnly: { dueDate: false, legalDueDate: false },
      });
      expect(sla({ pauses, now: cst('2026-03-11') }).dueDate).toBe('2026-03-13');
      expect(sla({ pauses, now: cst('2026-03-13') }).dueDate).toBe('2026-03-17');
      // Over a weekend it does not move.
      expect(sla({ pauses, now: cst('2026-03-14') }).dueDate).toBe('2026-03-17');
    });

    it('an open pause on an already overdue case: paused, not overdue, due date stays in the past', () => {
      const r = sla({ pauses: [{ from: cst('2026-03-09') }], now: cst('2026-03-12') });
      expect(r).toMatchObject({ dueDate: '2026-03-05', paused: true, overdue: false, remainingWorkingDays: 0 });
    });

    it('closing a pause fixes the due date', () => {
      const from = cst('2026-03-04', '10:00');
      const closed = sla({ pauses: [{ from, to: cst('2026-03-10', '09:30') }], now: cst('2026-03-16') });
      const stillOpenThen = sla({ pauses: [{ from }], now: cst('2026-03-10', '09:30') });
      expect(closed.dueDate).toBe(stillOpenThen.dueDate);
      expect(closed.paused).toBe(false);
    });

    it('property: a closed pause inside (acceptance, due] moves the due date by the working days it touches', () => {
      fc.assert(
        fc.property(
          dateIn2025_2026,
          fc.integer({ min: 1, max: 30 }),
          fc.nat(),
          fc.nat(),
          fc.integer({ min: 0, max: 300 }),
          fc.integer({ min: 0, max: 500 }),
          (acceptDate, promisedDays, s, e, fromMin, toMin) => {
            const baseDue = addWorkingDays(acceptDate, promisedDays);
            const span = dayNumber(baseDue) - dayNumber(acceptDate); // days in (accept, due]
            const start = shift(acceptDate, 1 + (s % span));
            const end = shift(start, e % (dayNumber(baseDue) - dayNumber(start) + 1));
            const hm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
            const pause = { from: cst(start, hm(9 * 60 + fromMin)), to: cst(end, hm(14 * 60 + 30 + toMin)) };
            const touched = workingDaysBetween(shift(start, -1), end);
            const r = computeSla({ acceptedAt: cst(acceptDate, '11:00'), promisedDays, legalDays: promisedDays, pauses: [pause], now: cst(acceptDate, '11:00') });
            expect(r.dueDate).toBe(addWorkingDays(baseDue, touched));
            expect(r.legalDueDate).toBe(r.dueDate);
          },
        ),
        RUNS,
      );
    });

    it('property: an open pause never makes the case overdue and its due date never moves backwards', () => {
      fc.assert(
        fc.property(dateIn2025_2026, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), (acceptDate, promisedDays, startIn, nowIn) => {
          const pauses = [{ from: cst(shift(acceptDate, startIn), '10:00') }];
          const now1 = shift(acceptDate, startIn + nowIn);
          const now2 = shift(now1, 1);
          const a = computeSla({ acceptedAt: cst(acceptDate), promisedDays, legalDays: 60, pauses, now: cst(now1, '15:00') });
          const b = computeSla({ acceptedAt: cst(acceptDate), promisedDays, legalDays: 60, pauses, now: cst(now2, '15:00') });
          expect(a.paused && b.paused).toBe(true);
          expect(a.overdue || b.overdue).toBe(false);
          expect(a.dueDate <= b.dueDate).toBe(true);
          expect(b.usedWorkingDays).toBe(a.usedWorkingDays);
          if (a.remainingWorkingDays > 0) expect(a.dueDate).toBe(addWorkingDays(now1, a.remainingWorkingDays));
        }),
        RUNS,
      );
    });
  });

  it('property: without pauses the clock agrees with addWorkingDays / workingDaysBetween', () => {
    fc.assert(
      fc.property(
        dateIn2025_2026,
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: -5, max: 60 }),
        fc.integer({ min: 0, max: 1439 }),
        (acceptDate, promisedDays, extra, nowIn, minute) => {
          const legalDays = promisedDays + extra;
          const nowDate = shift(acceptDate, nowIn);
          const now = new Date(Date.parse(`${nowDate}T00:00:00+08:00`) + minute * 60_000).toISOString();
          const r = computeSla({ acceptedAt: cst(acceptDate, '08:30'), promisedDays, legalDays, pauses: [], now });
          expect(r.dueDate).toBe(addWorkingDays(acceptDate, promisedDays));
          expect(r.legalDueDate).toBe(addWorkingDays(acceptDate, legalDays));
          expect(r.legalDueDate >= r.dueDate).toBe(true);
          expect(r.usedWorkingDays).toBe(workingDaysBetween(acceptDate, nowDate));
          expect(r.overdue).toBe(nowDate > r.dueDate);
          const clockDate = nowDate < acceptDate ? acceptDate : nowDate; // a skewed `now` counts as the acceptance day
          if (!r.overdue) expect(r.remainingWorkingDays).toBe(workingDaysBetween(clockDate, r.dueDate));
          if (!r.overdue && (promisedDays > 0 || isWorkingDay(acceptDate))) {
            expect(r.remainingWorkingDays).toBe(promisedDays - r.usedWorkingDays);
          }
          expect(r.dueSoon).toBe(!r.overdue && r.remainingWorkingDays <= 1);
          expect(r.paused).toBe(false);
        },
      ),
      RUNS,
    );
  });

  describe('a stopped clock (issued or denied) keeps its final figures', () => {
    // Accepted Monday 2026-03-02, promised 3 → due Thursday 03-05.
    it('issued on the Wednesday: 2 of 3 used, on time, whenever it is read', () => {
      for (const now of [cst('2026-03-04', '16:00'), cst('2026-03-20'), cst('2027-01-05')]) {
        expect(sla({ stoppedAt: cst('2026-03-04', '15:00'), now })).toMatchObject({
          usedWorkingDays: 2,
          remainingWorkingDays: 1,
          stopped: true,
          overdue: false,
          dueSoon: false,
          paused: false,
        });
      }
    });

    it('issued the Monday after the due date: 5 used, late', () => {
      expect(sla({ stoppedAt: cst('2026-03-09'), now: cst('2026-04-01') })).toMatchObject({ dueDate: '2026-03-05', usedWorkingDays: 5, remainingWorkingDays: 0, stopped: true, overdue: true });
    });

    it('issued on the due date itself is on time', () => {
      expect(sla({ stoppedAt: cst('2026-03-05', '17:30'), now: cst('2026-03-10') })).toMatchObject({ usedWorkingDays: 3, stopped: true, overdue: false });
    });

    it('refuses a malformed stop', () => {
      expect(() => sla({ stoppedAt: '2026-03-05' })).toThrow(/stoppedAt/);
    });
  });

  describe('due dates past the holiday data are flagged as assuming weekends only', () => {
    it(`the data covers ${CALENDAR_COVERS_UNTIL}; a 20-working-day legal limit from 2026-12-10 lands in 2027`, () => {
      expect(CALENDAR_COVERS_UNTIL).toBe(2026); // chinese-days 1.5.7; when the package learns 2027, move these dates on a year
      const r = computeSla({ acceptedAt: cst('2026-12-10'), promisedDays: 5, legalDays: 20, pauses: [], now: cst('2026-12-10') });
      expect(r.dueDate).toBe('2026-12-17');
      expect(r.legalDueDate).toBe('2027-01-07'); // 2027-01-01 (New Year's Day) counted as a working day: only weekends known
      expect(r.assumesWeekendsOnly).toEqual({ dueDate: false, legalDueDate: true });
    });

    it('both dates beyond the data', () => {
      const r = computeSla({ acceptedAt: cst('2026-12-28'), promisedDays: 5, legalDays: 20, pauses: [], now: cst('2026-12-28') });
      expect(r.assumesWeekendsOnly).toEqual({ dueDate: true, legalDueDate: true });
    });

    it('assumesWeekendsOnly(date) is true exactly after the covered year', () => {
      expect(assumesWeekendsOnly(`${CALENDAR_COVERS_UNTIL}-12-31`)).toBe(false);
      expect(assumesWeekendsOnly(`${CALENDAR_COVERS_UNTIL + 1}-01-01`)).toBe(true);
      expect(() => assumesWeekendsOnly('2027-02-30')).toThrow(RangeError);
    });
  });

  it('refuses bad input', () => {
    expect(() => sla({ acceptedAt: '2026-03-02T10:00:00' })).toThrow(/offset/); // ambiguous: local time of which runtime?
    expect(() => sla({ acceptedAt: '2026-03-02' })).toThrow(RangeError);
    expect(() => sla({ now: 'yesterday' })).toThrow(RangeError);
    expect(() => sla({ promisedDays: -1 })).toThrow(RangeError);
    expect(() => sla({ legalDays: 2.5 })).toThrow(RangeError);
    expect(() => sla({ dueSoonDays: -1 })).toThrow(RangeError);
    expect(() => sla({ pauses: [{ from: cst('2026-03-04'), to: cst('2026-03-03') }] })).toThrow(/before it starts/);
    expect(() => sla({ pauses: [{ from: 'soon' }] })).toThrow(/pauses\[0\]\.from/);
  });
});

describe('deadlineFlags', () => {
  it('gives computeSla\'s overdue and dueSoon of a running clock from its due date alone (from the acceptance day on)', () => {
    fc.assert(
      fc.property(dateIn2025_2026, fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 40 }), (acceptDate, promisedDays, nowIn) => {
        const now = shift(acceptDate, nowIn);
        const full = computeSla({ acceptedAt: cst(acceptDate), promisedDays, legalDays: promisedDays + 5, pauses: [], now: cst(now) });
        const flags = deadlineFlags(full.dueDate, now);
        expect({ overdue: flags.overdue, dueSoon: flags.dueSoon }).toEqual({ overdue: full.overdue, dueSoon: full.dueSoon });
      }),
      RUNS,
    );
  });

  it('has no flags without a due date', () => {
    expect(deadlineFlags(null, '2025-06-03')).toMatchObject({ overdue: false, dueSoon: false });
  });
});
