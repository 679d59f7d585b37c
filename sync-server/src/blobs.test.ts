/**
 * Server integration: `/api/blobs/<sha256>` — content-addressed uploads by stations, type sniffing, size cap,
 * and who may read the bytes back (the uploading station and the hall; nobody else).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOBS_DB, blobDocId, type BlobDoc } from './blobs/blob-store';
import { asciiBytes, concatBytes, containsBytes, makeJpeg, makePng, sameBytes, sha256Hex, startTestServer, type DemoUser, type Reply, type TestServer } from './test-support';

const MAX_BLOB_BYTES = 100 * 1024;

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ maxBlobBytes: MAX_BLOB_BYTES });
});

afterAll(async () => {
  await t?.close();
});

const put = (who: DemoUser | undefined, bytes: Uint8Array, type: string, sha = sha256Hex(bytes)): Promise<Reply> =>
  t.as(who, 'PUT', `/api/blobs/${sha}`, { body: bytes, headers: { 'content-type': type } });

const blobDoc = (sha: string): Promise<BlobDoc | undefined> => t.server.store.get<BlobDoc>(BLOBS_DB, blobDocId(sha));

describe('upload', () => {
  it('a station uploads a PNG: 201 stored, then the same bytes again: 200 not stored again', async () => {
    const png = makePng();
    const first = await put('station', png, 'image/png');
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ ok: true, sha256: sha256Hex(png), stored: true });
    const doc = await blobDoc(sha256Hex(png));
    expect(doc).toMatchObject({ type: 'image/png', bytes: png.length, stations: ['jingan-hkri'] });
    const again = await put('station', png, 'image/png');
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ stored: false });
    expect((await blobDoc(sha256Hex(png)))?._rev).toBe(doc?._rev);
  });

  it('a station uploads a JPEG (Content-Type with parameters is fine): 201', async () => {
    const jpeg = makeJpeg();
    expect((await put('station', jpeg, 'image/jpeg; charset=binary')).status).toBe(201);
  });

  it('bytes left without their metadata (a process killed between the two writes) are repaired by the next upload', async () => {
    const png = makePng(77);
    const sha = sha256Hex(png);
    // What a `kill -9` after the attachment write and before the metadata leaves behind.
    await t.server.store.putAttachment(BLOBS_DB, blobDocId(sha), 'data', undefined, Buffer.from(png), 'image/png');
    expect((await blobDoc(sha))?.stations).toBeUndefined();
    const again = await put('station', png, 'image/png');
    expect([200, 201]).toContain(again.status);
    expect(await blobDoc(sha)).toMatchObject({ stations: ['jingan-hkri'], type: 'image/png', bytes: png.length });
    const read = await t.as('station', 'GET', `/api/blobs/${sha}`);
    expect(read.status).toBe(200);
    expect(sameBytes(read.bytes, png)).toBe(true);
  });

  it('a second station uploading the same bytes is added as an owner (200)', async () => {
    const png = makePng();
    expect((await put('station', png, 'image/png')).status).toBe(201);
    expect((await put('station2', png, 'image/png')).status).toBe(200);
    expect((await blobDoc(sha256Hex(png)))?.stations?.sort()).toEqual(['jingan-hkri', 'songshanhu-nanhuwan']);
  });

  const REFUSALS: [string, () => { bytes: Uint8Array; type: string; sha?: string }, number][] = [
    ['a body that does not hash to the name', () => ({ bytes: makePng(), type: 'image/png', sha: sha256Hex(makePng()) }), 400],
    ['an upper-case hash', () => { const b = makePng(); return { bytes: b, type: 'image/png', sha: sha256Hex(b).toUpperCase() }; }, 400],
    ['a name that is not a hash', () => ({ bytes: makePng(), type: 'image/png', sha: 'not-a-hash' }), 400],
    ['JPEG bytes declared as image/png', () => ({ bytes: makeJpeg(), type: 'image/png' }), 415],
    ['PNG bytes declared as image/jpeg', () => ({ bytes: makePng(), type: 'image/jpeg' }), 415],
    ['text bytes declared as image/jpeg', () => ({ bytes: asciiBytes('hello, this is not an image at all'), type: 'image/jpeg' }), 415],
    ['HTML declared as application/pdf', () => ({ bytes: asciiBytes('<html><script>alert(1)</script></html>'), type: 'application/pdf' }), 415],
    ['an unsupported Content-Type', () => ({ bytes: makePng(), type: 'image/svg+xml' }), 415],
    ['text/html', () => ({ bytes: makePng(), type: 'text/html' }), 415],
    ['no Content-Type', () => ({ bytes: makePng(), type: '' }), 415],
    ['an empty body', () => ({ bytes: new Uint8Array(0), type: 'image/png' }), 400],
  ];
  it.each(REFUSALS)('refuses %s (%i) and stores nothing', async (_label, make, status) => {
    const { bytes, type, sha = sha256Hex(bytes) } = make();
    const r = await put('station', bytes, type, sha);
    expect(r.status).toBe(status);
    expect(asError(r)).toBe(status === 415 ? 'unsupported_media_type' : 'bad_request');
    expect(await blobDoc(sha)).toBeUndefined();
    expect(await blobDoc(sha256Hex(bytes))).toBeUndefined();
  });

  it(`refuses a body over maxBlobBytes (${MAX_BLOB_BYTES}) with 413 (declared length)`, async () => {
    const big = concatBytes(makePng(), new Uint8Array(MAX_BLOB_BYTES));
    const r = await put('station', big, 'image/png');
    expect(r.status).toBe(413);
    expect(await blobDoc(sha256Hex(big))).toBeUndefined();
  });

  it('refuses a chunked body (no Content-Length) that grows over maxBlobBytes with 413', async () => {
    const big = concatBytes(makePng(), new Uint8Array(MAX_BLOB_BYTES + 10));
    const sha = sha256Hex(big);
    const status = await new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(t.url);
      const req = request({ host: hostname, port: Number(port), method: 'PUT', path: `/api/blobs/${sha}`, headers: { cookie: t.cookies.station, 'content-type': 'image/png', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      // The server may answer and close before the whole body is sent; that is the point.
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
      for (let i = 0; i < big.length; i += 16 * 1024) req.write(big.subarray(i, i + 16 * 1024));
      req.end();
    });
    expect(status).toBe(413);
    expect(await blobDoc(sha)).toBeUndefined();
  });

  it('accepts a body exactly at maxBlobBytes', async () => {
    const png = makePng();
    const exact = concatBytes(png, new Uint8Array(MAX_BLOB_BYTES - png.length));
    expect((await put('station', exact, 'image/png')).status).toBe(201);
  });

  it.each(['hall', 'enterprise', 'admin'] as const)('%s may not upload (403), nothing stored', async (who) => {
    const png = makePng();
    const r = await put(who, png, 'image/png');
    expect(r.status).toBe(403);
    expect(await blobDoc(sha256Hex(png))).toBeUndefined();
  });

  it('no session → 401, nothing stored', async () => {
    const png = makePng();
    expect((await put(undefined, png, 'image/png')).status).toBe(401);
    expect(await blobDoc(sha256Hex(png))).toBeUndefined();
  });
});

describe('download', () => {
  const jpeg = makeJpeg();
  const sha = sha256Hex(jpeg);

  beforeAll(async () => {
    expect((await put('station', jpeg, 'image/jpeg')).status).toBe(201);
  });

  it.each([
    ['station', 200],
    ['hall', 200],
    // Another station's scan looks exactly like a missing one (it learns nothing of what others scanned).
    ['station2', 404],
    ['enterprise', 403],
    ['admin', 403],
    [undefined, 401],
  ] as const)('GET as %s → %i', async (who, status) => {
    const r = await t.as(who, 'GET', `/api/blobs/${sha}`);
    expect(r.status).toBe(status);
    if (status === 200) {
      expect(sameBytes(r.bytes, jpeg)).toBe(true);
      expect(r.headers.get('content-type')).toBe('image/jpeg');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('cache-control')).toMatch(/private/);
    } else {
      expect(containsBytes(r.bytes, jpeg)).toBe(false);
    }
  });

  it('an unknown hash → 404; a malformed one → 400', async () => {
    expect((await t.as('station', 'GET', `/api/blobs/${sha256Hex(makePng())}`)).status).toBe(404);
    expect((await t.as('hall', 'GET', '/api/blobs/xyz')).status).toBe(400);
  });

  it('after station2 uploads the same bytes, station2 may read them too', async () => {
    const png = makePng();
    await put('station', png, 'image/png');
    expect((await t.as('station2', 'GET', `/api/blobs/${sha256Hex(png)}`)).status).toBe(404);
    await put('station2', png, 'image/png');
    const r = await t.as('station2', 'GET', `/api/blobs/${sha256Hex(png)}`);
    expect(r.status).toBe(200);
    expect(sameBytes(r.bytes, png)).toBe(true);
  });

  it('the blob database is not reachable through the sync proxy', async () => {
    expect((await t.as('hall', 'GET', `/sync/${BLOBS_DB}/${blobDocId(sha)}`)).status).toBe(403);
  });
});

describe('_present', () => {
  it('tells a station which hashes the server holds', async () => {
    const png = makePng();
    await put('station', png, 'image/png');
    const missing = sha256Hex(makePng());
    const r = await t.as('station', 'POST', '/api/blobs/_present', { body: { hashes: [sha256Hex(png), missing] } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ present: [sha256Hex(png)] });
  });

  it('tells a station only about bytes it uploaded itself, not whether another station holds a hash', async () => {
    const png = makePng();
    await put('station', png, 'image/png');
    const asked = { body: { hashes: [sha256Hex(png)] } };
    expect((await t.as('station2', 'POST', '/api/blobs/_present', asked)).json).toEqual({ present: [] });
    // Once it uploads the same bytes itself (200, nothing stored twice) it is told.
    expect((await put('station2', png, 'image/png')).status).toBe(200);
    expect((await t.as('station2', 'POST', '/api/blobs/_present', asked)).json).toEqual({ present: [sha256Hex(png)] });
  });

  it('refuses malformed input (400) and non-stations (403)', async () => {
    expect((await t.as('station', 'POST', '/api/blobs/_present', { body: { hashes: ['nope'] } })).status).toBe(400);
    expect((await t.as('hall', 'POST', '/api/blobs/_present', { body: { hashes: [] } })).status).toBe(403);
  });
});

function asError(r: Reply): unknown {
  return typeof r.json === 'object' && r.json !== null && 'error' in r.json ? r.json.error : undefined;
}

describe('scans in the browser', () => {
  it('are never cached (private, no-store), and images open sandboxed as a download', async () => {
    const jpeg = makeJpeg();
    expect((await put('station', jpeg, 'image/jpeg')).status).toBe(201);
    for (const who of ['station', 'hall'] as const) {
      const r = await t.as(who, 'GET', `/api/blobs/${sha256Hex(jpeg)}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('private, no-store');
      expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="[0-9a-f]{16}\.jpg"$/);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/(^|; )sandbox(;|$)/);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
    }
  });

  it('a PDF (which may carry JavaScript) runs no script and may only be framed by the app; never cached', async () => {
    const pdf = asciiBytes(`%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n% ${sha256Hex(makePng())}\n%%EOF\n`);
    expect((await put('station', pdf, 'application/pdf')).status).toBe(201);
    const r = await t.as('hall', 'GET', `/api/blobs/${sha256Hex(pdf)}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('cache-control')).toBe('private, no-store');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'self'");
  });
});
