import {
  type AssociationInfo,
  buildFileMetaHeader,
  DatasetError,
  DimseStatus,
  type DimseResult,
  isStorageSopClass,
  readDataset,
  readFileMeta,
  STORAGE_TRANSFER_SYNTAXES,
} from '@hosp/standards-dicom';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ARCHIVE_SETTINGS, type ArchiveSettings } from '../../shared/archive-settings';
import { ForwardRepository } from '../../forwarding/persistence/forward.repository';
import { PATIENT_LEVEL, pick, SERIES_LEVEL, STUDY_LEVEL } from '../domain/levels';
import { IndexRepository, type IndexOutcome } from '../persistence/index.repository';
import { ObjectStore } from '../persistence/object-store';

/** Where an object came from. */
export type ObjectSource = { kind: 'dimse'; association: AssociationInfo } | { kind: 'stow'; client: string };

/** The result of storing one object: a DIMSE status (the C-STORE response, or a STOW-RS failure reason). */
export interface StoreOutcome extends DimseResult {
  sopClassUid?: string;
  sopInstanceUid?: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  outcome?: IndexOutcome;
}

/**
 * Storage (PS3.4 Annex B, and STOW-RS): every object is read in full (a truncated or unparsable one is refused
 * with 0xC000 and kept aside, never indexed), written to the object store byte for byte as received, indexed in
 * PostgreSQL, and only then answered with success (store-then-acknowledge, docs/adr/0007). A failure of the
 * disk or the database answers 0xA700 "out of resources": the modality keeps the image and retries.
 */
@Injectable()
export class StorageService {
  private readonly log = new Logger('StorageService');
  /** Studies each running association has stored into, announced when it is released. */
  private readonly touched = new Map<string, Set<string>>();

  constructor(
    private readonly db: DataSource,
    private readonly store: ObjectStore,
    @Inject(ARCHIVE_SETTINGS) private readonly settings: ArchiveSettings,
  ) {}

  /** C-STORE: the data set as it came over the network, in the accepted transfer syntax. */
  async storeDataset(
    association: AssociationInfo,
    command: {
      sopClassUid: string;
      sopInstanceUid: string;
      transferSyntaxUid: string;
      dataset: Buffer;
      oversize?: boolean;
    },
  ): Promise<StoreOutcome> {
    if (!isStorageSopClass(command.sopClassUid))
      return {
        status: DimseStatus.SopClassNotSupported,
        comment: `${command.sopClassUid} is not a storage SOP class`,
      };
    if (command.oversize)
      return {
        status: DimseStatus.OutOfResources,
        comment: `larger than ${this.settings.maxObjectBytes} bytes`,
      };
    const meta = buildFileMetaHeader({
      mediaStorageSopClassUid: command.sopClassUid,
      mediaStorageSopInstanceUid: command.sopInstanceUid,
      transferSyntaxUid: command.transferSyntaxUid,
    });
    return this.storeObject(
      { kind: 'dimse', association },
      Buffer.concat([meta, command.dataset]),
      meta.length,
      command.transferSyntaxUid,
      command,
    );
  }

  /** STOW-RS: a Part 10 file as the client sent it, kept whole. */
  async storeFile(client: string, file: Buffer, expectedStudyUid?: string): Promise<StoreOutcome> {
    let meta;
    try {
      meta = readFileMeta(file);
    } catch (err) {
      return { status: DimseStatus.CannotUnderstand, comment: (err as Error).message };
    }
    const {
      mediaStorageSopClassUid: sopClassUid,
      mediaStorageSopInstanceUid: sopInstanceUid,
      transferSyntaxUid,
    } = meta.meta;
    if (!STORAGE_TRANSFER_SYNTAXES.includes(transferSyntaxUid))
      return {
        status: DimseStatus.CannotUnderstand,
        comment: `transfer syntax ${transferSyntaxUid} not supported`,
      };
    if (!isStorageSopClass(sopClassUid))
      return {
        status: DimseStatus.SopClassNotSupported,
        comment: `${sopClassUid} is not a storage SOP class`,
        sopInstanceUid,
      };
    return this.storeObject({ kind: 'stow', client }, file, meta.datasetOffset, transferSyntaxUid, {
      sopClassUid,
      sopInstanceUid,
      expectedStudyUid,
    });
  }

  private async storeObject(
    source: ObjectSource,
    file: Buffer,
    datasetOffset: number,
    transferSyntaxUid: string,
    declared: { sopClassUid: string; sopInstanceUid: string; expectedStudyUid?: string },
  ): Promise<StoreOutcome> {
    const from =
      source.kind === 'dimse'
        ? `C-STORE from ${source.association.callingAeTitle}`
        : `STOW-RS from ${source.client}`;
    let read;
    try {
      read = readDataset(file.subarray(datasetOffset), transferSyntaxUid);
      const mismatch =
        read.sopClassUid !== declared.sopClassUid
          ? `SOP Class UID ${read.sopClassUid} in the data set, ${declared.sopClassUid} in the request`
          : read.sopInstanceUid !== declared.sopInstanceUid
            ? `SOP Instance UID ${read.sopInstanceUid} in the data set, ${declared.sopInstanceUid} in the request`
            : declared.expectedStudyUid && read.studyInstanceUid !== declared.expectedStudyUid
              ? `Study Instance UID ${read.studyInstanceUid} is not the study of the request`
              : undefined;
      if (mismatch) throw new DatasetError(mismatch, DimseStatus.DataSetDoesNotMatchSopClass);
    } catch (err) {
      if (!(err instanceof DatasetError)) throw err;
      const kept = await this.store.quarantine(file, err.message, from);
      this.log.warn(
        { sopInstanceUid: declared.sopInstanceUid, reason: err.message, kept },
        `${from} refused`,
      );
      return {
        status: err.status,
        comment: err.message,
        sopClassUid: declared.sopClassUid,
        sopInstanceUid: declared.sopInstanceUid,
      };
    }
    const stored = await this.store.put(file);
    const header = read.header;
    const outcome = await this.db.transaction(async (m) => {
      const indexed = await IndexRepository.index(
        m,
        {
          studyInstanceUid: read.studyInstanceUid,
          seriesInstanceUid: read.seriesInstanceUid,
          sopInstanceUid: read.sopInstanceUid,
          sopClassUid: read.sopClassUid,
          transferSyntaxUid,
          sha256: stored.sha256,
          size: stored.size,
          header,
          studyAttributes: pick(header, [...PATIENT_LEVEL, ...STUDY_LEVEL]),
          seriesAttributes: pick(header, SERIES_LEVEL),
          source: source.kind,
          callingAe: source.kind === 'dimse' ? source.association.callingAeTitle : null,
          associationId: source.kind === 'dimse' ? source.association.id : null,
        },
        new Date(Date.now() + this.settings.studyQuietMs),
      );
      // Forwarding to the downstream PACS is queued in the same transaction: indexed means queued.
      if (indexed !== 'unchanged')
        await ForwardRepository.enqueue(
          m,
          read.sopInstanceUid,
          stored.sha256,
          source.kind === 'dimse' ? source.association.callingAeTitle : null,
        );
      return indexed;
    });
    if (source.kind === 'dimse' && outcome !== 'unchanged') {
      const studies = this.touched.get(source.association.id) ?? new Set<string>();
      studies.add(read.studyInstanceUid);
      this.touched.set(source.association.id, studies);
    }
    return {
      status: DimseStatus.Success,
      sopClassUid: read.sopClassUid,
      sopInstanceUid: read.sopInstanceUid,
      studyInstanceUid: read.studyInstanceUid,
      seriesInstanceUid: read.seriesInstanceUid,
      outcome,
    };
  }

  /** The sender is done with these studies (a STOW-RS request ended): announce them now. */
  async announceNow(studyUids: string[]): Promise<void> {
    await IndexRepository.announceNow(this.db.manager, studyUids);
  }

  /**
   * An association ended. Released: the modality has sent what it had, so its studies are announced now. Aborted
   * or dropped: the quiet period decides (more may come on a new association).
   */
  async associationEnded(info: AssociationInfo, how: 'released' | 'aborted' | 'closed'): Promise<void> {
    const studies = this.touched.get(info.id);
    this.touched.delete(info.id);
    if (!studies?.size || how !== 'released') return;
    await IndexRepository.announceNow(this.db.manager, [...studies]);
  }
}
