import { Access, type AuthenticatedRequest } from '@hosp/platform-auth';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidRequestError } from '@hosp/platform-runtime';
import { mediaTypeParameters, MultipartError, QueryParameterError } from '@hosp/standards-dicom';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ARCHIVE_SETTINGS, type ArchiveSettings } from '../../shared/archive-settings';
import { DicomWebService } from '../application/dicomweb.service';

type QueryParams = Record<string, string | string[] | undefined>;

/** STOW-RS bodies are read into memory up to this size (DICOMWEB_MAX_BYTES, default 1 GiB). */
const maxBody = () => Number(process.env['DICOMWEB_MAX_BYTES'] ?? 2 ** 30);

/**
 * DICOMweb (PS3.18) under /dicom-web: QIDO-RS, WADO-RS (instances and metadata), STOW-RS. Errors of a request
 * (an unknown query attribute, a body that is not multipart/related) are 400/415 with the reason, as every REST
 * error of the platform.
 */
@ApiTags('dicomweb')
@Access({
  read: ['physician', 'radiologist', 'radiographer', 'service'],
  write: ['radiographer', 'integration-admin', 'service'],
})
@Controller('dicom-web')
export class DicomWebController {
  constructor(
    private readonly web: DicomWebService,
    @Inject(ARCHIVE_SETTINGS) private readonly settings: ArchiveSettings,
  ) {}

  // QIDO-RS (PS3.18 §10.6)

  @Get('studies')
  studies(@Query() q: QueryParams, @Req() req: IncomingMessage, @Res() res: ServerResponse) {
    return this.qido(res, () => this.web.search('STUDY', {}, q, this.base(req)));
  }

  @Get('series')
  allSeries(@Query() q: QueryParams, @Req() req: IncomingMessage, @Res() res: ServerResponse) {
    return this.qido(res, () => this.web.search('SERIES', {}, q, this.base(req)));
  }

  @Get('studies/:study/series')
  series(
    @Param('study') study: string,
    @Query() q: QueryParams,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
  ) {
    return this.qido(res, () => this.web.search('SERIES', { study }, q, this.base(req)));
  }

  @Get('instances')
  allInstances(@Query() q: QueryParams, @Req() req: IncomingMessage, @Res() res: ServerResponse) {
    return this.qido(res, () => this.web.search('IMAGE', {}, q, this.base(req)));
  }

  @Get('studies/:study/instances')
  studyInstances(
    @Param('study') study: string,
    @Query() q: QueryParams,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
  ) {
    return this.qido(res, () => this.web.search('IMAGE', { study }, q, this.base(req)));
  }

  @Get('studies/:study/series/:series/instances')
  seriesInstances(
    @Param('study') study: string,
    @Param('series') series: string,
    @Query() q: QueryParams,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
  ) {
    return this.qido(res, () => this.web.search('IMAGE', { study, series }, q, this.base(req)));
  }

  // WADO-RS (PS3.18 §10.4)

  @Get('studies/:study')
  retrieveStudy(@Param('study') study: string, @Req() req: IncomingMessage, @Res() res: ServerResponse) {
    return this.wado(req, res, { study });
  }

  @Get('studies/:study/series/:series')
  retrieveSeries(
    @Param('study') study: string,
    @Param('series') series: string,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
  ) {
    return this.wado(req, res, { study, series });
  }

  @Get('studies/:study/series/:series/instances/:instance')
  retrieveInstance(
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('instance') instance: string,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
  ) {
    return this.wado(req, res, { study, series, instance });
  }

  @Get('studies/:study/metadata')
  studyMetadata(@Param('study') study: string, @Res() res: ServerResponse) {
    return this.metadata(res, { study });
  }

  @Get('studies/:study/series/:series/metadata')
  seriesMetadata(@Param('study') study: string, @Param('series') series: string, @Res() res: ServerResponse) {
    return this.metadata(res, { study, series });
  }

  @Get('studies/:study/series/:series/instances/:instance/metadata')
  instanceMetadata(
    @Param('study') study: string,
    @Param('series') series: string,
    @Param('instance') instance: string,
    @Res() res: ServerResponse,
  ) {
    return this.metadata(res, { study, series, instance });
  }

  // STOW-RS (PS3.18 §10.5)

  @Post('studies')
  @HttpCode(200)
  stow(@Req() req: IncomingMessage, @Res() res: ServerResponse) {
    return this.store(req, res);
  }

  @Post('studies/:study')
  @HttpCode(200)
  stowToStudy(@Param('study') study: string, @Req() req: IncomingMessage, @Res() res: ServerResponse) {
    return this.store(req, res, study);
  }

  private async qido(res: ServerResponse, search: () => Promise<unknown[]>) {
    let results;
    try {
      results = await search();
    } catch (err) {
      if (err instanceof QueryParameterError) throw InvalidRequestError.field(err.parameter, err.message);
      throw err;
    }
    json(res, 200, results);
  }

  private async wado(
    req: IncomingMessage,
    res: ServerResponse,
    scope: { study: string; series?: string; instance?: string },
  ) {
    const accept = req.headers['accept'] ?? '*/*';
    if (
      !/multipart\/related|\*\/\*|multipart\/\*/.test(accept) ||
      /type="?application\/(?!dicom[";,\s]|dicom$)/.test(accept)
    ) {
      res.statusCode = 406;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          statusCode: 406,
          code: 'NOT_ACCEPTABLE',
          message: 'only multipart/related; type="application/dicom" is served',
        }),
      );
      return;
    }
    const rows = await this.web.instances(scope);
    const boundary = `hosp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    res.statusCode = 200;
    res.setHeader('content-type', `multipart/related; type="application/dicom"; boundary=${boundary}`);
    for await (const part of this.web.files(rows)) {
      const head = Object.entries(part.headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      if (!res.write(`--${boundary}\r\n${head}\r\n`)) await drained(res);
      if (!res.write(part.body)) await drained(res);
      res.write('\r\n');
    }
    res.end(`--${boundary}--\r\n`);
  }

  private async metadata(res: ServerResponse, scope: { study: string; series?: string; instance?: string }) {
    const rows = await this.web.instances(scope, true);
    json(
      res,
      200,
      rows.map((r) => r.header),
    );
  }

  private async store(req: IncomingMessage, res: ServerResponse, study?: string) {
    const contentType = req.headers['content-type'] ?? '';
    const { mediaType, params } = mediaTypeParameters(contentType);
    if (
      mediaType !== 'multipart/related' ||
      (params['type'] && params['type'].toLowerCase() !== 'application/dicom')
    ) {
      res.statusCode = 415;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          statusCode: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'STOW-RS takes multipart/related; type="application/dicom"',
        }),
      );
      return;
    }
    const body = await readBody(req, maxBody());
    let result;
    try {
      result = await this.web.stow(body, contentType, clientOf(req), study, this.base(req));
    } catch (err) {
      if (err instanceof MultipartError) throw InvalidRequestError.field('body', err.message);
      throw err;
    }
    json(res, result.status, result.body, 'application/dicom+json');
  }

  /** The DICOMweb base URL the client reached (or DICOMWEB_BASE_URL behind a proxy). */
  private base(req: IncomingMessage): string {
    if (this.settings.dicomWebBaseUrl) return this.settings.dicomWebBaseUrl.replace(/\/$/, '');
    return `http://${req.headers['host'] ?? '127.0.0.1'}/dicom-web`;
  }
}

function json(res: ServerResponse, status: number, body: unknown, type = 'application/dicom+json') {
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.end(JSON.stringify(body));
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => res.once('drain', () => resolve()));
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw InvalidRequestError.field('body', `larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function clientOf(req: AuthenticatedRequest): string {
  return `${req.principal?.sub ?? 'anonymous'}@${(req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')}`;
}
