// The slow-body guard over real sockets: a trickled body is answered 408 and its connection closed; an upload
// that is slow but keeps moving is left alone. The window is shortened so the test takes seconds, not minutes.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support';

const WINDOW_MS = 400;
const MIN_BYTES = 64;
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ slowBody: { windowMs: WINDOW_MS, minBytes: MIN_BYTES } }, ['station']);
});
afterAll(async () => {
  await t?.close();
});

interface Sent {
  /** Everything the server answered before the connection closed (or the sender finished). */
  reply: string;
  closedAfterMs: number | undefined;
  bytesSent: number;
}

/**
 * Send `head` at once, then `body` in `chunk`-byte pieces every `everyMs`, until the body is out, the server
 * closes the connection, or `giveUpMs` passes.
 */
function trickle(head: string, body: string, chunk: number, everyMs: number, giveUpMs: number): Promise<Sent> {
  const port = Number(new URL(t.url).port);
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const started = Date.now();
    let reply = '';
    let sent = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const finish = (closed: boolean): void => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ reply, closedAfterMs: closed ? Date.now() - started : undefined, bytesSent: sent });
    };
    const giveUp = setTimeout(() => finish(false), giveUpMs);
    socket.on('data', (d) => {
      reply += d.toString('latin1');
      // The whole body went out and the route answered: done (the connection would stay open for keep-alive).
      if (sent >= body.length && /^HTTP\/1\.1 \d{3}/.test(reply)) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent >= body.length) return;
        socket.write(body.slice(sent, sent + chunk));
        sent += chunk;
      }, everyMs);
    });
  });
}

const signInHead = (length: number): string => `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
// A wrong password padded with spaces: complete, it is an ordinary 401.
const signInBody = (length: number): string => {
  const json = JSON.stringify({ username: 'nobody-here', password: 'wrong-password' });
  return json + ' '.repeat(length - json.length);
};

describe('slow request bodies', () => {
  it('a body trickled a byte at a time is answered 408 and its connection closed within a few windows', async () => {
    const length = 2_000;
    const r = await trickle(signInHead(length), signInBody(length), 1, 100, 20 * WINDOW_MS);
    expect(r.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(r.reply).toContain('request_timeout');
    expect(r.closedAfterMs).toBeDefined();
    expect(r.closedAfterMs!).toBeLessThan(10 * WINDOW_MS);
    expect(r.bytesSent).toBeLessThan(length);
  });

  it('a scan upload trickled under the floor is cut off too (the route reads the body itself)', async () => {
    const sha = 'a'.repeat(64);
    const length = 4_000;
    const head = `PUT /api/blobs/${sha} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${t.cookies.station}\r\nContent-Type: image/jpeg\r\nContent-Length: ${length}\r\n\r\n`;
    const r = await trickle(head, 'x'.repeat(length), 4, 100, 20 * WINDOW_MS);
    expect(r.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(r.closedAfterMs).toBeDefined();
  });

  it('a body that is slow but keeps above the floor goes through to the route (here: an ordinary wrong-password 401)', async () => {
    const length = 3_000;
    // 100 bytes every 200 ms = 200 bytes per window, over the 64-byte floor; the body takes ~6 s = 15 windows.
    const r = await trickle(signInHead(length), signInBody(length), 100, 200, 40 * WINDOW_MS);
    expect(r.reply).toMatch(/^HTTP\/1\.1 401/);
    expect(r.bytesSent).toBe(length);
  });
});
