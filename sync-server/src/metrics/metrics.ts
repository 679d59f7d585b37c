/**
 * Prometheus metrics (`GET /metrics`, text format) for the people who run a district: traffic and latency by
 * route, held-open change feeds, replication and scan bytes, sign-in failures and rate-limit refusals (read off
 * the responses, so the auth code needs no hooks), store latency and errors, the queue by state and overdue,
 * and the feeder's lag. One registry per server (tests build several in one process); values that need the
 * store are read at scrape time and cached briefly, so a tight scrape interval cannot load the store.
 */
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface QueueFigures {
  byState: Record<string, number>;
  overdue: number;
}

export interface MetricsSources {
  /** The queue by state and the overdue count (from the projection). */
  queue(): Promise<QueueFigures>;
  /** Seconds the feeder is behind the store (0 when caught up). */
  feederLagSeconds(): number;
}

/** How long queue figures read at scrape time are reused. */
const QUEUE_CACHE_MS = 10_000;
const holdsOpen = (path: string, query: string): boolean => /^\/sync\/[^/]+\/_changes\/?$/.test(path) && /[?&]feed=(longpoll|continuous|eventsource)(&|$)/.test(query);

/** A route label with few values: the matched Express route, or the kind of replication request, never raw ids. */
export function routeLabel(req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  if (path.startsWith('/sync/')) {
    const rest = path.split('/').slice(3);
    const first = rest[0] ?? '';
    if (!first) return '/sync/:db';
    if (first === '_local') return '/sync/:db/_local/:id';
    return first.startsWith('_') ? `/sync/:db/${first}` : '/sync/:db/:doc';
  }
  if (req.route && typeof (req.route as { path?: unknown }).path === 'string') return `${req.baseUrl}${(req.route as { path: string }).path}`;
  if (path.startsWith('/api/')) return `${req.baseUrl || '/api'}/*`;
  return path === '/metrics' || path === '/healthz' || path === '/readyz' ? path : 'static';
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'lxe_http_requests_total', help: 'HTTP requests by route, method and status', labelNames: ['route', 'method', 'status'] as const, registers: [this.registry] });
  private readonly duration = new Histogram({
    name: 'lxe_http_request_duration_seconds',
    help: 'HTTP request latency (change feeds held open are left out: they wait on purpose)',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly longPolls = new Gauge({ name: 'lxe_open_change_feeds', help: 'Change feeds (long-poll, continuous) held open now', registers: [this.registry] });
  private readonly replicationBytes = new Counter({ name: 'lxe_replication_bytes_total', help: 'Bytes of replication traffic through /sync', labelNames: ['direction'] as const, registers: [this.registry] });
  private readonly blobBytes = new Counter({ name: 'lxe_blob_bytes_stored_total', help: 'Bytes of scans accepted by PUT /api/blobs', registers: [this.registry] });
  private readonly signInFailures = new Counter({ name: 'lxe_sign_in_failures_total', help: 'Sign-ins refused (wrong user or password)', registers: [this.registry] });
  private readonly rateLimited = new Counter({ name: 'lxe_rate_limited_total', help: 'Requests refused with 429 by route', labelNames: ['route'] as const, registers: [this.registry] });
  private readonly storeLatency = new Histogram({
    name: 'lxe_store_request_duration_seconds',
    help: 'Latency of requests to the store (CouchDB or the embedded store) until the answer headers',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  private readonly storeErrors = new Counter({ name: 'lxe_store_errors_total', help: 'Store requests that failed (unreachable, or 5xx)', registers: [this.registry] });
  private queueCache: { at: number; figures: Promise<QueueFigures> } | undefined;

  constructor(sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'lxe_process_' });
    const queueFigures = (): Promise<QueueFigures> => {
      if (!this.queueCache || Date.now() - this.queueCache.at > QUEUE_CACHE_MS) {
        const figures = sources.queue();
        figures.catch(() => (this.queueCache = undefined));
        this.queueCache = { at: Date.now(), figures };
      }
      return this.queueCache.figures;
    };
    new Gauge({
      name: 'lxe_queue_submissions',
      help: 'Submissions in the hall queue by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const { byState } = await queueFigures();
        this.reset();
        for (const [state, n] of Object.entries(byState)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'lxe_queue_overdue',
      help: 'Accepted submissions past their promised date',
      registers: [this.registry],
      async collect() {
        this.set((await queueFigures()).overdue);
      },
    });
    new Gauge({
      name: 'lxe_feeder_lag_seconds',
      help: 'How long the oldest change not yet projected into the hall queue has waited',
      registers: [this.registry],
      collect() {
        this.set(sources.feederLagSeconds());
      },
    });
  }

  /** Store request observer (given to the store client). */
  storeRequest = (seconds: number, failed: boolean): void => {
    this.storeLatency.observe(seconds);
    if (failed) this.storeErrors.inc();
  };

  /** Counts every request when its response is done. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const started = process.hrtime.bigint();
      const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
      const path = req.originalUrl.split('?')[0] ?? '';
      const held = holdsOpen(path, query);
      const replication = path.startsWith('/sync/');
      if (held) this.longPolls.inc();
      let sent = 0;
      if (replication) {
        // Count what goes out as it is written (change feeds and attachments stream without a length).
        const write = res.write.bind(res) as (...args: unknown[]) => boolean;
        const end = res.end.bind(res) as (...args: unknown[]) => Response;
        const size = (chunk: unknown): number => (typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk instanceof Uint8Array ? chunk.length : 0);
        res.write = ((...args: unknown[]) => ((sent += size(args[0])), write(...args))) as Response['write'];
        res.end = ((...args: unknown[]) => ((sent += typeof args[0] === 'function' ? 0 : size(args[0])), end(...args))) as Response['end'];
      }
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        if (held) this.longPolls.dec();
        const route = routeLabel(req);
        const status = String(res.statusCode);
        this.requests.inc({ route, method: req.method, status });
        if (!held) this.duration.observe({ route, method: req.method }, Number(process.hrtime.bigint() - started) / 1e9);
        if (replication) {
          this.replicationBytes.inc({ direction: 'in' }, Number(req.headers['content-length'] ?? 0) || 0);
          this.replicationBytes.inc({ direction: 'out' }, sent);
        }
        if (req.method === 'PUT' && path.startsWith('/api/blobs/') && res.statusCode === 201) this.blobBytes.inc(Number(req.headers['content-length'] ?? 0) || 0);
        if (req.method === 'POST' && path === '/api/session' && res.statusCode === 401) this.signInFailures.inc();
        if (res.statusCode === 429) this.rateLimited.inc({ route });
      };
      res.once('finish', finish);
      res.once('close', finish);
      next();
    };
  }
}
