import type { EntityManager } from 'typeorm';
import type { PatientFacts, ValidCard } from '../domain/patient';

export interface InsuranceCardRow {
  id: string;
  cardNumber: string;
  bhxhNumber: string;
  beneficiaryGroup: string;
  benefitLevel: number;
  validFrom: string;
  validTo: string;
  registrationFacility: string;
}

export interface PatientRow {
  id: string;
  patientCode: string;
  citizenId: string | null;
  citizenIdKind: string | null;
  fullName: string;
  birthDate: string;
  birthYear: number;
  sex: string;
  address: {
    line: string | null;
    provinceCode: string | null;
    districtCode: string | null;
    communeCode: string | null;
  };
  ethnicityCode: string | null;
  nationalityCode: string | null;
  occupationCode: string | null;
  phone: string | null;
  status: 'active' | 'merged';
  mergedInto: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  insuranceCards: InsuranceCardRow[];
}

const PATIENT_COLUMNS = `
  p.id, p.patient_code AS "patientCode", p.citizen_id AS "citizenId", p.citizen_id_kind AS "citizenIdKind",
  p.full_name AS "fullName", p.birth_date AS "birthDate", p.birth_year AS "birthYear", p.sex,
  json_build_object('line', p.address_line, 'provinceCode', p.province_code, 'districtCode', p.district_code,
                    'communeCode', p.commune_code) AS address,
  p.ethnicity_code AS "ethnicityCode", p.nationality_code AS "nationalityCode",
  p.occupation_code AS "occupationCode", p.phone, p.status, p.merged_into AS "mergedInto", p.version,
  p.created_at AS "createdAt", p.updated_at AS "updatedAt",
  COALESCE((SELECT json_agg(json_build_object(
      'id', c.id, 'cardNumber', c.card_number, 'bhxhNumber', c.bhxh_number, 'beneficiaryGroup', c.beneficiary_group,
      'benefitLevel', c.benefit_level, 'validFrom', to_char(c.valid_from, 'YYYY-MM-DD'),
      'validTo', to_char(c.valid_to, 'YYYY-MM-DD'), 'registrationFacility', c.registration_facility)
      ORDER BY c.valid_from DESC)
    FROM his_insurance_card c WHERE c.patient_id = p.id), '[]') AS "insuranceCards"`;

/** SQL for the master patient index. Every function runs in the caller's transaction (its EntityManager). */
export const PatientsRepository = {
  async nextPatientCode(m: EntityManager): Promise<string> {
    const [r] = await m.query(`SELECT nextval('his_patient_code_seq') AS n`);
    return `BN${String(r.n).padStart(8, '0')}`;
  },

  async insert(m: EntityManager, id: string, code: string, f: PatientFacts): Promise<void> {
    await m.query(
      `INSERT INTO his_patient (id, patient_code, citizen_id, citizen_id_kind, full_name, name_folded, birth_date,
         birth_year, sex, address_line, province_code, district_code, commune_code, ethnicity_code,
         nationality_code, occupation_code, phone)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [id, code, ...factColumns(f)],
    );
  },

  async update(m: EntityManager, id: string, f: PatientFacts): Promise<void> {
    await m.query(
      `UPDATE his_patient SET citizen_id = $2, citizen_id_kind = $3, full_name = $4, name_folded = $5,
         birth_date = $6, birth_year = $7, sex = $8, address_line = $9, province_code = $10, district_code = $11,
         commune_code = $12, ethnicity_code = $13, nationality_code = $14, occupation_code = $15, phone = $16,
         version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, ...factColumns(f)],
    );
  },

  /** Adds a card unless the same card (number and start) is already on file. Returns the card row id. */
  async upsertCard(m: EntityManager, id: string, patientId: string, c: ValidCard): Promise<string> {
    const rows: Array<{ id: string }> = await m.query(
      `WITH ins AS (
         INSERT INTO his_insurance_card (id, patient_id, card_number, bhxh_number, beneficiary_group, benefit_level,
           valid_from, valid_to, registration_facility)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (card_number, valid_from) DO NOTHING RETURNING id)
       SELECT id FROM ins UNION ALL
       SELECT id FROM his_insurance_card WHERE card_number = $3 AND valid_from = $7`,
      [
        id,
        patientId,
        c.cardNumber,
        c.bhxhNumber,
        c.group,
        c.benefitLevel,
        c.validFrom,
        c.validTo,
        c.registrationFacility,
      ],
    );
    return rows[0].id;
  },

  async get(m: EntityManager, id: string, lock = false): Promise<PatientRow | undefined> {
    if (lock) await m.query(`SELECT 1 FROM his_patient WHERE id = $1 FOR UPDATE`, [id]);
    const rows = await m.query(`SELECT ${PATIENT_COLUMNS} FROM his_patient p WHERE p.id = $1`, [id]);
    return rows[0];
  },

  async findActiveByCitizenId(m: EntityManager, citizenId: string): Promise<PatientRow | undefined> {
    const rows = await m.query(
      `SELECT ${PATIENT_COLUMNS} FROM his_patient p WHERE p.citizen_id = $1 AND p.status = 'active'`,
      [citizenId],
    );
    return rows[0];
  },

  /**
   * Patients other than `patientId` with this card code or BHXH number on file (cards follow a merge to the
   * survivor, so these are active records).
   */
  async otherCardHolders(m: EntityManager, patientId: string, c: ValidCard): Promise<string[]> {
    const rows: Array<{ patientId: string }> = await m.query(
      `SELECT DISTINCT patient_id AS "patientId" FROM his_insurance_card
       WHERE (card_number = $2 OR bhxh_number = $3) AND patient_id <> $1`,
      [patientId, c.cardNumber, c.bhxhNumber],
    );
    return rows.map((r) => r.patientId);
  },

  /** By the 15-character card code or the 10-digit BHXH number (which survives card renewals). */
  async findActiveByCard(m: EntityManager, cardOrBhxhNumber: string): Promise<PatientRow | undefined> {
    const rows = await m.query(
      `SELECT ${PATIENT_COLUMNS} FROM his_patient p
       WHERE p.status = 'active' AND p.id IN (
         SELECT patient_id FROM his_insurance_card WHERE card_number = $1 OR bhxh_number = right($1, 10))
       LIMIT 1`,
      [cardOrBhxhNumber],
    );
    return rows[0];
  },

  async search(
    m: EntityManager,
    q: {
      nameFolded?: string;
      birthYear?: number;
      birthDate?: string;
      citizenId?: string;
      card?: string;
      limit: number;
    },
  ): Promise<PatientRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.nameFolded) {
      // Word prefixes in order, from the first word or any later one: "ng v an" and "van an" both find
      // "Nguyễn Văn An". The leading-word form uses the text_pattern_ops index.
      const pattern = param(q.nameFolded.split(' ').map(escapeLike).join('% ') + '%');
      where.push(`(p.name_folded LIKE ${pattern} OR p.name_folded LIKE '% ' || ${pattern})`);
    }
    if (q.birthYear !== undefined) where.push(`p.birth_year = ${param(q.birthYear)}`);
    if (q.birthDate) where.push(`p.birth_date = ${param(q.birthDate)}`);
    if (q.citizenId) where.push(`p.citizen_id = ${param(q.citizenId)}`);
    if (q.card) {
      const card = param(q.card);
      where.push(
        `p.id IN (SELECT patient_id FROM his_insurance_card WHERE card_number = ${card} OR bhxh_number = right(${card}, 10))`,
      );
    }
    const limit = param(q.limit);
    return m.query(
      `SELECT ${PATIENT_COLUMNS} FROM his_patient p
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY p.status, p.name_folded, p.id LIMIT ${limit}`,
      params,
    );
  },

  /**
   * Active records that may be the same person: same folded name and birth year (and not contradicting
   * sex), or the same BHXH number on a card.
   */
  async duplicateCandidates(
    m: EntityManager,
    p: PatientRow,
  ): Promise<Array<PatientRow & { reasons: string[] }>> {
    const bhxh = p.insuranceCards.map((c) => c.bhxhNumber);
    const rows: Array<PatientRow & { sameName: boolean; sameCard: boolean }> = await m.query(
      `SELECT ${PATIENT_COLUMNS},
         (p.name_folded = o.name_folded AND p.birth_year = o.birth_year) AS "sameName",
         EXISTS (SELECT 1 FROM his_insurance_card c WHERE c.patient_id = p.id AND c.bhxh_number = ANY($2)) AS "sameCard"
       FROM his_patient p, his_patient o
       WHERE o.id = $1 AND p.id <> o.id AND p.status = 'active'
         AND ((p.name_folded = o.name_folded AND p.birth_year = o.birth_year
               AND (p.sex = o.sex OR 'unknown' IN (p.sex, o.sex)))
              OR EXISTS (SELECT 1 FROM his_insurance_card c WHERE c.patient_id = p.id AND c.bhxh_number = ANY($2)))
       ORDER BY p.created_at LIMIT 20`,
      [p.id, bhxh],
    );
    return rows.map(({ sameName, sameCard, ...row }) => ({
      ...row,
      reasons: [...(sameName ? ['same name and birth year'] : []), ...(sameCard ? ['same BHXH number'] : [])],
    }));
  },

  async markMerged(m: EntityManager, retiredId: string, survivorId: string): Promise<void> {
    await m.query(
      `UPDATE his_patient SET status = 'merged', merged_into = $2, version = version + 1, updated_at = now()
       WHERE id = $1`,
      [retiredId, survivorId],
    );
    await m.query(`UPDATE his_insurance_card SET patient_id = $2 WHERE patient_id = $1`, [
      retiredId,
      survivorId,
    ]);
    // Records merged into the retired one earlier now point at the survivor directly.
    await m.query(`UPDATE his_patient SET merged_into = $2 WHERE merged_into = $1`, [retiredId, survivorId]);
  },

  /** The patient and every record merged into it: encounters and the timeline are read across all of them. */
  async lineage(m: EntityManager, id: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await m.query(
      `SELECT id FROM his_patient WHERE id = $1 OR merged_into = $1`,
      [id],
    );
    return rows.map((r) => r.id);
  },
};

function factColumns(f: PatientFacts): unknown[] {
  return [
    f.citizenId,
    f.citizenIdKind,
    f.fullName,
    f.nameFolded,
    f.birthDate,
    f.birthYear,
    f.sex,
    f.address.line ?? null,
    f.address.provinceCode ?? null,
    f.address.districtCode ?? null,
    f.address.communeCode ?? null,
    f.ethnicityCode,
    f.nationalityCode,
    f.occupationCode,
    f.phone,
  ];
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
