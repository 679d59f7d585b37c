/**
 * 一次采集 (fake-indexeddb): the profile kept by USCC, what a draft takes from it, and how it leaves the
 * device (sign-out wipe; contact person and phone with the purge of their submission).
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PurgedSubmission } from '../domain/purge';
import { db, wipeWorkingData, type Draft } from './db';
import { forgetContacts, getEnterpriseProfile, prefillDraft, profileOf, rememberEnterprise } from './enterprises';
import { storePurged } from './purge';

const USCC = '91310106MA1FL4XQ0W';
const FIRST = 'submission:01JTESTSUBMISSION00000000001';
const SECOND = 'submission:01JTESTSUBMISSION00000000002';
const FULL = { uscc: USCC, name: '上海示例科技有限公司', address: '上海市静安区南京西路1266号', legalRepresentative: '李四', contactName: '王五', contactPhone: '13812345678' };

function blankDraft(over: Partial<Draft> = {}): Draft {
  return { id: 'd1', stationId: 'jingan-hkri', matterId: '', uscc: USCC, enterpriseName: '', enterpriseAddress: '', legalRepresentative: '', contactName: '', contactPhone: '', applicantName: '', idNumber: '', pages: {}, deficient: {}, signature: null, answers: {}, createdAt: '', updatedAt: '', ...over };
}

beforeEach(async () => {
  await wipeWorkingData();
});

describe('profileOf', () => {
  it('keeps the given fields and leaves out empty ones', () => {
    const p = profileOf({ uscc: USCC, name: 'A', address: '' }, FIRST, new Date('2026-01-01T00:00:00Z'));
    expect(p).toEqual({ uscc: USCC, name: 'A', sourceSubmissionId: FIRST, updatedAt: '2026-01-01T00:00:00.000Z' });
  });
});

describe('prefillDraft', () => {
  it('fills every empty field of a new draft', () => {
    const d = blankDraft();
    const filled = prefillDraft(d, profileOf(FULL, FIRST, new Date()));
    expect(filled).toEqual(['enterpriseName', 'enterpriseAddress', 'legalRepresentative', 'contactName', 'contactPhone']);
    expect(d).toMatchObject({ enterpriseName: FULL.name, enterpriseAddress: FULL.address, legalRepresentative: '李四', contactName: '王五', contactPhone: '13812345678' });
  });

  it('never overwrites what staff typed, and copes with drafts from before the profile existed', () => {
    const d = blankDraft({ contactName: '赵六', contactPhone: '  ' });
    delete d.enterpriseAddress;
    const filled = prefillDraft(d, profileOf(FULL, FIRST, new Date()));
    expect(filled).toEqual(['enterpriseName', 'enterpriseAddress', 'legalRepresentative', 'contactPhone']);
    expect(d.contactName).toBe('赵六');
    expect(d.enterpriseAddress).toBe(FULL.address);
  });

  it('fills nothing from a profile without values', () => {
    const d = blankDraft({ enterpriseName: '已填' });
    expect(prefillDraft(d, profileOf({ uscc: USCC, name: '旧名' }, FIRST, new Date()))).toEqual([]);
    expect(d.enterpriseName).toBe('已填');
  });
});

describe('the profile table', () => {
  it('keeps the latest intake per USCC', async () => {
    await rememberEnterprise(FULL, FIRST);
    await rememberEnterprise({ uscc: USCC, name: '新名称', contactPhone: '021-62881234' }, SECOND);
    expect(await getEnterpriseProfile(USCC)).toMatchObject({ name: '新名称', contactPhone: '021-62881234', sourceSubmissionId: SECOND });
    expect((await getEnterpriseProfile(USCC))?.address).toBeUndefined();
    expect(await getEnterpriseProfile('91350100M000100Y43')).toBeUndefined();
  });

  it('is wiped at sign-out', async () => {
    await rememberEnterprise(FULL, FIRST);
    await wipeWorkingData();
    expect(await db.enterprises.count()).toBe(0);
  });

  it('loses the contact person and phone with the purge of their submission, keeps the rest', async () => {
    await rememberEnterprise(FULL, FIRST);
    await rememberEnterprise({ ...FULL, uscc: '91350100M000100Y43' }, SECOND);
    const purged: PurgedSubmission = {
      _id: FIRST,
      type: 'purgedSubmission',
      stationId: 'jingan-hkri',
      matterId: 'licence-reissue',
      matterName: '营业执照补办',
      enterprise: { uscc: USCC, name: FULL.name },
      applicant: { name: '张*', idNumber: '3101**********1238' },
      items: [],
      receiptNo: 'JING-20260101-ABCDEFGH',
      createdAt: '2026-01-01T02:00:00.000Z',
      createdBy: 'station',
      releasedAt: '2026-01-02T02:00:00.000Z',
      purgedAt: '2026-02-01T02:00:00.000Z',
    };
    await storePurged([purged], []);
    const kept = await getEnterpriseProfile(USCC);
    expect(kept).toMatchObject({ name: FULL.name, address: FULL.address, legalRepresentative: '李四' });
    expect(kept?.contactName).toBeUndefined();
    expect(kept?.contactPhone).toBeUndefined();
    // Another enterprise's profile, from a submission not purged, keeps its contact.
    expect(await getEnterpriseProfile('91350100M000100Y43')).toMatchObject({ contactPhone: '13812345678' });
    await forgetContacts([]);
  });

  it('keeps a contact given again by a later intake when the earlier submission is purged', async () => {
    await rememberEnterprise(FULL, FIRST);
    await rememberEnterprise(FULL, SECOND);
    await forgetContacts([FIRST]);
    expect(await getEnterpriseProfile(USCC)).toMatchObject({ contactPhone: '13812345678' });
  });
});
