import type { AstmMessage, UniversalTestId } from '@hosp/standards-astm';
import type { CodeMapEntry } from '../../connections/domain/connection';
import type { MappedObservation, SpecimenResults } from './oru-r01-to-analyzer-results.mapper';

/**
 * ASTM E1394 R records to results per specimen, the same shape as from HL7 (LIS cannot tell them apart).
 * The specimen is the O record's O-3 (specimen id: the tube's barcode) the R records follow; the test code is
 * the universal test id's component 4 (manufacturer's code, E1394 §9.4.4 / §10.1.3: where Roche and most
 * analyzers put it), else the first non-empty later component (Sysmex XN: `^^^^WBC^1`).
 */
export function astmResultsOf(message: AstmMessage, codeMap: Map<string, CodeMapEntry>): SpecimenResults[] {
  const groups: SpecimenResults[] = [];
  for (const order of message.orders) {
    const specimenId = order.specimenId ?? order.instrumentSpecimenId ?? '';
    const observations = order.results.map((r): MappedObservation => {
      const deviceCode = deviceCodeOf(r.test);
      const entry = codeMap.get(deviceCode);
      const deviceUnit = r.units ?? '';
      return {
        deviceCode,
        deviceName: r.test.name,
        serviceCode: entry?.serviceCode ?? '',
        serviceName: entry?.serviceName ?? '',
        loinc: entry?.loinc ?? '',
        value: r.resultValue ?? '',
        valueType: 'ST',
        unit: entry?.unit && (!entry.deviceUnit || entry.deviceUnit === deviceUnit) ? entry.unit : deviceUnit,
        deviceUnit,
        referenceRange: r.referenceRange ?? '',
        deviceFlags: r.abnormalFlags.join('~'),
        // F final, C correction, P preliminary, X cannot be done (E1394 §10.1.9) — the HL7 OBX-11 letters.
        resultStatus: r.status ?? '',
        observedAt: astmTime(r.completedAt),
        mapped: entry !== undefined,
      };
    });
    if (observations.length === 0) continue;
    const group = groups.find((g) => g.specimenId === specimenId);
    if (group) group.observations.push(...observations);
    else groups.push({ specimenId, observations });
  }
  return groups;
}

export function deviceCodeOf(t: UniversalTestId): string {
  return t.localCode || t.extra.find((c) => c !== '') || t.universalId;
}

/** YYYYMMDDHHMMSS in the analyzer's local time (E1394 §6.6.2); the facility's zone (UTC+7) is assumed. */
function astmTime(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?$/.exec(value ?? '');
  if (!m) return undefined;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}+07:00`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
