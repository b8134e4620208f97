import {
  type FieldProblem,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
} from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessioningService } from '../../accessioning/application/accessioning.service';
import type { TestDefinition } from '../domain/test-definition';
import { TestDefinitionsRepository as repo } from '../persistence/test-definitions.repository';

const lt = (a: string | null | undefined, b: string | null | undefined) =>
  a != null && b != null && Number(a) > Number(b);

/** The cross-field rules a definition must keep, each problem on its field path. */
export function definitionProblems(items: TestDefinition[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  items.forEach((t, i) => {
    const at = `items[${i}]`;
    if (t.valueType === 'numeric' && !t.unit)
      problems.push({ field: `${at}.unit`, reason: 'a numeric test needs its UCUM unit' });
    if (t.criticalLow != null && t.criticalHigh != null && Number(t.criticalLow) >= Number(t.criticalHigh))
      problems.push({ field: `${at}.criticalHigh`, reason: 'must be above criticalLow' });
    t.referenceRanges.forEach((r, j) => {
      if (r.low == null && r.high == null)
        problems.push({ field: `${at}.referenceRanges[${j}]`, reason: 'needs low, high or both' });
      if (lt(r.low, r.high))
        problems.push({ field: `${at}.referenceRanges[${j}].high`, reason: 'must not be below low' });
      if (r.ageToDays != null && r.ageToDays <= r.ageFromDays)
        problems.push({
          field: `${at}.referenceRanges[${j}].ageToDays`,
          reason: 'must be above ageFromDays',
        });
    });
    const av = t.autoVerification;
    if (av && lt(av.low, av.high))
      problems.push({ field: `${at}.autoVerification.high`, reason: 'must not be below low' });
    if (av && t.valueType !== 'numeric')
      problems.push({ field: `${at}.autoVerification`, reason: 'only numeric tests are auto-verified' });
  });
  const seen = new Set<string>();
  items.forEach((t, i) => {
    if (seen.has(t.serviceCode))
      problems.push({ field: `items[${i}].serviceCode`, reason: `${t.serviceCode} is given twice` });
    seen.add(t.serviceCode);
  });
  return problems;
}

/**
 * The lab's test definitions: specimen and tube, UCUM unit, decimals, critical limits, reference ranges by
 * sex and age, and the auto-verification rule. Defining a test accessions the orders held for want of it.
 */
@Injectable()
export class TestDefinitionsService {
  constructor(
    private readonly db: DataSource,
    private readonly accessioning: AccessioningService,
  ) {}

  async put(items: TestDefinition[], ctx: RequestContext): Promise<TestDefinition[]> {
    const problems = definitionProblems(items);
    if (problems.length) throw new InvalidRequestError(problems);
    const codes = items.map((i) => i.serviceCode);
    await this.db.transaction(async (m) => {
      await repo.upsert(m, items);
      await this.accessioning.releaseHeldIn(m, codes, ctx);
    });
    return repo.list(this.db.manager, codes);
  }

  list(): Promise<TestDefinition[]> {
    return repo.list(this.db.manager);
  }

  async get(code: string): Promise<TestDefinition> {
    const t = await repo.get(this.db.manager, code);
    if (!t) throw new NotFoundError('Test', code);
    return t;
  }
}
