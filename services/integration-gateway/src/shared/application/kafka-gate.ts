import { KafkaProbe } from '@hosp/platform-kafka';
import { KAFKA } from '@hosp/platform-runtime';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';

/**
 * Whether the gateway may accept messages. A message is durable once it is in PostgreSQL (with its events in
 * the outbox), so a broker outage loses nothing; but while Kafka is away nothing accepted moves on to LIS, and
 * an analyzer that keeps getting AA keeps piling results into a queue no one reads. So the gateway stops
 * answering AA while the broker does not answer its probe, and tells the device to resend later (AR/CR with
 * error 207, HL7 v2.5.1 Ch. 2 §2.9.2); results accepted before the outage reach LIS when it returns
 * (the fault requirement). Probed every second, with a 1.5 s timeout.
 */
@Injectable()
export class KafkaGate implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('KafkaGate');
  private readonly probe: KafkaProbe;
  private timer?: NodeJS.Timeout;
  private up = false;
  private running?: Promise<void>;

  constructor(@Inject(KAFKA) kafka: Kafka) {
    this.probe = new KafkaProbe(kafka);
  }

  get open(): boolean {
    return this.up;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.check().finally(() => (this.running = undefined));
    }, 1_000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.probe.close();
  }

  private async check(): Promise<void> {
    const was = this.up;
    try {
      await this.probe.check(1_500);
      this.up = true;
    } catch {
      this.up = false;
    }
    if (was !== this.up)
      this.log.warn(
        this.up ? 'Kafka answers: accepting messages' : 'Kafka unreachable: refusing messages (AR 207)',
      );
  }
}
