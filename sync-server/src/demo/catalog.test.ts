import { describe, it, expect } from 'vitest';
import { pinyin } from 'pinyin-pro';
import { deriveChecklist, matterDocSchema, type Answers, type MatterDoc } from '../../../src/domain/catalog';
import { searchMatters } from '../../../src/domain/catalog-search';
import { DEMO_MATTERS } from './catalog';

/**
 * The `initials` rule: each Han character becomes the first letter of its pinyin as pinyin-pro reads it in
 * context (so polyphones follow the word: 银行 → yh, 重庆 → cq); ASCII letters and digits are kept; everything
 * else (brackets, punctuation, spaces) is dropped; the result is lower case. 食品经营许可 → spjyxk.
 */
function pinyinInitials(name: string): string {
  return pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' })
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Every combination of answers, each question either unanswered or given one of its options. Answers to
 * questions that do not apply are included on purpose: deriveChecklist must ignore them.
 */
function allAnswerSets(matter: MatterDoc): Answers[] {
  let sets: Record<string, string>[] = [{}];
  for (const q of matter.questions) {
    sets = sets.flatMap((s) => [s, ...q.options.map((o) => ({ ...s, [q.id]: o.value }))]);
  }
  return sets;
}

/** The article a Chinese legal reference ends with (…第三十五条 → 35; below 100 is all the demo needs). */
function chineseArticleOf(ref: string): number | undefined {
  const numeral = /第([一二三四五六七八九十]+)条$/.exec(ref)?.[1];
  if (!numeral) return undefined;
  const digit = (c: string): number => '一二三四五六七八九'.indexOf(c) + 1;
  const ten = numeral.indexOf('十');
  if (ten < 0) return digit(numeral);
  return (ten === 0 ? 1 : digit(numeral.charAt(0))) * 10 + (numeral.length > ten + 1 ? digit(numeral.charAt(ten + 1)) : 0);
}
/** The article an English legal reference ends with (…, Article 35 → 35). */
const articleOf = (ref: string): number | undefined => {
  const m = /, Article (\d+)$/.exec(ref);
  return m ? Number(m[1]) : undefined;
};

const checklistKey = (matter: MatterDoc, answers: Answers) => deriveChecklist(matter, answers).materials.map((m) => m.id).join(',');
const questionKey = (matter: MatterDoc, answers: Answers) => deriveChecklist(matter, answers).questions.map((q) => q.id).join(',');

describe('demo catalog', () => {
  it('has at least 10 matters with unique ids', () => {
    expect(DEMO_MATTERS.length).toBeGreaterThanOrEqual(10);
    expect(new Set(DEMO_MATTERS.map((m) => m.id)).size).toBe(DEMO_MATTERS.length);
  });

  it('keeps the ids other code and tests rely on, and covers the glossary’s matters', () => {
    const ids = DEMO_MATTERS.map((m) => m.id);
    for (const id of [
      'business-scope-change',
      'legal-rep-change',
      'licence-reissue',
      'company-establishment',
      'company-deregistration',
      'food-business-licence',
      'public-place-hygiene-licence',
      'lease-registration',
      'individual-business-registration',
      'social-insurance-registration',
      'talent-introduction',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it.each(DEMO_MATTERS.map((m) => [m.id, m] as const))('%s parses with matterDocSchema, unchanged', (_id, matter) => {
    const parsed = matterDocSchema.safeParse(matter);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues, null, 2)).toBe(true);
    expect(parsed.data).toEqual(JSON.parse(JSON.stringify(matter)));
  });

  it.each(DEMO_MATTERS.map((m) => [m.id, m] as const))('%s: initials are the pinyin initials of the name', (_id, matter) => {
    expect(matter.initials).toBe(pinyinInitials(matter.name));
  });

  it('the initials rule', () => {
    expect(pinyinInitials('食品经营许可')).toBe('spjyxk');
    expect(pinyinInitials('KTV卫生许可（新办）')).toBe('ktvwsxkxb');
  });

  it.each(DEMO_MATTERS.map((m) => [m.id, m] as const))('%s: realistic time limits and complete guide', (_id, matter) => {
    expect(matter.promisedDays).toBeLessThanOrEqual(Math.ceil(matter.legalDays / 2));
    expect(matter.guide.legalBasis.length).toBeGreaterThan(0);
    expect(matter.guide.resultDelivery.length).toBeGreaterThan(0);
    expect(matter.commitmentText.length).toBeGreaterThan(10);
    for (const material of matter.materials) {
      expect(material.pages, material.id).toBeGreaterThan(0);
      expect(material.nameEn, material.id).toMatch(/[A-Za-z]/);
    }
    // Every checklist has a core material, so an intake can never be all 容缺.
    for (const answers of allAnswerSets(matter)) expect(deriveChecklist(matter, answers).materials.some((m) => m.core)).toBe(true);
  });

  it.each(DEMO_MATTERS.map((m) => [m.id, m] as const))('%s: guide and commitment in English too, item for item', (_id, matter) => {
    const { guide } = matter;
    const twins: [string, string[], string[] | undefined][] = [
      ['conditions', guide.conditions, guide.conditionsEn],
      ['legalBasis', guide.legalBasis, guide.legalBasisEn],
      ['resultDelivery', guide.resultDelivery, guide.resultDeliveryEn],
    ];
    for (const [field, zh, en] of twins) {
      expect(en, `${field}En`).toBeDefined();
      expect(en, `${field}En`).toHaveLength(zh.length);
      // A translation, not a copy: English words, no Han characters left.
      for (const item of en ?? []) {
        expect(item, `${field}En`).toMatch(/[A-Za-z]{3}/);
        expect(item, `${field}En`).not.toMatch(/\p{Script=Han}/u);
      }
    }
    expect(matter.commitmentTextEn).toMatch(/^Undertaking by the applicant: /);
    expect(matter.commitmentTextEn).not.toMatch(/\p{Script=Han}/u);
    // Article numbers survive the translation: 第三十五条 → Article 35.
    guide.legalBasis.forEach((zh, i) => expect(articleOf(guide.legalBasisEn?.[i] ?? ''), zh).toBe(chineseArticleOf(zh)));
  });

  it('the article rule', () => {
    expect(chineseArticleOf('《中华人民共和国食品安全法》第三十五条')).toBe(35);
    expect(chineseArticleOf('《公共场所卫生管理条例》第八条')).toBe(8);
    expect(chineseArticleOf('《住房公积金管理条例》第十四条')).toBe(14);
    expect(chineseArticleOf('《公共场所卫生管理条例实施细则》第二十二条')).toBe(22);
    expect(chineseArticleOf('《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）')).toBeUndefined();
    expect(articleOf('Food Safety Law of the People’s Republic of China, Article 35')).toBe(35);
    expect(articleOf('Company Law of the People’s Republic of China')).toBeUndefined();
  });

  it('translates the article numbers of the legal basis exactly', () => {
    const food = DEMO_MATTERS.find((m) => m.id === 'food-business-licence');
    expect(food?.guide.legalBasisEn?.[0]).toBe('Food Safety Law of the People’s Republic of China, Article 35');
    const insurance = DEMO_MATTERS.find((m) => m.id === 'social-insurance-registration');
    expect(insurance?.guide.legalBasisEn).toEqual([
      'Social Insurance Law of the People’s Republic of China, Article 57',
      'Interim Regulation on the Collection and Payment of Social Insurance Premiums',
      'Regulations on the Administration of Housing Provident Funds, Article 14',
    ]);
  });

  it('at least 4 matters have questions that change the checklist', () => {
    const changing = DEMO_MATTERS.filter((m) => new Set(allAnswerSets(m).map((a) => checklistKey(m, a))).size > 1);
    expect(changing.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(DEMO_MATTERS.filter((m) => m.questions.length).map((m) => [m.id, m] as const))('%s', (_id, matter) => {
    const sets = allAnswerSets(matter);

    it('every option of every question can be chosen (the question applies under some answers)', () => {
      for (const q of matter.questions) {
        for (const option of q.options) {
          const reachable = sets.some((answers) => {
            const given = { ...answers, [q.id]: option.value };
            return deriveChecklist(matter, given).questions.includes(q) && !deriveChecklist(matter, given).unanswered.includes(q.id);
          });
          expect(reachable, `${q.id}=${option.value}`).toBe(true);
        }
      }
    });

    it('every question matters: some change of its answer changes the checklist or the questions asked', () => {
      for (const q of matter.questions) {
        const matters = sets.some((answers) =>
          q.options.some((option) => {
            const other = { ...answers, [q.id]: option.value };
            return checklistKey(matter, answers) !== checklistKey(matter, other) || questionKey(matter, answers) !== questionKey(matter, other);
          }),
        );
        expect(matters, q.id).toBe(true);
      }
    });

    it('every material is needed under some answers', () => {
      const seen = new Set(sets.flatMap((answers) => deriveChecklist(matter, answers).materials.map((m) => m.id)));
      expect([...seen].sort()).toEqual(matter.materials.map((m) => m.id).sort());
    });
  });

  it('licence-reissue keeps its two default materials (the browser test relies on them)', () => {
    const matter = DEMO_MATTERS.find((m) => m.id === 'licence-reissue');
    expect(matter).toBeDefined();
    const checklist = deriveChecklist(matter!, {});
    expect(checklist.materials.map((m) => [m.id, m.core])).toEqual([
      ['reissue-application', true],
      ['loss-statement', false],
    ]);
    // No answer hides either of them.
    for (const answers of allAnswerSets(matter!)) {
      const ids = deriveChecklist(matter!, answers).materials.map((m) => m.id);
      expect(ids.slice(0, 2)).toEqual(['reissue-application', 'loss-statement']);
    }
  });

  it('is searchable by name, English name, keyword and initials', () => {
    const first = (q: string) => searchMatters(DEMO_MATTERS, q)[0]?.id;
    expect(first('食品')).toBe('food-business-licence');
    expect(first('spjy')).toBe('food-business-licence');
    expect(first('food')).toBe('food-business-licence');
    expect(first('开公司')).toBe('company-establishment');
    expect(first('yyzz')).toBe('licence-reissue');
    expect(first('简易注销')).toBe('company-deregistration');
    expect(first('社保')).toBe('social-insurance-registration');
    expect(first('落户')).toBe('talent-introduction');
  });
});
