import { type AuditRecordInput, type ChainedAuditRecord, normalizeRecord } from '../model/audit-record';
import { canonicalSerialization, chainHash, GENESIS_HASH } from './canonical';
import { verifyChain } from './verify';

const T0 = Date.parse('2026-11-22T01:02:03.456Z');

function input(i: number): AuditRecordInput {
  return {
    action: i % 2 ? 'R' : 'U',
    what: i % 2 ? 'GET /patients/:id' : 'PUT /patients/:id',
    outcome: 'success',
    status: 200,
    actor: `dr-${i}`,
    actorRoles: ['physician'],
    sourceAddress: '10.0.0.7',
    entityType: 'patients',
    entityId: `p-${i}`,
    patientId: `p-${i}`,
    correlationId: `c-${i}`,
    time: new Date(T0 + i * 1000),
  };
}

/** Chains records the way the store does: seq from 1, each hashed onto the previous one. */
function chain(n: number): ChainedAuditRecord[] {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const r = normalizeRecord(input(i + 1));
    const seq = String(i + 1);
    const hash = chainHash(seq, r, prev);
    const c = { ...r, seq, prevHash: prev, hash };
    prev = hash;
    return c;
  });
}

describe('canonical serialization', () => {
  it('is a JSON array of every field in a fixed order, absent fields null, then prev_hash', () => {
    const r = normalizeRecord({
      action: 'R',
      what: 'GET /patients/:id',
      outcome: 'success',
      actor: 'dr-1',
      actorRoles: ['nurse', 'auditor', 'nurse'],
      patientId: 'p-1',
      time: new Date(T0),
    });
    expect(canonicalSerialization('7', r, GENESIS_HASH)).toBe(
      JSON.stringify([
        'hosp-audit-v1',
        '7',
        '2026-11-22T01:02:03.456Z',
        'dr-1',
        ['auditor', 'nurse'],
        null,
        null,
        'R',
        '110110',
        'GET /patients/:id',
        null,
        null,
        'p-1',
        'success',
        null,
        null,
        null,
        GENESIS_HASH,
      ]),
    );
  });

  it('does not depend on the order the roles were listed in or on absent versus undefined fields', () => {
    const a = normalizeRecord({ ...input(1), actorRoles: ['b', 'a'], detail: undefined });
    const b = normalizeRecord({ ...input(1), actorRoles: ['a', 'b'] });
    expect(chainHash('1', a, GENESIS_HASH)).toBe(chainHash('1', b, GENESIS_HASH));
  });

  it('changes with every field, with seq and with prev_hash', () => {
    const base = normalizeRecord(input(1));
    const h = chainHash('1', base, GENESIS_HASH);
    expect(chainHash('2', base, GENESIS_HASH)).not.toBe(h);
    expect(chainHash('1', base, 'f'.repeat(64))).not.toBe(h);
    for (const [field, value] of Object.entries({
      actor: 'someone-else',
      actorRoles: ['admin'],
      clientId: 'app',
      sourceAddress: '10.0.0.8',
      action: 'D',
      eventType: '110112',
      what: 'DELETE /patients/:id',
      entityType: 'orders',
      entityId: 'p-2',
      patientId: 'p-2',
      outcome: 'failure',
      status: 500,
      detail: 'X',
      correlationId: 'c-2',
      time: new Date(T0 + 1),
    }))
      expect(chainHash('1', { ...base, [field]: value }, GENESIS_HASH)).not.toBe(h);
  });

  it('stores only text PostgreSQL accepts: NUL removed, lone surrogates replaced, long values cut', () => {
    const r = normalizeRecord({
      action: 'R',
      what: 'GET /x',
      outcome: 'success',
      entityId: 'a\u0000b\ud800c',
      actor: 'x'.repeat(1000),
    });
    expect(r.entityId).toBe('ab\ufffdc');
    expect(r.actor).toHaveLength(256);
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and names its head', () => {
    const rows = chain(5);
    expect(verifyChain(rows)).toEqual({ ok: true, checked: 5, headSeq: '5', headHash: rows[4].hash });
    expect(verifyChain([])).toEqual({ ok: true, checked: 0 });
  });

  it('detects an edited field at the edited row', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], patientId: 'p-someone-else' };
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBrokenSeq: '3', checked: 3 });
    expect(verifyChain(rows).reason).toMatch(/edited/);
  });

  it('detects an edited row whose hash was recomputed, at the next row', () => {
    const rows = chain(5);
    const edited = { ...rows[2], actor: 'nobody' };
    rows[2] = { ...edited, hash: chainHash(edited.seq, edited, edited.prevHash) };
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBrokenSeq: '4' });
    expect(verifyChain(rows).reason).toMatch(/prev_hash/);
  });

  it('detects a deleted row (a gap in seq)', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(verifyChain(rows)).toMatchObject({
      ok: false,
      firstBrokenSeq: '3',
      reason: expect.stringMatching(/seq 2 missing/),
    });
  });

  it('detects a deleted first row', () => {
    expect(verifyChain(chain(3).slice(1))).toMatchObject({ ok: false, firstBrokenSeq: '2' });
  });

  it('detects a deleted row when the rows after it were renumbered to close the gap', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    const renumbered = rows.map((r, i) => ({ ...r, seq: String(i + 1) }));
    expect(verifyChain(renumbered)).toMatchObject({ ok: false, firstBrokenSeq: '2' });
  });

  it('detects reordered rows (two rows swapped their seq)', () => {
    const rows = chain(5);
    const swapped = [rows[0], { ...rows[2], seq: '2' }, { ...rows[1], seq: '3' }, rows[3], rows[4]];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, firstBrokenSeq: '2' });
  });

  it('detects a row inserted into the middle', () => {
    const rows = chain(4);
    const forged = normalizeRecord(input(99));
    const inserted = {
      ...forged,
      seq: '3',
      prevHash: rows[1].hash,
      hash: chainHash('3', forged, rows[1].hash),
    };
    const later = rows.slice(2).map((r, i) => ({ ...r, seq: String(i + 4) }));
    expect(verifyChain([rows[0], rows[1], inserted, ...later])).toMatchObject({
      ok: false,
      firstBrokenSeq: '4',
    });
  });
});
