import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SERVICE_CATEGORIES, type ServiceCategory } from '../domain/catalog';

const PRICE = /^\d{1,12}(\.\d{1,3})?$/;
const PRICE_MESSAGE = 'must be a VND amount with at most 3 decimals, as a string (e.g. "34500")';

export class ServiceItemDto {
  @Matches(/^[A-Za-z0-9._-]{1,50}$/, { message: 'code must be 1-50 letters, digits, . _ -' }) code!: string;
  @IsString() @IsNotEmpty() @MaxLength(1024) name!: string;
  @IsIn(SERVICE_CATEGORIES) category!: ServiceCategory;
  @Matches(PRICE, { message: `hospitalPrice ${PRICE_MESSAGE}` }) hospitalPrice!: string;
  @ValidateIf((_, v) => v !== null)
  @Matches(PRICE, { message: `insurancePrice ${PRICE_MESSAGE}` })
  insurancePrice!: string | null;
  @IsString() @IsNotEmpty() performingDepartment!: string;
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'modality must be a DICOM modality code such as CT' })
  modality: string | null = null;
  @IsOptional() @Matches(/^\d{1,7}-\d$/, { message: 'loincCode must look like 718-7' }) loincCode:
    | string
    | null = null;
  @IsOptional() @IsBoolean() active = true;
}

export class DrugItemDto {
  @Matches(/^[A-Za-z0-9._-]{1,50}$/, { message: 'code must be 1-50 letters, digits, . _ -' }) code!: string;
  @IsString() @IsNotEmpty() name!: string;
  @IsString() @IsNotEmpty() activeIngredientCode!: string;
  @IsString() @IsNotEmpty() activeIngredient!: string;
  @IsString() @IsNotEmpty() strength!: string;
  /** DUONG_DUNG route code or text, e.g. "Uống". */
  @IsString() @IsNotEmpty() route!: string;
  @IsString() @IsNotEmpty() dosageForm!: string;
  @IsString() @IsNotEmpty() unit!: string;
  @Matches(PRICE, { message: `hospitalPrice ${PRICE_MESSAGE}` }) hospitalPrice!: string;
  @ValidateIf((_, v) => v !== null)
  @Matches(PRICE, { message: `insurancePrice ${PRICE_MESSAGE}` })
  insurancePrice!: string | null;
  @IsOptional() @IsBoolean() active = true;
}

export class ServiceItemsDto {
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => ServiceItemDto)
  items!: ServiceItemDto[];
}

export class DrugItemsDto {
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => DrugItemDto)
  items!: DrugItemDto[];
}
