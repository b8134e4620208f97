import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AUDIT_SOURCE } from '../audit-source';
import { AuditTrail } from '../recording/audit-trail';
import type { AuditSource } from './fhir-audit-event';
import { SyslogSender } from './syslog-sender';
import { syslogSettingsFromEnv } from './syslog-settings';

/** Runs the ATNA syslog sender for the life of the service when `AUDIT_SYSLOG_URL` is set. */
@Injectable()
export class SyslogExportLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('AuditSyslog');
  private sender?: SyslogSender;

  constructor(
    private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
    @Inject(AUDIT_SOURCE) private readonly source: AuditSource,
  ) {}

  onApplicationBootstrap(): void {
    const settings = syslogSettingsFromEnv();
    if (!settings) return;
    this.sender = new SyslogSender({ dataSource: this.dataSource, settings, source: this.source });
    this.trail.onAppended(() => this.sender?.wake());
    this.sender.start();
    this.log.log(`sending the audit trail to tls://${settings.host}:${settings.port} (RFC 5425)`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sender?.stop();
  }
}
