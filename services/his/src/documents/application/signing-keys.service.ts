import { ConflictError, InvalidRequestError, NotFoundError } from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { checkPublicKey, type SigningAlgorithm } from '../domain/signature';
import { type SigningKeyRow, SigningKeysRepository as repo } from '../persistence/signing-keys.repository';

/**
 * The register of clinicians' public signing keys. A key is registered once under its id and never changes;
 * when a device is lost or a clinician leaves, the key is revoked: documents it signed before stay valid,
 * nothing new can be signed with it.
 */
@Injectable()
export class SigningKeysService {
  constructor(private readonly db: DataSource) {}

  async register(k: {
    keyId: string;
    clinicianId: string;
    publicKeyPem: string;
    algorithm: SigningAlgorithm;
  }): Promise<SigningKeyRow> {
    const checked = checkPublicKey(k.publicKeyPem, k.algorithm);
    if (!checked.ok) throw InvalidRequestError.field('publicKeyPem', checked.reason);
    const row = await repo.insert(this.db.manager, { ...k, publicKeyPem: checked.spkiPem });
    if (!row)
      throw new ConflictError('KEY_EXISTS', `signing key ${k.keyId} is already registered`, {
        keyId: k.keyId,
      });
    return row;
  }

  async get(keyId: string): Promise<SigningKeyRow> {
    const k = await repo.get(this.db.manager, keyId);
    if (!k) throw new NotFoundError('SigningKey', keyId);
    return k;
  }

  forClinician(clinicianId: string): Promise<SigningKeyRow[]> {
    return repo.forClinician(this.db.manager, clinicianId);
  }

  /** Revokes the key from now on; revoking a revoked key changes nothing. */
  async revoke(keyId: string): Promise<SigningKeyRow> {
    const k = await repo.revoke(this.db.manager, keyId, new Date());
    if (!k) throw new NotFoundError('SigningKey', keyId);
    return k;
  }
}
