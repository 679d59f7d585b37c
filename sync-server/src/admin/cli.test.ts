/**
 * Admin command line. Operators' path first: the real entry point as a child process (through tsx) on a
 * temporary DATA_DIR — create a station and an account, list accounts, bad usage → exit 2 with the usage
 * text, and a clear refusal when the embedded store is held by another process (a running server).
 * Then every command and refusal in-process (`main` with its own environment and output), against an
 * embedded store given as COUCHDB_URL, which is fast and needs no second process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountId, ACCOUNTS_DB, STATIONS_DB, type Account } from '../auth/accounts';
import { verifyPassword } from '../auth/passwords';
import { SESSIONS_DB } from '../auth/sessions';
import { CouchClient } from '../store/couch';
import { startEmbeddedStore, type EmbeddedStore } from '../store/embedded';
import { main } from './commands';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const CLI = 'sync-server/src/admin/cli.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lxe-admin-cli-'));
  tempDirs.push(dir);
  return dir;
}

/** The CLI as a child process, with a clean environment (no inherited store or password settings). */
function spawnCli(args: string[], env: Record<string, string>): Promise<Run> {
  const { COUCHDB_URL: _c, LXE_PASSWORD: _p, DATA_DIR: _d, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [TSX, CLI, ...args], { cwd: ROOT, env: { ...inherited, ...env }, timeout: 40_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('admin CLI as a child process on the embedded store (DATA_DIR)', () => {
  // Three independent sequences on their own DATA_DIRs, run side by side (each spawn costs 1-2 s).
  it('create-station, create-account, list-accounts; bad usage; a store held by another process', { timeout: 90_000 }, async () => {
    await Promise.all([createAndList(), badUsage(), storeInUse()]);
  });

  async function createAndList(): Promise<void> {
    const DATA_DIR = tempDir();
    const station = await spawnCli(['create-station', 'pudong-lujiazui', '--name', '陆家嘴 楼小二', '--name-en', 'Lujiazui Building Helper', '--kind', 'building', '--district', '上海市浦东新区', '--building', '国金中心'], { DATA_DIR });
    expect(station).toEqual({ code: 0, stdout: 'created station pudong-lujiazui (陆家嘴 楼小二); database station-pudong-lujiazui is ready\n', stderr: '' });

    const staff = await spawnCli(['create-account', 'lujiazui', '--role', 'station', '--station', 'pudong-lujiazui', '--display-name', '陆家嘴 工作人员'], { DATA_DIR, LXE_PASSWORD: 'station-pass-1' });
    expect(staff).toEqual({ code: 0, stdout: 'created station account lujiazui for station pudong-lujiazui\n', stderr: '' });

    const list = await spawnCli(['list-accounts'], { DATA_DIR });
    expect(list).toEqual({ code: 0, stdout: 'USERNAME  ROLE     STATION/USCC     DISPLAY NAME\nlujiazui  station  pudong-lujiazui  陆家嘴 工作人员\n', stderr: '' });

    // The store holds what the CLI was given (opened here only after the last child has exited; it stays
    // open in this process, so nothing spawns on this DATA_DIR afterwards).
    const embedded = await startEmbeddedStore(DATA_DIR);
    try {
      const store = new CouchClient(embedded.url);
      const account = await store.get<Account>(ACCOUNTS_DB, accountId('lujiazui'));
      expect(account).toMatchObject({ username: 'lujiazui', role: 'station', stationId: 'pudong-lujiazui', displayName: '陆家嘴 工作人员' });
      expect(await verifyPassword('station-pass-1', account!.passwordHash)).toBe(true);
      expect(await store.json('GET', '/station-pudong-lujiazui')).toMatchObject({ doc_count: 0 });
    } finally {
      await embedded.close();
    }
  }

  async function badUsage(): Promise<void> {
    const none = await spawnCli([], { DATA_DIR: path.join(tempDir(), 'data') });
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toMatch(/^error: no command given\n\nusage: npm run admin -- <command> \[options\]\n/);
    for (const command of ['create-station', 'create-account', 'reset-password', 'list-accounts', 'list-stations']) expect(none.stderr).toContain(command);
  }

  async function storeInUse(): Promise<void> {
    const DATA_DIR = tempDir();
    const embedded = await startEmbeddedStore(DATA_DIR);
    try {
      await new CouchClient(embedded.url).ensureDb(ACCOUNTS_DB);
      const r = await spawnCli(['list-accounts'], { DATA_DIR });
      expect(r).toEqual({
        code: 1,
        stdout: '',
        stderr:
          `error: the embedded store under ${DATA_DIR} is in use by another process (most likely the running sync-server); LevelDB can be opened by one process only.\n` +
          '  Stop the server and run this command again, or use the admin API of the running server (/api/admin/stations, /api/admin/accounts, signed in as an admin).\n',
      });
    } finally {
      await embedded.close();
    }
  }
});

describe('admin CLI commands (in-process, COUCHDB_URL)', () => {
  let embedded: EmbeddedStore;
  let store: CouchClient;

  beforeAll(async () => {
    embedded = await startEmbeddedStore(tempDir());
    store = new CouchClient(embedded.url);
  });

  afterAll(async () => {
    await embedded?.close();
  });

  async function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await main(args, {
      env: { COUCHDB_URL: embedded.url, ...env },
      cwd: ROOT,
      out: (text) => void (stdout += text),
      err: (text) => void (stderr += text),
    });
    return { code, stdout, stderr };
  }

  it('creates the admin databases on a fresh store, lists nothing', async () => {
    const r = await run(['list-stations', '--json']);
    expect(r).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    expect(await store.json('GET', '/_all_dbs')).toEqual(expect.arrayContaining([ACCOUNTS_DB, STATIONS_DB]));
  });

  it('create-station (with a note that a running server follows it after a restart), then 409 → exit 1', async () => {
    const r = await run(['create-station', 'minhang-hongqiao', '--name', '虹桥 楼小二', '--name-en', 'Hongqiao', '--kind', 'branch', '--district', '上海市闵行区', '--building', 'T1', '--building', 'T2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'created station minhang-hongqiao (虹桥 楼小二); database station-minhang-hongqiao is ready\n' +
        'note: a sync-server already running on this CouchDB starts following the new station after a restart (POST /api/admin/stations does so at once)\n',
    );
    expect(await store.json('GET', '/station-minhang-hongqiao')).toMatchObject({ doc_count: 0 });
    const again = await run(['create-station', 'minhang-hongqiao', '--name', 'x', '--name-en', 'x', '--kind', 'branch', '--district', 'x']);
    expect(again).toEqual({ code: 1, stdout: '', stderr: 'error: station minhang-hongqiao already exists\n' });
  });

  it('list-stations as a table (CJK counted as two columns) and as JSON', async () => {
    const table = await run(['list-stations']);
    expect(table).toEqual({
      code: 0,
      stdout: 'ID                KIND    NAME         ENGLISH NAME  DISTRICT      BUILDINGS\nminhang-hongqiao  branch  虹桥 楼小二  Hongqiao      上海市闵行区  T1, T2\n',
      stderr: '',
    });
    const json = await run(['list-stations', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([{ id: 'minhang-hongqiao', name: '虹桥 楼小二', nameEn: 'Hongqiao', kind: 'branch', district: '上海市闵行区', buildings: ['T1', 'T2'] }]);
  });

  it('create-account for each role; --password or LXE_PASSWORD; hashes verify; list-accounts never shows them', async () => {
    expect(await run(['create-account', 'hongqiao', '--role', 'station', '--station', 'minhang-hongqiao'], { LXE_PASSWORD: 'station-pass-1' })).toEqual({
      code: 0,
      stdout: 'created station account hongqiao for station minhang-hongqiao\n',
      stderr: '',
    });
    expect((await run(['create-account', 'acme', '--role', 'enterprise', '--uscc', '91310106ma1fl4xq0w', '--password', 'enterprise-pass-1'])).stdout).toBe('created enterprise account acme for USCC 91310106MA1FL4XQ0W\n');
    // --password wins over LXE_PASSWORD.
    expect((await run(['create-account', 'officer', '--role', 'hall', '--password', 'hall-pass-123'], { LXE_PASSWORD: 'ignored-pass-1' })).code).toBe(0);
    expect((await run(['create-account', 'root', '--role', 'admin', '--display-name', '管理员'], { LXE_PASSWORD: 'admin-pass-1' })).code).toBe(0);

    const hash = async (username: string): Promise<string> => (await store.get<Account>(ACCOUNTS_DB, accountId(username)))!.passwordHash;
    expect(await verifyPassword('station-pass-1', await hash('hongqiao'))).toBe(true);
    expect(await verifyPassword('enterprise-pass-1', await hash('acme'))).toBe(true);
    expect(await verifyPassword('hall-pass-123', await hash('officer'))).toBe(true);
    expect(await verifyPassword('admin-pass-1', await hash('root'))).toBe(true);

    const table = await run(['list-accounts']);
    expect(table.stdout).toBe(
      [
        'USERNAME  ROLE        STATION/USCC        DISPLAY NAME',
        'acme      enterprise  91310106MA1FL4XQ0W',
        'hongqiao  station     minhang-hongqiao',
        'officer   hall',
        'root      admin                           管理员',
        '',
      ].join('\n'),
    );
    const json = await run(['list-accounts', '--json']);
    expect(json.stdout).not.toMatch(/passwordHash|scrypt/);
    expect(JSON.parse(json.stdout)).toEqual([
      { username: 'acme', role: 'enterprise', uscc: '91310106MA1FL4XQ0W' },
      { username: 'hongqiao', role: 'station', stationId: 'minhang-hongqiao' },
      { username: 'officer', role: 'hall' },
      { username: 'root', role: 'admin', displayName: '管理员' },
    ]);

    const dup = await run(['create-account', 'acme', '--role', 'hall'], { LXE_PASSWORD: 'another-pass-1' });
    expect(dup).toEqual({ code: 1, stdout: '', stderr: 'error: username acme is already taken\n' });
    expect(await verifyPassword('enterprise-pass-1', await hash('acme'))).toBe(true);
  });

  it('reset-password changes the hash and signs the account out; an unknown account is exit 1', async () => {
    await store.ensureDb(SESSIONS_DB);
    await store.put(SESSIONS_DB, { _id: 'session:test-officer', username: 'officer', role: 'hall', expiresAt: Date.now() + 60_000 } as { _id: string });
    await store.put(SESSIONS_DB, { _id: 'session:test-root', username: 'root', role: 'admin', expiresAt: Date.now() + 60_000 } as { _id: string });
    const r = await run(['reset-password', 'officer'], { LXE_PASSWORD: 'new-hall-pass-2' });
    expect(r).toEqual({ code: 0, stdout: 'password of officer changed; 1 session(s) signed out\n', stderr: '' });
    const account = await store.get<Account>(ACCOUNTS_DB, accountId('officer'));
    expect(await verifyPassword('new-hall-pass-2', account!.passwordHash)).toBe(true);
    expect(await verifyPassword('hall-pass-123', account!.passwordHash)).toBe(false);
    expect(await store.get(SESSIONS_DB, 'session:test-officer')).toBeUndefined();
    expect(await store.get(SESSIONS_DB, 'session:test-root')).toBeDefined();

    expect(await run(['reset-password', 'nobody'], { LXE_PASSWORD: 'whatever-123' })).toEqual({ code: 1, stdout: '', stderr: 'error: no account nobody\n' });
  });

  it.each<[string, string[], Record<string, string>, RegExp]>([
    ['no command', [], {}, /^error: no command given\n\nusage: /],
    ['an unknown command', ['drop-everything'], {}, /^error: unknown command "drop-everything"\n\nusage: /],
    ['an unknown option', ['list-accounts', '--verbose'], {}, /^error: Unknown option '--verbose'.*\n\nusage: /s],
    ['an option of another command', ['create-station', 'x-station', '--role', 'admin'], {}, /^error: option --role does not apply to create-station\n {2}create-station <id> --name/],
    ['a missing value', ['create-station', 'x-station', '--name'], {}, /^error: Option '--name <value>' argument missing\n\nusage: /],
    ['a missing station flag', ['create-station', 'x-station', '--name', 'n', '--name-en', 'n', '--district', 'd'], {}, /^error: create-station needs --kind\n/],
    ['two station ids', ['create-station', 'a-station', 'b-station', '--name', 'n', '--name-en', 'n', '--kind', 'branch', '--district', 'd'], {}, /^error: create-station takes exactly one station id\n/],
    ['arguments to a list', ['list-accounts', 'everything'], {}, /^error: list-accounts takes no arguments\n/],
    ['no username', ['create-account', '--role', 'hall'], { LXE_PASSWORD: 'long-enough-1' }, /^error: create-account takes exactly one username\n/],
    ['no role', ['create-account', 'someone'], { LXE_PASSWORD: 'long-enough-1' }, /^error: create-account needs --role\n/],
    ['no password', ['create-account', 'someone', '--role', 'hall'], {}, /^error: create-account needs a password: set LXE_PASSWORD or pass --password\n\nusage: /],
    ['a short password', ['create-account', 'someone', '--role', 'hall', '--password', 'short'], {}, /^error: the password must be at least 8 characters\n/],
    ['a short LXE_PASSWORD on reset', ['reset-password', 'officer'], { LXE_PASSWORD: '1234567' }, /^error: the password must be at least 8 characters\n/],
    ['a bad USCC', ['create-account', 'someone', '--role', 'enterprise', '--uscc', '91310106MA1FL4XQ0X'], { LXE_PASSWORD: 'long-enough-1' }, /^error: uscc: not a valid USCC: USCC check character does not match the code\n {2}create-account <username>/],
    ['an enterprise without USCC', ['create-account', 'someone', '--role', 'enterprise'], { LXE_PASSWORD: 'long-enough-1' }, /^error: uscc: an enterprise account needs the USCC/],
    ['an unknown role', ['create-account', 'someone', '--role', 'root'], { LXE_PASSWORD: 'long-enough-1' }, /^error: role: must be one of station, hall, admin, enterprise\n/],
    ['a bad kind', ['create-station', 'x-station', '--name', 'n', '--name-en', 'n', '--kind', 'tower', '--district', 'd'], {}, /^error: kind: must be one of building, branch\n/],
    ['a bad station id', ['create-station', 'X', '--name', 'n', '--name-en', 'n', '--kind', 'branch', '--district', 'd'], {}, /^error: id: 2-63 characters/],
    ['a station that does not exist', ['create-account', 'someone', '--role', 'station', '--station', 'nowhere'], { LXE_PASSWORD: 'long-enough-1' }, /^error: stationId: station nowhere does not exist \(create it first\)\n {2}create-account/],
  ])('bad input: %s → exit 2 with the reason and usage, nothing written', async (_label, args, env, expected) => {
    const before = await store.json('GET', `/${ACCOUNTS_DB}`);
    const r = await run(args, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(expected);
    expect(await store.json('GET', `/${ACCOUNTS_DB}`)).toEqual(before);
  });

  it('--help prints the usage on stdout, exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run admin -- <command> \[options\]\n/);
    expect(r.stdout).toContain('LXE_PASSWORD');
    expect((await run(['create-station', '--help'])).code).toBe(0);
  });

  it('store problems are exit 1 with a clear message, never a stack trace', async () => {
    const refused = await run(['list-accounts'], { COUCHDB_URL: embedded.url.replace(/:[^:@/]+@/, ':wrong@') });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: CouchDB at http:\/\/127\.0\.0\.1:\d+ refused the credentials \(401\); check the user and password in COUCHDB_URL\n$/);
    const unreachable = await run(['list-accounts'], { COUCHDB_URL: 'http://127.0.0.1:1' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^error: CouchDB at http:\/\/127\.0\.0\.1:1 is unreachable: /);
    const invalid = await run(['list-accounts'], { COUCHDB_URL: 'not a url' });
    expect(invalid).toEqual({ code: 1, stdout: '', stderr: 'error: COUCHDB_URL is not a valid URL (expected http://user:password@host:5984)\n' });
    const missing = path.join(tempDir(), 'nothing-here');
    const noStore = await run(['list-stations'], { COUCHDB_URL: '', DATA_DIR: missing });
    expect(noStore).toEqual({ code: 1, stdout: '', stderr: `error: there is no store under ${missing} (DATA_DIR); start the server once or check DATA_DIR\n` });
  });
});
