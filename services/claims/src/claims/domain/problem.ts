/**
 * A reason a claim cannot be sent, located where BHXH would locate it: the table (XML1…XML15), the 1-based row
 * (0 for the document as a whole) and the element. `code` is stable for machines; `reason` is a sentence for the
 * billing clerk who has to fix it.
 */
export interface ClaimProblem {
  readonly table: string;
  readonly row: number;
  readonly field: string;
  readonly code: string;
  readonly reason: string;
}
