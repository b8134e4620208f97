import { type DescMessage, fromBinary, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  MppsReportedSchema,
  MppsStatus,
  OrderCancelledSchema,
  OrderCategory,
  OrderPlacedSchema,
  OrderPriority,
  PatientRegisteredSchema,
  Sex,
  StudyReceivedSchema,
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

export async function bootRis(): Promise<BootedService> {
  return bootService(AppModule, serviceDefinition);
}

export type Api = JsonApi;

/** The RIS API as the radiology scheduler / radiologist `bs-minh` (the x-actor-id header). */
export function api(booted: BootedService): Api {
  return jsonApi(booted, { 'x-actor-id': 'bs-minh' });
}

/** The imaging department's stations: two CTs (one in the emergency department), an MR and a DR room. */
export const STATIONS = [
  { aeTitle: 'CT_SOMATOM', name: 'CT 128 lát', modality: 'CT', departmentCode: 'CDHA', slotMinutes: 15 },
  { aeTitle: 'CT_CC', name: 'CT Cấp cứu', modality: 'CT', departmentCode: 'CC', slotMinutes: 15 },
  { aeTitle: 'MR_AMIRA', name: 'MRI 1.5T', modality: 'MR', departmentCode: 'CDHA', slotMinutes: 30 },
  { aeTitle: 'DX_ROOM1', name: 'X-quang số 1', modality: 'DX', departmentCode: 'CDHA', slotMinutes: 10 },
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

/** HIS registers a patient (his.patient.v1); resolves once RIS holds the demographics. */
export async function registerPatient(
  booted: BootedService,
  o: { fullName?: string; birthDate?: string; sex?: Sex; patientCode?: string } = {},
): Promise<{ patientId: string; patientCode: string }> {
  const patientId = randomUUID();
  const patientCode = o.patientCode ?? `BN${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  await publishAs(booted, 'his', Topics.HisPatient, PatientRegisteredSchema, {
    patientId,
    fullName: o.fullName ?? 'Trần Văn Nam',
    birthDate: o.birthDate ?? '1962-07-04',
    sex: o.sex ?? Sex.MALE,
    patientCode,
    registeredAt: timestampFromDate(new Date()),
  });
  const call = api(booted);
  await eventually(
    async () => ((await call('GET', `/patients/${patientId}`)).status === 200 ? true : undefined),
    `patient ${patientId} in RIS`,
  );
  return { patientId, patientCode };
}

/** HIS places an imaging order (his.order.v1). */
export async function placeImagingOrder(
  booted: BootedService,
  o: {
    patientId: string;
    serviceCode?: string;
    serviceName?: string;
    modality?: string;
    department?: string;
    priority?: OrderPriority;
    orderId?: string;
    category?: OrderCategory;
  },
): Promise<string> {
  const orderId = o.orderId ?? randomUUID();
  await publishAs(booted, 'his', Topics.HisOrder, OrderPlacedSchema, {
    orderId,
    encounterId: randomUUID(),
    patientId: o.patientId,
    category: o.category ?? OrderCategory.IMAGING,
    service: {
      system: 'urn:hosp:his:service-catalog',
      code: o.serviceCode ?? 'CDHA-CT-SN',
      display: o.serviceName ?? 'Chụp CT sọ não không tiêm thuốc cản quang',
    },
    priority: o.priority ?? OrderPriority.ROUTINE,
    orderingProviderId: 'bs-tran',
    clinicalNote: 'Đau đầu kéo dài',
    orderedAt: timestampFromDate(new Date()),
    performingDepartmentCode: o.department ?? 'CDHA',
    modality: o.modality ?? 'CT',
    quantity: 1,
  });
  return orderId;
}

export async function cancelOrder(booted: BootedService, orderId: string, patientId: string): Promise<void> {
  await publishAs(booted, 'his', Topics.HisOrder, OrderCancelledSchema, {
    orderId,
    encounterId: randomUUID(),
    patientId,
    reason: 'bệnh nhân từ chối',
    cancelledBy: 'bs-tran',
    cancelledAt: timestampFromDate(new Date()),
  });
}

/** The procedure RIS made of an order, once it has one in `status` (any status when none is given). */
export async function procedureOf(call: Api, orderId: string, status?: string): Promise<Record<string, any>> {
  return eventually(
    async () => {
      const [p] = (await call('GET', `/procedures?orderId=${orderId}`)).body;
      return p && (!status || p.status === status) ? p : undefined;
    },
    `the procedure of order ${orderId}${status ? ` ${status}` : ''}`,
  );
}

/** The archive gateway reports a modality's MPPS (pacs.mpps.v1). Returns the event id. */
export async function reportMpps(
  booted: BootedService,
  init: MessageInitShape<typeof MppsReportedSchema> & { status: MppsStatus },
  eventId?: string,
): Promise<string> {
  return publishAs(
    booted,
    'image-archive-gateway',
    Topics.PacsMpps,
    MppsReportedSchema,
    { mppsInstanceUid: `1.2.826.0.1.3680043.8.498.${Date.now()}`, ...init },
    eventId,
  );
}

/** The archive gateway stored a study (pacs.study.v1). */
export async function studyReceived(
  booted: BootedService,
  init: MessageInitShape<typeof StudyReceivedSchema>,
): Promise<string> {
  return publishAs(booted, 'image-archive-gateway', Topics.PacsStudy, StudyReceivedSchema, {
    receivedAt: timestampFromDate(new Date()),
    ...init,
  });
}
