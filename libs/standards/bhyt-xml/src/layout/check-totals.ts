import { formatUnits, parseDecimal } from '@hosp/standards-bhyt';
import { SUPPLY_GROUPS } from './code-lists';
import type { CheckCode, LocatedError } from './located-error';

/**
 * XML1 totals against the XML2 and XML3 lines (spec §1.12 "XML1 totals" [P*]; the portal rejects a mismatch
 * within 48 h, §1.4 item 6 [S]):
 *
 *   T_THUOC      = Σ THANH_TIEN_BV of XML2
 *   T_VTYT       = Σ THANH_TIEN_BV of the XML3 supply lines (MA_NHOM 10 and 11 [I])
 *   T_TONGCHI_BV = Σ THANH_TIEN_BV of XML2 + XML3        T_TONGCHI_BH = Σ THANH_TIEN_BH
 *   T_BNTT, T_BNCCT, T_NGUONKHAC = Σ of the line values
 *   T_BHTT       = T_TONGCHI_BH − T_BNCCT                (not Σ line T_BHTT; see @hosp/standards-bhyt README)
 *   T_BHTT_GDV   = Σ T_BHTT of the lines with MA_PTTT = 1 (fee-for-service)
 *
 * Exact decimal arithmetic (bigint, 2 decimals) from @hosp/standards-bhyt, so 0.1 + 0.2 is 0.3 and '150000'
 * equals '150000.00'. A total whose inputs are not readable amounts is not compared: one TOTALS_UNCHECKED error
 * says which (checkRows reports the bad values themselves).
 */

type Row = Readonly<Record<string, string | undefined>>;

const SCALE = 2;

export function checkTotals(xml1: Row, xml2: readonly Row[], xml3: readonly Row[]): LocatedError[] {
  const errors: LocatedError[] = [];
  const unreadable: string[] = [];

  const amount = (table: string, row: number, rowValues: Row, field: string): bigint | null => {
    const raw = rowValues[field];
    const parsed = raw === undefined || raw === '' ? null : parseDecimal(raw, SCALE, field);
    if (parsed && parsed.ok) return parsed.units;
    unreadable.push(`${table} row ${row} ${field}`);
    return null;
  };
  const sum = (lines: readonly (readonly [string, number, Row])[], field: string): bigint | null => {
    let total: bigint | null = 0n;
    for (const [table, row, values] of lines) {
      const units = amount(table, row, values, field);
      total = units === null || total === null ? null : total + units;
    }
    return total;
  };

  const drugs = xml2.map((r, i) => ['XML2', i + 1, r] as const);
  const services = xml3.map((r, i) => ['XML3', i + 1, r] as const);
  const all = [...drugs, ...services];
  const supplies = services.filter(([, , r]) => SUPPLY_GROUPS.includes((r['MA_NHOM'] ?? '').trim()));
  const feeForService = all.filter(([, , r]) => (r['MA_PTTT'] ?? '').trim() === '1');

  const tongChiBh = sum(all, 'THANH_TIEN_BH');
  const bncct = sum(all, 'T_BNCCT');
  const expected: readonly [string, bigint | null, string][] = [
    ['T_THUOC', sum(drugs, 'THANH_TIEN_BV'), 'Σ THANH_TIEN_BV of XML2'],
    ['T_VTYT', sum(supplies, 'THANH_TIEN_BV'), 'Σ THANH_TIEN_BV of the XML3 supply lines (MA_NHOM 10, 11)'],
    ['T_TONGCHI_BV', sum(all, 'THANH_TIEN_BV'), 'Σ THANH_TIEN_BV of XML2 and XML3'],
    ['T_TONGCHI_BH', tongChiBh, 'Σ THANH_TIEN_BH of XML2 and XML3'],
    ['T_BNTT', sum(all, 'T_BNTT'), 'Σ T_BNTT of XML2 and XML3'],
    ['T_BNCCT', bncct, 'Σ T_BNCCT of XML2 and XML3'],
    ['T_NGUONKHAC', sum(all, 'T_NGUONKHAC'), 'Σ T_NGUONKHAC of XML2 and XML3'],
    [
      'T_BHTT',
      tongChiBh === null || bncct === null ? null : tongChiBh - bncct,
      'T_TONGCHI_BH − T_BNCCT of the lines',
    ],
    ['T_BHTT_GDV', sum(feeForService, 'T_BHTT'), 'Σ T_BHTT of the lines with MA_PTTT = 1'],
  ];

  for (const [field, lines, rule] of expected) {
    const declared = amount('XML1', 1, xml1, field);
    if (declared === null || lines === null) continue;
    if (declared !== lines) {
      errors.push(
        located(
          field,
          'TOTAL_MISMATCH',
          `${field} is ${xml1[field]} but ${rule} is ${formatUnits(lines, SCALE)} (spec §1.12 XML1 totals)`,
        ),
      );
    }
  }
  if (unreadable.length > 0) {
    const unique = [...new Set(unreadable)];
    errors.push(
      located(
        '',
        'TOTALS_UNCHECKED',
        `some XML1 totals were not compared because these amounts are missing or not amounts with ≤2 decimals: ${unique.slice(0, 10).join(', ')}${unique.length > 10 ? ` and ${unique.length - 10} more` : ''}`,
      ),
    );
  }
  return errors;
}

function located(field: string, code: CheckCode, reason: string): LocatedError {
  return { table: 'XML1', row: field === '' ? 0 : 1, field, code, reason };
}
