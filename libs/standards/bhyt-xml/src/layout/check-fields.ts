import { codePointLabel, codePointLength, findInvalidXmlChar } from '../xml/chars';
import {
  FORMAT_DECIMALS,
  FORMAT_DESCRIPTIONS,
  FORMAT_PATTERNS,
  NUMERIC_FORMATS,
  anchored,
  isCalendarDay,
} from './formats';
import { quote, type CheckCode } from './located-error';
import type { FieldDef, FieldFormat, TableDef } from './types';

/**
 * The checks of ONE value against its field definition: required, XML characters, width, ';'-list shape, format
 * (numbers, decimals, ranges, calendar dates and times), extra pattern and code list. The regular expressions
 * are the ones the XSD uses (formats.ts), compiled once per field.
 */

export type Emit = (field: string, code: CheckCode, reason: string) => void;

export interface FieldCheckOptions {
  /** The department catalogue (spec §1.5: "MA_KHOA is checked against the catalogue"; QĐ 1804 App. 02). */
  readonly isKnownDepartment?: (code: string) => boolean;
}

interface CompiledField {
  readonly def: FieldDef;
  readonly format: RegExp | null;
  readonly pattern: RegExp | null;
  readonly codes: ReadonlySet<string> | null;
}

const FORMAT_REGEXES = Object.fromEntries(
  Object.entries(FORMAT_PATTERNS).map(([format, pattern]) => [format, anchored(pattern)]),
) as Record<FieldFormat, RegExp>;
const PLAIN_NUMBER = /^[0-9]+(\.[0-9]+)?$/;
const cache = new WeakMap<TableDef, ReadonlyMap<string, CompiledField>>();

export function compiledFields(table: TableDef): ReadonlyMap<string, CompiledField> {
  let fields = cache.get(table);
  if (!fields) {
    fields = new Map(
      table.fields.map((def) => [
        def.name,
        {
          def,
          format: def.format ? FORMAT_REGEXES[def.format] : null,
          pattern: def.pattern ? anchored(def.pattern.regex) : null,
          codes: def.codes ? new Set(def.codes) : null,
        },
      ]),
    );
    cache.set(table, fields);
  }
  return fields;
}

/** Checks `value` of `field`; reports through `emit`. */
export function checkValue(
  table: TableDef,
  field: CompiledField,
  value: string | undefined,
  emit: Emit,
  options: FieldCheckOptions,
): void {
  const def = field.def;
  const where = `${def.name} (${table.layoutId} ${table.id}, spec ${table.specSection})`;
  if (value === undefined || value === '') {
    if (def.required) emit(def.name, 'REQUIRED', `${where} is required and is empty`);
    return;
  }
  if (typeof value !== 'string') {
    emit(def.name, 'BAD_FORMAT', `${where} must be a formatted string, not a ${typeof value}`);
    return;
  }
  if (def.required && value.trim() === '') {
    emit(def.name, 'REQUIRED', `${where} is required and holds only white space`);
    return;
  }
  const bad = findInvalidXmlChar(value);
  if (bad >= 0) {
    emit(
      def.name,
      'INVALID_CHARACTER',
      `${where} contains ${codePointLabel(value, bad)} at position ${bad + 1}, a character XML 1.0 cannot carry`,
    );
    return;
  }
  if (def.maxLength !== null && value.length > def.maxLength) {
    const length = codePointLength(value);
    if (length > def.maxLength) {
      emit(def.name, 'TOO_LONG', `${where} has ${length} characters, more than the ${def.maxLength} allowed`);
    }
  }

  const items = def.multi ? value.split(';') : [value];
  if (def.multi) {
    if (items.some((item) => item === '')) {
      emit(
        def.name,
        'EMPTY_ITEM',
        `${where} ${quote(value)} has an empty item in its ';'-separated list (spec §1.5)`,
      );
    }
    if (def.maxItems !== null && items.length > def.maxItems) {
      emit(
        def.name,
        'TOO_MANY_ITEMS',
        `${where} lists ${items.length} values, more than the ${def.maxItems} allowed`,
      );
    }
  }
  // One report per kind of problem: the first offending item.
  let formatDone = false;
  let patternDone = false;
  let codeDone = false;
  let catalogueDone = false;
  for (const item of items) {
    if (item === '') continue;
    if (!formatDone && def.format && field.format && !field.format.test(item)) {
      formatDone = true;
      const [code, reason] = formatProblem(def.format, item);
      emit(def.name, code, `${where} ${quote(item)} ${reason}`);
    } else if (!formatDone && def.format && isDateLike(def.format) && !isRealDate(def.format, item)) {
      formatDone = true;
      emit(
        def.name,
        def.format === 'date' ? 'BAD_DATE' : 'BAD_DATETIME',
        `${where} ${quote(item)} is not a real calendar day`,
      );
    }
    if (!patternDone && def.pattern && field.pattern && !field.pattern.test(item)) {
      patternDone = true;
      emit(def.name, 'PATTERN', `${where} ${quote(item)} must be ${def.pattern.rule}`);
    }
    if (!codeDone && field.codes && !field.codes.has(item)) {
      codeDone = true;
      emit(
        def.name,
        'NOT_IN_CODE_LIST',
        `${where} ${quote(item)} is not in the code list ${def.codeList ?? ''}`.trim(),
      );
    }
    if (
      !catalogueDone &&
      def.name === 'MA_KHOA' &&
      options.isKnownDepartment &&
      !options.isKnownDepartment(item)
    ) {
      catalogueDone = true;
      emit(
        def.name,
        'UNKNOWN_DEPARTMENT',
        `${where} ${quote(item)} is not in the department catalogue (spec §1.5 portal rule, §1.12 MA_KHOA)`,
      );
    }
  }
}

function isDateLike(format: FieldFormat): boolean {
  return (
    format === 'date' || format === 'datetime' || format === 'birth-datetime' || format === 'date-or-datetime'
  );
}

/** A value that matches the date/time pattern: is its day a real one (no 31 February)? */
function isRealDate(format: FieldFormat, value: string): boolean {
  if (format === 'birth-datetime' && value.slice(4, 8) === '0000') return true;
  return isCalendarDay(value);
}

/** Why a value does not match its format, as [code, "is not …" sentence]. */
function formatProblem(format: FieldFormat, value: string): [CheckCode, string] {
  const description = FORMAT_DESCRIPTIONS[format];
  if (NUMERIC_FORMATS.has(format)) {
    if (!PLAIN_NUMBER.test(value)) return ['NOT_A_NUMBER', `is not ${description} (spec §1.5)`];
    const decimals = value.includes('.') ? value.length - value.indexOf('.') - 1 : 0;
    if (format === 'percent' && Number(value) > 100) return ['OUT_OF_RANGE', `is not ${description}`];
    const allowed = FORMAT_DECIMALS[format];
    if (allowed !== null && allowed !== undefined && decimals > allowed) {
      return [
        'TOO_MANY_DECIMALS',
        `has ${decimals} decimal${decimals === 1 ? '' : 's'}; it must be ${description} (spec §1.5)`,
      ];
    }
    return ['BAD_FORMAT', `is not ${description} (spec §1.5)`];
  }
  return [format === 'date' ? 'BAD_DATE' : 'BAD_DATETIME', `is not ${description} (spec §1.5)`];
}

/** A valid, real yyyymmddHHMM (used by the time-order rules, which skip values the field checks reject). */
export function isValidDateTime(value: string | undefined): value is string {
  return value !== undefined && FORMAT_REGEXES.datetime.test(value) && isCalendarDay(value);
}
