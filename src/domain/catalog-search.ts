/**
 * 事项 search for the intake and booking pickers: by Chinese name, English name (case-insensitive), keyword,
 * or pinyin initials (`spjy` finds 食品经营许可). Pure; one linear scan per query over 10–200 matters.
 *
 * Ranking (lower first; ties keep catalog order):
 *   0  the name or English name is the query
 *   1  the name, English name or pinyin initials start with the query
 *   2  the name contains the query, or a keyword is the query
 *   3  the English name, a keyword or the initials contain the query (queries of two or more characters)
 *   4  a query of several words, each found in some field
 * The query is NFKC-normalised (full-width letters from Chinese IMEs become ASCII), trimmed and lower-cased;
 * for initials, spaces are ignored (`sp jy` = `spjy`). An empty query returns every matter in catalog order.
 */
import type { MatterDoc } from './catalog';

export type SearchableMatter = Pick<MatterDoc, 'name' | 'nameEn' | 'initials' | 'keywords'>;

interface Folded {
  name: string;
  nameEn: string;
  initials: string;
  keywords: string[];
}

/**
 * Lower-cased fields per matter, computed once per matter object so a keystroke allocates only its result.
 * Catalog documents are treated as immutable (a changed document arrives as a new object).
 */
const folded = new WeakMap<object, Folded>();

function fold(matter: SearchableMatter): Folded {
  let f = folded.get(matter);
  if (!f) {
    f = {
      name: normalise(matter.name),
      nameEn: normalise(matter.nameEn),
      initials: matter.initials.toLowerCase(),
      keywords: matter.keywords.map(normalise),
    };
    folded.set(matter, f);
  }
  return f;
}

function normalise(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

const NO_MATCH = 99;

function rank(f: Folded, q: string, compact: string, initialsQuery: boolean): number {
  if (f.name === q || f.nameEn === q) return 0;
  if (f.name.startsWith(q) || f.nameEn.startsWith(q) || (initialsQuery && f.initials.startsWith(compact))) return 1;
  if (f.name.includes(q) || f.keywords.includes(q)) return 2;
  if (q.length >= 2) {
    if (f.nameEn.includes(q) || (initialsQuery && f.initials.includes(compact))) return 3;
    for (const k of f.keywords) if (k.includes(q)) return 3;
  }
  return NO_MATCH;
}

function termMatches(f: Folded, term: string): boolean {
  if (f.name.includes(term)) return true;
  if (term.length < 2) return f.nameEn.startsWith(term) || f.initials.startsWith(term) || f.keywords.some((k) => k.startsWith(term));
  return f.nameEn.includes(term) || f.initials.includes(term) || f.keywords.some((k) => k.includes(term));
}

/** Matters matching `query`, best first (see the module comment); every matter for an empty query. */
export function searchMatters<M extends SearchableMatter>(matters: readonly M[], query: string): M[] {
  const q = normalise(query);
  if (!q) return [...matters];
  const compact = q.replace(/ /g, '');
  const initialsQuery = /^[a-z0-9]+$/.test(compact);
  const terms = q.includes(' ') ? q.split(' ') : undefined;
  const scored: { matter: M; rank: number; index: number }[] = [];
  matters.forEach((matter, index) => {
    const f = fold(matter);
    let r = rank(f, q, compact, initialsQuery);
    if (r === NO_MATCH && terms && terms.every((t) => termMatches(f, t))) r = 4;
    if (r !== NO_MATCH) scored.push({ matter, rank: r, index });
  });
  scored.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return scored.map((s) => s.matter);
}
