import { Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * Backbone metrics on the process-wide prom-client registry that `/metrics` serves. Created lazily and
 * once, since several relays or consumers may live in one process (tests, multi-group services).
 */
function once<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

export const backboneMetrics = {
  outboxPublished: () =>
    once(
      'hosp_outbox_published_total',
      () =>
        new Counter({
          name: 'hosp_outbox_published_total',
          help: 'Outbox events published to Kafka',
          labelNames: ['topic'],
        }),
    ),
  outboxPending: () =>
    once(
      'hosp_outbox_pending',
      () =>
        new Gauge({
          name: 'hosp_outbox_pending',
          help: 'Outbox rows not yet published (exact when a relay pass sees the whole outbox, else counted every 5 s)',
        }),
    ),
  outboxRelayErrors: () =>
    once(
      'hosp_outbox_relay_errors_total',
      () =>
        new Counter({ name: 'hosp_outbox_relay_errors_total', help: 'Failed outbox relay passes (retried)' }),
    ),
  consumerEvents: () =>
    once(
      'hosp_consumer_events_total',
      () =>
        new Counter({
          name: 'hosp_consumer_events_total',
          help: 'Consumed events by outcome (applied, duplicate, dead_lettered)',
          labelNames: ['group', 'topic', 'outcome'],
        }),
    ),
  consumerLatency: () =>
    once(
      'hosp_consumer_event_age_seconds',
      () =>
        new Histogram({
          name: 'hosp_consumer_event_age_seconds',
          help: 'Time from the event (ce_time) to its effect being committed',
          labelNames: ['group'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        }),
    ),
};

/** Registers every backbone metric, so /metrics shows them (at zero) before the first event. */
export function registerBackboneMetrics(): void {
  for (const make of Object.values(backboneMetrics)) make();
}
