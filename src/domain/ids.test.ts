import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  USCC_ALPHABET,
  USCC_REGISTRATION_AUTHORITIES,
  explainIdNumber,
  explainUscc,
  idNumberCheckChar,
  isValidIdNumber,
  isValidUscc,
  normaliseIdNumber,
  normaliseUscc,
  orgCodeCheckChar,
  usccCheckChar,
  type IdProblem,
} from './ids';

/** Fixed reference date so birth-date tests do not depend on the clock. */
const TODAY = new Date('2025-06-15T12:00:00Z');
const RUNS = { numRuns: 1000 };
const DIGITS = '0123456789';
const ID_CHECK_ALPHABET = '0123456789X';
const PROVINCES = [
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83', '91',
];

// ---------------------------------------------------------------------------
// Independent oracles, written in the ISO 7064 "whole code ≡ constant" form
// (weights computed as powers rather than read from a table).
// ---------------------------------------------------------------------------

/** GB 32100: sum(v_i * 3^i mod 31, i < 17) + v_17 ≡ 0 (mod 31). */
function usccOracle(code: string): boolean {
  if (code.length !== 18) return false;
  if (!code.startsWith('92') && !orgCodeOracle(code.slice(8, 17))) return false;
  let sum = 0;
  for (let i = 0; i < 18; i++) {
    const v = USCC_ALPHABET.indexOf(code.charAt(i));
    if (v < 0) return false;
    sum += i < 17 ? v * (3 ** i % 31) : v;
  }
  return sum % 31 === 0;
}

/** GB 11714: sum(v_i * w_i, i < 8) + check ≡ 0 (mod 11), X = 10 (A–Z are 10–35). */
function orgCodeOracle(code9: string): boolean {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  const v = (ch: string): number => (/[0-9]/.test(ch) ? Number(ch) : /[A-Z]/.test(ch) ? ch.charCodeAt(0) - 55 : NaN);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += v(code9.charAt(i)) * w[i]!;
  const last = code9.charAt(8);
  if (!/^[0-9X]$/.test(last)) return false; // the check character is a digit or X
  sum += last === 'X' ? 10 : v(last);
  return sum % 11 === 0;
}

/** GB 11643 / ISO 7064 MOD 11-2: sum(d_i * 2^(17-i) mod 11) + check ≡ 1 (mod 11). */
function idChecksumOracle(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id.charAt(i)) * (2 ** (17 - i) % 11);
  const last = id.charAt(17).toUpperCase();
  sum += last === 'X' ? 10 : Number(last);
  return sum % 11 === 1;
}

function withUscc(first17: string): string {
  const c = usccCheckChar(first17);
  if (c === undefined) throw new Error(`bad USCC body ${first17}`);
  return first17 + c;
}

function withIdCheck(first17: string): string {
  const c = idNumberCheckChar(first17);
  if (c === undefined) throw new Error(`bad ID body ${first17}`);
  return first17 + c;
}

function replaceAt(s: string, i: number, ch: string): string {
  return s.slice(0, i) + ch + s.slice(i + 1);
}

function swapAt(s: string, i: number): string {
  return s.slice(0, i) + s.charAt(i + 1) + s.charAt(i) + s.slice(i + 2);
}

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

const charFrom = (chars: string) => fc.constantFrom(...chars.split(''));
const strFrom = (chars: string, length: number) => fc.string({ unit: charFrom(chars), minLength: length, maxLength: length });

/** 17-char USCC body: authority code, category, 6-digit region, 9-char organisation code. */
const usccBodyArb = fc
  .tuple(charFrom(USCC_REGISTRATION_AUTHORITIES), charFrom(USCC_ALPHABET), strFrom(DIGITS, 6), strFrom(USCC_ALPHABET, 8))
  .map(([authority, category, region, org]) => {
    const check = orgCodeCheckChar(org);
    // An organisation code whose check character is not in the USCC alphabet cannot occur: use 0 then.
    return `${authority}${category}${region}${org}${check !== undefined && USCC_ALPHABET.includes(check) ? check : '0'}`;
  })
  .filter((body) => body.startsWith('92') || orgCodeOracle(body.slice(8, 17)));
const validUsccArb = usccBodyArb.map(withUscc);

const birthDateArb = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: TODAY, noInvalidDate: true })
  .map((d) =>
    `${String(d.getUTCFullYear()).padStart(4, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`,
  );
const idBodyArb = fc
  .tuple(fc.constantFrom(...PROVINCES), strFrom(DIGITS, 4), birthDateArb, strFrom(DIGITS, 3))
  .map((parts) => parts.join(''));
const validIdArb = idBodyArb.map(withIdCheck);

/** A valid ID with, if it ends in X, that X randomly lower-cased. */
const validIdMaybeLowerXArb = fc.tuple(validIdArb, fc.boolean()).map(([id, lower]) => (lower ? id.replace(/X$/, 'x') : id));

/** Characters that exercise every validator branch. */
const NOISE = `${USCC_ALPHABET}IOZSVabcxyz -_*\u3000é中`;

// ---------------------------------------------------------------------------
// USCC
// ---------------------------------------------------------------------------

describe('USCC (GB 32100-2015)', () => {
  // Every example below was checked by computing the check character by hand /
  // with the independent oracle, not only with the implementation under test.
  const valid = [
    '91350100M000100Y43',
    '91110000600037341L',
    '911101085923662400',
    '91440300708461136T',
    '91310000132149237G',
  ];

  it.each(valid)('accepts %s', (code) => {
    expect(usccOracle(code)).toBe(true);
    expect(isValidUscc(code)).toBe(true);
    expect(explainUscc(code)).toBeNull();
    expect(usccCheckChar(code.slice(0, 17))).toBe(code.charAt(17));
  });

  it('accepts every registration-authority code and check value 0 (sum ≡ 0 mod 31)', () => {
    for (const a of USCC_REGISTRATION_AUTHORITIES) {
      expect(isValidUscc(withUscc(`${a}1350100M000100Y4`))).toBe(true);
    }
    // 911101085923662400: the check char '0' comes from 31 - 0 = 31 → 0.
    expect(usccCheckChar('91110108592366240')).toBe('0');
  });

  const invalid: Array<[string, string, Partial<IdProblem>]> = [
    ['empty', '', { kind: 'length' }],
    ['17 chars', '91350100M000100Y4', { kind: 'length' }],
    ['19 chars', '91350100M000100Y433', { kind: 'length' }],
    ['lower-case letter', '91350100m000100Y43', { kind: 'character', position: 8 }],
    ['lower-case check char', '91110000600037341l', { kind: 'character', position: 17 }],
    ['forbidden I', '91350100I000100Y43', { kind: 'character', position: 8 }],
    ['forbidden O', '91350100O000100Y43', { kind: 'character', position: 8 }],
    ['forbidden Z', '91350100Z000100Y43', { kind: 'character', position: 8 }],
    ['forbidden S', '91350100S000100Y43', { kind: 'character', position: 8 }],
    ['forbidden V', '91350100V000100Y43', { kind: 'character', position: 8 }],
    ['forbidden O in check position', '91350100M000100Y4O', { kind: 'character', position: 17 }],
    ['first of several bad chars', '91350100M0I0O00Y43', { kind: 'character', position: 10 }],
    ['space inside', '91350100 000100Y43', { kind: 'character', position: 8 }],
    ['authority B', withUscc('B1350100M000100Y4'), { kind: 'character', position: 0 }],
    ['authority 0', withUscc('01350100M000100Y4'), { kind: 'character', position: 0 }],
    ['letter in region', withUscc('913A0100M000100Y4'), { kind: 'region', position: 3 }],
    ['letter at end of region', withUscc('9135010AM000100Y4'), { kind: 'region', position: 7 }],
    ['wrong check char', '91350100M000100Y44', { kind: 'checkDigit', position: 17 }],
    ['wrong check char (letter)', '91110000600037341K', { kind: 'checkDigit', position: 17 }],
  ];

  it.each(invalid)('rejects %s: %s', (_label, code, problem) => {
    expect(isValidUscc(code)).toBe(false);
    const p = explainUscc(code);
    expect(p).toMatchObject(problem);
    expect(p?.message).toBeTruthy();
  });

  it.each(valid)('detects every single-character substitution at every position of %s', (code) => {
    for (let i = 0; i < 18; i++) {
      for (const ch of USCC_ALPHABET) {
        if (ch === code.charAt(i)) continue;
        const mutated = replaceAt(code, i, ch);
        expect(isValidUscc(mutated), `${mutated} (index ${i})`).toBe(false);
        const p = explainUscc(mutated);
        expect(p).not.toBeNull();
        const structurallyOk =
          (i !== 0 || USCC_REGISTRATION_AUTHORITIES.includes(ch)) && (i < 2 || i > 7 || DIGITS.includes(ch));
        if (structurallyOk) {
          // A typo in the organisation code is named as such (where GB 11714 applies); anywhere else, the code
          // as a whole does not check out — and no check character is ever suggested.
          // (GB 11714's mod 11 misses some substitutions, e.g. 1 ↔ C: the whole-code check catches those.)
          const inOrgCode = i >= 8 && i <= 16 && !mutated.startsWith('92') && !orgCodeOracle(mutated.slice(8, 17));
          expect(p).toMatchObject(inOrgCode ? { kind: 'orgCode', position: 8 } : { kind: 'checkDigit', position: 17 });
          expect(p).not.toHaveProperty('expected');
        }
      }
    }
  });

  it('usccCheckChar rejects malformed bodies', () => {
    expect(usccCheckChar('')).toBeUndefined();
    expect(usccCheckChar('9135010 0M000100Y4')).toBeUndefined(); // 18 chars
    expect(usccCheckChar('91350100M000100Y')).toBeUndefined(); // 16 chars
    expect(usccCheckChar('91350100m000100Y4')).toBeUndefined(); // lower case
    expect(usccCheckChar('91350100I000100Y4')).toBeUndefined(); // forbidden letter
    // Only the alphabet is checked, not authority/region rules (useful for messages):
    expect(usccCheckChar('B1350100M000100Y4')).toHaveLength(1);
  });

  it('normaliseUscc trims, removes spaces and upper-cases', () => {
    expect(normaliseUscc('  9135 0100m000100y43\t')).toBe('91350100M000100Y43');
    expect(normaliseUscc('\u30009111 0000 6000 3734 1l\u3000')).toBe('91110000600037341L');
    expect(normaliseUscc('')).toBe('');
  });

  describe('properties', () => {
    it('(a) generated body + usccCheckChar is valid and agrees with the oracle', () => {
      fc.assert(
        fc.property(usccBodyArb, (body) => {
          const code = withUscc(body);
          expect(isValidUscc(code)).toBe(true);
          expect(usccOracle(code)).toBe(true);
        }),
        RUNS,
      );
    });

    it('(b) any single substitution by a different alphabet character is detected', () => {
      fc.assert(
        fc.property(validUsccArb, fc.nat(17), charFrom(USCC_ALPHABET), (code, i, ch) => {
          fc.pre(ch !== code.charAt(i));
          expect(isValidUscc(replaceAt(code, i, ch))).toBe(false);
        }),
        RUNS,
      );
    });

    it('(b′) any transposition of two adjacent different characters is detected', () => {
      fc.assert(
        fc.property(validUsccArb, fc.nat(16), (code, i) => {
          fc.pre(code.charAt(i) !== code.charAt(i + 1));
          expect(isValidUscc(swapAt(code, i))).toBe(false);
        }),
        RUNS,
      );
    });

    it('(e) explainUscc is null iff isValidUscc, for arbitrary strings', () => {
      const arb = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), strFrom(NOISE, 18), strFrom(USCC_ALPHABET, 18));
      fc.assert(
        fc.property(arb, (s) => {
          const p = explainUscc(s);
          expect(p === null).toBe(isValidUscc(s));
          expect(p === null).toBe(usccOracle(s) && USCC_REGISTRATION_AUTHORITIES.includes(s.charAt(0)) && /^..\d{6}/.test(s));
        }),
        RUNS,
      );
    });

    it('(e) explainUscc is null iff isValidUscc, for mutated valid codes; problems are well-formed', () => {
      fc.assert(
        fc.property(validUsccArb, fc.nat(17), charFrom(NOISE), (code, i, ch) => {
          const s = replaceAt(code, i, ch);
          const p = explainUscc(s);
          expect(p === null).toBe(isValidUscc(s));
          expect(p === null).toBe(ch === code.charAt(i));
          if (p !== null) {
            expect(p.message.length).toBeGreaterThan(0);
            if (p.kind === 'checkDigit') {
              expect(p.position).toBe(17);
              expect(JSON.stringify(p)).not.toContain('expected'); // never suggests a check character
            } else if (p.kind === 'orgCode') {
              expect(p.position).toBe(8);
              expect(i >= 8 && i <= 16).toBe(true); // the mutation is inside the organisation code
            } else {
              expect(p.position).toBe(i); // points at the mutated character
            }
          }
        }),
        RUNS,
      );
    });

    it('normaliseUscc undoes lower-casing and inserted whitespace', () => {
      fc.assert(
        fc.property(validUsccArb, fc.array(fc.tuple(fc.nat(18), fc.constantFrom(' ', '\t', '\u3000'))), (code, spaces) => {
          let messy = code.toLowerCase();
          for (const [at, sp] of spaces) messy = messy.slice(0, at) + sp + messy.slice(at);
          expect(normaliseUscc(messy)).toBe(code);
          expect(normaliseUscc(normaliseUscc(messy))).toBe(code);
        }),
        RUNS,
      );
    });
  });
});

// ---------------------------------------------------------------------------
// Resident ID number
// ---------------------------------------------------------------------------

describe('resident ID number (GB 11643-1999)', () => {
  const valid = [
    '11010519491231002X', // the standard's own example
    '11010519491231002x', // lower-case x accepted
    '110105200002290013', // 2000-02-29: 2000 is a leap year (divisible by 400)
    withIdCheck('11010520240229123'), // 2024-02-29
    withIdCheck('44052419000101001'), // earliest allowed date
    withIdCheck('91000020250615001'), // born "today" (overseas code 91)
    withIdCheck('83000019991231999'), // Taiwan residence permit code 83
  ];

  it.each(valid)('accepts %s', (id) => {
    expect(idChecksumOracle(id)).toBe(true);
    expect(isValidIdNumber(id, TODAY)).toBe(true);
    expect(explainIdNumber(id, TODAY)).toBeNull();
  });

  it('computed check chars match hand-computed values', () => {
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(idNumberCheckChar('11010520000229001')).toBe('3');
  });

  it('uses the current date by default', () => {
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(explainIdNumber(withIdCheck('11010529991231001'))).toMatchObject({ kind: 'birthDate' });
  });

  it('compares with the UTC calendar date of `today`', () => {
    const id = withIdCheck('11010520250616001');
    // Instants just either side of UTC midnight: in any non-UTC time zone one of
    // them falls on a different local date, so a local-time implementation fails.
    expect(isValidIdNumber(id, new Date('2025-06-16T00:30:00Z'))).toBe(true);
    expect(isValidIdNumber(id, new Date('2025-06-15T23:30:00Z'))).toBe(false);
  });

  const invalid: Array<[string, string, Partial<IdProblem>]> = [
    ['empty', '', { kind: 'length' }],
    ['17 chars', '11010519491231002', { kind: 'length' }],
    ['19 chars', '11010519491231002X0', { kind: 'length' }],
    ['15-digit legacy number', '110105491231002', { kind: 'length' }],
    ['letter in body', '1101051949123100AX', { kind: 'character', position: 16 }],
    ['x not at the end', '110105194912310x2X', { kind: 'character', position: 15 }],
    ['Y as check char', '11010519491231002Y', { kind: 'character', position: 17 }],
    ['full-width digit', '１10105194912310021', { kind: 'character', position: 0 }],
    ['wrong check char (should be X)', '110105194912310021', { kind: 'checkDigit', position: 17 }],
    ['wrong check char (X instead of 3)', '11010520000229001X', { kind: 'checkDigit', position: 17 }],
    ['province 00', withIdCheck('00010519491231002'), { kind: 'region', position: 0 }],
    ['province 10', withIdCheck('10010519491231002'), { kind: 'region', position: 0 }],
    ['province 16', withIdCheck('16010519491231002'), { kind: 'region', position: 0 }],
    ['province 24', withIdCheck('24010519491231002'), { kind: 'region', position: 0 }],
    ['province 47', withIdCheck('47010519491231002'), { kind: 'region', position: 0 }],
    ['province 84', withIdCheck('84010519491231002'), { kind: 'region', position: 0 }],
    ['province 99', withIdCheck('99010519491231002'), { kind: 'region', position: 0 }],
    ['1900-02-29 (1900 not leap)', withIdCheck('11010519000229002'), { kind: 'birthDate', position: 12 }],
    ['2023-02-29', withIdCheck('11010520230229002'), { kind: 'birthDate', position: 12 }],
    ['2023-02-30', withIdCheck('11010520230230002'), { kind: 'birthDate', position: 12 }],
    ['2023-04-31', withIdCheck('11010520230431002'), { kind: 'birthDate', position: 12 }],
    ['month 13', withIdCheck('11010519491331002'), { kind: 'birthDate', position: 10 }],
    ['month 00', withIdCheck('11010519490031002'), { kind: 'birthDate', position: 10 }],
    ['day 00', withIdCheck('11010519491200002'), { kind: 'birthDate', position: 12 }],
    ['day 32', withIdCheck('11010519490132002'), { kind: 'birthDate', position: 12 }],
    ['year 1899', withIdCheck('11010518991231002'), { kind: 'birthDate', position: 6 }],
    ['year 1880 (checksum is right)', '440524188001010014', { kind: 'birthDate', position: 6 }],
    ['tomorrow', withIdCheck('11010520250616002'), { kind: 'birthDate', position: 6 }],
    ['next year', withIdCheck('11010520260101002'), { kind: 'birthDate', position: 6 }],
  ];

  it.each(invalid)('rejects %s: %s', (_label, id, problem) => {
    expect(isValidIdNumber(id, TODAY)).toBe(false);
    const p = explainIdNumber(id, TODAY);
    expect(p).toMatchObject(problem);
    expect(p?.message).toBeTruthy();
  });

  it('detects every single-character substitution at every position', () => {
    for (const id of ['11010519491231002X', '110105200002290013']) {
      for (let i = 0; i < 18; i++) {
        for (const ch of i === 17 ? ID_CHECK_ALPHABET : DIGITS) {
          if (ch === id.charAt(i)) continue;
          const mutated = replaceAt(id, i, ch);
          expect(isValidIdNumber(mutated, TODAY), `${mutated} (index ${i})`).toBe(false);
          // Outside the province and date fields, the only thing wrong is the check char.
          if ((i >= 2 && i < 6) || i >= 14) {
            const p = explainIdNumber(mutated, TODAY);
            expect(p).toMatchObject({ kind: 'checkDigit', position: 17 });
            expect(p).not.toHaveProperty('expected');
          }
        }
      }
    }
  });

  it('idNumberCheckChar rejects malformed bodies', () => {
    expect(idNumberCheckChar('')).toBeUndefined();
    expect(idNumberCheckChar('1101051949123100')).toBeUndefined();
    expect(idNumberCheckChar('110105194912310021')).toBeUndefined();
    expect(idNumberCheckChar('1101051949123100X')).toBeUndefined();
    expect(idNumberCheckChar('1101051949123100 ')).toBeUndefined();
  });

  it('normaliseIdNumber trims, removes spaces and upper-cases only a final x', () => {
    expect(normaliseIdNumber(' 110105 19491231 002x ')).toBe('11010519491231002X');
    expect(normaliseIdNumber('\u300011010519491231002X\u3000')).toBe('11010519491231002X');
    expect(normaliseIdNumber('110105x9491231002')).toBe('110105x9491231002');
    expect(normaliseIdNumber('')).toBe('');
  });

  describe('properties', () => {
    it('(c) generated body with valid province and birth date + idNumberCheckChar is valid', () => {
      fc.assert(
        fc.property(idBodyArb, (body) => {
          const id = withIdCheck(body);
          expect(idChecksumOracle(id)).toBe(true);
          expect(isValidIdNumber(id, TODAY)).toBe(true);
          expect(isValidIdNumber(id.replace(/X$/, 'x'), TODAY)).toBe(true);
        }),
        RUNS,
      );
    });

    it('(c) any single substitution by a different digit (or X at the end) is detected', () => {
      fc.assert(
        fc.property(validIdMaybeLowerXArb, fc.nat(17), charFrom(ID_CHECK_ALPHABET), (id, i, ch) => {
          const replacement = i === 17 ? ch : ch === 'X' ? '0' : ch;
          fc.pre(replacement.toUpperCase() !== id.charAt(i).toUpperCase());
          expect(isValidIdNumber(replaceAt(id, i, replacement), TODAY)).toBe(false);
        }),
        RUNS,
      );
    });

    it('(d) any transposition of two adjacent different characters is detected', () => {
      fc.assert(
        fc.property(validIdMaybeLowerXArb, fc.nat(16), (id, i) => {
          fc.pre(id.charAt(i) !== id.charAt(i + 1));
          const swapped = swapAt(id, i);
          expect(isValidIdNumber(swapped, TODAY)).toBe(false);
          // Even ignoring province/date rules, MOD 11-2 alone catches it:
          expect(idChecksumOracle(swapped)).toBe(false);
        }),
        RUNS,
      );
    });

    it('(e) explainIdNumber is null iff isValidIdNumber, for arbitrary strings', () => {
      const arb = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), strFrom(`${DIGITS}Xx a`, 18), strFrom(DIGITS, 18));
      fc.assert(
        fc.property(arb, (s) => {
          const p = explainIdNumber(s, TODAY);
          expect(p === null).toBe(isValidIdNumber(s, TODAY));
          if (p === null) expect(idChecksumOracle(s)).toBe(true);
        }),
        RUNS,
      );
    });

    it('(e) explainIdNumber is null iff isValidIdNumber, for mutated valid numbers; problems are well-formed', () => {
      fc.assert(
        fc.property(validIdArb, fc.nat(17), charFrom(`${DIGITS}Xx a中`), (id, i, ch) => {
          const s = replaceAt(id, i, ch);
          const p = explainIdNumber(s, TODAY);
          expect(p === null).toBe(isValidIdNumber(s, TODAY));
          const same = ch === id.charAt(i) || (i === 17 && ch.toUpperCase() === id.charAt(17));
          expect(p === null).toBe(same);
          if (p !== null) {
            expect(p.message.length).toBeGreaterThan(0);
            expect(p.position).toBeGreaterThanOrEqual(0);
            expect(p.position).toBeLessThanOrEqual(17);
            if (p.kind === 'checkDigit') {
              expect(p.position).toBe(17);
              expect(p).not.toHaveProperty('expected'); // never suggests a check character
            }
          }
        }),
        RUNS,
      );
    });

    it('normaliseIdNumber undoes a lower-case x and inserted whitespace', () => {
      fc.assert(
        fc.property(validIdArb, fc.array(fc.tuple(fc.nat(18), fc.constantFrom(' ', '\t', '\u3000'))), (id, spaces) => {
          let messy = id.replace(/X$/, 'x');
          for (const [at, sp] of spaces) messy = messy.slice(0, at) + sp + messy.slice(at);
          expect(normaliseIdNumber(messy)).toBe(id);
        }),
        RUNS,
      );
    });
  });
});
