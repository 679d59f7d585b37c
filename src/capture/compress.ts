/** Page side of the compression worker: one long-lived worker, requests matched by id. */
import type { CompressRequest, CompressResponse } from './compress-protocol';

export interface Compressed {
  blob: Blob;
  width: number;
  height: number;
  /** Variance of the Laplacian at 512 px: below BLUR_THRESHOLD text is likely unreadable. */
  sharpness: number;
  /** Mean luminance 0–255. */
  brightness: number;
}

/** ~1600 px on the long side keeps A4 text readable; ~400 KB keeps a day's intake within storage and sync budgets. */
export const MAX_SIDE = 1600;
export const TARGET_BYTES = 400 * 1024;
export const BLUR_THRESHOLD = 40;
export const DARK_THRESHOLD = 60;

export type CompressStage = 'decode' | 'resize' | 'encode';

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve(c: Compressed): void; reject(e: Error): void; onStage?: (s: CompressStage) => void }>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./compress.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<CompressResponse>) => {
      const msg = event.data;
      const job = pending.get(msg.id);
      if (!job) return;
      if (msg.kind === 'progress') job.onStage?.(msg.stage);
      else {
        pending.delete(msg.id);
        if (msg.kind === 'done') job.resolve(msg);
        else job.reject(new Error(msg.message));
      }
    };
    worker.onerror = (e) => {
      for (const job of pending.values()) job.reject(new Error(e.message || 'compression worker failed'));
      pending.clear();
      worker = undefined;
    };
  }
  return worker;
}

export function compressImage(blob: Blob, onStage?: (stage: CompressStage) => void): Promise<Compressed> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, ...(onStage ? { onStage } : {}) });
    const request: CompressRequest = { id, blob, maxSide: MAX_SIDE, targetBytes: TARGET_BYTES };
    getWorker().postMessage(request);
  });
}
