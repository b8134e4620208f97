import { encodeHl7, type Hl7Charset } from './charset';
import { unescapeHl7, type UnescapeOptions } from './escape';
import { Hl7PathError, parseHl7Path, type Hl7Path } from './path';
import type { Hl7Separators } from './separators';

/** The HL7 null (HL7 v2.5.1 Ch. 2 §2.5.3 "Null values in fields"): '""' means "delete the stored value". */
export const HL7_NULL = '""';

/** The n-th (1-based) piece of text between delimiters, without splitting the whole string. */
function nth(text: string, sep: string, n: number): string | undefined {
  if (sep === '') return n === 1 ? text : undefined;
  let start = 0;
  for (let i = 1; i < n; i++) {
    const next = text.indexOf(sep, start);
    if (next === -1) return undefined;
    start = next + sep.length;
  }
  const end = text.indexOf(sep, start);
  return end === -1 ? text.slice(start) : text.slice(start, end);
}

/**
 * One segment. Holds its raw text; fields are split on first use and then kept, so a receiver that only
 * reads MSH never pays for the rest (HL7 v2.5.1 Ch. 2 §2.5.2 segments, §2.5.3 fields).
 *
 * Field numbers are the standard's: field n is `field(n)`. For MSH, field 1 is the field separator itself and
 * field 2 the encoding characters, neither of which is split or unescaped (§2.15.9.1, §2.15.9.2).
 */
export class Hl7Segment {
  /** Segment ID: the text before the first field separator (three characters in a conformant message). */
  readonly id: string;
  private fieldList: string[] | undefined;

  constructor(
    /** The segment as received, without its terminator, still escaped. */
    readonly raw: string,
    readonly separators: Hl7Separators,
    private readonly unescapeOptions: UnescapeOptions,
  ) {
    const end = raw.indexOf(separators.field);
    this.id = end === -1 ? raw : raw.slice(0, end);
  }

  private fields(): string[] {
    if (this.fieldList === undefined) {
      const parts = this.raw.split(this.separators.field);
      // MSH-1 *is* the separator, so the text after "MSH|" starts at MSH-2: put MSH-1 back in.
      if (this.id === 'MSH') parts.splice(1, 0, this.separators.field);
      this.fieldList = parts;
    }
    return this.fieldList;
  }

  /** Number of the last field present (trailing empty fields that were sent count). */
  get fieldCount(): number {
    return this.fields().length - 1;
  }

  /** Field n as sent: every repetition, still escaped; undefined beyond the last field. */
  field(n: number): string | undefined {
    return n >= 1 ? this.fields()[n] : undefined;
  }

  /**
   * The raw (still escaped) text at exactly the level given: the whole field with all its repetitions when
   * only `field` is given; one repetition, component or subcomponent otherwise (a missing repetition
   * means the first). undefined when the element is not present; '' when present but empty.
   */
  rawValue(
    field: number,
    repetition?: number,
    component?: number,
    subcomponent?: number,
  ): string | undefined {
    let v = this.field(field);
    if (v === undefined) return undefined;
    if (this.id === 'MSH' && field <= 2) {
      return (repetition ?? 1) === 1 && (component ?? 1) === 1 && (subcomponent ?? 1) === 1 ? v : undefined;
    }
    const sep = this.separators;
    if (repetition !== undefined || component !== undefined || subcomponent !== undefined) {
      v = nth(v, sep.repetition, repetition ?? 1);
    }
    if (v !== undefined && (component !== undefined || subcomponent !== undefined)) {
      v = nth(v, sep.component, component ?? 1);
    }
    if (v !== undefined && subcomponent !== undefined) v = nth(v, sep.subcomponent, subcomponent);
    return v;
  }

  /**
   * The value of one primitive, unescaped (§2.7): repetition, component and subcomponent default to 1, so
   * value(5) of 'NGUYỄN^VĂN AN' is 'NGUYỄN' (the first component, as HAPI's Terser reads "PID-5").
   * undefined when absent or empty. Use rawValue() for the composite text of a whole field or component.
   */
  value(field: number, component = 1, repetition = 1, subcomponent = 1): string | undefined {
    const v = this.rawValue(field, repetition, component, subcomponent);
    if (v === undefined || v === '') return undefined;
    if (this.id === 'MSH' && field <= 2) return v;
    return unescapeHl7(v, this.separators, this.unescapeOptions);
  }

  /** Raw repetitions of field n ([] when absent, [''] when present but empty). */
  repetitions(field: number): string[] {
    const v = this.field(field);
    if (v === undefined) return [];
    if (this.id === 'MSH' && field <= 2) return [v];
    return this.separators.repetition === '' ? [v] : v.split(this.separators.repetition);
  }
}

/**
 * A parsed message: the segments in order, the delimiters and the character set it came in. Immutable;
 * build a new message with Hl7Builder. toString() gives back the segments exactly as received, each ended
 * by CR (§2.5.4), whatever terminators the input used.
 */
export class Hl7Message {
  private byId: Map<string, Hl7Segment[]> | undefined;

  constructor(
    readonly segments: readonly Hl7Segment[],
    readonly separators: Hl7Separators,
    readonly charset: Hl7Charset,
  ) {}

  /** The MSH segment (always the first). */
  get msh(): Hl7Segment {
    return this.segments[0];
  }

  /** All segments with this ID, in message order. */
  getSegments(id: string): readonly Hl7Segment[] {
    if (this.byId === undefined) {
      const index = new Map<string, Hl7Segment[]>();
      for (const s of this.segments) {
        const list = index.get(s.id);
        if (list) list.push(s);
        else index.set(s.id, [s]);
      }
      this.byId = index;
    }
    return this.byId.get(id) ?? [];
  }

  /** The n-th (1-based) segment with this ID. */
  getSegment(id: string, occurrence = 1): Hl7Segment | undefined {
    // The hot path (reading the header) must not index the whole message.
    if (occurrence === 1 && id === 'MSH') return this.segments[0];
    return this.getSegments(id)[occurrence - 1];
  }

  private resolve(path: string): { segment: Hl7Segment | undefined; p: Hl7Path } {
    const p = parseHl7Path(path);
    return { segment: this.getSegment(p.segment, p.occurrence), p };
  }

  /**
   * The unescaped value at a path such as 'PID-5-1', 'OBX[2]-5', 'PID-3(2)-1'. Repetition, component and
   * subcomponent default to 1 (so 'PID-5' is the family name). undefined when absent or empty.
   */
  get(path: string): string | undefined {
    const { segment, p } = this.resolve(path);
    if (!segment) return undefined;
    return segment.value(Message.field(p, path), p.component, p.repetition, p.subcomponent);
  }

  /**
   * The raw (still escaped) text at exactly the level the path names: 'PID-3' is the whole field with all
   * repetitions, 'PID-3(2)' one repetition, 'PID-5-1' one component. 'PID' alone is the whole segment.
   */
  getRaw(path: string): string | undefined {
    const { segment, p } = this.resolve(path);
    if (!segment) return undefined;
    if (p.field === undefined) return segment.raw;
    return segment.rawValue(p.field, p.repetition, p.component, p.subcomponent);
  }

  /**
   * The unescaped value at the path in every repetition of the field: getAll('PID-3-1') gives each
   * identifier. '' for an empty repetition; [] when the field is absent.
   */
  getAll(path: string): string[] {
    const { segment, p } = this.resolve(path);
    if (!segment) return [];
    const field = Message.field(p, path);
    if (p.repetition !== undefined) {
      const one = segment.value(field, p.component, p.repetition, p.subcomponent);
      return segment.rawValue(field, p.repetition) === undefined ? [] : [one ?? ''];
    }
    const count = segment.repetitions(field).length;
    const out: string[] = [];
    for (let r = 1; r <= count; r++) out.push(segment.value(field, p.component, r, p.subcomponent) ?? '');
    return out;
  }

  /** MSH-9.1 Message Code, e.g. 'ORU'. */
  get messageType(): string | undefined {
    return this.msh.value(9, 1);
  }

  /** MSH-9.2 Trigger Event, e.g. 'R01'. */
  get triggerEvent(): string | undefined {
    return this.msh.value(9, 2);
  }

  /** MSH-9.3 Message Structure (v2.3.1+), e.g. 'ORU_R01'. */
  get messageStructure(): string | undefined {
    return this.msh.value(9, 3);
  }

  /** MSH-10 Message Control ID: what the ACK's MSA-2 must echo. */
  get controlId(): string | undefined {
    return this.msh.value(10);
  }

  /** MSH-11.1 Processing ID (table 0103: P production, D debugging, T training). */
  get processingId(): string | undefined {
    return this.msh.value(11);
  }

  /** MSH-12.1 Version ID (table 0104), e.g. '2.5.1'. */
  get version(): string | undefined {
    return this.msh.value(12);
  }

  /** Every segment followed by CR, the only segment terminator the standard knows (§2.5.4). */
  toString(): string {
    let out = '';
    for (const s of this.segments) out += s.raw + '\r';
    return out;
  }

  /** toString() encoded in the message's own character set (MSH-18), ready to frame and send. */
  toBuffer(): Buffer {
    return encodeHl7(this.toString(), this.charset.encoding);
  }
}

/** Internal helpers kept off the public classes. */
const Message = {
  field(p: Hl7Path, path: string): number {
    if (p.field === undefined) throw new Hl7PathError(`HL7 path ${JSON.stringify(path)} names no field`);
    return p.field;
  },
};
