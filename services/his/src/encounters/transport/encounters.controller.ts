import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { EncountersService } from '../application/encounters.service';
import {
  CancelDto,
  ChangeCoverageDto,
  DiagnoseDto,
  DischargeDto,
  StartEncounterDto,
  TransferDto,
  VersionDto,
} from './encounter.dto';

const Uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('encounters')
@Access({
  read: ['receptionist', 'physician', 'nurse', 'billing-clerk', 'insurance-officer'],
  write: ['receptionist', 'physician', 'nurse', 'billing-clerk'],
})
@Controller()
export class EncountersController {
  constructor(private readonly encounters: EncountersService) {}

  /** Opens an encounter directly (admission, emergency); the reception check-in opens outpatient ones. */
  @Post('encounters')
  start(@Body() body: StartEncounterDto, @Ctx() ctx: RequestContext) {
    return this.encounters.start(body, ctx);
  }

  @Get('encounters/:id')
  get(@Param('id', Uuid) id: string) {
    return this.encounters.get(id);
  }

  @Get('patients/:id/encounters')
  forPatient(@Param('id', Uuid) id: string) {
    return this.encounters.forPatient(id);
  }

  @Post('encounters/:id/transfer')
  @HttpCode(200)
  transfer(@Param('id', Uuid) id: string, @Body() body: TransferDto, @Ctx() ctx: RequestContext) {
    return this.encounters.transfer(id, body, ctx);
  }

  /**
   * Another BHYT card during the stay: from now on the encounter's coverage (and the MUC_HUONG of lines posted
   * after it); the replaced period stays in `coveragePeriods`. 400 malformed card, 409 when the encounter is
   * no longer in progress, the card is another patient's or nothing changes, 422 when the card is not valid
   * today.
   */
  @Post('encounters/:id/coverage')
  @HttpCode(200)
  changeCoverage(@Param('id', Uuid) id: string, @Body() body: ChangeCoverageDto, @Ctx() ctx: RequestContext) {
    return this.encounters.changeCoverage(id, body, ctx);
  }

  @Post('encounters/:id/diagnoses')
  @HttpCode(200)
  diagnose(@Param('id', Uuid) id: string, @Body() body: DiagnoseDto) {
    return this.encounters.diagnose(id, body);
  }

  /**
   * KET_QUA_DTRI and MA_LOAI_RV, and for the claim: the referral letter (required when dischargeType is 2 or 5,
   * refused otherwise), the re-exam appointment day (not before the discharge day) and the treatment given.
   * 400 names each field at fault; 409 unless the encounter is in progress.
   */
  @Post('encounters/:id/discharge')
  @HttpCode(200)
  discharge(@Param('id', Uuid) id: string, @Body() body: DischargeDto, @Ctx() ctx: RequestContext) {
    return this.encounters.discharge(id, body, ctx);
  }

  @Post('encounters/:id/close')
  @HttpCode(200)
  close(@Param('id', Uuid) id: string, @Body() body: VersionDto, @Ctx() ctx: RequestContext) {
    return this.encounters.close(id, body, ctx);
  }

  @Post('encounters/:id/cancel')
  @HttpCode(200)
  cancel(@Param('id', Uuid) id: string, @Body() body: CancelDto) {
    return this.encounters.cancel(id, body);
  }
}
