import type { ChainedAuditRecord } from '../model/audit-record';
import { chainHash, GENESIS_HASH } from './canonical';

export interface ChainVerification {
  ok: boolean;
  /** Records examined, up to and including the first broken one. */
  checked: number;
  /** The first record whose place in the chain does not hold. */
  firstBrokenSeq?: string;
  reason?: string;
  /** The last record of an intact chain: an auditor can note it and later check nothing before it changed. */
  headSeq?: string;
  headHash?: string;
}

/**
 * Walks records in `seq` order and stops at the first that does not hold:
 * - a gap in `seq` (rows deleted: seq is assigned without gaps under the append lock);
 * - a record whose content no longer matches its own hash (a field edited, or a row moved to another seq);
 * - a record whose `prev_hash` is not the hash of the record before it (a row deleted or inserted with the
 *   hashes recomputed from there on, or rows swapped).
 * Records arrive in pages so a long trail is never held in memory at once.
 */
export class ChainVerifier {
  private expectedSeq = 1n;
  private prevHash = GENESIS_HASH;
  private checked = 0;
  private broken?: ChainVerification;

  /** Feeds the next records (in seq order); false once the chain is broken (the rest need not be read). */
  push(records: readonly ChainedAuditRecord[]): boolean {
    for (const r of records) {
      if (this.broken) return false;
      this.checked++;
      const seq = BigInt(r.seq);
      if (seq !== this.expectedSeq) {
        return this.fail(
          r.seq,
          seq > this.expectedSeq
            ? `seq ${this.range(seq)} missing: rows were deleted`
            : `seq ${r.seq} out of order (expected ${this.expectedSeq})`,
        );
      }
      if (chainHash(r.seq, r, r.prevHash) !== r.hash)
        return this.fail(r.seq, 'content does not match its hash: the row was edited or moved');
      if (r.prevHash !== this.prevHash)
        return this.fail(
          r.seq,
          `prev_hash does not match the hash of seq ${seq - 1n}: rows before it were removed, inserted or rewritten`,
        );
      this.prevHash = r.hash;
      this.expectedSeq = seq + 1n;
    }
    return true;
  }

  result(): ChainVerification {
    if (this.broken) return this.broken;
    if (this.checked === 0) return { ok: true, checked: 0 };
    return {
      ok: true,
      checked: this.checked,
      headSeq: String(this.expectedSeq - 1n),
      headHash: this.prevHash,
    };
  }

  private range(found: bigint): string {
    return found - 1n === this.expectedSeq ? `${this.expectedSeq}` : `${this.expectedSeq}..${found - 1n}`;
  }

  private fail(seq: string, reason: string): false {
    this.broken = { ok: false, checked: this.checked, firstBrokenSeq: seq, reason };
    return false;
  }
}

/** Verifies records already in memory (tests, an exported file). */
export function verifyChain(records: readonly ChainedAuditRecord[]): ChainVerification {
  const v = new ChainVerifier();
  v.push(records);
  return v.result();
}
