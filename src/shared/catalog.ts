/**
 * The catalog's matters, read and validated in one way for every flow. Stations read their replicated
 * `catalog` database (offline too); the hall and enterprises, online, read it from the server. Documents that
 * fail the schema are left out, so one bad matter never hides the others.
 */
import type { MatterDoc } from '../domain/catalog';
import type { SyncEngine } from '../sync/sync-engine';
import { api } from '../sync/api';

/** Where the catalog is read from: a station's sync engine, or the server. */
export type CatalogSource = Pick<SyncEngine, 'catalog'> | 'server';

export async function loadMatters(source: CatalogSource): Promise<MatterDoc[]> {
  // The schemas (zod) load on demand: the intake's first screen draws from the snapshot without them.
  const [{ matterDocSchema }, rows] = await Promise.all([
    import('../domain/catalog'),
    source === 'server'
      ? api<{ rows: { doc?: unknown }[] }>('GET', '/sync/catalog/_all_docs?include_docs=true').then((all) => all.rows)
      : source.catalog.allDocs({ startkey: 'matter:', endkey: 'matter:\ufff0', include_docs: true }).then((res) => res.rows),
  ]);
  return rows.flatMap((r) => {
    const parsed = matterDocSchema.safeParse(r.doc);
    return parsed.success ? [parsed.data] : [];
  });
}
