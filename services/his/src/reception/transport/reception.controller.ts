import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import {
  ENCOUNTER_CLASSES,
  type EncounterClass,
  ROUTES,
  type CareRoute,
} from '../../encounters/domain/encounter';
import { PatientDto } from '../../patients/transport/patient.dto';
import { ISO_DATE } from '../../shared/transport/dto';
import { ReceptionService } from '../application/reception.service';

const Uuid = new ParseUUIDPipe({ version: '4' });

export class CardWindowDto {
  @Matches(ISO_DATE, { message: 'validFrom must be YYYY-MM-DD' }) validFrom!: string;
  @Matches(ISO_DATE, { message: 'validTo must be YYYY-MM-DD' }) validTo!: string;
  @IsString() registrationFacility!: string;
}

export class CheckInDto {
  @IsOptional() @IsString() citizenId?: string;
  @IsOptional() @IsString() cardNumber?: string;
  @IsOptional() @ValidateNested() @Type(() => CardWindowDto) card?: CardWindowDto;
  /** Demographics for a first visit. */
  @IsOptional() @ValidateNested() @Type(() => PatientDto) patient?: PatientDto;
  @Matches(/^[A-Za-z0-9]{1,10}$/, { message: 'roomCode must be 1-10 letters or digits' }) roomCode!: string;
  @IsString() @IsNotEmpty() @MaxLength(20) departmentCode!: string;
  @IsOptional() @IsIn(ENCOUNTER_CLASSES) encounterClass?: EncounterClass;
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'visitType must be a 2-digit MA_LOAI_KCB' })
  visitType?: string;
  @IsOptional() @IsIn(ROUTES) route?: CareRoute;
  @IsOptional() @IsString() examServiceCode?: string;
  @IsOptional() @IsBoolean() priority?: boolean;
}

export class QueueQueryDto {
  @IsOptional() @Matches(ISO_DATE, { message: 'date must be YYYY-MM-DD' }) date?: string;
}

export class TicketStatusDto {
  @IsIn(['skipped', 'waiting', 'done']) status!: 'skipped' | 'waiting' | 'done';
}

@ApiTags('reception')
@Access({ read: ['receptionist', 'nurse'], write: ['receptionist', 'nurse'] })
@Controller('reception')
export class ReceptionController {
  constructor(private readonly reception: ReceptionService) {}

  /** The kiosk/desk check-in: find or create the patient, open the encounter, issue the queue ticket. */
  @Post('check-ins')
  checkIn(@Body() body: CheckInDto, @Ctx() ctx: RequestContext) {
    return this.reception.checkIn(body, ctx);
  }

  @Get('rooms/:room/queue')
  queue(@Param('room') room: string, @Query() q: QueueQueryDto) {
    return this.reception.queue(room, q.date);
  }

  @Post('rooms/:room/call-next')
  @HttpCode(200)
  callNext(@Param('room') room: string) {
    return this.reception.callNext(room);
  }

  @Post('tickets/:id/status')
  @HttpCode(200)
  setTicket(@Param('id', Uuid) id: string, @Body() body: TicketStatusDto) {
    return this.reception.setTicket(id, body.status);
  }
}
