import type { DicomJson } from '../dicom-json';

/** What is known about an association when it is requested and while it runs. */
export interface AssociationInfo {
  /** Our id for the association, for logs and for grouping what it stored. */
  id: string;
  callingAeTitle: string;
  calledAeTitle: string;
  /** The peer's IP address as seen by the socket (IPv4-mapped IPv6 prefixes removed). */
  remoteAddress: string;
}

/** Reasons to reject an association (PS3.8 §9.3.4 A-ASSOCIATE-RJ, source: service user). */
export type RejectReason = 'calling-ae-not-recognized' | 'called-ae-not-recognized' | 'no-reason' | 'busy';

export type AssociationDecision = { accept: true } | { accept: false; reason: RejectReason };

/** The outcome of one DIMSE operation: a status (PS3.7 Annex C) and, on failure, why. */
export interface DimseResult {
  status: number;
  comment?: string;
}

export interface StoreRequest {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** The data set exactly as received (no File Meta Information), in `transferSyntaxUid`. */
  dataset: Buffer;
  /** Set when the object exceeded the size limit and its bytes were not kept. */
  oversize?: boolean;
  /** Move Originator AE Title (0000,1030) when the store is a C-MOVE sub-operation. */
  moveOriginatorAeTitle?: string;
}

export interface FindResult extends DimseResult {
  /** One response identifier per match, sent as pending responses before the final one. */
  matches?: DicomJson[];
}

/** An object the archive can send (C-MOVE / C-GET sub-operations, forwarding). */
export interface RetrievableObject {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** The Part 10 file as stored. */
  load(): Promise<Buffer>;
}

export interface RemoteAe {
  aeTitle: string;
  host: string;
  port: number;
  /** Associate over TLS (PS3.15 Annex B.1, the TLS Secure Transport Connection Profile); plain TCP when absent. */
  tls?: DicomTlsClientOptions;
}

/**
 * Our side of a TLS association we open: the certificate and key we present (IHE ATNA node authentication,
 * ITI-19) and the CA bundle the peer's certificate must chain to (the system's roots without one). PEM.
 * The peer's certificate is always verified, and TLS 1.2 is the floor (PS3.15 B.9, BCP 195).
 */
export interface DicomTlsClientOptions {
  cert?: string | Buffer;
  key?: string | Buffer;
  ca?: string | Buffer;
}

export type RetrieveResult =
  | (DimseResult & { objects?: undefined })
  | { objects: RetrievableObject[]; destination?: RemoteAe };

/** What a handler may still do on the association after its response is sent. */
export interface AssociationChannel {
  /**
   * Sends an N-EVENT-REPORT request on this association (PS3.7 §10.1.1) and waits for its response: the status,
   * or undefined when it could not be sent (association gone, no context for the SOP class, no answer in time).
   */
  eventReport(
    sopClassUid: string,
    sopInstanceUid: string,
    eventTypeId: number,
    dataset: DicomJson,
    timeoutMs?: number,
  ): Promise<number | undefined>;
}

export interface NResult extends DimseResult {
  /** Runs after the response is on the wire (storage commitment: the N-EVENT-REPORT on the same association). */
  afterResponse?: (channel: AssociationChannel) => Promise<void>;
  /** Attributes returned in the N-CREATE / N-SET response (PS3.4 F.7.2.1.2), if any. */
  dataset?: DicomJson;
  /** The SOP Instance UID the SCP assigned (N-CREATE without one). */
  sopInstanceUid?: string;
}

/**
 * What the application does with each service; the server speaks the protocol. Every handler may be async;
 * a thrown error becomes a failure status (0x0110 processing failure, or 0xC001 for C-FIND) with its message.
 */
export interface DimseHandlers {
  associate(info: AssociationInfo): AssociationDecision | Promise<AssociationDecision>;
  /**
   * The transfer syntax to accept for a proposed presentation context, or why not: 'abstract' (SOP class not
   * supported) or 'transfer' (none of the transfer syntaxes). `roles` is the SCP/SCU role selection the caller
   * proposed for it (PS3.7 D.3.3.4): a storage context in which the caller wants the SCP role is one for
   * C-GET sub-operations, where the archive sends.
   */
  negotiate(
    abstractSyntaxUid: string,
    proposed: string[],
    info: AssociationInfo,
    roles: { scu?: boolean; scp?: boolean },
  ): string | 'abstract' | 'transfer';
  echo?(info: AssociationInfo): Promise<DimseResult> | DimseResult;
  find?(info: AssociationInfo, sopClassUid: string, identifier: DicomJson): Promise<FindResult>;
  store?(info: AssociationInfo, request: StoreRequest): Promise<DimseResult>;
  retrieve?(
    info: AssociationInfo,
    kind: 'move' | 'get',
    sopClassUid: string,
    identifier: DicomJson,
    moveDestination?: string,
  ): Promise<RetrieveResult>;
  nCreate?(
    info: AssociationInfo,
    sopClassUid: string,
    sopInstanceUid: string,
    dataset: DicomJson,
  ): Promise<NResult>;
  nSet?(
    info: AssociationInfo,
    sopClassUid: string,
    sopInstanceUid: string,
    dataset: DicomJson,
  ): Promise<NResult>;
  nAction?(
    info: AssociationInfo,
    sopClassUid: string,
    sopInstanceUid: string,
    actionTypeId: number,
    dataset: DicomJson,
  ): Promise<NResult>;
  /** The association ended (released, aborted or the connection dropped). */
  ended?(info: AssociationInfo, how: 'released' | 'aborted' | 'closed'): void;
}

export interface DimseLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
