/**
 * The submission document a draft becomes, as a pure function of the draft, its matter and the moment: no
 * storage, no session, no randomness of its own (the caller passes the random bytes). The result is checked by
 * the domain's schema before anything is written.
 */
import { deriveChecklist } from '../../domain/catalog-rules';
import type { MatterDoc } from '../../domain/catalog';
import { normaliseIdNumber, normaliseUscc } from '../../domain/ids';
import { makePickupCode, makeReceiptNo } from '../../domain/receipt';
import type { Draft } from '../../storage/db';

export interface SubmissionContext {
  now: Date;
  /** The signed-in user who takes the intake. */
  createdBy: string;
  deviceId: string;
  /** Random bytes for the receipt number (5) and the pickup code (4). */
  receiptRandom: Uint8Array;
  pickupRandom: Uint8Array;
}

/** The submission for `d` (not yet validated: the schema decides whether it may be written). */
export function buildSubmission(d: Draft, m: MatterDoc, ctx: SubmissionContext): Record<string, unknown> {
  const checklist = deriveChecklist(m, d.answers);
  const signature = d.signature ? { sha256: d.signature.sha256, bytes: d.signature.bytes, type: d.signature.type } : undefined;
  return {
    _id: `submission:${d.id}`,
    type: 'submission',
    schemaVersion: 1,
    stationId: d.stationId,
    matterId: m.id,
    matterName: m.name,
    ...(m.version !== undefined ? { matterVersion: m.version } : {}),
    enterprise: {
      uscc: normaliseUscc(d.uscc),
      name: d.enterpriseName.trim(),
      ...optionalText({ address: d.enterpriseAddress, legalRepresentative: d.legalRepresentative, contactName: d.contactName, contactPhone: d.contactPhone }),
    },
    applicant: { name: d.applicantName.trim(), idNumber: normaliseIdNumber(d.idNumber) },
    // Only answers to questions that were asked: the record says what produced the checklist.
    answers: Object.fromEntries(checklist.questions.flatMap((q) => (d.answers[q.id] ? [[q.id, d.answers[q.id]!]] : []))),
    items: checklist.materials.map((mat) => {
      // Quality warnings stay on the device: the document carries what the server checks.
      const pages = (d.pages[mat.id] ?? []).map(({ sha256, bytes, type }) => ({ sha256, bytes, type }));
      if (pages.length || mat.core || d.deficient[mat.id] === undefined) return { materialId: mat.id, name: mat.name, core: mat.core, status: 'provided', pages };
      return { materialId: mat.id, name: mat.name, core: mat.core, status: 'deficient', pages, commitment: { dueDate: d.deficient[mat.id], text: m.commitmentText, ...(signature ? { signature } : {}) } };
    }),
    receiptNo: makeReceiptNo(d.stationId, ctx.now, ctx.receiptRandom),
    pickupCode: makePickupCode(ctx.pickupRandom),
    createdAt: ctx.now.toISOString(),
    createdBy: ctx.createdBy,
    deviceId: ctx.deviceId,
  };
}

/** The trimmed non-empty values of `fields` (empty ones are left out of the document). */
function optionalText<K extends string>(fields: Record<K, string | undefined>): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const [key, value] of Object.entries(fields) as [K, string | undefined][]) {
    const text = value?.trim();
    if (text) out[key] = text;
  }
  return out;
}
