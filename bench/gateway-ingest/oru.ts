/**
 * The analyzer's side of the bench: a chemistry panel of 15 tests (a cobas c311-like analyzer of a Vietnamese
 * hospital lab, application codes as device codes), and ORU^R01 v2.5.1 messages reporting it, as the
 * analyzer sends them: UTF-8 with Vietnamese names, one specimen per message, original-mode acknowledgment
 * (MSH-15/16 empty, so the gateway answers AA), one distinct MSH-10 per message.
 *
 * The same panel configures every side: the gateway's code map (device code -> service), LIS's test
 * definitions (unit, reference range, auto-verification inside the range) and HIS's service catalogue. Values
 * are drawn inside the reference range, so LIS auto-verifies every result and it reaches the HIS timeline.
 *
 * No dependency beyond Node: the load client's worker thread builds its messages with this module.
 */

export interface PanelTest {
  /** OBX-3.1 as the analyzer sends it; the gateway's code map key. */
  deviceCode: string;
  deviceName: string;
  /** HIS service catalogue code (what HIS orders and LIS defines). */
  serviceCode: string;
  serviceName: string;
  loinc: string;
  /** UCUM, the same on the device and in LIS. */
  unit: string;
  low: number;
  high: number;
  decimals: number;
  criticalLow: number | null;
  criticalHigh: number | null;
}

const t = (
  deviceCode: string,
  deviceName: string,
  serviceCode: string,
  serviceName: string,
  loinc: string,
  unit: string,
  low: number,
  high: number,
  decimals: number,
  criticalLow: number | null = null,
  criticalHigh: number | null = null,
): PanelTest => ({
  deviceCode,
  deviceName,
  serviceCode,
  serviceName,
  loinc,
  unit,
  low,
  high,
  decimals,
  criticalLow,
  criticalHigh,
});

/** Glucose first: the end-to-end run orders the first `--e2e-tests` of these on each specimen. */
export const PANEL: readonly PanelTest[] = [
  t('767', 'GLUC3', 'XN-GLU', 'Định lượng Glucose', '2345-7', 'mmol/L', 3.9, 6.4, 1, 2.5, 25),
  t('418', 'UREAL', 'XN-URE', 'Định lượng Urê', '22664-7', 'mmol/L', 2.5, 7.5, 1, null, 35),
  t('690', 'CREJ2', 'XN-CRE', 'Định lượng Creatinin', '14682-9', 'umol/L', 62, 106, 0, null, 700),
  t('678', 'UA2', 'XN-URI', 'Định lượng Acid Uric', '14933-6', 'umol/L', 202, 416, 0),
  t('798', 'CHOL2', 'XN-CHO', 'Định lượng Cholesterol toàn phần', '14647-2', 'mmol/L', 3.9, 5.2, 1),
  t('781', 'TRIGL', 'XN-TRI', 'Định lượng Triglycerid', '14927-8', 'mmol/L', 0.46, 1.88, 2),
  t('454', 'HDLC4', 'XN-HDL', 'Định lượng HDL-C', '14646-4', 'mmol/L', 0.9, 2, 2),
  t('452', 'LDLC3', 'XN-LDL', 'Định lượng LDL-C', '22748-8', 'mmol/L', 1, 3.4, 2),
  t('587', 'ASTL', 'XN-AST', 'Đo hoạt độ AST (GOT)', '1920-8', 'U/L', 5, 37, 0, null, 1000),
  t('685', 'ALTL', 'XN-ALT', 'Đo hoạt độ ALT (GPT)', '1742-6', 'U/L', 5, 40, 0, null, 1000),
  t('519', 'GGT-2', 'XN-GGT', 'Đo hoạt độ GGT', '2324-2', 'U/L', 11, 50, 0),
  t('462', 'BILT3', 'XN-BIT', 'Định lượng Bilirubin toàn phần', '14631-6', 'umol/L', 3.4, 17, 1),
  t('463', 'BILD2', 'XN-BID', 'Định lượng Bilirubin trực tiếp', '14629-0', 'umol/L', 0.5, 4.3, 1),
  t('457', 'TP2', 'XN-PRO', 'Định lượng Protein toàn phần', '2885-2', 'g/L', 64, 83, 0),
  t('413', 'ALB2', 'XN-ALB', 'Định lượng Albumin', '1751-7', 'g/L', 35, 52, 0),
];

/** The gateway connection's code map for the panel. */
export function codeMap() {
  return PANEL.map((p) => ({
    deviceCode: p.deviceCode,
    serviceCode: p.serviceCode,
    serviceName: p.serviceName,
    loinc: p.loinc,
    deviceUnit: p.unit,
    unit: p.unit,
  }));
}

/** LIS test definitions: serum, SST tube, the range, and auto-verification of any normal value. */
export function testDefinitions() {
  return PANEL.map((p) => ({
    serviceCode: p.serviceCode,
    name: p.serviceName,
    loinc: p.loinc,
    specimenType: 'SER',
    containerType: 'SST',
    unit: p.unit,
    decimals: p.decimals,
    criticalLow: p.criticalLow === null ? undefined : String(p.criticalLow),
    criticalHigh: p.criticalHigh === null ? undefined : String(p.criticalHigh),
    referenceRanges: [{ sex: 'any', low: String(p.low), high: String(p.high) }],
    autoVerification: { code: `AV-${p.serviceCode}`, low: String(p.low), high: String(p.high) },
  }));
}

/** HIS service catalogue entries (prices as BHYT lists them for a hospital of grade I, about). */
export function catalogItems() {
  return PANEL.map((p, i) => ({
    code: p.serviceCode,
    name: p.serviceName,
    category: 'laboratory',
    hospitalPrice: String(21_500 + 1_000 * i),
    insurancePrice: String(21_500 + 1_000 * i),
    performingDepartment: 'XN',
    loincCode: p.loinc,
  }));
}

/** A value inside the reference range (the middle 80%), with the test's decimals. */
export function normalValue(p: PanelTest, random: () => number): string {
  const span = p.high - p.low;
  return (p.low + span * (0.1 + 0.8 * random())).toFixed(p.decimals);
}

export interface OruPatient {
  /** PID-3: the HIS patient code (MR). */
  code: string;
  /** "Nguyễn Văn An": PID-5 family name is the first word. */
  fullName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'male' | 'female';
}

export interface OruInput {
  controlId: string;
  barcode: string;
  /** OBR-2 placer order number (the accession, or anything the LIS gave). */
  placer: string;
  patient: OruPatient;
  /** Panel indexes reported, in order. */
  tests: readonly number[];
  values: readonly string[];
  at: Date;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** HL7 DTM in Vietnam's local time (+0700), as the analyzers of a Vietnamese lab stamp their messages. */
export function hl7Time(d: Date): string {
  const local = new Date(d.getTime() + 7 * 3_600_000);
  return (
    `${local.getUTCFullYear()}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}` +
    `${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}+0700`
  );
}

/**
 * One ORU^R01 v2.5.1 (HL7 v2.5.1 Ch. 7 §7.3.1): MSH, PID, PV1, ORC, OBR (OBR-3 the tube's barcode), one OBX
 * per result, SPM (SPM-2 the barcode again). Segments joined by CR, the last one included.
 */
export function oruR01(o: OruInput): string {
  const at = hl7Time(o.at);
  const drawn = hl7Time(new Date(o.at.getTime() - 45 * 60_000));
  const [family, ...given] = o.patient.fullName.split(' ');
  const segments = [
    `MSH|^~\\&|cobas c311^0000000001^L|BVDKT|HOSP-GW|BVDKT|${at}||ORU^R01^ORU_R01|${o.controlId}|P|2.5.1|||||VNM|UNICODE UTF-8`,
    `PID|1||${o.patient.code}^^^BVDKT^MR||${family}^${given.join(' ')}^^^^^L||${o.patient.birthDate.replace(/-/g, '')}|${o.patient.sex === 'male' ? 'M' : 'F'}`,
    `PV1|1|O|KKB^P101^1^BVDKT`,
    `ORC|RE|${o.placer}|${o.barcode}||CM`,
    `OBR|1|${o.placer}|${o.barcode}|BIOCHEM^Sinh hóa máu^L|||${drawn}|||||||${drawn}||BS001^TRẦN^MINH TUẤN||||||${at}||CH|F`,
  ];
  o.tests.forEach((ti, k) => {
    const p = PANEL[ti];
    segments.push(
      `OBX|${k + 1}|NM|${p.deviceCode}^${p.deviceName}^99ROC||${o.values[k]}|${p.unit}|${p.low}-${p.high}|N|||F|||${at}||KTV07^LÝ^THANH TÂM||c311-1^cobas c311^99ROC`,
    );
  });
  segments.push(`SPM|1|${o.barcode}||SER^Huyết thanh^HL70487|||||||||||||${drawn}|${drawn}`);
  return segments.join('\r') + '\r';
}

/** MSA-1 of an ACK ('' when there is no MSA segment). */
export function ackCodeOf(ack: Buffer): string {
  const text = ack.toString('latin1');
  const at = text.indexOf('\rMSA|');
  return at < 0 ? '' : text.slice(at + 5, at + 7);
}
