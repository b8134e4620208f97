import type { EntityManager } from 'typeorm';
import type { DrugItem, ServiceItem } from '../domain/catalog';

const SERVICE_COLUMNS = `code, name, category, hospital_price::text AS "hospitalPrice",
  insurance_price::text AS "insurancePrice", performing_department AS "performingDepartment", modality,
  loinc_code AS "loincCode", active`;
const DRUG_COLUMNS = `code, name, active_ingredient_code AS "activeIngredientCode",
  active_ingredient AS "activeIngredient", strength, route, dosage_form AS "dosageForm", unit,
  hospital_price::text AS "hospitalPrice", insurance_price::text AS "insurancePrice", active`;

export const CatalogRepository = {
  async upsertServices(m: EntityManager, items: ServiceItem[]): Promise<void> {
    await m.query(
      `INSERT INTO his_service_catalog (code, name, category, hospital_price, insurance_price, performing_department,
         modality, loinc_code, active)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::text[], $7::text[],
         $8::text[], $9::boolean[])
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category,
         hospital_price = EXCLUDED.hospital_price, insurance_price = EXCLUDED.insurance_price,
         performing_department = EXCLUDED.performing_department, modality = EXCLUDED.modality,
         loinc_code = EXCLUDED.loinc_code, active = EXCLUDED.active, updated_at = now()`,
      [
        items.map((i) => i.code),
        items.map((i) => i.name),
        items.map((i) => i.category),
        items.map((i) => i.hospitalPrice),
        items.map((i) => i.insurancePrice),
        items.map((i) => i.performingDepartment),
        items.map((i) => i.modality),
        items.map((i) => i.loincCode),
        items.map((i) => i.active),
      ],
    );
  },

  async upsertDrugs(m: EntityManager, items: DrugItem[]): Promise<void> {
    await m.query(
      `INSERT INTO his_drug_catalog (code, name, active_ingredient_code, active_ingredient, strength, route,
         dosage_form, unit, hospital_price, insurance_price, active)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::text[], $9::numeric[], $10::numeric[], $11::boolean[])
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, active_ingredient_code = EXCLUDED.active_ingredient_code,
         active_ingredient = EXCLUDED.active_ingredient, strength = EXCLUDED.strength, route = EXCLUDED.route,
         dosage_form = EXCLUDED.dosage_form, unit = EXCLUDED.unit, hospital_price = EXCLUDED.hospital_price,
         insurance_price = EXCLUDED.insurance_price, active = EXCLUDED.active, updated_at = now()`,
      [
        items.map((i) => i.code),
        items.map((i) => i.name),
        items.map((i) => i.activeIngredientCode),
        items.map((i) => i.activeIngredient),
        items.map((i) => i.strength),
        items.map((i) => i.route),
        items.map((i) => i.dosageForm),
        items.map((i) => i.unit),
        items.map((i) => i.hospitalPrice),
        items.map((i) => i.insurancePrice),
        items.map((i) => i.active),
      ],
    );
  },

  async services(m: EntityManager, codes?: string[]): Promise<ServiceItem[]> {
    return codes
      ? m.query(`SELECT ${SERVICE_COLUMNS} FROM his_service_catalog WHERE code = ANY($1) ORDER BY code`, [
          codes,
        ])
      : m.query(`SELECT ${SERVICE_COLUMNS} FROM his_service_catalog ORDER BY code`);
  },

  async drugs(m: EntityManager, codes?: string[]): Promise<DrugItem[]> {
    return codes
      ? m.query(`SELECT ${DRUG_COLUMNS} FROM his_drug_catalog WHERE code = ANY($1) ORDER BY code`, [codes])
      : m.query(`SELECT ${DRUG_COLUMNS} FROM his_drug_catalog ORDER BY code`);
  },
};
