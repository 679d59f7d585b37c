/**
 * The hall's calendar and departments, written into the `catalog` database (devices replicate them read-only):
 *
 * - `GET /api/admin/calendar` → `200 {years, builtInUntil, coversUntil}`
 * - `PUT /api/admin/calendar/:year` `{holidays, workdays, source?}` → `200 {calendar, coversUntil}`; a bad year
 *   is `400` with every reason at once, nothing stored. Running clocks are projected again with the new calendar
 *   (`reprojected`: how many) before the answer.
 * - `GET /api/admin/departments` → `200 {departments}`
 * - `PUT /api/admin/departments/:id` `{name, nameEn, matters}` → `200 {department}`
 *
 * Allowed to `admin` and `hall` sessions: loading the State Council's published holidays is routine hall work, not
 * catalog authoring (which needs the `catalog` permission); every change is audited with who made it.
 */
import express, { type Request, type Router } from 'express';
import { calendarCoversUntil, CALENDAR_COVERS_UNTIL } from '../../../src/domain/calendar';
import { calendarYearIssues, isDepartmentId, type CalendarDoc, type DepartmentDoc } from '../../../src/domain/calendar-data';
import { calendarPutRequestSchema, departmentPutRequestSchema, type CalendarList } from '../../../src/domain/api-contract';
import { describeIssues } from '../../../src/domain/documents';
import type { Audit } from '../audit/sink';
import { requireRole } from '../auth/routes';
import type { CouchClient } from '../store/couch';
import { CATALOG_DB, type CatalogData } from './catalog-data';

const by = (req: Request): string => req.session?.username ?? 'unknown';

export function calendarRoutes(store: CouchClient, data: CatalogData, audit: Audit, reproject: () => Promise<number>): Router {
  const router = express.Router();
  router.use(requireRole('admin', 'hall'));

  router.get('/', (_req, res) => {
    res.json({ years: [...data.years], builtInUntil: CALENDAR_COVERS_UNTIL, coversUntil: calendarCoversUntil() } satisfies CalendarList);
  });

  router.put('/:year', express.json({ limit: '64kb' }), async (req, res, next) => {
    try {
      const year = /^\d{4}$/.test(req.params.year ?? '') ? Number(req.params.year) : Number.NaN;
      const body = calendarPutRequestSchema.safeParse(req.body);
      const issues = [
        ...(Number.isNaN(year) ? [`year: ${JSON.stringify(req.params.year)} is not a year`] : []),
        ...(body.success ? calendarYearIssues(Number.isNaN(year) ? 0 : year, body.data).filter((i) => !Number.isNaN(year) || !i.startsWith('year:')) : [describeIssues(body.error)]),
      ];
      if (issues.length || !body.success) {
        audit({ audit: 'admin', outcome: 'refused', by: by(req), action: 'putCalendar', year: req.params.year, reasons: issues }, 'warn');
        return void res.status(400).json({ error: 'bad_request', reason: issues.join('; '), issues });
      }
      const id = `calendar:${year}`;
      const doc: CalendarDoc = {
        _id: id,
        type: 'calendar',
        year,
        holidays: [...new Set(body.data.holidays)].sort(),
        workdays: [...new Set(body.data.workdays)].sort(),
        ...(body.data.source ? { source: body.data.source } : {}),
        loadedAt: new Date().toISOString(),
        loadedBy: by(req),
      };
      await store.upsert<CalendarDoc>(CATALOG_DB, id, (old) => ({ ...doc, ...(old?._rev ? { _rev: old._rev } : {}) }));
      // Apply here at once (the feed brings it to other processes), so the answer and what follows use it.
      await data.reload();
      audit({ audit: 'admin', action: 'putCalendar', by: by(req), year, holidays: doc.holidays.length, workdays: doc.workdays.length });
      // Due dates already projected were computed with the old calendar. Other processes only apply it.
      const reprojected = await reproject();
      const calendar = data.years.find((y) => y.year === year) ?? doc;
      res.json({ calendar, coversUntil: calendarCoversUntil(), reprojected });
    } catch (e) {
      next(e);
    }
  });

  return router;
}

export function departmentRoutes(store: CouchClient, data: CatalogData, audit: Audit): Router {
  const router = express.Router();
  router.use(requireRole('admin', 'hall'));

  router.get('/', (_req, res) => {
    res.json({ departments: [...data.departments] });
  });

  router.put('/:id', express.json({ limit: '64kb' }), async (req, res, next) => {
    try {
      const id = req.params.id ?? '';
      const body = departmentPutRequestSchema.safeParse(req.body);
      const issues = [...(isDepartmentId(id) ? [] : [`id: ${JSON.stringify(id)} must be 1–40 lower-case letters, digits, -`]), ...(body.success ? [] : body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`))];
      if (issues.length || !body.success) {
        audit({ audit: 'admin', outcome: 'refused', by: by(req), action: 'putDepartment', department: id, reasons: issues }, 'warn');
        return void res.status(400).json({ error: 'bad_request', reason: issues.join('; '), issues });
      }
      // The first department the hall defines starts its list from the built-in ones, not from nothing.
      if (!data.departmentsStored) {
        for (const d of data.departments) {
          if (d.id !== id) await store.upsert<DepartmentDoc>(CATALOG_DB, `department:${d.id}`, (old) => old ?? { _id: `department:${d.id}`, type: 'department', ...d });
        }
      }
      const docId = `department:${id}`;
      const doc: DepartmentDoc = { _id: docId, type: 'department', id, name: body.data.name, nameEn: body.data.nameEn, matters: [...new Set(body.data.matters)] };
      await store.upsert<DepartmentDoc>(CATALOG_DB, docId, (old) => ({ ...doc, ...(old?._rev ? { _rev: old._rev } : {}) }));
      await data.reload();
      audit({ audit: 'admin', action: 'putDepartment', by: by(req), department: id, matters: doc.matters.length });
      res.json({ department: doc });
    } catch (e) {
      next(e);
    }
  });

  return router;
}
