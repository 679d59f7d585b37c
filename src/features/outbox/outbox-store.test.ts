/** The outbox card's lines: where a submission is on its way (offline it waits, it does not "upload"), and the 容缺 it still owes. */
import { describe, expect, it } from 'vitest';
import { outstandingMaterials, syncProgress } from './outbox-store';

const waiting = { refused: undefined, pageErrors: [], state: 'submitted' as const, pagesUploaded: 0, pagesTotal: 7, docsSent: false };

describe('syncProgress', () => {
  it('offline, pages not sent wait for the network (with the count), never "uploading"', () => {
    expect(syncProgress(waiting, true)).toEqual({ state: 'offline', text: { key: 'outboxProgress.offlinePages', params: { done: 0, total: 7 } }, kind: 'wait' });
    expect(syncProgress({ ...waiting, pagesUploaded: 7 }, true)).toEqual({ state: 'offline', text: { key: 'outboxProgress.offline' }, kind: 'wait' });
    expect(syncProgress({ ...waiting, state: undefined, pagesUploaded: 3 }, true).state).toBe('offline');
  });

  it('online, it uploads, then waits to send the documents, then waits for the hall', () => {
    expect(syncProgress(waiting, false)).toEqual({ state: 'uploading', text: { key: 'outbox.uploading', params: { done: 0, total: 7 } }, kind: 'wait' });
    expect(syncProgress({ ...waiting, pagesUploaded: 7 }, false).state).toBe('waiting');
    expect(syncProgress({ ...waiting, pagesUploaded: 7, docsSent: true }, false).state).toBe('sent');
  });

  it('what the server has and what it refused reads the same offline and online', () => {
    for (const offline of [true, false]) {
      expect(syncProgress({ ...waiting, pagesUploaded: 7, docsSent: true }, offline).state).toBe('sent');
      expect(syncProgress({ ...waiting, state: 'accepted' }, offline).state).toBe('synced');
      expect(syncProgress({ ...waiting, refused: 'forbidden' }, offline).state).toBe('refused');
      expect(syncProgress({ ...waiting, pageErrors: ['too large'] }, offline).state).toBe('pageRefused');
    }
  });
});

describe('outstandingMaterials', () => {
  const items = [
    { materialId: 'licence-application', name: '申请书', status: 'provided' as const },
    { materialId: 'shop-layout', name: '平面布局图', status: 'deficient' as const, commitment: { dueDate: '2026-12-20', text: '承诺' } },
    { materialId: 'safety-officer-appointment', name: '任命文件', status: 'deficient' as const, commitment: { dueDate: '2026-12-12', text: '承诺' } },
  ];
  const submission = { items } as unknown as Parameters<typeof outstandingMaterials>[0];

  it('lists what is still owed with its promised date, earliest first', () => {
    expect(outstandingMaterials(submission, { state: 'accepted', outstanding: ['shop-layout', 'safety-officer-appointment'] })).toEqual([
      { materialId: 'safety-officer-appointment', name: '任命文件', dueDate: '2026-12-12' },
      { materialId: 'shop-layout', name: '平面布局图', dueDate: '2026-12-20' },
    ]);
    expect(outstandingMaterials(submission, { state: 'approved', outstanding: ['shop-layout'] }).map((o) => o.materialId)).toEqual(['shop-layout']);
    expect(outstandingMaterials(submission, { state: 'accepted', outstanding: [] })).toEqual([]);
  });

  it('owes nothing once the case is closed', () => {
    for (const state of ['rejected', 'withdrawn', 'denied'] as const) expect(outstandingMaterials(submission, { state, outstanding: ['shop-layout'] })).toEqual([]);
  });
});
