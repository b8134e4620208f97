import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StudiesRepository } from '../persistence/studies.repository';
import { ReconciliationService } from './reconciliation.service';

/**
 * Debounces studies: a study is announced (reconciled, then StudyReceived or StudyHeld) once no instance of it
 * arrived for STUDY_QUIET_MS, or at once when the association that sent it is released. Polls every 250 ms;
 * studies are claimed with SKIP LOCKED, so replicas share the work and none is announced twice.
 */
@Injectable()
export class StudyAnnouncer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('StudyAnnouncer');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly db: DataSource,
    private readonly reconciliation: ReconciliationService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, 250);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Announces every due study; exposed for tests and for an operator's "announce now". */
  async tick(): Promise<void> {
    try {
      for (;;) {
        const n = await this.db.transaction(async (m) => {
          const due = await StudiesRepository.due(m, 20);
          for (const study of due) await this.reconciliation.announce(m, study);
          return due.length;
        });
        if (n < 20) return;
      }
    } catch (err) {
      this.log.warn({ err }, 'studies not announced; retrying');
    }
  }
}
