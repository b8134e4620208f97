import type { EntityManager } from 'typeorm';
import type { TestDefinition } from '../domain/test-definition';

const COLUMNS = `d.service_code AS "serviceCode", d.name, d.loinc, d.specimen_type AS "specimenType",
  d.container_type AS "containerType", d.value_type AS "valueType", d.unit, d.decimals,
  d.critical_low::text AS "criticalLow", d.critical_high::text AS "criticalHigh",
  d.auto_verification AS "autoVerification", d.active,
  COALESCE((SELECT json_agg(json_build_object('sex', r.sex, 'ageFromDays', r.age_from_days,
      'ageToDays', r.age_to_days, 'low', r.low::text, 'high', r.high::text)
      ORDER BY r.sex, r.age_from_days, r.id)
    FROM lab_reference_range r WHERE r.service_code = d.service_code), '[]') AS "referenceRanges"`;

/** SQL for test definitions and their reference ranges. Every function runs in the caller's transaction. */
export const TestDefinitionsRepository = {
  /** Creates or replaces definitions by service code; each one's ranges are replaced as a whole. */
  async upsert(m: EntityManager, items: TestDefinition[]): Promise<void> {
    await m.query(
      `INSERT INTO lab_test_definition (service_code, name, loinc, specimen_type, container_type, value_type, unit,
         decimals, critical_low, critical_high, auto_verification, active)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::int[], $9::numeric[], $10::numeric[], $11::jsonb[], $12::boolean[])
       ON CONFLICT (service_code) DO UPDATE SET name = EXCLUDED.name, loinc = EXCLUDED.loinc,
         specimen_type = EXCLUDED.specimen_type, container_type = EXCLUDED.container_type,
         value_type = EXCLUDED.value_type, unit = EXCLUDED.unit, decimals = EXCLUDED.decimals,
         critical_low = EXCLUDED.critical_low, critical_high = EXCLUDED.critical_high,
         auto_verification = EXCLUDED.auto_verification, active = EXCLUDED.active, updated_at = now()`,
      [
        items.map((i) => i.serviceCode),
        items.map((i) => i.name),
        items.map((i) => i.loinc),
        items.map((i) => i.specimenType),
        items.map((i) => i.containerType),
        items.map((i) => i.valueType),
        items.map((i) => i.unit),
        items.map((i) => i.decimals),
        items.map((i) => i.criticalLow),
        items.map((i) => i.criticalHigh),
        items.map((i) => (i.autoVerification ? JSON.stringify(i.autoVerification) : null)),
        items.map((i) => i.active),
      ],
    );
    const codes = items.map((i) => i.serviceCode);
    await m.query(`DELETE FROM lab_reference_range WHERE service_code = ANY($1)`, [codes]);
    const ranges = items.flatMap((i) => i.referenceRanges.map((r) => ({ code: i.serviceCode, ...r })));
    if (ranges.length)
      await m.query(
        `INSERT INTO lab_reference_range (service_code, sex, age_from_days, age_to_days, low, high)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::numeric[], $6::numeric[])`,
        [
          ranges.map((r) => r.code),
          ranges.map((r) => r.sex),
          ranges.map((r) => r.ageFromDays),
          ranges.map((r) => r.ageToDays),
          ranges.map((r) => r.low),
          ranges.map((r) => r.high),
        ],
      );
  },

  async list(m: EntityManager, codes?: string[]): Promise<TestDefinition[]> {
    return codes
      ? m.query(
          `SELECT ${COLUMNS} FROM lab_test_definition d WHERE d.service_code = ANY($1) ORDER BY d.service_code`,
          [codes],
        )
      : m.query(`SELECT ${COLUMNS} FROM lab_test_definition d ORDER BY d.service_code`);
  },

  async get(m: EntityManager, code: string): Promise<TestDefinition | undefined> {
    const rows = await m.query(`SELECT ${COLUMNS} FROM lab_test_definition d WHERE d.service_code = $1`, [
      code,
    ]);
    return rows[0];
  },
};
