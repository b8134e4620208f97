/**
 * Messages in the shapes real analyzers send, with invented patients, specimens and values (no vendor or
 * patient data is copied). Records are joined with CR, as they travel.
 */
export const CR = '\r';

export const records = (...lines: string[]): string => lines.map((l) => l + CR).join('');

/** Sysmex XN-series CBC result: sender name^version^serial in H-5, test code in component 5 of R-3. */
export const SYSMEX_XN_RESULT = records(
  'H|\\^&|||XN-350^00-14^11001^^^^12345678||||||||E1394-97',
  'P|1|||BN0001|^NGUYEN^VAN AN||19800115|M|||||^DR.TRAN||||||||||||^^^KHOA NOI',
  'C|1||TEST PATIENT',
  'O|1||^^                  1001^M|^^^^WBC\\^^^^RBC\\^^^^HGB\\^^^^PLT|||||||N||||||||||||||F',
  'R|1|^^^^WBC^1|7.85|10*3/uL||N||F||||20250301093000',
  'R|2|^^^^RBC^1|4.62|10*6/uL||N||F||||20250301093000',
  'R|3|^^^^HGB^1|10.2|g/dL||L||F||||20250301093000',
  'R|4|^^^^PLT^1|512|10*3/uL||H||F||||20250301093000',
  'R|5|^^^^SCAT_WDF|PNG&R&20250301&R&WDF_1001.PNG|||N||F||||20250301093000',
  'L|1|N',
);

/** Roche cobas-style chemistry result: barcode plus instrument components in O-3, test code in. */
export const COBAS_RESULT = records(
  'H|\\^&|||c311^1|||||host|RSUPL^REAL|P|1',
  'P|1',
  'O|1|2503010001^0^1^^S1^SC|R1|^^^GLU\\^^^CREA|R||||||N||^^||SC|||labo|^^^^|||20250301101500|||F',
  'R|1|^^^GLU|5.4|mmol/l||N||F|||||P1',
  'C|1|I|0|I',
  'R|2|^^^CREA|132|umol/l||H||F|||||P1',
  'C|1|I|0|I',
  'L|1|N',
);

/** A host query for one barcode, cobas style (barcode in Q-3 component 3). */
export const COBAS_QUERY = records(
  'H|\\^&|||c311^1|||||host|TSREQ^REAL|P|1',
  'Q|1|^^2503010001^0^50001^001^S1^SC||^^^ALL||||||||O',
  'L|1|N',
);

/** A host query in the E1394 form (specimen ID in Q-3 component 2). */
export const E1394_QUERY = records(
  'H|\\^&|||XN-350^00-14^11001|||||||P|E1394-97|20250301090000',
  'Q|1|^2503010002||^^^ALL||||||||O',
  'L|1|N',
);

/** GeneXpert-style delimiters: repeat @, component ^, escape \. */
export const CUSTOM_DELIMITERS = records(
  'H|@^\\|||GeneXpert^4.8|||||LIS||P|1394-97|20250301120000',
  'P|1|||PID77|^TRAN^THI B',
  'O|1|SPEC-77||^^^Xpert MTB-RIF@^^^Xpert HIV-1 VL|R||||||N||||||||||||||F',
  'R|1|^^^Xpert HIV-1 VL^HIV-1^|1.2E3 copies/mL\\S\\log 3.08|||N||F',
  'L|1|N',
);
