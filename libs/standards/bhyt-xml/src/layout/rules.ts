import {
  GROUPS_NEEDING_PERFORMER,
  GROUPS_WITHOUT_TENDER,
  SUPPLY_GROUP_IN_LIST,
  TRANSPORT_GROUP,
} from './code-lists';
import { isValidDateTime, type Emit } from './check-fields';
import type { TableDef, TableId } from './types';

/**
 * Rules across the fields of one record: conditional requirements and time order. Most come from the portal's
 * validation workbook for QĐ 4750 ("CTN", spec §1.5 [S]); the few marked [I] are our reading of the row
 * meanings. A rule runs on a table when the table is in its list AND the version has every field it needs
 * (e.g. the check-in has NGAY_VAO_NOI_TRU only from QĐ 4750). Time values are compared only when both are
 * valid yyyymmddHHMM (the field checks report the others); equal 12-digit strings compare as times.
 */

type Row = Readonly<Record<string, string | undefined>>;

export interface RowRule {
  readonly id: string;
  /** Tables it applies to; null = every table that has the fields. */
  readonly tables: readonly TableId[] | null;
  readonly needs: readonly string[];
  readonly check: (row: Row, table: TableDef, emit: Emit) => void;
}

const filled = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** `later` must not be before `earlier` (both yyyymmddHHMM). */
function notBefore(
  id: string,
  tables: readonly TableId[] | null,
  earlier: string,
  later: string,
  why: string,
): RowRule {
  return {
    id,
    tables,
    needs: [earlier, later],
    check(row, _table, emit) {
      const a = row[earlier];
      const b = row[later];
      if (isValidDateTime(a) && isValidDateTime(b) && b < a) {
        emit(later, 'TIME_ORDER', `${later} ${b} is before ${earlier} ${a} (${why})`);
      }
    },
  };
}

/** `field` is required when `when(row)` holds. */
function requiredWhen(
  id: string,
  tables: readonly TableId[],
  needs: readonly string[],
  field: string,
  when: (row: Row) => string | null,
): RowRule {
  return {
    id,
    tables,
    needs,
    check(row, _table, emit) {
      if (filled(row[field])) return;
      const why = when(row);
      if (why !== null) emit(field, 'CONDITIONAL_REQUIRED', `${field} is empty although ${why}`);
    },
  };
}

const group = (row: Row): string => (row['MA_NHOM'] ?? '').trim();

export const ROW_RULES: readonly RowRule[] = [
  requiredWhen('ADMISSION_REASON', ['XML0', 'XML1'], ['NGAY_VAO_NOI_TRU', 'LY_DO_VNT'], 'LY_DO_VNT', (row) =>
    filled(row['NGAY_VAO_NOI_TRU'])
      ? `NGAY_VAO_NOI_TRU is ${row['NGAY_VAO_NOI_TRU']} (spec §1.5 portal rule: the reason for admission is required when an admission time is given)`
      : null,
  ),
  notBefore(
    'ADMISSION_AFTER_ARRIVAL',
    null,
    'NGAY_VAO',
    'NGAY_VAO_NOI_TRU',
    'spec §1.5 portal rule: admission to treatment cannot precede arrival',
  ),
  notBefore(
    'END_AFTER_ARRIVAL',
    null,
    'NGAY_VAO',
    'NGAY_RA',
    'spec §1.7 items 34/36 [I]: a visit cannot end before it starts',
  ),
  notBefore(
    'EXECUTION_AFTER_ORDER',
    ['XML2', 'XML3'],
    'NGAY_YL',
    'NGAY_TH_YL',
    'spec §1.5 portal rule: execution cannot precede the order',
  ),
  notBefore(
    'RESULT_AFTER_ORDER',
    ['XML3'],
    'NGAY_YL',
    'NGAY_KQ',
    'spec §1.5 portal rule: a result cannot precede the order',
  ),
  requiredWhen('RESULT_TIME', ['XML4'], ['GIA_TRI', 'NGAY_KQ'], 'NGAY_KQ', (row) =>
    filled(row['GIA_TRI'])
      ? `GIA_TRI is set (spec §1.5 portal rule: a result value needs its result time NGAY_KQ)`
      : null,
  ),
  requiredWhen('DRUG_TENDER', ['XML2'], ['MA_NHOM', 'TT_THAU'], 'TT_THAU', (row) =>
    group(row) !== '' && !GROUPS_WITHOUT_TENDER.includes(group(row))
      ? `MA_NHOM is ${group(row)} (spec §1.5 portal rule: drugs need tender information except blood, groups 7 and 17)`
      : null,
  ),
  requiredWhen('SUPPLY_TENDER', ['XML3'], ['MA_NHOM', 'TT_THAU'], 'TT_THAU', (row) =>
    group(row) === SUPPLY_GROUP_IN_LIST
      ? `MA_NHOM is 10 (spec §1.5 portal rule: supplies of group 10 need tender information)`
      : null,
  ),
  requiredWhen('TRANSPORT_FUEL', ['XML3'], ['MA_NHOM', 'MA_XANG_DAU'], 'MA_XANG_DAU', (row) =>
    group(row) === TRANSPORT_GROUP
      ? `MA_NHOM is 12 (spec §1.5 portal rule: patient transport needs the fuel code)`
      : null,
  ),
  requiredWhen('PERFORMER', ['XML3'], ['MA_NHOM', 'NGUOI_THUC_HIEN'], 'NGUOI_THUC_HIEN', (row) =>
    GROUPS_NEEDING_PERFORMER.includes(group(row))
      ? `MA_NHOM is ${group(row)} (spec §1.5 portal rule: groups 1, 2, 3, 8 and 18 need the performer)`
      : null,
  ),
  requiredWhen('EXECUTION_TIME', ['XML3'], ['MA_NHOM', 'NGAY_TH_YL'], 'NGAY_TH_YL', (row) =>
    GROUPS_NEEDING_PERFORMER.includes(group(row))
      ? `MA_NHOM is ${group(row)} (spec §1.5 portal rule: groups 1, 2, 3, 8 and 18 need the execution time)`
      : null,
  ),
  requiredWhen('SERVICE_OR_SUPPLY', ['XML3'], ['MA_DICH_VU', 'MA_VAT_TU'], 'MA_DICH_VU', (row) =>
    !filled(row['MA_VAT_TU'])
      ? 'MA_VAT_TU is empty too (spec §1.9 XML3 notes [I]: a line is a service, a supply, or a supply used in a service)'
      : null,
  ),
  {
    // Check-in: exactly one of MA_DICH_VU / MA_THUOC / MA_VAT_TU, whichever the first cost item was, with
    // its name (spec §1.5 portal rule [S], §1.6 items 19–24). QĐ 130's check-in had only MA_DICH_VU.
    id: 'FIRST_COST_ITEM',
    tables: ['XML0'],
    needs: ['MA_DICH_VU', 'TEN_DICH_VU'],
    check(row, table, emit) {
      const names = new Set(table.fields.map((f) => f.name));
      const pairs = (
        [
          ['MA_DICH_VU', 'TEN_DICH_VU'],
          ['MA_THUOC', 'TEN_THUOC'],
          ['MA_VAT_TU', 'TEN_VAT_TU'],
        ] as const
      ).filter(([code, name]) => names.has(code) && names.has(name));
      const present = pairs.filter(([code]) => filled(row[code]));
      const codes = pairs.map(([code]) => code).join(' / ');
      if (present.length === 0) {
        emit(
          pairs[0][0],
          'CONDITIONAL_REQUIRED',
          `${codes} are all empty (spec §1.5 portal rule: the check-in names its first cost item)`,
        );
        return;
      }
      for (const [code] of present.slice(1)) {
        emit(
          code,
          'ONLY_ONE_ALLOWED',
          `${code} is set as well as ${present[0][0]} (spec §1.5 portal rule: exactly one of ${codes})`,
        );
      }
      const [code, name] = present[0];
      if (!filled(row[name])) {
        emit(
          name,
          'CONDITIONAL_REQUIRED',
          `${name} is empty although ${code} is set (spec §1.5 portal rule)`,
        );
      }
    },
  },
  {
    // One GT_THE_TU and one GT_THE_DEN per card, in the order of MA_THE_BHYT (spec §1.7 items 16–19 [I]).
    id: 'CARD_PERIODS',
    tables: ['XML1'],
    needs: ['MA_THE_BHYT', 'GT_THE_TU', 'GT_THE_DEN'],
    check(row, _table, emit) {
      const cards = row['MA_THE_BHYT'];
      if (!filled(cards)) return;
      const count = cards.split(';').length;
      for (const field of ['GT_THE_TU', 'GT_THE_DEN'] as const) {
        const value = row[field];
        if (filled(value) && value.split(';').length !== count) {
          emit(
            field,
            'ITEM_COUNT_MISMATCH',
            `${field} lists ${value.split(';').length} dates for ${count} card(s) in MA_THE_BHYT (spec §1.7 items 16–19: one per card)`,
          );
        }
      }
    },
  },
];

const applicable = new WeakMap<TableDef, readonly RowRule[]>();

/** The rules that apply to this table in this version. */
export function rulesFor(table: TableDef): readonly RowRule[] {
  let rules = applicable.get(table);
  if (!rules) {
    const names = new Set(table.fields.map((f) => f.name));
    rules = ROW_RULES.filter(
      (rule) =>
        (rule.tables === null || rule.tables.includes(table.id)) && rule.needs.every((n) => names.has(n)),
    );
    applicable.set(table, rules);
  }
  return rules;
}
