/**
 * PouchDB as a device runs it, for server tests that replicate over HTTP: in-memory local databases, the HTTP
 * adapter for the server, and replication. The packages are CommonJS (the memory adapter ships no types).
 */
import { createRequire } from 'node:module';
import type PouchDBStatic from 'pouchdb-core';

const require = createRequire(import.meta.url);

export const DevicePouch = (require('pouchdb-core') as typeof PouchDBStatic)
  .plugin(require('pouchdb-adapter-memory') as PouchDB.Plugin) // cast: untyped CommonJS plugin
  .plugin(require('pouchdb-adapter-http') as PouchDB.Plugin) // cast: untyped CommonJS plugin
  .plugin(require('pouchdb-replication') as PouchDB.Plugin); // cast: untyped CommonJS plugin
