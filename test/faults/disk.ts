/**
 * A full disk for the fault suite. Preferred: the browser profile lives on its own small tmpfs, which the test
 * fills with one file until only a few KB are left, so Chromium's writes really fail (a full disk shows up as
 * `DataError: Failed to write blobs (IOError)`; CDP's quota override no longer changes anything in this
 * Chromium). Where mounting is not allowed, the fallback makes IndexedDB writes of Blobs throw
 * QuotaExceededError from an init script, and says so in the log.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export interface Disk {
  /** Where the browser profile goes. */
  profile: string;
  /** 'tmpfs': a real full disk; 'injected': writes of Blobs throw QuotaExceededError. */
  kind: 'tmpfs' | 'injected';
  fill(page: Page): Promise<void>;
  free(page: Page): Promise<void>;
  close(): void;
}

export function smallDisk(sizeMb = 160): Disk {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lxe-disk-'));
  const filler = path.join(dir, 'filler');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch {
    return injectedDisk(dir);
  }
  return {
    profile: path.join(dir, 'profile'),
    kind: 'tmpfs',
    async fill() {
      const avail = Number(execFileSync('df', ['-k', '--output=avail', dir]).toString().trim().split('\n').pop()) * 1024;
      execFileSync('fallocate', ['-l', String(Math.max(0, avail - 96 * 1024)), filler]);
    },
    async free() {
      rmSync(filler, { force: true });
    },
    close() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function injectedDisk(dir: string): Disk {
  const flag = (page: Page, on: boolean): Promise<void> => page.evaluate((v) => localStorage.setItem('lxe-fault-disk-full', v ? '1' : ''), on);
  return {
    profile: path.join(dir, 'profile'),
    kind: 'injected',
    async fill(page) {
      await flag(page, true);
    },
    async free(page) {
      await flag(page, false);
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** For the injected fallback: Blob writes fail while the flag is set (a no-op on a real small disk). */
export async function installDiskFullHook(context: BrowserContext, disk: Disk): Promise<void> {
  if (disk.kind !== 'injected') return;
  await context.addInitScript(() => {
    const holdsBlob = (v: unknown): boolean => v instanceof Blob || (typeof v === 'object' && v !== null && Object.values(v).some((x) => x instanceof Blob));
    for (const method of ['put', 'add'] as const) {
      const original = IDBObjectStore.prototype[method];
      IDBObjectStore.prototype[method] = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
        if (localStorage.getItem('lxe-fault-disk-full') && holdsBlob(value)) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return original.call(this, value, key);
      };
    }
  });
}
