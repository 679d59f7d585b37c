/**
 * Administration of stations and accounts, shared by the admin API (`routes.ts`) and the command line
 * (`cli.ts`), so both validate the same way and give the same messages. Inputs are parsed with strict zod
 * schemas; every refusal is an `AdminError` carrying the HTTP status, a short error code and a reason a
 * person can act on. Password hashes never leave this module: accounts are returned in their public form.
 */
import { z } from 'zod';
import { ACCOUNT_ROLES, describeIssues, STATION_ID_PATTERN, type AccountPermission } from '../../../src/domain/documents';
import { permissionsRequestSchema } from '../../../src/domain/api-contract';
import { explainUscc, normaliseUscc } from '../../../src/domain/ids';
import { accountId, accountSchema, ACCOUNTS_DB, createAccount, listStations, STATIONS_DB, USERNAME_PATTERN, type Account, type StationDoc } from '../auth/accounts';
import { hashPassword } from '../auth/passwords';
import { SESSIONS_DB } from '../auth/sessions';
import { scheduleSchema, type Schedule } from '../../../src/domain/schedule';
import { StoreError, type CouchClient } from '../store/couch';

export class AdminError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly error: 'bad_request' | 'not_found' | 'conflict',
    readonly reason: string,
  ) {
    super(reason);
  }
}

export const MIN_PASSWORD_LENGTH = 8;
/** The sign-in endpoint accepts at most 256 characters; a longer password could never be used. */
export const MAX_PASSWORD_LENGTH = 256;
export const STATION_KINDS = ['building', 'branch'] as const;

/** Messages name no field: `describeIssues` prefixes the path ("name: required", "kind: must be one of …"). */
const needs = (expected: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : `must be ${expected}`) });

const text = (max: number) => z.string(needs('a string')).trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const passwordSchema = z
  .string(needs('a string'))
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `at most ${MAX_PASSWORD_LENGTH} characters`);

const stationId = z.string(needs('a string')).regex(STATION_ID_PATTERN, '2-63 characters, lower-case letters, digits and "-", starting with a letter');

export const stationInputSchema = z.strictObject({
  id: stationId,
  name: text(100),
  nameEn: text(100),
  kind: z.enum(STATION_KINDS, needs(`one of ${STATION_KINDS.join(', ')}`)),
  district: text(100),
  buildings: z
    .array(text(100), needs('an array of building names'))
    .max(100, 'at most 100 buildings')
    .refine((names) => new Set(names).size === names.length, 'each building only once')
    .default([]),
});
export type StationInput = z.input<typeof stationInputSchema>;

export const accountInputSchema = z
  .strictObject({
    // Sign-in lower-cases the username, so accounts are stored lower-case.
    username: z
      .string(needs('a string'))
      .trim()
      .toLowerCase()
      .regex(USERNAME_PATTERN, '2-32 characters, lower-case letters, digits, ".", "_" and "-", starting with a letter or digit'),
    password: passwordSchema,
    role: z.enum(ACCOUNT_ROLES, needs(`one of ${ACCOUNT_ROLES.join(', ')}`)),
    stationId: stationId.optional(),
    uscc: z.string(needs('a string')).max(64, 'at most 64 characters').transform(normaliseUscc).optional(),
    displayName: text(100).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.role === 'station' && a.stationId === undefined) ctx.addIssue({ code: 'custom', path: ['stationId'], message: 'a station account needs the id of its station' });
    if (a.role !== 'station' && a.stationId !== undefined) ctx.addIssue({ code: 'custom', path: ['stationId'], message: `only station accounts are bound to a station, not ${a.role} accounts` });
    if (a.role === 'enterprise' && a.uscc === undefined) ctx.addIssue({ code: 'custom', path: ['uscc'], message: 'an enterprise account needs the USCC (统一社会信用代码) of its enterprise' });
    if (a.role !== 'enterprise' && a.uscc !== undefined) ctx.addIssue({ code: 'custom', path: ['uscc'], message: `only enterprise accounts are bound to a USCC, not ${a.role} accounts` });
    if (a.role === 'enterprise' && a.uscc !== undefined) {
      const problem = explainUscc(a.uscc);
      if (problem) ctx.addIssue({ code: 'custom', path: ['uscc'], message: `not a valid USCC: ${problem.message}` });
    }
  });
export type AccountInput = z.input<typeof accountInputSchema>;

export const passwordResetSchema = z.strictObject({ password: passwordSchema });

export interface PublicStation {
  id: string;
  name: string;
  nameEn: string;
  kind: StationDoc['kind'];
  district: string;
  buildings: string[];
  schedule?: Schedule;
  retiredAt?: string;
}

export interface PublicAccount {
  username: string;
  role: Account['role'];
  stationId?: string;
  uscc?: string;
  displayName?: string;
  disabled?: boolean;
  permissions?: AccountPermission[];
}

/** Parse `input` with `schema`, or refuse with a 400 naming every problem (field: message). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AdminError(400, 'bad_request', 'the body must be a JSON object');
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AdminError(400, 'bad_request', describeIssues(parsed.error));
  return parsed.data;
}

const publicStation = (s: StationWithSchedule): PublicStation => ({
  id: s.id,
  name: s.name,
  nameEn: s.nameEn,
  kind: s.kind,
  district: s.district,
  buildings: s.buildings ?? [],
  ...(s.schedule ? { schedule: s.schedule } : {}),
  ...(s.retiredAt ? { retiredAt: s.retiredAt } : {}),
});

/** Built field by field (never by spreading the stored document), so a hash can never slip through. */
export const publicAccount = (a: Account): PublicAccount => ({
  username: a.username,
  role: a.role,
  ...(a.stationId ? { stationId: a.stationId } : {}),
  ...(a.uscc ? { uscc: a.uscc } : {}),
  ...(a.displayName ? { displayName: a.displayName } : {}),
  ...(a.disabled ? { disabled: true } : {}),
  ...(a.permissions?.length ? { permissions: a.permissions } : {}),
});

/**
 * Account and station creation is check-then-write; one at a time in this process so two admin requests
 * cannot both create one username. (Across processes, the CLI refuses to run beside a server on the
 * embedded store, and with CouchDB the station write itself is create-only.)
 */
let chain: Promise<unknown> = Promise.resolve();
function serialised<T>(work: () => Promise<T>): Promise<T> {
  const next = chain.catch(() => undefined).then(work);
  chain = next.catch(() => undefined);
  return next;
}

export async function getStations(store: CouchClient): Promise<PublicStation[]> {
  return (await listStations(store)).map(publicStation);
}

export async function stationExists(store: CouchClient, id: string): Promise<boolean> {
  return (await store.get<StationDoc>(STATIONS_DB, `station:${id}`)) !== undefined;
}

/** Create a station and its `station-<id>` database. 409 if the id is taken. */
export function createStation(store: CouchClient, input: unknown): Promise<PublicStation> {
  const data = parseInput(stationInputSchema, input);
  return serialised(async () => {
    if (await stationExists(store, data.id)) throw new AdminError(409, 'conflict', `station ${data.id} already exists`);
    // Database first (idempotent), then the station document: a crash between leaves an unused database,
    // never a station without one (and the server ensures every station's database at start anyway).
    await store.ensureDb(`station-${data.id}`);
    const doc: StationDoc = { _id: `station:${data.id}`, type: 'station', ...data };
    try {
      await store.put(STATIONS_DB, doc);
    } catch (e) {
      if (e instanceof StoreError && e.status === 409) throw new AdminError(409, 'conflict', `station ${data.id} already exists`);
      throw e;
    }
    return publicStation(doc);
  });
}

export async function getAccounts(store: CouchClient): Promise<PublicAccount[]> {
  const { rows } = await store.allDocs<unknown>(ACCOUNTS_DB, { startkey: 'account:', endkey: 'account:\ufff0', include_docs: true });
  return rows.flatMap((row) => {
    const parsed = accountSchema.safeParse(row.doc);
    return parsed.success ? [publicAccount(parsed.data)] : [];
  });
}

/** Create an account. 400 on bad input or an unknown station, 409 if the username is taken. */
export function createAccountChecked(store: CouchClient, input: unknown): Promise<PublicAccount> {
  const data = parseInput(accountInputSchema, input);
  return serialised(async () => {
    if (data.stationId !== undefined && !(await stationExists(store, data.stationId))) {
      throw new AdminError(400, 'bad_request', `stationId: station ${data.stationId} does not exist (create it first)`);
    }
    if (data.stationId !== undefined && (await store.get<StationDoc>(STATIONS_DB, `station:${data.stationId}`))?.retiredAt) {
      throw new AdminError(400, 'bad_request', `stationId: station ${data.stationId} is retired`);
    }
    // Any document under the id counts, even one that no longer parses: never overwrite it silently.
    if ((await store.get<unknown>(ACCOUNTS_DB, accountId(data.username))) !== undefined) {
      throw new AdminError(409, 'conflict', `username ${data.username} is already taken`);
    }
    const { password, ...rest } = data;
    await createAccount(store, { ...rest, password });
    return publicAccount({ _id: accountId(data.username), ...rest, passwordHash: '' });
  });
}

/**
 * Set a new password and sign the account out everywhere: its sessions are deleted from the store, which every
 * server process sees on its sessions feed; `onRevoked` lets the calling process evict them from its own cache
 * before it answers.
 */
export function resetPassword(store: CouchClient, username: unknown, input: unknown, onRevoked?: (sessionIds: string[]) => void): Promise<{ username: string; revokedSessions: number }> {
  const { password } = parseInput(passwordResetSchema, input);
  const name = typeof username === 'string' ? username.trim().toLowerCase() : '';
  if (!USERNAME_PATTERN.test(name)) throw new AdminError(404, 'not_found', `no account ${JSON.stringify(String(username)).slice(0, 80)}`);
  return serialised(async () => {
    const passwordHash = await hashPassword(password);
    let found = false;
    await store.upsert<Account>(ACCOUNTS_DB, accountId(name), (old) => {
      found = old !== undefined;
      return old ? { ...old, passwordHash } : undefined;
    });
    if (!found) throw new AdminError(404, 'not_found', `no account ${name}`);
    return { username: name, revokedSessions: await revokeSessions(store, name, onRevoked) };
  });
}

export async function revokeSessions(store: CouchClient, username: string, onRevoked: ((sessionIds: string[]) => void) | undefined): Promise<number> {
  let rows;
  try {
    ({ rows } = await store.allDocs<{ _id: string; _rev: string; username?: string }>(SESSIONS_DB, { startkey: 'session:', endkey: 'session:\ufff0', include_docs: true }));
  } catch (e) {
    if (e instanceof StoreError && e.status === 404) return 0; // a store the server never ran on
    throw e;
  }
  const mine = rows.flatMap((row) => (row.doc?.username === username ? [{ _id: row.doc._id, _rev: row.doc._rev, _deleted: true }] : []));
  if (mine.length) await store.bulkDocs(SESSIONS_DB, mine);
  onRevoked?.(mine.map((d) => d._id));
  return mine.length;
}

type StationWithSchedule = StationDoc & { schedule?: Schedule };

/** What an edit may change; the id and kind stay (the id names the station's database and receipt series). */
export const stationEditSchema = z
  .strictObject({
    name: text(100).optional(),
    nameEn: text(100).optional(),
    district: text(100).optional(),
    buildings: stationInputSchema.shape.buildings.unwrap().optional(),
    /** Opening hours and booking capacity; `null` stops bookings at the station. */
    schedule: scheduleSchema.nullable().optional(),
  })
  .refine((e) => Object.keys(e).length > 0, 'nothing to change');

function stationNotFound(id: unknown): AdminError {
  return new AdminError(404, 'not_found', `no station ${JSON.stringify(String(id)).slice(0, 80)}`);
}

/** Edit a station's names, district, buildings or schedule. 404 for an unknown station, 400 for a retired one. */
export function updateStation(store: CouchClient, id: unknown, input: unknown): Promise<PublicStation> {
  const edit = parseInput(stationEditSchema, input);
  if (typeof id !== 'string' || !STATION_ID_PATTERN.test(id)) throw stationNotFound(id);
  return serialised(async () => {
    let result: StationWithSchedule | undefined;
    let retired = false;
    await store.upsert<StationWithSchedule>(STATIONS_DB, `station:${id}`, (old) => {
      if (!old) return undefined;
      if (old.retiredAt) {
        retired = true;
        return undefined;
      }
      const { schedule, ...rest } = edit;
      const next: StationWithSchedule = { ...old, ...rest };
      if (schedule === null) delete next.schedule;
      else if (schedule !== undefined) next.schedule = schedule;
      result = next;
      return next;
    });
    if (retired) throw new AdminError(400, 'bad_request', `station ${id} is retired`);
    if (!result) throw stationNotFound(id);
    return publicStation(result);
  });
}

/**
 * Retire a station: it leaves the booking list, its accounts cannot sign in and their sessions end now. Its
 * database, submissions and accounts stay (the hall's records and the audit trail refer to them).
 */
export function retireStation(store: CouchClient, id: unknown, onRevoked?: (sessionIds: string[]) => void): Promise<{ station: PublicStation; revokedSessions: number }> {
  if (typeof id !== 'string' || !STATION_ID_PATTERN.test(id)) throw stationNotFound(id);
  return serialised(async () => {
    let result: StationWithSchedule | undefined;
    await store.upsert<StationWithSchedule>(STATIONS_DB, `station:${id}`, (old) => {
      if (!old) return undefined;
      result = old.retiredAt ? old : { ...old, retiredAt: new Date().toISOString() };
      return old.retiredAt ? undefined : result;
    });
    if (!result) throw stationNotFound(id);
    const accounts = (await getAccounts(store)).filter((a) => a.stationId === id);
    let revokedSessions = 0;
    for (const a of accounts) revokedSessions += await revokeSessions(store, a.username, onRevoked);
    return { station: publicStation(result), revokedSessions };
  });
}

/**
 * Disable (or enable again) an account. Disabling ends its sessions at once: they are deleted from the store,
 * which every server process follows, and `onRevoked` evicts them from this process's cache before it answers.
 */
export function setAccountDisabled(store: CouchClient, username: unknown, disabled: boolean, onRevoked?: (sessionIds: string[]) => void): Promise<{ account: PublicAccount; revokedSessions: number }> {
  const name = typeof username === 'string' ? username.trim().toLowerCase() : '';
  if (!USERNAME_PATTERN.test(name)) throw new AdminError(404, 'not_found', `no account ${JSON.stringify(String(username)).slice(0, 80)}`);
  return serialised(async () => {
    let account: Account | undefined;
    await store.upsert<Account>(ACCOUNTS_DB, accountId(name), (old) => {
      if (!old) return undefined;
      const { disabled: _was, ...rest } = old;
      account = disabled ? { ...rest, disabled: true } : rest;
      return account;
    });
    if (!account) throw new AdminError(404, 'not_found', `no account ${name}`);
    const revokedSessions = disabled ? await revokeSessions(store, name, onRevoked) : 0;
    return { account: publicAccount(account), revokedSessions };
  });
}

/**
 * Set an account's permissions (replacing them). Only hall accounts take any: an admin may do everything already,
 * and station and enterprise accounts must never reach the hall's tools. Applies at the next request (guards read
 * the account); the UI shows it after the next sign-in.
 */
export function setPermissions(store: CouchClient, username: unknown, input: unknown): Promise<PublicAccount> {
  const { permissions } = parseInput(permissionsRequestSchema, input);
  const name = typeof username === 'string' ? username.trim().toLowerCase() : '';
  if (!USERNAME_PATTERN.test(name)) throw new AdminError(404, 'not_found', `no account ${JSON.stringify(String(username)).slice(0, 80)}`);
  return serialised(async () => {
    let account: Account | undefined;
    let role: Account['role'] | undefined;
    await store.upsert<Account>(ACCOUNTS_DB, accountId(name), (old) => {
      if (!old) return undefined;
      role = old.role;
      if (old.role !== 'hall' && permissions.length) return undefined;
      const { permissions: _was, ...rest } = old;
      account = permissions.length ? { ...rest, permissions: [...new Set(permissions)] } : rest;
      return account;
    });
    if (!role) throw new AdminError(404, 'not_found', `no account ${name}`);
    if (!account) throw new AdminError(400, 'bad_request', `permissions: only hall accounts take permissions, not ${role} accounts`);
    return publicAccount(account);
  });
}
