import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class PeerDto {
  /** Where the peer listens (C-MOVE destination, forwarding) and, with checkHost, where it calls from. */
  @IsOptional() @IsString() @MaxLength(255) host?: string | null;
  @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number | null;
  @IsOptional() @IsBoolean() checkHost?: boolean;
  /** Forward every stored instance to this peer (a downstream PACS). */
  @IsOptional() @IsBoolean() forward?: boolean;
  @IsOptional() @IsString() @MaxLength(500) description?: string | null;
  @IsOptional() @IsBoolean() enabled?: boolean;
}

/** AE title (PS3.5 §6.2 AE): 1-16 characters of the default repertoire, no backslash, no leading/trailing space. */
export const AE_TITLE = /^[\x21-\x5b\x5d-\x7e](?:[\x20-\x5b\x5d-\x7e]{0,14}[\x21-\x5b\x5d-\x7e])?$/;
