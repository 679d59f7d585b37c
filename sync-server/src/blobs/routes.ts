/**
 * `/api/blobs/<sha256>`: content-addressed scan storage. Bytes are hashed as they arrive and
 * checked against the name, the declared type is checked against the content, and the blob is stored as an
 * attachment in `lxe-blobs`, a database no device replicates. Uploads are idempotent: the same bytes twice
 * answer 200 and store nothing new, so a device may retry any upload at any time.
 */
import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Audit } from '../audit/sink';
import { BLOB_TYPES, SHA256_PATTERN, type BlobType } from '../../../src/domain/documents';
import { sniffBlobType } from '../../../src/domain/blob-types';
import { presentRequestSchema, type BlobStored, type Present } from '../../../src/domain/api-contract';
import { requireRole } from '../auth/routes';
import { view } from '../bytes';
import type { CouchClient } from '../store/couch';
import { presentBlobs, readBlob, storeBlob } from './blob-store';

/** Read the body with a hard cap, hashing as it streams; never buffers more than `limit` bytes. */
function readCapped(req: Request, limit: number): Promise<{ body: Buffer; sha256: string } | { tooLarge: true }> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      resolve({ tooLarge: true });
      req.resume();
      return;
    }
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve({ tooLarge: true });
        return;
      }
      hash.update(view(chunk));
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve({ body: Buffer.concat(chunks.map(view)), sha256: hash.digest('hex') });
    });
    req.on('error', reject);
  });
}

export function blobRoutes(store: CouchClient, audit: Audit, maxBytes: number, onStored: (sha256: string) => void): Router {
  const router = express.Router();

  router.put('/:sha256', requireRole('station'), async (req, res, next) => {
    try {
      const sha256 = req.params.sha256 ?? '';
      const stationId = req.session!.stationId!;
      if (!SHA256_PATTERN.test(sha256)) return void res.status(400).json({ error: 'bad_request', reason: 'the name must be a lower-case hex SHA-256' });
      const declared = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(BLOB_TYPES as readonly string[]).includes(declared)) {
        req.resume();
        return void res.status(415).json({ error: 'unsupported_media_type', reason: `Content-Type must be one of ${BLOB_TYPES.join(', ')}` });
      }
      const read = await readCapped(req, maxBytes);
      if ('tooLarge' in read) {
        res.setHeader('connection', 'close');
        return void res.status(413).json({ error: 'too_large', reason: `files over ${maxBytes} bytes are not accepted` });
      }
      if (read.body.length === 0) return void res.status(400).json({ error: 'bad_request', reason: 'empty body' });
      if (read.sha256 !== sha256) return void res.status(400).json({ error: 'bad_request', reason: 'the body does not hash to the SHA-256 in the URL (damaged upload?)' });
      const sniffed = sniffBlobType(view(read.body.subarray(0, 16)));
      if (sniffed !== declared) {
        return void res.status(415).json({ error: 'unsupported_media_type', reason: `the content is ${sniffed ?? 'not an accepted file type'}, not ${declared}` });
      }
      const { stored } = await storeBlob(store, sha256, declared as BlobType, read.body, stationId);
      if (!stored) return void res.status(200).json({ ok: true, sha256, stored: false } satisfies BlobStored);
      audit({ audit: 'blob', user: req.session!.username, station: stationId, sha256, bytes: read.body.length });
      onStored(sha256);
      res.status(201).json({ ok: true, sha256, stored: true } satisfies BlobStored);
    } catch (e) {
      next(e);
    }
  });

  router.get('/:sha256', requireRole('station', 'hall'), async (req, res: Response, next) => {
    try {
      const sha256 = req.params.sha256 ?? '';
      if (!SHA256_PATTERN.test(sha256)) return void res.status(400).json({ error: 'bad_request', reason: 'the name must be a lower-case hex SHA-256' });
      // Same answer for "missing" and "someone else's", so another station learns nothing of what was scanned.
      const blob = await readBlob(store, sha256, req.session!);
      if (!blob) return void res.status(404).json({ error: 'not_found', reason: 'no such blob for you' });
      const { type } = blob;
      res.setHeader('content-type', type);
      // ID scans must not outlive the session in a shared browser: never kept in its cache (the hall's viewer
      // loads them with <img src>/<iframe src> while the record is open, so nothing relies on caching).
      res.setHeader('cache-control', 'private, no-store');
      res.setHeader('x-content-type-options', 'nosniff');
      // Opened on their own, scans run nothing: images in a sandbox with no sources; PDFs (shown in the hall's
      // same-origin frame, which a sandbox or `attachment` would break in Chromium's viewer) may only be framed
      // by the app and load nothing.
      res.setHeader('content-security-policy', type === 'application/pdf' ? "frame-ancestors 'self'; script-src 'none'; connect-src 'none'; form-action 'none'" : "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; sandbox; frame-ancestors 'self'");
      res.setHeader('content-disposition', `${type === 'application/pdf' ? 'inline' : 'attachment'}; filename="${sha256.slice(0, 16)}.${type.split('/')[1]!.replace('jpeg', 'jpg')}"`);
      res.send(blob.bytes);
    } catch (e) {
      next(e);
    }
  });

  /** Which of these hashes the server already holds (device resumes after a crash without re-sending). */
  router.post('/_present', requireRole('station'), express.json({ limit: '256kb' }), async (req, res, next) => {
    try {
      const request = presentRequestSchema.safeParse(req.body);
      if (!request.success) return void res.status(400).json({ error: 'bad_request', reason: 'hashes: up to 2000 SHA-256 strings' });
      // Only what this station may know: bytes it uploaded itself. Whether another station holds a hash is not its
      // business (and would tell it which documents others scanned); it simply uploads, which makes it an owner.
      const present = await presentBlobs(store, request.data.hashes, req.session!.stationId);
      res.json({ present: [...present] } satisfies Present);
    } catch (e) {
      next(e);
    }
  });
  return router;
}
