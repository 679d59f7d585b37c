import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { eventId, submissionDocSchema, type EventAction, type EventDoc, type Role, type SubmissionDoc } from './documents';
import { DAY_MS, DEFAULT_PURGE_AFTER_DAYS, isDue, maskIdNumber, maskName, planPurge, purgeAfterDays, purgedRecord, releasedAt } from './purge';

const ID_NUMBER = '310106198503121238';
const SIGNATURE = 'e'.repeat(64);
const PAGE = 'a'.repeat(64);
const NOW = new Date('2026-03-31T04:00:00.000Z');
const daysAgo = (days: number): string => new Date(NOW.getTime() - days * DAY_MS).toISOString();

function submission(over: Partial<SubmissionDoc> = {}): SubmissionDoc {
  const doc: SubmissionDoc = {
    _id: `submission:${ulid()}`,
    type: 'submission',
    schemaVersion: 1,
    stationId: 'jingan-hkri',
    matterId: 'licence-reissue',
    matterName: '营业执照补办',
    enterprise: { uscc: '91310106MA1FL4XQ0W', name: '上海示例科技有限公司' },
    applicant: { name: '张三丰', idNumber: ID_NUMBER },
    answers: { reason: 'lost' },
    items: [
      { materialId: 'reissue-application', name: '补领营业执照申请书', core: true, status: 'provided', pages: [{ sha256: PAGE, bytes: 1000, type: 'image/jpeg' }] },
      {
        materialId: 'loss-statement',
        name: '遗失声明',
        core: false,
        status: 'deficient',
        pages: [],
        commitment: { dueDate: '2026-04-30', text: '申请人承诺按期补齐。', signature: { sha256: SIGNATURE, bytes: 800, type: 'image/png' } },
      },
    ],
    receiptNo: 'JING-20260101-ABCDEFGH',
    pickupCode: '482913',
    createdAt: daysAgo(60),
    createdBy: 'station',
    deviceId: 'test-device-0001',
    ...over,
  };
  expect(submissionDocSchema.safeParse(doc).success).toBe(true);
  return doc;
}

const ROLE_OF: Partial<Record<EventAction, Role>> = { submit: 'station', withdraw: 'station', receive: 'system', autoApprove: 'system' };

function event(sub: SubmissionDoc, action: 'submit' | 'receive' | 'accept' | 'reject' | 'withdraw' | 'requestCorrection', at: string, role?: Role): EventDoc {
  const base = { _id: eventId(sub._id, ulid()), type: 'event' as const, submissionId: sub._id, stationId: sub.stationId, actor: 'x', role: role ?? ROLE_OF[action] ?? 'hall', at, serverAt: at };
  if (action === 'reject') return { ...base, action, reason: '不属于本事项' };
  if (action === 'requestCorrection') return { ...base, action, reason: '缺页', materialIds: ['loss-statement'] };
  return { ...base, action };
}

/** submit 40 days ago, received 39 days ago, then `last` at `at`. */
function history(sub: SubmissionDoc, last?: { action: 'accept' | 'reject' | 'withdraw' | 'requestCorrection'; at: string; role?: Role }): EventDoc[] {
  return [event(sub, 'submit', daysAgo(40)), event(sub, 'receive', daysAgo(39)), ...(last ? [event(sub, last.action, last.at, last.role)] : [])];
}

describe('masking', () => {
  it('keeps the first and last four characters of an ID number', () => {
    expect(maskIdNumber(ID_NUMBER)).toBe('3101**********1238');
    expect(maskIdNumber('44030519900101123X')).toBe('4403**********123X');
    expect(maskIdNumber('12345678')).toBe('********');
    expect(maskIdNumber(maskIdNumber(ID_NUMBER))).toBe('3101**********1238');
  });

  it('keeps the first character of a name', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('王')).toBe('*');
    expect(maskName(' 𠮷野家 ')).toBe('𠮷**');
  });
});

describe('policy', () => {
  it('takes the server’s whole number of days, else the default', () => {
    expect(purgeAfterDays(7)).toBe(7);
    expect(purgeAfterDays(0)).toBe(0);
    for (const bad of [undefined, null, -1, 1.5, '7', Number.NaN, 100_000]) expect(purgeAfterDays(bad)).toBe(DEFAULT_PURGE_AFTER_DAYS);
  });

  it('is due once the window has passed, to the millisecond', () => {
    const at = daysAgo(30);
    expect(isDue(at, NOW, 30)).toBe(true);
    expect(isDue(at, new Date(NOW.getTime() - 1), 30)).toBe(false);
    expect(isDue(NOW.toISOString(), NOW, 0)).toBe(true);
    expect(isDue('not a date', NOW, 0)).toBe(false);
  });
});

describe('releasedAt', () => {
  const sub = submission();

  it('is the hall’s acceptance, rejection or the withdrawal, on the server clock', () => {
    expect(releasedAt(sub, history(sub, { action: 'accept', at: daysAgo(31) }))).toBe(daysAgo(31));
    expect(releasedAt(sub, history(sub, { action: 'reject', at: daysAgo(5) }))).toBe(daysAgo(5));
    expect(releasedAt(sub, history(sub, { action: 'withdraw', at: daysAgo(2) }))).toBe(daysAgo(2));
  });

  it('is undefined while the hall has not decided, during 补正, or before the server confirmed receipt', () => {
    expect(releasedAt(sub, history(sub))).toBeUndefined();
    expect(releasedAt(sub, history(sub, { action: 'requestCorrection', at: daysAgo(35) }))).toBeUndefined();
    // Withdrawn before the server had it: the device may hold the only copy.
    expect(releasedAt(sub, [event(sub, 'submit', daysAgo(40)), event(sub, 'withdraw', daysAgo(39))])).toBeUndefined();
  });

  it('ignores an acceptance the hall did not make (e.g. forged on the device)', () => {
    expect(releasedAt(sub, history(sub, { action: 'accept', at: daysAgo(31), role: 'station' }))).toBeUndefined();
  });
});

describe('purgedRecord', () => {
  const sub = submission();
  const record = purgedRecord(sub, daysAgo(31), NOW);

  it('keeps no contact person, phone or other enterprise profile field (一次采集)', () => {
    const withProfile = { ...sub, enterprise: { ...sub.enterprise, address: '上海市静安区南京西路1266号', legalRepresentative: '李四', contactName: '王五', contactPhone: '13812345678' } };
    const kept = purgedRecord(withProfile, daysAgo(31), NOW);
    expect(kept.enterprise).toEqual({ uscc: sub.enterprise.uscc, name: sub.enterprise.name });
    expect(JSON.stringify(kept)).not.toContain('13812345678');
  });

  it('keeps what staff recognise the item by', () => {
    expect(record).toMatchObject({
      _id: sub._id,
      type: 'purgedSubmission',
      receiptNo: 'JING-20260101-ABCDEFGH',
      matterName: '营业执照补办',
      enterprise: { uscc: '91310106MA1FL4XQ0W', name: '上海示例科技有限公司' },
      applicant: { name: '张**', idNumber: '3101**********1238' },
      releasedAt: daysAgo(31),
      purgedAt: NOW.toISOString(),
    });
    expect(record.items.map((i) => [i.materialId, i.status, i.pages.length])).toEqual([
      ['reissue-application', 'provided', 1],
      ['loss-statement', 'deficient', 0],
    ]);
    expect(record.items[1]?.commitment).toEqual({ dueDate: '2026-04-30', text: '申请人承诺按期补齐。' });
  });

  it('holds no ID number, full name, pickup code, signature or device id', () => {
    const text = JSON.stringify(record);
    for (const gone of [ID_NUMBER, '张三丰', '482913', SIGNATURE, 'test-device-0001']) expect(text).not.toContain(gone);
    expect(submissionDocSchema.safeParse(record).success).toBe(false);
  });
});

describe('planPurge', () => {
  it('picks the submissions decided at least N days ago, with their pages and signature', () => {
    const old = submission();
    const recent = submission();
    const open = submission();
    const rejected = submission();
    const events = [
      ...history(old, { action: 'accept', at: daysAgo(31) }),
      ...history(recent, { action: 'accept', at: daysAgo(29) }),
      ...history(open),
      ...history(rejected, { action: 'reject', at: daysAgo(30) }),
    ];
    const plan = planPurge({ submissions: [old, recent, open, rejected], events, bookings: [] }, NOW, 30);
    expect(plan.submissions.map((s) => s._id).sort()).toEqual([old._id, rejected._id].sort());
    expect(plan.hashes.sort()).toEqual([PAGE, SIGNATURE]);
    expect(planPurge({ submissions: [old, recent, open], events, bookings: [] }, NOW, 0).submissions.map((s) => s._id).sort()).toEqual([old._id, recent._id].sort());
    expect(planPurge({ submissions: [old], events: [], bookings: [] }, NOW, 0).submissions).toEqual([]);
  });

  it('picks the bookings whose day ended at least N days ago (China time)', () => {
    const bookings = [
      { _id: 'booking:A', date: '2026-02-27' },
      { _id: 'booking:B', date: '2026-03-30' },
      { _id: 'booking:C', date: '2026-03-31' },
    ];
    // NOW is 12:00 on 31 March in Shanghai: 30 March ended at 00:00 today.
    expect(planPurge({ submissions: [], events: [], bookings }, NOW, 0).bookingIds).toEqual(['booking:A', 'booking:B']);
    expect(planPurge({ submissions: [], events: [], bookings }, NOW, 30).bookingIds).toEqual(['booking:A']);
    expect(planPurge({ submissions: [], events: [], bookings }, NOW, 32).bookingIds).toEqual([]);
  });
});
