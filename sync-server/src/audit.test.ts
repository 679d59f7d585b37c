/**
 * The audit trail is written by explicit `audit(event)` calls, so a server built in a test keeps one exactly as
 * production does: sign-ins (both outcomes), refused writes and hall decisions land in `lxe-audit`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDoc, SubmissionDoc } from '../../src/domain/documents';
import { AUDIT_DB } from './audit/sink';
import { asArray, makeEvent, makePng, makeSubmission, pageRef, sha256Hex, STATION_DB, startTestServer, waitFor, type TestServer } from './test-support';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({}, ['station', 'hall']);
});

afterAll(async () => {
  await t?.close();
});

type Entry = Record<string, unknown> & { audit: string };

async function trail(): Promise<Entry[]> {
  await t.server.auditSink.flush();
  const { rows } = await t.server.store.allDocs<Entry>(AUDIT_DB, { include_docs: true });
  return rows.flatMap((r) => (r.doc?.audit ? [r.doc] : []));
}

async function writeSubmission(sub: SubmissionDoc, ...events: EventDoc[]): Promise<void> {
  const r = await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [sub, ...events] } });
  expect(r.status).toBe(201);
}

describe('audit trail', () => {
  it('records successful and failed sign-ins', async () => {
    const failed = await t.signIn('hall', 'not-the-password');
    expect(failed.reply.status).toBe(401);
    const entries = await trail();
    expect(entries).toContainEqual(expect.objectContaining({ audit: 'signin', username: 'hall', outcome: 'ok', role: 'hall' }));
    expect(entries).toContainEqual(expect.objectContaining({ audit: 'signin', username: 'hall', outcome: 'failed' }));
  });

  it('records a refused write', async () => {
    const forged = { ...makeSubmission({}), stationId: 'songshanhu-nanhuwan' };
    const r = await t.as('station', 'POST', `/sync/${STATION_DB}/_bulk_docs`, { body: { docs: [forged] } });
    expect(r.status).toBe(201);
    expect(asArray(r.json)[0]).toMatchObject({ error: 'forbidden' });
    const entries = await trail();
    expect(entries).toContainEqual(expect.objectContaining({ audit: 'refused', db: STATION_DB, user: 'station' }));
  });

  it('records a hall decision', async () => {
    const png = makePng();
    expect((await t.as('station', 'PUT', `/api/blobs/${sha256Hex(png)}`, { body: png, headers: { 'content-type': 'image/png' } })).status).toBe(201);
    const sub = makeSubmission({ pages: [pageRef(png, 'image/png')] });
    await writeSubmission(sub, makeEvent(sub));
    const id = sub._id.slice('submission:'.length);
    await waitFor('the submission received', async () => {
      const r = await t.as('hall', 'GET', `/api/hall/submissions/${id}`);
      return r.status === 200 && (r.json as { status: { state?: string } }).status.state === 'received' ? true : undefined;
    });
    const decided = await t.as('hall', 'POST', `/api/hall/submissions/${id}/events`, { body: { action: 'accept' } });
    expect(decided.status, decided.text).toBe(201);
    const entries = await trail();
    expect(entries).toContainEqual(expect.objectContaining({ audit: 'decision', user: 'hall', submissionId: sub._id, action: 'accept' }));
  });
});
