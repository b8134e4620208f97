import { fail, type Failure } from './result';

/**
 * National e-prescription code (spec §4.2; TT 26/2025/TT-BYT App. I note 1 [S], many implementations [C]):
 * `xxxxxyyyyyyy-z`, 14 characters counting the hyphen.
 * - xxxxx: the 5-character facility code (MA_CSKCB);
 * - yyyyyyy: 7 characters, digits 0–9 or letters a–z, unique within the facility. TT 26/2025 says random;
 *   the older TT 04/2022 vendor practice was a book symbol plus a running number;
 * - z: the prescription type (PRESCRIPTION_TYPES).
 * Example from a client [C]: `25366VMA336R-c`.
 *
 * A sent prescription can never change; a correction is a new prescription with a new code (QĐ 425/QĐ-BYT,
 * spec §4.1). [I] Generate the code once, at creation, and keep (facility, y-part) unique in storage.
 *
 * Letter case: TT 26 writes the type letters in capitals (N, H, C, T) while the API example and the
 * `loai_don_thuoc` payload use lower case. We generate the y-part and the type letter in lower case (as in
 * "a–z") unless asked for upper case, keep the facility code as given, and parse either case without altering
 * the code.
 */
export const PRESCRIPTION_TYPES = {
  c: { vi: 'Đơn thuốc thông thường', en: 'Other (ordinary) prescription', source: 'TT 26/2025' },
  n: { vi: 'Đơn thuốc gây nghiện', en: 'Narcotic drugs', source: 'TT 26/2025' },
  h: {
    vi: 'Đơn thuốc hướng thần, tiền chất',
    en: 'Psychotropic drugs or precursors',
    source: 'TT 26/2025',
  },
  t: { vi: 'Đơn thuốc thang', en: 'Decoction (traditional medicine)', source: 'TT 55/2025' },
} as const;

export type PrescriptionTypeLetter = keyof typeof PRESCRIPTION_TYPES;

/**
 * `loai_don_thuoc` of the send-prescription payload (QĐ 808/QĐ-BYT Part V as reproduced by clients, spec §4.3
 * [C]). Not the same list as the code's type letter: here `y` is traditional medicine.
 */
export const PRESCRIPTION_PAYLOAD_TYPES = {
  c: { vi: 'Đơn thuốc thông thường', en: 'Normal' },
  n: { vi: 'Đơn thuốc gây nghiện', en: 'Narcotic' },
  h: { vi: 'Đơn thuốc hướng thần', en: 'Psychotropic' },
  y: { vi: 'Đơn thuốc y học cổ truyền', en: 'Traditional medicine' },
} as const;

export type PrescriptionPayloadType = keyof typeof PRESCRIPTION_PAYLOAD_TYPES;

export type PrescriptionCodeErrorCode =
  | 'RX_EMPTY'
  | 'RX_LENGTH'
  | 'RX_FORMAT'
  | 'RX_FACILITY_FORMAT'
  | 'RX_SERIAL_FORMAT'
  | 'RX_SERIAL_RANGE'
  | 'RX_TYPE_UNKNOWN';

export interface PrescriptionCode {
  readonly ok: true;
  /** The code as given (trimmed) or generated. */
  readonly value: string;
  readonly facilityCode: string;
  /** The 7-character middle part. */
  readonly serial: string;
  /** Type letter in lower case. */
  readonly type: PrescriptionTypeLetter;
}

export type PrescriptionCodeResult = PrescriptionCode | Failure<PrescriptionCodeErrorCode>;

/**
 * How to fill the 7-character part:
 * - a non-negative integer: a running number, written in base 36 (0–9a–z) and zero-padded to 7 characters
 *   (up to 36^7 − 1 = 78,364,164,095);
 * - a 7-character string of 0–9 / a–z: used as given (e.g. from your own generator);
 * - 'random': 7 uniformly random characters from the Web Crypto API (TT 26/2025 says the part is random).
 */
export type PrescriptionSerialSource = number | string | 'random';

export interface GeneratePrescriptionCodeOptions {
  readonly letterCase?: 'lower' | 'upper';
  /** Source of random bytes for 'random' (tests); defaults to crypto.getRandomValues. */
  readonly randomBytes?: (length: number) => Uint8Array;
}

export const PRESCRIPTION_CODE_LENGTH = 14;
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const SERIAL_LENGTH = 7;
const MAX_SEQUENCE = 36 ** SERIAL_LENGTH - 1;
const FACILITY = /^[0-9A-Za-z]{5}$/;
const SERIAL = /^[0-9A-Za-z]{7}$/;

export function generatePrescriptionCode(
  facilityCode5: string,
  sequenceOrRandom: PrescriptionSerialSource,
  typeLetter: string,
  options: GeneratePrescriptionCodeOptions = {},
): PrescriptionCodeResult {
  const facility = typeof facilityCode5 === 'string' ? facilityCode5.trim() : '';
  if (!FACILITY.test(facility)) {
    return fail('RX_FACILITY_FORMAT', 'facility code must be 5 letters or digits (MA_CSKCB)');
  }
  const type = typeof typeLetter === 'string' ? typeLetter.trim().toLowerCase() : '';
  if (!isPrescriptionTypeLetter(type)) {
    return fail(
      'RX_TYPE_UNKNOWN',
      `prescription type must be one of c, n, h, t; got '${String(typeLetter)}'`,
    );
  }
  const serial = serialOf(sequenceOrRandom, options.randomBytes);
  if (!serial.ok) return serial;
  const upper = options.letterCase === 'upper';
  const serialText = upper ? serial.value.toUpperCase() : serial.value.toLowerCase();
  const value = `${facility}${serialText}-${upper ? type.toUpperCase() : type}`;
  return { ok: true, value, facilityCode: facility, serial: serialText, type };
}

export function parsePrescriptionCode(code: string): PrescriptionCodeResult {
  const text = typeof code === 'string' ? code.trim() : '';
  if (text === '') return fail('RX_EMPTY', 'prescription code is empty');
  if (text.length !== PRESCRIPTION_CODE_LENGTH) {
    return fail('RX_LENGTH', `prescription code must be 14 characters (xxxxxyyyyyyy-z); got ${text.length}`);
  }
  if (text[12] !== '-') return fail('RX_FORMAT', "character 13 of a prescription code must be '-'");
  const facilityCode = text.slice(0, 5);
  if (!FACILITY.test(facilityCode))
    return fail('RX_FACILITY_FORMAT', 'characters 1-5 must be the facility code');
  const serial = text.slice(5, 12);
  if (!SERIAL.test(serial)) return fail('RX_SERIAL_FORMAT', 'characters 6-12 must be digits or letters a-z');
  const type = text[13].toLowerCase();
  if (!isPrescriptionTypeLetter(type)) {
    return fail('RX_TYPE_UNKNOWN', `unknown prescription type '${text[13]}' (expected c, n, h or t)`);
  }
  return { ok: true, value: text, facilityCode, serial, type };
}

export function isPrescriptionTypeLetter(letter: string): letter is PrescriptionTypeLetter {
  return Object.prototype.hasOwnProperty.call(PRESCRIPTION_TYPES, letter);
}

function serialOf(
  source: PrescriptionSerialSource,
  randomBytes: ((length: number) => Uint8Array) | undefined,
): { ok: true; value: string } | Failure<PrescriptionCodeErrorCode> {
  if (typeof source === 'number') {
    if (!Number.isSafeInteger(source) || source < 0 || source > MAX_SEQUENCE) {
      return fail('RX_SERIAL_RANGE', `sequence must be an integer 0-${MAX_SEQUENCE}; got ${String(source)}`);
    }
    return { ok: true, value: source.toString(36).padStart(SERIAL_LENGTH, '0') };
  }
  if (source === 'random') return { ok: true, value: randomSerial(randomBytes ?? webCryptoBytes) };
  if (typeof source === 'string' && SERIAL.test(source)) return { ok: true, value: source };
  return fail('RX_SERIAL_FORMAT', "serial must be 7 characters 0-9/a-z, a sequence number or 'random'");
}

/** Uniform choice from 36 characters by rejection sampling (bytes >= 252 = 7 × 36 are discarded): no modulo bias. */
function randomSerial(randomBytes: (length: number) => Uint8Array): string {
  let out = '';
  while (out.length < SERIAL_LENGTH) {
    for (const byte of randomBytes(16)) {
      if (byte < 252 && out.length < SERIAL_LENGTH) out += ALPHABET[byte % 36];
    }
  }
  return out;
}

function webCryptoBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}
