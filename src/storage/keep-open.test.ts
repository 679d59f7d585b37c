import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { isStorageUnavailable, keepOpen, type StorageHealth } from './db';

/**
 * A browser whose IndexedDB can be made to fail as Chromium's does on a full disk: every connection is closed
 * under the app, and `indexedDB.open` fails with "Internal error opening backing store" until space is back.
 */
function flakyBrowser() {
  const real = new IDBFactory();
  const connections: IDBDatabase[] = [];
  let broken = false;
  const factory = {
    open(name: string, version?: number): IDBOpenDBRequest {
      if (!broken) {
        const req = real.open(name, version);
        req.addEventListener('success', () => connections.push(req.result));
        return req;
      }
      // An open request that fails asynchronously, as the browser's does.
      const req = { error: new DOMException('Internal error opening backing store for indexedDB.open.', 'UnknownError'), result: undefined, readyState: 'pending' } as Record<string, unknown>;
      setTimeout(() => {
        req.readyState = 'done';
        (req.onerror as ((ev: unknown) => void) | undefined)?.call(req, { type: 'error', target: req, preventDefault() {}, stopPropagation() {} });
      }, 1);
      return req as unknown as IDBOpenDBRequest;
    },
    deleteDatabase: (name: string) => real.deleteDatabase(name),
    cmp: (a: unknown, b: unknown) => real.cmp(a, b),
    databases: () => real.databases(),
  } as unknown as globalThis.IDBFactory;
  return {
    factory,
    /** The disk fills: the browser closes every connection (firing `close`) and refuses new opens. */
    fill(): void {
      broken = true;
      for (const c of connections.splice(0)) {
        c.close();
        c.onclose?.call(c, new Event('close'));
      }
    },
    free(): void {
      broken = false;
    },
  };
}

function testDb(factory: globalThis.IDBFactory): Dexie & { notes: Dexie.Table<{ id: string; text: string }, string> } {
  const d = new Dexie(`keep-open-${Math.random().toString(36).slice(2)}`, { indexedDB: factory, IDBKeyRange }) as Dexie & { notes: Dexie.Table<{ id: string; text: string }, string> };
  d.version(1).stores({ notes: 'id' });
  return d;
}

describe('keepOpen: the device database comes back by itself after a storage failure', () => {
  it('an action taken once space is back works, without a reload; while it cannot, the failure says so', async () => {
    const browser = flakyBrowser();
    const d = testDb(browser.factory);
    const guard = keepOpen(d, { firstDelayMs: 20, maxDelayMs: 40 });
    const seen: StorageHealth[] = [];
    guard.onHealth((h) => seen.push(h));
    await d.notes.put({ id: 'draft', text: 'before' });

    browser.fill();
    const whileFull = await d.notes.get('draft').then(
      () => null,
      (e: unknown) => e,
    );
    expect(whileFull).not.toBeNull();
    expect(isStorageUnavailable(whileFull)).toBe(true);
    await expect.poll(() => guard.health().available).toBe(false);

    browser.free();
    // The very next call works: no stuck "open failed" state (Dexie on its own rejects every call from here on).
    await expect.poll(async () => (await d.notes.get('draft').catch(() => undefined))?.text, { timeout: 2_000 }).toBe('before');
    await d.notes.put({ id: 'draft', text: 'after' });
    expect((await d.notes.get('draft'))?.text).toBe('after');
    await expect.poll(() => guard.health().available).toBe(true);
    expect(seen.some((h) => !h.available)).toBe(true);
    d.close();
  });

  it('reopens in the background with backoff even when nothing calls it', async () => {
    const browser = flakyBrowser();
    const d = testDb(browser.factory);
    const guard = keepOpen(d, { firstDelayMs: 20, maxDelayMs: 40 });
    await d.notes.put({ id: 'x', text: 'x' });
    browser.fill();
    await d.notes.get('x').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 150)); // several retries fail while full
    expect(guard.health().available).toBe(false);
    browser.free();
    await expect.poll(() => guard.health().available, { timeout: 2_000 }).toBe(true);
    expect(d.isOpen()).toBe(true);
    d.close();
  });

  it('leaves a database closed on purpose closed', async () => {
    const browser = flakyBrowser();
    const d = testDb(browser.factory);
    const guard = keepOpen(d, { firstDelayMs: 10, maxDelayMs: 10 });
    await d.notes.put({ id: 'x', text: 'x' });
    d.close();
    await new Promise((r) => setTimeout(r, 60));
    expect(d.isOpen()).toBe(false);
    expect(guard.health().available).toBe(true);
    await expect(d.notes.get('x')).rejects.toThrow(/closed/i);
  });
});
