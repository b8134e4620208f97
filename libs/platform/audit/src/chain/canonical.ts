import { createHash } from 'node:crypto';
import type { AuditRecord } from '../model/audit-record';

/** The `prev_hash` of the first record: 32 zero bytes, hex. */
export const GENESIS_HASH = '0'.repeat(64);

/** Names the serialization, so a later format can be told apart from this one by a verifier. */
export const CANONICAL_VERSION = 'hosp-audit-v1';

/**
 * The bytes a record's hash covers: a JSON array (RFC 8259) of every field in a fixed order, absent fields
 * as null, the time as an ISO 8601 UTC instant with milliseconds, the roles sorted, then the previous
 * record's hash. An array (not an object) so no encoder's key order can change the bytes; JSON so that an
 * auditor can re-check the chain from an export with any language's JSON encoder (ECMAScript escaping:
 * `"`, `\` and control characters only, everything else as UTF-8).
 *
 * `seq` is inside the hash: a row moved to another position, or the rows after a deleted one renumbered to
 * close the gap, no longer matches its hash.
 */
export function canonicalSerialization(seq: string, r: AuditRecord, prevHash: string): string {
  return JSON.stringify([
    CANONICAL_VERSION,
    seq,
    r.time.toISOString(),
    r.actor,
    r.actorRoles,
    r.clientId,
    r.sourceAddress,
    r.action,
    r.eventType,
    r.what,
    r.entityType,
    r.entityId,
    r.patientId,
    r.outcome,
    r.status,
    r.detail,
    r.correlationId,
    prevHash,
  ]);
}

/** SHA-256 (FIPS 180-4) of the canonical serialization, lowercase hex. */
export function chainHash(seq: string, r: AuditRecord, prevHash: string): string {
  return createHash('sha256')
    .update(canonicalSerialization(seq, r, prevHash), 'utf8')
    .digest('hex');
}
