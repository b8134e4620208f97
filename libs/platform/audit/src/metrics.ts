import { Counter, Gauge, Histogram, register } from 'prom-client';

/** Created once per process on the registry `/metrics` serves (tests boot several apps in one process). */
function once<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

export const auditMetrics = {
  written: () =>
    once(
      'hosp_audit_written_total',
      () => new Counter({ name: 'hosp_audit_written_total', help: 'Audit records appended to the chain' }),
    ),
  writeFailures: () =>
    once(
      'hosp_audit_write_failures_total',
      () =>
        new Counter({
          name: 'hosp_audit_write_failures_total',
          help: 'Failed audit append transactions (the records are kept and retried)',
        }),
    ),
  lost: () =>
    once(
      'hosp_audit_lost_total',
      () =>
        new Counter({
          name: 'hosp_audit_lost_total',
          help: 'Audit records that could not be stored (each is logged at error level instead): alert on > 0',
          labelNames: ['reason'],
        }),
    ),
  queued: () =>
    once(
      'hosp_audit_queued',
      () => new Gauge({ name: 'hosp_audit_queued', help: 'Audit records waiting to be appended' }),
    ),
  appendSeconds: () =>
    once(
      'hosp_audit_append_seconds',
      () =>
        new Histogram({
          name: 'hosp_audit_append_seconds',
          help: 'Duration of one audit append transaction (lock, head, insert, commit)',
          buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
        }),
    ),
  batchSize: () =>
    once(
      'hosp_audit_batch_records',
      () =>
        new Histogram({
          name: 'hosp_audit_batch_records',
          help: 'Records per audit append transaction',
          buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
        }),
    ),
  syslogSent: () =>
    once(
      'hosp_audit_syslog_sent_total',
      () =>
        new Counter({
          name: 'hosp_audit_syslog_sent_total',
          help: 'Audit messages written to the ATNA syslog collector (resends after a reconnect included)',
        }),
    ),
  syslogErrors: () =>
    once(
      'hosp_audit_syslog_errors_total',
      () =>
        new Counter({
          name: 'hosp_audit_syslog_errors_total',
          help: 'ATNA syslog connection or send failures (retried with backoff)',
        }),
    ),
  syslogLag: () =>
    once(
      'hosp_audit_syslog_lag',
      () =>
        new Gauge({
          name: 'hosp_audit_syslog_lag',
          help: 'Audit records not yet confirmed sent to the syslog collector',
        }),
    ),
};

/** Registers every audit metric, so /metrics shows them (at zero) before the first record. */
export function registerAuditMetrics(): void {
  for (const make of Object.values(auditMetrics)) make();
}
