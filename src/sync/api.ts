/** The sync-server's HTTP API as the device uses it (same origin, cookie session). */
// The session answer as the contract defines it (a type only: nothing of zod loads with the first screen).
import type { SessionInfo } from '../domain/api-contract';
export type { SessionInfo };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The whole JSON answer, for callers that need more than the reason (e.g. booking alternatives). */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** Network failure (offline, server down) as opposed to an answer from the server. */
export class OfflineError extends Error {}

/**
 * One request to the sync-server. With `schema` (from `domain/api-contract`) the answer is checked against
 * the contract instead of trusted; a mismatch throws the schema's error.
 */
export async function api<T>(method: string, path: string, body?: unknown, schema?: { parse(data: unknown): T }): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new OfflineError('网络不可用 (offline)');
  }
  const data = (await res.json().catch(() => ({}))) as { reason?: string };
  if (!res.ok) throw new ApiError(res.status, data.reason ?? `HTTP ${res.status}`, data);
  return schema ? schema.parse(data) : (data as T);
}

export const signIn = (username: string, password: string): Promise<SessionInfo> => api('POST', '/api/session', { username, password });
export const currentSession = (): Promise<SessionInfo> => api('GET', '/api/session');
export const signOut = (): Promise<unknown> => api('DELETE', '/api/session');
