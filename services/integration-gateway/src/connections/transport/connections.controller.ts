import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InvalidRequestError } from '@hosp/platform-runtime';
import { ConnectionsService } from '../application/connections.service';
import { ConnectionDto, UpdateConnectionDto } from './connection.dto';

@ApiTags('connections')
@Access({ read: ['integration-admin'], write: ['integration-admin'] })
@Controller('connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  create(@Body() body: ConnectionDto) {
    return this.connections.create(body);
  }

  @Get()
  list() {
    return this.connections.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.connections.get(id);
  }

  /** Replaces the configuration; listeners and senders of the connection restart with it. */
  @Put(':id')
  update(@Param('id') id: string, @Body() body: UpdateConnectionDto) {
    if (body.id !== id) throw InvalidRequestError.field('id', 'must match the path');
    const { version, ...config } = body;
    return this.connections.update(config, version);
  }
}
