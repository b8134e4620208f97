import { Access, Roles } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { requireActor } from '../../shared/transport/dto';
import { ResultsService } from '../application/results.service';
import { CorrectResultDto, ResultQueryDto } from './result.dto';

const Uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('results')
@Access({
  read: ['lab-technician', 'lab-validator', 'physician'],
  write: ['lab-technician', 'lab-validator'],
})
@Controller('results')
export class ResultsController {
  constructor(private readonly results: ResultsService) {}

  /** Validation work lists, e.g. `?status=pending-technical` (critical results first). */
  @Get()
  list(@Query() q: ResultQueryDto) {
    return this.results.list(q);
  }

  /** The current version of a result, with every version (corrections, reruns) in `history`. */
  @Get(':id')
  get(@Param('id', Uuid) id: string) {
    return this.results.get(id);
  }

  @Post(':id/technical-validation')
  @HttpCode(200)
  validateTechnically(@Param('id', Uuid) id: string, @Ctx() ctx: RequestContext) {
    return this.results.validateTechnically(id, requireActor(ctx));
  }

  /** Releases the result (ResultFinalized); 422 SAME_VALIDATOR when the technical validator tries it. */
  @Roles('lab-validator')
  @Post(':id/medical-validation')
  @HttpCode(200)
  validateMedically(@Param('id', Uuid) id: string, @Ctx() ctx: RequestContext) {
    return this.results.validateMedically(id, requireActor(ctx), ctx);
  }

  /** Corrects a released result: a new version, released as ResultFinalized with corrected = true. */
  @Roles('lab-validator')
  @Post(':id/correct')
  @HttpCode(200)
  correct(@Param('id', Uuid) id: string, @Body() body: CorrectResultDto, @Ctx() ctx: RequestContext) {
    return this.results.correct(id, body, requireActor(ctx), ctx);
  }
}
