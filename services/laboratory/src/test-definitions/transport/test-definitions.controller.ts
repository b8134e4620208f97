import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { TestDefinitionsService } from '../application/test-definitions.service';
import { TestDefinitionsDto } from './test-definition.dto';

@ApiTags('tests')
@Access({
  read: ['lab-technician', 'lab-validator', 'integration-admin'],
  write: ['lab-validator', 'integration-admin'],
})
@Controller('tests')
export class TestDefinitionsController {
  constructor(private readonly tests: TestDefinitionsService) {}

  /**
   * Creates or replaces test definitions by service code, each with its reference ranges (replaced as a
   * whole) and auto-verification rule. Orders held for want of a definition are accessioned at once.
   */
  @Put()
  put(@Body() body: TestDefinitionsDto, @Ctx() ctx: RequestContext) {
    return this.tests.put(body.items, ctx);
  }

  @Get()
  list() {
    return this.tests.list();
  }

  @Get(':code')
  get(@Param('code') code: string) {
    return this.tests.get(code);
  }
}
