/**
 * E1394-97 / CLSI LIS02-A2 delimiters and escape sequences.
 *
 * The header record declares the delimiters (E1394-97 field 7.1.2, "Delimiter Definition"): the character
 * right after the record type 'H' is the field delimiter, and the next three are the repeat, component
 * and escape delimiters, in that order. The customary set is `H|\^&`. Analyzers use others (Cepheid
 * GeneXpert sends `H|@^\`), so every record of a message is read with the delimiters of its own header.
 *
 * Escape sequences (E1394-97 "Escape Sequences", same set in LIS02-A2), with & standing for the declared
 * escape character:
 *   &F& field delimiter   &S& component delimiter   &R& repeat delimiter   &E& escape delimiter
 * Decoded both ways. Other sequences (&H& &N& highlighting, &Xhhhh& hexadecimal, &Zcccc& local) are kept
 * verbatim, escape characters and all, so nothing is lost and a re-encoded value means the same thing; an
 * escape character with no closing one (a sender that did not escape an '&') is kept as it is.
 */
export interface AstmDelimiters {
  readonly field: string;
  readonly repeat: string;
  readonly component: string;
  readonly escape: string;
}

export const DEFAULT_DELIMITERS: AstmDelimiters = { field: '|', repeat: '\\', component: '^', escape: '&' };

/** Why the delimiters of a header cannot be used. */
export class AstmDelimiterError extends Error {
  override readonly name = 'AstmDelimiterError';
}

function isUsable(ch: string): boolean {
  // Letters, digits and control characters would make records unreadable.
  return ch.length === 1 && /[^\p{L}\p{N}\p{Cc}\s]/u.test(ch);
}

/** Reads the delimiters from the start of a header record (`H|\^&...`). */
export function delimitersFromHeader(headerRecord: string): AstmDelimiters {
  if (headerRecord.length < 5 || headerRecord[0].toUpperCase() !== 'H') {
    throw new AstmDelimiterError('a header record starts with H and four delimiters, e.g. H|\\^&');
  }
  const [field, repeat, component, escape] = [
    headerRecord[1],
    headerRecord[2],
    headerRecord[3],
    headerRecord[4],
  ];
  const all = [field, repeat, component, escape];
  if (!all.every(isUsable) || new Set(all).size !== 4) {
    throw new AstmDelimiterError(`unusable delimiter definition ${JSON.stringify(headerRecord.slice(0, 5))}`);
  }
  // The delimiter definition is followed by a field delimiter (or ends the record).
  if (headerRecord.length > 5 && headerRecord[5] !== field) {
    throw new AstmDelimiterError(
      `the delimiter definition ${JSON.stringify(headerRecord.slice(1, 5))} is not followed by the field delimiter`,
    );
  }
  return { field, repeat, component, escape };
}

/** The header's delimiter definition field: repeat, component and escape delimiters (`\^&`). */
export function delimiterDefinition(d: AstmDelimiters): string {
  return d.repeat + d.component + d.escape;
}

/** Decodes &F& &S& &R& &E&; anything else between escape characters stays as written. */
export function unescapeAstm(text: string, d: AstmDelimiters): string {
  const esc = d.escape;
  let start = text.indexOf(esc);
  if (start === -1) return text;
  let out = '';
  let pos = 0;
  while (start !== -1) {
    const end = text.indexOf(esc, start + 1);
    if (end === -1) break;
    const body = text.slice(start + 1, end);
    let replacement: string | undefined;
    if (body.length === 1) {
      replacement =
        body === 'F'
          ? d.field
          : body === 'S'
            ? d.component
            : body === 'R'
              ? d.repeat
              : body === 'E'
                ? esc
                : undefined;
    }
    if (replacement === undefined) {
      // Not one of ours: keep the opening escape character and look again from the closing one, which may
      // open the next sequence.
      out += text.slice(pos, end);
      pos = end;
      start = end;
      continue;
    }
    out += text.slice(pos, start) + replacement;
    pos = end + 1;
    start = text.indexOf(esc, pos);
  }
  return out + text.slice(pos);
}

/**
 * Escapes the four delimiters in a value (E1394 escape sequences). Control characters (CR, LF, ...) cannot
 * travel in ASTM text at all (E1381 §6.6.2 restricts them; E1394 has no escape for them), so each becomes a
 * space.
 */
export function escapeAstm(text: string, d: AstmDelimiters): string {
  let out = '';
  for (const ch of text) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.repeat) out += `${d.escape}R${d.escape}`;
    else if (ch < ' ' || ch === '\x7f') out += ' ';
    else out += ch;
  }
  return out;
}
