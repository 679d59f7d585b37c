/**
 * Cuts off request bodies that arrive too slowly (slowloris on the body). Node's own `requestTimeout` (5 min)
 * lets one connection trickle a byte every few seconds and hold a request, its buffers and a long-poll-sized slot
 * for minutes; a few hundred such connections are a cheap denial of service. A real upload on a bad mobile link
 * still moves kilobytes every few seconds, so the rule is a floor on progress per window, not a total deadline.
 *
 * It watches the socket's byte counter instead of listening to the body: a `data` listener here would switch
 * the stream to flowing mode and take the bytes away from the route that reads them. Every route buffers its
 * body before it talks to the store, so a slow store never pauses the socket and cannot trip this guard.
 */
import type { NextFunction, Request, Response } from 'express';

export interface SlowBodyLimits {
  /** How often progress is checked. */
  windowMs: number;
  /** Fewer body bytes than this in one window, and the request is answered 408 and its connection closed. */
  minBytes: number;
}

/** 2 KB per 10 s: a 10 MB scan still uploads over a 2G link; a byte every 2 s is cut off within 20 s. */
export const DEFAULT_SLOW_BODY_LIMITS: SlowBodyLimits = { windowMs: 10_000, minBytes: 2_048 };

const hasBody = (req: Request): boolean => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

export function slowBodyGuard(limits: SlowBodyLimits = DEFAULT_SLOW_BODY_LIMITS) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!hasBody(req) || req.complete) return next();
    const socket = req.socket;
    let seen = socket.bytesRead;
    const timer = setInterval(() => {
      if (req.complete || res.writableEnded || socket.destroyed) return stop();
      const read = socket.bytesRead;
      if (read - seen >= limits.minBytes) {
        seen = read;
        return;
      }
      stop();
      // The route is still waiting for the body: answer for it, then drop the connection so the rest of the
      // trickle is not read (and the socket cannot be reused mid-body).
      if (!res.headersSent) {
        res.setHeader('connection', 'close');
        res.status(408).json({ error: 'request_timeout', reason: `the request body arrived too slowly (under ${limits.minBytes} bytes in ${limits.windowMs / 1000} s)` });
      }
      res.once('finish', () => socket.destroy());
      setTimeout(() => socket.destroy(), 1_000).unref();
    }, limits.windowMs);
    timer.unref();
    const stop = (): void => clearInterval(timer);
    res.once('close', stop);
    res.once('finish', stop);
    next();
  };
}
