/**
 * The hall's own figures — Nanshan's "5 个 100%" (一号办, 一窗办, 一网办, 一次办, 阳光办) and the figures it reports
 * beside them (time limits cut, visits saved, 零跑动, 容缺, 秒批, on time) — defined once over what the product
 * records, for the server that counts and the client that shows and exports them.
 *
 * Each submission contributes its {@link SubmissionFacts} (what its history says: outcome, 补正 rounds, 容缺,
 * 秒批, delivery, rating, working days used); a group (a station, a matter, the whole period) is the sum of
 * its members' {@link FigureCounts}; each figure is a formula over those counts. Counts add up, so the server
 * keeps one small record per group however many submissions it reads.
 *
 * Where the data cannot tell a figure apart from the way the product works (every submission has a USCC and a
 * receipt number, is taken in at one window, is captured electronically), the figure is marked
 * `byConstruction`: it is 100 % because the product allows nothing else, and its definition says so.
 */
import { z } from 'zod';
import type { FiguresRow, FiveFigures } from './api-contract';
import { DELIVERY_METHODS, RATINGS } from './documents';

/** What one submission's history says, as far as the figures need it (kept on its queue projection). */
export const submissionFactsSchema = z.object({
  /** How it ended so far: approved (by a person or 秒批), denied, rejected, withdrawn — null while open. */
  outcome: z.enum(['approved', 'denied', 'rejected', 'withdrawn']).nullable(),
  /** Accepted (受理) by a person or by 秒批. */
  accepted: z.boolean(),
  autoApproved: z.boolean(),
  /** 补正 requests made (each asks the applicant to bring something again). */
  corrections: z.number().int().min(0),
  /** Materials taken in as 容缺 (missing, with a signed commitment). */
  deficient: z.number().int().min(0),
  /** 容缺 materials not yet supplied. */
  outstanding: z.number().int().min(0),
  /** Departments it was dispatched to (并联). */
  departments: z.number().int().min(0),
  delivery: z.enum(DELIVERY_METHODS).nullable(),
  rating: z.enum(RATINGS).nullable(),
  /** The matter's promised and legal time limits (working days), when the catalog knows the matter. */
  promisedDays: z.number().int().min(0).nullable(),
  legalDays: z.number().int().min(0).nullable(),
  /** Working days from acceptance to decision, 补正 pauses left out; null until decided after acceptance. */
  usedWorkingDays: z.number().int().min(0).nullable(),
});
export type SubmissionFacts = z.infer<typeof submissionFactsSchema>;

/** The counters a group of submissions adds up; every figure is a formula over them. */
export const COUNT_KEYS = [
  'received',
  'open',
  'accepted',
  'decided',
  'rejected',
  'withdrawn',
  'delivered',
  'deliveredNoCorrection',
  'zeroTrip',
  'rated',
  'good',
  'withDeficient',
  'deficientOutstanding',
  'autoApproved',
  'parallel',
  'timed',
  'onTime',
  'usedDays',
  'promisedDays',
  'legalDays',
  'visitsSaved',
] as const;
export type CountKey = (typeof COUNT_KEYS)[number];
export type FigureCounts = Record<CountKey, number>;
export const figureCountsSchema = z.object(Object.fromEntries(COUNT_KEYS.map((k) => [k, z.number().min(0)])) as Record<CountKey, z.ZodNumber>);

export const emptyCounts = (): FigureCounts => Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as FigureCounts;

/** Delivery that needs no trip by the applicant. */
const NO_TRIP_DELIVERY: readonly string[] = ['post', 'locker'];

/** One submission's contribution to its groups' counts. */
export function countsOf(f: SubmissionFacts): FigureCounts {
  const c = emptyCounts();
  c.received = 1;
  c.open = f.outcome === null ? 1 : 0;
  c.accepted = f.accepted ? 1 : 0;
  const decided = f.outcome === 'approved' || f.outcome === 'denied';
  c.decided = decided ? 1 : 0;
  c.rejected = f.outcome === 'rejected' ? 1 : 0;
  c.withdrawn = f.outcome === 'withdrawn' ? 1 : 0;
  const delivered = f.delivery !== null;
  c.delivered = delivered ? 1 : 0;
  c.deliveredNoCorrection = delivered && f.corrections === 0 ? 1 : 0;
  const noTrip = f.delivery !== null && NO_TRIP_DELIVERY.includes(f.delivery);
  c.zeroTrip = noTrip && f.corrections === 0 ? 1 : 0;
  c.rated = delivered && f.rating !== null ? 1 : 0;
  c.good = delivered && f.rating === 'good' ? 1 : 0;
  c.withDeficient = f.accepted && f.deficient > 0 ? 1 : 0;
  c.deficientOutstanding = f.accepted && f.outstanding > 0 ? 1 : 0;
  c.autoApproved = decided && f.autoApproved ? 1 : 0;
  c.parallel = f.departments >= 2 ? 1 : 0;
  if (decided && f.usedWorkingDays !== null && f.promisedDays !== null && f.legalDays !== null) {
    c.timed = 1;
    c.onTime = f.usedWorkingDays <= f.promisedDays ? 1 : 0;
    c.usedDays = f.usedWorkingDays;
    c.promisedDays = f.promisedDays;
    c.legalDays = f.legalDays;
  }
  // Against a counter that takes in only complete applications and hands results over in person: a 容缺
  // acceptance saves the trip back with the missing material before acceptance, post or locker the trip to collect.
  c.visitsSaved = (f.accepted && f.deficient > 0 ? 1 : 0) + (noTrip ? 1 : 0);
  return c;
}

/** `into` += `add`, in place (a group's running total). */
export function addCounts(into: FigureCounts, add: FigureCounts): FigureCounts {
  for (const k of COUNT_KEYS) into[k] += add[k];
  return into;
}

export const FIGURE_IDS = [
  'oneNumber',
  'oneWindow',
  'oneNet',
  'oneVisit',
  'sunshine',
  'zeroTrip',
  'onTime',
  'timeCut',
  'averageUsedDays',
  'averagePromisedDays',
  'averageLegalDays',
  'deficientShare',
  'autoApproved',
  'visitsSaved',
  'satisfaction',
] as const;
export type FigureId = (typeof FIGURE_IDS)[number];

export interface Figure {
  id: FigureId;
  /** `share`: a fraction 0…1; `days`: working days; `count`: a whole number. */
  kind: 'share' | 'days' | 'count';
  /** One of the "5 个 100%". */
  fiveHundred: boolean;
  /** 100 % because the product allows nothing else (see the definition); not a measure of the hall's work. */
  byConstruction: boolean;
  /** The counts it is computed from: numerator over denominator (a count: numerator only). */
  numerator: CountKey;
  denominator?: CountKey;
  /** The value, or null when the denominator is 0 (nothing to measure: shown as —, never as 0 % or 100 %). */
  value(c: FigureCounts): number | null;
}

const share = (n: CountKey, d: CountKey) => (c: FigureCounts): number | null => (c[d] > 0 ? c[n] / c[d] : null);
const average = share;

/** Every figure, in the order the dashboard shows them. Definitions in words: i18n `fiveFigures.definition.<id>`. */
export const FIGURES: readonly Figure[] = [
  { id: 'oneNumber', kind: 'share', fiveHundred: true, byConstruction: true, numerator: 'received', denominator: 'received', value: share('received', 'received') },
  { id: 'oneWindow', kind: 'share', fiveHundred: true, byConstruction: true, numerator: 'received', denominator: 'received', value: share('received', 'received') },
  { id: 'oneNet', kind: 'share', fiveHundred: true, byConstruction: true, numerator: 'received', denominator: 'received', value: share('received', 'received') },
  { id: 'oneVisit', kind: 'share', fiveHundred: true, byConstruction: false, numerator: 'deliveredNoCorrection', denominator: 'delivered', value: share('deliveredNoCorrection', 'delivered') },
  { id: 'sunshine', kind: 'share', fiveHundred: true, byConstruction: false, numerator: 'rated', denominator: 'delivered', value: share('rated', 'delivered') },
  { id: 'zeroTrip', kind: 'share', fiveHundred: false, byConstruction: false, numerator: 'zeroTrip', denominator: 'delivered', value: share('zeroTrip', 'delivered') },
  { id: 'onTime', kind: 'share', fiveHundred: false, byConstruction: false, numerator: 'onTime', denominator: 'timed', value: share('onTime', 'timed') },
  {
    id: 'timeCut',
    kind: 'share',
    fiveHundred: false,
    byConstruction: false,
    numerator: 'usedDays',
    denominator: 'legalDays',
    // 1 − used ÷ legal: a half means the hall took half the time the law allows.
    value: (c) => (c.legalDays > 0 ? 1 - c.usedDays / c.legalDays : null),
  },
  { id: 'averageUsedDays', kind: 'days', fiveHundred: false, byConstruction: false, numerator: 'usedDays', denominator: 'timed', value: average('usedDays', 'timed') },
  { id: 'averagePromisedDays', kind: 'days', fiveHundred: false, byConstruction: false, numerator: 'promisedDays', denominator: 'timed', value: average('promisedDays', 'timed') },
  { id: 'averageLegalDays', kind: 'days', fiveHundred: false, byConstruction: false, numerator: 'legalDays', denominator: 'timed', value: average('legalDays', 'timed') },
  { id: 'deficientShare', kind: 'share', fiveHundred: false, byConstruction: false, numerator: 'withDeficient', denominator: 'accepted', value: share('withDeficient', 'accepted') },
  { id: 'autoApproved', kind: 'share', fiveHundred: false, byConstruction: false, numerator: 'autoApproved', denominator: 'decided', value: share('autoApproved', 'decided') },
  { id: 'visitsSaved', kind: 'count', fiveHundred: false, byConstruction: false, numerator: 'visitsSaved', value: (c) => c.visitsSaved },
  { id: 'satisfaction', kind: 'share', fiveHundred: false, byConstruction: false, numerator: 'good', denominator: 'rated', value: share('good', 'rated') },
];

export const figure = (id: FigureId): Figure => FIGURES.find((f) => f.id === id)!;

/**
 * A figure's value as text, the same on screen and in the CSV: shares as percent with one decimal, days with
 * one decimal, counts whole; — when there is nothing to measure.
 */
export function figureText(f: Figure, c: FigureCounts): string {
  const v = f.value(c);
  if (v === null) return '—';
  if (f.kind === 'share') return `${(Math.round(v * 1000) / 10).toFixed(1)}%`;
  if (f.kind === 'days') return (Math.round(v * 10) / 10).toFixed(1);
  return String(v);
}

// ---------------------------------------------------------------------------------------------------------
// The report's CSV (the report itself, `GET /api/hall/figures`, is in api-contract.ts)
// ---------------------------------------------------------------------------------------------------------

const csvCell = (s: string): string => `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replaceAll('"', '""')}"`;

export interface CsvLabels {
  /** Header of the group column and of the received count. */
  group: string;
  received: string;
  station: string;
  matter: string;
  total: string;
  figure(id: FigureId): string;
}

/**
 * The report as CSV: one line per group (the whole period, each station, each matter) with the received
 * count and every figure as {@link figureText} shows it. UTF-8 with a BOM, so spreadsheet programs read the
 * Chinese names; CRLF line ends; every cell quoted and formula-like text neutralised.
 */
export function figuresCsv(report: FiveFigures, labels: CsvLabels, nameOf: (kind: 'station' | 'matter', row: FiguresRow) => string = (_k, r) => r.name ?? r.key): string {
  const header = [labels.group, '', labels.received, ...FIGURES.map((f) => labels.figure(f.id))];
  const line = (kind: string, name: string, c: FigureCounts): string[] => [kind, name, String(c.received), ...FIGURES.map((f) => figureText(f, c))];
  const lines = [
    header,
    line(labels.total, `${report.from} – ${report.to}`, report.total),
    ...report.byStation.map((r) => line(labels.station, nameOf('station', r), r.counts)),
    ...report.byMatter.map((r) => line(labels.matter, nameOf('matter', r), r.counts)),
  ];
  return '\ufeff' + lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
