import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { encodeMllpFrame, MllpFrameDecoder, type MllpFrameError } from './frame-decoder';

export type MllpClientErrorCode = 'CONNECT' | 'TIMEOUT' | 'CLOSED' | 'FRAME';

/** Why a send() failed: no connection, no reply in time, the connection dropped, or a broken reply frame. */
export class MllpClientError extends Error {
  override readonly name = 'MllpClientError';

  constructor(
    readonly code: MllpClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface MllpReconnectOptions {
  /** Connection attempts per send() (and per connect()) before giving up; 3 by default. */
  readonly attempts?: number;
  /** First wait between attempts, doubled each time up to maxDelayMs; 200 ms and 5 s by default. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface MllpClientOptions {
  readonly host: string;
  readonly port: number;
  /** TLS: node:tls connect options (ca, cert, key, servername, ...), or true for the defaults. */
  readonly tls?: tls.ConnectionOptions | true;
  /** Per connection attempt; 10 s by default. */
  readonly connectTimeoutMs?: number;
  /** How long send() waits for the reply frame; 30 s by default. */
  readonly responseTimeoutMs?: number;
  /** Largest reply accepted. */
  readonly maxMessageBytes?: number;
  readonly reconnect?: MllpReconnectOptions;
}

export interface MllpClientEvents {
  connect: [];
  disconnect: [];
  /** A frame that arrived while no send() was waiting (some systems push messages on the same socket). */
  unsolicited: [message: Buffer];
  frameError: [error: MllpFrameError];
  connectionError: [error: Error];
}

interface Pending {
  resolve(reply: Buffer): void;
  reject(error: Error): void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An MLLP sender (HL7 v2.5.1 Appendix C, MLLP): send() frames a message, writes it and resolves with the next
 * frame the peer sends back (the ACK). One message is outstanding at a time, as original-mode
 * acknowledgment requires; concurrent send() calls queue up in call order.
 *
 * The connection is opened on the first send() (or by connect()) and reopened, with retries and backoff,
 * on the next send() after it dropped. A message whose reply did not come is never resent here: it may
 * have been processed, and whether to resend is the caller's decision. After a response timeout the
 * connection is dropped, so that a late reply cannot be taken for the reply to the next message.
 */
export class MllpClient extends EventEmitter<MllpClientEvents> {
  private socket: net.Socket | undefined;
  private pending: Pending | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private connecting: Promise<net.Socket> | undefined;
  private closed = false;

  constructor(private readonly options: MllpClientOptions) {
    super();
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  /** Opens the connection now (with the reconnect retries) instead of on the first send(). */
  async connect(): Promise<void> {
    await this.ensureConnected();
  }

  /** Sends one message and resolves with the reply frame's content. */
  send(message: Buffer | string, options: { timeoutMs?: number } = {}): Promise<Buffer> {
    const result = this.chain.then(() => this.sendNow(message, options.timeoutMs));
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Waits for queued sends, then closes the connection. The client cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 2_000).unref();
    });
  }

  /** Closes at once; a pending send() fails with CLOSED. */
  destroy(): void {
    this.closed = true;
    this.socket?.destroy();
  }

  private async sendNow(message: Buffer | string, timeoutMs?: number): Promise<Buffer> {
    if (this.closed) throw new MllpClientError('CLOSED', 'the client is closed');
    const socket = await this.ensureConnected();
    const timeout = timeoutMs ?? this.options.responseTimeoutMs ?? 30_000;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new MllpClientError('TIMEOUT', `no reply within ${timeout} ms`));
        socket.destroy();
      }, timeout);
      this.pending = {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      socket.write(encodeMllpFrame(message));
    });
  }

  private async ensureConnected(): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return this.socket;
    if (!this.connecting) {
      this.connecting = this.connectWithRetry().finally(() => (this.connecting = undefined));
    }
    return this.connecting;
  }

  private async connectWithRetry(): Promise<net.Socket> {
    const attempts = Math.max(1, this.options.reconnect?.attempts ?? 3);
    let delay = this.options.reconnect?.initialDelayMs ?? 200;
    const maxDelay = this.options.reconnect?.maxDelayMs ?? 5_000;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.closed) throw new MllpClientError('CLOSED', 'the client is closed');
      try {
        const socket = await this.connectOnce();
        this.attach(socket);
        return socket;
      } catch (error) {
        last = error;
        this.emit('connectionError', error as Error);
        if (attempt < attempts) {
          await sleep(delay);
          delay = Math.min(delay * 2, maxDelay);
        }
      }
    }
    throw new MllpClientError(
      'CONNECT',
      `cannot connect to ${this.options.host}:${this.options.port} after ${attempts} attempt(s)`,
      { cause: last },
    );
  }

  private connectOnce(): Promise<net.Socket> {
    const { host, port } = this.options;
    const timeout = this.options.connectTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      let socket: net.Socket;
      const ready = (): void => {
        clearTimeout(timer);
        socket.off('error', failed);
        resolve(socket);
      };
      const failed = (error: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      if (this.options.tls) {
        const tlsOptions = this.options.tls === true ? {} : this.options.tls;
        socket = tls.connect(
          { servername: net.isIP(host) ? undefined : host, ...tlsOptions, host, port },
          ready,
        );
      } else {
        socket = net.connect({ host, port }, ready);
      }
      const timer = setTimeout(() => failed(new Error(`connect timeout after ${timeout} ms`)), timeout);
      socket.once('error', failed);
    });
  }

  private attach(socket: net.Socket): void {
    const decoder = new MllpFrameDecoder({ maxMessageBytes: this.options.maxMessageBytes });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.on('data', (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) {
        if (event.type === 'message') this.onReply(event.message);
        else if (event.type === 'error') this.onFrameError(event.error);
      }
    });
    socket.on('error', (error) => this.emit('connectionError', error));
    socket.on('close', () => {
      for (const event of decoder.end()) if (event.type === 'error') this.emit('frameError', event.error);
      if (this.socket === socket) this.socket = undefined;
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(new MllpClientError('CLOSED', 'the connection closed before the reply came'));
      this.emit('disconnect');
    });
    this.emit('connect');
  }

  private onReply(message: Buffer): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) pending.resolve(message);
    else this.emit('unsolicited', message);
  }

  private onFrameError(error: MllpFrameError): void {
    this.emit('frameError', error);
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(
      new MllpClientError('FRAME', `the reply frame was unusable: ${error.message}`, { cause: error }),
    );
  }
}
