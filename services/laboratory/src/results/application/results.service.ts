import { randomUUID } from 'node:crypto';
import { AbnormalFlag, CriticalResultRaisedSchema, ResultFinalizedSchema, Topics } from '@hosp/contracts';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
  RuleViolationError,
} from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type LabPatientRow,
  LabPatientsRepository,
} from '../../patients/persistence/lab-patients.repository';
import { isLiveTest } from '../../specimens/domain/specimen';
import {
  type SpecimenRow,
  SpecimensRepository,
  type SpecimenTestRow,
} from '../../specimens/persistence/specimens.repository';
import { LabEvents, ts } from '../../shared/application/outbox';
import { LOINC_SYSTEM, SERVICE_CATALOG_SYSTEM } from '../../shared/domain/codes';
import { ageInDays } from '../../shared/domain/dates';
import { evaluateAutoVerification } from '../../test-definitions/domain/auto-verification';
import { isDecimal, roundDecimal } from '../../test-definitions/domain/decimal';
import {
  computeFlag,
  criticalText,
  deviceFlagged,
  type Flag,
  isCritical,
  rangeText,
  selectRange,
} from '../../test-definitions/domain/flags';
import type { TestDefinition } from '../../test-definitions/domain/test-definition';
import { TestDefinitionsRepository } from '../../test-definitions/persistence/test-definitions.repository';
import {
  FLAG_TO_PROTO,
  HOLD_REASONS,
  type HoldReason,
  type ResultStatus,
  usableResultStatus,
} from '../domain/result';
import { AnalyzerReportsRepository } from '../persistence/analyzer-reports.repository';
import { type HeldObservation, HeldResultsRepository } from '../persistence/held-results.repository';
import { type ResultRow, ResultsRepository as repo } from '../persistence/results.repository';

/** An analyzer report as LIS takes it in (AnalyzerResultsReported, the gateway's code map applied). */
export interface AnalyzerReport {
  reportId: string;
  messageId: string;
  connectionId: string;
  deviceId: string;
  /** The tube's barcode as the analyzer read it. */
  specimenId: string;
  protocol: string;
  receivedAt: Date | null;
  observations: HeldObservation[];
}

/** Where an observation belongs: the specimen, the test (order) on it, its definition, its live result. */
export interface Placement {
  specimen: SpecimenRow;
  test: SpecimenTestRow;
  definition: TestDefinition;
  live: ResultRow | undefined;
}

export type PlacementOutcome = Placement | { hold: HoldReason; detail: string };

interface Interpretation {
  value: string;
  numeric: number | null;
  flag: Flag | null;
  referenceRange: string;
}

/**
 * Results from the analyzers to release (ARCHITECTURE flow 2): each observation is placed on its specimen's
 * test, or held with the reason (unknown barcode, unmapped code, test not ordered, wrong unit...; never
 * dropped). A placed value is rounded to the test's decimals, flagged from LIS's own reference range for the
 * patient's sex and age (the device's flag is kept beside it), raised at once when critical, and either
 * auto-verified by the test's rule or left for technical then medical validation by two different users.
 * Corrections add a version.
 */
@Injectable()
export class ResultsService {
  constructor(
    private readonly db: DataSource,
    private readonly events: LabEvents,
  ) {}

  /** Applies an analyzer report in the consumer's inbox transaction; the same report (by id) applies once. */
  async applyReportIn(
    m: EntityManager,
    report: AnalyzerReport,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    const fresh = await AnalyzerReportsRepository.record(m, {
      ...report,
      observationCount: report.observations.length,
    });
    if (!fresh) return;
    const at = new Date();
    for (const obs of report.observations) {
      const placed = await this.placeIn(m, report.specimenId, obs);
      if ('hold' in placed) {
        await HeldResultsRepository.insert(m, {
          id: randomUUID(),
          reportId: report.reportId,
          messageId: report.messageId,
          deviceId: report.deviceId,
          specimenId: report.specimenId,
          observation: obs,
          reasonCode: placed.hold,
          reason: `${HOLD_REASONS[placed.hold]}: ${placed.detail}`,
          at,
        });
        continue;
      }
      await this.recordIn(m, placed, obs, {
        reportId: report.reportId,
        deviceId: report.deviceId,
        heldResultId: null,
        manual: false,
        at,
        ctx,
      });
    }
  }

  /** Finds where an observation belongs, or why it must be held. Locks the specimen. */
  async placeIn(m: EntityManager, barcode: string, obs: HeldObservation): Promise<PlacementOutcome> {
    if (!usableResultStatus(obs.resultStatus))
      return { hold: 'RESULT_NOT_OBTAINED', detail: `result status ${obs.resultStatus}` };
    const specimen = barcode ? await SpecimensRepository.get(m, barcode, true) : undefined;
    if (!specimen) return { hold: 'UNKNOWN_SPECIMEN', detail: `barcode "${barcode}"` };
    if (specimen.status === 'rejected' || specimen.status === 'cancelled')
      return { hold: 'SPECIMEN_REJECTED', detail: `specimen ${barcode} is ${specimen.status}` };
    const code = obs.service?.code ?? '';
    if (!obs.mapped || !code)
      return {
        hold: 'UNMAPPED_CODE',
        detail: `device code "${obs.deviceCode}" (${obs.deviceName || 'no name'})`,
      };
    const test = specimen.tests.find((t) => t.serviceCode === code && isLiveTest(t.status));
    if (!test)
      return {
        hold: 'TEST_NOT_ORDERED',
        detail: `${code} is not ordered on specimen ${barcode} (ordered: ${
          specimen.tests
            .filter((t) => isLiveTest(t.status))
            .map((t) => t.serviceCode)
            .join(', ') || 'none'
        })`,
      };
    const definition = (await TestDefinitionsRepository.get(m, code))!;
    if (definition.loinc && obs.loinc && obs.loinc !== definition.loinc)
      return {
        hold: 'LOINC_MISMATCH',
        detail: `reported LOINC ${obs.loinc}, ${code} is ${definition.loinc}`,
      };
    if (definition.valueType === 'numeric') {
      if (!isDecimal(obs.value)) return { hold: 'NOT_NUMERIC', detail: `value "${obs.value}"` };
      if (obs.unit !== definition.unit)
        return {
          hold: 'UNIT_MISMATCH',
          detail: `reported "${obs.unit || obs.deviceUnit}", ${code} is in "${definition.unit}"`,
        };
    }
    const live = await repo.liveForOrder(m, test.orderId);
    if (live?.status === 'final')
      return { hold: 'ALREADY_FINAL', detail: `result ${live.id} of order ${test.orderId} is released` };
    return { specimen, test, definition, live };
  }

  /**
   * Records a placed observation as a result version: a rerun before release supersedes the pending version.
   * Critical values are raised at once; an auto-verified result is released at once.
   */
  async recordIn(
    m: EntityManager,
    p: Placement,
    obs: HeldObservation,
    o: {
      reportId: string | null;
      deviceId: string | null;
      heldResultId: string | null;
      manual: boolean;
      at: Date;
      ctx?: Partial<RequestContext>;
    },
  ): Promise<ResultRow> {
    const { specimen, test, definition, live } = p;
    const patient = await LabPatientsRepository.get(m, specimen.patientId);
    const observedAt = obs.observedAt ? new Date(obs.observedAt) : o.at;
    const i = this.interpret(definition, patient, obs.value, obs.deviceFlags, observedAt);
    const id = live?.id ?? randomUUID();
    if (live) await repo.setStatus(m, live.id, live.version, 'superseded');
    const previous =
      definition.autoVerification?.delta && i.numeric !== null
        ? await repo.previousFinal(m, specimen.patientId, definition.serviceCode, id)
        : undefined;
    const av = evaluateAutoVerification(definition.autoVerification, {
      value: i.numeric,
      flag: i.flag,
      deviceFlags: obs.deviceFlags,
      resultStatus: obs.resultStatus,
      previous: previous ? { value: Number(previous.value), releasedAt: previous.releasedAt } : null,
      at: o.at,
      manual: o.manual,
    });
    const status: ResultStatus = av.passed ? 'final' : 'pending-technical';
    await repo.insert(m, {
      id,
      version: (live?.version ?? 0) + 1,
      barcode: specimen.barcode,
      orderId: test.orderId,
      serviceCode: definition.serviceCode,
      value: i.value,
      deviceValue: obs.value,
      unit: definition.valueType === 'numeric' ? definition.unit : obs.unit || null,
      referenceRange: i.referenceRange || null,
      abnormalFlag: i.flag,
      deviceFlags: obs.deviceFlags || null,
      critical: isCritical(i.flag),
      status,
      resultStatus: obs.resultStatus || null,
      deviceId: o.deviceId,
      deviceCode: obs.deviceCode || null,
      reportId: o.reportId,
      heldResultId: o.heldResultId,
      observedAt,
      resultedAt: o.at,
      autoVerification: av,
      autoVerifiedRule: av.passed ? av.rule : null,
      releasedAt: av.passed ? o.at : null,
      correctedBy: null,
      correctionReason: null,
    });
    await SpecimensRepository.setTestStatus(
      m,
      specimen.barcode,
      test.orderId,
      status === 'final' ? 'final' : 'resulted',
    );
    const row = (await repo.current(m, id))!;
    if (row.critical) await this.criticalIn(m, row, definition, o.ctx);
    if (status === 'final') await this.finalizedIn(m, row, false, o.ctx);
    return row;
  }

  async get(id: string): Promise<ResultRow & { history: ResultRow[] }> {
    const r = await repo.current(this.db.manager, id);
    if (!r) throw new NotFoundError('Result', id);
    return { ...r, history: await repo.history(this.db.manager, id) };
  }

  list(f: {
    status?: ResultStatus;
    barcode?: string;
    patientId?: string;
    limit?: number;
  }): Promise<ResultRow[]> {
    return repo.list(this.db.manager, { ...f, limit: Math.min(f.limit ?? 200, 1000) });
  }

  /** Technical validation: the bench technologist confirms the analytical run (QC, instrument, specimen). */
  validateTechnically(id: string, actor: string): Promise<ResultRow> {
    return this.db.transaction(async (m) => {
      const r = await this.lockIn(m, id, 'pending-technical', 'validate technically');
      await repo.validateTechnical(m, r.id, r.version, actor, new Date());
      return (await repo.current(m, id))!;
    });
  }

  /**
   * Medical validation releases the result: by an authorised user other than the technical validator (the
   * four-eyes rule; ISO 15189 §7.4.1.7 review before release). Emits ResultFinalized.
   */
  validateMedically(id: string, actor: string, ctx: RequestContext): Promise<ResultRow> {
    return this.db.transaction(async (m) => {
      const r = await this.lockIn(m, id, 'pending-medical', 'validate medically');
      if (r.technicalValidator === actor)
        throw new RuleViolationError(
          'SAME_VALIDATOR',
          `${actor} validated result ${id} technically; the medical validation must be by another user`,
          { technicalValidator: r.technicalValidator },
        );
      await repo.validateMedical(m, r.id, r.version, actor, new Date());
      await SpecimensRepository.setTestStatus(m, r.barcode, r.orderId, 'final');
      const row = (await repo.current(m, id))!;
      await this.finalizedIn(m, row, false, ctx);
      return row;
    });
  }

  /**
   * Corrects a released result: the released version is kept with status 'corrected' and the corrected value
   * becomes the next version, released at once (flags recomputed) as ResultFinalized with corrected = true.
   */
  correct(
    id: string,
    input: { value: string; reason: string },
    actor: string,
    ctx: RequestContext,
  ): Promise<ResultRow> {
    return this.db.transaction(async (m) => {
      const r = await this.lockIn(m, id, 'final', 'correct');
      const definition = (await TestDefinitionsRepository.get(m, r.serviceCode))!;
      if (definition.valueType === 'numeric' && !isDecimal(input.value))
        throw InvalidRequestError.field('value', `${r.serviceCode} is numeric: send a plain decimal number`);
      const patient = await LabPatientsRepository.get(m, r.patientId);
      const at = new Date();
      const i = this.interpret(definition, patient, input.value, null, r.observedAt ?? at);
      await repo.setStatus(m, r.id, r.version, 'corrected');
      await repo.insert(m, {
        ...r,
        version: r.version + 1,
        value: i.value,
        deviceValue: r.deviceValue,
        unit: definition.valueType === 'numeric' ? definition.unit : r.unit,
        referenceRange: i.referenceRange || null,
        abnormalFlag: i.flag,
        critical: isCritical(i.flag),
        status: 'final',
        resultStatus: 'C',
        resultedAt: at,
        autoVerification: null,
        autoVerifiedRule: null,
        releasedAt: at,
        correctedBy: actor,
        correctionReason: input.reason,
      });
      const row = (await repo.current(m, id))!;
      if (row.critical) await this.criticalIn(m, row, definition, ctx);
      await this.finalizedIn(m, row, true, ctx);
      return row;
    });
  }

  private async lockIn(
    m: EntityManager,
    id: string,
    expected: ResultStatus,
    action: string,
  ): Promise<ResultRow> {
    const r = await repo.current(m, id, true);
    if (!r) throw new NotFoundError('Result', id);
    if (r.status !== expected)
      throw new ConflictError('INVALID_TRANSITION', `result ${id} is ${r.status}: cannot ${action}`, {
        status: r.status,
      });
    return r;
  }

  private interpret(
    d: TestDefinition,
    patient: LabPatientRow | undefined,
    raw: string,
    deviceFlags: string | null,
    at: Date,
  ): Interpretation {
    if (d.valueType !== 'numeric')
      return {
        value: raw.trim(),
        numeric: null,
        flag: deviceFlagged(deviceFlags) ? 'A' : null,
        referenceRange: '',
      };
    const value = roundDecimal(raw, d.decimals);
    const numeric = Number(value);
    const range = selectRange(d.referenceRanges, patient?.sex ?? null, ageInDays(patient?.birthDate, at));
    return {
      value,
      numeric,
      flag: computeFlag(numeric, range, { low: d.criticalLow, high: d.criticalHigh }),
      referenceRange: rangeText(range),
    };
  }

  private coding(r: ResultRow) {
    return r.loinc
      ? { system: LOINC_SYSTEM, code: r.loinc, display: r.testName }
      : { system: SERVICE_CATALOG_SYSTEM, code: r.serviceCode, display: r.testName };
  }

  private async finalizedIn(
    m: EntityManager,
    r: ResultRow,
    corrected: boolean,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    await this.events.emit(
      m,
      Topics.LabResult,
      ResultFinalizedSchema,
      {
        resultId: r.id,
        orderId: r.orderId,
        patientId: r.patientId,
        accessionNumber: r.accessionNumber,
        test: this.coding(r),
        value: r.value,
        unit: r.unit ?? '',
        referenceRange: r.referenceRange ?? '',
        abnormalFlag: r.abnormalFlag ? FLAG_TO_PROTO[r.abnormalFlag] : AbnormalFlag.UNSPECIFIED,
        corrected,
        observedAt: r.observedAt ? ts(r.observedAt) : undefined,
        releasedAt: ts(r.releasedAt ?? new Date()),
        service: { system: SERVICE_CATALOG_SYSTEM, code: r.serviceCode, display: r.testName },
        specimenId: r.barcode,
        validatedBy: (corrected ? r.correctedBy : r.medicalValidator) ?? '',
      },
      ctx,
    );
  }

  /** CriticalResultRaised at once, before any validation, so that the clinician can be called. */
  private async criticalIn(
    m: EntityManager,
    r: ResultRow,
    d: TestDefinition,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    await this.events.emit(
      m,
      Topics.LabResult,
      CriticalResultRaisedSchema,
      {
        resultId: r.id,
        orderId: r.orderId,
        patientId: r.patientId,
        accessionNumber: r.accessionNumber,
        test: this.coding(r),
        value: r.value,
        unit: r.unit ?? '',
        abnormalFlag: FLAG_TO_PROTO[r.abnormalFlag!],
        criticalRange: criticalText({ low: d.criticalLow, high: d.criticalHigh }),
        raisedAt: ts(new Date()),
      },
      ctx,
    );
  }
}
