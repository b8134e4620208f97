import { dicomDateTime, instantOf } from './dicom-time';

describe('DICOM local dates and times', () => {
  it('converts both ways in the hospital time zone (UTC+7)', () => {
    const at = new Date('2026-11-22T01:15:30Z');
    expect(dicomDateTime(at, 'Asia/Ho_Chi_Minh')).toEqual({ date: '20261122', time: '081530' });
    expect(instantOf('20261122', '081530', 'Asia/Ho_Chi_Minh')).toEqual(at);
    expect(instantOf('20261122', '08:15:30.250', 'Asia/Ho_Chi_Minh')).toEqual(
      new Date('2026-11-22T01:15:30.250Z'),
    );
  });

  it('uses Timezone Offset From UTC when the object has it, and refuses partial dates', () => {
    expect(instantOf('20261122', '0815', 'Asia/Ho_Chi_Minh', '+0100')).toEqual(
      new Date('2026-11-22T07:15:00Z'),
    );
    expect(instantOf('2026', '0815', 'Asia/Ho_Chi_Minh')).toBeUndefined();
  });
});
