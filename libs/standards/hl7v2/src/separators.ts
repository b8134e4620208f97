import { Hl7ValidationError } from './errors';
import { MessageErrorCode } from './table-0357';

/**
 * The delimiters of one message (HL7 v2.5.1 Ch. 2 §2.5.4 "Message delimiters"; §2.15.9.1 MSH-1 and
 * §2.15.9.2 MSH-2). A message names its own: MSH-1 is the character right after "MSH", and MSH-2 holds, in
 * this order, the component, repetition, escape and subcomponent separators (v2.7 adds a fifth, the
 * truncation character). Senders may choose others than the recommended `|^~\&`, so nothing in this library
 * splits on a literal: every split reads the delimiters from here.
 */
export interface Hl7Separators {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
  /** v2.7+ truncation character (fifth character of MSH-2); '' when the message does not declare one. */
  readonly truncation: string;
}

/** The recommended delimiters (§2.5.4), used for messages we build unless told otherwise. */
export const DEFAULT_SEPARATORS: Hl7Separators = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
  truncation: '',
});

/** The MSH-2 value for these separators. */
export function encodingCharacters(sep: Hl7Separators): string {
  return sep.component + sep.repetition + sep.escape + sep.subcomponent + sep.truncation;
}

const MSH1 = { segment: 'MSH', sequence: 1, field: 1 } as const;
const MSH2 = { segment: 'MSH', sequence: 1, field: 2 } as const;

function unusable(ch: string): boolean {
  // Letters, digits and white space would collide with data; CR/LF are segment terminators (§2.5.4).
  return /[A-Za-z0-9\s]/.test(ch);
}

/**
 * Reads MSH-1 and MSH-2 from the text of the MSH segment (which must start with "MSH").
 *
 * A declared-but-shorter MSH-2 (e.g. `^~\` without a subcomponent separator) is accepted: the missing
 * delimiters are then '' and never split anything, as §2.5.4 allows a delimiter a message does not use.
 * Throws Hl7ValidationError 102 (data type error) at MSH-1/MSH-2 when a delimiter is missing, repeated or
 * unusable, because a receiver cannot read anything else of such a message.
 */
export function separatorsFromMsh(msh: string): Hl7Separators {
  const field = msh.charAt(3);
  if (field === '' || unusable(field)) {
    throw new Hl7ValidationError(
      MessageErrorCode.DataTypeError,
      `MSH-1 (field separator) is missing or not usable: ${JSON.stringify(field)}`,
      MSH1,
    );
  }
  let end = msh.indexOf(field, 4);
  if (end === -1) end = msh.length;
  const enc = msh.slice(4, end);
  if (enc.length < 1 || enc.length > 5) {
    throw new Hl7ValidationError(
      MessageErrorCode.DataTypeError,
      `MSH-2 (encoding characters) must be 1 to 5 characters, got ${JSON.stringify(enc)}`,
      MSH2,
    );
  }
  const seen = new Set<string>([field]);
  for (const ch of enc) {
    if (unusable(ch) || seen.has(ch)) {
      throw new Hl7ValidationError(
        MessageErrorCode.DataTypeError,
        `MSH-2 (encoding characters) ${JSON.stringify(enc)} repeats a delimiter or uses a letter, digit or space`,
        MSH2,
      );
    }
    seen.add(ch);
  }
  return {
    field,
    component: enc.charAt(0),
    repetition: enc.charAt(1),
    escape: enc.charAt(2),
    subcomponent: enc.charAt(3),
    truncation: enc.charAt(4),
  };
}

/** Resolves a partial set against the defaults and checks it the way separatorsFromMsh() would. */
export function resolveSeparators(partial?: Partial<Hl7Separators>): Hl7Separators {
  if (!partial) return DEFAULT_SEPARATORS;
  const sep = { ...DEFAULT_SEPARATORS, ...partial };
  for (const key of ['field', 'component', 'repetition', 'escape', 'subcomponent'] as const) {
    if (sep[key].length !== 1) throw new TypeError(`separator '${key}' must be one character`);
  }
  if (sep.truncation.length > 1) throw new TypeError(`separator 'truncation' must be at most one character`);
  return separatorsFromMsh(`MSH${sep.field}${encodingCharacters(sep)}${sep.field}`);
}

/** `text.split(sep)`, except that an absent delimiter ('') splits nothing. */
export function splitOn(text: string, sep: string): string[] {
  return sep === '' ? [text] : text.split(sep);
}
