import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore, type EmbeddedStore } from '../store/embedded';
import { CouchClient } from '../store/couch';
import { AUDIT_DB, AuditSink } from './sink';

describe('audit sink', () => {
  let dir: string;
  let embedded: EmbeddedStore;
  let store: CouchClient;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lxe-audit-'));
    embedded = await startEmbeddedStore(dir);
    store = new CouchClient(embedded.url);
  });
  afterAll(async () => {
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every audit line, including those logged before the store was attached, and nothing else', async () => {
    const sink = new AuditSink(50);
    const log = pino({ level: 'info' }, sink.stream);
    log.info({ audit: 'signin', username: 'station', ip: '127.0.0.1', outcome: 'failed' });
    log.info('an ordinary line');
    await sink.attach(store);
    log.warn({ audit: 'refused', db: 'station-x', user: 'station' });
    await new Promise((r) => setTimeout(r, 100));
    await sink.close();
    const { rows } = await store.allDocs<{ audit: string; username?: string; outcome?: string }>(AUDIT_DB, { include_docs: true });
    const audits = rows.map((r) => r.doc!).filter((d) => d.audit);
    expect(audits.map((d) => d.audit).sort()).toEqual(['refused', 'signin']);
    expect(audits.find((d) => d.audit === 'signin')).toMatchObject({ username: 'station', outcome: 'failed' });
  });
});
