import { ASTM, astmChecksum, type AstmControl, type AstmFrame } from './frame';

/**
 * Splits the byte stream of an E1381 / LIS01-A2 link into what the state machines act on: the single
 * control characters ENQ, ACK, NAK and EOT, whole frames (checksum verified), broken frames, and junk.
 *
 * It is a pure state machine, like the MLLP decoder: feed it TCP chunks in order with push() and act on the
 * tokens it returns. A frame may be cut anywhere across chunks and many frames may come in one chunk. It
 * never throws on bad input and never loses sync for good: a broken frame ends at its LF or at the next
 * control character, and scanning goes on.
 */

/** Largest frame text accepted by default. The standard says 240 (§6.3.1.2), but instruments exceed it
 * (some send a whole message in one frame), so the receiver is lenient up to this and reports beyond. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

/** How many bytes of a broken frame are kept for diagnostics. */
export const FRAME_HEAD_BYTES = 512;

export type AstmFrameErrorReason =
  /** C1 C2 do not match the sum of the bytes (§6.3.3). */
  | 'checksum'
  /** Not a frame: no frame number digit, bad characters after ETB/ETX, or an LF before ETB/ETX. */
  | 'malformed'
  /** A control character (STX, ENQ, ACK, NAK, EOT) arrived before the frame ended. */
  | 'truncated'
  /** Longer than the receiver's maxFrameBytes. */
  | 'oversize';

/** A frame the receiver cannot accept: the link answers NAK (§6.5.1.1) and the sender retransmits. */
export class AstmFrameError extends Error {
  override readonly name = 'AstmFrameError';

  constructor(
    readonly reason: AstmFrameErrorReason,
    message: string,
    /** The first bytes of the frame after STX (up to FRAME_HEAD_BYTES). */
    readonly head: Buffer,
    /** The frame number when it could be read. */
    readonly frameNumber?: number,
  ) {
    super(message);
  }
}

export type AstmToken =
  | { readonly type: 'control'; readonly control: AstmControl }
  | { readonly type: 'frame'; readonly frame: AstmFrame }
  | { readonly type: 'badFrame'; readonly error: AstmFrameError }
  /** Bytes outside any frame that are not control characters (noise, a stray CR LF). */
  | { readonly type: 'junk'; readonly bytes: number };

export interface AstmFrameDecoderOptions {
  /** Largest frame text accepted; DEFAULT_MAX_FRAME_BYTES by default. */
  readonly maxFrameBytes?: number;
}

const enum State {
  Outside,
  /** After STX: FN and text up to ETB/ETX. */
  Text,
  /** After ETB/ETX: C1 C2 CR LF. */
  Trailer,
}

const CONTROL_BY_BYTE: Readonly<Record<number, AstmControl>> = {
  [ASTM.ENQ]: 'ENQ',
  [ASTM.ACK]: 'ACK',
  [ASTM.NAK]: 'NAK',
  [ASTM.EOT]: 'EOT',
};

function isLinkControl(byte: number): boolean {
  return byte === ASTM.STX || CONTROL_BY_BYTE[byte] !== undefined;
}

export class AstmFrameDecoder {
  readonly maxFrameBytes: number;
  private state = State.Outside;
  private parts: Buffer[] = [];
  private size = 0;
  private oversize = false;
  private terminator = 0;
  private trailer: number[] = [];

  constructor(options: AstmFrameDecoderOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!(this.maxFrameBytes > 0)) throw new RangeError('maxFrameBytes must be positive');
  }

  /** True while a frame has started (STX seen) and not ended. */
  get inFrame(): boolean {
    return this.state !== State.Outside;
  }

  /** Forgets a frame in progress (e.g. when the link times out). */
  reset(): void {
    this.state = State.Outside;
    this.parts = [];
    this.size = 0;
    this.oversize = false;
    this.trailer = [];
  }

  push(chunk: Buffer): AstmToken[] {
    const tokens: AstmToken[] = [];
    let junk = 0;
    const flushJunk = (): void => {
      if (junk > 0) tokens.push({ type: 'junk', bytes: junk });
      junk = 0;
    };
    let pos = 0;
    while (pos < chunk.length) {
      const byte = chunk[pos];
      switch (this.state) {
        case State.Outside: {
          if (byte === ASTM.STX) {
            flushJunk();
            this.reset();
            this.state = State.Text;
          } else {
            const control = CONTROL_BY_BYTE[byte];
            if (control !== undefined) {
              flushJunk();
              tokens.push({ type: 'control', control });
            } else {
              junk++;
            }
          }
          pos++;
          break;
        }
        case State.Text: {
          // Scan to the next byte that ends or breaks the text.
          let end = pos;
          while (end < chunk.length) {
            const b = chunk[end];
            if (b === ASTM.ETX || b === ASTM.ETB || b === ASTM.LF || isLinkControl(b)) break;
            end++;
          }
          this.collect(chunk, pos, end);
          if (end === chunk.length) {
            pos = end;
            break;
          }
          const stop = chunk[end];
          if (stop === ASTM.ETX || stop === ASTM.ETB) {
            this.terminator = stop;
            this.trailer = [];
            this.state = State.Trailer;
            pos = end + 1;
          } else if (stop === ASTM.LF) {
            tokens.push({ type: 'badFrame', error: this.error('malformed', 'LF before ETB/ETX') });
            this.reset();
            pos = end + 1;
          } else {
            // A control character inside a frame: the frame is cut short; the character is handled as such.
            tokens.push({
              type: 'badFrame',
              error: this.error('truncated', `frame cut short by 0x${stop.toString(16).padStart(2, '0')}`),
            });
            this.reset();
            pos = end;
          }
          break;
        }
        case State.Trailer: {
          if (isLinkControl(byte)) {
            tokens.push({
              type: 'badFrame',
              error: this.error('truncated', 'frame cut short after ETB/ETX'),
            });
            this.reset();
            break; // the byte is handled in State.Outside
          }
          this.trailer.push(byte);
          pos++;
          const t = this.trailer;
          if (t.length === 3 && t[2] === ASTM.LF) {
            // C1 C2 LF: the CR is missing; tolerated, nothing else can be meant.
            tokens.push(this.complete());
          } else if (t.length === 4) {
            if (t[2] === ASTM.CR && t[3] === ASTM.LF) tokens.push(this.complete());
            else
              tokens.push({
                type: 'badFrame',
                error: this.error('malformed', 'ETB/ETX is not followed by C1 C2 CR LF'),
              });
            this.reset();
          } else if (t.length === 3 && t[2] !== ASTM.CR) {
            tokens.push({
              type: 'badFrame',
              error: this.error('malformed', 'ETB/ETX is not followed by C1 C2 CR LF'),
            });
            this.reset();
          }
          break;
        }
      }
    }
    flushJunk();
    return tokens;
  }

  private collect(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    const n = to - from;
    if (!this.oversize && this.size + n > this.maxFrameBytes + 1 /* FN */) {
      this.oversize = true;
      // Keep the head only.
      const head = Buffer.concat([...this.parts, chunk.subarray(from, to)]).subarray(0, FRAME_HEAD_BYTES);
      this.parts = [Buffer.from(head)];
    } else if (!this.oversize) {
      this.parts.push(chunk.subarray(from, to));
    }
    this.size += n;
  }

  private body(): Buffer {
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
  }

  private error(reason: AstmFrameErrorReason, message: string, frameNumber?: number): AstmFrameError {
    const body = this.body();
    const fn =
      frameNumber ?? (body.length > 0 && body[0] >= 0x30 && body[0] <= 0x37 ? body[0] - 0x30 : undefined);
    return new AstmFrameError(reason, message, Buffer.from(body.subarray(0, FRAME_HEAD_BYTES)), fn);
  }

  private complete(): AstmToken {
    const t = this.trailer;
    const received = String.fromCharCode(t[0], t[1]);
    if (this.oversize) {
      const error = this.error(
        'oversize',
        `frame text of ${this.size - 1} bytes exceeds ${this.maxFrameBytes}`,
      );
      this.reset();
      return { type: 'badFrame', error };
    }
    const body = Buffer.concat([this.body(), Buffer.of(this.terminator)]);
    const final = this.terminator === ASTM.ETX;
    this.reset();
    const fnByte = body[0];
    if (body.length < 2 || fnByte < 0x30 || fnByte > 0x37) {
      return {
        type: 'badFrame',
        error: new AstmFrameError(
          'malformed',
          'the frame does not start with a frame number 0-7',
          Buffer.from(body.subarray(0, FRAME_HEAD_BYTES)),
        ),
      };
    }
    const expected = astmChecksum(body);
    if (received.toUpperCase() !== expected) {
      return {
        type: 'badFrame',
        error: new AstmFrameError(
          'checksum',
          `checksum ${JSON.stringify(received)} does not match the computed ${expected}`,
          Buffer.from(body.subarray(0, FRAME_HEAD_BYTES)),
          fnByte - 0x30,
        ),
      };
    }
    return {
      type: 'frame',
      frame: { number: fnByte - 0x30, text: body.subarray(1, body.length - 1), final, checksum: received },
    };
  }
}
