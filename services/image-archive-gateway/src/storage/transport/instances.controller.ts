import { Access } from '@hosp/platform-auth';
import { NotFoundError } from '@hosp/platform-runtime';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { InstancesRepository } from '../persistence/instances.repository';
import { ObjectStore } from '../persistence/object-store';

/** One stored instance as indexed: keys, where its file is, its header (DICOM JSON). */
@ApiTags('instances')
@Access({
  read: ['radiologist', 'radiographer', 'physician', 'service'],
  write: ['radiographer', 'integration-admin'],
})
@Controller('instances')
export class InstancesController {
  constructor(
    private readonly db: DataSource,
    private readonly store: ObjectStore,
  ) {}

  @Get(':uid')
  async get(@Param('uid') uid: string) {
    const row = await InstancesRepository.get(this.db.manager, uid, true);
    if (!row) throw new NotFoundError('Instance', uid);
    return { ...row, file: this.store.pathOf(row.sha256) };
  }
}
