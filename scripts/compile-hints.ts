/**
 * Vite plugin: marks the chunks the first screen runs with V8's explicit compile hint
 * (`//# allFunctionsCalledOnLoad`, Chromium 136+), so Chromium compiles all their functions on the streaming
 * thread while the files arrive, instead of lazily on the main thread when each is first called.
 *
 * Why: the app's chunks are ES modules, and Chromium keeps no code cache for module scripts served by the service
 * worker (classic scripts get one at install), so every offline start parsed and compiled Vue, Dexie, vue-i18n and
 * the intake screen on the main thread again — about 0.4 s at 4× CPU slowdown (`npm run bench`, start section).
 * Only the entry and what it imports statically are marked: eager compilation of a lazy route would be waste.
 */
import type { Plugin } from 'vite';

export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

interface ChunkLike {
  type: 'chunk';
  isEntry: boolean;
  imports: string[];
  code: string;
  map: { mappings: string } | null;
}
interface AssetLike {
  type: 'asset';
  source: string | Uint8Array;
}
type BundleLike = Record<string, ChunkLike | AssetLike | { type: string }>;

const isChunk = (x: BundleLike[string] | undefined): x is ChunkLike => x?.type === 'chunk';

/** The entry chunks and every chunk they import statically, transitively (file names). */
export function startupChunks(bundle: BundleLike): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const chunk = bundle[name];
    if (seen.has(name) || !isChunk(chunk)) return;
    seen.add(name);
    for (const dep of chunk.imports) visit(dep);
  };
  for (const [name, chunk] of Object.entries(bundle)) if (isChunk(chunk) && chunk.isEntry) visit(name);
  return [...seen].sort();
}

/** Prepends the hint as a line of its own; source maps move down one line (a leading `;` in `mappings`). */
export function addCompileHints(bundle: BundleLike): string[] {
  const marked = startupChunks(bundle);
  for (const name of marked) {
    const chunk = bundle[name] as ChunkLike;
    if (chunk.code.startsWith(COMPILE_HINT)) continue;
    chunk.code = `${COMPILE_HINT}\n${chunk.code}`;
    if (chunk.map) chunk.map.mappings = `;${chunk.map.mappings}`;
    // The map file may already be in the bundle as an asset: it must say the same.
    const mapAsset = bundle[`${name}.map`];
    if (mapAsset?.type === 'asset') {
      const asset = mapAsset as AssetLike;
      const text = typeof asset.source === 'string' ? asset.source : new TextDecoder().decode(asset.source);
      const parsed = JSON.parse(text) as { mappings: string };
      parsed.mappings = `;${parsed.mappings}`;
      asset.source = JSON.stringify(parsed);
    }
  }
  return marked;
}

export function compileHints(): Plugin {
  return {
    name: 'lxe-compile-hints',
    apply: 'build',
    enforce: 'post',
    // Last: Vite itself prepends a line to the entry (its preload map) in this hook, and the hint must come first.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        addCompileHints(bundle as unknown as BundleLike);
      },
    },
  };
}
