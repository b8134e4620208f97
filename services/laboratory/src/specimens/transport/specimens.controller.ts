import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { SpecimensService } from '../application/specimens.service';
import { CollectDto, ReceiveDto, RejectDto, SpecimenQueryDto } from './specimen.dto';

@ApiTags('specimens')
@Access({
  read: ['lab-technician', 'lab-validator', 'nurse', 'physician'],
  write: ['lab-technician', 'nurse'],
})
@Controller()
export class SpecimensController {
  constructor(private readonly specimens: SpecimensService) {}

  /** An accession with its specimens (barcodes, tube types, status) and the tests on each. */
  @Get('accessions/:accession')
  accession(@Param('accession') accession: string) {
    return this.specimens.accession(accession);
  }

  /** Work lists: e.g. `?status=labelled` is the collection list, `?status=collected` the receipt list. */
  @Get('specimens')
  list(@Query() q: SpecimenQueryDto) {
    return this.specimens.list(q);
  }

  @Get('specimens/:barcode')
  get(@Param('barcode') barcode: string) {
    return this.specimens.get(barcode);
  }

  @Post('specimens/:barcode/collect')
  @HttpCode(200)
  collect(@Param('barcode') barcode: string, @Body() body: CollectDto, @Ctx() ctx: RequestContext) {
    return this.specimens.collect(barcode, body, ctx);
  }

  /** Receipt in the lab: releases the work order to the analyzers (WorkOrderReleased). */
  @Post('specimens/:barcode/receive')
  @HttpCode(200)
  receive(@Param('barcode') barcode: string, @Body() body: ReceiveDto, @Ctx() ctx: RequestContext) {
    return this.specimens.receive(barcode, body, ctx);
  }

  @Post('specimens/:barcode/reject')
  @HttpCode(200)
  reject(@Param('barcode') barcode: string, @Body() body: RejectDto, @Ctx() ctx: RequestContext) {
    return this.specimens.reject(barcode, body, ctx);
  }
}
