import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { PrescriptionsService } from '../application/prescriptions.service';
import { PrescriptionDto } from './prescription.dto';

const Uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('prescriptions')
@Access({ read: ['physician', 'nurse', 'billing-clerk'], write: ['physician'] })
@Controller()
export class PrescriptionsController {
  constructor(private readonly prescriptions: PrescriptionsService) {}

  /** Issues a prescription on an in-progress encounter: national code, drug charges, PrescriptionIssued. */
  @Post('encounters/:encounterId/prescriptions')
  issue(
    @Param('encounterId', Uuid) encounterId: string,
    @Body() body: PrescriptionDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.prescriptions.issue(encounterId, body, ctx);
  }

  @Get('encounters/:encounterId/prescriptions')
  forEncounter(@Param('encounterId', Uuid) encounterId: string) {
    return this.prescriptions.forEncounter(encounterId);
  }

  @Get('prescriptions/:id')
  get(@Param('id', Uuid) id: string) {
    return this.prescriptions.get(id);
  }
}
