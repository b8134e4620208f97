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
  tls: boolean;
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
