import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-connection TLS material: the names of PEM files under GATEWAY_TLS_DIR (never the PEM itself: keys stay
 * on the file system, out of the database and its backups). NULL falls back to GATEWAY_TLS_CERT, _KEY, _CA.
 * See src/connections/application/tls-material.ts.
 */
export class ConnectionTlsFiles1763900000200 implements MigrationInterface {
  name = 'ConnectionTlsFiles1763900000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE gw_connection
        ADD COLUMN tls_cert_file text,
        ADD COLUMN tls_key_file text,
        ADD COLUMN tls_ca_file text,
        ADD CONSTRAINT gw_connection_tls_pair CHECK ((tls_cert_file IS NULL) = (tls_key_file IS NULL))
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE gw_connection
        DROP CONSTRAINT gw_connection_tls_pair,
        DROP COLUMN tls_cert_file,
        DROP COLUMN tls_key_file,
        DROP COLUMN tls_ca_file
    `);
  }
}
