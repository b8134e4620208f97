import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { DocumentsService } from '../application/documents.service';
import { DocumentListQueryDto, SignDocumentDto } from './document.dto';

const Uuid = new ParseUUIDPipe();

@ApiTags('documents')
@Access({ read: ['physician', 'nurse'], write: ['physician'] })
@Controller()
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  /** Stores a signed document version (a new document, or an amendment of the latest version). */
  @Post('patients/:patientId/documents')
  sign(
    @Param('patientId', Uuid) patientId: string,
    @Body() body: SignDocumentDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.documents.sign(patientId, body, ctx);
  }

  /** The latest version of each of the patient's documents, or every version with ?allVersions=true. */
  @Get('patients/:patientId/documents')
  forPatient(@Param('patientId', Uuid) patientId: string, @Query() q: DocumentListQueryDto) {
    return this.documents.forPatient(patientId, q.allVersions ?? false);
  }

  /** A version (by its id, or a document id for its latest version), re-verified from storage. */
  @Get('documents/:id')
  get(@Param('id', Uuid) id: string) {
    return this.documents.get(id);
  }
}
