/**
 * Admin command line: stations, accounts and the catalog, straight against the store (same validation as the admin API).
 *
 *   npm run admin -- <command> …      (or: npx tsx sync-server/src/admin/cli.ts <command> …)
 *
 * `main` takes its environment and output streams as parameters, so tests can run it in-process.
 *
 * Store: `COUCHDB_URL` if set, else the embedded store under `DATA_DIR` (default ./data). The embedded store
 * (LevelDB) can be open in one process only, so with the server running use the admin API instead.
 * Exit codes: 0 done, 1 refused or failed (duplicate, unknown account, store problem), 2 bad usage or input.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ACCOUNTS_DB, STATIONS_DB } from '../auth/accounts';
import { backupStore, readManifest, restoreStore } from '../backup/backup';
import { CouchClient, StoreError } from '../store/couch';
import { CATALOG_DB, CATALOG_HISTORY_DB, CatalogRefused, checkCatalogFile, exportCatalog, publishCatalog } from '../catalog/service';
import { permissionsRequestSchema } from '../../../src/domain/api-contract';
import { accountInputSchema, AdminError, createAccountChecked, createStation, getAccounts, getStations, MIN_PASSWORD_LENGTH, parseInput, passwordResetSchema, resetPassword, setPermissions, stationInputSchema } from './service';

const COMMANDS = {
  'create-station': {
    usage: 'create-station <id> --name <name> --name-en <English name> --kind building|branch --district <district> [--building <name>]…',
    options: ['name', 'name-en', 'kind', 'district', 'building'],
  },
  'create-account': {
    usage: 'create-account <username> --role station|hall|admin|enterprise [--station <station id>] [--uscc <USCC>] [--display-name <name>] [--password <password>]',
    options: ['role', 'station', 'uscc', 'display-name', 'password'],
  },
  'reset-password': { usage: 'reset-password <username> [--password <password>]', options: ['password'] },
  'list-accounts': { usage: 'list-accounts [--json]', options: ['json'] },
  'list-stations': { usage: 'list-stations [--json]', options: ['json'] },
  'set-permissions': { usage: 'set-permissions <username> [--permission catalog]…   (none: take all away; hall accounts only)', options: ['permission'] },
  'export-catalog': { usage: 'export-catalog <file.json>   (the published catalog, format lxe-catalog 1)', options: [] },
  'import-catalog': { usage: 'import-catalog <file.json>   (publish it as the next catalog version)', options: [] },
  backup: { usage: 'backup <empty directory>', options: [] },
  restore: { usage: 'restore <backup directory>   (into an empty store; then start the server)', options: [] },
} as const;
type Command = keyof typeof COMMANDS;

const USAGE = `usage: npm run admin -- <command> [options]

commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join('\n')}

  create-account and reset-password take the password from LXE_PASSWORD (preferred: it stays out of the
  process list and shell history) or --password; at least ${MIN_PASSWORD_LENGTH} characters.
  A station account needs --station, an enterprise account --uscc.

store: COUCHDB_URL if set, else the embedded store under DATA_DIR (default ./data). Stop the server first
when it uses the embedded store, or use the admin API (/api/admin) of the running server instead.
`;

/** What the command line reads and writes: the process's by default, a test's own in tests. */
export interface CliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  out(text: string): void;
  err(text: string): void;
}

const processIo = (): CliIo => ({
  env: process.env,
  cwd: process.cwd(),
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
});

class UsageError extends Error {}
class StoreLocked extends Error {}

const OPTIONS = {
  name: { type: 'string' },
  'name-en': { type: 'string' },
  kind: { type: 'string' },
  district: { type: 'string' },
  building: { type: 'string', multiple: true },
  role: { type: 'string' },
  station: { type: 'string' },
  uscc: { type: 'string' },
  'display-name': { type: 'string' },
  password: { type: 'string' },
  json: { type: 'boolean' },
  permission: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Parsed {
  command: Command;
  target: string | undefined;
  values: { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };
}

function parse(argv: string[]): Parsed | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message, { cause: e });
  }
  const { values, positionals } = parsed;
  if (values.help && positionals.length === 0) return 'help';
  const [command, ...rest] = positionals;
  if (!command) throw new UsageError('no command given');
  if (!(command in COMMANDS)) throw new UsageError(`unknown command "${command}"`);
  const spec = COMMANDS[command as Command];
  if (values.help) return 'help';
  for (const key of Object.keys(values)) {
    if (!(spec.options as readonly string[]).includes(key)) throw new UsageError(`option --${key} does not apply to ${command}\n  ${spec.usage}`);
  }
  const wantsTarget = command.startsWith('create-') || ['reset-password', 'set-permissions', 'backup', 'restore', 'export-catalog', 'import-catalog'].includes(command);
  const targetName = command === 'create-station' ? 'station id' : command === 'backup' || command === 'restore' ? 'directory' : command.endsWith('-catalog') ? 'file' : 'username';
  if (wantsTarget && rest.length !== 1) throw new UsageError(`${command} takes exactly one ${targetName}\n  ${spec.usage}`);
  if (!wantsTarget && rest.length) throw new UsageError(`${command} takes no arguments\n  ${spec.usage}`);
  return { command: command as Command, target: rest[0], values };
}

function passwordFrom(p: Parsed, io: CliIo): string {
  const password = p.values.password ?? io.env.LXE_PASSWORD;
  if (password === undefined || password === '') throw new UsageError(`${p.command} needs a password: set LXE_PASSWORD or pass --password`);
  if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  return password;
}

const isLockError = (message: string): boolean => /\block\b.*(temporarily unavailable|already held|locked)/i.test(message);

function lockedMessage(dataDir: string): string {
  return (
    `the embedded store under ${dataDir} is in use by another process (most likely the running sync-server); ` +
    'LevelDB can be opened by one process only.\n' +
    '  Stop the server and run this command again, or use the admin API of the running server ' +
    '(/api/admin/stations, /api/admin/accounts, signed in as an admin).'
  );
}

/** Open the LevelDB the server opens first; fails at once, and quietly, when another process holds it. */
async function assertNotLocked(storeDir: string): Promise<void> {
  const probeDir = path.join(storeDir, 'pouch__all_dbs__');
  if (!existsSync(probeDir)) return;
  const require = createRequire(import.meta.url);
  const PouchDB = require('pouchdb-node') as new (name: string) => { info(): Promise<unknown>; close(): Promise<void> };
  const probe = new PouchDB(probeDir);
  try {
    await probe.info();
  } catch (e) {
    if (isLockError(String((e as Error).message))) throw new StoreLocked(String((e as Error).message), { cause: e });
    throw e;
  } finally {
    await probe.close().catch(() => undefined);
  }
}

interface OpenStore {
  store: CouchClient;
  where: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** As config.ts: DATA_DIR relative to the working directory, default ./data. */
const dataDirOf = (io: CliIo): string => path.resolve(io.cwd, io.env.DATA_DIR ?? 'data');

async function openStore(io: CliIo, createIfMissing: boolean): Promise<OpenStore> {
  const url = io.env.COUCHDB_URL;
  let opened: OpenStore;
  if (url) {
    let store: CouchClient;
    try {
      store = new CouchClient(url, { prefix: io.env.COUCHDB_DB_PREFIX ?? '' });
    } catch (e) {
      throw new Error('COUCHDB_URL is not a valid URL (expected http://user:password@host:5984)', { cause: e });
    }
    opened = { store, where: `CouchDB at ${store.base}`, embedded: false, close: async () => undefined };
  } else {
    const dataDir = dataDirOf(io);
    const storeDir = path.join(dataDir, 'store');
    if (!existsSync(storeDir) && !createIfMissing) {
      throw new Error(`there is no store under ${dataDir} (DATA_DIR); start the server once or check DATA_DIR`);
    }
    await assertNotLocked(storeDir);
    // Loaded only here: usage errors and COUCHDB_URL need neither express nor PouchDB.
    const { startEmbeddedStore } = await import('../store/embedded');
    const embedded = await startEmbeddedStore(dataDir);
    opened = { store: new CouchClient(embedded.url), where: `embedded store under ${dataDir}`, embedded: true, close: () => embedded.close() };
  }
  try {
    await opened.store.json('GET', '/_all_dbs');
    for (const db of [ACCOUNTS_DB, STATIONS_DB]) await opened.store.ensureDb(db);
  } catch (e) {
    await opened.close();
    if (e instanceof StoreError && isLockError(e.reason)) throw new StoreLocked(e.reason, { cause: e });
    if (e instanceof StoreError && (e.status === 401 || e.status === 403)) throw new Error(`${opened.where} refused the credentials (${e.status}); check the user and password in COUCHDB_URL`, { cause: e });
    if (e instanceof StoreError) throw e;
    throw new Error(`${opened.where} is unreachable: ${(e as Error).message}`, { cause: e });
  }
  return opened;
}

/** Terminal columns of `text`: CJK and full-width characters take two. */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
const columns = (text: string): number => [...text].reduce((n, ch) => n + (WIDE.test(ch) ? 2 : 1), 0);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => columns(r[i] ?? ''))));
  return rows.map((r) => r.map((cell, i) => cell + ' '.repeat(Math.max(0, widths[i]! - columns(cell)))).join('  ').trimEnd()).join('\n') + '\n';
}

type Action = (store: OpenStore) => Promise<void>;

/** Check the input (all but what needs the store) before the store is opened; the action does the rest. */
function prepare(p: Parsed, io: CliIo): Action {
  const out = io.out;
  const target = p.target ?? '';
  const v = p.values;
  switch (p.command) {
    case 'create-station': {
      for (const [flag, value] of [['--name', v.name], ['--name-en', v['name-en']], ['--kind', v.kind], ['--district', v.district]] as const) {
        if (value === undefined) throw new UsageError(`create-station needs ${flag}\n  ${COMMANDS['create-station'].usage}`);
      }
      const input = { id: target, name: v.name, nameEn: v['name-en'], kind: v.kind, district: v.district, buildings: v.building ?? [] };
      parseInput(stationInputSchema, input);
      return async (store) => {
        const station = await createStation(store.store, input);
        out(`created station ${station.id} (${station.name}); database station-${station.id} is ready\n`);
        if (!store.embedded) out('note: a sync-server already running on this CouchDB starts following the new station after a restart (POST /api/admin/stations does so at once)\n');
      };
    }
    case 'create-account': {
      if (v.role === undefined) throw new UsageError(`create-account needs --role\n  ${COMMANDS['create-account'].usage}`);
      const input = {
        username: target,
        password: passwordFrom(p, io),
        role: v.role,
        ...(v.station !== undefined ? { stationId: v.station } : {}),
        ...(v.uscc !== undefined ? { uscc: v.uscc } : {}),
        ...(v['display-name'] !== undefined ? { displayName: v['display-name'] } : {}),
      };
      parseInput(accountInputSchema, input);
      return async (store) => {
        const account = await createAccountChecked(store.store, input);
        out(`created ${account.role} account ${account.username}${account.stationId ? ` for station ${account.stationId}` : ''}${account.uscc ? ` for USCC ${account.uscc}` : ''}\n`);
      };
    }
    case 'reset-password': {
      const input = { password: passwordFrom(p, io) };
      parseInput(passwordResetSchema, input);
      return async (store) => {
        const result = await resetPassword(store.store, target, input);
        out(`password of ${result.username} changed; ${result.revokedSessions} session(s) signed out\n`);
      };
    }
    case 'set-permissions': {
      const input = { permissions: v.permission ?? [] };
      parseInput(permissionsRequestSchema, input);
      return async (store) => {
        const account = await setPermissions(store.store, target, input);
        out(`permissions of ${account.username}: ${account.permissions?.join(', ') || 'none'}\n`);
      };
    }
    case 'export-catalog': {
      const file = path.resolve(io.cwd, target);
      return async (store) => {
        await store.store.ensureDb(CATALOG_DB);
        const catalog = await exportCatalog(store.store);
        writeFileSync(file, JSON.stringify(catalog, null, 2) + '\n');
        out(`catalog version ${catalog.version} (${catalog.matters.length} matters) written to ${file}\n`);
      };
    }
    case 'import-catalog': {
      const file = path.resolve(io.cwd, target);
      let catalog: unknown;
      try {
        catalog = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new UsageError(`cannot read ${file} as JSON: ${(e as Error).message}`, { cause: e });
      }
      // Checked before the store is opened: a bad file is a usage problem (exit 2), with every reason.
      checkCatalogFile(catalog);
      return async (store) => {
        for (const db of [CATALOG_DB, CATALOG_HISTORY_DB]) await store.store.ensureDb(db);
        const result = await publishCatalog(store.store, catalog, 'admin-cli');
        if (!result.changed.length && !result.retired.length) return void out(`nothing changed: the catalog stays at version ${result.version}\n`);
        out(`published catalog version ${result.version}: ${result.changed.length} matter(s) new or changed, ${result.retired.length} retired, ${result.unchanged} unchanged\n`);
      };
    }
    case 'list-accounts':
      return async (store) => {
        const accounts = await getAccounts(store.store);
        if (v.json) return void out(JSON.stringify(accounts, null, 2) + '\n');
        out(table([['USERNAME', 'ROLE', 'STATION/USCC', 'DISPLAY NAME'], ...accounts.map((a) => [a.username, a.role, a.stationId ?? a.uscc ?? '', a.displayName ?? ''])]));
      };
    case 'backup': {
      const dir = path.resolve(io.cwd, target);
      return async (store) => {
        const started = Date.now();
        const manifest = await backupStore(store.store, dir, (line) => out(`${line}\n`));
        const docs = manifest.databases.reduce((n, d) => n + d.docs, 0);
        out(`backup of ${store.where} written to ${dir}: ${manifest.databases.length} databases, ${docs} documents in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      };
    }
    case 'restore': {
      const dir = path.resolve(io.cwd, target);
      try {
        readManifest(dir); // a wrong directory is a usage problem: say so before the store is opened
      } catch (e) {
        throw new UsageError((e as Error).message, { cause: e });
      }
      return async (store) => {
        const started = Date.now();
        const summary = await restoreStore(store.store, dir, (line) => out(`${line}\n`));
        out(`restored ${summary.databases} databases, ${summary.docs} documents, ${summary.attachments} attachments into ${store.where} in ${((Date.now() - started) / 1000).toFixed(1)} s; start the server: devices sync again from their own checkpoints\n`);
      };
    }
    case 'list-stations':
      return async (store) => {
        const stations = await getStations(store.store);
        if (v.json) return void out(JSON.stringify(stations, null, 2) + '\n');
        out(table([['ID', 'KIND', 'NAME', 'ENGLISH NAME', 'DISTRICT', 'BUILDINGS'], ...stations.map((s) => [s.id, s.kind, s.name, s.nameEn, s.district, s.buildings.join(', ')])]));
      };
  }
}

function usageFailure(io: CliIo, command: Command | undefined, e: unknown): number | undefined {
  if (e instanceof UsageError) {
    io.err(`error: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (e instanceof CatalogRefused) {
    io.err(`error: ${e.message}\n`);
    return 2;
  }
  if (e instanceof AdminError && e.status === 400) {
    io.err(`error: ${e.reason}\n${command ? `  ${COMMANDS[command].usage}\n` : ''}`);
    return 2;
  }
  return undefined;
}

/** Run one command; resolves to the exit code (0 done, 1 refused or failed, 2 bad usage or input). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let parsed: Parsed | 'help' | undefined;
  let action: Action;
  try {
    parsed = parse(argv);
    if (parsed === 'help') {
      io.out(USAGE);
      return 0;
    }
    action = prepare(parsed, io);
  } catch (e) {
    const code = usageFailure(io, parsed === 'help' ? undefined : parsed?.command, e);
    if (code === undefined) throw e;
    return code;
  }
  let store: OpenStore | undefined;
  try {
    store = await openStore(io, parsed.command.startsWith('create-') || parsed.command === 'restore');
    await action(store);
    return 0;
  } catch (e) {
    const code = usageFailure(io, parsed.command, e);
    if (code !== undefined) return code;
    if (e instanceof AdminError) {
      io.err(`error: ${e.reason}\n`);
      return 1;
    }
    if (e instanceof StoreLocked) {
      io.err(`error: ${lockedMessage(dataDirOf(io))}\n`);
      return 1;
    }
    io.err(`error: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

