import { fromBinary } from '@bufbuild/protobuf';
import { CareRoute, ClaimSubmissionFailedSchema, ClaimSubmittedSchema, Topics } from '@hosp/contracts';
import { authHeader, eventually, type JsonApi, jsonApi, readEvents } from '@hosp/service-testing';
import { verifyEnveloped } from '@hosp/standards-bhyt-xml';
import { BhxhGatewayClient } from '../../src/submission/application/bhxh-gateway.client';
import {
  bootClaims,
  CLAIMS_CATALOG,
  type ClaimsHarness,
  FACILITY,
  GATEWAY_ACCOUNT,
  newCard,
  OUTPATIENT_LINES,
  publishEpisode,
} from './support/claims-fixture';

/**
 * Claims against the real stack, with the test standing in for HIS, LIS and RIS (their events on Kafka) and the
 * BHXH gateway simulator in place of the insurance agency: a good episode is assembled, validated, signed,
 * checked in and submitted; each kind of bad input is caught with a located error and nothing is sent; a
 * gateway outage loses nothing.
 */
/** The transaction id the simulator gave the episode's claim. */
function transactionOf(h: ClaimsHarness, encounterId: string): string {
  return h.gateway.received.find((d) => d.kind === 'claim' && d.episodeKey === encounterId)!.transactionId!;
}

describe('claims: from the episode events to the insurance gateway', () => {
  let h: ClaimsHarness;
  let call: JsonApi;

  beforeAll(async () => {
    h = await bootClaims({ CLAIMS_SUBMIT_MAX_ATTEMPTS: '3', CLAIMS_WAIT_FOR_FACTS_MS: '6000' });
    call = jsonApi(h.claims, { 'x-actor-id': 'ketoan-lan' });
    expect((await call('PUT', '/catalog/items', { items: CLAIMS_CATALOG })).status).toBe(200);
  }, 180_000);
  afterAll(() => h?.close(), 60_000);

  const claimOf = (encounterId: string, status?: string) =>
    eventually(
      async () => {
        const r = await call('GET', `/encounters/${encounterId}/claim`);
        return r.status === 200 && (!status || r.body.status === status) ? r.body : undefined;
      },
      `the claim of ${encounterId}${status ? ` ${status}` : ''}`,
      60_000,
    );

  it('assembles, signs, checks in and submits an outpatient visit; the receipt is kept', async () => {
    const ep = await publishEpisode(h.claims, { lines: OUTPATIENT_LINES });
    const claim = await claimOf(ep.encounterId, 'submitted');
    expect(claim).toMatchObject({ version: 1, episodeKey: ep.encounterId, errors: [] });

    // Money: 80% card, correct route; amounts recomputed by claims from prices and quantities.
    const tables = (await call('GET', `/claims/${claim.id}/tables`)).body;
    const x1 = tables.XML1[0];
    expect(x1).toMatchObject({
      MA_THE_BHYT: ep.card.number,
      MA_CSKCB: FACILITY,
      MA_BENH_CHINH: 'J06.9',
      MA_LOAI_KCB: '01',
      MA_DOITUONG_KCB: '1.1',
      T_TONGCHI_BV: '586500',
      T_THUOC: '12000',
    });
    // In scope: 34,500 + 35,000 + 480,000 + 12,000 = 561,500; 80% of it is claimed.
    expect(x1.T_TONGCHI_BH).toBe('561500');
    expect(x1.T_BHTT).toBe('449200');
    expect(x1.T_BNCCT).toBe('112300');
    expect(x1.T_BNTT).toBe('25000');
    expect(tables.XML2).toHaveLength(1);
    expect(tables.XML2[0]).toMatchObject({
      MA_THUOC: '40.17',
      TT_THAU: '123/QĐ-SYT;G1;N4;2026',
      LIEU_DUNG: expect.stringContaining('2 lần/ngày'),
    });
    expect(tables.XML3.map((r: Record<string, string>) => r['MA_NHOM'])).toEqual(['13', '1', '2']);
    expect(tables.XML3[1]).toMatchObject({ NGUOI_THUC_HIEN: 'CCHN-0046', MA_DICH_VU: '22.0120.1370' });
    expect(tables.XML4.map((r: Record<string, string>) => r['MA_BS_DOC_KQ']).sort()).toEqual([
      'CCHN-0046',
      'CCHN-0047',
    ]);

    // The signed XML verifies, against the registered certificate only.
    const xml = (
      await fetch(`${h.claims.baseUrl}/claims/${claim.id}/xml`, { headers: await authHeader() })
    ).text();
    expect(verifyEnveloped(await xml, { trustedCertificatesPem: [h.certificatePem] })).toMatchObject({
      ok: true,
    });

    // The gateway got a check-in first, then the claim, and accepted both; the receipt is stored for good.
    const mine = h.gateway.received.filter((d) => d.episodeKey === ep.encounterId);
    expect(mine.map((d) => [d.kind, d.resultCode])).toEqual([
      ['check-in', '200'],
      ['claim', '200'],
    ]);
    expect(mine[1]!.tables['XML1']![0]!['MA_LK']).toBe(ep.encounterId);
    const history = (await call('GET', `/claims/${claim.id}/history`)).body;
    const sent = history.submissions.find((s: { kind: string }) => s.kind === 'claim');
    expect(sent).toMatchObject({ status: 'accepted', transactionId: mine[1]!.transactionId });
    expect(sent.receipts).toEqual([
      expect.objectContaining({ resultCode: '200', transactionId: mine[1]!.transactionId }),
    ]);

    const events = await readEvents(h.claims, Topics.ClaimsClaim, (seen) =>
      seen.some((e) => e.type === ClaimSubmittedSchema.typeName && e.key === ep.patientId),
    );
    const ours = events.filter((e) => e.key === ep.patientId);
    expect(ours.map((e) => e.type.split('.').pop())).toEqual(['ClaimAssembled', 'ClaimSubmitted']);
    expect(fromBinary(ClaimSubmittedSchema, ours[1]!.value)).toMatchObject({
      encounterId: ep.encounterId,
      receiptCode: transactionOf(h, ep.encounterId),
      version: 1,
    });
  }, 120_000);

  it('sends the referral letter (XML13) and the re-exam appointment (XML14) HIS wrote at discharge', async () => {
    const followUpDate = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const ep = await publishEpisode(h.claims, {
      lines: OUTPATIENT_LINES,
      discharge: {
        dischargeType: '2',
        referral: {
          toFacility: '79002',
          reasonCode: '1',
          letterNumber: 'CT-2026/0042',
          clinicalSigns: 'Sốt 39°C, khó thở',
          treatmentDirection: 'Tiếp tục kháng sinh, đánh giá hồi sức',
          transport: 'Xe cứu thương',
          escortName: 'Lê Thị Mai',
          escortTitle: 'Điều dưỡng',
        },
        followUpDate,
        treatmentSummary: 'Kháng sinh 5 ngày, thở oxy',
        dischargedBy: 'CCHN-0001',
      },
    });
    const claim = await claimOf(ep.encounterId, 'submitted');
    const tables = (await call('GET', `/claims/${claim.id}/tables`)).body;
    expect(tables.XML1[0]).toMatchObject({
      MA_LOAI_RV: '2',
      MA_NOI_DEN: '79002',
      GIAY_CHUYEN_TUYEN: 'CT-2026/0042',
      NGAY_TAI_KHAM: followUpDate.replaceAll('-', ''),
      PP_DIEU_TRI: 'Kháng sinh 5 ngày, thở oxy',
    });
    const letter = {
      MA_LK: ep.encounterId,
      SO_CHUYENTUYEN: 'CT-2026/0042',
      MA_CSKCB: FACILITY,
      MA_NOI_DI: FACILITY,
      MA_NOI_DEN: '79002',
      MA_THE_BHYT: ep.card.number,
      MA_LYDO_CT: '1',
      DAU_HIEU_LS: 'Sốt 39°C, khó thở',
      TOMTAT_KQ: expect.stringContaining('Hemoglobin: 128 g/L'),
      PHUONGTIEN_VC: 'Xe cứu thương',
      MA_BAC_SI: 'CCHN-0001',
      MA_TTDV: '7900100001',
    };
    const appointment = {
      MA_LK: ep.encounterId,
      SO_GIAYHEN_KL: ep.encounterId,
      NGAY_HEN_KL: followUpDate.replaceAll('-', ''),
      MA_BENH_CHINH: 'J06.9',
      MA_BAC_SI: 'CCHN-0001',
    };
    expect(tables.XML13).toEqual([expect.objectContaining(letter)]);
    expect(tables.XML14).toEqual([expect.objectContaining(appointment)]);

    // The simulator read both papers back from the signed envelope, checked them against the layout and
    // accepted the claim.
    const sent = h.gateway.received.find((d) => d.kind === 'claim' && d.episodeKey === ep.encounterId)!;
    expect(sent).toMatchObject({ resultCode: '200' });
    expect(Object.keys(sent.tables)).toEqual(['XML1', 'XML2', 'XML3', 'XML4', 'XML13', 'XML14']);
    expect(sent.tables['XML13']).toEqual([expect.objectContaining(letter)]);
    expect(sent.tables['XML14']).toEqual([expect.objectContaining(appointment)]);
  }, 120_000);

  it('resubmits a correction as a new version, keeps the history, and exports the month', async () => {
    const ep = await publishEpisode(h.claims, { lines: OUTPATIENT_LINES });
    const v1 = await claimOf(ep.encounterId, 'submitted');
    const again = await call('POST', `/claims/${v1.id}/resubmit`, { reason: 'bổ sung kết quả cận lâm sàng' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ version: 2, reason: 'bổ sung kết quả cận lâm sàng' });
    const v2 = await eventually(async () => {
      const r = await call('GET', `/claims/${again.body.id}`);
      return r.body.status === 'submitted' ? r.body : undefined;
    }, 'version 2 submitted');
    const history = (await call('GET', `/claims/${v2.id}/history`)).body;
    expect(history.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [1, 'submitted'],
      [2, 'submitted'],
    ]);
    expect(history.submissions.filter((s: { kind: string }) => s.kind === 'claim')).toHaveLength(2);
    expect((await call('POST', `/claims/${v1.id}/resubmit`, { reason: 'again' })).body.code).toBe(
      'NOT_LATEST',
    );

    const month = v2.settlementMonth as string;
    const exported = (await call('GET', `/exports/monthly/${month}`)).body;
    const mine = exported.claims.filter((c: { encounterId: string }) => c.encounterId === ep.encounterId);
    expect(mine).toEqual([expect.objectContaining({ version: 2, envelopeBase64: expect.any(String) })]);
    expect((await call('GET', '/exports/monthly/2026-13')).status).toBe(400);
    expect(
      (await call('GET', `/claims?status=submitted&month=${month}&limit=500`)).body.map(
        (c: { id: string }) => c.id,
      ),
    ).toContain(v2.id);
  }, 120_000);

  it('the gateway refuses a tampered claim: its signature no longer verifies', async () => {
    const ep = await publishEpisode(h.claims, { lines: OUTPATIENT_LINES });
    const claim = await claimOf(ep.encounterId, 'submitted');
    const xml = await (
      await fetch(`${h.claims.baseUrl}/claims/${claim.id}/xml`, { headers: await authHeader() })
    ).text();
    const tampered = xml.replace(/<NGAYLAP>(\d+)<\/NGAYLAP>/, '<NGAYLAP>20200101</NGAYLAP>');
    expect(tampered).not.toBe(xml);
    const client = new BhxhGatewayClient({
      ...GATEWAY_ACCOUNT,
      baseUrl: h.gateway.url,
      provinceCode: '79',
      facilityCode: FACILITY,
    });
    const answer = await client.send('claim', tampered);
    expect(answer).toMatchObject({
      outcome: 'rejected',
      resultCode: '400',
      message: expect.stringContaining('DIGEST_MISMATCH'),
    });
  }, 120_000);

  it('waits for charges that arrive after the close, then builds the claim', async () => {
    const ep = await publishEpisode(h.claims, { lines: OUTPATIENT_LINES, closeBeforeLastCharge: true });
    const claim = await claimOf(ep.encounterId, 'submitted');
    expect((await call('GET', `/claims/${claim.id}/tables`)).body.XML1[0].T_TONGCHI_BV).toBe('586500');
  }, 120_000);

  it.each([
    [
      'an expired card',
      {
        card: {
          number: newCard(4),
          validFrom: '2025-01-01',
          validTo: '2025-06-30',
          registrationFacility: FACILITY,
        },
      },
      { table: 'XML3', row: 1, field: 'NGAY_YL', code: 'CARD_EXPIRED' },
    ],
    [
      'a visit on the correct route with a card registered elsewhere and no referral',
      {
        card: {
          number: newCard(4),
          validFrom: '2026-01-01',
          validTo: '2026-12-31',
          registrationFacility: '01001',
          route: CareRoute.CORRECT,
        },
      },
      { table: 'XML1', row: 1, field: 'MA_NOI_DI', code: 'WRONG_ROUTE' },
    ],
    [
      'a missing diagnosis',
      { mainDiagnosis: '' },
      { table: 'XML1', row: 1, field: 'MA_BENH_CHINH', code: 'MISSING_DIAGNOSIS' },
    ],
    [
      'a service without a BHYT price',
      { lines: [OUTPATIENT_LINES[0]!, { ...OUTPATIENT_LINES[2]!, insurancePrice: '' }] },
      { table: 'XML3', row: 2, field: 'DON_GIA_BH', code: 'NO_INSURANCE_PRICE' },
    ],
  ])(
    'catches %s with a located error and sends nothing',
    async (_what, spec, expected) => {
      const ep = await publishEpisode(h.claims, { lines: OUTPATIENT_LINES, ...spec });
      const claim = await claimOf(ep.encounterId, 'invalid');
      const report = (await call('GET', `/claims/${claim.id}/validation`)).body;
      expect(report.valid).toBe(false);
      expect(report.errors).toContainEqual(
        expect.objectContaining({ ...expected, reason: expect.any(String) }),
      );
      expect((await call('GET', `/claims/${claim.id}/xml`)).status).toBe(409);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(h.gateway.received.filter((d) => d.kind === 'claim' && d.episodeKey === ep.encounterId)).toEqual(
        [],
      );
    },
    120_000,
  );

  it('waits for the results of its orders, and after the grace period builds anyway, showing what is missing', async () => {
    const ep = await publishEpisode(h.claims, { lines: OUTPATIENT_LINES, results: false });
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await call('GET', `/encounters/${ep.encounterId}/claim`)).status).toBe(404);
    const claim = await claimOf(ep.encounterId, 'invalid');
    expect(claim.errors).toContainEqual(
      expect.objectContaining({ table: 'XML3', row: 2, field: 'NGUOI_THUC_HIEN' }),
    );
  }, 120_000);

  it('keeps a claim through a gateway outage and sends it when the gateway answers again', async () => {
    h.gateway.failNext(2);
    const ep = await publishEpisode(h.claims, { lines: OUTPATIENT_LINES });
    const claim = await claimOf(ep.encounterId, 'submitted');
    const history = (await call('GET', `/claims/${claim.id}/history`)).body;
    const all = history.submissions.flatMap((s: { receipts: { httpStatus: number }[] }) => s.receipts);
    expect(all.filter((r: { httpStatus: number }) => r.httpStatus === 503)).toHaveLength(2);
  }, 120_000);

  it('parks a claim the gateway refuses to take, and re-sends it once requeued', async () => {
    await h.gateway.stop();
    const ep = await publishEpisode(h.claims, { lines: OUTPATIENT_LINES });
    const parked = await claimOf(ep.encounterId, 'parked');
    const failed = await readEvents(h.claims, Topics.ClaimsClaim, (seen) =>
      seen.some((e) => e.type === ClaimSubmissionFailedSchema.typeName && e.key === ep.patientId),
    );
    const event = failed.find(
      (e) => e.type === ClaimSubmissionFailedSchema.typeName && e.key === ep.patientId,
    )!;
    expect(fromBinary(ClaimSubmissionFailedSchema, event.value)).toMatchObject({
      encounterId: ep.encounterId,
      outcome: 'parked',
      message: expect.stringContaining('unreachable'),
    });
    await h.gateway.start();
    const history = (await call('GET', `/claims/${parked.id}/history`)).body;
    for (const s of history.submissions.filter((x: { status: string }) => x.status === 'parked'))
      expect((await call('POST', `/submissions/${s.id}/requeue`)).status).toBe(202);
    await claimOf(ep.encounterId, 'submitted');
  }, 120_000);
});
