// The sign-out guard counts what this device wrote and the server lacks — not what it pulled down (issue 16.3:
// a fully synced device warned of "6 documents" that were other devices' work).
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from './db';
import { countUnsynced, countWrittenNotPushed, notePushed, noteRefused, noteWritten } from './doc-sync';

const docs = [
  { id: 'submission:A', doc: { type: 'submission', deviceId: 'this-device' } }, // written here
  { id: 'event:A:1', doc: { type: 'event', role: 'station' } }, // written here
  { id: 'submission:B', doc: { type: 'submission', deviceId: 'other-device' } }, // pulled (another device of the station)
  { id: 'event:B:1', doc: { type: 'event', role: 'station' } }, // pulled
  { id: 'event:B:2', doc: { type: 'event', role: 'hall' } }, // pulled (the hall's decision)
  { id: 'matter:x', doc: { type: 'matter' } },
];

beforeEach(async () => {
  await db.docSync.clear();
});

describe('unsynced work on the device', () => {
  it('a device that only pulled documents has nothing unsynced', async () => {
    expect(countUnsynced(docs.slice(2), await db.docSync.toArray(), 'this-device')).toBe(0);
  });

  it('counts what was written here until it is pushed, whichever is recorded first', async () => {
    await noteWritten(['submission:A', 'event:A:1'], '2026-12-06T01:00:00.000Z');
    expect(countUnsynced(docs, await db.docSync.toArray(), 'this-device')).toBe(2);
    await notePushed(['submission:A'], '2026-12-06T01:00:01.000Z');
    expect(countUnsynced(docs, await db.docSync.toArray(), 'this-device')).toBe(1);
    // A push recorded before its write (the replication is quick): the write does not undo it.
    await notePushed(['event:A:1'], '2026-12-06T01:00:02.000Z');
    await noteWritten(['event:A:1'], '2026-12-06T01:00:03.000Z');
    expect(countUnsynced(docs, await db.docSync.toArray(), 'this-device')).toBe(0);
  });

  it('a document the server refused stays counted (signing out would lose it)', async () => {
    await noteWritten(['event:A:1'], '2026-12-06T01:00:00.000Z');
    await noteRefused('event:A:1', 'forbidden');
    expect(countUnsynced(docs.slice(1), await db.docSync.toArray(), 'this-device')).toBe(1);
  });

  it('a submission taken on this device before writes were recorded still counts until pushed', async () => {
    expect(countUnsynced(docs, [], 'this-device')).toBe(1); // submission:A by its deviceId
    expect(countUnsynced(docs, [], undefined)).toBe(0);
  });

  it('the badge counts from the table alone what was written here and not pushed', async () => {
    expect(await countWrittenNotPushed()).toBe(0);
    await noteWritten(['submission:A', 'event:A:1'], '2026-12-06T01:00:00.000Z');
    expect(await countWrittenNotPushed()).toBe(2);
    await notePushed(['submission:A'], '2026-12-06T01:00:01.000Z');
    expect(await countWrittenNotPushed()).toBe(1);
    // Pulled documents are never recorded as written: a push record alone does not count.
    await notePushed(['event:B:1'], '2026-12-06T01:00:02.000Z');
    expect(await countWrittenNotPushed()).toBe(1);
  });
});
