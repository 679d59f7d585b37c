// @vitest-environment happy-dom
/**
 * capturePage / captureSignature: the paths that need no canvas or worker — refusals (empty, too large, not an
 * image or PDF, PDF over the blob limit, a signature that is not a PNG) and PDFs, which are kept as picked.
 * Photo compression runs in a worker with OffscreenCanvas and is covered by the browser tests.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_BLOB_BYTES } from '../domain/documents';
import { CaptureError, capturePage, captureSignature, MAX_INPUT_BYTES, sha256Hex } from './files';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff, 0xe0];
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** `size` bytes starting with `head`, as a picked File. */
function fileOf(name: string, head: number[] | Uint8Array, size = head.length, type = ''): File {
  const bytes = new Uint8Array(size);
  bytes.set(head.slice(0, size));
  return new File([bytes], name, { type });
}

async function refusal(p: Promise<unknown>): Promise<CaptureError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CaptureError);
  return error as CaptureError;
}

describe('capturePage refuses', () => {
  it('an empty file', async () => {
    const e = await refusal(capturePage(new File([], 'blank.jpg', { type: 'image/jpeg' })));
    expect(e.message).toBe('“blank.jpg” 是空文件 (empty file)');
    expect(e.problem).toEqual({ code: 'empty', file: 'blank.jpg' });
  });

  it('a file over 40 MB, whatever it claims to be', async () => {
    expect(MAX_INPUT_BYTES).toBe(40 * 1024 * 1024);
    const e = await refusal(capturePage(fileOf('huge.jpg', JPEG_MAGIC, MAX_INPUT_BYTES + 1, 'image/jpeg')));
    expect(e.message).toBe('“huge.jpg” 超过 40 MB 上限 (file too large)');
    expect(e.problem).toEqual({ code: 'tooLarge', file: 'huge.jpg', limitMb: 40 });
    // Size is checked first: a huge file of junk gets the size message, not the type one.
    const junk = await refusal(capturePage(fileOf('huge.bin', [0x00], MAX_INPUT_BYTES + 1)));
    expect(junk.message).toContain('file too large');
  });

  it('bytes that are not JPEG, PNG, WebP or PDF, whatever the name or declared type says', async () => {
    const text = new File(['this is not an image at all'], 'scan.jpg', { type: 'image/jpeg' });
    const notImage = await refusal(capturePage(text));
    expect(notImage.message).toBe('“scan.jpg” 不是 JPEG/PNG/WebP 图片或 PDF (not an image or PDF)');
    expect(notImage.problem).toEqual({ code: 'notImageOrPdf', file: 'scan.jpg' });
    const gif = new File([new TextEncoder().encode('GIF89a\x01\x00\x01\x00')], 'anim.gif', { type: 'image/gif' });
    expect((await refusal(capturePage(gif))).message).toContain('not an image or PDF');
    const riffNotWebp = new File([new TextEncoder().encode('RIFF\x00\x00\x00\x00WAVEfmt ')], 'sound.webp', { type: 'image/webp' });
    expect((await refusal(capturePage(riffNotWebp))).message).toContain('not an image or PDF');
  });

  it('a PDF over the blob limit (PDFs are not compressed)', async () => {
    const e = await refusal(capturePage(fileOf('big.pdf', PDF, MAX_BLOB_BYTES + 1, 'application/pdf')));
    expect(e.message).toBe(`“big.pdf” PDF 超过 ${MAX_BLOB_BYTES / 1024 / 1024} MB 上限 (PDF too large)`);
    expect(e.problem).toEqual({ code: 'pdfTooLarge', file: 'big.pdf', limitMb: MAX_BLOB_BYTES / 1024 / 1024 });
  });

  it('names a photo without a file name as 照片', async () => {
    const unnamed = await refusal(capturePage(new Blob([])));
    expect(unnamed.message).toBe('“照片” 是空文件 (empty file)');
    expect(unnamed.problem).toEqual({ code: 'empty' }); // the UI names it in its own language
  });
});

describe('capturePage keeps a PDF as picked', () => {
  it('same bytes, hashed, typed by content', async () => {
    const page = await capturePage(new File([PDF], 'notice.pdf', { type: '' }));
    expect(page.type).toBe('application/pdf');
    expect(page.bytes).toBe(PDF.byteLength);
    expect(page.sha256).toBe(hex(PDF));
    expect(page.warnings).toEqual([]);
    expect(new Uint8Array(await page.blob.arrayBuffer())).toEqual(PDF);
    expect(page.blob.type).toBe('application/pdf');
  });

  it('accepts a PDF of exactly the blob limit', async () => {
    const page = await capturePage(fileOf('limit.pdf', PDF, MAX_BLOB_BYTES));
    expect(page.bytes).toBe(MAX_BLOB_BYTES);
  });
});

describe('captureSignature', () => {
  it('refuses anything that is not a PNG', async () => {
    for (const blob of [new Blob([new Uint8Array(JPEG_MAGIC)], { type: 'image/png' }), new Blob([]), new Blob([PDF]), new Blob(['<svg/>'], { type: 'image/svg+xml' })]) {
      const e = await refusal(captureSignature(blob));
      expect(e.message).toBe('签名图像无效 (invalid signature image)');
      expect(e.problem).toEqual({ code: 'badSignature' });
    }
  });

  it('keeps a PNG as drawn, with its hash', async () => {
    const png = new Uint8Array([...PNG_MAGIC, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    const page = await captureSignature(new Blob([png]));
    expect(page).toMatchObject({ type: 'image/png', bytes: png.byteLength, sha256: hex(png), warnings: [] });
    expect(new Uint8Array(await page.blob.arrayBuffer())).toEqual(png);
  });
});

describe('sha256Hex', () => {
  it('is the lower-case hex SHA-256 of the bytes', async () => {
    expect(await sha256Hex(new ArrayBuffer(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await sha256Hex(PDF.slice().buffer)).toBe(hex(PDF));
  });
});
