import { Public } from '@hosp/platform-auth';
import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { KafkaProbeLifecycle } from './kafka.providers';

/**
 * Kubernetes-style probes. Live: the process answers (restart it if not). Ready: its database and Kafka
 * both answer (send it traffic only then). Ready answers 503 with the failing dependency named.
 */
@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly kafka: KafkaProbeLifecycle,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 3_000 }),
      async () => {
        const k = this.indicators.check('kafka');
        try {
          const c = await this.kafka.check();
          return c.controller === null ? k.down({ message: 'no active controller' }) : k.up(c);
        } catch (err) {
          return k.down({ message: (err as Error).message });
        }
      },
    ]);
  }
}
