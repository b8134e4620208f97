/**
 * ASTM E1381-02 / CLSI LIS01-A2 low-level (data link layer) framing.
 *
 * Section numbers below are E1381-02's; LIS01-A2 carries the same text with its own numbering (its data
 * link layer is the chapter after the physical layer). Where a rule is quoted as "LIS01-A2" it is the same
 * rule.
 *
 * A frame (E1381-02 §6.3.1):
 *
 *   <STX> FN text <ETB> C1 C2 <CR> <LF>     intermediate frame (more of the same message follows)
 *   <STX> FN text <ETX> C1 C2 <CR> <LF>     end frame
 *
 * - FN, the frame number (§6.3.2), is one ASCII digit: the first frame of a transmission is 1, then 2 .. 7,
 *   0, 1, ... (modulo 8);
 * - text is at most 240 characters, so a frame is at most 247 (§6.3.1.2); a longer message (for E1394, a
 *   record and its CR) is split into intermediate frames ending ETB and one end frame ending ETX;
 * - C1 C2, the checksum (§6.3.3), is the sum of the bytes from FN through ETB/ETX inclusive, modulo 256,
 *   written as two uppercase hexadecimal characters (a sum of 0x7A is "7A").
 *
 * Characters that must not appear in the text (§6.6.2, "restricted message characters"): SOH, STX, ETX,
 * EOT, ENQ, ACK, DLE, NAK, SYN, ETB, LF, DC1-DC4. CR is the E1394 record terminator and may only end a
 * record.
 */
export const ASTM = {
  STX: 0x02,
  ETX: 0x03,
  EOT: 0x04,
  ENQ: 0x05,
  ACK: 0x06,
  LF: 0x0a,
  CR: 0x0d,
  NAK: 0x15,
  ETB: 0x17,
} as const;

/** Text characters per frame (§6.3.1.2): 247 in all minus STX, FN, ETB/ETX, C1, C2, CR, LF. */
export const MAX_FRAME_TEXT = 240;

/** Largest frame the standard allows, control characters included (§6.3.1.2). */
export const MAX_FRAME_LENGTH = 247;

/** The four single-byte link control characters a peer sends outside frames (§6.2, §6.3.4, §6.4). */
export type AstmControl = 'ENQ' | 'ACK' | 'NAK' | 'EOT';

export const CONTROL_BYTES: Readonly<Record<AstmControl, number>> = {
  ENQ: ASTM.ENQ,
  ACK: ASTM.ACK,
  NAK: ASTM.NAK,
  EOT: ASTM.EOT,
};

/** §6.6.2: never allowed in frame text (CR is handled separately: it ends a record). */
const RESTRICTED = new Set([
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
]);

export function isRestrictedByte(byte: number): boolean {
  return RESTRICTED.has(byte);
}

/** A frame as received or sent: its number, text and kind. */
export interface AstmFrame {
  /** 0..7 (§6.3.2). */
  readonly number: number;
  /** The text between FN and ETB/ETX; for E1394 it ends with the record's CR in an end frame. */
  readonly text: Buffer;
  /** true for an end frame (ETX), false for an intermediate frame (ETB). */
  readonly final: boolean;
  /** The two checksum characters as they were on the wire (uppercase when we built the frame). */
  readonly checksum: string;
}

const HEX = '0123456789ABCDEF';

/**
 * The E1381 checksum (§6.3.3) of bytes[start, end): their sum modulo 256 as two uppercase hex characters.
 * For a frame, the range is FN through ETB/ETX inclusive.
 */
export function astmChecksum(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + bytes[i]) & 0xff;
  return HEX[sum >> 4] + HEX[sum & 0x0f];
}

/** The frame number that follows `n` (§6.3.2: 1..7, then 0). */
export function nextFrameNumber(n: number): number {
  return (n + 1) % 8;
}

/** Builds one frame: <STX> FN text <ETB|ETX> C1 C2 <CR><LF>. */
export function encodeAstmFrame(frameNumber: number, text: Buffer | string, final: boolean): Buffer {
  if (!Number.isInteger(frameNumber) || frameNumber < 0 || frameNumber > 7) {
    throw new RangeError(`frame number must be 0..7, got ${frameNumber}`);
  }
  const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const frame = Buffer.allocUnsafe(body.length + 7);
  frame[0] = ASTM.STX;
  frame[1] = 0x30 + frameNumber;
  body.copy(frame, 2);
  const end = 2 + body.length;
  frame[end] = final ? ASTM.ETX : ASTM.ETB;
  const checksum = astmChecksum(frame, 1, end + 1);
  frame[end + 1] = checksum.charCodeAt(0);
  frame[end + 2] = checksum.charCodeAt(1);
  frame[end + 3] = ASTM.CR;
  frame[end + 4] = ASTM.LF;
  return frame;
}

export interface EncodeFramesOptions {
  /** Number of the first frame; 1 (§6.3.2: the first frame of a transmission is numbered 1). */
  readonly firstFrameNumber?: number;
  /** Text bytes per frame; 240 (§6.3.1.2). Smaller values are for tests and for instruments with less. */
  readonly maxTextLength?: number;
}

/**
 * Splits E1394 records into frames for one transmission: each record plus its terminating CR is one
 * low-level message, sent as intermediate frames of `maxTextLength` bytes ending ETB and one end frame
 * ending ETX (§6.3.1.2); frame numbers run on across records (1..7, 0, 1, ...). This is how the analyzers
 * in the field send (one record per end frame) and what E1394 asks for (each record is a message of the
 * lower layer).
 *
 * Records are bytes already encoded in the connection's character set, without the CR. A multi-byte UTF-8
 * character may be cut between two frames: the receiver joins the frame texts before decoding.
 *
 * @throws RangeError when a record contains a CR or a restricted character (§6.6.2).
 */
export function encodeAstmFrames(records: readonly Buffer[], options: EncodeFramesOptions = {}): Buffer[] {
  const max = options.maxTextLength ?? MAX_FRAME_TEXT;
  if (!Number.isInteger(max) || max < 1) throw new RangeError('maxTextLength must be a positive integer');
  let fn = options.firstFrameNumber ?? 1;
  const frames: Buffer[] = [];
  records.forEach((record, index) => {
    for (const byte of record) {
      if (byte === ASTM.CR || isRestrictedByte(byte)) {
        throw new RangeError(
          `record ${index + 1} contains the control character 0x${byte.toString(16).padStart(2, '0')}, ` +
            'which E1381 §6.6.2 does not allow in message text',
        );
      }
    }
    const text = Buffer.concat([record, Buffer.of(ASTM.CR)]);
    for (let pos = 0; pos < text.length; pos += max) {
      const piece = text.subarray(pos, pos + max);
      frames.push(encodeAstmFrame(fn, piece, pos + max >= text.length));
      fn = nextFrameNumber(fn);
    }
  });
  return frames;
}
