import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The LIS tables. Ids that come from HIS (patient, encounter, order) are text: LIS stores what it was told
 * and never joins them to anything of HIS's. Numeric values are `numeric` (no binary rounding of a lab value
 * or a limit); result values are kept as text, as reported, beside the released (rounded) form.
 * A result is versioned: a correction adds a version and marks the previous one 'corrected', never rewrites it.
 */
export class LaboratorySchema1764000000000 implements MigrationInterface {
  name = 'LaboratorySchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- The tests the lab performs, keyed by the HIS service catalogue code the order names (e.g. XN-GLU).
      CREATE TABLE lab_test_definition (
        service_code text PRIMARY KEY,
        name text NOT NULL,
        loinc text,
        -- HL7 table 0487 (SER, BLD, PLAS, UR...) and the tube / container the specimen is drawn into.
        specimen_type text NOT NULL,
        container_type text NOT NULL,
        value_type text NOT NULL CHECK (value_type IN ('numeric', 'text')),
        -- UCUM; an analyzer result in another unit is held, never converted silently.
        unit text,
        decimals int NOT NULL DEFAULT 2 CHECK (decimals BETWEEN 0 AND 6),
        critical_low numeric,
        critical_high numeric,
        -- {code, low?, high?, delta?: {mode: absolute|percent, limit, withinDays?}, allowAbnormal?}; NULL = none.
        auto_verification jsonb,
        active boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (value_type = 'text' OR unit IS NOT NULL),
        CHECK (critical_low IS NULL OR critical_high IS NULL OR critical_low < critical_high)
      );

      CREATE TABLE lab_reference_range (
        id bigserial PRIMARY KEY,
        service_code text NOT NULL REFERENCES lab_test_definition (service_code) ON DELETE CASCADE,
        sex text NOT NULL CHECK (sex IN ('male', 'female', 'any')),
        -- Age at the observation, in days: [age_from_days, age_to_days), NULL upper bound = no limit.
        age_from_days int NOT NULL DEFAULT 0 CHECK (age_from_days >= 0),
        age_to_days int CHECK (age_to_days IS NULL OR age_to_days > age_from_days),
        low numeric,
        high numeric,
        CHECK (low IS NOT NULL OR high IS NOT NULL),
        CHECK (low IS NULL OR high IS NULL OR low <= high)
      );
      CREATE INDEX lab_reference_range_test ON lab_reference_range (service_code);

      -- Demographics snapshot from his.patient.v1: the analyzer's work order needs them, and reference ranges
      -- are chosen by sex and age.
      CREATE TABLE lab_patient (
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

      -- Accession numbers are YYMMDD + a daily sequence: one counter row per day, incremented under its lock.
      CREATE TABLE lab_accession_counter (
        service_date date PRIMARY KEY,
        last_seq int NOT NULL
      );

      -- One accession per encounter and (facility) day of ordering.
      CREATE TABLE lab_accession (
        accession_number text PRIMARY KEY,
        patient_id text NOT NULL,
        encounter_id text NOT NULL,
        service_date date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (encounter_id, service_date)
      );
      CREATE INDEX lab_accession_patient ON lab_accession (patient_id);

      CREATE TABLE lab_specimen (
        -- The tube's barcode: the accession number + a 2-digit specimen number within the accession.
        barcode text PRIMARY KEY,
        accession_number text NOT NULL REFERENCES lab_accession (accession_number),
        seq int NOT NULL,
        specimen_type text NOT NULL,
        container_type text NOT NULL,
        priority text NOT NULL CHECK (priority IN ('routine', 'urgent', 'stat')),
        status text NOT NULL CHECK (status IN ('labelled', 'collected', 'received', 'rejected', 'cancelled')),
        labelled_at timestamptz NOT NULL,
        collected_at timestamptz,
        collected_by text,
        received_at timestamptz,
        received_by text,
        rejected_at timestamptz,
        rejected_by text,
        rejection_reason text,
        -- A recollection points at the rejected specimen it replaces.
        recollection_of text REFERENCES lab_specimen (barcode),
        -- The work order released to the analyzers (on receipt); replaced when its tests change.
        work_order_id uuid,
        work_order_released_at timestamptz,
        version int NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL,
        UNIQUE (accession_number, seq)
      );
      CREATE INDEX lab_specimen_status ON lab_specimen (status, labelled_at);

      -- The tests (HIS orders) a specimen serves.
      CREATE TABLE lab_specimen_test (
        barcode text NOT NULL REFERENCES lab_specimen (barcode),
        order_id text NOT NULL,
        service_code text NOT NULL REFERENCES lab_test_definition (service_code),
        priority text NOT NULL CHECK (priority IN ('routine', 'urgent', 'stat')),
        status text NOT NULL CHECK (status IN ('ordered', 'resulted', 'final', 'cancelled', 'rejected')),
        ordered_at timestamptz NOT NULL,
        ordering_provider_id text,
        clinical_note text,
        cancel_reason text,
        PRIMARY KEY (barcode, order_id)
      );
      -- An order is on one specimen at a time; a rejected specimen's rows stay for the record.
      CREATE UNIQUE INDEX lab_specimen_test_order ON lab_specimen_test (order_id) WHERE status <> 'rejected';

      -- Laboratory orders LIS could not accession (no test definition for the service code): kept until the
      -- definition is added (PUT /tests accessions them then) or someone discards them.
      CREATE TABLE lab_held_order (
        order_id text PRIMARY KEY,
        encounter_id text NOT NULL,
        patient_id text NOT NULL,
        service_code text NOT NULL,
        service_display text,
        priority text NOT NULL,
        ordered_at timestamptz NOT NULL,
        ordering_provider_id text,
        clinical_note text,
        reason_code text NOT NULL,
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('held', 'accessioned', 'discarded', 'cancelled')),
        held_at timestamptz NOT NULL,
        resolved_at timestamptz,
        resolved_by text,
        discard_reason text
      );
      CREATE INDEX lab_held_order_open ON lab_held_order (service_code) WHERE status = 'held';

      -- Analyzer reports already applied, by the gateway's report id: a report re-emitted under a new event
      -- id (a replay from the message store) is still applied once.
      CREATE TABLE lab_analyzer_report (
        report_id text PRIMARY KEY,
        message_id text,
        connection_id text,
        device_id text,
        specimen_id text,
        protocol text,
        observation_count int NOT NULL,
        received_at timestamptz,
        recorded_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE lab_result (
        -- The logical result (what events and the API name); each correction or rerun is a new version.
        result_id uuid NOT NULL,
        version int NOT NULL,
        barcode text NOT NULL REFERENCES lab_specimen (barcode),
        order_id text NOT NULL,
        service_code text NOT NULL REFERENCES lab_test_definition (service_code),
        -- Released form (rounded to the test's decimals) and the value as the device sent it.
        value text NOT NULL,
        device_value text,
        unit text,
        reference_range text,
        abnormal_flag text CHECK (abnormal_flag IN ('N', 'L', 'H', 'LL', 'HH', 'A')),
        device_flags text,
        critical boolean NOT NULL DEFAULT false,
        status text NOT NULL CHECK (status IN ('pending-technical', 'pending-medical', 'final', 'corrected',
          'superseded', 'cancelled')),
        -- HL7 OBX-11 / ASTM R-9 as sent.
        result_status text,
        device_id text,
        device_code text,
        report_id text,
        held_result_id uuid,
        observed_at timestamptz,
        resulted_at timestamptz NOT NULL,
        -- Every auto-verification check with its outcome, and the rule that released the result (if it did).
        auto_verification jsonb,
        auto_verified_rule text,
        technical_validator text,
        technical_validated_at timestamptz,
        medical_validator text,
        medical_validated_at timestamptz,
        released_at timestamptz,
        corrected_by text,
        correction_reason text,
        PRIMARY KEY (result_id, version),
        CHECK (medical_validator IS NULL OR medical_validator <> technical_validator)
      );
      -- One live result per order: a rerun or a correction retires the previous version first.
      CREATE UNIQUE INDEX lab_result_live ON lab_result (order_id)
        WHERE status IN ('pending-technical', 'pending-medical', 'final');
      CREATE INDEX lab_result_status ON lab_result (status, resulted_at);
      CREATE INDEX lab_result_barcode ON lab_result (barcode);
      CREATE INDEX lab_result_final ON lab_result (service_code, released_at) WHERE status = 'final';

      -- Analyzer results LIS could not attach (unknown barcode, unmapped code, test not ordered, wrong unit...):
      -- held with the reason, never dropped, until resolved onto a specimen's test or discarded with a reason.
      CREATE TABLE lab_held_result (
        id uuid PRIMARY KEY,
        report_id text,
        message_id text,
        device_id text,
        specimen_id text NOT NULL,
        device_code text,
        service_code text,
        loinc text,
        value text,
        unit text,
        -- The reported observation, every field.
        observation jsonb NOT NULL,
        reason_code text NOT NULL,
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('held', 'resolved', 'discarded')),
        held_at timestamptz NOT NULL,
        resolved_at timestamptz,
        resolved_by text,
        resolution jsonb,
        result_id uuid,
        discard_reason text
      );
      CREATE INDEX lab_held_result_status ON lab_held_result (status, held_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE lab_held_result, lab_result, lab_analyzer_report, lab_held_order, lab_specimen_test, lab_specimen,
        lab_accession, lab_accession_counter, lab_patient, lab_reference_range, lab_test_definition;
    `);
  }
}
