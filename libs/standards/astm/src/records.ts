import { astmDateTimeToIso } from './datetime';
import { unescapeAstm, type AstmDelimiters } from './delimiters';

/**
 * E1394-97 / CLSI LIS02-A2 records. Fields are numbered as the standard numbers them: field 1 is the record
 * type ('H', 'P', ...), field 2 the sequence number (the delimiter definition in H), so `O-3` (E1394 9.4.3,
 * Specimen ID) is `order.field(3)`. Values are split lazily and unescaped on reading.
 *
 * The typed accessors cover what a LIS reads; everything else is reachable by number with field(),
 * value(), components() and repetitions().
 */

/** E1394 "Universal Test ID" (E1394-97 §6.6.1 data format; O-5, R-3, Q-5): four components, then
 * manufacturer's extensions. */
export interface UniversalTestId {
  /** Component 1: universal test ID (LOINC-like codes; almost always empty in the field). */
  readonly universalId: string;
  /** Component 2: universal test name. */
  readonly name: string;
  /** Component 3: universal test identifier type. */
  readonly type: string;
  /** Component 4: manufacturer's or local code: where Roche cobas (`^^^685/`) and most analyzers put it. */
  readonly localCode: string;
  /** Components 5 onwards, manufacturer-defined (Sysmex XN puts its code here: `^^^^WBC^1`, dilution in 6). */
  readonly extra: readonly string[];
  /** The test code to map: component 4, else the first non-empty extension, else component 1; trimmed. */
  readonly code: string;
}

export function toUniversalTestId(components: readonly string[]): UniversalTestId {
  const [universalId = '', name = '', type = '', localCode = '', ...extra] = components;
  const code = localCode.trim() || extra.find((e) => e.trim() !== '')?.trim() || universalId.trim();
  return { universalId, name, type, localCode, extra, code };
}

export class AstmRecord {
  /** The record type: the first character, upper-cased ('H', 'P', 'O', 'R', 'C', 'Q', 'L', 'M', 'S'). */
  readonly type: string;
  /** Comment records (C) that follow this record (E1394: a comment belongs to the record before it). */
  readonly comments: CommentRecord[] = [];
  /** Manufacturer (M) and scientific (S) records, and records of unknown type, that follow this record. */
  readonly extensions: AstmRecord[] = [];
  private fieldsCache: readonly string[] | undefined;

  constructor(
    /** The record as received, without its CR, escapes intact. */
    readonly text: string,
    readonly delimiters: AstmDelimiters,
  ) {
    this.type = text.charAt(0).toUpperCase();
  }

  /** The raw fields, index 0 being field 1 (the record type). */
  get fields(): readonly string[] {
    // The header's field 2 is the delimiter definition: it holds no field delimiter, and the accessors
    // below never split it.
    this.fieldsCache ??= this.text.split(this.delimiters.field);
    return this.fieldsCache;
  }

  /** The sequence number (field 2) of any record but the header. */
  get sequence(): number | undefined {
    if (this.type === 'H') return undefined;
    const n = Number.parseInt(this.field(2), 10);
    return Number.isFinite(n) ? n : undefined;
  }

  /** Field n (1-based, E1394 numbering) as written: escapes, repeats and components intact; '' if absent. */
  field(n: number): string {
    return this.fields[n - 1] ?? '';
  }

  /** The repetitions of field n, raw. */
  repetitions(n: number): string[] {
    const f = this.field(n);
    if (f === '') return [];
    if (this.type === 'H' && n === 2) return [f];
    return f.split(this.delimiters.repeat);
  }

  /** The components of field n (of one repetition, 1-based), unescaped. */
  components(n: number, repetition = 1): string[] {
    const rep = this.repetitions(n)[repetition - 1];
    if (rep === undefined || rep === '') return [];
    if (this.type === 'H' && n === 2) return [rep];
    return rep.split(this.delimiters.component).map((c) => unescapeAstm(c, this.delimiters));
  }

  /** One component of field n, unescaped; undefined when absent or empty. Component 1 by default. */
  value(n: number, component = 1, repetition = 1): string | undefined {
    const v = this.components(n, repetition)[component - 1];
    return v === undefined || v === '' ? undefined : v;
  }

  /** A whole field unescaped, with its components joined by `joiner` (the component delimiter by default). */
  fieldText(n: number, joiner = this.delimiters.component): string | undefined {
    const reps = this.repetitions(n);
    if (reps.length === 0) return undefined;
    return reps
      .map((r) =>
        r
          .split(this.delimiters.component)
          .map((c) => unescapeAstm(c, this.delimiters))
          .join(joiner),
      )
      .join(this.delimiters.repeat);
  }

  toString(): string {
    return this.text;
  }
}

/** First non-empty component, trimmed (instruments pad IDs with spaces). */
function firstNonEmpty(components: readonly string[]): string | undefined {
  for (const c of components) {
    const t = c.trim();
    if (t !== '') return t;
  }
  return undefined;
}

function trimmed(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** H: Message Header Record (E1394-97 §7; fields 7.1.x). */
export class HeaderRecord extends AstmRecord {
  /** P records of the message, in order. */
  readonly patients: PatientRecord[] = [];
  /** Q records (host queries) of the message. */
  readonly queries: QueryRecord[] = [];

  /** H-3 Message Control ID. */
  get messageControlId(): string | undefined {
    return this.value(3);
  }
  /** H-4 Access Password. */
  get accessPassword(): string | undefined {
    return this.value(4);
  }
  /** H-5 Sender Name or ID, first component (Sysmex: `XN-350^00-14^serial...` -> 'XN-350'). */
  get senderName(): string | undefined {
    return trimmed(this.value(5));
  }
  /** H-5 all components (name, software version, serial number, ... as the vendor defines). */
  get sender(): string[] {
    return this.components(5);
  }
  /** H-10 Receiver ID. */
  get receiverId(): string | undefined {
    return trimmed(this.value(10));
  }
  get receiver(): string[] {
    return this.components(10);
  }
  /** H-11 Comment or Special Instructions (Roche: the message type, e.g. TSREQ^REAL for a query). */
  get specialInstructions(): string[] {
    return this.components(11);
  }
  /** H-12 Processing ID (P production, T training, D debugging, Q quality control). */
  get processingId(): string | undefined {
    return this.value(12);
  }
  /** H-13 Version Number (e.g. 'E1394-97', 'LIS2-A2', '1'). */
  get version(): string | undefined {
    return this.value(13);
  }
  /** H-14 Date and Time of Message, as written (YYYYMMDDHHMMSS). */
  get timestamp(): string | undefined {
    return this.value(14);
  }
  get timestampIso(): string | undefined {
    return astmDateTimeToIso(this.timestamp);
  }
}

/** Person name components (E1394-97 name format: last^first^middle^suffix^title). */
export interface AstmPersonName {
  readonly last?: string;
  readonly first?: string;
  readonly middle?: string;
  readonly suffix?: string;
  readonly title?: string;
}

/** P: Patient Information Record (E1394-97 §8; fields 8.1.x). */
export class PatientRecord extends AstmRecord {
  readonly orders: OrderRecord[] = [];

  /** P-3 Practice Assigned Patient ID (the LIS/HIS patient ID). */
  get practicePatientId(): string | undefined {
    return trimmed(this.value(3));
  }
  /** P-4 Laboratory Assigned Patient ID. */
  get labPatientId(): string | undefined {
    return trimmed(this.value(4));
  }
  /** P-5 Patient ID No. 3 (e.g. a national ID). */
  get patientId3(): string | undefined {
    return trimmed(this.value(5));
  }
  /** P-6 Patient Name, components (last^first^middle^suffix^title). */
  get name(): AstmPersonName {
    const [last, first, middle, suffix, title] = this.components(6).map((c) => trimmed(c));
    return { last, first, middle, suffix, title };
  }
  /** P-6 joined for display ('NGUYỄN VĂN AN'), components in the order sent. */
  get nameText(): string | undefined {
    const parts = this.components(6)
      .map((c) => c.trim())
      .filter((c) => c !== '');
    return parts.length > 0 ? parts.join(' ') : undefined;
  }
  /** P-8 Birthdate (YYYYMMDD as written). */
  get birthDate(): string | undefined {
    return this.value(8);
  }
  /** P-9 Patient Sex (M, F, U). */
  get sex(): string | undefined {
    return this.value(9);
  }
  /** P-14 Attending Physician ID. */
  get attendingPhysician(): string[] {
    return this.components(14);
  }
  /** P-26 Location. */
  get location(): string | undefined {
    return this.value(26);
  }
}

/** O: Test Order Record (E1394-97 §9; fields 9.4.x). */
export class OrderRecord extends AstmRecord {
  readonly results: ResultRecord[] = [];

  /**
   * O-3 Specimen ID, the barcode: the first non-empty component, trimmed. Instruments add components
   * (Roche cobas: `barcode^sequence^rack^position^...`), so `specimenIdComponents` has them all.
   */
  get specimenId(): string | undefined {
    return firstNonEmpty(this.components(3));
  }
  get specimenIdComponents(): string[] {
    return this.components(3);
  }
  /**
   * O-4 Instrument Specimen ID: the first non-empty component, trimmed (Sysmex XN: `rack^tube^sample
   * number^B|M`, so the sample number when no rack is given). All components in
   * `instrumentSpecimenIdComponents`.
   */
  get instrumentSpecimenId(): string | undefined {
    return firstNonEmpty(this.components(4));
  }
  get instrumentSpecimenIdComponents(): string[] {
    return this.components(4);
  }
  /** O-5 Universal Test ID, one per repetition. */
  get tests(): UniversalTestId[] {
    return this.repetitions(5).map((_, i) => toUniversalTestId(this.components(5, i + 1)));
  }
  /** O-6 Priority (S stat, A ASAP, R routine, C callback, P preoperative). */
  get priority(): string | undefined {
    return this.value(6);
  }
  /** O-7 Requested/Ordered Date and Time. */
  get requestedAt(): string | undefined {
    return this.value(7);
  }
  /** O-8 Specimen Collection Date and Time. */
  get collectedAt(): string | undefined {
    return this.value(8);
  }
  /** O-12 Action Code (C cancel, A add, N new, P pending, X in process, Q QC). */
  get actionCode(): string | undefined {
    return this.value(12);
  }
  /** O-13 Danger Code. */
  get dangerCode(): string | undefined {
    return this.value(13);
  }
  /** O-14 Relevant Clinical Information. */
  get clinicalInfo(): string | undefined {
    return this.value(14);
  }
  /** O-15 Date/Time Specimen Received. */
  get receivedAt(): string | undefined {
    return this.value(15);
  }
  /** O-16 Specimen Descriptor: specimen type ^ source (e.g. SERUM, URINE). */
  get specimenDescriptor(): string[] {
    return this.components(16);
  }
  /** O-17 Ordering Physician. */
  get orderingPhysician(): string[] {
    return this.components(17);
  }
  /** O-23 Date/Time Results Reported or Last Modified. */
  get resultsReportedAt(): string | undefined {
    return this.value(23);
  }
  /** O-25 Instrument Section ID. */
  get instrumentSectionId(): string | undefined {
    return this.value(25);
  }
  /** O-26 Report Types (O order, F final, Q response to query, Y no order, Z no patient, ...). */
  get reportType(): string | undefined {
    return this.value(26);
  }
}

/** R: Result Record (E1394-97 §10; fields 10.1.x). */
export class ResultRecord extends AstmRecord {
  /** R-3 Universal Test ID. */
  get test(): UniversalTestId {
    return toUniversalTestId(this.components(3));
  }
  /** R-4 Data or Measurement Value, first component, as written (no number parsing: '<0.01', '7,3'). */
  get resultValue(): string | undefined {
    return this.value(4);
  }
  /** R-4 all components (some instruments send value^interpretation). */
  get valueComponents(): string[] {
    return this.components(4);
  }
  /** R-5 Units. */
  get units(): string | undefined {
    return this.value(5);
  }
  /** R-6 Reference Ranges as written (e.g. '3.5 to 5.0', '3.5-5.0'). */
  get referenceRange(): string | undefined {
    return this.fieldText(6);
  }
  /** R-7 Result Abnormal Flags, first one (L H LL HH < > N A U D B W). */
  get abnormalFlag(): string | undefined {
    return this.value(7);
  }
  /** R-7 every flag sent (some analyzers repeat the field). */
  get abnormalFlags(): string[] {
    return this.repetitions(7)
      .map((_, i) => this.value(7, 1, i + 1))
      .filter((v): v is string => v !== undefined);
  }
  /** R-8 Nature of Abnormality Testing. */
  get natureOfAbnormality(): string | undefined {
    return this.value(8);
  }
  /** R-9 Result Status (F final, C correction, P preliminary, X cannot be done, ...). */
  get status(): string | undefined {
    return this.value(9);
  }
  /** R-10 Date of Change in Instrument Normative Values or Units. */
  get normativesChangedAt(): string | undefined {
    return this.value(10);
  }
  /** R-11 Operator Identification (performed by ^ verified by). */
  get operator(): string[] {
    return this.components(11);
  }
  /** R-12 Date/Time Test Started. */
  get startedAt(): string | undefined {
    return this.value(12);
  }
  /** R-13 Date/Time Test Completed. */
  get completedAt(): string | undefined {
    return this.value(13);
  }
  /** R-14 Instrument Identification. */
  get instrumentId(): string | undefined {
    return trimmed(this.value(14));
  }
}

/** C: Comment Record (E1394-97 §11; fields 11.1.x). */
export class CommentRecord extends AstmRecord {
  /** C-3 Comment Source (P practice, L information system, I clinical instrument). */
  get source(): string | undefined {
    return this.value(3);
  }
  /** C-4 Comment Text, components unescaped. */
  get textComponents(): string[] {
    return this.components(4);
  }
  /** C-4 for display: non-empty components joined with a space. */
  get commentText(): string | undefined {
    const parts = this.components(4).filter((c) => c.trim() !== '');
    return parts.length > 0 ? parts.join(' ') : undefined;
  }
  /** C-5 Comment Type (G generic, T test name, P positive, N negative, I instrument flag). */
  get commentType(): string | undefined {
    return this.value(5);
  }
}

/** Q: Request Information Record, the analyzer's host query (E1394-97 §12; fields 12.1.x). */
export class QueryRecord extends AstmRecord {
  /**
   * Q-3 Starting Range ID Number, components: E1394 puts the computer system's patient ID in component 1
   * and its specimen ID in component 2; instruments add their own (Roche cobas sends the barcode in
   * component 3: `^^barcode^sequence^rack^position...`; others send just `^barcode`).
   */
  get startingRange(): string[] {
    return this.components(3);
  }
  /** Q-3 component 1: patient ID. */
  get patientId(): string | undefined {
    return trimmed(this.value(3, 1));
  }
  /**
   * The specimen ID (barcode) asked about: Q-3 component 2 when present, else component 3 (cobas), else a
   * lone component 1. Trimmed. A heuristic over vendor variants; read `startingRange` for anything else.
   */
  get specimenId(): string | undefined {
    const c = this.components(3).map((s) => s.trim());
    if (c[1]) return c[1];
    if (c[2]) return c[2];
    if (c.length === 1 && c[0]) return c[0];
    return undefined;
  }
  /** Q-4 Ending Range ID Number. */
  get endingRange(): string[] {
    return this.components(4);
  }
  /** Q-5 Universal Test ID (`^^^ALL` asks for everything). */
  get tests(): UniversalTestId[] {
    return this.repetitions(5).map((_, i) => toUniversalTestId(this.components(5, i + 1)));
  }
  /** True when Q-5 asks for all tests (ALL in any component, or empty). */
  get allTests(): boolean {
    const tests = this.tests;
    return (
      tests.length === 0 ||
      tests.some((t) => [t.universalId, t.localCode, t.code].some((c) => c.trim().toUpperCase() === 'ALL'))
    );
  }
  /** Q-6 Nature of Request Time Limits (S specimen collect date, R result test date). */
  get timeLimitNature(): string | undefined {
    return this.value(6);
  }
  /** Q-7 Beginning Request Results Date and Time. */
  get beginAt(): string | undefined {
    return this.value(7);
  }
  /** Q-8 Ending Request Results Date and Time. */
  get endAt(): string | undefined {
    return this.value(8);
  }
  /** Q-13 Request Information Status Codes (O orders only, D demographics, A abort/cancel, ...). */
  get statusCode(): string | undefined {
    return this.value(13);
  }
}

/** L: Message Terminator Record (E1394-97 §13; fields 13.1.x). */
export class TerminatorRecord extends AstmRecord {
  /** L-3 Termination Code (N normal, T sender aborted, R receiver aborted, E unknown error, Q error in
   * last request, I no information for last query, F last request processed). */
  get code(): string | undefined {
    return this.value(3);
  }
}

/** The typed record for a record's text. */
export function createRecord(text: string, delimiters: AstmDelimiters): AstmRecord {
  switch (text.charAt(0).toUpperCase()) {
    case 'H':
      return new HeaderRecord(text, delimiters);
    case 'P':
      return new PatientRecord(text, delimiters);
    case 'O':
      return new OrderRecord(text, delimiters);
    case 'R':
      return new ResultRecord(text, delimiters);
    case 'C':
      return new CommentRecord(text, delimiters);
    case 'Q':
      return new QueryRecord(text, delimiters);
    case 'L':
      return new TerminatorRecord(text, delimiters);
    default:
      return new AstmRecord(text, delimiters);
  }
}
