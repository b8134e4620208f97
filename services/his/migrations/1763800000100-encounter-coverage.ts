import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A BHYT card can change during a stay (a renewed card, a card of another benefit level, a card brought after
 * admission): the claim lists every card of the episode, ";"-joined in XML1 MA_THE_BHYT / MA_DKBD / GT_THE_TU /
 * GT_THE_DEN (the spec, vietnam-bhyt-emr.md §1.7), so the encounter row keeps the current coverage and
 * `his_encounter_coverage` every period of it with the time it took effect.
 *
 * Ledger lines also record what the claim's XML3 needs and cannot recover later from the encounter, which moves
 * on (the spec §1.9): the department (MA_KHOA), the card that priced the line, the bed of a bed-day
 * (MA_GIUONG), who ordered it (MA_BAC_SI) and when (NGAY_YL). Lines posted before this migration keep NULL
 * there: the ledger is append-only and the trigger refuses the UPDATE a backfill would need.
 */
export class EncounterCoverage1763800000100 implements MigrationInterface {
  name = 'EncounterCoverage1763800000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE his_encounter_coverage (
        id bigserial PRIMARY KEY,
        encounter_id uuid NOT NULL REFERENCES his_encounter (id),
        -- NULL: self-paying during this period.
        insurance_card_id uuid REFERENCES his_insurance_card (id),
        coverage_percent numeric(5, 2),
        route text CHECK (route IN ('correct', 'emergency', 'off-route')),
        effective_from timestamptz NOT NULL,
        -- NULL: the current period.
        effective_to timestamptz,
        reason text,
        changed_by text,
        CHECK (effective_to IS NULL OR effective_to >= effective_from)
      );
      CREATE INDEX his_encounter_coverage_encounter ON his_encounter_coverage (encounter_id, effective_from);
      CREATE UNIQUE INDEX his_encounter_coverage_current ON his_encounter_coverage (encounter_id)
        WHERE effective_to IS NULL;

      -- Every existing encounter has had one coverage since it started.
      INSERT INTO his_encounter_coverage (encounter_id, insurance_card_id, coverage_percent, route, effective_from)
      SELECT id, insurance_card_id, coverage_percent, route, started_at FROM his_encounter;

      ALTER TABLE his_charge
        ADD COLUMN department_code text,
        ADD COLUMN insurance_card_number text,
        ADD COLUMN bed_code text,
        ADD COLUMN ordered_by text,
        ADD COLUMN ordered_at timestamptz;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE his_charge DROP COLUMN department_code, DROP COLUMN insurance_card_number, DROP COLUMN bed_code,
        DROP COLUMN ordered_by, DROP COLUMN ordered_at;
      DROP TABLE his_encounter_coverage;
    `);
  }
}
