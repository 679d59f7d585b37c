import { describe, expect, it } from 'vitest';
import { addCompileHints, COMPILE_HINT, startupChunks } from './compile-hints';

const chunk = (code: string, imports: string[] = [], isEntry = false) => ({ type: 'chunk' as const, isEntry, imports, code, map: { mappings: 'AAAA;AACA' } });

function bundle() {
  return {
    'assets/index.js': chunk('import "./vue.js";\nconsole.log(1);', ['assets/vue.js', 'assets/runtime.js'], true),
    'assets/vue.js': chunk('export const h = 1;', ['assets/runtime.js']),
    'assets/runtime.js': chunk('export const r = 1;'),
    'assets/hall.js': chunk('export const hall = 1;', ['assets/vue.js']),
    'assets/index.js.map': { type: 'asset' as const, source: JSON.stringify({ version: 3, mappings: 'AAAA;AACA' }) },
    'index.html': { type: 'asset' as const, source: '<html></html>' },
  };
}

describe('compile hints for the first screen', () => {
  it('marks the entry and what it imports statically, transitively, and not the lazy chunks', () => {
    const b = bundle();
    expect(startupChunks(b)).toEqual(['assets/index.js', 'assets/runtime.js', 'assets/vue.js']);
    addCompileHints(b);
    for (const name of ['assets/index.js', 'assets/vue.js', 'assets/runtime.js']) expect(b[name as 'assets/index.js'].code.startsWith(`${COMPILE_HINT}\n`)).toBe(true);
    expect(b['assets/hall.js'].code).toBe('export const hall = 1;');
  });

  it('moves the source maps down one line, in the chunk and in the emitted .map file, once', () => {
    const b = bundle();
    addCompileHints(b);
    addCompileHints(b); // a second pass changes nothing
    expect(b['assets/index.js'].map.mappings).toBe(';AAAA;AACA');
    expect(JSON.parse(b['assets/index.js.map'].source as string)).toEqual({ version: 3, mappings: ';AAAA;AACA' });
    expect(b['assets/index.js'].code.split('\n')[1]).toBe('import "./vue.js";');
    expect(b['assets/index.js'].code.match(/allFunctionsCalledOnLoad/g)).toHaveLength(1);
  });
});
