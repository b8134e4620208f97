import type { Admin, Kafka } from 'kafkajs';

/**
 * Readiness probe for Kafka: the cluster answers a metadata request and has a controller. Kept connected
 * between probes (a fresh connection per probe would cost a TCP and ApiVersions round trip each time).
 */
export class KafkaProbe {
  private admin?: Admin;

  constructor(private readonly kafka: Kafka) {}

  async check(timeoutMs = 3_000): Promise<{ brokers: number; controller: number | null }> {
    const run = async () => {
      if (!this.admin) {
        const admin = this.kafka.admin({ retry: { retries: 0 } });
        await admin.connect();
        this.admin = admin;
      }
      const c = await this.admin.describeCluster();
      return { brokers: c.brokers.length, controller: c.controller };
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (err) {
      await this.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const a = this.admin;
    this.admin = undefined;
    await a?.disconnect().catch(() => undefined);
  }
}
