import {
  type FieldProblem,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
} from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProceduresService } from '../../procedures/application/procedures.service';
import type { Station, StationRow } from '../domain/station';
import { StationsRepository as repo } from '../persistence/stations.repository';

/**
 * The stations RIS schedules on. Defining an active station of a modality schedules, in the same transaction,
 * the procedures that were waiting for one (README "Scheduling"). Deactivating a station leaves its scheduled
 * steps where they are: a person reschedules them (GET /procedures?stationAeTitle=...&status=scheduled).
 */
@Injectable()
export class StationsService {
  constructor(
    private readonly db: DataSource,
    private readonly procedures: ProceduresService,
  ) {}

  async put(items: Station[], ctx: RequestContext): Promise<StationRow[]> {
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    items.forEach((s, i) => {
      if (seen.has(s.aeTitle))
        problems.push({ field: `items[${i}].aeTitle`, reason: `${s.aeTitle} is given twice` });
      seen.add(s.aeTitle);
    });
    if (problems.length) throw new InvalidRequestError(problems);
    await this.db.transaction(async (m) => {
      const modalities = [...new Set(items.filter((s) => s.active).map((s) => s.modality))];
      const waiting = await this.procedures.lockWaitingIn(m, modalities);
      await repo.upsert(m, items);
      await this.procedures.scheduleWaitingIn(m, waiting, ctx);
    });
    return repo.list(this.db.manager, { aeTitles: items.map((s) => s.aeTitle) });
  }

  list(f: { modality?: string; active?: boolean }): Promise<StationRow[]> {
    return repo.list(this.db.manager, f);
  }

  async get(aeTitle: string): Promise<StationRow> {
    const s = await repo.get(this.db.manager, aeTitle);
    if (!s) throw new NotFoundError('Station', aeTitle);
    return s;
  }
}
