/**
 * Turning a picked or photographed file into a page: check the type by its bytes and the size, compress
 * photos in the worker (PDFs are kept as they are), warn when a page looks too blurred or dark, and hash
 * what will be stored — the SHA-256 that travels to the server is of exactly these bytes.
 */
import { sniffBlobType } from '../domain/blob-types';
import { MAX_BLOB_BYTES, type BlobType } from '../domain/document-rules';
import { BLUR_THRESHOLD, compressImage, DARK_THRESHOLD, type CompressStage } from './compress';

/** Why a file was refused, for the UI to say in its language (`file` is the file's name, if it has one). */
export type CaptureProblem =
  | { code: 'empty'; file?: string }
  | { code: 'tooLarge'; file?: string; limitMb: number }
  | { code: 'notImageOrPdf'; file?: string }
  | { code: 'pdfTooLarge'; file?: string; limitMb: number }
  | { code: 'unreadable'; file?: string; reason: string }
  | { code: 'badSignature' };

export class CaptureError extends Error {
  constructor(
    readonly problem: CaptureProblem,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Quality warnings on a page, as codes (the UI words them); staff may keep the page anyway. */
export type PageWarning = 'blurred' | 'dark';

/** Photos straight from a phone camera can be large; they are compressed, so accept up to this much. */
export const MAX_INPUT_BYTES = 40 * 1024 * 1024;

export interface CapturedPage {
  sha256: string;
  blob: Blob;
  type: BlobType;
  bytes: number;
  /** Quality warnings (staff may keep the page anyway). */
  warnings: PageWarning[];
}

export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function capturePage(file: Blob & { name?: string }, onStage?: (stage: CompressStage) => void): Promise<CapturedPage> {
  const name = file.name ?? '照片';
  const named = file.name ? { file: file.name } : {};
  if (file.size === 0) throw new CaptureError({ code: 'empty', ...named }, `“${name}” 是空文件 (empty file)`);
  if (file.size > MAX_INPUT_BYTES) throw new CaptureError({ code: 'tooLarge', ...named, limitMb: MAX_INPUT_BYTES / 1024 / 1024 }, `“${name}” 超过 ${MAX_INPUT_BYTES / 1024 / 1024} MB 上限 (file too large)`);
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const type = sniffBlobType(head);
  if (!type) throw new CaptureError({ code: 'notImageOrPdf', ...named }, `“${name}” 不是 JPEG/PNG/WebP 图片或 PDF (not an image or PDF)`);
  if (type === 'application/pdf') {
    if (file.size > MAX_BLOB_BYTES) throw new CaptureError({ code: 'pdfTooLarge', ...named, limitMb: MAX_BLOB_BYTES / 1024 / 1024 }, `“${name}” PDF 超过 ${MAX_BLOB_BYTES / 1024 / 1024} MB 上限 (PDF too large)`);
    const buffer = await file.arrayBuffer();
    return { sha256: await sha256Hex(buffer), blob: new Blob([buffer], { type }), type, bytes: buffer.byteLength, warnings: [] };
  }
  let compressed;
  try {
    compressed = await compressImage(new Blob([file], { type }), onStage);
  } catch (e) {
    const reason = (e as Error).message;
    throw new CaptureError({ code: 'unreadable', ...named, reason }, `“${name}” 无法读取图片 (cannot read this image): ${reason}`, { cause: e });
  }
  const buffer = await compressed.blob.arrayBuffer();
  const outType = sniffBlobType(new Uint8Array(buffer, 0, Math.min(16, buffer.byteLength))) ?? type;
  const warnings: PageWarning[] = [];
  if (compressed.sharpness < BLUR_THRESHOLD) warnings.push('blurred');
  if (compressed.brightness < DARK_THRESHOLD) warnings.push('dark');
  return { sha256: await sha256Hex(buffer), blob: new Blob([buffer], { type: outType }), type: outType, bytes: buffer.byteLength, warnings };
}

/** A signature drawn on the pad: a small PNG kept as drawn (no re-encoding of thin strokes). */
export async function captureSignature(png: Blob): Promise<CapturedPage> {
  const buffer = await png.arrayBuffer();
  if (sniffBlobType(new Uint8Array(buffer, 0, Math.min(16, buffer.byteLength))) !== 'image/png') throw new CaptureError({ code: 'badSignature' }, '签名图像无效 (invalid signature image)');
  return { sha256: await sha256Hex(buffer), blob: new Blob([buffer], { type: 'image/png' }), type: 'image/png', bytes: buffer.byteLength, warnings: [] };
}
