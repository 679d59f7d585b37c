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

/** A draft as the device stores it (table `drafts`): what staff captured, page by page. */
export interface DraftRecord {
  id: string;
  stationId: string;
  matterId: string;
  uscc: string;
  enterpriseName: string;
  applicantName: string;
  idNumber: string;
  answers: Record<string, string>;
  pages: Record<string, { sha256: string }[]>;
  deficient: Record<string, string>;
  signature: { sha256: string } | null;
}

export const readDrafts = (page: Page): Promise<DraftRecord[]> => readTable<DraftRecord>(page, 'drafts');

/** A scan blob on the device (table `blobs`, key = its SHA-256), with the SHA-256 of its stored bytes recomputed. */
export interface DeviceBlob {
  key: string;
  computed: string;
  bytes: number;
  type: string;
  /** Upload state. */
  state: string;
  lastError?: string;
}

/** Every scan blob on the device, its bytes rehashed in the page. */
export function deviceBlobs(page: Page): Promise<DeviceBlob[]> {
  return page.evaluate(async () => {
    const idb = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('louxiaoer-station');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('open failed'));
    });
    try {
      type Row = { sha256: string; blob: Blob; type: string; state: string; lastError?: string };
      const rows = await new Promise<Row[]>((resolve, reject) => {
        const req = idb.transaction('blobs').objectStore('blobs').getAll();
        req.onsuccess = () => resolve(req.result as Row[]);
        req.onerror = () => reject(req.error ?? new Error('read failed'));
      });
      return await Promise.all(
        rows.map(async (row) => {
          const bytes = await row.blob.arrayBuffer();
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
          return {
            key: row.sha256,
            computed: [...digest].map((b) => b.toString(16).padStart(2, '0')).join(''),
            bytes: bytes.byteLength,
            type: row.type,
            state: row.state,
            ...(row.lastError ? { lastError: row.lastError } : {}),
          };
        }),
      );
    } finally {
      idb.close();
    }
  });
}
