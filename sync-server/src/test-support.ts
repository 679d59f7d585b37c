/**
 * Helpers for the sync-server integration tests (`*.test.ts` next to this file): start the real server
 * in-process on a loopback port with a fresh embedded store and the demo data, sign in, make HTTP calls,
 * and build valid replicated documents and small real image files. Test-only; nothing in the server imports it.
 */
import { chinaDate } from '../../src/domain/china-time';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type Server as HttpServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import pino from 'pino';
import { ulid } from 'ulid';
import type { EventDoc, PageRef, Role, SubmissionDoc } from '../../src/domain/documents';
import { makePickupCode, makeReceiptNo } from '../../src/domain/receipt';
import { createServer, type Server } from './app';
import { configFromEnv, type Config } from './config';
import { SESSION_COOKIE } from './auth/sessions';
import { DEMO_USCC, type DemoCatalog } from './demo/seed';

export const PASSWORD = 'demo';
export const USCC = DEMO_USCC; // 91310106MA1FL4XQ0W
export const ID_NUMBER = '310106198503121238';
export const STATION = 'jingan-hkri';
export const STATION2 = 'songshanhu-nanhuwan';
export const STATION_DB = `station-${STATION}`;
export const STATION2_DB = `station-${STATION2}`;

export const DEMO_USERS = ['station', 'station2', 'hall', 'enterprise', 'admin'] as const;
export type DemoUser = (typeof DEMO_USERS)[number];

// ---------------------------------------------------------------------------------------------------------
// Narrowing helpers (responses are `unknown` until checked)
// ---------------------------------------------------------------------------------------------------------

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as an object; fails the test with the value shown when it is not one. */
export function asRecord(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  return value;
}

/** The value as an array; fails the test with the value shown when it is not one. */
export function asArray(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected a JSON array, got ${JSON.stringify(value)}`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------------------

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  bytes: Uint8Array;
}

export interface CallOptions {
  cookie?: string | undefined;
  /** Objects and arrays are sent as JSON; strings and buffers as they are. */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Send the path byte for byte (node:http). `fetch` parses URLs with the WHATWG parser, which resolves
   * `..`, `.`, `%2e%2e` and backslashes before sending, so path-smuggling tests need this.
   */
  raw?: boolean;
}

export async function call(base: string, method: string, urlPath: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.cookie) headers.cookie = opts.cookie;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (opts.body instanceof Uint8Array) {
    body = Uint8Array.from(opts.body);
  } else if (typeof opts.body === 'string') {
    body = opts.body;
    headers['content-type'] ??= 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  let status: number;
  let resHeaders: Headers;
  let bytes: Uint8Array;
  if (opts.raw) {
    ({ status, headers: resHeaders, bytes } = await rawRequest(base, method, urlPath, headers, body));
  } else {
    const res = await fetch(base + urlPath, { method, headers, ...(body === undefined ? {} : { body }) });
    status = res.status;
    resHeaders = res.headers;
    bytes = new Uint8Array(await res.arrayBuffer());
  }
  const text = new TextDecoder().decode(bytes);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers: resHeaders, text, json, bytes };
}

function rawRequest(base: string, method: string, urlPath: string, headers: Record<string, string>, body: string | Uint8Array | undefined): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port: Number(port), method, path: urlPath, headers }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(Uint8Array.from(chunk)));
      res.on('error', reject);
      res.on('end', () => {
        const h = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) h.append(name, v);
        }
        resolve({ status: res.statusCode ?? 0, headers: h, bytes: concatBytes(...chunks) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `lxe_session=<token>` from a sign-in response, ready to send back as a `cookie` header. */
export function sessionCookieFrom(headers: Headers): string | undefined {
  for (const line of headers.getSetCookie()) {
    const first = line.split(';')[0]?.trim() ?? '';
    if (first.startsWith(`${SESSION_COOKIE}=`) && first.length > SESSION_COOKIE.length + 1) return first;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------------------

export interface TestServer {
  url: string;
  server: Server;
  http: HttpServer;
  dataDir: string;
  /** The demo catalog the server seeded (`core` unless the test asked for the district-size one). */
  demoCatalog: DemoCatalog;
  /** Session cookies of the accounts signed in by `startTestServer`. */
  cookies: Record<DemoUser, string>;
  call(method: string, urlPath: string, opts?: CallOptions): Promise<Reply>;
  /** Call as one of the signed-in demo accounts (`undefined` = no session). */
  as(user: DemoUser | undefined, method: string, urlPath: string, opts?: Omit<CallOptions, 'cookie'>): Promise<Reply>;
  signIn(username: string, password?: string): Promise<{ reply: Reply; cookie: string | undefined }>;
  close(): Promise<void>;
}

/**
 * The real-CouchDB lane: `LXE_TEST_COUCHDB` is the URL of a CouchDB 3.x with admin credentials
 * (`npm test` starts one and sets it). Unset, servers use the embedded store.
 */
export const TEST_COUCHDB = /^https?:\/\//.test(process.env.LXE_TEST_COUCHDB ?? '') ? process.env.LXE_TEST_COUCHDB : undefined;
export const STORE_KIND: 'embedded' | 'couchdb' = TEST_COUCHDB ? 'couchdb' : 'embedded';

/** A database prefix of its own for each test server, so test files share one CouchDB without meeting. */
const testPrefix = (): string => `t${randomHex(5)}-`;

/** Delete the databases of one test prefix (the CouchDB lane's cleanup). */
async function dropPrefixed(url: string, prefix: string): Promise<void> {
  const { CouchClient } = await import('./store/couch');
  const admin = new CouchClient(url);
  const all = await admin.json<string[]>('GET', '/_all_dbs');
  await Promise.all(all.filter((n) => n.startsWith(prefix)).map((n) => admin.json('DELETE', `/${encodeURIComponent(n)}`).catch(() => undefined)));
}

/**
 * Start the real server (embedded store, or the lane's CouchDB; demo data, no static files) on
 * 127.0.0.1:<random port> and sign in once as each of `users` (scrypt costs ~100 ms per sign-in, so do it
 * once per file). The demo catalog is the hand-written matters only (`demoCatalog: 'core'`): publishing the
 * district-size one costs seconds per server, so only tests about catalog size ask for it.
 */
export async function startTestServer(overrides: Partial<Config> = {}, users: readonly DemoUser[] = DEMO_USERS): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lxe-server-test-'));
  const couch = TEST_COUCHDB ? { couchdbUrl: TEST_COUCHDB, couchdbPrefix: testPrefix() } : {};
  const config: Config = { ...configFromEnv({}, '/tmp'), dataDir, demo: true, demoCatalog: 'core', staticDir: undefined, logLevel: 'silent', ...couch, ...overrides };
  const server = await createServer(config, pino({ level: 'silent' }));
  const http: HttpServer = await new Promise((resolve, reject) => {
    const s = server.app.listen(0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('test server has no port');
  const url = `http://127.0.0.1:${address.port}`;

  const signIn = async (username: string, password = PASSWORD): Promise<{ reply: Reply; cookie: string | undefined }> => {
    const reply = await call(url, 'POST', '/api/session', { body: { username, password } });
    return { reply, cookie: sessionCookieFrom(reply.headers) };
  };
  const cookies: Partial<Record<DemoUser, string>> = {};
  await Promise.all(
    users.map(async (user) => {
      const { reply, cookie } = await signIn(user);
      if (reply.status !== 200 || !cookie) throw new Error(`demo sign-in for ${user} failed: ${reply.status} ${reply.text}`);
      cookies[user] = cookie;
    }),
  );

  return {
    url,
    server,
    http,
    dataDir,
    demoCatalog: config.demoCatalog,
    // Only the accounts in `users` are filled in; asking for another one fails the test with a clear message.
    cookies: cookies as Record<DemoUser, string>,
    call: (method, urlPath, opts) => call(url, method, urlPath, opts),
    as: (user, method, urlPath, opts = {}) => {
      const cookie = user === undefined ? undefined : cookies[user];
      if (user !== undefined && !cookie) throw new Error(`${user} was not signed in by startTestServer`);
      return call(url, method, urlPath, { ...opts, cookie });
    },
    signIn,
    async close() {
      await new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      });
      await server.close();
      if (config.couchdbUrl && config.couchdbPrefix) await dropPrefixed(config.couchdbUrl, config.couchdbPrefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Retry `probe` until it returns a value other than undefined, or fail after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Files (plain Uint8Array: with the DOM lib of tsconfig.node.json, Node's Buffer type is not a Uint8Array)
// ---------------------------------------------------------------------------------------------------------

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const asciiBytes = (text: string): Uint8Array => new TextEncoder().encode(text);
export const randomBytesU8 = (n: number): Uint8Array => Uint8Array.from(randomBytes(n));
const randomHex = (n: number): string => randomBytes(n).toString('hex');

/** Byte-for-byte equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Whether `needle` occurs anywhere in `hay`. */
export function containsBytes(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function uint32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typeAndData = concatBytes(asciiBytes(type), data);
  return concatBytes(uint32(data.length), typeAndData, uint32(crc32(typeAndData)));
}

/** A valid PNG of `size`×`size` random grey pixels, with a random comment so every call gives new bytes. */
export function makePng(size = 2): Uint8Array {
  const header = concatBytes(uint32(size), uint32(size), Uint8Array.of(8, 0, 0, 0, 0)); // 8-bit greyscale
  const raw = concatBytes(...Array.from({ length: size }, () => concatBytes(Uint8Array.of(0), randomBytesU8(size))));
  return concatBytes(
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    pngChunk('IHDR', header),
    pngChunk('tEXt', asciiBytes(`Comment\0${randomHex(8)}`)),
    pngChunk('IDAT', Uint8Array.from(deflateSync(raw))),
    pngChunk('IEND', new Uint8Array(0)),
  );
}

/** JPEG-shaped bytes (SOI, a JFIF APP0 segment, a COM segment with a nonce, EOI): what the server sniffs. */
export function makeJpeg(): Uint8Array {
  const app0 = Uint8Array.of(0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00);
  const nonce = asciiBytes(randomHex(8));
  const com = concatBytes(Uint8Array.of(0xff, 0xfe, 0x00, nonce.length + 2), nonce);
  return concatBytes(Uint8Array.of(0xff, 0xd8), app0, com, Uint8Array.of(0xff, 0xd9));
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export function pageRef(bytes: Uint8Array, type: PageRef['type']): PageRef {
  return { sha256: sha256Hex(bytes), bytes: bytes.length, type };
}

// ---------------------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------------------

export interface SubmissionOptions {
  stationId?: string;
  createdBy?: string;
  /** Pages of the one provided (core) material; none = only a 容缺 material with a commitment. */
  pages?: PageRef[];
}

/** A submission that passes `submissionDocSchema`, with a fresh ULID. */
export function makeSubmission(opts: SubmissionOptions = {}): SubmissionDoc {
  const stationId = opts.stationId ?? STATION;
  const now = new Date();
  const deficient = {
    materialId: 'loss-statement',
    name: '遗失声明',
    core: false,
    status: 'deficient' as const,
    pages: [],
    commitment: { dueDate: chinaDate(now), text: '申请人承诺：所缺材料将于约定期限内补齐。' },
  };
  const provided = opts.pages?.length
    ? [{ materialId: 'reissue-application', name: '补领营业执照申请书', core: true, status: 'provided' as const, pages: opts.pages }]
    : [];
  return {
    _id: `submission:${ulid()}`,
    type: 'submission',
    schemaVersion: 1,
    stationId,
    matterId: 'licence-reissue',
    matterName: '营业执照补办',
    enterprise: { uscc: USCC, name: '上海示例科技有限公司' },
    applicant: { name: '张三', idNumber: ID_NUMBER },
    items: [...provided, deficient],
    receiptNo: makeReceiptNo(stationId, now, randomBytesU8(5)),
    pickupCode: makePickupCode(randomBytesU8(4)),
    createdAt: now.toISOString(),
    createdBy: opts.createdBy ?? 'station',
    deviceId: 'test-device-0001',
  };
}

/** Event actions `makeEvent` builds (the ones without extra payload, plus the two that only need a reason). */
export type SimpleEventAction = 'submit' | 'receive' | 'withdraw' | 'accept' | 'requestCorrection' | 'reject';

/** An event on `submission` (default: the station's `submit`), with a fresh ULID suffix. */
export function makeEvent(
  submission: Pick<SubmissionDoc, '_id' | 'stationId'>,
  opts: { action?: SimpleEventAction; actor?: string; role?: Role; stationId?: string } = {},
): EventDoc {
  const base = {
    _id: `event:${submission._id.slice('submission:'.length)}:${ulid()}`,
    type: 'event' as const,
    submissionId: submission._id,
    stationId: opts.stationId ?? submission.stationId,
    actor: opts.actor ?? 'station',
    role: opts.role ?? ('station' as const),
    at: new Date().toISOString(),
  };
  const action = opts.action ?? 'submit';
  switch (action) {
    case 'requestCorrection':
      return { ...base, action, reason: 'missing page', materialIds: ['loss-statement'] };
    case 'reject':
      return { ...base, action, reason: 'not ours' };
    case 'submit':
    case 'receive':
    case 'withdraw':
    case 'accept':
      return { ...base, action };
  }
}
