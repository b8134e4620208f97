import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When claims received HIS's close, by its own clock: the wait for late facts (CLAIMS_WAIT_FOR_FACTS_MS) counts
 * from it, not from the close time HIS wrote, which may be old (a replay) or skewed.
 */
export class CloseReceivedAt1764300000100 implements MigrationInterface {
  name = 'CloseReceivedAt1764300000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cl_episode ADD COLUMN close_received_at timestamptz`);
    await q.query(`UPDATE cl_episode SET close_received_at = closed_at WHERE status = 'closed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cl_episode DROP COLUMN close_received_at`);
  }
}
