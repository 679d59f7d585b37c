/**
 * The station device fleet: the heartbeat a device sends when it syncs, and what about a device needs the
 * administrator's attention. A heartbeat carries no personal data: counts, sizes and times only.
 */
import { z } from 'zod';

/** The same shape as the `deviceId` a device stamps on its submissions. */
export const DEVICE_ID_PATTERN = /^[0-9A-Za-z-]{8,64}$/;
const isoTime = z.iso.datetime({ offset: true });

export const heartbeatSchema = z.strictObject({
  deviceId: z.string().regex(DEVICE_ID_PATTERN),
  appVersion: z.string().regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}([-+][0-9A-Za-z.-]{1,32})?$/),
  /** The last time replication and uploads were both caught up; absent before the first. */
  lastSyncAt: isoTime.optional(),
  /** Documents, pages and drafts not yet on the server. */
  waiting: z.strictObject({ docs: z.number().int().min(0).max(1e6), pages: z.number().int().min(0).max(1e6), drafts: z.number().int().min(0).max(1e6) }),
  /** From `navigator.storage.estimate()`, when the browser tells. */
  storage: z.strictObject({ usage: z.number().min(0).max(1e15), quota: z.number().min(0).max(1e15) }).optional(),
  /** The device's clock when it sent this: the server compares it with its own. */
  sentAt: isoTime,
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

/** The server's record of one device (`device:<id>` in `lxe-devices`). */
export interface DeviceRecord {
  deviceId: string;
  stationId: string;
  appVersion: string;
  lastSyncAt?: string | undefined;
  waiting: Heartbeat['waiting'];
  storage?: Heartbeat['storage'];
  /** Server time of the last heartbeat. */
  lastSeenAt: string;
  /** Device clock minus server clock at the last heartbeat, in ms (positive: the device is ahead). */
  clockOffsetMs: number;
  /** Who was signed in (username only: staff accounts, not applicants). */
  username: string;
  retiredAt?: string | undefined;
}

export const ATTENTION = ['notSynced', 'oldVersion', 'storageFull', 'clockOff', 'unsyncedWorkSilent'] as const;
export type Attention = (typeof ATTENTION)[number];

const DAY_MS = 86_400_000;
export const CLOCK_TOLERANCE_MS = 2 * 60_000;
export const STORAGE_FULL_FRACTION = 0.9;

/** Numeric comparison of `major.minor.patch` (a pre-release suffix is ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] => v.split(/[-+]/)[0]!.split('.').map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** What about a device needs attention at `now`. A retired device needs none: it is gone on purpose. */
export function deviceAttention(device: DeviceRecord, now: Date, serverAppVersion: string): Attention[] {
  if (device.retiredAt) return [];
  const out: Attention[] = [];
  const t = now.getTime();
  const lastSync = device.lastSyncAt ? Date.parse(device.lastSyncAt) : Number.NaN;
  if (!(t - lastSync < DAY_MS)) out.push('notSynced');
  if (compareVersions(device.appVersion, serverAppVersion) < 0) out.push('oldVersion');
  if (device.storage && device.storage.quota > 0 && device.storage.usage / device.storage.quota >= STORAGE_FULL_FRACTION) out.push('storageFull');
  if (Math.abs(device.clockOffsetMs) > CLOCK_TOLERANCE_MS) out.push('clockOff');
  const waiting = device.waiting.docs + device.waiting.pages + device.waiting.drafts;
  if (waiting > 0 && !(t - Date.parse(device.lastSeenAt) < DAY_MS)) out.push('unsyncedWorkSilent');
  return out;
}
