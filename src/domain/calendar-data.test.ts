import { describe, expect, it } from 'vitest';
import { BUILT_IN_DEPARTMENTS, calendarYearIssues, calendarYearsOf, departmentsOf, parseCalendarImport, suggestDepartments } from './calendar-data';

describe('calendarYearIssues', () => {
  it('accepts a clean year', () => {
    expect(calendarYearIssues(2027, { holidays: ['2027-01-01', '2027-02-08'], workdays: ['2027-02-14'] })).toEqual([]);
  });

  it('gives every reason at once: not a date, another year, listed twice, both holiday and workday', () => {
    const issues = calendarYearIssues(2027, { holidays: ['2027-02-30', '2026-12-31', '2027-01-01', '2027-01-01', '2027-02-14'], workdays: ['2027-02-14', 'soon'] });
    expect(issues).toEqual([
      'holidays: "2027-02-30" is not a real date (YYYY-MM-DD)',
      'holidays: 2026-12-31 is not in 2027',
      'holidays: 2027-01-01 is listed twice',
      'workdays: "soon" is not a real date (YYYY-MM-DD)',
      '2027-02-14 is both a holiday and a make-up workday',
    ]);
    expect(calendarYearIssues(1999, { holidays: [], workdays: [] })).toEqual(['year: must be between 2000 and 2100, got 1999']);
  });
});

describe('parseCalendarImport', () => {
  it('reads text lines: a date, optionally with 班 / workday for a make-up day; comments and blanks skipped', () => {
    const text = '# 2027\n2027-01-01 元旦\n2027-02-08 休\n\n班 2027-02-14\n2027-01-31 workday\nnext monday\n';
    expect(parseCalendarImport(text)).toEqual({ holidays: ['2027-01-01', '2027-02-08'], workdays: ['2027-02-14', '2027-01-31'], issues: ['line 7: no YYYY-MM-DD date in "next monday"'] });
  });

  it('reads JSON lists, and the chinese-days shape with dates as keys', () => {
    expect(parseCalendarImport('{"holidays":["2027-01-01"],"workdays":["2027-02-14"]}')).toEqual({ holidays: ['2027-01-01'], workdays: ['2027-02-14'], issues: [] });
    expect(parseCalendarImport('{"holidays":{"2027-01-01":"New Year\'s Day,元旦,1"},"workdays":{}}')).toEqual({ holidays: ['2027-01-01'], workdays: [], issues: [] });
    expect(parseCalendarImport('{"holidays": [').issues).toHaveLength(1);
  });
});

describe('calendarYearsOf', () => {
  it('keeps the valid calendar documents only', () => {
    const good = { _id: 'calendar:2027', type: 'calendar', year: 2027, holidays: ['2027-01-01'], workdays: [], loadedAt: '2026-11-20T08:00:00Z', loadedBy: 'hall' };
    expect(calendarYearsOf([good, { _id: 'calendar:2028', type: 'calendar' }, undefined])).toEqual([{ year: 2027, holidays: ['2027-01-01'], workdays: [] }]);
  });
});

describe('departments', () => {
  const doc = (id: string, matters: string[]) => ({ _id: `department:${id}`, type: 'department', id, name: `${id} 局`, nameEn: id, matters });

  it('come from documents; without any, the built-in ones (old ids stay valid)', () => {
    expect(departmentsOf([]).map((d) => d.id)).toEqual(BUILT_IN_DEPARTMENTS.map((d) => d.id));
    expect(departmentsOf([{ type: 'department' }]).map((d) => d.id)).toEqual(BUILT_IN_DEPARTMENTS.map((d) => d.id));
    expect(departmentsOf([doc('tax', []), { _id: 'department:Bad', type: 'department' }]).map((d) => d.id)).toEqual(['tax']);
  });

  it('those that co-approve the matter come first, the rest keep their order', () => {
    const list = departmentsOf([doc('a', []), doc('b', ['food']), doc('c', []), doc('d', ['food', 'x'])]);
    expect(suggestDepartments(list, 'food').map((r) => [r.department.id, r.suggested])).toEqual([
      ['b', true],
      ['d', true],
      ['a', false],
      ['c', false],
    ]);
    expect(suggestDepartments(list, undefined).map((r) => r.department.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});
