import {
  ConflictError,
  NotFoundError,
  type RequestContext,
  RuleViolationError,
} from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SERVICE_CATALOG_SYSTEM } from '../../shared/domain/codes';
import { HOLD_REASONS } from '../domain/result';
import {
  type HeldObservation,
  type HeldResultRow,
  HeldResultsRepository as repo,
  type HeldStatus,
} from '../persistence/held-results.repository';
import type { ResultRow } from '../persistence/results.repository';
import { ResultsService } from './results.service';

export interface ResolveHeldResult {
  /** The specimen to attach to (default: the barcode the analyzer sent). */
  specimenId?: string;
  /** The test (service code) the observation is (default: what the code map said). */
  serviceCode?: string;
  /** A corrected value and unit (e.g. the value converted by hand to the test's unit). */
  value?: string;
  unit?: string;
}

/**
 * The held analyzer results: listed for the lab to decide, then attached to a specimen's test (the same
 * checks as for an analyzer result; the result then always waits for human validation, since a person chose
 * where it goes) or discarded with a reason. Both record who and when.
 */
@Injectable()
export class HeldResultsService {
  constructor(
    private readonly db: DataSource,
    private readonly results: ResultsService,
  ) {}

  list(f: { status?: HeldStatus; reasonCode?: string; specimenId?: string; limit?: number }) {
    return repo.list(this.db.manager, {
      ...f,
      status: f.status ?? 'held',
      limit: Math.min(f.limit ?? 200, 1000),
    });
  }

  async get(id: string): Promise<HeldResultRow> {
    const h = await repo.get(this.db.manager, id);
    if (!h) throw new NotFoundError('Held result', id);
    return h;
  }

  resolve(
    id: string,
    input: ResolveHeldResult,
    actor: string,
    ctx: RequestContext,
  ): Promise<{ held: HeldResultRow; result: ResultRow }> {
    return this.db.transaction(async (m) => {
      const h = await this.lockHeld(m, id, 'resolve');
      const obs: HeldObservation = { ...h.observation };
      if (input.serviceCode) {
        // A person chose the test: the code map's LOINC (if any) no longer speaks for it.
        obs.service = { system: SERVICE_CATALOG_SYSTEM, code: input.serviceCode, display: '' };
        obs.mapped = true;
        obs.loinc = '';
      }
      if (input.value !== undefined) obs.value = input.value;
      if (input.unit !== undefined) obs.unit = input.unit;
      const barcode = input.specimenId ?? h.specimenId;
      const placed = await this.results.placeIn(m, barcode, obs);
      if ('hold' in placed)
        throw new RuleViolationError(placed.hold, `${HOLD_REASONS[placed.hold]}: ${placed.detail}`, {
          reasonCode: placed.hold,
        });
      const at = new Date();
      const result = await this.results.recordIn(m, placed, obs, {
        reportId: h.reportId,
        deviceId: h.deviceId,
        heldResultId: h.id,
        manual: true,
        at,
        ctx,
      });
      await repo.resolve(m, id, {
        by: actor,
        at,
        resultId: result.id,
        resolution: {
          specimenId: barcode,
          serviceCode: obs.service?.code,
          ...(input.value !== undefined ? { value: input.value } : {}),
          ...(input.unit !== undefined ? { unit: input.unit } : {}),
        },
      });
      return { held: (await repo.get(m, id))!, result };
    });
  }

  discard(id: string, reason: string, actor: string): Promise<HeldResultRow> {
    return this.db.transaction(async (m) => {
      await this.lockHeld(m, id, 'discard');
      await repo.discard(m, id, { by: actor, at: new Date(), reason });
      return (await repo.get(m, id))!;
    });
  }

  private async lockHeld(m: EntityManager, id: string, action: string): Promise<HeldResultRow> {
    const h = await repo.get(m, id, true);
    if (!h) throw new NotFoundError('Held result', id);
    if (h.status !== 'held')
      throw new ConflictError('INVALID_TRANSITION', `held result ${id} is ${h.status}: cannot ${action}`, {
        status: h.status,
      });
    return h;
  }
}
