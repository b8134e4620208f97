import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
  RuleViolationError,
} from '@hosp/platform-runtime';
import { parseBhytCard, parseCitizenId } from '@hosp/standards-bhyt';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CatalogService } from '../../catalog/application/catalog.service';
import { ChargesService } from '../../charges/application/charges.service';
import { ITEM_TYPE_OF_CATEGORY } from '../../charges/domain/charge';
import { EncountersService } from '../../encounters/application/encounters.service';
import type { EncounterClass, CareRoute } from '../../encounters/domain/encounter';
import { type EncounterRow, EncountersRepository } from '../../encounters/persistence/encounters.repository';
import { PatientsService } from '../../patients/application/patients.service';
import { type PatientInput, validateCard } from '../../patients/domain/patient';
import { type PatientRow, PatientsRepository } from '../../patients/persistence/patients.repository';
import { facilityDate } from '../../shared/domain/dates';
import { QueueRepository as queue, type TicketRow } from '../persistence/queue.repository';

export interface CheckIn {
  /** Scanned from the chip CCCD or typed at the desk. */
  citizenId?: string;
  /** Scanned from the BHYT card / VssID, 15 characters. */
  cardNumber?: string;
  /** The card's validity and registration facility, as read from the card or the BHXH portal lookup. */
  card?: { validFrom: string; validTo: string; registrationFacility: string };
  /** Demographics for a first visit (the chip CCCD carries them). */
  patient?: PatientInput;
  roomCode: string;
  departmentCode: string;
  encounterClass?: EncounterClass;
  visitType?: string;
  route?: CareRoute;
  /** The exam fee's catalogue code, charged at check-in. */
  examServiceCode?: string;
  /** Priority queueing (emergency, elderly, children under 6, people with disabilities). */
  priority?: boolean;
}

export interface CheckInResult {
  patient: PatientRow;
  patientCreated: boolean;
  encounter: EncounterRow;
  ticket: TicketRow;
}

/**
 * Reception (ARCHITECTURE.md flow 1): the kiosk or desk path. Scan, validate the identity document and card,
 * find or create the patient, open the encounter, issue the room's next queue ticket and charge the exam fee,
 * all in one transaction. The patient row is locked first, so two kiosks scanning the same card at once
 * produce one encounter and one 409.
 */
@Injectable()
export class ReceptionService {
  constructor(
    private readonly db: DataSource,
    private readonly patients: PatientsService,
    private readonly encounters: EncountersService,
    private readonly catalog: CatalogService,
    private readonly charges: ChargesService,
  ) {}

  async checkIn(c: CheckIn, ctx: RequestContext): Promise<CheckInResult> {
    if (!c.citizenId && !c.cardNumber)
      throw InvalidRequestError.field('citizenId', 'give citizenId or cardNumber (or both)');
    const problems = [];
    let citizenId: string | undefined;
    if (c.citizenId) {
      const id = parseCitizenId(c.citizenId);
      if (!id.ok) problems.push({ field: 'citizenId', reason: `${id.reason} (${id.code})` });
      else citizenId = id.value;
    }
    let cardNumber: string | undefined;
    if (c.cardNumber) {
      const card = parseBhytCard(c.cardNumber);
      if (!card.ok) problems.push({ field: 'cardNumber', reason: `${card.reason} (${card.code})` });
      else if (card.kind !== 'full')
        problems.push({
          field: 'cardNumber',
          reason: 'the 10-digit BHXH number needs the portal lookup first',
        });
      else cardNumber = card.value;
    }
    const cardCheck = cardNumber && c.card ? validateCard({ cardNumber, ...c.card }, 'card') : undefined;
    if (Array.isArray(cardCheck)) problems.push(...cardCheck);
    const card = Array.isArray(cardCheck) ? undefined : cardCheck;
    const facts = c.patient
      ? this.patients.validate({ ...c.patient, citizenId: c.patient.citizenId ?? citizenId }, 'patient')
      : undefined;
    if (problems.length) throw new InvalidRequestError(problems);
    if (c.examServiceCode)
      await this.catalog.requireServices(this.db.manager, [
        { field: 'examServiceCode', code: c.examServiceCode },
      ]);

    return this.db.transaction(async (m) => {
      let patient =
        (citizenId ? await PatientsRepository.findActiveByCitizenId(m, citizenId) : undefined) ??
        (cardNumber ? await PatientsRepository.findActiveByCard(m, cardNumber) : undefined);
      let created = false;
      if (!patient) {
        if (!facts)
          throw new RuleViolationError(
            'PATIENT_DETAILS_REQUIRED',
            'no patient with this citizen id or card: send `patient` with the demographics to register them',
          );
        patient = await this.patients.registerIn(m, { ...facts, card: card ?? facts.card }, ctx);
        created = true;
      }
      patient = (await PatientsRepository.get(m, patient.id, true))!;
      if (
        card &&
        !patient.insuranceCards.some(
          (x) => x.cardNumber === card.cardNumber && x.validFrom === card.validFrom,
        )
      ) {
        await PatientsRepository.upsertCard(m, randomUUID(), patient.id, card);
        patient = (await PatientsRepository.get(m, patient.id))!;
      }
      if (cardNumber && !patient.insuranceCards.some((x) => x.cardNumber === cardNumber))
        throw new RuleViolationError(
          'CARD_DETAILS_REQUIRED',
          `card ${cardNumber} is not on file for this patient: send \`card\` with its validity and registration facility`,
        );

      const at = new Date();
      const day = facilityDate(at);
      const open = await EncountersRepository.openOnDay(m, patient.id, day);
      if (open) {
        const ticket = await queue.forEncounter(m, open.id);
        throw new ConflictError(
          'DUPLICATE_CHECK_IN',
          `patient ${patient.id} is already checked in today (encounter ${open.id}${ticket ? `, ticket ${ticket.number}` : ''})`,
          { encounterId: open.id, ticket: ticket?.number },
        );
      }
      const seq = await queue.nextSeq(m, c.roomCode, day);
      const ticketNumber = `${c.roomCode}-${String(seq).padStart(3, '0')}`;
      const encounter = await this.encounters.startIn(
        m,
        {
          patientId: patient.id,
          encounterClass: c.encounterClass ?? 'outpatient',
          visitType: c.visitType,
          departmentCode: c.departmentCode,
          roomCode: c.roomCode,
          insuranceCardNumber: cardNumber,
          useInsurance: cardNumber ? true : undefined,
          route: c.route,
          at,
        },
        ctx,
        ticketNumber,
      );
      const ticketId = randomUUID();
      await queue.insert(m, {
        id: ticketId,
        room: c.roomCode,
        day,
        seq,
        patientId: patient.id,
        encounterId: encounter.id,
        priority: c.priority ?? false,
        at,
      });
      if (c.examServiceCode) {
        const s = (
          await this.catalog.requireServices(m, [{ field: 'examServiceCode', code: c.examServiceCode }])
        ).get(c.examServiceCode)!;
        await this.charges.postIn(
          m,
          encounter,
          {
            itemType: ITEM_TYPE_OF_CATEGORY[s.category],
            itemCode: s.code,
            itemName: s.name,
            quantity: '1',
            unitPriceHospital: s.hospitalPrice,
            unitPriceInsurance: s.insurancePrice,
          },
          ctx,
        );
      }
      return { patient, patientCreated: created, encounter, ticket: (await queue.get(m, ticketId))! };
    });
  }

  async queue(room: string, day?: string): Promise<TicketRow[]> {
    return queue.list(this.db.manager, room, day ?? facilityDate(new Date()));
  }

  async callNext(room: string): Promise<TicketRow> {
    return this.db.transaction(async (m) => {
      const id = await queue.callNext(m, room, facilityDate(new Date()), new Date());
      if (!id) throw new NotFoundError('Waiting ticket in room', room);
      return (await queue.get(m, id))!;
    });
  }

  /** A called patient who does not come is skipped; a skipped ticket can be called back (status waiting). */
  async setTicket(id: string, status: 'skipped' | 'waiting' | 'done'): Promise<TicketRow> {
    return this.db.transaction(async (m) => {
      const t = await queue.get(m, id, true);
      if (!t) throw new NotFoundError('Ticket', id);
      const allowed: Record<string, string[]> = {
        skipped: ['waiting', 'called'],
        waiting: ['skipped'],
        done: ['called'],
      };
      if (!allowed[status].includes(t.status))
        throw new ConflictError(
          'INVALID_TRANSITION',
          `ticket ${t.number} is ${t.status}; cannot set it ${status}`,
        );
      await queue.setStatus(m, id, status);
      return (await queue.get(m, id))!;
    });
  }
}
