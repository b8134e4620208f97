import { create } from '@bufbuild/protobuf';
import { OrderPlacedSchema, PatientRegisteredSchema, Topics } from '@hosp/contracts';
import type { EntityManager } from 'typeorm';
import { OutboxEventTooLargeError, OutboxKeyError, OutboxWriter } from './outbox-writer';

/** A recording stand-in for the transaction's EntityManager (the SQL itself is covered by integration tests). */
function recordingManager() {
  const calls: Array<{ sql: string; params?: unknown[] }> = [];
  const manager = {
    query: async (sql: string, params?: unknown[]) => void calls.push({ sql, params }),
  } as unknown as EntityManager;
  return { manager, calls };
}

describe('OutboxWriter', () => {
  const writer = new OutboxWriter({ service: 'his', facility: '79001' });

  it('keys the record by the catalogue key field and writes the CloudEvents headers', async () => {
    const { manager, calls } = recordingManager();
    const id = await writer.append(
      manager,
      Topics.HisPatient,
      PatientRegisteredSchema,
      create(PatientRegisteredSchema, { patientId: 'P1' }),
      {
        correlationId: 'req-1',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
    );
    // Payloads travel as one buffer with offsets and lengths, headers as one JSON array (outbox-writer.ts).
    const [ids, topics, keys, types, offsets, lengths, payloads, headerJson] = calls[0].params as [
      string[],
      string[],
      string[],
      string[],
      number[],
      number[],
      Buffer,
      string,
    ];
    expect(offsets).toEqual([0]);
    expect(lengths).toEqual([payloads.length]);
    expect(ids).toEqual([id]);
    expect(topics).toEqual([Topics.HisPatient.name]);
    expect(keys).toEqual(['P1']);
    expect(types).toEqual(['hosp.his.v1.PatientRegistered']);
    const headers = (JSON.parse(headerJson) as Array<Record<string, string>>)[0];
    expect(headers).toMatchObject({
      ce_id: id,
      ce_source: 'urn:hosp:his',
      ce_facility: '79001',
      ce_correlationid: 'req-1',
      ce_subject: 'P1',
    });
    expect(headers['traceparent']).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(calls).toHaveLength(1);
    expect(calls[0].sql).toContain('pg_notify');
  });

  it('writes a transaction of events in one statement, in order', async () => {
    const { manager, calls } = recordingManager();
    const ids = await writer.appendAll(
      manager,
      ['P1', 'P2', 'P1'].map((patientId) => ({
        topic: Topics.HisPatient,
        schema: PatientRegisteredSchema,
        message: create(PatientRegisteredSchema, { patientId }),
      })),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0].params![0]).toEqual(ids);
    expect(calls[0].params![2]).toEqual(['P1', 'P2', 'P1']);
    // Three payloads back to back in one buffer, sliced by offset and length in SQL.
    const [offsets, lengths, payloads] = calls[0].params!.slice(4, 7) as [number[], number[], Buffer];
    expect(offsets).toEqual([0, lengths[0], lengths[0] + lengths[1]]);
    expect(payloads.length).toBe(lengths[0] + lengths[1] + lengths[2]);
    expect((JSON.parse(calls[0].params![7] as string) as unknown[]).length).toBe(3);
    expect(calls[0].sql).toContain('WITH ORDINALITY');
  });

  it('refuses an event without its key, and a message type the topic does not carry', async () => {
    const { manager } = recordingManager();
    await expect(
      writer.append(manager, Topics.HisPatient, PatientRegisteredSchema, create(PatientRegisteredSchema, {})),
    ).rejects.toThrow(OutboxKeyError);
    await expect(
      writer.append(
        manager,
        Topics.HisPatient,
        OrderPlacedSchema as never,
        create(OrderPlacedSchema, { patientId: 'P1' }) as never,
      ),
    ).rejects.toThrow('is not carried by topic');
  });

  it('refuses an event too large to travel as one Kafka record', async () => {
    const { manager, calls } = recordingManager();
    const big = create(PatientRegisteredSchema, { patientId: 'P1', fullName: 'x'.repeat(600 * 1024) });
    await expect(writer.append(manager, Topics.HisPatient, PatientRegisteredSchema, big)).rejects.toThrow(
      OutboxEventTooLargeError,
    );
    expect(calls).toHaveLength(0);
  });
});
