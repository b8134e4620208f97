import type { Failure } from '@hosp/standards-bhyt';
import { codePointLabel, findInvalidXmlChar } from './chars';

/**
 * A small, strict, linear-time XML parser for the readers (readTable, readEnvelope), which take hostile input.
 *
 * Why not @xmldom/xmldom (installed, 0.8.15): we measured it accepting mismatched end tags (`<a><b>x</a>`) with
 * only a warning, accepting `&#0;` and raw control characters, and taking more than 20 s on 200,000 unclosed
 * nested start tags (quadratic). The documents we read are a tiny subset of XML (elements, text, CDATA, the
 * five predefined entities, character references, comments, PIs; no DTD), so a parser of that subset with hard
 * limits is simpler to trust than a general one behind guards.
 *
 * Rules: well-formed XML 1.0 or a failure; a DOCTYPE is refused (no entity expansion of any kind); at most
 * `maxDepth` nested elements and `maxLength` characters; names are ASCII (every element of XML 130 is); line
 * ends normalised as XML 1.0 §2.11 says. Every loop advances the position, and every search starts at the
 * position, so the time is linear in the input. It never throws.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  /** Element children and text (adjacent text, CDATA and references merged into one string). */
  readonly children: readonly (XmlElement | string)[];
}

export type XmlParseErrorCode =
  | 'MALFORMED_XML'
  | 'TOO_LARGE'
  | 'TOO_DEEP'
  | 'DOCTYPE_NOT_ALLOWED'
  | 'NOT_UTF8';

export interface XmlParseOptions {
  /** Nested elements allowed (default 32; XML 130 needs 4, a signature inside CHUKYDONVI about 8 more). */
  readonly maxDepth?: number;
  /** Characters allowed (default 64 Mi). */
  readonly maxLength?: number;
}

export const DEFAULT_MAX_DEPTH = 32;
export const DEFAULT_MAX_LENGTH = 64 * 1024 * 1024;

type Mutable = { name: string; attributes: Map<string, string>; children: (XmlElement | string)[] };

const NAME = /[A-Za-z_:][A-Za-z0-9._:-]*/y;
const SPACE = /[ \t\n]*/y;
const DECLARATION =
  /<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.[0-9]+\1([ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\3)?([ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(yes|no)\6)?[ \t\n]*\?>/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function parseXml(
  input: string,
  options: XmlParseOptions = {},
): { readonly ok: true; readonly root: XmlElement } | Failure<XmlParseErrorCode> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  if (typeof input !== 'string') return fail('MALFORMED_XML', 'the document is not a string');
  if (input.length > maxLength) {
    return fail(
      'TOO_LARGE',
      `the document has ${input.length} characters, more than the ${maxLength} allowed`,
    );
  }
  const bad = findInvalidXmlChar(input);
  if (bad >= 0) {
    return fail(
      'MALFORMED_XML',
      `character ${codePointLabel(input, bad)} at offset ${bad} is not allowed in XML`,
    );
  }
  const s = input.replace(/\r\n?/g, '\n');
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0;

  DECLARATION.lastIndex = i;
  const decl = DECLARATION.exec(s);
  if (decl) {
    const encoding = decl[4];
    if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
      return fail('NOT_UTF8', `the document declares encoding "${encoding}"; XML 130 documents are UTF-8`);
    }
    i = DECLARATION.lastIndex;
  } else if (s.startsWith('<?xml', i) && /^<\?xml[ \t\n?]/.test(s.slice(i, i + 6))) {
    return fail('MALFORMED_XML', 'malformed XML declaration');
  }

  const stack: Mutable[] = [];
  let root: Mutable | null = null;
  const n = s.length;

  while (i < n) {
    const lt = s.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      const raw = s.slice(i, textEnd);
      if (stack.length === 0) {
        if (!/^[ \t\n]*$/.test(raw))
          return fail('MALFORMED_XML', `text outside the root element at offset ${i}`);
      } else {
        if (raw.includes(']]>')) return fail('MALFORMED_XML', `"]]>" in text at offset ${i}`);
        const text = decodeReferences(raw, i);
        if (typeof text !== 'string') return text;
        appendText(stack[stack.length - 1], text);
      }
      i = textEnd;
      continue;
    }
    // s[i] === '<'
    if (s.startsWith('<!--', i)) {
      const end = s.indexOf('--', i + 4);
      if (end < 0) return fail('MALFORMED_XML', `unterminated comment at offset ${i}`);
      if (s.charCodeAt(end + 2) !== 62 /* > */)
        return fail('MALFORMED_XML', `"--" inside a comment at offset ${end}`);
      i = end + 3;
    } else if (s.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) return fail('MALFORMED_XML', `CDATA outside the root element at offset ${i}`);
      const end = s.indexOf(']]>', i + 9);
      if (end < 0) return fail('MALFORMED_XML', `unterminated CDATA section at offset ${i}`);
      appendText(stack[stack.length - 1], s.slice(i + 9, end));
      i = end + 3;
    } else if (s.startsWith('<!DOCTYPE', i)) {
      return fail(
        'DOCTYPE_NOT_ALLOWED',
        'a DOCTYPE is not allowed (XML 130 documents have none; no entity expansion)',
      );
    } else if (s.startsWith('<!', i)) {
      return fail('MALFORMED_XML', `unexpected markup declaration at offset ${i}`);
    } else if (s.startsWith('<?', i)) {
      NAME.lastIndex = i + 2;
      const target = NAME.exec(s);
      if (!target || target[0].toLowerCase() === 'xml') {
        return fail('MALFORMED_XML', `misplaced or malformed processing instruction at offset ${i}`);
      }
      const end = s.indexOf('?>', NAME.lastIndex);
      if (end < 0) return fail('MALFORMED_XML', `unterminated processing instruction at offset ${i}`);
      i = end + 2;
    } else if (s.charCodeAt(i + 1) === 47 /* / */) {
      NAME.lastIndex = i + 2;
      const name = NAME.exec(s);
      if (!name) return fail('MALFORMED_XML', `malformed end tag at offset ${i}`);
      SPACE.lastIndex = NAME.lastIndex;
      SPACE.exec(s);
      if (s.charCodeAt(SPACE.lastIndex) !== 62)
        return fail('MALFORMED_XML', `malformed end tag at offset ${i}`);
      const open = stack.pop();
      if (!open || open.name !== name[0]) {
        return fail(
          'MALFORMED_XML',
          `end tag </${name[0]}> at offset ${i} does not close ${open ? `<${open.name}>` : 'any element'}`,
        );
      }
      i = SPACE.lastIndex + 1;
    } else {
      if (root && stack.length === 0) return fail('MALFORMED_XML', `a second root element at offset ${i}`);
      const tag = parseStartTag(s, i);
      if ('ok' in tag) return tag;
      if (stack.length >= maxDepth) {
        return fail('TOO_DEEP', `elements are nested more than ${maxDepth} deep (offset ${i})`);
      }
      const element: Mutable = { name: tag.name, attributes: tag.attributes, children: [] };
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else root = element;
      if (!tag.selfClosing) stack.push(element);
      i = tag.end;
    }
  }
  if (stack.length > 0) {
    return fail('MALFORMED_XML', `the document ends inside <${stack[stack.length - 1].name}> (truncated?)`);
  }
  if (!root) return fail('MALFORMED_XML', 'the document has no root element');
  return { ok: true, root };
}

function parseStartTag(
  s: string,
  start: number,
):
  | { name: string; attributes: Map<string, string>; selfClosing: boolean; end: number }
  | Failure<XmlParseErrorCode> {
  NAME.lastIndex = start + 1;
  const name = NAME.exec(s);
  if (!name) return fail('MALFORMED_XML', `malformed tag at offset ${start}`);
  const attributes = new Map<string, string>();
  let i = NAME.lastIndex;
  for (;;) {
    SPACE.lastIndex = i;
    SPACE.exec(s);
    const spaced = SPACE.lastIndex > i;
    i = SPACE.lastIndex;
    const c = s.charCodeAt(i);
    if (c === 62 /* > */) return { name: name[0], attributes, selfClosing: false, end: i + 1 };
    if (c === 47 /* / */ && s.charCodeAt(i + 1) === 62) {
      return { name: name[0], attributes, selfClosing: true, end: i + 2 };
    }
    NAME.lastIndex = i;
    const attr = spaced ? NAME.exec(s) : null;
    if (!attr) return fail('MALFORMED_XML', `malformed tag <${name[0]}> at offset ${start}`);
    SPACE.lastIndex = NAME.lastIndex;
    SPACE.exec(s);
    i = SPACE.lastIndex;
    if (s.charCodeAt(i) !== 61 /* = */)
      return fail('MALFORMED_XML', `attribute ${attr[0]} without a value at offset ${i}`);
    SPACE.lastIndex = i + 1;
    SPACE.exec(s);
    i = SPACE.lastIndex;
    const quote = s[i];
    if (quote !== '"' && quote !== "'")
      return fail('MALFORMED_XML', `unquoted attribute ${attr[0]} at offset ${i}`);
    const close = s.indexOf(quote, i + 1);
    if (close < 0) return fail('MALFORMED_XML', `unterminated attribute ${attr[0]} at offset ${i}`);
    const raw = s.slice(i + 1, close);
    if (raw.includes('<')) return fail('MALFORMED_XML', `"<" in attribute ${attr[0]} at offset ${i}`);
    const value = decodeReferences(raw, i + 1);
    if (typeof value !== 'string') return value;
    if (attributes.has(attr[0])) return fail('MALFORMED_XML', `attribute ${attr[0]} repeated at offset ${i}`);
    // Attribute-value normalisation (XML 1.0 §3.3.3): literal white space becomes a space.
    attributes.set(attr[0], value.replace(/[\t\n]/g, ' '));
    i = close + 1;
  }
}

/** Replaces the predefined entities and character references; any other '&' is an error. */
function decodeReferences(raw: string, offset: number): string | Failure<XmlParseErrorCode> {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = raw.indexOf(';', amp + 1);
    // The longest legal reference is "&#x10FFFF;" or a predefined name; a ';' further away is not ours.
    if (semi < 0 || semi - amp > 12) return fail('MALFORMED_XML', `bare "&" at offset ${offset + amp}`);
    const ref = raw.slice(amp + 1, semi);
    let text: string | undefined = PREDEFINED[ref];
    if (text === undefined) {
      const cp = /^#x[0-9A-Fa-f]{1,6}$/.test(ref)
        ? parseInt(ref.slice(2), 16)
        : /^#[0-9]{1,7}$/.test(ref)
          ? parseInt(ref.slice(1), 10)
          : -1;
      if (cp < 0) return fail('MALFORMED_XML', `unknown entity &${ref}; at offset ${offset + amp} (no DTD)`);
      if (!isXmlChar(cp)) {
        return fail(
          'MALFORMED_XML',
          `character reference &${ref}; at offset ${offset + amp} is not an XML character`,
        );
      }
      text = String.fromCodePoint(cp);
    }
    out += raw.slice(from, amp) + text;
    from = semi + 1;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function appendText(element: Mutable, text: string): void {
  if (text === '') return;
  const last = element.children.length - 1;
  if (last >= 0 && typeof element.children[last] === 'string') {
    element.children[last] = (element.children[last] as string) + text;
  } else {
    element.children.push(text);
  }
}

function fail(code: XmlParseErrorCode, reason: string): Failure<XmlParseErrorCode> {
  return { ok: false, code, reason };
}

/** The element children of `element`, or a failure naming the first non-whitespace text. */
export function elementChildren(element: XmlElement): XmlElement[] | string {
  const out: XmlElement[] = [];
  for (const child of element.children) {
    if (typeof child !== 'string') out.push(child);
    else if (!/^[ \t\n\r]*$/.test(child)) return `text "${child.slice(0, 40)}" inside <${element.name}>`;
  }
  return out;
}

/** The text of a leaf element, or null when it has element children. */
export function leafText(element: XmlElement): string | null {
  let text = '';
  for (const child of element.children) {
    if (typeof child !== 'string') return null;
    text += child;
  }
  return text;
}
