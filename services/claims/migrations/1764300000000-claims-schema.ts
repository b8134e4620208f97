import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claims tables. Ids that come from HIS, LIS and RIS are text: claims keeps what it was told and joins it to
 * nothing of theirs. Every accepted fact is kept as received (JSON of the event payload) so a claim can be
 * rebuilt, and every gateway answer is kept for good: the BHXH portal keeps receipts only 60 days (the spec,
 * vietnam-bhyt-emr.md §1.4 item 6).
 */
export class ClaimsSchema1764300000000 implements MigrationInterface {
  name = 'ClaimsSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Demographics from his.patient.v1 (the full current record: PatientUpdated replaces it).
      CREATE TABLE cl_patient (
        patient_id text PRIMARY KEY,
        data jsonb NOT NULL,
        version int NOT NULL DEFAULT 1,
        merged_into text,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- One care episode per HIS encounter; episode_key is MA_LK, the key every XML table of the claim shares.
      CREATE TABLE cl_episode (
        encounter_id text PRIMARY KEY,
        patient_id text NOT NULL,
        episode_key text NOT NULL UNIQUE,
        encounter_class text NOT NULL,
        visit_type text NOT NULL,
        department_code text,
        started_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        -- Ledger totals HIS announced at close: the claim is built once the charges seen add up to them.
        close_totals jsonb,
        closed_at timestamptz,
        check_in_queued boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX cl_episode_patient ON cl_episode (patient_id);

      -- Everything else the claim is made of: coverage periods, transfers, charges and reversals, orders,
      -- drugs, results, reports, discharge. Results and reports name only their order, so order_id links them.
      CREATE TABLE cl_fact (
        kind text NOT NULL,
        fact_id text NOT NULL,
        encounter_id text,
        order_id text,
        at timestamptz NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (kind, fact_id)
      );
      CREATE INDEX cl_fact_encounter ON cl_fact (encounter_id);
      CREATE INDEX cl_fact_order ON cl_fact (order_id) WHERE order_id IS NOT NULL;

      -- The facility's BHXH-approved catalogue details the events do not carry (tender data, registration
      -- numbers, route codes, cost group): QĐ 130 XML2 TT_THAU, SO_DANG_KY, DUONG_DUNG; XML3 MA_NHOM.
      CREATE TABLE cl_catalog_item (
        code text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('drug', 'service', 'supply')),
        data jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- Claim versions. A correction is a new version of the same episode; older versions stay, superseded.
      CREATE TABLE cl_claim (
        id uuid PRIMARY KEY,
        encounter_id text NOT NULL REFERENCES cl_episode (encounter_id),
        patient_id text NOT NULL,
        episode_key text NOT NULL,
        version int NOT NULL,
        status text NOT NULL CHECK (status IN ('invalid', 'queued', 'submitted', 'rejected', 'parked', 'superseded')),
        layout_version text NOT NULL,
        settlement_month text NOT NULL,
        errors jsonb NOT NULL,
        tables jsonb NOT NULL,
        totals jsonb NOT NULL,
        -- The exact signed bytes (UTF-8 text) that were or will be sent; never re-serialised.
        envelope_xml text,
        signer_subject text,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (encounter_id, version)
      );
      CREATE INDEX cl_claim_status ON cl_claim (status, created_at);
      CREATE INDEX cl_claim_month ON cl_claim (settlement_month);

      -- Durable queue of documents for the insurance gateway (check-in, claim), sent with retry and backoff.
      CREATE TABLE cl_submission (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('check-in', 'claim')),
        encounter_id text NOT NULL,
        claim_id uuid REFERENCES cl_claim (id),
        document_xml text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected', 'parked')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        transaction_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX cl_submission_due ON cl_submission (next_attempt_at) WHERE status = 'pending';

      -- Every answer of the gateway (and every transport failure), append-only.
      CREATE TABLE cl_receipt (
        id bigserial PRIMARY KEY,
        submission_id uuid NOT NULL REFERENCES cl_submission (id),
        attempt int NOT NULL,
        http_status int,
        result_code text,
        transaction_id text,
        received_at_gateway text,
        message text,
        body text,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX cl_receipt_submission ON cl_receipt (submission_id);
      CREATE FUNCTION cl_receipt_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'cl_receipt is append-only: gateway receipts are evidence';
      END $$;
      CREATE TRIGGER cl_receipt_no_change BEFORE UPDATE OR DELETE ON cl_receipt
        FOR EACH ROW EXECUTE FUNCTION cl_receipt_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE cl_receipt; DROP FUNCTION cl_receipt_append_only(); DROP TABLE cl_submission;
      DROP TABLE cl_claim; DROP TABLE cl_catalog_item; DROP TABLE cl_fact; DROP TABLE cl_episode;
      DROP TABLE cl_patient;
    `);
  }
}
