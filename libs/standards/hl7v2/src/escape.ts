import { decodeBytes } from './charset';
import type { Hl7Separators } from './separators';

/**
 * Escape sequences in data (HL7 v2.5.1 Ch. 2 §2.7 "Use of escape sequences in text fields").
 *
 * Decoded both ways:
 *   \F\ field, \S\ component, \T\ subcomponent, \R\ repetition, \E\ escape separator (§2.7),
 *   \P\ truncation character (v2.7, only when MSH-2 declares one),
 *   \Xhh..\ hexadecimal data (§2.7): the bytes are read in the message's character set, so \XC3A1\ is
 *   'á' in a UTF-8 message and 'Ã¡' in an 8859/1 one.
 * Kept verbatim, escape characters and all, so that nothing is lost and a re-encoded value still means the
 * same thing to the next system (see UnescapeOptions.formatting for the text rendering):
 *   \H\ \N\ highlighting, \.br\ \.sp\ \.in\ ... formatted-text commands (FT fields),
 *   \Zxx\ locally defined, \Cxxyy\ \Mxxyyzz\ character-set switching (all §2.7), and anything else,
 *   including an escape character with no closing one (a sender that did not escape a '\').
 */
export interface UnescapeOptions {
  /** Decoder for \X..\ bytes (a charset.ts encoding name); 'utf8' by default. */
  readonly encoding?: string;
  /**
   * 'keep' (default): \H\ \N\ and \.xx\ commands stay in the text as written.
   * 'text': render them for plain text: \.br\ and \.sp\ become '\n', \H\ and \N\ are dropped.
   */
  readonly formatting?: 'keep' | 'text';
}

const HEX = /^(?:[0-9A-Fa-f]{2})+$/;

function replacement(body: string, sep: Hl7Separators, options: UnescapeOptions): string | undefined {
  if (body.length === 1) {
    switch (body) {
      case 'F':
        return sep.field;
      case 'S':
        return sep.component;
      case 'T':
        return sep.subcomponent;
      case 'R':
        return sep.repetition;
      case 'E':
        return sep.escape;
      case 'P':
        return sep.truncation === '' ? undefined : sep.truncation;
      case 'H':
      case 'N':
        return options.formatting === 'text' ? '' : undefined;
      default:
        return undefined;
    }
  }
  const first = body.charCodeAt(0);
  if (first === 0x58 /* X */) {
    const hex = body.slice(1);
    return HEX.test(hex) ? decodeBytes(Buffer.from(hex, 'hex'), options.encoding ?? 'utf8') : undefined;
  }
  if (options.formatting === 'text' && (body === '.br' || body === '.sp' || body.startsWith('.sp')))
    return '\n';
  return undefined;
}

/** Decodes the escape sequences of one primitive value (a field, component or subcomponent). */
export function unescapeHl7(text: string, sep: Hl7Separators, options: UnescapeOptions = {}): string {
  const esc = sep.escape;
  if (esc === '') return text;
  let open = text.indexOf(esc);
  if (open === -1) return text;
  let out = '';
  let copied = 0;
  while (open !== -1) {
    const close = text.indexOf(esc, open + 1);
    if (close === -1) break;
    const value = replacement(text.slice(open + 1, close), sep, options);
    if (value === undefined) {
      // Unknown or kept sequence: leave it, and look for the next one after its closing character.
      open = text.indexOf(esc, close + 1);
      continue;
    }
    out += text.slice(copied, open) + value;
    copied = close + 1;
    open = text.indexOf(esc, copied);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function hexOf(code: number): string {
  return code.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Encodes a value for a primitive position: each delimiter of the message becomes its escape sequence
 * (§2.7), and CR/LF, which would end the segment (§2.5.4), become hexadecimal \X0D\ / \X0A\ (§2.7).
 * The inverse of unescapeHl7 for any string: unescapeHl7(escapeHl7(s)) === s.
 */
export function escapeHl7(text: string, sep: Hl7Separators): string {
  const f = sep.field.charCodeAt(0);
  const c = sep.component.charCodeAt(0);
  const r = sep.repetition.charCodeAt(0);
  const e = sep.escape.charCodeAt(0);
  const s = sep.subcomponent.charCodeAt(0);
  const t = sep.truncation === '' ? -1 : sep.truncation.charCodeAt(0);
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    let seq: string;
    if (ch === f) seq = 'F';
    else if (ch === c) seq = 'S';
    else if (ch === r) seq = 'R';
    else if (ch === e) seq = 'E';
    else if (ch === s) seq = 'T';
    else if (ch === t) seq = 'P';
    else if (ch === 0x0d || ch === 0x0a) seq = `X${hexOf(ch)}`;
    else continue;
    if (Number.isNaN(e)) {
      throw new Error('cannot escape a delimiter: the message declares no escape character (MSH-2)');
    }
    out += text.slice(copied, i) + sep.escape + seq + sep.escape;
    copied = i + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
