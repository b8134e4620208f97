import { checkValue, compiledFields, type FieldCheckOptions } from './check-fields';
import { quote, type CheckCode, type LocatedError } from './located-error';
import { rulesFor } from './rules';
import type { TableDef } from './types';

/**
 * Checks the rows of one table against its layout version, before writing and signing: per value (required,
 * width, format, pattern, code list: check-fields.ts), per record (conditional and time-order rules: rules.ts)
 * and per table (record count, STT numbering, one MA_LK). Returns every problem found, in table → row → field
 * order; an empty array means the rows are fit to write. Money identities across tables are checkTotals().
 */

export type CheckRowsOptions = FieldCheckOptions;

type Row = Readonly<Record<string, string | undefined>>;

export function checkRows(
  def: TableDef,
  rows: readonly Row[],
  options: CheckRowsOptions = {},
): LocatedError[] {
  const errors: LocatedError[] = [];
  const at =
    (row: number) =>
    (field: string, code: CheckCode, reason: string): void => {
      errors.push({ table: def.id, row, field, code, reason });
    };

  const table = at(0);
  if (def.list === null && rows.length !== 1) {
    table(
      '',
      'ROW_COUNT',
      `${def.id} is a single-record document (<${def.root}>) and has ${rows.length} records`,
    );
  } else if (rows.length === 0) {
    table('', 'ROW_COUNT', `${def.id} has no records; a table without records is not sent (spec §1.1)`);
  }

  const fields = compiledFields(def);
  const rules = rulesFor(def);
  const hasStt = fields.has('STT');
  const hasMaLk = fields.has('MA_LK');
  const firstMaLk = rows[0]?.['MA_LK'];

  rows.forEach((row, index) => {
    const emit = at(index + 1);
    for (const key of Object.keys(row)) {
      if (!fields.has(key)) {
        emit(
          key,
          'UNKNOWN_FIELD',
          `${key} is not an element of ${def.layoutId} ${def.id} (spec ${def.specSection})`,
        );
      }
    }
    for (const field of fields.values()) checkValue(def, field, row[field.def.name], emit, options);
    for (const rule of rules) rule.check(row, def, emit);

    // "Sequence from 1 within a submission" (spec §1.6/§1.7 item 2 [P*]): records numbered 1, 2, 3… in order [I].
    const stt = row['STT'];
    if (hasStt && stt !== undefined && /^[0-9]+$/.test(stt) && Number(stt) !== index + 1) {
      emit(
        'STT',
        'STT_SEQUENCE',
        `STT ${stt} should be ${index + 1}: records are numbered from 1 in document order (spec §1.7 item 2)`,
      );
    }
    // One file is one care episode (spec §1.2 [S]).
    const maLk = row['MA_LK'];
    if (hasMaLk && index > 0 && maLk && firstMaLk && maLk !== firstMaLk) {
      emit(
        'MA_LK',
        'MA_LK_MISMATCH',
        `MA_LK ${quote(maLk)} differs from ${quote(firstMaLk)} of record 1 (spec §1.2: one file, one episode)`,
      );
    }
  });
  return errors;
}
