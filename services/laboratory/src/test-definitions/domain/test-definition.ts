/** What a result's value is: a number (with unit, ranges, flags) or text (e.g. "Negative"). */
export const VALUE_TYPES = ['numeric', 'text'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export const RANGE_SEXES = ['male', 'female', 'any'] as const;
export type RangeSex = (typeof RANGE_SEXES)[number];

/** A reference interval for a sex and an age band: [ageFromDays, ageToDays), null = open. */
export interface ReferenceRange {
  sex: RangeSex;
  ageFromDays: number;
  ageToDays: number | null;
  /** Decimal strings; null = unbounded on that side. */
  low: string | null;
  high: string | null;
}

export const DELTA_MODES = ['absolute', 'percent'] as const;
export type DeltaMode = (typeof DELTA_MODES)[number];

/**
 * A test's auto-verification rule (CLSI AUTO10/AUTO15): a result that passes every check is released without
 * a human, recording the rule's code. Checks always applied: the value is numeric, not preliminary, not
 * critical, carries no device flag, and has a reference range that calls it normal (unless `allowAbnormal`).
 */
export interface AutoVerificationRule {
  /** Identifies the rule in the result's record (e.g. "AV-GLU-1"). */
  code: string;
  /** The value must lie within [low, high] (decimal strings; either side optional). */
  low?: string | null;
  high?: string | null;
  /** Delta check against the patient's previous final result of the same test. */
  delta?: {
    mode: DeltaMode;
    /** Largest change allowed: in the test's unit (absolute) or percent of the previous value. */
    limit: string;
    /** Only a previous result released within this many days counts; older, and there is none. */
    withinDays?: number | null;
  } | null;
  /** Release L/H results too (never LL/HH). Default false: only normal results. */
  allowAbnormal?: boolean;
}

export interface TestDefinition {
  /** The HIS service catalogue code the order names (e.g. "XN-GLU"). */
  serviceCode: string;
  name: string;
  loinc: string | null;
  /** HL7 table 0487, e.g. "SER", "BLD", "PLAS", "UR". */
  specimenType: string;
  /** The tube / container, e.g. "SST" (serum separator), "EDTA", "CITRATE", "FLUORIDE", "URINE-CUP". */
  containerType: string;
  valueType: ValueType;
  /** UCUM unit, required for numeric tests. */
  unit: string | null;
  /** Decimals the value is released with. */
  decimals: number;
  criticalLow: string | null;
  criticalHigh: string | null;
  autoVerification: AutoVerificationRule | null;
  referenceRanges: ReferenceRange[];
  active: boolean;
}
