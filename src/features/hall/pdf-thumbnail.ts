/**
 * The first page of a PDF scan as a picture, for the hall's thumbnails. This module carries pdf.js (≈400 kB;
 * its worker ≈1.2 MB is a separate file): it is imported only when a PDF is first shown (PdfThumbnail.vue), so
 * it stays out of the start-up bundles and out of the service worker's precache (vite.config.ts ignores the
 * `pdf-thumbnail` chunk); the hall works online and fetches it then.
 */
import { getDocument, GlobalWorkerOptions } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

// A module worker from our own origin: the app's CSP allows it (worker-src 'self').
GlobalWorkerOptions.workerSrc = workerUrl;

/** Draws page 1 of the PDF at `url` into `canvas`, `width` CSS pixels wide. */
export async function renderFirstPage(url: string, canvas: HTMLCanvasElement, width: number): Promise<void> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const data = new Uint8Array(await response.arrayBuffer());
  // No eval: the app's CSP forbids it, and pdf.js then uses its slower, CSP-safe path.
  const doc = await getDocument({ data, isEvalSupported: false }).promise;
  try {
    const page = await doc.getPage(1);
    const scale = (width * (globalThis.devicePixelRatio || 1)) / page.getViewport({ scale: 1 }).width;
    const viewport = page.getViewport({ scale });
    canvas.width = Math.ceil(viewport.width);
    canvas.height = Math.ceil(viewport.height);
    await page.render({ canvas, viewport }).promise;
  } finally {
    await doc.destroy();
  }
}
