/**
 * The message lookup behind `useText`: a key's text in the current language (zh-CN when that language lacks
 * it), with `{name}` placeholders filled and a plural form chosen. The messages use nothing else (a unit test
 * holds them to it), so this replaces vue-i18n's runtime, which was ~11 KB gzip of the first screen's script.
 *
 * Plural forms follow vue-i18n's default rule, which the messages were written for: `one | many` picks
 * `one` for a count of 1 and `many` otherwise (0 included); `zero | one | many` picks by 0, 1, more. The count
 * is the `count` or `n` parameter when it is a number, else the plural argument.
 */
import { shallowReactive, shallowRef, type InjectionKey, type ShallowRef } from 'vue';
import { DEFAULT_LOCALE, type Locale } from './messages';

export interface MessageTree {
  [key: string]: string | MessageTree;
}

/** What `Text` needs of a translator: the language, and a message by key. */
export interface Translator {
  locale: { readonly value: Locale };
  translate(key: string, named: Readonly<Record<string, string | number>>, plural?: number): string;
}

export interface Messages extends Translator {
  locale: ShallowRef<Locale>;
  /** Adds (or replaces) top-level groups of a language's messages. */
  add(locale: Locale, tree: MessageTree): void;
  has(locale: Locale): boolean;
}

/** Where a component finds its translator: the app's global one unless a test provides another. */
export const TRANSLATOR: InjectionKey<Translator> = Symbol('translator');

function lookup(tree: MessageTree | undefined, key: string): string | undefined {
  let node: string | MessageTree | undefined = tree;
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string' || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** A message's text with its plural form chosen and its placeholders filled (a missing one gives nothing). */
export function format(text: string, named: Readonly<Record<string, string | number>>, plural?: number): string {
  const forms = text.split(/\s*\|\s*/);
  let chosen = text;
  if (forms.length > 1) {
    const count = Math.abs(typeof named.count === 'number' ? named.count : typeof named.n === 'number' ? named.n : (plural ?? -1));
    chosen = forms[forms.length === 2 ? (count === 1 ? 0 : 1) : Math.min(count, 2)] ?? '';
  }
  return chosen.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = Object.hasOwn(named, name) ? named[name] : undefined;
    if (value !== undefined) return String(value);
    return plural !== undefined && (name === 'n' || name === 'count') ? String(plural) : '';
  });
}

export function createMessages(locale: Locale, initial: Partial<Record<Locale, MessageTree>>): Messages {
  // Reactive per language, so text drawn before a language's messages arrived is drawn again when they do.
  const trees = shallowReactive<Partial<Record<Locale, MessageTree>>>({ ...initial });
  const current = shallowRef<Locale>(locale);
  return {
    locale: current,
    add(to, tree) {
      trees[to] = { ...trees[to], ...tree };
    },
    has: (l) => trees[l] !== undefined,
    translate(key, named, plural) {
      const text = lookup(trees[current.value], key) ?? lookup(trees[DEFAULT_LOCALE], key);
      return text === undefined ? key : format(text, named, plural);
    },
  };
}
