/**
 * Opening hours and booking capacity as the console's form shows them: one line of periods for Monday to
 * Friday and one for Saturday ("09:00-12:00, 13:30-17:30"); Sundays closed. Stations with other weekly
 * patterns keep them unless the form is changed (the form says so).
 */
import { scheduleSchema, WEEKDAYS, type Schedule } from '../../domain/schedule';

export interface ScheduleForm {
  slotMinutes: number;
  capacity: number;
  doorstepCapacity: number;
  weekdayHours: string;
  saturdayHours: string;
}

export const DEFAULT_SCHEDULE_FORM: ScheduleForm = { slotMinutes: 30, capacity: 2, doorstepCapacity: 1, weekdayHours: '09:00-12:00, 13:30-17:30', saturdayHours: '' };

const RANGE = /^(\d{2}:\d{2})\s*[-–~]\s*(\d{2}:\d{2})$/;

/** "09:00-12:00, 13:30-17:30" → periods; undefined when a part is not a time range. */
export function parseHours(text: string): [string, string][] | undefined {
  const parts = text.split(/[,，;；]/).map((p) => p.trim()).filter(Boolean);
  const out: [string, string][] = [];
  for (const part of parts) {
    const m = RANGE.exec(part);
    if (!m) return undefined;
    out.push([m[1]!, m[2]!]);
  }
  return out;
}

export const formatHours = (periods: readonly (readonly [string, string])[]): string => periods.map(([a, b]) => `${a}-${b}`).join(', ');

/** The form as a schedule, or which field is wrong. */
export function scheduleFromForm(form: ScheduleForm): { schedule: Schedule } | { invalid: 'weekdayHours' | 'saturdayHours' | 'numbers' } {
  const weekday = parseHours(form.weekdayHours);
  if (!weekday) return { invalid: 'weekdayHours' };
  const saturday = parseHours(form.saturdayHours);
  if (!saturday) return { invalid: 'saturdayHours' };
  const weekly = Object.fromEntries(WEEKDAYS.map((d) => [d, d === 'sun' ? [] : d === 'sat' ? saturday : weekday])) as Schedule['weekly'];
  const parsed = scheduleSchema.safeParse({ slotMinutes: form.slotMinutes, capacity: form.capacity, doorstepCapacity: form.doorstepCapacity, weekly });
  if (parsed.success) return { schedule: parsed.data };
  const bad = parsed.error.issues[0]?.path ?? [];
  return { invalid: bad[0] === 'weekly' ? (bad[1] === 'sat' ? 'saturdayHours' : 'weekdayHours') : 'numbers' };
}

/** A schedule as the form shows it (Monday's hours stand for the weekdays). */
export function formFromSchedule(schedule: Schedule | undefined): ScheduleForm {
  if (!schedule) return { ...DEFAULT_SCHEDULE_FORM };
  return { slotMinutes: schedule.slotMinutes, capacity: schedule.capacity, doorstepCapacity: schedule.doorstepCapacity, weekdayHours: formatHours(schedule.weekly.mon), saturdayHours: formatHours(schedule.weekly.sat) };
}
