import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { isQuotaError } from './db';

describe('isQuotaError', () => {
  it('recognises the quota error, bare and wrapped by Dexie', () => {
    const quota = new DOMException('quota', 'QuotaExceededError');
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError(new Dexie.AbortError('Transaction aborted', quota))).toBe(true);
  });

  it("recognises Chromium's full-disk blob write error, bare and wrapped", () => {
    const disk = new DOMException('Failed to write blobs (IOError)', 'DataError');
    expect(isQuotaError(disk)).toBe(true);
    expect(isQuotaError(new Dexie.AbortError('Transaction aborted', disk))).toBe(true);
  });

  it('does not take other errors for a full disk', () => {
    expect(isQuotaError(new DOMException('Data provided to an operation does not meet requirements.', 'DataError'))).toBe(false);
    expect(isQuotaError(new Dexie.ConstraintError('Key already exists'))).toBe(false);
    expect(isQuotaError(new Error('boom'))).toBe(false);
    expect(isQuotaError(undefined)).toBe(false);
  });
});
