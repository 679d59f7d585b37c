/**
 * 秒批 (auto-approval): evaluate a matter's declarative rules against a received submission. Pure, so the
 * server (which acts on the outcome) and the hall view (which explains it) agree by construction.
 */
import { deriveChecklist, type AutoRule, type MatterDoc } from './catalog';
import type { SubmissionDoc } from './documents';
import { isValidIdNumber, isValidUscc } from './ids';

export interface RuleOutcome {
  rule: string;
  ok: boolean;
  detail: string;
}

function evaluate(rule: AutoRule, matter: MatterDoc, s: SubmissionDoc): RuleOutcome {
  switch (rule.kind) {
    case 'allCorePresent': {
      const needed = deriveChecklist(matter, s.answers ?? {}).materials.filter((m) => m.core);
      const missing = needed.filter((m) => !s.items.some((i) => i.materialId === m.id && i.status === 'provided' && i.pages.length > 0));
      return { rule: 'allCorePresent', ok: missing.length === 0, detail: missing.length ? `缺核心材料 missing core: ${missing.map((m) => m.name).join('、')}` : `核心材料齐全 ${needed.length} core materials present` };
    }
    case 'noDeficiency': {
      const deficient = s.items.filter((i) => i.status === 'deficient');
      return { rule: 'noDeficiency', ok: deficient.length === 0, detail: deficient.length ? `有容缺 deficient: ${deficient.map((i) => i.name).join('、')}` : '无容缺 no deficiency' };
    }
    case 'validCodes': {
      const ok = isValidUscc(s.enterprise.uscc) && isValidIdNumber(s.applicant.idNumber);
      return { rule: 'validCodes', ok, detail: ok ? '信用代码与身份证号有效 codes valid' : '代码无效 invalid code' };
    }
    case 'answerIn': {
      const answer = s.answers?.[rule.question];
      const ok = answer !== undefined && rule.values.includes(answer);
      return { rule: `answerIn:${rule.question}`, ok, detail: ok ? `${rule.question}=${answer}` : `${rule.question}=${answer ?? '(未答)'} 不在 ${rule.values.join('/')} 内` };
    }
    case 'maxPagesPerMaterial': {
      const over = s.items.filter((i) => i.pages.length > rule.max);
      return { rule: 'maxPagesPerMaterial', ok: over.length === 0, detail: over.length ? `页数过多 too many pages: ${over.map((i) => i.name).join('、')}` : `每项不超过 ${rule.max} 页` };
    }
  }
}

/** Outcomes of every rule, or undefined when the matter is not 秒批-eligible. */
export function evaluateAutoApproval(matter: MatterDoc, submission: SubmissionDoc): { passed: boolean; outcomes: RuleOutcome[] } | undefined {
  if (!matter.autoApproval) return undefined;
  const outcomes = matter.autoApproval.rules.map((r) => evaluate(r, matter, submission));
  return { passed: outcomes.every((o) => o.ok), outcomes };
}
