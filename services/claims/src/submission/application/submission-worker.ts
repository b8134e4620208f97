import { ClaimSubmissionFailedSchema, ClaimSubmittedSchema, Topics } from '@hosp/contracts';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ClaimsRepository } from '../../claims/persistence/claims.repository';
import { CLAIMS_CONFIG, type ClaimsConfig } from '../../shared/application/config';
import { ClaimsEvents, ts } from '../../shared/application/outbox';
import { SubmissionsRepository as queue, type SubmissionRow } from '../persistence/submissions.repository';
import { BhxhGatewayClient, type GatewayAnswer } from './bhxh-gateway.client';

/**
 * Sends the queued check-ins and claims to the insurance gateway. Each document is taken with SKIP LOCKED,
 * sent, and its answer stored as a receipt in the same transaction as the new status, so a crash never loses an
 * answer; a crash during the call leaves the document pending and it is sent again (the gateway receives the
 * same MA_LK and version twice, which it can tell apart by maGiaoDich). Transient failures (network, timeout,
 * HTTP 5xx, 401 after a new login) retry with capped exponential backoff; after CLAIMS_SUBMIT_MAX_ATTEMPTS the
 * document is parked, visible in the API and re-queued by hand. A refusal (maKetQua other than 200) is final
 * for that version: the clerk fixes the episode and resubmits a new version (TT 12/2026 Art. 9(3)).
 */
@Injectable()
export class SubmissionWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('SubmissionWorker');
  private client: BhxhGatewayClient | null = null;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly events: ClaimsEvents,
    @Inject(CLAIMS_CONFIG) private readonly config: ClaimsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const g = this.config.gateway;
    if (!g.baseUrl) {
      this.log.warn('BHXH_GATEWAY_URL is not set: check-ins and claims are queued but not sent');
      return;
    }
    this.client = new BhxhGatewayClient({
      baseUrl: g.baseUrl,
      username: g.username,
      password: g.password,
      provinceCode: this.config.provinceCode,
      facilityCode: this.config.facility.code,
    });
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** Called after a document is queued, so it goes out at once instead of at the next poll. */
  nudge(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let sent = false;
      try {
        sent = await this.db.transaction((m) => this.sendOne(m));
      } catch (err) {
        this.log.warn({ err }, 'submission queue unavailable');
      }
      if (!sent) await this.sleep(1_000);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async sendOne(m: EntityManager): Promise<boolean> {
    const row = await queue.claimDue(m);
    if (!row) return false;
    const answer = await this.client!.send(row.kind, row.documentXml);
    const attempts = row.attempts + 1;
    await queue.receipt(m, row.id, {
      attempt: attempts,
      httpStatus: answer.httpStatus,
      resultCode: answer.resultCode,
      transactionId: answer.transactionId,
      receivedAtGateway: answer.receivedAt,
      message: answer.message,
      body: answer.body,
    });
    if (answer.outcome === 'accepted') {
      await queue.settle(m, row.id, {
        status: 'accepted',
        attempts,
        lastError: null,
        transactionId: answer.transactionId,
      });
      await this.claimOutcome(m, row, 'submitted', answer);
      return true;
    }
    if (answer.outcome === 'rejected') {
      await queue.settle(m, row.id, { status: 'rejected', attempts, lastError: describe(answer) });
      await this.claimOutcome(m, row, 'rejected', answer);
      return true;
    }
    const park = attempts >= this.config.gateway.maxAttempts;
    const backoff = Math.min(this.config.gateway.retryBaseMs * 2 ** (attempts - 1), 300_000);
    this.log.warn({ submission: row.id, kind: row.kind, attempts, park }, `not delivered: ${answer.message}`);
    await queue.settle(m, row.id, {
      status: park ? 'parked' : 'pending',
      attempts,
      lastError: describe(answer),
      nextAttemptAt: new Date(Date.now() + backoff),
    });
    if (park) await this.claimOutcome(m, row, 'parked', answer);
    return true;
  }

  private async claimOutcome(
    m: EntityManager,
    row: SubmissionRow,
    status: 'submitted' | 'rejected' | 'parked',
    answer: GatewayAnswer,
  ): Promise<void> {
    if (row.kind !== 'claim' || !row.claimId) return;
    const claim = await ClaimsRepository.get(m, row.claimId);
    if (!claim) return;
    await ClaimsRepository.setStatus(m, claim.id, status);
    const ids = {
      claimId: claim.id,
      episodeKey: claim.episodeKey,
      encounterId: claim.encounterId,
      patientId: claim.patientId,
      version: claim.version,
    };
    if (status === 'submitted')
      await this.events.emit(m, Topics.ClaimsClaim, ClaimSubmittedSchema, {
        ...ids,
        receiptCode: answer.transactionId ?? '',
        submittedAt: ts(new Date()),
      });
    else
      await this.events.emit(m, Topics.ClaimsClaim, ClaimSubmissionFailedSchema, {
        ...ids,
        outcome: status,
        code: answer.resultCode ?? String(answer.httpStatus ?? ''),
        message: answer.message,
        failedAt: ts(new Date()),
      });
  }
}

function describe(a: GatewayAnswer): string {
  return [a.resultCode && `maKetQua ${a.resultCode}`, a.message].filter(Boolean).join(': ') || 'no answer';
}
