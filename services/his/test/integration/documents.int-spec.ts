import { authHeader } from '@hosp/service-testing';
import type { BootedService } from '@hosp/service-testing';
import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { Client } from 'pg';
import { api, type Api, bootHis, newPatient } from './support/his-fixture';

/**
 * What a signing client does, written independently of the service's code: RFC 8785 canonical JSON of the
 * signed fields (plain objects sorted by key, JSON.stringify for the primitives, no whitespace), its UTF-8
 * bytes signed with the clinician's private key.
 */
function jcs(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${jcs((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

interface Draft {
  documentId: string;
  version: number;
  supersedes: string | null;
  patientId: string;
  encounterId: string | null;
  kind: string;
  title: string;
  content: Record<string, unknown>;
}

type Signer = (bytes: Buffer) => Buffer;
const es256 =
  (key: KeyObject): Signer =>
  (bytes) =>
    sign('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' });

/** The request body for a draft signed by `signer`, and the canonical text the signature covers. */
function signed(d: Draft, keyId: string, signer: Signer) {
  const canonical = jcs({
    documentId: d.documentId,
    version: d.version,
    supersedes: d.supersedes,
    patientId: d.patientId,
    encounterId: d.encounterId,
    kind: d.kind,
    title: d.title,
    content: d.content,
  });
  const signature = signer(Buffer.from(canonical, 'utf8')).toString('base64');
  const body = {
    documentId: d.documentId,
    ...(d.supersedes ? { supersedes: d.supersedes } : {}),
    ...(d.encounterId ? { encounterId: d.encounterId } : {}),
    kind: d.kind,
    title: d.title,
    content: d.content,
    keyId,
    signature,
  };
  return { body, canonical };
}

const PROGRESS_NOTE = {
  subjective: 'Ho khan 3 ngày, sốt nhẹ về chiều',
  objective: { temperature: 37.8, pulse: 88, bp: '120/80', spo2: 0.97 },
  assessment: ['J06.9'],
  plan: 'Paracetamol 500mg khi sốt > 38.5°C; tái khám sau 5 ngày',
};

describe('HIS signed clinical documents', () => {
  let booted: BootedService;
  let call: Api;
  let patientId: string;
  let encounterId: string;
  const doctor = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const doctorPem = doctor.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keyId = `bs-tran-${randomUUID().slice(0, 8)}`;
  const sigBsTran = es256(doctor.privateKey);

  beforeAll(async () => {
    booted = await bootHis();
    call = api(booted);
    const p = await call('POST', '/patients', newPatient());
    expect(p.status).toBe(201);
    patientId = p.body.id;
    const e = await call('POST', '/encounters', {
      patientId,
      encounterClass: 'outpatient',
      departmentCode: 'K01',
    });
    expect(e.status).toBe(201);
    encounterId = e.body.id;
    const k = await call('POST', '/signing-keys', {
      keyId,
      clinicianId: 'bs-tran',
      publicKeyPem: doctorPem,
      algorithm: 'ES256',
    });
    expect(k.status).toBe(201);
    expect(k.body).toMatchObject({ keyId, clinicianId: 'bs-tran', algorithm: 'ES256', revokedAt: null });
  }, 120_000);
  afterAll(() => booted?.close());

  describe('signing keys', () => {
    it('refuses a duplicate key id with 409', async () => {
      const r = await call('POST', '/signing-keys', {
        keyId,
        clinicianId: 'bs-tran',
        publicKeyPem: doctorPem,
        algorithm: 'ES256',
      });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('KEY_EXISTS');
    });

    it.each([
      ['not a PEM', () => 'hello', 'ES256'],
      ['an Ed25519 key registered as ES256', () => pem(generateKeyPairSync('ed25519').publicKey), 'ES256'],
      ['an EC key registered as RS256', () => doctorPem, 'RS256'],
      [
        'a P-384 key registered as ES256',
        () => pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey),
        'ES256',
      ],
      ['a private key', () => doctor.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'ES256'],
    ])('refuses %s with 400 on publicKeyPem', async (_what, key, algorithm) => {
      const r = await call('POST', '/signing-keys', {
        keyId: `k-${randomUUID()}`,
        clinicianId: 'bs-tran',
        publicKeyPem: key(),
        algorithm,
      });
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['publicKeyPem']);
    });

    it('refuses an unknown algorithm with 400', async () => {
      const r = await call('POST', '/signing-keys', {
        keyId: `k-${randomUUID()}`,
        clinicianId: 'bs-tran',
        publicKeyPem: doctorPem,
        algorithm: 'HS256',
      });
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['algorithm']);
    });
  });

  describe('documents', () => {
    let v1: { id: string; documentId: string };
    let v2: { id: string };
    const documentId = randomUUID();

    it('stores a signed version 1 with its canonical bytes, hash and signer, and adds it to the timeline', async () => {
      const { body, canonical } = signed(
        {
          documentId,
          version: 1,
          supersedes: null,
          patientId,
          encounterId,
          kind: 'progress-note',
          title: 'Phiếu theo dõi diễn biến bệnh',
          content: PROGRESS_NOTE,
        },
        keyId,
        sigBsTran,
      );
      const r = await call('POST', `/patients/${patientId}/documents`, body);
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        documentId,
        version: 1,
        supersedes: null,
        supersededBy: null,
        patientId,
        encounterId,
        kind: 'progress-note',
        title: 'Phiếu theo dõi diễn biến bệnh',
        content: PROGRESS_NOTE,
        canonical,
        contentSha256: createHash('sha256').update(canonical, 'utf8').digest('hex'),
        keyId,
        algorithm: 'ES256',
        signerId: 'bs-tran',
        signature: body.signature,
        verified: true,
      });
      v1 = r.body;

      const got = await call('GET', `/documents/${v1.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id: v1.id, content: PROGRESS_NOTE, canonical, verified: true });

      const timeline = (await call('GET', `/patients/${patientId}/timeline`)).body;
      expect(timeline.find((t: { refId: string }) => t.refId === v1.id)).toMatchObject({
        kind: 'document',
        encounterId,
        summary: 'Phiếu theo dõi diễn biến bệnh',
        detail: { documentId, version: 1, supersedes: null, kind: 'progress-note' },
      });
    });

    it('amends it with a signed version 2 that points to version 1', async () => {
      const { body } = signed(
        {
          documentId,
          version: 2,
          supersedes: v1.id,
          patientId,
          encounterId,
          kind: 'progress-note',
          title: 'Phiếu theo dõi diễn biến bệnh (bổ sung)',
          content: { ...PROGRESS_NOTE, addendum: 'Bổ sung: SpO2 đo lại 98%' },
        },
        keyId,
        sigBsTran,
      );
      const r = await call('POST', `/patients/${patientId}/documents`, body);
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        documentId,
        version: 2,
        supersedes: v1.id,
        supersededBy: null,
        verified: true,
      });
      v2 = r.body;

      // Version 1 is unchanged and still verifies; it now knows its successor.
      expect((await call('GET', `/documents/${v1.id}`)).body).toMatchObject({
        version: 1,
        title: 'Phiếu theo dõi diễn biến bệnh',
        supersededBy: v2.id,
        verified: true,
      });
      // The document id answers with the latest version.
      expect((await call('GET', `/documents/${documentId}`)).body).toMatchObject({ id: v2.id, version: 2 });

      const latest = (await call('GET', `/patients/${patientId}/documents`)).body;
      expect(latest.filter((d: { documentId: string }) => d.documentId === documentId)).toEqual([
        expect.objectContaining({ id: v2.id, version: 2 }),
      ]);
      const all = (await call('GET', `/patients/${patientId}/documents?allVersions=true`)).body;
      expect(
        all
          .filter((d: { documentId: string }) => d.documentId === documentId)
          .map((d: { id: string }) => d.id),
      ).toEqual([v1.id, v2.id]);

      const timeline = (await call('GET', `/patients/${patientId}/timeline`)).body;
      expect(timeline.find((t: { refId: string }) => t.refId === v2.id)).toMatchObject({
        kind: 'document',
        detail: { documentId, version: 2, supersedes: v1.id, kind: 'progress-note' },
      });
    });

    it('refuses to amend a version that is no longer the latest with 409 (a concurrent amendment)', async () => {
      const { body } = signed(
        {
          documentId,
          version: 2,
          supersedes: v1.id,
          patientId,
          encounterId,
          kind: 'progress-note',
          title: 'Another amendment of version 1',
          content: PROGRESS_NOTE,
        },
        keyId,
        sigBsTran,
      );
      const r = await call('POST', `/patients/${patientId}/documents`, body);
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'STALE_VERSION', details: { latestId: v2.id, latestVersion: 2 } });
    });

    it('lets only one of two simultaneous amendments of the same version through', async () => {
      const amend = (title: string) =>
        signed(
          {
            documentId,
            version: 3,
            supersedes: v2.id,
            patientId,
            encounterId,
            kind: 'progress-note',
            title,
            content: PROGRESS_NOTE,
          },
          keyId,
          sigBsTran,
        ).body;
      const results = await Promise.all([
        call('POST', `/patients/${patientId}/documents`, amend('Bác sĩ A bổ sung')),
        call('POST', `/patients/${patientId}/documents`, amend('Bác sĩ B bổ sung')),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    it('refuses a new version 1 under an existing document id with 409', async () => {
      const { body } = signed(
        {
          documentId,
          version: 1,
          supersedes: null,
          patientId,
          encounterId: null,
          kind: 'progress-note',
          title: 'Duplicate',
          content: {},
        },
        keyId,
        sigBsTran,
      );
      const r = await call('POST', `/patients/${patientId}/documents`, body);
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('DOCUMENT_EXISTS');
    });

    it('refuses a tampered document or signature with 422 SIGNATURE_INVALID', async () => {
      const draft: Draft = {
        documentId: randomUUID(),
        version: 1,
        supersedes: null,
        patientId,
        encounterId: null,
        kind: 'consent',
        title: 'Giấy cam đoan chấp nhận phẫu thuật',
        content: { procedure: 'Cắt ruột thừa nội soi', consentGiven: true },
      };
      const { body } = signed(draft, keyId, sigBsTran);

      const changedContent = { ...body, content: { ...draft.content, consentGiven: false } };
      const r1 = await call('POST', `/patients/${patientId}/documents`, changedContent);
      expect(r1.status).toBe(422);
      expect(r1.body.code).toBe('SIGNATURE_INVALID');

      const sig = Buffer.from(body.signature, 'base64');
      sig[10] ^= 0x01;
      const r2 = await call('POST', `/patients/${patientId}/documents`, {
        ...body,
        signature: sig.toString('base64'),
      });
      expect(r2.status).toBe(422);
      expect(r2.body.code).toBe('SIGNATURE_INVALID');

      // DER-encoded ECDSA (what OpenSSL and Java produce by default) is not the JOSE form.
      const der = sign('sha256', Buffer.from(jcs(draft), 'utf8'), doctor.privateKey).toString('base64');
      const r3 = await call('POST', `/patients/${patientId}/documents`, { ...body, signature: der });
      expect(r3.status).toBe(422);
      expect(r3.body.message).toContain('P1363');

      // Signed by another key than the one named.
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const forged = signed(draft, keyId, es256(other.privateKey)).body;
      expect((await call('POST', `/patients/${patientId}/documents`, forged)).status).toBe(422);

      // Nothing of it was stored; the untampered request still goes through.
      expect((await call('GET', `/documents/${draft.documentId}`)).status).toBe(404);
      expect((await call('POST', `/patients/${patientId}/documents`, body)).status).toBe(201);
    });

    it('refuses an unknown key with 400 on keyId, and a key of another clinician than the caller', async () => {
      const draft: Draft = {
        documentId: randomUUID(),
        version: 1,
        supersedes: null,
        patientId,
        encounterId: null,
        kind: 'progress-note',
        title: 'x',
        content: {},
      };
      const unknown = await call(
        'POST',
        `/patients/${patientId}/documents`,
        signed(draft, 'no-such-key', sigBsTran).body,
      );
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['keyId']);

      const asSomeoneElse = await call(
        'POST',
        `/patients/${patientId}/documents`,
        signed(draft, keyId, sigBsTran).body,
        { 'x-actor-id': 'dd-nguyen' },
      );
      expect(asSomeoneElse.status).toBe(400);
      expect(asSomeoneElse.body.errors.map((e: { field: string }) => e.field)).toEqual(['keyId']);
    });

    it('verifies Ed25519 and RS256 keys too', async () => {
      for (const [algorithm, pair, signer] of [
        ['Ed25519', generateKeyPairSync('ed25519'), (k: KeyObject) => (b: Buffer) => sign(null, b, k)],
        [
          'RS256',
          generateKeyPairSync('rsa', { modulusLength: 2048 }),
          (k: KeyObject) => (b: Buffer) => sign('sha256', b, k),
        ],
      ] as const) {
        const id = `bs-le-${algorithm}-${randomUUID().slice(0, 8)}`;
        const reg = await call(
          'POST',
          '/signing-keys',
          { keyId: id, clinicianId: 'bs-le', publicKeyPem: pem(pair.publicKey), algorithm },
          { 'x-actor-id': 'bs-le' },
        );
        expect(reg.status).toBe(201);
        const { body } = signed(
          {
            documentId: randomUUID(),
            version: 1,
            supersedes: null,
            patientId,
            encounterId,
            kind: 'radiology-report',
            title: `Kết quả chụp X-quang ngực (${algorithm})`,
            content: { findings: 'Không thấy tổn thương nhu mô phổi', impression: 'Bình thường' },
          },
          id,
          signer(pair.privateKey),
        );
        const r = await call('POST', `/patients/${patientId}/documents`, body, { 'x-actor-id': 'bs-le' });
        expect(r.status).toBe(201);
        expect(r.body).toMatchObject({ algorithm, signerId: 'bs-le', verified: true });
        expect((await call('GET', `/documents/${r.body.id}`)).body.verified).toBe(true);
      }
    });

    it('refuses a revoked key with 422 KEY_REVOKED; what it signed before still verifies', async () => {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const id = `bs-tran-old-${randomUUID().slice(0, 8)}`;
      await call('POST', '/signing-keys', {
        keyId: id,
        clinicianId: 'bs-tran',
        publicKeyPem: pem(pair.publicKey),
        algorithm: 'ES256',
      });
      const draft = (title: string): Draft => ({
        documentId: randomUUID(),
        version: 1,
        supersedes: null,
        patientId,
        encounterId: null,
        kind: 'progress-note',
        title,
        content: { note: title },
      });
      const before = await call(
        'POST',
        `/patients/${patientId}/documents`,
        signed(draft('before'), id, es256(pair.privateKey)).body,
      );
      expect(before.status).toBe(201);

      const revoked = await call('POST', `/signing-keys/${id}/revoke`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(String));
      // Revoking again keeps the first time.
      expect((await call('DELETE', `/signing-keys/${id}`)).body.revokedAt).toBe(revoked.body.revokedAt);

      const after = await call(
        'POST',
        `/patients/${patientId}/documents`,
        signed(draft('after'), id, es256(pair.privateKey)).body,
      );
      expect(after.status).toBe(422);
      expect(after.body.code).toBe('KEY_REVOKED');
      expect((await call('GET', `/documents/${before.body.id}`)).body.verified).toBe(true);
      expect((await call('POST', '/signing-keys/no-such-key/revoke')).status).toBe(404);
    });

    it('refuses an encounter of another patient and content that is not I-JSON, and answers 404 for unknown ids', async () => {
      const other = await call('POST', '/patients', newPatient());
      const otherEncounter = await call('POST', '/encounters', {
        patientId: other.body.id,
        encounterClass: 'outpatient',
        departmentCode: 'K01',
      });
      const draft: Draft = {
        documentId: randomUUID(),
        version: 1,
        supersedes: null,
        patientId,
        encounterId: otherEncounter.body.id,
        kind: 'progress-note',
        title: 'x',
        content: {},
      };
      const r = await call('POST', `/patients/${patientId}/documents`, signed(draft, keyId, sigBsTran).body);
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['encounterId']);

      // A lone surrogate has no UTF-8 form: JSON text can carry it as an escape, JCS refuses it.
      const lone = JSON.stringify({
        ...signed({ ...draft, encounterId: null }, keyId, sigBsTran).body,
        content: { t: 'x' },
      }).replace('"t":"x"', '"t":"\\ud800"');
      const res = await fetch(`${booted.baseUrl}/patients/${patientId}/documents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await authHeader('bs-tran')) },
        body: lone,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(
        ['content'],
      );

      expect((await call('GET', `/documents/${randomUUID()}`)).status).toBe(404);
      expect((await call('GET', `/patients/${randomUUID()}/documents`)).status).toBe(404);
      const noPatient = await call(
        'POST',
        `/patients/${randomUUID()}/documents`,
        signed(draft, keyId, sigBsTran).body,
      );
      expect(noPatient.status).toBe(404);
    });
  });

  describe('append-only storage', () => {
    let db: Client;
    beforeAll(async () => {
      db = new Client({ connectionString: booted.ctx.databaseUrl });
      await db.connect();
    });
    afterAll(() => db?.end());

    async function storeOne(title: string): Promise<string> {
      const { body } = signed(
        {
          documentId: randomUUID(),
          version: 1,
          supersedes: null,
          patientId,
          encounterId: null,
          kind: 'discharge-summary',
          title,
          content: { summary: 'Ra viện, tình trạng ổn định', medications: ['Paracetamol 500mg'] },
        },
        keyId,
        sigBsTran,
      );
      const r = await call('POST', `/patients/${patientId}/documents`, body);
      expect(r.status).toBe(201);
      return r.body.id;
    }

    it('refuses UPDATE and DELETE on his_document from any connection, and the document still verifies', async () => {
      const id = await storeOne('Giấy ra viện');
      await expect(db.query(`UPDATE his_document SET title = 'edited' WHERE id = $1`, [id])).rejects.toThrow(
        /append-only: UPDATE refused/,
      );
      await expect(db.query(`DELETE FROM his_document WHERE id = $1`, [id])).rejects.toThrow(
        /append-only: DELETE refused/,
      );
      expect((await call('GET', `/documents/${id}`)).body).toMatchObject({
        title: 'Giấy ra viện',
        verified: true,
      });
    });

    it('reports verified: false when stored content was changed underneath the trigger', async () => {
      const id = await storeOne('Tóm tắt bệnh án');
      // Only the table owner can do this (it is what a restore from a doctored backup would look like).
      await db.query(`ALTER TABLE his_document DISABLE TRIGGER his_document_append_only`);
      try {
        await db.query(
          `UPDATE his_document SET content = jsonb_set(content, '{summary}', '"Tử vong"') WHERE id = $1`,
          [id],
        );
      } finally {
        await db.query(`ALTER TABLE his_document ENABLE TRIGGER his_document_append_only`);
      }
      expect((await call('GET', `/documents/${id}`)).body).toMatchObject({
        content: { summary: 'Tử vong' },
        verified: false,
      });
    });
  });
});

function pem(k: KeyObject): string {
  return k.export({ type: 'spki', format: 'pem' }).toString();
}
