import { Access } from '@hosp/platform-auth';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RisPatientsService } from '../application/ris-patients.service';

@ApiTags('patients')
@Access({ read: ['radiographer', 'radiologist', 'physician'], write: ['radiographer', 'radiologist'] })
@Controller('patients')
export class PatientsController {
  constructor(private readonly patients: RisPatientsService) {}

  /** The demographics RIS holds for a patient (from his.patient.v1): what the worklist items carry. */
  @Get(':id')
  get(@Param('id') id: string) {
    return this.patients.get(id);
  }
}
