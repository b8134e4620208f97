import { create, type DescMessage, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EnvelopeSchema, type TopicDefinition } from '@hosp/contracts';
import { ensureTopics, envelopeToHeaders } from '@hosp/platform-kafka';
import { bootService, type BootedService } from '@hosp/service-testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../../../src/app.module';
import { serviceDefinition } from '../../../src/service.definition';

export async function bootHis(): Promise<BootedService> {
  return bootService(AppModule, serviceDefinition);
}

export interface Api {
  (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
}

/** A small JSON client for the booted service: returns status and parsed body, never throws on 4xx. */
export function api(booted: BootedService): Api {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${booted.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-actor-id': 'bs-tran', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** The catalogue the tests order from; prices in VND (hospital / BHYT). */
export const CATALOG = [
  {
    code: 'KB01',
    name: 'Khám Nội',
    category: 'exam',
    hospitalPrice: '34500',
    insurancePrice: '34500',
    performingDepartment: 'K01',
  },
  {
    code: 'XN-CBC',
    name: 'Tổng phân tích tế bào máu ngoại vi',
    category: 'laboratory',
    hospitalPrice: '40000',
    insurancePrice: '35000',
    performingDepartment: 'XN',
    loincCode: '58410-2',
  },
  {
    code: 'CDHA-CT',
    name: 'Chụp CT sọ não không tiêm thuốc cản quang',
    category: 'imaging',
    hospitalPrice: '500000',
    insurancePrice: '480000',
    performingDepartment: 'CDHA',
    modality: 'CT',
  },
  {
    code: 'GIUONG-NOI',
    name: 'Ngày giường Nội khoa',
    category: 'bed',
    hospitalPrice: '200000',
    insurancePrice: '180000',
    performingDepartment: 'K01',
  },
  {
    code: 'DV-SPA',
    name: 'Dịch vụ theo yêu cầu',
    category: 'other',
    hospitalPrice: '100000',
    insurancePrice: null,
    performingDepartment: 'K01',
  },
];

/** A first-visit patient whose CCCD agrees with sex and birth year (079 = Hồ Chí Minh, 1 = female, 1985). */
export function newPatient(overrides: Record<string, unknown> = {}, serial = randomSerial()) {
  return {
    citizenId: `079185${serial}`,
    fullName: 'Nguyễn Thị Hoa',
    birthDate: '1985-03-12',
    sex: 'female',
    address: { line: '12 Lê Lợi', provinceCode: '79', districtCode: '760', communeCode: '26734' },
    ethnicityCode: '01',
    nationalityCode: '704',
    ...overrides,
  };
}

export function randomSerial(): string {
  return String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
}

/** A 15-character card: DN (employee), benefit 4 (80%), issued in 79, and a random BHXH number. */
export function newCardNumber(benefit = 4, group = 'DN'): string {
  return `${group}${benefit}79${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;
}

export const CARD_WINDOW = { validFrom: '2026-01-01', validTo: '2026-12-31', registrationFacility: '79001' };

/**
 * Publishes an event the way another platform service would (CloudEvents headers, protobuf value, key =
 * patient id): the test stands in for LIS or RIS.
 */
export async function publishAs<D extends DescMessage>(
  booted: BootedService,
  source: string,
  topic: TopicDefinition,
  schema: D,
  init: MessageInitShape<D>,
  eventId: string = randomUUID(),
): Promise<void> {
  const message = create(schema, init);
  const key = String((message as Record<string, unknown>)[topic.keyField]);
  const headers = envelopeToHeaders(
    create(EnvelopeSchema, {
      id: eventId,
      type: schema.typeName,
      source: `urn:hosp:${source}`,
      time: timestampFromDate(new Date()),
      subject: key,
      facility: '79001',
      partitionKey: key,
      specVersion: '1.0',
      dataContentType: 'application/protobuf',
    }),
  );
  const producer = booted.ctx.kafka(source).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic: `${booted.ctx.topicPrefix}${topic.name}`,
      messages: [{ key, value: Buffer.from(toBinary(schema, message)), headers }],
      acks: -1,
    });
  } finally {
    await producer.disconnect();
  }
}

export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Reads the events of one catalogue topic from the beginning (a throwaway consumer group) until `until` holds. */
export async function readEvents(
  booted: BootedService,
  topic: TopicDefinition | { name: string },
  until: (
    events: Array<{ type: string; key: string; value: Buffer; headers: Record<string, string> }>,
  ) => boolean,
  timeoutMs = 20_000,
): Promise<Array<{ type: string; key: string; value: Buffer; headers: Record<string, string> }>> {
  const kafka = booted.ctx.kafka('reader');
  // The service creates its topics in the background at boot; make sure this one exists before subscribing.
  if ('messages' in topic) await ensureTopics(kafka, [topic], booted.ctx.topicPrefix);
  const consumer = kafka.consumer({ groupId: `${booted.ctx.topicPrefix}reader-${randomUUID()}` });
  const seen: Array<{ type: string; key: string; value: Buffer; headers: Record<string, string> }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: `${booted.ctx.topicPrefix}${topic.name}`, fromBeginning: true });
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        seen.push({
          type: headers['ce_type'] ?? '',
          key: String(message.key),
          value: message.value!,
          headers,
        });
        if (until(seen)) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`events on ${topic.name}: saw ${seen.map((e) => e.type).join(', ')}`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([finished, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
