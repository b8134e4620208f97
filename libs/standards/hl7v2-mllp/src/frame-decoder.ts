/**
 * MLLP framing (HL7 v2.5.1 Appendix C "Lower Layer Protocols", Minimal Lower Layer Protocol; HL7 MLLP
 * Release 2 in the Transport Specification): every message travels as
 *
 *   <SB> message bytes <EB><CR>     SB = 0x0B (VT), EB = 0x1C (FS), CR = 0x0D
 *
 * The decoder is a pure state machine: feed it TCP chunks in order with push(), call end() when the
 * connection closes, and act on the events it returns. It never throws on bad input and never loses sync for
 * good: after anything malformed it looks for the next start block.
 */
export const MLLP = {
  START_BLOCK: 0x0b,
  END_BLOCK: 0x1c,
  CARRIAGE_RETURN: 0x0d,
} as const;

/** 16 MiB: well above a lab ORU with Base64 histograms (tens of kB) and a scanned report PDF in OBX-5. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** How much of an oversize or truncated frame is kept, so a receiver can still read its MSH for the ACK. */
export const FRAME_HEAD_BYTES = 4096;

export type MllpFrameErrorReason = 'oversize' | 'truncated';

/**
 * A frame that could not be delivered as a message:
 * - 'oversize': longer than maxMessageBytes; its bytes were dropped up to its end block.
 * - 'truncated': a start block arrived, then either another start block or the end of the connection
 *   before the end block.
 * `head` holds the first bytes of the frame (up to FRAME_HEAD_BYTES) for diagnostics or an ACK.
 */
export class MllpFrameError extends Error {
  override readonly name = 'MllpFrameError';

  constructor(
    readonly reason: MllpFrameErrorReason,
    /** Bytes of message content seen for this frame (for 'oversize': at least the limit + 1). */
    readonly bytes: number,
    readonly head: Buffer,
    readonly limit?: number,
  ) {
    super(
      reason === 'oversize'
        ? `MLLP frame exceeds the maximum message size of ${limit} bytes`
        : `MLLP frame truncated after ${bytes} bytes: no end block (0x1C 0x0D)`,
    );
  }
}

export type MllpDecoderEvent =
  | { readonly type: 'message'; readonly message: Buffer }
  | { readonly type: 'error'; readonly error: MllpFrameError }
  /** Bytes outside any frame (e.g. a stray CRLF after the end block, or noise); they are dropped. */
  | { readonly type: 'junk'; readonly bytes: number };

export interface MllpFrameDecoderOptions {
  /** Largest message (between SB and EB) accepted, in bytes; DEFAULT_MAX_MESSAGE_BYTES by default. */
  readonly maxMessageBytes?: number;
}

const enum State {
  /** Between frames: waiting for a start block. */
  Outside,
  /** Inside a frame: collecting message bytes. */
  Inside,
  /** Inside an oversize frame: dropping bytes until its end block. */
  Discarding,
  /** Right after an end block: a CR is expected and swallowed. */
  AfterEnd,
}

export class MllpFrameDecoder {
  readonly maxMessageBytes: number;
  private state = State.Outside;
  private parts: Buffer[] = [];
  private size = 0;

  constructor(options: MllpFrameDecoderOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!(this.maxMessageBytes > 0)) throw new RangeError('maxMessageBytes must be positive');
  }

  /** True while a frame has started and not ended. */
  get inFrame(): boolean {
    return this.state === State.Inside || this.state === State.Discarding;
  }

  /** Feeds the next chunk of the byte stream; returns what it completed, in stream order. */
  push(chunk: Buffer): MllpDecoderEvent[] {
    const events: MllpDecoderEvent[] = [];
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      switch (this.state) {
        case State.AfterEnd: {
          // Appendix C: the end block is <FS><CR>. Senders that omit the CR are tolerated: FS never occurs in data.
          if (chunk[pos] === MLLP.CARRIAGE_RETURN) pos++;
          this.state = State.Outside;
          break;
        }
        case State.Outside: {
          const sb = chunk.indexOf(MLLP.START_BLOCK, pos);
          const junkEnd = sb === -1 ? len : sb;
          if (junkEnd > pos) events.push({ type: 'junk', bytes: junkEnd - pos });
          if (sb === -1) return events;
          this.startFrame();
          pos = sb + 1;
          break;
        }
        case State.Inside:
        case State.Discarding: {
          const eb = chunk.indexOf(MLLP.END_BLOCK, pos);
          const sb = chunk.indexOf(MLLP.START_BLOCK, pos);
          if (sb !== -1 && (eb === -1 || sb < eb)) {
            // A new frame starts before this one ended: the sender gave up on it (or lost bytes). An
            // oversize frame was reported already when it crossed the limit.
            this.collect(chunk, pos, sb, events);
            if (this.state === State.Inside) events.push({ type: 'error', error: this.truncated() });
            this.startFrame();
            pos = sb + 1;
            break;
          }
          const end = eb === -1 ? len : eb;
          this.collect(chunk, pos, end, events);
          if (eb === -1) return events;
          if (this.state === State.Inside) events.push({ type: 'message', message: this.takeMessage() });
          this.reset();
          this.state = State.AfterEnd;
          pos = eb + 1;
          break;
        }
      }
    }
    return events;
  }

  /** The connection closed: a frame still open is reported as truncated (an oversize one was already). */
  end(): MllpDecoderEvent[] {
    const events: MllpDecoderEvent[] = [];
    if (this.state === State.Inside) events.push({ type: 'error', error: this.truncated() });
    this.reset();
    return events;
  }

  private startFrame(): void {
    this.reset();
    this.state = State.Inside;
  }

  private reset(): void {
    this.state = State.Outside;
    this.parts = [];
    this.size = 0;
  }

  private collect(chunk: Buffer, from: number, to: number, events: MllpDecoderEvent[]): void {
    if (to <= from) return;
    const piece = chunk.subarray(from, to);
    if (this.state === State.Discarding) {
      this.size += piece.length;
      return;
    }
    if (this.size + piece.length > this.maxMessageBytes) {
      this.size += piece.length;
      const head = this.headOf([...this.parts, piece]);
      this.parts = [];
      this.state = State.Discarding;
      events.push({
        type: 'error',
        error: new MllpFrameError('oversize', this.size, head, this.maxMessageBytes),
      });
      return;
    }
    this.parts.push(piece);
    this.size += piece.length;
  }

  private headOf(parts: Buffer[]): Buffer {
    const out: Buffer[] = [];
    let n = 0;
    for (const p of parts) {
      if (n >= FRAME_HEAD_BYTES) break;
      const take = p.subarray(0, FRAME_HEAD_BYTES - n);
      out.push(take);
      n += take.length;
    }
    return Buffer.concat(out);
  }

  private takeMessage(): Buffer {
    // One chunk (the usual case) is handed out as a view; several are joined into one buffer.
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size);
  }

  private truncated(): MllpFrameError {
    return new MllpFrameError('truncated', this.size, this.headOf(this.parts));
  }
}

/** Wraps a message in an MLLP frame: <SB> message <EB><CR>. */
export function encodeMllpFrame(message: Buffer | string): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  const frame = Buffer.allocUnsafe(body.length + 3);
  frame[0] = MLLP.START_BLOCK;
  body.copy(frame, 1);
  frame[body.length + 1] = MLLP.END_BLOCK;
  frame[body.length + 2] = MLLP.CARRIAGE_RETURN;
  return frame;
}
