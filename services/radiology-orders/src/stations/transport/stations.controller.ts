import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { StationsService } from '../application/stations.service';
import { StationQueryDto, StationsDto } from './station.dto';

@ApiTags('stations')
@Access({ read: ['radiographer', 'radiologist', 'integration-admin'], write: ['integration-admin'] })
@Controller('stations')
export class StationsController {
  constructor(private readonly stations: StationsService) {}

  /**
   * Creates or replaces stations by AE title. Procedures waiting for a station of a modality defined here are
   * scheduled at once (ProcedureScheduled).
   */
  @Put()
  put(@Body() body: StationsDto, @Ctx() ctx: RequestContext) {
    return this.stations.put(body.items, ctx);
  }

  @Get()
  list(@Query() q: StationQueryDto) {
    return this.stations.list(q);
  }

  @Get(':aeTitle')
  get(@Param('aeTitle') aeTitle: string) {
    return this.stations.get(aeTitle);
  }
}
