/**
 * The restore drill: back up, lose the store, restore into an empty one, start the server again — then a device
 * that synced before the backup and wrote more after it syncs again. Nothing it wrote is lost, nothing is
 * duplicated, and it receives the hall's decisions made after the restore (the classic trap: replication
 * checkpoints that carry the old store's sequence numbers make a device skip new changes).
 */
/// <reference types="pouchdb-replication" />
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventDoc, SubmissionDoc } from '../../src/domain/documents';
import { backupStore, BackupError, readManifest, restoreStore } from './backup/backup';
import { main } from './admin/commands';
import { makeEvent, makePng, makeSubmission, pageRef, sha256Hex, STATION_DB, startTestServer, TEST_COUCHDB, waitFor, type TestServer } from './test-support';
import { DevicePouch } from './test-pouch';

const PouchDB = DevicePouch;

type Doc = SubmissionDoc | EventDoc | Record<string, unknown>;
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function remote(t: TestServer): PouchDB.Database<Doc> {
  const cookie = t.cookies.station;
  return new PouchDB<Doc>(`${t.url}/sync/${STATION_DB}`, {
    skip_setup: true,
    fetch: (url: string | Request, opts?: RequestInit) => fetch(url, { ...opts, headers: { ...Object.fromEntries(new Headers(opts?.headers).entries()), cookie } }),
  });
}

/** Push then pull, as the device's sync does; resolves with what each direction wrote. */
async function sync(device: PouchDB.Database<Doc>, t: TestServer): Promise<{ pushed: number; pulled: number }> {
  const server = remote(t);
  try {
    const push = await device.replicate.to(server);
    const pull = await device.replicate.from(server);
    return { pushed: push.docs_written, pulled: pull.docs_written };
  } finally {
    await server.close();
  }
}

async function upload(t: TestServer, bytes: Uint8Array): Promise<void> {
  const res = await t.as('station', 'PUT', `/api/blobs/${sha256Hex(bytes)}`, { body: bytes, headers: { 'content-type': 'image/png' } });
  expect([200, 201]).toContain(res.status);
}

/**
 * Restore into an empty store of the kind the suite runs on (a fresh prefix on the lane's CouchDB, else a new
 * embedded data directory) the way an operator does: `npm run admin -- restore DIR` in its own process (the
 * embedded store's LevelDB can be open in one process only). Returns the server config that uses that store.
 */
async function restoreWithCli(dir: string): Promise<{ overrides: Record<string, string>; output: string }> {
  const prefix = `r${randomBytes(5).toString('hex')}-`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lxe-restore-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const storeEnv = TEST_COUCHDB ? { COUCHDB_URL: TEST_COUCHDB, COUCHDB_DB_PREFIX: prefix } : { DATA_DIR: dataDir };
  const root = path.resolve(import.meta.dirname, '../..');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'sync-server/src/admin/cli.ts', 'restore', dir], { cwd: root, env: { ...process.env, ...storeEnv }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`restore exited ${r.status}: ${r.stderr}${r.stdout}`);
  return { overrides: TEST_COUCHDB ? { couchdbUrl: TEST_COUCHDB, couchdbPrefix: prefix } : { dataDir }, output: r.stdout };
}

describe('backup and restore', () => {
  it('the restore drill: a device that wrote after the backup syncs again; nothing lost, nothing duplicated, new decisions arrive', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lxe-backup-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const device = new PouchDB<Doc>(`device-${randomBytes(6).toString('hex')}`, { adapter: 'memory' });
    cleanups.push(() => device.close());

    // Before the backup: one submission with its page, synced both ways. The station database has seen many
    // more changes than it keeps documents (here: 60 documents written and deleted again), so its sequence
    // numbers run far ahead of what a restored copy will have.
    const before = await startTestServer({}, ['station', 'hall']);
    let closedBefore = false;
    cleanups.push(async () => void (closedBefore || (await before.close())));
    const page1 = makePng(3);
    const s1 = makeSubmission({ pages: [pageRef(page1, 'image/png')] });
    await upload(before, page1);
    await device.bulkDocs([s1, makeEvent(s1)]);
    for (let i = 0; i < 60; i++) {
      const id = `churn-${i}`;
      const { rev } = await before.server.store.put(STATION_DB, { _id: id, type: 'churn' } as { _id: string });
      await before.server.store.json('DELETE', `/${STATION_DB}/${id}?rev=${rev}`);
    }
    await sync(device, before);
    await waitFor('the first submission in the queue', async () => ((await before.as('hall', 'GET', `/api/hall/submissions/${s1._id.slice(11)}`)).status === 200 ? true : undefined));

    const manifest = await backupStore(before.server.store, dir);
    expect(manifest.databases.map((d) => d.name)).toEqual(expect.arrayContaining([STATION_DB, 'lxe-accounts', 'lxe-blobs', 'lxe-queue', 'catalog']));
    expect(manifest.databases.map((d) => d.name)).not.toContain('lxe-sessions');
    expect(manifest.databases.find((d) => d.name === 'lxe-blobs')!.attachments).toBeGreaterThanOrEqual(1);

    // After the backup: the device takes a second intake and syncs it; then the store is lost.
    const page2 = makePng(4);
    const s2 = makeSubmission({ pages: [pageRef(page2, 'image/png')] });
    await device.bulkDocs([s2, makeEvent(s2)]);
    await upload(before, page2);
    expect((await sync(device, before)).pushed).toBe(2);
    closedBefore = true;
    await before.close(); // drops its store: the embedded data directory, or the lane's databases

    // Restore into an empty store and start the server on it.
    const restored = await restoreWithCli(dir);
    expect(restored.output).toContain(`${manifest.databases.reduce((n, d) => n + d.docs, 0)} documents`);
    const after = await startTestServer({ ...restored.overrides, demo: false }, ['station', 'hall']);
    cleanups.push(() => after.close());

    // The hall decides on the first submission after the restore; the device syncs with a new session.
    await waitFor('the restored queue', async () => ((await after.as('hall', 'GET', `/api/hall/submissions/${s1._id.slice(11)}`)).status === 200 ? true : undefined));
    const accepted = await after.as('hall', 'POST', `/api/hall/submissions/${s1._id.slice(11)}/events`, { body: { action: 'accept' } });
    expect(accepted.status).toBe(201);
    await sync(device, after);

    // Nothing the device wrote is lost or doubled on the server…
    const all = await after.server.store.json<{ rows: { id: string; doc: Doc }[] }>('GET', `/${STATION_DB}/_all_docs?include_docs=true`);
    const docs = all.rows.map((r) => r.doc as Record<string, unknown>);
    for (const s of [s1, s2]) {
      expect(docs.filter((d) => d.type === 'submission' && d.receiptNo === s.receiptNo)).toHaveLength(1);
      expect(docs.filter((d) => d.type === 'event' && d.submissionId === s._id && d.action === 'submit')).toHaveLength(1);
    }
    // …the page taken before the backup is back byte for byte…
    const restoredPage = await after.as('station', 'GET', `/api/blobs/${sha256Hex(page1)}`);
    expect(restoredPage.status).toBe(200);
    // …the second submission, written after the backup, reaches the hall queue again (its page, uploaded after
    // the backup, is missing until a device sends it again: the hall sees it as incomplete, not as complete)…
    const queued = await waitFor('the second submission in the restored queue', async () => {
      const r = await after.as('hall', 'GET', `/api/hall/submissions/${s2._id.slice(11)}`);
      return r.status === 200 ? r : undefined;
    }, 30_000);
    expect(queued.status).toBe(200);
    // …and the device receives the decision made after the restore.
    const onDevice = await device.allDocs({ include_docs: true });
    expect(onDevice.rows.some((r) => (r.doc as Record<string, unknown>).submissionId === s1._id && (r.doc as Record<string, unknown>).action === 'accept')).toBe(true);
  });

  it('refuses to back up into a directory that is not empty, and to restore into a store that holds data or from a cut-short backup', async () => {
    const t = await startTestServer({}, []);
    cleanups.push(() => t.close());
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lxe-backup-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'stray.txt'), 'x');
    await expect(backupStore(t.server.store, dir)).rejects.toThrow(/not empty/);
    rmSync(path.join(dir, 'stray.txt'));
    await backupStore(t.server.store, dir);
    // The demo store holds data: a restore would mix two histories.
    await expect(restoreStore(t.server.store, dir)).rejects.toThrow(/already holds documents/);
    // A damaged manifest (or none: a backup cut short) is refused before anything is written.
    const manifestFile = path.join(dir, 'manifest.json');
    const text = readFileSync(manifestFile, 'utf8');
    writeFileSync(manifestFile, text.replace('"version": 1', '"version": 99'));
    expect(() => readManifest(dir)).toThrow(BackupError);
    rmSync(manifestFile);
    expect(() => readManifest(dir)).toThrow(/no finished backup/);
  });

  it('npm run admin -- restore names a directory without a backup as a usage error (exit 2), before opening any store', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lxe-backup-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let err = '';
    const code = await main(['restore', dir], { env: { DATA_DIR: path.join(dir, 'nowhere') }, cwd: dir, out: () => undefined, err: (s) => (err += s) });
    expect(code).toBe(2);
    expect(err).toContain('no finished backup');
  });
});
