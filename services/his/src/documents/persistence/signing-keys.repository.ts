import type { EntityManager } from 'typeorm';
import type { SigningAlgorithm } from '../domain/signature';

export interface SigningKeyRow {
  keyId: string;
  clinicianId: string;
  publicKeyPem: string;
  algorithm: SigningAlgorithm;
  registeredAt: Date;
  revokedAt: Date | null;
}

const COLUMNS = `key_id AS "keyId", clinician_id AS "clinicianId", public_key_pem AS "publicKeyPem", algorithm,
  registered_at AS "registeredAt", revoked_at AS "revokedAt"`;

export const SigningKeysRepository = {
  /** Inserts the key unless its id is taken; returns the new row, or undefined when the id exists. */
  async insert(
    m: EntityManager,
    k: { keyId: string; clinicianId: string; publicKeyPem: string; algorithm: SigningAlgorithm },
  ): Promise<SigningKeyRow | undefined> {
    const rows = await m.query(
      `INSERT INTO his_signing_key (key_id, clinician_id, public_key_pem, algorithm) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key_id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [k.keyId, k.clinicianId, k.publicKeyPem, k.algorithm],
    );
    return rows[0];
  },

  /**
   * The key; `share` takes a FOR SHARE lock so that a revocation committing meanwhile waits for the signing
   * transaction (a document is never stored against a key revoked before it commits).
   */
  async get(m: EntityManager, keyId: string, share = false): Promise<SigningKeyRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM his_signing_key WHERE key_id = $1${share ? ' FOR SHARE' : ''}`,
      [keyId],
    );
    return rows[0];
  },

  async forClinician(m: EntityManager, clinicianId: string): Promise<SigningKeyRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM his_signing_key WHERE clinician_id = $1 ORDER BY registered_at, key_id`,
      [clinicianId],
    );
  },

  /** Sets revoked_at once (a second revocation keeps the first time); undefined for an unknown key. */
  async revoke(m: EntityManager, keyId: string, at: Date): Promise<SigningKeyRow | undefined> {
    const rows = await m.query(
      `UPDATE his_signing_key SET revoked_at = COALESCE(revoked_at, $2) WHERE key_id = $1 RETURNING ${COLUMNS}`,
      [keyId, at],
    );
    // TypeORM returns [rows, affectedCount] for UPDATE ... RETURNING on PostgreSQL.
    const returned = Array.isArray(rows[0]) ? rows[0] : rows;
    return returned[0];
  },
};
