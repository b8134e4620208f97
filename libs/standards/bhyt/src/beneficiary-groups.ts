/**
 * BHYT card characters 1–2: the beneficiary-group code (mã đối tượng), QĐ 1351/QĐ-BHXH (2015) as amended by
 * QĐ 1018/QĐ-BHXH (2024). The list of codes and the benefit digit each group usually carries are those of
 * spec §2.1 and the §2.2 table ([C/S]: from a third-party rules engine, "verify before go-live"; spec §7).
 *
 * `benefitDigits` is what the card's character 3 usually shows for the group; the card itself is authoritative
 * (spec §2.2 lists CN under both 3 and 2 because of the 2026 change, see `effectiveBenefitDigit`).
 *
 * Labels: the spec gives meanings only for some groups (children under 6, revolutionary contributors, poor and
 * near-poor households, pupils, students, army/police/cipher, pensioners, employees, civil servants, people
 * over 75 on social pension). The other labels are the commonly published meanings of QĐ 1351 [I]; where we
 * could not establish a meaning, `en`/`vi` are null rather than a guess.
 */
export const BENEFICIARY_GROUPS = {
  // Benefit digit 1 (spec §2.2)
  CC: g([1], 'Người có công với cách mạng', 'Person with meritorious service to the revolution'),
  TE: g([1], 'Trẻ em dưới 6 tuổi', 'Child under 6'),
  // Benefit digit 2
  CK: g([2], null, null),
  CB: g([2], 'Cựu chiến binh', 'Veteran'),
  KC: g([2], null, null),
  HN: g([2], 'Người thuộc hộ gia đình nghèo', 'Member of a poor household'),
  DT: g(
    [2],
    'Người dân tộc thiểu số sống ở vùng có điều kiện kinh tế - xã hội khó khăn',
    'Ethnic-minority resident of a disadvantaged area',
  ),
  DK: g(
    [2],
    'Người sống ở vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn',
    'Resident of an extremely disadvantaged area',
  ),
  XD: g([2], 'Người sống ở xã đảo, huyện đảo', 'Resident of an island commune or district'),
  BT: g(
    [2],
    'Người hưởng trợ cấp bảo trợ xã hội hằng tháng',
    'Recipient of a monthly social-protection allowance',
  ),
  TS: g([2], null, null),
  AK: g([2], null, null),
  CT: g([2], null, null),
  LH: g(
    [4, 2],
    'Người từ đủ 75 tuổi trở lên hưởng trợ cấp hưu trí xã hội',
    'Person aged 75 or over on a social pension',
  ),
  // Benefit digit 3 (CN moved to 2 from 01/01/2026)
  HT: g(
    [3],
    'Người hưởng lương hưu, trợ cấp mất sức lao động hằng tháng',
    'Pensioner or recipient of a monthly incapacity allowance',
  ),
  TC: g([3], null, null),
  CN: g([3, 2], 'Người thuộc hộ gia đình cận nghèo', 'Member of a near-poor household'),
  PV: g([3], 'Người phục vụ người có công với cách mạng', 'Carer of a person with meritorious service'),
  TG: g([3], null, null),
  DS: g([3], null, null),
  HK: g([3], null, null),
  // Benefit digit 4
  DN: g([4], 'Người lao động làm việc trong doanh nghiệp', 'Employee of an enterprise'),
  HX: g([4], 'Người lao động làm việc trong hợp tác xã', 'Employee of a cooperative'),
  CH: g(
    [4],
    'Người lao động làm việc trong cơ quan nhà nước, đơn vị sự nghiệp',
    'Employee of a state agency or public service unit',
  ),
  NN: g(
    [4],
    'Người lao động làm việc cho cơ quan, tổ chức nước ngoài, tổ chức quốc tế',
    'Employee of a foreign or international organisation',
  ),
  TK: g([4], 'Người lao động làm việc trong các tổ chức khác', 'Employee of another organisation'),
  HC: g([4], 'Cán bộ, công chức, viên chức', 'Civil servant or public employee'),
  XK: g([4], 'Người hoạt động không chuyên trách ở cấp xã', 'Part-time commune official'),
  TB: g(
    [4],
    'Người hưởng trợ cấp hằng tháng do tai nạn lao động, bệnh nghề nghiệp',
    'Recipient of a monthly occupational accident or disease allowance',
  ),
  NO: g([4], 'Người nghỉ việc hưởng chế độ ốm đau dài ngày', 'Person on long-term sickness benefit'),
  XB: g(
    [4],
    'Cán bộ cấp xã đã nghỉ việc hưởng trợ cấp bảo hiểm xã hội hằng tháng',
    'Retired commune official on a monthly social-insurance allowance',
  ),
  TN: g([4], 'Người hưởng trợ cấp thất nghiệp', 'Recipient of unemployment benefit'),
  CS: g(
    [4],
    'Công nhân cao su nghỉ việc hưởng trợ cấp hằng tháng',
    'Retired rubber worker on a monthly allowance',
  ),
  XN: g(
    [4],
    'Cán bộ cấp xã đã nghỉ việc hưởng trợ cấp hằng tháng từ ngân sách nhà nước',
    'Retired commune official on a monthly state-budget allowance',
  ),
  MS: g(
    [4],
    'Người đã thôi hưởng trợ cấp mất sức lao động, hưởng trợ cấp hằng tháng từ ngân sách nhà nước',
    'Former incapacity-allowance recipient on a monthly state-budget allowance',
  ),
  HD: g(
    [4],
    'Đại biểu Quốc hội, đại biểu Hội đồng nhân dân',
    "Deputy of the National Assembly or a People's Council",
  ),
  TQ: g([4], 'Thân nhân của quân nhân', 'Dependant of military personnel'),
  TA: g([4], 'Thân nhân của công an nhân dân', 'Dependant of public-security personnel'),
  TY: g([4], 'Thân nhân của người làm công tác cơ yếu', 'Dependant of cipher personnel'),
  HG: g([4], 'Người đã hiến bộ phận cơ thể người', 'Organ donor'),
  LS: g(
    [4],
    'Người nước ngoài học tập tại Việt Nam được cấp học bổng từ ngân sách nhà nước',
    'Foreign student on a Vietnamese state scholarship',
  ),
  HS: g([4], 'Học sinh', 'Pupil'),
  SV: g([4], 'Sinh viên', 'Student'),
  GB: g(
    [4],
    'Người thuộc hộ gia đình làm nông, lâm, ngư, diêm nghiệp có mức sống trung bình',
    'Member of an average-income farming, forestry, fishery or salt-making household',
  ),
  GD: g([4], 'Người tham gia theo hộ gia đình', 'Household-based participant'),
  ND: g([4], null, null),
  TH: g([4], null, null),
  TV: g([4], null, null),
  TD: g([4], null, null),
  TU: g([4], null, null),
  BA: g([4], null, null),
  // Benefit digit 5
  QN: g([5], 'Quân nhân', 'Military personnel'),
  CA: g([5], 'Công an nhân dân', 'Public-security personnel'),
  CY: g([5], 'Người làm công tác cơ yếu', 'Cipher personnel'),
} as const;

export type BeneficiaryGroupCode = keyof typeof BENEFICIARY_GROUPS;

export interface BeneficiaryGroup {
  readonly benefitDigits: readonly BenefitDigit[];
  readonly vi: string | null;
  readonly en: string | null;
}

export type BenefitDigit = 1 | 2 | 3 | 4 | 5;

function g(benefitDigits: readonly BenefitDigit[], vi: string | null, en: string | null): BeneficiaryGroup {
  return { benefitDigits, vi, en };
}

export function isBeneficiaryGroupCode(code: string): code is BeneficiaryGroupCode {
  return Object.prototype.hasOwnProperty.call(BENEFICIARY_GROUPS, code);
}

/**
 * Groups whose cards BHXH of the Ministry of Defence / of Public Security may issue and that may not be
 * verifiable online (spec §2.1, [P*]): QN, HC, LS, XK, CY, CA. For these, GT_THE_TU/DEN come from the card.
 */
export const POSSIBLY_UNVERIFIABLE_GROUPS: readonly BeneficiaryGroupCode[] = [
  'QN',
  'HC',
  'LS',
  'XK',
  'CY',
  'CA',
];
