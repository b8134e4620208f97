import { randomUUID } from 'node:crypto';
import { PrescriptionIssuedSchema, Topics } from '@hosp/contracts';
import { InvalidRequestError, NotFoundError, type RequestContext } from '@hosp/platform-runtime';
import { generatePrescriptionCode, type PrescriptionTypeLetter } from '@hosp/standards-bhyt';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogService } from '../../catalog/application/catalog.service';
import type { DrugItem } from '../../catalog/domain/catalog';
import { ChargesService } from '../../charges/application/charges.service';
import { EncountersService } from '../../encounters/application/encounters.service';
import { FACILITY_CONFIG, type FacilityConfig } from '../../shared/application/facility';
import { HisEvents, ts } from '../../shared/application/outbox';
import { TimelineService } from '../../timeline/application/timeline.service';
import {
  DEFAULT_PRESCRIPTION_TYPE,
  isPositiveQuantity,
  MAX_SUPPLY_DAYS,
  type PrescriptionLine,
  prescriptionSummary,
} from '../domain/prescription';
import {
  type PrescriptionRow,
  PrescriptionsRepository as repo,
} from '../persistence/prescriptions.repository';

export interface PrescriptionRequest {
  type?: PrescriptionTypeLetter;
  /** Who prescribes; the caller (the token's subject) when absent. */
  prescriberId?: string;
  diagnosis?: string;
  advice?: string;
  items: PrescriptionLine[];
}

/**
 * Outpatient and discharge prescriptions (TT 26/2025). Issuing one, in one transaction: the encounter is locked
 * (only an in-progress encounter takes prescriptions), the drugs must be active in the catalogue, the national
 * e-prescription code is generated (facility code + 7 characters + type letter, spec §4.2), every line is
 * charged to the encounter's ledger, PrescriptionIssued goes to the outbox and the EMR timeline gets an entry.
 * A prescription never changes once issued (QĐ 425/QĐ-BYT): a correction is a new prescription with a new code.
 */
@Injectable()
export class PrescriptionsService {
  constructor(
    private readonly db: DataSource,
    private readonly events: HisEvents,
    private readonly encounters: EncountersService,
    private readonly catalog: CatalogService,
    private readonly charges: ChargesService,
    private readonly timeline: TimelineService,
    @Inject(FACILITY_CONFIG) private readonly facility: FacilityConfig,
  ) {}

  issue(encounterId: string, input: PrescriptionRequest, ctx: RequestContext): Promise<PrescriptionRow> {
    const prescriberId = input.prescriberId ?? ctx.actorId;
    if (!prescriberId)
      throw InvalidRequestError.field('prescriberId', 'is required when the token has no subject');
    const problems = input.items.flatMap((l, i) => [
      ...(isPositiveQuantity(l.quantity)
        ? []
        : [{ field: `items[${i}].quantity`, reason: 'must be a decimal above 0 with at most 3 decimals' }]),
      ...(Number.isInteger(l.days) && l.days >= 1 && l.days <= MAX_SUPPLY_DAYS
        ? []
        : [
            {
              field: `items[${i}].days`,
              reason: `must be a whole number of days from 1 to ${MAX_SUPPLY_DAYS}`,
            },
          ]),
    ]);
    if (input.items.length === 0)
      problems.push({ field: 'items', reason: 'a prescription needs at least one drug' });
    if (problems.length) throw new InvalidRequestError(problems);
    const type = input.type ?? DEFAULT_PRESCRIPTION_TYPE;

    return this.db.transaction(async (m) => {
      const e = await this.encounters.lockFor(m, encounterId, 'order');
      const drugs = await this.catalog.requireDrugs(
        m,
        input.items.map((l, i) => ({ field: `items[${i}].drugCode`, code: l.drugCode })),
      );
      // requireDrugs has refused any code it did not find.
      const lines = input.items.map((l) => ({ ...l, drug: drugs.get(l.drugCode) as DrugItem }));
      const code = await this.newCode(m, type);

      const id = randomUUID();
      const at = new Date();
      await repo.insert(m, {
        id,
        prescriptionCode: code.value,
        encounterId: e.id,
        patientId: e.patientId,
        type,
        prescriberId,
        diagnosis: input.diagnosis ?? null,
        advice: input.advice ?? null,
        issuedAt: at,
        items: input.items.map((l) => ({
          drugCode: l.drugCode,
          quantity: l.quantity,
          dosage: l.dosage,
          instructions: l.instructions ?? null,
          days: l.days,
        })),
      });
      for (const { drug: d, ...l } of lines) {
        await this.charges.postIn(
          m,
          e,
          {
            itemType: 'drug',
            itemCode: d.code,
            itemName: d.name,
            quantity: l.quantity,
            unitPriceHospital: d.hospitalPrice,
            unitPriceInsurance: d.insurancePrice,
            sourceId: id,
            orderedBy: prescriberId,
            orderedAt: at,
          },
          ctx,
        );
      }
      await this.events.emit(
        m,
        Topics.HisPrescription,
        PrescriptionIssuedSchema,
        {
          prescriptionId: id,
          prescriptionCode: code.value,
          encounterId: e.id,
          patientId: e.patientId,
          prescriberId,
          diagnosis: input.diagnosis ?? '',
          items: lines.map(({ drug: d, ...l }) => ({
            drugCode: d.code,
            drugName: d.name,
            activeIngredient: d.activeIngredient,
            strength: d.strength,
            route: d.route,
            unit: d.unit,
            quantity: l.quantity,
            dosage: l.dosage,
            instructions: l.instructions ?? '',
            days: l.days,
          })),
          issuedAt: ts(at),
        },
        ctx,
      );
      await this.timeline.addIn(m, {
        patientId: e.patientId,
        encounterId: e.id,
        kind: 'prescription',
        refId: id,
        occurredAt: at,
        summary: prescriptionSummary(
          code.value,
          lines.map((l) => ({ name: l.drug.name, quantity: l.quantity, unit: l.drug.unit })),
        ),
        detail: {
          prescriptionCode: code.value,
          type,
          prescriberId,
          diagnosis: input.diagnosis ?? null,
          drugCodes: input.items.map((l) => l.drugCode),
        },
      });
      return (await repo.get(m, id))!;
    });
  }

  async get(id: string): Promise<PrescriptionRow> {
    const p = await repo.get(this.db.manager, id);
    if (!p) throw new NotFoundError('Prescription', id);
    return p;
  }

  async forEncounter(encounterId: string): Promise<PrescriptionRow[]> {
    await this.encounters.get(encounterId);
    return repo.forEncounter(this.db.manager, encounterId);
  }

  /**
   * The national code's 7-character part is random (TT 26/2025, spec §4.2): pharmacies look prescriptions up
   * by code, so a running number would let anyone guess other patients' prescriptions. 36^7 codes per
   * facility make a collision rare; it is checked, and the UNIQUE constraint stays the last guard.
   */
  private async newCode(m: EntityManager, type: PrescriptionTypeLetter): Promise<{ value: string }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = generatePrescriptionCode(this.facility.code, 'random', type);
      // The facility code is configuration and the type was validated: a failure here is a deployment error.
      if (!code.ok) throw new Error(`cannot make a prescription code: ${code.reason} (${code.code})`);
      if (!(await repo.codeExists(m, code.value))) return code;
    }
    throw new Error('five random prescription codes in a row were taken: check the code generator');
  }
}
