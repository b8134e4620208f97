/**
 * The topic catalogue: the one place where topic names are written down (lint forbids topic literals
 * anywhere else). Each topic names its producing service, the protobuf messages it carries (the CloudEvents
 * `ce_type` is the message's full name) and the payload field that becomes the Kafka record key, so that one
 * patient's events stay in order within a topic (docs/architecture.md, "Events").
 *
 * Naming: `<service>.<aggregate>.v<N>`. A breaking schema change is a new package and a new topic version.
 */
import type { DescMessage } from '@bufbuild/protobuf';
import {
  ClaimAssembledSchema,
  ClaimSubmissionFailedSchema,
  ClaimSubmittedSchema,
} from './gen/hosp/claims/v1/claim_pb';
import { AnalyzerResultsReportedSchema } from './gen/hosp/gateway/v1/analyzer_result_pb';
import { Hl7MessageReceivedSchema } from './gen/hosp/gateway/v1/hl7_inbound_pb';
import { ChargePostedSchema, ChargeReversedSchema } from './gen/hosp/his/v1/charge_pb';
import {
  EncounterClosedSchema,
  EncounterCoverageChangedSchema,
  EncounterDischargedSchema,
  EncounterStartedSchema,
  EncounterTransferredSchema,
} from './gen/hosp/his/v1/encounter_pb';
import {
  OrderCancelledSchema,
  OrderPlacedSchema,
  OrderStatusChangedSchema,
} from './gen/hosp/his/v1/order_pb';
import {
  PatientRegisteredSchema,
  PatientsMergedSchema,
  PatientUpdatedSchema,
} from './gen/hosp/his/v1/patient_pb';
import { PrescriptionIssuedSchema } from './gen/hosp/his/v1/prescription_pb';
import { CriticalResultRaisedSchema, ResultFinalizedSchema } from './gen/hosp/lab/v1/result_pb';
import { SpecimenStatusChangedSchema } from './gen/hosp/lab/v1/specimen_pb';
import { WorkOrderCancelledSchema, WorkOrderReleasedSchema } from './gen/hosp/lab/v1/work_order_pb';
import { MppsReportedSchema } from './gen/hosp/pacs/v1/mpps_pb';
import { StudyHeldSchema, StudyReceivedSchema } from './gen/hosp/pacs/v1/study_pb';
import {
  CriticalFindingRaisedSchema,
  ProcedureCancelledSchema,
  ProcedureScheduledSchema,
  ProcedureStatusChangedSchema,
  ReportFinalizedSchema,
} from './gen/hosp/ris/v1/procedure_pb';

export const PlatformServices = [
  'his',
  'laboratory',
  'radiology-orders',
  'image-archive-gateway',
  'claims',
  'integration-gateway',
] as const;
export type PlatformService = (typeof PlatformServices)[number];

export interface TopicDefinition {
  /** The Kafka topic name (before any deployment prefix). */
  readonly name: string;
  readonly producer: PlatformService;
  readonly description: string;
  /** Proto field (json name) of every message on the topic whose value is the record key. */
  readonly keyField: string;
  readonly messages: readonly DescMessage[];
  /** Default partition count: enough for a provincial hospital's volume with room for more replicas. */
  readonly partitions: number;
  /** How long records are kept; consumers that fall further behind than this lose nothing only via replay. */
  readonly retentionDays: number;
}

function topic(def: Omit<TopicDefinition, 'partitions' | 'retentionDays'> & Partial<TopicDefinition>) {
  return { partitions: 6, retentionDays: 14, ...def } as const satisfies TopicDefinition;
}

export const Topics = {
  HisPatient: topic({
    name: 'his.patient.v1',
    producer: 'his',
    description: 'Master patient index changes: registration, demographic updates, merges (ADT^A04/A08/A40).',
    keyField: 'patientId',
    messages: [PatientRegisteredSchema, PatientUpdatedSchema, PatientsMergedSchema],
  }),
  HisEncounter: topic({
    name: 'his.encounter.v1',
    producer: 'his',
    description:
      'Encounter lifecycle: check-in/admission, transfer, BHYT card change, discharge, close (ADT^A04/A01/A02/A03).',
    keyField: 'patientId',
    messages: [
      EncounterStartedSchema,
      EncounterTransferredSchema,
      EncounterCoverageChangedSchema,
      EncounterDischargedSchema,
      EncounterClosedSchema,
    ],
  }),
  HisOrder: topic({
    name: 'his.order.v1',
    producer: 'his',
    description:
      'Clinical orders (CPOE) for laboratory, imaging and other services: placed, cancelled, status.',
    keyField: 'patientId',
    messages: [OrderPlacedSchema, OrderCancelledSchema, OrderStatusChangedSchema],
  }),
  HisCharge: topic({
    name: 'his.charge.v1',
    producer: 'his',
    description: "Lines posted to and reversed on an encounter's charge ledger, with the BHYT shares.",
    keyField: 'patientId',
    messages: [ChargePostedSchema, ChargeReversedSchema],
    retentionDays: 30,
  }),
  HisPrescription: topic({
    name: 'his.prescription.v1',
    producer: 'his',
    description: 'Prescriptions issued, with the national e-prescription code.',
    keyField: 'patientId',
    messages: [PrescriptionIssuedSchema],
  }),
  LabResult: topic({
    name: 'lab.result.v1',
    producer: 'laboratory',
    description: 'Validated laboratory results and their corrections; critical values raised at once.',
    keyField: 'patientId',
    messages: [ResultFinalizedSchema, CriticalResultRaisedSchema],
  }),
  LabWorkOrder: topic({
    name: 'lab.work-order.v1',
    producer: 'laboratory',
    description:
      "Specimens' tests released to the analyzers (pushed or answered to a barcode query) and withdrawn.",
    keyField: 'patientId',
    messages: [WorkOrderReleasedSchema, WorkOrderCancelledSchema],
  }),
  LabSpecimen: topic({
    name: 'lab.specimen.v1',
    producer: 'laboratory',
    description: 'Specimen lifecycle: labelled, collected, received, rejected with the reason.',
    keyField: 'patientId',
    messages: [SpecimenStatusChangedSchema],
  }),
  RisProcedure: topic({
    name: 'ris.procedure.v1',
    producer: 'radiology-orders',
    description:
      'Imaging procedures: scheduled (the worklist), cancelled, status (MPPS, reported), signed reports, critical findings.',
    keyField: 'patientId',
    messages: [
      ProcedureScheduledSchema,
      ProcedureCancelledSchema,
      ProcedureStatusChangedSchema,
      ReportFinalizedSchema,
      CriticalFindingRaisedSchema,
    ],
  }),
  PacsStudy: topic({
    name: 'pacs.study.v1',
    producer: 'image-archive-gateway',
    description:
      'Studies stored and indexed by the archive gateway, reconciled with orders by accession, or held for manual reconciliation.',
    keyField: 'patientId',
    messages: [StudyReceivedSchema, StudyHeldSchema],
  }),
  PacsMpps: topic({
    name: 'pacs.mpps.v1',
    producer: 'image-archive-gateway',
    description: 'Modality Performed Procedure Steps (N-CREATE in progress, N-SET completed/discontinued).',
    keyField: 'mppsInstanceUid',
    messages: [MppsReportedSchema],
  }),
  ClaimsClaim: topic({
    name: 'claims.claim.v1',
    producer: 'claims',
    description:
      'BHYT claims (QĐ 130 XML): assembled and validated from the episode, submitted to the insurance gateway, or refused.',
    keyField: 'patientId',
    messages: [ClaimAssembledSchema, ClaimSubmittedSchema, ClaimSubmissionFailedSchema],
    retentionDays: 30,
  }),
  GatewayHl7Inbound: topic({
    name: 'gateway.hl7-inbound.v1',
    producer: 'integration-gateway',
    description: 'HL7 v2 messages received over MLLP, stored and ACKed; raw bytes kept verbatim.',
    keyField: 'connectionId',
    messages: [Hl7MessageReceivedSchema],
  }),
  GatewayAnalyzerResult: topic({
    name: 'gateway.analyzer-result.v1',
    producer: 'integration-gateway',
    description:
      "Analyzer results per specimen (HL7 ORU^R01/OUL^R22, ASTM R records) with the connection's code map applied.",
    keyField: 'specimenId',
    messages: [AnalyzerResultsReportedSchema],
  }),
} as const satisfies Record<string, TopicDefinition>;

export type TopicKey = keyof typeof Topics;
export const AllTopics: readonly TopicDefinition[] = Object.values(Topics);

/**
 * The dead-letter topic of one consumer group for one topic: `<topic>.dlq.<group>`. A poison event goes there
 * with its error in headers, and the group's partition moves on.
 */
export function deadLetterTopicName(topicName: string, consumerGroup: string): string {
  return `${topicName}.dlq.${consumerGroup}`;
}

/** The topic definition that carries a message type, by its full protobuf name (the CloudEvents ce_type). */
export function topicForEventType(typeName: string): TopicDefinition | undefined {
  return AllTopics.find((t) => t.messages.some((m) => m.typeName === typeName));
}
