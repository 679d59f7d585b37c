/**
 * The server side of the fault suite's bookkeeping: after a fault, is every submission the device captured on
 * the server exactly once, with exactly the pages (bytes that hash to the captured SHA-256), and exactly once in
 * the hall's queue in `received` or a later state? Counts what is lost and what is duplicated.
 */
import { createHash } from 'node:crypto';
import type { Captured } from './device';

/** Every state the hall API can filter on (`incomplete` = documents arrived, pages not yet). */
export const QUEUE_STATES = ['incomplete', 'received', 'accepted', 'correctionRequested', 'rejected', 'withdrawn', 'dispatched', 'approved', 'denied', 'issued', 'delivered', 'rated'] as const;

const STATION_USERS: Record<string, string> = { 'jingan-hkri': 'station', 'songshanhu-nanhuwan': 'station2' };

export interface QueueEntry {
  submissionId: string;
  receiptNo: string;
  state: string;
  createdAt: string;
  receivedAt: string | null;
  sortKey: string;
}

export interface Audit {
  /** Captured on the device but missing on the server, or not matching what was captured (per submission and per page). */
  lost: number;
  /** Extra copies: the same submission twice (by id, receipt or marker), a page listed twice, a second submit event or queue entry. */
  duplicated: number;
  problems: string[];
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A signed-in HTTP client for one account, straight to the server (not through any fault proxy). */
export class Account {
  private cookie = '';

  constructor(
    private readonly base: string,
    private readonly username: string,
  ) {}

  private async signIn(): Promise<void> {
    const res = await fetch(`${this.base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.username, password: 'demo' }),
    });
    if (!res.ok) throw new Error(`sign-in as ${this.username}: HTTP ${res.status}`);
    this.cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  }

  async get(path: string): Promise<Response> {
    if (!this.cookie) await this.signIn();
    let res = await fetch(`${this.base}${path}`, { headers: { cookie: this.cookie } });
    if (res.status === 401) {
      await this.signIn();
      res = await fetch(`${this.base}${path}`, { headers: { cookie: this.cookie } });
    }
    return res;
  }

  async json<T>(path: string): Promise<T> {
    const res = await this.get(path);
    if (!res.ok) throw new Error(`GET ${path} as ${this.username}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }
}

export class Ledger {
  readonly hall: Account;
  private readonly stations = new Map<string, Account>();

  constructor(readonly base: string) {
    this.hall = new Account(base, 'hall');
  }

  station(stationId: string): Account {
    let account = this.stations.get(stationId);
    if (!account) {
      const user = STATION_USERS[stationId];
      if (!user) throw new Error(`no demo account for station ${stationId}`);
      account = new Account(this.base, user);
      this.stations.set(stationId, account);
    }
    return account;
  }

  /** Every queue item the hall can see, across all states, in the API's order within each state. */
  async queue(): Promise<QueueEntry[]> {
    const out: QueueEntry[] = [];
    for (const state of QUEUE_STATES) {
      for (let skip = 0; ; skip += 200) {
        const page = await this.hall.json<{ items: QueueEntry[]; hasMore: boolean }>(`/api/hall/queue?state=${state}&limit=200&skip=${skip}`);
        out.push(...page.items);
        if (!page.hasMore) break;
      }
    }
    return out;
  }

  /** Wait (bounded) until every captured submission is in the queue past `incomplete`. Never throws: the audit counts. */
  async settled(captured: Captured[], timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const queue = await this.queue().catch(() => [] as QueueEntry[]);
      const done = captured.every((c) => queue.some((q) => q.submissionId === c.submissionId && q.state !== 'incomplete'));
      if (done) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async audit(captured: Captured[]): Promise<Audit> {
    const problems: string[] = [];
    let lost = 0;
    let duplicated = 0;
    const queue = await this.queue();
    const byStation = new Map<string, Captured[]>();
    for (const c of captured) byStation.set(c.stationId, [...(byStation.get(c.stationId) ?? []), c]);

    for (const [stationId, mine] of byStation) {
      const account = this.station(stationId);
      const all = await account.json<{ rows: { id: string; doc?: Record<string, unknown> }[] }>(`/sync/station-${stationId}/_all_docs?include_docs=true`);
      const docs = all.rows.flatMap((r) => (r.doc ? [r.doc] : []));
      const submissions = docs.filter((d) => d.type === 'submission') as { _id: string; receiptNo: string; enterprise: { name: string }; items: { materialId: string; pages: { sha256: string }[] }[] }[];
      const events = docs.filter((d) => d.type === 'event') as { _id: string; submissionId: string; action: string }[];
      for (const c of mine) {
        const copies = submissions.filter((s) => s._id === c.submissionId || s.receiptNo === c.receiptNo || s.enterprise.name === c.marker);
        const doc = copies.find((s) => s._id === c.submissionId);
        if (copies.length > 1) {
          duplicated += copies.length - 1;
          problems.push(`${c.receiptNo}: ${copies.length} submissions on the server`);
        }
        const submits = events.filter((e) => e.submissionId === c.submissionId && e.action === 'submit').length;
        if (submits > 1) {
          duplicated += submits - 1;
          problems.push(`${c.receiptNo}: ${submits} submit events`);
        }
        if (!doc) {
          lost += 1 + c.hashes.length;
          problems.push(`${c.receiptNo} (${c.submissionId}): not on the server`);
          continue;
        }
        if (doc.receiptNo !== c.receiptNo) {
          lost++;
          problems.push(`${c.submissionId}: receipt ${doc.receiptNo} on the server, ${c.receiptNo} on the device`);
        }
        const serverHashes = doc.items.flatMap((i) => i.pages.map((p) => p.sha256));
        for (const hash of new Set([...serverHashes, ...c.hashes])) {
          const want = c.hashes.filter((h) => h === hash).length;
          const have = serverHashes.filter((h) => h === hash).length;
          if (have < want) {
            lost += want - have;
            problems.push(`${c.receiptNo}: page ${hash.slice(0, 12)} missing from the submission document`);
          } else if (have > want) {
            if (want === 0) {
              lost++;
              problems.push(`${c.receiptNo}: the server lists page ${hash.slice(0, 12)}, which the device never captured`);
            } else {
              duplicated += have - want;
              problems.push(`${c.receiptNo}: page ${hash.slice(0, 12)} listed ${have} times`);
            }
          }
        }
        for (const hash of c.hashes) {
          const res = await account.get(`/api/blobs/${hash}`);
          const body = res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined;
          if (!body || sha256(body) !== hash) {
            lost++;
            problems.push(`${c.receiptNo}: page ${hash.slice(0, 12)} ${body ? 'has different bytes' : `not stored (HTTP ${res.status})`} on the server`);
          }
        }
      }
    }

    for (const c of captured) {
      const entries = queue.filter((q) => q.submissionId === c.submissionId || q.receiptNo === c.receiptNo);
      if (entries.length === 0) {
        lost++;
        problems.push(`${c.receiptNo}: not in the hall queue`);
      } else if (entries.length > 1) {
        duplicated += entries.length - 1;
        problems.push(`${c.receiptNo}: ${entries.length} times in the hall queue (${entries.map((e) => e.state).join(', ')})`);
      } else if (entries[0]!.state === 'incomplete') {
        lost++;
        problems.push(`${c.receiptNo}: still incomplete in the hall queue (pages never confirmed)`);
      }
    }
    return { lost, duplicated, problems };
  }
}

/** The runs of one fault file: each run settled, audited, counted and printed in one line; the file's total at the end. */
export class Tally {
  runs = 0;
  lost = 0;
  duplicated = 0;

  /** Settle (bounded), audit, add to the tally and print one line for this run; `extra` are problems found beside the ledger. */
  async account(name: string, ledger: Ledger, captured: Captured[], settleMs: number, extra: string[] = []): Promise<Audit> {
    const started = Date.now();
    const settled = await ledger.settled(captured, settleMs);
    const audit = await ledger.audit(captured);
    audit.lost += extra.length;
    audit.problems.push(...extra);
    this.runs++;
    this.lost += audit.lost;
    this.duplicated += audit.duplicated;
    const pages = captured.reduce((n, c) => n + c.hashes.length, 0);
    console.log(
      `${name}: ${captured.length} submissions, ${pages} pages; ${settled ? `settled ${((Date.now() - started) / 1000).toFixed(1)} s after the fault` : 'did NOT settle'}; lost ${audit.lost}, duplicated ${audit.duplicated}` +
        (audit.problems.length ? `\n  - ${audit.problems.join('\n  - ')}` : ''),
    );
    return audit;
  }

  /** The line `npm run soak` reads (`faults: N runs, lost L, duplicated D`). */
  summary(): string {
    return `faults: ${this.runs} runs, lost ${this.lost}, duplicated ${this.duplicated}`;
  }
}
