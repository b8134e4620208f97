import { type AddressInfo, createServer, type Server as NetServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { type association, Client, constants, Dataset, requests, responses, Scp } from 'dcmjs-dimse';
import { readFileMeta, SopClass } from '@hosp/standards-dicom';
import {
  addPeer,
  type Archive,
  ARCHIVE_AE,
  bootArchive,
  dcmsend,
  eventually,
  sample,
} from './support/archive-fixture';

const COMMITMENT_INSTANCE = '1.2.840.10008.1.20.1.1';
const CT = sample('CT_small.dcm');
const MR = sample('MR_small_RLE.dcm');
const ref = (f: string) => {
  const { meta } = readFileMeta(readFileSync(f));
  return {
    ReferencedSOPClassUID: meta.mediaStorageSopClassUid,
    ReferencedSOPInstanceUID: meta.mediaStorageSopInstanceUid,
  };
};

interface Report {
  eventTypeId: number;
  elements: Record<string, unknown>;
}

/**
 * Storage Commitment Push Model (IHE SWF RAD-10). No DICOM tool on these machines has a storage commitment SCU
 * (DCMTK has none, odil's Python API has no N-ACTION, PixelMed and dcm4che are not installed), so the modality
 * here is dcmjs-dimse's Client and Server: the same library as the archive's upper layer, a weaker peer.
 */
describe('archive: storage commitment', () => {
  let archive: Archive;
  let modality: NetServer;
  const received: Report[] = [];

  beforeAll(async () => {
    archive = await bootArchive();
    // The modality's listener for N-EVENT-REPORTs sent on a new association.
    class ModalityScp extends Scp {
      override associationRequested(a: association.Association) {
        for (const { id } of a.getPresentationContexts()) {
          const ctx = a.getPresentationContext(id);
          ctx.setResult(constants.PresentationContextResult.Accept, ctx.getTransferSyntaxUids()[0]);
        }
        this.sendAssociationAccept();
      }
      override nEventReportRequest(
        request: requests.NEventReportRequest,
        callback: (r: responses.NEventReportResponse) => void,
      ) {
        received.push({
          eventTypeId: Number(request.getEventTypeId()),
          elements: request.getDataset()!.getElements(),
        });
        const r = responses.NEventReportResponse.fromRequest(request);
        r.setStatus(0);
        callback(r);
      }
      override associationReleaseRequested() {
        this.sendAssociationReleaseResponse();
      }
    }
    modality = createServer((socket) => new ModalityScp(socket, {}));
    await new Promise<void>((r) => modality.listen(0, '127.0.0.1', () => r()));
    await addPeer(archive, 'CT01', { host: '127.0.0.1', port: (modality.address() as AddressInfo).port });
    expect((await dcmsend(archive, 'CT01', [CT, MR])).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => modality?.close(r));
    await archive?.close();
  });

  /** N-ACTION from the modality; with `listen`, it takes N-EVENT-REPORTs on the same association. */
  const requestCommitment = (transactionUid: string, refs: object[], listen: boolean) =>
    new Promise<{ status?: number; reports: Report[] }>((resolve) => {
      const reports: Report[] = [];
      let status: number | undefined;
      const client = new Client();
      const action = new requests.NActionRequest(SopClass.StorageCommitmentPushModel, COMMITMENT_INSTANCE, 1);
      action.setDataset(new Dataset({ TransactionUID: transactionUid, ReferencedSOPSequence: refs }));
      action.on('response', (r: responses.NActionResponse) => (status = r.getStatus()));
      client.addRequest(action);
      if (listen)
        client.on(
          'nEventReportRequest',
          (request: requests.NEventReportRequest, cb: (r: responses.NEventReportResponse) => void) => {
            reports.push({
              eventTypeId: Number(request.getEventTypeId()),
              elements: request.getDataset()!.getElements(),
            });
            const r = responses.NEventReportResponse.fromRequest(request);
            r.setStatus(0);
            cb(r);
          },
        );
      client.on('closed', () => resolve({ status, reports }));
      client.send('127.0.0.1', archive.dicomPort, 'CT01', ARCHIVE_AE, {
        associationLingerTimeout: listen ? 3_000 : 0,
      });
    });

  it('commits stored instances and reports on the same association while the modality keeps it open', async () => {
    const r = await requestCommitment('1.2.826.0.1.3680043.10.543.500.1', [ref(CT), ref(MR)], true);
    expect(r.status).toBe(0);
    expect(r.reports).toHaveLength(1);
    expect(r.reports[0].eventTypeId).toBe(1);
    const committed = r.reports[0].elements['ReferencedSOPSequence'] as Array<Record<string, string>>;
    expect(committed.map((x) => x['ReferencedSOPInstanceUID']).sort()).toEqual(
      [ref(CT).ReferencedSOPInstanceUID, ref(MR).ReferencedSOPInstanceUID].sort(),
    );
    expect(r.reports[0].elements['TransactionUID']).toBe('1.2.826.0.1.3680043.10.543.500.1');
  });

  it('reports failures (0x0112) for instances it does not have', async () => {
    const missing = {
      ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      ReferencedSOPInstanceUID: '1.2.826.0.1.3680043.10.543.500.99',
    };
    const r = await requestCommitment('1.2.826.0.1.3680043.10.543.500.2', [ref(CT), missing], true);
    expect(r.reports[0].eventTypeId).toBe(2);
    const failed = r.reports[0].elements['FailedSOPSequence'] as Array<Record<string, unknown>>;
    expect(failed).toEqual([
      expect.objectContaining({
        ReferencedSOPInstanceUID: missing.ReferencedSOPInstanceUID,
        FailureReason: 0x0112,
      }),
    ]);
  });

  it('reports on a new association to the modality when it released its own', async () => {
    const r = await requestCommitment('1.2.826.0.1.3680043.10.543.500.3', [ref(MR)], false);
    expect(r.status).toBe(0);
    const report = await eventually(
      async () => received.find((x) => x.elements['TransactionUID'] === '1.2.826.0.1.3680043.10.543.500.3'),
      'the N-EVENT-REPORT on a new association',
      30_000,
    );
    expect(report.eventTypeId).toBe(1);
  });

  it('refuses an N-ACTION without a transaction UID (0x0120) and of an unknown action type (0x0123)', async () => {
    const send = (ds: Record<string, unknown>, type: number) =>
      new Promise<number | undefined>((resolve) => {
        let status: number | undefined;
        const client = new Client();
        const a = new requests.NActionRequest(SopClass.StorageCommitmentPushModel, COMMITMENT_INSTANCE, type);
        a.setDataset(new Dataset(ds));
        a.on('response', (r: responses.NActionResponse) => (status = r.getStatus()));
        client.addRequest(a);
        client.on('closed', () => resolve(status));
        client.send('127.0.0.1', archive.dicomPort, 'CT01', ARCHIVE_AE);
      });
    expect(await send({ ReferencedSOPSequence: [ref(CT)] }, 1)).toBe(0x0120);
    expect(await send({ TransactionUID: '1.2.3', ReferencedSOPSequence: [ref(CT)] }, 7)).toBe(0x0123);
  });
});
