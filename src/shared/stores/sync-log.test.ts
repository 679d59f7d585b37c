// @vitest-environment happy-dom
/** The sync log staff read in the outbox: one line per change of phase, errors with their reason, kept across reloads. */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { SYNC_LOG_SIZE, useSyncStore } from './sync';

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});

describe('sync log', () => {
  it('records a line per change of phase, newest first, and each new error with its reason', () => {
    const sync = useSyncStore();
    sync.report({ phase: 'syncing' });
    sync.report({ phase: 'syncing' }); // progress within the same phase is not a new line
    sync.report({ phase: 'idle', lastSyncAt: '2026-11-23T02:00:00.000Z' });
    sync.report({ phase: 'error', message: 'the store is unreachable' });
    sync.report({ phase: 'error', message: 'the store is unreachable' });
    sync.report({ phase: 'error', message: 'server error 500' });
    sync.report({ phase: 'offline' });
    expect(sync.log.map((e) => [e.phase, e.message])).toEqual([
      ['offline', undefined],
      ['error', 'server error 500'],
      ['error', 'the store is unreachable'],
      ['idle', undefined],
      ['syncing', undefined],
    ]);
    expect(sync.lastSyncAt).toBe('2026-11-23T02:00:00.000Z');
  });

  it('survives a reload, keeps only the newest lines, and is cleared at sign-out', () => {
    const sync = useSyncStore();
    for (let i = 0; i < SYNC_LOG_SIZE + 10; i++) sync.report({ phase: i % 2 ? 'syncing' : 'idle', ...(i % 2 ? {} : { lastSyncAt: `2026-11-23T02:${String(i % 60).padStart(2, '0')}:00.000Z` }) });
    setActivePinia(createPinia());
    const reloaded = useSyncStore();
    expect(reloaded.log).toHaveLength(SYNC_LOG_SIZE);
    expect(reloaded.log[0]!.phase).toBe('syncing');
    expect(reloaded.lastSyncAt).toBe(sync.lastSyncAt);
    reloaded.clearLog();
    setActivePinia(createPinia());
    expect(useSyncStore().log).toEqual([]);
    expect(useSyncStore().lastSyncAt).toBeNull();
  });
});

describe('signing in again', () => {
  it('resumes the engine when an expired session is renewed, and not otherwise', async () => {
    const { useSessionStore } = await import('./session');
    const { nextTick } = await import('vue');
    const sync = useSyncStore();
    const session = useSessionStore();
    let resumed = 0;
    sync.engine = { signedInAgain: () => void resumed++ } as unknown as NonNullable<typeof sync.engine>;
    session.expired = false;
    await nextTick();
    expect(resumed).toBe(0);
    session.expired = true;
    await nextTick();
    expect(resumed).toBe(0);
    session.expired = false; // login() after the password was asked again
    await nextTick();
    expect(resumed).toBe(1);
  });
});
