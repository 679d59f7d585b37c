import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { sniffBlobType } from './blob-types';
import { BLOB_TYPES, type BlobType } from './documents';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

const JPEG_JFIF = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0x00, 0x01, 0x01]);
const JPEG_EXIF = bytes([0xff, 0xd8, 0xff, 0xe1, 0x2a, 0x1c], 'Exif', [0, 0]);
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d], 'IHDR');
const WEBP = bytes('RIFF', [0x24, 0x08, 0x00, 0x00], 'WEBP', 'VP8 ', [0x18, 0x08, 0x00, 0x00]);
const PDF = bytes('%PDF-1.7\n%', [0xe2, 0xe3, 0xcf, 0xd3]);

describe('sniffBlobType: accepted types by their magic numbers', () => {
  it.each([
    ['JPEG (JFIF)', JPEG_JFIF, 'image/jpeg'],
    ['JPEG (Exif)', JPEG_EXIF, 'image/jpeg'],
    ['PNG', PNG, 'image/png'],
    ['WebP', WEBP, 'image/webp'],
    ['PDF', PDF, 'application/pdf'],
    ['JPEG, exactly 3 bytes', bytes([0xff, 0xd8, 0xff]), 'image/jpeg'],
    ['PNG, exactly 8 bytes', PNG.slice(0, 8), 'image/png'],
    ['WebP, exactly 12 bytes', WEBP.slice(0, 12), 'image/webp'],
    ['PDF, exactly 5 bytes', bytes('%PDF-'), 'application/pdf'],
  ] as const)('%s', (_label, head, expected: BlobType) => {
    expect(sniffBlobType(head)).toBe(expected);
  });

  it('reads a Uint8Array view at its own offset', () => {
    const buffer = new Uint8Array([0, 0, 0, ...PNG]);
    expect(sniffBlobType(buffer.subarray(3))).toBe('image/png');
    expect(sniffBlobType(buffer.subarray(1))).toBeUndefined();
  });
});

describe('sniffBlobType: everything else is refused', () => {
  it.each([
    ['GIF89a', bytes('GIF89a', [1, 0, 1, 0])],
    ['GIF87a', bytes('GIF87a')],
    ['BMP', bytes('BM', [0x36, 0x10, 0, 0, 0, 0])],
    ['ZIP', bytes('PK', [0x03, 0x04, 0x14, 0x00])],
    ['TIFF', bytes('II*', [0])],
    ['HEIC', bytes([0, 0, 0, 0x18], 'ftypheic')],
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg">')],
    ['HTML', bytes('<!DOCTYPE html>')],
    ['empty', new Uint8Array(0)],
    ['RIFF WAVE', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['RIFF AVI', bytes('RIFF', [0x24, 0, 0, 0], 'AVI LIST')],
    ['RIFF with lower-case webp', bytes('RIFF', [0x24, 0, 0, 0], 'webp')],
    ['RIFX WEBP', bytes('RIFX', [0x24, 0, 0, 0], 'WEBP')],
    ['JPEG truncated to 2 bytes', bytes([0xff, 0xd8])],
    ['JPEG truncated to 1 byte', bytes([0xff])],
    ['JPEG with a bad third byte', bytes([0xff, 0xd8, 0x00, 0xe0])],
    ['PNG truncated to 7 bytes', PNG.slice(0, 7)],
    ['PNG with a corrupted last signature byte', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00])],
    ['PNG without the 0x89 byte', bytes('PNG', [0x0d, 0x0a, 0x1a, 0x0a])],
    ['WebP truncated to 11 bytes', WEBP.slice(0, 11)],
    ['WebP truncated to RIFF only', bytes('RIFF')],
    ['PDF truncated to %PDF', bytes('%PDF')],
    ['PDF with lower case', bytes('%pdf-1.7')],
    ['PDF preceded by a space', bytes(' %PDF-1.7')],
    ['PDF preceded by a BOM', bytes([0xef, 0xbb, 0xbf], '%PDF-1.7')],
  ])('%s', (_label, head) => {
    expect(sniffBlobType(head)).toBeUndefined();
  });
});

describe('sniffBlobType: properties', () => {
  it('property: bytes not starting with 0xFF, 0x89, "R" or "%" are never accepted', () => {
    const first = fc.integer({ min: 0, max: 255 }).filter((b) => ![0xff, 0x89, 0x52, 0x25].includes(b));
    fc.assert(
      fc.property(first, fc.uint8Array({ maxLength: 64 }), (b, rest) => {
        expect(sniffBlobType(new Uint8Array([b, ...rest]))).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('property: random bytes are either refused or carry the signature of the type returned', () => {
    const startsWith = (head: Uint8Array, sig: number[]): boolean => sig.every((b, i) => head[i] === b);
    const at = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
    const signatureOk: Record<BlobType, (h: Uint8Array) => boolean> = {
      'image/jpeg': (h) => startsWith(h, [0xff, 0xd8, 0xff]),
      'image/png': (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      'image/webp': (h) => startsWith(h, at('RIFF')) && startsWith(h.slice(8), at('WEBP')),
      'application/pdf': (h) => startsWith(h, at('%PDF-')),
    };
    // Bias the first bytes towards the signatures so every branch is exercised.
    const prefix = fc.constantFrom<number[]>([], [0xff], [0xff, 0xd8], [0x89, 0x50, 0x4e, 0x47], at('RIFF'), at('%PDF'), at('%PDF-'));
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 16 }), (p, rest) => {
        const head = new Uint8Array([...p, ...rest]);
        const type = sniffBlobType(head);
        if (type === undefined) return;
        expect(BLOB_TYPES).toContain(type);
        expect(signatureOk[type](head)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: a signature followed by any bytes is recognised', () => {
    const cases: [Uint8Array, BlobType][] = [
      [bytes([0xff, 0xd8, 0xff]), 'image/jpeg'],
      [PNG.slice(0, 8), 'image/png'],
      [bytes('%PDF-'), 'application/pdf'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.uint8Array({ maxLength: 32 }), ([sig, type], rest) => {
        expect(sniffBlobType(new Uint8Array([...sig, ...rest]))).toBe(type);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 32 }), (size, rest) => {
        expect(sniffBlobType(bytes('RIFF', [...size], 'WEBP', [...rest]))).toBe('image/webp');
      }),
      { numRuns: 500 },
    );
  });
});
