import { describe, expect, it } from 'vitest';
import { ref } from 'vue';
import { DEMO_MATTERS } from '../../sync-server/src/demo/catalog';
import { searchMatters } from '../domain/catalog-search';
import { useMatterSearch } from './use-matter-search';

describe('useMatterSearch', () => {
  it('finds what searchMatters finds, in its order', () => {
    const query = ref('营业执照');
    const found = useMatterSearch(() => DEMO_MATTERS, () => query.value);
    expect(found.value).toEqual(searchMatters(DEMO_MATTERS, '营业执照'));
    query.value = '';
    expect(found.value).toEqual(DEMO_MATTERS);
  });

  it('keeps the same list while a keystroke leaves the matches as they were', () => {
    const query = ref('');
    const found = useMatterSearch(() => DEMO_MATTERS, () => query.value);
    const all = found.value;
    query.value = ' '; // trimmed: still every matter
    expect(found.value).toBe(all);
    query.value = 'spj';
    const narrowed = found.value;
    expect(narrowed.length).toBeLessThan(all.length);
    query.value = 'spjy';
    expect(found.value).toBe(narrowed);
  });

  it('gives a new list when the matters change', () => {
    const matters = ref(DEMO_MATTERS.slice(0, 3));
    const found = useMatterSearch(() => matters.value, () => '');
    const before = found.value;
    matters.value = DEMO_MATTERS.slice(0, 4);
    expect(found.value).not.toBe(before);
    expect(found.value).toHaveLength(4);
  });
});
