import type { EpisodeFacts, PatientFacts } from '../../episodes/domain/episode';

/**
 * What a closed episode still waits for before its claim is worth building. The facts come from several topics
 * (demographics on his.patient.v1, results on lab.result.v1 and ris.procedure.v1), each consumed on its own, so
 * when HIS's close and the last charge are in, the patient or a result can still be on its way; building then
 * gives a claim that is invalid for a moment. So the claim waits for the patient and for a result or report of
 * every charged laboratory and imaging order, up to a grace period after the close (then it is built anyway, and
 * what is missing shows in its validation report).
 */
export function awaitedFacts(e: EpisodeFacts, patient: PatientFacts | undefined): string[] {
  const waiting: string[] = [];
  if (!patient) waiting.push(`demographics of patient ${e.patientId}`);
  const reported = new Set([...e.results.map((r) => r.orderId), ...e.reports.map((r) => r.orderId)]);
  // From the charged lines, not the orders: an order travels on its own topic and may not be here yet either.
  for (const c of e.charges)
    if (
      !c.reversed &&
      (c.itemType === 'lab' || c.itemType === 'imaging') &&
      c.sourceId &&
      !reported.has(c.sourceId)
    )
      waiting.push(`the ${c.itemType} result of order ${c.sourceId} (${c.itemCode})`);
  return waiting;
}
