/**
 * The catalog editor's form and the matter it stands for. The form keeps what people type (lists as lines,
 * conditions as "question = option" or JSON), and `candidateOf` turns it into the matter document; the same
 * domain checks the server runs on publish (`matterDocSchema`, `publishIssues`) list every problem before the
 * Publish button is enabled.
 */
import { matterDocSchema, publishIssues, type Condition, type MatterDoc } from '../../domain/catalog';

/** When a question is asked or a material needed: always, when one question has one answer, or any condition as JSON. */
export interface WhenForm {
  mode: 'always' | 'equals' | 'json';
  question: string;
  equals: string;
  json: string;
}

export interface OptionForm {
  value: string;
  label: string;
  labelEn: string;
}

export interface QuestionForm {
  id: string;
  text: string;
  textEn: string;
  options: OptionForm[];
  when: WhenForm;
}

export interface MaterialForm {
  id: string;
  name: string;
  nameEn: string;
  core: boolean;
  pages: number | null;
  note: string;
  noteEn: string;
  when: WhenForm;
}

/** 秒批 rules: the fixed ones as switches, answer rules as (question, accepted options). */
export interface RulesForm {
  allCorePresent: boolean;
  noDeficiency: boolean;
  validCodes: boolean;
  maxPagesPerMaterial: number | null;
  answerIn: { question: string; values: string[] }[];
}

type GuideText = 'applicants' | 'applicantsEn' | 'fees' | 'feesEn' | 'result' | 'resultEn';
type GuideList = 'conditions' | 'conditionsEn' | 'legalBasis' | 'legalBasisEn' | 'resultDelivery' | 'resultDeliveryEn';

export interface MatterForm {
  id: string;
  name: string;
  nameEn: string;
  initials: string;
  /** Comma- or 、-separated. */
  keywords: string;
  legalDays: number | null;
  promisedDays: number | null;
  commitmentText: string;
  commitmentTextEn: string;
  /** Text fields as typed; list fields one item a line. */
  guide: Record<GuideText | GuideList, string>;
  questions: QuestionForm[];
  materials: MaterialForm[];
  rules: RulesForm;
}

export interface FormProblem {
  path: string;
  message: string;
}

const LISTS: GuideList[] = ['conditions', 'conditionsEn', 'legalBasis', 'legalBasisEn', 'resultDelivery', 'resultDeliveryEn'];
const TEXTS: GuideText[] = ['applicants', 'applicantsEn', 'fees', 'feesEn', 'result', 'resultEn'];

export const always = (): WhenForm => ({ mode: 'always', question: '', equals: '', json: '' });
export const blankQuestion = (n: number): QuestionForm => ({
  id: `q${n}`,
  text: '',
  textEn: '',
  options: [
    { value: 'yes', label: '是', labelEn: 'Yes' },
    { value: 'no', label: '否', labelEn: 'No' },
  ],
  when: always(),
});
export const blankMaterial = (n: number): MaterialForm => ({ id: `material-${n}`, name: '', nameEn: '', core: true, pages: null, note: '', noteEn: '', when: always() });

export function blankForm(): MatterForm {
  return {
    id: '',
    name: '',
    nameEn: '',
    initials: '',
    keywords: '',
    legalDays: 20,
    promisedDays: 10,
    commitmentText: '申请人承诺：所缺材料将于约定期限内补齐；逾期未补齐的，同意按规定撤销受理。本人对所提交材料的真实性负责。',
    commitmentTextEn: '',
    guide: { applicants: '', applicantsEn: '', fees: '不收费', feesEn: 'Free of charge', result: '', resultEn: '', conditions: '', conditionsEn: '', legalBasis: '', legalBasisEn: '', resultDelivery: '窗口自取', resultDeliveryEn: 'Collection at the service window' },
    questions: [],
    materials: [blankMaterial(1)],
    rules: { allCorePresent: false, noDeficiency: false, validCodes: false, maxPagesPerMaterial: null, answerIn: [] },
  };
}

function whenForm(cond: Condition | undefined): WhenForm {
  if (!cond) return always();
  if ('equals' in cond) return { mode: 'equals', question: cond.question, equals: cond.equals, json: '' };
  return { mode: 'json', question: '', equals: '', json: JSON.stringify(cond) };
}

/** The form for a published matter. */
export function formOf(m: MatterDoc): MatterForm {
  const guide = Object.fromEntries([
    ...TEXTS.map((k) => [k, m.guide[k] ?? '']),
    ...LISTS.map((k) => [k, (m.guide[k] ?? []).join('\n')]),
  ]) as MatterForm['guide'];
  const rules = m.autoApproval?.rules ?? [];
  const maxPages = rules.find((r) => r.kind === 'maxPagesPerMaterial');
  return {
    id: m.id,
    name: m.name,
    nameEn: m.nameEn,
    initials: m.initials,
    keywords: m.keywords.join(', '),
    legalDays: m.legalDays,
    promisedDays: m.promisedDays,
    commitmentText: m.commitmentText,
    commitmentTextEn: m.commitmentTextEn ?? '',
    guide,
    questions: m.questions.map((q) => ({ id: q.id, text: q.text, textEn: q.textEn, options: q.options.map((o) => ({ ...o })), when: whenForm(q.when) })),
    materials: m.materials.map((x) => ({ id: x.id, name: x.name, nameEn: x.nameEn, core: x.core, pages: x.pages ?? null, note: x.note ?? '', noteEn: x.noteEn ?? '', when: whenForm(x.when) })),
    rules: {
      allCorePresent: rules.some((r) => r.kind === 'allCorePresent'),
      noDeficiency: rules.some((r) => r.kind === 'noDeficiency'),
      validCodes: rules.some((r) => r.kind === 'validCodes'),
      maxPagesPerMaterial: maxPages?.kind === 'maxPagesPerMaterial' ? maxPages.max : null,
      answerIn: rules.flatMap((r) => (r.kind === 'answerIn' ? [{ question: r.question, values: [...r.values] }] : [])),
    },
  };
}

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const optional = (text: string): string | undefined => text.trim() || undefined;

function conditionOf(w: WhenForm, path: string, problems: FormProblem[]): unknown {
  if (w.mode === 'always') return undefined;
  if (w.mode === 'equals') return { question: w.question, equals: w.equals };
  try {
    return JSON.parse(w.json) as unknown;
  } catch {
    problems.push({ path, message: 'not valid JSON (e.g. {"question":"q1","equals":"yes"})' });
    return undefined;
  }
}

/** The matter document the form stands for (not yet checked), and what could not even be read (bad JSON). */
export function candidateOf(f: MatterForm): { doc: Record<string, unknown>; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const guide: Record<string, unknown> = {};
  for (const k of TEXTS) if (optional(f.guide[k]) !== undefined || k === 'applicants' || k === 'fees') guide[k] = f.guide[k].trim();
  for (const k of LISTS) {
    const items = lines(f.guide[k]);
    // The Chinese lists are always there (conditions may be empty); an English twin only when written.
    if (items.length || !k.endsWith('En')) guide[k] = items;
  }
  const rules: unknown[] = [
    ...(f.rules.allCorePresent ? [{ kind: 'allCorePresent' }] : []),
    ...(f.rules.noDeficiency ? [{ kind: 'noDeficiency' }] : []),
    ...(f.rules.validCodes ? [{ kind: 'validCodes' }] : []),
    ...(f.rules.maxPagesPerMaterial ? [{ kind: 'maxPagesPerMaterial', max: f.rules.maxPagesPerMaterial }] : []),
    ...f.rules.answerIn.map((r) => ({ kind: 'answerIn', question: r.question, values: r.values })),
  ];
  const doc: Record<string, unknown> = {
    _id: `matter:${f.id.trim()}`,
    type: 'matter',
    id: f.id.trim(),
    name: f.name.trim(),
    nameEn: f.nameEn.trim(),
    initials: f.initials.trim(),
    keywords: f.keywords
      .split(/[,，、]/)
      .map((k) => k.trim())
      .filter(Boolean),
    legalDays: f.legalDays,
    promisedDays: f.promisedDays,
    commitmentText: f.commitmentText.trim(),
    ...(optional(f.commitmentTextEn) ? { commitmentTextEn: f.commitmentTextEn.trim() } : {}),
    guide,
    questions: f.questions.map((q, i) => {
      const when = conditionOf(q.when, `questions.${i}.when`, problems);
      return { id: q.id.trim(), text: q.text.trim(), textEn: q.textEn.trim(), options: q.options.map((o) => ({ value: o.value.trim(), label: o.label.trim(), labelEn: o.labelEn.trim() })), ...(when ? { when } : {}) };
    }),
    materials: f.materials.map((x, i) => {
      const when = conditionOf(x.when, `materials.${i}.when`, problems);
      return {
        id: x.id.trim(),
        name: x.name.trim(),
        nameEn: x.nameEn.trim(),
        core: x.core,
        ...(x.pages ? { pages: x.pages } : {}),
        ...(optional(x.note) ? { note: x.note.trim() } : {}),
        ...(optional(x.noteEn) ? { noteEn: x.noteEn.trim() } : {}),
        ...(when ? { when } : {}),
      };
    }),
    ...(rules.length ? { autoApproval: { rules } } : {}),
  };
  return { doc, problems };
}

/** Every problem with the form's matter, by the checks publishing runs; the matter when there are none. */
export function checkForm(f: MatterForm): { matter: MatterDoc | null; problems: FormProblem[] } {
  const { doc, problems } = candidateOf(f);
  const parsed = matterDocSchema.safeParse(doc);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ path: issue.path.map(String).join('.'), message: issue.message });
    return { matter: null, problems };
  }
  for (const issue of publishIssues(parsed.data)) problems.push({ path: issue.path.map(String).join('.'), message: issue.message });
  return { matter: problems.length ? null : parsed.data, problems };
}
