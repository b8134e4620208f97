import { bootService, type BootedService } from '@hosp/service-testing';
import { AppModule } from '../../src/app.module';
import { serviceDefinition } from '../../src/service.definition';

/** Readiness is a promise to the load balancer: with Kafka unreachable the service must say it is not ready. */
describe('his readiness without Kafka', () => {
  let svc: BootedService;

  beforeAll(async () => {
    // Port 1 on loopback: nothing listens there, so every connection is refused at once.
    svc = await bootService(AppModule, serviceDefinition, { kafkaBrokers: ['127.0.0.1:1'] });
  });

  afterAll(async () => {
    await svc?.close();
  });

  it('stays live but answers 503 on /health/ready, naming Kafka as down and the database as up', async () => {
    expect((await fetch(`${svc.baseUrl}/health/live`)).status).toBe(200);
    const res = await fetch(`${svc.baseUrl}/health/ready`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as {
      status: string;
      error: Record<string, { status: string }>;
      info: Record<string, { status: string }>;
    };
    expect(body.status).toBe('error');
    expect(body.error['kafka'].status).toBe('down');
    expect(body.info['database'].status).toBe('up');
  });
});
