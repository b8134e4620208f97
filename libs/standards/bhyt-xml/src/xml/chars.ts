/**
 * XML 1.0 character rules shared by the writer, the reader and the checks.
 *
 * Escaping: the five special characters become entity references, and CR and LF become character references,
 * so every document this library writes is a single line after the XML declaration (no whitespace-only text
 * nodes anywhere: the DOM a signer canonicalises holds exactly the data), and a CR survives the parser's
 * line-end normalisation (XML 1.0 §2.11 turns a literal CR LF into LF; `&#13;` stays a CR).
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
  '\n': '&#10;',
};
const NEEDS_ESCAPE = /[<>&"'\r\n]/;
const TO_ESCAPE = /[<>&"'\r\n]/g;

/** `value` as XML text: `<&>"'` escaped, CR/LF as character references. Fast path when nothing needs escaping. */
export function escapeXml(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(TO_ESCAPE, (c) => ESCAPES[c]) : value;
}

/**
 * Characters XML 1.0 does not allow in a document at all, not even escaped (§2.2 Char): C0 controls other than
 * TAB, LF, CR; U+FFFE/U+FFFF; unpaired surrogates. They turn up in free text pasted from other programs.
 */
const INVALID_XML_CHAR =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Index of the first character XML 1.0 forbids, or -1. */
export function findInvalidXmlChar(value: string): number {
  const m = INVALID_XML_CHAR.exec(value);
  return m ? m.index : -1;
}

/** "U+000B" for error messages. */
export function codePointLabel(value: string, index: number): string {
  const cp = value.codePointAt(index) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Length in Unicode code points, as XML Schema's maxLength counts (a JS string counts UTF-16 units). */
export function codePointLength(value: string): number {
  let length = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}
