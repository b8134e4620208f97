import {
  buildEnvelope,
  checkRows,
  layoutFor,
  tableDef,
  writeTable,
  type Layout,
  type TableId,
} from '@hosp/standards-bhyt-xml';
import type { EpisodeFacts, PatientFacts } from '../../episodes/domain/episode';
import type { CatalogEntry } from '../../catalog/domain/catalog-entry';
import { type AssembledClaim, type AssembledTables, type ClaimsFacility, assembleClaim } from './assemble';
import { crossTableProblems } from './checks';
import { vietnamDay, xmlDate } from './formats';
import type { ClaimProblem } from './problem';

/** Signs a finished GIAMDINHHS document (XML-DSig into its CHUKYDONVI); see claims/application/facility-signer. */
export type SignDocument = (
  xml: string,
) => { ok: true; xml: string } | { ok: false; code: string; reason: string };

export interface BuiltClaim {
  readonly assembled: AssembledClaim;
  readonly layoutVersion: string;
  /** Every problem, assembly and layout and cross-table; empty means the claim may be sent. */
  readonly problems: ClaimProblem[];
  /** The signed envelope, only when there is no problem. */
  readonly envelopeXml: string | null;
}

/**
 * Tables in the order the envelope lists them (§1.2, the layout's EnvelopeDef): XML1 first, then the others that
 * have rows, the QĐ 4750 papers XML13 (referral letter) and XML14 (re-exam appointment) last.
 */
const ENVELOPE_ORDER = ['XML1', 'XML2', 'XML3', 'XML4', 'XML7', 'XML8', 'XML13', 'XML14'] as const;

/**
 * The tables of the claim that the layout in force can carry. XML13 and XML14 arrived with QĐ 4750 (§1.1,
 * §1.2): under the QĐ 130 layout they do not exist, and the referral and appointment travel in XML1 alone
 * (MA_NOI_DEN, GIAY_CHUYEN_TUYEN, NGAY_TAI_KHAM), as they did then.
 */
function tablesToSend(layout: Layout, a: AssembledClaim): TableId[] {
  return ENVELOPE_ORDER.filter((t) => a.tables[t].length > 0 && layout.envelope.tables.includes(t));
}

/**
 * One episode from facts to signed XML: assemble the tables, check them against the layout in force on the
 * settlement date and against the cross-table rules, and only when nothing is wrong write the documents, wrap
 * them in GIAMDINHHS and sign it. Nothing that fails validation is ever signed or sent (issue: "nothing is sent
 * that fails validation").
 */
export function buildClaim(
  facts: EpisodeFacts,
  patient: PatientFacts,
  facility: ClaimsFacility,
  catalog: ReadonlyMap<string, CatalogEntry>,
  sign: SignDocument,
  now: Date,
): BuiltClaim {
  const assembled = assembleClaim(facts, patient, facility, catalog);
  const day = vietnamDay(facts.closedAt ?? now);
  const layout = layoutFor(day);
  if (!layout.ok)
    return {
      assembled,
      layoutVersion: 'none',
      problems: [{ table: 'XML1', row: 0, field: 'TONG_HOP', code: 'NO_LAYOUT', reason: layout.reason }],
      envelopeXml: null,
    };
  const problems = [
    ...assembled.problems,
    ...layoutProblems(layout.layout, assembled),
    ...crossTableProblems(assembled.tables),
  ];
  if (problems.length) return { assembled, layoutVersion: layout.layout.id, problems, envelopeXml: null };
  const files = tablesToSend(layout.layout, assembled).map((t) => ({
    table: t,
    xml: writeTable(tableDef(layout.layout, t), assembled.tables[t as keyof AssembledTables]),
  }));
  const envelope = buildEnvelope({
    facilityCode: facility.code,
    createdOn: xmlDate(now),
    files,
    layout: layout.layout,
  });
  const signed = sign(envelope);
  if (!signed.ok)
    return {
      assembled,
      layoutVersion: layout.layout.id,
      problems: [
        { table: 'GIAMDINHHS', row: 0, field: 'CHUKYDONVI', code: signed.code, reason: signed.reason },
      ],
      envelopeXml: null,
    };
  return { assembled, layoutVersion: layout.layout.id, problems: [], envelopeXml: signed.xml };
}

function layoutProblems(layout: Layout, a: AssembledClaim): ClaimProblem[] {
  return tablesToSend(layout, a).flatMap((t) =>
    checkRows(tableDef(layout, t), a.tables[t as keyof AssembledTables]),
  );
}
