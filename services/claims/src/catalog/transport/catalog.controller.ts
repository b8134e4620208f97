import { Access } from '@hosp/platform-auth';
import { NotFoundError } from '@hosp/platform-runtime';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DataSource } from 'typeorm';
import type { CatalogEntry } from '../domain/catalog-entry';
import { CatalogRepository } from '../persistence/catalog.repository';

export class CatalogItemDto implements CatalogEntry {
  @IsString() @MaxLength(50) code!: string;
  @IsIn(['drug', 'service', 'supply']) kind!: 'drug' | 'service' | 'supply';
  /** MA_NHOM 1–19 (QĐ 5937/2021 App. 3; 19 added by QĐ 4750). */
  @IsOptional() @IsInt() @Min(1) @Max(19) group?: number;
  @IsOptional() @IsIn([1, 2, 3]) scope?: 1 | 2 | 3;
  @IsOptional() @IsInt() @Min(0) @Max(100) insuranceRatio?: number;
  @IsOptional() @IsString() @MaxLength(50) bhytCode?: string;
  @IsOptional() @IsString() @MaxLength(255) ingredientCode?: string;
  /** TT_THAU "decision;package;group;year" (QĐ 4750 guidance), at most 50 characters. */
  @IsOptional() @IsString() @MaxLength(50) @Matches(/^[^;]*(;[^;]*){0,3}$/) tender?: string;
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(/^\S*$/, { message: 'SO_DANG_KY has no spaces' })
  registrationNumber?: string;
  @IsOptional() @IsString() @MaxLength(4) routeCode?: string;
  @IsOptional() @IsString() @MaxLength(1024) dosageForm?: string;
  @IsOptional() @IsString() @MaxLength(50) unit?: string;
}

export class CatalogItemsDto {
  @ValidateNested({ each: true })
  @Type(() => CatalogItemDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  items!: CatalogItemDto[];
}

/**
 * The facility's BHYT catalogue details claims needs beyond the ledger (tender data, registration numbers, cost
 * groups, BHXH codes). Loaded by the billing office from the lists BHXH approved; every claim line's item must
 * be in it.
 */
@ApiTags('catalogue')
@Access({
  read: ['billing-clerk', 'insurance-officer', 'integration-admin'],
  write: ['billing-clerk', 'integration-admin'],
})
@Controller('catalog')
export class CatalogController {
  constructor(private readonly db: DataSource) {}

  @Put('items')
  async put(@Body() body: CatalogItemsDto) {
    await CatalogRepository.upsert(this.db.manager, body.items);
    return { count: body.items.length };
  }

  @Get('items/:code')
  async get(@Param('code') code: string) {
    const item = await CatalogRepository.get(this.db.manager, code);
    if (!item) throw new NotFoundError('Catalogue item', code);
    return item;
  }
}
