import { describe, it, expect } from 'vitest';
import { pinyin } from 'pinyin-pro';
import { deriveChecklist, matterDocSchema } from '../../../src/domain/catalog';
import { searchMatters } from '../../../src/domain/catalog-search';
import { DEMO_MATTERS } from './catalog';
import { DISTRICT_MATTERS } from './district-catalog';
import { seededMatters } from './seed';
import { configFromEnv } from '../config';

/** The rule of catalog.test.ts: first letters of the pinyin in context, ASCII letters and digits kept, lower case. */
const pinyinInitials = (name: string): string =>
  pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' })
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** What `npm start` seeds (DEMO_CATALOG unset). */
const SEEDED_MATTERS = seededMatters('district');

describe('district-size demo catalog', () => {
  it('makes the seeded catalog at least 200 matters, ids unique and marked as demo', () => {
    expect(SEEDED_MATTERS.length).toBeGreaterThanOrEqual(200);
    expect(SEEDED_MATTERS.slice(0, DEMO_MATTERS.length)).toEqual(DEMO_MATTERS);
    expect(new Set(SEEDED_MATTERS.map((m) => m.id)).size).toBe(SEEDED_MATTERS.length);
    for (const m of DISTRICT_MATTERS) expect(m.id).toMatch(/^district-/);
  });

  it('is the default demo catalog; DEMO_CATALOG=core seeds the hand-written matters only', () => {
    expect(configFromEnv({}, '/tmp').demoCatalog).toBe('district');
    expect(configFromEnv({ DEMO_CATALOG: 'district' }, '/tmp').demoCatalog).toBe('district');
    expect(configFromEnv({ DEMO_CATALOG: 'core' }, '/tmp').demoCatalog).toBe('core');
    expect(seededMatters('core')).toEqual(DEMO_MATTERS);
    for (const bad of ['District', 'small', 'all', '0']) expect(() => configFromEnv({ DEMO_CATALOG: bad }, '/tmp'), bad).toThrow(/DEMO_CATALOG/);
  });

  it('every generated matter parses with matterDocSchema, unchanged', () => {
    for (const matter of DISTRICT_MATTERS) {
      const parsed = matterDocSchema.safeParse(matter);
      if (!parsed.success) expect.fail(`${matter.id}: ${JSON.stringify(parsed.error.issues)}`);
      expect(parsed.data).toEqual(JSON.parse(JSON.stringify(matter)));
    }
  });

  it('initials are the pinyin initials of the name; 2–8 materials; promised within half the legal time; English twins', () => {
    for (const m of DISTRICT_MATTERS) {
      expect(m.initials, m.name).toBe(pinyinInitials(m.name));
      expect(m.materials.length, m.id).toBeGreaterThanOrEqual(2);
      expect(m.materials.length, m.id).toBeLessThanOrEqual(8);
      expect(m.promisedDays, m.id).toBeLessThanOrEqual(Math.ceil(m.legalDays / 2));
      expect(m.nameEn).not.toMatch(/\p{Script=Han}/u);
      for (const mat of m.materials) expect(mat.nameEn, `${m.id}/${mat.id}`).not.toMatch(/\p{Script=Han}/u);
      expect(m.guide.legalBasisEn).toHaveLength(m.guide.legalBasis.length);
      // Every checklist has a core material, with or without an agent.
      for (const answers of [{}, { agent: 'yes' }, { agent: 'no' }] as Record<string, string>[]) expect(deriveChecklist(m, answers).materials.some((x) => x.core), m.id).toBe(true);
    }
    expect(DISTRICT_MATTERS.some((m) => m.questions.length > 0)).toBe(true);
    expect(DISTRICT_MATTERS.some((m) => m.questions.length === 0)).toBe(true);
  });

  it('search stays right at this size: initials, names and keywords find their matters, the curated ones first', () => {
    expect(searchMatters(SEEDED_MATTERS, 'spjyxk')[0]?.id).toBe('food-business-licence');
    expect(searchMatters(SEEDED_MATTERS, '食品经营许可')[0]?.id).toBe('food-business-licence');
    const pharmacy = searchMatters(SEEDED_MATTERS, 'yplsqyjyxkbg').map((m) => m.id);
    expect(pharmacy[0]).toBe('district-pharmacy-retail-change');
    expect(searchMatters(SEEDED_MATTERS, '网吧').map((m) => m.id)).toEqual(expect.arrayContaining(['district-internet-cafe-new', 'district-internet-cafe-cancel']));
    expect(searchMatters(SEEDED_MATTERS, '').length).toBe(SEEDED_MATTERS.length);
  });
});
