/**
 * Embedded CouchDB-compatible store: PouchDB on LevelDB under `dataDir`, served by express-pouchdb on its own
 * loopback port (express-pouchdb needs Express 4 semantics) behind random per-process Basic credentials.
 * The sync-server then talks to it exactly as it talks to a real CouchDB given by COUCHDB_URL.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import express from 'express';
import { view } from '../bytes';

const require = createRequire(import.meta.url);

export interface EmbeddedStore {
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedStore(dataDir: string): Promise<EmbeddedStore> {
  const dir = path.resolve(dataDir, 'store');
  mkdirSync(dir, { recursive: true });
  // CommonJS-only packages without types; their surface is used through the HTTP protocol only.
  const PouchDB = require('pouchdb-node') as { defaults(opts: object): unknown };
  const expressPouchDB = require('express-pouchdb') as (pouch: unknown, opts: object) => express.Express;
  const LocalPouch = PouchDB.defaults({ prefix: dir + path.sep });

  const password = randomBytes(24).toString('hex');
  const expected = Buffer.from('Basic ' + Buffer.from(`store:${password}`).toString('base64'));
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length === expected.length && timingSafeEqual(view(given), view(expected))) return next();
    res.status(401).json({ error: 'unauthorized', reason: 'store credentials required' });
  });
  app.use(
    expressPouchDB(LocalPouch, {
      mode: 'minimumForPouchDB',
      overrideMode: { include: ['routes/find'] },
      logPath: path.join(dir, 'log.txt'),
      configPath: path.join(dir, 'config.json'),
    }),
  );
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('embedded store has no port');
  return {
    url: `http://store:${password}@127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
