/**
 * E1394-97 / CLSI LIS02-A2 code tables, as the standard lists them. Field numbers are E1394-97's
 * (LIS02-A2 numbers the same fields one section lower: E1394 9.4.26 is LIS02-A2 8.4.26).
 */

/** L-3 (13.1.3) Termination Code. */
export const TerminationCode = {
  Normal: 'N',
  SenderAborted: 'T',
  ReceiverAborted: 'R',
  UnknownSystemError: 'E',
  /** Error in last request for information. */
  QueryError: 'Q',
  /** No information available from last query. */
  NoInformation: 'I',
  /** Last request for information processed. */
  QueryProcessed: 'F',
} as const;
export type TerminationCode = (typeof TerminationCode)[keyof typeof TerminationCode];

/** O-6 (9.4.6) Priority. */
export const Priority = {
  Stat: 'S',
  Asap: 'A',
  Routine: 'R',
  CallBack: 'C',
  Preoperative: 'P',
} as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

/** O-12 (9.4.12) Action Code. */
export const ActionCode = {
  Cancel: 'C',
  Add: 'A',
  /** New requests accompanying a new specimen. */
  New: 'N',
  Pending: 'P',
  Reserved: 'L',
  /** Specimen or test already in process. */
  InProcess: 'X',
  /** Treat the specimen as a Q/C test specimen. */
  QualityControl: 'Q',
} as const;
export type ActionCode = (typeof ActionCode)[keyof typeof ActionCode];

/** O-26 (9.4.26) Report Types. */
export const ReportType = {
  /** Order record; user asking that analysis be performed. */
  Order: 'O',
  Correction: 'C',
  Preliminary: 'P',
  Final: 'F',
  /** Order cannot be done, order cancelled. */
  Cancelled: 'X',
  InInstrumentPending: 'I',
  /** No order on record for this test (in response to query). */
  NoOrder: 'Y',
  /** No record of this patient (in response to query). */
  NoPatient: 'Z',
  /** Response to query. */
  QueryResponse: 'Q',
} as const;
export type ReportType = (typeof ReportType)[keyof typeof ReportType];

/** R-7 (10.1.7) Result Abnormal Flags. */
export const AbnormalFlag = {
  BelowLowNormal: 'L',
  AboveHighNormal: 'H',
  BelowPanicLow: 'LL',
  AbovePanicHigh: 'HH',
  BelowAbsoluteLow: '<',
  AboveAbsoluteHigh: '>',
  Normal: 'N',
  Abnormal: 'A',
  SignificantChangeUp: 'U',
  SignificantChangeDown: 'D',
  Better: 'B',
  Worse: 'W',
} as const;
export type AbnormalFlag = (typeof AbnormalFlag)[keyof typeof AbnormalFlag];

/** R-9 (10.1.9) Result Status. */
export const ResultStatus = {
  Correction: 'C',
  Preliminary: 'P',
  Final: 'F',
  CannotBeDone: 'X',
  InInstrumentPending: 'I',
  Partial: 'S',
  MicLevel: 'M',
  PreviouslyTransmitted: 'R',
  NewInformation: 'N',
  QueryResponse: 'Q',
  ApprovedByVerifier: 'V',
  Warning: 'W',
} as const;
export type ResultStatus = (typeof ResultStatus)[keyof typeof ResultStatus];

/** Q-13 (12.1.13) Request Information Status Codes. */
export const RequestStatus = {
  Correction: 'C',
  Preliminary: 'P',
  Final: 'F',
  CannotBeDone: 'X',
  InInstrumentPending: 'I',
  Partial: 'S',
  MicLevel: 'M',
  PreviouslyTransmitted: 'R',
  /** Abort/cancel the last request criteria. */
  Abort: 'A',
  NewOrEdited: 'N',
  /** Requesting test orders and demographics only (no results): the analyzer's host query. */
  OrdersOnly: 'O',
  DemographicsOnly: 'D',
} as const;
export type RequestStatus = (typeof RequestStatus)[keyof typeof RequestStatus];

/** P-9 (8.1.9) Sex. */
export const Sex = { Male: 'M', Female: 'F', Unknown: 'U' } as const;
export type Sex = (typeof Sex)[keyof typeof Sex];

/** C-5 (11.1.5) Comment Type. */
export const CommentType = {
  Generic: 'G',
  TestName: 'T',
  Positive: 'P',
  Negative: 'N',
  InstrumentFlag: 'I',
} as const;
export type CommentType = (typeof CommentType)[keyof typeof CommentType];

/** H-12 (7.1.12) Processing ID. */
export const ProcessingId = { Production: 'P', Training: 'T', Debugging: 'D', QualityControl: 'Q' } as const;
export type ProcessingId = (typeof ProcessingId)[keyof typeof ProcessingId];

/** The record types of E1394 (first character of a record). */
export const RecordType = {
  Header: 'H',
  Patient: 'P',
  Order: 'O',
  Result: 'R',
  Comment: 'C',
  Query: 'Q',
  Terminator: 'L',
  Scientific: 'S',
  Manufacturer: 'M',
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];
