/**
 * "The screen has settled": every request for the screen's data has its answer, the answers are rendered, and
 * no animation runs. Replication (`/sync/`) is left out: it runs in the background for as long as the device is
 * signed in, and the hall's event stream stays open by design. For checks of a whole screen (axe) that must see
 * it with its data, not half-loaded.
 */
import type { BrowserContext, Page } from 'playwright-core';

interface Counted {
  __lxeInflight: number;
}

/** Counts the page's fetches in flight, inside the page (no race with a request not yet reported to the test). */
export async function countRequests(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as Counted & Window;
    w.__lxeInflight = 0;
    const real = w.fetch.bind(w);
    w.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (new URL(url, location.href).pathname.startsWith('/sync/')) return real(input, init);
      w.__lxeInflight++;
      return real(input, init)
        .then(async (res) => {
          // The answer counts once its body is read, as the app reads it.
          await res
            .clone()
            .arrayBuffer()
            .catch(() => undefined);
          return res;
        })
        .finally(() => w.__lxeInflight--);
    };
  });
}

/** Wait until the screen has settled (see above); the context must count requests (`countRequests`). */
export async function settled(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction(() => (window as unknown as Counted).__lxeInflight === 0, undefined, { timeout, polling: 'raf' });
  await page.evaluate(async () => {
    await document.fonts.ready;
    // Two frames: the answers' DOM updates are flushed and painted.
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
  });
}
