import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ProcedureCancelledSchema, ProcedureScheduledSchema, Sex, Topics } from '@hosp/contracts';
import {
  addPeer,
  type Archive,
  bootArchive,
  eventually,
  findscu,
  publishAs,
  tool,
  ARCHIVE_AE,
  val,
} from './support/archive-fixture';

/** A day in the hospital's time zone as DICOM DA, `offset` days from today. */
function vnDate(offset = 0): string {
  const d = new Date(Date.now() + offset * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(d).replace(/-/g, '');
}
const at = (da: string, hhmm: string) =>
  new Date(`${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6)}T${hhmm}:00+07:00`);

const mwlQuery = (keys: {
  charset?: string;
  name?: string;
  pid?: string;
  accession?: string;
  modality?: string;
  station?: string;
  date?: string;
}) => `
(0008,0005) CS [${keys.charset ?? 'ISO_IR 192'}]
(0008,0050) SH [${keys.accession ?? ''}]
(0010,0010) PN [${keys.name ?? ''}]
(0010,0020) LO [${keys.pid ?? ''}]
(0010,0030) DA []
(0010,0040) CS []
(0020,000d) UI []
(0032,1060) LO []
(0040,1001) SH []
(0040,0100) SQ
(fffe,e000) -
(0008,0060) CS [${keys.modality ?? ''}]
(0040,0001) AE [${keys.station ?? ''}]
(0040,0002) DA [${keys.date ?? ''}]
(0040,0003) TM []
(0040,0007) LO []
(0040,0009) SH []
(0040,0020) CS []
(fffe,e00d) -
(fffe,e0dd) -
`;

/**
 * Modality Worklist (IHE SWF RAD-5) served from RIS's scheduled steps: events on ris.procedure.v1 in, DCMTK's
 * findscu -W with a query file made by dump2dcm out, Vietnamese names in UTF-8 (ISO_IR 192).
 */
describe('archive: Modality Worklist C-FIND', () => {
  let archive: Archive;
  const today = vnDate();
  const tomorrow = vnDate(1);

  const schedule = (n: number, over: Record<string, unknown>) =>
    publishAs(archive, 'radiology-orders', Topics.RisProcedure, ProcedureScheduledSchema, {
      procedureId: `proc-${n}`,
      orderId: `order-${n}`,
      patientId: `pat-${n}`,
      accessionNumber: `CT26112200${n}`,
      requestedProcedureId: `RP${n}`,
      scheduledStepId: `SPS${n}`,
      modality: 'CT',
      stationAeTitle: 'CT01',
      stationName: 'CT phòng 1',
      scheduledStart: timestampFromDate(at(today, '08:00')),
      procedureCode: { system: 'http://loinc.org', code: '30799-1', display: 'CT Head WO contrast' },
      description: 'Chụp CT sọ não không tiêm thuốc cản quang',
      patientCode: `BN2400${n}`,
      patientName: 'Nguyễn Văn An',
      birthDate: '1980-05-17',
      sex: Sex.MALE,
      priority: 'ROUTINE',
      referringPhysician: 'Trần Minh Tuấn',
      studyInstanceUid: `1.2.826.0.1.3680043.10.543.${n}`,
      ...over,
    });

  beforeAll(async () => {
    archive = await bootArchive();
    await addPeer(archive, 'CT01', { host: '127.0.0.1' });
    await schedule(1, {});
    await schedule(2, {
      patientName: 'Trần Thị Bích Ngọc',
      sex: Sex.FEMALE,
      birthDate: '1992',
      stationAeTitle: 'CT02',
      scheduledStart: timestampFromDate(at(tomorrow, '14:30')),
    });
    await schedule(3, {
      modality: 'MR',
      stationAeTitle: 'MR01',
      patientName: 'Lê Văn Đức',
      description: 'Chụp MRI cột sống',
    });
    await schedule(4, { patientName: 'Phạm Thị Hoa', sex: Sex.FEMALE });
    await publishAs(archive, 'radiology-orders', Topics.RisProcedure, ProcedureCancelledSchema, {
      procedureId: 'proc-4',
      orderId: 'order-4',
      patientId: 'pat-4',
      accessionNumber: 'CT261122004',
      scheduledStepId: 'SPS4',
      reason: 'bệnh nhân từ chối',
    });
    await eventually(async () => {
      const r = await archive.call('GET', '/worklist');
      return r.body.length === 4 &&
        r.body.find((i: { procedureId: string }) => i.procedureId === 'proc-4').status === 'cancelled'
        ? r.body
        : undefined;
    }, 'the worklist projection');
  }, 120_000);
  afterAll(() => archive?.close());

  it("answers today's CT worklist with UTF-8 Vietnamese names; cancelled and other days' steps are not in it", async () => {
    const { result, responses } = await findscu(
      archive,
      'CT01',
      '-W',
      mwlQuery({ modality: 'CT', date: today }),
    );
    expect(result.code).toBe(0);
    expect(responses).toHaveLength(1);
    const [r] = responses;
    expect(val(r, '00080005')).toBe('ISO_IR 192');
    expect(val(r, '00100010')).toBe('Nguyễn^Văn An');
    expect(val(r, '00100020')).toBe('BN24001');
    expect(val(r, '00100030')).toBe('19800517');
    expect(val(r, '00100040')).toBe('M');
    expect(val(r, '00080050')).toBe('CT261122001');
    expect(val(r, '0020000D')).toBe('1.2.826.0.1.3680043.10.543.1');
    expect(val(r, '00321060')).toBe('Chụp CT sọ não không tiêm thuốc cản quang');
    expect(val(r, '00401001')).toBe('RP1');
    const sps = r['00400100'].Value![0] as Record<string, { Value?: unknown[] }>;
    expect(val(sps, '00080060')).toBe('CT');
    expect(val(sps, '00400001')).toBe('CT01');
    expect(val(sps, '00400002')).toBe(today);
    expect(val(sps, '00400003')).toBe('080000');
    expect(val(sps, '00400009')).toBe('SPS1');
    expect(val(sps, '00400020')).toBe('SCHEDULED');
  });

  it('matches the station AE over a date range', async () => {
    const ct02 = await findscu(
      archive,
      'CT01',
      '-W',
      mwlQuery({ station: 'CT02', date: `${today}-${tomorrow}` }),
    );
    expect(ct02.responses.map((r) => val(r, '00080050'))).toEqual(['CT261122002']);
    expect(val(ct02.responses[0], '00100010')).toBe('Trần^Thị Bích Ngọc');
    // A partial birth date (year only, legal in Vietnam) has no DA form: returned empty, not invented.
    expect(val(ct02.responses[0], '00100030')).toBeUndefined();
    const open = await findscu(archive, 'CT01', '-W', mwlQuery({ date: `${today}-` }));
    expect(open.responses.map((r) => val(r, '00080050')).sort()).toEqual([
      'CT261122001',
      'CT261122002',
      'CT261122003',
    ]);
    const none = await findscu(archive, 'CT01', '-W', mwlQuery({ date: '20200101-20200131' }));
    expect(none.result.code).toBe(0);
    expect(none.responses).toHaveLength(0);
  });

  it('matches patient names with wildcards, with or without Vietnamese diacritics', async () => {
    const plain = await findscu(archive, 'CT01', '-W', mwlQuery({ charset: 'ISO_IR 100', name: 'NGUYEN*' }));
    expect(plain.responses.map((r) => val(r, '00080050'))).toEqual(['CT261122001']);
    const utf8 = await findscu(archive, 'CT01', '-W', mwlQuery({ name: '*Ngọc' }));
    expect(utf8.responses.map((r) => val(r, '00100010'))).toEqual(['Trần^Thị Bích Ngọc']);
    const exact = await findscu(archive, 'CT01', '-W', mwlQuery({ name: 'Lê^Văn Đức' }));
    expect(exact.responses.map((r) => val(r, '00080050'))).toEqual(['CT261122003']);
    const single = await findscu(archive, 'CT01', '-W', mwlQuery({ name: 'L?^VAN DUC' }));
    expect(single.responses).toHaveLength(1);
    const nobody = await findscu(archive, 'CT01', '-W', mwlQuery({ name: 'HOANG*' }));
    expect(nobody.responses).toHaveLength(0);
  });

  it('matches patient ID and accession number', async () => {
    const byId = await findscu(archive, 'CT01', '-W', mwlQuery({ pid: 'BN24003' }));
    expect(byId.responses.map((r) => val(r, '00100010'))).toEqual(['Lê^Văn Đức']);
    const byAccession = await findscu(archive, 'CT01', '-W', mwlQuery({ accession: 'CT261122002' }));
    expect(byAccession.responses.map((r) => val(r, '00100020'))).toEqual(['BN24002']);
    const cancelled = await findscu(archive, 'CT01', '-W', mwlQuery({ accession: 'CT261122004' }));
    expect(cancelled.responses).toHaveLength(0);
  });

  it('answers keys given on the findscu command line too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mwl-k-'));
    const r = await tool('findscu', [
      '-W',
      '-X',
      '-od',
      dir,
      '-aet',
      'CT01',
      '-aec',
      ARCHIVE_AE,
      '-k',
      'ScheduledProcedureStepSequence[0].Modality=MR',
      '-k',
      'PatientName=',
      '-k',
      'AccessionNumber=',
      '-k',
      'ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=',
      '127.0.0.1',
      String(archive.dicomPort),
    ]);
    expect(r.code).toBe(0);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const json = JSON.parse((await tool('dcm2json', [`${dir}/${files[0]}`])).stdout);
    expect(val(json, '00100010')).toBe('Lê^Văn Đức');
    expect(val(json, '00080050')).toBe('CT261122003');
  });
});
