/**
 * Turning a picked or photographed file into a page: check the type by its bytes, the size, and hash it.
 * (Compression in a worker comes with the full intake; this keeps files as they are.)
 */
import { sniffBlobType } from '../domain/blob-types';
import { MAX_BLOB_BYTES, type BlobType } from '../domain/documents';

export class CaptureError extends Error {}

export interface CapturedPage {
  sha256: string;
  blob: Blob;
  type: BlobType;
  bytes: number;
}

export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function capturePage(file: File): Promise<CapturedPage> {
  if (file.size === 0) throw new CaptureError(`“${file.name}” 是空文件 (empty file)`);
  if (file.size > MAX_BLOB_BYTES) {
    throw new CaptureError(`“${file.name}” 超过 ${MAX_BLOB_BYTES / 1024 / 1024} MB 上限 (file too large)`);
  }
  const buffer = await file.arrayBuffer();
  const type = sniffBlobType(new Uint8Array(buffer, 0, Math.min(16, buffer.byteLength)));
  if (!type) throw new CaptureError(`“${file.name}” 不是 JPEG/PNG/WebP 图片或 PDF (not an image or PDF)`);
  return { sha256: await sha256Hex(buffer), blob: new Blob([buffer], { type }), type, bytes: buffer.byteLength };
}
