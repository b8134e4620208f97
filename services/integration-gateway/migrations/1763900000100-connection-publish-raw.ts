import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Whether a connection's result messages are also published raw (gateway.hl7-inbound.v1); see connection.ts. */
export class ConnectionPublishRaw1763900000100 implements MigrationInterface {
  name = 'ConnectionPublishRaw1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gw_connection ADD COLUMN publish_raw boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gw_connection DROP COLUMN publish_raw`);
  }
}
