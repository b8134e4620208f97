import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import {
  type association,
  constants,
  Implementation,
  log as dimseLog,
  requests,
  responses,
  Scp,
} from 'dcmjs-dimse';
import type { DicomJson } from '../dicom-json';
import { Tag } from '../dicom-json';
import { DimseStatus } from '../status';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, newUid } from '../uids';
import { datasetToJson, jsonToDataset } from './dataset-bridge';
import { AbortReason, abortPdu, PduGuard, PduType } from './pdu-guard';
import { RawDataset } from './raw-dataset';
import { storeObjects, type StoreResult } from './store-scu';
import type {
  AssociationChannel,
  AssociationInfo,
  DimseHandlers,
  DimseLogger,
  RejectReason,
  RetrievableObject,
  StoreRequest,
} from './types';

const { PresentationContextResult, RejectResult, RejectSource, RejectReason: Rj } = constants;
const {
  CEchoResponse,
  CFindResponse,
  CStoreResponse,
  CMoveResponse,
  CGetResponse,
  NCreateResponse,
  NSetResponse,
  NActionResponse,
} = responses;

export interface DimseServerOptions {
  host: string;
  port: number;
  handlers: DimseHandlers;
  logger: DimseLogger;
  /**
   * The largest P-DATA-TF PDU we receive (PS3.8 D.1), announced in the A-ASSOCIATE-AC and enforced: a larger
   * PDU is answered A-ABORT and the connection closed before it is buffered (pdu-guard.ts); 256 KiB by default.
   */
  maxPduLength?: number;
  /**
   * The ARTIM timer (PS3.8 §9.1.5): a connection that has not sent a complete A-ASSOCIATE-RQ within this time
   * is closed (default 30 s). With TLS, counted from the end of the handshake (which has its own timeout).
   */
  associationTimeoutMs?: number;
  /**
   * Idle timeout: a connection that carried no byte either way for this long is aborted (default 5 min:
   * modalities idle between series; a C-MOVE in progress keeps it busy with its pending responses).
   */
  pduTimeoutMs?: number;
  /**
   * Listen with TLS (PS3.15 Annex B.1 TLS Secure Transport Connection Profile): node:tls server options, key
   * and cert, and for mutual TLS (IHE ATNA node authentication) ca with requestCert and rejectUnauthorized.
   * A peer that fails the handshake never reaches the DICOM upper layer.
   */
  tls?: TlsOptions;
  /** A C-STORE data set larger than this is refused with 0xA700 (default 2 GiB). */
  maxObjectBytes?: number;
}

/** Marker passed from the store stream to the C-STORE handler instead of a parsed Dataset. */
interface ReceivedDataset {
  chunks: Buffer[];
  bytes: number;
  oversize: boolean;
  transferSyntaxUid: string;
}

/** 256 KiB: a P-DATA-TF that size carries a CT slice in two PDUs; larger ones gain little on a LAN. */
const DEFAULT_MAX_PDU = 262_144;

const REJECT: Record<RejectReason, [number, number, number]> = {
  'calling-ae-not-recognized': [RejectResult.Permanent, RejectSource.ServiceUser, Rj.CallingAeNotRecognized],
  'called-ae-not-recognized': [RejectResult.Permanent, RejectSource.ServiceUser, Rj.CalledAeNotRecognized],
  'no-reason': [RejectResult.Permanent, RejectSource.ServiceUser, Rj.NoReasonGiven],
  busy: [RejectResult.Transient, RejectSource.ServiceProviderPresentation, Rj.TemporaryCongestion],
};

/**
 * A DICOM upper-layer listener (PS3.8) on top of dcmjs-dimse's Scp, with the things its Server lacks: a bind
 * address, port 0, a graceful close, and one handler object for every DIMSE service. The protocol lives here;
 * what to answer is the application's (DimseHandlers).
 */
export class DimseServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly active = new Set<Promise<void>>();
  /** With TLS: the TCP sockets under the TLS ones, including handshakes in progress, cut by close(). */
  private readonly tcpSockets = new Set<Socket>();
  /** The peer of each accepted TCP socket, read on accept: a failed TLS handshake is logged with it. */
  private readonly remotes = new WeakMap<Socket, string>();

  constructor(private readonly options: DimseServerOptions) {
    Implementation.setImplementationClassUid(IMPLEMENTATION_CLASS_UID);
    Implementation.setImplementationVersion(IMPLEMENTATION_VERSION_NAME);
    Implementation.setMaxPduLength(options.maxPduLength ?? DEFAULT_MAX_PDU);
    routeLibraryLog(options.logger);
  }

  get address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  listen(): Promise<AddressInfo> {
    const ScpClass = scpClass(this.options);
    const onSocket = (socket: Socket): void => {
      this.sockets.add(socket);
      let done!: () => void;
      const finished = new Promise<void>((r) => (done = r));
      this.active.add(finished);
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.active.delete(finished);
        done();
      });
      // Before dcmjs-dimse's own reader, so a PDU over the limits is refused before it buffers it.
      this.guard(socket);
      const scp = new ScpClass(socket, {
        associationTimeout: this.options.associationTimeoutMs ?? 30_000,
        pduTimeout: this.options.pduTimeoutMs ?? 300_000,
        connectTimeout: this.options.pduTimeoutMs ?? 300_000,
      });
      // dcmjs-dimse's Server ends the socket on a network error; so do we (the listener keeps serving).
      scp.on('networkError', (err: Error) => {
        this.options.logger.warn(
          { err: err.message, remote: socket.remoteAddress },
          'DICOM association error',
        );
        socket.end();
        setTimeout(() => socket.destroy(), 2_000).unref();
      });
    };
    const server = this.options.tls ? this.tlsServer(this.options.tls, onSocket) : createServer(onSocket);
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve(server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting associations, lets running ones finish for up to `timeoutMs`, then drops the rest. */
  async close(timeoutMs = 10_000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((r) => server.close(() => r()));
    const deadline = new Promise<void>((r) => setTimeout(r, timeoutMs).unref());
    await Promise.race([Promise.all([...this.active]), deadline]);
    for (const s of this.sockets) s.destroy();
    for (const s of this.tcpSockets) s.destroy();
    await closed;
  }

  private tlsServer(options: TlsOptions, onSocket: (socket: Socket) => void): Server {
    const server = createTlsServer(options, onSocket);
    server.on('connection', (tcp: Socket) => {
      this.remotes.set(tcp, remoteAddress(tcp));
      this.tcpSockets.add(tcp);
      tcp.once('close', () => this.tcpSockets.delete(tcp));
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      const cert = socket.getPeerCertificate();
      if (cert && Object.keys(cert).length > 0)
        this.options.logger.info(
          { remote: remoteAddress(socket), subject: cert.subject?.CN, issuer: cert.issuer?.CN },
          'DICOM TLS peer authenticated',
        );
    });
    server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      // Node checks a client's chain after OpenSSL's handshake and, when it fails, drops the connection with
      // a bare "socket hang up"; the reason is in authorizationError. Both sockets may be gone by now: the
      // address is the one read on accept (the TCP socket is the TLS socket's _parent).
      const tcp = (socket as { _parent?: Socket })._parent;
      this.options.logger.warn(
        {
          remote: (tcp && this.remotes.get(tcp)) ?? remoteAddress(socket),
          reason: (socket.authorizationError as unknown as string | undefined) ?? err.message,
        },
        'DICOM TLS handshake refused: peer not authenticated',
      );
    });
    return server;
  }

  /**
   * PDU limits (pdu-guard.ts) and the ARTIM timer (PS3.8 §9.1.5: started when the transport connection is
   * accepted, stopped by the A-ASSOCIATE-RQ; on expiry the connection is closed) on an accepted connection.
   * dcmjs-dimse has an association timer, but it only runs on connections its own Server or Client opened.
   */
  private guard(socket: Socket): void {
    const { logger } = this.options;
    const guard = new PduGuard({ maxPduLength: this.options.maxPduLength ?? DEFAULT_MAX_PDU });
    const timeoutMs = this.options.associationTimeoutMs ?? 30_000;
    const artim = setTimeout(() => {
      logger.warn({ remote: remoteAddress(socket) }, `no A-ASSOCIATE-RQ within ${timeoutMs} ms: closed`);
      socket.destroy();
    }, timeoutMs);
    artim.unref();
    socket.once('close', () => clearTimeout(artim));
    socket.on('data', (chunk: Buffer) => {
      const { completed, violation } = guard.push(chunk);
      if (completed.includes(PduType.AssociateRq)) clearTimeout(artim);
      if (!violation) return;
      clearTimeout(artim);
      socket.pause(); // read no more: nothing further of this connection is buffered
      if (violation.reason === AbortReason.UnrecognizedPdu) {
        // Not DICOM at all (an HTTP request, a TLS ClientHello on the plain port): closed without an answer.
        logger.warn({ remote: remoteAddress(socket), why: violation.message }, 'not a DICOM PDU: closed');
      } else {
        // PS3.8 §9.2 (AA-1): an invalid PDU is answered A-ABORT from the service provider, then closed.
        logger.warn({ remote: remoteAddress(socket), why: violation.message }, 'DICOM PDU refused: A-ABORT');
        socket.write(abortPdu(violation.reason));
      }
      socket.end();
      setTimeout(() => socket.destroy(), 2_000).unref();
    });
  }
}

/** dcmjs-dimse logs through loglevel to the console; send its warnings and errors to our logger instead. */
function routeLibraryLog(logger: DimseLogger): void {
  const original = dimseLog.methodFactory;
  dimseLog.methodFactory = (method, level, name) => {
    if (method === 'error')
      return (...args: unknown[]) => logger.warn({ library: 'dcmjs-dimse' }, args.join(' '));
    if (method === 'warn')
      return (...args: unknown[]) => logger.info({ library: 'dcmjs-dimse' }, args.join(' '));
    return original(method, level, name);
  };
  dimseLog.setLevel('warn');
}

function remoteAddress(socket: Socket): string {
  return (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

function scpClass(options: DimseServerOptions) {
  const { handlers, logger } = options;
  const maxObjectBytes = options.maxObjectBytes ?? 2 ** 31;
  const maxPduLength = options.maxPduLength ?? DEFAULT_MAX_PDU;

  return class ArchiveScp extends Scp {
    private info?: AssociationInfo;
    private ended = false;
    private readonly cancelled = new Set<number>();

    constructor(socket: Socket, opts: Record<string, unknown>) {
      super(socket, opts);
      this.on('close', () => this.end('closed'));
    }

    private end(how: 'released' | 'aborted' | 'closed'): void {
      if (this.ended || !this.info) return;
      this.ended = true;
      try {
        handlers.ended?.(this.info, how);
      } catch (err) {
        logger.error({ err }, 'association end handler failed');
      }
    }

    /** The accepted association (DIMSE messages arrive only after the accept). */
    private get current(): AssociationInfo {
      if (!this.info) throw new Error('no association');
      return this.info;
    }

    private get socketOf(): Socket {
      return (this as unknown as { socket: Socket }).socket;
    }

    private get assoc(): association.Association {
      return (this as unknown as { association: association.Association }).association;
    }

    override associationRequested(a: association.Association): void {
      const info: AssociationInfo = {
        id: randomUUID(),
        callingAeTitle: a.getCallingAeTitle().trim(),
        calledAeTitle: a.getCalledAeTitle().trim(),
        remoteAddress: remoteAddress(this.socketOf),
      };
      void (async () => {
        try {
          const decision = await handlers.associate(info);
          if (!decision.accept) {
            logger.info({ ...info, reason: decision.reason }, 'DICOM association rejected');
            this.sendAssociationReject(...REJECT[decision.reason]);
            // PS3.8 §7.1.2.1: the requestor closes the connection; do it for it if it does not.
            setTimeout(() => this.socketOf.destroy(), 5_000).unref();
            return;
          }
          for (const { id } of a.getPresentationContexts()) {
            const ctx = a.getPresentationContext(id);
            const answer = handlers.negotiate(ctx.getAbstractSyntaxUid(), ctx.getTransferSyntaxUids(), info, {
              scu: ctx.getUserRole(),
              scp: ctx.getProviderRole(),
            });
            if (answer === 'abstract')
              ctx.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
            else if (answer === 'transfer')
              ctx.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
            else ctx.setResult(PresentationContextResult.Accept, answer);
          }
          this.info = info;
          // dcmjs-dimse answers min(the requestor's maximum, ours): a requestor that takes any length (0)
          // would be told that we do too. We announce our own limit then, which the PDU guard enforces.
          if (!a.getMaxPduLength()) a.setMaxPduLength(maxPduLength);
          this.sendAssociationAccept();
        } catch (err) {
          logger.error({ err, ...info }, 'association decision failed');
          this.sendAssociationReject(...REJECT['busy']);
        }
      })();
    }

    override associationReleaseRequested(): void {
      this.sendAssociationReleaseResponse();
      this.end('released');
    }

    override abort(): void {
      this.end('aborted');
    }

    override cEchoRequest(
      request: requests.CEchoRequest,
      callback: (r: responses.CEchoResponse) => void,
    ): void {
      void this.answer(
        async () => {
          const response = CEchoResponse.fromRequest(request);
          const result = handlers.echo ? await handlers.echo(this.current) : { status: DimseStatus.Success };
          response.setStatus(result.status);
          callback(response);
        },
        () => {
          const response = CEchoResponse.fromRequest(request);
          response.setStatus(DimseStatus.ProcessingFailure);
          callback(response);
        },
      );
    }

    override cCancelRequest(request: requests.CCancelRequest): void {
      this.cancelled.add(request.getMessageIdBeingRespondedTo());
    }

    override cFindRequest(
      request: requests.CFindRequest,
      callback: (r: responses.CFindResponse[]) => void,
    ): void {
      const sopClass = request.getAffectedSopClassUid();
      const final = (status: number, comment?: string) => {
        const r = CFindResponse.fromRequest(request);
        r.setAffectedSopClassUid(sopClass);
        r.setStatus(status);
        if (comment) r.setErrorComment(comment.slice(0, 64));
        return r;
      };
      void this.answer(
        async () => {
          if (!handlers.find) return callback([final(DimseStatus.SopClassNotSupported)]);
          const identifier = datasetToJson(request.getDataset());
          const result = await handlers.find(this.current, sopClass, identifier);
          if (this.cancelled.delete(request.getMessageId())) return callback([final(DimseStatus.Cancel)]);
          const ts = this.acceptedSyntax(request);
          const pending = (result.matches ?? []).map((m) => {
            const r = CFindResponse.fromRequest(request);
            r.setAffectedSopClassUid(sopClass);
            r.setDataset(jsonToDataset(m, ts));
            r.setStatus(DimseStatus.Pending);
            return r;
          });
          callback([...pending, final(result.status, result.comment)]);
        },
        (err) => callback([final(DimseStatus.UnableToProcess, err.message)]),
      );
    }

    override createStoreWritableStream(): Writable {
      const received: ReceivedDataset = { chunks: [], bytes: 0, oversize: false, transferSyntaxUid: '' };
      const stream = new Writable({
        write(chunk: Buffer, _enc, done) {
          received.bytes += chunk.length;
          if (received.bytes > maxObjectBytes) {
            received.oversize = true;
            received.chunks.length = 0;
          } else received.chunks.push(Buffer.from(chunk));
          done();
        },
      });
      (stream as unknown as { received: ReceivedDataset }).received = received;
      return stream;
    }

    override createDatasetFromStoreWritableStream(
      writable: Writable,
      context: association.PresentationContext,
      callback: (dataset: never) => void,
    ): void {
      const received = (writable as unknown as { received: ReceivedDataset }).received;
      received.transferSyntaxUid = context.getAcceptedTransferSyntaxUid() ?? '';
      callback(received as never);
    }

    override cStoreRequest(
      request: requests.CStoreRequest,
      callback: (r: responses.CStoreResponse) => void,
    ): void {
      const respond = (status: number, comment?: string) => {
        const r = CStoreResponse.fromRequest(request);
        r.setStatus(status);
        if (comment) r.setErrorComment(comment.slice(0, 64));
        callback(r);
      };
      void this.answer(
        async () => {
          const received = request.getDataset() as unknown as ReceivedDataset;
          if (!handlers.store) return respond(DimseStatus.SopClassNotSupported);
          const command = request.getCommandDataset();
          const store: StoreRequest = {
            sopClassUid: request.getAffectedSopClassUid(),
            sopInstanceUid: request.getAffectedSopInstanceUid(),
            transferSyntaxUid: received.transferSyntaxUid,
            dataset: received.oversize ? Buffer.alloc(0) : Buffer.concat(received.chunks),
            oversize: received.oversize || undefined,
            moveOriginatorAeTitle:
              (command.getElement('MoveOriginatorApplicationEntityTitle') as string) || undefined,
          };
          received.chunks.length = 0;
          const result = await handlers.store(this.current, store);
          respond(result.status, result.comment);
        },
        (err) => respond(DimseStatus.OutOfResources, err.message),
      );
    }

    override cMoveRequest(
      request: requests.CMoveRequest,
      callback: (r: responses.CMoveResponse[]) => void,
    ): void {
      const destination = String(request.getCommandDataset().getElement('MoveDestination') ?? '').trim();
      void this.retrieve('move', request, callback, destination);
    }

    override cGetRequest(
      request: requests.CGetRequest,
      callback: (r: responses.CGetResponse[]) => void,
    ): void {
      void this.retrieve('get', request, callback);
    }

    /**
     * C-MOVE and C-GET (PS3.4 C.4.2, C.4.3): the handler picks the objects; C-STORE sub-operations go to the
     * move destination on an association of our own, or back to the caller on this one (C-GET). A pending
     * response follows each sub-operation; the final one has the counts and the failed SOP Instance UIDs.
     */
    private async retrieve(
      kind: 'move' | 'get',
      request: requests.CMoveRequest | requests.CGetRequest,
      callback: (r: Array<responses.CMoveResponse | responses.CGetResponse>) => void,
      destination?: string,
    ): Promise<void> {
      const sopClass = request.getAffectedSopClassUid();
      const make = (
        status: number,
        counts?: { remaining?: number; completed: number; failed: number; warning: number },
      ) => {
        const r =
          kind === 'move'
            ? CMoveResponse.fromRequest(request as requests.CMoveRequest)
            : CGetResponse.fromRequest(request as requests.CGetRequest);
        r.setAffectedSopClassUid(sopClass);
        r.setStatus(status);
        if (counts) {
          if (counts.remaining !== undefined) r.setRemaining(counts.remaining);
          r.setCompleted(counts.completed);
          r.setFailures(counts.failed);
          r.setWarnings(counts.warning);
        }
        return r;
      };
      await this.answer(
        async () => {
          if (!handlers.retrieve) return callback([make(DimseStatus.SopClassNotSupported)]);
          const identifier = datasetToJson(request.getDataset());
          const picked = await handlers.retrieve(this.current, kind, sopClass, identifier, destination);
          if (!picked.objects) {
            const r = make(picked.status);
            if (picked.comment) r.setErrorComment(picked.comment.slice(0, 64));
            return callback([r]);
          }
          const total = picked.objects.length;
          const counts = { remaining: total, completed: 0, failed: 0, warning: 0 };
          const failedUids: string[] = [];
          const progress = (res: StoreResult) => {
            counts.remaining--;
            if (
              res.status === undefined ||
              (res.status & 0xf000) === 0xa000 ||
              (res.status & 0xf000) === 0xc000
            ) {
              counts.failed++;
              failedUids.push(res.sopInstanceUid);
            } else if (res.status === DimseStatus.Success) counts.completed++;
            else counts.warning++;
            if (counts.remaining > 0) this.sendResponse(request, make(DimseStatus.Pending, { ...counts }));
          };
          let error: string | undefined;
          const target = picked.destination;
          if (kind === 'move') {
            if (!target) throw new Error('C-MOVE without a destination');
            const sent = await sendInBatches(picked.objects, (files) =>
              storeObjects(target, files, {
                callingAeTitle: this.current.calledAeTitle,
                moveOriginator: { aeTitle: this.current.callingAeTitle, messageId: request.getMessageId() },
                onResult: progress,
              }),
            );
            error = sent.error;
            for (const r of sent.results.filter((x) => x.status === undefined)) progress(r);
          } else {
            for (const r of await this.getSubOperations(picked.objects, progress))
              if (r.status === undefined) progress(r);
          }
          if (this.cancelled.delete(request.getMessageId()))
            return callback([make(DimseStatus.Cancel, counts)]);
          const status =
            counts.failed === 0 && counts.warning === 0
              ? DimseStatus.Success
              : counts.completed === 0 && counts.warning === 0 && error
                ? DimseStatus.OutOfResourcesSubOperations
                : DimseStatus.SubOperationsCompleteWithFailures;
          const final = make(status, {
            completed: counts.completed,
            failed: counts.failed,
            warning: counts.warning,
          });
          if (error) final.setErrorComment(error.slice(0, 64));
          // The final C-MOVE response lists the failed instances (PS3.4 C.4.2.3.1). DCMTK's C-GET SCU does not
          // read an identifier in the final C-GET response and then fails its release, so C-GET says it in
          // the error comment only.
          if (failedUids.length && kind === 'move')
            final.setDataset(
              jsonToDataset({ [Tag.FailedSOPInstanceUIDList]: { vr: 'UI', Value: failedUids } }),
            );
          callback([final]);
        },
        (err) => {
          const r = make(DimseStatus.UnableToProcess);
          r.setErrorComment(err.message.slice(0, 64));
          callback([r]);
        },
      );
    }

    /** C-GET sub-operations on this association, one at a time (the caller's storage contexts, SCP role). */
    private async getSubOperations(
      objects: RetrievableObject[],
      progress: (r: StoreResult) => void,
    ): Promise<StoreResult[]> {
      const results: StoreResult[] = [];
      for (const object of objects) {
        const result: StoreResult = { sopInstanceUid: object.sopInstanceUid };
        results.push(result);
        let store: requests.CStoreRequest;
        try {
          store = new requests.CStoreRequest(new RawDataset(await object.load()));
        } catch (err) {
          result.comment = (err as Error).message;
          continue;
        }
        if (!this.assoc.getAcceptedPresentationContextFromRequest(store)) {
          result.comment = `no storage context for ${object.sopClassUid}`;
          continue;
        }
        await new Promise<void>((resolve) => {
          store.on('response', (r: responses.CStoreResponse) => {
            result.status = r.getStatus();
            progress(result);
          });
          store.on('done', () => resolve());
          this.sendRequests(store);
        });
      }
      return results;
    }

    override nCreateRequest(
      request: requests.NCreateRequest,
      callback: (r: responses.NCreateResponse) => void,
    ): void {
      const response = NCreateResponse.fromRequest(request);
      void this.answer(
        async () => {
          if (!handlers.nCreate) {
            response.setStatus(DimseStatus.SopClassNotSupported);
            return callback(response);
          }
          const iuid = request.getAffectedSopInstanceUid() || newUid();
          const result = await handlers.nCreate(
            this.current,
            request.getAffectedSopClassUid(),
            iuid,
            datasetToJson(request.getDataset()),
          );
          response.setAffectedSopInstanceUid(result.sopInstanceUid ?? iuid);
          this.finishN(response, result, request);
          callback(response);
        },
        (err) => {
          response.setStatus(DimseStatus.ProcessingFailure);
          response.setErrorComment(err.message.slice(0, 64));
          callback(response);
        },
      );
    }

    override nSetRequest(request: requests.NSetRequest, callback: (r: responses.NSetResponse) => void): void {
      const response = NSetResponse.fromRequest(request);
      void this.answer(
        async () => {
          if (!handlers.nSet) {
            response.setStatus(DimseStatus.SopClassNotSupported);
            return callback(response);
          }
          const result = await handlers.nSet(
            this.current,
            request.getRequestedSopClassUid(),
            request.getRequestedSopInstanceUid(),
            datasetToJson(request.getDataset()),
          );
          this.finishN(response, result, request);
          callback(response);
        },
        (err) => {
          response.setStatus(DimseStatus.ProcessingFailure);
          response.setErrorComment(err.message.slice(0, 64));
          callback(response);
        },
      );
    }

    override nActionRequest(
      request: requests.NActionRequest,
      callback: (r: responses.NActionResponse) => void,
    ): void {
      const response = NActionResponse.fromRequest(request);
      void this.answer(
        async () => {
          if (!handlers.nAction) {
            response.setStatus(DimseStatus.SopClassNotSupported);
            return callback(response);
          }
          const result = await handlers.nAction(
            this.current,
            request.getRequestedSopClassUid(),
            request.getRequestedSopInstanceUid(),
            Number(request.getActionTypeId()),
            datasetToJson(request.getDataset()),
          );
          this.finishN(response, result, request);
          callback(response);
          if (result.afterResponse)
            result
              .afterResponse(this.channel())
              .catch((err) => logger.warn({ err, association: this.info }, 'after-response work failed'));
        },
        (err) => {
          response.setStatus(DimseStatus.ProcessingFailure);
          response.setErrorComment(err.message.slice(0, 64));
          callback(response);
        },
      );
    }

    /** Requests from the archive to the caller on this association (N-EVENT-REPORT). */
    private channel(): AssociationChannel {
      return {
        eventReport: (sopClassUid, sopInstanceUid, eventTypeId, dataset, timeoutMs = 10_000) =>
          new Promise((resolve) => {
            if (this.ended) return resolve(undefined);
            const request = new requests.NEventReportRequest(sopClassUid, sopInstanceUid, eventTypeId);
            request.setDataset(jsonToDataset(dataset));
            if (!this.assoc.getAcceptedPresentationContextFromRequest(request)) return resolve(undefined);
            let status: number | undefined;
            const timer = setTimeout(() => resolve(undefined), timeoutMs);
            timer.unref();
            request.on('response', (r: responses.NEventReportResponse) => (status = r.getStatus()));
            request.on('done', () => {
              clearTimeout(timer);
              resolve(status);
            });
            this.once('close', () => {
              clearTimeout(timer);
              resolve(status);
            });
            this.sendRequests(request);
          }),
      };
    }

    private finishN(
      response: responses.NCreateResponse | responses.NSetResponse | responses.NActionResponse,
      result: { status: number; comment?: string; dataset?: DicomJson },
      request: requests.Request,
    ): void {
      response.setStatus(result.status);
      if (result.comment) response.setErrorComment(result.comment.slice(0, 64));
      if (result.dataset) response.setDataset(jsonToDataset(result.dataset, this.acceptedSyntax(request)));
    }

    private acceptedSyntax(request: requests.Request): string | undefined {
      return this.assoc.getAcceptedPresentationContextFromRequest(request)?.getAcceptedTransferSyntaxUid();
    }

    /** Runs a handler; a failure is logged and answered with the protocol's failure, never left unanswered. */
    private async answer(work: () => Promise<void>, onError: (err: Error) => void): Promise<void> {
      try {
        await work();
      } catch (err) {
        logger.error({ err, association: this.info }, 'DIMSE handler failed');
        try {
          onError(err as Error);
        } catch (inner) {
          logger.error({ err: inner }, 'could not send the failure response');
        }
      }
    }
  };
}

/** C-MOVE destinations get the objects over associations of at most 200 instances, loaded batch by batch. */
async function sendInBatches(
  objects: RetrievableObject[],
  send: (files: Buffer[]) => ReturnType<typeof storeObjects>,
): ReturnType<typeof storeObjects> {
  const all: StoreResult[] = [];
  let error: string | undefined;
  for (let i = 0; i < objects.length; i += 200) {
    const batch = objects.slice(i, i + 200);
    const files: Buffer[] = [];
    for (const o of batch) {
      try {
        files.push(await o.load());
      } catch (err) {
        all.push({ sopInstanceUid: o.sopInstanceUid, comment: (err as Error).message });
      }
    }
    const r = await send(files);
    all.push(...r.results);
    error ??= r.error;
  }
  return { results: all, error };
}
