/**
 * The HL7 v2 (ER7, "pipe and hat") parser of the platform.
 *
 * Decision (input for the ADR on the HL7v2 parser): the design card names the npm package `hl7-standard`.
 * Version 1.0.4, the latest, was checked against the bar that docs/ARCHITECTURE sets for this library and
 * failed it, so this is a small parser of our own, kept behind this library's API so it can be replaced:
 *   - escapes: none either way. \F\ \S\ \T\ \R\ \E\ \X0D\ are returned raw on read, and set() writes '|' or
 *     '^' inside a value unescaped, which corrupts the segment (HL7 v2.5.1 Ch. 2 §2.7);
 *   - delimiters: '|' and '^' are hard-coded; a message that declares others in MSH-1/MSH-2 (§2.5.4)
 *     parses to nothing;
 *   - character sets: strings only, no MSH-18 (§2.15.9.18), so the caller would have to guess the encoding of
 *     the bytes before parsing; Vietnamese names in UTF-8 need MSH-18 read from the bytes first;
 *   - output: segments end in CRLF by default (the standard's terminator is CR alone, §2.5.4); no ACK or
 *     ERR building; no TypeScript types;
 *   - speed: it turns the whole message into nested objects up front, whatever the caller reads: 256 us for
 *     a 4.5 kB lab ORU^R01 with 21 OBX, where this parser takes 7 us to parse and read the header (the
 *     gateway's hot path) and 175 us to read every value unescaped (bench/hl7v2-parse, Node 24, 2 cores);
 *   - maintenance: two versions on npm, no activity since 1.0.4.
 * See libs/standards/hl7v2/README.md for the figures.
 *
 * How it parses (single pass, lazy): bytes are decoded once according to MSH-18 (charset.ts), the text is cut
 * into segments at CR (LF and CRLF tolerated on input, §2.5.4), and nothing else happens until a value is
 * read: a segment splits its fields on first use, components and subcomponents are found by indexOf on
 * the one field asked for, and unescaping (escape.ts) only runs on values that contain the escape character.
 * A receiver that needs only MSH (to store the raw message and answer the ACK) pays for MSH alone.
 */
import { decodeHl7, encodingForCharset, type DecodeOptions, type Hl7Charset } from './charset';
import type { UnescapeOptions } from './escape';
import { Hl7ValidationError } from './errors';
import { Hl7Message, Hl7Segment } from './message';
import { separatorsFromMsh } from './separators';
import { MessageErrorCode } from './table-0357';

export interface ParseOptions extends DecodeOptions {
  /** How unescaped values render \H\ \N\ \.br\ (see escape.ts); 'keep' by default. */
  readonly formatting?: UnescapeOptions['formatting'];
}

function isBlank(code: number): boolean {
  return code === 0x0d || code === 0x0a || code === 0x20 || code === 0x09 || code === 0xfeff;
}

/**
 * Cuts the text into segments. CR is the segment terminator (§2.5.4); when the text has no CR at all the
 * sender used LF, and when it has CRLF the LF is dropped. A bare LF inside a CR-terminated message stays:
 * it is data (a multi-line OBX-5 from a careless sender), not a terminator.
 */
function splitSegments(text: string, start: number): string[] {
  const body = start === 0 ? text : text.slice(start);
  const lines = body.indexOf('\r') === -1 ? body.split('\n') : body.split('\r');
  const out: string[] = [];
  for (let line of lines) {
    if (line.length === 0) continue;
    if (isBlank(line.charCodeAt(0))) {
      let i = 0;
      while (i < line.length && line.charCodeAt(i) === 0x0a) i++;
      line = line.slice(i);
      if (line.trim() === '') continue;
    }
    out.push(line);
  }
  return out;
}

/**
 * Parses one message from its bytes (decoded per MSH-18) or from text already decoded.
 *
 * Throws Hl7ValidationError only for what makes the message unreadable: no MSH at the start (100), unusable
 * delimiters in MSH-1/MSH-2 (102) or an MSH-18 character set it cannot decode (103). Everything else about
 * the header is for validateHeader(), so that a receiver can still build an ACK naming the fault.
 */
export function parseHl7(input: string | Uint8Array, options: ParseOptions = {}): Hl7Message {
  let text: string;
  let charset: Hl7Charset | undefined;
  if (typeof input === 'string') {
    text = input;
  } else {
    ({ text, charset } = decodeHl7(input, options));
  }
  let start = 0;
  while (start < text.length && isBlank(text.charCodeAt(start))) start++;
  if (!text.startsWith('MSH', start)) {
    throw new Hl7ValidationError(
      MessageErrorCode.SegmentSequenceError,
      start >= text.length ? 'the message is empty' : 'the message does not begin with an MSH segment',
      { segment: 'MSH', sequence: 1 },
    );
  }
  // MSH-1 plus at most five encoding characters plus the next field separator.
  const separators = separatorsFromMsh(text.slice(start, start + 10));
  const lines = splitSegments(text, start);

  const unescapeOptions: { encoding: string; formatting?: 'keep' | 'text' } = {
    encoding: charset?.encoding ?? 'utf8',
    formatting: options.formatting,
  };
  const segments = lines.map((line) => new Hl7Segment(line, separators, unescapeOptions));
  if (charset === undefined) {
    // Text input: already decoded, so MSH-18 only tells how to encode it again and how to read \X..\ bytes.
    const declared = options.charset ?? segments[0].value(18) ?? '';
    const encoding = encodingForCharset(declared);
    charset = { declared, encoding: encoding === undefined || encoding === 'ascii' ? 'utf8' : encoding };
    unescapeOptions.encoding = charset.encoding;
  }
  return new Hl7Message(segments, separators, charset);
}
