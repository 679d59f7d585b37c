/**
 * 事项 catalog documents (`catalog` database, pull-only on devices). A matter carries its 服务指南 (`guide`),
 * its 情景引导 questions and the full list of its materials; `deriveChecklist` turns a matter and the answers
 * given so far into the exact 材料清单 and the questions still to ask.
 *
 * Conditions (`when`) decide whether a question is asked and whether a material is needed. They are small
 * boolean expressions over answers: `{question, equals}`, `{question, in}`, `{all}`, `{any}`, `{not}`.
 * An unanswered (or not asked) question has no value: `equals`/`in` on it are false, so `not` of them is true.
 * A question's condition may only refer to questions declared before it, so questions form an ordered,
 * acyclic flow and one pass in catalog order resolves them. `matterDocSchema` refuses a matter whose
 * conditions refer to unknown questions or options, so a catalog typo fails at parse time, not at the desk.
 */
import { z } from 'zod';
import { deriveChecklist, type Condition } from './catalog-rules';

// The rules (conditions, checklists, answer checks) live in catalog-rules.ts without zod, so the station's
// first screen can use them before the validator is loaded; they are re-exported here for everyone else.
export * from './catalog-rules';

const ID_PATTERN = /^[a-z0-9-]{1,64}$/;
const idSchema = z.string().regex(ID_PATTERN, 'id: 1–64 lower-case letters, digits, -');

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ question: idSchema, equals: idSchema }),
    z.strictObject({ question: idSchema, in: z.array(idSchema).min(1) }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

export const questionOptionSchema = z.object({
  value: idSchema,
  label: z.string().min(1),
  labelEn: z.string().min(1),
});
export type QuestionOption = z.infer<typeof questionOptionSchema>;

/** 情景引导 question: single choice. A yes/no question has the two options `yes` and `no`. */
export const questionSchema = z.object({
  id: idSchema,
  text: z.string().min(1),
  textEn: z.string().min(1),
  options: z.array(questionOptionSchema).min(2),
  /** Asked only when this holds (over the answers to earlier questions). */
  when: conditionSchema.optional(),
});
export type Question = z.infer<typeof questionSchema>;

export const materialSchema = z.object({
  id: idSchema,
  name: z.string().min(1),
  nameEn: z.string().min(1),
  /** 核心材料: may never be missing at intake. */
  core: z.boolean(),
  /** Expected number of pages (a hint for staff, not a limit). */
  pages: z.number().int().positive().optional(),
  note: z.string().min(1).optional(),
  noteEn: z.string().min(1).optional(),
  /** Needed only when this holds; always needed without it. */
  when: conditionSchema.optional(),
});
export type Material = z.infer<typeof materialSchema>;

/** One 秒批 rule. Declarative so the catalog, not code, says when a matter may be approved by rule. */
export const autoRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('allCorePresent') }),
  z.strictObject({ kind: z.literal('noDeficiency') }),
  z.strictObject({ kind: z.literal('validCodes') }),
  z.strictObject({ kind: z.literal('answerIn'), question: z.string().min(1), values: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ kind: z.literal('maxPagesPerMaterial'), max: z.number().int().positive() }),
]);
export type AutoRule = z.infer<typeof autoRuleSchema>;

/**
 * 服务指南: who may apply, on what conditions, on what legal basis, for what fee, and how the result is delivered.
 * The `…En` twins are optional (a guide written only in Chinese is still a guide); a list's twin translates it
 * item by item, so it has the same length (checked in `catalogIssues`).
 */
export const guideSchema = z.object({
  applicants: z.string().min(1),
  applicantsEn: z.string().min(1).optional(),
  conditions: z.array(z.string().min(1)),
  conditionsEn: z.array(z.string().min(1)).optional(),
  legalBasis: z.array(z.string().min(1)).min(1),
  legalBasisEn: z.array(z.string().min(1)).optional(),
  fees: z.string().min(1),
  feesEn: z.string().min(1).optional(),
  /** 办理结果, e.g. 营业执照. */
  result: z.string().min(1).optional(),
  resultEn: z.string().min(1).optional(),
  /** How the result reaches the applicant, e.g. 邮寄, 窗口自取, 智能柜自取, 电子证照. */
  resultDelivery: z.array(z.string().min(1)).min(1),
  resultDeliveryEn: z.array(z.string().min(1)).optional(),
});
export type MatterGuide = z.infer<typeof guideSchema>;

// Matters, their guide, questions, options and materials are read with plain (not strict) objects: fields a
// later catalog adds are dropped, not fatal, so a device whose app is older than the catalog keeps every matter
// (the catalog is written by the server only; devices never write it). Conditions and 秒批 rules stay strict:
// their shape is their meaning.
export const matterDocSchema = z
  .object({
    _id: z.string().regex(/^matter:[a-z0-9-]{1,64}$/),
    _rev: z.string().optional(),
    type: z.literal('matter'),
    id: idSchema,
    name: z.string().min(1),
    nameEn: z.string().min(1),
    /** Pinyin initials of `name`, lower case, Han characters only plus any ASCII letters/digits (食品经营许可 → `spjyxk`). */
    initials: z.string().regex(/^[a-z0-9]+$/, 'initials: lower-case pinyin initials'),
    keywords: z.array(z.string().min(1)),
    /** 法定时限 / 承诺时限, working days. */
    legalDays: z.number().int().positive(),
    promisedDays: z.number().int().positive(),
    /** 告知承诺 the applicant signs for 容缺 materials; the Chinese text is the binding one, stored with the submission. */
    commitmentText: z.string().min(1),
    /** Its English translation, shown for reference only (never signed, never stored with a submission). */
    commitmentTextEn: z.string().min(1).optional(),
    guide: guideSchema,
    questions: z.array(questionSchema),
    /** Every material the matter may need, in checklist order; `deriveChecklist` picks those that apply. */
    materials: z.array(materialSchema).min(1),
    /** 秒批: declarative rules; when all pass on receipt the server approves with no human step. */
    autoApproval: z.strictObject({ rules: z.array(z.lazy(() => autoRuleSchema)).min(1) }).optional(),
    /** The catalog version in which this matter last changed (set by the server on publish; absent before versions). */
    version: z.number().int().positive().optional(),
    /** Retired: kept so old drafts and submissions still resolve; new intakes, bookings and search hide it. */
    retired: z.literal(true).optional(),
  })
  .superRefine((matter, ctx) => {
    for (const issue of catalogIssues(matter)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
export type MatterDoc = z.infer<typeof matterDocSchema>;

interface CatalogIssue {
  path: (string | number)[];
  message: string;
}

/** Cross-field checks the shape alone cannot express; run by `matterDocSchema`. */
function catalogIssues(matter: {
  _id: string;
  id: string;
  legalDays: number;
  promisedDays: number;
  guide: MatterGuide;
  questions: Question[];
  materials: Material[];
}): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  if (matter._id !== `matter:${matter.id}`) issues.push({ path: ['_id'], message: `_id must be "matter:${matter.id}"` });
  if (matter.promisedDays > matter.legalDays) {
    issues.push({ path: ['promisedDays'], message: 'the promised time limit cannot exceed the legal one' });
  }

  // The UI shows a list's English twin in place of the Chinese one: an item missing or extra there would
  // silently drop or invent a condition, a legal basis or a way of delivery.
  const twins = [
    ['conditions', 'conditionsEn'],
    ['legalBasis', 'legalBasisEn'],
    ['resultDelivery', 'resultDeliveryEn'],
  ] as const;
  for (const [zh, en] of twins) {
    const translated = matter.guide[en];
    if (translated && translated.length !== matter.guide[zh].length) {
      issues.push({ path: ['guide', en], message: `${en} must have one entry per entry of ${zh} (${matter.guide[zh].length}), not ${translated.length}` });
    }
  }

  const byId = new Map<string, Question>();
  const declaredLater = new Set(matter.questions.map((q) => q.id));
  const checkCondition = (cond: Condition, path: (string | number)[], visible: ReadonlyMap<string, Question>): void => {
    if ('all' in cond) return cond.all.forEach((c, i) => checkCondition(c, [...path, 'all', i], visible));
    if ('any' in cond) return cond.any.forEach((c, i) => checkCondition(c, [...path, 'any', i], visible));
    if ('not' in cond) return checkCondition(cond.not, [...path, 'not'], visible);
    const question = visible.get(cond.question);
    if (!question) {
      const message = declaredLater.has(cond.question)
        ? `condition refers to question "${cond.question}", which is not declared before it (a question may only depend on earlier ones)`
        : `condition refers to unknown question "${cond.question}"`;
      issues.push({ path: [...path, 'question'], message });
      return;
    }
    const values = 'equals' in cond ? [cond.equals] : cond.in;
    values.forEach((value, i) => {
      if (!question.options.some((o) => o.value === value)) {
        issues.push({
          path: 'equals' in cond ? [...path, 'equals'] : [...path, 'in', i],
          message: `condition refers to unknown option "${value}" of question "${question.id}"`,
        });
      }
    });
  };

  matter.questions.forEach((question, i) => {
    if (question.when) checkCondition(question.when, ['questions', i, 'when'], byId);
    declaredLater.delete(question.id);
    if (byId.has(question.id)) issues.push({ path: ['questions', i, 'id'], message: `duplicate question id "${question.id}"` });
    else byId.set(question.id, question);
    const values = new Set<string>();
    question.options.forEach((option, j) => {
      if (values.has(option.value)) {
        issues.push({ path: ['questions', i, 'options', j, 'value'], message: `duplicate option "${option.value}" in question "${question.id}"` });
      }
      values.add(option.value);
    });
  });

  const materialIds = new Set<string>();
  matter.materials.forEach((material, i) => {
    if (materialIds.has(material.id)) issues.push({ path: ['materials', i, 'id'], message: `duplicate material id "${material.id}"` });
    materialIds.add(material.id);
    if (material.when) checkCondition(material.when, ['materials', i, 'when'], byId);
  });
  return issues;
}

/** `catalog:meta`: the current catalog version, written by the server with every publish. */
export const CATALOG_META_ID = 'catalog:meta';
export const catalogMetaSchema = z.object({
  _id: z.literal(CATALOG_META_ID),
  _rev: z.string().optional(),
  type: z.literal('catalogMeta'),
  version: z.number().int().positive(),
  publishedAt: z.string(),
  publishedBy: z.string(),
});
export type CatalogMeta = z.infer<typeof catalogMetaSchema>;

/** A problem with a matter about to be published, at a path inside it. */
export interface PublishIssue {
  path: (string | number)[];
  message: string;
}

/** More answer combinations than this are sampled, not all tried (a matter rarely has more than a few questions). */
const MAX_COMBINATIONS = 512;

/**
 * Checks beyond the schema that a matter must pass before it is published: its 秒批 rules refer to questions and
 * options it has, and no combination of answers leaves the station with an empty checklist. Run on a matter that
 * `matterDocSchema` accepted.
 */
export function publishIssues(matter: MatterDoc): PublishIssue[] {
  const issues: PublishIssue[] = [];
  matter.autoApproval?.rules.forEach((rule, i) => {
    if (rule.kind !== 'answerIn') return;
    const question = matter.questions.find((q) => q.id === rule.question);
    if (!question) return void issues.push({ path: ['autoApproval', 'rules', i, 'question'], message: `秒批 rule refers to unknown question "${rule.question}"` });
    rule.values.forEach((value, j) => {
      if (!question.options.some((o) => o.value === value)) issues.push({ path: ['autoApproval', 'rules', i, 'values', j], message: `秒批 rule refers to unknown option "${value}" of question "${question.id}"` });
    });
  });
  // Every full set of answers (each question answered with each of its options; questions that are not asked
  // are simply ignored by deriveChecklist) must leave at least one material to collect.
  const combinations = matter.questions.reduce((n, q) => n * q.options.length, 1);
  const tried = Math.min(combinations, MAX_COMBINATIONS);
  for (let k = 0; k < tried; k++) {
    let rest = combinations <= MAX_COMBINATIONS ? k : Math.floor((k * combinations) / tried);
    const answers: Record<string, string> = {};
    for (const q of matter.questions) {
      answers[q.id] = q.options[rest % q.options.length]!.value;
      rest = Math.floor(rest / q.options.length);
    }
    const checklist = deriveChecklist(matter, answers);
    if (!checklist.materials.length) {
      const said = checklist.questions.map((q) => `${q.id}=${answers[q.id]}`).join(', ');
      issues.push({ path: ['materials'], message: `the answers ${said || '(none)'} leave no material to collect` });
      break;
    }
  }
  return issues;
}
