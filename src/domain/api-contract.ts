/**
 * The sync-server's HTTP API, request and response bodies, as zod schemas. The server parses the requests
 * with them and types its answers with the inferred types; the app may parse the answers with the same
 * schemas (`api(…, schema)`). One definition, so the two sides cannot drift apart.
 */
import { z } from 'zod';
import { scheduleSchema } from './schedule';
import {
  ACCOUNT_PERMISSIONS,
  ACCOUNT_ROLES,
  bookingDocSchema,
  DELIVERY_METHODS,
  eventDocSchema,
  RATINGS,
  sha256Schema,
  submissionDocSchema,
} from './documents';
import { figureCountsSchema, submissionFactsSchema } from './five-figures';
import { dayNumberOf } from './china-time';
import { SUBMISSION_STATES, type SubmissionStatus } from './submission-machine';
import { calendarDocSchema, calendarYearInputSchema, departmentDocSchema, departmentInputSchema } from './calendar-data';

/** Every refusal: a machine word and a sentence for people. */
export const apiErrorSchema = z.object({ error: z.string(), reason: z.string() });
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

// ---------------------------------------------------------------------------------------------------------
// /api/session
// ---------------------------------------------------------------------------------------------------------

export const signInRequestSchema = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
export type SignInRequest = z.infer<typeof signInRequestSchema>;

/** Who is signed in, as the device keeps it (offline too). */
export const sessionInfoSchema = z.object({
  username: z.string(),
  role: z.enum(ACCOUNT_ROLES),
  station: z.string().optional(),
  uscc: z.string().optional(),
  stationName: z.string().optional(),
  displayName: z.string().optional(),
  expiresAt: z.string(),
  /** Days after the hall's decision that a station device keeps a submission's personal fields. Sessions
   * cached by an older app lack it. */
  purgeAfterDays: z.number().int().min(0).optional(),
  /** Permissions beyond the role (e.g. `catalog`), as granted when the session began. */
  permissions: z.array(z.enum(ACCOUNT_PERMISSIONS)).optional(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const okSchema = z.object({ ok: z.literal(true) });

// ---------------------------------------------------------------------------------------------------------
// The hall: queue, record, decisions, dashboard
// ---------------------------------------------------------------------------------------------------------

/** `incomplete`: documents arrived, some pages not yet. */
export const QUEUE_STATES = ['incomplete', ...SUBMISSION_STATES] as const;
export const queueStateSchema = z.enum(QUEUE_STATES);
export type QueueState = z.infer<typeof queueStateSchema>;

const autoApprovalSchema = z.object({ passed: z.boolean(), outcomes: z.array(z.object({ rule: z.string(), ok: z.boolean(), detail: z.string() })) });

/** One submission's projection in `lxe-queue`, as the hall's API returns it. */
export const queueItemSchema = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  type: z.literal('queueItem'),
  submissionId: z.string(),
  stationId: z.string(),
  matterId: z.string(),
  matterName: z.string(),
  enterpriseName: z.string(),
  uscc: z.string(),
  applicantName: z.string(),
  receiptNo: z.string(),
  state: queueStateSchema,
  createdAt: z.string(),
  receivedAt: z.string().nullable(),
  pages: z.number(),
  deficient: z.number(),
  missingBlobs: z.array(z.string()),
  /** 容缺 materials still outstanding. */
  outstanding: z.array(z.string()),
  departments: z.record(z.string(), z.enum(['pending', 'approved', 'denied'])),
  acceptedAt: z.string().nullable(),
  issuedAt: z.string().nullable(),
  /** Promised / legal due dates (CST YYYY-MM-DD), null before acceptance or while paused. */
  dueDate: z.string().nullable(),
  legalDueDate: z.string().nullable(),
  paused: z.boolean(),
  /** Sort key within a state: the due date once the clock runs, else when it arrived. */
  sortKey: z.string(),
  rating: z.string().nullable(),
  /** 秒批 outcome for eligible matters (failed rules send it to a person, with these reasons). */
  autoApproval: autoApprovalSchema.nullable(),
  /** SHA-256 of receipt number and pickup code: the public tracking check, without keeping the code. */
  pickupHash: z.string(),
  /** Set once issued / delivered (absent from projections written before they were kept). */
  certificateNo: z.string().optional(),
  delivery: z.object({ method: z.string(), reference: z.string() }).optional(),
  /** What the history says for the hall's own figures (five-figures.ts); projections written before them lack it. */
  facts: submissionFactsSchema.optional(),
  updatedAt: z.string(),
});
export type QueueItem = z.infer<typeof queueItemSchema>;

/** The queue's views (new, in correction, accepted, dispatched, due soon / overdue, done) and their states. */
export const QUEUE_VIEW_NAMES = ['incomplete', 'new', 'correction', 'accepted', 'dispatched', 'approved', 'dueSoon', 'overdue', 'done'] as const;
export type QueueView = (typeof QUEUE_VIEW_NAMES)[number];
export const QUEUE_VIEWS: Readonly<Record<string, readonly QueueState[]>> = {
  incomplete: ['incomplete'],
  new: ['received'],
  correction: ['correctionRequested'],
  accepted: ['accepted'],
  dispatched: ['dispatched'],
  approved: ['approved'],
  dueSoon: ['accepted', 'dispatched', 'approved'],
  overdue: ['accepted', 'dispatched', 'approved'],
  done: ['issued', 'delivered', 'rated', 'rejected', 'denied', 'withdrawn'],
} satisfies Record<QueueView, readonly QueueState[]>;

export const queueQuerySchema = z.object({
  view: z.enum(QUEUE_VIEW_NAMES).optional(),
  /** Backwards compatible single-state filter. */
  state: queueStateSchema.exclude(['submitted']).optional(),
  station: z.string().max(64).optional(),
  matter: z.string().max(64).optional(),
  uscc: z.string().max(18).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  skip: z.coerce.number().int().min(0).max(10_000).default(0),
  format: z.enum(['json', 'csv']).default('json'),
});
export type QueueQuery = z.infer<typeof queueQuerySchema>;

/** A queue row with the clock's flags as of the answer's `today`. */
export const queueRowSchema = queueItemSchema.extend({ overdue: z.boolean(), dueSoon: z.boolean() });
export type QueueRow = z.infer<typeof queueRowSchema>;
export const queuePageSchema = z.object({ items: z.array(queueRowSchema), hasMore: z.boolean(), today: z.string() });
export type QueuePage = z.infer<typeof queuePageSchema>;

/** The promised-time clock of one submission (`computeSla`'s result). */
export const slaSchema = z.object({
  dueDate: z.string(),
  legalDueDate: z.string(),
  usedWorkingDays: z.number(),
  remainingWorkingDays: z.number(),
  paused: z.boolean(),
  dueSoon: z.boolean(),
  /** Running: today is past the due date. Stopped: it finished late. */
  overdue: z.boolean(),
  /** The hall finished (issued or denied): the figures are final. */
  stopped: z.boolean(),
  /** Due dates after the years whose official holidays the server knows: counted with weekends only. */
  assumesWeekendsOnly: z.object({ dueDate: z.boolean(), legalDueDate: z.boolean() }),
});
export type Sla = z.infer<typeof slaSchema>;

const statusSchema = z.object({
  state: z.enum(SUBMISSION_STATES).optional(),
  departments: z.record(z.string(), z.enum(['pending', 'approved', 'denied'])),
  outstanding: z.array(z.string()),
  correction: z.object({ reason: z.string(), materialIds: z.array(z.string()) }).optional(),
  resumeState: z.enum(SUBMISSION_STATES).optional(),
  pauses: z.array(z.object({ from: z.string(), to: z.string().optional() })),
  receivedAt: z.string().optional(),
  acceptedAt: z.string().optional(),
  decidedAt: z.string().optional(),
  issuedAt: z.string().optional(),
  certificateNo: z.string().optional(),
  delivery: z.object({ method: z.string(), reference: z.string() }).optional(),
  rating: z.object({ rating: z.string(), comment: z.string().optional() }).optional(),
  updatedAt: z.string().optional(),
});
/** The folded status as the server computes it (`foldEvents`); JSON drops an undefined `state`, this restores it. */
export const submissionStatusSchema: z.ZodType<SubmissionStatus> = statusSchema.transform((s) => ({ ...s, state: s.state }));

/** `GET /api/hall/submissions/:id`: everything the hall's record view shows. */
export const hallRecordSchema = z.object({
  item: queueItemSchema,
  submission: submissionDocSchema,
  status: submissionStatusSchema,
  sla: slaSchema.nullable(),
  matter: z
    .object({
      name: z.string(),
      promisedDays: z.number(),
      legalDays: z.number(),
      /** The version whose materials follow: the one the submission was taken under, else the current one. */
      version: z.number().optional(),
      materials: z.array(z.object({ id: z.string(), name: z.string(), nameEn: z.string(), core: z.boolean(), pages: z.number().optional(), note: z.string().optional() })).optional(),
    })
    .nullable(),
  /** The station that took it in, by name in both languages (null if the station record is gone). */
  station: z.object({ id: z.string(), name: z.string(), nameEn: z.string() }).nullable(),
  timeline: z.array(z.object({ event: eventDocSchema, applied: z.boolean(), error: z.string().optional() })),
});
export type HallRecord = z.infer<typeof hallRecordSchema>;

/** The decision body a hall officer sends; the server adds who, when and where. */
export const decisionSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('accept') }),
  z.strictObject({ action: z.literal('requestCorrection'), reason: z.string(), materialIds: z.array(z.string()) }),
  z.strictObject({ action: z.literal('reject'), reason: z.string() }),
  z.strictObject({ action: z.literal('dispatch'), departments: z.array(z.string()) }),
  z.strictObject({ action: z.literal('departmentDecision'), department: z.string(), decision: z.enum(['approve', 'deny']), note: z.string().optional() }),
  z.strictObject({ action: z.literal('approve'), note: z.string().optional() }),
  z.strictObject({ action: z.literal('deny'), reason: z.string() }),
  z.strictObject({ action: z.literal('issue'), certificateNo: z.string().optional() }),
  z.strictObject({ action: z.literal('deliver'), method: z.enum(DELIVERY_METHODS), reference: z.string() }),
]);
export type Decision = z.infer<typeof decisionSchema>;

/** The decision as recorded (the event the server appended) and the status it led to. */
export const decisionResultSchema = z.object({ event: eventDocSchema, status: submissionStatusSchema });
export type DecisionResult = z.infer<typeof decisionResultSchema>;

/** The hall dashboard's figures. */
export const dashboardSchema = z.object({
  today: z.string(),
  byState: z.record(z.string(), z.number()),
  byStation: z.record(z.string(), z.record(z.string(), z.number())),
  receivedToday: z.number(),
  acceptedToday: z.number(),
  issuedToday: z.number(),
  open: z.number(),
  overdue: z.number(),
  dueSoon: z.number(),
  averageHandlingDays: z.number().nullable(),
  ratings: z.object({ good: z.number(), average: z.number(), bad: z.number() }),
  badRatings: z.array(z.object({ submissionId: z.string(), receiptNo: z.string(), stationId: z.string(), enterpriseName: z.string() })),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

/** The longest period the figures are asked for at once (days). */
export const FIGURES_MAX_DAYS = 3 * 366;
const chinaDateParam = z.string().refine((d) => dayNumberOf(d) !== undefined, 'a date YYYY-MM-DD');

/** `GET /api/hall/figures?from&to`: the submissions received from `from` to `to` (China dates, both included). */
export const fiveFiguresQuerySchema = z
  .object({ from: chinaDateParam, to: chinaDateParam })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] })
  .refine((q) => (dayNumberOf(q.to) ?? 0) - (dayNumberOf(q.from) ?? 0) < FIGURES_MAX_DAYS, { message: `at most ${FIGURES_MAX_DAYS} days at once`, path: ['to'] });
export type FiveFiguresQuery = z.infer<typeof fiveFiguresQuerySchema>;

/** One group's counts (a station by id, a matter by id with its recorded name). */
export const figuresRowSchema = z.object({ key: z.string(), name: z.string().optional(), counts: figureCountsSchema });
export type FiguresRow = z.infer<typeof figuresRowSchema>;

/** A period's figures: the whole, per station and per matter, as counts; the values are `FIGURES`' formulas. */
export const fiveFiguresSchema = z.object({
  from: z.string(),
  to: z.string(),
  total: figureCountsSchema,
  byStation: z.array(figuresRowSchema),
  byMatter: z.array(figuresRowSchema),
});
export type FiveFigures = z.infer<typeof fiveFiguresSchema>;

// ---------------------------------------------------------------------------------------------------------
// Public tracking, the enterprise, stations and bookings
// ---------------------------------------------------------------------------------------------------------

/** `GET /api/track`: progress without personal data. */
export const trackResultSchema = z.object({
  receiptNo: z.string(),
  matterName: z.string(),
  /** From the catalog, when it has one. */
  matterNameEn: z.string().optional(),
  state: z.enum(SUBMISSION_STATES).optional(),
  dueDate: z.string().nullable(),
  steps: z.array(z.object({ action: z.string(), at: z.string(), method: z.string().optional() })),
  outstanding: z.number(),
  canRate: z.boolean(),
  /** The issued certificate's number, once issued. */
  certificateNo: z.string().optional(),
  /** The courier's tracking number, once sent by post. */
  courierNo: z.string().optional(),
});
export type TrackResult = z.infer<typeof trackResultSchema>;

export const enterpriseSubmissionSchema = z.object({
  submissionId: z.string(),
  receiptNo: z.string(),
  matterName: z.string(),
  /** From the catalog, when it has one. */
  matterNameEn: z.string().optional(),
  state: queueStateSchema,
  createdAt: z.string(),
  dueDate: z.string().nullable(),
  rating: z.string().nullable(),
  outstanding: z.number(),
  /** The issued certificate's number, once issued. */
  certificateNo: z.string().optional(),
  /** The courier's tracking number, once sent by post. */
  courierNo: z.string().optional(),
});
export type EnterpriseSubmission = z.infer<typeof enterpriseSubmissionSchema>;
export const enterpriseSubmissionsSchema = z.object({ submissions: z.array(enterpriseSubmissionSchema) });

export const ratingRequestSchema = z.object({ rating: z.enum(RATINGS), comment: z.string().optional() });
export type RatingRequest = z.infer<typeof ratingRequestSchema>;

export const stationInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  nameEn: z.string(),
  kind: z.enum(['building', 'branch']),
  district: z.string(),
  buildings: z.array(z.string()),
  schedule: scheduleSchema.nullable(),
});
export type StationInfo = z.infer<typeof stationInfoSchema>;
export const stationsSchema = z.object({ stations: z.array(stationInfoSchema) });

export const slotSchema = z.object({ date: z.string(), start: z.string(), end: z.string() });
export const freeSlotSchema = slotSchema.extend({ remaining: z.number() });
export type FreeSlot = z.infer<typeof freeSlotSchema>;
export const slotsSchema = z.object({ slots: z.array(freeSlotSchema) });

export const bookingsSchema = z.object({ bookings: z.array(bookingDocSchema) });

/** Move a booking to another slot, or cancel it. */
export const bookingChangeSchema = z.union([z.object({ status: z.literal('cancelled') }), z.object({ date: z.string(), start: z.string() })]);
export type BookingChange = z.infer<typeof bookingChangeSchema>;

/** A booked (or cancelled) seat; a full slot answers 409 with `full` and the nearest free slots. */
export const bookingOutcomeSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('confirmed'), booking: bookingDocSchema }),
  z.object({ outcome: z.literal('cancelled'), booking: bookingDocSchema }),
  z.object({ outcome: z.literal('full'), error: z.literal('full'), reason: z.string(), alternatives: z.array(slotSchema) }),
]);
export type BookingOutcome = z.infer<typeof bookingOutcomeSchema>;

// ---------------------------------------------------------------------------------------------------------
// /api/blobs
// ---------------------------------------------------------------------------------------------------------

export const blobStoredSchema = z.object({ ok: z.literal(true), sha256: z.string(), stored: z.boolean() });
export type BlobStored = z.infer<typeof blobStoredSchema>;
export const presentRequestSchema = z.object({ hashes: z.array(sha256Schema).max(2000) });
export const presentSchema = z.object({ present: z.array(z.string()) });
export type Present = z.infer<typeof presentSchema>;

// ---------------------------------------------------------------------------------------------------------
// Catalog authoring (admin, or a hall account with the `catalog` permission)
// ---------------------------------------------------------------------------------------------------------

export const CATALOG_FILE_FORMAT = 'lxe-catalog';
export const CATALOG_FILE_FORMAT_VERSION = 1;

/**
 * The whole catalog as one JSON file (`GET`/`PUT /api/admin/catalog`, `export-catalog`/`import-catalog`). Matters
 * are checked one by one by the publish path (`matterDocSchema` and `publishIssues`), not here, so a bad file is
 * answered with every problem of every matter at once. In a file being imported `_id`, `type`, `_rev`, `version`
 * and `retired` of a matter may be left out (they are the server's); `version`/`publishedAt` are informative.
 */
export const catalogFileSchema = z.object({
  format: z.literal(CATALOG_FILE_FORMAT),
  formatVersion: z.literal(CATALOG_FILE_FORMAT_VERSION),
  version: z.number().int().min(0).optional(),
  publishedAt: z.string().optional(),
  matters: z.array(z.unknown()).min(1, 'a catalog needs at least one matter').max(5000),
});
export type CatalogFile = z.infer<typeof catalogFileSchema>;

/** `GET /api/admin/catalog?retired=1` adds the retired matters (the authoring screen lists them to bring back). */
export const catalogExportSchema = catalogFileSchema.extend({ retired: z.array(z.unknown()).optional() });

/** One reason a catalog or matter was refused: where (`matters.3.materials.0.name`) and what. */
export const catalogProblemSchema = z.object({ path: z.string(), message: z.string() });
export type CatalogProblem = z.infer<typeof catalogProblemSchema>;
/** 400 answer to a publish: every problem found; nothing was published. */
export const catalogRefusalSchema = apiErrorSchema.extend({ problems: z.array(catalogProblemSchema) });
export type CatalogRefusal = z.infer<typeof catalogRefusalSchema>;

/** Answer to a publish or retire: the catalog version now current, and what changed in it. */
export const catalogPublishedSchema = z.object({
  version: z.number().int().min(0),
  changed: z.array(z.string()),
  retired: z.array(z.string()),
  unchanged: z.number().int().min(0),
});
export type CatalogPublished = z.infer<typeof catalogPublishedSchema>;

/** `PUT /api/admin/accounts/:username/permissions` (admin only). */
export const permissionsRequestSchema = z.strictObject({ permissions: z.array(z.enum(ACCOUNT_PERMISSIONS)).max(ACCOUNT_PERMISSIONS.length) });
export type PermissionsRequest = z.infer<typeof permissionsRequestSchema>;

// ---------------------------------------------------------------------------------------------------------
// /api/admin/calendar, /api/admin/departments (admin, or the hall)
// ---------------------------------------------------------------------------------------------------------

/** `GET /api/admin/calendar`: the loaded years and how far the known calendar reaches. */
export const calendarListSchema = z.object({
  years: z.array(calendarDocSchema),
  /** The last year of the built-in data (the chinese-days package). */
  builtInUntil: z.number(),
  /** The last year of the known calendar: built-in data extended by loaded years without a gap. */
  coversUntil: z.number(),
});
export type CalendarList = z.infer<typeof calendarListSchema>;
/** `PUT /api/admin/calendar/:year` body (dates checked by `calendarYearIssues`, every reason in one 400). */
export const calendarPutRequestSchema = calendarYearInputSchema;
export const calendarPutResultSchema = z.object({ calendar: calendarDocSchema, coversUntil: z.number(), reprojected: z.number() });

/** `GET /api/admin/departments`. */
export const departmentListSchema = z.object({ departments: z.array(departmentDocSchema.pick({ id: true, name: true, nameEn: true, matters: true })) });
/** `PUT /api/admin/departments/:id` body. */
export const departmentPutRequestSchema = departmentInputSchema;
export const departmentPutResultSchema = z.object({ department: departmentDocSchema });
