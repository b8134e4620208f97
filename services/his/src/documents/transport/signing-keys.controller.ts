import { Access } from '@hosp/platform-auth';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SigningKeysService } from '../application/signing-keys.service';
import { SigningKeyDto, SigningKeyQueryDto } from './document.dto';

@ApiTags('documents')
@Access({ read: ['physician', 'integration-admin'], write: ['physician', 'integration-admin'] })
@Controller('signing-keys')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  /** Registers a clinician's public key (the private key stays on the device or the signing service). */
  @Post()
  register(@Body() body: SigningKeyDto) {
    return this.keys.register(body);
  }

  @Get()
  forClinician(@Query() q: SigningKeyQueryDto) {
    return this.keys.forClinician(q.clinicianId);
  }

  @Get(':keyId')
  get(@Param('keyId') keyId: string) {
    return this.keys.get(keyId);
  }

  /** Revokes the key: nothing more can be signed with it; what it signed before stays valid. */
  @Post(':keyId/revoke')
  @HttpCode(200)
  revoke(@Param('keyId') keyId: string) {
    return this.keys.revoke(keyId);
  }

  @Delete(':keyId')
  remove(@Param('keyId') keyId: string) {
    return this.keys.revoke(keyId);
  }
}
