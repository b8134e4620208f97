import { type DescMessage, fromBinary, type MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AnalyzerResultsReportedSchema,
  OrderCategory,
  OrderPlacedSchema,
  OrderPriority,
  PatientRegisteredSchema,
  Sex,
  type TopicDefinition,
  Topics,
} from '@hosp/contracts';
import {
  bootService,
  type BootedService,
  eventually,
  type JsonApi,
  jsonApi,
  publishAs,
  type ReadEvent,
  readEvents,
} from '@hosp/service-testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../../../src/app.module';
import { serviceDefinition } from '../../../src/service.definition';

export async function bootLab(): Promise<BootedService> {
  return bootService(AppModule, serviceDefinition);
}

export type Api = JsonApi;

/** The LIS API as the lab technician `ktv-lan` (the x-actor-id header). */
export function api(booted: BootedService): Api {
  return jsonApi(booted, { 'x-actor-id': 'ktv-lan' });
}

/** Ages in days for reference ranges: 18 years. */
export const ADULT_DAYS = 6570;

/** The lab's test menu the tests use: serum chemistry in one SST tube, haematology in EDTA. */
export const TESTS = [
  {
    serviceCode: 'XN-GLU',
    name: 'Glucose',
    loinc: '2345-7',
    specimenType: 'SER',
    containerType: 'SST',
    unit: 'mmol/L',
    decimals: 1,
    criticalLow: '2.5',
    criticalHigh: '25',
    referenceRanges: [{ sex: 'any', low: '3.9', high: '6.4' }],
    autoVerification: {
      code: 'AV-GLU-1',
      low: '3.0',
      high: '10.0',
      delta: { mode: 'absolute', limit: '2.0', withinDays: 30 },
    },
  },
  {
    serviceCode: 'XN-CREA',
    name: 'Creatinine',
    loinc: '2160-0',
    specimenType: 'SER',
    containerType: 'SST',
    unit: 'umol/L',
    decimals: 0,
    criticalHigh: '800',
    referenceRanges: [
      { sex: 'male', ageFromDays: ADULT_DAYS, low: '62', high: '120' },
      { sex: 'female', ageFromDays: ADULT_DAYS, low: '53', high: '100' },
      { sex: 'any', ageFromDays: 0, ageToDays: ADULT_DAYS, low: '27', high: '62' },
    ],
    autoVerification: { code: 'AV-CREA-1', delta: { mode: 'percent', limit: '30' } },
  },
  {
    serviceCode: 'XN-HGB',
    name: 'Hemoglobin',
    loinc: '718-7',
    specimenType: 'BLD',
    containerType: 'EDTA',
    unit: 'g/L',
    decimals: 0,
    criticalLow: 60,
    criticalHigh: 200,
    referenceRanges: [
      { sex: 'male', low: 130, high: 170 },
      { sex: 'female', low: 120, high: 150 },
    ],
  },
  {
    serviceCode: 'XN-HBSAG',
    name: 'HBsAg',
    loinc: '5196-1',
    specimenType: 'SER',
    containerType: 'SST',
    valueType: 'text',
  },
];

export { eventually, publishAs, readEvents, type ReadEvent } from '@hosp/service-testing';

/** The decoded payloads of one message type on a topic, once `until` holds for them. */
export async function readPayloads<D extends DescMessage>(
  booted: BootedService,
  topic: TopicDefinition,
  schema: D,
  until: (payloads: MessageShape<D>[]) => boolean,
  timeoutMs = 20_000,
): Promise<MessageShape<D>[]> {
  const decode = (es: ReadEvent[]) =>
    es.filter((e) => e.type === schema.typeName).map((e) => fromBinary(schema, e.value));
  return decode(await readEvents(booted, topic, (es) => until(decode(es)), timeoutMs));
}

/** HIS registers a patient (his.patient.v1); resolves once LIS holds the demographics. */
export async function registerPatient(
  booted: BootedService,
  o: { fullName?: string; birthDate?: string; sex?: Sex; patientCode?: string } = {},
): Promise<string> {
  const patientId = randomUUID();
  await publishAs(booted, 'his', Topics.HisPatient, PatientRegisteredSchema, {
    patientId,
    fullName: o.fullName ?? 'Nguyễn Thị Hoa',
    birthDate: o.birthDate ?? '1985-03-12',
    sex: o.sex ?? Sex.FEMALE,
    patientCode: o.patientCode ?? `BN${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    registeredAt: timestampFromDate(new Date()),
  });
  const call = api(booted);
  await eventually(
    async () => ((await call('GET', `/patients/${patientId}`)).status === 200 ? true : undefined),
    `patient ${patientId} in LIS`,
  );
  return patientId;
}

/** HIS places an order (his.order.v1). */
export async function placeOrder(
  booted: BootedService,
  o: {
    patientId: string;
    encounterId: string;
    serviceCode: string;
    category?: OrderCategory;
    priority?: OrderPriority;
    orderId?: string;
  },
): Promise<string> {
  const orderId = o.orderId ?? randomUUID();
  await publishAs(booted, 'his', Topics.HisOrder, OrderPlacedSchema, {
    orderId,
    encounterId: o.encounterId,
    patientId: o.patientId,
    category: o.category ?? OrderCategory.LABORATORY,
    service: { system: 'urn:hosp:his:service-catalog', code: o.serviceCode, display: o.serviceCode },
    priority: o.priority ?? OrderPriority.ROUTINE,
    orderingProviderId: 'bs-tran',
    orderedAt: timestampFromDate(new Date()),
    performingDepartmentCode: 'XN',
    quantity: 1,
  });
  return orderId;
}

export interface Observation {
  deviceCode?: string;
  serviceCode?: string;
  loinc?: string;
  value: string;
  unit?: string;
  deviceFlags?: string;
  resultStatus?: string;
  mapped?: boolean;
}

/** The gateway reports analyzer results for a tube (gateway.analyzer-result.v1). */
export async function reportResults(
  booted: BootedService,
  specimenId: string,
  observations: Observation[],
  o: { reportId?: string; eventId?: string } = {},
): Promise<{ reportId: string; eventId: string }> {
  const reportId = o.reportId ?? randomUUID();
  const eventId = await publishAs(
    booted,
    'integration-gateway',
    Topics.GatewayAnalyzerResult,
    AnalyzerResultsReportedSchema,
    {
      reportId,
      messageId: randomUUID(),
      connectionId: 'cobas-c311',
      deviceId: 'COBAS',
      specimenId,
      protocol: 'HL7 2.5.1 OUL^R22',
      observations: observations.map((x) => ({
        deviceCode: x.deviceCode ?? x.serviceCode ?? 'X',
        deviceName: x.deviceCode ?? x.serviceCode ?? 'X',
        service: x.serviceCode
          ? { system: 'urn:hosp:his:service-catalog', code: x.serviceCode, display: x.serviceCode }
          : undefined,
        loinc: x.loinc ?? '',
        value: x.value,
        valueType: 'NM',
        unit: x.unit ?? '',
        deviceUnit: x.unit ?? '',
        deviceFlags: x.deviceFlags ?? '',
        resultStatus: x.resultStatus ?? 'F',
        observedAt: timestampFromDate(new Date()),
        mapped: x.mapped ?? !!x.serviceCode,
      })),
      receivedAt: timestampFromDate(new Date()),
    },
    o.eventId,
  );
  return { reportId, eventId };
}
