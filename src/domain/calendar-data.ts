/**
 * The hall's calendar and departments as data, in the `catalog` database (written by the server only, replicated
 * to devices with the matters):
 *
 * - `calendar:<year>`: that year's public holidays and make-up working days (调休上班) from the State Council's
 *   notice, which appears each November; applied with `useCalendarYears` (calendar.ts), it replaces the built-in
 *   data for its year.
 * - `department:<id>`: a department a submission can be dispatched to in 并联审批, with the matters it co-approves.
 *
 * Validation answers with every reason at once (the admin form shows them all).
 */
import { z } from 'zod';
import { dayNumberOf } from './china-time';
import type { CalendarYear } from './calendar';

export const CALENDAR_PREFIX = 'calendar:';
export const DEPARTMENT_PREFIX = 'department:';

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A stored `calendar:<year>` document. */
export const calendarDocSchema = z.object({
  _id: z.string().regex(/^calendar:\d{4}$/),
  _rev: z.string().optional(),
  type: z.literal('calendar'),
  year: z.number().int().min(2000).max(2100),
  holidays: z.array(dateSchema),
  workdays: z.array(dateSchema),
  /** Where the dates were taken from, e.g. the notice's title (国办发明电〔2026〕…). */
  source: z.string().max(500).optional(),
  loadedAt: z.string(),
  loadedBy: z.string(),
});
export type CalendarDoc = z.infer<typeof calendarDocSchema>;

/** `PUT /api/admin/calendar/:year`'s body; shape only, `calendarYearIssues` checks the dates. */
export const calendarYearInputSchema = z.strictObject({
  holidays: z.array(z.string()).max(366),
  workdays: z.array(z.string()).max(366),
  source: z.string().max(500).optional(),
});
export type CalendarYearInput = z.infer<typeof calendarYearInputSchema>;

/** Every reason `input` is not a valid calendar for `year` (empty when it is). */
export function calendarYearIssues(year: number, input: CalendarYearInput): string[] {
  const issues: string[] = [];
  if (!Number.isInteger(year) || year < 2000 || year > 2100) issues.push(`year: must be between 2000 and 2100, got ${year}`);
  for (const list of ['holidays', 'workdays'] as const) {
    const seen = new Set<string>();
    for (const date of input[list]) {
      if (dayNumberOf(date) === undefined) issues.push(`${list}: ${JSON.stringify(date)} is not a real date (YYYY-MM-DD)`);
      else if (Number(date.slice(0, 4)) !== year) issues.push(`${list}: ${date} is not in ${year}`);
      if (seen.has(date)) issues.push(`${list}: ${date} is listed twice`);
      seen.add(date);
    }
  }
  const holidays = new Set(input.holidays);
  for (const date of new Set(input.workdays)) if (holidays.has(date)) issues.push(`${date} is both a holiday and a make-up workday`);
  return issues;
}

/** The calendar data of stored documents, for `useCalendarYears`; malformed documents are left out. */
export function calendarYearsOf(docs: readonly unknown[]): CalendarYear[] {
  return docs.flatMap((doc) => {
    const parsed = calendarDocSchema.safeParse(doc);
    return parsed.success ? [{ year: parsed.data.year, holidays: parsed.data.holidays, workdays: parsed.data.workdays }] : [];
  });
}

/**
 * Reads an import: JSON `{holidays: [...], workdays: [...]}` (the chinese-days shape with dates as keys works
 * too), or text with one date per line, optionally followed (or preceded) by a word — 班 / workday / 上班 for a
 * make-up working day, anything else (休, holiday, a name) for a holiday. Blank lines and `#` comments are skipped.
 * Unreadable lines are returned as issues, never guessed.
 */
export function parseCalendarImport(text: string): { holidays: string[]; workdays: string[]; issues: string[] } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const json = JSON.parse(trimmed) as { holidays?: unknown; workdays?: unknown };
      const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v && typeof v === 'object' ? Object.keys(v) : []);
      return { holidays: list(json.holidays).sort(), workdays: list(json.workdays).sort(), issues: [] };
    } catch {
      return { holidays: [], workdays: [], issues: ['the text starts with { but is not valid JSON'] };
    }
  }
  const holidays: string[] = [];
  const workdays: string[] = [];
  const issues: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const date = /\d{4}-\d{2}-\d{2}/.exec(line)?.[0];
    if (!date) {
      issues.push(`line ${i + 1}: no YYYY-MM-DD date in ${JSON.stringify(raw.trim())}`);
      continue;
    }
    const word = line.replace(date, '').trim().toLowerCase();
    (/^(班|上班|workday|work)$/.test(word) ? workdays : holidays).push(date);
  }
  return { holidays, workdays, issues };
}

// ---------------------------------------------------------------------------------------------------------
// Departments
// ---------------------------------------------------------------------------------------------------------

const departmentIdSchema = z.string().regex(/^[a-z0-9-]{1,40}$/, 'id: 1–40 lower-case letters, digits, -');

/** A stored `department:<id>` document. */
export const departmentDocSchema = z.object({
  _id: z.string().regex(/^department:[a-z0-9-]{1,40}$/),
  _rev: z.string().optional(),
  type: z.literal('department'),
  id: departmentIdSchema,
  name: z.string().min(1).max(100),
  nameEn: z.string().min(1).max(100),
  /** Matter ids this department co-approves in 并联审批 (suggested first when such a matter is dispatched). */
  matters: z.array(z.string().regex(/^[a-z0-9-]{1,64}$/)).max(1000),
});
export type DepartmentDoc = z.infer<typeof departmentDocSchema>;
export type Department = Omit<DepartmentDoc, '_id' | '_rev' | 'type'>;

/** `PUT /api/admin/departments/:id`'s body. */
export const departmentInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100),
  matters: z.array(z.string().regex(/^[a-z0-9-]{1,64}$/, 'matters: matter ids')).max(1000),
});
export type DepartmentInput = z.infer<typeof departmentInputSchema>;

export const isDepartmentId = (id: string): boolean => departmentIdSchema.safeParse(id).success;

/**
 * The departments a hall could dispatch to before departments were data. They stay valid where no department
 * document exists yet (a store without any), so old dispatches and a fresh install keep working.
 */
export const BUILT_IN_DEPARTMENTS: readonly Department[] = [
  { id: 'market-regulation', name: '市场监管局', nameEn: 'Market regulation', matters: [] },
  { id: 'health', name: '卫生健康委', nameEn: 'Health commission', matters: [] },
  { id: 'fire', name: '消防救援支队', nameEn: 'Fire services', matters: [] },
  { id: 'housing', name: '住房保障局', nameEn: 'Housing', matters: [] },
  { id: 'human-resources', name: '人社局', nameEn: 'Human resources', matters: [] },
];

/** The departments of stored documents; without any valid document, the built-in ones. */
export function departmentsOf(docs: readonly unknown[]): Department[] {
  const found = docs.flatMap((doc) => {
    const parsed = departmentDocSchema.safeParse(doc);
    return parsed.success ? [{ id: parsed.data.id, name: parsed.data.name, nameEn: parsed.data.nameEn, matters: parsed.data.matters }] : [];
  });
  return found.length ? found : [...BUILT_IN_DEPARTMENTS];
}

/** The departments that co-approve `matterId` first (in their order), then the others. */
export function suggestDepartments(departments: readonly Department[], matterId: string | undefined): { department: Department; suggested: boolean }[] {
  const rows = departments.map((department) => ({ department, suggested: matterId !== undefined && department.matters.includes(matterId) }));
  return [...rows.filter((r) => r.suggested), ...rows.filter((r) => !r.suggested)];
}
