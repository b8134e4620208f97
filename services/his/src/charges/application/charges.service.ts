import { randomUUID } from 'node:crypto';
import {
  ChargeItemType as ProtoItemType,
  ChargePostedSchema,
  ChargeReversedSchema,
  Topics,
} from '@hosp/contracts';
import { ConflictError, NotFoundError, type RequestContext } from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogService } from '../../catalog/application/catalog.service';
import { EncountersService } from '../../encounters/application/encounters.service';
import type { EncounterRow } from '../../encounters/persistence/encounters.repository';
import { HisEvents, ts } from '../../shared/application/outbox';
import { type ChargeItemType, ITEM_TYPE_OF_CATEGORY, priceLine } from '../domain/charge';
import {
  type ChargeRow,
  ChargesRepository as repo,
  type LedgerTotals,
} from '../persistence/charges.repository';

const TYPE_TO_PROTO: Record<ChargeItemType, ProtoItemType> = {
  exam: ProtoItemType.EXAM,
  'bed-day': ProtoItemType.BED_DAY,
  lab: ProtoItemType.LAB,
  imaging: ProtoItemType.IMAGING,
  procedure: ProtoItemType.PROCEDURE,
  drug: ProtoItemType.DRUG,
  supply: ProtoItemType.SUPPLY,
};

export interface LineToPost {
  itemType: ChargeItemType;
  itemCode: string;
  itemName: string;
  quantity: string;
  unitPriceHospital: string;
  unitPriceInsurance: string | null;
  sourceId?: string;
  /** Who ordered it (MA_BAC_SI): the ordering provider or prescriber; default the request's actor. */
  orderedBy?: string;
  /** When it was ordered (NGAY_YL): the order's or prescription's time; default the posting time. */
  orderedAt?: Date;
}

/** The encounter's charge ledger: every billable item, priced with both prices and the BHYT split. */
@Injectable()
export class ChargesService {
  constructor(
    private readonly db: DataSource,
    private readonly events: HisEvents,
    private readonly encounters: EncountersService,
    private readonly catalog: CatalogService,
  ) {}

  /** Posts a catalogue service (exam, bed-day, procedure, supply...) or a drug to an encounter by code. */
  post(
    encounterId: string,
    p: { kind: 'service' | 'drug'; code: string; quantity: string },
    ctx: RequestContext,
  ): Promise<ChargeRow> {
    return this.db.transaction(async (m) => {
      const e = await this.encounters.lockFor(m, encounterId, 'charge');
      let line: LineToPost;
      if (p.kind === 'drug') {
        const d = (await this.catalog.requireDrugs(m, [{ field: 'code', code: p.code }])).get(p.code)!;
        line = {
          itemType: 'drug',
          itemCode: d.code,
          itemName: d.name,
          quantity: p.quantity,
          unitPriceHospital: d.hospitalPrice,
          unitPriceInsurance: d.insurancePrice,
        };
      } else {
        const s = (await this.catalog.requireServices(m, [{ field: 'code', code: p.code }])).get(p.code)!;
        line = {
          itemType: ITEM_TYPE_OF_CATEGORY[s.category],
          itemCode: s.code,
          itemName: s.name,
          quantity: p.quantity,
          unitPriceHospital: s.hospitalPrice,
          unitPriceInsurance: s.insurancePrice,
        };
      }
      const id = await this.postIn(m, e, line, ctx);
      return (await repo.get(m, id))!;
    });
  }

  /**
   * Posts a line within the caller's transaction (orders, prescriptions and check-in post their own). `e` is
   * the encounter as read under its row lock (EncountersService.lockFor, or just created), so the line is priced
   * with the coverage in force now: a card changed during the stay (EncountersService.changeCoverage) prices
   * the lines posted after it, and each line names the card that priced it. Department and bed are the
   * encounter's current ones too, for XML3 MA_KHOA and MA_GIUONG (the spec, vietnam-bhyt-emr.md §1.9).
   */
  async postIn(
    m: EntityManager,
    e: EncounterRow,
    line: LineToPost,
    ctx: Partial<RequestContext>,
  ): Promise<string> {
    const share = priceLine({
      quantity: line.quantity,
      unitPriceHospital: line.unitPriceHospital,
      unitPriceInsurance: line.unitPriceInsurance,
      coveragePercent: e.coveragePercent,
    });
    const id = randomUUID();
    const postedAt = new Date();
    const coveragePercent = e.coveragePercent ?? '0';
    // A self-paying encounter has no card: nothing but the hospital price priced the line.
    const insuranceCardNumber = e.insuranceCardNumber;
    const bedCode = line.itemType === 'bed-day' ? e.bedCode : null;
    const orderedBy = line.orderedBy ?? ctx.actorId ?? null;
    const orderedAt = line.orderedAt ?? postedAt;
    await repo.insert(m, {
      id,
      encounterId: e.id,
      patientId: e.patientId,
      itemType: line.itemType,
      itemCode: line.itemCode,
      itemName: line.itemName,
      quantity: line.quantity,
      unitPriceHospital: line.unitPriceHospital,
      unitPriceInsurance: line.unitPriceInsurance,
      coveragePercent,
      amountHospital: share.hospitalAmount,
      amountInsurance: share.insuranceEligibleAmount,
      insurerPays: share.insurerPays,
      patientCopay: share.patientCoPay,
      patientPays: share.patientOutOfPocket,
      sourceId: line.sourceId ?? null,
      postedBy: ctx.actorId ?? null,
      postedAt,
      departmentCode: e.departmentCode,
      insuranceCardNumber,
      bedCode,
      orderedBy,
      orderedAt,
    });
    await this.events.emit(
      m,
      Topics.HisCharge,
      ChargePostedSchema,
      {
        chargeId: id,
        encounterId: e.id,
        patientId: e.patientId,
        itemType: TYPE_TO_PROTO[line.itemType],
        itemCode: line.itemCode,
        itemName: line.itemName,
        quantity: line.quantity,
        unitPriceHospital: line.unitPriceHospital,
        unitPriceInsurance: line.unitPriceInsurance ?? '',
        coveragePercent,
        amountHospital: share.hospitalAmount,
        amountInsurance: share.insuranceEligibleAmount,
        insurerPays: share.insurerPays,
        patientCopay: share.patientCoPay,
        patientPays: share.patientOutOfPocket,
        sourceId: line.sourceId ?? '',
        postedAt: ts(postedAt),
        departmentCode: e.departmentCode,
        insuranceCardNumber: insuranceCardNumber ?? '',
        bedCode: bedCode ?? '',
        orderedBy: orderedBy ?? '',
        orderedAt: ts(orderedAt),
      },
      ctx,
    );
    return id;
  }

  reverse(chargeId: string, reason: string, ctx: RequestContext): Promise<ChargeRow> {
    return this.db.transaction(async (m) => {
      const c = await repo.get(m, chargeId);
      if (!c) throw new NotFoundError('Charge', chargeId);
      await this.encounters.lockFor(m, c.encounterId, 'charge');
      const id = await this.reverseIn(m, c, reason, ctx);
      return (await repo.get(m, id))!;
    });
  }

  async reverseIn(
    m: EntityManager,
    c: ChargeRow,
    reason: string,
    ctx: Partial<RequestContext>,
  ): Promise<string> {
    if (c.reverses) throw new ConflictError('IS_REVERSAL', `charge ${c.id} is itself a reversal`);
    if (c.reversedBy)
      throw new ConflictError('ALREADY_REVERSED', `charge ${c.id} was reversed by ${c.reversedBy}`);
    const id = randomUUID();
    const at = new Date();
    await repo.insertReversal(m, id, c.id, reason, ctx.actorId ?? null, at);
    await this.events.emit(
      m,
      Topics.HisCharge,
      ChargeReversedSchema,
      {
        chargeId: id,
        reversedChargeId: c.id,
        encounterId: c.encounterId,
        patientId: c.patientId,
        reason,
        reversedAt: ts(at),
      },
      ctx,
    );
    return id;
  }

  async ledger(encounterId: string): Promise<{ lines: ChargeRow[]; totals: LedgerTotals }> {
    await this.encounters.get(encounterId);
    const m = this.db.manager;
    return { lines: await repo.forEncounter(m, encounterId), totals: await repo.totals(m, encounterId) };
  }
}
