import { decodeAstm, encodeAstm, type AstmEncoding } from './charset';
import { AstmDelimiterError, delimitersFromHeader, type AstmDelimiters } from './delimiters';
import {
  createRecord,
  HeaderRecord,
  type AstmRecord,
  type CommentRecord,
  type OrderRecord,
  type PatientRecord,
  type QueryRecord,
  type ResultRecord,
  type TerminatorRecord,
} from './records';

/**
 * An E1394-97 / CLSI LIS02-A2 message: a header record, the records after it, and a terminator record,
 * read into the hierarchy the standard defines (E1394-97 §5, "logical structure"):
 *
 *   H                      header (with its comments)
 *   ├─ P                   patient
 *   │  └─ O                order (specimen)
 *   │     └─ R             result
 *   │        └─ C          comment (on whatever record precedes it)
 *   ├─ Q                   request information (host query)
 *   └─ L                   terminator
 *
 * Parsing is lenient, as a receiver's must be: records that do not fit the hierarchy (an O with no P before
 * it, an R with no O) are kept and listed in `problems`; only a missing header or unusable delimiters make
 * the input unreadable.
 */

export type AstmParseErrorCode = 'NO_HEADER' | 'BAD_DELIMITERS';

export class AstmParseError extends Error {
  override readonly name = 'AstmParseError';

  constructor(
    readonly code: AstmParseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ParseAstmOptions {
  /** How to decode bytes; 'auto' (default) reads valid UTF-8 as UTF-8 and anything else as Latin-1. */
  readonly encoding?: AstmEncoding;
}

export class AstmMessage {
  readonly header: HeaderRecord;
  /** Every record, in order, header and terminator included. */
  readonly records: readonly AstmRecord[];
  readonly terminator: TerminatorRecord | undefined;
  /** O records that came with no P before them. */
  readonly ordersWithoutPatient: readonly OrderRecord[];
  /** R records that came with no O before them. */
  readonly resultsWithoutOrder: readonly ResultRecord[];
  /** What did not fit the E1394 structure; empty for a well-formed message. */
  readonly problems: string[];

  constructor(
    records: readonly AstmRecord[],
    /** The message as received, when parsed from text or bytes (records and line ends as they came). */
    readonly text?: string,
    /** The character set the bytes were read with; undefined when parsed from a string. */
    readonly encoding?: 'utf8' | 'latin1',
  ) {
    const [header] = records;
    if (!(header instanceof HeaderRecord))
      throw new AstmParseError('NO_HEADER', 'a message starts with an H record');
    this.header = header;
    this.records = records;
    const problems: string[] = [];
    const loose: OrderRecord[] = [];
    const looseResults: ResultRecord[] = [];
    let terminator: TerminatorRecord | undefined;
    let patient: PatientRecord | undefined;
    let order: OrderRecord | undefined;
    let last: AstmRecord = header;
    for (let i = 1; i < records.length; i++) {
      const record = records[i];
      if (terminator && record.type !== 'C')
        problems.push(`record ${i + 1} (${record.type}) follows the terminator`);
      switch (record.type) {
        case 'P':
          patient = record as PatientRecord;
          order = undefined;
          header.patients.push(patient);
          last = record;
          break;
        case 'O':
          order = record as OrderRecord;
          if (patient) patient.orders.push(order);
          else {
            loose.push(order);
            problems.push(`record ${i + 1}: order (O) with no patient (P) before it`);
          }
          last = record;
          break;
        case 'R':
          if (order) order.results.push(record as ResultRecord);
          else {
            looseResults.push(record as ResultRecord);
            problems.push(`record ${i + 1}: result (R) with no order (O) before it`);
          }
          last = record;
          break;
        case 'C':
          last.comments.push(record as CommentRecord);
          break;
        case 'Q':
          header.queries.push(record as QueryRecord);
          last = record;
          break;
        case 'L':
          if (terminator) problems.push(`record ${i + 1}: a second terminator (L)`);
          terminator = record as TerminatorRecord;
          last = record;
          break;
        case 'H':
          problems.push(`record ${i + 1}: a header (H) inside a message`);
          break;
        default:
          // M (manufacturer), S (scientific) and vendor record types belong to the record before them.
          last.extensions.push(record);
          break;
      }
    }
    if (!terminator) problems.push('no terminator record (L)');
    this.terminator = terminator;
    this.ordersWithoutPatient = loose;
    this.resultsWithoutOrder = looseResults;
    this.problems = problems;
  }

  get delimiters(): AstmDelimiters {
    return this.header.delimiters;
  }

  get patients(): readonly PatientRecord[] {
    return this.header.patients;
  }

  get queries(): readonly QueryRecord[] {
    return this.header.queries;
  }

  /** Comments on the header itself. */
  get comments(): readonly CommentRecord[] {
    return this.header.comments;
  }

  /** Every order: under patients, then those without one. */
  get orders(): OrderRecord[] {
    return [...this.patients.flatMap((p) => p.orders), ...this.ordersWithoutPatient];
  }

  /** Every result in the message. */
  get results(): ResultRecord[] {
    return [...this.orders.flatMap((o) => o.results), ...this.resultsWithoutOrder];
  }

  /** L-3, the termination code ('N' normal, 'I' no information, ...). */
  get terminationCode(): string | undefined {
    return this.terminator?.code;
  }

  /** True when the message carries a request information (Q) record: a host query. */
  get isQuery(): boolean {
    return this.queries.length > 0;
  }

  /** The records as text, without record terminators. */
  recordTexts(): string[] {
    return this.records.map((r) => r.text);
  }

  /** Records joined the E1394 way: each ends with CR. */
  toString(): string {
    return this.records.map((r) => r.text + '\r').join('');
  }

  /** The records as bytes, one buffer per record, without CR: what the link layer frames. */
  toRecordBuffers(encoding: AstmEncoding = this.encoding ?? 'auto'): Buffer[] {
    return this.records.map((r) => encodeAstm(r.text, encoding));
  }

  toBuffer(encoding: AstmEncoding = this.encoding ?? 'auto'): Buffer {
    return encodeAstm(this.toString(), encoding);
  }
}

interface Line {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  let m: RegExpExecArray | null;
  const push = (end: number, next: number): void => {
    const t = text.slice(start, end);
    if (t.trim() !== '') lines.push({ text: t, start, end: next });
    start = next;
  };
  while ((m = re.exec(text)) !== null) push(m.index, m.index + m[0].length);
  if (start < text.length) push(text.length, text.length);
  return lines;
}

function isHeaderLine(text: string): boolean {
  return text.charAt(0) === 'H' || text.charAt(0) === 'h';
}

/**
 * Reads every message in the input: a transmission may carry several (each from an H up to its L). Records
 * before the first header are dropped (reported in the first message's problems).
 *
 * @throws AstmParseError NO_HEADER when there is no H record, BAD_DELIMITERS when a header's delimiter
 *   definition cannot be used.
 */
export function parseAstmMessages(input: Buffer | string, options: ParseAstmOptions = {}): AstmMessage[] {
  let text: string;
  let encoding: 'utf8' | 'latin1' | undefined;
  if (typeof input === 'string') text = input;
  else ({ text, encoding } = decodeAstm(input, options.encoding));
  const lines = splitLines(text);
  const first = lines.findIndex((l) => isHeaderLine(l.text));
  if (first === -1) throw new AstmParseError('NO_HEADER', 'no header record (H) in the input');
  const messages: AstmMessage[] = [];
  let i = first;
  while (i < lines.length) {
    let j = i + 1;
    while (j < lines.length && !isHeaderLine(lines[j].text)) j++;
    const group = lines.slice(i, j);
    let delimiters: AstmDelimiters;
    try {
      delimiters = delimitersFromHeader(group[0].text);
    } catch (error) {
      if (error instanceof AstmDelimiterError) {
        throw new AstmParseError('BAD_DELIMITERS', error.message, { cause: error });
      }
      throw error;
    }
    const records = group.map((l) => createRecord(l.text, delimiters));
    const message = new AstmMessage(
      records,
      text.slice(group[0].start, group[group.length - 1].end),
      encoding,
    );
    if (messages.length === 0 && first > 0) {
      message.problems.unshift(`${first} record(s) before the first header were ignored`);
    }
    messages.push(message);
    i = j;
  }
  return messages;
}

/**
 * Reads one message. Input with more than one (several H records) yields the first, with a problem noted;
 * use parseAstmMessages for a whole transmission.
 */
export function parseAstm(input: Buffer | string, options: ParseAstmOptions = {}): AstmMessage {
  const messages = parseAstmMessages(input, options);
  if (messages.length > 1) {
    messages[0].problems.push(`${messages.length - 1} more message(s) after this one were not read`);
  }
  return messages[0];
}
