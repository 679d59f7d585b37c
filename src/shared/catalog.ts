/**
 * The catalog's matters, read and validated in one way for every flow. Stations read their replicated
 * `catalog` database (offline too); the hall and enterprises, online, read it from the server. Documents that
 * fail the schema are left out, so one bad matter never hides the others.
 */
import type { CalendarYear } from '../domain/calendar';
import type { MatterDoc } from '../domain/catalog';
import type { SyncEngine } from '../sync/sync-engine';
import { api } from '../sync/api';

/** Where the catalog is read from: a station's sync engine, or the server. */
export type CatalogSource = Pick<SyncEngine, 'catalog'> | 'server';

/**
 * Matters validated at a time. A district's catalog takes 0.1–0.5 s to validate on a phone or a busy desk PC:
 * in one piece that holds the screen (the hall's record waits to paint its pages, a keystroke to show), so the
 * page gets the main thread back between slices.
 */
export const VALIDATE_SLICE = 25;

const MATTER_RANGE = { startkey: 'matter:', endkey: 'matter:\ufff0' };

export async function loadMatters(source: CatalogSource): Promise<MatterDoc[]> {
  // The schemas (zod) load on demand: the intake's first screen draws from the snapshot without them.
  const [{ matterDocSchema }, rows] = await Promise.all([
    import('../domain/catalog'),
    source === 'server'
      ? api<{ rows: { doc?: unknown }[] }>('GET', `/sync/catalog/_all_docs?include_docs=true&startkey=${encodeURIComponent(JSON.stringify(MATTER_RANGE.startkey))}&endkey=${encodeURIComponent(JSON.stringify(MATTER_RANGE.endkey))}`).then((all) => all.rows)
      : source.catalog.allDocs({ ...MATTER_RANGE, include_docs: true }).then((res) => res.rows),
  ]);
  const matters: MatterDoc[] = [];
  for (let i = 0; i < rows.length; i += VALIDATE_SLICE) {
    if (i) await new Promise((resolve) => setTimeout(resolve, 0));
    for (const r of rows.slice(i, i + VALIDATE_SLICE)) {
      const parsed = matterDocSchema.safeParse(r.doc);
      if (parsed.success) matters.push(parsed.data);
    }
  }
  return matters;
}

/**
 * The hall's loaded calendar years (`calendar:<year>` in the catalog), for `useCalendarYears`: a station reads
 * its replicated copy (offline too), others the server's. Malformed documents are left out; an unreachable
 * source gives none, so dates fall back to the built-in data rather than fail.
 */
export async function loadCalendarYears(source: CatalogSource): Promise<CalendarYear[]> {
  const { calendarYearsOf, CALENDAR_PREFIX } = await import('../domain/calendar-data');
  const range = { startkey: CALENDAR_PREFIX, endkey: `${CALENDAR_PREFIX}\ufff0` };
  const rows = await (source === 'server'
    ? api<{ rows: { doc?: unknown }[] }>('GET', `/sync/catalog/_all_docs?include_docs=true&startkey=${encodeURIComponent(JSON.stringify(range.startkey))}&endkey=${encodeURIComponent(JSON.stringify(range.endkey))}`).then((all) => all.rows)
    : source.catalog.allDocs({ ...range, include_docs: true }).then((res) => res.rows)
  ).catch(() => [] as { doc?: unknown }[]);
  return calendarYearsOf(rows.map((r) => r.doc));
}
