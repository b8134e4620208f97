import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import type { AstmEncoding } from './charset';
import {
  AstmLink,
  type AstmLinkError,
  type AstmLinkState,
  type AstmRole,
  type AstmSendResult,
  type AstmTimings,
  type AstmTransmission,
} from './link';
import { AstmParseError, parseAstm, parseAstmMessages, type AstmMessage } from './message';

export type AstmClientErrorCode = 'CONNECT' | 'TIMEOUT' | 'CLOSED';

export class AstmClientError extends Error {
  override readonly name = 'AstmClientError';

  constructor(
    readonly code: AstmClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface AstmClientOptions {
  readonly host: string;
  readonly port: number;
  /**
   * Our ASTM role; 'instrument' by default, to simulate an analyzer. A LIS that connects out to an analyzer
   * listening as the TCP server (several do) uses 'host'.
   */
  readonly role?: AstmRole;
  /** 'auto' by default: read valid UTF-8 as UTF-8, else Latin-1; send UTF-8. */
  readonly encoding?: AstmEncoding;
  readonly timings?: Partial<AstmTimings>;
  /** 10 s by default. */
  readonly connectTimeoutMs?: number;
  readonly maxFrameBytes?: number;
  /** Text bytes per frame we send; 240. */
  readonly maxFrameText?: number;
  /** Messages kept for receive() when nobody waits; older ones are dropped beyond this. 1000. */
  readonly maxInbox?: number;
}

export interface AstmClientEvents {
  connect: [];
  disconnect: [];
  /** A message from the peer (also kept for receive()). */
  message: [message: AstmMessage];
  linkError: [error: AstmLinkError];
  parseError: [error: AstmParseError, data: Buffer];
  connectionError: [error: Error];
  interrupt: [];
  contention: [backoffMs: number];
  junk: [bytes: number];
}

interface Waiter {
  resolve(message: AstmMessage): void;
  reject(error: Error): void;
}

/**
 * An ASTM E1381/E1394 peer over one TCP connection, by default in the instrument's role: it sends a
 * message as an analyzer does (ENQ, frames, EOT, with the sender's retries and timeouts) and receives the
 * host's transmissions (answering each frame ACK/NAK) for receive(). For tests, simulators, and for a LIS
 * that must connect out to an analyzer.
 */
export class AstmClient extends EventEmitter<AstmClientEvents> {
  private socket: net.Socket | undefined;
  private link: AstmLink | undefined;
  private readonly inbox: AstmMessage[] = [];
  private readonly waiters: Waiter[] = [];
  private closedByUser = false;

  constructor(private readonly options: AstmClientOptions) {
    super();
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  get linkState(): AstmLinkState | undefined {
    return this.link?.state;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    if (this.closedByUser) throw new AstmClientError('CLOSED', 'the client is closed');
    const { host, port } = this.options;
    const timeout = this.options.connectTimeoutMs ?? 10_000;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host, port }, () => {
        clearTimeout(timer);
        s.off('error', failed);
        resolve(s);
      });
      const failed = (error: Error): void => {
        clearTimeout(timer);
        s.destroy();
        reject(new AstmClientError('CONNECT', `cannot connect to ${host}:${port}`, { cause: error }));
      };
      const timer = setTimeout(() => failed(new Error(`connect timeout after ${timeout} ms`)), timeout);
      s.once('error', failed);
    });
    this.attach(socket);
  }

  /**
   * Sends one message (one transmission: ENQ, frames, EOT) and resolves once the peer accepted its last
   * frame. Connects first if needed. Concurrent sends go out one after the other.
   */
  async send(message: AstmMessage | string): Promise<AstmSendResult> {
    await this.connect();
    const link = this.link;
    if (!link) throw new AstmClientError('CLOSED', 'the connection closed');
    const m = typeof message === 'string' ? parseAstm(message) : message;
    return link.send(m.toRecordBuffers(this.options.encoding ?? m.encoding ?? 'auto'));
  }

  /** The next message the peer sent, in arrival order (waits up to timeoutMs, 30 s by default). */
  receive(options: { timeoutMs?: number } = {}): Promise<AstmMessage> {
    const next = this.inbox.shift();
    if (next) return Promise.resolve(next);
    if (this.closedByUser) return Promise.reject(new AstmClientError('CLOSED', 'the client is closed'));
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i !== -1) this.waiters.splice(i, 1);
        reject(new AstmClientError('TIMEOUT', `no message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Sends a message (e.g. H/Q/L) and resolves with the next message the peer sends (its answer). */
  async query(message: AstmMessage | string, options: { timeoutMs?: number } = {}): Promise<AstmMessage> {
    await this.send(message);
    return this.receive(options);
  }

  /** Waits for sends in progress, then closes the connection. */
  async close(): Promise<void> {
    this.closedByUser = true;
    const socket = this.socket;
    const link = this.link;
    if (link && !link.isClosed) {
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (link.idle || link.isClosed) {
            link.off('neutral', check);
            resolve();
          }
        };
        link.on('neutral', check);
        check();
      });
    }
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 2_000).unref();
    });
  }

  /** Closes at once; pending sends fail with CLOSED. */
  destroy(): void {
    this.closedByUser = true;
    this.socket?.destroy();
  }

  private attach(socket: net.Socket): void {
    const link = new AstmLink({
      role: this.options.role ?? 'instrument',
      timings: this.options.timings,
      maxFrameBytes: this.options.maxFrameBytes,
      maxFrameText: this.options.maxFrameText,
      write: (bytes) => {
        if (!socket.destroyed && socket.writable) socket.write(bytes);
      },
    });
    this.socket = socket;
    this.link = link;
    socket.setNoDelay(true);
    link.on('transmission', (t) => this.onTransmission(t));
    link.on('linkError', (e) => this.emit('linkError', e));
    link.on('interrupt', () => this.emit('interrupt'));
    link.on('contention', (ms) => this.emit('contention', ms));
    link.on('junk', (n) => this.emit('junk', n));
    socket.on('data', (chunk: Buffer) => link.push(chunk));
    socket.on('error', (error) => this.emit('connectionError', error));
    socket.on('close', () => {
      link.close();
      if (this.socket === socket) {
        this.socket = undefined;
        this.link = undefined;
      }
      if (this.closedByUser) {
        for (const w of this.waiters.splice(0))
          w.reject(new AstmClientError('CLOSED', 'the client is closed'));
      }
      this.emit('disconnect');
    });
    this.emit('connect');
  }

  private onTransmission(t: AstmTransmission): void {
    let messages: AstmMessage[];
    try {
      messages = parseAstmMessages(t.data, { encoding: this.options.encoding });
    } catch (error) {
      if (error instanceof AstmParseError) {
        this.emit('parseError', error, t.data);
        return;
      }
      throw error;
    }
    for (const m of messages) {
      this.emit('message', m);
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(m);
      else {
        this.inbox.push(m);
        if (this.inbox.length > (this.options.maxInbox ?? 1000)) this.inbox.shift();
      }
    }
  }
}
