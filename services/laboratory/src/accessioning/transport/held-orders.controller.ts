import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { requireActor, ToInt } from '../../shared/transport/dto';
import { AccessioningService } from '../application/accessioning.service';
import type { HeldOrderStatus } from '../persistence/held-orders.repository';

export class HeldOrderQueryDto {
  @IsOptional() @IsIn(['held', 'accessioned', 'discarded', 'cancelled']) status?: HeldOrderStatus;
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class DiscardDto {
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}

@ApiTags('held orders')
@Access({ read: ['lab-technician', 'lab-validator'], write: ['lab-technician', 'lab-validator'] })
@Controller('held-orders')
export class HeldOrdersController {
  constructor(private readonly accessioning: AccessioningService) {}

  /** Laboratory orders LIS could not accession (no active test definition), with the reason. */
  @Get()
  list(@Query() q: HeldOrderQueryDto) {
    return this.accessioning.listHeld(q);
  }

  @Post(':orderId/discard')
  @HttpCode(200)
  discard(@Param('orderId') orderId: string, @Body() body: DiscardDto, @Ctx() ctx: RequestContext) {
    return this.accessioning.discardHeld(orderId, body.reason, requireActor(ctx));
  }
}
