import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { Access } from '@hosp/platform-auth';
import { AuditRoute } from '@hosp/platform-audit';
import { NotFoundError, PlatformModule, type ServiceDefinition } from '@hosp/platform-runtime';
import { Module } from '@nestjs/common';
import { Client } from 'pg';
import { bootService, type BootedService } from '../../src/service/boot-service';
import { authHeader, testIssuer } from '../../src/service/auth';
import { eventually } from '../../src/service/events';
import { jsonApi, type JsonApi } from '../../src/service/http';
import { makeTestPki, type TestPki, TlsSyslogCollector } from './support/tls-syslog-collector';

/** A tiny clinical API: patient reads and writes, a search, a command, a configuration write. */
@Access({ read: ['physician'], write: ['physician'] })
@Controller()
class ClinicalController {
  @Get('patients/:id')
  get(@Param('id') id: string) {
    if (id === 'missing') throw new NotFoundError('patient', id);
    return { id, fullName: 'Nguyễn Văn An' };
  }

  @Post('patients')
  register(@Body() body: { fullName: string }) {
    return { id: 'p-new', fullName: body.fullName };
  }

  @Put('patients/:id')
  update(@Param('id') id: string) {
    return { id, version: 2 };
  }

  @Get('encounters')
  encounters(@Query('patientId') patientId: string) {
    return [{ id: 'e-1', patientId }];
  }

  @Post('encounters/:id/discharge')
  @HttpCode(200)
  discharge(@Param('id') id: string) {
    return { id, patientId: 'p-1', status: 'discharged' };
  }

  @Put('config/settings')
  configure() {
    return { saved: true };
  }

  @Get('ping')
  ping() {
    return { ok: true };
  }

  /** The same handler, not recorded: the baseline of the overhead measurement. */
  @Get('ping-unaudited')
  @AuditRoute({ skip: 'baseline of the audit overhead measurement in this test' })
  pingUnaudited() {
    return { ok: true };
  }
}

const definition: ServiceDefinition = {
  service: 'his',
  title: 'audit trail test',
  defaultPort: 0,
  migrations: [],
  produces: [],
};

@Module({ imports: [PlatformModule.forService(definition)], controllers: [ClinicalController] })
class AuditTestModule {}

interface AuditItem {
  seq: string;
  time: string;
  actor: string | null;
  actorRoles: string[];
  sourceAddress: string | null;
  action: string;
  eventType: string;
  what: string;
  entityType: string | null;
  entityId: string | null;
  patientId: string | null;
  outcome: string;
  status: number | null;
  detail: string | null;
  correlationId: string | null;
  prevHash: string;
  hash: string;
}

async function asSuperuser<T>(svc: BootedService, work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: svc.ctx.databaseUrl });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

describe('audit trail: every controller request on a hash chain, searchable, verifiable, exported', () => {
  let svc: BootedService;
  let doctor: JsonApi;
  let auditor: JsonApi;

  const trail = async (query = ''): Promise<AuditItem[]> => {
    const res = await auditor('GET', `/audit/events?limit=1000${query}`);
    expect(res.status).toBe(200);
    return res.body.items;
  };

  beforeAll(async () => {
    svc = await bootService(AuditTestModule, definition);
    doctor = jsonApi(svc, { 'x-actor-id': 'dr-an' }, { roles: ['physician'] });
    auditor = jsonApi(svc, { 'x-actor-id': 'auditor-binh' }, { roles: ['auditor'] });
  });

  afterAll(async () => {
    await svc?.close();
  });

  it('records reads and writes with actor, roles, address, route, patient and outcome', async () => {
    expect(
      (await doctor('GET', '/patients/p-1', undefined, { 'x-correlation-id': 'corr-read-1' })).status,
    ).toBe(200);
    expect((await doctor('GET', '/patients/missing')).status).toBe(404);
    expect((await doctor('POST', '/patients', { fullName: 'Trần Thị Bình' })).status).toBe(201);
    expect((await doctor('PUT', '/patients/p-1', {})).status).toBe(200);
    expect((await doctor('GET', '/encounters?patientId=p-1')).status).toBe(200);
    expect((await doctor('POST', '/encounters/e-1/discharge', {})).status).toBe(200);
    expect((await doctor('PUT', '/config/settings', {})).status).toBe(200);
    // Probes are not data access.
    await fetch(`${svc.baseUrl}/health/live`);
    await fetch(`${svc.baseUrl}/metrics`);

    const items = (await trail()).reverse(); // oldest first
    const mine = items.filter((i) => i.actor === 'dr-an');
    expect(mine.map((i) => [i.action, i.what, i.patientId, i.outcome, i.status])).toEqual([
      ['R', 'GET /patients/:id', 'p-1', 'success', 200],
      ['R', 'GET /patients/:id', 'missing', 'failure', 404],
      ['C', 'POST /patients', 'p-new', 'success', 201],
      ['U', 'PUT /patients/:id', 'p-1', 'success', 200],
      ['E', 'GET /encounters', 'p-1', 'success', 200],
      ['U', 'POST /encounters/:id/discharge', 'p-1', 'success', 200],
      ['U', 'PUT /config/settings', null, 'success', 200],
    ]);
    expect(mine[0]).toMatchObject({
      actorRoles: ['physician'],
      sourceAddress: expect.stringMatching(/127\.0\.0\.1/),
      eventType: '110110',
      entityType: 'patients',
      entityId: 'p-1',
      correlationId: 'corr-read-1',
    });
    expect(mine[1].detail).toBe('NOT_FOUND');
    expect(mine[4].eventType).toBe('110112');
    expect(mine[6]).toMatchObject({ entityType: 'config/settings', eventType: 'rest' });
    expect(items.some((i) => /health|metrics/.test(i.what))).toBe(false);
  });

  it('records refused tokens as failed user authentications (DICOM 110114) with no actor', async () => {
    const anonymous = jsonApi(svc, {}, { anonymous: true });
    expect((await anonymous('GET', '/patients/p-1')).status).toBe(401);
    const expired = await (await testIssuer()).mint({ sub: 'dr-an', roles: ['physician'], ttlSeconds: -120 });
    expect(
      (await anonymous('GET', '/patients/p-1', undefined, { authorization: `Bearer ${expired}` })).status,
    ).toBe(401);
    const refused = (await trail()).filter((i) => i.eventType === '110114').reverse();
    expect(refused.map((i) => [i.actor, i.action, i.what, i.outcome, i.status, i.detail])).toEqual([
      [null, 'E', 'GET /patients/:id', 'failure', 401, 'MISSING_TOKEN'],
      [null, 'E', 'GET /patients/:id', 'failure', 401, expect.stringMatching(/EXPIRED/)],
    ]);
    // What was attempted is kept: someone without a valid token tried to read patient p-1.
    expect(refused.every((i) => i.patientId === 'p-1')).toBe(true);
  });

  it('lets only auditors read the trail, and records that they did', async () => {
    expect((await doctor('GET', '/audit/events')).status).toBe(403);
    // The refusal is on the trail too, with the verified subject as the actor (AuthGuard.onDenied).
    const denied = (await trail('&actor=dr-an')).filter((i) => i.status === 403);
    expect(denied.map((i) => [i.what, i.outcome, i.detail])).toEqual([
      ['GET /audit/events', 'failure', 'ROLE_REQUIRED'],
    ]);
    await auditor('GET', '/audit/verify');
    const reads = await trail('&actor=auditor-binh');
    expect(reads.map((i) => i.what)).toEqual(
      expect.arrayContaining(['GET /audit/events', 'GET /audit/verify']),
    );
    expect(reads.every((i) => i.eventType === '110101')).toBe(true);
  });

  it('searches by patient, actor, action and time, newest first', async () => {
    const p1 = await trail('&patientId=p-1');
    // Read, update, encounter search, discharge, and the two refused attempts to read p-1.
    expect(p1).toHaveLength(6);
    expect(p1.every((i) => i.patientId === 'p-1')).toBe(true);
    expect(p1.map((i) => Number(i.seq))).toEqual([...p1.map((i) => Number(i.seq))].sort((a, b) => b - a));
    const reads = await trail('&actor=dr-an&action=read');
    expect(reads.map((i) => i.patientId)).toEqual(['missing', 'p-1']);
    expect(await trail('&action=R&actor=dr-an')).toEqual(reads);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await trail(`&from=${encodeURIComponent(future)}`)).toEqual([]);
    const page = await auditor('GET', '/audit/events?actor=dr-an&limit=2&offset=1');
    expect(page.body.items).toHaveLength(2);
    expect((await auditor('GET', '/audit/events?action=peek')).status).toBe(400);
  });

  it('exports a FHIR R4 searchset Bundle of AuditEvents with the patient as entity', async () => {
    const res = await fetch(`${svc.baseUrl}/audit/events.fhir?patientId=p-1`, {
      headers: await authHeader('auditor-binh', ['auditor']),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    const bundle = await res.json();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(bundle.entry.length).toBeGreaterThanOrEqual(5);
    for (const { resource: e, search } of bundle.entry) {
      expect(search).toEqual({ mode: 'match' });
      // R4 cardinalities: type 1..1, recorded 1..1, agent 1..* with requestor 1..1, source.observer 1..1.
      expect(e.resourceType).toBe('AuditEvent');
      expect(e.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
      expect(e.type).toMatchObject({ system: expect.any(String), code: expect.any(String) });
      expect(new Date(e.recorded).toISOString()).toBe(e.recorded);
      expect(['C', 'R', 'U', 'D', 'E']).toContain(e.action);
      expect(['0', '4', '8', '12']).toContain(e.outcome);
      expect(e.agent.length).toBeGreaterThan(0);
      for (const a of e.agent) expect(typeof a.requestor).toBe('boolean');
      expect(e.source.observer.display).toBe('his');
      expect(e.source.site).toBe('79001');
      expect(e.entity).toEqual(
        expect.arrayContaining([expect.objectContaining({ what: { reference: 'Patient/p-1' } })]),
      );
    }
    const read = bundle.entry.find(
      (x: { resource: { action: string } }) => x.resource.action === 'R',
    ).resource;
    expect(read.type).toEqual({
      system: 'http://dicom.nema.org/resources/ontology/DCM',
      code: '110110',
      display: 'Patient Record',
    });
    expect(read.agent[0]).toMatchObject({ who: { identifier: { value: 'dr-an' } }, requestor: true });
  });

  it('keeps the chain intact under concurrent writers (two replicas on one database)', async () => {
    const replica = await bootService(AuditTestModule, definition, { databaseUrl: svc.ctx.databaseUrl });
    try {
      const other = jsonApi(replica, { 'x-actor-id': 'dr-cuong' }, { roles: ['physician'] });
      const results = await Promise.all(
        Array.from({ length: 120 }, (_, i) => (i % 2 ? doctor : other)('GET', `/patients/c-${i}`)),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
    } finally {
      await replica.close();
    }
    const verify = await auditor('GET', '/audit/verify');
    expect(verify.body).toMatchObject({ ok: true });
    const seqs: Array<{ seq: string }> = await asSuperuser(
      svc,
      async (c) => (await c.query(`SELECT seq FROM platform_audit ORDER BY seq`)).rows,
    );
    expect(seqs.map((r) => Number(r.seq))).toEqual(seqs.map((_, i) => i + 1));
    // The verify request itself is recorded after its answer.
    expect(seqs.length).toBeGreaterThanOrEqual(verify.body.checked);
    expect(verify.body.checked).toBeGreaterThan(120);
    expect((await trail('&patientId=c-7')).length).toBe(1);
  });

  it('costs little per request: measured against the same handler unrecorded, and under a burst', async () => {
    const timed = async (path: string) => {
      const t = process.hrtime.bigint();
      expect((await doctor('GET', path)).status).toBe(200);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    /** Append transactions so far: count, seconds, records (the registry is per process). */
    const appends = async () => {
      await auditor('GET', '/audit/verify'); // flushes the queue
      const text = await (await fetch(`${svc.baseUrl}/metrics`)).text();
      const m = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
      return {
        n: m('hosp_audit_append_seconds_count'),
        s: m('hosp_audit_append_seconds_sum'),
        r: m('hosp_audit_batch_records_sum'),
        lost: /^hosp_audit_lost_total\{/m.test(text),
      };
    };
    const perAppend = (a: { n: number; s: number; r: number }, b: { n: number; s: number; r: number }) =>
      `${b.n - a.n} appends, ${(((b.s - a.s) / (b.n - a.n)) * 1000).toFixed(2)} ms and ` +
      `${((b.r - a.r) / (b.n - a.n)).toFixed(1)} records each`;
    const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

    for (let i = 0; i < 50; i++) await Promise.all([timed('/ping'), timed('/ping-unaudited')]); // warm up
    const before = await appends();
    const audited: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < 400; i++) {
      // Interleaved, so drift (GC, other tests on the machine) hits both alike.
      audited.push(await timed('/ping'));
      plain.push(await timed('/ping-unaudited'));
    }
    const sequential = await appends();
    const burst = async (path: string) => {
      const t = process.hrtime.bigint();
      const res = await Promise.all(Array.from({ length: 500 }, () => doctor('GET', path)));
      expect(res.every((r) => r.status === 200)).toBe(true);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    await burst('/ping-unaudited'); // warm up: sockets, the token cache
    const before2 = await appends();
    const auditedBurst = ((await burst('/ping')) + (await burst('/ping'))) / 2;
    const plainBurst = ((await burst('/ping-unaudited')) + (await burst('/ping-unaudited'))) / 2;
    const afterBurst = await appends();
    console.log(
      [
        `sequential GET, 400 each (ms): p50 ${q(audited, 0.5).toFixed(2)} recorded vs ${q(plain, 0.5).toFixed(2)} ` +
          `not, p95 ${q(audited, 0.95).toFixed(2)} vs ${q(plain, 0.95).toFixed(2)}; ${perAppend(before, sequential)}`,
        `500 concurrent GETs: ${auditedBurst.toFixed(0)} ms recorded vs ${plainBurst.toFixed(0)} ms not; ` +
          perAppend(before2, afterBurst),
      ].join('\n'),
    );
    expect(afterBurst.lost).toBe(false);
    expect((await auditor('GET', '/audit/verify')).body).toMatchObject({ ok: true });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows', async () => {
    await asSuperuser(svc, async (c) => {
      await expect(c.query(`UPDATE platform_audit SET actor = 'x' WHERE seq = 1`)).rejects.toThrow(
        /append-only/,
      );
      await expect(c.query(`DELETE FROM platform_audit WHERE seq = 1`)).rejects.toThrow(/append-only/);
      await expect(c.query(`TRUNCATE platform_audit`)).rejects.toThrow(/append-only/);
    });
  });

  it('detects an audit row edited behind the trigger and names the broken seq', async () => {
    expect((await auditor('GET', '/audit/verify')).body).toMatchObject({ ok: true });
    const [read] = await trail('&actor=dr-an&action=R&patientId=p-1');
    await asSuperuser(svc, async (c) => {
      await c.query('ALTER TABLE platform_audit DISABLE TRIGGER ALL');
      await c.query(`UPDATE platform_audit SET patient_id = 'p-someone-else' WHERE seq = $1`, [read.seq]);
      await c.query('ALTER TABLE platform_audit ENABLE TRIGGER ALL');
    });
    const verify = await auditor('GET', '/audit/verify');
    expect(verify.body).toMatchObject({
      ok: false,
      firstBrokenSeq: read.seq,
      checked: Number(read.seq),
      reason: expect.stringMatching(/edited/),
    });
  });
});

describe('audit trail: ATNA syslog over TLS (RFC 5424 / RFC 5425) from a durable cursor', () => {
  let pki: TestPki;
  let collector: TlsSyslogCollector;
  let svc: BootedService;
  let doctor: JsonApi;
  const saved = { ...process.env };

  const head = async (): Promise<number> =>
    asSuperuser(svc, async (c) =>
      Number((await c.query(`SELECT coalesce(max(seq), 0) AS n FROM platform_audit`)).rows[0].n),
    );

  /** Waits until the collector holds every seq from 1 to the current head. */
  const allDelivered = async (what: string) => {
    const want = await head();
    await eventually(async () => {
      const got = new Set(collector.seqs());
      for (let s = 1; s <= want; s++) if (!got.has(s)) return undefined;
      return true;
    }, what);
    return want;
  };

  beforeAll(async () => {
    pki = makeTestPki();
    collector = new TlsSyslogCollector(pki);
    await collector.start();
    process.env['AUDIT_SYSLOG_URL'] = `tls://127.0.0.1:${collector.port}`;
    process.env['AUDIT_SYSLOG_CA'] = pki.caFile;
    process.env['AUDIT_SYSLOG_CERT'] = pki.clientCertFile;
    process.env['AUDIT_SYSLOG_KEY'] = pki.clientKeyFile;
    svc = await bootService(AuditTestModule, definition);
    doctor = jsonApi(svc, { 'x-actor-id': 'dr-an' }, { roles: ['physician'] });
  });

  afterAll(async () => {
    await svc?.close();
    await collector?.stop();
    pki?.remove();
    for (const k of ['AUDIT_SYSLOG_URL', 'AUDIT_SYSLOG_CA', 'AUDIT_SYSLOG_CERT', 'AUDIT_SYSLOG_KEY'])
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
  });

  it('delivers every record as an RFC 5424 message with the DICOM audit message, over mutual TLS', async () => {
    for (let i = 0; i < 5; i++) expect((await doctor('GET', `/patients/s-${i}`)).status).toBe(200);
    // Recorded after each response, so give the writer its moment.
    await eventually(async () => ((await head()) >= 5 ? true : undefined), 'five records');
    const n = await allDelivered('the first records at the collector');
    expect(n).toBeGreaterThanOrEqual(5);
    const first = collector.messages.find((m) => / seq="1"/.test(m))!;
    const [row] = await asSuperuser(
      svc,
      async (c) => (await c.query(`SELECT hash FROM platform_audit WHERE seq = 1`)).rows,
    );
    expect(first).toMatch(
      new RegExp(
        `^<85>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\S+ his \\d+ IHE\\+RFC-3881 ` +
          `\\[hospAudit@32473 seq="1" hash="${row.hash}"\\] \ufeff<\\?xml version="1.0" encoding="UTF-8"\\?><AuditMessage>`,
      ),
    );
    expect(first).toContain(
      '<EventID csd-code="110110" codeSystemName="DCM" originalText="Patient Record"/>',
    );
    expect(first).toContain('UserID="dr-an"');
    expect(first).toContain('ParticipantObjectID="s-0"');
  });

  it('loses nothing while the collector is down, and resumes when it is back', async () => {
    await collector.stop();
    for (let i = 0; i < 8; i++) expect((await doctor('GET', `/patients/down-${i}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    const whileDown = collector.messages.length;
    await collector.start();
    const n = await allDelivered('the records written while the collector was down');
    expect(collector.messages.length).toBeGreaterThan(whileDown);
    expect(collector.messages.some((m) => m.includes('ParticipantObjectID="down-7"'))).toBe(true);
    await eventually(
      async () =>
        asSuperuser(svc, async (c) => {
          const r = await c.query(`SELECT last_seq FROM platform_audit_export WHERE sink = 'syslog'`);
          return Number(r.rows[0].last_seq) >= n ? true : undefined;
        }),
      'the durable cursor to reach the head',
    );
  });
});
