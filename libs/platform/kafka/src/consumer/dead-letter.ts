import type { IHeaders, KafkaMessage } from 'kafkajs';

/** Headers added to a dead-lettered record; the original headers, key and value are kept unchanged. */
export const DlqHeader = {
  originalTopic: 'dlq_original_topic',
  originalPartition: 'dlq_original_partition',
  originalOffset: 'dlq_original_offset',
  consumerGroup: 'dlq_consumer_group',
  error: 'dlq_error',
  errorType: 'dlq_error_type',
  errorStack: 'dlq_error_stack',
  attempts: 'dlq_attempts',
  failedAt: 'dlq_failed_at',
} as const;

/** Set on a record put back on its topic from a DLQ; its value is how many times it was replayed. */
export const REPLAY_HEADER = 'hosp_dlq_replay';

export function deadLetterHeaders(
  message: KafkaMessage,
  info: { topic: string; partition: number; group: string; error: unknown; attempts: number },
): IHeaders {
  const err = info.error instanceof Error ? info.error : new Error(String(info.error));
  return {
    ...(message.headers ?? {}),
    [DlqHeader.originalTopic]: info.topic,
    [DlqHeader.originalPartition]: String(info.partition),
    [DlqHeader.originalOffset]: message.offset,
    [DlqHeader.consumerGroup]: info.group,
    [DlqHeader.error]: err.message.slice(0, 2000),
    [DlqHeader.errorType]: err.name,
    [DlqHeader.errorStack]: (err.stack ?? '').slice(0, 4000),
    [DlqHeader.attempts]: String(info.attempts),
    [DlqHeader.failedAt]: new Date().toISOString(),
  };
}
