import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from './coalesce';

describe('coalesce: a burst of changes tells a listener once, never overlapping itself', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a hundred calls within the window run the work once', async () => {
    const work = vi.fn();
    const told = coalesce(work, 150);
    for (let i = 0; i < 100; i++) told.call();
    expect(work).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(150);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('calls while the work runs make exactly one more run, after it', async () => {
    let finish: () => void = () => undefined;
    let running = 0;
    let overlapped = false;
    const work = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          running++;
          if (running > 1) overlapped = true;
          finish = () => {
            running--;
            resolve();
          };
        }),
    );
    const told = coalesce(work, 150);
    told.call();
    await vi.advanceTimersByTimeAsync(150);
    expect(work).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 50; i++) told.call();
    await vi.advanceTimersByTimeAsync(1000);
    expect(work).toHaveBeenCalledTimes(1); // still running: nothing overlaps
    finish();
    await vi.advanceTimersByTimeAsync(150);
    expect(work).toHaveBeenCalledTimes(2);
    finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(work).toHaveBeenCalledTimes(2);
    expect(overlapped).toBe(false);
  });

  it('a failing run does not stop later ones, and cancel stops what waits', async () => {
    const work = vi.fn().mockRejectedValueOnce(new Error('disk')).mockResolvedValue(undefined);
    const told = coalesce(work, 150);
    told.call();
    await vi.advanceTimersByTimeAsync(150);
    told.call();
    await vi.advanceTimersByTimeAsync(150);
    expect(work).toHaveBeenCalledTimes(2);
    told.call();
    told.cancel();
    await vi.advanceTimersByTimeAsync(500);
    expect(work).toHaveBeenCalledTimes(2);
  });
});
