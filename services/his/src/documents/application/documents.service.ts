import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
  RuleViolationError,
} from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EncountersRepository } from '../../encounters/persistence/encounters.repository';
import { PatientsRepository } from '../../patients/persistence/patients.repository';
import { TimelineService } from '../../timeline/application/timeline.service';
import { JcsError } from '../domain/jcs';
import { sha256Hex, type SignedFields, signingInput, verifySignature } from '../domain/signature';
import { type DocumentRow, DocumentsRepository as docs } from '../persistence/documents.repository';
import { SigningKeysRepository as keys } from '../persistence/signing-keys.repository';

export interface SignDocument {
  /** The logical document; a new one when absent (version 1). For an amendment, that of `supersedes`. */
  documentId?: string;
  /** The version being amended (its id); absent for version 1. */
  supersedes?: string;
  /** The encounter the document belongs to; an amendment keeps its predecessor's when absent. */
  encounterId?: string;
  kind: string;
  title: string;
  content: Record<string, unknown>;
  keyId: string;
  /** Base64 of the signature over the UTF-8 bytes of the canonical form (signature.ts signingInput). */
  signature: string;
}

export type VerifiedDocument = DocumentRow & { verified: boolean };
export type DocumentSummary = Omit<DocumentRow, 'canonical'>;

/**
 * Signed clinical documents of the EMR (TT 13/2025; CV 365 §5-6). A document version is stored only with a
 * valid signature of a registered, unrevoked key, together with exactly the bytes that were signed (RFC 8785
 * canonical JSON), their SHA-256, the signer and the time; nothing stored ever changes (a trigger refuses UPDATE
 * and DELETE). An amendment is a new signed version that names the version it supersedes; only the latest
 * version can be amended, so two clinicians amending at once cannot both win.
 */
@Injectable()
export class DocumentsService {
  constructor(
    private readonly db: DataSource,
    private readonly timeline: TimelineService,
  ) {}

  sign(patientIdAsGiven: string, given: SignDocument, ctx: RequestContext): Promise<VerifiedDocument> {
    // PostgreSQL writes UUIDs in lower case: the canonical form does too, or it would not re-verify from storage.
    const patientId = patientIdAsGiven.toLowerCase();
    const input: SignDocument = {
      ...given,
      documentId: given.documentId?.toLowerCase(),
      supersedes: given.supersedes?.toLowerCase(),
      encounterId: given.encounterId?.toLowerCase(),
    };
    const nul = hasNul(input.title) ? 'title' : hasNul(input.content) ? 'content' : undefined;
    if (nul) throw InvalidRequestError.field(nul, 'must not contain the character U+0000');

    return this.db.transaction(async (m) => {
      const patient = await PatientsRepository.get(m, patientId);
      if (!patient) throw new NotFoundError('Patient', patientId);
      if (patient.status === 'merged')
        throw new ConflictError(
          'PATIENT_MERGED',
          `patient ${patient.id} was merged into ${patient.mergedInto}`,
          {
            mergedInto: patient.mergedInto,
          },
        );
      const lineage = await PatientsRepository.lineage(m, patientId);

      const key = await keys.get(m, input.keyId, true);
      if (!key) throw InvalidRequestError.field('keyId', `unknown signing key ${input.keyId}`);
      if (key.revokedAt)
        throw new RuleViolationError(
          'KEY_REVOKED',
          `signing key ${key.keyId} was revoked at ${key.revokedAt.toISOString()}`,
          { keyId: key.keyId, revokedAt: key.revokedAt },
        );
      const signerId = ctx.actorId ?? key.clinicianId;
      if (key.clinicianId !== signerId)
        throw InvalidRequestError.field(
          'keyId',
          `belongs to clinician ${key.clinicianId}, not to the signer ${signerId}`,
        );

      const place = input.supersedes
        ? await this.amendmentPlace(m, input.supersedes, input, lineage)
        : await this.originalPlace(m, input);
      if (place.encounterId) {
        const e = await EncountersRepository.get(m, place.encounterId);
        if (!e) throw InvalidRequestError.field('encounterId', `unknown encounter ${place.encounterId}`);
        if (!lineage.includes(e.patientId))
          throw InvalidRequestError.field('encounterId', `encounter ${e.id} is not patient ${patientId}'s`);
      }

      const fields: SignedFields = {
        documentId: place.documentId,
        version: place.version,
        supersedes: place.supersedes,
        patientId,
        encounterId: place.encounterId,
        kind: input.kind,
        title: input.title,
        content: input.content,
      };
      let canonical: string;
      try {
        canonical = signingInput(fields);
      } catch (e) {
        if (e instanceof JcsError) throw InvalidRequestError.field('content', e.message);
        throw e;
      }
      const contentSha256 = sha256Hex(canonical);
      const signature = Buffer.from(input.signature, 'base64');
      if (!verifySignature(key.algorithm, key.publicKeyPem, Buffer.from(canonical, 'utf8'), signature)) {
        const hint =
          key.algorithm === 'ES256' && signature.length !== 64
            ? ` (an ES256 signature is 64 bytes, IEEE P1363 r||s; this one has ${signature.length}: DER?)`
            : '';
        throw new RuleViolationError(
          'SIGNATURE_INVALID',
          `the signature does not verify with key ${key.keyId} (${key.algorithm}) over the canonical form of ` +
            `version ${place.version} of document ${place.documentId}${hint}`,
          {
            keyId: key.keyId,
            algorithm: key.algorithm,
            documentId: place.documentId,
            version: place.version,
            supersedes: place.supersedes,
            canonicalSha256: contentSha256,
          },
        );
      }

      const id = randomUUID();
      const signedAt = new Date();
      await docs.insert(m, {
        id,
        ...fields,
        canonical,
        contentSha256,
        keyId: key.keyId,
        signerId,
        signature: signature.toString('base64'),
        signedAt,
      });
      await this.timeline.addIn(m, {
        patientId,
        encounterId: place.encounterId,
        kind: 'document',
        refId: id,
        occurredAt: signedAt,
        summary: input.title,
        detail: {
          documentId: place.documentId,
          version: place.version,
          supersedes: place.supersedes,
          kind: input.kind,
        },
      });
      return { ...(await docs.get(m, id))!, verified: true };
    });
  }

  /** Version 1 of a new document: the id must not be taken. */
  private async originalPlace(m: EntityManager, input: SignDocument) {
    const documentId = input.documentId ?? randomUUID();
    await docs.lockDocument(m, documentId);
    const existing = await docs.latest(m, documentId);
    if (existing)
      throw new ConflictError(
        'DOCUMENT_EXISTS',
        `document ${documentId} already exists (version ${existing.version}); an amendment names the version it supersedes`,
        { documentId, latestId: existing.id, latestVersion: existing.version },
      );
    return { documentId, version: 1, supersedes: null, encounterId: input.encounterId ?? null };
  }

  /** The next version of the document `supersedes` belongs to, which must be its latest version. */
  private async amendmentPlace(m: EntityManager, supersedes: string, input: SignDocument, lineage: string[]) {
    const prev = await docs.get(m, supersedes);
    if (!prev) throw InvalidRequestError.field('supersedes', `unknown document version ${supersedes}`);
    const problems = [
      ...(input.documentId && input.documentId !== prev.documentId
        ? [{ field: 'documentId', reason: `version ${prev.id} belongs to document ${prev.documentId}` }]
        : []),
      ...(lineage.includes(prev.patientId)
        ? []
        : [{ field: 'supersedes', reason: `version ${prev.id} is another patient's document` }]),
      ...(input.kind !== prev.kind
        ? [{ field: 'kind', reason: `an amendment keeps the kind of the document (${prev.kind})` }]
        : []),
      ...(input.encounterId !== undefined && input.encounterId !== prev.encounterId
        ? [
            {
              field: 'encounterId',
              reason: `an amendment keeps the document's encounter (${prev.encounterId})`,
            },
          ]
        : []),
    ];
    if (problems.length) throw new InvalidRequestError(problems);
    await docs.lockDocument(m, prev.documentId);
    const latest = (await docs.latest(m, prev.documentId)) ?? prev;
    if (latest.id !== prev.id)
      throw new ConflictError(
        'STALE_VERSION',
        `version ${prev.version} of document ${prev.documentId} was already amended: the latest is version ` +
          `${latest.version} (${latest.id}); reload it and amend that`,
        {
          documentId: prev.documentId,
          supersedes: prev.id,
          latestId: latest.id,
          latestVersion: latest.version,
        },
      );
    return {
      documentId: prev.documentId,
      version: prev.version + 1,
      supersedes: prev.id,
      encounterId: prev.encounterId,
    };
  }

  /**
   * A stored version, re-verified from storage: the signature over the stored canonical bytes, their SHA-256,
   * and that those bytes are the canonical form of the stored fields. `id` is a version id, or a document id
   * for its latest version.
   */
  async get(id: string): Promise<VerifiedDocument> {
    const m = this.db.manager;
    const d = (await docs.get(m, id)) ?? (await docs.latest(m, id));
    if (!d) throw new NotFoundError('Document', id);
    return { ...d, verified: await this.verify(m, d) };
  }

  async forPatient(patientId: string, allVersions: boolean): Promise<DocumentSummary[]> {
    const ids = await PatientsRepository.lineage(this.db.manager, patientId);
    if (ids.length === 0) throw new NotFoundError('Patient', patientId);
    const rows = await docs.forPatients(this.db.manager, ids, allVersions);
    return rows.map(({ canonical: _, ...rest }) => rest);
  }

  private async verify(m: EntityManager, d: DocumentRow): Promise<boolean> {
    const key = await keys.get(m, d.keyId);
    if (!key || sha256Hex(d.canonical) !== d.contentSha256) return false;
    try {
      const fromColumns = signingInput({
        documentId: d.documentId,
        version: d.version,
        supersedes: d.supersedes,
        patientId: d.patientId,
        encounterId: d.encounterId,
        kind: d.kind,
        title: d.title,
        content: d.content,
      });
      if (fromColumns !== d.canonical) return false;
    } catch {
      return false;
    }
    return verifySignature(
      key.algorithm,
      key.publicKeyPem,
      Buffer.from(d.canonical, 'utf8'),
      Buffer.from(d.signature, 'base64'),
    );
  }
}

/** PostgreSQL text and jsonb cannot hold U+0000. */
function hasNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some(hasNul);
  if (v && typeof v === 'object')
    return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x));
  return false;
}
