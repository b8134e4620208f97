import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { MessageStoreService } from '../application/message-store.service';

const Uuid = new ParseUUIDPipe({ version: '4' });

export class MessageSearchDto {
  @IsOptional() @IsString() connectionId?: string;
  /** Prefix match on the type, e.g. "ORU" or "ORU^R01". */
  @IsOptional() @IsString() messageType?: string;
  @IsOptional() @IsIn(['accepted', 'rejected', 'refused']) status?: string;
  @IsOptional() @IsString() patientId?: string;
  @IsOptional() @IsString() specimenId?: string;
  @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit = 100;
}

export class ReplayRangeDto {
  @Type(() => Date) @IsDate() from!: Date;
  @Type(() => Date) @IsDate() to!: Date;
  @IsOptional() @IsString() connectionId?: string;
}

export class OutboundSearchDto {
  @IsOptional() @IsString() connectionId?: string;
  @IsOptional() @IsIn(['queued', 'acked', 'parked']) status?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit = 100;
}

@ApiTags('messages')
@Access({ read: ['integration-admin'], write: ['integration-admin'] })
@Controller()
export class MessagesController {
  constructor(private readonly store: MessageStoreService) {}

  @Get('messages')
  search(@Query() q: MessageSearchDto) {
    return this.store.search(q);
  }

  /** The message as text and exact bytes, its ACK, and the ids of the events it produced. */
  @Get('messages/:id')
  get(@Param('id', Uuid) id: string) {
    return this.store.get(id);
  }

  @Post('messages/:id/replay')
  @HttpCode(200)
  replay(@Param('id', Uuid) id: string) {
    return this.store.replay(id);
  }

  @Post('messages/replay')
  @HttpCode(200)
  replayRange(@Body() body: ReplayRangeDto) {
    return this.store.replayRange(body.from, body.to, body.connectionId);
  }

  @Get('outbound')
  outbound(@Query() q: OutboundSearchDto) {
    return this.store.outbound(q);
  }

  /** Puts a parked outbound message back at its place in the queue. */
  @Post('outbound/:id/requeue')
  @HttpCode(200)
  requeue(@Param('id', Uuid) id: string) {
    return this.store.requeue(id);
  }
}
