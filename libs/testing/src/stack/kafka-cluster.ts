import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { isAlive, portOpen, readPid, run, sleep, spawnDaemon, stopPid } from './process-util';
import { cacheDir, workspaceRoot } from './workspace';

export const KAFKA_VERSION = '4.3.1';

export interface KafkaClusterOptions {
  /** Directory holding this cluster's data, logs and pid files. */
  dir: string;
  /** 1 for development and most tests; 3 for the fault tests (replication factor 3, min.insync.replicas 2). */
  brokers: 1 | 3;
  /** Broker i listens on basePort + 2i (clients) and basePort + 2i + 1 (KRaft controller). */
  basePort: number;
  heapMb?: number;
}

/**
 * A real Apache Kafka cluster in KRaft mode, run as plain JVM processes from the broker's Maven Central
 * jars (no Docker engine on the project's machines; see docs/adr/0002). Every node is a combined
 * broker+controller with a static voter set, listening on 127.0.0.1 only.
 *
 * Idempotent: `start()` leaves running nodes alone and formats storage only once.
 */
export class KafkaCluster {
  constructor(readonly options: KafkaClusterOptions) {}

  get bootstrapServers(): string[] {
    return this.nodeIds().map((id) => `127.0.0.1:${this.clientPort(id)}`);
  }

  nodeIds(): number[] {
    return Array.from({ length: this.options.brokers }, (_, i) => i + 1);
  }

  clientPort(nodeId: number): number {
    return this.options.basePort + (nodeId - 1) * 2;
  }

  controllerPort(nodeId: number): number {
    return this.clientPort(nodeId) + 1;
  }

  async start(): Promise<void> {
    const libs = resolveKafkaJars();
    mkdirSync(this.options.dir, { recursive: true });
    const clusterIdFile = join(this.options.dir, 'cluster.id');
    const needsFormat = this.nodeIds().some((id) => !existsSync(join(this.dataDir(id), 'meta.properties')));
    if (needsFormat) {
      const clusterId = run('java', ['-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'random-uuid'])
        .trim()
        .split('\n')
        .pop()!;
      writeFileSync(clusterIdFile, clusterId);
      for (const id of this.nodeIds()) {
        rmSync(this.dataDir(id), { recursive: true, force: true });
        this.writeConfig(id);
        run('java', [
          ...this.log4j(),
          '-cp',
          `${libs}/*`,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId,
          '-c',
          this.configFile(id),
        ]);
      }
    }
    for (const id of this.nodeIds()) await this.startNode(id, false);
    await this.waitReady();
  }

  /** Starts one node (after `stopNode`), e.g. in a fault test. */
  async startNode(nodeId: number, wait = true): Promise<void> {
    if (isAlive(readPid(this.pidFile(nodeId)), this.configFile(nodeId))) return;
    for (const port of [this.clientPort(nodeId), this.controllerPort(nodeId)]) {
      if (await portOpen(port)) {
        throw new Error(
          `port ${port} is taken by another process (another checkout's stack?); stop it first`,
        );
      }
    }
    this.writeConfig(nodeId);
    const heap = this.options.heapMb ?? (this.options.brokers === 1 ? 512 : 384);
    spawnDaemon(
      'java',
      [
        `-Xms${Math.min(heap, 256)}m`,
        `-Xmx${heap}m`,
        '-XX:+UseG1GC',
        '-XX:TieredStopAtLevel=1',
        '-Djava.awt.headless=true',
        ...this.log4j(),
        '-cp',
        `${resolveKafkaJars()}/*`,
        'kafka.Kafka',
        this.configFile(nodeId),
      ],
      join(this.options.dir, `node-${nodeId}.log`),
      this.pidFile(nodeId),
    );
    if (wait) await this.waitReady();
  }

  /** Stops one node. `signal: 'SIGKILL'` simulates a crash; SIGTERM is a controlled shutdown. */
  async stopNode(nodeId: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const pid = readPid(this.pidFile(nodeId));
    if (signal === 'SIGKILL' && isAlive(pid, this.configFile(nodeId))) process.kill(pid!, 'SIGKILL');
    await stopPid(this.pidFile(nodeId), this.configFile(nodeId));
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodeIds().map((id) => this.stopNode(id)));
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.options.dir, { recursive: true, force: true });
  }

  isRunning(): boolean {
    return this.nodeIds().every((id) => isAlive(readPid(this.pidFile(id)), this.configFile(id)));
  }

  /** Waits until every running node answers and has registered with the controller quorum. */
  async waitReady(timeoutMs = 120_000): Promise<void> {
    const running = this.nodeIds().filter((id) => isAlive(readPid(this.pidFile(id)), this.configFile(id)));
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      const open = await Promise.all(running.map((id) => portOpen(this.clientPort(id))));
      if (open.every(Boolean)) {
        const kafka = new Kafka({
          clientId: 'stack-ready-check',
          brokers: running.map((id) => `127.0.0.1:${this.clientPort(id)}`),
          logLevel: logLevel.NOTHING,
          retry: { retries: 0 },
        });
        const admin = kafka.admin();
        try {
          await admin.connect();
          const cluster = await admin.describeCluster();
          if (cluster.brokers.length >= running.length && cluster.controller !== null) return;
        } catch (err) {
          lastError = err;
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      }
      for (const id of running) {
        if (!isAlive(readPid(this.pidFile(id)), this.configFile(id))) {
          throw new Error(`Kafka node ${id} exited; see ${join(this.options.dir, `node-${id}.log`)}`);
        }
      }
      await sleep(500);
    }
    throw new Error(`Kafka did not become ready in ${timeoutMs} ms: ${String(lastError)}`);
  }

  private dataDir(nodeId: number): string {
    return join(this.options.dir, `data-${nodeId}`);
  }

  private configFile(nodeId: number): string {
    return join(this.options.dir, `server-${nodeId}.properties`);
  }

  private pidFile(nodeId: number): string {
    return join(this.options.dir, `node-${nodeId}.pid`);
  }

  private log4j(): string[] {
    return [`-Dlog4j2.configurationFile=file:${join(workspaceRoot(), 'scripts/kafka/log4j2.properties')}`];
  }

  private writeConfig(nodeId: number): void {
    const n = this.options.brokers;
    const rf = Math.min(n, 3);
    const minIsr = n >= 3 ? 2 : 1;
    const voters = this.nodeIds()
      .map((id) => `${id}@127.0.0.1:${this.controllerPort(id)}`)
      .join(',');
    const props = {
      'process.roles': 'broker,controller',
      'node.id': nodeId,
      // Static voter set (KIP-595): formatted without --standalone, identical on every node.
      'controller.quorum.voters': voters,
      listeners: `PLAINTEXT://127.0.0.1:${this.clientPort(nodeId)},CONTROLLER://127.0.0.1:${this.controllerPort(nodeId)}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${this.clientPort(nodeId)}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': this.dataDir(nodeId),
      'num.partitions': 3,
      'default.replication.factor': rf,
      'min.insync.replicas': minIsr,
      'offsets.topic.replication.factor': rf,
      'offsets.topic.num.partitions': 3,
      'transaction.state.log.replication.factor': rf,
      'transaction.state.log.min.isr': minIsr,
      'transaction.state.log.num.partitions': 3,
      'share.coordinator.state.topic.replication.factor': rf,
      'share.coordinator.state.topic.min.isr': minIsr,
      'group.initial.rebalance.delay.ms': 0,
      // Topics are created from the catalogue (ensureTopics); auto-creation stays on for DLQs and tests.
      'auto.create.topics.enable': 'true',
      'unclean.leader.election.enable': 'false',
      'log.segment.bytes': 64 * 1024 * 1024,
      'num.network.threads': 2,
      'num.io.threads': 4,
      'background.threads': 4,
    };
    mkdirSync(this.options.dir, { recursive: true });
    writeFileSync(
      this.configFile(nodeId),
      Object.entries(props)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
  }
}

/**
 * Resolves the broker's jars from Maven Central into the user cache once per Kafka version, so fresh
 * clones and CI runs reuse them (Maven's own ~/.m2 cache makes even the first copy fast).
 */
export function resolveKafkaJars(): string {
  const dir = join(cacheDir(), `kafka-${KAFKA_VERSION}`, 'libs');
  const marker = join(dir, '.complete');
  if (existsSync(marker) && readdirSync(dir).some((f) => f.startsWith('kafka_2.13-'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  run('mvn', [
    '-B',
    '-q',
    '-f',
    join(workspaceRoot(), 'scripts/kafka/pom.xml'),
    `-Dkafka.version=${KAFKA_VERSION}`,
    'org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy-dependencies',
    `-DoutputDirectory=${dir}`,
    '-DincludeScope=runtime',
  ]);
  writeFileSync(marker, new Date().toISOString());
  return dir;
}
