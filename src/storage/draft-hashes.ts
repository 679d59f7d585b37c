import type { Draft } from './db';

/** The blobs a draft refers to: its pages and its signature. (Without Dexie: the first screen needs it.) */
export function hashesOf(d: Pick<Draft, 'pages' | 'signature'>): string[] {
  return [...Object.values(d.pages).flat(), ...(d.signature ? [d.signature] : [])].map((p) => p.sha256);
}
