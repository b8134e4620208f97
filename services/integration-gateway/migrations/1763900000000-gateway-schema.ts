import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's tables. The message store is range-partitioned by day on `received_at`: retention drops
 * whole partitions (no DELETE sweeping millions of rows, no bloat), and the maintenance job creates the days
 * ahead (store/application/partition-maintenance.ts). PostgreSQL requires the partition key in every unique
 * constraint of a partitioned table, so duplicate detection by (connection, MSH-10) lives in its own small
 * table, pruned with the same retention.
 */
export class GatewaySchema1763900000000 implements MigrationInterface {
  name = 'GatewaySchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gw_connection (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        name text NOT NULL,
        protocol text NOT NULL CHECK (protocol IN ('hl7v2', 'astm')),
        -- listen: the device connects to us (results in); connect: we connect to it (orders out).
        role text NOT NULL CHECK (role IN ('listen', 'connect')),
        host text NOT NULL,
        port int NOT NULL CHECK (port BETWEEN 1 AND 65535),
        tls boolean NOT NULL DEFAULT false,
        -- What the device puts in MSH-3/MSH-4 (checked on inbound when set) and what we put in ours.
        device_application text,
        device_facility text,
        local_application text NOT NULL DEFAULT 'HOSP-GW',
        local_facility text NOT NULL DEFAULT '',
        hl7_version text NOT NULL DEFAULT '2.5.1',
        charset text NOT NULL DEFAULT 'UNICODE UTF-8',
        ack_mode text NOT NULL DEFAULT 'original' CHECK (ack_mode IN ('original', 'enhanced')),
        -- The message types the device may send us ('ORU^R01', 'OUL^R22', 'QBP^Q11', ...).
        accepts text[] NOT NULL DEFAULT '{}',
        -- How work orders are pushed to it: OML^O21, ORM^O01, or not at all (the device queries).
        order_message text CHECK (order_message IN ('OML^O21', 'ORM^O01')),
        -- Service catalogue codes the device performs: routes work orders to it.
        tests text[] NOT NULL DEFAULT '{}',
        -- [{deviceCode, serviceCode, serviceName, loinc, deviceUnit, unit}]
        code_map jsonb NOT NULL DEFAULT '[]',
        max_message_bytes int NOT NULL DEFAULT 1048576,
        enabled boolean NOT NULL DEFAULT true,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE gw_message (
        id uuid NOT NULL,
        received_at timestamptz NOT NULL,
        connection_id text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        protocol text NOT NULL,
        message_type text,
        control_id text,
        sender text,
        version text,
        charset text,
        -- The bytes exactly as received or sent (MLLP unframed), whatever their character set.
        raw bytea NOT NULL,
        -- Promoted keys for search.
        patient_id text,
        specimen_ids text[] NOT NULL DEFAULT '{}',
        -- accepted | rejected (bad message, kept for inspection) | refused (gateway could not store or emit;
        -- the sender was told to resend) | sent | acked | nak | parked (outbound)
        status text NOT NULL,
        error text,
        ack_code text,
        ack bytea,
        -- Lineage: the events this message produced.
        event_ids uuid[] NOT NULL DEFAULT '{}',
        replays int NOT NULL DEFAULT 0,
        PRIMARY KEY (id, received_at)
      ) PARTITION BY RANGE (received_at);
      CREATE INDEX gw_message_connection ON gw_message (connection_id, received_at);
      CREATE INDEX gw_message_type ON gw_message (message_type, received_at);
      CREATE INDEX gw_message_patient ON gw_message (patient_id) WHERE patient_id IS NOT NULL;
      CREATE INDEX gw_message_specimen ON gw_message USING gin (specimen_ids);
      CREATE INDEX gw_message_status ON gw_message (status, received_at);

      CREATE TABLE gw_message_key (
        connection_id text NOT NULL,
        control_id text NOT NULL,
        message_id uuid NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (connection_id, control_id)
      );
      CREATE INDEX gw_message_key_received ON gw_message_key (received_at);

      -- Work orders LIS released, kept to push them and to answer the analyzers' queries by barcode.
      CREATE TABLE gw_work_order (
        specimen_id text PRIMARY KEY,
        work_order_id text NOT NULL,
        patient_id text NOT NULL,
        work_order jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('released', 'cancelled')),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- Outbound messages, sent in order per connection.
      CREATE TABLE gw_outbound (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        connection_id text NOT NULL REFERENCES gw_connection (id),
        message_type text NOT NULL,
        control_id text NOT NULL,
        specimen_id text,
        raw bytea NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'acked', 'parked')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        ack bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        acked_at timestamptz
      );
      CREATE INDEX gw_outbound_queue ON gw_outbound (connection_id, seq) WHERE status = 'queued';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gw_outbound, gw_work_order, gw_message_key, gw_message, gw_connection`);
  }
}
