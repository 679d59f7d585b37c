/**
 * Shared/exclusive locks around the station database: writes take it shared, the purge's rebuild takes it
 * exclusive, so no document written on the device can land in a generation that is being replaced. The Web
 * Locks API makes this hold across tabs of the app; where it is missing, an in-page lock does the same for
 * this tab.
 */
type Mode = 'shared' | 'exclusive';

interface Waiter {
  mode: Mode;
  start: () => void;
}

/** In-page fallback: any number of shared holders, or one exclusive; waiters are served in order. */
class PageLock {
  private shared = 0;
  private exclusive = false;
  private queue: Waiter[] = [];

  async run<T>(mode: Mode, fn: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.queue.push({ mode, start });
      this.pump();
    });
    try {
      return await fn();
    } finally {
      if (mode === 'exclusive') this.exclusive = false;
      else this.shared--;
      this.pump();
    }
  }

  private pump(): void {
    while (this.queue.length && !this.exclusive) {
      const next = this.queue[0]!;
      if (next.mode === 'exclusive' && this.shared > 0) return;
      this.queue.shift();
      if (next.mode === 'exclusive') this.exclusive = true;
      else this.shared++;
      next.start();
      if (next.mode === 'exclusive') return;
    }
  }
}

const pageLocks = new Map<string, PageLock>();

export function withLock<T>(name: string, mode: Mode, fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks) return locks.request(name, { mode }, fn);
  let lock = pageLocks.get(name);
  if (!lock) pageLocks.set(name, (lock = new PageLock()));
  return lock.run(mode, fn);
}
