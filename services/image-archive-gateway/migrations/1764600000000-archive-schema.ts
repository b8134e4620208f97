import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The archive gateway's tables. The DICOM objects themselves live on the filesystem, content-addressed under
 * ARCHIVE_ROOT (objects/<sha256[0:2]>/<sha256[2:4]>/<sha256>.dcm); these tables are their index, with the
 * header kept verbatim as DICOM JSON beside the promoted keys (ARCHITECTURE "keep every standard payload").
 * UIDs are text (up to 64 characters, PS3.5 §9.1); dates and times stay in DICOM form (DA "YYYYMMDD",
 * TM "HHMMSS.FFFFFF") because that is how they are matched.
 */
export class ArchiveSchema1764600000000 implements MigrationInterface {
  name = 'ArchiveSchema1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Remote application entities: who may open an association (calling AE title, optionally from one host),
      -- where C-MOVE sends (host, port) and which PACS gets every stored instance (forward).
      CREATE TABLE dcm_peer (
        ae_title text PRIMARY KEY CHECK (ae_title ~ '^[^\\\\]{1,16}$' AND ae_title = btrim(ae_title)),
        host text,
        port int CHECK (port BETWEEN 1 AND 65535),
        check_host boolean NOT NULL DEFAULT false,
        forward boolean NOT NULL DEFAULT false,
        description text,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (NOT check_host OR host IS NOT NULL),
        CHECK (NOT forward OR (host IS NOT NULL AND port IS NOT NULL))
      );

      -- The Modality Worklist: RIS's scheduled procedure steps (ris.procedure.v1 ProcedureScheduled), one per
      -- requested procedure, kept after they leave the worklist so that images can be reconciled with them.
      CREATE TABLE dcm_worklist_item (
        procedure_id text PRIMARY KEY,
        order_id text NOT NULL,
        patient_id text NOT NULL,
        accession_number text NOT NULL,
        requested_procedure_id text NOT NULL,
        scheduled_step_id text NOT NULL,
        modality text NOT NULL,
        station_ae_title text,
        station_name text,
        scheduled_start timestamptz,
        -- (0040,0002)/(0040,0003) in the hospital's time zone (DICOM_TIMEZONE), as matched by C-FIND.
        scheduled_date text,
        scheduled_time text,
        procedure_code jsonb,
        description text,
        patient_code text NOT NULL,
        patient_name text NOT NULL,
        birth_date text,
        sex text,
        priority text,
        referring_physician text,
        study_instance_uid text,
        status text NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'completed', 'discontinued', 'cancelled')),
        cancel_reason text,
        -- The full worklist item as DICOM JSON, what C-FIND matches against and answers with.
        attributes jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX dcm_worklist_item_accession ON dcm_worklist_item (accession_number);
      CREATE INDEX dcm_worklist_item_open ON dcm_worklist_item (scheduled_date, modality)
        WHERE status IN ('scheduled', 'in_progress');

      -- Modality Performed Procedure Steps (N-CREATE, then N-SET until COMPLETED or DISCONTINUED).
      CREATE TABLE dcm_mpps (
        sop_instance_uid text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('IN PROGRESS', 'COMPLETED', 'DISCONTINUED')),
        calling_ae text NOT NULL,
        accession_number text,
        scheduled_step_id text,
        requested_procedure_id text,
        study_instance_uid text,
        modality text,
        station_ae_title text,
        patient_id text,
        procedure_id text,
        started_at timestamptz,
        ended_at timestamptz,
        instance_count int NOT NULL DEFAULT 0,
        discontinuation_reason text,
        -- The MPPS attributes as DICOM JSON: the N-CREATE's, with every N-SET applied.
        attributes jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX dcm_mpps_accession ON dcm_mpps (accession_number);

      -- Studies, series and instances received (C-STORE, STOW-RS). Patient attributes sit on the study: the
      -- archive keeps what the modality sent; the platform's patient is the worklist's (reconciliation).
      CREATE TABLE dcm_study (
        study_instance_uid text PRIMARY KEY,
        patient_id text,
        patient_name text,
        patient_birth_date text,
        patient_sex text,
        accession_number text,
        study_date text,
        study_time text,
        study_description text,
        -- Patient and study level attributes (DICOM JSON) of the latest instance, for C-FIND and QIDO-RS.
        attributes jsonb NOT NULL,
        reconciliation text NOT NULL DEFAULT 'pending'
          CHECK (reconciliation IN ('pending', 'reconciled', 'held', 'resolved')),
        procedure_id text,
        order_id text,
        platform_patient_id text,
        held_reasons text[] NOT NULL DEFAULT '{}',
        held_at timestamptz,
        resolved_by text,
        resolved_reason text,
        resolved_at timestamptz,
        -- When set, the study is announced (StudyReceived / StudyHeld) at or after this time: a few seconds
        -- after its last instance, or at once when the association that sent it is released.
        announce_at timestamptz,
        announced_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX dcm_study_patient ON dcm_study (patient_id);
      CREATE INDEX dcm_study_accession ON dcm_study (accession_number);
      CREATE INDEX dcm_study_date ON dcm_study (study_date);
      CREATE INDEX dcm_study_announce ON dcm_study (announce_at) WHERE announce_at IS NOT NULL;
      CREATE INDEX dcm_study_held ON dcm_study (held_at) WHERE reconciliation = 'held';

      CREATE TABLE dcm_series (
        series_instance_uid text PRIMARY KEY,
        study_instance_uid text NOT NULL REFERENCES dcm_study (study_instance_uid),
        modality text,
        series_number int,
        series_description text,
        attributes jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX dcm_series_study ON dcm_series (study_instance_uid);

      CREATE TABLE dcm_instance (
        sop_instance_uid text PRIMARY KEY,
        series_instance_uid text NOT NULL REFERENCES dcm_series (series_instance_uid),
        study_instance_uid text NOT NULL REFERENCES dcm_study (study_instance_uid),
        sop_class_uid text NOT NULL,
        instance_number int,
        transfer_syntax_uid text NOT NULL,
        -- The stored Part 10 file: its SHA-256 names it under ARCHIVE_ROOT.
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size_bytes bigint NOT NULL,
        number_of_frames int,
        -- Every attribute before Pixel Data as DICOM JSON (PS3.18 F.2), bulk data left out.
        header jsonb NOT NULL,
        source text NOT NULL CHECK (source IN ('dimse', 'stow')),
        calling_ae text,
        association_id text,
        received_at timestamptz NOT NULL DEFAULT now(),
        -- A resent instance replaces the previous version (its file stays, content-addressed).
        version int NOT NULL DEFAULT 1
      );
      CREATE INDEX dcm_instance_series ON dcm_instance (series_instance_uid);
      CREATE INDEX dcm_instance_study ON dcm_instance (study_instance_uid);

      -- Storage commitment requests (N-ACTION) and their answer (N-EVENT-REPORT).
      CREATE TABLE dcm_commitment (
        transaction_uid text PRIMARY KEY,
        calling_ae text NOT NULL,
        requested jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'reported', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        reported_at timestamptz
      );
      CREATE INDEX dcm_commitment_due ON dcm_commitment (next_attempt_at) WHERE status = 'pending';

      -- Instances waiting to be forwarded to a downstream PACS (C-STORE SCU), queued in the transaction that
      -- indexed them. Retried with backoff; parked after ARCHIVE_FORWARD_MAX_ATTEMPTS, requeued by hand.
      CREATE TABLE dcm_forward (
        id bigserial PRIMARY KEY,
        destination text NOT NULL,
        sop_instance_uid text NOT NULL,
        sha256 text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'sent', 'parked')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        last_status int,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      );
      CREATE INDEX dcm_forward_due ON dcm_forward (destination, next_attempt_at, id) WHERE status = 'queued';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE dcm_forward, dcm_commitment, dcm_instance, dcm_series, dcm_study, dcm_mpps, dcm_worklist_item,
        dcm_peer;
    `);
  }
}
