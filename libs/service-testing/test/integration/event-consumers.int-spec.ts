import { create } from '@bufbuild/protobuf';
import { Body, Controller, Injectable, Module, Post, Req } from '@nestjs/common';
import { PatientRegisteredSchema, Topics } from '@hosp/contracts';
import { type ConsumedEvent, OutboxWriter } from '@hosp/platform-kafka';
import { EventConsumer, OnEvent, PlatformModule, type ServiceDefinition } from '@hosp/platform-runtime';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { Access } from '@hosp/platform-auth';
import { authHeader } from '../../src/service/auth';
import { bootService, type BootedService } from '../../src/service/boot-service';

class Registrations1763700000100 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE registration (patient_id text PRIMARY KEY, full_name text NOT NULL)`);
    await q.query(
      `CREATE TABLE projection (event_id text PRIMARY KEY, patient_id text NOT NULL, correlation_id text, facility text, traceparent text)`,
    );
  }
  async down(): Promise<void> {
    /* dropped with the test database */
  }
}

/** The write side: a REST call changes state and appends the event in the same transaction. */
@Access({ read: ['receptionist'], write: ['receptionist'] })
@Controller('patients')
class RegistrationController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  @Post()
  async register(
    @Body() body: { patientId: string; fullName: string },
    @Req() req: { id: string; headers: Record<string, string> },
  ) {
    await this.dataSource.transaction(async (m) => {
      await m.query(`INSERT INTO registration (patient_id, full_name) VALUES ($1, $2)`, [
        body.patientId,
        body.fullName,
      ]);
      await this.outbox.append(
        m,
        Topics.HisPatient,
        PatientRegisteredSchema,
        create(PatientRegisteredSchema, body),
        {
          correlationId: req.id,
          traceparent: req.headers['traceparent'],
        },
      );
    });
    return { patientId: body.patientId };
  }
}

/** The read side: a consumer group of the same kind a service declares. */
@Injectable()
@EventConsumer({ groupId: 'test.projection', topics: [Topics.HisPatient] })
class PatientProjection {
  @OnEvent(PatientRegisteredSchema)
  async onRegistered(event: ConsumedEvent<typeof PatientRegisteredSchema>, m: EntityManager): Promise<void> {
    await m.query(
      `INSERT INTO projection (event_id, patient_id, correlation_id, facility, traceparent) VALUES ($1, $2, $3, $4, $5)`,
      [
        event.envelope.id,
        event.payload.patientId,
        event.envelope.correlationId,
        event.envelope.facility,
        event.envelope.traceparent,
      ],
    );
  }
}

const definition: ServiceDefinition = {
  service: 'his',
  title: 'consumer wiring test',
  defaultPort: 0,
  migrations: [Registrations1763700000100],
  produces: [Topics.HisPatient],
};

@Module({
  imports: [PlatformModule.forService(definition)],
  controllers: [RegistrationController],
  providers: [PatientProjection],
})
class TestAppModule {}

/** A service's HTTP write reaches its own @EventConsumer through outbox, relay, Kafka and inbox. */
describe('PlatformModule: @EventConsumer groups run for the life of the service', () => {
  let svc: BootedService;

  beforeAll(async () => {
    svc = await bootService(TestAppModule, definition);
  });

  afterAll(async () => {
    await svc?.close();
  });

  it('delivers the event with the request correlation id, the facility and the caller trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${svc.baseUrl}/patients`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-correlation-id': 'kiosk-7-0001',
        ...(await authHeader('kiosk-7')),
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ patientId: 'P-0001', fullName: 'Trần Văn Bình' }),
    });
    expect(res.status).toBe(201);
    const ds = svc.app.get(DataSource);
    let rows: Array<{ patient_id: string; correlation_id: string; facility: string; traceparent: string }> =
      [];
    for (let i = 0; i < 150 && rows.length === 0; i++) {
      rows = await ds.query(`SELECT patient_id, correlation_id, facility, traceparent FROM projection`);
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      patient_id: 'P-0001',
      correlation_id: 'kiosk-7-0001',
      facility: '79001',
    });
    expect(rows[0].traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const inbox = await ds.query(`SELECT consumer_group, status FROM platform_inbox`);
    expect(inbox).toEqual([{ consumer_group: 'test.projection', status: 'applied' }]);
  });
});
