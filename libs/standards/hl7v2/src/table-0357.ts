/**
 * HL7 table 0357 "Message error condition codes" (HL7 v2.5.1 Ch. 2 §2.15.5.3 ERR-3 HL7 Error Code; the same
 * table fills ERR-1.4 in v2.3/v2.4 and MSA-6 before v2.5). These are the codes an ACK's ERR segment carries,
 * so a sender's interface engine can tell "you sent it wrong" (1xx) from "we do not take this" (2xx).
 */
export const MessageErrorCode = {
  MessageAccepted: '0',
  SegmentSequenceError: '100',
  RequiredFieldMissing: '101',
  DataTypeError: '102',
  TableValueNotFound: '103',
  UnsupportedMessageType: '200',
  UnsupportedEventCode: '201',
  UnsupportedProcessingId: '202',
  UnsupportedVersionId: '203',
  UnknownKeyIdentifier: '204',
  DuplicateKeyIdentifier: '205',
  ApplicationRecordLocked: '206',
  ApplicationInternalError: '207',
} as const;

export type MessageErrorCode = (typeof MessageErrorCode)[keyof typeof MessageErrorCode];

/** The table's own descriptions (ERR-3.2 / ERR-1.4.2 text), word for word. */
export const MESSAGE_ERROR_TEXT: Readonly<Record<MessageErrorCode, string>> = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
} as const;

/** Name of the coding system in ERR-3.3 / ERR-1.4.3 (HL7 table 0396: "HL7nnnn" for HL7 tables). */
export const TABLE_0357_CODING_SYSTEM = 'HL70357';

/**
 * HL7 table 0516 "Error severity" (ERR-4, v2.5+). W and I let a receiver accept a message (AA/CA) and still
 * tell the sender about something it ignored.
 */
export const ErrorSeverity = { Error: 'E', Warning: 'W', Information: 'I' } as const;
export type ErrorSeverity = (typeof ErrorSeverity)[keyof typeof ErrorSeverity];

export function isMessageErrorCode(value: string): value is MessageErrorCode {
  return Object.prototype.hasOwnProperty.call(MESSAGE_ERROR_TEXT, value);
}

/**
 * §2.9.2 (original mode): a message whose MSH-9, MSH-11 or MSH-12 the receiver does not support is
 * rejected (AR) before any application processing; any other error found while processing it is AE.
 * §2.9.3 (enhanced mode) maps the same split to CR/CE at the accept level.
 */
export function isRejectCode(code: MessageErrorCode): boolean {
  return (
    code === MessageErrorCode.UnsupportedMessageType ||
    code === MessageErrorCode.UnsupportedEventCode ||
    code === MessageErrorCode.UnsupportedProcessingId ||
    code === MessageErrorCode.UnsupportedVersionId
  );
}
