import { describe, expect, it } from 'vitest';
import { compareVersions, deviceAttention, heartbeatSchema, type DeviceRecord } from './devices';

const now = new Date('2026-12-06T08:00:00Z');
const hoursAgo = (h: number): string => new Date(now.getTime() - h * 3_600_000).toISOString();

/** A healthy device: synced an hour ago, current version, room to spare, clock right, nothing waiting. */
function device(patch: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    deviceId: 'dev-00000001',
    stationId: 'jingan-hkri',
    appVersion: '1.2.0',
    lastSyncAt: hoursAgo(1),
    waiting: { docs: 0, pages: 0, drafts: 0 },
    storage: { usage: 100, quota: 1000 },
    lastSeenAt: hoursAgo(1),
    clockOffsetMs: 0,
    username: 'station',
    ...patch,
  };
}

describe('deviceAttention', () => {
  it('has nothing to say about a healthy device', () => {
    expect(deviceAttention(device(), now, '1.2.0')).toEqual([]);
  });

  it('flags a device not synced for a day, or never', () => {
    expect(deviceAttention(device({ lastSyncAt: hoursAgo(23) }), now, '1.2.0')).toEqual([]);
    expect(deviceAttention(device({ lastSyncAt: hoursAgo(25) }), now, '1.2.0')).toEqual(['notSynced']);
    expect(deviceAttention(device({ lastSyncAt: undefined }), now, '1.2.0')).toEqual(['notSynced']);
  });

  it('flags an app older than the server, not a newer one', () => {
    expect(deviceAttention(device({ appVersion: '1.1.9' }), now, '1.2.0')).toEqual(['oldVersion']);
    expect(deviceAttention(device({ appVersion: '1.10.0' }), now, '1.2.0')).toEqual([]);
  });

  it('flags storage at 90 % or more of the quota', () => {
    expect(deviceAttention(device({ storage: { usage: 899, quota: 1000 } }), now, '1.2.0')).toEqual([]);
    expect(deviceAttention(device({ storage: { usage: 900, quota: 1000 } }), now, '1.2.0')).toEqual(['storageFull']);
  });

  it('flags a clock off by more than two minutes either way', () => {
    expect(deviceAttention(device({ clockOffsetMs: 119_000 }), now, '1.2.0')).toEqual([]);
    expect(deviceAttention(device({ clockOffsetMs: -121_000 }), now, '1.2.0')).toEqual(['clockOff']);
    expect(deviceAttention(device({ clockOffsetMs: 3_600_000 }), now, '1.2.0')).toEqual(['clockOff']);
  });

  it('flags unsynced work on a device not seen for a day', () => {
    const silent = device({ lastSeenAt: hoursAgo(30), lastSyncAt: hoursAgo(30), waiting: { docs: 0, pages: 3, drafts: 0 } });
    expect(deviceAttention(silent, now, '1.2.0')).toEqual(['notSynced', 'unsyncedWorkSilent']);
    // Seen recently, the work is on its way.
    expect(deviceAttention(device({ waiting: { docs: 2, pages: 3, drafts: 1 } }), now, '1.2.0')).toEqual([]);
  });

  it('says nothing about a retired device', () => {
    expect(deviceAttention(device({ retiredAt: hoursAgo(1), lastSyncAt: undefined, appVersion: '0.0.1' }), now, '1.2.0')).toEqual([]);
  });
});

describe('compareVersions', () => {
  it('compares numerically, part by part', () => {
    expect(compareVersions('0.10.0', '0.9.9')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.0-beta')).toBe(0);
    expect(compareVersions('1.0.0', '1.0.1')).toBe(-1);
  });
});

describe('heartbeatSchema', () => {
  const valid = { deviceId: '01JABCDEFGHJKMNPQRSTVWXYZ0', appVersion: '0.1.0', waiting: { docs: 0, pages: 0, drafts: 0 }, sentAt: now.toISOString() };
  it('accepts a heartbeat', () => {
    expect(heartbeatSchema.safeParse(valid).success).toBe(true);
  });
  it('refuses anything beyond its fields (no personal data can ride along) and bad ids', () => {
    expect(heartbeatSchema.safeParse({ ...valid, applicant: '张三' }).success).toBe(false);
    expect(heartbeatSchema.safeParse({ ...valid, stationId: 'songshanhu-nanhuwan' }).success).toBe(false);
    expect(heartbeatSchema.safeParse({ ...valid, deviceId: '../x' }).success).toBe(false);
  });
});
