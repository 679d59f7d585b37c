/**
 * The PouchDB half of the purge against real PouchDB replication (memory adapter; pouchdb-browser needs a
 * browser): the rebuilt copy lacks exactly the due documents, keeps every other document with its revision
 * history (so replicating it to the server writes nothing), and — starting its pull from the recorded
 * position — does not fetch the purged documents again, while a pull from scratch would.
 */
/// <reference types="pouchdb-replication" />
import { createRequire } from 'node:module';
import type PouchDBStatic from 'pouchdb-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { eventId, type EventDoc, type SubmissionDoc } from '../domain/documents';
import { DAY_MS } from '../domain/purge';
import { withLock } from './lock';
import { copyWithout, planLocalPurge, readPullPosition, writePullSeq } from './purge';

const require = createRequire(import.meta.url);
// Cast: `require` returns `any`; @types/pouchdb-core describes this module's export.
const PouchDB = (require('pouchdb-core') as typeof PouchDBStatic)
  .plugin(require('pouchdb-adapter-memory') as PouchDB.Plugin) // cast: untyped CommonJS plugin
  .plugin(require('pouchdb-replication') as PouchDB.Plugin); // cast: untyped CommonJS plugin

const opened: PouchDB.Database[] = [];
let n = 0;
function memory(): PouchDB.Database {
  const db = new PouchDB(`purge-test-${process.pid}-${n++}`, { adapter: 'memory' });
  opened.push(db);
  return db;
}

afterAll(async () => {
  await Promise.allSettled(opened.map((db) => db.destroy()));
});

const NOW = new Date('2026-03-31T04:00:00.000Z');
const daysAgo = (days: number): string => new Date(NOW.getTime() - days * DAY_MS).toISOString();

function submission(idNumber: string): SubmissionDoc {
  return {
    _id: `submission:${ulid()}`,
    type: 'submission',
    schemaVersion: 1,
    stationId: 'jingan-hkri',
    matterId: 'licence-reissue',
    matterName: '营业执照补办',
    enterprise: { uscc: '91310106MA1FL4XQ0W', name: '上海示例科技有限公司' },
    applicant: { name: '张三', idNumber },
    items: [{ materialId: 'reissue-application', name: '补领营业执照申请书', core: true, status: 'provided', pages: [{ sha256: 'a'.repeat(64), bytes: 1000, type: 'image/jpeg' }] }],
    receiptNo: `JING-20260101-${ulid().slice(-8)}`,
    pickupCode: '123456',
    createdAt: daysAgo(45),
    createdBy: 'station',
    deviceId: 'test-device-0001',
  };
}

function event(sub: SubmissionDoc, action: 'submit' | 'receive' | 'accept', at: string): EventDoc {
  const role = action === 'submit' ? 'station' : action === 'receive' ? 'system' : 'hall';
  return { _id: eventId(sub._id, ulid()), type: 'event', action, submissionId: sub._id, stationId: sub.stationId, actor: role, role, at, serverAt: at };
}

const booking = (date: string, phone: string): Record<string, unknown> => ({
  _id: `booking:${ulid()}`,
  type: 'booking',
  stationId: 'jingan-hkri',
  kind: 'atStation',
  date,
  start: '10:00',
  end: '10:30',
  contactName: '李四',
  phone,
  uscc: '91310106MA1FL4XQ0W',
  enterpriseName: '上海示例科技有限公司',
  username: 'enterprise',
  status: 'confirmed',
  createdAt: daysAgo(50),
  updatedAt: daysAgo(50),
});

const ids = async (db: PouchDB.Database): Promise<string[]> => (await db.allDocs()).rows.map((r) => r.id).sort();

describe('rebuilding the station database without the due documents', () => {
  // The server's copy, the device that pulled it, and what the device knows.
  const server = memory();
  const device = memory();
  const accepted = submission('310106198503121238');
  const open = submission('44030519900101123X');
  const pastBooking = booking('2026-02-01', '13800138000');
  const nextBooking = booking('2026-04-02', '13900139000');

  it('plans the accepted submission and the past booking, after the window', async () => {
    await server.bulkDocs([
      accepted,
      event(accepted, 'submit', daysAgo(45)),
      event(accepted, 'receive', daysAgo(45)),
      event(accepted, 'accept', daysAgo(31)),
      open,
      event(open, 'submit', daysAgo(2)),
      event(open, 'receive', daysAgo(2)),
      pastBooking,
      nextBooking,
    ]);
    // The server changed the upcoming booking once: two revisions.
    const stored = await server.get(String(nextBooking._id));
    await server.put({ ...stored, status: 'arrived' });
    const pulled = await device.replicate.from(server);
    await writePullSeq(device, pulled.last_seq);

    const plan = await planLocalPurge(device, NOW, 30);
    expect(plan.submissions.map((s) => s._id)).toEqual([accepted._id]);
    expect(plan.submissions[0]?.applicant.idNumber).toBe('3101**********1238');
    expect(plan.bookingIds).toEqual([pastBooking._id]);
    expect((await planLocalPurge(device, NOW, 40)).submissions).toEqual([]);
  });

  const fresh = memory();

  it('copies everything else, with revisions and the pull position', async () => {
    const drop = new Set([accepted._id, String(pastBooking._id)]);
    const { copied } = await copyWithout(device, fresh, drop);
    const expected = (await ids(device)).filter((id) => !drop.has(id));
    expect(await ids(fresh)).toEqual(expected);
    expect(copied).toBe(expected.length);
    const before = await device.get(String(nextBooking._id), { revs: true });
    const after = await fresh.get(String(nextBooking._id), { revs: true });
    expect(after._rev).toBe(before._rev);
    expect(after._rev).toMatch(/^2-/);
    expect(after._revisions).toEqual(before._revisions);
    // The copy knows how far the device had pulled, and that it still needs a pull from there.
    expect(await readPullPosition(device)).toEqual({ seq: expect.anything(), rebuilt: false });
    expect(await readPullPosition(fresh)).toEqual({ seq: (await readPullPosition(device))?.seq, rebuilt: true });
    const text = JSON.stringify((await fresh.allDocs({ include_docs: true })).rows);
    expect(text).not.toContain('310106198503121238');
    expect(text).not.toContain('13800138000');
    expect(text).toContain('44030519900101123X');
    expect(text).toContain('13900139000');
  });

  it('has nothing to push: the server is asked, and nothing is written', async () => {
    const info = await server.info();
    const pushed = await fresh.replicate.to(server);
    expect(pushed).toMatchObject({ ok: true, docs_written: 0, doc_write_failures: 0 });
    expect((await server.info()).update_seq).toBe(info.update_seq);
  });

  it('pulls on from the recorded position: new documents arrive, purged ones do not come back', async () => {
    const later = event(open, 'accept', daysAgo(1));
    await server.put(later);
    const since = (await readPullPosition(fresh))?.seq;
    expect(since).toBeDefined();
    // As the SyncEngine pulls into a rebuilt generation: from the recorded position, checkpoint on the device.
    const pulled = await fresh.replicate.from(server, { since, checkpoint: 'target' });
    await writePullSeq(fresh, pulled.last_seq);
    expect(await readPullPosition(fresh)).toEqual({ seq: pulled.last_seq, rebuilt: true });
    expect(await ids(fresh)).toContain(later._id);
    expect(await ids(fresh)).not.toContain(accepted._id);
    expect(await ids(fresh)).not.toContain(String(pastBooking._id));
    // Without the position the whole history, personal fields and all, would come back.
    const scratch = memory();
    await scratch.replicate.from(server);
    expect(await ids(scratch)).toContain(accepted._id);
    // Pulling again from the same position (a restart, a retry) is harmless, and so is a new document later.
    const again = await fresh.replicate.from(server, { since, checkpoint: 'target' });
    expect(again.docs_written).toBe(0);
    const latest = event(open, 'accept', daysAgo(0));
    await server.put(latest);
    await fresh.replicate.from(server, { since: pulled.last_seq, checkpoint: 'target' });
    expect(await ids(fresh)).toContain(latest._id);
    expect(await ids(fresh)).not.toContain(accepted._id);
  });

  it('keeps the rebuilt flag when only the position moves', async () => {
    const db = memory();
    await writePullSeq(db, 5, true);
    await writePullSeq(db, 7);
    expect(await readPullPosition(db)).toEqual({ seq: 7, rebuilt: true });
    await writePullSeq(db, '9-abc', false);
    expect(await readPullPosition(db)).toEqual({ seq: '9-abc', rebuilt: false });
  });
});

describe('the lock between writes and the rebuild (in-page fallback)', () => {
  it('lets writes run together and the rebuild alone, in order of arrival', async () => {
    const log: string[] = [];
    const hold = (name: string, mode: 'shared' | 'exclusive', ms: number): Promise<void> =>
      withLock('test-lock', mode, async () => {
        log.push(`${name}+`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}-`);
      });
    await Promise.all([hold('a', 'shared', 20), hold('b', 'shared', 5), hold('rebuild', 'exclusive', 5), hold('c', 'shared', 1)]);
    expect(log).toEqual(['a+', 'b+', 'b-', 'a-', 'rebuild+', 'rebuild-', 'c+', 'c-']);
  });
});
