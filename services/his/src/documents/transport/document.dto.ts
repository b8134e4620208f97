import { Transform } from 'class-transformer';
import {
  IsBase64,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../domain/signature';

export class SigningKeyDto {
  /** The key's id, chosen by the signing device or service, e.g. "bs-nguyen-2026-01". */
  @Matches(/^[A-Za-z0-9._:-]{1,100}$/, { message: 'keyId must be 1-100 letters, digits, . _ : -' })
  keyId!: string;
  /** The clinician who holds the private key. */
  @IsString() @IsNotEmpty() @MaxLength(100) clinicianId!: string;
  /** The public key as PEM (SPKI "BEGIN PUBLIC KEY", or PKCS#1 "BEGIN RSA PUBLIC KEY"). Never a private key. */
  @IsString() @IsNotEmpty() @MaxLength(16384) publicKeyPem!: string;
  @IsIn(SIGNING_ALGORITHMS) algorithm!: SigningAlgorithm;
}

export class SigningKeyQueryDto {
  @IsString() @IsNotEmpty() @MaxLength(100) clinicianId!: string;
}

/**
 * A signed document version. The signature covers the UTF-8 bytes of the RFC 8785 canonical JSON of
 * {documentId, version, supersedes, patientId, encounterId, kind, title, content}, with version 1 and
 * supersedes null for a new document, the superseded version's number + 1 for an amendment, encounterId null
 * when there is none, and UUIDs in lower case.
 */
export class SignDocumentDto {
  /** The logical document: new (a UUID is made when absent) for version 1, the amended document's otherwise. */
  @IsOptional() @IsUUID('all') documentId?: string;
  /** The id of the version this one amends (it must be the latest version). */
  @IsOptional() @IsUUID('all') supersedes?: string;
  /** The encounter the document belongs to; an amendment keeps its predecessor's. */
  @IsOptional() @IsUUID('all') encounterId?: string;
  /** What the document is: progress-note, discharge-summary, radiology-report, consent, ... */
  @Matches(/^[a-z][a-z0-9-]{1,49}$/, {
    message: 'kind must be 2-50 lower-case letters, digits and -, e.g. progress-note',
  })
  kind!: string;
  @IsString() @IsNotEmpty() @MaxLength(500) title!: string;
  /** The document's content, a JSON object (I-JSON: no lone surrogates; numbers are IEEE doubles). */
  @IsObject() content!: Record<string, unknown>;
  /** The registered key the document was signed with. */
  @IsString() @IsNotEmpty() @MaxLength(100) keyId!: string;
  /** Base64 of the signature (ES256: IEEE P1363 r||s, 64 bytes). */
  @IsBase64() @MaxLength(2048) signature!: string;
}

export class DocumentListQueryDto {
  /** Every version of every document, instead of the latest version of each. */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  allVersions?: boolean;
}
