import { Access } from '@hosp/platform-auth';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { LabPatientsService } from '../application/lab-patients.service';

@ApiTags('patients')
@Access({ read: ['lab-technician', 'lab-validator'], write: ['lab-technician', 'lab-validator'] })
@Controller('patients')
export class PatientsController {
  constructor(private readonly patients: LabPatientsService) {}

  /** The demographics LIS holds for a patient (from his.patient.v1): what work orders and ranges use. */
  @Get(':id')
  get(@Param('id') id: string) {
    return this.patients.get(id);
  }
}
