import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import {
  CareRoute,
  ChargeItemType,
  ChargePostedSchema,
  ChargeReversedSchema,
  EncounterClass,
  EncounterClosedSchema,
  EncounterCoverageChangedSchema,
  type EncounterCoverage,
  EncounterDischargedSchema,
  EncounterStartedSchema,
  EncounterTransferredSchema,
  OrderCancelledSchema,
  OrderCategory,
  OrderPlacedSchema,
  type PatientRegistered,
  PatientRegisteredSchema,
  PatientsMergedSchema,
  type PatientUpdated,
  PatientUpdatedSchema,
  PrescriptionIssuedSchema,
  type Referral,
  Sex,
  Topics,
} from '@hosp/contracts';
import { type ConsumedEvent, PermanentEventError } from '@hosp/platform-kafka';
import { EventConsumer, OnEvent } from '@hosp/platform-runtime';
import type { EntityManager } from 'typeorm';
import { EpisodesService } from '../application/episodes.service';
import type {
  ChargeItemType as ItemType,
  CoveragePeriod,
  DischargeFact,
  EncounterClass as Class,
  PatientFacts,
  ReferralFact,
  Route,
} from '../domain/episode';

export const eventTime = (e: ConsumedEvent, t?: Timestamp): Date =>
  t ? timestampDate(t) : e.envelope.time ? timestampDate(e.envelope.time) : new Date();

const CLASS: Record<EncounterClass, Class | null> = {
  [EncounterClass.UNSPECIFIED]: null,
  [EncounterClass.OUTPATIENT]: 'outpatient',
  [EncounterClass.EMERGENCY]: 'emergency',
  [EncounterClass.DAY_TREATMENT]: 'day-treatment',
  [EncounterClass.INPATIENT]: 'inpatient',
};

const ROUTE: Record<CareRoute, Route> = {
  [CareRoute.UNSPECIFIED]: 'correct',
  [CareRoute.CORRECT]: 'correct',
  [CareRoute.EMERGENCY]: 'emergency',
  [CareRoute.OFF_ROUTE]: 'off-route',
};

const ITEM: Record<ChargeItemType, ItemType | null> = {
  [ChargeItemType.UNSPECIFIED]: null,
  [ChargeItemType.EXAM]: 'exam',
  [ChargeItemType.BED_DAY]: 'bed-day',
  [ChargeItemType.LAB]: 'lab',
  [ChargeItemType.IMAGING]: 'imaging',
  [ChargeItemType.PROCEDURE]: 'procedure',
  [ChargeItemType.DRUG]: 'drug',
  [ChargeItemType.SUPPLY]: 'supply',
};

const CATEGORY: Record<OrderCategory, 'laboratory' | 'imaging' | 'procedure' | 'other'> = {
  [OrderCategory.UNSPECIFIED]: 'other',
  [OrderCategory.LABORATORY]: 'laboratory',
  [OrderCategory.IMAGING]: 'imaging',
  [OrderCategory.PROCEDURE]: 'procedure',
  [OrderCategory.OTHER]: 'other',
};

const SEX: Record<Sex, PatientFacts['sex']> = {
  [Sex.UNSPECIFIED]: 'unknown',
  [Sex.MALE]: 'male',
  [Sex.FEMALE]: 'female',
  [Sex.OTHER]: 'other',
  [Sex.UNKNOWN]: 'unknown',
};

function patientFacts(p: PatientRegistered | PatientUpdated, patientCode: string): PatientFacts {
  return {
    patientId: p.patientId,
    patientCode,
    fullName: p.fullName,
    birthDate: p.birthDate,
    sex: SEX[p.sex],
    citizenId: p.citizenId,
    address: {
      line: p.address?.line ?? '',
      provinceCode: p.address?.provinceCode ?? '',
      districtCode: p.address?.districtCode ?? '',
      communeCode: p.address?.communeCode ?? '',
    },
    ethnicityCode: p.ethnicityCode,
    nationalityCode: p.nationalityCode,
    occupationCode: p.occupationCode,
  };
}

function coverage(c: EncounterCoverage, effectiveAt: Date): CoveragePeriod {
  return {
    cardNumber: c.insuranceCardNumber,
    benefitLevel: c.benefitLevel,
    coveragePercent: c.coveragePercent,
    route: ROUTE[c.route],
    validFrom: c.cardValidFrom,
    validTo: c.cardValidTo,
    registrationFacility: c.registrationFacility,
    effectiveAt,
  };
}

function referralFact(r: Referral): ReferralFact {
  const optional = (v: string) => v || undefined;
  return {
    toFacility: r.toFacility,
    reasonCode: r.reasonCode,
    letterNumber: optional(r.letterNumber),
    clinicalSigns: optional(r.clinicalSigns),
    treatmentDirection: optional(r.treatmentDirection),
    transport: optional(r.transport),
    escortName: optional(r.escortName),
    escortTitle: optional(r.escortTitle),
  };
}

/**
 * What claims takes from HIS (ARCHITECTURE flow 4): demographics, the encounter and its coverage periods,
 * transfers, every ledger line and reversal, orders, prescriptions, discharge and close. Each handler runs in
 * the inbox transaction, so a redelivered event changes nothing. An event without the ids claims needs can
 * never apply: it goes to the dead-letter topic.
 */
@EventConsumer({
  groupId: 'claims.his',
  topics: [Topics.HisPatient, Topics.HisEncounter, Topics.HisCharge, Topics.HisOrder, Topics.HisPrescription],
})
export class HisEventsConsumer {
  constructor(private readonly episodes: EpisodesService) {}

  @OnEvent(PatientRegisteredSchema)
  async onPatientRegistered(e: ConsumedEvent<typeof PatientRegisteredSchema>, m: EntityManager) {
    const p = e.payload;
    if (!p.patientId) throw new PermanentEventError('PatientRegistered has no patient_id');
    await this.episodes.recordPatientIn(m, patientFacts(p, p.patientCode || p.patientId), 1);
  }

  @OnEvent(PatientUpdatedSchema)
  async onPatientUpdated(e: ConsumedEvent<typeof PatientUpdatedSchema>, m: EntityManager) {
    const p = e.payload;
    if (!p.patientId) throw new PermanentEventError('PatientUpdated has no patient_id');
    await this.episodes.updatePatientIn(m, p.patientId, (code) => patientFacts(p, code), p.version || 1);
  }

  @OnEvent(PatientsMergedSchema)
  async onPatientsMerged(e: ConsumedEvent<typeof PatientsMergedSchema>, m: EntityManager) {
    const p = e.payload;
    if (!p.patientId || !p.mergedPatientId)
      throw new PermanentEventError('PatientsMerged lacks patient_id or merged_patient_id');
    await this.episodes.mergePatientsIn(m, p.patientId, p.mergedPatientId);
  }

  @OnEvent(EncounterStartedSchema)
  async onEncounterStarted(e: ConsumedEvent<typeof EncounterStartedSchema>, m: EntityManager) {
    const s = e.payload;
    const cls = CLASS[s.encounterClass];
    if (!s.encounterId || !s.patientId || !cls)
      throw new PermanentEventError('EncounterStarted lacks encounter_id, patient_id or encounter_class');
    const at = eventTime(e, s.startedAt);
    await this.episodes.openIn(m, {
      encounterId: s.encounterId,
      patientId: s.patientId,
      encounterClass: cls,
      visitType: s.visitType,
      departmentCode: s.departmentCode || null,
      startedAt: at,
      coverage: s.coverage?.insuranceCardNumber ? coverage(s.coverage, at) : null,
    });
  }

  @OnEvent(EncounterCoverageChangedSchema)
  async onCoverageChanged(e: ConsumedEvent<typeof EncounterCoverageChangedSchema>, m: EntityManager) {
    const c = e.payload;
    if (!c.encounterId || !c.coverage?.insuranceCardNumber)
      throw new PermanentEventError('EncounterCoverageChanged lacks encounter_id or coverage');
    await this.episodes.coverageIn(m, c.encounterId, coverage(c.coverage, eventTime(e, c.effectiveAt)));
  }

  @OnEvent(EncounterTransferredSchema)
  async onTransferred(e: ConsumedEvent<typeof EncounterTransferredSchema>, m: EntityManager) {
    const t = e.payload;
    if (!t.encounterId) throw new PermanentEventError('EncounterTransferred has no encounter_id');
    const at = eventTime(e, t.transferredAt);
    await this.episodes.factIn(m, 'transfer', `${t.encounterId}:${+at}`, { encounterId: t.encounterId }, at, {
      fromDepartment: t.fromDepartmentCode,
      toDepartment: t.toDepartmentCode,
      bedCode: t.bedCode,
      at,
    });
  }

  @OnEvent(EncounterDischargedSchema)
  async onDischarged(e: ConsumedEvent<typeof EncounterDischargedSchema>, m: EntityManager) {
    const d = e.payload;
    if (!d.encounterId) throw new PermanentEventError('EncounterDischarged has no encounter_id');
    const at = eventTime(e, d.dischargedAt);
    await this.episodes.factIn(m, 'discharge', d.encounterId, { encounterId: d.encounterId }, at, {
      outcome: d.outcome,
      dischargeType: d.dischargeType,
      mainDiagnosis: d.mainDiagnosis,
      secondaryDiagnoses: d.secondaryDiagnoses,
      departmentCode: d.departmentCode,
      at,
      // Kept as facts only when HIS sent them (protobuf writes absent text as ''), so a discharge recorded
      // before HIS carried them reads the same as one without them.
      referral: d.referral?.toFacility ? referralFact(d.referral) : undefined,
      followUpDate: d.followUpDate || undefined,
      treatmentSummary: d.treatmentSummary || undefined,
      dischargedBy: d.dischargedBy || undefined,
    } satisfies DischargeFact);
  }

  @OnEvent(EncounterClosedSchema)
  async onClosed(e: ConsumedEvent<typeof EncounterClosedSchema>, m: EntityManager) {
    const c = e.payload;
    if (!c.encounterId) throw new PermanentEventError('EncounterClosed has no encounter_id');
    await this.episodes.closeIn(
      m,
      c.encounterId,
      { hospital: c.totalHospitalAmount, insurer: c.totalInsurerAmount, patient: c.totalPatientAmount },
      eventTime(e, c.closedAt),
    );
  }

  @OnEvent(ChargePostedSchema)
  async onChargePosted(e: ConsumedEvent<typeof ChargePostedSchema>, m: EntityManager) {
    const c = e.payload;
    const itemType = ITEM[c.itemType];
    if (!c.chargeId || !c.encounterId || !itemType)
      throw new PermanentEventError('ChargePosted lacks charge_id, encounter_id or item_type');
    const postedAt = eventTime(e, c.postedAt);
    await this.episodes.chargeIn(m, {
      chargeId: c.chargeId,
      itemType,
      itemCode: c.itemCode,
      itemName: c.itemName,
      quantity: c.quantity,
      unitPriceHospital: c.unitPriceHospital,
      unitPriceInsurance: c.unitPriceInsurance,
      coveragePercent: c.coveragePercent,
      amountHospital: c.amountHospital,
      amountInsurance: c.amountInsurance,
      insurerPays: c.insurerPays,
      patientCopay: c.patientCopay,
      patientPays: c.patientPays,
      sourceId: c.sourceId,
      departmentCode: c.departmentCode,
      cardNumber: c.insuranceCardNumber,
      bedCode: c.bedCode,
      orderedBy: c.orderedBy,
      orderedAt: c.orderedAt ? timestampDate(c.orderedAt) : null,
      postedAt,
      reversed: false,
      encounterId: c.encounterId,
    });
  }

  @OnEvent(ChargeReversedSchema)
  async onChargeReversed(e: ConsumedEvent<typeof ChargeReversedSchema>, m: EntityManager) {
    const r = e.payload;
    if (!r.reversedChargeId || !r.encounterId)
      throw new PermanentEventError('ChargeReversed lacks reversed_charge_id or encounter_id');
    await this.episodes.reverseChargeIn(m, r.encounterId, r.reversedChargeId);
  }

  @OnEvent(OrderPlacedSchema)
  async onOrderPlaced(e: ConsumedEvent<typeof OrderPlacedSchema>, m: EntityManager) {
    const o = e.payload;
    if (!o.orderId || !o.encounterId)
      throw new PermanentEventError('OrderPlaced lacks order_id or encounter_id');
    const at = eventTime(e, o.orderedAt);
    await this.episodes.factIn(m, 'order', o.orderId, { encounterId: o.encounterId }, at, {
      orderId: o.orderId,
      category: CATEGORY[o.category],
      serviceCode: o.service?.code ?? '',
      serviceName: o.service?.display ?? '',
      orderingProviderId: o.orderingProviderId,
      orderedAt: at,
      performingDepartment: o.performingDepartmentCode,
    });
  }

  @OnEvent(OrderCancelledSchema)
  async onOrderCancelled(e: ConsumedEvent<typeof OrderCancelledSchema>, m: EntityManager) {
    const c = e.payload;
    if (!c.orderId) throw new PermanentEventError('OrderCancelled has no order_id');
    await this.episodes.patchIn(m, 'order', c.orderId, { cancelled: true });
  }

  @OnEvent(PrescriptionIssuedSchema)
  async onPrescription(e: ConsumedEvent<typeof PrescriptionIssuedSchema>, m: EntityManager) {
    const p = e.payload;
    if (!p.prescriptionId || !p.encounterId)
      throw new PermanentEventError('PrescriptionIssued lacks prescription_id or encounter_id');
    const at = eventTime(e, p.issuedAt);
    for (const item of p.items)
      await this.episodes.factIn(
        m,
        'drug',
        `${p.prescriptionId}:${item.drugCode}`,
        { encounterId: p.encounterId },
        at,
        {
          prescriptionId: p.prescriptionId,
          prescriptionCode: p.prescriptionCode,
          prescriberId: p.prescriberId,
          issuedAt: at,
          drugCode: item.drugCode,
          drugName: item.drugName,
          activeIngredient: item.activeIngredient,
          strength: item.strength,
          route: item.route,
          unit: item.unit,
          quantity: item.quantity,
          dosage: item.dosage,
          instructions: item.instructions,
          days: item.days,
        },
      );
  }
}
