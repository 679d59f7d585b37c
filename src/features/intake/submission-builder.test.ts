/** The submission a draft becomes: checked against the domain's schema, with 容缺 items and their commitment. */
import { describe, expect, it } from 'vitest';
import { DEMO_MATTERS } from '../../../sync-server/src/demo/catalog';
import type { MatterDoc } from '../../domain/catalog';
import { submissionDocSchema } from '../../domain/documents';
import type { Draft, DraftPage } from '../../storage/db';
import { buildSubmission, type SubmissionContext } from './submission-builder';

const FOOD = DEMO_MATTERS.find((m) => m.id === 'food-business-licence') as MatterDoc;
const ANSWERS = { 'business-type': 'supermarket', 'sales-mode': 'retail', 'on-site-preparation': 'yes' };
const OFFICER = 'safety-officer-appointment';
let n = 1;
const page = (warnings?: string[]): DraftPage => ({ sha256: (n++).toString(16).padStart(64, '0'), bytes: 1000, type: 'image/jpeg', ...(warnings ? { warnings } : {}) });
const SIGNATURE: DraftPage = { sha256: 'f'.repeat(64), bytes: 800, type: 'image/png' };
const CTX: SubmissionContext = { now: new Date('2026-12-06T01:00:00+08:00'), createdBy: 'station', deviceId: 'device-0001', receiptRandom: new Uint8Array(5), pickupRandom: new Uint8Array(4) };

function draft(over: Partial<Draft> = {}): Draft {
  const materials = FOOD.materials.map((m) => m.id).filter((id) => id !== OFFICER);
  return {
    id: '01JTESTDRAFT0000000000000A',
    stationId: 'jingan-hkri',
    matterId: FOOD.id,
    uscc: ' 91310106ma1fl4xq0w ',
    enterpriseName: ' 上海示例超市有限公司 ',
    enterpriseAddress: '  ',
    contactPhone: ' 13800138000 ',
    applicantName: '王五',
    idNumber: '310106198503121238',
    pages: Object.fromEntries(materials.map((id) => [id, [page(['blurred'])]])),
    deficient: { [OFFICER]: '2026-12-20' },
    signature: SIGNATURE,
    answers: { ...ANSWERS, 'not-asked': 'x' },
    createdAt: CTX.now.toISOString(),
    updatedAt: CTX.now.toISOString(),
    ...over,
  };
}

describe('buildSubmission', () => {
  it('builds a document the schema accepts, normalised and trimmed, with only the answers asked', () => {
    const doc = submissionDocSchema.parse(buildSubmission(draft(), FOOD, CTX));
    expect(doc._id).toBe('submission:01JTESTDRAFT0000000000000A');
    expect(doc.enterprise).toEqual({ uscc: '91310106MA1FL4XQ0W', name: '上海示例超市有限公司', contactPhone: '13800138000' });
    expect(doc.answers).toEqual(ANSWERS);
    expect(doc.createdAt).toBe('2026-12-05T17:00:00.000Z');
    expect(doc.receiptNo).toContain('20261206'); // the day in China, where it was taken (still the 5th in UTC)
    expect(doc.items.flatMap((i) => i.pages).every((p) => !('warnings' in p))).toBe(true);
  });

  it('a material marked 容缺 without pages carries the commitment, its due date and the signature', () => {
    const doc = submissionDocSchema.parse(buildSubmission(draft(), FOOD, CTX));
    const officer = doc.items.find((i) => i.materialId === OFFICER);
    expect(officer?.status).toBe('deficient');
    expect(officer && 'commitment' in officer ? officer.commitment : undefined).toEqual({ dueDate: '2026-12-20', text: FOOD.commitmentText, signature: SIGNATURE });
    expect(doc.items.filter((i) => i.status === 'deficient')).toHaveLength(1);
  });

  it('pages win over 容缺: a material brought after all is provided', () => {
    const doc = submissionDocSchema.parse(buildSubmission(draft({ pages: { ...draft().pages, [OFFICER]: [page()] } }), FOOD, CTX));
    expect(doc.items.every((i) => i.status === 'provided')).toBe(true);
  });
});
