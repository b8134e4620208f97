import { checkCardValidity, formatUnits, parseDecimal } from '@hosp/standards-bhyt';
import type { AssembledTables, Row } from './assemble';
import type { ClaimProblem } from './problem';

/**
 * The rules that need more than one row or one table, run after the layout checks of each table (those check
 * every element's presence, width, format and code list, and the in-row time order):
 *  - every service date is inside the validity of the card that pays for it (QĐ 130 §1.7 GT_THE_TU/DEN,
 *    with the 15-day grace for a treatment already running, NĐ 188/2025 Art. 50(4));
 *  - ICD-10 codes have the ICD-10 shape, MA_BENH_KT at most 12 codes (§1.7 rows 26–27);
 *  - a result is not older than its order (§1.10 NGAY_KQ ≥ the XML3 NGAY_YL of the same service);
 *  - XML1 totals equal the sums of XML2 + XML3 and T_BHTT = T_TONGCHI_BH − T_BNCCT (§1.12).
 */
export function crossTableProblems(t: AssembledTables): ClaimProblem[] {
  const problems: ClaimProblem[] = [];
  const push = (table: string, row: number, field: string, code: string, reason: string) =>
    problems.push({ table, row, field, code, reason });
  const x1 = t.XML1[0];
  if (!x1) return [{ table: 'XML1', row: 0, field: 'TONG_HOP', code: 'MISSING', reason: 'no XML1 summary' }];

  // Cards and their validity on each service day.
  const cards = split(x1['MA_THE_BHYT']);
  const from = split(x1['GT_THE_TU']);
  const to = split(x1['GT_THE_DEN']);
  const treatmentStart = iso(x1['NGAY_VAO']!.slice(0, 8));
  const cardOfLine = (r: Row) => {
    // Lines carry no card; the card in force on the line's date is the one whose window was chosen at
    // assembly, i.e. the last card whose validity starts on or before the line date.
    const day = (r['NGAY_YL'] ?? '').slice(0, 8);
    let idx = 0;
    from.forEach((f, i) => {
      if (f <= day) idx = i;
    });
    return idx;
  };
  if (cards.length)
    for (const [table, rows] of [
      ['XML2', t.XML2],
      ['XML3', t.XML3],
    ] as const)
      rows.forEach((r, i) => {
        if (r['PHAM_VI'] === '2') return;
        const day = (r['NGAY_YL'] ?? '').slice(0, 8);
        if (day.length !== 8) return;
        const k = cardOfLine(r);
        const v = checkCardValidity(cards[k]!, {
          validFrom: iso(from[k]!),
          validTo: iso(to[k]!),
          onDate: iso(day),
          treatmentStart,
        });
        if (!v.usable)
          push(
            table,
            i + 1,
            'NGAY_YL',
            `CARD_${v.code}`,
            `BHYT card ${cards[k]} does not cover the service on ${iso(day)}: ${v.reason}`,
          );
      });

  // ICD-10.
  const icd = /^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/;
  const main = x1['MA_BENH_CHINH'] ?? '';
  if (main && !icd.test(main))
    push(
      'XML1',
      1,
      'MA_BENH_CHINH',
      'ICD10_FORMAT',
      `"${main}" is not an ICD-10 code (letter, 2 digits, optional .subcategory)`,
    );
  const secondary = split(x1['MA_BENH_KT']);
  if (secondary.length > 12)
    push(
      'XML1',
      1,
      'MA_BENH_KT',
      'TOO_MANY_CODES',
      `${secondary.length} secondary diagnoses; QĐ 130 allows at most 12`,
    );
  for (const code of secondary)
    if (!icd.test(code)) push('XML1', 1, 'MA_BENH_KT', 'ICD10_FORMAT', `"${code}" is not an ICD-10 code`);

  // Results after their orders.
  const orderedAt = new Map<string, string>();
  t.XML3.forEach((r) => {
    if (r['MA_DICH_VU']) orderedAt.set(r['MA_DICH_VU'], r['NGAY_YL'] ?? '');
  });
  t.XML4.forEach((r, i) => {
    const yl = orderedAt.get(r['MA_DICH_VU'] ?? '');
    if (yl && r['NGAY_KQ'] && r['NGAY_KQ'] < yl)
      push(
        'XML4',
        i + 1,
        'NGAY_KQ',
        'TIME_ORDER',
        `result time ${r['NGAY_KQ']} is before the order time ${yl} of ${r['MA_DICH_VU']}`,
      );
  });

  // Totals.
  const lines = [...t.XML2, ...t.XML3];
  const sums: [string, string][] = [
    ['T_TONGCHI_BV', 'THANH_TIEN_BV'],
    ['T_TONGCHI_BH', 'THANH_TIEN_BH'],
    ['T_BNTT', 'T_BNTT'],
    ['T_BNCCT', 'T_BNCCT'],
    ['T_NGUONKHAC', 'T_NGUONKHAC'],
  ];
  for (const [total, line] of sums) {
    const expected = cents(lines.map((r) => r[line] ?? '0'));
    if (cents([x1[total] ?? '0']) !== expected)
      push(
        'XML1',
        1,
        total,
        'TOTAL_MISMATCH',
        `${total} ${x1[total]} is not the sum of ${line} over XML2 and XML3 (${fmt(expected)})`,
      );
  }
  const thuoc = cents(t.XML2.map((r) => r['THANH_TIEN_BV'] ?? '0'));
  if (cents([x1['T_THUOC'] ?? '0']) !== thuoc)
    push(
      'XML1',
      1,
      'T_THUOC',
      'TOTAL_MISMATCH',
      `T_THUOC ${x1['T_THUOC']} is not the XML2 sum ${fmt(thuoc)}`,
    );
  const bhtt = cents([x1['T_TONGCHI_BH'] ?? '0']) - cents([x1['T_BNCCT'] ?? '0']);
  if (cents([x1['T_BHTT'] ?? '0']) !== bhtt)
    push(
      'XML1',
      1,
      'T_BHTT',
      'TOTAL_MISMATCH',
      `T_BHTT ${x1['T_BHTT']} is not T_TONGCHI_BH − T_BNCCT = ${fmt(bhtt)}`,
    );
  return problems;
}

function split(v: string | undefined): string[] {
  return v ? v.split(';').filter(Boolean) : [];
}

function iso(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** Amounts in cents as bigint: exact sums of 2-decimal strings (never floating point, §1.12). */
function cents(values: string[]): bigint {
  let total = 0n;
  for (const v of values) {
    const p = parseDecimal(v || '0', 2, 'amount', { allowNegative: true });
    if (!p.ok) return -1n;
    total += p.units;
  }
  return total;
}

const fmt = (c: bigint) => formatUnits(c, 2);
