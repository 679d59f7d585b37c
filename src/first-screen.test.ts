/**
 * What the station's first screen loads: everything src/app/main.ts imports statically, transitively (what the
 * bundler puts in the entry and its module preloads). Dexie, PouchDB, zod and the sync engine load right after
 * the intake screen is drawn (`npm run bench`, start: initial JavaScript), so none of them may be reached here.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('.', import.meta.url).pathname;

/** Static imports and re-exports of a module (not `import type`, not `import()`), by specifier. */
function staticImports(file: string): string[] {
  let code = readFileSync(file, 'utf8');
  if (file.endsWith('.vue')) code = [...code.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  const specifiers = [...code.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  return specifiers.filter((s) => !s.startsWith('virtual:') && !s.endsWith('.css'));
}

function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [base, `${base}.ts`, `${base}/index.ts`].find((f) => existsSync(f) && !f.endsWith('/') && /\.(ts|vue|json)$/.test(f));
}

/** Source files and packages the entry reaches through static imports. */
function reached(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    if (file.endsWith('.json')) return;
    for (const specifier of staticImports(file)) {
      if (!specifier.startsWith('.')) packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
      else {
        const target = resolve(file, specifier);
        if (!target) throw new Error(`${path.relative(SRC, file)}: cannot resolve ${specifier}`);
        visit(target);
      }
    }
  };
  visit(entry);
  return { files: new Set([...files].map((f) => path.relative(SRC, f))), packages };
}

describe('the first screen', () => {
  const { files, packages } = reached(path.join(SRC, 'app/main.ts'));

  it('reaches the intake screen and the shell', () => {
    expect(files).toContain('features/intake/IntakeView.vue');
    expect(files).toContain('app/App.vue');
    expect(packages).toContain('vue');
  });

  it('loads neither Dexie, PouchDB, zod nor the sync engine (they come after the screen is drawn)', () => {
    expect([...packages].filter((p) => /^(dexie|pouchdb|zod|vue-i18n)/.test(p))).toEqual([]);
    expect([...files].filter((f) => ['storage/db.ts', 'storage/drafts.ts', 'storage/enterprises.ts', 'sync/sync-engine.ts', 'sync/pouch.ts'].includes(f))).toEqual([]);
  });
});
