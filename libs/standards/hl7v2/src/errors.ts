import { ErrorSeverity, isRejectCode, MESSAGE_ERROR_TEXT, type MessageErrorCode } from './table-0357';

/**
 * Where an error is: the components of ERR-2 "Error Location" (ERL, HL7 v2.5.1 Ch. 2 §2.15.5.2), all
 * 1-based like the standard. In v2.3/v2.4 the first three go to ERR-1 (ELD: segment ^ sequence ^ field).
 */
export interface Hl7ErrorLocation {
  /** Segment ID, e.g. 'MSH', 'PID', 'ZBX'. */
  readonly segment: string;
  /** Which occurrence of that segment in the message (1 = the first). */
  readonly sequence?: number;
  readonly field?: number;
  readonly repetition?: number;
  readonly component?: number;
  readonly subcomponent?: number;
}

/** One ERR segment's worth of information (§2.15.5). */
export interface Hl7ErrorDetail {
  /** ERR-3 (v2.5+) or ERR-1.4 (v2.3/2.4): HL7 table 0357. */
  readonly code: MessageErrorCode;
  /** ERR-2 (v2.5+) or ERR-1.1-1.3 (v2.3/2.4). Omit when the error has no place, e.g. 207. */
  readonly location?: Hl7ErrorLocation;
  /** ERR-4 (v2.5+), table 0516; defaults to E. */
  readonly severity?: ErrorSeverity;
  /** ERR-5 Application Error Code: a local code (CWE identifier), when the receiver has one. */
  readonly applicationErrorCode?: string;
  /** ERR-7 Diagnostic Information: for the sender's support staff. */
  readonly diagnostics?: string;
  /** ERR-8 User Message: for the person who will read it. */
  readonly userMessage?: string;
}

/** 'PID-3(2)-1' style, in the same notation the path accessors take. */
export function formatErrorLocation(location: Hl7ErrorLocation): string {
  let out = location.segment;
  if (location.sequence !== undefined && location.sequence > 1) out += `[${location.sequence}]`;
  if (location.field === undefined) return out;
  out += `-${location.field}`;
  if (location.repetition !== undefined && location.repetition > 1) out += `(${location.repetition})`;
  if (location.component !== undefined) out += `-${location.component}`;
  if (location.component !== undefined && location.subcomponent !== undefined)
    out += `-${location.subcomponent}`;
  return out;
}

/**
 * A message that cannot be accepted as it is, carrying the table 0357 code and the place, so the receiver
 * can answer with an ACK whose ERR segment names what is wrong (HL7 v2.5.1 Ch. 2 §2.9, §2.15.5) instead of
 * a bare AE/AR. Thrown by the parser for structural faults (no MSH, bad delimiters, unknown MSH-18) and
 * returned by validateHeader() for header faults.
 */
export class Hl7ValidationError extends Error implements Hl7ErrorDetail {
  override readonly name = 'Hl7ValidationError';
  readonly severity: ErrorSeverity;
  readonly diagnostics?: string;
  readonly userMessage?: string;

  constructor(
    readonly code: MessageErrorCode,
    message: string,
    readonly location?: Hl7ErrorLocation,
    options: { severity?: ErrorSeverity; userMessage?: string; cause?: unknown } = {},
  ) {
    super(
      location ? `${formatErrorLocation(location)}: ${message}` : message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.severity = options.severity ?? ErrorSeverity.Error;
    this.diagnostics = message;
    this.userMessage = options.userMessage;
  }

  /** The table 0357 description of the code, e.g. 'Required field missing'. */
  get codeText(): string {
    return MESSAGE_ERROR_TEXT[this.code];
  }

  /**
   * The original-mode acknowledgment code this error calls for (§2.9.2): AR for an unsupported message
   * type, event, processing id or version; AE for everything else.
   */
  get ackCode(): 'AE' | 'AR' {
    return isRejectCode(this.code) ? 'AR' : 'AE';
  }
}
