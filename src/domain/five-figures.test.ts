import { describe, expect, it } from 'vitest';
import type { ChecklistItem, EventDoc } from './documents';
import type { FiveFigures } from './api-contract';
import { addCounts, countsOf, emptyCounts, figure, FIGURES, figuresCsv, figureText, type FigureCounts, type SubmissionFacts } from './five-figures';
import { submissionFacts } from './five-figures-facts';

// Hand-built histories. 2026-03-02 is a Monday with no holiday near it; times are UTC (10:00 in China).
const SUB = 'submission:01KQ0000000000000000000001';
let seq = 0;
function ev(action: EventDoc['action'], day: string, extra: Record<string, unknown> = {}): EventDoc {
  const role = action === 'submit' || action === 'supplement' || action === 'withdraw' ? 'station' : action === 'receive' || action === 'autoApprove' ? 'system' : action === 'rate' ? 'enterprise' : 'hall';
  const at = `${day}T02:00:00.000Z`;
  seq++;
  return { _id: `event:01KQ0000000000000000000001:${String(seq).padStart(4, '0')}`, type: 'event', submissionId: SUB, stationId: 's-one', actor: role, role, at, serverAt: at, action, ...extra } as EventDoc;
}
const provided: ChecklistItem = { materialId: 'application', name: '申请书', core: true, status: 'provided', pages: [{ sha256: 'a'.repeat(64), bytes: 10, type: 'image/jpeg' }] };
const deficientItem: ChecklistItem = { materialId: 'lease', name: '租赁合同', core: false, status: 'deficient', pages: [], commitment: { dueDate: '2026-03-10', text: '承诺补交' } };
const complete = { items: [provided] };
const withDeficient = { items: [provided, deficientItem] };
const matter = { promisedDays: 3, legalDays: 20 };

const submit = ev('submit', '2026-03-02');
const receive = ev('receive', '2026-03-02');
const accept = ev('accept', '2026-03-02');
const approve = (day: string): EventDoc => ev('approve', day);
const issue = (day: string): EventDoc => ev('issue', day, { certificateNo: 'ZS1' });
const deliver = (day: string, method: 'post' | 'locker' | 'pickup'): EventDoc => ev('deliver', day, { method, reference: 'R1' });
const correction = (day: string): EventDoc => ev('requestCorrection', day, { reason: '补', materialIds: ['application'] });
const supplement = (day: string, materialId = 'application'): EventDoc => ev('supplement', day, { items: [{ materialId, pages: [provided.pages[0]] }] });

const facts = (events: EventDoc[], sub: { items: ChecklistItem[] } = complete, m: typeof matter | null = matter): SubmissionFacts => submissionFacts(sub, events, m ?? undefined);
const sum = (...fs: SubmissionFacts[]): FigureCounts => fs.map(countsOf).reduce(addCounts, emptyCounts());
const value = (id: Parameters<typeof figure>[0], c: FigureCounts): number | null => figure(id).value(c);

describe('submissionFacts: what a history says', () => {
  it('straight through: accepted, approved in two working days, delivered by post, rated good', () => {
    const f = facts([submit, receive, accept, approve('2026-03-04'), issue('2026-03-04'), deliver('2026-03-05', 'post'), ev('rate', '2026-03-06', { rating: 'good' })]);
    expect(f).toEqual({ outcome: 'approved', accepted: true, autoApproved: false, corrections: 0, deficient: 0, outstanding: 0, departments: 0, delivery: 'post', rating: 'good', promisedDays: 3, legalDays: 20, usedWorkingDays: 2 });
    const c = countsOf(f);
    expect([c.delivered, c.deliveredNoCorrection, c.zeroTrip, c.rated, c.good, c.timed, c.onTime, c.visitsSaved]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('补正 then delivered: one correction round, so not 一次办 and not 零跑动; picked up, so no visit saved', () => {
    const f = facts([submit, receive, correction('2026-03-02'), supplement('2026-03-03'), ev('accept', '2026-03-03'), approve('2026-03-04'), issue('2026-03-04'), deliver('2026-03-05', 'pickup')]);
    expect(f.corrections).toBe(1);
    const c = countsOf(f);
    expect([c.delivered, c.deliveredNoCorrection, c.zeroTrip, c.visitsSaved, c.rated]).toEqual([1, 0, 0, 0, 0]);
  });

  it('a 补正 pause after acceptance does not count against the time used', () => {
    // Accepted Mon; 补正 Tue–Thu (paused Tue, Wed, Thu); decided Fri: one working day used.
    const f = facts([submit, receive, accept, correction('2026-03-03'), supplement('2026-03-05'), approve('2026-03-06')], complete, { promisedDays: 1, legalDays: 5 });
    expect(f.usedWorkingDays).toBe(1);
    expect(countsOf(f).onTime).toBe(1);
    // Without the pause the same decision is four days in: late.
    const late = facts([submit, receive, accept, approve('2026-03-06')], complete, { promisedDays: 1, legalDays: 5 });
    expect(late.usedWorkingDays).toBe(4);
    expect(countsOf(late).onTime).toBe(0);
  });

  it('容缺 outstanding: accepted with a missing material still owed, open', () => {
    const f = facts([submit, receive, accept], withDeficient);
    expect(f).toMatchObject({ outcome: null, accepted: true, deficient: 1, outstanding: 1 });
    const c = countsOf(f);
    expect([c.open, c.withDeficient, c.deficientOutstanding, c.visitsSaved, c.timed]).toEqual([1, 1, 1, 1, 0]);
    // Supplied later: still a 容缺 acceptance, nothing outstanding.
    const supplied = countsOf(facts([submit, receive, accept, supplement('2026-03-03', 'lease')], withDeficient));
    expect([supplied.withDeficient, supplied.deficientOutstanding]).toEqual([1, 0]);
  });

  it('秒批: approved by rule at once, counted as accepted, decided and on time with no day used', () => {
    const f = facts([submit, receive, ev('autoApprove', '2026-03-02', { rules: [{ rule: 'r', ok: true, detail: '' }] })]);
    expect(f).toMatchObject({ outcome: 'approved', accepted: true, autoApproved: true, usedWorkingDays: 0 });
    const c = countsOf(f);
    expect([c.decided, c.autoApproved, c.timed, c.onTime]).toEqual([1, 1, 1, 1]);
  });

  it('withdrawn and rejected: finished, never accepted, in no decided or delivered figure', () => {
    for (const [events, outcome] of [
      [[submit, receive, ev('withdraw', '2026-03-02')], 'withdrawn'],
      [[submit, receive, ev('reject', '2026-03-02', { reason: '不属于本厅' })], 'rejected'],
    ] as const) {
      const f = facts([...events]);
      expect(f.outcome).toBe(outcome);
      const c = countsOf(f);
      expect([c.received, c.open, c.accepted, c.decided, c.delivered, c[outcome]]).toEqual([1, 0, 0, 0, 0, 1]);
    }
  });

  it('not yet finished: received only, open, nothing to time', () => {
    const c = countsOf(facts([submit, receive]));
    expect([c.received, c.open, c.accepted, c.timed, c.visitsSaved]).toEqual([1, 1, 0, 0, 0]);
  });

  it('并联 denied by one department: decided as denied, a parallel case', () => {
    const f = facts([submit, receive, accept, ev('dispatch', '2026-03-02', { departments: ['fire', 'health'] }), ev('departmentDecision', '2026-03-03', { department: 'fire', decision: 'deny' })]);
    expect(f).toMatchObject({ outcome: 'denied', departments: 2, usedWorkingDays: 1 });
    expect(countsOf(f).parallel).toBe(1);
  });

  it('a matter the catalog no longer knows: decided but left out of the time figures', () => {
    const f = facts([submit, receive, accept, approve('2026-03-03')], complete, null);
    expect(f).toMatchObject({ usedWorkingDays: null, promisedDays: null });
    expect(countsOf(f).timed).toBe(0);
  });
});

describe('figures over a group', () => {
  const onTimePost = facts([submit, receive, accept, approve('2026-03-03'), issue('2026-03-03'), deliver('2026-03-04', 'locker'), ev('rate', '2026-03-05', { rating: 'bad' })]);
  const correctedPickup = facts([submit, receive, accept, correction('2026-03-03'), supplement('2026-03-04'), approve('2026-03-10'), issue('2026-03-10'), deliver('2026-03-11', 'pickup')]);
  const open = facts([submit, receive, accept], withDeficient);
  const c = sum(onTimePost, correctedPickup, open);

  it('the 5×100%: 一次办 and 阳光办 over the delivered; the three by construction are 100% of what was received', () => {
    expect(value('oneVisit', c)).toBe(1 / 2);
    expect(value('sunshine', c)).toBe(1 / 2);
    for (const id of ['oneNumber', 'oneWindow', 'oneNet'] as const) {
      expect(figure(id).byConstruction).toBe(true);
      expect(value(id, c)).toBe(1);
    }
    expect(FIGURES.filter((f) => f.fiveHundred).map((f) => f.id)).toEqual(['oneNumber', 'oneWindow', 'oneNet', 'oneVisit', 'sunshine']);
  });

  it('time: on time, average days used against promised and legal, and the cut against the legal limit', () => {
    // Used: 1 (Mon→Tue) and 4 (Mon 2nd→Tue 10th is six working days, Tue 3rd and Wed 4th paused: late).
    // Promised 3 each, legal 20 each.
    expect(c.timed).toBe(2);
    expect(c.usedDays).toBe(5);
    expect(value('onTime', c)).toBe(1 / 2);
    expect(value('averageUsedDays', c)).toBe(2.5);
    expect(value('averagePromisedDays', c)).toBe(3);
    expect(value('averageLegalDays', c)).toBe(20);
    expect(value('timeCut', c)).toBeCloseTo(1 - 5 / 40);
  });

  it('零跑动, 容缺, 秒批, visits saved, satisfaction', () => {
    expect(value('zeroTrip', c)).toBe(1 / 2);
    expect(value('deficientShare', c)).toBe(1 / 3);
    expect(value('autoApproved', c)).toBe(0);
    expect(value('visitsSaved', c)).toBe(2); // the locker delivery and the 容缺 acceptance
    expect(value('satisfaction', c)).toBe(0);
  });

  it('nothing to measure is —, never 0 % or 100 %', () => {
    const none = emptyCounts();
    for (const f of FIGURES.filter((x) => x.kind !== 'count')) {
      expect(f.value(none), f.id).toBeNull();
      expect(figureText(f, none)).toBe('—');
    }
    expect(figureText(figure('visitsSaved'), none)).toBe('0');
  });

  it('text: percent with one decimal, days with one decimal, counts whole', () => {
    expect(figureText(figure('deficientShare'), c)).toBe('33.3%');
    expect(figureText(figure('averageUsedDays'), c)).toBe('2.5');
    expect(figureText(figure('averageLegalDays'), c)).toBe('20.0');
    expect(figureText(figure('oneVisit'), c)).toBe('50.0%');
    expect(figureText(figure('visitsSaved'), c)).toBe('2');
  });
});

describe('figuresCsv', () => {
  const counts = sum(facts([submit, receive, accept, approve('2026-03-03'), issue('2026-03-03'), deliver('2026-03-04', 'post')]), facts([submit, receive]));
  const report: FiveFigures = {
    from: '2026-03-01',
    to: '2026-03-31',
    total: counts,
    byStation: [{ key: 's-one', counts }],
    byMatter: [{ key: 'food', name: '=食品"经营"许可', counts }],
  };
  const labels = { group: '分组', received: '收件', station: '站点', matter: '事项', total: '合计', figure: (id: string) => `名-${id}` };
  const csv = figuresCsv(report, labels);
  const rows = csv.slice(1).trimEnd().split('\r\n');

  it('starts with a BOM, ends lines with CRLF, one line per group after the header', () => {
    expect(csv.startsWith('\ufeff"分组"')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toBe(['分组', '', '收件', ...FIGURES.map((f) => `名-${f.id}`)].map((s) => `"${s}"`).join(','));
  });

  it('holds the same figure texts as the screen, per group', () => {
    const expected = ['"合计"', '"2026-03-01 – 2026-03-31"', '"2"', ...FIGURES.map((f) => `"${figureText(f, counts)}"`)].join(',');
    expect(rows[1]).toBe(expected);
    expect(rows[2]!.startsWith('"站点","s-one","2"')).toBe(true);
  });

  it('quotes and neutralises a name that looks like a formula', () => {
    expect(rows[3]!.startsWith(`"事项","'=食品""经营""许可","2"`)).toBe(true);
  });
});
