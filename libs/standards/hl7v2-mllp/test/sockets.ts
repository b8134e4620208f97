import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllpFrameDecoder } from '../src/frame-decoder';

/** A plain socket that writes whatever bytes a test gives it and collects the reply frames. */
export class RawPeer {
  readonly replies: Buffer[] = [];
  private readonly decoder = new MllpFrameDecoder();
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const e of this.decoder.push(chunk)) if (e.type === 'message') this.replies.push(e.message);
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

  /** Resolves once `count` replies have arrived (or rejects after `ms`). */
  async waitForReplies(count: number, ms = 5_000): Promise<Buffer[]> {
    const deadline = Date.now() + ms;
    while (this.replies.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} replies, got ${this.replies.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.replies;
  }

  end(): void {
    this.socket.end();
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function which(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A throw-away self-signed certificate for 127.0.0.1, made by the openssl CLI. Node can read X.509 but not
 * issue it, so without openssl the TLS tests are skipped.
 */
export function selfSignedCertificate(): { key: string; cert: string } | undefined {
  if (!which('openssl')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mllp-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=mllp-test',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
