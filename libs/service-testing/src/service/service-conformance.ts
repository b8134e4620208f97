import type { Type } from '@nestjs/common';
import type { ServiceDefinition } from '@hosp/platform-runtime';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { bootService, type BootedService } from './boot-service';

/**
 * What every platform service must do, checked against the real stack (issue: platform foundation):
 * boot, answer live/ready/metrics, echo the correlation id, migrate its database, create its topics, and
 * shut down cleanly. Each service's `test/integration/boot.int-spec.ts` runs this suite.
 */
export function describeServiceConformance(appModule: Type<unknown>, def: ServiceDefinition): void {
  describe(`${def.service} service conformance`, () => {
    let svc: BootedService;

    beforeAll(async () => {
      svc = await bootService(appModule, def);
    });

    afterAll(async () => {
      await svc?.close();
    });

    it('is live', async () => {
      const res = await fetch(`${svc.baseUrl}/health/live`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });

    it('is ready only with its database and Kafka, and says so', async () => {
      const res = await fetch(`${svc.baseUrl}/health/ready`);
      const body = (await res.json()) as { status: string; info: Record<string, { status: string }> };
      expect(res.status).toBe(200);
      expect(body.status).toBe('ok');
      expect(body.info['database'].status).toBe('up');
      expect(body.info['kafka'].status).toBe('up');
    });

    it('exposes Prometheus metrics', async () => {
      const res = await fetch(`${svc.baseUrl}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toMatch(/^hosp_process_cpu_user_seconds_total /m);
      // The backbone's own metrics are there from the start, at zero, for dashboards and alerts.
      expect(text).toMatch(/^# TYPE hosp_outbox_published_total counter/m);
      expect(text).toMatch(/^# TYPE hosp_consumer_events_total counter/m);
    });

    it('echoes the caller correlation id and makes one when none is given', async () => {
      const given = await fetch(`${svc.baseUrl}/health/live`, { headers: { 'x-correlation-id': 'req-42' } });
      expect(given.headers.get('x-correlation-id')).toBe('req-42');
      const made = await fetch(`${svc.baseUrl}/health/live`);
      expect(made.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('serves its OpenAPI document', async () => {
      const res = await fetch(`${svc.baseUrl}/docs/openapi.json`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    });

    it('migrated its own database (outbox and inbox tables)', async () => {
      const c = new Client({ connectionString: svc.ctx.databaseUrl });
      await c.connect();
      try {
        const r = await c.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
        );
        expect(r.rows.map((x) => x.table_name)).toEqual(
          expect.arrayContaining(['platform_inbox', 'platform_migrations', 'platform_outbox']),
        );
      } finally {
        await c.end();
      }
    });

    it('created the topics it produces', async () => {
      const admin = new Kafka({ brokers: svc.ctx.stack.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        const want = def.produces.map((t) => svc.ctx.topicPrefix + t.name);
        for (let i = 0; i < 50; i++) {
          const have = await admin.listTopics();
          if (want.every((t) => have.includes(t))) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(await admin.listTopics()).toEqual(expect.arrayContaining(want));
      } finally {
        await admin.disconnect();
      }
    });

    it('shuts down gracefully: HTTP closed, relay stopped, pool closed', async () => {
      const { app } = svc;
      await app.close();
      await expect(fetch(`${svc.baseUrl}/health/live`)).rejects.toThrow();
      svc = { ...svc, close: () => svc.ctx.cleanup() };
    });
  });
}
