import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The HIS tables. Money is numeric (VND with the QĐ 130 §1.5 decimals: quantities and prices 3, amounts 2);
 * mutable aggregates carry a `version` for optimistic locking; signed documents and ledger lines are
 * append-only, enforced by triggers so that not even a bug in this service can rewrite them.
 */
export class HisSchema1763800000000 implements MigrationInterface {
  name = 'HisSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SEQUENCE his_patient_code_seq;

      CREATE TABLE his_patient (
        id uuid PRIMARY KEY,
        -- MA_BN: the hospital's own patient code, printed on the queue ticket and the claim.
        patient_code text NOT NULL UNIQUE,
        citizen_id text,
        citizen_id_kind text CHECK (citizen_id_kind IN ('cccd', 'cmnd', 'passport')),
        full_name text NOT NULL,
        -- Lower-case, accents and đ folded: what the accent-insensitive search matches against.
        name_folded text NOT NULL,
        -- "YYYY", "YYYY-MM" or "YYYY-MM-DD": the claims standard allows a year only.
        birth_date text NOT NULL,
        birth_year int NOT NULL,
        sex text NOT NULL CHECK (sex IN ('male', 'female', 'other', 'unknown')),
        address_line text,
        province_code text,
        district_code text,
        commune_code text,
        ethnicity_code text,
        nationality_code text,
        occupation_code text,
        phone text,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged')),
        merged_into uuid REFERENCES his_patient (id),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- One active record per identity document; a merged record keeps its number for the audit trail.
      CREATE UNIQUE INDEX his_patient_citizen_id_active ON his_patient (citizen_id)
        WHERE citizen_id IS NOT NULL AND status = 'active';
      CREATE INDEX his_patient_name ON his_patient (name_folded text_pattern_ops);
      CREATE INDEX his_patient_birth ON his_patient (birth_year, name_folded);

      CREATE TABLE his_insurance_card (
        id uuid PRIMARY KEY,
        patient_id uuid NOT NULL REFERENCES his_patient (id),
        card_number text NOT NULL,
        -- The last 10 digits: the social-insurance number, stable across card renewals.
        bhxh_number text NOT NULL,
        beneficiary_group text NOT NULL,
        benefit_level int NOT NULL CHECK (benefit_level BETWEEN 1 AND 5),
        valid_from date NOT NULL,
        valid_to date NOT NULL,
        registration_facility text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (card_number, valid_from)
      );
      CREATE INDEX his_insurance_card_patient ON his_insurance_card (patient_id);
      CREATE INDEX his_insurance_card_bhxh ON his_insurance_card (bhxh_number);

      CREATE TABLE his_service_catalog (
        code text PRIMARY KEY,
        name text NOT NULL,
        category text NOT NULL CHECK (category IN ('exam', 'laboratory', 'imaging', 'procedure', 'bed', 'supply', 'other')),
        hospital_price numeric(15, 3) NOT NULL CHECK (hospital_price >= 0),
        -- NULL: not covered by BHYT.
        insurance_price numeric(15, 3) CHECK (insurance_price >= 0),
        performing_department text NOT NULL,
        modality text,
        loinc_code text,
        active boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE his_drug_catalog (
        code text PRIMARY KEY,
        name text NOT NULL,
        active_ingredient_code text NOT NULL,
        active_ingredient text NOT NULL,
        strength text NOT NULL,
        route text NOT NULL,
        dosage_form text NOT NULL,
        unit text NOT NULL,
        hospital_price numeric(15, 3) NOT NULL CHECK (hospital_price >= 0),
        insurance_price numeric(15, 3) CHECK (insurance_price >= 0),
        active boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE his_encounter (
        id uuid PRIMARY KEY,
        patient_id uuid NOT NULL REFERENCES his_patient (id),
        encounter_class text NOT NULL CHECK (encounter_class IN ('outpatient', 'emergency', 'day-treatment', 'inpatient')),
        -- MA_LOAI_KCB (QĐ 130 XML1), kept for claims.
        visit_type text NOT NULL,
        status text NOT NULL CHECK (status IN ('in-progress', 'discharged', 'closed', 'cancelled')),
        department_code text NOT NULL,
        bed_code text,
        room_code text,
        insurance_card_id uuid REFERENCES his_insurance_card (id),
        -- MUC_HUONG in percent; 47.5 is possible (95% card x 50% off-route outpatient, from 2026-07-01).
        coverage_percent numeric(5, 2),
        route text CHECK (route IN ('correct', 'emergency', 'off-route')),
        main_diagnosis text,
        secondary_diagnoses text[] NOT NULL DEFAULT '{}',
        outcome text,
        discharge_type text,
        started_at timestamptz NOT NULL,
        discharged_at timestamptz,
        closed_at timestamptz,
        version int NOT NULL DEFAULT 1
      );
      CREATE INDEX his_encounter_patient ON his_encounter (patient_id, started_at DESC);
      -- A duplicate check-in (same patient, same day, still open) is refused by the application; this index
      -- makes the lookup cheap.
      CREATE INDEX his_encounter_open ON his_encounter (patient_id) WHERE status = 'in-progress';

      CREATE TABLE his_encounter_movement (
        id bigserial PRIMARY KEY,
        encounter_id uuid NOT NULL REFERENCES his_encounter (id),
        from_department text,
        to_department text NOT NULL,
        bed_code text,
        moved_at timestamptz NOT NULL
      );
      CREATE INDEX his_encounter_movement_encounter ON his_encounter_movement (encounter_id, moved_at);

      CREATE TABLE his_queue_ticket (
        id uuid PRIMARY KEY,
        room_code text NOT NULL,
        service_date date NOT NULL,
        seq int NOT NULL,
        patient_id uuid NOT NULL REFERENCES his_patient (id),
        encounter_id uuid NOT NULL REFERENCES his_encounter (id),
        priority boolean NOT NULL DEFAULT false,
        status text NOT NULL CHECK (status IN ('waiting', 'called', 'skipped', 'done')),
        issued_at timestamptz NOT NULL,
        called_at timestamptz,
        UNIQUE (room_code, service_date, seq)
      );
      CREATE INDEX his_queue_waiting ON his_queue_ticket (room_code, service_date, priority DESC, seq)
        WHERE status = 'waiting';
      -- The daily sequence per room: one row per room and day, incremented under its row lock.
      CREATE TABLE his_queue_counter (
        room_code text NOT NULL,
        service_date date NOT NULL,
        last_seq int NOT NULL,
        PRIMARY KEY (room_code, service_date)
      );

      CREATE TABLE his_order (
        id uuid PRIMARY KEY,
        encounter_id uuid NOT NULL REFERENCES his_encounter (id),
        patient_id uuid NOT NULL REFERENCES his_patient (id),
        service_code text NOT NULL REFERENCES his_service_catalog (code),
        category text NOT NULL,
        priority text NOT NULL CHECK (priority IN ('routine', 'urgent', 'stat')),
        quantity int NOT NULL DEFAULT 1 CHECK (quantity > 0),
        status text NOT NULL CHECK (status IN ('placed', 'scheduled', 'in-progress', 'performed', 'completed', 'cancelled')),
        accession_number text,
        ordering_provider_id text NOT NULL,
        clinical_note text,
        cancel_reason text,
        ordered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        version int NOT NULL DEFAULT 1
      );
      CREATE INDEX his_order_encounter ON his_order (encounter_id);
      CREATE INDEX his_order_accession ON his_order (accession_number) WHERE accession_number IS NOT NULL;

      CREATE TABLE his_prescription (
        id uuid PRIMARY KEY,
        prescription_code text NOT NULL UNIQUE,
        encounter_id uuid NOT NULL REFERENCES his_encounter (id),
        patient_id uuid NOT NULL REFERENCES his_patient (id),
        prescription_type text NOT NULL,
        prescriber_id text NOT NULL,
        diagnosis text,
        advice text,
        issued_at timestamptz NOT NULL
      );
      CREATE INDEX his_prescription_encounter ON his_prescription (encounter_id);
      CREATE TABLE his_prescription_item (
        prescription_id uuid NOT NULL REFERENCES his_prescription (id),
        line int NOT NULL,
        drug_code text NOT NULL REFERENCES his_drug_catalog (code),
        quantity numeric(15, 3) NOT NULL CHECK (quantity > 0),
        dosage text NOT NULL,
        instructions text,
        days int NOT NULL CHECK (days > 0),
        PRIMARY KEY (prescription_id, line)
      );

      CREATE TABLE his_charge (
        id uuid PRIMARY KEY,
        encounter_id uuid NOT NULL REFERENCES his_encounter (id),
        patient_id uuid NOT NULL REFERENCES his_patient (id),
        item_type text NOT NULL CHECK (item_type IN ('exam', 'bed-day', 'lab', 'imaging', 'procedure', 'drug', 'supply')),
        item_code text NOT NULL,
        item_name text NOT NULL,
        quantity numeric(15, 3) NOT NULL,
        unit_price_hospital numeric(15, 3) NOT NULL,
        unit_price_insurance numeric(15, 3),
        coverage_percent numeric(5, 2) NOT NULL,
        amount_hospital numeric(17, 2) NOT NULL,
        amount_insurance numeric(17, 2) NOT NULL,
        insurer_pays numeric(17, 2) NOT NULL,
        patient_copay numeric(17, 2) NOT NULL,
        patient_pays numeric(17, 2) NOT NULL,
        source_id uuid,
        -- A reversal points at the line it negates; a line is reversed at most once.
        reverses uuid UNIQUE REFERENCES his_charge (id),
        reason text,
        posted_by text,
        posted_at timestamptz NOT NULL
      );
      CREATE INDEX his_charge_encounter ON his_charge (encounter_id, posted_at);
      CREATE INDEX his_charge_source ON his_charge (source_id) WHERE source_id IS NOT NULL;

      CREATE TABLE his_timeline_entry (
        id uuid PRIMARY KEY,
        patient_id uuid NOT NULL REFERENCES his_patient (id),
        encounter_id uuid REFERENCES his_encounter (id),
        kind text NOT NULL,
        -- The order, result, report, prescription or document the entry shows.
        ref_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        summary text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX his_timeline_patient ON his_timeline_entry (patient_id, occurred_at, recorded_at);
      CREATE INDEX his_timeline_encounter ON his_timeline_entry (encounter_id, occurred_at);

      -- Keys clinicians sign with (their private keys never reach the HIS; signing happens on their device
      -- or the hospital's signing service).
      CREATE TABLE his_signing_key (
        key_id text PRIMARY KEY,
        clinician_id text NOT NULL,
        public_key_pem text NOT NULL,
        algorithm text NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );

      CREATE TABLE his_document (
        id uuid PRIMARY KEY,
        -- One logical document across its versions; version 1 is the original.
        document_id uuid NOT NULL,
        version int NOT NULL,
        supersedes uuid REFERENCES his_document (id),
        patient_id uuid NOT NULL REFERENCES his_patient (id),
        encounter_id uuid REFERENCES his_encounter (id),
        kind text NOT NULL,
        title text NOT NULL,
        content jsonb NOT NULL,
        -- RFC 8785 canonical JSON of {documentId, version, supersedes, patientId, encounterId, kind, title,
        -- content}: exactly the bytes the signature covers.
        canonical text NOT NULL,
        content_sha256 text NOT NULL,
        key_id text NOT NULL REFERENCES his_signing_key (key_id),
        signer_id text NOT NULL,
        signature text NOT NULL,
        signed_at timestamptz NOT NULL,
        UNIQUE (document_id, version)
      );
      CREATE INDEX his_document_patient ON his_document (patient_id, signed_at);

      CREATE FUNCTION his_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'raise_exception';
      END $$;
      CREATE TRIGGER his_document_append_only BEFORE UPDATE OR DELETE ON his_document
        FOR EACH ROW EXECUTE FUNCTION his_refuse_change();
      CREATE TRIGGER his_charge_append_only BEFORE UPDATE OR DELETE ON his_charge
        FOR EACH ROW EXECUTE FUNCTION his_refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE his_document, his_signing_key, his_timeline_entry, his_charge, his_prescription_item,
        his_prescription, his_order, his_queue_counter, his_queue_ticket, his_encounter_movement, his_encounter,
        his_drug_catalog, his_service_catalog, his_insurance_card, his_patient;
      DROP FUNCTION his_refuse_change();
      DROP SEQUENCE his_patient_code_seq;
    `);
  }
}
