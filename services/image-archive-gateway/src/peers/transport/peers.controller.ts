import { Access } from '@hosp/platform-auth';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InvalidRequestError } from '@hosp/platform-runtime';
import { PeersService } from '../application/peers.service';
import { AE_TITLE, PeerDto } from './peer.dto';

function aeTitle(value: string): string {
  if (!AE_TITLE.test(value))
    throw InvalidRequestError.field('aeTitle', 'must be an AE title (1-16 characters, no backslash)');
  return value;
}

/** The remote AEs allowed to associate, C-MOVE destinations and forwarding targets. */
@ApiTags('dicom peers')
@Access({ read: ['integration-admin'], write: ['integration-admin'] })
@Controller('dicom/peers')
export class PeersController {
  constructor(private readonly peers: PeersService) {}

  @Get()
  list() {
    return this.peers.list();
  }

  @Get(':aeTitle')
  get(@Param('aeTitle') ae: string) {
    return this.peers.get(aeTitle(ae));
  }

  /** Creates or replaces a peer; applies to the next association. */
  @Put(':aeTitle')
  put(@Param('aeTitle') ae: string, @Body() body: PeerDto) {
    if (body.checkHost && !body.host)
      throw InvalidRequestError.field('host', 'is required when checkHost is set');
    if (body.forward && (!body.host || !body.port))
      throw InvalidRequestError.field(body.host ? 'port' : 'host', 'is required for a forwarding target');
    return this.peers.put({
      aeTitle: aeTitle(ae),
      host: body.host ?? null,
      port: body.port ?? null,
      checkHost: body.checkHost ?? false,
      forward: body.forward ?? false,
      description: body.description ?? null,
      enabled: body.enabled ?? true,
    });
  }

  @Delete(':aeTitle')
  @HttpCode(204)
  async remove(@Param('aeTitle') ae: string) {
    await this.peers.remove(aeTitle(ae));
  }

  /** Verification (C-ECHO) from the archive to the peer. */
  @Post(':aeTitle/echo')
  @HttpCode(200)
  echo(@Param('aeTitle') ae: string) {
    return this.peers.echo(aeTitle(ae));
  }
}
