import { describe, it, expect } from 'vitest';
import { DEMO_MATTERS } from '../../sync-server/src/demo/catalog';
import {
  conditionSchema,
  deriveChecklist,
  evaluateCondition,
  matterDocSchema,
  answerIssues,
  type Answers,
  type Condition,
  type MatterDoc,
} from './catalog';

// ---------------------------------------------------------------------------
// A small matter of our own, so the semantics do not depend on demo content
// ---------------------------------------------------------------------------

const YES_NO = [
  { value: 'yes', label: '是', labelEn: 'Yes' },
  { value: 'no', label: '否', labelEn: 'No' },
];

function fixture(): MatterDoc {
  return {
    _id: 'matter:fixture',
    type: 'matter',
    id: 'fixture',
    name: '测试事项',
    nameEn: 'Fixture matter',
    initials: 'csx',
    keywords: [],
    legalDays: 10,
    promisedDays: 5,
    commitmentText: '承诺',
    guide: { applicants: '任何人', conditions: [], legalBasis: ['某法'], fees: '不收费', resultDelivery: ['邮寄'] },
    questions: [
      {
        id: 'kind',
        text: '类型？',
        textEn: 'Kind?',
        options: [
          { value: 'a', label: '甲', labelEn: 'A' },
          { value: 'b', label: '乙', labelEn: 'B' },
          { value: 'c', label: '丙', labelEn: 'C' },
        ],
      },
      { id: 'extra', text: '是否附加？', textEn: 'Extra?', options: YES_NO, when: { question: 'kind', in: ['b', 'c'] } },
      { id: 'deep', text: '是否深入？', textEn: 'Deep?', options: YES_NO, when: { question: 'extra', equals: 'yes' } },
    ],
    materials: [
      { id: 'always', name: '总是', nameEn: 'Always', core: true },
      { id: 'only-a', name: '仅甲', nameEn: 'Only A', core: true, when: { question: 'kind', equals: 'a' } },
      { id: 'extra-doc', name: '附加', nameEn: 'Extra', core: false, when: { question: 'extra', equals: 'yes' } },
      { id: 'not-extra', name: '无附加', nameEn: 'No extra', core: false, when: { not: { question: 'extra', equals: 'yes' } } },
      { id: 'deep-doc', name: '深入', nameEn: 'Deep', core: true, when: { all: [{ question: 'kind', equals: 'c' }, { question: 'deep', equals: 'yes' }] } },
    ],
  };
}

const ids = (list: { id: string }[]) => list.map((x) => x.id);

// ---------------------------------------------------------------------------
// evaluateCondition
// ---------------------------------------------------------------------------

describe('evaluateCondition', () => {
  const answers: Answers = { kind: 'b', extra: 'yes' };
  const cases: [string, Condition, Answers, boolean][] = [
    ['equals holds', { question: 'kind', equals: 'b' }, answers, true],
    ['equals fails', { question: 'kind', equals: 'a' }, answers, false],
    ['equals on an unanswered question is false', { question: 'deep', equals: 'yes' }, answers, false],
    ['in holds', { question: 'kind', in: ['a', 'b'] }, answers, true],
    ['in fails', { question: 'kind', in: ['a', 'c'] }, answers, false],
    ['in on an unanswered question is false', { question: 'deep', in: ['yes', 'no'] }, answers, false],
    ['not of an unanswered question is true', { not: { question: 'deep', equals: 'yes' } }, answers, true],
    ['not of a true condition is false', { not: { question: 'kind', equals: 'b' } }, answers, false],
    ['all holds', { all: [{ question: 'kind', equals: 'b' }, { question: 'extra', equals: 'yes' }] }, answers, true],
    ['all fails on one', { all: [{ question: 'kind', equals: 'b' }, { question: 'extra', equals: 'no' }] }, answers, false],
    ['any holds on one', { any: [{ question: 'kind', equals: 'a' }, { question: 'extra', equals: 'yes' }] }, answers, true],
    ['any fails on none', { any: [{ question: 'kind', equals: 'a' }, { question: 'extra', equals: 'no' }] }, answers, false],
    [
      'nesting',
      { any: [{ not: { all: [{ question: 'kind', equals: 'b' }, { question: 'extra', equals: 'yes' }] } }, { question: 'deep', equals: 'no' }] },
      answers,
      false,
    ],
    ['inherited properties are not answers', { question: 'constructor', in: ['function Object() { [native code] }'] }, {}, false],
    ['a non-string value is no answer', { question: 'kind', equals: '1' }, { kind: 1 } as unknown as Answers, false],
  ];
  it.each(cases)('%s', (_name, cond, given, expected) => {
    expect(evaluateCondition(cond, given)).toBe(expected);
  });

  it('conditionSchema accepts every form and refuses mixed or empty ones', () => {
    for (const [name, cond] of cases) if (!name.startsWith('inherited')) expect(conditionSchema.safeParse(cond).success, name).toBe(true);
    expect(conditionSchema.safeParse({ question: 'kind', equals: 'a', in: ['a'] }).success).toBe(false);
    expect(conditionSchema.safeParse({ question: 'kind', in: [] }).success).toBe(false);
    expect(conditionSchema.safeParse({ all: [] }).success).toBe(false);
    expect(conditionSchema.safeParse({ any: [] }).success).toBe(false);
    expect(conditionSchema.safeParse({ not: {} }).success).toBe(false);
    expect(conditionSchema.safeParse({ question: 'Kind', equals: 'a' }).success).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// deriveChecklist on the fixture
// ---------------------------------------------------------------------------

describe('deriveChecklist', () => {
  const rows: { answers: Answers; materials: string[]; questions: string[]; unanswered: string[] }[] = [
    { answers: {}, materials: ['always', 'not-extra'], questions: ['kind'], unanswered: ['kind'] },
    { answers: { kind: 'a' }, materials: ['always', 'only-a', 'not-extra'], questions: ['kind'], unanswered: [] },
    { answers: { kind: 'b' }, materials: ['always', 'not-extra'], questions: ['kind', 'extra'], unanswered: ['extra'] },
    { answers: { kind: 'b', extra: 'no' }, materials: ['always', 'not-extra'], questions: ['kind', 'extra'], unanswered: [] },
    { answers: { kind: 'b', extra: 'yes' }, materials: ['always', 'extra-doc'], questions: ['kind', 'extra', 'deep'], unanswered: ['deep'] },
    { answers: { kind: 'b', extra: 'yes', deep: 'yes' }, materials: ['always', 'extra-doc'], questions: ['kind', 'extra', 'deep'], unanswered: [] },
    { answers: { kind: 'c', extra: 'yes', deep: 'yes' }, materials: ['always', 'extra-doc', 'deep-doc'], questions: ['kind', 'extra', 'deep'], unanswered: [] },
    // Answers to questions that do not apply are ignored, however deep the chain.
    { answers: { kind: 'a', extra: 'yes', deep: 'yes' }, materials: ['always', 'only-a', 'not-extra'], questions: ['kind'], unanswered: [] },
    { answers: { kind: 'c', extra: 'no', deep: 'yes' }, materials: ['always', 'not-extra'], questions: ['kind', 'extra'], unanswered: [] },
    // An answer that is not an option counts as unanswered, and so do its dependants.
    { answers: { kind: 'z', extra: 'yes' }, materials: ['always', 'not-extra'], questions: ['kind'], unanswered: ['kind'] },
    { answers: { kind: 'c', extra: 'maybe', deep: 'yes' }, materials: ['always', 'not-extra'], questions: ['kind', 'extra'], unanswered: ['extra'] },
    // Unknown question ids change nothing.
    { answers: { nope: 'yes', kind: 'a' }, materials: ['always', 'only-a', 'not-extra'], questions: ['kind'], unanswered: [] },
  ];
  it.each(rows)('$answers → $materials', ({ answers, materials, questions, unanswered }) => {
    const result = deriveChecklist(fixture(), answers);
    expect(ids(result.materials)).toEqual(materials);
    expect(ids(result.questions)).toEqual(questions);
    expect(result.unanswered).toEqual(unanswered);
  });

  it('is pure: same input, same output; the matter and the answers are not touched', () => {
    const matter = fixture();
    const before = JSON.stringify(matter);
    const answers = Object.freeze({ kind: 'c', extra: 'yes' });
    const first = deriveChecklist(matter, answers);
    const second = deriveChecklist(matter, answers);
    expect(second).toEqual(first);
    expect(first.materials).not.toBe(matter.materials);
    expect(JSON.stringify(matter)).toBe(before);
    // The returned materials are the catalog's own entries (no copies to drift).
    expect(first.materials[0]).toBe(matter.materials[0]);
  });

  it('answers default to none', () => {
    expect(deriveChecklist(fixture())).toEqual(deriveChecklist(fixture(), {}));
  });

  it('a matter without questions lists every material', () => {
    const matter = { ...fixture(), questions: [], materials: fixture().materials.filter((m) => !m.when) };
    expect(deriveChecklist(matter, { kind: 'a' })).toEqual({ materials: matter.materials, questions: [], unanswered: [] });
  });
});

// ---------------------------------------------------------------------------
// answerIssues
// ---------------------------------------------------------------------------

describe('answerIssues', () => {
  it('accepts valid answers, including answers to questions that do not currently apply', () => {
    expect(answerIssues(fixture(), {})).toEqual([]);
    expect(answerIssues(fixture(), { kind: 'a', extra: 'yes', deep: 'no' })).toEqual([]);
  });

  it('refuses non-string values', () => {
    expect(answerIssues(fixture(), { kind: 3 } as unknown as Answers)).toHaveLength(1);
  });

  it('names unknown questions and invalid options, for the UI to word in its language', () => {
    expect(answerIssues(fixture(), { kind: 'z', extra: 'yes', typo: 'yes', deep: 'maybe' })).toEqual([
      { kind: 'invalidOption', question: 'kind', value: 'z', expected: ['a', 'b', 'c'] },
      { kind: 'invalidOption', question: 'deep', value: 'maybe', expected: ['yes', 'no'] },
      { kind: 'unknownQuestion', question: 'typo' },
    ]);
    expect(answerIssues(fixture(), { kind: 'a' })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// matterDocSchema
// ---------------------------------------------------------------------------

describe('matterDocSchema', () => {
  const messagesOf = (doc: unknown): string[] => {
    const r = matterDocSchema.safeParse(doc);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts the fixture unchanged', () => {
    expect(matterDocSchema.parse(fixture())).toEqual(fixture());
  });

  it('accepts English twins of the guide’s lists that line up with the Chinese ones, and of the commitment', () => {
    const doc = fixture();
    doc.commitmentTextEn = 'Undertaking';
    doc.guide = { ...doc.guide, conditions: ['条件一', '条件二'], conditionsEn: ['First condition', 'Second condition'], legalBasisEn: ['A law'], resultDeliveryEn: ['By post'] };
    expect(messagesOf(doc)).toEqual([]);
    expect(matterDocSchema.parse(doc)).toEqual(doc);
    // Each twin is optional on its own.
    delete doc.guide.legalBasisEn;
    delete doc.commitmentTextEn;
    expect(messagesOf(doc)).toEqual([]);
  });

  const broken: [string, (m: MatterDoc) => void, RegExp][] = [
    ['a material condition on an unknown question', (m) => void (m.materials[1]!.when = { question: 'knid', equals: 'a' }), /materials\.1\.when\.question: .*unknown question "knid"/],
    ['a material condition on an unknown option', (m) => void (m.materials[1]!.when = { question: 'kind', equals: 'd' }), /materials\.1\.when\.equals: .*unknown option "d"/],
    ['an `in` with an unknown option', (m) => void (m.materials[1]!.when = { question: 'kind', in: ['a', 'x'] }), /materials\.1\.when\.in\.1: .*unknown option "x"/],
    [
      'an unknown question nested in all/any/not',
      (m) => void (m.materials[1]!.when = { all: [{ question: 'kind', equals: 'a' }, { any: [{ not: { question: 'ghost', equals: 'yes' } }] }] }),
      /materials\.1\.when\.all\.1\.any\.0\.not\.question: .*unknown question "ghost"/,
    ],
    ['a question depending on a later one', (m) => void (m.questions[0]!.when = { question: 'extra', equals: 'yes' }), /questions\.0\.when\.question: .*not declared before it/],
    ['a question depending on itself', (m) => void (m.questions[1]!.when = { question: 'extra', equals: 'yes' }), /questions\.1\.when\.question: .*not declared before it/],
    ['a question condition on an unknown option', (m) => void (m.questions[1]!.when = { question: 'kind', in: ['b', 'd'] }), /questions\.1\.when\.in\.1: .*unknown option "d"/],
    ['duplicate question ids', (m) => void (m.questions[2]!.id = 'extra'), /questions\.2\.id: duplicate question id "extra"/],
    ['duplicate option values', (m) => void (m.questions[0]!.options[2]!.value = 'a'), /questions\.0\.options\.2\.value: duplicate option "a"/],
    ['duplicate material ids', (m) => void (m.materials[2]!.id = 'always'), /materials\.2\.id: duplicate material id "always"/],
    ['an _id that is not matter:<id>', (m) => void (m._id = 'matter:other'), /_id: .*matter:fixture/],
    ['a promise longer than the law', (m) => void (m.promisedDays = 11), /promisedDays: /],
    ['upper-case initials', (m) => void (m.initials = 'CSX'), /initials: /],
    ['a single-option question', (m) => void m.questions[0]!.options.splice(1), /questions\.0\.options: /],
    ['a guide without legal basis', (m) => void (m.guide.legalBasis = []), /guide\.legalBasis: /],
    ['a 秒批 block without rules', (m) => void Object.assign(m, { autoApproval: { eligible: true } }), /autoApproval/],
    ['a missing guide', (m) => void delete (m as Partial<MatterDoc>).guide, /guide: /],
    ['conditionsEn longer than conditions', (m) => void (m.guide.conditionsEn = ['An extra condition']), /guide\.conditionsEn: .*one entry per entry of conditions \(0\), not 1/],
    [
      'conditionsEn shorter than conditions',
      (m) => void Object.assign(m.guide, { conditions: ['甲', '乙'], conditionsEn: ['A'] }),
      /guide\.conditionsEn: .*one entry per entry of conditions \(2\), not 1/,
    ],
    ['legalBasisEn longer than legalBasis', (m) => void (m.guide.legalBasisEn = ['A law', 'Another law']), /guide\.legalBasisEn: .*legalBasis \(1\), not 2/],
    ['an empty resultDeliveryEn', (m) => void (m.guide.resultDeliveryEn = []), /guide\.resultDeliveryEn: .*resultDelivery \(1\), not 0/],
    ['an empty English list item', (m) => void (m.guide.resultDeliveryEn = ['']), /guide\.resultDeliveryEn\.0: /],
    ['an English list that is not a list', (m) => void Object.assign(m.guide, { legalBasisEn: 'A law' }), /guide\.legalBasisEn: /],
    ['an empty commitmentTextEn', (m) => void (m.commitmentTextEn = ''), /commitmentTextEn: /],
  ];
  it.each(broken)('refuses %s', (_name, breakIt, message) => {
    const doc = fixture();
    breakIt(doc);
    const messages = messagesOf(doc);
    expect(messages.some((m) => message.test(m)), messages.join('\n')).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// The demo catalog: answers → exact checklists, for every matter with questions
// ---------------------------------------------------------------------------

const demo = (id: string): MatterDoc => {
  const m = DEMO_MATTERS.find((x) => x.id === id);
  if (!m) throw new Error(`demo matter ${id} missing`);
  return m;
};

const AGENT = ['power-of-attorney', 'agent-id'];
const FOOD_BASE = ['licence-application', 'entity-licence-copy', 'legal-rep-id', 'food-safety-rules', 'safety-officer-appointment'];
const PREP = ['process-flow', 'equipment-layout'];
const HYGIENE_BASE = ['licence-application', 'entity-licence-copy', 'legal-rep-id', 'premises-layout', 'hygiene-rules', 'staff-health-certificates', 'hygiene-test-report'];
const TALENT_BASE = ['application-form', 'applicant-id', 'household-register', 'labour-contract', 'social-insurance-record', 'tax-record'];

interface Row {
  answers: Answers;
  materials: string[];
  unanswered?: string[];
}

const TABLES: Record<string, Row[]> = {
  'company-establishment': [
    { answers: {}, materials: ['establishment-application', 'articles', 'officer-appointment', 'officer-id', 'premises-proof'], unanswered: ['shareholders', 'premises', 'agent'] },
    { answers: { shareholders: 'natural', premises: 'owned', agent: 'no' }, materials: ['establishment-application', 'articles', 'shareholder-id', 'officer-appointment', 'officer-id', 'premises-proof'], unanswered: [] },
    { answers: { shareholders: 'entity', premises: 'leased', agent: 'no' }, materials: ['establishment-application', 'articles', 'entity-shareholder-proof', 'officer-appointment', 'officer-id', 'premises-proof', 'lease-contract'] },
    {
      answers: { shareholders: 'mixed', premises: 'leased', agent: 'yes' },
      materials: ['establishment-application', 'articles', 'shareholder-id', 'entity-shareholder-proof', 'officer-appointment', 'officer-id', 'premises-proof', 'lease-contract', ...AGENT],
    },
  ],
  'business-scope-change': [
    { answers: {}, materials: ['change-application', 'shareholder-resolution', 'articles-amendment', 'licence-original'], unanswered: ['prior-approval', 'agent'] },
    { answers: { 'prior-approval': 'no', agent: 'no' }, materials: ['change-application', 'shareholder-resolution', 'articles-amendment', 'licence-original'], unanswered: [] },
    { answers: { 'prior-approval': 'yes' }, materials: ['change-application', 'shareholder-resolution', 'articles-amendment', 'prior-approval-document', 'licence-original'] },
    { answers: { agent: 'yes' }, materials: ['change-application', 'shareholder-resolution', 'articles-amendment', 'licence-original', ...AGENT] },
  ],
  'legal-rep-change': [
    { answers: {}, materials: ['change-application', 'appointment-document', 'new-rep-id', 'licence-original'] },
    { answers: { 'articles-change': 'no' }, materials: ['change-application', 'appointment-document', 'new-rep-id', 'licence-original'] },
    { answers: { 'articles-change': 'yes', agent: 'yes' }, materials: ['change-application', 'appointment-document', 'new-rep-id', 'articles-amendment', 'licence-original', ...AGENT], unanswered: [] },
  ],
  'licence-reissue': [
    { answers: {}, materials: ['reissue-application', 'loss-statement'], unanswered: ['reason'] },
    { answers: { reason: 'lost' }, materials: ['reissue-application', 'loss-statement'], unanswered: [] },
    { answers: { reason: 'damaged' }, materials: ['reissue-application', 'loss-statement', 'damaged-licence'], unanswered: [] },
    { answers: { reason: 'stolen' }, materials: ['reissue-application', 'loss-statement'], unanswered: ['reason'] },
  ],
  'company-deregistration': [
    { answers: {}, materials: ['deregistration-application', 'licence-original'], unanswered: ['procedure', 'licence-lost', 'agent'] },
    { answers: { procedure: 'simplified', 'licence-lost': 'no', agent: 'no' }, materials: ['deregistration-application', 'investor-commitment', 'licence-original'], unanswered: [] },
    { answers: { procedure: 'general' }, materials: ['deregistration-application', 'dissolution-resolution', 'liquidation-report', 'tax-clearance', 'licence-original'] },
    { answers: { procedure: 'general', 'licence-lost': 'yes' }, materials: ['deregistration-application', 'dissolution-resolution', 'liquidation-report', 'tax-clearance', 'licence-void-notice'] },
    { answers: { procedure: 'simplified', 'licence-lost': 'yes', agent: 'yes' }, materials: ['deregistration-application', 'investor-commitment', 'licence-void-notice', ...AGENT] },
  ],
  'food-business-licence': [
    { answers: {}, materials: FOOD_BASE, unanswered: ['business-type'] },
    { answers: { 'business-type': 'convenience-store' }, materials: [...FOOD_BASE, 'shop-layout'], unanswered: ['sales-mode', 'on-site-preparation'] },
    { answers: { 'business-type': 'convenience-store', 'sales-mode': 'retail', 'on-site-preparation': 'no' }, materials: [...FOOD_BASE, 'shop-layout'], unanswered: [] },
    { answers: { 'business-type': 'convenience-store', 'sales-mode': 'retail', 'on-site-preparation': 'yes' }, materials: [...FOOD_BASE, 'shop-layout', ...PREP] },
    { answers: { 'business-type': 'supermarket', 'sales-mode': 'wholesale', 'on-site-preparation': 'no' }, materials: [...FOOD_BASE, 'shop-layout', 'warehouse-description'] },
    {
      answers: { 'business-type': 'supermarket', 'sales-mode': 'wholesale-retail', 'on-site-preparation': 'yes' },
      materials: [...FOOD_BASE, 'shop-layout', 'warehouse-description', ...PREP],
      unanswered: [],
    },
    { answers: { 'business-type': 'catering' }, materials: [...FOOD_BASE, 'catering-floor-plan', ...PREP], unanswered: [] },
    // Switching from a shop to catering: the shop answers stay in the draft but no longer count.
    { answers: { 'business-type': 'catering', 'sales-mode': 'wholesale', 'on-site-preparation': 'yes' }, materials: [...FOOD_BASE, 'catering-floor-plan', ...PREP], unanswered: [] },
    { answers: { 'business-type': 'canteen' }, materials: [...FOOD_BASE, 'catering-floor-plan', ...PREP], unanswered: ['canteen-operator'] },
    { answers: { 'business-type': 'canteen', 'canteen-operator': 'self' }, materials: [...FOOD_BASE, 'catering-floor-plan', ...PREP], unanswered: [] },
    { answers: { 'business-type': 'canteen', 'canteen-operator': 'contracted' }, materials: [...FOOD_BASE, 'catering-floor-plan', ...PREP, 'catering-contract', 'contractor-licence'] },
    { answers: { 'business-type': 'bakery' }, materials: FOOD_BASE, unanswered: ['business-type'] },
  ],
  'public-place-hygiene-licence': [
    { answers: {}, materials: HYGIENE_BASE, unanswered: ['place-type', 'central-ac'] },
    { answers: { 'place-type': 'accommodation', 'central-ac': 'no' }, materials: [...HYGIENE_BASE, 'disinfection-facilities'], unanswered: [] },
    { answers: { 'place-type': 'bathing', 'central-ac': 'no' }, materials: [...HYGIENE_BASE, 'disinfection-facilities', 'water-quality-report'] },
    { answers: { 'place-type': 'swimming' }, materials: [...HYGIENE_BASE, 'water-quality-report'], unanswered: ['central-ac'] },
    { answers: { 'place-type': 'entertainment', 'central-ac': 'no' }, materials: HYGIENE_BASE },
    { answers: { 'place-type': 'beauty', 'central-ac': 'yes' }, materials: [...HYGIENE_BASE, 'disinfection-facilities', 'ventilation-report'] },
  ],
  'lease-registration': [
    { answers: {}, materials: ['registration-application', 'lease-contract', 'property-certificate', 'lessee-licence'], unanswered: ['lessor-type', 'sublease', 'agent'] },
    { answers: { 'lessor-type': 'individual', sublease: 'no', agent: 'no' }, materials: ['registration-application', 'lease-contract', 'property-certificate', 'lessee-licence', 'lessor-id'], unanswered: [] },
    {
      answers: { 'lessor-type': 'organisation', sublease: 'yes', agent: 'yes' },
      materials: ['registration-application', 'lease-contract', 'property-certificate', 'lessee-licence', 'lessor-licence', 'head-lease', 'sublease-consent', ...AGENT],
    },
  ],
  'social-insurance-registration': [
    { answers: {}, materials: ['registration-form', 'entity-licence-copy', 'legal-rep-id', 'bank-account', 'employee-list'], unanswered: ['housing-fund'] },
    { answers: { 'housing-fund': 'no' }, materials: ['registration-form', 'entity-licence-copy', 'legal-rep-id', 'bank-account', 'employee-list'], unanswered: [] },
    { answers: { 'housing-fund': 'yes' }, materials: ['registration-form', 'entity-licence-copy', 'legal-rep-id', 'bank-account', 'employee-list', 'housing-fund-form'] },
  ],
  'talent-introduction': [
    { answers: {}, materials: TALENT_BASE, unanswered: ['category', 'family'] },
    { answers: { category: 'degree' }, materials: [...TALENT_BASE, 'degree-certificate'], unanswered: ['overseas-degree', 'family'] },
    { answers: { category: 'degree', 'overseas-degree': 'no', family: 'no' }, materials: [...TALENT_BASE, 'degree-certificate', 'domestic-degree-verification'], unanswered: [] },
    { answers: { category: 'degree', 'overseas-degree': 'yes', family: 'yes' }, materials: [...TALENT_BASE, 'degree-certificate', 'overseas-degree-verification', 'marriage-certificate', 'dependant-documents'] },
    { answers: { category: 'skill', 'overseas-degree': 'yes', family: 'no' }, materials: [...TALENT_BASE, 'skill-certificate'], unanswered: [] },
    { answers: { category: 'high-level', family: 'no' }, materials: [...TALENT_BASE, 'degree-certificate', 'high-level-proof'], unanswered: [] },
  ],
  'residence-permit-points': [
    { answers: {}, materials: ['application-form', 'residence-permit', 'labour-contract', 'social-insurance-record'], unanswered: ['education', 'professional-title'] },
    { answers: { education: 'below-college', 'professional-title': 'no' }, materials: ['application-form', 'residence-permit', 'labour-contract', 'social-insurance-record'], unanswered: [] },
    { answers: { education: 'bachelor' }, materials: ['application-form', 'residence-permit', 'labour-contract', 'social-insurance-record', 'degree-certificate', 'degree-verification'] },
    {
      answers: { education: 'master-plus', 'professional-title': 'yes' },
      materials: ['application-form', 'residence-permit', 'labour-contract', 'social-insurance-record', 'degree-certificate', 'degree-verification', 'title-certificate'],
    },
  ],
};

describe('deriveChecklist on the demo catalog', () => {
  it('has a table for every demo matter with questions', () => {
    const questioned = DEMO_MATTERS.filter((m) => m.questions.length > 0).map((m) => m.id);
    expect(Object.keys(TABLES).sort()).toEqual(questioned.sort());
  });

  const rows = Object.entries(TABLES).flatMap(([id, table]) => table.map((row) => ({ id, ...row })));
  it.each(rows)('$id $answers', ({ id, answers, materials, unanswered }) => {
    const matter = demo(id);
    expect(answerIssues(matter, answers).length).toBe(Object.values(answers).some((v) => ['stolen', 'bakery'].includes(v)) ? 1 : 0);
    const result = deriveChecklist(matter, answers);
    expect(ids(result.materials)).toEqual(materials);
    if (unanswered) expect(result.unanswered).toEqual(unanswered);
  });
});

describe('a catalog newer than the app', () => {
  it('still reads a matter with fields this version does not know, without them', () => {
    const MATTER = fixture();
    const later = {
      ...structuredClone(MATTER),
      videoGuideUrl: 'https://example.org/guide.mp4',
      guide: { ...structuredClone(MATTER.guide), onlineHandling: true },
      questions: MATTER.questions.map((q) => ({ ...q, hintEn: 'later', options: q.options.map((o) => ({ ...o, icon: 'x' })) })),
      materials: MATTER.materials.map((m) => ({ ...m, templateUrl: 'https://example.org/t.pdf' })),
    };
    const parsed = matterDocSchema.safeParse(later);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(matterDocSchema.parse(MATTER));
    expect(parsed.data).not.toHaveProperty('videoGuideUrl');
  });

  it('still refuses a condition it cannot evaluate', () => {
    const odd = fixture() as { questions: { when?: unknown }[] };
    odd.questions[1]!.when = { question: 'kind', equals: 'b', unless: 'x' };
    expect(matterDocSchema.safeParse(odd).success).toBe(false);
  });
});
