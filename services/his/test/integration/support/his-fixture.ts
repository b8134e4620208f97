import { bootService, type BootedService, type JsonApi, jsonApi } from '@hosp/service-testing';
import { AppModule } from '../../../src/app.module';
import { serviceDefinition } from '../../../src/service.definition';

export async function bootHis(): Promise<BootedService> {
  return bootService(AppModule, serviceDefinition);
}

export type Api = JsonApi;

/** The HIS API as a clinician `bs-tran` (the x-actor-id header). */
export function api(booted: BootedService): Api {
  return jsonApi(booted, { 'x-actor-id': 'bs-tran' });
}

/** The catalogue the tests order from; prices in VND (hospital / BHYT). */
export const CATALOG = [
  {
    code: 'KB01',
    name: 'Khám Nội',
    category: 'exam',
    hospitalPrice: '34500',
    insurancePrice: '34500',
    performingDepartment: 'K01',
  },
  {
    code: 'XN-CBC',
    name: 'Tổng phân tích tế bào máu ngoại vi',
    category: 'laboratory',
    hospitalPrice: '40000',
    insurancePrice: '35000',
    performingDepartment: 'XN',
    loincCode: '58410-2',
  },
  {
    code: 'CDHA-CT',
    name: 'Chụp CT sọ não không tiêm thuốc cản quang',
    category: 'imaging',
    hospitalPrice: '500000',
    insurancePrice: '480000',
    performingDepartment: 'CDHA',
    modality: 'CT',
  },
  {
    code: 'GIUONG-NOI',
    name: 'Ngày giường Nội khoa',
    category: 'bed',
    hospitalPrice: '200000',
    insurancePrice: '180000',
    performingDepartment: 'K01',
  },
  {
    code: 'DV-SPA',
    name: 'Dịch vụ theo yêu cầu',
    category: 'other',
    hospitalPrice: '100000',
    insurancePrice: null,
    performingDepartment: 'K01',
  },
];

/** A first-visit patient whose CCCD agrees with sex and birth year (079 = Hồ Chí Minh, 1 = female, 1985). */
export function newPatient(overrides: Record<string, unknown> = {}, serial = randomSerial()) {
  return {
    citizenId: `079185${serial}`,
    fullName: 'Nguyễn Thị Hoa',
    birthDate: '1985-03-12',
    sex: 'female',
    address: { line: '12 Lê Lợi', provinceCode: '79', districtCode: '760', communeCode: '26734' },
    ethnicityCode: '01',
    nationalityCode: '704',
    ...overrides,
  };
}

export function randomSerial(): string {
  return String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
}

/** A 15-character card: DN (employee), benefit 4 (80%), issued in 79, and a random BHXH number. */
export function newCardNumber(benefit = 4, group = 'DN'): string {
  return `${group}${benefit}79${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;
}

export const CARD_WINDOW = { validFrom: '2026-01-01', validTo: '2026-12-31', registrationFacility: '79001' };

export { eventually, publishAs, readEvents } from '@hosp/service-testing';
