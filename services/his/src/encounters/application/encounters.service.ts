import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  CareRoute as ProtoRoute,
  EncounterClass as ProtoClass,
  EncounterClosedSchema,
  EncounterCoverageChangedSchema,
  type EncounterCoverageSchema,
  EncounterDischargedSchema,
  EncounterStartedSchema,
  EncounterTransferredSchema,
  Topics,
} from '@hosp/contracts';
import {
  ConflictError,
  type FieldProblem,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
  RuleViolationError,
  VersionConflictError,
} from '@hosp/platform-runtime';
import { checkCardValidity, coverageRate } from '@hosp/standards-bhyt';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ChargesRepository } from '../../charges/persistence/charges.repository';
import { validateCard } from '../../patients/domain/patient';
import { type InsuranceCardRow, PatientsRepository } from '../../patients/persistence/patients.repository';
import { FACILITY_CONFIG, type FacilityConfig } from '../../shared/application/facility';
import { HisEvents, ts } from '../../shared/application/outbox';
import { facilityDate } from '../../shared/domain/dates';
import {
  allows,
  careSetting,
  type CareRoute,
  DEFAULT_VISIT_TYPE,
  defaultRoute,
  type DischargeDetails,
  dischargeDetailProblems,
  type EncounterAction,
  type EncounterClass,
  type Referral,
  VISIT_TYPES_OF_CLASS,
} from '../domain/encounter';
import { type EncounterRow, EncountersRepository as repo } from '../persistence/encounters.repository';

export interface StartEncounter {
  patientId: string;
  encounterClass: EncounterClass;
  visitType?: string;
  departmentCode: string;
  roomCode?: string;
  bedCode?: string;
  /** Use this card of the patient's (15-character code); default: the patient's card valid today, if any. */
  insuranceCardNumber?: string;
  /** Whether the visit is insured; false = a self-paying visit even when the patient has a card. */
  useInsurance?: boolean;
  route?: CareRoute;
  at?: Date;
}

/** Another BHYT card for an encounter in progress, as read from the card or the BHXH portal lookup. */
export interface ChangeCoverage {
  /** The 15-character card code. */
  cardNumber: string;
  /** GT_THE_TU / GT_THE_DEN, YYYY-MM-DD. */
  validFrom: string;
  validTo: string;
  /** MA_DKBD, 5 characters. */
  registrationFacility: string;
  /** Default: the encounter's route (the class's default when it was self-paying). */
  route?: CareRoute;
  reason?: string;
  version?: number;
}

/** A discharge: the outcome and, for the claim, the referral letter, re-exam appointment and treatment given. */
export interface Discharge extends DischargeDetails {
  outcome: string;
  dischargeType: string;
  mainDiagnosis?: string;
  secondaryDiagnoses?: string[];
  version?: number;
  at?: Date;
}

const CLASS_TO_PROTO: Record<EncounterClass, ProtoClass> = {
  outpatient: ProtoClass.OUTPATIENT,
  emergency: ProtoClass.EMERGENCY,
  'day-treatment': ProtoClass.DAY_TREATMENT,
  inpatient: ProtoClass.INPATIENT,
};
const ROUTE_TO_PROTO: Record<CareRoute, ProtoRoute> = {
  correct: ProtoRoute.CORRECT,
  emergency: ProtoRoute.EMERGENCY,
  'off-route': ProtoRoute.OFF_ROUTE,
};

/**
 * Encounters: outpatient exam, emergency, day treatment, inpatient stay. The status machine is in
 * domain/encounter.ts; every transition locks the row, checks the caller's version when given, and writes
 * its event in the same transaction.
 */
@Injectable()
export class EncountersService {
  constructor(
    private readonly db: DataSource,
    private readonly events: HisEvents,
    @Inject(FACILITY_CONFIG) private readonly facility: FacilityConfig,
  ) {}

  start(input: StartEncounter, ctx: RequestContext): Promise<EncounterRow> {
    return this.db.transaction((m) => this.startIn(m, input, ctx));
  }

  /**
   * Opens an encounter within the caller's transaction. The insurance card is checked for the day of the
   * visit (QĐ 130 §1.6 GT_THE_TU/GT_THE_DEN) and its benefit level turned into MUC_HUONG for the route and this
   * facility's level; a card that cannot be used is refused with the reason, not silently ignored.
   */
  async startIn(
    m: EntityManager,
    input: StartEncounter,
    ctx: Partial<RequestContext>,
    queueTicket = '',
  ): Promise<EncounterRow> {
    const patient = await PatientsRepository.get(m, input.patientId);
    if (!patient) throw new NotFoundError('Patient', input.patientId);
    if (patient.status === 'merged')
      throw new ConflictError(
        'PATIENT_MERGED',
        `patient ${patient.id} was merged into ${patient.mergedInto}`,
        {
          mergedInto: patient.mergedInto,
        },
      );
    const visitType = input.visitType ?? DEFAULT_VISIT_TYPE[input.encounterClass];
    if (!VISIT_TYPES_OF_CLASS[input.encounterClass].includes(visitType as never))
      throw InvalidRequestError.field(
        'visitType',
        `MA_LOAI_KCB ${visitType} does not fit a ${input.encounterClass} encounter (allowed: ${VISIT_TYPES_OF_CLASS[input.encounterClass].join(', ')})`,
      );
    const at = input.at ?? new Date();
    const day = facilityDate(at);
    const route: CareRoute = input.route ?? defaultRoute(input.encounterClass);

    let card: InsuranceCardRow | undefined;
    let coveragePercent: string | null = null;
    if (input.useInsurance !== false && patient.insuranceCards.length > 0) {
      card = input.insuranceCardNumber
        ? patient.insuranceCards.find((c) => c.cardNumber === input.insuranceCardNumber)
        : (patient.insuranceCards.find((c) => c.validFrom <= day && day <= c.validTo) ??
          patient.insuranceCards[0]);
      if (!card)
        throw InvalidRequestError.field('insuranceCardNumber', `is not one of patient ${patient.id}'s cards`);
      coveragePercent = this.coverageOn(card, input.encounterClass, route, day);
    } else if (input.insuranceCardNumber) {
      throw InvalidRequestError.field(
        'insuranceCardNumber',
        `patient ${patient.id} has no BHYT card on file`,
      );
    }

    const id = randomUUID();
    await repo.insert(m, {
      id,
      patientId: patient.id,
      encounterClass: input.encounterClass,
      visitType,
      departmentCode: input.departmentCode,
      roomCode: input.roomCode ?? null,
      bedCode: input.bedCode ?? null,
      insuranceCardId: card?.id ?? null,
      coveragePercent,
      route: card ? route : null,
      startedAt: at,
    });
    await this.events.emit(
      m,
      Topics.HisEncounter,
      EncounterStartedSchema,
      {
        encounterId: id,
        patientId: patient.id,
        encounterClass: CLASS_TO_PROTO[input.encounterClass],
        visitType,
        departmentCode: input.departmentCode,
        startedAt: ts(at),
        queueTicket,
        coverage: card ? coverageMessage(card, coveragePercent ?? '', route) : undefined,
      },
      ctx,
    );
    return (await repo.get(m, id))!;
  }

  /**
   * MUC_HUONG of a card for an encounter on a facility day, or the refusal with its reason: the card must be
   * valid that day (GT_THE_TU/GT_THE_DEN, the spec, vietnam-bhyt-emr.md §1.6; 422 CARD_EXPIRED,
   * CARD_NOT_YET_VALID) and its benefit digit gives the level for the route and this facility's level (§2.2,
   * §2.3; 422 COVERAGE_*). Check-in and a card change during the stay both price the encounter here, so they
   * accept and refuse the same cards.
   */
  private coverageOn(
    card: InsuranceCardRow,
    encounterClass: EncounterClass,
    route: CareRoute,
    day: string,
  ): string {
    const validity = checkCardValidity(card.cardNumber, {
      validFrom: card.validFrom,
      validTo: card.validTo,
      onDate: day,
    });
    if (!validity.usable)
      throw new RuleViolationError(
        `CARD_${validity.code}`,
        `BHYT card ${card.cardNumber}: ${validity.reason}`,
        {
          cardNumber: card.cardNumber,
          validFrom: card.validFrom,
          validTo: card.validTo,
        },
      );
    const coverage = coverageRate(card.benefitLevel, {
      onDate: day,
      care: careSetting(encounterClass),
      route,
      facility: this.facility.profile,
      // The episode is not finished; the claim applies the 15% small-cost rule to the finished episode.
      smallCostRule: 'defer',
    });
    if (!coverage.ok)
      throw new RuleViolationError(
        `COVERAGE_${coverage.code}`,
        `BHYT benefit for this visit: ${coverage.reason}`,
      );
    return coverage.mucHuongText;
  }

  async get(id: string): Promise<EncounterRow> {
    const e = await repo.get(this.db.manager, id);
    if (!e) throw new NotFoundError('Encounter', id);
    return {
      ...e,
      movements: await repo.movements(this.db.manager, id),
      coveragePeriods: await repo.coveragePeriods(this.db.manager, id),
    };
  }

  async forPatient(patientId: string): Promise<EncounterRow[]> {
    const ids = await PatientsRepository.lineage(this.db.manager, patientId);
    if (ids.length === 0) throw new NotFoundError('Patient', patientId);
    return repo.forPatients(this.db.manager, ids);
  }

  transfer(
    id: string,
    t: { toDepartmentCode: string; bedCode?: string; version?: number; at?: Date },
    ctx: RequestContext,
  ): Promise<EncounterRow> {
    return this.db.transaction(async (m) => {
      const e = await this.lockFor(m, id, 'transfer', t.version);
      if (t.toDepartmentCode === e.departmentCode && (t.bedCode ?? null) === e.bedCode)
        throw new ConflictError(
          'NO_CHANGE',
          `encounter ${id} is already in ${e.departmentCode}${e.bedCode ? ` bed ${e.bedCode}` : ''}`,
        );
      const at = t.at ?? new Date();
      await repo.transfer(m, id, e.departmentCode, t.toDepartmentCode, t.bedCode ?? null, at);
      await this.events.emit(
        m,
        Topics.HisEncounter,
        EncounterTransferredSchema,
        {
          encounterId: id,
          patientId: e.patientId,
          fromDepartmentCode: e.departmentCode,
          toDepartmentCode: t.toDepartmentCode,
          bedCode: t.bedCode ?? '',
          transferredAt: ts(at),
        },
        ctx,
      );
      return (await repo.get(m, id))!;
    });
  }

  /**
   * Another BHYT card presented during the stay: a renewed card, a card of another benefit level, or a card
   * brought after admission (the spec, vietnam-bhyt-emr.md §2.2, several cards or levels in one episode). The
   * card is validated and priced exactly as at check-in, on the day of the change, recorded on the patient, and
   * becomes the encounter's coverage from now on; the period it replaces stays in the coverage history and the
   * claim lists every card of the episode in XML1 (§1.7). Lines already posted keep the coverage that priced
   * them; ChargesService.postIn reads the encounter's coverage under the row lock held here, so every line
   * posted after this commits gets the new MUC_HUONG. The change is not back-dated to the card's GT_THE_TU:
   * re-pricing posted lines would be a correction of the claim, not of the stay.
   */
  changeCoverage(id: string, c: ChangeCoverage, ctx: RequestContext): Promise<EncounterRow> {
    const card = validateCard(c, '');
    if (Array.isArray(card)) throw new InvalidRequestError(card);
    return this.db.transaction(async (m) => {
      const e = await this.lockFor(m, id, 'change-coverage', c.version);
      // A merge moves the cards to the surviving record.
      const holder = (await PatientsRepository.get(m, e.patientId))?.mergedInto ?? e.patientId;
      // The BHXH number is the person's for life: on another record it means another person, or a duplicate
      // record that has to be merged before the claim can be right.
      const others = await PatientsRepository.otherCardHolders(m, holder, card);
      if (others.length > 0)
        throw new ConflictError(
          'CARD_OF_ANOTHER_PATIENT',
          `card ${card.cardNumber} (BHXH number ${card.bhxhNumber}) is on file for patient ${others.join(', ')}`,
          { patientIds: others },
        );
      const cardId = await PatientsRepository.upsertCard(m, randomUUID(), holder, card);
      const onFile = (await PatientsRepository.get(m, holder))!.insuranceCards.find((x) => x.id === cardId)!;
      if (onFile.validTo !== card.validTo || onFile.registrationFacility !== card.registrationFacility)
        throw new ConflictError(
          'CARD_ON_FILE_DIFFERS',
          `card ${card.cardNumber} valid from ${card.validFrom} is on file with another validity or MA_DKBD`,
          { validTo: onFile.validTo, registrationFacility: onFile.registrationFacility },
        );
      const route = c.route ?? e.route ?? defaultRoute(e.encounterClass);
      const at = new Date();
      const coveragePercent = this.coverageOn(onFile, e.encounterClass, route, facilityDate(at));
      if (cardId === e.insuranceCardId && route === e.route)
        throw new ConflictError('NO_CHANGE', `encounter ${id} is already covered by card ${card.cardNumber}`);
      await repo.changeCoverage(m, id, {
        insuranceCardId: cardId,
        coveragePercent,
        route,
        at,
        reason: c.reason ?? null,
        changedBy: ctx.actorId ?? null,
      });
      await this.events.emit(
        m,
        Topics.HisEncounter,
        EncounterCoverageChangedSchema,
        {
          encounterId: id,
          patientId: e.patientId,
          coverage: coverageMessage(onFile, coveragePercent, route),
          previousCardNumber: e.insuranceCardNumber ?? '',
          effectiveAt: ts(at),
          reason: c.reason ?? '',
        },
        ctx,
      );
      return { ...(await repo.get(m, id))!, coveragePeriods: await repo.coveragePeriods(m, id) };
    });
  }

  diagnose(id: string, d: { mainDiagnosis?: string; secondaryDiagnoses?: string[]; version?: number }) {
    return this.db.transaction(async (m) => {
      const e = await this.lockFor(m, id, 'diagnose', d.version);
      await repo.setDiagnoses(
        m,
        id,
        d.mainDiagnosis ?? e.mainDiagnosis,
        d.secondaryDiagnoses ?? e.secondaryDiagnoses,
      );
      return (await repo.get(m, id))!;
    });
  }

  /**
   * Discharges the patient. Besides KET_QUA_DTRI / MA_LOAI_RV it records what the claim cannot find elsewhere
   * (the spec, vietnam-bhyt-emr.md §1.7 rows 32, 37, 39, 62; §1.11): the referral letter of a referred
   * discharge (XML13), the re-exam appointment (XML14), the treatment given, and who discharged the patient
   * (the token subject, MA_BAC_SI of both papers). Every field problem is reported at once (400).
   */
  discharge(id: string, d: Discharge, ctx: RequestContext): Promise<EncounterRow> {
    return this.db.transaction(async (m) => {
      const e = await this.lockFor(m, id, 'discharge', d.version);
      const mainDiagnosis = d.mainDiagnosis ?? e.mainDiagnosis;
      const at = d.at ?? new Date();
      const problems: FieldProblem[] = [];
      // QĐ 130 XML1 MA_BENH_CHINH is required for every claimed episode.
      if (!mainDiagnosis)
        problems.push({ field: 'mainDiagnosis', reason: 'a discharge needs the ICD-10 main diagnosis' });
      if (at < e.startedAt) problems.push({ field: 'at', reason: 'is before the encounter started' });
      problems.push(...dischargeDetailProblems(d.dischargeType, d, facilityDate(at), this.facility.code));
      if (problems.length > 0 || !mainDiagnosis) throw new InvalidRequestError(problems);
      const secondaryDiagnoses = d.secondaryDiagnoses ?? e.secondaryDiagnoses;
      const referral = d.referral ? referralOf(d.referral) : null;
      const followUpDate = d.followUpDate || null;
      const treatmentSummary = d.treatmentSummary || null;
      const dischargedBy = ctx.actorId ?? null;
      await repo.discharge(m, id, {
        outcome: d.outcome,
        dischargeType: d.dischargeType,
        mainDiagnosis,
        secondaryDiagnoses,
        at,
        referral,
        followUpDate,
        treatmentSummary,
        dischargedBy,
      });
      const after = (await repo.get(m, id))!;
      await this.events.emit(
        m,
        Topics.HisEncounter,
        EncounterDischargedSchema,
        {
          encounterId: id,
          patientId: e.patientId,
          outcome: d.outcome,
          dischargeType: d.dischargeType,
          mainDiagnosis,
          secondaryDiagnoses,
          departmentCode: after.departmentCode,
          dischargedAt: ts(at),
          referral: referral
            ? {
                toFacility: referral.toFacility,
                reasonCode: referral.reasonCode,
                letterNumber: referral.letterNumber ?? '',
                clinicalSigns: referral.clinicalSigns ?? '',
                treatmentDirection: referral.treatmentDirection ?? '',
                transport: referral.transport ?? '',
                escortName: referral.escortName ?? '',
                escortTitle: referral.escortTitle ?? '',
              }
            : undefined,
          followUpDate: followUpDate ?? '',
          treatmentSummary: treatmentSummary ?? '',
          dischargedBy: dischargedBy ?? '',
        },
        ctx,
      );
      return after;
    });
  }

  /** Closes a discharged episode for the claim: the ledger is final from here on. */
  close(
    id: string,
    c: { version?: number },
    ctx: RequestContext,
  ): Promise<EncounterRow & { totals: unknown }> {
    return this.db.transaction(async (m) => {
      const e = await this.lockFor(m, id, 'close', c.version);
      const at = new Date();
      await repo.setStatus(m, id, 'closed', at);
      const totals = await ChargesRepository.totals(m, id);
      await this.events.emit(
        m,
        Topics.HisEncounter,
        EncounterClosedSchema,
        {
          encounterId: id,
          patientId: e.patientId,
          totalHospitalAmount: totals.amountHospital,
          totalInsurerAmount: totals.insurerPays,
          totalPatientAmount: totals.patientTotal,
          closedAt: ts(at),
        },
        ctx,
      );
      return { ...(await repo.get(m, id))!, totals };
    });
  }

  cancel(id: string, c: { reason: string; version?: number }): Promise<EncounterRow> {
    return this.db.transaction(async (m) => {
      await this.lockFor(m, id, 'cancel', c.version);
      const totals = await ChargesRepository.totals(m, id);
      if (totals.lines > 0 && totals.amountHospital !== '0.00')
        throw new ConflictError('HAS_CHARGES', `encounter ${id} has charges; reverse them before cancelling`);
      await repo.setStatus(m, id, 'cancelled', new Date());
      return (await repo.get(m, id))!;
    });
  }

  /**
   * Locks the encounter row and checks that it allows `action` (409 INVALID_TRANSITION when not) and, when the
   * caller sent one, that its version is current (409 VERSION_CONFLICT).
   */
  async lockFor(
    m: EntityManager,
    id: string,
    action: EncounterAction,
    version?: number,
  ): Promise<EncounterRow> {
    const e = await repo.get(m, id, true);
    if (!e) throw new NotFoundError('Encounter', id);
    if (version !== undefined && version !== e.version)
      throw new VersionConflictError('Encounter', id, version, e.version);
    if (!allows(e.status, action))
      throw new ConflictError('INVALID_TRANSITION', `cannot ${action} encounter ${id}: it is ${e.status}`, {
        status: e.status,
        action,
      });
    return e;
  }
}

/** EncounterCoverage of an insured encounter (EncounterStarted, EncounterCoverageChanged). */
function coverageMessage(
  card: InsuranceCardRow,
  coveragePercent: string,
  route: CareRoute,
): MessageInitShape<typeof EncounterCoverageSchema> {
  return {
    insuranceCardNumber: card.cardNumber,
    benefitLevel: card.benefitLevel,
    coveragePercent,
    route: ROUTE_TO_PROTO[route],
    cardValidFrom: card.validFrom,
    cardValidTo: card.validTo,
    registrationFacility: card.registrationFacility,
  };
}

/** The letter as stored and returned: the given fields only, empty optional text left out. */
function referralOf(r: Referral): Referral {
  const optional = (v: string | undefined) => (v ? v : undefined);
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
