import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EpisodesRepository as episodes } from '../../episodes/persistence/episodes.repository';
import { CLAIMS_CONFIG, type ClaimsConfig } from '../../shared/application/config';
import { SubmissionsRepository as submissions } from '../../submission/persistence/submissions.repository';
import { buildCheckIn } from '../domain/check-in';
import { FacilitySigner } from './facility-signer';

/**
 * Queues the check-in document of an insured episode on its first cost (QĐ 130 Art. 3, the spec §1.1), once per
 * episode, emergencies excepted. The encounter, the patient and the first charge travel on three topics, so
 * `tryIn` runs whenever one of them arrives and sends when all three are there. An uninsured visit has nothing to
 * announce. A check-in that fails validation (a card that does not cover the day) is logged and not sent: it is a
 * status notice, and the claim itself is validated in full at the end of the episode.
 */
@Injectable()
export class CheckInService {
  private readonly log = new Logger('CheckInService');

  constructor(
    private readonly signer: FacilitySigner,
    @Inject(CLAIMS_CONFIG) private readonly config: ClaimsConfig,
  ) {}

  async tryIn(m: EntityManager, encounterId: string): Promise<void> {
    const e = await episodes.episode(m, encounterId);
    if (!e || e.checkInQueued || e.encounterClass === 'emergency') return;
    const facts = await episodes.facts(m, e);
    const coverage = facts.coverages[0];
    const first = facts.charges.filter((c) => !c.reversed).sort((a, b) => +a.postedAt - +b.postedAt)[0];
    const patient = await episodes.patient(m, e.patientId);
    if (!coverage || !first || !patient) return;
    if (!(await episodes.markCheckInQueued(m, e.encounterId))) return;
    const built = buildCheckIn(facts, patient, coverage, first, this.config.facility, this.signer.sign);
    if (!built.ok) {
      this.log.warn(
        { encounter: e.encounterId, problems: built.problems },
        'check-in not sent: it fails validation',
      );
      return;
    }
    await submissions.enqueue(m, {
      id: randomUUID(),
      kind: 'check-in',
      encounterId: e.encounterId,
      claimId: null,
      documentXml: built.xml,
    });
  }

  async tryForPatientIn(m: EntityManager, patientId: string): Promise<void> {
    for (const encounterId of await episodes.awaitingCheckIn(m, patientId)) await this.tryIn(m, encounterId);
  }
}
