import { type MessageInitShape } from '@bufbuild/protobuf';
import type { InsuranceCardSchema } from '@hosp/contracts';
import { SEX_TO_PROTO, type SexCode } from '../../shared/domain/codes';
import { ts } from '../../shared/application/outbox';
import type { PatientRow } from '../persistence/patients.repository';

/** The parts of PatientRegistered and PatientUpdated that describe the person. */
export function patientEventFields(p: PatientRow) {
  return {
    patientId: p.id,
    citizenId: p.citizenId ?? '',
    fullName: p.fullName,
    birthDate: p.birthDate,
    sex: SEX_TO_PROTO[p.sex as SexCode],
    address: {
      line: p.address.line ?? '',
      provinceCode: p.address.provinceCode ?? '',
      districtCode: p.address.districtCode ?? '',
      communeCode: p.address.communeCode ?? '',
    },
    ethnicityCode: p.ethnicityCode ?? '',
    nationalityCode: p.nationalityCode ?? '',
    occupationCode: p.occupationCode ?? '',
    insuranceCards: p.insuranceCards.map(
      (c): MessageInitShape<typeof InsuranceCardSchema> => ({
        cardNumber: c.cardNumber,
        benefitLevel: c.benefitLevel,
        validFrom: c.validFrom,
        validTo: c.validTo,
        registrationFacility: c.registrationFacility,
      }),
    ),
  };
}

export const at = (d: Date) => ts(d);
