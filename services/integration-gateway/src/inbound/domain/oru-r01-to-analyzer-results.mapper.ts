import { parseHl7DateTime, type Hl7Message, type Hl7Segment } from '@hosp/standards-hl7v2';
import { type CodeMapEntry } from '../../connections/domain/connection';

/** One observation before it becomes a proto message (inbound/application builds the event). */
export interface MappedObservation {
  deviceCode: string;
  deviceName: string;
  serviceCode: string;
  serviceName: string;
  loinc: string;
  value: string;
  valueType: string;
  unit: string;
  deviceUnit: string;
  referenceRange: string;
  deviceFlags: string;
  resultStatus: string;
  observedAt: Date | undefined;
  mapped: boolean;
}

export interface SpecimenResults {
  specimenId: string;
  observations: MappedObservation[];
}

/**
 * ORU^R01 (v2.3-2.5.1) and OUL^R22 (IHE LAW) to results per specimen. The specimen is whatever the analyzer
 * identifies the tube by: SPM-2 (v2.5 specimen segment, OUL^R22 and LAW ORU), else OBR-3 filler order
 * number, else OBR-2 placer order number (where older analyzers put the barcode). OBX segments belong to
 * the OBR (and SPM) before them, in message order (HL7 v2.5.1 Ch. 7 §7.3.1 ORU_R01 and §7.3.5 OUL_R22).
 * Each OBX-3 code goes through the connection's code map; an unmapped code is kept with mapped=false so LIS
 * holds it instead of losing it.
 */
export function analyzerResultsOf(msg: Hl7Message, codeMap: Map<string, CodeMapEntry>): SpecimenResults[] {
  const groups: SpecimenResults[] = [];
  let spmSpecimen: string | undefined;
  let current: SpecimenResults | undefined;
  let obrTime: Date | undefined;
  const open = (specimenId: string) => {
    current = groups.find((g) => g.specimenId === specimenId);
    if (!current) {
      current = { specimenId, observations: [] };
      groups.push(current);
    }
  };
  for (const seg of msg.segments) {
    switch (seg.id) {
      case 'SPM':
        spmSpecimen = seg.value(2, 1) || seg.value(2, 1, 1, 1) || undefined;
        if (spmSpecimen) open(spmSpecimen);
        break;
      case 'OBR': {
        const id = spmSpecimen ?? (seg.value(3, 1) || seg.value(2, 1) || '');
        open(id);
        obrTime = parseHl7DateTime(seg.value(7) ?? '');
        break;
      }
      case 'OBX':
        if (!current) open('');
        current!.observations.push(observationOf(seg, codeMap, obrTime));
        break;
      default:
        break;
    }
  }
  return groups.filter((g) => g.observations.length > 0);
}

function observationOf(
  obx: Hl7Segment,
  codeMap: Map<string, CodeMapEntry>,
  obrTime: Date | undefined,
): MappedObservation {
  const deviceCode = obx.value(3, 1) ?? '';
  const entry = codeMap.get(deviceCode);
  const deviceUnit = obx.value(6, 1) ?? '';
  // A repeated OBX-5 (e.g. several CE answers) is kept joined by "~" as text; numeric results never repeat.
  const value = obx.repetitions(5).length > 1 ? obx.repetitions(5).join('~') : (obx.value(5) ?? '');
  return {
    deviceCode,
    deviceName: obx.value(3, 2) ?? '',
    serviceCode: entry?.serviceCode ?? '',
    serviceName: entry?.serviceName ?? '',
    loinc: entry?.loinc ?? '',
    value,
    valueType: obx.value(2) ?? '',
    unit: entry?.unit && (!entry.deviceUnit || entry.deviceUnit === deviceUnit) ? entry.unit : deviceUnit,
    deviceUnit,
    referenceRange: obx.value(7) ?? '',
    deviceFlags: obx.repetitions(8).join('~'),
    resultStatus: obx.value(11) ?? '',
    observedAt: parseHl7DateTime(obx.value(14) ?? '') ?? obrTime,
    mapped: entry !== undefined,
  };
}

/** PID-3 first identifier (the patient id the device echoes, if any). */
export function patientIdOf(msg: Hl7Message): string | undefined {
  return msg.getSegment('PID')?.value(3, 1) || undefined;
}
