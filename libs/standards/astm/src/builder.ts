import { TerminationCode } from './codes';
import { formatAstmDateTime } from './datetime';
import { DEFAULT_DELIMITERS, delimiterDefinition, escapeAstm, type AstmDelimiters } from './delimiters';
import { AstmMessage, parseAstm } from './message';
import type { AstmPersonName } from './records';

/**
 * Building E1394-97 / LIS02-A2 messages: the caller gives values, the builder places the delimiters,
 * escapes the data (&F& &S& &R& &E&), numbers the records (E1394: P and Q count within the message, O
 * within its patient, R within its order, C within the record it comments on), drops trailing empty
 * fields and components, and ends with a terminator record.
 *
 * Values:
 *   'text' or 12.5       a primitive, escaped
 *   '' / undefined/null  empty
 *   ['', '', '', 'GLU']  components of one field (^^^GLU)
 *   repeat(v1, v2)       repetitions of a field (v1\v2)
 *   raw('^^^GLU')        text already written with the message's delimiters, copied as is
 */
export type AstmPrimitive = string | number | null | undefined;

export interface AstmRaw {
  readonly kind: 'raw';
  readonly text: string;
}

export type AstmComponentValue = AstmPrimitive | AstmRaw;
export type AstmRepetitionValue = AstmComponentValue | readonly AstmComponentValue[];

export interface AstmRepeated {
  readonly kind: 'repeat';
  readonly values: readonly AstmRepetitionValue[];
}

export type AstmFieldValue = AstmRepetitionValue | AstmRepeated;

/** Fields by E1394 number (3 and up: the builder writes the type and the sequence number). */
export type AstmFields = Readonly<Record<number, AstmFieldValue>>;

export function repeat(...values: AstmRepetitionValue[]): AstmRepeated {
  return { kind: 'repeat', values };
}

export function raw(text: string): AstmRaw {
  return { kind: 'raw', text };
}

/** A date as YYYYMMDDHHMMSS (local time); strings are taken as already formatted. */
export type AstmDateInput = Date | string | undefined;

/** A universal test ID: a code (written to component 4, `^^^code`), components as given, or by name. */
export type AstmTestInput =
  | string
  | readonly AstmComponentValue[]
  | {
      readonly universalId?: string;
      readonly name?: string;
      readonly type?: string;
      readonly localCode?: string;
      readonly extra?: readonly string[];
    };

export interface AstmHeaderInput {
  readonly delimiters?: AstmDelimiters;
  /** H-3 Message Control ID. */
  readonly messageControlId?: string;
  /** H-5 Sender Name or ID (e.g. ['LIS', '1.0']). */
  readonly sender?: AstmRepetitionValue;
  /** H-10 Receiver ID. */
  readonly receiver?: AstmRepetitionValue;
  /** H-11 Comment or Special Instructions. */
  readonly specialInstructions?: AstmRepetitionValue;
  /** H-12 Processing ID; 'P' (production). */
  readonly processingId?: string;
  /** H-13 Version Number; 'LIS2-A2'. */
  readonly version?: string;
  /** H-14 Date and Time of Message; now. */
  readonly timestamp?: AstmDateInput;
  /** Any other header field by number. */
  readonly fields?: AstmFields;
}

export interface AstmPatientInput {
  /** P-3 Practice Assigned Patient ID. */
  readonly practicePatientId?: string;
  /** P-4 Laboratory Assigned Patient ID. */
  readonly labPatientId?: string;
  /** P-5 Patient ID No. 3. */
  readonly patientId3?: string;
  /** P-6 Patient Name: last^first^middle^suffix^title, or components as given, or one string. */
  readonly name?: AstmPersonName | readonly string[] | string;
  /** P-8 Birthdate (YYYYMMDD). */
  readonly birthDate?: Date | string;
  /** P-9 Sex: M, F, U. */
  readonly sex?: string;
  /** P-14 Attending Physician ID. */
  readonly attendingPhysician?: AstmRepetitionValue;
  /** P-26 Location. */
  readonly location?: string;
  readonly fields?: AstmFields;
}

export interface AstmOrderInput {
  /** O-3 Specimen ID (barcode). */
  readonly specimenId: AstmRepetitionValue;
  /** O-4 Instrument Specimen ID (some analyzers want their rack^position from the query echoed here). */
  readonly instrumentSpecimenId?: AstmRepetitionValue;
  /** O-5 Universal Test ID, one repetition per test. */
  readonly tests: readonly AstmTestInput[];
  /** O-6 Priority: S stat, R routine (default), A ASAP, ... */
  readonly priority?: string;
  /** O-7 Requested/Ordered Date and Time. */
  readonly requestedAt?: AstmDateInput;
  /** O-8 Specimen Collection Date and Time. */
  readonly collectedAt?: AstmDateInput;
  /** O-12 Action Code: N new (default), A add, C cancel, Q QC, ... */
  readonly actionCode?: string;
  /** O-16 Specimen Descriptor (type ^ source). */
  readonly specimenDescriptor?: AstmRepetitionValue;
  /** O-17 Ordering Physician. */
  readonly orderingPhysician?: AstmRepetitionValue;
  /** O-26 Report Types: O order (default), Q response to query, ... */
  readonly reportType?: string;
  readonly fields?: AstmFields;
}

export interface AstmResultInput {
  /** R-3 Universal Test ID. */
  readonly test: AstmTestInput;
  /** R-4 Data or Measurement Value. */
  readonly value?: AstmFieldValue;
  /** R-5 Units. */
  readonly units?: string;
  /** R-6 Reference Ranges. */
  readonly referenceRange?: string;
  /** R-7 Result Abnormal Flags. */
  readonly abnormalFlag?: string;
  /** R-8 Nature of Abnormality Testing. */
  readonly natureOfAbnormality?: string;
  /** R-9 Result Status; F (final) by default. */
  readonly status?: string;
  /** R-11 Operator Identification. */
  readonly operator?: AstmRepetitionValue;
  /** R-12 Date/Time Test Started. */
  readonly startedAt?: AstmDateInput;
  /** R-13 Date/Time Test Completed. */
  readonly completedAt?: AstmDateInput;
  /** R-14 Instrument Identification. */
  readonly instrumentId?: string;
  readonly fields?: AstmFields;
}

export interface AstmCommentInput {
  /** C-4 Comment Text. */
  readonly text: AstmRepetitionValue;
  /** C-3 Comment Source: L (information system, default), I (instrument), P (practice). */
  readonly source?: string;
  /** C-5 Comment Type: G (generic, default), T, P, N, I. */
  readonly type?: string;
}

export interface AstmQueryInput {
  /** Q-3 as components; or use specimenId. */
  readonly startingRange?: AstmRepetitionValue;
  /** Written as Q-3 `^specimenId` (E1394: component 2 is the specimen ID). */
  readonly specimenId?: string;
  /** Q-4 Ending Range ID Number. */
  readonly endingRange?: AstmRepetitionValue;
  /** Q-5 Universal Test ID; `^^^ALL` by default. */
  readonly tests?: readonly AstmTestInput[];
  /** Q-6 Nature of Request Time Limits. */
  readonly timeLimitNature?: string;
  /** Beginning and Ending Request Results Date and Time. */
  readonly beginAt?: AstmDateInput;
  readonly endAt?: AstmDateInput;
  /** Q-13 Request Information Status Code; O (orders only) by default. */
  readonly statusCode?: string;
  readonly fields?: AstmFields;
}

function isTagged(v: unknown): v is AstmRaw | AstmRepeated {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'kind' in v;
}

function trimTrailing(parts: string[]): string[] {
  let n = parts.length;
  while (n > 0 && parts[n - 1] === '') n--;
  return n === parts.length ? parts : parts.slice(0, n);
}

/** `base` with every defined entry of `explicit` laid over it (an undefined explicit value keeps base's). */
function fieldsOf(base: AstmFields | undefined, explicit: AstmFields): AstmFields {
  const out: Record<number, AstmFieldValue> = { ...base };
  for (const [k, v] of Object.entries(explicit)) if (v !== undefined) out[Number(k)] = v;
  return out;
}

function dateValue(v: AstmDateInput, dateOnly = false): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : formatAstmDateTime(v, { dateOnly });
}

export function testIdComponents(test: AstmTestInput): readonly AstmComponentValue[] {
  if (typeof test === 'string') return ['', '', '', test];
  if (Array.isArray(test)) return test as readonly AstmComponentValue[];
  const t = test as Exclude<AstmTestInput, string | readonly AstmComponentValue[]>;
  return [t.universalId, t.name, t.type, t.localCode, ...(t.extra ?? [])];
}

function nameComponents(name: AstmPatientInput['name']): AstmRepetitionValue {
  if (name === undefined || typeof name === 'string') return name;
  if (Array.isArray(name)) return name as readonly string[];
  const n = name as AstmPersonName;
  return [n.last, n.first, n.middle, n.suffix, n.title];
}

/** Encodes values against one set of delimiters. */
export class AstmEncoder {
  constructor(readonly delimiters: AstmDelimiters) {}

  primitive(v: AstmComponentValue): string {
    if (v === undefined || v === null || v === '') return '';
    if (isTagged(v)) return v.text;
    return escapeAstm(typeof v === 'number' ? String(v) : v, this.delimiters);
  }

  repetition(v: AstmRepetitionValue): string {
    if (Array.isArray(v)) {
      return trimTrailing((v as readonly AstmComponentValue[]).map((c) => this.primitive(c))).join(
        this.delimiters.component,
      );
    }
    return this.primitive(v as AstmComponentValue);
  }

  field(v: AstmFieldValue): string {
    if (isTagged(v) && v.kind === 'repeat') {
      return trimTrailing(v.values.map((r) => this.repetition(r))).join(this.delimiters.repeat);
    }
    return this.repetition(v as AstmRepetitionValue);
  }

  /** A record: type, field 2 (sequence or, for H, the delimiter definition), then fields 3.. by number. */
  record(type: string, second: string, fields: AstmFields): string {
    const numbers = Object.keys(fields)
      .map(Number)
      .filter((n) => Number.isInteger(n) && n >= 3);
    const max = numbers.length > 0 ? Math.max(...numbers) : 2;
    const out: string[] = [type, second];
    for (let n = 3; n <= max; n++) out.push(fields[n] === undefined ? '' : this.field(fields[n]));
    return trimTrailing(out).join(this.delimiters.field);
  }
}

/**
 * Builds one message record by record:
 *
 *   new AstmBuilder({ sender: 'LIS', receiver: 'XN-350' })
 *     .patient({ practicePatientId: 'BN001', name: { last: 'NGUYỄN', first: 'VĂN AN' }, sex: 'M' })
 *     .order({ specimenId: '2406270001', tests: ['GLU', 'CREA'], priority: 'R' })
 *     .build();   // H, P, O, L|1|N
 */
export class AstmBuilder {
  readonly delimiters: AstmDelimiters;
  private readonly encoder: AstmEncoder;
  private readonly lines: string[] = [];
  private patients = 0;
  private queries = 0;
  private orders = 0;
  private results = 0;
  private comments = 0;
  private haveOrder = false;
  private readonly others = new Map<string, number>();
  private terminated = false;

  constructor(header: AstmHeaderInput = {}) {
    this.delimiters = header.delimiters ?? DEFAULT_DELIMITERS;
    this.encoder = new AstmEncoder(this.delimiters);
    this.lines.push(
      this.encoder.record(
        'H',
        delimiterDefinition(this.delimiters),
        fieldsOf(header.fields, {
          3: header.messageControlId,
          5: header.sender,
          10: header.receiver,
          11: header.specialInstructions,
          12: header.processingId ?? 'P',
          13: header.version ?? 'LIS2-A2',
          14: dateValue(header.timestamp ?? new Date()),
        }),
      ),
    );
  }

  private add(type: string, sequence: number, fields: AstmFields): this {
    if (this.terminated) throw new Error('the message already has its terminator record');
    this.lines.push(this.encoder.record(type, String(sequence), fields));
    return this;
  }

  /** P record; starts a new patient (its orders are numbered from 1). */
  patient(p: AstmPatientInput = {}): this {
    this.orders = 0;
    this.comments = 0;
    this.haveOrder = false;
    return this.add(
      'P',
      ++this.patients,
      fieldsOf(p.fields, {
        3: p.practicePatientId,
        4: p.labPatientId,
        5: p.patientId3,
        6: nameComponents(p.name),
        8: p.birthDate === undefined ? undefined : dateValue(p.birthDate, true),
        9: p.sex,
        14: p.attendingPhysician,
        26: p.location,
      }),
    );
  }

  /** O record under the current patient (an empty P is added first if there is none: E1394 needs one). */
  order(o: AstmOrderInput): this {
    if (this.patients === 0) this.patient();
    this.results = 0;
    this.comments = 0;
    this.haveOrder = true;
    return this.add(
      'O',
      ++this.orders,
      fieldsOf(o.fields, {
        3: o.specimenId,
        4: o.instrumentSpecimenId,
        5: repeat(...o.tests.map(testIdComponents)),
        6: o.priority ?? 'R',
        7: dateValue(o.requestedAt),
        8: dateValue(o.collectedAt),
        12: o.actionCode ?? 'N',
        16: o.specimenDescriptor,
        17: o.orderingPhysician,
        26: o.reportType ?? 'O',
      }),
    );
  }

  /** R record under the current order (what an analyzer sends; used to simulate one). */
  result(r: AstmResultInput): this {
    if (!this.haveOrder) throw new Error('a result record (R) needs an order record (O) before it');
    this.comments = 0;
    return this.add(
      'R',
      ++this.results,
      fieldsOf(r.fields, {
        3: testIdComponents(r.test),
        4: r.value,
        5: r.units,
        6: r.referenceRange,
        7: r.abnormalFlag,
        8: r.natureOfAbnormality,
        9: r.status ?? 'F',
        11: r.operator,
        12: dateValue(r.startedAt),
        13: dateValue(r.completedAt),
        14: r.instrumentId,
      }),
    );
  }

  /** C record on the record before it. */
  comment(c: AstmCommentInput | string): this {
    const input: AstmCommentInput = typeof c === 'string' ? { text: c } : c;
    return this.add('C', ++this.comments, { 3: input.source ?? 'L', 4: input.text, 5: input.type ?? 'G' });
  }

  /** Q record: a host query (what an analyzer sends; used to simulate one). */
  query(q: AstmQueryInput): this {
    this.comments = 0;
    return this.add(
      'Q',
      ++this.queries,
      fieldsOf(q.fields, {
        3: q.startingRange ?? (q.specimenId === undefined ? undefined : ['', q.specimenId]),
        4: q.endingRange,
        5: repeat(...(q.tests ?? ['ALL']).map(testIdComponents)),
        6: q.timeLimitNature,
        7: dateValue(q.beginAt),
        8: dateValue(q.endAt),
        13: q.statusCode ?? 'O',
      }),
    );
  }

  /** Any other record (M, S, vendor types), numbered within its type. */
  record(type: string, fields: AstmFields = {}): this {
    const n = (this.others.get(type) ?? 0) + 1;
    this.others.set(type, n);
    return this.add(type, n, fields);
  }

  /** L record; `N` (normal) by default. */
  terminator(code: string = TerminationCode.Normal): this {
    this.add('L', 1, { 3: code });
    this.terminated = true;
    return this;
  }

  /** The record texts (no CR); a terminator is added if there is none yet. */
  records(): string[] {
    if (!this.terminated) this.terminator();
    return [...this.lines];
  }

  toString(): string {
    return this.records()
      .map((r) => r + '\r')
      .join('');
  }

  build(): AstmMessage {
    return parseAstm(this.toString());
  }
}

/** A work order for the analyzer: one specimen and its tests, optionally with its patient. */
export interface AstmWorkOrder extends AstmOrderInput {
  readonly patient?: AstmPatientInput;
  readonly comments?: readonly (AstmCommentInput | string)[];
}

export interface AstmHostMessageOptions extends Omit<AstmHeaderInput, 'delimiters'> {
  readonly delimiters?: AstmDelimiters;
  /** L-3 when there are orders; N by default. */
  readonly terminationCode?: string;
}

export interface AstmQueryResponseOptions extends AstmHostMessageOptions {
  /** L-3 when there is nothing for the query; I ("no information available from last query") by default. */
  readonly noInformationCode?: string;
}

function samePatient(a: AstmPatientInput | undefined, b: AstmPatientInput | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.practicePatientId !== undefined && a.practicePatientId === b.practicePatientId;
}

function addOrders(builder: AstmBuilder, orders: readonly AstmWorkOrder[], reportType: string): void {
  let previous: AstmWorkOrder | undefined;
  for (const order of orders) {
    if (!previous || !samePatient(previous.patient, order.patient)) builder.patient(order.patient ?? {});
    builder.order({ ...order, reportType: order.reportType ?? reportType });
    for (const c of order.comments ?? []) builder.comment(c);
    previous = order;
  }
}

/**
 * The host's answer to an analyzer's query (H/Q/L in, H/P/O.../L out). The answer uses the query's own
 * delimiters, echoes its H-5 sender as H-10 receiver and its processing ID, and marks orders O-26 = Q
 * (response to query). With no orders it is H then L with code I, "no information available from last
 * query" (E1394-97 13.1.3).
 */
export function buildQueryResponse(
  request: AstmMessage,
  orders: readonly AstmWorkOrder[],
  options: AstmQueryResponseOptions = {},
): AstmMessage {
  const builder = new AstmBuilder({
    ...options,
    delimiters: options.delimiters ?? request.delimiters,
    receiver: options.receiver ?? request.header.sender,
    processingId: options.processingId ?? request.header.processingId,
  });
  if (orders.length === 0) {
    return builder.terminator(options.noInformationCode ?? TerminationCode.NoInformation).build();
  }
  addOrders(builder, orders, 'Q');
  return builder.terminator(options.terminationCode ?? TerminationCode.Normal).build();
}

/** A download of work orders pushed by the host (O-26 = O, order). */
export function buildWorkOrderMessage(
  orders: readonly AstmWorkOrder[],
  options: AstmHostMessageOptions = {},
): AstmMessage {
  const builder = new AstmBuilder(options);
  addOrders(builder, orders, 'O');
  return builder.terminator(options.terminationCode ?? TerminationCode.Normal).build();
}
