import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { encodeMllpFrame, MllpFrameDecoder, type MllpFrameError } from './frame-decoder';

/** What a handler sees of the connection a message came on. */
export interface MllpConnection {
  /** Per-server sequence number, for logs. */
  readonly id: number;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** True on a TLS connection. */
  readonly secure: boolean;
  /** The client certificate on a TLS connection with requestCert (mutual TLS); undefined otherwise. */
  readonly peerCertificate: tls.PeerCertificate | undefined;
  /** Messages received on this connection so far. */
  readonly received: number;
  /** Ends the connection gracefully: what was received is still handled and answered, then it closes. */
  close(): void;
}

/**
 * Handles one message (the bytes between the start and end blocks) and returns the reply to frame and send
 * back, normally the ACK; undefined sends nothing. Messages of one connection are handled one at a time, in
 * the order they arrived, so a sender's sequence is kept (HL7 v2.5.1 Ch. 2 §2.9: the sender waits for each
 * ACK anyway in original mode).
 */
export type MllpHandler = (message: Buffer, connection: MllpConnection) => Promise<Buffer | undefined>;

type Reply = Buffer | undefined | Promise<Buffer | undefined>;

export interface MllpServerOptions {
  /** Address to listen on; '127.0.0.1' by default, so exposing the port is a decision. */
  readonly host?: string;
  /** 0 (the default) lets the system pick a free port; read it from listen()'s result. */
  readonly port?: number;
  /** TLS (node:tls server options: key, cert, ca, requestCert, ...); plain TCP when absent. */
  readonly tls?: tls.TlsOptions;
  readonly handler: MllpHandler;
  /** Largest message accepted; larger frames are dropped and reported (see frame-decoder.ts). */
  readonly maxMessageBytes?: number;
  /** Close a connection that has carried no bytes for this long (and has nothing in progress); 0 = never. */
  readonly idleTimeoutMs?: number;
  /** Stop reading from a connection while this many of its messages wait for the handler; 100 by default. */
  readonly maxQueuedMessages?: number;
  /** Refuse connections beyond this many at once; unlimited by default. */
  readonly maxConnections?: number;
  /**
   * Reply to an oversize or truncated frame (e.g. an AR built from `error.head`), sent in order with the
   * other replies of the connection; nothing by default. The connection stays open either way.
   */
  readonly onFrameError?: (error: MllpFrameError, connection: MllpConnection) => Reply;
  /** Reply when the handler throws (e.g. an AE naming error 207); nothing by default. */
  readonly onHandlerError?: (error: unknown, message: Buffer, connection: MllpConnection) => Reply;
}

export interface MllpServerEvents {
  connection: [connection: MllpConnection];
  disconnect: [connection: MllpConnection];
  frameError: [error: MllpFrameError, connection: MllpConnection];
  handlerError: [error: unknown, connection: MllpConnection];
  /** Socket errors, and TLS handshakes that failed (connection undefined then). */
  connectionError: [error: Error, connection: MllpConnection | undefined];
  /**
   * A TLS handshake that failed, with the peer's address: no certificate, one from an untrusted CA, plain
   * TCP on a TLS port, a protocol below the minimum. Nothing the peer sent was read as HL7. A node
   * authentication failure to audit (IHE ATNA, ITI-19).
   */
  tlsHandshakeError: [error: Error, remote: { address?: string; port?: number }];
  /** Bytes that arrived outside any frame and were dropped. */
  junk: [bytes: number, connection: MllpConnection];
  idle: [connection: MllpConnection];
}

type Task = { kind: 'message'; message: Buffer } | { kind: 'frameError'; error: MllpFrameError };

const DEFAULT_MAX_QUEUED = 100;

/** One accepted socket: decoder, in-order queue, idle and shutdown handling. */
class Connection implements MllpConnection {
  received = 0;
  private readonly decoder: MllpFrameDecoder;
  private readonly queue: Task[] = [];
  private busy = false;
  private closing = false;
  private paused = false;
  private closed = false;
  readonly done: Promise<void>;

  constructor(
    readonly id: number,
    private readonly socket: net.Socket,
    private readonly server: MllpServer,
    private readonly options: MllpServerOptions,
  ) {
    this.decoder = new MllpFrameDecoder({ maxMessageBytes: options.maxMessageBytes });
    this.done = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    if (options.idleTimeoutMs) {
      socket.setTimeout(options.idleTimeoutMs);
      socket.on('timeout', () => this.onIdle());
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Half-open is allowed on the server, so replies can still go out after the sender's FIN.
    socket.on('end', () => this.onEnd());
    socket.on('error', (error) => this.server.emit('connectionError', error, this));
    socket.on('close', () => {
      this.closed = true;
      this.server.emit('disconnect', this);
    });
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  get secure(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  get peerCertificate(): tls.PeerCertificate | undefined {
    if (!(this.socket instanceof tls.TLSSocket)) return undefined;
    const cert = this.socket.getPeerCertificate();
    return cert && Object.keys(cert).length > 0 ? cert : undefined;
  }

  get idle(): boolean {
    return !this.busy && this.queue.length === 0;
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    // Read no more: frames not yet complete are dropped, and their senders, having no ACK, will resend.
    this.socket.pause();
    this.finishIfDone();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    for (const event of this.decoder.push(chunk)) {
      if (event.type === 'message') {
        // An empty frame is a keep-alive for some senders, not a message: nothing to answer.
        if (event.message.length === 0) continue;
        this.received++;
        this.queue.push({ kind: 'message', message: event.message });
      } else if (event.type === 'error') {
        this.server.emit('frameError', event.error, this);
        if (this.options.onFrameError) this.queue.push({ kind: 'frameError', error: event.error });
      } else if (event.bytes > 0) {
        this.server.emit('junk', event.bytes, this);
      }
    }
    const max = this.options.maxQueuedMessages ?? DEFAULT_MAX_QUEUED;
    if (this.queue.length >= max && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    void this.drain();
  }

  private onEnd(): void {
    for (const event of this.decoder.end()) {
      if (event.type === 'error') this.server.emit('frameError', event.error, this);
    }
    this.closing = true;
    this.finishIfDone();
  }

  private onIdle(): void {
    if (this.idle && !this.closing) {
      this.server.emit('idle', this);
      this.close();
    }
  }

  private finishIfDone(): void {
    if (this.closing && this.idle && !this.closed) this.socket.end();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      let task: Task | undefined;
      while ((task = this.queue.shift()) !== undefined) {
        const reply = await this.run(task);
        if (reply !== undefined && !this.socket.destroyed && this.socket.writable) {
          if (!this.socket.write(encodeMllpFrame(reply))) {
            await new Promise<void>((resolve) => {
              const done = (): void => {
                this.socket.off('drain', done);
                this.socket.off('close', done);
                resolve();
              };
              this.socket.on('drain', done);
              this.socket.on('close', done);
            });
          }
        }
        const max = this.options.maxQueuedMessages ?? DEFAULT_MAX_QUEUED;
        if (this.paused && this.queue.length < max / 2) {
          this.paused = false;
          if (!this.closing) this.socket.resume();
        }
      }
    } finally {
      this.busy = false;
    }
    this.finishIfDone();
  }

  private async run(task: Task): Promise<Buffer | undefined> {
    if (task.kind === 'frameError') {
      try {
        return await this.options.onFrameError?.(task.error, this);
      } catch (error) {
        this.server.emit('handlerError', error, this);
        return undefined;
      }
    }
    try {
      return await this.options.handler(task.message, this);
    } catch (error) {
      // One failing message never takes the connection down: report it, answer if told how, go on.
      this.server.emit('handlerError', error, this);
      try {
        return await this.options.onHandlerError?.(error, task.message, this);
      } catch (secondary) {
        this.server.emit('handlerError', secondary, this);
        return undefined;
      }
    }
  }
}

/**
 * Why a TLS handshake failed. Node verifies a client's certificate chain itself, after OpenSSL's handshake,
 * and on failure destroys the socket without a TLS alert: the error is then a bare "socket hang up" and the
 * reason (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, ...) is in authorizationError.
 */
function handshakeFailure(error: Error, socket: tls.TLSSocket): Error {
  const code = socket.authorizationError as unknown as string | undefined;
  if (!code) return error;
  return Object.assign(new Error(`client certificate refused: ${code}`, { cause: error }), { code });
}

/**
 * An MLLP listener over TCP or TLS (HL7 v2.5.1 Appendix C, MLLP). Each connection gets its own frame decoder
 * and handles its messages strictly in order; a bad frame or a failing handler is reported as an event and
 * the connection carries on. close() stops accepting, lets every connection answer what it has received,
 * and then closes them.
 */
export class MllpServer extends EventEmitter<MllpServerEvents> {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  /** Every TCP socket, including TLS ones still in their handshake (not yet a Connection). */
  private readonly sockets = new Set<net.Socket>();
  /** The peer of each accepted TCP socket, read on accept: a failed TLS handshake is reported with it. */
  private readonly remotes = new WeakMap<net.Socket, { address?: string; port?: number }>();
  private nextId = 1;

  constructor(private readonly options: MllpServerOptions) {
    super();
    const accept = (socket: net.Socket): void => this.accept(socket);
    this.server = options.tls
      ? tls.createServer({ ...options.tls, allowHalfOpen: true }, accept)
      : net.createServer({ allowHalfOpen: true }, accept);
    if (options.maxConnections !== undefined) this.server.maxConnections = options.maxConnections;
    this.server.on('tlsClientError', (error: Error, socket: tls.TLSSocket) => {
      const reason = handshakeFailure(error, socket);
      this.emit('connectionError', reason, undefined);
      // Both sockets may be destroyed by now and no longer know the peer: use what the TCP one said on accept
      // (Node keeps it as the TLS socket's _parent).
      const tcp = (socket as { _parent?: net.Socket })._parent;
      const remote = (tcp && this.remotes.get(tcp)) ?? {
        address: socket.remoteAddress,
        port: socket.remotePort,
      };
      this.emit('tlsHandshakeError', reason, remote);
    });
    this.server.on('connection', (socket: net.Socket) => {
      this.remotes.set(socket, { address: socket.remoteAddress, port: socket.remotePort });
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts listening; resolves with the bound address (useful with port 0). */
  listen(): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen({ host: this.options.host ?? '127.0.0.1', port: this.options.port ?? 0 }, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  get address(): net.AddressInfo | undefined {
    return (this.server.address() as net.AddressInfo | null) ?? undefined;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Graceful shutdown: stop accepting, stop reading, let every connection finish the messages it has
   * received (handlers in flight and queued) and send their replies, then close. Connections still busy
   * after `timeoutMs` (10 s by default) are cut.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    const all = [...this.connections];
    for (const c of all) c.close();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs ?? 10_000);
    });
    const result = await Promise.race([Promise.all(all.map((c) => c.done)), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') for (const c of this.connections) c.destroy();
    // What is left is not a connection that could still answer: TLS handshakes that never completed.
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private accept(socket: net.Socket): void {
    const connection = new Connection(this.nextId++, socket, this, this.options);
    this.connections.add(connection);
    socket.once('close', () => this.connections.delete(connection));
    this.emit('connection', connection);
  }
}
