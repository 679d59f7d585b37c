import { describe, expect, it } from 'vitest';
import { formFromSchedule, parseHours, scheduleFromForm, DEFAULT_SCHEDULE_FORM } from './schedule-form';

describe('the opening-hours form', () => {
  it('reads periods separated by commas (also full-width) and dashes', () => {
    expect(parseHours('09:00-12:00，13:30–17:30')).toEqual([['09:00', '12:00'], ['13:30', '17:30']]);
    expect(parseHours('')).toEqual([]);
    expect(parseHours('9-12')).toBeUndefined();
  });

  it('makes a schedule: weekdays alike, Saturday its own, Sunday closed', () => {
    const r = scheduleFromForm({ ...DEFAULT_SCHEDULE_FORM, capacity: 4, saturdayHours: '09:00-12:00' });
    expect(r).toMatchObject({ schedule: { capacity: 4, weekly: { mon: [['09:00', '12:00'], ['13:30', '17:30']], fri: [['09:00', '12:00'], ['13:30', '17:30']], sat: [['09:00', '12:00']], sun: [] } } });
  });

  it('says which field is wrong', () => {
    expect(scheduleFromForm({ ...DEFAULT_SCHEDULE_FORM, weekdayHours: '12:00-09:00' })).toEqual({ invalid: 'weekdayHours' });
    expect(scheduleFromForm({ ...DEFAULT_SCHEDULE_FORM, saturdayHours: 'morning' })).toEqual({ invalid: 'saturdayHours' });
    expect(scheduleFromForm({ ...DEFAULT_SCHEDULE_FORM, capacity: 0 })).toEqual({ invalid: 'numbers' });
  });

  it('round-trips a schedule through the form', () => {
    const r = scheduleFromForm({ ...DEFAULT_SCHEDULE_FORM, saturdayHours: '10:00-15:00' });
    if (!('schedule' in r)) throw new Error('invalid');
    expect(scheduleFromForm(formFromSchedule(r.schedule))).toEqual(r);
  });
});
