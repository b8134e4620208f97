import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail (docs/adr/0010-audit-trail.md) in every service database: one append-only, hash-chained
 * row per read or write of patient data, login refusal or configuration change (TT 13/2025, IHE ATNA).
 * Listed by PlatformModule with the platform's messaging migration, before the service's own.
 */
export class PlatformAudit1763700000010 implements MigrationInterface {
  name = 'PlatformAudit1763700000010';

  async up(q: QueryRunner): Promise<void> {
    // seq is assigned by the writer as head + 1 under the append lock, not by a sequence: a sequence leaves
    // gaps on every rollback, and without gaps a missing number is itself evidence of a deleted row.
    // action: FHIR AuditEvent action (C/R/U/D/E); event_type: DICOM PS3.16 CID 400 code or `rest`;
    // what: `METHOD /route/:template` or an event name; outcome + status: success/failure and the HTTP status.
    // hash = SHA-256 of the canonical serialization of the row and prev_hash (libs/platform/audit/src/chain).
    await q.query(`
      CREATE TABLE platform_audit (
        seq            bigint      PRIMARY KEY CHECK (seq > 0),
        recorded_at    timestamptz NOT NULL,
        actor          text,
        actor_roles    text[]      NOT NULL DEFAULT '{}',
        client_id      text,
        source_address text,
        action         text        NOT NULL CHECK (action IN ('C', 'R', 'U', 'D', 'E')),
        event_type     text        NOT NULL,
        what           text        NOT NULL,
        entity_type    text,
        entity_id      text,
        patient_id     text,
        outcome        text        NOT NULL CHECK (outcome IN ('success', 'failure')),
        status         integer,
        detail         text,
        correlation_id text,
        prev_hash      text        NOT NULL,
        hash           text        NOT NULL
      )`);
    // The auditor's searches: by patient, by actor, by time; newest first within each.
    await q.query(
      `CREATE INDEX platform_audit_patient ON platform_audit (patient_id, seq) WHERE patient_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX platform_audit_actor ON platform_audit (actor, seq) WHERE actor IS NOT NULL`);
    await q.query(`CREATE INDEX platform_audit_time ON platform_audit (recorded_at)`);
    // Append-only: no UPDATE, DELETE or TRUNCATE through any role the service uses. An owner or superuser
    // can still disable the trigger; the hash chain (and the copy sent to the syslog collector) is what
    // makes such a change visible.
    await q.query(`
      CREATE FUNCTION platform_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'platform_audit is append-only: % refused', TG_OP USING ERRCODE = 'raise_exception';
      END $$;
      CREATE TRIGGER platform_audit_append_only BEFORE UPDATE OR DELETE ON platform_audit
        FOR EACH ROW EXECUTE FUNCTION platform_audit_refuse_change();
      CREATE TRIGGER platform_audit_no_truncate BEFORE TRUNCATE ON platform_audit
        FOR EACH STATEMENT EXECUTE FUNCTION platform_audit_refuse_change();
    `);
    // The durable cursor of each export (the ATNA syslog sender): the last seq the collector was sent.
    await q.query(`
      CREATE TABLE platform_audit_export (
        sink       text        PRIMARY KEY,
        last_seq   bigint      NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE platform_audit_export');
    await q.query('DROP TABLE platform_audit');
    await q.query('DROP FUNCTION platform_audit_refuse_change()');
  }
}
