/** The catalog editor's form: a published matter survives the round trip, and a draft lists every problem. */
import { describe, expect, it } from 'vitest';
import { DEMO_MATTERS } from '../../../sync-server/src/demo/catalog';
import { blankForm, checkForm, formOf } from './matter-form';

describe('the matter form', () => {
  it('turns every demo matter into a form and back into the same matter', () => {
    for (const matter of DEMO_MATTERS) {
      const { matter: back, problems } = checkForm(formOf(matter));
      expect(problems, matter.id).toEqual([]);
      expect(back, matter.id).toEqual(JSON.parse(JSON.stringify(matter)));
    }
  });

  it('lists every problem of a blank draft, and a 秒批 rule on an unknown option', () => {
    const { matter, problems } = checkForm(blankForm());
    expect(matter).toBeNull();
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['id', 'name', 'nameEn', 'initials', 'guide.applicants', 'guide.legalBasis', 'materials.0.name']));

    const form = formOf(DEMO_MATTERS[0]!);
    form.questions.push({ id: 'extra', text: '问', textEn: 'Q', options: [{ value: 'a', label: '甲', labelEn: 'A' }, { value: 'b', label: '乙', labelEn: 'B' }], when: { mode: 'always', question: '', equals: '', json: '' } });
    form.rules.answerIn.push({ question: 'extra', values: ['c'] });
    form.materials[0]!.when = { mode: 'json', question: '', equals: '', json: '{not json' };
    expect(checkForm(form).problems.map((p) => p.path)).toEqual(expect.arrayContaining(['materials.0.when']));
    form.materials[0]!.when = { mode: 'always', question: '', equals: '', json: '' };
    const left = checkForm(form).problems;
    expect(left).toHaveLength(1);
    expect(left[0]?.path).toMatch(/^autoApproval\.rules\.\d+\.values\.0$/);
  });
});
