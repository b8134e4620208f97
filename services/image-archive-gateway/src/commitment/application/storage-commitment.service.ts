import {
  type AssociationChannel,
  type AssociationInfo,
  attr,
  type DicomJson,
  DimseStatus,
  items,
  type NResult,
  sendEventReport,
  seq,
  SopClass,
  STORAGE_COMMITMENT_INSTANCE,
  str,
  Tag,
} from '@hosp/standards-dicom';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeersService } from '../../peers/application/peers.service';
import { ARCHIVE_SETTINGS, type ArchiveSettings } from '../../shared/archive-settings';
import { CommitmentRepository as repo } from '../persistence/commitment.repository';

/** N-EVENT-REPORT Event Type IDs (PS3.4 J.3.3.1): all committed, or some failed. */
const EVENT_SUCCESS = 1;
const EVENT_FAILURES = 2;
/** When the report could not go on the requester's association, the first retry on a new one comes after this. */
const SAME_ASSOCIATION_GRACE_MS = 2_000;
const MAX_ATTEMPTS = 10;

/**
 * Storage Commitment Push Model SCP (PS3.4 Annex J; IHE SWF RAD-10): the modality asks the archive to take
 * responsibility for instances it sent (N-ACTION); the request is stored before it is answered, then the result
 * goes back as an N-EVENT-REPORT: on the same association when the modality keeps it open, otherwise on a new
 * association to the modality (its peer host and port), retried with backoff. An instance is committed when it
 * is in the index with the same SOP class (its file durable, ARCHIVE "store-then-acknowledge").
 */
@Injectable()
export class StorageCommitmentService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('StorageCommitment');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly db: DataSource,
    private readonly peers: PeersService,
    @Inject(ARCHIVE_SETTINGS) private readonly settings: ArchiveSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, 500);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** N-ACTION (PS3.4 J.3.2): Request Storage Commitment. */
  async request(
    info: AssociationInfo,
    sopClass: string,
    sopInstance: string,
    actionTypeId: number,
    ds: DicomJson,
  ): Promise<NResult> {
    if (sopClass !== SopClass.StorageCommitmentPushModel) return { status: DimseStatus.SopClassNotSupported };
    if (sopInstance !== STORAGE_COMMITMENT_INSTANCE)
      return {
        status: DimseStatus.NoSuchObjectInstance,
        comment: `not the well-known instance ${STORAGE_COMMITMENT_INSTANCE}`,
      };
    if (actionTypeId !== 1)
      return { status: DimseStatus.NoSuchActionType, comment: `action type ${actionTypeId}` };
    const transactionUid = str(ds, Tag.TransactionUID);
    if (!transactionUid) return { status: DimseStatus.MissingAttribute, comment: 'Transaction UID missing' };
    if (items(ds, Tag.ReferencedSOPSequence).length === 0)
      return { status: DimseStatus.MissingAttribute, comment: 'Referenced SOP Sequence missing' };
    const requested = { ...ds };
    delete requested[Tag.SpecificCharacterSet];
    // A repeated N-ACTION (the modality lost the response) is answered again, and reported again.
    await repo.insert(
      this.db.manager,
      transactionUid,
      info.callingAeTitle,
      requested,
      new Date(Date.now() + SAME_ASSOCIATION_GRACE_MS),
    );
    return {
      status: DimseStatus.Success,
      afterResponse: (channel) => this.reportOn(channel, transactionUid),
    };
  }

  /** The result of a commitment request as of now (PS3.4 J.3.3: Referenced and Failed SOP Sequences). */
  async result(transactionUid: string): Promise<{ eventTypeId: number; dataset: DicomJson } | undefined> {
    const row = await repo.get(this.db.manager, transactionUid);
    if (!row) return undefined;
    const refs = items(row.requested, Tag.ReferencedSOPSequence).map((i) => ({
      cls: str(i, Tag.ReferencedSOPClassUID) ?? '',
      uid: str(i, Tag.ReferencedSOPInstanceUID) ?? '',
    }));
    const stored = await repo.stored(
      this.db.manager,
      refs.map((r) => r.uid),
    );
    const ok: DicomJson[] = [];
    const failed: DicomJson[] = [];
    for (const r of refs) {
      const item = {
        [Tag.ReferencedSOPClassUID]: attr('UI', r.cls),
        [Tag.ReferencedSOPInstanceUID]: attr('UI', r.uid),
      };
      const cls = stored.get(r.uid);
      if (cls && cls === r.cls)
        ok.push({ ...item, [Tag.RetrieveAETitle]: attr('AE', this.settings.aeTitle) });
      // 0x0112 No such object instance; 0x0119 Class-instance conflict (PS3.4 J.3.3.1.1 Failure Reason).
      else
        failed.push({
          ...item,
          [Tag.FailureReason]: attr('US', cls ? 0x0119 : DimseStatus.NoSuchObjectInstance),
        });
    }
    const dataset: DicomJson = {
      [Tag.TransactionUID]: attr('UI', transactionUid),
      [Tag.RetrieveAETitle]: attr('AE', this.settings.aeTitle),
      ...(ok.length ? { [Tag.ReferencedSOPSequence]: seq(...ok) } : {}),
      ...(failed.length ? { [Tag.FailedSOPSequence]: seq(...failed) } : {}),
    };
    return { eventTypeId: failed.length ? EVENT_FAILURES : EVENT_SUCCESS, dataset };
  }

  private async reportOn(channel: AssociationChannel, transactionUid: string): Promise<void> {
    const report = await this.result(transactionUid);
    if (!report) return;
    const status = await channel.eventReport(
      SopClass.StorageCommitmentPushModel,
      STORAGE_COMMITMENT_INSTANCE,
      report.eventTypeId,
      report.dataset,
    );
    if (status === DimseStatus.Success) await repo.reported(this.db.manager, transactionUid);
  }

  /** Reports not delivered on the requester's association go on a new one (PS3.4 J.3.3, SCP role). */
  async tick(): Promise<void> {
    try {
      for (const row of await repo.claimDue(this.db.manager, 20, 60_000)) {
        let error: string;
        try {
          const peer = await this.peers.destination(row.callingAe);
          if (!peer) throw new Error(`peer ${row.callingAe} has no host and port for the N-EVENT-REPORT`);
          const report = await this.result(row.transactionUid);
          if (!report) continue;
          const status = await sendEventReport(this.peers.remoteAe(peer), this.settings.aeTitle, {
            sopClassUid: SopClass.StorageCommitmentPushModel,
            sopInstanceUid: STORAGE_COMMITMENT_INSTANCE,
            ...report,
          });
          if (status === DimseStatus.Success) {
            await repo.reported(this.db.manager, row.transactionUid);
            continue;
          }
          error = `N-EVENT-REPORT answered 0x${status.toString(16).padStart(4, '0')}`;
        } catch (err) {
          error = (err as Error).message;
        }
        const attempts = row.attempts + 1;
        const giveUp = attempts >= MAX_ATTEMPTS;
        await repo.failed(
          this.db.manager,
          row.transactionUid,
          error,
          giveUp,
          new Date(Date.now() + Math.min(2_000 * 2 ** attempts, 300_000)),
        );
        this.log.warn(
          { transaction: row.transactionUid, peer: row.callingAe, error, giveUp },
          'storage commitment report not delivered',
        );
      }
    } catch (err) {
      this.log.warn({ err }, 'storage commitment reports not processed; retrying');
    }
  }
}
