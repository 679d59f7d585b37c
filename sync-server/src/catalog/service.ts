/**
 * Catalog publishing, shared by the API (`routes.ts`), the command line (`import-catalog`) and the demo seed.
 *
 * The `catalog` database holds the current published matters (`matter:<id>`, with the `version` in which each
 * last changed, `retired: true` once withdrawn) and `catalog:meta` (the current version). A publish checks every
 * matter with `matterDocSchema` and `publishIssues` and refuses the whole lot, naming every problem, if any
 * fails. Otherwise it snapshots each changed matter into `catalog-history` (`matter:<id>:<version>`, so the hall
 * sees the materials a submission was taken under), writes only the changed matters (unchanged ones keep their
 * revision, so devices replicate only what changed) and last `catalog:meta`. A publish that changes nothing
 * makes no new version.
 */
import { isDeepStrictEqual } from 'node:util';
import { CATALOG_META_ID, matterDocSchema, publishIssues, type CatalogMeta, type MatterDoc } from '../../../src/domain/catalog';
import { CATALOG_FILE_FORMAT, CATALOG_FILE_FORMAT_VERSION, catalogFileSchema, type CatalogFile, type CatalogProblem, type CatalogPublished } from '../../../src/domain/api-contract';
import type { CouchClient } from '../store/couch';

export const CATALOG_DB = 'catalog';
export const CATALOG_HISTORY_DB = 'catalog-history';

/** A refused publish: every problem found, nothing written. */
export class CatalogRefused extends Error {
  constructor(readonly problems: CatalogProblem[]) {
    super(`the catalog was not published: ${problems.length} problem(s)\n${problems.map((p) => `  ${p.path || '(file)'}: ${p.message}`).join('\n')}`);
  }
}

/** A matter as an author writes it: what the server owns (revision, version, retired) is dropped, `_id`/`type` filled in. */
function authored(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const { _rev: _r, version: _v, retired: _t, ...rest } = input as Record<string, unknown>;
  return { ...(typeof rest.id === 'string' ? { _id: `matter:${rest.id}` } : {}), type: 'matter', ...rest };
}

const joinPath = (prefix: (string | number)[], path: readonly PropertyKey[]): string => [...prefix, ...path].map(String).join('.');

/** Parse and check matters; every problem, each with its path (`<prefix>.<i>.…`, or inside the matter for no prefix). */
export function checkMatters(inputs: unknown[], prefix: (string | number)[] = ['matters']): { matters: MatterDoc[]; problems: CatalogProblem[] } {
  const matters: MatterDoc[] = [];
  const problems: CatalogProblem[] = [];
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    const at = prefix.length ? [...prefix, i] : [];
    const parsed = matterDocSchema.safeParse(authored(input));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ path: joinPath(at, issue.path), message: issue.message });
      return;
    }
    const issues = publishIssues(parsed.data);
    for (const issue of issues) problems.push({ path: joinPath(at, issue.path), message: issue.message });
    const first = seen.get(parsed.data.id);
    if (first !== undefined) problems.push({ path: joinPath(at, ['id']), message: `duplicate matter id "${parsed.data.id}" (also matters.${first})` });
    seen.set(parsed.data.id, i);
    if (!issues.length) matters.push(parsed.data);
  });
  return { matters, problems };
}

/** Parse a catalog file; refuses with every problem of the file and of each of its matters. */
export function checkCatalogFile(input: unknown): MatterDoc[] {
  const file = catalogFileSchema.safeParse(input);
  if (!file.success) throw new CatalogRefused(file.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  const { matters, problems } = checkMatters(file.data.matters);
  if (problems.length) throw new CatalogRefused(problems);
  return matters;
}

const content = (m: MatterDoc): unknown => {
  const { _rev: _r, version: _v, retired: _t, ...rest } = m;
  return JSON.parse(JSON.stringify(rest)) as unknown;
};
/** Same published content (compared as values: the store returns keys in its own order). */
export const sameContent = (a: MatterDoc, b: MatterDoc): boolean => isDeepStrictEqual(content(a), content(b));

export async function readMeta(store: CouchClient): Promise<CatalogMeta | undefined> {
  return store.get<CatalogMeta>(CATALOG_DB, CATALOG_META_ID);
}

/** Every matter in the catalog, retired ones too, by id. */
export async function readMatters(store: CouchClient): Promise<Map<string, MatterDoc>> {
  const { rows } = await store.allDocs<MatterDoc>(CATALOG_DB, { startkey: 'matter:', endkey: 'matter:\ufff0', include_docs: true });
  return new Map(rows.flatMap((r) => (r.doc ? [[r.doc.id, r.doc] as const] : [])));
}

/** The current published catalog as a file (live matters, without revisions); `withRetired` adds the retired ones. */
export async function exportCatalog(store: CouchClient, withRetired = false): Promise<CatalogFile & { retired?: MatterDoc[] }> {
  const [meta, matters] = await Promise.all([readMeta(store), readMatters(store)]);
  const strip = ({ _rev: _r, ...m }: MatterDoc): MatterDoc => m;
  const all = [...matters.values()].map(strip);
  return {
    format: CATALOG_FILE_FORMAT,
    formatVersion: CATALOG_FILE_FORMAT_VERSION,
    version: meta?.version ?? 0,
    ...(meta ? { publishedAt: meta.publishedAt } : {}),
    matters: all.filter((m) => !m.retired),
    ...(withRetired ? { retired: all.filter((m) => m.retired) } : {}),
  };
}

/** The matter as it was in `version` (from the history), or undefined. */
export async function matterAtVersion(store: CouchClient, id: string, version: number): Promise<MatterDoc | undefined> {
  return store.get<MatterDoc>(CATALOG_HISTORY_DB, `matter:${id}:${version}`).catch(() => undefined);
}

// One publish at a time in this process: each reads the current version and writes the next.
let chain: Promise<unknown> = Promise.resolve();
function serialised<T>(work: () => Promise<T>): Promise<T> {
  const next = chain.catch(() => undefined).then(work);
  chain = next.catch(() => undefined);
  return next;
}

type Change = { kind: 'publish'; matters: MatterDoc[]; retireAbsent: boolean } | { kind: 'retire'; id: string };

/**
 * Apply a change as the next catalog version. Matters already checked (`checkMatters`); `retireAbsent` retires
 * every live matter the change does not list (a whole-catalog publish).
 */
function apply(store: CouchClient, change: Change, by: string): Promise<CatalogPublished> {
  return serialised(async () => {
    const [meta, current] = await Promise.all([readMeta(store), readMatters(store)]);
    const version = (meta?.version ?? 0) + 1;
    const writes: MatterDoc[] = [];
    const changed: string[] = [];
    const retired: string[] = [];
    let unchanged = 0;
    if (change.kind === 'publish') {
      const listed = new Set(change.matters.map((m) => m.id));
      for (const m of change.matters) {
        const old = current.get(m.id);
        // A matter from before versions (no `version`) is written once to get one.
        if (old && !old.retired && old.version !== undefined && sameContent(old, m)) unchanged++;
        else {
          writes.push({ ...m, version, ...(old?._rev ? { _rev: old._rev } : {}) });
          changed.push(m.id);
        }
      }
      if (change.retireAbsent) {
        for (const old of current.values()) {
          if (listed.has(old.id) || old.retired) continue;
          writes.push({ ...old, retired: true, version });
          retired.push(old.id);
        }
      }
    } else {
      const old = current.get(change.id);
      if (!old) throw new CatalogRefused([{ path: 'id', message: `no matter "${change.id}" in the catalog` }]);
      if (!old.retired) {
        writes.push({ ...old, retired: true, version });
        retired.push(old.id);
      }
    }
    if (!writes.length) return { version: meta?.version ?? 0, changed, retired, unchanged };

    // History first: a version the catalog names always has its snapshot (a crash before the meta is written
    // leaves snapshots of a version that the next publish writes again).
    for (const doc of writes) {
      const { _rev: _r, ...snapshot } = doc;
      await store.upsert<MatterDoc & { _id: string }>(CATALOG_HISTORY_DB, `matter:${doc.id}:${version}`, () => ({ ...snapshot, _id: `matter:${doc.id}:${version}` }));
    }
    const results = await store.bulkDocs(CATALOG_DB, writes);
    const failed = results.filter((r) => r.error);
    if (failed.length) throw new Error(`catalog write failed for ${failed.map((r) => `${r.id} (${r.error})`).join(', ')}; publish again`);
    const nextMeta: CatalogMeta = { _id: CATALOG_META_ID, type: 'catalogMeta', version, publishedAt: new Date().toISOString(), publishedBy: by };
    await store.upsert<CatalogMeta>(CATALOG_DB, CATALOG_META_ID, () => nextMeta);
    return { version, changed, retired, unchanged };
  });
}

/** Publish a whole catalog file as the next version; matters it no longer lists are retired. */
export function publishCatalog(store: CouchClient, file: unknown, by: string): Promise<CatalogPublished> {
  let matters: MatterDoc[];
  try {
    matters = checkCatalogFile(file);
  } catch (e) {
    return Promise.reject(e as Error);
  }
  return apply(store, { kind: 'publish', matters, retireAbsent: true }, by);
}

/** Publish (or bring back) one matter as the next version; `id` is the one in the address. */
export function publishMatter(store: CouchClient, id: string, input: unknown, by: string): Promise<CatalogPublished> {
  const { matters, problems } = checkMatters([input], []);
  const matter = matters[0];
  if (matter && matter.id !== id) problems.push({ path: 'id', message: `the matter's id "${matter.id}" is not the one in the address ("${id}")` });
  if (problems.length || !matter) return Promise.reject(new CatalogRefused(problems));
  return apply(store, { kind: 'publish', matters: [matter], retireAbsent: false }, by);
}

/** Retire one matter as the next version (kept, hidden from new intakes). */
export function retireMatter(store: CouchClient, id: string, by: string): Promise<CatalogPublished> {
  return apply(store, { kind: 'retire', id }, by);
}

/** The demo seed's first publish (only while the catalog has no version yet); false when it already had one. */
export async function publishIfUnversioned(store: CouchClient, matters: MatterDoc[], by: string): Promise<CatalogPublished | false> {
  if (await readMeta(store)) return false;
  const { matters: checked, problems } = checkMatters(matters);
  if (problems.length) throw new CatalogRefused(problems);
  return apply(store, { kind: 'publish', matters: checked, retireAbsent: true }, by);
}
