/**
 * The Dexie half of the purge (fake-indexeddb): the masked record is kept, a draft left over from the
 * submission goes, its stored page and signature bytes go unless an open draft still shows them, and
 * sign-out wipes the records too.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PurgedSubmission } from '../domain/purge';
import { db, wipeWorkingData, type Draft, type StoredBlob } from './db';
import { purgedOf, storePurged } from './purge';

const ULID = '01JTESTSUBMISSION000000000';
const PAGE = '1'.repeat(64);
const SHARED = '2'.repeat(64);
const SIGNATURE = '3'.repeat(64);
const OTHER = '4'.repeat(64);
const SUPPLEMENT = '5'.repeat(64);

const record: PurgedSubmission = {
  _id: `submission:${ULID}`,
  type: 'purgedSubmission',
  stationId: 'jingan-hkri',
  matterId: 'licence-reissue',
  matterName: '营业执照补办',
  enterprise: { uscc: '91310106MA1FL4XQ0W', name: '上海示例科技有限公司' },
  applicant: { name: '张*', idNumber: '3101**********1238' },
  items: [{ materialId: 'reissue-application', name: '补领营业执照申请书', core: true, status: 'provided', pages: [{ sha256: PAGE, bytes: 10, type: 'image/jpeg' }] }],
  receiptNo: 'JING-20260101-ABCDEFGH',
  createdAt: '2026-01-01T02:00:00.000Z',
  createdBy: 'station',
  releasedAt: '2026-01-02T02:00:00.000Z',
  purgedAt: '2026-02-01T02:00:00.000Z',
};

function draft(id: string, pages: string[]): Draft {
  return {
    id,
    stationId: 'jingan-hkri',
    matterId: 'licence-reissue',
    uscc: '91310106MA1FL4XQ0W',
    enterpriseName: '上海示例科技有限公司',
    applicantName: '张三',
    idNumber: '310106198503121238',
    pages: { 'reissue-application': pages.map((sha256) => ({ sha256, bytes: 10, type: 'image/jpeg' as const })) },
    deficient: {},
    signature: null,
    answers: {},
    createdAt: '2026-01-01T01:00:00.000Z',
    updatedAt: '2026-01-01T01:00:00.000Z',
  };
}

const blob = (sha256: string, state: StoredBlob['state'] = 'uploaded'): StoredBlob => ({ sha256, blob: new Blob(['x']), type: 'image/jpeg', bytes: 1, state, stationId: 'jingan-hkri', createdAt: '2026-01-01T01:00:00.000Z', attempts: 0 });

beforeEach(async () => {
  await wipeWorkingData();
  await db.purged.clear();
});

describe('storePurged', () => {
  it('keeps the record and drops the leftovers of the submission', async () => {
    // A draft left behind by a crash right after submitting (same ULID), and another open draft.
    await db.drafts.bulkPut([draft(ULID, [PAGE]), draft('01JTESTOPENDRAFT0000000000', [SHARED])]);
    // A pending upload of the same bytes goes (the server has them); a page of a 补正 being prepared stays.
    await db.blobs.bulkPut([blob(PAGE), blob(SHARED), blob(SIGNATURE, 'pending'), blob(OTHER), blob(SUPPLEMENT, 'draft')]);

    await storePurged([record], [PAGE, SHARED, SIGNATURE, SUPPLEMENT]);

    expect(await purgedOf('jingan-hkri')).toEqual([record]);
    expect(await purgedOf('songshanhu-nanhuwan')).toEqual([]);
    expect((await db.drafts.toArray()).map((d) => d.id)).toEqual(['01JTESTOPENDRAFT0000000000']);
    expect((await db.blobs.toArray()).map((b) => b.sha256).sort()).toEqual([SHARED, OTHER, SUPPLEMENT]);
  });

  it('is idempotent and harmless with nothing to do', async () => {
    await storePurged([record], [PAGE]);
    await storePurged([record], [PAGE]);
    await storePurged([], []);
    expect(await db.purged.count()).toBe(1);
  });

  it('is wiped at sign-out with everything else', async () => {
    await storePurged([record], []);
    await wipeWorkingData();
    expect(await db.purged.count()).toBe(0);
  });
});
