/**
 * Fuzzing the server's inputs (fast-check, 1000 cases per property) against one real server (embedded store,
 * demo data): replication writes (`_bulk_docs`, single-document PUT), sign-in, blob uploads and arbitrary
 * `/sync/` paths. Whatever arrives, the server answers with a 2xx the request deserves or a 4xx, never a 5xx,
 * stays up, and the store changes only by what `checkClientWrite` (src/domain/authority.ts) allows.
 *
 * The queue feeder is stopped for this file, so the station database has exactly one writer: the proxy.
 * That makes the store oracle exact: the database's `_changes` may only ever list documents of the request
 * that pass `checkClientWrite`, new ones at their first revision, never a stored one again. It is read after
 * every request that had such a document or answered 201, and at the end of each property, which also
 * compares the whole `_all_docs` before and after.
 *
 * A failure prints its seed; `FUZZ_SEED=<seed> npx vitest run sync-server/src/fuzz.test.ts -t '<name>'`
 * replays it.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkClientWrite, type Writer } from '../../src/domain/authority';
import { sniffBlobType } from '../../src/domain/blob-types';
import { BLOB_TYPES } from '../../src/domain/documents';
import { BLOBS_DB } from './blobs/blob-store';
import { asArray, asciiBytes, asRecord, concatBytes, isRecord, makeEvent, makeSubmission, STATION, STATION_DB, startTestServer, type Reply, type TestServer } from './test-support';

const RUNS = { numRuns: 1000, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) } as const;
const MAX_BLOB_BYTES = 1024;
const MAX_SYNC_BODY_BYTES = 16 * 1024;
const WRITER: Writer = { username: 'station', role: 'station', stationId: STATION };

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ maxBlobBytes: MAX_BLOB_BYTES, maxSyncBodyBytes: MAX_SYNC_BODY_BYTES }, ['station', 'hall']);
  await t.server.feeder.stop();
});

afterAll(async () => {
  await t?.close();
});

async function expectHealthy(): Promise<void> {
  const r = await t.call('GET', '/healthz');
  expect(r.status).toBe(200);
}

// ---------------------------------------------------------------------------------------------------------
// The station database oracle
// ---------------------------------------------------------------------------------------------------------

interface DbInfo {
  doc_count: number;
  update_seq: string | number;
}

const dbInfo = (): Promise<DbInfo> => t.server.store.json<DbInfo>('GET', `/${STATION_DB}`);

async function allIds(): Promise<Map<string, string>> {
  const { rows } = await t.server.store.allDocs<unknown>(STATION_DB, {});
  return new Map(rows.map((r) => [r.id, r.value?.rev ?? '']));
}

interface Changes {
  results: { id: string; deleted?: boolean; changes: { rev: string }[] }[];
  last_seq: string | number;
}

/**
 * What the station database must hold: every id with its revision. After each request, the database's
 * `_changes` since the previous request must list only documents of that request that pass
 * `checkClientWrite`, each new (never a new revision of a stored one) and at its first revision.
 */
class StationMirror {
  private revs = new Map<string, string>();
  private seq: string | number = 0;
  /** Every id that passed `checkClientWrite` in some request since `start`. */
  readonly allowed = new Set<string>();
  private snapshot = new Map<string, string>();

  async start(): Promise<void> {
    this.revs = await allIds();
    this.snapshot = new Map(this.revs);
    this.seq = (await dbInfo()).update_seq;
    this.allowed.clear();
  }

  /** After a request whose (parsed) documents were `docs` (undefined: the body was not a document list). */
  async check(docs: unknown[] | undefined, reply: Reply, always = false): Promise<void> {
    const candidates = new Set<string>();
    for (const doc of docs ?? []) {
      if (checkClientWrite(doc, WRITER, STATION).ok) candidates.add((doc as { _id: string })._id);
    }
    for (const id of candidates) this.allowed.add(id);
    // Requests without a single writable document (most of the random ones) are checked in bulk: any write
    // they caused shows up in the next check's `_changes` and in `finish`, which fail naming the document.
    if (candidates.size === 0 && reply.status !== 201 && !always) return;
    const changes = await t.server.store.json<Changes>('GET', `/${STATION_DB}/_changes?since=${encodeURIComponent(String(this.seq))}`);
    // Carry the state forward first, so a failure does not make every later (shrinking) run fail too.
    this.seq = changes.last_seq;
    const what = `(reply ${reply.status} ${reply.text.slice(0, 300)})`;
    for (const change of changes.results) {
      const rev = change.changes[0]?.rev ?? '';
      const known = this.revs.get(change.id);
      this.revs.set(change.id, rev);
      expect(candidates.has(change.id), `${change.id} was written but does not pass checkClientWrite ${what}`).toBe(true);
      expect(known, `stored document ${change.id} was changed (${known} → ${rev}) ${what}`).toBeUndefined();
      expect(change.deleted ?? false, `${change.id} deleted ${what}`).toBe(false);
      expect(rev, `a new document has exactly one revision ${what}`).toMatch(/^1-/);
    }
    // Successful per-document results only ever name documents the writer may write.
    if (reply.status === 201 && Array.isArray(reply.json)) {
      for (const result of reply.json) if (isRecord(result) && result.ok === true) expect(candidates.has(String(result.id)), what).toBe(true);
    }
  }

  /** The whole-database view: before → after grew only by allowed ids, and nothing stored changed. */
  async finish(): Promise<void> {
    await this.check([], { status: 0, headers: new Headers(), text: '(end of property)', json: undefined, bytes: new Uint8Array() }, true);
    const now = await allIds();
    for (const [id, rev] of this.snapshot) expect(now.get(id), `document ${id} vanished or changed`).toBe(rev);
    for (const id of now.keys()) if (!this.snapshot.has(id)) expect(this.allowed.has(id), `${id} was stored without passing checkClientWrite`).toBe(true);
  }
}

const mirror = new StationMirror();

/** Status classes every reply of a write to the station database must fall in. */
function expectWriteStatus(r: Reply): void {
  expect(r.status, `${r.status} ${r.text.slice(0, 300)}`).toBeLessThan(500);
  expect([201, 400, 403, 404, 409, 413, 415]).toContain(r.status);
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** What the server parses from the body: the `docs` array when there is one. */
function wireDocs(body: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) && Array.isArray(parsed.docs) ? (parsed.docs as unknown[]) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------

/** Keys with a meaning somewhere on the write path. */
const INTERESTING_KEYS = ['_id', '_rev', '_revisions', '_deleted', '_attachments', '_conflicts', '_local_seq', 'serverAt', 'type', 'stationId', 'createdBy', 'schemaVersion', 'action', 'role', 'actor', 'submissionId', 'items', 'pages', 'sha256', '__proto__', 'constructor'];
const key = fc.oneof(fc.constantFrom(...INTERESTING_KEYS), fc.string({ maxLength: 12 }));
const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
const value = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  fc.constantFrom('1-abc', '2-abc', '1-', '', 'station', 'hall', STATION, 'songshanhu-nanhuwan', 'submission', 'event', 'submit', 'receive', true, 0, -1, 1e308, null),
  hex(16).map((h) => `1-${h}`),
  fc.record({ start: fc.integer({ min: -1, max: 3 }), ids: fc.array(hex(16), { maxLength: 3 }) }),
);

/** Own property, even for `__proto__` (plain assignment would change the prototype instead). */
function setOwn(target: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
}

interface Mutation {
  at: number;
  op: 'delete' | 'replace' | 'add';
  key: string;
  value: unknown;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({ at: fc.nat(), op: fc.constantFrom('delete', 'replace', 'add'), key, value });

/** Every path inside `doc` (objects' keys and arrays' indices), depth first. */
function paths(node: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(node)) return node.flatMap((child, i) => [[...prefix, i], ...paths(child, [...prefix, i])]);
  if (isRecord(node)) return Object.entries(node).flatMap(([k, child]) => [[...prefix, k], ...paths(child, [...prefix, k])]);
  return [];
}

function resolve(root: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, k) => (isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[k] : undefined), root);
}

/** Apply mutations to a deep copy of `doc`. */
function mutate(doc: object, mutations: Mutation[]): Record<string, unknown> {
  const copy = structuredClone(doc) as Record<string, unknown>;
  for (const m of mutations) {
    if (m.op === 'add') {
      const containers = [[], ...paths(copy)].filter((p) => isRecord(resolve(copy, p)));
      const target = resolve(copy, containers[m.at % containers.length]!) as Record<string, unknown>;
      setOwn(target, m.key, structuredClone(m.value));
      continue;
    }
    const all = paths(copy);
    if (!all.length) continue;
    const path = all[m.at % all.length]!;
    const parent = resolve(copy, path.slice(0, -1));
    const last = path[path.length - 1]!;
    if (Array.isArray(parent) && typeof last === 'number') {
      if (m.op === 'delete') parent.splice(last, 1);
      else parent[last] = structuredClone(m.value);
    } else if (isRecord(parent)) {
      if (m.op === 'delete') delete parent[String(last)];
      else setOwn(parent, String(last), structuredClone(m.value));
    }
  }
  return copy;
}

/** A valid submission, its submit event, or both, from the signed-in station. */
function validDocs(kind: 'submission' | 'event' | 'both'): Record<string, unknown>[] {
  const sub = makeSubmission();
  const event = makeEvent(sub);
  return (kind === 'submission' ? [sub] : kind === 'event' ? [event] : [sub, event]) as unknown as Record<string, unknown>[];
}

/** Documents the server accepted earlier (as sent, with the revision it gave them), for replays. */
const accepted: Record<string, unknown>[] = [];

function remember(docs: unknown[] | undefined, reply: Reply): void {
  if (reply.status !== 201 || !Array.isArray(reply.json) || !docs) return;
  for (const result of reply.json) {
    if (!isRecord(result) || result.ok !== true) continue;
    const doc = docs.find((d) => isRecord(d) && d._id === result.id);
    if (isRecord(doc) && accepted.length < 200) accepted.push({ ...doc, _rev: result.rev });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Replication writes
// ---------------------------------------------------------------------------------------------------------

describe('fuzzing replication writes as the station', () => {
  const bulk = async (body: string): Promise<void> => {
    const r = await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body, headers: { 'content-type': 'application/json' } });
    expectWriteStatus(r);
    expect([201, 400, 403, 413]).toContain(r.status);
    const docs = r.status === 413 ? undefined : wireDocs(body);
    await mirror.check(docs, r);
    remember(docs, r);
  };

  it('arbitrary bodies (anything, as JSON or as text): 201 with per-document errors or 4xx, nothing stored', { timeout: 120_000 }, async () => {
    await mirror.start();
    const body = fc.oneof(
      fc.anything().map((v) => JSON.stringify(v) ?? ''),
      fc.record({ docs: fc.array(fc.anything(), { maxLength: 4 }) }).map((v) => JSON.stringify(v)),
      fc.record({ docs: fc.anything(), new_edits: fc.anything() }, { requiredKeys: [] }).map((v) => JSON.stringify(v) ?? ''),
      fc.string({ maxLength: 200 }),
      fc.constantFrom('{"docs":', '{"docs":[{}', '{"docs":[]}', '{"docs":[null]}', '{"docs":[[]]}', '[]', 'null', '"docs"', '{"docs":[],"new_edits":false}'),
    );
    await fc.assert(fc.asyncProperty(body, bulk), RUNS);
    await mirror.finish();
    await expectHealthy();
  });

  it('arrays of arbitrary objects (meta keys included), with and without new_edits=false', { timeout: 120_000 }, async () => {
    await mirror.start();
    const object = fc.dictionary(key, value, { maxKeys: 8 });
    const body = fc.record({ docs: fc.array(object, { maxLength: 6 }), new_edits: fc.option(fc.boolean(), { nil: undefined }) }).map((v) => JSON.stringify(v));
    await fc.assert(fc.asyncProperty(body, bulk), RUNS);
    await mirror.finish();
    await expectHealthy();
  });

  it('valid submissions and events with random replacements, deletions and additions, and replays of stored ones', { timeout: 120_000 }, async () => {
    await mirror.start();
    const scenario = fc.record({
      kind: fc.constantFrom('submission', 'event', 'both') as fc.Arbitrary<'submission' | 'event' | 'both'>,
      mutations: fc.array(fc.array(mutation, { maxLength: 3 }), { minLength: 2, maxLength: 2 }),
      newEdits: fc.option(fc.boolean(), { nil: undefined }),
      replay: fc.option(fc.record({ pick: fc.nat(), mutations: fc.array(mutation, { maxLength: 2 }), keepRev: fc.boolean() }), { nil: undefined }),
      duplicate: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const docs: Record<string, unknown>[] = validDocs(s.kind).map((doc, i) => mutate(doc, s.mutations[i] ?? []));
        if (s.duplicate && docs[0]) docs.push(docs[0]);
        if (s.replay && accepted.length) {
          const old = accepted[s.replay.pick % accepted.length]!;
          const again = mutate(old, s.replay.mutations);
          if (!s.replay.keepRev) delete again._rev;
          docs.push(again);
        }
        await bulk(JSON.stringify({ docs, ...(s.newEdits === undefined ? {} : { new_edits: s.newEdits }) }));
      }),
      RUNS,
    );
    await mirror.finish();
    // The oracle was exercised both ways: some mutated documents were valid and stored, most were refused.
    expect(accepted.length).toBeGreaterThan(10);
    await expectHealthy();
  });

  // `_local/<id>` URLs have their own properties below.
  it('single-document PUT with random ids and bodies: 201 or 4xx, the store changes only by allowed documents', { timeout: 120_000 }, async () => {
    await mirror.start();
    const idChars = fc.constantFrom(...'abcXYZ019:._-%/?#&=+~!$@'.split(''));
    const scenario = fc.record({
      body: fc.oneof(
        fc.constantFrom('submission', 'event').map((kind) => ({ kind: kind as 'submission' | 'event' })),
        fc.record({ kind: fc.constantFrom('submission', 'event') as fc.Arbitrary<'submission' | 'event'>, mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
        fc.record({ raw: fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 100 })) }),
      ),
      url: fc.oneof(
        fc.constant({ same: true as const }),
        fc.record({ id: fc.oneof(fc.string({ unit: idChars, minLength: 1, maxLength: 40 }), fc.constantFrom('_design/x', '_local', '_all_docs', 'submission:..', '..', '.', `submission:${ulid()}`)), encode: fc.boolean() }),
      ),
      newEdits: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        let body: string;
        let doc: unknown;
        if ('raw' in s.body) {
          body = s.body.raw;
          try {
            doc = JSON.parse(body);
          } catch {
            doc = undefined;
          }
        } else {
          doc = 'mutations' in s.body ? mutate(validDocs(s.body.kind)[0]!, s.body.mutations) : validDocs(s.body.kind)[0];
          body = JSON.stringify(doc);
        }
        // The document's own id as it is (what a client that does not encode ':' sends), else a random one.
        const docId = 'same' in s.url ? (isRecord(doc) && typeof doc._id === 'string' ? doc._id : 'no-id') : s.url.id;
        const sendable = /^[\x21-\x7e]*$/.test(docId);
        const segment = ('same' in s.url && sendable) || ('encode' in s.url && !s.url.encode && sendable) ? docId : encodeURIComponent(docId);
        const path = `/sync/${STATION_DB}/${segment}${s.newEdits ? '' : '?new_edits=false'}`;
        const r = await t.call('PUT', path, { raw: true, cookie: t.cookies.station, body, headers: { 'content-type': 'application/json' } });
        expectWriteStatus(r);
        // Only a document whose _id is the (decoded) URL id can be written.
        const urlMatches = isRecord(doc) && safeDecode(segment.split('?')[0]!) === doc._id;
        await mirror.check(urlMatches ? [doc] : [], r);
        if (r.status === 201) expect(urlMatches && checkClientWrite(doc, WRITER, STATION).ok).toBe(true);
      }),
      RUNS,
    );
    await mirror.finish();
    await expectHealthy();
  });
});

// ---------------------------------------------------------------------------------------------------------
// `PUT /sync/<station db>/_local/<id>`: replication checkpoints may never become real documents
// ---------------------------------------------------------------------------------------------------------

/*
 * Found by the PUT property above: checkpoints used to be forwarded unchecked, and the embedded store takes the
 * id from the body, so a station could forge hall decisions or edit submissions through `_local/`. The proxy now
 * pins the body to the URL's `_local/` id and refuses other `_` fields (proxy/sync-proxy.ts, `putLocal`).
 */
describe('_local checkpoints cannot write documents', () => {
  it('a _local PUT whose body names another document (a forged hall accept) stores nothing but a _local document', async () => {
    const sub = makeSubmission();
    expect((await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [sub, makeEvent(sub)] } })).status).toBe(201);
    const forged = makeEvent(sub, { action: 'accept', actor: 'hall', role: 'hall' });
    const r = await t.call('PUT', `/sync/${STATION_DB}/_local/checkpoint-1`, { cookie: t.cookies.station, body: forged });
    expect(await t.server.store.get(STATION_DB, forged._id), `forged hall event stored (reply ${r.status} ${r.text})`).toBeUndefined();
  });

  it('a _local PUT cannot edit or delete a stored submission', async () => {
    const sub = makeSubmission();
    const w = await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [sub] } });
    const rev = String(asRecord(asArray(w.json)[0]).rev);
    await t.call('PUT', `/sync/${STATION_DB}/_local/checkpoint-2`, { cookie: t.cookies.station, body: { ...sub, _rev: rev, applicant: { name: '李四', idNumber: sub.applicant.idNumber } } });
    expect(await t.server.store.get(STATION_DB, sub._id)).toMatchObject({ _rev: rev, applicant: { name: '张三' } });
  });

  it('fuzz: _local PUTs of valid and mutated documents never write a non-_local document', { timeout: 120_000 }, async () => {
    await mirror.start();
    const scenario = fc.record({ kind: fc.constantFrom('submission', 'event') as fc.Arbitrary<'submission' | 'event'>, mutations: fc.array(mutation, { maxLength: 3 }), id: hex(8) });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const doc = mutate(validDocs(s.kind)[0]!, s.mutations);
        const r = await t.call('PUT', `/sync/${STATION_DB}/_local/${s.id}`, { cookie: t.cookies.station, body: doc });
        expect(r.status).toBeLessThan(500);
        await mirror.check([], r, true); // only _local documents, which are not in the database's documents
      }),
      RUNS,
    );
  });

  it('a _local id that is not valid percent-encoding answers a JSON 4xx, without the store\'s stack trace', async () => {
    for (const method of ['GET', 'PUT']) {
      const r = await t.call(method, `/sync/${STATION_DB}/_local/%E0%A4%A`, { raw: true, cookie: t.cookies.station, ...(method === 'PUT' ? { body: '{}' } : {}) });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.headers.get('content-type') ?? '').toMatch(/application\/json/);
      expect(r.text).not.toMatch(/URIError|node_modules|\bat [^ ]+ \(/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Blob uploads
// ---------------------------------------------------------------------------------------------------------

describe('fuzzing blob uploads', () => {
  const MAGIC: Record<string, Uint8Array> = {
    'image/jpeg': Uint8Array.of(0xff, 0xd8, 0xff),
    'image/png': Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    'image/webp': concatBytes(asciiBytes('RIFF'), Uint8Array.of(1, 2, 3, 4), asciiBytes('WEBP')),
    'application/pdf': asciiBytes('%PDF-'),
  };
  const printable = fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)));

  it('random names, bytes and content types: 4xx, and nothing stored unless name, type and bytes all agree', { timeout: 120_000 }, async () => {
    const { rows: before } = await t.server.store.allDocs(BLOBS_DB, {});
    let stored = before.length;
    const scenario = fc.record({
      bytes: fc.uint8Array({ maxLength: 2 * MAX_BLOB_BYTES }),
      magic: fc.option(fc.constantFrom(...Object.keys(MAGIC)), { nil: undefined }),
      type: fc.oneof(fc.constantFrom(...BLOB_TYPES, 'image/gif', 'text/plain', 'application/octet-stream', 'image/svg+xml', 'text/html', 'IMAGE/PNG', 'image/png; charset=x', ''), fc.string({ unit: printable, maxLength: 40 })),
      name: fc.oneof(
        fc.constant({ ofBody: true as const, upper: false }),
        fc.constant({ ofBody: true as const, upper: true }),
        hex(32).map((h) => ({ given: h })),
        fc.string({ maxLength: 80 }).map((g) => ({ given: g })),
      ),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const body = s.magic ? concatBytes(MAGIC[s.magic]!, s.bytes) : s.bytes;
        const sha = createHash('sha256').update(body).digest('hex');
        const name = 'ofBody' in s.name ? (s.name.upper ? sha.toUpperCase() : sha) : s.name.given;
        const r = await t.call('PUT', `/api/blobs/${encodeURIComponent(name)}`, { cookie: t.cookies.station, body, headers: { 'content-type': s.type } });
        // What the server must accept: the name is the body's SHA-256, the declared type is one
        // of the accepted ones and is what the bytes are, and the size is within the limit.
        const declared = s.type.trim().split(';')[0]!.trim().toLowerCase();
        const acceptable = name === sha && body.length > 0 && body.length <= MAX_BLOB_BYTES && (BLOB_TYPES as readonly string[]).includes(declared) && sniffBlobType(body.subarray(0, 16)) === declared;
        expect(r.status, r.text.slice(0, 200)).toBeLessThan(500);
        if (acceptable) {
          expect([200, 201]).toContain(r.status);
          if (r.status === 201) stored++;
        } else {
          expect(r.status, r.text.slice(0, 200)).toBeGreaterThanOrEqual(400);
        }
        const { rows } = await t.server.store.allDocs(BLOBS_DB, {});
        expect(rows.length).toBe(stored);
      }),
      RUNS,
    );
    await expectHealthy();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Sync paths
// ---------------------------------------------------------------------------------------------------------

describe('fuzzing /sync/ paths', () => {
  // Characters node:http sends as they are (no spaces or controls), '?' and '#' included.
  const pathChar = fc.constantFrom(...Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)));
  const segment = fc.oneof(
    fc.constantFrom(
      STATION_DB, 'station-songshanhu-nanhuwan', 'catalog', 'Catalog', 'STATION-JINGAN-HKRI', 'lxe-accounts', 'lxe-sessions', 'lxe-blobs', 'lxe-queue', 'lxe-stations',
      '_all_dbs', '_design', '_security', '_local', '_changes', '_all_docs', '_bulk_docs', '_bulk_get', '_revs_diff', '_find', '_index', '_session', '_config', '_users', '_replicate',
      '..', '.', '%2e%2e', '%2E', '%2F', '%2f', '%5c', '%5C', '\\', '%00', '%', '%zz', '%E0%A4%A', '', 'x;y', 'matter:licence-reissue', `submission:${ulid()}`,
    ),
    fc.string({ unit: pathChar, maxLength: 20 }),
    fc.string({ maxLength: 10 }).map((s) => encodeURIComponent(s)),
    fc.string({ maxLength: 10 }).map((s) => Buffer.from(s).toString('hex').replace(/(..)/g, '%$1')),
  );
  const scenario = fc.record({
    segments: fc.array(segment, { minLength: 0, maxLength: 5 }),
    query: fc.option(fc.string({ unit: pathChar, maxLength: 20 }), { nil: undefined }),
    method: fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'COPY', 'PATCH', 'OPTIONS'),
    who: fc.constantFrom('station', 'station', 'hall', undefined) as fc.Arbitrary<'station' | 'hall' | undefined>,
    body: fc.constantFrom(undefined, '{}', '{"docs":[]}', '{"keys":[]}', 'not json'),
  });

  it('never 5xx, 401 without a session, and never 2xx outside the station database and the catalog', { timeout: 120_000 }, async () => {
    const before = await dbInfo();
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const urlPath = `/sync/${s.segments.join('/')}${s.query === undefined ? '' : `?${s.query}`}`;
        // With a body, say how long it is: node:http sends bodies of OPTIONS/DELETE without a length otherwise.
        const withBody = s.body !== undefined && s.method !== 'GET' && s.method !== 'HEAD';
        const r = await t.call(s.method, urlPath, {
          raw: true,
          cookie: s.who ? t.cookies[s.who] : undefined,
          ...(withBody ? { body: s.body, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(s.body!)) } } : {}),
        });
        expect(r.status, `${s.method} ${urlPath} → ${r.status} ${r.text.slice(0, 200)}`).toBeLessThan(500);
        if (!s.who) return void expect(r.status).toBe(401);
        const rawPath = urlPath.split(/[?#]/)[0]!;
        if (rawPath === '/sync/' || rawPath === '/sync') return;
        const db = rawPath.slice('/sync/'.length).split('/')[0];
        const mine = db === 'catalog' || (s.who === 'station' && db === STATION_DB);
        if (!mine) expect(r.status, `${s.method} ${urlPath} as ${s.who}`).toBeGreaterThanOrEqual(400);
      }),
      RUNS,
    );
    // Nothing above writes a station or catalog document (bodies are not documents): the station DB is as it was.
    expect((await dbInfo()).doc_count).toBe(before.doc_count);
    await expectHealthy();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Sign-in (last: its failures lock this address out of signing in for 15 minutes)
// ---------------------------------------------------------------------------------------------------------

describe('fuzzing sign-in', () => {
  it('random bodies answer 400, 401 or 429 only, never set a cookie; the existing sessions still work', { timeout: 120_000 }, async () => {
    const password = fc.string({ maxLength: 40 }).filter((p) => p !== 'demo');
    // Each well-formed attempt with a new username costs a scrypt (~100 ms) until the per-user (5) or
    // per-address (50) limit answers 429, so those are rare; `station` and `hall` are locked first, so their
    // attempts exercise the 429 path; malformed bodies are refused before any hashing.
    const lock = (username: string) => Array.from({ length: 5 }, (_, i) => t.call('POST', '/api/session', { body: { username, password: `wrong-${i}` } }));
    expect((await Promise.all([...lock('station'), ...lock('hall')])).map((r) => r.status)).toEqual(Array(10).fill(401));
    const body = fc.oneof(
      { weight: 20, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
      { weight: 10, arbitrary: fc.string({ maxLength: 100 }) },
      { weight: 4, arbitrary: fc.record({ username: fc.constantFrom('station', 'STATION', 'hall', 'Hall'), password }).map((v) => JSON.stringify(v)) },
      { weight: 2, arbitrary: fc.record({ username: fc.constantFrom('station', 'hall'), password, role: fc.constantFrom('admin', 'hall') }).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.record({ username: fc.string({ maxLength: 70 }), password }, { requiredKeys: [] }).map((v) => JSON.stringify(v)) },
    );
    const contentType = fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded');
    await fc.assert(
      fc.asyncProperty(body, contentType, async (b, type) => {
        const r = await t.call('POST', '/api/session', { body: b, headers: { 'content-type': type } });
        expect([400, 401, 429], `${r.status} ${r.text.slice(0, 200)} for ${b.slice(0, 100)}`).toContain(r.status);
        expect(r.headers.getSetCookie()).toEqual([]);
      }),
      RUNS,
    );
    expect((await t.as('station', 'GET', '/api/session')).status).toBe(200);
    await expectHealthy();
  });
});
