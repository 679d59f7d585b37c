/**
 * Station opening hours and booking slots (预约). A station's schedule lists opening periods per weekday
 * (lunch-time and Saturday extended service are just more periods); public holidays close it and make-up
 * working days (调休) open it with weekday hours. Slots are cut from the periods; each has a capacity.
 */
import { addDays } from './china-time';
import { z } from 'zod';
import { isWorkingDay } from './calendar';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const period = z.tuple([z.string().regex(HHMM), z.string().regex(HHMM)]).refine(([a, b]) => a < b, 'a period must end after it starts');
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const scheduleSchema = z.strictObject({
  slotMinutes: z.number().int().min(10).max(240),
  /** Seats per slot at the station desk. */
  capacity: z.number().int().min(1).max(50),
  /** Doorstep visits per slot (staff who can walk the floors). */
  doorstepCapacity: z.number().int().min(0).max(20),
  weekly: z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(period).max(6)])) as Record<Weekday, z.ZodArray<typeof period>>),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export interface Slot {
  /** YYYY-MM-DD (station local time, CST). */
  date: string;
  start: string;
  end: string;
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Which weekday's hours apply: holidays close; make-up working days use Monday's hours. */
export function hoursFor(schedule: Schedule, date: string): [string, string][] {
  const weekday = WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
  const weekend = weekday === 'sat' || weekday === 'sun';
  const working = isWorkingDay(date);
  if (!weekend && !working) return []; // public holiday on a weekday
  if (weekend && working) return schedule.weekly.mon; // 调休 make-up working day
  if (weekend && weekday === 'sat' && !isHolidayWeekend(date)) return schedule.weekly.sat; // Saturday extended service
  return weekend ? [] : schedule.weekly[weekday];
}

/** A Saturday inside a public-holiday block (e.g. National Day week) has no extended service. */
function isHolidayWeekend(date: string): boolean {
  const prev = addDays(date, -1);
  const next = addDays(date, 1);
  const weekdayOff = (d: string): boolean => {
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
    return wd >= 1 && wd <= 5 && !isWorkingDay(d);
  };
  return weekdayOff(prev) || weekdayOff(next);
}

/** The slots of one date, in order. */
export function slotsFor(schedule: Schedule, date: string): Slot[] {
  const out: Slot[] = [];
  for (const [from, to] of hoursFor(schedule, date)) {
    for (let m = minutes(from); m + schedule.slotMinutes <= minutes(to); m += schedule.slotMinutes) {
      out.push({ date, start: hhmm(m), end: hhmm(m + schedule.slotMinutes) });
    }
  }
  return out;
}

export const slotKey = (stationId: string, slot: Pick<Slot, 'date' | 'start'>): string => `slot:${stationId}:${slot.date}T${slot.start}`;

/** Is this slot one of the schedule's slots on that date? */
export function isValidSlot(schedule: Schedule, slot: Pick<Slot, 'date' | 'start'>): boolean {
  return slotsFor(schedule, slot.date).some((s) => s.start === slot.start);
}
