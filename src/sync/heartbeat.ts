/**
 * The device's heartbeat to the server's fleet list (`POST /api/devices/heartbeat`): device id, app version,
 * last successful sync, what is waiting, storage used and quota, and this device's clock (the server works
 * out the offset). No personal data: counts, sizes and times only. The answer says whether an administrator
 * has retired this device.
 */
import { db } from '../storage/db';
import { api } from './api';

export const APP_VERSION = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0';

export interface HeartbeatInput {
  lastSyncAt?: string | undefined;
  waiting: { docs: number; pages: number; drafts: number };
}

/** The id this device stamps on its submissions too (kept across sign-out). */
export async function deviceId(): Promise<string> {
  const existing = (await db.settings.get('deviceId'))?.value;
  if (typeof existing === 'string') return existing;
  const id = crypto.randomUUID();
  await db.settings.put({ key: 'deviceId', value: id });
  return id;
}

async function storageEstimate(): Promise<{ usage: number; quota: number } | undefined> {
  try {
    const e = await navigator.storage?.estimate?.();
    return e && typeof e.usage === 'number' && typeof e.quota === 'number' ? { usage: e.usage, quota: e.quota } : undefined;
  } catch {
    return undefined;
  }
}

/** Send one heartbeat; `retired` is the server's answer. Throws as `api` does (offline, 401, …). */
export async function sendHeartbeat(input: HeartbeatInput): Promise<{ retired: boolean }> {
  const storage = await storageEstimate();
  const body = {
    deviceId: await deviceId(),
    appVersion: APP_VERSION,
    ...(input.lastSyncAt ? { lastSyncAt: input.lastSyncAt } : {}),
    waiting: input.waiting,
    ...(storage ? { storage } : {}),
    sentAt: new Date().toISOString(),
  };
  const answer = await api<{ retired?: boolean }>('POST', '/api/devices/heartbeat', body);
  return { retired: answer.retired === true };
}
