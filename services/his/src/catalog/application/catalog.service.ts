import { InvalidRequestError, NotFoundError } from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DrugItem, ServiceItem } from '../domain/catalog';
import { CatalogRepository as repo } from '../persistence/catalog.repository';

/** The service and drug catalogues that orders, prescriptions and charges are priced from. */
@Injectable()
export class CatalogService {
  constructor(private readonly db: DataSource) {}

  async putServices(items: ServiceItem[]): Promise<ServiceItem[]> {
    await this.db.transaction((m) => repo.upsertServices(m, items));
    return repo.services(
      this.db.manager,
      items.map((i) => i.code),
    );
  }

  async putDrugs(items: DrugItem[]): Promise<DrugItem[]> {
    await this.db.transaction((m) => repo.upsertDrugs(m, items));
    return repo.drugs(
      this.db.manager,
      items.map((i) => i.code),
    );
  }

  listServices(): Promise<ServiceItem[]> {
    return repo.services(this.db.manager);
  }

  listDrugs(): Promise<DrugItem[]> {
    return repo.drugs(this.db.manager);
  }

  async service(code: string): Promise<ServiceItem> {
    const [s] = await repo.services(this.db.manager, [code]);
    if (!s) throw new NotFoundError('Service', code);
    return s;
  }

  /**
   * The active catalogue entries for codes an order or prescription names; unknown or inactive codes are a
   * 400 on the field that named them.
   */
  async requireServices(
    m: EntityManager,
    codes: Array<{ field: string; code: string }>,
  ): Promise<Map<string, ServiceItem>> {
    const found = new Map(
      (
        await repo.services(
          m,
          codes.map((c) => c.code),
        )
      ).map((s) => [s.code, s]),
    );
    const problems = codes
      .filter((c) => !found.get(c.code)?.active)
      .map((c) => ({
        field: c.field,
        reason: found.has(c.code) ? `service ${c.code} is inactive` : `unknown service code ${c.code}`,
      }));
    if (problems.length) throw new InvalidRequestError(problems);
    return found;
  }

  async requireDrugs(
    m: EntityManager,
    codes: Array<{ field: string; code: string }>,
  ): Promise<Map<string, DrugItem>> {
    const found = new Map(
      (
        await repo.drugs(
          m,
          codes.map((c) => c.code),
        )
      ).map((d) => [d.code, d]),
    );
    const problems = codes
      .filter((c) => !found.get(c.code)?.active)
      .map((c) => ({
        field: c.field,
        reason: found.has(c.code) ? `drug ${c.code} is inactive` : `unknown drug code ${c.code}`,
      }));
    if (problems.length) throw new InvalidRequestError(problems);
    return found;
  }
}
