import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootService, type BootedService } from '@hosp/service-testing';
import { ensurePostgres, freePortBlock, type PostgresInfo, stopEmbeddedPostgres } from '@hosp/testing';
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

/** The same promise for the database: the service's own PostgreSQL goes away, then comes back. */
describe('his readiness while its database is down', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hosp-his-pg-'));
  let pg: PostgresInfo;
  let svc: BootedService;
  let port: number;
  const saved = process.env['DATABASE_SERVER_URL'];

  beforeAll(async () => {
    chmodSync(dir, 0o755);
    // A private server this test may stop: nothing that answers on port 1, so the embedded one starts.
    port = await freePortBlock(1);
    process.env['DATABASE_SERVER_URL'] = 'postgres://postgres@127.0.0.1:1';
    pg = await ensurePostgres(dir, port);
    process.env['DATABASE_SERVER_URL'] = saved;
    if (saved === undefined) delete process.env['DATABASE_SERVER_URL'];
    svc = await bootService(AppModule, serviceDefinition, { databaseUrl: `${pg.serverUrl}/hosp_his` });
  });

  afterAll(async () => {
    await svc?.close();
    if (pg) stopEmbeddedPostgres(pg);
    rmSync(dir, { recursive: true, force: true });
  });

  async function readiness(): Promise<{ status: number; database?: string }> {
    const res = await fetch(`${svc.baseUrl}/health/ready`);
    const body = (await res.json()) as { details?: Record<string, { status: string }> };
    return { status: res.status, database: body.details?.['database']?.status };
  }

  async function until(want: number): Promise<{ status: number; database?: string }> {
    let last = await readiness();
    for (let i = 0; i < 100 && last.status !== want; i++) {
      await new Promise((r) => setTimeout(r, 300));
      last = await readiness();
    }
    return last;
  }

  it('answers 503 naming the database while it is down, and 200 again once it is back', async () => {
    expect(await until(200)).toEqual({ status: 200, database: 'up' });
    stopEmbeddedPostgres(pg);
    expect(await until(503)).toEqual({ status: 503, database: 'down' });
    expect((await fetch(`${svc.baseUrl}/health/live`)).status).toBe(200);
    process.env['DATABASE_SERVER_URL'] = 'postgres://postgres@127.0.0.1:1';
    pg = await ensurePostgres(dir, port);
    process.env['DATABASE_SERVER_URL'] = saved;
    if (saved === undefined) delete process.env['DATABASE_SERVER_URL'];
    expect(await until(200)).toEqual({ status: 200, database: 'up' });
  });
});
