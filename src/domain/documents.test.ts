import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ulid } from 'ulid';
import type { z } from 'zod';
import {
  BLOB_TYPES,
  MAX_BLOB_BYTES,
  checklistItemSchema,
  describeIssues,
  eventDocSchema,
  eventId,
  eventIdPattern,
  pageRefSchema,
  referencedBlobs,
  submissionDocSchema,
  type ChecklistItem,
  type EventDoc,
  type PageRef,
  type SubmissionDoc,
} from './documents';
import { makePickupCode, makeReceiptNo } from './receipt';

// ---------------------------------------------------------------------------
// Canonical valid values
// ---------------------------------------------------------------------------

const USCC = '91310106MA1FL4XQ0W';
const ID_NUMBER = '310106198503121238';
const STATION = 'jingan-hkri';
const SUB_ULID = ulid();
const SUBMISSION_ID = `submission:${SUB_ULID}`;

const sha = (c: string): string => c.repeat(64);
const page = (c: string, overrides: Partial<PageRef> = {}): PageRef => ({ sha256: sha(c), bytes: 204_800, type: 'image/jpeg', ...overrides });

function validSubmission(): SubmissionDoc {
  return {
    _id: SUBMISSION_ID,
    type: 'submission',
    schemaVersion: 1,
    stationId: STATION,
    matterId: 'business-change',
    matterName: '企业变更登记',
    enterprise: { uscc: USCC, name: '上海楼小二科技有限公司' },
    applicant: { name: '张三', idNumber: ID_NUMBER },
    items: [
      { materialId: 'application-form', name: '变更登记申请书', core: true, status: 'provided', pages: [page('a'), page('b', { type: 'application/pdf' })] },
      {
        materialId: 'lease-contract',
        name: '租赁合同',
        core: false,
        status: 'deficient',
        pages: [],
        commitment: { dueDate: '2025-07-15', text: '本人承诺于期限内补交租赁合同。', signature: page('c', { type: 'image/png' }) },
      },
    ],
    receiptNo: makeReceiptNo(STATION, new Date('2025-06-15T02:00:00Z'), new Uint8Array([1, 2, 3, 4, 5])),
    pickupCode: makePickupCode(new Uint8Array([0, 1, 2, 3])),
    createdAt: '2025-06-15T02:00:00.000Z',
    createdBy: 'clerk01',
    deviceId: 'device-0001',
  };
}

/** A deep copy of the canonical submission as a plain JSON object, so tests can break it freely. */
function rawSubmission(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(validSubmission())) as Record<string, unknown>;
}

function withPath(doc: Record<string, unknown>, path: readonly (string | number)[], value: unknown): Record<string, unknown> {
  let node: unknown = doc;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  const last = path[path.length - 1];
  if (last === undefined) throw new Error('empty path');
  if (value === undefined) delete (node as Record<string | number, unknown>)[last];
  else (node as Record<string | number, unknown>)[last] = value;
  return doc;
}

function issuesOf(schema: z.ZodType, value: unknown): { path: string; message: string }[] {
  const r = schema.safeParse(value);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

function rejectedAt(value: unknown, path: string): void {
  const issues = issuesOf(submissionDocSchema, value);
  expect(issues, 'expected the submission to be refused').not.toEqual([]);
  expect(issues.map((i) => i.path)).toContain(path);
}

// ---------------------------------------------------------------------------
// Submission schema
// ---------------------------------------------------------------------------

describe('submissionDocSchema: enterprise profile (一次采集)', () => {
  const PROFILE = { address: '上海市静安区南京西路1266号', legalRepresentative: '李四', contactName: '王五', contactPhone: '13812345678' };
  const withEnterprise = (over: Record<string, unknown>): Record<string, unknown> => {
    const doc = rawSubmission();
    doc.enterprise = { ...(doc.enterprise as Record<string, unknown>), ...over };
    return doc;
  };

  it('accepts a submission without the profile fields (older devices)', () => {
    expect(issuesOf(submissionDocSchema, rawSubmission())).toEqual([]);
  });

  it('accepts address, legal representative, contact person and phone', () => {
    const r = submissionDocSchema.safeParse(withEnterprise(PROFILE));
    expect(r.success).toBe(true);
    if (r.success) expect(r.data.enterprise).toMatchObject(PROFILE);
  });

  it.each(['13812345678', '+8613812345678', '86 13912345678', '021-62881234', '0755 8888888', '02162881234', '010-12345678-123'])('accepts the phone %s', (phone) => {
    expect(issuesOf(submissionDocSchema, withEnterprise({ contactPhone: phone }))).toEqual([]);
  });

  it.each(['12345678901', '1381234567', '138123456789', '62881234', '021-1234', 'tel:13812345678', '', '０２１-62881234', `021-62881234-${'1'.repeat(20)}`])('refuses the phone %j', (phone) => {
    rejectedAt(withEnterprise({ contactPhone: phone }), 'enterprise.contactPhone');
  });

  it('refuses empty or over-long text fields', () => {
    rejectedAt(withEnterprise({ address: '   ' }), 'enterprise.address');
    rejectedAt(withEnterprise({ address: '路'.repeat(201) }), 'enterprise.address');
    rejectedAt(withEnterprise({ legalRepresentative: '李'.repeat(51) }), 'enterprise.legalRepresentative');
    rejectedAt(withEnterprise({ contactName: '' }), 'enterprise.contactName');
    rejectedAt(withEnterprise({ contactName: 42 }), 'enterprise.contactName');
  });

  it('refuses unknown enterprise fields', () => {
    expect(issuesOf(submissionDocSchema, withEnterprise({ email: 'a@b.cn' }))).not.toEqual([]);
  });
});

describe('submissionDocSchema', () => {
  it('accepts the canonical submission unchanged', () => {
    const doc = validSubmission();
    const r = submissionDocSchema.safeParse(doc);
    expect(r.success ? [] : r.error.issues).toEqual([]);
    expect(r.data).toEqual(doc);
  });

  it('accepts first-revision replication meta fields', () => {
    const doc = { ...validSubmission(), _rev: '1-0123456789abcdef', _revisions: { start: 1, ids: ['0123456789abcdef'] } };
    expect(submissionDocSchema.safeParse(doc).success).toBe(true);
  });

  it('accepts instants with an offset and without milliseconds', () => {
    expect(submissionDocSchema.safeParse({ ...validSubmission(), createdAt: '2025-06-15T10:00:00+08:00' }).success).toBe(true);
    expect(submissionDocSchema.safeParse({ ...validSubmission(), createdAt: '2025-06-15T02:00:00Z' }).success).toBe(true);
  });

  it('rejects an invalid USCC (wrong check character, lower case, wrong length)', () => {
    for (const uscc of ['91310106MA1FL4XQ0X', '91310106ma1fl4xq0w', '91310106MA1FL4XQ0', '']) {
      rejectedAt(withPath(rawSubmission(), ['enterprise', 'uscc'], uscc), 'enterprise.uscc');
    }
  });

  it('rejects an invalid resident ID number (check digit, birth date, province, future)', () => {
    for (const id of ['310106198503121239', '310106198502301234', '990106198503121238', '310106299901011234', '31010619850312123']) {
      rejectedAt(withPath(rawSubmission(), ['applicant', 'idNumber'], id), 'applicant.idNumber');
    }
  });

  it('rejects a core material marked deficient, even with a commitment', () => {
    const doc = withPath(rawSubmission(), ['items', 0], {
      materialId: 'application-form',
      name: '变更登记申请书',
      core: true,
      status: 'deficient',
      pages: [],
      commitment: { dueDate: '2025-07-15', text: '承诺补交' },
    });
    const issues = issuesOf(submissionDocSchema, doc);
    expect(issues).toEqual([{ path: 'items.0', message: '变更登记申请书: a core material cannot be deficient (容缺)' }]);
  });

  it('rejects a deficient material without a commitment, and accepts it with one', () => {
    const doc = withPath(rawSubmission(), ['items', 1, 'commitment'], undefined);
    expect(issuesOf(submissionDocSchema, doc)).toEqual([{ path: 'items.1', message: '租赁合同: 容缺 needs a signed commitment' }]);
    // Positive control: an unsigned commitment is enough for the schema (the signature is optional).
    const unsigned = withPath(rawSubmission(), ['items', 1, 'commitment', 'signature'], undefined);
    expect(submissionDocSchema.safeParse(unsigned).success).toBe(true);
  });

  it('rejects a provided material without pages', () => {
    const doc = withPath(rawSubmission(), ['items', 0, 'pages'], []);
    expect(issuesOf(submissionDocSchema, doc)).toEqual([{ path: 'items.0', message: '变更登记申请书: a provided material needs at least one page' }]);
  });

  it('reports both problems of a core deficient material without a commitment', () => {
    const item = { materialId: 'x', name: '身份证', core: true, status: 'deficient', pages: [] };
    expect(issuesOf(checklistItemSchema, item).map((i) => i.message)).toEqual([
      '身份证: a core material cannot be deficient (容缺)',
      '身份证: 容缺 needs a signed commitment',
    ]);
  });

  it('rejects a bad sha256 (upper case, short, long, non-hex)', () => {
    for (const bad of ['A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64), `${'a'.repeat(63)} `]) {
      rejectedAt(withPath(rawSubmission(), ['items', 0, 'pages', 0, 'sha256'], bad), 'items.0.pages.0.sha256');
    }
    rejectedAt(withPath(rawSubmission(), ['items', 1, 'commitment', 'signature', 'sha256'], 'nope'), 'items.1.commitment.signature.sha256');
  });

  it('bounds page sizes: 1..MAX_BLOB_BYTES integers', () => {
    expect(MAX_BLOB_BYTES).toBe(10 * 1024 * 1024);
    expect(pageRefSchema.safeParse(page('a', { bytes: MAX_BLOB_BYTES })).success).toBe(true);
    expect(pageRefSchema.safeParse(page('a', { bytes: 1 })).success).toBe(true);
    for (const bytes of [MAX_BLOB_BYTES + 1, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(pageRefSchema.safeParse(page('a', { bytes })).success, `bytes ${bytes}`).toBe(false);
    }
    rejectedAt(withPath(rawSubmission(), ['items', 0, 'pages', 0, 'bytes'], MAX_BLOB_BYTES + 1), 'items.0.pages.0.bytes');
  });

  it('accepts exactly the four blob types', () => {
    for (const type of BLOB_TYPES) expect(pageRefSchema.safeParse(page('a', { type })).success).toBe(true);
    for (const type of ['image/gif', 'image/JPEG', 'text/plain', '']) {
      expect(pageRefSchema.safeParse({ ...page('a'), type }).success, type).toBe(false);
    }
  });

  it.each([
    [['extra'], 'top level'],
    [['enterprise', 'email'], 'enterprise'],
    [['applicant', 'phone'], 'applicant'],
    [['items', 0, 'note'], 'checklist item'],
    [['items', 0, 'pages', 0, 'name'], 'page ref'],
    [['items', 1, 'commitment', 'signedAt'], 'commitment'],
    [['_deleted'], 'meta (_deleted)'],
    [['_attachments'], 'meta (_attachments)'],
    [['_revisions', 'extra'], '_revisions'],
  ] as const)('rejects an unknown field %j (%s): objects are strict', (path, _where) => {
    const doc = rawSubmission();
    if (path[0] === '_revisions') doc._revisions = { start: 1, ids: ['abc'] };
    withPath(doc, path, path[0] === '_deleted' ? true : 'x');
    const issues = issuesOf(submissionDocSchema, doc);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.some((i) => /unrecognized key/i.test(i.message))).toBe(true);
  });

  it('rejects missing required fields and an empty checklist', () => {
    for (const key of ['_id', 'type', 'schemaVersion', 'stationId', 'enterprise', 'applicant', 'items', 'receiptNo', 'pickupCode', 'createdAt', 'createdBy', 'deviceId']) {
      expect(submissionDocSchema.safeParse(withPath(rawSubmission(), [key], undefined)).success, key).toBe(false);
    }
    rejectedAt(withPath(rawSubmission(), ['items'], []), 'items');
    rejectedAt(withPath(rawSubmission(), ['schemaVersion'], 2), 'schemaVersion');
    rejectedAt(withPath(rawSubmission(), ['type'], 'event'), 'type');
  });

  it('rejects ids not matching the patterns', () => {
    const badIds = [
      `submission:${SUB_ULID.toLowerCase()}`,
      `submission:${SUB_ULID.slice(0, 25)}`,
      `submission:${SUB_ULID}0`,
      `submission:${SUB_ULID.slice(0, 25)}U`, // U is not Crockford base32
      `submission:${SUB_ULID.slice(0, 25)}I`,
      `sub:${SUB_ULID}`,
      SUB_ULID,
      ` submission:${SUB_ULID}`,
    ];
    for (const id of badIds) rejectedAt(withPath(rawSubmission(), ['_id'], id), '_id');
    for (const stationId of ['Jingan-hkri', 'j', '1jingan', 'jingan_hkri', 'jingan hkri', `j${'a'.repeat(63)}`]) {
      rejectedAt(withPath(rawSubmission(), ['stationId'], stationId), 'stationId');
    }
    for (const matterId of ['Business', 'a_b', '', 'x'.repeat(65)]) rejectedAt(withPath(rawSubmission(), ['matterId'], matterId), 'matterId');
    for (const deviceId of ['short', 'dev ice-0001', 'd'.repeat(65)]) rejectedAt(withPath(rawSubmission(), ['deviceId'], deviceId), 'deviceId');
  });

  it('checks receipt numbers, pickup codes, dates and text bounds', () => {
    rejectedAt(withPath(rawSubmission(), ['receiptNo'], 'jing-20250615-0000'), 'receiptNo');
    rejectedAt(withPath(rawSubmission(), ['pickupCode'], '12345'), 'pickupCode');
    rejectedAt(withPath(rawSubmission(), ['pickupCode'], '1234567'), 'pickupCode');
    rejectedAt(withPath(rawSubmission(), ['createdAt'], '2025-06-15'), 'createdAt');
    rejectedAt(withPath(rawSubmission(), ['createdAt'], '2025-06-15 02:00:00'), 'createdAt');
    rejectedAt(withPath(rawSubmission(), ['items', 1, 'commitment', 'dueDate'], '2025-13-01'), 'items.1.commitment.dueDate');
    rejectedAt(withPath(rawSubmission(), ['items', 1, 'commitment', 'dueDate'], '2025-07-15T00:00:00Z'), 'items.1.commitment.dueDate');
    rejectedAt(withPath(rawSubmission(), ['enterprise', 'name'], '   '), 'enterprise.name');
    rejectedAt(withPath(rawSubmission(), ['applicant', 'name'], 'x'.repeat(51)), 'applicant.name');
    rejectedAt(withPath(rawSubmission(), ['createdBy'], ''), 'createdBy');
  });

  it('property: any receipt number and pickup code the device makes is accepted', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 5, maxLength: 5 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
        (r, p, date) => {
          const doc = { ...validSubmission(), receiptNo: makeReceiptNo(STATION, date, r), pickupCode: makePickupCode(p) };
          expect(submissionDocSchema.safeParse(doc).success).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: adding any unknown top-level field is refused', () => {
    const known = new Set(Object.keys(submissionDocSchema.shape));
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((k) => !known.has(k) && k !== '__proto__'),
        fc.jsonValue(),
        (key, value) => {
          const doc: Record<string, unknown> = { ...validSubmission(), [key]: value };
          expect(submissionDocSchema.safeParse(doc).success).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------
// Event schema
// ---------------------------------------------------------------------------

describe('eventDocSchema', () => {
  const base = {
    _id: eventId(SUBMISSION_ID, ulid()),
    type: 'event' as const,
    submissionId: SUBMISSION_ID,
    stationId: STATION,
    actor: 'clerk01',
    role: 'station' as const,
    at: '2025-06-15T02:00:00.000Z',
  };

  it('accepts each action with its own fields', () => {
    const events: EventDoc[] = [
      { ...base, action: 'submit' },
      { ...base, action: 'receive', role: 'system', actor: 'sync-server', serverAt: base.at, _id: eventId(SUBMISSION_ID, 'received') },
      { ...base, action: 'withdraw' },
      { ...base, action: 'withdraw', reason: '企业撤回' },
      { ...base, action: 'accept', role: 'hall' },
      { ...base, action: 'requestCorrection', role: 'hall', reason: '请补正', materialIds: ['lease-contract'] },
      { ...base, action: 'reject', role: 'hall', reason: '不予受理' },
      { ...base, action: 'supplement', items: [{ materialId: 'lease-contract', pages: [page('d')] }] },
    ];
    for (const e of events) {
      const r = eventDocSchema.safeParse(e);
      expect(r.success ? [] : r.error.issues, e.action).toEqual([]);
    }
  });

  it('is strict per action: fields of one action are refused on another', () => {
    expect(eventDocSchema.safeParse({ ...base, action: 'accept', reason: 'why' }).success).toBe(false);
    expect(eventDocSchema.safeParse({ ...base, action: 'submit', items: [] }).success).toBe(false);
    expect(eventDocSchema.safeParse({ ...base, action: 'submit', extra: 1 }).success).toBe(false);
  });

  it('requires the action-specific fields', () => {
    expect(eventDocSchema.safeParse({ ...base, action: 'reject' }).success).toBe(false);
    expect(eventDocSchema.safeParse({ ...base, action: 'reject', reason: '' }).success).toBe(false);
    expect(eventDocSchema.safeParse({ ...base, action: 'requestCorrection', reason: 'x' }).success).toBe(false);
    expect(eventDocSchema.safeParse({ ...base, action: 'supplement', items: [] }).success).toBe(false);
    expect(eventDocSchema.safeParse({ ...base, action: 'supplement', items: [{ materialId: 'x', pages: [] }] }).success).toBe(false);
    expect(eventDocSchema.safeParse({ ...base, action: 'teleport' }).success).toBe(false);
    expect(eventDocSchema.safeParse({ ...base, action: 'submit', role: 'superuser' }).success).toBe(false);
  });

  it('rejects event ids not matching the pattern', () => {
    const bad = [
      `event:${SUB_ULID}`,
      `event:${SUB_ULID}:`,
      `event:${SUB_ULID}:receive`,
      `event:${SUB_ULID}:${ulid().toLowerCase()}`,
      `event:submission:${SUB_ULID}:${ulid()}`,
      `evt:${SUB_ULID}:${ulid()}`,
    ];
    for (const _id of bad) expect(eventDocSchema.safeParse({ ...base, action: 'submit', _id }).success, _id).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

describe('eventId', () => {
  it('builds event:<submission ULID>:<suffix>', () => {
    const suffix = ulid();
    const id = eventId(SUBMISSION_ID, suffix);
    expect(id).toBe(`event:${SUB_ULID}:${suffix}`);
    const m = eventIdPattern.exec(id);
    expect(m?.[1]).toBe(SUB_ULID);
    expect(m?.[2]).toBe(suffix);
    expect(eventId(SUBMISSION_ID, 'received')).toBe(`event:${SUB_ULID}:received`);
    expect(eventIdPattern.test(eventId(SUBMISSION_ID, 'received'))).toBe(true);
  });

  it('property: every (submission ULID, event ULID) pair gives a valid event id naming the submission', () => {
    const crockford = fc.constantFrom(...'0123456789ABCDEFGHJKMNPQRSTVWXYZ'.split(''));
    const ulidArb = fc.string({ unit: crockford, minLength: 26, maxLength: 26 });
    fc.assert(
      fc.property(ulidArb, ulidArb, (s, e) => {
        const id = eventId(`submission:${s}`, e);
        const m = eventIdPattern.exec(id);
        expect(m?.[1]).toBe(s);
        expect(m?.[2]).toBe(e);
      }),
      { numRuns: 500 },
    );
  });
});

describe('referencedBlobs', () => {
  it('lists every page and commitment signature once', () => {
    const refs = referencedBlobs(validSubmission());
    expect(refs.map((r) => r.sha256).sort()).toEqual([sha('a'), sha('b'), sha('c')]);
    expect(refs.find((r) => r.sha256 === sha('c'))?.type).toBe('image/png');
  });

  it('dedupes pages shared between items and a signature that is also a page', () => {
    const items: ChecklistItem[] = [
      { materialId: 'a', name: 'A', core: true, status: 'provided', pages: [page('a'), page('b'), page('a')] },
      { materialId: 'b', name: 'B', core: false, status: 'provided', pages: [page('b')] },
      { materialId: 'c', name: 'C', core: false, status: 'deficient', pages: [], commitment: { dueDate: '2025-07-01', text: 't', signature: page('a') } },
      { materialId: 'd', name: 'D', core: false, status: 'deficient', pages: [], commitment: { dueDate: '2025-07-01', text: 't' } },
    ];
    const refs = referencedBlobs({ items });
    expect(refs).toHaveLength(2);
    expect(new Set(refs.map((r) => r.sha256))).toEqual(new Set([sha('a'), sha('b')]));
  });

  it('property: result is exactly the set of referenced hashes, without duplicates', () => {
    const hashArb = fc.constantFrom(...'0123456789abcdef'.split('')).map(sha);
    const itemArb = fc.record({
      pages: fc.array(hashArb, { maxLength: 5 }),
      signature: fc.option(hashArb, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(itemArb, { minLength: 1, maxLength: 8 }), (raw) => {
        const items: ChecklistItem[] = raw.map((r, i) => ({
          materialId: `m${i}`,
          name: `M${i}`,
          core: false,
          status: 'deficient',
          pages: r.pages.map((h) => ({ sha256: h, bytes: 1, type: 'image/jpeg' })),
          commitment: { dueDate: '2025-07-01', text: 't', ...(r.signature ? { signature: { sha256: r.signature, bytes: 1, type: 'image/png' as const } } : {}) },
        }));
        const expected = new Set(raw.flatMap((r) => [...r.pages, ...(r.signature ? [r.signature] : [])]));
        const got = referencedBlobs({ items }).map((r) => r.sha256);
        expect(got.length).toBe(new Set(got).size);
        expect(new Set(got)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('describeIssues', () => {
  function describeOf(value: unknown): string {
    const r = submissionDocSchema.safeParse(value);
    if (r.success) throw new Error('expected a parse failure');
    return describeIssues(r.error);
  }

  it('prefixes each issue with its dotted path', () => {
    expect(describeOf(withPath(rawSubmission(), ['enterprise', 'uscc'], 'X'))).toBe('enterprise.uscc: invalid unified social credit code');
    expect(describeOf(withPath(rawSubmission(), ['items', 0, 'pages', 1, 'sha256'], 'x'))).toBe('items.0.pages.1.sha256: sha256: 64 lower-case hex digits');
    expect(describeOf(withPath(rawSubmission(), ['items', 0, 'pages'], []))).toBe('items.0: 变更登记申请书: a provided material needs at least one page');
  });

  it('gives the bare message for root-level issues', () => {
    const text = describeOf({ ...rawSubmission(), extra: 1 });
    expect(text).toMatch(/^Unrecognized key/i);
    expect(text).toContain('extra');
    expect(describeOf('nope')).not.toContain(': :');
  });

  it('joins several issues with "; " and stops at five', () => {
    const two = withPath(withPath(rawSubmission(), ['enterprise', 'uscc'], 'X'), ['pickupCode'], '1');
    expect(describeOf(two).split('; ')).toHaveLength(2);
    const many: Record<string, unknown> = {};
    const text = describeOf(many);
    expect(text.split('; ')).toHaveLength(5);
  });
});
