/**
 * Validation of Chinese identifiers used at intake:
 *
 * - the unified social credit code (统一社会信用代码, "USCC") of organisations,
 *   GB 32100-2015;
 * - the 18-digit resident identity card number (公民身份号码), GB 11643-1999.
 *
 * Pure functions only: no DOM, no Node APIs. Validators expect *normalised*
 * input; run user input through {@link normaliseUscc} / {@link normaliseIdNumber}
 * first. The `explain*` functions return a structured {@link IdProblem} the UI
 * can turn into a localised message pointing at the offending character.
 *
 * @module
 */

/** What is wrong with an identifier, as reported by {@link explainUscc} / {@link explainIdNumber}. */
export interface IdProblem {
  /**
   * - `length`: not exactly 18 characters;
   * - `character`: a character not allowed at its position (e.g. I/O/Z/S/V or a
   *   lower-case letter in a USCC, a non-digit in an ID number, an unknown
   *   registration-authority code);
   * - `region`: bad administrative-division / province code;
   * - `birthDate`: ID number birth date is not a real date, before 1900 or in the future;
   * - `orgCode`: a USCC's positions 9–17 (the organisation code, GB 11714) do not check out;
   * - `checkDigit`: everything else is well-formed but the code as a whole does not check out. A typo anywhere
   *   shows up here, so the UI must not suggest a check character (typing it would make a wrong code pass):
   *   it asks staff to compare the code character by character with the licence or ID card.
   */
  kind: 'length' | 'character' | 'region' | 'birthDate' | 'orgCode' | 'checkDigit';
  /** 0-based index of the offending character (or the first of the offending part), when one can be singled out. */
  position?: number;
  /** Short English developer message; the UI should build its own user-facing text. */
  message: string;
}

// ---------------------------------------------------------------------------
// USCC — GB 32100-2015
// ---------------------------------------------------------------------------

/**
 * The 31-character USCC alphabet; a character's index is its numeric value.
 * I, O, Z, S and V are deliberately absent.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/**
 * Registration-authority codes (position 1 of a USCC): 1 机构编制, 2 外交, 3 司法行政,
 * 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商 (市场监管), A 中央军委改革和编制办公室,
 * N 农业, Y 其他.
 */
export const USCC_REGISTRATION_AUTHORITIES = '123456789ANY';

/** Weights for USCC positions 1..17 (these are 3^i mod 31). */
const USCC_WEIGHTS: readonly number[] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

const USCC_LENGTH = 18;

/** Numeric value of a USCC character, or -1 if it is not in {@link USCC_ALPHABET}. */
function usccValue(ch: string): number {
  // indexOf('') would be 0, so guard against anything but a single code unit.
  return ch.length === 1 ? USCC_ALPHABET.indexOf(ch) : -1;
}

function isAsciiDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch.length === 1 && ch >= '0' && ch <= '9';
}

/**
 * Compute the GB 32100 check character for the first 17 characters of a USCC.
 *
 * Only the alphabet is checked here (not the registration-authority or region
 * rules), so this is usable for generators (never for a message to staff: see {@link IdProblem}).
 *
 * @param first17 exactly 17 characters from {@link USCC_ALPHABET} (upper case)
 * @returns the check character, or `undefined` if `first17` is not 17 alphabet characters
 */
export function usccCheckChar(first17: string): string | undefined {
  if (first17.length !== USCC_LENGTH - 1) return undefined;
  let sum = 0;
  for (let i = 0; i < USCC_LENGTH - 1; i++) {
    const v = usccValue(first17.charAt(i));
    if (v < 0) return undefined;
    sum += v * (USCC_WEIGHTS[i] ?? 0);
  }
  const check = (31 - (sum % 31)) % 31; // 31 → 0
  return USCC_ALPHABET.charAt(check);
}

/**
 * Explain why `code` is not a valid unified social credit code (GB 32100-2015).
 *
 * Checks, in this order: length 18; every character in {@link USCC_ALPHABET}
 * (lower case is rejected — normalise first); position 1 is a registration-authority
 * code; positions 3-8 (administrative division) are digits; the check character.
 *
 * @returns `null` if the code is valid, otherwise the first problem found
 */
export function explainUscc(code: string): IdProblem | null {
  if (code.length !== USCC_LENGTH) {
    return { kind: 'length', message: `USCC must be ${USCC_LENGTH} characters, got ${code.length}` };
  }
  for (let i = 0; i < USCC_LENGTH; i++) {
    const ch = code.charAt(i);
    if (usccValue(ch) < 0) {
      const hint =
        ch !== ch.toUpperCase() && usccValue(ch.toUpperCase()) >= 0
          ? ' (lower case; normalise first)'
          : ' (allowed: 0-9 and A-Y except I, O, S, V, Z)';
      return { kind: 'character', position: i, message: `USCC character ${JSON.stringify(ch)} at index ${i} is not allowed${hint}` };
    }
  }
  if (!USCC_REGISTRATION_AUTHORITIES.includes(code.charAt(0))) {
    return {
      kind: 'character',
      position: 0,
      message: `USCC registration-authority code ${JSON.stringify(code.charAt(0))} is not one of ${USCC_REGISTRATION_AUTHORITIES}`,
    };
  }
  for (let i = 2; i <= 7; i++) {
    if (!isAsciiDigit(code.charAt(i))) {
      return { kind: 'region', position: i, message: `USCC administrative-division code (indices 2-7) must be digits; index ${i} is not` };
    }
  }
  if (orgCodeApplies(code) && orgCodeCheckChar(code.slice(8, 16)) !== code.charAt(16)) {
    return { kind: 'orgCode', position: 8, message: 'USCC organisation code (indices 8-16, GB 11714) does not check out' };
  }
  const expected = usccCheckChar(code.slice(0, USCC_LENGTH - 1));
  // `expected` is always defined here: all 17 characters passed the alphabet check.
  if (expected !== undefined && code.charAt(USCC_LENGTH - 1) !== expected) {
    return { kind: 'checkDigit', position: USCC_LENGTH - 1, message: 'USCC check character does not match the code' };
  }
  return null;
}

/** GB 11714 weights for the 8 body characters of an organisation code. */
const ORG_CODE_WEIGHTS: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * Compute the GB 11714 check character of an organisation code body (8 characters, digits and A–Z).
 * @returns `0`–`9` or `X`, or `undefined` if `body8` is not 8 such characters
 */
export function orgCodeCheckChar(body8: string): string | undefined {
  if (body8.length !== 8) return undefined;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body8.charAt(i);
    const v = ch >= '0' && ch <= '9' ? Number(ch) : ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : -1;
    if (v < 0) return undefined;
    sum += v * (ORG_CODE_WEIGHTS[i] ?? 0);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * Positions 9–17 of a USCC are the holder's organisation code, with its own GB 11714 check character — except
 * for 个体工商户 (registration authority 9, category 2), whose body codes were assigned outside that system.
 */
const orgCodeApplies = (code: string): boolean => !(code.charAt(0) === '9' && code.charAt(1) === '2');

/**
 * Whether `code` is a valid unified social credit code (GB 32100-2015).
 * Upper case only: pass user input through {@link normaliseUscc} first.
 */
export function isValidUscc(code: string): boolean {
  return explainUscc(code) === null;
}

/**
 * Normalise user-entered USCC text: removes all whitespace (including leading,
 * trailing, inner and full-width spaces) and upper-cases. Does not validate.
 */
export function normaliseUscc(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

// ---------------------------------------------------------------------------
// Resident ID number — GB 11643-1999
// ---------------------------------------------------------------------------

/** Weights for ID positions 1..17 (these are 2^(17-i) mod 11, ISO 7064 MOD 11-2). */
const ID_WEIGHTS: readonly number[] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** Check character indexed by (weighted sum mod 11). */
const ID_CHECK_CHARS = '10X98765432';

const ID_LENGTH = 18;

/**
 * Province-level codes accepted in the first two digits of an ID number
 * (mainland provinces, 71 Taiwan, 81 Hong Kong, 82 Macao, 83 Taiwan residence
 * permit, 91 overseas).
 */
const ID_PROVINCES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83', '91',
]);

const MIN_BIRTH_YEAR = 1900;

/**
 * Compute the GB 11643 check character for the first 17 digits of an ID number.
 *
 * @param first17 exactly 17 ASCII digits
 * @returns `'0'`-`'9'` or `'X'`, or `undefined` if `first17` is not 17 digits
 */
export function idNumberCheckChar(first17: string): string | undefined {
  if (first17.length !== ID_LENGTH - 1) return undefined;
  let sum = 0;
  for (let i = 0; i < ID_LENGTH - 1; i++) {
    const ch = first17.charAt(i);
    if (!isAsciiDigit(ch)) return undefined;
    sum += (ch.charCodeAt(0) - 48) * (ID_WEIGHTS[i] ?? 0);
  }
  return ID_CHECK_CHARS.charAt(sum % 11);
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Explain why `id` is not a valid 18-digit resident ID number (GB 11643-1999).
 *
 * Checks, in this order: length 18; 17 digits followed by a digit or `X`/`x`;
 * province code (first two digits); birth date (digits 7-14, `YYYYMMDD`): a real
 * calendar date, year ≥ 1900, not after `today`'s UTC calendar date; check character.
 *
 * @param today reference date for the "not in the future" rule (its UTC calendar date is
 *   used; an Invalid Date disables the rule)
 * @returns `null` if the number is valid, otherwise the first problem found
 */
export function explainIdNumber(id: string, today: Date = new Date()): IdProblem | null {
  if (id.length !== ID_LENGTH) {
    return { kind: 'length', message: `ID number must be ${ID_LENGTH} characters, got ${id.length}` };
  }
  for (let i = 0; i < ID_LENGTH; i++) {
    const ch = id.charAt(i);
    const ok = isAsciiDigit(ch) || (i === ID_LENGTH - 1 && (ch === 'X' || ch === 'x'));
    if (!ok) {
      const allowed = i === ID_LENGTH - 1 ? 'a digit or X' : 'a digit';
      return { kind: 'character', position: i, message: `ID character ${JSON.stringify(ch)} at index ${i} must be ${allowed}` };
    }
  }
  if (!ID_PROVINCES.has(id.slice(0, 2))) {
    return { kind: 'region', position: 0, message: `ID province code ${id.slice(0, 2)} is unknown` };
  }

  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (year < MIN_BIRTH_YEAR) {
    return { kind: 'birthDate', position: 6, message: `ID birth year ${year} is before ${MIN_BIRTH_YEAR}` };
  }
  if (month < 1 || month > 12) {
    return { kind: 'birthDate', position: 10, message: `ID birth month ${id.slice(10, 12)} is not 01-12` };
  }
  if (day < 1 || day > daysInMonth(year, month)) {
    return { kind: 'birthDate', position: 12, message: `ID birth date ${id.slice(6, 14)} does not exist` };
  }
  const birth = year * 10000 + month * 100 + day;
  const now = today.getUTCFullYear() * 10000 + (today.getUTCMonth() + 1) * 100 + today.getUTCDate();
  if (birth > now) {
    return { kind: 'birthDate', position: 6, message: `ID birth date ${id.slice(6, 14)} is in the future` };
  }

  const expected = idNumberCheckChar(id.slice(0, ID_LENGTH - 1));
  const actual = id.charAt(ID_LENGTH - 1).toUpperCase();
  if (expected !== undefined && actual !== expected) {
    return { kind: 'checkDigit', position: ID_LENGTH - 1, message: 'ID number check character does not match the number' };
  }
  return null;
}

/**
 * Whether `id` is a valid 18-digit resident ID number (GB 11643-1999).
 * A final lower-case `x` is accepted. Birth dates after `today` (UTC calendar
 * date) or before 1900 are rejected.
 */
export function isValidIdNumber(id: string, today: Date = new Date()): boolean {
  return explainIdNumber(id, today) === null;
}

/**
 * Normalise user-entered ID number text: removes all whitespace and upper-cases
 * a final `x`. Does not validate.
 */
export function normaliseIdNumber(input: string): string {
  const s = input.replace(/\s+/g, '');
  return s.endsWith('x') ? `${s.slice(0, -1)}X` : s;
}
