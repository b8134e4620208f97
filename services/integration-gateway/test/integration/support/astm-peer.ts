import { Socket } from 'node:net';

/**
 * A raw ASTM analyzer for tests: it writes bytes exactly as a transcript says (ENQ, STX FN text ETX C1 C2
 * CR LF, EOT) and reads the host's single-byte answers. The frames are built here by the standard's rule
 * (E1381 §6.3.1: checksum = sum of FN..ETX modulo 256, two uppercase hex digits), not with the library
 * under test, so a mistake in one does not hide a mistake in the other.
 */
export const ENQ = 0x05;
export const ACK = 0x06;
export const NAK = 0x15;
export const EOT = 0x04;

export function frame(n: number, text: string, end: 'ETX' | 'ETB' = 'ETX', corrupt = false): Buffer {
  const body = Buffer.concat([
    Buffer.from(String(n % 8), 'ascii'),
    Buffer.from(text, 'utf8'),
    Buffer.from([end === 'ETX' ? 0x03 : 0x17]),
  ]);
  let sum = 0;
  for (const b of body) sum = (sum + b) % 256;
  if (corrupt) sum = (sum + 1) % 256;
  const checksum = sum.toString(16).toUpperCase().padStart(2, '0');
  return Buffer.concat([Buffer.from([0x02]), body, Buffer.from(checksum + '\r\n', 'ascii')]);
}

export class RawAnalyzer {
  private readonly socket = new Socket();
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;

  static async connect(port: number): Promise<RawAnalyzer> {
    const a = new RawAnalyzer();
    await new Promise<void>((resolve, reject) => {
      a.socket.once('error', reject);
      a.socket.connect(port, '127.0.0.1', () => resolve());
    });
    a.socket.on('data', (d) => {
      a.buffer = Buffer.concat([a.buffer, d]);
      a.waiting?.();
    });
    return a;
  }

  write(bytes: Buffer | number): void {
    this.socket.write(typeof bytes === 'number' ? Buffer.from([bytes]) : bytes);
  }

  /** The next control byte from the host (ACK, NAK, ENQ, EOT), within `ms`. */
  async control(ms = 10_000): Promise<number> {
    const deadline = Date.now() + ms;
    while (this.buffer.length === 0) {
      if (Date.now() > deadline) throw new Error('no answer from the host');
      await new Promise<void>((r) => {
        this.waiting = r;
        setTimeout(r, 50);
      });
    }
    const b = this.buffer[0];
    this.buffer = this.buffer.subarray(1);
    return b;
  }

  /** Everything up to and including the next CR LF (a frame the host sends us). */
  async frameText(ms = 10_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.buffer.indexOf('\r\n');
      if (i >= 0) {
        const f = this.buffer.subarray(0, i + 2);
        this.buffer = this.buffer.subarray(i + 2);
        // STX FN text ETX/ETB C1 C2 CR LF -> text
        return f.subarray(2, f.length - 5).toString('utf8');
      }
      if (Date.now() > deadline) throw new Error('no frame from the host');
      await new Promise<void>((r) => {
        this.waiting = r;
        setTimeout(r, 50);
      });
    }
  }

  /** Sends one message as the instrument: ENQ, each record in its own frame, EOT; returns the answers. */
  async sendMessage(records: string[], tamper?: (frameIndex: number) => boolean): Promise<number[]> {
    const answers: number[] = [];
    this.write(ENQ);
    answers.push(await this.control());
    for (let i = 0; i < records.length; i++) {
      const fn = (i + 1) % 8;
      const corrupt = tamper?.(i) ?? false;
      this.write(frame(fn, records[i] + '\r', 'ETX', corrupt));
      let a = await this.control();
      answers.push(a);
      // §6.5.1: a NAKed frame is sent again (up to 6 times).
      for (let tries = 1; a === NAK && tries < 6; tries++) {
        this.write(frame(fn, records[i] + '\r'));
        a = await this.control();
        answers.push(a);
      }
    }
    this.write(EOT);
    return answers;
  }

  close(): void {
    this.socket.destroy();
  }
}
