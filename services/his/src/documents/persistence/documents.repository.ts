import type { EntityManager } from 'typeorm';
import type { SigningAlgorithm } from '../domain/signature';

export interface DocumentRow {
  /** This version's id. */
  id: string;
  /** The logical document, shared by all its versions. */
  documentId: string;
  version: number;
  supersedes: string | null;
  /** The version that amends this one, if any. */
  supersededBy: string | null;
  patientId: string;
  encounterId: string | null;
  kind: string;
  title: string;
  content: Record<string, unknown>;
  /** RFC 8785 canonical JSON of the signed fields: exactly the signed bytes (UTF-8). */
  canonical: string;
  /** SHA-256 (hex) of the canonical bytes. */
  contentSha256: string;
  keyId: string;
  algorithm: SigningAlgorithm;
  signerId: string;
  /** Base64 of the signature. */
  signature: string;
  signedAt: Date;
}

export type NewDocument = Omit<DocumentRow, 'supersededBy' | 'algorithm'>;

const COLUMNS = `d.id, d.document_id AS "documentId", d.version, d.supersedes,
  (SELECT n.id FROM his_document n WHERE n.supersedes = d.id ORDER BY n.version LIMIT 1) AS "supersededBy",
  d.patient_id AS "patientId", d.encounter_id AS "encounterId", d.kind, d.title, d.content, d.canonical,
  d.content_sha256 AS "contentSha256", d.key_id AS "keyId", k.algorithm, d.signer_id AS "signerId", d.signature,
  d.signed_at AS "signedAt"`;
const FROM = `his_document d JOIN his_signing_key k ON k.key_id = d.key_id`;

/** SQL for signed documents. Rows are only ever inserted: a trigger refuses UPDATE and DELETE. */
export const DocumentsRepository = {
  async insert(m: EntityManager, d: NewDocument): Promise<void> {
    await m.query(
      `INSERT INTO his_document (id, document_id, version, supersedes, patient_id, encounter_id, kind, title, content,
         canonical, content_sha256, key_id, signer_id, signature, signed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        d.id,
        d.documentId,
        d.version,
        d.supersedes,
        d.patientId,
        d.encounterId,
        d.kind,
        d.title,
        JSON.stringify(d.content),
        d.canonical,
        d.contentSha256,
        d.keyId,
        d.signerId,
        d.signature,
        d.signedAt,
      ],
    );
  },

  /**
   * Serialises writers of one logical document until the transaction ends, so that two amendments of the same
   * version cannot both pass the "is it the latest?" check. (The two-key form keeps clear of the one-key
   * advisory locks other code takes.)
   */
  async lockDocument(m: EntityManager, documentId: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('his_document'), hashtext($1))`, [documentId]);
  },

  async get(m: EntityManager, id: string): Promise<DocumentRow | undefined> {
    const rows = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE d.id = $1`, [id]);
    return rows[0];
  },

  /** The latest version of a logical document. */
  async latest(m: EntityManager, documentId: string): Promise<DocumentRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE d.document_id = $1 ORDER BY d.version DESC LIMIT 1`,
      [documentId],
    );
    return rows[0];
  },

  /** The patients' documents in signing order: every version, or the latest version of each document. */
  async forPatients(m: EntityManager, patientIds: string[], allVersions: boolean): Promise<DocumentRow[]> {
    const where = `d.patient_id = ANY($1)`;
    const sql = allVersions
      ? `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where} ORDER BY d.signed_at, d.document_id, d.version`
      : `SELECT * FROM (
           SELECT DISTINCT ON (d.document_id) ${COLUMNS} FROM ${FROM} WHERE ${where}
           ORDER BY d.document_id, d.version DESC
         ) latest ORDER BY "signedAt", "documentId"`;
    return m.query(sql, [patientIds]);
  },
};
