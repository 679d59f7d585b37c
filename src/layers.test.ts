/**
 * The layer rules in eslint.config.js can fail: each is run on a small wrong import placed in the folder it
 * guards, and must name the broken rule. (A rule whose pattern never matches would pass every lint silently.)
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const cwd = new URL('..', import.meta.url).pathname;
const eslint = new ESLint({ cwd });
// The folder rules alone: the cycle check would read the whole graph behind each import (seconds, not ms).
const withoutCycleCheck = new ESLint({ cwd, overrideConfig: { rules: { 'import-x/no-cycle': 'off' } } });

/** The rule ids ESLint reports for `code` as if it were the file at `filePath`. */
async function rulesBroken(code: string, filePath: string, linter = withoutCycleCheck): Promise<string[]> {
  const [result] = await linter.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const view = (imports: string): string => `<script setup lang="ts">\n${imports}\nvoid x;\n</script>\n\n<template><p /></template>\n`;

describe('layer rules', () => {
  it('a feature may not import the app shell', async () => {
    expect(await rulesBroken("import { router as x } from '../../app/router';\nvoid x;\n", 'src/features/intake/bad.ts')).toContain('no-restricted-imports');
  });

  it('the shared layer may import neither features nor the shell', async () => {
    expect(await rulesBroken("import { useIntakeStore as x } from '../features/intake/intake-store';\nvoid x;\n", 'src/shared/bad.ts')).toContain('no-restricted-imports');
    expect(await rulesBroken("import { router as x } from '../../app/router';\nvoid x;\n", 'src/shared/stores/bad.ts')).toContain('no-restricted-imports');
  });

  it('a view may not reach storage or sync directly', async () => {
    expect(await rulesBroken(view("import { db as x } from '../../storage/db';"), 'src/features/intake/Bad.vue')).toContain('no-restricted-imports');
    expect(await rulesBroken(view("import { api as x } from '../../sync/api';"), 'src/features/track/Bad.vue')).toContain('no-restricted-imports');
    expect(await rulesBroken(view("import { db as x } from '../storage/db';"), 'src/app/Bad.vue')).toContain('no-restricted-imports');
  });

  it('the layers it allows pass', async () => {
    expect(await rulesBroken("import { useSessionStore as x } from '../../shared/stores/session';\nvoid x;\n", 'src/features/intake/good.ts')).toEqual([]);
  });

  it('a date cut from toISOString() (the UTC day) is refused outside the China-time module', async () => {
    const utcDay = "export const today = (): string => new Date().toISOString().slice(0, 10);\n";
    expect(await rulesBroken(utcDay, 'sync-server/src/queue/bad.ts')).toContain('no-restricted-syntax');
    expect(await rulesBroken(utcDay, 'src/features/intake/bad.ts')).toContain('no-restricted-syntax');
    expect(await rulesBroken(utcDay, 'src/domain/china-time.ts')).not.toContain('no-restricted-syntax');
  });

  it('an import cycle is refused', async () => {
    // The sync store with an import of the session store, which imports the sync store.
    expect(await rulesBroken("import { useSessionStore } from './session';\nexport const x = useSessionStore;\n", 'src/shared/stores/sync.ts', eslint)).toContain('import-x/no-cycle');
  });
});
