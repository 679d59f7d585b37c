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

  it('stores every audit entry, including those recorded before the store was attached, and no other log line', async () => {
    const sink = new AuditSink(50);
    const log = pino({ level: 'silent' });
    const audit = sink.auditTo(log);
    audit({ audit: 'signin', username: 'station', ip: '127.0.0.1', outcome: 'failed' }, 'warn');
    log.info('an ordinary line');
    await sink.attach(store);
    audit({ audit: 'refused', db: 'station-x', user: 'station' }, 'warn');
    await new Promise((r) => setTimeout(r, 100));
    await sink.close();
    const { rows } = await store.allDocs<{ audit: string; username?: string; outcome?: string }>(AUDIT_DB, { include_docs: true });
    const audits = rows.map((r) => r.doc!).filter((d) => d.audit);
    expect(audits.map((d) => d.audit).sort()).toEqual(['refused', 'signin']);
    expect(audits.find((d) => d.audit === 'signin')).toMatchObject({ username: 'station', outcome: 'failed' });
  });
});
