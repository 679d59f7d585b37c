/**
 * `/sync/<db>/…`: the CouchDB replication endpoints, and nothing else, for the databases a session may see.
 * Reads stream through; writes (`_bulk_docs`, single PUT) are parsed and every document is checked against
 * the domain schemas and the writer's authority before the store sees it.
 * Allow-listing is done on the raw URL, before any decoding, so encoded slashes and dot segments cannot smuggle
 * a path past the checks.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Audit } from '../audit/sink';
import { checkClientWrite, type Writer } from '../../../src/domain/authority';
import type { CouchClient } from '../store/couch';
import { readCookie, SESSION_COOKIE, type Session } from '../auth/sessions';

type Access = 'read' | 'write';

interface Target {
  db: string;
  /** Path after the database, starting with `/` or empty. Raw (still percent-encoded). */
  rest: string;
  /** A reader's checkpoint on a read-only database: the id the reader asked for (rest names the stored one). */
  localAsked?: string;
  query: string;
  stationId?: string;
}

const DB_PATTERN = /^(catalog|station-[a-z][a-z0-9-]{1,62})$/;
// Document ids on the wire: our id alphabet plus `:`; `_local/` checkpoint ids are PouchDB's base64 hashes
// (`/` → `.`, `+` → `_`), whose `=` padding arrives percent-encoded: no other escape is admitted.
const DOC_SEGMENT = /^[A-Za-z0-9:._-]{1,200}$/;
const LOCAL_SEGMENT = /^_local\/(?:[A-Za-z0-9._-]|%3D){1,200}$/i;
// What a replication checkpoint may carry besides its own fields.
const LOCAL_META = new Set(['_id', '_rev']);
/** A replication checkpoint is a few hundred bytes; anything bigger is not one. */
const MAX_LOCAL_BYTES = 16 * 1024;
/** Keys per `_all_docs` / documents per `_bulk_get` / ids per `_revs_diff`: replication asks for ≤ 100 at a time. */
const MAX_KEYS = 1000;

export interface LongPollLimits {
  /** Open `_changes` long-polls (or continuous feeds) per session: a device follows two databases, maybe in two tabs. */
  perSession: number;
  /** Open long-polls of the whole process: past this, new ones wait their turn (429) instead of starving the rest. */
  total: number;
}
export const DEFAULT_LONGPOLL_LIMITS: LongPollLimits = { perSession: 6, total: 2000 };

/** Whether a `_changes` request holds its connection open (long-poll, continuous, event source). */
const holdsOpen = (rest: string, query: string): boolean => /^\/_changes\/?$/.test(rest) && /[?&]feed=(longpoll|continuous|eventsource)(&|$)/.test(query);

function fail(res: Response, status: number, reason: string): void {
  const error = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : status === 413 ? 'too_large' : 'bad_request';
  res.status(status).json({ error, reason });
}

export function parseTarget(originalUrl: string): Target | { status: number; reason: string } {
  const q = originalUrl.indexOf('?');
  const rawPath = q === -1 ? originalUrl : originalUrl.slice(0, q);
  const query = q === -1 ? '' : originalUrl.slice(q);
  if (!rawPath.startsWith('/sync/')) return { status: 404, reason: 'not a sync path' };
  const after = rawPath.slice('/sync/'.length);
  if (/%2f|%5c|%2e|\\|\/\/|(^|\/)\.\.?(\/|$)/i.test(after)) return { status: 403, reason: 'path not allowed' };
  const slash = after.indexOf('/');
  const db = slash === -1 ? after : after.slice(0, slash);
  const rest = slash === -1 ? '' : after.slice(slash);
  if (!DB_PATTERN.test(db)) return { status: 403, reason: `database ${db.slice(0, 80)} is not available` };
  return { db, rest, query, ...(db.startsWith('station-') ? { stationId: db.slice('station-'.length) } : {}) };
}

function accessFor(session: Session, target: Target): Access | undefined {
  if (target.db === 'catalog') return 'read';
  if (session.role === 'station' && session.stationId === target.stationId) return 'write';
  return undefined;
}

/** Which replication endpoint this is, and whether it writes. Anything unlisted is refused. */
function classify(method: string, rest: string): { kind: 'read' | 'bulkDocs' | 'putDoc' | 'local' } | undefined {
  const path = rest === '/' ? '' : rest;
  if (path === '') return method === 'GET' || method === 'HEAD' ? { kind: 'read' } : undefined;
  const segment = path.slice(1);
  if (segment === '_bulk_docs') return method === 'POST' ? { kind: 'bulkDocs' } : undefined;
  if (segment === '_changes' || segment === '_all_docs') return method === 'GET' || method === 'POST' ? { kind: 'read' } : undefined;
  if (segment === '_revs_diff' || segment === '_bulk_get') return method === 'POST' ? { kind: 'read' } : undefined;
  if (segment === '_ensure_full_commit') return method === 'POST' ? { kind: 'read' } : undefined;
  if (LOCAL_SEGMENT.test(segment)) return method === 'GET' ? { kind: 'read' } : method === 'PUT' ? { kind: 'local' } : undefined;
  if (segment.startsWith('_')) return undefined;
  if (DOC_SEGMENT.test(segment)) return method === 'GET' || method === 'HEAD' ? { kind: 'read' } : method === 'PUT' ? { kind: 'putDoc' } : undefined;
  return undefined;
}

interface BulkResult {
  id: string;
  rev?: string;
  ok?: boolean;
  error?: string;
  reason?: string;
}

/** One write at a time per database: create-only documents need check-then-write to be atomic. */
const locks = new Map<string, Promise<unknown>>();
function serialised<T>(db: string, work: () => Promise<T>): Promise<T> {
  const previous = locks.get(db) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  locks.set(db, next);
  void next.finally(() => {
    if (locks.get(db) === next) locks.delete(db);
  }).catch(() => undefined);
  return next;
}

export function syncProxy(store: CouchClient, log: Logger, audit: Audit, maxBodyBytes: number, onWrite: (db: string) => void, limits: LongPollLimits = DEFAULT_LONGPOLL_LIMITS): Router {
  const router = express.Router();
  const rawBody = express.raw({ type: () => true, limit: maxBodyBytes });
  const openBySession = new Map<string, number>();
  let openTotal = 0;

  router.use(async (req: Request, res: Response, next) => {
    try {
      if (!req.session) return fail(res, 401, 'sign in to sync (session missing or expired)');
      if (req.originalUrl === '/sync/' || req.originalUrl === '/sync') {
        // PouchDB asks the server root what it is; answer as a CouchDB would, without vendor details.
        if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 403, 'read-only');
        return void res.json({ couchdb: 'Welcome', version: '3.5.0', features: [] });
      }
      const target = parseTarget(req.originalUrl);
      if (!('db' in target)) return fail(res, target.status, target.reason);
      const access = accessFor(req.session, target);
      if (!access) return fail(res, 403, `${req.session.role} ${req.session.username} may not access ${target.db}`);
      const op = classify(req.method, target.rest);
      if (!op) return fail(res, 403, `${req.method} ${target.rest || '/'} is not a permitted replication request`);
      // A checkpoint on a read-only database is the reader's own (CouchDB lets readers write `_local`; its own
      // replicator needs to): kept under an id of this user's, so it can neither touch nor read another's.
      if (op.kind !== 'read' && op.kind !== 'local' && access !== 'write') return fail(res, 403, `${target.db} is read-only`);
      if (access !== 'write' && LOCAL_SEGMENT.test(target.rest.slice(1))) {
        target.localAsked = decodeURIComponent(target.rest.slice(1));
        target.rest = readerLocal(target.rest, req.session.username);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        // Cross-site requests: a form or a text/plain fetch from another origin carries the cookie (SameSite is
        // the only other guard), so only JSON from this origin may write or query by POST.
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
        if (hasBody && type !== 'application/json') return fail(res, 415, 'send JSON (content-type: application/json)');
        const origin = req.headers.origin;
        if (origin && origin !== 'null' && new URL(origin).host !== req.headers.host) return fail(res, 403, 'cross-origin request refused');
        if (origin === 'null') return fail(res, 403, 'cross-origin request refused');
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (!holdsOpen(target.rest, target.query)) return forward(req, res, target, undefined);
        return longPoll(req, res, target);
      }
      rawBody(req, res, async (err?: unknown) => {
        try {
          if (err) {
            const status = (err as { status?: number }).status;
            return fail(res, status === 413 ? 413 : 400, status === 413 ? `request body over ${maxBodyBytes} bytes` : 'unreadable request body');
          }
          const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          if (op.kind === 'read') {
            const problem = checkReadBody(target.rest, body);
            if (problem) return fail(res, problem.status, problem.reason);
            return await forward(req, res, target, body);
          }
          if (op.kind === 'local') return await putLocal(req, res, target, body);
          const writer: Writer = { username: req.session!.username, role: req.session!.role, stationId: req.session!.stationId };
          if (op.kind === 'bulkDocs') return await bulkDocs(req, res, target, body, writer);
          return await putDoc(req, res, target, body, writer);
        } catch (e) {
          next(e);
        }
      });
    } catch (e) {
      next(e);
    }
  });

  /** A held-open `_changes`, within the per-session and overall caps (one session cannot stall the server). */
  async function longPoll(req: Request, res: Response, target: Target): Promise<void> {
    const key = readCookie(req, SESSION_COOKIE) ?? req.session!.username;
    const mine = openBySession.get(key) ?? 0;
    if (mine >= limits.perSession || openTotal >= limits.total) {
      res.setHeader('retry-after', mine >= limits.perSession ? '5' : '2');
      audit({ audit: 'rate-limited', what: 'longpoll', user: req.session!.username, open: mine, total: openTotal }, 'warn');
      return fail(res, 429, mine >= limits.perSession ? `at most ${limits.perSession} open change feeds per session` : 'the server is following too many change feeds; retry shortly');
    }
    openBySession.set(key, mine + 1);
    openTotal++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      openTotal--;
      const left = (openBySession.get(key) ?? 1) - 1;
      if (left > 0) openBySession.set(key, left);
      else openBySession.delete(key);
    };
    res.on('close', release);
    try {
      await forward(req, res, target, undefined);
    } catch (e) {
      release();
      throw e;
    }
  }

  async function forward(req: Request, res: Response, target: Target, body: Buffer | undefined): Promise<void> {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const headers: Record<string, string> = { accept: req.headers.accept ?? 'application/json' };
    if (body) headers['content-type'] = 'application/json';
    let upstream: globalThis.Response;
    try {
      upstream = await store.fetch(`/${target.db}${target.rest}${target.query}`, {
        method: req.method,
        headers,
        ...(body ? { body: new Uint8Array(body) } : {}),
        signal: abort.signal,
      });
    } catch (e) {
      if (abort.signal.aborted) return;
      log.error({ err: e, db: target.db }, 'store unreachable');
      return fail(res, 503, 'the store is unreachable; try again shortly');
    }
    res.status(upstream.status);
    for (const h of ['content-type', 'etag', 'cache-control']) {
      const v = upstream.headers.get(h);
      if (v) res.setHeader(h, v);
    }
    if (!upstream.body || req.method === 'HEAD') {
      res.end();
      return;
    }
    if (target.localAsked && req.method === 'GET' && upstream.ok) {
      // A reader's checkpoint is stored under its own id: answer with the id asked for, or the replicator writes
      // its next checkpoint to that stored id (which maps to yet another), and every later write conflicts
      // (a pull of more than one batch never finishes).
      const doc = (await upstream.json()) as Record<string, unknown>;
      res.json({ ...doc, _id: target.localAsked });
      return;
    }
    Readable.fromWeb(upstream.body as WebReadableStream).on('error', () => res.destroy()).pipe(res);
  }

  /**
   * A replication checkpoint. Stores differ in where they take the id from (the embedded one reads the body's
   * `_id`), so the body is pinned to the URL's `_local/` id: a checkpoint can never write a real document.
   */
  async function putLocal(req: Request, res: Response, target: Target, body: Buffer): Promise<void> {
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch {
      return fail(res, 400, 'request body is not JSON');
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail(res, 400, 'a checkpoint is a JSON object');
    const id = decodeURIComponent(target.rest.slice(1));
    const record = doc as Record<string, unknown>;
    if (record._id !== undefined && record._id !== (target.localAsked ?? id)) return fail(res, 400, 'checkpoint _id must match the URL');
    const meta = Object.keys(record).find((k) => k.startsWith('_') && !LOCAL_META.has(k));
    if (meta) return fail(res, 400, `a checkpoint may not carry ${meta.slice(0, 40)}`);
    if (body.length > MAX_LOCAL_BYTES || depthOf(record) > 8) return fail(res, 413, `a checkpoint is at most ${MAX_LOCAL_BYTES} bytes and 8 levels deep`);
    await forward(req, res, target, Buffer.from(JSON.stringify({ ...record, _id: id })));
  }

  /** Existing winning revisions, so a first revision cannot be written twice with different content. */
  async function existingRevs(db: string, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const { rows } = await store.allDocs<unknown>(db, { keys: ids });
    const out = new Map<string, string>();
    for (const row of rows) if (row.value?.rev) out.set(row.key, row.value.rev);
    return out;
  }

  async function bulkDocs(req: Request, res: Response, target: Target, body: Buffer, writer: Writer): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return fail(res, 400, 'request body is not JSON');
    }
    const payload = parsed as { docs?: unknown; new_edits?: unknown };
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray(payload.docs)) return fail(res, 400, '_bulk_docs needs {"docs": [...]}');
    if (payload.docs.length > 1000) return fail(res, 413, 'at most 1000 documents per _bulk_docs');
    const newEdits = payload.new_edits !== false;
    const results: (BulkResult | undefined)[] = [];
    const accepted: { index: number; doc: Record<string, unknown> }[] = [];
    payload.docs.forEach((raw, index) => {
      const check = checkClientWrite(raw, writer, target.stationId ?? '');
      if (check.ok) accepted.push({ index, doc: raw as Record<string, unknown> });
      else results[index] = { id: idOf(raw), error: 'forbidden', reason: check.reason };
    });
    // Existence check and write run under the database's lock, so two requests cannot both create one id.
    const written = await serialised(target.db, async () => {
      const existing = await existingRevs(target.db, accepted.map((a) => String(a.doc._id)));
      const seen = new Set<string>();
      const toWrite = accepted.filter(({ index, doc }) => {
        const id = String(doc._id);
        if (seen.has(id)) {
          results[index] = { id, error: 'forbidden', reason: 'the same document twice in one request' };
          return false;
        }
        seen.add(id);
        const have = existing.get(id);
        // With new_edits=true a `_rev` names a revision to edit: CouchDB then writes revision 2 of a document it
        // never had (found by the fuzz suite on the real-CouchDB lane). Documents are only ever created.
        if (newEdits && doc._rev !== undefined) {
          results[index] = { id, error: 'forbidden', reason: have === undefined ? 'a new document carries no _rev' : 'document already exists and is immutable' };
          return false;
        }
        if (have === undefined) return true;
        // The same first revision again (a retry after a lost response) is already done; anything else would edit.
        if (have === doc._rev && !newEdits) return false;
        results[index] = { id, error: 'forbidden', reason: 'document already exists and is immutable' };
        return false;
      });
      if (!toWrite.length) return [] as BulkResult[];
      const out = await store.bulkDocs(target.db, toWrite.map((a) => a.doc), newEdits);
      onWrite(target.db);
      audit({ audit: 'write', db: target.db, user: writer.username, role: writer.role, ids: toWrite.map((a) => a.doc._id) });
      return out;
    });
    const refused = results.filter((r): r is BulkResult => r !== undefined);
    if (refused.length) audit({ audit: 'refused', db: target.db, user: writer.username, refused }, 'warn');
    if (!newEdits) {
      // CouchDB answers new_edits=false with errors only; order does not matter.
      res.status(201).json([...written, ...refused]);
      return;
    }
    const byId = new Map(written.map((r) => [r.id, r]));
    res.status(201).json(payload.docs.map((raw, i) => results[i] ?? byId.get(idOf(raw)) ?? { id: idOf(raw), error: 'unknown', reason: 'no result' }));
  }

  async function putDoc(req: Request, res: Response, target: Target, body: Buffer, writer: Writer): Promise<void> {
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch {
      return fail(res, 400, 'request body is not JSON');
    }
    const id = decodeURIComponent(target.rest.slice(1));
    if (idOf(doc) !== id) return fail(res, 400, 'document _id must match the URL');
    const check = checkClientWrite(doc, writer, target.stationId ?? '');
    if (!check.ok) return fail(res, check.status, check.reason);
    const newEdits = !/[?&]new_edits=false(&|$)/.test(target.query);
    if (newEdits && (doc as { _rev?: unknown })._rev !== undefined) return fail(res, 409, 'a new document carries no _rev; documents are never edited');
    const result = await serialised(target.db, async () => {
      if ((await existingRevs(target.db, [id])).size) return undefined;
      const [r] = await store.bulkDocs(target.db, [doc], newEdits);
      onWrite(target.db);
      return r ?? { id };
    });
    if (!result) return fail(res, 409, 'document already exists and is immutable');
    audit({ audit: 'write', db: target.db, user: writer.username, role: writer.role, ids: [id] });
    if (result?.error) return fail(res, result.error === 'conflict' ? 409 : 400, result.reason ?? result.error);
    res.status(201).json({ ok: true, id, rev: result?.rev ?? (doc as { _rev?: string })._rev });
  }

  return router;
}

/** `/_local/<id>` of a reader on a read-only database → that reader's own checkpoint id. */
function readerLocal(rest: string, username: string): string {
  const owner = createHash('sha256').update(username).digest('hex').slice(0, 16);
  return `${rest}.r-${owner}`;
}

function depthOf(value: unknown, level = 0): number {
  if (level > 8 || typeof value !== 'object' || value === null) return level;
  let deepest = level;
  for (const v of Object.values(value)) deepest = Math.max(deepest, depthOf(v, level + 1));
  return deepest;
}

/**
 * POST reads (`_all_docs` by keys, `_bulk_get`, `_revs_diff`, `_changes` by doc ids) in the shape replication
 * sends, and bounded: a malformed body gets a plain 400 here instead of the store's internals, and 40,000 keys
 * cannot make one request cost the others seconds.
 */
function checkReadBody(rest: string, body: Buffer): { status: number; reason: string } | undefined {
  if (/^\/_ensure_full_commit\/?$/.test(rest)) return undefined;
  let parsed: unknown;
  try {
    parsed = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    return { status: 400, reason: 'request body is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { status: 400, reason: 'request body must be a JSON object' };
  const p = parsed as Record<string, unknown>;
  const tooMany = { status: 413, reason: `at most ${MAX_KEYS} keys per request` };
  if (/^\/_all_docs\/?$/.test(rest)) {
    if (p.keys === undefined) return undefined;
    if (!Array.isArray(p.keys) || !p.keys.every((k) => typeof k === 'string')) return { status: 400, reason: '_all_docs keys must be an array of strings' };
    return p.keys.length > MAX_KEYS ? tooMany : undefined;
  }
  if (/^\/_bulk_get\/?$/.test(rest)) {
    if (!Array.isArray(p.docs) || !p.docs.every((d) => typeof d === 'object' && d !== null && typeof (d as { id?: unknown }).id === 'string')) return { status: 400, reason: '_bulk_get needs {"docs": [{"id": …}, …]}' };
    return p.docs.length > MAX_KEYS ? tooMany : undefined;
  }
  if (/^\/_revs_diff\/?$/.test(rest)) {
    if (!Object.values(p).every((v) => Array.isArray(v) && v.every((r) => typeof r === 'string'))) return { status: 400, reason: '_revs_diff needs {"<id>": ["<rev>", …], …}' };
    return Object.keys(p).length > MAX_KEYS ? tooMany : undefined;
  }
  if (/^\/_changes\/?$/.test(rest)) {
    const ids = p.doc_ids;
    if (ids !== undefined && (!Array.isArray(ids) || ids.length > MAX_KEYS)) return { status: 400, reason: `_changes doc_ids must be an array of at most ${MAX_KEYS}` };
    return undefined;
  }
  return undefined;
}

function idOf(raw: unknown): string {
  return typeof raw === 'object' && raw !== null && typeof (raw as { _id?: unknown })._id === 'string' ? (raw as { _id: string })._id : '';
}
