import { encodingForCharset } from './charset';
import { Hl7ValidationError, type Hl7ErrorLocation } from './errors';
import type { Hl7Message } from './message';
import { MessageErrorCode } from './table-0357';

/** The versions this library reads and writes (HL7 table 0104), v2.3 to v2.5.1. */
export const SUPPORTED_VERSIONS = ['2.3', '2.3.1', '2.4', '2.5', '2.5.1'] as const;

/** HL7 table 0103 "Processing ID": production, debugging, training. */
export const ProcessingId = { Production: 'P', Debugging: 'D', Training: 'T' } as const;

export interface HeaderPolicy {
  /** Accepted MSH-12.1 values; SUPPORTED_VERSIONS by default. */
  readonly versions?: readonly string[];
  /** Accepted MSH-11.1 values; all of table 0103 by default. */
  readonly processingIds?: readonly string[];
  /**
   * Accepted message types as 'CODE^EVENT' (e.g. 'ORU^R01', 'OUL^R22', 'QBP^Q11') or 'CODE' for any event;
   * any by default. An unknown code is 200, a known code with an unknown event 201 (table 0357).
   */
  readonly messageTypes?: readonly string[];
}

const at = (field: number, component?: number): Hl7ErrorLocation => ({
  segment: 'MSH',
  sequence: 1,
  field,
  component,
});

/**
 * Checks the header fields a receiver needs before it may accept a message (HL7 v2.5.1 Ch. 2 §2.9.2:
 * MSH-9 message type, MSH-11 processing ID, MSH-12 version; plus MSH-10, which the ACK must echo, and
 * MSH-18). Returns every problem found, first to last; [] when the header is acceptable. Each error carries
 * its table 0357 code and location for the ERR segment, and `ackCode` tells AE from AR.
 */
export function validateHeader(message: Hl7Message, policy: HeaderPolicy = {}): Hl7ValidationError[] {
  const errors: Hl7ValidationError[] = [];
  const missing = (loc: Hl7ErrorLocation, name: string): void => {
    errors.push(new Hl7ValidationError(MessageErrorCode.RequiredFieldMissing, `${name} is required`, loc));
  };

  const code = message.messageType;
  const event = message.triggerEvent;
  if (code === undefined) missing(at(9, 1), 'MSH-9 message type');
  else if (event === undefined && code !== 'ACK') missing(at(9, 2), 'MSH-9.2 trigger event');
  if (code !== undefined && policy.messageTypes) {
    const types = policy.messageTypes;
    if (!types.some((t) => t === code || t.startsWith(`${code}^`))) {
      errors.push(
        new Hl7ValidationError(
          MessageErrorCode.UnsupportedMessageType,
          `message type ${code} is not accepted here`,
          at(9, 1),
        ),
      );
    } else if (event !== undefined && !types.some((t) => t === code || t === `${code}^${event}`)) {
      errors.push(
        new Hl7ValidationError(
          MessageErrorCode.UnsupportedEventCode,
          `event ${code}^${event} is not accepted here`,
          at(9, 2),
        ),
      );
    }
  }

  if (message.controlId === undefined) missing(at(10), 'MSH-10 message control ID');

  const processing = message.processingId;
  if (processing === undefined) missing(at(11), 'MSH-11 processing ID');
  else if (!(policy.processingIds ?? Object.values(ProcessingId)).includes(processing)) {
    errors.push(
      new Hl7ValidationError(
        MessageErrorCode.UnsupportedProcessingId,
        `processing ID ${processing} is not accepted here`,
        at(11),
      ),
    );
  }

  const version = message.version;
  if (version === undefined) missing(at(12), 'MSH-12 version ID');
  else if (!(policy.versions ?? SUPPORTED_VERSIONS).includes(version)) {
    errors.push(
      new Hl7ValidationError(
        MessageErrorCode.UnsupportedVersionId,
        `HL7 version ${version} is not supported (${(policy.versions ?? SUPPORTED_VERSIONS).join(', ')})`,
        at(12),
      ),
    );
  }

  const charset = message.msh.value(18);
  if (charset !== undefined && encodingForCharset(charset) === undefined) {
    errors.push(
      new Hl7ValidationError(
        MessageErrorCode.TableValueNotFound,
        `MSH-18 character set ${charset} is not in HL7 table 0211`,
        at(18),
      ),
    );
  }
  return errors;
}
