/**
 * Hall API (hall and admin roles): the acceptance queue views over the `lxe-queue` projection, one
 * submission's full record, decisions, the dashboard and a live change stream. Every decision goes through
 * the domain state machine with the submission's whole history before it is appended to the owning
 * station's database — so the device learns of it by ordinary replication.
 */
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Audit } from '../audit/sink';
import { chinaDate, computeSla, deadlineFlags } from '../../../src/domain/calendar';
import { decisionSchema, fiveFiguresQuerySchema, QUEUE_VIEWS, queueQuerySchema, type DecisionResult, type HallRecord, type QueueItem, type QueuePage } from '../../../src/domain/api-contract';
import { decisionEventId, describeIssues, eventDocSchema, nextDecisionNumber } from '../../../src/domain/documents';
import { applyEvent, CLOCK_STATES, clockStoppedAt, foldEvents } from '../../../src/domain/submission-machine';
import { STATIONS_DB, type StationDoc } from '../auth/accounts';
import { requireRole } from '../auth/routes';
import { StoreError, type CouchClient } from '../store/couch';
import type { CatalogData } from '../calendar/catalog-data';
import type { QueueFeeder } from './feeder';
import { appendEvent, dashboard, fiveFigures, loadMatter, loadRecord, queueItem, queuePage, type QueueFilter } from './projection';
import { matterAtVersion } from '../catalog/service';
import type { MatterDoc } from '../../../src/domain/catalog';

const CSV_COLUMNS: (keyof QueueItem)[] = ['receiptNo', 'state', 'stationId', 'matterName', 'enterpriseName', 'uscc', 'receivedAt', 'acceptedAt', 'dueDate', 'legalDueDate', 'deficient', 'pages'];
const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // Quote always; neutralise spreadsheet formulas (CSV injection), including those behind a leading TAB or CR,
  // which spreadsheet programs skip before reading a formula.
  return `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replaceAll('"', '""')}"`;
};

const materialsOf = (m: MatterDoc): Pick<NonNullable<HallRecord['matter']>, 'version' | 'materials'> => ({
  ...(m.version !== undefined ? { version: m.version } : {}),
  materials: m.materials.map((x) => ({ id: x.id, name: x.name, nameEn: x.nameEn, core: x.core, ...(x.pages ? { pages: x.pages } : {}), ...(x.note ? { note: x.note } : {}) })),
});

export function queueRoutes(store: CouchClient, feeder: QueueFeeder, audit: Audit, catalogData: Pick<CatalogData, 'departments'>): Router {
  const router = express.Router();
  router.use(requireRole('hall', 'admin'));

  router.get('/queue', async (req, res, next) => {
    try {
      const q = queueQuerySchema.safeParse(req.query);
      if (!q.success) return void res.status(400).json({ error: 'bad_request', reason: describeIssues(q.error) });
      const { view, state, station, matter, uscc, limit, skip, format } = q.data;
      const states = view ? QUEUE_VIEWS[view]! : [state ?? 'received'];
      const today = chinaDate(new Date());
      const extra: QueueFilter = {};
      if (station) extra.stationId = station;
      if (matter) extra.matterId = matter;
      if (uscc) extra.uscc = uscc.toUpperCase();
      // A running submission's sort key is its due date, so "overdue" and "due soon" are sort-key ranges that
      // the index answers in order with the page limit applied in the store. Every selector field is in the
      // index: a field outside it would make the store read the whole range before limiting.
      const { dueSoonUntil } = deadlineFlags(null, today);
      if (view === 'overdue') extra.sortKey = { $gt: null, $lt: today };
      if (view === 'dueSoon') extra.sortKey = { $gte: today, $lte: dueSoonUntil };
      // A running item has a due date unless its matter left the catalog; then its key is a receipt time,
      // which the range may catch: such items are left out here (a page may then be one short).
      const inWindow = (i: QueueItem): boolean => (view === 'overdue' || view === 'dueSoon' ? deadlineFlags(i.dueDate, today)[view] : true);
      // One indexed range read for the whole view (a CSV: its first 10,000 rows).
      const found = await queuePage(store, states, extra, format === 'csv' ? { skip: 0, limit: 10_000 } : { skip, limit });
      const listed = found.items.filter(inWindow);
      if (format === 'csv') {
        res.setHeader('content-type', 'text/csv; charset=utf-8');
        res.setHeader('content-disposition', `attachment; filename="queue-${view ?? state ?? 'received'}-${today}.csv"`);
        // BOM so spreadsheet programs read the Chinese text as UTF-8.
        res.send('\ufeff' + [CSV_COLUMNS.join(','), ...listed.map((i) => CSV_COLUMNS.map((c) => csvCell(i[c])).join(','))].join('\r\n'));
        return;
      }
      // Only a running clock can be overdue or due soon; a finished case keeps its due date for the record.
      const running = (i: QueueItem): boolean => (CLOCK_STATES as readonly string[]).includes(i.state);
      const items = listed.map((i) => {
        const { overdue, dueSoon } = running(i) ? deadlineFlags(i.dueDate, today) : { overdue: false, dueSoon: false };
        return { ...i, overdue, dueSoon };
      });
      res.json({ items, hasMore: found.hasMore, today } satisfies QueuePage);
    } catch (e) {
      next(e);
    }
  });

  router.get('/submissions/:id', async (req, res, next) => {
    try {
      const item = await queueItem(store, `submission:${req.params.id ?? ''}`);
      if (!item) return void res.status(404).json({ error: 'not_found', reason: 'no such submission in the queue' });
      // Everything the queue item names is read at once (the matter id never changes, so the item's is the submission's).
      const [record, matter, station] = await Promise.all([loadRecord(store, item.stationId, item.submissionId), loadMatter(store, item.matterId), store.get<StationDoc>(STATIONS_DB, `station:${item.stationId}`)]);
      if (!record) return void res.status(404).json({ error: 'not_found', reason: 'submission documents missing' });
      const folded = foldEvents(record.events, record.submission);
      const stoppedAt = clockStoppedAt(folded.status);
      // The materials of the version the intake was taken under; the current ones for older submissions.
      const version = record.submission.matterVersion;
      const taken = version !== undefined ? await matterAtVersion(store, record.submission.matterId, version) : undefined;
      const sla =
        folded.status.acceptedAt && matter
          ? computeSla({
              acceptedAt: folded.status.acceptedAt,
              promisedDays: matter.promisedDays,
              legalDays: matter.legalDays,
              pauses: folded.status.pauses,
              now: new Date().toISOString(),
              ...(stoppedAt ? { stoppedAt } : {}),
            })
          : null;
      res.json({
        item,
        submission: record.submission,
        status: folded.status,
        sla,
        matter: matter ? { promisedDays: matter.promisedDays, legalDays: matter.legalDays, name: matter.name, ...materialsOf(taken ?? matter) } : null,
        station: station ? { id: station.id, name: station.name, nameEn: station.nameEn } : null,
        timeline: [...folded.applied.map((e) => ({ event: e, applied: true })), ...folded.ignored.map((x) => ({ event: x.event, applied: false, error: x.error }))],
      } satisfies HallRecord);
    } catch (e) {
      next(e);
    }
  });

  router.post('/submissions/:id/events', express.json({ limit: '16kb' }), async (req: Request, res: Response, next) => {
    try {
      const body = decisionSchema.safeParse(req.body);
      if (!body.success) return void res.status(400).json({ error: 'bad_request', reason: describeIssues(body.error) });
      // A department's 不同意 is a decision the applicant is told about: it needs its own reason.
      if (body.data.action === 'departmentDecision' && body.data.decision === 'deny' && !body.data.note?.trim()) {
        return void res.status(400).json({ error: 'bad_request', reason: 'a department that denies must say why (note)' });
      }
      const submissionId = `submission:${req.params.id ?? ''}`;
      const item = await queueItem(store, submissionId);
      const record = item && (await loadRecord(store, item.stationId, submissionId));
      if (!item || !record) return void res.status(404).json({ error: 'not_found', reason: 'no such submission in the queue' });
      const session = req.session!;
      const now = new Date().toISOString();
      const decision = body.data.action === 'issue' && !body.data.certificateNo
        ? { ...body.data, certificateNo: `ZS${chinaDate(new Date(now)).replaceAll('-', '')}${randomBytes(4).toString('hex').toUpperCase()}` }
        : body.data;
      // The decision's id is its slot in the history (the n-th decision): every decision made on this same
      // history, here or in another process, is this one document, and the store keeps exactly one (409 for the rest).
      const candidate = { _id: decisionEventId(submissionId, nextDecisionNumber(record.events)), type: 'event', submissionId, stationId: item.stationId, actor: session.username, role: 'hall', at: now, serverAt: now, ...decision };
      const parsed = eventDocSchema.safeParse(candidate);
      if (!parsed.success) return void res.status(400).json({ error: 'bad_request', reason: describeIssues(parsed.error) });
      const event = parsed.data;
      if (event.action === 'dispatch') {
        const known = new Set(catalogData.departments.map((d) => d.id));
        const unknown = event.departments.filter((d) => !known.has(d));
        if (unknown.length) return void res.status(400).json({ error: 'bad_request', reason: `unknown departments: ${unknown.join(', ')}` });
      }
      if (event.action === 'requestCorrection') {
        const known = new Set(record.submission.items.map((i) => i.materialId));
        const unknown = event.materialIds.filter((m) => !known.has(m));
        if (unknown.length) return void res.status(400).json({ error: 'bad_request', reason: `unknown materials: ${unknown.join(', ')}` });
      }
      const current = foldEvents(record.events, record.submission);
      const applied = applyEvent(current.status, event);
      if (!applied.ok) return void res.status(409).json({ error: 'conflict', reason: applied.error, state: current.state });
      await appendEvent(store, event);
      audit({ audit: 'decision', user: session.username, role: session.role, station: item.stationId, submissionId, action: event.action, ip: req.ip });
      await feeder.schedule(item.stationId, submissionId);
      res.status(201).json({ event, status: applied.status } satisfies DecisionResult);
    } catch (e) {
      if (e instanceof StoreError && e.status === 409) return void res.status(409).json({ error: 'conflict', reason: 'someone else decided at the same time; reload' });
      next(e);
    }
  });

  router.get('/dashboard', async (_req, res, next) => {
    try {
      res.json(await dashboard(store));
    } catch (e) {
      next(e);
    }
  });

  /** The hall's own figures (5×100 %, time, visits) for the submissions received in a period. */
  router.get('/figures', async (req, res, next) => {
    try {
      const q = fiveFiguresQuerySchema.safeParse(req.query);
      if (!q.success) return void res.status(400).json({ error: 'bad_request', reason: describeIssues(q.error) });
      res.json(await fiveFigures(store, q.data.from, q.data.to));
    } catch (e) {
      next(e);
    }
  });

  /** Server-sent events: one `change` message per projection change, so views refresh without polling. */
  router.get('/stream', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write('retry: 3000\n\n');
    const off = feeder.onChange((item) => res.write(`event: change\ndata: ${JSON.stringify({ submissionId: item.submissionId, state: item.state })}\n\n`));
    const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
    req.on('close', () => {
      off();
      clearInterval(ping);
    });
  });

  return router;
}
