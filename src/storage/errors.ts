/**
 * What the device database's errors mean, however Dexie wraps them. Without Dexie itself, so screens can word a
 * failure before the database module is loaded.
 */

/** True for the errors of a database that could not be opened or was closed under the app (not a full disk). */
export function isStorageUnavailable(e: unknown): boolean {
  const err = e as { name?: string; message?: string; inner?: { name?: string; message?: string } } | undefined;
  const one = (x: { name?: string; message?: string } | undefined): boolean =>
    x?.name === 'DatabaseClosedError' || x?.name === 'OpenFailedError' || (x?.name === 'UnknownError' && /backing store|indexedDB\.open/i.test(x.message ?? '')) || /connection is closing/i.test(x?.message ?? '');
  return one(err) || one(err?.inner);
}

/**
 * True for the browser's "disk full" errors, however Dexie wraps them. Chromium reports an exhausted quota as
 * QuotaExceededError, but a disk that is actually full while a blob is written as `DataError: Failed to write
 * blobs (IOError)` (seen in the fault suite, test/faults): both mean "no room on this device".
 */
export function isQuotaError(e: unknown): boolean {
  const full = (x: { name?: string; message?: string } | undefined): boolean =>
    x?.name === 'QuotaExceededError' || (x?.name === 'DataError' && /IOError|failed to write blobs/i.test(x.message ?? '')) || (x?.name === 'UnknownError' && /IOError|disk|space/i.test(x.message ?? ''));
  const err = e as { name?: string; message?: string; inner?: { name?: string; message?: string } } | undefined;
  return full(err) || full(err?.inner);
}
