/**
 * 情景引导 rules over a matter: conditions, the derived 材料清单 and answer checks. Pure functions without the
 * zod schemas (catalog.ts re-exports them), so the intake screen starts without loading the validator.
 */
import type { Material, MatterDoc, Question } from './catalog';

/** 情景引导 condition over the answers (question id → chosen option value). */
export type Condition =
  | { question: string; equals: string }
  | { question: string; in: string[] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** Answers to 情景引导 questions: question id → option value. */
export type Answers = Readonly<Record<string, string>>;

/** Result of `deriveChecklist`. */
export interface Checklist {
  /** The materials needed given the answers, in catalog order. */
  materials: Material[];
  /** The questions that apply given the answers so far, in catalog order. */
  questions: Question[];
  /** Ids of applicable questions without a valid answer, in catalog order. */
  unanswered: string[];
}

function answerOf(answers: Answers, question: string): string | undefined {
  // Read first: Vue's reactive proxies track property reads, not Object.hasOwn, so a first answer must be a read.
  const value: unknown = answers[question];
  if (!Object.hasOwn(answers, question)) return undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Whether `cond` holds for `answers`. A question without an answer has no value (`equals`/`in` are false). */
export function evaluateCondition(cond: Condition, answers: Answers): boolean {
  if ('equals' in cond) return answerOf(answers, cond.question) === cond.equals;
  if ('in' in cond) {
    const value = answerOf(answers, cond.question);
    return value !== undefined && cond.in.includes(value);
  }
  if ('all' in cond) return cond.all.every((c) => evaluateCondition(c, answers));
  if ('any' in cond) return cond.any.some((c) => evaluateCondition(c, answers));
  return !evaluateCondition(cond.not, answers);
}

/**
 * 材料清单: the materials needed, the questions that apply and those still unanswered, given `answers`.
 * Pure and deterministic; catalog order is kept. Answers to questions that do not apply are ignored, and an
 * answer that is not one of the question's options counts as unanswered (see `answerIssues`).
 */
export function deriveChecklist(matter: Pick<MatterDoc, 'materials' | 'questions'>, answers: Answers = {}): Checklist {
  const effective: Record<string, string> = {};
  const questions: Question[] = [];
  const unanswered: string[] = [];
  for (const question of matter.questions) {
    if (question.when && !evaluateCondition(question.when, effective)) continue;
    questions.push(question);
    const value = answerOf(answers, question.id);
    if (value !== undefined && question.options.some((o) => o.value === value)) effective[question.id] = value;
    else unanswered.push(question.id);
  }
  const materials = matter.materials.filter((m) => !m.when || evaluateCondition(m.when, effective));
  return { materials, questions, unanswered };
}

/** What is wrong with an answer, structured so each UI can word it in its own language. */
export type AnswerIssue =
  | { kind: 'invalidOption'; question: string; value: string; expected: string[] }
  | { kind: 'unknownQuestion'; question: string };

/** Answers to unknown questions, and values that are not an option of their question, in catalog order. */
export function answerIssues(matter: Pick<MatterDoc, 'questions'>, answers: Answers): AnswerIssue[] {
  const issues: AnswerIssue[] = [];
  const known = new Set<string>();
  for (const question of matter.questions) {
    known.add(question.id);
    if (!Object.hasOwn(answers, question.id)) continue;
    const value: unknown = answers[question.id];
    if (typeof value !== 'string' || !question.options.some((o) => o.value === value)) {
      issues.push({ kind: 'invalidOption', question: question.id, value: String(value), expected: question.options.map((o) => o.value) });
    }
  }
  for (const id of Object.keys(answers)) {
    if (!known.has(id)) issues.push({ kind: 'unknownQuestion', question: id });
  }
  return issues;
}
