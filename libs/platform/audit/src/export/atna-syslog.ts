import { hostname } from 'node:os';
import type { ChainedAuditRecord } from '../model/audit-record';
import { toDicomAuditMessage } from './dicom-audit-message';
import type { AuditSource } from './fhir-audit-event';
import {
  FACILITY_AUTHPRIV,
  formatRfc5424,
  frameRfc5425,
  SEVERITY_NOTICE,
  SEVERITY_WARNING,
} from './syslog-message';

/** IHE ITI TF-2 [ITI-20] Record Audit Event: the MSGID of an audit message carried over syslog. */
export const ATNA_MSGID = 'IHE+RFC-3881';

/**
 * One record as an ATNA syslog frame: RFC 5424 header (facility authpriv, notice or warning for a failure,
 * the event time, this host, APP-NAME the service), structured data with the record's seq and hash (so the
 * collector can drop the duplicates a reconnect resends, and holds an outside copy of the chain), the DICOM
 * audit message as MSG, framed per RFC 5425.
 */
export function atnaSyslogFrame(r: ChainedAuditRecord, source: AuditSource, sdId: string): Buffer {
  return frameRfc5425(
    formatRfc5424({
      facility: FACILITY_AUTHPRIV,
      severity: r.outcome === 'success' ? SEVERITY_NOTICE : SEVERITY_WARNING,
      timestamp: r.time,
      hostname: hostname(),
      appName: source.service,
      procId: String(process.pid),
      msgId: ATNA_MSGID,
      structuredData: [
        {
          id: sdId,
          params: [
            ['seq', r.seq],
            ['hash', r.hash],
          ],
        },
      ],
      msg: toDicomAuditMessage(r, source),
    }),
  );
}
