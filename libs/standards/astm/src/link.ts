import { EventEmitter } from 'node:events';
import {
  ASTM,
  CONTROL_BYTES,
  encodeAstmFrames,
  MAX_FRAME_TEXT,
  nextFrameNumber,
  type AstmControl,
  type AstmFrame,
} from './frame';
import { AstmFrameDecoder, type AstmFrameError, type AstmToken } from './frame-decoder';

/**
 * The E1381-02 / CLSI LIS01-A2 data link layer for one connection: the receiver and the sender state
 * machines, sharing one line, as the standard describes them (E1381-02 §6; LIS01-A2 carries the same text).
 *
 *   neutral ──ENQ in, we can take it: ACK──▶ receiving ──EOT──▶ neutral (message delivered)
 *   neutral ──we have a message: ENQ──▶ establishing ──ACK──▶ sending ──last frame ACKed: EOT──▶ neutral
 *
 * Receiver (§6.3, §6.5): every frame is checked (checksum, frame number) and answered ACK or NAK; a
 * retransmitted frame (the same number as the last accepted one, sent again because our ACK was lost) is
 * ACKed and dropped; EOT ends the transmission and the joined frame texts are handed out; no frame or EOT
 * within 30 s puts the line back to neutral and discards what was received of an unfinished message.
 *
 * Sender (§6.2, §6.3, §6.5): ENQ, then frames one at a time, each waiting for its reply; NAK to ENQ means
 * "busy": wait 10 s and ask again; NAK to a frame means "send it again", at most 6 tries in all, then EOT
 * and give up; no reply within 15 s means EOT and give up; EOT in place of ACK is the receiver asking us to
 * stop soon (§6.3.5, receiver interrupt): the frame counts as accepted and the request is reported.
 *
 * Contention (§6.2.7): both sides sent ENQ at once. The instrument has priority: the host (LIS) stops,
 * does not answer that ENQ, waits for the instrument's next ENQ (answered as usual) and tries again only
 * after 20 s; the instrument ignores the host's ENQ and sends its own again after at least 1 s.
 *
 * The ASTM role (host or instrument) is independent of TCP: an analyzer may be the TCP client or the TCP
 * server; what matters here is who wins contention.
 */

export type AstmRole = 'host' | 'instrument';

export type AstmLinkState = 'neutral' | 'receiving' | 'establishing' | 'sending';

/** Link timers and counters. Defaults are the standard's; tests and odd instruments override them. */
export interface AstmTimings {
  /** Sender: wait for the reply to ENQ or to a frame; 15 s (§6.5.2). */
  readonly replyTimeoutMs: number;
  /** Receiver: wait for the next frame or EOT; 30 s (§6.5.2). */
  readonly receiveTimeoutMs: number;
  /** Sender: after NAK to ENQ (receiver busy) wait before the next ENQ; 10 s (§6.2.6). */
  readonly busyRetryDelayMs: number;
  /** Host after contention: wait before the next ENQ; 20 s (§6.2.7.1). */
  readonly hostContentionDelayMs: number;
  /** Instrument after contention: wait before the next ENQ; 1 s (§6.2.7.1). */
  readonly instrumentContentionDelayMs: number;
  /** Sends of one frame before the sender aborts (first send included); 6 (§6.5.1.2). */
  readonly maxFrameAttempts: number;
  /**
   * ENQs for one message (answered NAK or not at all) before it fails. The standard sets no limit; 6 keeps
   * a host answer from waiting forever on a busy analyzer.
   */
  readonly maxEnqAttempts: number;
}

export const DEFAULT_TIMINGS: AstmTimings = {
  replyTimeoutMs: 15_000,
  receiveTimeoutMs: 30_000,
  busyRetryDelayMs: 10_000,
  hostContentionDelayMs: 20_000,
  instrumentContentionDelayMs: 1_000,
  maxFrameAttempts: 6,
  maxEnqAttempts: 6,
};

export type AstmLinkErrorCode =
  /** Receiver: a frame failed its checksum; answered NAK. */
  | 'CHECKSUM'
  /** Receiver: a frame did not carry the expected frame number; answered NAK. */
  | 'FRAME_NUMBER'
  /** Receiver: not a frame (broken, cut short, oversize); answered NAK. */
  | 'MALFORMED_FRAME'
  /** Receiver: no frame or EOT within receiveTimeoutMs; the unfinished message was discarded. */
  | 'RECEIVE_TIMEOUT'
  /** Receiver: EOT after an intermediate frame, or the connection closed during a transmission; the
   * unfinished part was discarded. */
  | 'INCOMPLETE_MESSAGE'
  /** Receiver: something that does not belong here (a frame without ENQ, ENQ inside a transmission). */
  | 'PROTOCOL'
  /** Receiver: beforeTerminatorAck could not make the message durable; the terminator frame got NAK. */
  | 'NOT_STORED'
  /** Sender: no reply to ENQ or to a frame within replyTimeoutMs. */
  | 'REPLY_TIMEOUT'
  /** Sender: a frame was refused maxFrameAttempts times; EOT sent, message not delivered. */
  | 'ABORTED'
  /** Sender: ENQ refused (NAK) or unanswered maxEnqAttempts times. */
  | 'REFUSED'
  /** Sender: the connection closed before the message was delivered. */
  | 'CLOSED';

/** A link-level fault. Never fatal to the connection: the link answers per the standard and goes on. */
export class AstmLinkError extends Error {
  override readonly name = 'AstmLinkError';

  constructor(
    readonly code: AstmLinkErrorCode,
    message: string,
    readonly details: { readonly frameNumber?: number; readonly frame?: AstmFrameError } = {},
  ) {
    super(message);
  }
}

/** What a completed send() tells about the transfer. */
export interface AstmSendResult {
  /** Frames in the message. */
  readonly frames: number;
  /** Frames sent again after a NAK. */
  readonly retransmissions: number;
  /** ENQs it took to get the line (1 when the first was accepted). */
  readonly enqAttempts: number;
  /** The receiver answered a frame with EOT (§6.3.5): it asked us to stop; the message was finished anyway. */
  readonly interrupted: boolean;
}

/** A transmission received between ENQ and EOT, frames joined. */
export interface AstmTransmission {
  /** The joined frame texts: E1394 records, each ending in CR, in the sender's character set. */
  readonly data: Buffer;
  readonly frames: number;
  /** Retransmitted frames that were ACKed and dropped. */
  readonly duplicates: number;
}

export interface AstmLinkEvents {
  transmission: [transmission: AstmTransmission];
  linkError: [error: AstmLinkError];
  /** Bytes that are neither control characters nor frames; dropped. */
  junk: [bytes: number];
  /** The receiver answered one of our frames with EOT (§6.3.5). */
  interrupt: [];
  /** Both sides sent ENQ (§6.2.7); `backoffMs` is how long we now wait before trying again. */
  contention: [backoffMs: number];
  /** The line went back to neutral. */
  neutral: [];
}

export interface AstmLinkOptions {
  readonly role: AstmRole;
  /** Writes bytes to the peer. */
  readonly write: (bytes: Buffer) => void;
  readonly timings?: Partial<AstmTimings>;
  /** Asked on every ENQ: false answers NAK ("busy", §6.2.5). Always true by default. */
  readonly canReceive?: () => boolean;
  readonly maxFrameBytes?: number;
  /** Text bytes per frame we send; 240 (§6.3.1.2). */
  readonly maxFrameText?: number;
  /**
   * Called with the records received so far when the end frame carrying the L (terminator) record arrives,
   * BEFORE that frame is acknowledged. Resolve true to ACK it, false (or reject) to NAK it: the sender then
   * retransmits the frame (§6.5.1) and the hook is asked again. This is how a receiver makes a message
   * durable before the sender may count it delivered: every earlier frame is ACKed as it comes, but the
   * message is complete only with its terminator, and that ACK now waits for the write. Bytes arriving
   * while the hook runs are held and processed after it (a sender sends nothing before our answer anyway).
   */
  readonly beforeTerminatorAck?: (records: Buffer) => Promise<boolean>;
}

interface Outgoing {
  readonly records: readonly Buffer[];
  readonly resolve: (result: AstmSendResult) => void;
  readonly reject: (error: AstmLinkError) => void;
  enqAttempts: number;
}

interface Transfer {
  readonly message: Outgoing;
  readonly frames: readonly Buffer[];
  index: number;
  /** Sends of the current frame. */
  attempts: number;
  retransmissions: number;
  interrupted: boolean;
}

export class AstmLink extends EventEmitter<AstmLinkEvents> {
  readonly role: AstmRole;
  readonly timings: AstmTimings;
  private readonly decoder: AstmFrameDecoder;
  private readonly queue: Outgoing[] = [];
  private stateValue: AstmLinkState = 'neutral';
  private timer: NodeJS.Timeout | undefined;
  /** While set, no ENQ goes out (after NAK to ENQ, after contention). */
  private holdTimer: NodeJS.Timeout | undefined;
  private current: Outgoing | undefined;
  private transfer: Transfer | undefined;
  // Receiving
  private parts: Buffer[] = [];
  private recordParts: Buffer[] = [];
  private expected = 1;
  private lastAccepted: number | undefined;
  private received = 0;
  private duplicates = 0;
  private closed = false;
  /** Set while beforeTerminatorAck runs; incoming bytes wait in `held`. */
  private committing = false;
  private held: Buffer[] = [];

  constructor(private readonly options: AstmLinkOptions) {
    super();
    this.role = options.role;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.decoder = new AstmFrameDecoder({ maxFrameBytes: options.maxFrameBytes });
  }

  get state(): AstmLinkState {
    return this.stateValue;
  }

  /** Neutral, nothing to send, nothing being sent. */
  get idle(): boolean {
    return this.stateValue === 'neutral' && this.queue.length === 0 && this.current === undefined;
  }

  /** True after close(): nothing is received or sent any more. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Messages waiting to be sent (the one in progress included). */
  get pendingSends(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  /**
   * Queues a message (E1394 records as bytes, without their CR) and resolves when its last frame was
   * accepted and EOT sent. Messages go out one transmission each, in call order, whenever the line is
   * neutral.
   */
  send(records: readonly Buffer[]): Promise<AstmSendResult> {
    if (this.closed) return Promise.reject(new AstmLinkError('CLOSED', 'the link is closed'));
    // Validate now (restricted characters), so a bad message fails at once and not mid-transfer.
    encodeAstmFrames(records, { maxTextLength: this.options.maxFrameText ?? MAX_FRAME_TEXT });
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject, enqAttempts: 0 });
      this.startSending();
    });
  }

  /** Feeds bytes from the peer. */
  push(chunk: Buffer): void {
    if (this.closed) return;
    if (this.committing) {
      this.held.push(chunk);
      return;
    }
    const tokens = this.decoder.push(chunk);
    for (let i = 0; i < tokens.length; i++) {
      this.onToken(tokens[i]);
      if (this.committing) {
        // The rest of this chunk is replayed once the commit has been answered. Tokens are re-encoded
        // from what remains undecoded: simplest is to keep the raw tail, which the decoder returns.
        this.heldTokens = tokens.slice(i + 1);
        return;
      }
    }
  }

  private heldTokens: ReturnType<AstmFrameDecoder['push']> = [];

  private resume(): void {
    this.committing = false;
    const tokens = this.heldTokens;
    this.heldTokens = [];
    for (let i = 0; i < tokens.length; i++) {
      this.onToken(tokens[i]);
      if (this.committing) {
        this.heldTokens = tokens.slice(i + 1);
        return;
      }
    }
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.push(chunk);
  }

  /** Stops all timers and fails every message not yet delivered. */
  close(reason = 'the connection closed'): void {
    if (this.closed) return;
    if (this.stateValue === 'receiving' && (this.parts.length > 0 || this.recordParts.length > 0)) {
      this.fail(
        'INCOMPLETE_MESSAGE',
        `${reason} during a transmission; the incomplete message was discarded`,
      );
    }
    this.closed = true;
    this.clearTimer();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    const pending = [...(this.current ? [this.current] : []), ...this.queue.splice(0)];
    this.current = undefined;
    this.transfer = undefined;
    for (const p of pending) p.reject(new AstmLinkError('CLOSED', reason));
    this.stateValue = 'neutral';
  }

  private write(bytes: Buffer): void {
    if (!this.closed) this.options.write(bytes);
  }

  private control(c: AstmControl): void {
    this.write(Buffer.of(CONTROL_BYTES[c]));
  }

  private fail(code: AstmLinkErrorCode, message: string, details?: AstmLinkError['details']): void {
    this.emit('linkError', new AstmLinkError(code, message, details));
  }

  private setTimer(ms: number, onTimeout: () => void): void {
    this.clearTimer();
    this.timer = setTimeout(onTimeout, ms);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private toNeutral(): void {
    this.clearTimer();
    this.stateValue = 'neutral';
    this.emit('neutral');
    this.startSending();
  }

  private hold(ms: number): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      this.startSending();
    }, ms);
  }

  private onToken(token: AstmToken): void {
    if (token.type === 'junk') {
      this.emit('junk', token.bytes);
      return;
    }
    switch (this.stateValue) {
      case 'neutral':
        return this.onNeutral(token);
      case 'receiving':
        return this.onReceiving(token);
      case 'establishing':
        return this.onEstablishing(token);
      case 'sending':
        return this.onSending(token);
    }
  }

  // ---- receiver ------------------------------------------------------------------------------------

  private onNeutral(token: Exclude<AstmToken, { type: 'junk' }>): void {
    if (token.type === 'control') {
      // §6.2: in neutral only ENQ means something; a stray ACK/NAK/EOT (late, or an empty session's EOT)
      // is ignored.
      if (token.control === 'ENQ') this.acceptEnq();
      return;
    }
    // A frame without ENQ: not answered (the sender will time out and end with EOT), but reported.
    this.fail('PROTOCOL', 'a frame arrived while the line was neutral (no ENQ before it); ignored', {
      frameNumber: token.type === 'frame' ? token.frame.number : token.error.frameNumber,
    });
  }

  private acceptEnq(): void {
    if (this.options.canReceive && !this.options.canReceive()) {
      this.control('NAK'); // §6.2.5: not ready to receive
      return;
    }
    this.control('ACK');
    this.stateValue = 'receiving';
    this.parts = [];
    this.recordParts = [];
    this.expected = 1;
    this.lastAccepted = undefined;
    this.received = 0;
    this.duplicates = 0;
    this.armReceiveTimer();
  }

  private armReceiveTimer(): void {
    this.setTimer(this.timings.receiveTimeoutMs, () => {
      // §6.5.2: the receiver discards the incomplete message and regards the line as neutral.
      this.decoder.reset();
      this.parts = [];
      this.recordParts = [];
      this.fail(
        'RECEIVE_TIMEOUT',
        `no frame or EOT within ${this.timings.receiveTimeoutMs} ms; the incomplete message was discarded`,
      );
      this.toNeutral();
    });
  }

  private onReceiving(token: Exclude<AstmToken, { type: 'junk' }>): void {
    if (token.type === 'frame') {
      this.onFrame(token.frame);
      this.armReceiveTimer();
      return;
    }
    if (token.type === 'badFrame') {
      const e = token.error;
      this.control('NAK'); // §6.5.1.1: a defective frame is answered NAK
      this.fail(e.reason === 'checksum' ? 'CHECKSUM' : 'MALFORMED_FRAME', e.message, {
        frameNumber: e.frameNumber,
        frame: e,
      });
      this.armReceiveTimer();
      return;
    }
    switch (token.control) {
      case 'EOT':
        return this.endOfTransmission();
      case 'ENQ':
        // The sender started over (it may have timed out waiting for us): what we had is incomplete.
        this.clearTimer();
        if (this.parts.length > 0 || this.recordParts.length > 0) {
          this.fail('PROTOCOL', 'ENQ inside a transmission; the unfinished message was discarded');
        }
        this.stateValue = 'neutral';
        this.acceptEnq();
        return;
      default:
        return; // ACK/NAK from a receiver make no sense here; ignore.
    }
  }

  private onFrame(frame: AstmFrame): void {
    if (
      frame.number === this.expected &&
      frame.final &&
      this.options.beforeTerminatorAck &&
      isTerminator(frame.text)
    ) {
      this.commitThenAnswer(frame);
      return;
    }
    if (frame.number === this.expected) {
      this.control('ACK');
      this.received++;
      this.lastAccepted = frame.number;
      this.expected = nextFrameNumber(frame.number);
      this.recordParts.push(frame.text);
      if (frame.final) {
        // An end frame completes a low-level message (for E1394: a record). Senders that leave out the
        // record's CR get one, so records never run together.
        const last = frame.text.length > 0 ? frame.text[frame.text.length - 1] : -1;
        if (last !== ASTM.CR) this.recordParts.push(Buffer.of(ASTM.CR));
        this.parts.push(...this.recordParts);
        this.recordParts = [];
      }
      return;
    }
    if (this.lastAccepted !== undefined && frame.number === this.lastAccepted) {
      // §6.3.4 / §6.5.1: our ACK was lost and the sender repeated the frame: accept it again, keep one copy.
      this.control('ACK');
      this.duplicates++;
      return;
    }
    this.control('NAK');
    this.fail('FRAME_NUMBER', `frame number ${frame.number} where ${this.expected} was expected`, {
      frameNumber: frame.number,
    });
  }

  /** The terminator frame: ACK only once the receiver's hook has made the message durable; else NAK. */
  private commitThenAnswer(frame: AstmFrame): void {
    this.committing = true;
    this.clearTimer();
    const records = Buffer.concat([...this.parts, ...this.recordParts, frame.text]);
    void this.options.beforeTerminatorAck!(records)
      .catch(() => false)
      .then((ok) => {
        // Closed, or timed out meanwhile (the line went neutral and the message was discarded).
        if (this.closed || this.stateValue !== 'receiving') {
          this.resume();
          return;
        }
        if (ok) {
          this.control('ACK');
          this.received++;
          this.lastAccepted = frame.number;
          this.expected = nextFrameNumber(frame.number);
          this.parts.push(...this.recordParts, frame.text);
          if (frame.text.length === 0 || frame.text[frame.text.length - 1] !== ASTM.CR)
            this.parts.push(Buffer.of(ASTM.CR));
          this.recordParts = [];
        } else {
          this.control('NAK');
          this.fail('NOT_STORED', 'the message could not be stored; its terminator frame was refused (NAK)', {
            frameNumber: frame.number,
          });
        }
        this.armReceiveTimer();
        this.resume();
      });
  }

  private endOfTransmission(): void {
    this.clearTimer();
    this.decoder.reset();
    if (this.recordParts.length > 0) {
      this.fail(
        'INCOMPLETE_MESSAGE',
        'EOT after an intermediate frame (ETB); the unfinished record was discarded',
      );
    }
    const parts = this.parts;
    const frames = this.received;
    const duplicates = this.duplicates;
    this.parts = [];
    this.recordParts = [];
    this.stateValue = 'neutral';
    // An ENQ/EOT pair without frames is a legal empty session (some analyzers poll that way): nothing to hand out.
    if (parts.length > 0) this.emit('transmission', { data: Buffer.concat(parts), frames, duplicates });
    this.toNeutral();
  }

  // ---- sender --------------------------------------------------------------------------------------

  private startSending(): void {
    if (this.closed || this.stateValue !== 'neutral' || this.holdTimer || this.current) return;
    const next = this.queue.shift();
    if (!next) return;
    this.current = next;
    this.establish();
  }

  private establish(): void {
    const message = this.current;
    if (!message) return;
    message.enqAttempts++;
    this.stateValue = 'establishing';
    this.control('ENQ');
    this.setTimer(this.timings.replyTimeoutMs, () => {
      // §6.5.2: no reply to ENQ: termination phase (EOT), then try again later or give up.
      this.control('EOT');
      this.retryEstablish(
        'REPLY_TIMEOUT',
        `no reply to ENQ within ${this.timings.replyTimeoutMs} ms (${message.enqAttempts} attempt(s))`,
      );
    });
  }

  private retryEstablish(code: AstmLinkErrorCode, reason: string): void {
    const message = this.current;
    this.clearTimer();
    this.stateValue = 'neutral';
    if (message && message.enqAttempts >= this.timings.maxEnqAttempts) {
      this.current = undefined;
      message.reject(new AstmLinkError(code === 'REPLY_TIMEOUT' ? code : 'REFUSED', reason));
    } else {
      this.hold(this.timings.busyRetryDelayMs);
      this.current = undefined;
      if (message) this.queue.unshift(message);
    }
    this.emit('neutral');
    this.startSending();
  }

  private onEstablishing(token: Exclude<AstmToken, { type: 'junk' }>): void {
    if (token.type !== 'control') return; // nothing but a control character answers ENQ
    switch (token.control) {
      case 'ACK': {
        const message = this.current;
        if (!message) return;
        const frames = encodeAstmFrames(message.records, {
          maxTextLength: this.options.maxFrameText ?? MAX_FRAME_TEXT,
        });
        this.transfer = { message, frames, index: 0, attempts: 0, retransmissions: 0, interrupted: false };
        this.stateValue = 'sending';
        this.sendFrame();
        return;
      }
      case 'NAK':
        // §6.2.6: the receiver is busy; wait (10 s) before the next ENQ.
        return this.retryEstablish('REFUSED', 'ENQ answered NAK (receiver busy)');
      case 'ENQ': {
        // §6.2.7.1 contention. The instrument has priority.
        const message = this.current;
        this.clearTimer();
        this.current = undefined;
        if (message) {
          message.enqAttempts--; // contention is not a refusal
          this.queue.unshift(message);
        }
        this.stateValue = 'neutral';
        const backoff =
          this.role === 'host'
            ? this.timings.hostContentionDelayMs
            : this.timings.instrumentContentionDelayMs;
        this.hold(backoff);
        this.emit('contention', backoff);
        // The host does not answer this ENQ: it waits for the instrument's next one. The instrument ignores
        // the host's ENQ and sends its own again after the backoff.
        return;
      }
      default:
        return; // EOT: ignore, keep waiting for ACK/NAK
    }
  }

  private sendFrame(): void {
    const t = this.transfer;
    if (!t) return;
    t.attempts++;
    this.write(t.frames[t.index]);
    this.setTimer(this.timings.replyTimeoutMs, () => {
      // §6.5.2: no reply to a frame within 15 s: termination phase.
      this.abortTransfer(
        'REPLY_TIMEOUT',
        `no reply to frame ${t.index + 1} of ${t.frames.length} within ${this.timings.replyTimeoutMs} ms`,
      );
    });
  }

  private abortTransfer(code: AstmLinkErrorCode, reason: string): void {
    const t = this.transfer;
    this.transfer = undefined;
    this.current = undefined;
    this.clearTimer();
    this.control('EOT');
    t?.message.reject(new AstmLinkError(code, reason));
    this.toNeutral();
  }

  private onSending(token: Exclude<AstmToken, { type: 'junk' }>): void {
    const t = this.transfer;
    if (!t || token.type !== 'control') return;
    switch (token.control) {
      case 'EOT':
        // §6.3.5 receiver interrupt: EOT in place of ACK accepts the frame and asks us to stop. The sender
        // may go on; we finish the message (stopping would split it across transmissions) and report it.
        t.interrupted = true;
        this.emit('interrupt');
        return this.frameAccepted(t);
      case 'ACK':
        return this.frameAccepted(t);
      case 'NAK':
        // §6.5.1.2: retransmit the same frame; after 6 sends in all, abort with EOT.
        if (t.attempts >= this.timings.maxFrameAttempts) {
          return this.abortTransfer(
            'ABORTED',
            `frame ${t.index + 1} of ${t.frames.length} was refused ${t.attempts} times`,
          );
        }
        t.retransmissions++;
        return this.sendFrame();
      default:
        return; // ENQ while we send: the peer is confused; keep waiting for the reply to our frame.
    }
  }

  private frameAccepted(t: Transfer): void {
    t.index++;
    t.attempts = 0;
    if (t.index < t.frames.length) return this.sendFrame();
    this.clearTimer();
    this.control('EOT'); // §6.4: termination phase
    this.transfer = undefined;
    this.current = undefined;
    t.message.resolve({
      frames: t.frames.length,
      retransmissions: t.retransmissions,
      enqAttempts: t.message.enqAttempts,
      interrupted: t.interrupted,
    });
    this.toNeutral();
  }
}

/** An L (terminator) record starts the frame text: 'L' followed by the field delimiter (E1394 §13). */
function isTerminator(text: Buffer): boolean {
  return text.length >= 2 && text[0] === 0x4c && text[1] === 0x7c;
}
