import { randomUUID } from 'node:crypto';
import { ACCESS_POLICY, type Role } from '@hosp/platform-auth';
import { bootService, type BootedService, jsonApi, TEST_AUDIENCE, testIssuer } from '@hosp/service-testing';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants';
import { AppModule as ClaimsModule } from '../../../services/claims/src/app.module';
import { serviceDefinition as claimsDefinition } from '../../../services/claims/src/service.definition';
import { AppModule as GatewayModule } from '../../../services/integration-gateway/src/app.module';
import { serviceDefinition as gatewayDefinition } from '../../../services/integration-gateway/src/service.definition';
import { AppModule as HisModule } from '../../../services/his/src/app.module';
import { serviceDefinition as hisDefinition } from '../../../services/his/src/service.definition';
import { AppModule as LabModule } from '../../../services/laboratory/src/app.module';
import { serviceDefinition as labDefinition } from '../../../services/laboratory/src/service.definition';
import { AppModule as RisModule } from '../../../services/radiology-orders/src/app.module';
import { serviceDefinition as risDefinition } from '../../../services/radiology-orders/src/service.definition';

/**
 * Authentication and role-based access across the services (security issue): every route but health and
 * metrics needs a bearer token of the configured issuer and audience, validly signed and unexpired (401
 * otherwise, with WWW-Authenticate); each operation is allowed to the roles it declares (403 otherwise):
 * medical validation of a result only by a lab validator, a report signed only by a radiologist, claims only by
 * billing and insurance staff, connections only by integration admins. Every route of every service declares
 * a policy.
 */
describe('access control: tokens and roles', () => {
  let his: BootedService;
  let lab: BootedService;
  let ris: BootedService;
  let claims: BootedService;
  let gateway: BootedService;

  beforeAll(async () => {
    his = await bootService(HisModule, hisDefinition);
    lab = await bootService(LabModule, labDefinition, { sameTopicsAs: his });
    ris = await bootService(RisModule, risDefinition, { sameTopicsAs: his });
    claims = await bootService(ClaimsModule, claimsDefinition, { sameTopicsAs: his });
    gateway = await bootService(GatewayModule, gatewayDefinition, { sameTopicsAs: his });
  }, 240_000);
  afterAll(async () => {
    for (const s of [gateway, claims, ris, lab, his]) await s?.close();
  }, 60_000);

  const as = (booted: BootedService, sub: string, ...roles: Role[]) =>
    jsonApi(booted, { 'x-actor-id': sub }, { roles });

  it('leaves health and metrics open, and refuses everything else without a token', async () => {
    for (const s of [his, lab, ris, claims, gateway]) {
      expect((await fetch(`${s.baseUrl}/health/live`)).status).toBe(200);
      expect((await fetch(`${s.baseUrl}/metrics`)).status).toBe(200);
    }
    const res = await fetch(`${his.baseUrl}/patients?name=Hoa`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="hosp"/);
    expect(await res.json()).toMatchObject({ statusCode: 401, code: 'MISSING_TOKEN' });
  });

  it.each([
    ['of another issuer', { issuer: 'https://evil.test/realms/hosp' }, 'INVALID_TOKEN'],
    ['for another audience', { audience: 'another-app' }, 'INVALID_TOKEN'],
    ['that has expired', { ttlSeconds: -300 }, 'TOKEN_EXPIRED'],
  ])('refuses a token %s with 401', async (_what, over, code) => {
    const token = await (await testIssuer()).mint({ sub: 'bs-tran', roles: ['physician'], ...over });
    const res = await fetch(`${his.baseUrl}/patients?name=Hoa`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await res.json()).code).toBe(code);
  });

  it('refuses a token whose signature was tampered with', async () => {
    const token = await (await testIssuer()).mint({ sub: 'le-tan', roles: ['receptionist'] });
    const [h, p, sig] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, roles: ['auditor'] })).toString('base64url')}.${sig}`;
    const res = await fetch(`${his.baseUrl}/patients?name=Hoa`, {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(res.status).toBe(401);
    expect(TEST_AUDIENCE).toBe(payload.aud);
  });

  it('lets each role do its work and refuses the rest with 403', async () => {
    const reception = as(his, 'le-tan', 'receptionist');
    const patient = await reception('POST', '/patients', {
      citizenId: `079185${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
      fullName: 'Nguyễn Thị Hoa',
      birthDate: '1985-03-12',
      sex: 'female',
    });
    expect(patient.status).toBe(201);
    const encounter = await reception('POST', '/encounters', {
      patientId: patient.body.id,
      encounterClass: 'outpatient',
      departmentCode: 'K01',
    });
    expect(encounter.status).toBe(201);
    // A receptionist neither orders nor reads the clinical timeline.
    const order = await reception('POST', `/encounters/${encounter.body.id}/orders`, {
      orders: [{ serviceCode: 'KB01' }],
    });
    expect(order.status).toBe(403);
    expect(order.body).toMatchObject({
      code: 'ROLE_REQUIRED',
      message: expect.stringContaining('physician'),
    });
    expect((await reception('GET', `/patients/${patient.body.id}/timeline`)).status).toBe(403);
    expect(
      (await as(his, 'bs-tran', 'physician')('GET', `/patients/${patient.body.id}/timeline`)).status,
    ).toBe(200);

    // Medical validation of a result: a lab validator only (the result is unknown: past the guard it is a 404).
    const result = randomUUID();
    expect(
      (await as(lab, 'ktv-an', 'lab-technician')('POST', `/results/${result}/medical-validation`)).status,
    ).toBe(403);
    expect(
      (await as(lab, 'bs-binh', 'lab-validator')('POST', `/results/${result}/medical-validation`)).status,
    ).toBe(404);

    // A report is signed by a radiologist only.
    const report = randomUUID();
    expect(
      (await as(ris, 'ktv-hung', 'radiographer')('POST', `/reports/${report}/finalize`, {})).status,
    ).toBe(403);
    expect((await as(ris, 'bs-minh', 'radiologist')('POST', `/reports/${report}/finalize`, {})).status).toBe(
      404,
    );

    // Claims: billing and insurance staff; connections: integration admins.
    expect((await as(claims, 'bs-tran', 'physician')('GET', '/claims')).status).toBe(403);
    expect((await as(claims, 'ketoan-lan', 'billing-clerk')('GET', '/claims')).status).toBe(200);
    expect((await as(gateway, 'bs-tran', 'physician')('GET', '/connections')).status).toBe(403);
    expect((await as(gateway, 'it-nam', 'integration-admin')('GET', '/connections')).status).toBe(200);
  });

  it('takes the actor from the token subject, whatever header the caller sends', async () => {
    const admin = as(his, 'it-nam', 'integration-admin');
    expect(
      (
        await admin('PUT', '/catalog/services', {
          items: [
            {
              code: 'XN-CBC',
              name: 'Tổng phân tích tế bào máu',
              category: 'laboratory',
              hospitalPrice: '40000',
              insurancePrice: '35000',
              performingDepartment: 'K46',
            },
          ],
        })
      ).status,
    ).toBe(200);
    const doctor = as(his, 'bs-tran', 'physician');
    const patient = await doctor('POST', '/patients', {
      citizenId: `079090${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
      fullName: 'Trần Văn Bình',
      birthDate: '1990-01-01',
      sex: 'male',
    });
    const encounter = await doctor('POST', '/encounters', {
      patientId: patient.body.id,
      encounterClass: 'outpatient',
      departmentCode: 'K01',
    });
    const token = await (await testIssuer()).mint({ sub: 'bs-tran', roles: ['physician'] });
    const res = await fetch(`${his.baseUrl}/encounters/${encounter.body.id}/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-actor-id': 'someone-else',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ orders: [{ serviceCode: 'XN-CBC' }] }),
    });
    expect(res.status).toBe(201);
    expect((await res.json())[0]).toMatchObject({ orderingProviderId: 'bs-tran' });
  });

  it('caps request bodies (413) and turns a flood of refused tokens into 429, valid users unaffected', async () => {
    const big = await as(his, 'le-tan', 'receptionist')('POST', '/patients', {
      fullName: 'x'.repeat(3 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    let last: Response | undefined;
    for (let i = 0; i < 31; i++)
      last = await fetch(`${lab.baseUrl}/specimens`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await as(lab, 'ktv-an', 'lab-technician')('GET', '/specimens')).status).toBe(200);
  });

  it('declares an access policy on every route of every service', () => {
    const undeclared: string[] = [];
    let routes = 0;
    for (const s of [his, lab, ris, claims, gateway]) {
      const scanner = new MetadataScanner();
      for (const wrapper of s.app.get(DiscoveryService).getControllers()) {
        const type = wrapper.metatype as (new (...args: never[]) => object) | null;
        if (!type) continue;
        const classPolicy = Reflect.getMetadata(ACCESS_POLICY, type);
        for (const name of scanner.getAllMethodNames(type.prototype)) {
          const handler = (type.prototype as Record<string, unknown>)[name] as object;
          if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
          routes++;
          if (!classPolicy && !Reflect.getMetadata(ACCESS_POLICY, handler))
            undeclared.push(`${type.name}.${name}`);
        }
      }
    }
    expect(routes).toBeGreaterThan(80);
    expect(undeclared).toEqual([]);
  });
});
