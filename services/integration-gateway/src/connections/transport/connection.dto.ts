import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  type AckMode,
  type ConnectionProtocol,
  type ConnectionRole,
  type OrderMessage,
  TLS_FILE_NAME,
} from '../domain/connection';

const tlsFileName = { message: 'a file name under GATEWAY_TLS_DIR (letters, digits, . _ - and /; no "..")' };

export class CodeMapEntryDto {
  @IsString() @IsNotEmpty() @MaxLength(64) deviceCode!: string;
  @IsString() @IsNotEmpty() @MaxLength(50) serviceCode!: string;
  @IsOptional() @IsString() serviceName?: string;
  @IsOptional() @Matches(/^\d{1,7}-\d$/, { message: 'loinc must look like 2345-7' }) loinc?: string;
  @IsOptional() @IsString() @MaxLength(30) deviceUnit?: string;
  @IsOptional() @IsString() @MaxLength(30) unit?: string;
}

export class ConnectionDto {
  /** A stable slug, e.g. "sysmex-xn-1": it keys the message store and Kafka records. */
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'id must be a lower-case slug (letters, digits, -)' })
  id!: string;
  @IsString() @IsNotEmpty() name!: string;
  @IsIn(['hl7v2', 'astm']) protocol!: ConnectionProtocol;
  /** listen: the device connects to the gateway; connect: the gateway connects to the device. */
  @IsIn(['listen', 'connect']) role!: ConnectionRole;
  /** The address to listen on (listen) or to connect to (connect). */
  @IsString() @IsNotEmpty() host!: string;
  @IsInt() @Min(1) @Max(65535) port!: number;
  /** MLLP over TLS; mutual TLS when a CA bundle is configured (README "TLS"). */
  @IsOptional() @IsBoolean() tls = false;
  /** PEM files of this connection, named under GATEWAY_TLS_DIR; default GATEWAY_TLS_CERT, _KEY, _CA. */
  @IsOptional() @MaxLength(200) @Matches(TLS_FILE_NAME, tlsFileName) tlsCertFile: string | null = null;
  @IsOptional() @MaxLength(200) @Matches(TLS_FILE_NAME, tlsFileName) tlsKeyFile: string | null = null;
  @IsOptional() @MaxLength(200) @Matches(TLS_FILE_NAME, tlsFileName) tlsCaFile: string | null = null;
  /** MSH-3/MSH-4 the device sends; messages from another sender are refused when set. */
  @IsOptional() @IsString() deviceApplication: string | null = null;
  @IsOptional() @IsString() deviceFacility: string | null = null;
  @IsOptional() @IsString() localApplication = 'HOSP-GW';
  @IsOptional() @IsString() localFacility = '';
  @IsOptional() @IsIn(['2.3', '2.3.1', '2.4', '2.5', '2.5.1']) hl7Version = '2.5.1';
  @IsOptional() @IsIn(['UNICODE UTF-8', '8859/1', 'ASCII']) charset = 'UNICODE UTF-8';
  @IsOptional() @IsIn(['original', 'enhanced']) ackMode: AckMode = 'original';
  /** Message types the device may send, e.g. ["ORU^R01", "QBP^Q11"]; others are refused with AR 200/201. */
  @IsOptional()
  @ArrayMaxSize(50)
  @Matches(/^[A-Z0-9]{3}(\^[A-Z0-9]{3})?$/, { each: true, message: 'accepts entries look like ORU^R01' })
  accepts: string[] = [];
  @IsOptional() @IsIn(['OML^O21', 'ORM^O01', null]) orderMessage: OrderMessage | null = null;
  /** Service codes the device performs: work orders for them are routed here. */
  @IsOptional() @ArrayMaxSize(2000) @IsString({ each: true }) tests: string[] = [];
  @IsOptional()
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => CodeMapEntryDto)
  codeMap: CodeMapEntryDto[] = [];
  @IsOptional() @IsInt() @Min(1024) @Max(64 * 1024 * 1024) maxMessageBytes = 1024 * 1024;
  /** Also publish result messages raw on gateway.hl7-inbound.v1 (other message types always are). */
  @IsOptional() @IsBoolean() publishRaw = false;
  @IsOptional() @IsBoolean() enabled = true;
}

export class UpdateConnectionDto extends ConnectionDto {
  @IsInt() @Min(1) version!: number;
}
