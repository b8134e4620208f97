/**
 * A configured link to a device or an external system: an analyzer, a modality, another HIS. Everything that
 * differs between two analyzers of one lab is here, not in code: how to reach it, who it says it is, which
 * HL7 version and character set it speaks, the ACK mode, the messages it may send, how work orders go to it,
 * and its code map.
 */
export interface CodeMapEntry {
  /** The code the device uses (OBX-3.1, ASTM R-3 test code). */
  deviceCode: string;
  /** The service catalogue code it means. */
  serviceCode: string;
  serviceName?: string;
  loinc?: string;
  /** The unit the device reports, and the UCUM unit it maps to ('' when they are the same). */
  deviceUnit?: string;
  unit?: string;
}

/**
 * A TLS file name relative to GATEWAY_TLS_DIR: segments of letters, digits, '.', '_', '-', none starting with
 * '.', so a name set over the API can neither climb out of the directory ('..') nor name an absolute path.
 */
export const TLS_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

export type ConnectionProtocol = 'hl7v2' | 'astm';
export type ConnectionRole = 'listen' | 'connect';
export type AckMode = 'original' | 'enhanced';
export type OrderMessage = 'OML^O21' | 'ORM^O01';

export interface Connection {
  id: string;
  name: string;
  protocol: ConnectionProtocol;
  role: ConnectionRole;
  host: string;
  port: number;
  /**
   * MLLP over TLS (listen: we serve TLS; connect: we open TLS). Mutual TLS when a CA bundle is configured:
   * see application/tls-material.ts. Only HL7 connections: ASTM links have no TLS here.
   */
  tls: boolean;
  /**
   * This connection's own PEM files, as names under GATEWAY_TLS_DIR (never a path elsewhere, never the PEM
   * itself); null uses GATEWAY_TLS_CERT / GATEWAY_TLS_KEY / GATEWAY_TLS_CA. Certificate and key go together.
   */
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
  tlsCaFile: string | null;
  deviceApplication: string | null;
  deviceFacility: string | null;
  localApplication: string;
  localFacility: string;
  hl7Version: string;
  charset: string;
  ackMode: AckMode;
  accepts: string[];
  orderMessage: OrderMessage | null;
  tests: string[];
  codeMap: CodeMapEntry[];
  maxMessageBytes: number;
  /**
   * Also publish result messages raw on gateway.hl7-inbound.v1. Results always go out structured
   * (gateway.analyzer-result.v1) and the raw bytes are in the message store, so by default a result message is
   * not published twice; messages without a structured event (ADT, other types) are always published raw.
   */
  publishRaw: boolean;
  enabled: boolean;
  version: number;
}

/** The code map as a lookup by device code. */
export function codeMapOf(c: Pick<Connection, 'codeMap'>): Map<string, CodeMapEntry> {
  return new Map(c.codeMap.map((e) => [e.deviceCode, e]));
}
