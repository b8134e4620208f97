import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { Hl7ValidationError } from './errors';
import { MessageErrorCode } from './table-0357';

/**
 * Character sets (HL7 v2.5.1 Ch. 2 §2.15.9.18 MSH-18 "Character Set", HL7 table 0211) and how to turn a
 * message's bytes into text.
 *
 * MSH-18 names the encoding of the whole message, but the message has to be read to find it. That works
 * because every character set of table 0211 that this library decodes is a superset of ASCII, and MSH up to
 * MSH-18 is ASCII in practice, so MSH-18 is read from the raw bytes first (readMsh18), then the whole buffer
 * is decoded once with the right decoder. UTF-16 is the exception: it is recognised only by its byte order
 * mark.
 */

/** How the bytes of a message were (or will be) decoded. */
export interface Hl7Charset {
  /** The MSH-18 term as the message wrote it ('' when MSH-18 was empty). */
  readonly declared: string;
  /**
   * Decoder name: a Node Buffer encoding ('utf8', 'latin1') for the two hot ones, else a WHATWG Encoding
   * label for TextDecoder (Node's bundled ICU provides them).
   */
  readonly encoding: string;
}

/**
 * Table 0211 terms (v2.5.1) and the decoder for each. 'UNICODE' alone is the v2.3 term and is UTF-8 in
 * every analyzer that sends it (e.g. Mindray's BC series, v2.3.1). ISO IR14/IR87/IR159 and CNS 11643 need
 * ISO 2022 code switching inside a message, which no decoder here does, so they are not listed and are
 * refused with 103 rather than misread.
 */
export const HL7_CHARSETS = {
  ASCII: 'ascii',
  '8859/1': 'latin1',
  '8859/2': 'iso-8859-2',
  '8859/3': 'iso-8859-3',
  '8859/4': 'iso-8859-4',
  '8859/5': 'iso-8859-5',
  '8859/6': 'iso-8859-6',
  '8859/7': 'iso-8859-7',
  '8859/8': 'iso-8859-8',
  '8859/9': 'iso-8859-9',
  '8859/15': 'iso-8859-15',
  UNICODE: 'utf8',
  'UNICODE UTF-8': 'utf8',
  'UNICODE UTF-16': 'utf-16le',
  'GB 18030-2000': 'gb18030',
  'KS X 1001': 'euc-kr',
  'BIG-5': 'big5',
} as const;

/**
 * Spellings seen in the field that are not table 0211 terms: the DICOM ones (ISO_IR 100/192), plain
 * encoding names, and Windows-1258, the legacy Vietnamese code page of older Vietnamese HIS software
 * (a local extension: no HL7 term exists for it).
 */
export const CHARSET_ALIASES = {
  'UTF-8': 'UNICODE UTF-8',
  UTF8: 'UNICODE UTF-8',
  'ISO_IR 192': 'UNICODE UTF-8',
  'ISO-8859-1': '8859/1',
  'ISO8859-1': '8859/1',
  'ISO_IR 100': '8859/1',
  LATIN1: '8859/1',
  'US-ASCII': 'ASCII',
  'WINDOWS-1258': 'windows-1258',
  CP1258: 'windows-1258',
} as const;

/** The decoder for an MSH-18 term, or undefined when the term is neither in table 0211 nor an alias. */
export function encodingForCharset(term: string): string | undefined {
  const key = term.trim().toUpperCase();
  if (key === '') return undefined;
  const table = HL7_CHARSETS as Readonly<Record<string, string>>;
  if (table[key] !== undefined) return table[key];
  const alias = (CHARSET_ALIASES as Readonly<Record<string, string>>)[key];
  if (alias === undefined) return undefined;
  return table[alias] ?? alias;
}

const MSH18 = { segment: 'MSH', sequence: 1, field: 18 } as const;

/** 'auto': UTF-8 when the bytes are valid UTF-8, else ISO 8859-1. See DecodeOptions.defaultCharset. */
export const AUTO_CHARSET = 'auto';

export interface DecodeOptions {
  /**
   * Used when MSH-18 is empty. The standard's default is ASCII (§2.15.9.18), but many Vietnamese systems send
   * UTF-8 without saying so; the default 'auto' reads valid UTF-8 as UTF-8 (which is exact for pure ASCII,
   * a subset) and anything else as 8859/1, so no byte is lost either way.
   */
  readonly defaultCharset?: string;
  /** Ignore MSH-18 and use this term: for a device profile whose sender declares the wrong set. */
  readonly charset?: string;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * MSH-18 (first repetition) read straight from the bytes, without decoding the message; '' when empty or
 * absent. Returns undefined when the buffer does not start with an MSH segment (after an optional UTF-8 BOM
 * and blank lines).
 */
export function readMsh18(bytes: Uint8Array): string | undefined {
  let p = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) p = 3;
  while (p < bytes.length && (bytes[p] === CR || bytes[p] === LF || bytes[p] === 0x20)) p++;
  if (bytes[p] !== 0x4d || bytes[p + 1] !== 0x53 || bytes[p + 2] !== 0x48) return undefined; // "MSH"
  const fieldSep = bytes[p + 3];
  const repSep = bytes[p + 5];
  if (fieldSep === undefined) return undefined;
  // The field separator right after "MSH" opens MSH-2, so the 17th one opens MSH-18.
  let count = 0;
  let i = p + 3;
  for (; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === CR || b === LF) return '';
    if (b === fieldSep && ++count === 17) break;
  }
  if (count < 17) return '';
  const start = ++i;
  for (; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === fieldSep || b === repSep || b === CR || b === LF) break;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, i - start)
    .toString('latin1')
    .trim();
}

const decoders = new Map<string, TextDecoder>();

/** Decodes bytes with a decoder name from encodingForCharset() (also used for \X..\ escapes). */
export function decodeBytes(bytes: Uint8Array, encoding: string): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (encoding) {
    case 'utf8':
      return buf.toString('utf8');
    case 'latin1':
    case 'ascii':
      // ASCII is a subset of 8859/1: reading stray 8-bit bytes as 8859/1 keeps them instead of masking them.
      return buf.toString('latin1');
    case AUTO_CHARSET:
      return isUtf8(buf) ? buf.toString('utf8') : buf.toString('latin1');
    default: {
      let decoder = decoders.get(encoding);
      if (!decoder) {
        decoder = new TextDecoder(encoding);
        decoders.set(encoding, decoder);
      }
      return decoder.decode(buf);
    }
  }
}

/**
 * Bytes to text according to MSH-18 (or the options). Throws Hl7ValidationError 103 (table value not
 * found, at MSH-18) for a character set this library cannot decode, rather than garbling patient names.
 */
export function decodeHl7(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): { text: string; charset: Hl7Charset } {
  // UTF-16 cannot be sniffed through MSH-18 (every other byte is 0); its byte order mark is the tell.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return {
      text: decodeBytes(bytes.subarray(2), 'utf-16le'),
      charset: { declared: '', encoding: 'utf-16le' },
    };
  }
  const declared = options.charset ?? readMsh18(bytes) ?? '';
  let encoding: string | undefined;
  if (declared === '') {
    const fallback = options.defaultCharset ?? AUTO_CHARSET;
    encoding = fallback === AUTO_CHARSET ? AUTO_CHARSET : encodingForCharset(fallback);
    if (encoding === undefined) throw new TypeError(`unknown defaultCharset ${JSON.stringify(fallback)}`);
  } else {
    encoding = encodingForCharset(declared);
    if (encoding === 'ascii') encoding = AUTO_CHARSET;
    if (encoding === undefined) {
      throw new Hl7ValidationError(
        MessageErrorCode.TableValueNotFound,
        `MSH-18 character set ${JSON.stringify(declared)} is not one this receiver can decode (HL7 table 0211)`,
        MSH18,
      );
    }
  }
  let body = bytes;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) body = bytes.subarray(3);
  if (encoding === AUTO_CHARSET) {
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    encoding = isUtf8(buf) ? 'utf8' : 'latin1';
  }
  return { text: decodeBytes(body, encoding), charset: { declared, encoding } };
}

/**
 * Text to bytes in a message's character set. Node encodes UTF-8 and 8859/1 natively; for the other sets
 * there is no encoder, so pure-ASCII text (all that an ACK usually holds) is written as ASCII, which every
 * set of table 0211 read here shares, and anything else is refused rather than written wrong.
 */
export function encodeHl7(text: string, encoding = 'utf8'): Buffer {
  switch (encoding) {
    case 'utf8':
    case AUTO_CHARSET:
      return Buffer.from(text, 'utf8');
    case 'latin1':
    case 'ascii':
      return Buffer.from(text, 'latin1');
    default:
      // eslint-disable-next-line no-control-regex
      if (/^[\x00-\x7f]*$/.test(text)) return Buffer.from(text, 'latin1');
      throw new Error(`cannot encode non-ASCII text as ${encoding}: only UTF-8 and 8859/1 have encoders`);
  }
}
