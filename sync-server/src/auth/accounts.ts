/**
 * Accounts and stations live in the store's `lxe-accounts` / `lxe-stations` databases, which are never
 * reachable through the sync proxy. An account is bound to one station (`station`) or one USCC (`enterprise`).
 */
import { z } from 'zod';
import { ACCOUNT_PERMISSIONS, ACCOUNT_ROLES, stationIdSchema, type AccountRole } from '../../../src/domain/documents';
import type { StationInfo } from '../../../src/domain/api-contract';
import type { CouchClient } from '../store/couch';
import { hashPassword } from './passwords';

export const ACCOUNTS_DB = 'lxe-accounts';
export const STATIONS_DB = 'lxe-stations';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export const accountSchema = z.object({
  _id: z.string(),
  _rev: z.string().optional(),
  username: z.string().regex(USERNAME_PATTERN),
  role: z.enum(ACCOUNT_ROLES),
  stationId: stationIdSchema.optional(),
  uscc: z.string().optional(),
  displayName: z.string().optional(),
  passwordHash: z.string(),
  /** A disabled account cannot sign in; its sessions were ended when it was disabled. */
  disabled: z.boolean().optional(),
  /** Beyond the role: `catalog` lets a hall officer author the catalog. */
  permissions: z.array(z.enum(ACCOUNT_PERMISSIONS)).optional(),
});
export type Account = z.infer<typeof accountSchema>;
export type { AccountRole };

/** A station as stored; `GET /api/stations` answers it as `StationInfo` with its schedule. */
export interface StationDoc extends Omit<StationInfo, 'schedule'> {
  _id: string;
  _rev?: string;
  type: 'station';
  /** Set when the station closed: its accounts cannot sign in; its data stays. */
  retiredAt?: string;
}

export const accountId = (username: string): string => `account:${username}`;

export async function findAccount(store: CouchClient, username: string): Promise<Account | undefined> {
  if (!USERNAME_PATTERN.test(username)) return undefined;
  const doc = await store.get<unknown>(ACCOUNTS_DB, accountId(username));
  const parsed = accountSchema.safeParse(doc);
  return parsed.success ? parsed.data : undefined;
}

export async function createAccount(
  store: CouchClient,
  input: { username: string; password: string; role: AccountRole; stationId?: string; uscc?: string; displayName?: string },
): Promise<void> {
  if (!USERNAME_PATTERN.test(input.username)) throw new Error(`invalid username ${input.username}`);
  if (input.role === 'station' && !input.stationId) throw new Error('a station account needs a station');
  if (input.role === 'enterprise' && !input.uscc) throw new Error('an enterprise account needs a USCC');
  const passwordHash = await hashPassword(input.password);
  const { password: _password, ...rest } = input;
  await store.upsert<Account>(ACCOUNTS_DB, accountId(input.username), () => ({ _id: accountId(input.username), ...rest, passwordHash }));
}

export async function listStations(store: CouchClient): Promise<StationDoc[]> {
  const res = await store.allDocs<StationDoc>(STATIONS_DB, { startkey: 'station:', endkey: 'station:\ufff0', include_docs: true });
  return res.rows.flatMap((row) => (row.doc ? [row.doc] : []));
}
