import { checkCardValidity } from '@hosp/standards-bhyt';
import { checkRows, layoutFor, tableDef, writeTable } from '@hosp/standards-bhyt-xml';
import type { ChargeFact, CoveragePeriod, EpisodeFacts, PatientFacts } from '../../episodes/domain/episode';
import type { ClaimsFacility, Row } from './assemble';
import type { SignDocument } from './build-claim';
import { birthDateTime, isoToXmlDate, vietnamDay, xmlDateTime } from './formats';
import type { ClaimProblem } from './problem';

/**
 * The check-in table ("XML0", CHI_TIEU_TRANG_THAI_KCB, the spec §1.6): sent right after the first cost of the
 * visit arises, naming that first item (exactly one of service, drug or supply, with its name). It is a status
 * notice, not a basis for payment, and MA_DOITUONG_KCB is provisional. The document carries its own signature
 * in its trailing CHUKYDONVI (§1.2, §1.3).
 */
export function buildCheckIn(
  e: Pick<EpisodeFacts, 'episodeKey' | 'encounterClass' | 'visitType' | 'startedAt'>,
  patient: PatientFacts,
  coverage: CoveragePeriod,
  first: ChargeFact,
  facility: ClaimsFacility,
  sign: SignDocument,
): { ok: true; xml: string; row: Row } | { ok: false; problems: ClaimProblem[] } {
  const layout = layoutFor(vietnamDay(first.postedAt));
  if (!layout.ok)
    return {
      ok: false,
      problems: [{ table: 'XML0', row: 0, field: 'MA_LK', code: 'NO_LAYOUT', reason: layout.reason }],
    };
  // A card that does not cover the first service makes the whole notice wrong: nothing is sent.
  const validity = checkCardValidity(coverage.cardNumber, {
    validFrom: coverage.validFrom,
    validTo: coverage.validTo,
    onDate: vietnamDay(first.postedAt),
  });
  if (!validity.usable)
    return {
      ok: false,
      problems: [
        {
          table: 'XML0',
          row: 1,
          field: 'GT_THE_DEN',
          code: `CARD_${validity.code}`,
          reason: validity.reason,
        },
      ],
    };
  const inpatientLike = e.encounterClass === 'inpatient' || e.encounterClass === 'day-treatment';
  const item: Row =
    first.itemType === 'drug'
      ? { MA_THUOC: first.itemCode, TEN_THUOC: first.itemName }
      : first.itemType === 'supply'
        ? { MA_VAT_TU: first.itemCode, TEN_VAT_TU: first.itemName }
        : { MA_DICH_VU: first.itemCode, TEN_DICH_VU: first.itemName };
  const row: Row = {
    MA_LK: e.episodeKey,
    STT: '1',
    MA_BN: patient.patientCode,
    HO_TEN: patient.fullName,
    SO_CCCD: patient.citizenId,
    NGAY_SINH: birthDateTime(patient.birthDate),
    GIOI_TINH: patient.sex === 'male' ? '1' : patient.sex === 'female' ? '2' : '3',
    MA_THE_BHYT: coverage.cardNumber,
    MA_DKBD: coverage.registrationFacility,
    GT_THE_TU: isoToXmlDate(coverage.validFrom),
    GT_THE_DEN: isoToXmlDate(coverage.validTo),
    MA_DOITUONG_KCB:
      coverage.route === 'emergency'
        ? '2'
        : coverage.route === 'off-route'
          ? '3.1'
          : coverage.registrationFacility === facility.code
            ? '1.1'
            : '1.3',
    NGAY_VAO: xmlDateTime(e.startedAt),
    NGAY_VAO_NOI_TRU: inpatientLike ? xmlDateTime(e.startedAt) : '',
    LY_DO_VNT: inpatientLike ? 'Vào điều trị' : '',
    MA_LOAI_KCB: e.visitType,
    MA_CSKCB: facility.code,
    ...item,
    NGAY_YL: xmlDateTime(first.orderedAt ?? first.postedAt),
  };
  const def = tableDef(layout.layout, 'XML0');
  const problems = checkRows(def, [row]);
  if (problems.length) return { ok: false, problems };
  const signed = sign(writeTable(def, [row]));
  if (!signed.ok)
    return {
      ok: false,
      problems: [{ table: 'XML0', row: 0, field: 'CHUKYDONVI', code: signed.code, reason: signed.reason }],
    };
  return { ok: true, xml: signed.xml, row };
}
