/**
 * DIMSE status codes (PS3.7 Annex C; service-specific meanings in PS3.4). Each response carries one; a failure
 * also carries an Error Comment (0000,0902) saying why, so a modality's log names the problem.
 */
export const DimseStatus = {
  Success: 0x0000,
  Pending: 0xff00,
  /** C-FIND pending, some optional keys not supported (PS3.4 C.4.1.1.4). */
  PendingWarning: 0xff01,
  Cancel: 0xfe00,
  /** PS3.7 C.5: the attribute list had an error; N-CREATE/N-SET with an attribute of the wrong value. */
  InvalidAttributeValue: 0x0106,
  /** N-SET on an MPPS that may no longer be updated, and other processing failures (PS3.4 F.7.2.2.2). */
  ProcessingFailure: 0x0110,
  DuplicateSopInstance: 0x0111,
  NoSuchObjectInstance: 0x0112,
  MissingAttribute: 0x0120,
  MissingAttributeValue: 0x0121,
  /** Refused: SOP Class not supported (PS3.7 C.5.16). */
  SopClassNotSupported: 0x0122,
  NoSuchActionType: 0x0123,
  NotAuthorized: 0x0124,
  /** C-STORE: Refused: Out of Resources (PS3.4 B.2.3); C-FIND/C-MOVE: A700 too. */
  OutOfResources: 0xa700,
  /** C-MOVE: Refused: Out of Resources, unable to perform sub-operations (PS3.4 C.4.2.1.5). */
  OutOfResourcesSubOperations: 0xa702,
  /** C-MOVE: Refused: Move Destination unknown. */
  MoveDestinationUnknown: 0xa801,
  /** C-STORE: Error: Data Set does not match SOP Class (PS3.4 B.2.3). */
  DataSetDoesNotMatchSopClass: 0xa900,
  /** C-FIND/C-MOVE/C-GET: Identifier does not match SOP Class. */
  IdentifierDoesNotMatchSopClass: 0xa900,
  /** C-STORE: Error: Cannot understand (PS3.4 B.2.3, C000-CFFF). */
  CannotUnderstand: 0xc000,
  /** C-FIND: Failed: Unable to process. */
  UnableToProcess: 0xc001,
  /** C-MOVE/C-GET: sub-operations complete, one or more failures or warnings. */
  SubOperationsCompleteWithFailures: 0xb000,
} as const;

export type DimseStatusCode = (typeof DimseStatus)[keyof typeof DimseStatus];
