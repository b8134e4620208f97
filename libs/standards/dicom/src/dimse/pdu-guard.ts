/**
 * Reads the PDU headers of what a DICOM peer sends (PS3.8 §9.3: PDU-type, a reserved byte, a 32-bit
 * big-endian PDU-length, then that many bytes) and says when a PDU breaks our limits, before the PDU is
 * buffered. dcmjs-dimse 0.3.3 reassembles every PDU whatever its announced length, so a peer announcing a
 * 4 GiB PDU would have it collect 4 GiB; the guard is what bounds memory per association.
 *
 * - P-DATA-TF (0x04) may not be longer than the maximum length we announced in the A-ASSOCIATE-AC (PS3.8
 *   Annex D.1: the receiver's limit on "the variable field of the P-DATA-TF PDUs"; the peer must fragment).
 * - The other PDUs carry no data set; they are capped at `maxControlPduLength` (an A-ASSOCIATE-RQ with all
 *   128 presentation contexts and many transfer syntaxes each is well under 1 MiB).
 * - A PDU type PS3.8 does not define is reported as "unrecognized-PDU": the stream is not DICOM (an HTTP
 *   request, a TLS ClientHello on the plain port) and the server closes it without answering.
 *
 * A pure state machine over the byte stream, fed chunks in order; it keeps at most a 6-byte header.
 */

export const PduType = {
  AssociateRq: 0x01,
  AssociateAc: 0x02,
  AssociateRj: 0x03,
  DataTf: 0x04,
  ReleaseRq: 0x05,
  ReleaseRp: 0x06,
  Abort: 0x07,
} as const;

const KNOWN = new Set<number>(Object.values(PduType));
const HEADER = 6;

/** A-ABORT reasons (PS3.8 Table 9-26, source 2 = DICOM UL service-provider). */
export const AbortReason = { UnrecognizedPdu: 1, InvalidPduParameterValue: 6 } as const;

export interface PduViolation {
  /** The A-ABORT reason to send (PS3.8 §9.3.8). */
  reason: (typeof AbortReason)[keyof typeof AbortReason];
  message: string;
}

export interface PduGuardLimits {
  /** Largest P-DATA-TF PDU-length accepted: the maximum length we announced. */
  maxPduLength: number;
  /** Largest PDU-length of every other PDU; 1 MiB by default. */
  maxControlPduLength?: number;
}

export class PduGuard {
  private readonly maxControl: number;
  private header = Buffer.alloc(0);
  /** Bytes of the current PDU's variable field still to come. */
  private remaining = 0;
  private current = 0;
  private failed = false;

  constructor(private readonly limits: PduGuardLimits) {
    this.maxControl = limits.maxControlPduLength ?? 1024 * 1024;
  }

  /**
   * Feeds the next chunk; returns the types of the PDUs whose last byte it contained (in order) and, when a
   * PDU breaks the limits, the violation (the guard then reports nothing more: the association is to go).
   */
  push(chunk: Buffer): { completed: number[]; violation?: PduViolation } {
    const completed: number[] = [];
    if (this.failed) return { completed };
    let pos = 0;
    while (pos < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - pos);
        this.remaining -= take;
        pos += take;
        if (this.remaining === 0) completed.push(this.current);
        continue;
      }
      const need = HEADER - this.header.length;
      this.header = Buffer.concat([this.header, chunk.subarray(pos, pos + need)]);
      pos += Math.min(need, chunk.length - pos);
      if (this.header.length < HEADER) break;
      const type = this.header[0];
      const length = this.header.readUInt32BE(2);
      this.header = Buffer.alloc(0);
      const violation = this.check(type, length);
      if (violation) {
        this.failed = true;
        return { completed, violation };
      }
      this.current = type;
      this.remaining = length;
      if (length === 0) completed.push(type);
    }
    return { completed };
  }

  private check(type: number, length: number): PduViolation | undefined {
    if (!KNOWN.has(type))
      return {
        reason: AbortReason.UnrecognizedPdu,
        message: `unknown PDU type 0x${type.toString(16).padStart(2, '0')}`,
      };
    const limit = type === PduType.DataTf ? this.limits.maxPduLength : this.maxControl;
    if (length > limit)
      return {
        reason: AbortReason.InvalidPduParameterValue,
        message: `PDU type 0x0${type} of ${length} bytes exceeds the maximum of ${limit}`,
      };
    return undefined;
  }
}

/** An A-ABORT PDU from the service provider (PS3.8 §9.3.8): type 7, length 4, reserved, reserved, source, reason. */
export function abortPdu(reason: number): Buffer {
  return Buffer.from([PduType.Abort, 0, 0, 0, 0, 4, 0, 0, 2, reason]);
}
