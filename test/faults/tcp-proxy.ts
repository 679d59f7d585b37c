/**
 * A loopback TCP proxy between the browser and the sync-server that misbehaves on request: it cuts connections
 * (plain close or RST) after some bytes, truncates the server's answer and closes cleanly, delays every chunk and
 * caps throughput. Each new connection draws its fate from a seeded generator, so a failing run can be replayed
 * with the same seed. It knows nothing of HTTP except for naming the last request line it forwarded (for tests
 * that must act at a precise moment, e.g. "the server has just answered a blob upload").
 */
import net from 'node:net';

export interface FaultPlan {
  /** Share of new connections cut (destroyed, half of them with a TCP RST) once `afterBytes` crossed either way. */
  dropRate?: number;
  /** Share of new connections whose server→browser stream stops at `afterBytes` bytes down, then a clean FIN. */
  truncateRate?: number;
  /** Where a cut (bytes both ways) or a truncation (bytes down) happens: uniform in [min, max]. */
  afterBytes?: [number, number];
  /** Every chunk waits uniform [min, max] ms before it is forwarded (order is kept). */
  delayMs?: [number, number];
  /** Throughput cap per connection and direction. */
  bytesPerSecond?: number;
  /**
   * Fates of the first connections that carry data after `setPlan`, in order, before the rates take over; each
   * within its first 100–400 bytes, which every HTTP exchange crosses. So a run with few connections still meets
   * faults.
   */
  first?: ('drop' | 'truncate')[];
}

export type Direction = 'up' | 'down';

export interface Connection {
  id: number;
  /** Last request line seen going up, e.g. `PUT /api/blobs/ab12… HTTP/1.1`. */
  request: string;
  /** Requests seen going up on this connection (keep-alive carries several). */
  requests: number;
  /** Bytes gone up since the start of the last request line (headers and body so far). */
  sinceRequest: number;
  /** Bytes forwarded so far per direction. */
  up: number;
  down: number;
}

export interface ProxyStats {
  connections: number;
  dropped: number;
  truncated: number;
  /** Connections accepted while the upstream refused (server down). */
  refused: number;
  bytesUp: number;
  bytesDown: number;
}

/** mulberry32: small, fast, good enough to make fault schedules reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REQUEST_LINE = /(?:GET|PUT|POST|HEAD|DELETE|OPTIONS|PATCH) \S+ HTTP\/1\.[01]/g;
// Small, so that a throttled connection holds little beyond what the socket buffers hold anyway.
const HIGH_WATER = 64 * 1024;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private plan: FaultPlan = {};
  private forced: ('drop' | 'truncate')[] = [];
  private nextId = 1;
  private readonly random: () => number;
  private readonly taps = new Set<(conn: Connection, direction: Direction, chunk: Buffer) => void>();
  readonly stats: ProxyStats = { connections: 0, dropped: 0, truncated: 0, refused: 0, bytesUp: 0, bytesDown: 0 };
  port = 0;

  constructor(
    private readonly upstreamPort: number,
    readonly seed: number,
    private readonly host = '127.0.0.1',
  ) {
    this.random = seededRandom(seed);
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Faults for connections opened from now on (and delay/throughput for every chunk from now on). */
  setPlan(plan: FaultPlan): void {
    this.plan = plan;
    this.forced = [...(plan.first ?? [])];
  }

  /** Called synchronously for every chunk just before it is forwarded. Returns an unsubscribe function. */
  tap(listener: (conn: Connection, direction: Direction, chunk: Buffer) => void): () => void {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }

  /** Resolves the first time `predicate` holds for a forwarded chunk. */
  when(predicate: (conn: Connection, direction: Direction, chunk: Buffer) => boolean): Promise<Connection> {
    return new Promise((resolve) => {
      const off = this.tap((conn, direction, chunk) => {
        if (predicate(conn, direction, chunk)) {
          off();
          resolve(conn);
        }
      });
    });
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: true }, (client) => this.accept(client));
      server.once('error', reject);
      server.listen(port, this.host, () => {
        const address = server.address();
        this.port = typeof address === 'object' && address ? address.port : 0;
        this.server = server;
        resolve(this.port);
      });
    });
  }

  /** Cut every open connection now (the browser sees the network drop). */
  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.destroyAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private between([min, max]: [number, number]): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private accept(client: net.Socket): void {
    this.stats.connections++;
    const conn: Connection = { id: this.nextId++, request: '', requests: 0, sinceRequest: 0, up: 0, down: 0 };
    const roll = this.random();
    const { dropRate = 0, truncateRate = 0, afterBytes = [0, 64 * 1024] } = this.plan;
    let fate: 'ok' | 'drop' | 'truncate' = roll < dropRate ? 'drop' : roll < dropRate + truncateRate ? 'truncate' : 'ok';
    let at = fate === 'ok' ? Infinity : this.between(afterBytes);
    // A forced fate goes to a connection that carries data (Chromium also opens sockets it may never use).
    let decided = false;
    const rst = this.random() < 0.5;
    const upstream = net.connect({ port: this.upstreamPort, host: this.host, allowHalfOpen: true });
    this.sockets.add(client);
    this.sockets.add(upstream);
    let finished = false;
    const kill = (reset: boolean): void => {
      if (finished) return;
      finished = true;
      if (reset && !client.destroyed) client.resetAndDestroy();
      else client.destroy();
      upstream.destroy();
    };
    client.on('close', () => this.sockets.delete(client));
    upstream.on('close', () => this.sockets.delete(upstream));
    client.on('error', () => kill(false));
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') this.stats.refused++;
      kill(false);
    });
    client.on('close', (hadError) => hadError && kill(false));
    upstream.on('close', (hadError) => hadError && kill(false));

    const pump = (from: net.Socket, to: net.Socket, direction: Direction): void => {
      const queue: Buffer[] = [];
      let queued = 0;
      let running = false;
      let ended = false;
      const run = async (): Promise<void> => {
        running = true;
        while (queue.length && !finished) {
          const chunk = queue.shift()!;
          queued -= chunk.length;
          if (queued < HIGH_WATER / 2 && from.isPaused()) from.resume();
          const { delayMs, bytesPerSecond } = this.plan;
          const step = bytesPerSecond ? Math.max(1024, Math.floor(bytesPerSecond / 20)) : chunk.length;
          for (let offset = 0; offset < chunk.length && !finished; offset += step) {
            let piece = chunk.subarray(offset, offset + step);
            const wait = (delayMs && offset === 0 ? this.between(delayMs) : 0) + (bytesPerSecond ? (piece.length / bytesPerSecond) * 1000 : 0);
            if (wait >= 1) await sleep(wait);
            if (finished || to.destroyed) return;
            if (!decided) {
              decided = true;
              const forced = this.forced.shift();
              if (forced) {
                fate = forced;
                at = this.between([100, 400]);
              }
            }
            const sent = conn.up + conn.down;
            let cut = false;
            if (fate === 'drop' && sent + piece.length >= at) cut = true;
            if (fate === 'truncate' && direction === 'down' && conn.down + piece.length >= at) {
              piece = piece.subarray(0, Math.max(0, at - conn.down));
              cut = true;
            }
            if (direction === 'up') {
              let last = -1;
              for (const m of piece.toString('latin1').matchAll(REQUEST_LINE)) {
                conn.request = m[0];
                conn.requests++;
                last = m.index;
              }
              conn.sinceRequest = last === -1 ? conn.sinceRequest + piece.length : piece.length - last;
            }
            if (piece.length) {
              if (direction === 'up') {
                conn.up += piece.length;
                this.stats.bytesUp += piece.length;
              } else {
                conn.down += piece.length;
                this.stats.bytesDown += piece.length;
              }
              for (const listener of this.taps) listener(conn, direction, piece);
            }
            if (cut && fate === 'drop') {
              this.stats.dropped++;
              return kill(rst);
            }
            if (piece.length && !to.write(new Uint8Array(piece.buffer, piece.byteOffset, piece.length))) {
              await new Promise<void>((r) => {
                to.once('drain', () => r());
                to.once('close', () => r());
              });
            }
            if (cut) {
              // Truncated: what was sent stays sent, then a clean end as if the server had finished.
              this.stats.truncated++;
              finished = true;
              upstream.destroy();
              client.end();
              return;
            }
          }
        }
        running = false;
        if (ended && !finished && !queue.length) to.end();
      };
      from.on('data', (chunk: Buffer) => {
        queue.push(chunk);
        queued += chunk.length;
        if (queued > HIGH_WATER) from.pause();
        if (!running) void run();
      });
      from.on('end', () => {
        ended = true;
        if (!running && !finished) to.end();
      });
    };
    pump(client, upstream, 'up');
    pump(upstream, client, 'down');
  }
}
