/**
 * Content sniffing for uploaded files: the type is decided by the bytes, never by the file name or the
 * declared type alone. Shared by the device (refuse early, with a message) and the server (refuse always).
 */
import type { BlobType } from './documents';

/** The type the first bytes say, or undefined when they are none of the accepted types. */
export function sniffBlobType(head: Uint8Array): BlobType | undefined {
  const at = (i: number): number => head[i] ?? -1;
  const ascii = (from: number, text: string): boolean => [...text].every((ch, i) => at(from + i) === ch.charCodeAt(0));
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => at(i) === b)) return 'image/png';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  if (ascii(0, '%PDF-')) return 'application/pdf';
  return undefined;
}
