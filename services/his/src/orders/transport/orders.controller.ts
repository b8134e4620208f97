import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Ctx, InvalidRequestError, type RequestContext } from '@hosp/platform-runtime';
import { OrdersService } from '../application/orders.service';
import { PRIORITIES, type OrderPriority } from '../domain/order';

const Uuid = new ParseUUIDPipe({ version: '4' });

export class OrderLineDto {
  @IsString() @IsNotEmpty() serviceCode!: string;
  @IsOptional() @IsInt() @Min(1) @Max(100) quantity?: number;
  @IsOptional() @IsIn(PRIORITIES) priority?: OrderPriority;
  @IsOptional() @IsString() @MaxLength(2000) clinicalNote?: string;
}

export class PlaceOrdersDto {
  /** The ordering clinician; defaults to the caller (the token's subject). */
  @IsOptional() @IsString() @MaxLength(64) orderingProviderId?: string;
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  orders!: OrderLineDto[];
}

export class CancelOrderDto {
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
  @IsOptional() @IsInt() @Min(1) version?: number;
}

@ApiTags('orders')
@Access({ read: ['physician', 'nurse', 'billing-clerk'], write: ['physician', 'nurse'] })
@Controller()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** Places one or more orders on an encounter in one transaction (all or none). */
  @Post('encounters/:id/orders')
  place(@Param('id', Uuid) id: string, @Body() body: PlaceOrdersDto, @Ctx() ctx: RequestContext) {
    const provider = body.orderingProviderId ?? ctx.actorId;
    if (!provider)
      throw InvalidRequestError.field('orderingProviderId', 'required (the token has no subject)');
    return this.orders.place(id, body.orders, provider, ctx);
  }

  @Get('encounters/:id/orders')
  forEncounter(@Param('id', Uuid) id: string) {
    return this.orders.forEncounter(id);
  }

  @Get('orders/:id')
  get(@Param('id', Uuid) id: string) {
    return this.orders.get(id);
  }

  @Post('orders/:id/cancel')
  @HttpCode(200)
  cancel(@Param('id', Uuid) id: string, @Body() body: CancelOrderDto, @Ctx() ctx: RequestContext) {
    return this.orders.cancel(id, body, ctx);
  }
}
