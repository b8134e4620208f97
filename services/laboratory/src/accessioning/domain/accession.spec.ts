import { accessionNumber, specimenBarcode, tubeKey } from './accession';

describe('accession numbers and barcodes', () => {
  it('numbers accessions YYMMDD + a daily sequence of at least 4 digits', () => {
    expect(accessionNumber('2026-11-20', 42)).toBe('2611200042');
    expect(accessionNumber('2026-01-05', 12345)).toBe('26010512345');
  });

  it('makes barcodes from the accession and a 2-digit specimen number', () => {
    expect(specimenBarcode('2611200042', 1)).toBe('261120004201');
    expect(specimenBarcode('2611200042', 12)).toBe('261120004212');
    expect(() => specimenBarcode('2611200042', 100)).toThrow();
  });

  it('puts tests in one tube by container and specimen type', () => {
    expect(tubeKey({ containerType: 'SST', specimenType: 'SER' })).toBe('SST|SER');
    expect(tubeKey({ containerType: 'SST', specimenType: 'SER' })).not.toBe(
      tubeKey({ containerType: 'EDTA', specimenType: 'BLD' }),
    );
  });
});
