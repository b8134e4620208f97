import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const ToInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value));

export const ACTION_VALUES = ['C', 'R', 'U', 'D', 'E', 'create', 'read', 'update', 'delete', 'execute'];

/** `GET /audit/events` and `/audit/events.fhir`: every filter optional, newest first. */
export class AuditQueryDto {
  @IsOptional() @IsString() @MaxLength(256) patientId?: string;
  /** The actor's subject (`sub`), or the x-actor-id recorded before authentication. */
  @IsOptional() @IsString() @MaxLength(256) actor?: string;
  /** Inclusive bounds on the record time, ISO 8601 (`2026-11-22` or `2026-11-22T08:00:00+07:00`). */
  @IsOptional() @IsISO8601() from?: string;
  @IsOptional() @IsISO8601() to?: string;
  /** A FHIR action code (C, R, U, D, E) or its name (create, read, update, delete, execute). */
  @IsOptional() @IsIn(ACTION_VALUES) action?: string;
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @ToInt() @IsInt() @Min(0) offset?: number;
}
