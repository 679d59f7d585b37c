import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { STATION_ID_PATTERN } from './documents';
import { makePickupCode, makeReceiptNo } from './receipt';

const RECEIPT_PATTERN = /^[A-Z0-9]{4}-\d{8}-[0-9A-HJKMNP-TV-Z]{8}$/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const STATION = 'jingan-hkri';
const DAY = new Date('2025-06-15T02:00:00Z');

/** Independent oracle: the 40 bits of the first 5 bytes, as 8 base32 digits, most significant first. */
function tailOracle(bytes: Uint8Array): string {
  const bits = [...bytes.slice(0, 5)].map((b) => b.toString(2).padStart(8, '0')).join('');
  return (bits.match(/.{5}/g) ?? []).map((chunk) => CROCKFORD.charAt(parseInt(chunk, 2))).join('');
}

/** Inverse of the tail: back to the 5 bytes. */
function decodeTail(tail: string): number[] {
  const bits = [...tail].map((c) => CROCKFORD.indexOf(c).toString(2).padStart(5, '0')).join('');
  return (bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2));
}

const stationIdArb = fc
  .tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split('')),
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split('')), minLength: 1, maxLength: 20 }),
  )
  .map(([a, b]) => a + b);

describe('makeReceiptNo', () => {
  it('formats station code, CST date and 8 base32 digits', () => {
    expect(makeReceiptNo(STATION, DAY, new Uint8Array([0, 0, 0, 0, 0]))).toBe('JING-20250615-00000000');
    expect(makeReceiptNo(STATION, DAY, new Uint8Array([255, 255, 255, 255, 255]))).toBe('JING-20250615-ZZZZZZZZ');
    // 0x0123456789 = 00000 00100 10001 10100 01010 11001 11100 01001 = 0 4 H M A S W 9
    expect(makeReceiptNo(STATION, DAY, new Uint8Array([0x01, 0x23, 0x45, 0x67, 0x89]))).toBe('JING-20250615-04HMASW9');
    expect(makeReceiptNo(STATION, DAY, new Uint8Array([0x01, 0x23, 0x45, 0x67, 0x89]))).toMatch(RECEIPT_PATTERN);
  });

  it('derives the station code from the id: first 4 letters/digits, upper case, padded with X', () => {
    const r = new Uint8Array(5);
    const code = (id: string): string => makeReceiptNo(id, DAY, r).slice(0, 4);
    expect(code('jingan-hkri')).toBe('JING');
    expect(code('a-b')).toBe('ABXX');
    expect(code('ab')).toBe('ABXX');
    expect(code('x1-y2z')).toBe('X1Y2');
    expect(code('p-0-9-q')).toBe('P09Q');
    expect(code('abc')).toBe('ABCX');
  });

  it('uses the China Standard Time (UTC+8) calendar date of the instant', () => {
    const r = new Uint8Array(5);
    expect(makeReceiptNo(STATION, new Date('2025-12-31T15:59:59.999Z'), r)).toBe('JING-20251231-00000000');
    expect(makeReceiptNo(STATION, new Date('2025-12-31T16:00:00.000Z'), r)).toBe('JING-20260101-00000000');
    expect(makeReceiptNo(STATION, new Date('2024-02-29T12:00:00Z'), r)).toBe('JING-20240229-00000000');
    expect(makeReceiptNo(STATION, new Date('2025-06-16T07:00:00+08:00'), r)).toBe('JING-20250616-00000000');
    expect(makeReceiptNo(STATION, new Date('2025-06-15T23:59:59+08:00'), r)).toBe('JING-20250615-00000000');
  });

  it('throws with fewer than 5 random bytes; uses only the first 5', () => {
    for (let n = 0; n < 5; n++) expect(() => makeReceiptNo(STATION, DAY, new Uint8Array(n))).toThrow('makeReceiptNo needs 5 random bytes');
    expect(makeReceiptNo(STATION, DAY, new Uint8Array([1, 2, 3, 4, 5, 6, 7]))).toBe(makeReceiptNo(STATION, DAY, new Uint8Array([1, 2, 3, 4, 5])));
  });

  it('honours a Uint8Array view (byteOffset) over a larger buffer', () => {
    const buffer = new Uint8Array([9, 9, 0x01, 0x23, 0x45, 0x67, 0x89]);
    expect(makeReceiptNo(STATION, DAY, buffer.subarray(2))).toBe('JING-20250615-04HMASW9');
  });

  it('property: always matches the receipt pattern and the schema’s receiptNo bound', () => {
    fc.assert(
      fc.property(
        stationIdArb,
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T15:59:59Z'), noInvalidDate: true }),
        fc.uint8Array({ minLength: 5, maxLength: 12 }),
        (stationId, date, random) => {
          expect(STATION_ID_PATTERN.test(stationId)).toBe(true);
          const no = makeReceiptNo(stationId, date, random);
          expect(no).toMatch(RECEIPT_PATTERN);
          expect(no).toMatch(/^[0-9A-Z-]{8,40}$/);
          expect(no.slice(0, 4)).toBe(stationId.replace(/-/g, '').slice(0, 4).toUpperCase().padEnd(4, 'X'));
          expect(no.slice(5, 13)).toBe(new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, ''));
          expect(no.slice(14)).toBe(tailOracle(random));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property: injective over the 40 random bits (the tail decodes back to the bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), (random) => {
        const no = makeReceiptNo(STATION, DAY, random);
        expect(decodeTail(no.slice(14))).toEqual([...random]);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: distinct random inputs give distinct numbers for a fixed station and date', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), fc.uint8Array({ minLength: 5, maxLength: 5 }), (a, b) => {
        fc.pre(a.some((x, i) => x !== b[i]));
        expect(makeReceiptNo(STATION, DAY, a)).not.toBe(makeReceiptNo(STATION, DAY, b));
      }),
      { numRuns: 1000 },
    );
    // Single-bit differences are the hardest case for an encoder that drops or overlaps bits.
    const seen = new Set<string>();
    for (let bit = 0; bit < 40; bit++) {
      const r = new Uint8Array(5);
      r[Math.floor(bit / 8)] = 1 << (bit % 8);
      seen.add(makeReceiptNo(STATION, DAY, r));
    }
    seen.add(makeReceiptNo(STATION, DAY, new Uint8Array(5)));
    expect(seen.size).toBe(41);
  });
});

describe('makePickupCode', () => {
  it('maps the big-endian uint32 modulo 1 000 000 to 6 digits, including the edges', () => {
    expect(makePickupCode(new Uint8Array([0, 0, 0, 0]))).toBe('000000');
    expect(makePickupCode(new Uint8Array([0x00, 0x0f, 0x42, 0x3f]))).toBe('999999'); // 999 999
    expect(makePickupCode(new Uint8Array([0x00, 0x0f, 0x42, 0x40]))).toBe('000000'); // 1 000 000
    expect(makePickupCode(new Uint8Array([0, 0, 0, 7]))).toBe('000007');
    expect(makePickupCode(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toBe('967295'); // 4 294 967 295
    expect(makePickupCode(new Uint8Array([0x80, 0, 0, 0]))).toBe('483648'); // 2^31: no sign overflow
    expect(makePickupCode(new Uint8Array([0x3b, 0x9a, 0xc9, 0xff]))).toBe('999999'); // 999 999 999
  });

  it('throws with fewer than 4 random bytes; uses only the first 4', () => {
    for (let n = 0; n < 4; n++) expect(() => makePickupCode(new Uint8Array(n))).toThrow('makePickupCode needs 4 random bytes');
    expect(makePickupCode(new Uint8Array([1, 2, 3, 4, 5, 6]))).toBe(makePickupCode(new Uint8Array([1, 2, 3, 4])));
  });

  it('property: always 6 digits, equal to getUint32 % 1e6', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 8 }), (random) => {
        const code = makePickupCode(random);
        expect(code).toMatch(/^\d{6}$/);
        const n = new DataView(random.buffer, random.byteOffset, random.byteLength).getUint32(0, false);
        expect(Number(code)).toBe(n % 1_000_000);
      }),
      { numRuns: 1000 },
    );
  });
});
