/**
 * The hall's calendar and departments as this process knows them. Both live in the `catalog` database
 * (`calendar:<year>`, `department:<id>`, see src/domain/calendar-data.ts); they are read at start and the
 * database's `_changes` feed is followed, so a year loaded through another server process reaches this one's
 * SLA computations too. Applying a calendar calls `useCalendarYears`, which every function of
 * src/domain/calendar.ts (computeSla, deadlineFlags, addWorkingDays) then uses.
 */
import type { Logger } from 'pino';
import { useCalendarYears } from '../../../src/domain/calendar';
import { CALENDAR_PREFIX, calendarDocSchema, departmentDocSchema, departmentsOf, DEPARTMENT_PREFIX, type CalendarDoc, type Department } from '../../../src/domain/calendar-data';
import type { CouchClient } from '../store/couch';

export const CATALOG_DB = 'catalog';

export class CatalogData {
  private calendars: CalendarDoc[] = [];
  private departmentList: Department[] = departmentsOf([]);
  private stored = false;
  private readonly abort = new AbortController();
  private feed: Promise<void> | undefined;

  constructor(
    private readonly store: CouchClient,
    private readonly log: Logger,
  ) {}

  /** Every loaded calendar year, oldest first. */
  get years(): readonly CalendarDoc[] {
    return this.calendars;
  }

  /** The departments a submission can be dispatched to (the built-in ones while no document exists). */
  get departments(): readonly Department[] {
    return this.departmentList;
  }

  /** Whether the departments come from documents (false: none stored yet, the built-in ones apply). */
  get departmentsStored(): boolean {
    return this.stored;
  }

  /** Read both kinds of documents now and apply them. */
  async reload(): Promise<void> {
    const read = async (prefix: string): Promise<unknown[]> =>
      (await this.store.allDocs<unknown>(CATALOG_DB, { startkey: prefix, endkey: `${prefix}\ufff0`, include_docs: true })).rows.map((r) => r.doc);
    const [calendarDocs, departmentDocs] = await Promise.all([read(CALENDAR_PREFIX), read(DEPARTMENT_PREFIX)]);
    this.departmentList = departmentsOf(departmentDocs);
    this.stored = departmentDocs.some((d) => departmentDocSchema.safeParse(d).success);
    const calendars = calendarDocs.flatMap((d) => {
      const parsed = calendarDocSchema.safeParse(d);
      return parsed.success ? [parsed.data] : [];
    });
    const key = (docs: CalendarDoc[]): string => JSON.stringify(docs.map((d) => [d.year, d.holidays, d.workdays]));
    const changed = key(calendars) !== key(this.calendars);
    this.calendars = calendars.sort((a, b) => a.year - b.year);
    if (changed) useCalendarYears(this.calendars);
  }

  /** Read now, then follow the catalog database's changes until `stop`. */
  async start(): Promise<void> {
    await this.reload();
    const since = (await this.store.json<{ update_seq: string | number }>('GET', `/${CATALOG_DB}`)).update_seq;
    this.feed = this.follow(since);
  }

  /** Stop following; a long-poll answered just before the abort may linger in its body read, so wait briefly only. */
  async stop(): Promise<void> {
    this.abort.abort();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.feed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)))]);
    clearTimeout(timer);
  }

  private async follow(since: string | number): Promise<void> {
    const signal = this.abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const qs = new URLSearchParams({ feed: 'longpoll', since: String(since), timeout: '25000', limit: '1000' });
        const changes = await this.store.json<{ results: { id: string }[]; last_seq: string | number }>('GET', `/${CATALOG_DB}/_changes?${qs}`, undefined, signal);
        // Matters change far more often than these: only a calendar or department change is worth a reload.
        if (changes.results.some((c) => c.id.startsWith(CALENDAR_PREFIX) || c.id.startsWith(DEPARTMENT_PREFIX))) await this.reload();
        since = changes.last_seq;
        failures = 0;
      } catch (e) {
        if (signal.aborted) break;
        failures++;
        this.log.warn({ err: e, failures }, 'catalog data: changes feed failed, backing off');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    }
  }
}
