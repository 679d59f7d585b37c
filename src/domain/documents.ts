/**
 * Replicated document model. These schemas are the contract between device, sync-server and
 * hall: the device builds documents with them, the proxy refuses anything that does not parse.
 * Ids are prefixed by type so one station database can hold every kind and range queries stay cheap.
 */
import { z } from 'zod';
import { isValidIdNumber, isValidUscc } from './ids';
import { BLOB_TYPES, ENTERPRISE_TEXT_MAX, isValidContactPhone, MAX_BLOB_BYTES } from './document-rules';
import { receiptNoFitsStation, receiptStationCode } from './receipt';

// Constants and pure helpers live in document-rules.ts without zod (the intake screen starts without the
// validator); re-exported here for everyone else.
export * from './document-rules';

/** ULID: 26 Crockford base32 chars; sortable by creation time, unique without coordination. */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
export const STATION_ID_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;
const ISO_INSTANT = z.iso.datetime({ offset: true });
const ISO_DATE = z.iso.date();

export const stationIdSchema = z.string().regex(STATION_ID_PATTERN, 'station id: lower-case letters, digits, -');
export const sha256Schema = z.string().regex(SHA256_PATTERN, 'sha256: 64 lower-case hex digits');
export const ulidSchema = z.string().regex(ULID_PATTERN, 'ULID expected');

/** Reference to a content-addressed blob held by the server (`PUT /api/blobs/<sha256>`). */
export const pageRefSchema = z.strictObject({
  sha256: sha256Schema,
  bytes: z.number().int().positive().max(MAX_BLOB_BYTES),
  type: z.enum(BLOB_TYPES),
});
export type PageRef = z.infer<typeof pageRefSchema>;

export const usccSchema = z.string().refine(isValidUscc, 'invalid unified social credit code');
export const idNumberSchema = z.string().refine(isValidIdNumber, 'invalid resident ID number');
const shortText = z.string().trim().min(1).max(200);

/** 告知承诺: promise to supply a missing non-core material by `dueDate`. */
export const commitmentSchema = z.strictObject({
  dueDate: ISO_DATE,
  text: z.string().min(1).max(2000),
  signature: pageRefSchema.optional(),
});
export type Commitment = z.infer<typeof commitmentSchema>;

export const checklistItemSchema = z
  .strictObject({
    materialId: z.string().regex(/^[a-z0-9-]{1,64}$/),
    name: shortText,
    core: z.boolean(),
    status: z.enum(['provided', 'deficient']),
    pages: z.array(pageRefSchema).max(100),
    commitment: commitmentSchema.optional(),
  })
  .superRefine((item, ctx) => {
    if (item.status === 'provided' && item.pages.length === 0) {
      ctx.addIssue({ code: 'custom', message: `${item.name}: a provided material needs at least one page` });
    }
    if (item.status === 'deficient') {
      if (item.core) ctx.addIssue({ code: 'custom', message: `${item.name}: a core material cannot be deficient (容缺)` });
      if (!item.commitment) ctx.addIssue({ code: 'custom', message: `${item.name}: 容缺 needs a signed commitment` });
    }
  });
export type ChecklistItem = z.infer<typeof checklistItemSchema>;

/** Replication meta fields a client may send; `_deleted` and `_attachments` are never accepted. */
const revMeta = {
  _rev: z.string().regex(/^\d+-[0-9a-f]{1,64}$/).optional(),
  _revisions: z.strictObject({ start: z.number().int().positive(), ids: z.array(z.string().max(64)).max(1000) }).optional(),
};

export const submissionIdPattern = /^submission:[0-9A-HJKMNP-TV-Z]{26}$/;

/** 代收: one intake of one matter for one enterprise. Immutable once written. */
export const submissionDocSchema = z.strictObject({
  _id: z.string().regex(submissionIdPattern),
  ...revMeta,
  type: z.literal('submission'),
  schemaVersion: z.literal(1),
  stationId: stationIdSchema,
  matterId: z.string().regex(/^[a-z0-9-]{1,64}$/),
  matterName: shortText,
  /** The matter's catalog version the intake was taken under (its materials are in the hall's history); absent on
   * submissions from before catalog versions. */
  matterVersion: z.number().int().positive().optional(),
  /** The enterprise; the profile fields (一次采集: address, legal representative, contact) are optional. */
  enterprise: z.strictObject({
    uscc: usccSchema,
    name: shortText,
    address: z.string().trim().min(1).max(ENTERPRISE_TEXT_MAX.address).optional(),
    legalRepresentative: z.string().trim().min(1).max(ENTERPRISE_TEXT_MAX.legalRepresentative).optional(),
    contactName: z.string().trim().min(1).max(ENTERPRISE_TEXT_MAX.contactName).optional(),
    contactPhone: z.string().refine(isValidContactPhone, 'contact phone: a mainland mobile or landline number').optional(),
  }),
  applicant: z.strictObject({ name: z.string().trim().min(1).max(50), idNumber: idNumberSchema }),
  /** 情景引导 answers that produced the checklist (question id → option value). */
  answers: z.record(z.string().regex(/^[a-z0-9-]{1,64}$/), z.string().max(64)).optional(),
  items: z.array(checklistItemSchema).min(1).max(100),
  receiptNo: z.string().regex(/^[0-9A-Z-]{8,40}$/),
  pickupCode: z.string().regex(/^\d{6}$/),
  createdAt: ISO_INSTANT,
  createdBy: z.string().min(1).max(64),
  deviceId: z.string().regex(/^[0-9A-Za-z-]{8,64}$/),
}).superRefine((doc, ctx) => {
  if (!receiptNoFitsStation(doc.receiptNo, doc.stationId)) {
    ctx.addIssue({ code: 'custom', path: ['receiptNo'], message: `must start with the station's code ${receiptStationCode(doc.stationId)}-` });
  }
});
export type SubmissionDoc = z.infer<typeof submissionDocSchema>;

export const ROLES = ['station', 'hall', 'admin', 'enterprise', 'system'] as const;
export type Role = (typeof ROLES)[number];
/** The roles a person signs in with (`system` is the server's own). */
export const ACCOUNT_ROLES = ['station', 'hall', 'admin', 'enterprise'] as const satisfies readonly Role[];
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
/** What an account may do beyond its role: `catalog` lets a hall officer author and publish the catalog. */
export const ACCOUNT_PERMISSIONS = ['catalog'] as const;
export type AccountPermission = (typeof ACCOUNT_PERMISSIONS)[number];

/**
 * Event id: `event:<submission ULID>:<ULID>` from devices. The server's own have fixed suffixes, so writing one
 * twice is a conflict in the store: `received` (receipt), `decision-<nnnn>` (the hall's n-th decision) and
 * `rating` (the enterprise's one rating); devices may not use them (authority.ts).
 */
export const eventIdPattern = /^event:([0-9A-HJKMNP-TV-Z]{26}):([0-9A-HJKMNP-TV-Z]{26}|received|rating|decision-\d{4})$/;

const eventBase = {
  _id: z.string().regex(eventIdPattern),
  ...revMeta,
  type: z.literal('event'),
  submissionId: z.string().regex(submissionIdPattern),
  stationId: stationIdSchema,
  actor: z.string().min(1).max(64),
  role: z.enum(ROLES),
  /** Device (or server) clock when the event was made. */
  at: ISO_INSTANT,
  /** Server clock; set on events the server writes. */
  serverAt: ISO_INSTANT.optional(),
};

const reasonText = z.string().trim().min(1).max(2000);
const materialIdList = z.array(z.string().regex(/^[a-z0-9-]{1,64}$/)).max(100);
export const DEPARTMENT_PATTERN = /^[a-z0-9-]{1,40}$/;
export const DELIVERY_METHODS = ['post', 'locker', 'pickup'] as const;
export const RATINGS = ['good', 'average', 'bad'] as const;

export const eventDocSchema = z.discriminatedUnion('action', [
  z.strictObject({ ...eventBase, action: z.literal('submit') }),
  z.strictObject({ ...eventBase, action: z.literal('receive') }),
  z.strictObject({ ...eventBase, action: z.literal('withdraw'), reason: z.string().max(500).optional() }),
  z.strictObject({ ...eventBase, action: z.literal('accept') }),
  /** 补正: names the materials to supply again and why. */
  z.strictObject({ ...eventBase, action: z.literal('requestCorrection'), reason: reasonText, materialIds: materialIdList }),
  z.strictObject({ ...eventBase, action: z.literal('reject'), reason: reasonText }),
  /** New pages: answers a correction, or fulfils a 容缺 commitment. */
  z.strictObject({
    ...eventBase,
    action: z.literal('supplement'),
    items: z.array(z.strictObject({ materialId: z.string().regex(/^[a-z0-9-]{1,64}$/), pages: z.array(pageRefSchema).min(1).max(100) })).min(1).max(100),
  }),
  /** 并联审批: sent to departments in parallel. */
  z.strictObject({ ...eventBase, action: z.literal('dispatch'), departments: z.array(z.string().regex(DEPARTMENT_PATTERN)).min(1).max(10) }),
  z.strictObject({
    ...eventBase,
    action: z.literal('departmentDecision'),
    department: z.string().regex(DEPARTMENT_PATTERN),
    decision: z.enum(['approve', 'deny']),
    note: z.string().max(2000).optional(),
  }),
  z.strictObject({ ...eventBase, action: z.literal('approve'), note: z.string().max(2000).optional() }),
  z.strictObject({ ...eventBase, action: z.literal('deny'), reason: reasonText }),
  /** 秒批: the rule outcomes are part of the record. */
  z.strictObject({
    ...eventBase,
    action: z.literal('autoApprove'),
    rules: z.array(z.strictObject({ rule: z.string().max(100), ok: z.boolean(), detail: z.string().max(500) })).max(50),
  }),
  z.strictObject({ ...eventBase, action: z.literal('issue'), certificateNo: z.string().trim().min(1).max(64) }),
  z.strictObject({
    ...eventBase,
    action: z.literal('deliver'),
    method: z.enum(DELIVERY_METHODS),
    /** Tracking number (post), locker code (locker) or pickup note (pickup). */
    reference: z.string().trim().min(1).max(64),
  }),
  z.strictObject({ ...eventBase, action: z.literal('rate'), rating: z.enum(RATINGS), comment: z.string().max(500).optional() }),
]);
export type EventDoc = z.infer<typeof eventDocSchema>;
export type EventAction = EventDoc['action'];

/** One-line summary of a zod error for API responses and UI messages. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export const BOOKING_KINDS = ['atStation', 'doorstep'] as const;
export const BOOKING_STATES = ['confirmed', 'cancelled', 'arrived', 'noShow'] as const;

/** What an enterprise asks for (the server adds ids, owner and outcome). */
const bookingRequestShape = z.strictObject({
  /** Idempotency key made on the device, so an offline booking replayed twice books once. */
  clientRef: ulidSchema,
  stationId: stationIdSchema,
  kind: z.enum(BOOKING_KINDS),
  date: ISO_DATE,
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  /** A matter, or none for general help. */
  matterId: z.string().regex(/^[a-z0-9-]{1,64}$/).optional(),
  note: z.string().max(500).optional(),
  contactName: z.string().trim().min(1).max(50),
  phone: z.string().refine(isValidContactPhone, 'a mainland mobile or landline number'),
  /** Doorstep visits: where to go. */
  building: z.string().max(100).optional(),
  floor: z.string().max(20).optional(),
  room: z.string().max(20).optional(),
  /** Book the same slot for the same matter although this enterprise already holds it (a second visitor). */
  again: z.literal(true).optional(),
});
const doorstepHasAddress = (b: { kind: string; building?: string | undefined; floor?: string | undefined; room?: string | undefined }, ctx: z.RefinementCtx): void => {
  if (b.kind === 'doorstep' && (!b.building || !b.floor || !b.room)) ctx.addIssue({ code: 'custom', message: 'a doorstep visit needs building, floor and room' });
};
export const bookingRequestSchema = bookingRequestShape.superRefine(doorstepHasAddress);
export type BookingRequest = z.infer<typeof bookingRequestSchema>;

/** 预约 as stored (in `lxe-bookings` and mirrored into the station's database, written by the server only). */
export const bookingDocSchema = bookingRequestShape.omit({ clientRef: true, again: true }).extend({
  _id: z.string().regex(/^booking:[0-9A-HJKMNP-TV-Z]{26}$/),
  _rev: z.string().optional(),
  type: z.literal('booking'),
  uscc: z.string(),
  enterpriseName: z.string(),
  username: z.string(),
  status: z.enum(BOOKING_STATES),
  end: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type BookingDoc = z.infer<typeof bookingDocSchema>;

/** Station staff mark a booking arrived or no-show (append-only, like events). */
export const bookingCheckSchema = z.strictObject({
  _id: z.string().regex(/^bookingcheck:[0-9A-HJKMNP-TV-Z]{26}:[0-9A-HJKMNP-TV-Z]{26}$/),
  ...revMeta,
  type: z.literal('bookingCheck'),
  bookingId: z.string().regex(/^booking:[0-9A-HJKMNP-TV-Z]{26}$/),
  stationId: stationIdSchema,
  status: z.enum(['arrived', 'noShow']),
  actor: z.string().min(1).max(64),
  at: ISO_INSTANT,
});
export type BookingCheckDoc = z.infer<typeof bookingCheckSchema>;
