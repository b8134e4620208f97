import { formatHl7DateTime, Hl7Builder, type Hl7Message, newControlId } from '@hosp/standards-hl7v2';
import type { Connection } from '../../connections/domain/connection';
import type { WorkOrder } from './work-order';

/**
 * Work orders in HL7 for an analyzer, after IHE LAW (LAB-28, OML^O33 shape carried as OML^O21 by most
 * analyzers in the field) and, for older devices, ORM^O01 (HL7 v2.3 Ch. 4). The device's own test codes come
 * from the connection's code map read backwards (service code -> device code); tests without an entry go
 * with the service code.
 */
export function workOrderMessage(
  c: Connection,
  w: WorkOrder,
  controlId = newControlId(),
  now = new Date(),
): Hl7Message {
  const b = header(
    c,
    c.orderMessage === 'ORM^O01' ? ['ORM', 'O01', 'ORM_O01'] : ['OML', 'O21', 'OML_O21'],
    controlId,
    now,
  );
  appendOrder(b, c, w, 'NW', c.orderMessage === 'ORM^O01');
  return b.build();
}

/** The same order withdrawn (ORC-1 CA), for a work order LIS cancelled after it was pushed. */
export function cancelMessage(
  c: Connection,
  w: WorkOrder,
  controlId = newControlId(),
  now = new Date(),
): Hl7Message {
  const b = header(
    c,
    c.orderMessage === 'ORM^O01' ? ['ORM', 'O01', 'ORM_O01'] : ['OML', 'O21', 'OML_O21'],
    controlId,
    now,
  );
  appendOrder(b, c, w, 'CA', c.orderMessage === 'ORM^O01');
  return b.build();
}

/**
 * RSP^K11 answering an analyzer's QBP^Q11 work-order query by specimen (IHE LAW LAB-27): MSA AA, QAK with
 * the query tag and OK (orders follow) or NF (no orders for the barcode), QPD echoed, then the orders.
 */
export function queryResponse(
  c: Connection,
  query: Hl7Message,
  orders: WorkOrder[],
  now = new Date(),
): Hl7Message {
  const b = new Hl7Builder({ separators: query.separators });
  b.msh({
    sendingApplication: c.localApplication,
    sendingFacility: c.localFacility,
    receivingApplication: query.msh.value(3) ?? '',
    receivingFacility: query.msh.value(4) ?? '',
    dateTime: now,
    messageType: ['RSP', 'K11', 'RSP_K11'],
    controlId: newControlId(),
    processingId: query.processingId ?? 'P',
    version: query.version ?? c.hl7Version,
    charset: c.charset,
  });
  b.segment('MSA', { 1: 'AA', 2: query.controlId ?? '' });
  const qpd = query.getSegment('QPD');
  b.segment('QAK', { 1: qpd?.value(2) ?? '', 2: orders.length ? 'OK' : 'NF' });
  if (qpd) b.rawSegment(qpd.raw);
  for (const w of orders) appendOrder(b, c, w, 'NW', false);
  return b.build();
}

/** The specimen id an analyzer's QBP^Q11 asks about: QPD-3 (LAW: SAC-3 container identifier). */
export function queriedSpecimen(query: Hl7Message): string | undefined {
  return query.getSegment('QPD')?.value(3, 1) || undefined;
}

function header(c: Connection, type: [string, string, string], controlId: string, now: Date): Hl7Builder {
  const b = new Hl7Builder();
  b.msh({
    sendingApplication: c.localApplication,
    sendingFacility: c.localFacility,
    receivingApplication: c.deviceApplication ?? '',
    receivingFacility: c.deviceFacility ?? '',
    dateTime: now,
    messageType: c.hl7Version === '2.3' ? [type[0], type[1]] : type,
    controlId,
    processingId: 'P',
    version: c.hl7Version,
    // Original mode: the device answers with an ACK we match by MSA-2.
    acceptAckType: c.ackMode === 'enhanced' ? 'AL' : undefined,
    applicationAckType: c.ackMode === 'enhanced' ? 'NE' : undefined,
    charset: c.charset,
  });
  return b;
}

function appendOrder(
  b: Hl7Builder,
  c: Connection,
  w: WorkOrder,
  control: 'NW' | 'CA',
  legacy: boolean,
): void {
  const deviceCode = new Map(c.codeMap.map((e) => [e.serviceCode, e]));
  const [family, ...given] = w.patientName.split(' ');
  b.segment('PID', {
    1: '1',
    3: [w.patientCode || w.patientId, '', '', '', 'PI'],
    5: [family ?? '', given.join(' ')],
    7: w.birthDate.replace(/-/g, ''),
    8: w.sex,
  });
  if (!legacy) {
    // SPM-2 specimen id (the barcode), SPM-4 type (table 0487); SAC-3 the container id.
    b.segment('SPM', {
      1: '1',
      2: w.specimenId,
      4: w.specimenType,
      17: w.collectedAt ? compactTime(w.collectedAt) : '',
    });
    b.segment('SAC', { 3: w.specimenId });
  }
  w.tests.forEach((t, i) => {
    const map = deviceCode.get(t.serviceCode);
    b.segment('ORC', { 1: control, 2: t.orderId, 3: w.specimenId, 5: control === 'CA' ? 'CA' : 'SC' });
    b.segment('OBR', {
      1: String(i + 1),
      2: legacy ? w.specimenId : t.orderId,
      3: w.specimenId,
      4: [map?.deviceCode ?? t.serviceCode, map?.serviceName ?? t.serviceName, 'L'],
      5: w.priority,
      7: w.collectedAt ? compactTime(w.collectedAt) : '',
    });
  });
}

function compactTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : formatHl7DateTime(d);
}
