import { encodeHl7, encodingForCharset } from './charset';
import { formatHl7DateTime } from './datetime';
import { escapeHl7 } from './escape';
import type { Hl7Message } from './message';
import { parseHl7 } from './parser';
import { encodingCharacters, resolveSeparators, type Hl7Separators } from './separators';

/**
 * Building messages (HL7 v2.5.1 Ch. 2 §2.6 message construction rules): the caller gives values, the builder
 * places the delimiters, escapes the data (§2.7), drops trailing empty fields and components (§2.6 lets
 * a sender omit them) and ends every segment with CR (§2.5.4).
 *
 * Values:
 *   'text' or 12.5       a primitive, escaped
 *   '' or undefined      empty (not sent)
 *   null                 the HL7 null '""': "delete the stored value" (§2.5.3)
 *   ['DOE', 'JOHN']      components of one field
 *   [['a', 'b'], 'c']    a component made of subcomponents
 *   repeat(v1, v2)       repetitions of a field
 *   raw('A^B')           text already encoded with this message's delimiters, copied as is
 */
export type Hl7Primitive = string | number | null | undefined;

export interface Hl7Raw {
  readonly kind: 'raw';
  readonly text: string;
}

export type Hl7Component = Hl7Primitive | Hl7Raw | readonly (Hl7Primitive | Hl7Raw)[];
export type Hl7Repetition = Hl7Primitive | Hl7Raw | readonly Hl7Component[];

export interface Hl7Repeated {
  readonly kind: 'repeat';
  readonly values: readonly Hl7Repetition[];
}

export type Hl7FieldValue = Hl7Repetition | Hl7Repeated;

/** Fields 1..n in order, or a sparse map from field number to value. */
export type Hl7Fields = readonly Hl7FieldValue[] | Readonly<Record<number, Hl7FieldValue>>;

/** Repetitions of one field (joined with the repetition separator). */
export function repeat(...values: Hl7Repetition[]): Hl7Repeated {
  return { kind: 'repeat', values };
}

/** Text already encoded for this message's delimiters: not escaped again. */
export function raw(text: string): Hl7Raw {
  return { kind: 'raw', text };
}

function isTagged(v: unknown): v is Hl7Raw | Hl7Repeated {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'kind' in v;
}

function trimTrailing(parts: string[]): string[] {
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  return n === parts.length ? parts : parts.slice(0, n);
}

/** Encodes values against one set of delimiters. */
export class Hl7Encoder {
  constructor(readonly separators: Hl7Separators) {}

  primitive(v: Hl7Primitive | Hl7Raw): string {
    if (v === undefined || v === '') return '';
    if (v === null) return '""';
    if (isTagged(v)) return v.text;
    return escapeHl7(typeof v === 'number' ? String(v) : v, this.separators);
  }

  component(v: Hl7Component): string {
    if (Array.isArray(v)) {
      return trimTrailing(v.map((s: Hl7Primitive | Hl7Raw) => this.primitive(s))).join(
        this.separators.subcomponent,
      );
    }
    return this.primitive(v as Hl7Primitive | Hl7Raw);
  }

  repetition(v: Hl7Repetition): string {
    if (Array.isArray(v)) {
      return trimTrailing(v.map((c: Hl7Component) => this.component(c))).join(this.separators.component);
    }
    return this.primitive(v as Hl7Primitive | Hl7Raw);
  }

  field(v: Hl7FieldValue): string {
    if (isTagged(v) && v.kind === 'repeat') {
      return v.values.map((r) => this.repetition(r)).join(this.separators.repetition);
    }
    return this.repetition(v as Hl7Repetition);
  }

  /** One segment's text (no terminator). `first` is the number of the first field in `fields` when an array. */
  segment(id: string, fields: Hl7Fields, first = 1): string {
    const out: string[] = [];
    if (Array.isArray(fields)) {
      fields.forEach((v: Hl7FieldValue, i: number) => (out[first + i] = this.field(v)));
    } else {
      for (const [key, v] of Object.entries(fields as Readonly<Record<number, Hl7FieldValue>>)) {
        const n = Number(key);
        if (!Number.isInteger(n) || n < first)
          throw new TypeError(`${id}: field number ${key} is not >= ${first}`);
        out[n] = this.field(v);
      }
    }
    const values = trimTrailing(Array.from(out.slice(first), (v) => v ?? ''));
    return values.length === 0 ? id : id + this.separators.field + values.join(this.separators.field);
  }
}

/** MSH-9 as a string 'OML^O21^OML_O21' (message codes never contain delimiters) or its components. */
export type Hl7MessageType = string | readonly [code: string, event?: string, structure?: string];

/** MSH fields by name (HL7 v2.5.1 Ch. 2 §2.15.9); anything else by number in `fields`. */
export interface MshHeader {
  readonly sendingApplication?: Hl7FieldValue;
  readonly sendingFacility?: Hl7FieldValue;
  readonly receivingApplication?: Hl7FieldValue;
  readonly receivingFacility?: Hl7FieldValue;
  /** MSH-7; a Date is written with formatHl7DateTime (seconds, host offset). Now by default. */
  readonly dateTime?: Date | string;
  readonly messageType: Hl7MessageType;
  /** MSH-10: unique per sender; the receiver echoes it in MSA-2. */
  readonly controlId: string;
  /** MSH-11 (table 0103), 'P' by default. */
  readonly processingId?: Hl7FieldValue;
  /** MSH-12 (table 0104), e.g. '2.5.1'. */
  readonly version: Hl7FieldValue;
  /** MSH-15 / MSH-16 (table 0155: AL, NE, ER, SU); set either to ask for enhanced-mode acknowledgments. */
  readonly acceptAckType?: string;
  readonly applicationAckType?: string;
  /** MSH-17 (ISO 3166), e.g. 'VNM'. */
  readonly countryCode?: string;
  /** MSH-18 (table 0211), e.g. 'UNICODE UTF-8'; also picks the bytes toBuffer() writes. */
  readonly charset?: string;
  /** MSH-19, e.g. ['vi', 'Vietnamese', 'ISO639']. */
  readonly principalLanguage?: Hl7FieldValue;
  /** Any other MSH field by number (3 and up); wins over the named ones. */
  readonly fields?: Readonly<Record<number, Hl7FieldValue>>;
}

export interface Hl7BuilderOptions {
  /** Delimiters to write; the recommended |^~\& by default (§2.5.4). */
  readonly separators?: Partial<Hl7Separators>;
}

const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;

/**
 * Builds one message: msh() first, then segment() for each following segment, in message order.
 *
 *   new Hl7Builder()
 *     .msh({ sendingApplication: 'HIS', messageType: 'OML^O21^OML_O21', controlId: 'X1', version: '2.5.1',
 *            charset: 'UNICODE UTF-8' })
 *     .segment('PID', { 3: ['12345', '', '', 'BV', 'MR'], 5: ['NGUYỄN', 'VĂN AN'] })
 *     .toBuffer();
 */
export class Hl7Builder {
  readonly encoder: Hl7Encoder;
  private readonly lines: string[] = [];
  private charsetTerm = '';

  constructor(options: Hl7BuilderOptions = {}) {
    this.encoder = new Hl7Encoder(resolveSeparators(options.separators));
  }

  get separators(): Hl7Separators {
    return this.encoder.separators;
  }

  msh(header: MshHeader): this {
    if (this.lines.length > 0) throw new Error('msh() must come first and only once');
    const type = typeof header.messageType === 'string' ? header.messageType.split('^') : header.messageType;
    const dateTime = header.dateTime ?? new Date();
    const fields: Record<number, Hl7FieldValue> = {
      3: header.sendingApplication,
      4: header.sendingFacility,
      5: header.receivingApplication,
      6: header.receivingFacility,
      7: typeof dateTime === 'string' ? dateTime : formatHl7DateTime(dateTime),
      9: [...type],
      10: header.controlId,
      11: header.processingId ?? 'P',
      12: header.version,
      15: header.acceptAckType,
      16: header.applicationAckType,
      17: header.countryCode,
      18: header.charset,
      19: header.principalLanguage,
      ...header.fields,
    };
    if (header.charset !== undefined && encodingForCharset(header.charset) === undefined) {
      throw new TypeError(
        `MSH-18 ${JSON.stringify(header.charset)} is not a character set this library knows`,
      );
    }
    this.charsetTerm = header.charset ?? '';
    const sep = this.separators;
    // MSH-1 is the separator and MSH-2 the encoding characters (§2.15.9.1-2): written, never escaped.
    const rest = this.encoder.segment('MSH', fields, 3).slice(3);
    this.lines.push(`MSH${sep.field}${encodingCharacters(sep)}${rest === '' ? '' : rest}`);
    return this;
  }

  /** Appends a segment; Z-segments are segments like any other. */
  segment(id: string, fields: Hl7Fields): this {
    if (this.lines.length === 0) throw new Error('msh() must come first');
    if (id === 'MSH') throw new Error('use msh() for the header');
    if (!SEGMENT_ID.test(id))
      throw new TypeError(`segment ID ${JSON.stringify(id)} is not three capitals/digits`);
    this.lines.push(this.encoder.segment(id, fields));
    return this;
  }

  /** Appends a segment already encoded with these delimiters (e.g. copied from a received message). */
  rawSegment(text: string): this {
    if (this.lines.length === 0) throw new Error('msh() must come first');
    if (/[\r\n]/.test(text)) throw new TypeError('a raw segment must not contain CR or LF');
    this.lines.push(text);
    return this;
  }

  /** The message text, every segment ended by CR (§2.5.4). */
  toString(): string {
    return this.lines.map((l) => l + '\r').join('');
  }

  /** The message bytes in the character set named in MSH-18 (UTF-8 when none). */
  toBuffer(): Buffer {
    return encodeHl7(this.toString(), encodingForCharset(this.charsetTerm) ?? 'utf8');
  }

  /** The message as an Hl7Message, to read back or hand on. */
  build(): Hl7Message {
    return parseHl7(this.toString());
  }
}
