import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CatalogService } from '../application/catalog.service';
import { DrugItemsDto, ServiceItemsDto } from './catalog.dto';

@ApiTags('catalog')
@Access({
  read: [
    'receptionist',
    'physician',
    'nurse',
    'billing-clerk',
    'insurance-officer',
    'integration-admin',
    'lab-technician',
    'radiographer',
  ],
  write: ['integration-admin', 'billing-clerk'],
})
@Controller('catalog')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  /** Creates or replaces service catalogue entries by code (a price list import). */
  @Put('services')
  putServices(@Body() body: ServiceItemsDto) {
    return this.catalog.putServices(body.items);
  }

  @Get('services')
  services() {
    return this.catalog.listServices();
  }

  @Get('services/:code')
  service(@Param('code') code: string) {
    return this.catalog.service(code);
  }

  @Put('drugs')
  putDrugs(@Body() body: DrugItemsDto) {
    return this.catalog.putDrugs(body.items);
  }

  @Get('drugs')
  drugs() {
    return this.catalog.listDrugs();
  }
}
