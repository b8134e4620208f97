import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { PatientsService } from '../application/patients.service';
import { MergePatientDto, PatientDto, PatientSearchDto, UpdatePatientDto } from './patient.dto';

const Uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('patients')
@Access({
  read: ['receptionist', 'physician', 'nurse', 'billing-clerk', 'insurance-officer'],
  write: ['receptionist', 'physician', 'nurse'],
})
@Controller('patients')
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  @Post()
  register(@Body() body: PatientDto, @Ctx() ctx: RequestContext) {
    return this.patients.register(body, ctx);
  }

  @Get()
  search(@Query() q: PatientSearchDto) {
    return this.patients.search(q);
  }

  @Get(':id')
  get(@Param('id', Uuid) id: string) {
    return this.patients.get(id);
  }

  @Put(':id')
  update(@Param('id', Uuid) id: string, @Body() body: UpdatePatientDto, @Ctx() ctx: RequestContext) {
    const { version, ...input } = body;
    return this.patients.update(id, version, input, ctx);
  }

  /** Records that may be the same person as this one (name + birth year, or the same BHXH number). */
  @Get(':id/duplicates')
  duplicates(@Param('id', Uuid) id: string) {
    return this.patients.duplicates(id);
  }

  /** Merges another record into this one (ADT^A40): the other is retired and points here. */
  @Post(':id/merge')
  @HttpCode(200)
  merge(@Param('id', Uuid) id: string, @Body() body: MergePatientDto, @Ctx() ctx: RequestContext) {
    return this.patients.merge(id, body.mergedPatientId, body.reason, ctx);
  }
}
