import { randomBytes } from 'node:crypto';
import { Hl7Builder, raw, type Hl7Component, type Hl7FieldValue } from './builder';
import type { Hl7ErrorDetail, Hl7ErrorLocation } from './errors';
import type { Hl7Message } from './message';
import { parseHl7 } from './parser';
import { DEFAULT_SEPARATORS, type Hl7Separators } from './separators';
import { ErrorSeverity, isRejectCode, MESSAGE_ERROR_TEXT, TABLE_0357_CODING_SYSTEM } from './table-0357';

/**
 * Acknowledgments (HL7 v2.5.1 Ch. 2 §2.9 "Message processing rules", §2.15.8 MSA, §2.15.5 ERR).
 *
 * HL7 table 0008 "Acknowledgment code". Original mode (§2.9.2): AA accept, AE error, AR reject.
 * Enhanced mode (§2.9.3), accept level: CA commit accept (the message is safely stored), CE commit error,
 * CR commit reject.
 */
export const AckCode = {
  ApplicationAccept: 'AA',
  ApplicationError: 'AE',
  ApplicationReject: 'AR',
  CommitAccept: 'CA',
  CommitError: 'CE',
  CommitReject: 'CR',
} as const;
export type AckCode = (typeof AckCode)[keyof typeof AckCode];

export type AckMode = 'original' | 'enhanced';

/**
 * §2.9.3 (and MSH-15/MSH-16, §2.15.9): a message asks for enhanced-mode acknowledgment by valuing MSH-15 (accept ack type) or MSH-16
 * (application ack type); with both empty, original mode applies.
 */
export function ackModeOf(message: Hl7Message): AckMode {
  return message.msh.value(15) !== undefined || message.msh.value(16) !== undefined ? 'enhanced' : 'original';
}

/** The acknowledgment code for an outcome in a mode. */
export function ackCodeFor(outcome: 'accept' | 'error' | 'reject', mode: AckMode): AckCode {
  const codes = {
    original: {
      accept: AckCode.ApplicationAccept,
      error: AckCode.ApplicationError,
      reject: AckCode.ApplicationReject,
    },
    enhanced: { accept: AckCode.CommitAccept, error: AckCode.CommitError, reject: AckCode.CommitReject },
  } as const;
  return codes[mode][outcome];
}

/**
 * The code to answer errors with: accept when there are none (or only warnings/information), reject when
 * any is an unsupported type/event/processing id/version (§2.9.2), error otherwise.
 */
export function ackCodeForErrors(errors: readonly Hl7ErrorDetail[], mode: AckMode): AckCode {
  const real = errors.filter((e) => (e.severity ?? ErrorSeverity.Error) === ErrorSeverity.Error);
  if (real.length === 0) return ackCodeFor('accept', mode);
  return ackCodeFor(real.some((e) => isRejectCode(e.code)) ? 'reject' : 'error', mode);
}

/** 'major.minor' of a version ID as numbers, for the v2.5 ERR layout switch. */
function versionAtLeast25(version: string | undefined): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return true; // unknown: answer in the current layout
  const major = Number(m[1]);
  return major > 2 || (major === 2 && Number(m[2]) >= 5);
}

function codedError(detail: Hl7ErrorDetail): [string, string, string] {
  return [detail.code, MESSAGE_ERROR_TEXT[detail.code], TABLE_0357_CODING_SYSTEM];
}

function locationComponents(loc: Hl7ErrorLocation | undefined): Hl7Component[] {
  if (!loc) return [];
  return [loc.segment, loc.sequence ?? 1, loc.field, loc.repetition, loc.component, loc.subcomponent].map(
    (v) => (v === undefined ? undefined : String(v)),
  );
}

/**
 * ERR for v2.5 and later (§2.15.5): ERR-2 Error Location (ERL: segment ^ sequence ^ field ^ repetition ^
 * component ^ subcomponent), ERR-3 HL7 Error Code (CWE, table 0357), ERR-4 Severity (table 0516), ERR-5
 * application error code, ERR-7 diagnostics, ERR-8 user message. ERR-1 is left empty: it is kept in 2.5
 * for backward compatibility only.
 */
export function errFields25(detail: Hl7ErrorDetail): Record<number, Hl7FieldValue> {
  return {
    2: locationComponents(detail.location),
    3: codedError(detail),
    4: detail.severity ?? ErrorSeverity.Error,
    5: detail.applicationErrorCode === undefined ? undefined : [detail.applicationErrorCode],
    7: detail.diagnostics,
    8: detail.userMessage,
  };
}

/**
 * ERR-1 for v2.3/2.4 (Error Code and Location, ELD: segment ^ sequence ^ field ^ code&text&HL70357), one
 * repetition per error: those versions allow one ERR segment per ACK, with ERR-1 repeating.
 */
export function errField1Legacy(detail: Hl7ErrorDetail): Hl7Component[] {
  const loc = detail.location;
  return [
    loc?.segment,
    loc ? String(loc.sequence ?? 1) : undefined,
    loc?.field === undefined ? undefined : String(loc.field),
    codedError(detail),
  ];
}

export interface AckOptions {
  /** MSA-1. Use ackCodeFor()/ackCodeForErrors() to pick it from the outcome and ackModeOf(). */
  readonly code: AckCode;
  /** One ERR segment each (v2.5+), or one ERR-1 repetition each (v2.3/2.4). */
  readonly errors?: readonly Hl7ErrorDetail[];
  /** MSA-3 Text Message (kept for backward compatibility in 2.5; read by many older systems). */
  readonly textMessage?: string;
  /** MSH-10 of the ACK; a fresh 20-character ID by default (MSH-10 is at most 20 characters to v2.5.1). */
  readonly controlId?: string;
  /** MSH-7; now by default. */
  readonly now?: Date;
  /**
   * Used when there is no original to copy from (it could not be parsed): MSH-3/4 of the ACK, MSH-12
   * ('2.5.1' by default), MSH-11 ('P').
   */
  readonly fallback?: {
    readonly sendingApplication?: string;
    readonly sendingFacility?: string;
    readonly version?: string;
    readonly processingId?: string;
  };
}

/**
 * The original's delimiters, with any it left undeclared (a short MSH-2, §2.5.4) filled in: an ACK's
 * ERR needs all four. The recommended character is used unless the message already uses it for another.
 */
function completeSeparators(sep: Hl7Separators): Hl7Separators {
  const used = new Set([
    sep.field,
    sep.component,
    sep.repetition,
    sep.escape,
    sep.subcomponent,
    sep.truncation,
  ]);
  const pick = (current: string, preferred: string): string => {
    if (current !== '') return current;
    const choice =
      [preferred, '&', '~', '\\', '^', '#', '!', '%', '@', '*'].find((c) => !used.has(c)) ?? preferred;
    used.add(choice);
    return choice;
  };
  return {
    ...sep,
    component: pick(sep.component, DEFAULT_SEPARATORS.component),
    repetition: pick(sep.repetition, DEFAULT_SEPARATORS.repetition),
    escape: pick(sep.escape, DEFAULT_SEPARATORS.escape),
    subcomponent: pick(sep.subcomponent, DEFAULT_SEPARATORS.subcomponent),
  };
}

let sequence = 0;

/** A 20-character control ID: time, a per-process counter and randomness, so two gateways never collide. */
export function newControlId(): string {
  sequence = (sequence + 1) % 36 ** 3;
  const time = Date.now().toString(36).toUpperCase(); // 8 chars until the year 2059
  const count = sequence.toString(36).toUpperCase().padStart(3, '0');
  const rand = randomBytes(6)
    .toString('hex')
    .toUpperCase()
    .slice(0, 20 - time.length - count.length);
  return `${time}${count}${rand}`;
}

/**
 * Builds the acknowledgment of a message (§2.9.2, §2.9.3): MSH with sending and receiving application and
 * facility swapped, the same delimiters, processing ID (MSH-11), version (MSH-12) and character set (MSH-18)
 * as the original, MSH-9 'ACK^<original event>^ACK'; MSA-1 the code, MSA-2 the original MSH-10; then the
 * ERR segment(s) in the layout of the original's version.
 *
 * `original` may be null when the message could not be parsed at all: the ACK then uses the recommended
 * delimiters, the fallback header values, and an empty MSA-2 (there is no control ID to echo).
 */
export function buildAck(original: Hl7Message | null, options: AckOptions): Hl7Message {
  const msh = original?.msh;
  const version = original?.version ?? options.fallback?.version ?? '2.5.1';
  const v25 = versionAtLeast25(version);
  const builder = new Hl7Builder({
    separators: completeSeparators(original?.separators ?? DEFAULT_SEPARATORS),
  });
  const rawOf = (n: number): Hl7FieldValue => {
    const v = msh?.field(n);
    return v === undefined || v === '' ? undefined : raw(v);
  };
  const event = msh?.value(9, 2);
  builder.msh({
    sendingApplication: msh ? rawOf(5) : options.fallback?.sendingApplication,
    sendingFacility: msh ? rawOf(6) : options.fallback?.sendingFacility,
    receivingApplication: rawOf(3),
    receivingFacility: rawOf(4),
    dateTime: options.now ?? new Date(),
    // MSH-9.3 (message structure) exists from v2.3.1; v2.3 has only code ^ event.
    messageType: ['ACK', event ?? '', version === '2.3' ? '' : 'ACK'],
    controlId: options.controlId ?? newControlId(),
    processingId: rawOf(11) ?? options.fallback?.processingId ?? 'P',
    version: rawOf(12) ?? version,
    // MSH-18 as the sender wrote it, so the ACK is read in the set the sender uses.
    fields: { 18: rawOf(18) },
  });
  const errors = options.errors ?? [];
  const first = errors[0];
  const msa: Record<number, Hl7FieldValue> = {
    1: options.code,
    2: msh ? rawOf(10) : undefined,
    3: options.textMessage,
  };
  // MSA-6 Error Condition (table 0357) is how v2.3/2.4 carried the code at MSA level; 2.5 moved it to ERR.
  if (!v25 && first) msa[6] = codedError(first);
  builder.segment('MSA', msa);
  if (errors.length > 0) {
    if (v25) {
      for (const e of errors) builder.segment('ERR', errFields25(e));
    } else {
      builder.segment('ERR', { 1: { kind: 'repeat', values: errors.map(errField1Legacy) } });
    }
  }
  return parseHl7(builder.toString());
}

/**
 * Best effort for input that parseHl7() refused: an ACK naming the error (AR for 200-203, else AE, unless
 * `code` says otherwise) that still echoes MSH-10 and swaps the applications when the header can be read.
 * An unknown MSH-18 (103) is one such case: re-read as 8859/1, which decodes any byte, the ASCII header is
 * intact. Without a readable MSH the ACK uses the recommended delimiters and the fallback header values.
 * Either way the sender learns why instead of timing out.
 */
export function buildAckForUnparsed(
  input: Uint8Array | string | null,
  error: Hl7ErrorDetail,
  options: Omit<AckOptions, 'code' | 'errors'> & { readonly code?: AckCode } = {},
): Hl7Message {
  let original: Hl7Message | null = null;
  if (input !== null) {
    try {
      original = parseHl7(input, { charset: '8859/1' });
    } catch {
      original = null;
    }
  }
  return buildAck(original, {
    ...options,
    code: options.code ?? (isRejectCode(error.code) ? AckCode.ApplicationReject : AckCode.ApplicationError),
    errors: [error],
  });
}
