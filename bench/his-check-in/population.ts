import { parseBhytCard, parseCitizenId, parseRegistrationFacilityCode } from '@hosp/standards-bhyt';

/**
 * Synthetic patients with identifiers the HIS accepts, each distinct:
 * - CCCD (TT 07/2016/TT-BCA): 3-digit province of birth registration ('001' Hà Nội or '079' Hồ Chí Minh),
 *   the sex/century digit (0 male / 1 female born in the 1900s, 2 / 3 in the 2000s), the 2-digit birth year
 *   and a 6-digit serial (the patient's index, so no two patients share a number). The sex and birth date
 *   given with it agree with what it encodes, as the HIS checks;
 * - BHYT card (QĐ 1351/QĐ-BHXH): group + benefit digit as the group usually carries it (DN4 employees, GD4
 *   household members, HT3 pensioners), the 2-digit province of the issuing office ('01' or '79', the same
 *   province as the CCCD) and a 10-digit BHXH number (province + the index); valid for 2026, registered at
 *   79001 (this hospital: a correct-route visit);
 * - Vietnamese names in NFC UTF-8: family + middle + given name, the middle and given names by sex.
 */

export const CARD_WINDOW = { validFrom: '2026-01-01', validTo: '2026-12-31', registrationFacility: '79001' };

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
];
const MIDDLE = {
  male: ['Văn', 'Đức', 'Minh', 'Quốc', 'Hữu', 'Công', 'Thành', 'Xuân', 'Gia'],
  female: ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Mỹ', 'Bảo', 'Diệu', 'Hồng'],
};
const GIVEN = {
  male: [
    'An',
    'Bình',
    'Cường',
    'Dũng',
    'Hùng',
    'Khoa',
    'Long',
    'Nam',
    'Phúc',
    'Quang',
    'Sơn',
    'Tuấn',
    'Việt',
  ],
  female: ['Anh', 'Chi', 'Hà', 'Hằng', 'Hoa', 'Hương', 'Lan', 'Linh', 'Mai', 'Ngọc', 'Phương', 'Thảo', 'Vy'],
};
const STREETS = [
  'Nguyễn Trãi',
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Hai Bà Trưng',
  'Điện Biên Phủ',
  'Cách Mạng Tháng Tám',
];

export type Sex = 'male' | 'female';

export interface SyntheticPatient {
  index: number;
  citizenId: string;
  fullName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: Sex;
  cardNumber: string;
  provinceCode: string;
  addressLine: string;
  phone: string;
}

/** mulberry32: a small seeded PRNG, so a seed gives the same population and the same mix every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)];
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Patient number `index` (0 .. 999 999) of the population; `random` draws names, dates and groups. */
export function syntheticPatient(index: number, random: () => number): SyntheticPatient {
  if (!Number.isInteger(index) || index < 0 || index > 999_999)
    throw new RangeError(`patient index ${index} does not fit the 6-digit CCCD serial`);
  const sex: Sex = random() < 0.5 ? 'male' : 'female';
  // Adults and teenagers, 1940-2008: both centuries of the CCCD's sex/century digit occur.
  const birthYear = 1940 + Math.floor(random() * 69);
  const birthDate = `${birthYear}-${pad(1 + Math.floor(random() * 12), 2)}-${pad(1 + Math.floor(random() * 28), 2)}`;
  const hcmc = random() < 0.7;
  const cccdProvince = hcmc ? '079' : '001';
  const provinceCode = hcmc ? '79' : '01';
  const sexCenturyDigit = (birthYear >= 2000 ? 2 : 0) + (sex === 'female' ? 1 : 0);
  const citizenId = `${cccdProvince}${sexCenturyDigit}${pad(birthYear % 100, 2)}${pad(index, 6)}`;
  // Pensioners (60 and over in 2026) carry HT3; one in five of the others a household card GD4; the rest DN4.
  const group = birthYear <= 1966 ? 'HT3' : random() < 0.2 ? 'GD4' : 'DN4';
  const cardNumber = `${group}${provinceCode}${provinceCode}${pad(index, 8)}`;
  const fullName =
    `${pick(FAMILY, random)} ${pick(MIDDLE[sex], random)} ${pick(GIVEN[sex], random)}`.normalize('NFC');
  return {
    index,
    citizenId,
    fullName,
    birthDate,
    sex,
    cardNumber,
    provinceCode,
    addressLine: `Số ${1 + Math.floor(random() * 300)} ${pick(STREETS, random)}`,
    phone: `09${pad(index, 8)}`,
  };
}

/**
 * Checks a patient with the HIS's own rules (libs/standards/bhyt) before anything is sent, and throws on the
 * first problem: the bench must measure check-ins, not the HIS refusing a badly made identifier.
 */
export function assertValid(p: SyntheticPatient): void {
  const problem = (what: string) => new Error(`synthetic patient ${p.index} (${p.fullName}): ${what}`);
  const id = parseCitizenId(p.citizenId);
  if (!id.ok) throw problem(`CCCD ${p.citizenId} refused: ${id.reason} (${id.code})`);
  if (id.kind !== 'cccd') throw problem(`CCCD ${p.citizenId} read as a ${id.kind}`);
  if (id.sex !== p.sex) throw problem(`CCCD ${p.citizenId} encodes sex ${id.sex}, the patient is ${p.sex}`);
  if (String(id.birthYear) !== p.birthDate.slice(0, 4))
    throw problem(
      `CCCD ${p.citizenId} encodes birth year ${id.birthYear}, the patient was born ${p.birthDate}`,
    );
  const card = parseBhytCard(p.cardNumber);
  if (!card.ok) throw problem(`BHYT card ${p.cardNumber} refused: ${card.reason} (${card.code})`);
  if (card.kind !== 'full' || card.value !== p.cardNumber)
    throw problem(`BHYT card ${p.cardNumber} is not read as a full 15-character card code`);
  if (card.benefitDigitUnusualForGroup)
    throw problem(
      `BHYT card ${p.cardNumber}: benefit digit ${card.benefitDigit} is unusual for ${card.group}`,
    );
  const facility = parseRegistrationFacilityCode(CARD_WINDOW.registrationFacility);
  if (!facility.ok) throw problem(`registration facility refused: ${facility.reason}`);
  if (p.fullName !== p.fullName.normalize('NFC')) throw problem('name is not NFC');
}

/** What a returning patient's record was created with (POST /patients, before the runs). */
export function registration(p: SyntheticPatient) {
  return {
    citizenId: p.citizenId,
    fullName: p.fullName,
    birthDate: p.birthDate,
    sex: p.sex,
    address: { line: p.addressLine, provinceCode: p.provinceCode },
    ethnicityCode: '01',
    nationalityCode: '704',
    phone: p.phone,
    insuranceCard: { cardNumber: p.cardNumber, ...CARD_WINDOW },
  };
}

export type VisitKind = 'first visit' | 'returning, card' | 'returning, CCCD';

/**
 * A check-in as the kiosk sends it. A first visit carries what the chip CCCD and the card give (demographics,
 * card window): the HIS finds no one and registers the patient. A returning patient scans the BHYT card or
 * the CCCD only.
 */
export function checkInBody(p: SyntheticPatient, kind: VisitKind, roomCode: string) {
  const visit = { roomCode, departmentCode: 'K01', examServiceCode: 'KB01' };
  if (kind === 'returning, card') return { cardNumber: p.cardNumber, ...visit };
  if (kind === 'returning, CCCD') return { citizenId: p.citizenId, ...visit };
  const { citizenId, insuranceCard, ...demographics } = registration(p);
  return {
    citizenId,
    cardNumber: insuranceCard.cardNumber,
    card: CARD_WINDOW,
    patient: demographics,
    ...visit,
  };
}
