import * as net from 'node:net';
import { ASTM, astmChecksum } from '../src/frame';
import { AstmFrameDecoder, type AstmToken } from '../src/frame-decoder';

export const ENQ = Buffer.of(ASTM.ENQ);
export const ACK = Buffer.of(ASTM.ACK);
export const NAK = Buffer.of(ASTM.NAK);
export const EOT = Buffer.of(ASTM.EOT);

/**
 * A frame built independently of the library's encoder, straight from the rule (LIS01-A2 / E1381 §6.3):
 * <STX> FN text <ETB|ETX> C1 C2 <CR><LF>, checksum = sum of FN..ETB/ETX mod 256 in two uppercase hex digits.
 */
export function handFrame(fn: number, text: string | Buffer, final = true, checksum?: string): Buffer {
  const body = Buffer.concat([
    Buffer.from(String(fn), 'latin1'),
    typeof text === 'string' ? Buffer.from(text, 'utf8') : text,
    Buffer.of(final ? 0x03 : 0x17),
  ]);
  const sum = body.reduce((a, b) => (a + b) % 256, 0);
  const cs = checksum ?? sum.toString(16).toUpperCase().padStart(2, '0');
  return Buffer.concat([Buffer.of(0x02), body, Buffer.from(cs, 'latin1'), Buffer.of(0x0d, 0x0a)]);
}

/** Sanity: the library's checksum agrees with the hand rule on arbitrary bytes. */
export function sameChecksum(bytes: Buffer): boolean {
  return (
    astmChecksum(bytes) ===
    bytes
      .reduce((a, b) => (a + b) % 256, 0)
      .toString(16)
      .toUpperCase()
      .padStart(2, '0')
  );
}

/** A plain socket: writes whatever a test gives it, tokenizes what comes back (ACK/NAK/ENQ/EOT/frames). */
export class RawPeer {
  readonly tokens: AstmToken[] = [];
  private read = 0;
  private readonly decoder = new AstmFrameDecoder();
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.tokens.push(...this.decoder.push(chunk));
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  /** The next token not yet taken (waits up to `ms`). */
  async next(ms = 5_000): Promise<AstmToken> {
    const deadline = Date.now() + ms;
    while (this.read >= this.tokens.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no token within ${ms} ms (got ${this.tokens.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.tokens[this.read++];
  }

  /** The next control character (ACK, NAK, ENQ, EOT), failing on anything else. */
  async control(ms?: number): Promise<string> {
    const t = await this.next(ms);
    if (t.type !== 'control') throw new Error(`expected a control character, got ${t.type}`);
    return t.control;
  }

  /** Nothing arrives for `ms`. */
  async silent(ms: number): Promise<boolean> {
    const before = this.tokens.length;
    await delay(ms);
    return this.tokens.length === before;
  }

  /** Writes frames one by one, each after the previous one's reply; returns the replies. */
  async sendFrames(frames: readonly Buffer[]): Promise<string[]> {
    const replies: string[] = [];
    for (const f of frames) {
      await this.write(f);
      replies.push(await this.control());
    }
    return replies;
  }

  /** Receives a whole transmission from the other side, answering ACK: ENQ, frames, EOT. */
  async receiveTransmission(ms = 5_000): Promise<Buffer> {
    const enq = await this.control(ms);
    if (enq !== 'ENQ') throw new Error(`expected ENQ, got ${enq}`);
    await this.write(ACK);
    const parts: Buffer[] = [];
    for (;;) {
      const t = await this.next(ms);
      if (t.type === 'control' && t.control === 'EOT') return Buffer.concat(parts);
      if (t.type !== 'frame') throw new Error(`expected a frame, got ${JSON.stringify(t)}`);
      parts.push(t.frame.text);
      await this.write(ACK);
    }
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Splits bytes at random places (seeded), to feed a stream in arbitrary chunks. */
export function randomChunks(bytes: Buffer, seed: number, maxChunk = 17): Buffer[] {
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
  const out: Buffer[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const n = 1 + Math.floor(rand() * maxChunk);
    out.push(bytes.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}
