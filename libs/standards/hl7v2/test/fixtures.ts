import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Raw bytes of a fixture under test/fixtures (see the README there for what each one is). */
export function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, 'fixtures', name));
}

export const FIXTURES = {
  oruChemistry: 'oru-r01-chemistry-v251.hl7',
  oruHematology: 'oru-r01-hematology-v231.hl7',
  adtA01: 'adt-a01-v25.hl7',
  omlO21: 'oml-o21-v251.hl7',
  qbpQ11: 'qbp-q11-v251.hl7',
  adtLatin1: 'adt-a01-v23-latin1.hl7',
} as const;
