/**
 * 回执 numbers made on the device with no coordination: the station code, the date and 40 random bits make a
 * collision between devices negligible (birthday bound ~1e-6 at 1 500 receipts a station a day).
 */
import { chinaDate } from './china-time';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The station's code that starts each of its receipt numbers: the first four letters or digits of its id. */
export function receiptStationCode(stationId: string): string {
  return stationId.replace(/[^a-z0-9]/g, '').slice(0, 4).toUpperCase().padEnd(4, 'X');
}

/**
 * Whether a receipt number carries this station's code. Checked wherever a submission is validated (device and
 * server), so a station cannot issue a receipt number in another station's series (public tracking finds a
 * receipt by its number alone).
 */
export function receiptNoFitsStation(receiptNo: string, stationId: string): boolean {
  return receiptNo.startsWith(`${receiptStationCode(stationId)}-`);
}

/** `random` must hold at least 5 bytes of cryptographic randomness (the domain has no crypto of its own). */
export function makeReceiptNo(stationId: string, date: Date, random: Uint8Array): string {
  if (random.length < 5) throw new Error('makeReceiptNo needs 5 random bytes');
  const code = receiptStationCode(stationId);
  // The date printed is the station's (China Standard Time, UTC+8, no DST), not UTC's.
  const ymd = chinaDate(date).replaceAll('-', '');
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(random[i] ?? 0);
  let tail = '';
  for (let i = 0; i < 8; i++) {
    tail = (CROCKFORD[Number(bits & 31n)] ?? '0') + tail;
    bits >>= 5n;
  }
  return `${code}-${ymd}-${tail}`;
}

/** 6-digit pickup code; `random` must hold at least 4 random bytes. Modulo bias (2^32 mod 1e6) is < 0.03 %. */
export function makePickupCode(random: Uint8Array): string {
  if (random.length < 4) throw new Error('makePickupCode needs 4 random bytes');
  const n = (((random[0] ?? 0) << 24) >>> 0) + ((random[1] ?? 0) << 16) + ((random[2] ?? 0) << 8) + (random[3] ?? 0);
  return String(n % 1_000_000).padStart(6, '0');
}
