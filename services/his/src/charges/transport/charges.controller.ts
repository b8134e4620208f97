import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { ChargesService } from '../application/charges.service';

const Uuid = new ParseUUIDPipe({ version: '4' });

export class PostChargeDto {
  /** A service catalogue code (exam, bed-day, procedure, supply) or a drug catalogue code. */
  @IsIn(['service', 'drug']) kind!: 'service' | 'drug';
  @IsString() @IsNotEmpty() code!: string;
  /** SO_LUONG, up to 3 decimals (0.5 for a shared bed-day). */
  @Matches(/^(?!0+(\.0+)?$)\d{1,6}(\.\d{1,3})?$/, {
    message: 'quantity must be a positive number with at most 3 decimals',
  })
  quantity!: string;
}

export class ReverseChargeDto {
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}

@ApiTags('charges')
@Access({
  read: ['billing-clerk', 'physician', 'nurse', 'insurance-officer'],
  write: ['billing-clerk', 'physician', 'nurse'],
})
@Controller()
export class ChargesController {
  constructor(private readonly charges: ChargesService) {}

  @Post('encounters/:id/charges')
  post(@Param('id', Uuid) id: string, @Body() body: PostChargeDto, @Ctx() ctx: RequestContext) {
    return this.charges.post(id, body, ctx);
  }

  /** The ledger: every line (reversals included) and the totals with the BHYT split. */
  @Get('encounters/:id/charges')
  ledger(@Param('id', Uuid) id: string) {
    return this.charges.ledger(id);
  }

  /** Lines are never edited: a reversal posts the negation. */
  @Post('charges/:id/reverse')
  reverse(@Param('id', Uuid) id: string, @Body() body: ReverseChargeDto, @Ctx() ctx: RequestContext) {
    return this.charges.reverse(id, body.reason, ctx);
  }
}
