/** Gathering bursts of change notifications (replication writes documents by the hundred). */

/** How long a burst of local changes is gathered before listeners are told. */
export const CHANGE_GATHER_MS = 150;

/**
 * `call()` runs `work` once `ms` after the first call of a burst; calls while it waits join that run, calls while
 * its promise is pending make one more run after it. So `work` never overlaps itself and runs at most twice for
 * any burst.
 */
export function coalesce(work: () => unknown, ms: number): { call: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let cancelled = false;
  const run = async (): Promise<void> => {
    timer = undefined;
    if (cancelled) return;
    running = true;
    try {
      await work();
    } catch {
      // the listener reports its own failures; the next change tries again
    } finally {
      running = false;
    }
    if (again && !cancelled) {
      again = false;
      timer = setTimeout(() => void run(), ms);
    }
  };
  return {
    call: () => {
      if (cancelled) return;
      if (running) again = true;
      else timer ??= setTimeout(() => void run(), ms);
    },
    cancel: () => {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}
