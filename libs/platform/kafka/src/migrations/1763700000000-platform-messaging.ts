import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox and the consumers' inbox (docs/adr/0004-outbox-inbox.md). Every service that
 * produces or consumes events lists this migration before its own.
 */
export class PlatformMessaging1763700000000 implements MigrationInterface {
  name = 'PlatformMessaging1763700000000';

  async up(q: QueryRunner): Promise<void> {
    // seq orders publication; rows leave the table once Kafka has acknowledged them.
    await q.query(`
      CREATE TABLE platform_outbox (
        seq            bigserial PRIMARY KEY,
        event_id       uuid        NOT NULL UNIQUE,
        topic          text        NOT NULL,
        partition_key  text        NOT NULL,
        event_type     text        NOT NULL,
        payload        bytea       NOT NULL,
        headers        jsonb       NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        attempts       integer     NOT NULL DEFAULT 0,
        last_error     text
      )`);
    // One row per event a consumer group has applied (or dead-lettered), written in the same transaction
    // as the effect, so a redelivered event changes nothing.
    await q.query(`
      CREATE TABLE platform_inbox (
        consumer_group text        NOT NULL,
        event_id       text        NOT NULL,
        topic          text        NOT NULL,
        kafka_partition integer    NOT NULL,
        kafka_offset   bigint      NOT NULL,
        event_type     text        NOT NULL,
        status         text        NOT NULL CHECK (status IN ('applied', 'dead_lettered')),
        error          text,
        processed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
    await q.query(`CREATE INDEX platform_inbox_processed_at ON platform_inbox (processed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE platform_inbox');
    await q.query('DROP TABLE platform_outbox');
  }
}
