/**
 * Compression worker: decodes a photo, scales it to a readable document size, re-encodes it, and measures
 * sharpness and brightness — all off the main thread so the intake screen never stutters on a 12 MP photo.
 * Native OffscreenCanvas instead of a library: the popular one fetches its worker code from a CDN, which an
 * offline station cannot reach.
 */
import type { CompressRequest, CompressResponse } from './compress-protocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<CompressRequest>) => void) | null;
  postMessage(message: CompressResponse): void;
}
const scope = self as unknown as WorkerScope;

/** Variance of the Laplacian over a grey image: low means few edges, i.e. blurred text. */
function sharpness(grey: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = 4 * grey[i]! - grey[i - 1]! - grey[i + 1]! - grey[i - width]! - grey[i + width]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  if (!n) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

async function analyse(bitmap: ImageBitmap): Promise<{ sharpness: number; brightness: number }> {
  const scale = Math.min(1, 512 / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(3, Math.round(bitmap.width * scale));
  const height = Math.max(3, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return { sharpness: Infinity, brightness: 128 };
  ctx.drawImage(bitmap, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  const grey = new Float32Array(width * height);
  let total = 0;
  for (let i = 0; i < grey.length; i++) {
    const v = 0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!;
    grey[i] = v;
    total += v;
  }
  return { sharpness: sharpness(grey, width, height), brightness: total / grey.length };
}

scope.onmessage = async (event) => {
  const { id, blob, maxSide, targetBytes } = event.data;
  try {
    scope.postMessage({ id, kind: 'progress', stage: 'decode' });
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
    const quality = await analyse(bitmap);
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const width = Math.round(bitmap.width * scale);
    const height = Math.round(bitmap.height * scale);
    // Small enough already and a JPEG: keep the original bytes (no second generation of artefacts).
    if (scale === 1 && blob.type === 'image/jpeg' && blob.size <= targetBytes) {
      bitmap.close();
      scope.postMessage({ id, kind: 'done', blob, width, height, ...quality });
      return;
    }
    scope.postMessage({ id, kind: 'progress', stage: 'resize' });
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context in worker');
    ctx.fillStyle = '#fff'; // transparent PNG areas become white paper, not black
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    let out: Blob | undefined;
    for (const q of [0.82, 0.72, 0.62, 0.5]) {
      scope.postMessage({ id, kind: 'progress', stage: 'encode' });
      out = await canvas.convertToBlob({ type: 'image/jpeg', quality: q });
      if (out.size <= targetBytes) break;
    }
    scope.postMessage({ id, kind: 'done', blob: out!, width, height, ...quality });
  } catch (e) {
    scope.postMessage({ id, kind: 'error', message: (e as Error).message || 'cannot decode this image' });
  }
};
