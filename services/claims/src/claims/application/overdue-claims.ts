import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CLAIMS_CONFIG, type ClaimsConfig } from '../../shared/application/config';
import { ClaimsService } from './claims.service';

/**
 * Every 30 s (or half the grace period when it is shorter), builds the claims of closed episodes that have waited for missing facts longer than
 * CLAIMS_WAIT_FOR_FACTS_MS (no event would wake them). Several replicas may run it: building takes the
 * episode's row lock, and a claim that exists is not built again.
 */
@Injectable()
export class OverdueClaims implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('OverdueClaims');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly claims: ClaimsService,
    @Inject(CLAIMS_CONFIG) private readonly config: ClaimsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => {
        this.running = this.claims
          .buildOverdue()
          .then((n) => n && this.log.log(`built ${n} overdue claim(s)`))
          .catch((err) => this.log.warn({ err }, 'overdue claims not built'));
      },
      Math.min(30_000, Math.max(1_000, this.config.waitForFactsMs / 2)),
    );
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
