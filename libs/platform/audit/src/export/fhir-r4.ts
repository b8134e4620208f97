/**
 * The part of FHIR R4 (4.0.1) the audit export writes: AuditEvent and a searchset Bundle. Declared here
 * because the workspace carries no FHIR type package; field names and cardinalities follow
 * http://hl7.org/fhir/R4/auditevent.html and http://hl7.org/fhir/R4/bundle.html.
 */
export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  system?: string;
  value?: string;
}

export interface Reference {
  reference?: string;
  identifier?: Identifier;
  display?: string;
}

export interface AuditEventAgent {
  type?: CodeableConcept;
  role?: CodeableConcept[];
  who?: Reference;
  altId?: string;
  requestor: boolean;
  network?: { address?: string; type?: '1' | '2' | '3' | '4' | '5' };
}

export interface AuditEventEntity {
  what?: Reference;
  type?: Coding;
  role?: Coding;
  name?: string;
  description?: string;
  detail?: Array<{ type: string; valueString?: string }>;
}

export interface AuditEvent {
  resourceType: 'AuditEvent';
  id?: string;
  type: Coding;
  subtype?: Coding[];
  action?: 'C' | 'R' | 'U' | 'D' | 'E';
  recorded: string;
  /** 0 success, 4 minor failure, 8 serious failure, 12 major failure. */
  outcome?: '0' | '4' | '8' | '12';
  outcomeDesc?: string;
  agent: AuditEventAgent[];
  source: { site?: string; observer: Reference; type?: Coding[] };
  entity?: AuditEventEntity[];
}

export interface BundleEntry<T> {
  fullUrl?: string;
  resource: T;
  search?: { mode: 'match' | 'include' | 'outcome' };
}

export interface Bundle<T> {
  resourceType: 'Bundle';
  type: 'searchset';
  timestamp?: string;
  total?: number;
  link?: Array<{ relation: string; url: string }>;
  entry: Array<BundleEntry<T>>;
}
