import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import type { AstmEncoding } from './charset';
import {
  AstmLink,
  AstmLinkError,
  type AstmLinkState,
  type AstmRole,
  type AstmSendResult,
  type AstmTimings,
  type AstmTransmission,
} from './link';
import { AstmMessage, AstmParseError, parseAstm, parseAstmMessages } from './message';

/** What a handler sees of the connection a message came on. */
export interface AstmConnection {
  /** Per-server sequence number, for logs. */
  readonly id: number;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** The connection's configured character set ('auto': UTF-8 when valid, else Latin-1). */
  readonly encoding: AstmEncoding;
  /** Messages received on this connection so far. */
  readonly received: number;
  /** The link state: neutral, receiving, establishing, sending. */
  readonly linkState: AstmLinkState;
  /**
   * Sends a message to the analyzer on this connection (e.g. work orders), as the E1381 sender: ENQ,
   * frames, EOT, whenever the line is neutral. Resolves when the analyzer accepted the last frame.
   */
  send(message: AstmMessage | string): Promise<AstmSendResult>;
  /** Ends the connection gracefully: a transmission in progress and the replies to it still complete. */
  close(): void;
}

/**
 * Handles one E1394 message, delivered after the transmission's EOT. Returning a message sends it back on
 * the same connection as soon as the line is neutral (the answer to a host query); returning nothing sends
 * nothing. Messages of one connection are handled one at a time, in the order they arrived.
 */
export type AstmMessageHandler = (
  message: AstmMessage,
  connection: AstmConnection,
) => Promise<AstmMessage | undefined | void> | AstmMessage | undefined | void;

export interface AstmServerOptions {
  /** Address to listen on; '127.0.0.1' by default, so exposing the port is a decision. */
  readonly host?: string;
  /** 0 (the default) lets the system pick a free port. */
  readonly port?: number;
  readonly onMessage: AstmMessageHandler;
  /**
   * Faults that never close the connection: link errors (bad checksum answered NAK, wrong frame number,
   * receive timeout, ...), transmissions that do not parse, handler failures, replies the analyzer did not
   * take. The same errors are also emitted as events (linkError, parseError, handlerError, sendError).
   */
  readonly onError?: (error: Error, connection: AstmConnection) => void;
  /** Our ASTM role; 'host' (the LIS). Decides contention (§6.2.7: the instrument wins). */
  readonly role?: AstmRole;
  /** Character set per connection: a value for all, or a function of the peer's address. 'auto' by default. */
  readonly encoding?: AstmEncoding | ((remote: { address?: string; port?: number }) => AstmEncoding);
  readonly timings?: Partial<AstmTimings>;
  /** Close a connection that carried no bytes for this long while its line was idle; 0 = never (default). */
  readonly idleTimeoutMs?: number;
  /** Answer ENQ with NAK (busy) while this many messages of the connection wait for the handler; 100. */
  readonly maxQueuedMessages?: number;
  readonly maxConnections?: number;
  /** Largest frame text accepted (the standard's 240 is not enforced on receive); 64 KiB. */
  readonly maxFrameBytes?: number;
  /** Text bytes per frame we send; 240. */
  readonly maxFrameText?: number;
  /**
   * Make the message durable before the analyzer may count it delivered: called with the records (parsed)
   * when the frame with the L record arrives, before that frame's ACK; false or a rejection answers NAK and
   * the analyzer retransmits (see AstmLink). onMessage still runs after EOT, e.g. to answer a query.
   */
  readonly beforeTerminatorAck?: (messages: AstmMessage[], connection: AstmConnection) => Promise<boolean>;
}

export class AstmHandlerError extends Error {
  override readonly name = 'AstmHandlerError';
}

export interface AstmServerEvents {
  connection: [connection: AstmConnection];
  disconnect: [connection: AstmConnection];
  /** A message was received (before the handler runs). */
  message: [message: AstmMessage, connection: AstmConnection];
  linkError: [error: AstmLinkError, connection: AstmConnection];
  /** A transmission that is not E1394 (no header, bad delimiters); `data` is what was received. */
  parseError: [error: AstmParseError, connection: AstmConnection, data: Buffer];
  handlerError: [error: unknown, connection: AstmConnection];
  /** A reply or pushed message the analyzer did not take. */
  sendError: [error: Error, connection: AstmConnection];
  connectionError: [error: Error, connection: AstmConnection | undefined];
  junk: [bytes: number, connection: AstmConnection];
  /** The analyzer answered one of our frames with EOT (receiver interrupt, §6.3.5). */
  interrupt: [connection: AstmConnection];
  contention: [backoffMs: number, connection: AstmConnection];
  idle: [connection: AstmConnection];
}

const DEFAULT_MAX_QUEUED = 100;

/** One accepted socket: link state machine, in-order handler queue, idle and shutdown handling. */
class Connection implements AstmConnection {
  received = 0;
  readonly encoding: AstmEncoding;
  readonly done: Promise<void>;
  private readonly link: AstmLink;
  private readonly queue: AstmMessage[] = [];
  private lastInbound: 'utf8' | 'latin1' | undefined;
  private busy = false;
  private closing = false;
  private closed = false;

  constructor(
    readonly id: number,
    private readonly socket: net.Socket,
    private readonly server: AstmServer,
    private readonly options: AstmServerOptions,
  ) {
    const enc = options.encoding ?? 'auto';
    this.encoding =
      typeof enc === 'function' ? enc({ address: socket.remoteAddress, port: socket.remotePort }) : enc;
    this.done = new Promise((resolve) => socket.once('close', () => resolve()));
    this.link = new AstmLink({
      role: options.role ?? 'host',
      timings: options.timings,
      maxFrameBytes: options.maxFrameBytes,
      maxFrameText: options.maxFrameText,
      write: (bytes) => {
        if (!socket.destroyed && socket.writable) socket.write(bytes);
      },
      // §6.2.5: NAK to ENQ while we cannot take a message (shutting down, or the handler is behind).
      canReceive: () =>
        !this.closing && this.queue.length < (options.maxQueuedMessages ?? DEFAULT_MAX_QUEUED),
      beforeTerminatorAck: options.beforeTerminatorAck
        ? (records) =>
            options.beforeTerminatorAck!(parseAstmMessages(records, { encoding: this.encoding }), this)
        : undefined,
    });
    this.link.on('transmission', (t) => this.onTransmission(t));
    this.link.on('linkError', (e) => this.report('linkError', e));
    this.link.on('junk', (n) => this.server.emit('junk', n, this));
    this.link.on('interrupt', () => this.server.emit('interrupt', this));
    this.link.on('contention', (ms) => this.server.emit('contention', ms, this));
    this.link.on('neutral', () => this.finishIfDone());

    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    if (options.idleTimeoutMs) {
      socket.setTimeout(options.idleTimeoutMs);
      socket.on('timeout', () => this.onIdle());
    }
    socket.on('data', (chunk: Buffer) => this.link.push(chunk));
    socket.on('end', () => {
      // The analyzer sent FIN: it can no longer answer ENQ or frames, so what we still had to send fails.
      this.link.close('the analyzer closed the connection');
      this.closing = true;
      this.finishIfDone();
    });
    socket.on('error', (error) => this.server.emit('connectionError', error, this));
    socket.on('close', () => {
      this.closed = true;
      this.link.close();
      this.server.emit('disconnect', this);
    });
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  get linkState(): AstmLinkState {
    return this.link.state;
  }

  get idle(): boolean {
    return !this.busy && this.queue.length === 0 && this.link.idle;
  }

  send(message: AstmMessage | string): Promise<AstmSendResult> {
    if (this.closing || this.closed) {
      return Promise.reject(new AstmLinkError('CLOSED', 'the connection is closing'));
    }
    const m = typeof message === 'string' ? parseAstm(message) : message;
    return this.link.send(m.toRecordBuffers(this.replyEncoding(m)));
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.finishIfDone();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** 'auto' answers in what the analyzer last sent (a Latin-1 analyzer gets Latin-1 back). */
  private replyEncoding(message: AstmMessage): AstmEncoding {
    if (this.encoding !== 'auto') return this.encoding;
    return this.lastInbound ?? message.encoding ?? 'utf8';
  }

  private report(kind: 'linkError' | 'sendError' | 'handlerError', error: unknown): void {
    if (kind === 'linkError') this.server.emit('linkError', error as AstmLinkError, this);
    else if (kind === 'sendError') this.server.emit('sendError', error as Error, this);
    else this.server.emit('handlerError', error, this);
    this.onError(error);
  }

  private onError(error: unknown): void {
    if (!this.options.onError) return;
    const e = error instanceof Error ? error : new AstmHandlerError(String(error));
    try {
      this.options.onError(e, this);
    } catch {
      // An error callback that throws must not take the connection down.
    }
  }

  private onTransmission(t: AstmTransmission): void {
    let messages: AstmMessage[];
    try {
      messages = parseAstmMessages(t.data, { encoding: this.encoding });
    } catch (error) {
      if (error instanceof AstmParseError) {
        this.server.emit('parseError', error, this, t.data);
        this.onError(error);
        return;
      }
      throw error;
    }
    for (const m of messages) {
      this.received++;
      this.lastInbound = m.encoding;
      this.queue.push(m);
    }
    void this.drain();
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
      let message: AstmMessage | undefined;
      while ((message = this.queue.shift()) !== undefined) {
        this.server.emit('message', message, this);
        let reply: AstmMessage | undefined | void;
        try {
          reply = await this.options.onMessage(message, this);
        } catch (error) {
          // One failing message never takes the connection down.
          this.report('handlerError', error);
          continue;
        }
        if (reply && !this.closed && !this.link.isClosed) {
          // Queued on the link: it goes out when the line is neutral, in order with other replies.
          this.link
            .send(reply.toRecordBuffers(this.replyEncoding(reply)))
            .catch((error: unknown) => this.report('sendError', error));
        }
      }
    } finally {
      this.busy = false;
    }
    this.finishIfDone();
  }
}

/**
 * An ASTM E1381 (LIS01-A2) listener over TCP for analyzers, with E1394 (LIS02-A2) messages. Each
 * connection runs the link state machines (see link.ts): it receives the analyzer's transmissions,
 * answering every frame ACK or NAK, hands each message to the handler after EOT, strictly in order, and
 * sends replies and pushed orders as the E1381 sender when the line is neutral. Bad frames, timeouts and
 * failing handlers are reported (onError and events); they never close the connection.
 */
export class AstmServer extends EventEmitter<AstmServerEvents> {
  private readonly server: net.Server;
  private readonly connectionSet = new Set<Connection>();
  private nextId = 1;

  constructor(private readonly options: AstmServerOptions) {
    super();
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    if (options.maxConnections !== undefined) this.server.maxConnections = options.maxConnections;
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
    return this.connectionSet.size;
  }

  /** The open connections (e.g. to push work orders to an analyzer with connection.send()). */
  get connections(): readonly AstmConnection[] {
    return [...this.connectionSet];
  }

  /**
   * Graceful shutdown: stop accepting; every connection answers new ENQs with NAK, finishes the
   * transmission it is receiving, handles what it received, sends its replies, then closes. Connections
   * still busy after `timeoutMs` (10 s by default) are cut.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    const all = [...this.connectionSet];
    for (const c of all) c.close();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs ?? 10_000);
    });
    const result = await Promise.race([Promise.all(all.map((c) => c.done)), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') for (const c of this.connectionSet) c.destroy();
    await closed;
  }

  private accept(socket: net.Socket): void {
    const connection = new Connection(this.nextId++, socket, this, this.options);
    this.connectionSet.add(connection);
    socket.once('close', () => this.connectionSet.delete(connection));
    this.emit('connection', connection);
  }
}
