import {
  type AssociationInfo,
  type DicomJson,
  DimseStatus,
  type RetrievableObject,
  type RetrieveResult,
  SopClass,
  str,
  Tag,
} from '@hosp/standards-dicom';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeersService } from '../../peers/application/peers.service';
import { ObjectStore } from '../../storage/persistence/object-store';
import { type QueryFilter, QueryRepository } from '../persistence/query.repository';
import type { QueryLevel } from './query.service';

const UNIQUE_KEY: Record<QueryLevel, string> = {
  PATIENT: Tag.PatientID,
  STUDY: Tag.StudyInstanceUID,
  SERIES: Tag.SeriesInstanceUID,
  IMAGE: Tag.SOPInstanceUID,
};

/**
 * C-MOVE and C-GET SCP (PS3.4 C.4.2, C.4.3): the identifier's unique key at its level selects the instances;
 * they are sent as stored (the same bytes) in the transfer syntax the receiver accepts. C-MOVE sends them to a
 * configured peer only (0xA801 "move destination unknown" otherwise).
 */
@Injectable()
export class RetrieveService {
  constructor(
    private readonly db: DataSource,
    private readonly peers: PeersService,
    private readonly store: ObjectStore,
  ) {}

  async retrieve(
    _info: AssociationInfo,
    kind: 'move' | 'get',
    sopClass: string,
    identifier: DicomJson,
    destination?: string,
  ): Promise<RetrieveResult> {
    const level = str(identifier, Tag.QueryRetrieveLevel) as QueryLevel | undefined;
    if (!level || !(level in UNIQUE_KEY))
      return {
        status: DimseStatus.IdentifierDoesNotMatchSopClass,
        comment: `Query/Retrieve Level ${level ?? 'missing'}`,
      };
    if (level === 'PATIENT' && (sopClass === SopClass.StudyRootMove || sopClass === SopClass.StudyRootGet))
      return {
        status: DimseStatus.IdentifierDoesNotMatchSopClass,
        comment: 'no PATIENT level in the Study Root model',
      };
    const keys = (identifier[UNIQUE_KEY[level]]?.Value ?? []).map((v) => String(v).trim()).filter(Boolean);
    if (keys.length === 0)
      return {
        status: DimseStatus.IdentifierDoesNotMatchSopClass,
        comment: `no unique key for level ${level}`,
      };
    let target;
    if (kind === 'move') {
      const peer = destination ? await this.peers.destination(destination) : undefined;
      if (!peer)
        return {
          status: DimseStatus.MoveDestinationUnknown,
          comment: `move destination ${destination} unknown`,
        };
      target = this.peers.remoteAe(peer);
    }
    const filter: QueryFilter = { limit: 100_000 };
    if (level === 'PATIENT') filter.patientId = keys[0];
    if (level === 'STUDY') filter.studyUids = keys;
    if (level === 'SERIES') filter.seriesUids = keys;
    if (level === 'IMAGE') filter.sopInstanceUids = keys;
    const higher = str(identifier, Tag.StudyInstanceUID);
    if (level !== 'STUDY' && level !== 'PATIENT' && higher) filter.studyUids = [higher];
    const rows = await QueryRepository.instances(this.db.manager, filter, false);
    const objects: RetrievableObject[] = rows.map((r) => ({
      sopClassUid: r.sopClassUid,
      sopInstanceUid: r.sopInstanceUid,
      transferSyntaxUid: r.transferSyntaxUid,
      load: () => this.store.read(r.sha256),
    }));
    return { objects, destination: target };
  }
}
