/**
 * Issue 8's server half: the number of days station devices keep a submission's personal fields after the
 * hall's decision comes from `LXE_PURGE_AFTER_DAYS` (default 30, 0 allowed) and travels with the session, on
 * sign-in and on `GET /api/session`, so the device can cache it and apply it offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PURGE_AFTER_DAYS } from '../../src/domain/purge';
import { configFromEnv } from './config';
import { asRecord, startTestServer, type TestServer } from './test-support';

describe('LXE_PURGE_AFTER_DAYS', () => {
  it('defaults to 30 days and accepts whole days from 0', () => {
    expect(configFromEnv({}, '/tmp').purgeAfterDays).toBe(DEFAULT_PURGE_AFTER_DAYS);
    expect(DEFAULT_PURGE_AFTER_DAYS).toBe(30);
    expect(configFromEnv({ LXE_PURGE_AFTER_DAYS: '0' }, '/tmp').purgeAfterDays).toBe(0);
    expect(configFromEnv({ LXE_PURGE_AFTER_DAYS: '90' }, '/tmp').purgeAfterDays).toBe(90);
  });

  it('refuses anything else at start-up with a message naming the variable', () => {
    for (const bad of ['-1', '1.5', 'thirty', '1e3', '0x10', '99999']) {
      expect(() => configFromEnv({ LXE_PURGE_AFTER_DAYS: bad }, '/tmp'), bad).toThrow(/LXE_PURGE_AFTER_DAYS/);
    }
  });
});

describe('the session carries the purge window', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ purgeAfterDays: 7 }, ['station', 'hall']);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('on sign-in', async () => {
    const { reply } = await t.signIn('enterprise');
    expect(reply.status).toBe(200);
    expect(asRecord(reply.json)).toMatchObject({ username: 'enterprise', purgeAfterDays: 7 });
  });

  it('on GET /api/session, for every role', async () => {
    for (const user of ['station', 'hall'] as const) {
      const r = await t.as(user, 'GET', '/api/session');
      expect(r.status).toBe(200);
      expect(asRecord(r.json)).toMatchObject({ username: user, purgeAfterDays: 7 });
    }
  });

  it('not without a session', async () => {
    const r = await t.as(undefined, 'GET', '/api/session');
    expect(r.status).toBe(401);
    expect(r.text).not.toContain('purgeAfterDays');
  });
});
