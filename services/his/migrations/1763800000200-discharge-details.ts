import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the discharge records for the claim besides the outcome: the referral letter when the patient is
 * referred out (QĐ 4750 XML13, giấy chuyển tuyến; XML1 MA_NOI_DEN and GIAY_CHUYEN_TUYEN), the re-exam
 * appointment day (XML14, giấy hẹn khám lại; XML1 NGAY_TAI_KHAM), the treatment given (XML1 PP_DIEU_TRI) and who
 * discharged the patient (MA_BAC_SI of XML13/XML14); the spec, vietnam-bhyt-emr.md §1.7 rows 32, 37, 39, 62 and
 * §1.11. The letter is one document written at once, so it is kept whole as JSON; the CHECK keeps it to the
 * referred discharge types (MA_LOAI_RV 2 and 5), as the API does. Encounters discharged before this migration
 * keep NULL: nothing was recorded then.
 */
export class DischargeDetails1763800000200 implements MigrationInterface {
  name = 'DischargeDetails1763800000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE his_encounter
        ADD COLUMN referral jsonb,
        ADD COLUMN follow_up_date date,
        ADD COLUMN treatment_summary text,
        ADD COLUMN discharged_by text,
        ADD CONSTRAINT his_encounter_referral_when_referred
          CHECK (referral IS NULL OR discharge_type IN ('2', '5'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE his_encounter DROP CONSTRAINT his_encounter_referral_when_referred, DROP COLUMN referral,
        DROP COLUMN follow_up_date, DROP COLUMN treatment_summary, DROP COLUMN discharged_by;
    `);
  }
}
