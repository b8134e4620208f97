import type { EntityManager } from 'typeorm';

/** The analyzer reports already applied, by the gateway's report id. */
export const AnalyzerReportsRepository = {
  /** Records a report; false when it was already recorded (the same report delivered again). */
  async record(
    m: EntityManager,
    r: {
      reportId: string;
      messageId: string;
      connectionId: string;
      deviceId: string;
      specimenId: string;
      protocol: string;
      observationCount: number;
      receivedAt: Date | null;
    },
  ): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO lab_analyzer_report (report_id, message_id, connection_id, device_id, specimen_id, protocol,
         observation_count, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (report_id) DO NOTHING
       RETURNING report_id`,
      [
        r.reportId,
        r.messageId,
        r.connectionId,
        r.deviceId,
        r.specimenId,
        r.protocol,
        r.observationCount,
        r.receivedAt,
      ],
    );
    return rows.length === 1;
  },
};
