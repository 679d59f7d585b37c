import type { Page } from 'playwright-core';

/** Every row of a table of the device's Dexie database (IndexedDB `louxiaoer-station`), read raw in the page. */
export function readTable<T>(page: Page, table: string): Promise<T[]> {
  return page.evaluate(async (name) => {
    const idb = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('louxiaoer-station');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('open failed'));
    });
    try {
      return await new Promise<unknown[]>((resolve, reject) => {
        const req = idb.transaction(name).objectStore(name).getAll();
        req.onsuccess = () => resolve(req.result as unknown[]);
        req.onerror = () => reject(req.error ?? new Error('read failed'));
      });
    } finally {
      idb.close();
    }
  }, table) as Promise<T[]>;
}
