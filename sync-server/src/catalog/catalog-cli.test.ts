/**
 * The catalog from the admin command line (in-process, on an embedded store given as COUCHDB_URL): import a
 * catalog file as the next version, export it back, refuse a bad file with every reason (exit 2, nothing
 * published), and grant a hall account the catalog permission.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogMeta, MatterDoc } from '../../../src/domain/catalog';
import { accountId, ACCOUNTS_DB, type Account } from '../auth/accounts';
import { main } from '../admin/commands';
import { DEMO_MATTERS } from '../demo/catalog';
import { CouchClient } from '../store/couch';
import { startEmbeddedStore, type EmbeddedStore } from '../store/embedded';

let dir: string;
let embedded: EmbeddedStore;
let store: CouchClient;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lxe-catalog-cli-'));
  embedded = await startEmbeddedStore(path.join(dir, 'data'));
  store = new CouchClient(embedded.url);
});

afterAll(async () => {
  await embedded?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { env: { COUCHDB_URL: embedded.url, LXE_PASSWORD: 'a-long-password' }, cwd: dir, out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const file = (matters: unknown[]): Record<string, unknown> => ({ format: 'lxe-catalog', formatVersion: 1, matters });
const meta = (): Promise<CatalogMeta | undefined> => store.get<CatalogMeta>('catalog', 'catalog:meta');

describe('import-catalog and export-catalog', () => {
  it('imports a file as version 1 and exports it back', async () => {
    writeFileSync(path.join(dir, 'in.json'), JSON.stringify(file(DEMO_MATTERS)));
    const imported = await run('import-catalog', 'in.json');
    expect(imported).toEqual({ code: 0, stdout: `published catalog version 1: ${DEMO_MATTERS.length} matter(s) new or changed, 0 retired, 0 unchanged\n`, stderr: '' });
    expect((await meta())?.publishedBy).toBe('admin-cli');

    const exported = await run('export-catalog', 'out.json');
    expect(exported.code, exported.stderr).toBe(0);
    const out = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')) as { format: string; version: number; matters: MatterDoc[] };
    expect(out).toMatchObject({ format: 'lxe-catalog', formatVersion: 1, version: 1 });
    expect(out.matters.map((m) => m.id).sort()).toEqual(DEMO_MATTERS.map((m) => m.id).sort());

    // The exported file imported again changes nothing.
    expect((await run('import-catalog', 'out.json')).stdout).toBe('nothing changed: the catalog stays at version 1\n');
  });

  it('refuses a bad file with every reason, exit 2, and publishes nothing', async () => {
    const [a, b, ...rest] = structuredClone(DEMO_MATTERS);
    a!.promisedDays = a!.legalDays + 1;
    b!.materials = [];
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(file([a, b, ...rest])));
    const before = await store.allDocs('catalog', {});
    const r = await run('import-catalog', 'bad.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('matters.0.promisedDays: the promised time limit cannot exceed the legal one');
    expect(r.stderr).toContain('matters.1.materials:');
    expect(await store.allDocs('catalog', {})).toEqual(before);
    expect((await meta())?.version).toBe(1);

    writeFileSync(path.join(dir, 'not.json'), '{ not json');
    expect((await run('import-catalog', 'not.json')).code).toBe(2);
  });
});

describe('set-permissions', () => {
  it('grants a hall account the catalog permission, and refuses a station account', async () => {
    expect((await run('create-account', 'officer', '--role', 'hall')).code).toBe(0);
    const r = await run('set-permissions', 'officer', '--permission', 'catalog');
    expect(r).toMatchObject({ code: 0, stdout: 'permissions of officer: catalog\n' });
    expect((await store.get<Account>(ACCOUNTS_DB, accountId('officer')))?.permissions).toEqual(['catalog']);
    expect((await run('set-permissions', 'officer', '--permission', 'everything')).code).toBe(2);
    expect((await run('set-permissions', 'officer')).stdout).toBe('permissions of officer: none\n');
  });
});
