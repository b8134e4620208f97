import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The RIS tables. Ids that come from HIS (patient, encounter, order) are text: RIS stores what it was told and
 * never joins them to anything of HIS's. DICOM identifiers keep their value representations' limits: AE titles
 * and Scheduled Station Names are AE/SH (16 characters), accession numbers and procedure/step ids SH (16), UIDs
 * UI (64) (DICOM PS3.5 §6.2).
 */
export class RadiologyOrdersSchema1764200000000 implements MigrationInterface {
  name = 'RadiologyOrdersSchema1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Demographics snapshot from his.patient.v1: the Modality Worklist item carries the patient's code, name,
      -- birth date and sex (ProcedureScheduled).
      CREATE TABLE ris_patient (
        patient_id text PRIMARY KEY,
        patient_code text,
        full_name text,
        -- "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a partial date of birth is legal in Vietnam).
        birth_date text,
        sex text CHECK (sex IN ('male', 'female', 'other', 'unknown')),
        merged_into text,
        version int NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- The modalities' stations the RIS schedules on: (0040,0001) Scheduled Station AE Title and (0040,0010)
      -- Scheduled Station Name. slot_minutes is the length of one procedure step on the station (the slot grid).
      CREATE TABLE ris_station (
        ae_title text PRIMARY KEY CHECK (length(ae_title) BETWEEN 1 AND 16),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 16),
        modality text NOT NULL,
        department_code text,
        slot_minutes int NOT NULL DEFAULT 15 CHECK (slot_minutes BETWEEN 1 AND 480),
        active boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ris_station_modality ON ris_station (modality) WHERE active;

      -- Accession numbers are modality + YYMMDD + a daily sequence: one counter row per day, incremented under its
      -- row lock (the sequence is shared by every modality of the day).
      CREATE TABLE ris_accession_counter (
        service_date date PRIMARY KEY,
        last_seq int NOT NULL
      );

      -- One requested procedure per HIS imaging order, with its one scheduled procedure step.
      CREATE TABLE ris_procedure (
        id uuid PRIMARY KEY,
        order_id text NOT NULL UNIQUE,
        encounter_id text,
        patient_id text NOT NULL,
        -- (0008,0050), (0040,1001), (0040,0009), (0020,000D) assigned by RIS.
        accession_number text NOT NULL UNIQUE CHECK (length(accession_number) <= 16),
        requested_procedure_id text NOT NULL CHECK (length(requested_procedure_id) <= 16),
        scheduled_step_id text NOT NULL UNIQUE CHECK (length(scheduled_step_id) <= 16),
        study_instance_uid text NOT NULL UNIQUE CHECK (length(study_instance_uid) <= 64),
        -- (0008,0060) from the order (the HIS catalogue entry); NULL when the order named none.
        modality text,
        procedure_code_system text,
        procedure_code text NOT NULL,
        procedure_display text,
        priority text NOT NULL CHECK (priority IN ('routine', 'urgent', 'stat')),
        ordering_provider_id text,
        clinical_note text,
        performing_department text,
        ordered_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('requested', 'scheduled', 'in-progress', 'completed', 'discontinued',
          'reported', 'cancelled')),
        -- Why a procedure is still only requested (no station for its modality, no modality): cleared on scheduling.
        waiting_reason_code text,
        waiting_reason text,
        station_ae_title text REFERENCES ris_station (ae_title),
        scheduled_start timestamptz,
        scheduled_at timestamptz,
        -- NULL when RIS scheduled it by its rule; the user who rescheduled it otherwise.
        scheduled_by text,
        started_at timestamptz,
        completed_at timestamptz,
        discontinued_at timestamptz,
        discontinuation_reason text,
        reported_at timestamptz,
        cancelled_at timestamptz,
        cancelled_by text,
        cancel_reason text,
        -- What the archive gateway reported of the images (pacs.study.v1 StudyReceived / StudyHeld).
        study_received_uid text,
        study_series_count int,
        study_instance_count int,
        study_modalities text[],
        study_received_at timestamptz,
        study_held_uid text,
        study_held_reasons jsonb,
        study_held_at timestamptz,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (status IN ('requested', 'cancelled') OR (station_ae_title IS NOT NULL AND scheduled_start IS NOT NULL))
      );
      CREATE INDEX ris_procedure_worklist ON ris_procedure (station_ae_title, scheduled_start) WHERE status = 'scheduled';
      CREATE INDEX ris_procedure_status ON ris_procedure (status, scheduled_start);
      CREATE INDEX ris_procedure_patient ON ris_procedure (patient_id);
      CREATE INDEX ris_procedure_waiting ON ris_procedure (modality, created_at) WHERE status = 'requested';

      -- The MPPS reports received (pacs.mpps.v1), one row per performed step and state: the same state of the
      -- same step reported again (a replay under a new event id) is recognised and changes nothing.
      CREATE TABLE ris_mpps (
        mpps_instance_uid text NOT NULL,
        status text NOT NULL CHECK (status IN ('in-progress', 'completed', 'discontinued')),
        procedure_id uuid REFERENCES ris_procedure (id),
        -- moved: the procedure's status changed; no-change: late or repeated; unmatched: no procedure found.
        effect text NOT NULL CHECK (effect IN ('moved', 'no-change', 'unmatched')),
        accession_number text,
        scheduled_step_id text,
        requested_procedure_id text,
        study_instance_uid text,
        modality text,
        station_ae_title text,
        dicom_patient_id text,
        started_at timestamptz,
        ended_at timestamptz,
        instance_count int,
        discontinuation_reason text,
        event_id text,
        -- The event's payload as received (proto JSON), verbatim.
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (mpps_instance_uid, status)
      );
      CREATE INDEX ris_mpps_procedure ON ris_mpps (procedure_id, received_at);
      CREATE INDEX ris_mpps_unmatched ON ris_mpps (received_at) WHERE procedure_id IS NULL;

      -- Radiology reports. version counts edits (optimistic locking). An addendum is a new final report that
      -- amends the previous final one (which becomes 'amended'); a report from an outside RIS is source 'external'.
      CREATE TABLE ris_report (
        id uuid PRIMARY KEY,
        procedure_id uuid NOT NULL REFERENCES ris_procedure (id),
        version int NOT NULL DEFAULT 1,
        status text NOT NULL CHECK (status IN ('draft', 'preliminary', 'final', 'amended')),
        source text NOT NULL CHECK (source IN ('ris', 'external')),
        findings text NOT NULL,
        impression text,
        addendum text,
        critical boolean NOT NULL DEFAULT false,
        critical_finding text,
        critical_raised_at timestamptz,
        critical_raised_by text,
        author text NOT NULL,
        preliminary_by text,
        preliminary_at timestamptz,
        signed_by text,
        signed_at timestamptz,
        amends uuid REFERENCES ris_report (id),
        -- The outside system's report id (e.g. the ORU^R01's filler id): the same report arriving twice applies once.
        external_id text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (status IN ('draft', 'preliminary') OR (signed_by IS NOT NULL AND signed_at IS NOT NULL)),
        CHECK (NOT critical OR critical_finding IS NOT NULL)
      );
      -- One live report per procedure: open (draft/preliminary) or its current final version.
      CREATE UNIQUE INDEX ris_report_live ON ris_report (procedure_id) WHERE status IN ('draft', 'preliminary', 'final');
      CREATE INDEX ris_report_procedure ON ris_report (procedure_id, created_at);
      CREATE INDEX ris_report_open ON ris_report (status, updated_at) WHERE status IN ('draft', 'preliminary');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE ris_report, ris_mpps, ris_procedure, ris_accession_counter, ris_station, ris_patient;
    `);
  }
}
