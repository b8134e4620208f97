import type { EntityManager } from 'typeorm';
import type { Connection } from '../domain/connection';

const COLUMNS = `id, name, protocol, role, host, port, tls, tls_cert_file AS "tlsCertFile",
  tls_key_file AS "tlsKeyFile", tls_ca_file AS "tlsCaFile", device_application AS "deviceApplication",
  device_facility AS "deviceFacility", local_application AS "localApplication", local_facility AS "localFacility",
  hl7_version AS "hl7Version", charset, ack_mode AS "ackMode", accepts, order_message AS "orderMessage", tests,
  code_map AS "codeMap", max_message_bytes AS "maxMessageBytes", publish_raw AS "publishRaw", enabled, version`;

export type ConnectionInput = Omit<Connection, 'version'>;

export const ConnectionsRepository = {
  async insert(m: EntityManager, c: ConnectionInput): Promise<void> {
    await m.query(
      `INSERT INTO gw_connection (id, name, protocol, role, host, port, tls, device_application, device_facility,
         local_application, local_facility, hl7_version, charset, ack_mode, accepts, order_message, tests, code_map,
         max_message_bytes, enabled, publish_raw, tls_cert_file, tls_key_file, tls_ca_file)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
         $22, $23, $24)`,
      columns(c),
    );
  },

  async update(m: EntityManager, c: ConnectionInput): Promise<void> {
    await m.query(
      `UPDATE gw_connection SET name = $2, protocol = $3, role = $4, host = $5, port = $6, tls = $7,
         device_application = $8, device_facility = $9, local_application = $10, local_facility = $11,
         hl7_version = $12, charset = $13, ack_mode = $14, accepts = $15, order_message = $16, tests = $17,
         code_map = $18, max_message_bytes = $19, enabled = $20, publish_raw = $21, tls_cert_file = $22,
         tls_key_file = $23, tls_ca_file = $24, version = version + 1, updated_at = now()
       WHERE id = $1`,
      columns(c),
    );
  },

  async get(m: EntityManager, id: string, lock = false): Promise<Connection | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM gw_connection WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  },

  async list(m: EntityManager): Promise<Connection[]> {
    return m.query(`SELECT ${COLUMNS} FROM gw_connection ORDER BY id`);
  },

  /** Enabled connections that should receive a work order for any of these service codes. */
  async forTests(m: EntityManager, serviceCodes: string[]): Promise<Connection[]> {
    return m.query(`SELECT ${COLUMNS} FROM gw_connection WHERE enabled AND tests && $1::text[] ORDER BY id`, [
      serviceCodes,
    ]);
  },
};

function columns(c: ConnectionInput): unknown[] {
  return [
    c.id,
    c.name,
    c.protocol,
    c.role,
    c.host,
    c.port,
    c.tls,
    c.deviceApplication,
    c.deviceFacility,
    c.localApplication,
    c.localFacility,
    c.hl7Version,
    c.charset,
    c.ackMode,
    c.accepts,
    c.orderMessage,
    c.tests,
    JSON.stringify(c.codeMap),
    c.maxMessageBytes,
    c.enabled,
    c.publishRaw,
    c.tlsCertFile ?? null,
    c.tlsKeyFile ?? null,
    c.tlsCaFile ?? null,
  ];
}
