/**
 * Chinese working days and the promised-time clock (承诺时限).
 *
 * **Calendar data.** Public holidays and make-up working days (调休上班) come from the State Council
 * General Office's annual notices (国务院办公厅关于节假日安排的通知), as collected by the `chinese-days`
 * package (MIT, https://github.com/vsme/chinese-days). Only its plain data file
 * `chinese-days/dist/chinese-days.json` is imported — not the library's functions, which pull in the
 * lunar calendar (~8 kB gzip instead of ~3 kB) and format dates with the runtime's local time zone. The
 * data covers 2004 to {@link CALENDAR_COVERS_UNTIL}; for any date outside it (before 2004, or a year whose
 * notice is not yet in the installed package) the calendar falls back to **weekends only**: Monday–Friday
 * are working days, Saturday and Sunday are not. The notice for year N usually appears in
 * October–November of year N−1: the hall loads it as data (`calendar:<year>` in the catalog database, applied
 * with {@link useCalendarYears}), or the package is updated (`npm update chinese-days`); the UI warns when a due
 * date lands after {@link calendarCoversUntil}.
 *
 * **Time zone.** Everything is China Standard Time (UTC+8, no daylight saving time since 1991): a
 * *date* is a calendar day in Asia/Shanghai written `YYYY-MM-DD`, an *instant* is an ISO 8601 string
 * with an explicit offset (`Z` or `±hh:mm`) or a `Date`. The runtime's own time zone never matters.
 *
 * Pure functions only: no DOM, no Node APIs.
 *
 * @module
 */
import { chinaDate, CST_OFFSET_MS, DAY_MS, dateOfDayNumber, dayNumberOf } from './china-time';
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

// ---------------------------------------------------------------------------
// Day numbers: days since 1970-01-01 (a Thursday). All arithmetic is on these.
// ---------------------------------------------------------------------------

const MS_PER_DAY = DAY_MS;
/** ISO 8601 date-time with an explicit offset, as `z.iso.datetime({ offset: true })` in documents.ts. */
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Day number of a `YYYY-MM-DD` string; throws a RangeError for anything else (including 2026-02-30). */
function toDay(date: string, name = 'date'): number {
  const day = dayNumberOf(date);
  if (day !== undefined) return day;
  throw new RangeError(`${name} must be a real calendar date as YYYY-MM-DD, got ${JSON.stringify(date)}`);
}

const fromDay = dateOfDayNumber;

/** 0 = Sunday … 6 = Saturday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

// ---------------------------------------------------------------------------
// Holiday data
// ---------------------------------------------------------------------------

const BUILT_IN_HOLIDAYS = Object.keys(chineseDays.holidays);
const BUILT_IN_WORKDAYS = Object.keys(chineseDays.workdays);

/**
 * The last calendar year whose public holidays and make-up working days are known from the built-in data (2026
 * with chinese-days 1.5.7). Years loaded by the hall (`calendar:<year>` documents, see {@link useCalendarYears})
 * may extend it: {@link calendarCoversUntil} is the effective end. Derived from the data, so updating the
 * package moves it.
 */
export const CALENDAR_COVERS_UNTIL: number = Math.max(...[...BUILT_IN_HOLIDAYS, ...BUILT_IN_WORKDAYS].map(yearOf));

/** One year's official days, as the hall loads them (the content of a `calendar:<year>` document). */
export interface CalendarYear {
  year: number;
  /** Days off by State Council notice, `YYYY-MM-DD`, including weekend days inside a holiday block. */
  holidays: readonly string[];
  /** Weekend days that are working days by notice (调休上班), `YYYY-MM-DD`. */
  workdays: readonly string[];
}

/** Days off by State Council notice, including weekend days inside a holiday block. */
let HOLIDAYS = new Set(BUILT_IN_HOLIDAYS.map((d) => toDay(d)));
/** Weekend days that are working days by State Council notice (调休上班). */
let MAKE_UP_WORKDAYS = new Set(BUILT_IN_WORKDAYS.map((d) => toDay(d)));
let loadedYears: ReadonlySet<number> = new Set();

/**
 * Use the hall's loaded years from now on, in every function of this module: each year given replaces the
 * built-in data for that year entirely (so a year the package knows can be corrected too); other years keep the
 * built-in data. Each call replaces the previous one (pass every loaded year, `[]` for the built-in data only).
 * Days outside their own year are ignored.
 */
export function useCalendarYears(years: readonly CalendarYear[]): void {
  const replaced = new Set(years.map((y) => y.year));
  const own = (list: readonly string[], year: number): string[] => list.filter((d) => yearOf(d) === year && dayNumberOf(d) !== undefined);
  HOLIDAYS = new Set([...BUILT_IN_HOLIDAYS.filter((d) => !replaced.has(yearOf(d))), ...years.flatMap((y) => own(y.holidays, y.year))].map((d) => toDay(d)));
  MAKE_UP_WORKDAYS = new Set([...BUILT_IN_WORKDAYS.filter((d) => !replaced.has(yearOf(d))), ...years.flatMap((y) => own(y.workdays, y.year))].map((d) => toDay(d)));
  loadedYears = replaced;
}

/**
 * The last year of the known calendar: the built-in data, extended by loaded years that follow it without a gap
 * (a loaded 2028 with 2027 unknown leaves 2027 guessed, so the coverage stays at 2026).
 */
export function calendarCoversUntil(): number {
  let year = CALENDAR_COVERS_UNTIL;
  while (loadedYears.has(year + 1)) year++;
  return year;
}

/**
 * Whether `date` lies after the known calendar ({@link calendarCoversUntil}): its year's holidays are not
 * known, so working days there are counted as Monday–Friday and a due date may land on a holiday.
 */
export function isBeyondCalendar(date: string): boolean {
  toDay(date);
  return yearOf(date) > calendarCoversUntil();
}

/**
 * Whether the calendar knows `date`'s year only by its weekends: it lies after {@link CALENDAR_COVERS_UNTIL},
 * so a holiday of that year would be taken for a working day. A due date for which this holds must be shown
 * with a word that it assumes weekends only.
 */
export function assumesWeekendsOnly(date: string): boolean {
  toDay(date);
  return yearOf(date) > CALENDAR_COVERS_UNTIL;
}

function isWorkingDayNumber(day: number): boolean {
  if (MAKE_UP_WORKDAYS.has(day)) return true;
  if (HOLIDAYS.has(day)) return false;
  const wd = weekday(day);
  return wd !== 0 && wd !== 6;
}

// ---------------------------------------------------------------------------
// Dates and instants
// ---------------------------------------------------------------------------

/**
 * Whether `date` is a working day in mainland China: Monday–Friday unless it is a public holiday, plus
 * weekend days designated as make-up working days (调休上班). Outside the covered years (see
 * {@link CALENDAR_COVERS_UNTIL}) this is simply Monday–Friday.
 *
 * @param date - a calendar date `YYYY-MM-DD` (CST).
 * @throws RangeError if `date` is not a real `YYYY-MM-DD` date.
 */
export function isWorkingDay(date: string): boolean {
  return isWorkingDayNumber(toDay(date));
}

/** The calendar date of an instant in China Standard Time (see china-time.ts). */
export { chinaDate };

function cstDayOfMs(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / MS_PER_DAY);
}

/** Milliseconds of an ISO instant with an explicit offset; date-times without one are ambiguous and refused. */
function instantMs(instant: string, name: string): number {
  const ms = INSTANT_PATTERN.test(instant) ? Date.parse(instant) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new RangeError(`${name} must be an ISO 8601 date-time with Z or an offset, got ${JSON.stringify(instant)}`);
  }
  return ms;
}

const NO_DAYS: ReadonlySet<number> = new Set();

function assertDayCount(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/**
 * The date on which the `n`-th working day after `startDate` ends. `startDate` itself never counts
 * (期间开始的当日不计入): with n ≥ 1 the result is the n-th working day strictly after `startDate`. With
 * n = 0 the result is `startDate` when it is a working day, else the next working day (so on a
 * non-working day n = 0 and n = 1 give the same date).
 *
 * Takes O(calendar days spanned); meant for time limits of days to months.
 *
 * @param startDate - `YYYY-MM-DD` (CST).
 * @param n - number of working days, a non-negative integer.
 * @throws RangeError on a malformed date or a negative / non-integer `n`.
 */
export function addWorkingDays(startDate: string, n: number): string {
  assertDayCount(n, 'n');
  return fromDay(walk(toDay(startDate, 'startDate'), n, NO_DAYS));
}

/**
 * The number of working days in the half-open range (`fromDate`, `toDate`]: `fromDate` excluded,
 * `toDate` included; 0 when `toDate` ≤ `fromDate`. For a working day `d`,
 * `workingDaysBetween(d, addWorkingDays(d, n)) === n`.
 *
 * @param fromDate - `YYYY-MM-DD` (CST), excluded.
 * @param toDate - `YYYY-MM-DD` (CST), included.
 * @throws RangeError on a malformed date.
 */
export function workingDaysBetween(fromDate: string, toDate: string): number {
  return countWorking(toDay(fromDate, 'fromDate'), toDay(toDate, 'toDate'), NO_DAYS);
}

/**
 * The default due date of a 容缺 material taken in on `today` for a matter promised in `promisedDays`
 * working days: two weeks (a common 容缺 period), but no later than the working day before the promised
 * deadline counted from today — the hall needs the material in time to keep its promise — and never
 * before tomorrow.
 *
 * @param today - `YYYY-MM-DD` (CST), the day of intake.
 * @param promisedDays - the matter's promised working days, a non-negative integer.
 */
export function defaultDeficientDue(today: string, promisedDays: number): string {
  assertDayCount(promisedDays, 'promisedDays');
  const start = toDay(today, 'today');
  const twoWeeks = start + 14;
  const beforePromise = promisedDays > 1 ? walk(start, promisedDays - 1, NO_DAYS) : start + 1;
  return fromDay(Math.max(start + 1, Math.min(twoWeeks, beforePromise)));
}

/** Working days in (from, to] that are not in `skip`. */
function countWorking(from: number, to: number, skip: ReadonlySet<number>): number {
  let count = 0;
  for (let day = from + 1; day <= to; day++) if (isWorkingDayNumber(day) && !skip.has(day)) count++;
  return count;
}

/** The day on which the n-th counted day after `start` ends, never counting days in `skip` (n = 0: see addWorkingDays). */
function walk(start: number, n: number, skip: ReadonlySet<number>): number {
  let day = start;
  if (n === 0) {
    while (!isWorkingDayNumber(day) || skip.has(day)) day++;
    return day;
  }
  for (let counted = 0; counted < n; ) {
    day++;
    if (isWorkingDayNumber(day) && !skip.has(day)) counted++;
  }
  return day;
}

// ---------------------------------------------------------------------------
// The promised-time clock
// ---------------------------------------------------------------------------

/**
 * A stretch of time during which the clock is stopped: the submission was in `correctionRequested`
 * (补正 time does not count). `from` is the instant the correction was requested, `to` the instant the
 * supplement arrived; both are ISO 8601 instants with an offset. No `to` = still waiting for the
 * applicant (an open pause).
 */
export interface Pause {
  from: string;
  to?: string;
}

/** Input of {@link computeSla}. */
export interface SlaInput {
  /** Instant of the `accept` event (ISO 8601 with offset). The clock starts the working day after its CST date. */
  acceptedAt: string;
  /** The matter's promised time limit (承诺时限) in working days. */
  promisedDays: number;
  /** The matter's statutory time limit (法定时限) in working days. */
  legalDays: number;
  /** Correction (补正) pauses, in any order; overlaps are fine (a day is paused at most once). */
  pauses: Pause[];
  /** The instant to evaluate at (ISO 8601 with offset); pass it in, the domain never reads the clock. */
  now: string;
  /** `dueSoon` threshold in remaining working days; default 1 (due today or the next working day). */
  dueSoonDays?: number;
  /**
   * The instant the hall finished (certificate issued, or denied): the clock stops there and the figures
   * are final. Later instants of `now` change nothing.
   */
  stoppedAt?: string;
}

/** Output of {@link computeSla}. All dates are CST `YYYY-MM-DD`; a due date means "by the end of that day". */
export interface SlaResult {
  /** Promised due date, extended by the paused working days. With an open pause it moves with `now`. */
  dueDate: string;
  /** Statutory due date, computed the same way with `legalDays` and the same pauses. */
  legalDueDate: string;
  /**
   * Working days on the clock so far: working days after the acceptance date up to and including today
   * that are not paused. Today counts as used (so on the due date itself `remainingWorkingDays` is 0).
   * Not capped: past the due date it exceeds `promisedDays` by the number of working days overdue.
   */
  usedWorkingDays: number;
  /**
   * Unpaused working days after today up to and including `dueDate`: 0 on the due date and after it.
   * Equals `promisedDays − usedWorkingDays` until the due date, except with `promisedDays` = 0 and a
   * non-working acceptance day (due the next working day, so 1 remains).
   */
  remainingWorkingDays: number;
  /** There is an open pause: the clock is stopped now. */
  paused: boolean;
  /** Not overdue and `remainingWorkingDays ≤ dueSoonDays`. Not suppressed by `paused`. */
  dueSoon: boolean;
  /** Today (CST) is after `dueDate` and the clock is not paused; once stopped: it stopped after `dueDate` (late). */
  overdue: boolean;
  /** The clock stopped (`stoppedAt` given): `usedWorkingDays` is the final figure, on time unless `overdue`. */
  stopped: boolean;
  /**
   * Which due dates lie after {@link CALENDAR_COVERS_UNTIL}: counted with weekends only, as that year's
   * official holidays are not loaded yet (see {@link assumesWeekendsOnly}).
   */
  assumesWeekendsOnly: { dueDate: boolean; legalDueDate: boolean };
}

/**
 * {@link computeSla}'s `overdue` and `dueSoon` for a running clock known only by its due date (a stored
 * projection keeps the date, not the pauses): overdue after the due date, due soon from today until
 * `dueSoonDays` working days ahead. `dueSoonUntil` is that last day, for range queries on due dates.
 */
export function deadlineFlags(dueDate: string | null, today: string, dueSoonDays = 1): { overdue: boolean; dueSoon: boolean; dueSoonUntil: string } {
  const dueSoonUntil = addWorkingDays(today, dueSoonDays);
  const overdue = dueDate !== null && dueDate < today;
  return { overdue, dueSoon: dueDate !== null && !overdue && dueDate <= dueSoonUntil, dueSoonUntil };
}

/**
 * Evaluates the promised-time clock (DESIGN: "The promised-time clock starts at accepted, counts working
 * days (Chinese public holidays and make-up working days included), and pauses while correctionRequested
 * (补正 time does not count)").
 *
 * Rules:
 * - Day 1 is the first working day after the CST date of `acceptedAt` (the acceptance day never counts,
 *   even when accepted at 08:00); the due date is the day the `promisedDays`-th counted working day ends.
 * - **Partial days:** a working day is *paused*, and does not count, if any pause covers any part of it
 *   (pause intervals are half-open `[from, to)` in CST, so a pause ending exactly at 00:00 does not touch
 *   that day). Requesting a correction at 16:00 and receiving the supplement the next morning therefore
 *   removes two working days: the day of the request and the day of the supplement, consistent with
 *   "the starting day is not counted" once the clock restarts. This errs in the office's favour by up to a
 *   day at each end of a pause, never against it.
 * - The clock is a counter: it walks forward from the acceptance date, counting unpaused working days,
 *   and the due date is where it reaches the limit. So every paused working day *before the (extended) due
 *   date* pushes the due date back by one working day; a pause requested after the due date has passed
 *   does not move it (an overdue case cannot be rescued by asking for 补正), and paused days on or before
 *   the acceptance date change nothing.
 * - An open pause is treated as running through the end of today (`now`'s CST date): `paused` is true,
 *   today does not count, and `dueDate` is where the clock would run out if the applicant supplemented
 *   today, so it moves forward one working day for every working day that the pause stays open.
 * - `overdue`: not paused and `now`'s CST date is after `dueDate`. `dueSoon`: not overdue and
 *   `remainingWorkingDays ≤ dueSoonDays`.
 * - `stoppedAt` (issued or denied): every figure is as of that instant's CST date; `overdue` then means it
 *   finished late, `dueSoon` and `paused` are false.
 * - `promisedDays` = 0 (即办): due on the acceptance day if it is an unpaused working day, else on the next one.
 *
 * @throws RangeError on malformed instants, negative or non-integer day counts, a negative `dueSoonDays`,
 *   or a pause whose `to` is before its `from`.
 */
export function computeSla(input: SlaInput): SlaResult {
  const { promisedDays, legalDays, pauses, dueSoonDays = 1 } = input;
  assertDayCount(promisedDays, 'promisedDays');
  assertDayCount(legalDays, 'legalDays');
  if (!(dueSoonDays >= 0)) throw new RangeError(`dueSoonDays must be ≥ 0, got ${dueSoonDays}`);
  const acceptDay = cstDayOfMs(instantMs(input.acceptedAt, 'acceptedAt'));
  const nowMs = instantMs(input.now, 'now');
  const stopMs = input.stoppedAt === undefined ? undefined : instantMs(input.stoppedAt, 'stoppedAt');
  // A stopped clock is evaluated as of its stop: that day is its "today" for every figure.
  const stopped = stopMs !== undefined;
  const today = cstDayOfMs(stopMs ?? nowMs);

  const pausedDays = new Set<number>();
  let paused = false;
  for (const [i, pause] of pauses.entries()) {
    const fromMs = instantMs(pause.from, `pauses[${i}].from`);
    const first = cstDayOfMs(fromMs);
    let last: number;
    if (pause.to === undefined) {
      paused = !stopped;
      last = Math.max(first, today);
    } else {
      const toMs = instantMs(pause.to, `pauses[${i}].to`);
      if (toMs < fromMs) throw new RangeError(`pauses[${i}] ends (${pause.to}) before it starts (${pause.from})`);
      if (toMs === fromMs) continue; // covers no time at all
      last = cstDayOfMs(toMs - 1); // [from, to): the millisecond before `to` is the last one paused
    }
    for (let day = first; day <= last; day++) pausedDays.add(day);
  }

  const dueDay = walk(acceptDay, promisedDays, pausedDays);
  const legalDueDay = walk(acceptDay, legalDays, pausedDays);
  const usedWorkingDays = countWorking(acceptDay, today, pausedDays);
  // A `now` before acceptance (clock skew) counts as the acceptance day.
  const remainingWorkingDays = countWorking(Math.max(today, acceptDay), dueDay, pausedDays);
  const overdue = !paused && today > dueDay;
  const dueDate = fromDay(dueDay);
  const legalDueDate = fromDay(legalDueDay);
  return {
    dueDate,
    legalDueDate,
    usedWorkingDays,
    remainingWorkingDays,
    paused,
    dueSoon: !stopped && !overdue && remainingWorkingDays <= dueSoonDays,
    overdue,
    stopped,
    assumesWeekendsOnly: { dueDate: assumesWeekendsOnly(dueDate), legalDueDate: assumesWeekendsOnly(legalDueDate) },
  };
}
