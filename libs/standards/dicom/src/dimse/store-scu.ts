import { association, Client, constants, requests, type responses } from 'dcmjs-dimse';
import type { DicomJson } from '../dicom-json';
import { jsonToDataset } from './dataset-bridge';
import { RawDataset } from './raw-dataset';
import type { DicomTlsClientOptions, RemoteAe } from './types';

const { CStoreRequest, CEchoRequest, NEventReportRequest } = requests;

export interface ScuOptions {
  callingAeTitle: string;
  connectTimeoutMs?: number;
  /** How long to wait for each response before giving up the association. */
  responseTimeoutMs?: number;
  /** C-MOVE sub-operations carry the originator (PS3.7 §9.3.1.1, (0000,1030) and (0000,1031)). */
  moveOriginator?: { aeTitle: string; messageId: number };
  /** Called after each response, for C-MOVE pending responses. */
  onResult?: (result: StoreResult) => void;
}

export interface StoreResult {
  sopInstanceUid: string;
  /** The C-STORE response status, or undefined when the object was not sent (no association, no context). */
  status?: number;
  comment?: string;
}

export interface StoreBatchResult {
  results: StoreResult[];
  /** Why the association failed (rejected, unreachable, aborted), when it did. */
  error?: string;
}

/**
 * Sends stored Part 10 objects to a Storage SCP over one association (C-STORE SCU). For each object it proposes
 * the object's own transfer syntax in a context of its own, besides dcmjs-dimse's default [implicit, explicit]
 * context, so a peer that accepts it receives the data set byte for byte as it was received.
 */
export function storeObjects(
  target: RemoteAe,
  files: Buffer[],
  options: ScuOptions,
): Promise<StoreBatchResult> {
  return new Promise((resolve) => {
    const results: StoreResult[] = [];
    if (files.length === 0) return resolve({ results });
    const client = new Client();
    const proposed = new Set<string>();
    let error: string | undefined;
    for (const file of files) {
      const dataset = new RawDataset(file);
      const ts = dataset.getTransferSyntaxUid();
      const result: StoreResult = { sopInstanceUid: dataset.sopInstanceUid };
      results.push(result);
      const request = new CStoreRequest(dataset);
      if (options.moveOriginator) {
        request
          .getCommandDataset()
          .setElement('MoveOriginatorApplicationEntityTitle', options.moveOriginator.aeTitle);
        request
          .getCommandDataset()
          .setElement('MoveOriginatorMessageID', options.moveOriginator.messageId as unknown as string);
      }
      request.on('response', (response: responses.CStoreResponse) => {
        result.status = response.getStatus();
        result.comment = response.getErrorComment() || undefined;
        options.onResult?.(result);
      });
      client.addRequest(request);
      const key = `${dataset.sopClassUid}|${ts}`;
      if (!proposed.has(key)) {
        proposed.add(key);
        client.addAdditionalPresentationContext(
          new association.PresentationContext(0, dataset.sopClassUid, ts),
          true,
        );
      }
    }
    client.on('associationRejected', (r: { result: number; source: number; reason: number }) => {
      error = `association rejected (result ${r.result}, source ${r.source}, reason ${r.reason})`;
    });
    client.on('networkError', (e: Error) => {
      error ??= e.message;
    });
    client.on('closed', () => {
      const unsent = results.filter((r) => r.status === undefined).length;
      resolve({ results, error: error ?? (unsent ? `${unsent} object(s) not sent` : undefined) });
    });
    client.send(target.host, target.port, options.callingAeTitle, target.aeTitle, {
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      associationTimeout: options.responseTimeoutMs ?? 30_000,
      pduTimeout: options.responseTimeoutMs ?? 30_000,
      ...securityOptions(target.tls),
    });
  });
}

/**
 * N-EVENT-REPORT SCU on an association of its own (storage commitment, PS3.4 J.3.3, when the requester has
 * released the association of its N-ACTION): the response status, or an error when it could not be delivered.
 */
export function sendEventReport(
  target: RemoteAe,
  callingAeTitle: string,
  report: { sopClassUid: string; sopInstanceUid: string; eventTypeId: number; dataset: DicomJson },
  timeoutMs = 10_000,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const request = new NEventReportRequest(report.sopClassUid, report.sopInstanceUid, report.eventTypeId);
    request.setDataset(jsonToDataset(report.dataset));
    let status: number | undefined;
    let error: string | undefined;
    request.on('response', (r: responses.NEventReportResponse) => (status = r.getStatus()));
    client.addRequest(request);
    client.on(
      'associationRejected',
      (r: { reason: number }) => (error = `association rejected (reason ${r.reason})`),
    );
    client.on('networkError', (e: Error) => (error ??= e.message));
    client.on('closed', () =>
      status !== undefined ? resolve(status) : reject(new Error(error ?? 'no N-EVENT-REPORT response')),
    );
    client.send(target.host, target.port, callingAeTitle, target.aeTitle, {
      connectTimeout: timeoutMs,
      associationTimeout: timeoutMs,
      pduTimeout: timeoutMs,
      ...securityOptions(target.tls),
    });
  });
}

/** C-ECHO SCU: the status of a Verification request, or an error when the peer cannot be associated with. */
export function echo(target: RemoteAe, callingAeTitle: string, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const request = new CEchoRequest();
    let status: number | undefined;
    let error: string | undefined;
    request.on('response', (r: responses.CEchoResponse) => (status = r.getStatus()));
    client.addRequest(request);
    client.on(
      'associationRejected',
      (r: { reason: number }) => (error = `association rejected (reason ${r.reason})`),
    );
    client.on('networkError', (e: Error) => (error ??= e.message));
    client.on('closed', () =>
      status !== undefined ? resolve(status) : reject(new Error(error ?? 'no C-ECHO response')),
    );
    client.send(target.host, target.port, callingAeTitle, target.aeTitle, {
      connectTimeout: timeoutMs,
      associationTimeout: timeoutMs,
      pduTimeout: timeoutMs,
      ...securityOptions(target.tls),
    });
  });
}

/**
 * dcmjs-dimse's `securityOptions`: with them its Client connects with node:tls instead of node:net and passes
 * key, cert, ca, requestCert, rejectUnauthorized, minVersion, maxVersion and ciphers on (dcmjs-dimse 0.3.3,
 * Client.send). The server name checked is the host connected to (an IP against the certificate's IP SAN).
 */
function securityOptions(tls: DicomTlsClientOptions | undefined) {
  if (!tls) return {};
  return {
    securityOptions: {
      ...(tls.cert ? { cert: tls.cert } : {}),
      ...(tls.key ? { key: tls.key } : {}),
      ...(tls.ca ? { ca: tls.ca } : {}),
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
  };
}

export { constants as dimseConstants };
