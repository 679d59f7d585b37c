/**
 * The matters matching a search box, for the pickers (intake, catalog admin). The rule is `searchMatters`; this
 * keeps the previous array while a keystroke leaves the matches as they were (`spj` → `spjy`, a space), so the
 * list that shows them is not rendered again for nothing.
 */
import { computed, type ComputedRef } from 'vue';
import { searchMatters, type SearchableMatter } from '../domain/catalog-search';

export function useMatterSearch<M extends SearchableMatter>(matters: () => readonly M[], query: () => string): ComputedRef<M[]> {
  return computed((previous?: M[]) => {
    const next = searchMatters(matters(), query());
    return previous && previous.length === next.length && previous.every((m, i) => m === next[i]) ? previous : next;
  });
}
