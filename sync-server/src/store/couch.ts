/**
 * The only way the server talks to its store: the documented CouchDB HTTP API over fetch, with the
 * store's credentials. The embedded store speaks the same protocol, so nothing here is embedded-only.
 */

export class StoreError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
  ) {
    super(`store ${status} ${error}: ${reason}`);
  }
}

export interface AllDocsRow<T> {
  id: string;
  key: string;
  value?: { rev: string; deleted?: boolean };
  doc?: T | null;
  error?: string;
}

export interface ChangesResult<T> {
  results: { id: string; seq: string | number; deleted?: boolean; doc?: T; changes: { rev: string }[] }[];
  last_seq: string | number;
}

/** A document's path segment; a design document's slash stays (CouchDB answers an encoded one with a redirect). */
const docPath = (id: string): string => (id.startsWith('_design/') ? `_design/${encodeURIComponent(id.slice('_design/'.length))}` : encodeURIComponent(id));

export class CouchClient {
  /** The nodes of a cluster (one for a single CouchDB), credentials removed; `base` is the one in use. */
  readonly nodes: string[];
  private current = 0;
  private readonly auth: string | undefined;
  /**
   * Prepended to every database name (`COUCHDB_DB_PREFIX`): several deployments, or the test files of one run,
   * share one CouchDB without seeing each other's databases. Callers name databases without it.
   */
  readonly prefix: string;

  /**
   * `url` may carry credentials (`http://user:pass@host:5984`); they become a Basic header. Several URLs,
   * comma-separated, name the nodes of one CouchDB cluster: requests go to one, and move to the next when it
   * cannot be reached (every node serves the whole clustered API).
   */
  constructor(url: string, { prefix = '' }: { prefix?: string } = {}) {
    if (prefix && !/^[a-z][a-z0-9_$()+/-]*$/.test(prefix)) throw new Error(`database prefix "${prefix}" is not a valid start of a CouchDB database name`);
    this.prefix = prefix;
    const urls = url.split(',').map((u) => new URL(u.trim()));
    const first = urls[0]!;
    this.auth = first.username
      ? 'Basic ' + Buffer.from(`${decodeURIComponent(first.username)}:${decodeURIComponent(first.password)}`).toString('base64')
      : undefined;
    this.nodes = urls.map((parsed) => {
      parsed.username = '';
      parsed.password = '';
      return parsed.toString().replace(/\/$/, '');
    });
  }

  get base(): string {
    return this.nodes[this.current]!;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.auth ? { authorization: this.auth, ...extra } : extra;
  }

  /** Requests made, and JSON requests waiting for their whole answer now (long-polls among them). */
  readonly stats = { requests: 0, inFlight: 0 };
  /** Told of every request's time to the answer's headers, and whether it failed (metrics). */
  observe: ((seconds: number, failed: boolean) => void) | undefined;

  /**
   * Raw request; callers that stream (the proxy) use this. `path` names databases without the prefix. When the
   * node cannot be reached the next one is used from then on; the request itself is tried there too when it
   * never arrived (refused) or is a read — a write cut mid-way is left to its caller, who knows how to retry it.
   */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = this.headers((init.headers as Record<string, string> | undefined) ?? {});
    const method = (init.method ?? 'GET').toUpperCase();
    for (let tried = 1; ; tried++) {
      const node = this.current;
      this.stats.requests++;
      const started = performance.now();
      try {
        const res = await fetch(this.nodes[node]! + this.prefixed(path), { ...init, headers });
        this.observe?.((performance.now() - started) / 1000, res.status >= 500);
        return res;
      } catch (e) {
        this.observe?.((performance.now() - started) / 1000, true);
        if (init.signal?.aborted || this.nodes.length === 1) throw e;
        if (this.current === node) this.current = (node + 1) % this.nodes.length;
        const refused = (e as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
        if (tried >= this.nodes.length || !(refused || method === 'GET' || method === 'HEAD')) throw e;
      }
    }
  }

  /** `/db/...` → `/<prefix>db/...`; server-wide endpoints (`/_all_dbs`, `/_db_updates`, `/`) stay as they are. */
  private prefixed(path: string): string {
    if (!this.prefix || !/^\/[a-z]/.test(path)) return path;
    return `/${this.prefix}${path.slice(1)}`;
  }

  /** The database a server-wide answer names, without the prefix; undefined when it is not one of ours. */
  unprefixed(name: string): string | undefined {
    if (!this.prefix) return name;
    return name.startsWith(this.prefix) ? name.slice(this.prefix.length) : undefined;
  }

  /** Our databases (prefix removed). */
  async listDbs(): Promise<string[]> {
    const all = await this.json<string[]>('GET', '/_all_dbs');
    return all.flatMap((n) => {
      const name = this.unprefixed(n);
      return name === undefined ? [] : [name];
    });
  }

  async json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const init: RequestInit = { method, headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    }
    if (signal) init.signal = signal;
    this.stats.inFlight++;
    let text: string;
    let res: Response;
    try {
      res = await this.fetch(path, init);
      text = await res.text();
    } finally {
      this.stats.inFlight--;
    }
    const data: unknown = text ? JSON.parse(text) : {};
    if (!res.ok) {
      const err = data as { error?: string; reason?: string };
      throw new StoreError(res.status, err.error ?? 'error', err.reason ?? text.slice(0, 200));
    }
    return data as T;
  }

  async ensureDb(db: string): Promise<void> {
    try {
      await this.json('PUT', `/${db}`);
    } catch (e) {
      if (!(e instanceof StoreError && e.status === 412)) throw e;
    }
  }

  async get<T>(db: string, id: string): Promise<T | undefined> {
    try {
      return await this.json<T>('GET', `/${db}/${docPath(id)}`);
    } catch (e) {
      if (e instanceof StoreError && e.status === 404) return undefined;
      throw e;
    }
  }

  put(db: string, doc: { _id: string; _rev?: string }): Promise<{ ok: true; id: string; rev: string }> {
    return this.json('PUT', `/${db}/${docPath(doc._id)}`, doc);
  }

  /** Create or replace: read the current rev and write over it, retrying on conflict. */
  async upsert<T extends { _id: string; _rev?: string }>(db: string, id: string, change: (old: T | undefined) => T | undefined): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const old = await this.get<T>(db, id);
      const next = change(old);
      if (!next) return;
      try {
        await this.put(db, { ...next, _id: id, ...(old?._rev ? { _rev: old._rev } : {}) });
        return;
      } catch (e) {
        // 412 missing_stub: on a cluster the copy read may lag the attachment just written; read again.
        if (!(e instanceof StoreError && (e.status === 409 || (e.status === 412 && e.error === 'missing_stub')))) throw e;
      }
    }
    throw new StoreError(409, 'conflict', `upsert ${db}/${id} kept conflicting`);
  }

  allDocs<T>(db: string, opts: { keys?: string[]; startkey?: string; endkey?: string; include_docs?: boolean; limit?: number }): Promise<{ rows: AllDocsRow<T>[] }> {
    const { keys, ...query } = opts;
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) qs.set(k, typeof v === 'string' ? JSON.stringify(v) : String(v));
    return keys
      ? this.json('POST', `/${db}/_all_docs?${qs}`, { keys })
      : this.json('GET', `/${db}/_all_docs?${qs}`);
  }

  bulkDocs(db: string, docs: unknown[], newEdits = true): Promise<{ id: string; rev?: string; error?: string; reason?: string }[]> {
    return this.json('POST', `/${db}/_bulk_docs`, { docs, new_edits: newEdits });
  }

  find<T>(db: string, query: Record<string, unknown>): Promise<{ docs: T[]; bookmark?: string; warning?: string }> {
    return this.json('POST', `/${db}/_find`, query);
  }

  /** A Mango index `idx-<name>`; with `partial`, it holds only the documents that selector matches. */
  async createIndex(db: string, name: string, fields: string[], partial?: Record<string, unknown>): Promise<void> {
    await this.json('POST', `/${db}/_index`, { index: { fields, ...(partial ? { partial_filter_selector: partial } : {}) }, name, ddoc: `idx-${name}`, type: 'json' });
    if (!partial) return;
    // The embedded store's Mango (pouchdb-find 7) keeps the partial selector in the index definition but not in
    // the map it indexes by, so the index would hold every document. Put it where CouchDB keeps it (and where
    // that same code reads it); the changed map is a new index, built afresh.
    type Ddoc = { _id: string; views?: Record<string, { map?: { partial_filter_selector?: unknown } }> };
    await this.upsert<Ddoc>(db, `_design/idx-${name}`, (ddoc) => {
      const map = ddoc?.views?.[name]?.map;
      if (!ddoc || !map || map.partial_filter_selector !== undefined) return undefined;
      map.partial_filter_selector = partial;
      return ddoc;
    });
  }

  /**
   * Create or update a design document of map views (its `views` as given); untouched when already the same,
   * so a restart does not make the store rebuild the views.
   */
  async ensureViews(db: string, ddoc: string, views: Record<string, { map: string }>): Promise<void> {
    const id = `_design/${ddoc}`;
    await this.upsert<{ _id: string; _rev?: string; language?: string; views?: Record<string, { map: string }> }>(db, id, (old) =>
      old && JSON.stringify(old.views) === JSON.stringify(views) ? undefined : { _id: id, language: 'javascript', views },
    );
  }

  /** Rows of a map view for these keys (the store brings the view up to date first). */
  viewByKeys<V>(db: string, ddoc: string, view: string, keys: string[]): Promise<{ rows: { id: string; key: string; value: V }[] }> {
    return this.json('POST', `/${db}/_design/${ddoc}/_view/${view}`, { keys });
  }

  changes<T>(db: string, since: string | number, opts: { timeoutMs: number; limit: number; signal?: AbortSignal }): Promise<ChangesResult<T>> {
    const qs = new URLSearchParams({
      feed: 'longpoll',
      since: String(since),
      include_docs: 'true',
      timeout: String(opts.timeoutMs),
      limit: String(opts.limit),
    });
    return this.json('GET', `/${db}/_changes?${qs}`, undefined, opts.signal);
  }

  /** Changes since `since` (ids and revs only, no long-poll): the feeder reads a station when told it changed. */
  changesSince(db: string, since: string | number, limit: number): Promise<ChangesResult<never>> {
    const qs = new URLSearchParams({ since: String(since), limit: String(limit) });
    return this.json('GET', `/${db}/_changes?${qs}`);
  }

  async putAttachment(db: string, id: string, name: string, rev: string | undefined, body: Buffer, type: string): Promise<{ rev: string }> {
    const qs = rev ? `?rev=${encodeURIComponent(rev)}` : '';
    const res = await this.fetch(`/${db}/${encodeURIComponent(id)}/${encodeURIComponent(name)}${qs}`, {
      method: 'PUT',
      headers: { 'content-type': type },
      body: new Uint8Array(body),
    });
    const data = (await res.json()) as { rev?: string; error?: string; reason?: string };
    if (!res.ok || !data.rev) throw new StoreError(res.status, data.error ?? 'error', data.reason ?? 'attachment write failed');
    return { rev: data.rev };
  }
}
