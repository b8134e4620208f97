import { create } from '@bufbuild/protobuf';
import { OrderPlacedSchema, PatientRegisteredSchema, Topics } from '@hosp/contracts';
import type { EntityManager } from 'typeorm';
import { OutboxKeyError, OutboxWriter } from './outbox-writer';

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
    const [topic, key, type, , headers] = calls[0].params!.slice(1) as [
      string,
      string,
      string,
      Buffer,
      Record<string, string>,
    ];
    expect(topic).toBe(Topics.HisPatient.name);
    expect(key).toBe('P1');
    expect(type).toBe('hosp.his.v1.PatientRegistered');
    expect(headers).toMatchObject({
      ce_id: id,
      ce_source: 'urn:hosp:his',
      ce_facility: '79001',
      ce_correlationid: 'req-1',
      ce_subject: 'P1',
    });
    expect(headers['traceparent']).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(calls[1].sql).toContain('pg_notify');
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
});
