import { describe, expect, it } from 'vitest';
import type { CouchClient } from '../store/couch';
import { makeEvent, makeSubmission } from '../test-support';
import { loadRecord } from './projection';

/** A store whose reads answer only when released, recording which reads were asked for meanwhile. */
function heldStore(submission: unknown, events: unknown[]): { store: CouchClient; asked: string[]; release(): void } {
  const asked: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const store = {
    async get() {
      asked.push('get');
      await held;
      return submission;
    },
    async allDocs() {
      asked.push('allDocs');
      await held;
      return { rows: events.map((doc) => ({ id: (doc as { _id: string })._id, key: (doc as { _id: string })._id, value: { rev: '1-a' }, doc })) };
    },
  } as unknown as CouchClient;
  return { store, asked, release };
}

describe('loadRecord', () => {
  it('asks for the submission and its events at once, not one after the other', async () => {
    const submission = makeSubmission();
    const event = makeEvent(submission);
    const { store, asked, release } = heldStore(submission, [event]);
    const loading = loadRecord(store, submission.stationId, submission._id);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([...asked].sort()).toEqual(['allDocs', 'get']);
    release();
    await expect(loading).resolves.toEqual({ submission, events: [event] });
  });

  it('is undefined while the submission is not there, even when its events are', async () => {
    const submission = makeSubmission();
    const { store, release } = heldStore(undefined, [makeEvent(submission)]);
    release();
    await expect(loadRecord(store, submission.stationId, submission._id)).resolves.toBeUndefined();
  });
});
