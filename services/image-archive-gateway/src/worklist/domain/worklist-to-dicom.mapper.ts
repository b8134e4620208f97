import { attr, type DicomJson, pn, seq, Tag } from '@hosp/standards-dicom';
import { dicomDateTime } from '../../shared/dicom-time';
import type { WorklistItem, WorklistStatus } from './worklist-item';

/** (0040,0020) Scheduled Procedure Step Status (PS3.3 C.4.10): the worklist shows scheduled and started steps. */
const SPS_STATUS: Partial<Record<WorklistStatus, string>> = {
  scheduled: 'SCHEDULED',
  in_progress: 'STARTED',
};

/** Coding scheme designators (PS3.16 §8) for the code systems RIS uses; other systems are local ("99..."). */
const SCHEMES: Record<string, string> = {
  'http://loinc.org': 'LN',
  'http://snomed.info/sct': 'SCT',
  'http://radlex.org': 'RADLEX',
  'http://dicom.nema.org/resources/ontology/DCM': 'DCM',
};

/**
 * A person name as DICOM PN (PS3.5 §6.2.1): family name first, then the given names, separated by "^".
 * Vietnamese names are written family name first ("Nguyễn Văn An" -> "Nguyễn^Văn An"). A name that already
 * has components is kept.
 */
export function toPersonName(name: string): string {
  const n = name.trim().replace(/\s+/g, ' ');
  if (n.includes('^')) return n;
  const [family, ...given] = n.split(' ');
  return given.length ? `${family}^${given.join(' ')}` : family;
}

/** "YYYY-MM-DD" -> DA; a partial birth date (legal in Vietnam) has no DA form and is left empty. */
export function birthDateToDa(birthDate: string | null): string | undefined {
  return birthDate && /^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? birthDate.replace(/-/g, '') : undefined;
}

/**
 * The worklist item as the attributes of the Modality Worklist Information Model (PS3.4 K.6.1.2): what C-FIND
 * matches against and answers with. Strings are UTF-8 (answered with Specific Character Set ISO_IR 192).
 */
export function worklistAttributes(item: WorklistItem, timeZone: string): DicomJson {
  const at = item.scheduledStart ? dicomDateTime(item.scheduledStart, timeZone) : undefined;
  const code = item.procedureCode?.code
    ? {
        [Tag.CodeValue]: attr('SH', item.procedureCode.code),
        [Tag.CodingSchemeDesignator]: attr('SH', SCHEMES[item.procedureCode.system] ?? '99HOSP'),
        [Tag.CodeMeaning]: attr(
          'LO',
          item.procedureCode.display || item.description || item.procedureCode.code,
        ),
      }
    : undefined;
  return {
    [Tag.AccessionNumber]: attr('SH', item.accessionNumber),
    [Tag.ReferringPhysicianName]: pn(
      item.referringPhysician ? toPersonName(item.referringPhysician) : undefined,
    ),
    [Tag.PatientName]: pn(toPersonName(item.patientName)),
    [Tag.PatientID]: attr('LO', item.patientCode),
    [Tag.PatientBirthDate]: attr('DA', birthDateToDa(item.birthDate)),
    [Tag.PatientSex]: attr('CS', item.sex),
    [Tag.StudyInstanceUID]: attr('UI', item.studyInstanceUid),
    [Tag.RequestedProcedureDescription]: attr('LO', item.description),
    [Tag.RequestedProcedureCodeSequence]: code ? seq(code) : seq(),
    [Tag.RequestedProcedureID]: attr('SH', item.requestedProcedureId),
    [Tag.RequestedProcedurePriority]: attr('SH', item.priority),
    [Tag.ReferencedStudySequence]: seq(),
    [Tag.ReferencedPatientSequence]: seq(),
    [Tag.ScheduledProcedureStepSequence]: seq({
      [Tag.Modality]: attr('CS', item.modality),
      [Tag.ScheduledStationAETitle]: attr('AE', item.stationAeTitle),
      [Tag.ScheduledStationName]: attr('SH', item.stationName),
      [Tag.ScheduledProcedureStepStartDate]: attr('DA', at?.date),
      [Tag.ScheduledProcedureStepStartTime]: attr('TM', at?.time),
      [Tag.ScheduledPerformingPhysicianName]: pn(undefined),
      [Tag.ScheduledProcedureStepDescription]: attr('LO', item.description),
      [Tag.ScheduledProtocolCodeSequence]: code ? seq(code) : seq(),
      [Tag.ScheduledProcedureStepID]: attr('SH', item.scheduledStepId),
      [Tag.ScheduledProcedureStepStatus]: attr('CS', SPS_STATUS[item.status]),
      [Tag.ScheduledProcedureStepLocation]: attr('SH', undefined),
    }),
  };
}
