import { DOMParser } from '@xmldom/xmldom';
import { DEFAULT_MAX_XML_LENGTH } from './profile';

/**
 * Strict XML parsing for the signer and the verifier.
 *
 * Both must see a document exactly as every other XML processor does (the BHXH portal, xmlsec1, .NET),
 * otherwise a signature can cover something other than what the receiver reads. xmldom 0.8 is lenient: it
 * reports some errors only as warnings and silently accepts others (a bare `&`, `&#1;`, an unterminated
 * CDATA section, text after the root element, an unbound prefix). So the input goes through three gates:
 *
 * 1. a lexical scan of the raw text (size, DOCTYPE, characters, references, comments/CDATA/PIs);
 * 2. xmldom with every warning and error treated as fatal;
 * 3. a walk over the tree (nothing but whitespace and comments around the root, no processing
 *    instructions, every prefix bound, bounded depth).
 *
 * The function never throws: hostile input is an ordinary failure.
 */

export type StrictXmlResult =
  | { readonly ok: true; readonly document: Document }
  | { readonly ok: false; readonly reason: string };

export interface StrictXmlOptions {
  /** Longest accepted input, in UTF-16 code units. Default {@link DEFAULT_MAX_XML_LENGTH}. */
  readonly maxLength?: number;
}

/**
 * Deepest element nesting accepted. BHYT documents are under ten levels deep (spec §1.2: GIAMDINHHS →
 * THONGTINHOSO → DANHSACHHOSO → HOSO → FILEHOSO → …). xml-crypto canonicalises recursively, so an absurdly
 * deep hostile document is refused here instead of exhausting the stack there.
 */
export const MAX_ELEMENT_DEPTH = 256;

const NODE_ELEMENT = 1;
const NODE_TEXT = 3;
const NODE_CDATA = 4;
const NODE_PROCESSING_INSTRUCTION = 7;
const NODE_COMMENT = 8;

/**
 * XML 1.0 §2.2 `Char`: anything outside is not XML at all. With the `u` flag a lone surrogate is a code
 * point of its own, and is refused too.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * One pass over the raw text. Complete comments, CDATA sections and processing instructions are matched
 * (and skipped) first, so a `&` inside them is not mistaken for a reference; an opener without its closer
 * means the construct is unterminated. Any other `&` must start one of the five predefined entity references
 * or a character reference (XML 1.0 §4.1 and §4.6; there is no DTD, so no other entity can exist).
 */
const LEXICAL_TOKEN =
  /<!--([\s\S]*?)-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!--|<!\[CDATA\[|<\?|&#([0-9]+);|&#x([0-9a-fA-F]+);|&(?:amp|lt|gt|quot|apos);|&/g;

export function parseStrictXml(xml: unknown, options: StrictXmlOptions = {}): StrictXmlResult {
  if (typeof xml !== 'string') return fail(`expected the XML as a string, got ${describeType(xml)}`);
  if (xml.length === 0) return fail('the XML document is empty');
  const maxLength = options.maxLength ?? DEFAULT_MAX_XML_LENGTH;
  if (xml.length > maxLength) {
    return fail(`the XML document is ${xml.length} characters long, over the limit of ${maxLength}`);
  }
  const lexical = checkLexically(xml);
  if (lexical) return fail(lexical);

  let parsed: Document | undefined;
  let firstProblem: string | undefined;
  try {
    const record = (level: string) => (message: unknown) => {
      firstProblem ??= `${level}: ${String(message)
        .split('\n')[0]
        ?.replace(/^\[xmldom [a-zA-Z]+\]\s*/, '')}`;
    };
    // A leading byte-order mark (a UTF-8 file read without stripping it) is not document content.
    const source = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
    parsed = new DOMParser({
      locator: {},
      errorHandler: { warning: record('warning'), error: record('error'), fatalError: record('fatal error') },
    }).parseFromString(source, 'text/xml');
  } catch (error) {
    firstProblem ??= error instanceof Error ? error.message : String(error);
  }
  if (firstProblem !== undefined) return fail(`the XML is not well-formed (${firstProblem})`);
  if (!parsed?.documentElement) return fail('the XML has no root element');

  const structural = checkTree(parsed);
  if (structural) return fail(structural);
  return { ok: true, document: parsed };
}

function checkLexically(xml: string): string | undefined {
  // Refuse DOCTYPE outright: internal subsets enable entity-expansion bombs and external entities, and no
  // BHYT document (spec §1.2, §1.6–§1.11) has one.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    return 'DOCTYPE and ENTITY declarations are refused (BHYT documents have none; they enable entity attacks)';
  }
  const badChar = NOT_XML_CHAR.exec(xml);
  if (badChar) {
    const code = badChar[0].codePointAt(0) ?? 0;
    return `character U+${code.toString(16).toUpperCase().padStart(4, '0')} at offset ${badChar.index} is not allowed in XML 1.0`;
  }
  LEXICAL_TOKEN.lastIndex = 0;
  for (let match = LEXICAL_TOKEN.exec(xml); match; match = LEXICAL_TOKEN.exec(xml)) {
    const token = match[0];
    const at = match.index;
    if (token === '&') return `bare "&" at offset ${at}: write it as &amp;`;
    if (token === '<!--') return `comment opened at offset ${at} is never closed`;
    if (token === '<![CDATA[') return `CDATA section opened at offset ${at} is never closed`;
    if (token === '<?') return `processing instruction opened at offset ${at} is never closed`;
    const comment = match[1];
    if (comment !== undefined && (comment.includes('--') || comment.endsWith('-'))) {
      return `comment at offset ${at} contains "--", which XML 1.0 §2.5 forbids`;
    }
    const decimal = match[2];
    const hex = match[3];
    if (decimal !== undefined || hex !== undefined) {
      const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16);
      if (!isXmlCodePoint(code))
        return `character reference ${token} at offset ${at} is not an XML character`;
    }
  }
  return undefined;
}

function isXmlCodePoint(code: number): boolean {
  if (!Number.isSafeInteger(code) || code > 0x10ffff) return false;
  const text = String.fromCodePoint(code);
  return !NOT_XML_CHAR.test(text);
}

/** Iterative walk (no recursion, so depth cannot overflow the stack here). */
function checkTree(document: Document): string | undefined {
  const rootProblem = checkDocumentChildren(document);
  if (rootProblem) return rootProblem;

  const stack: Array<{ node: Node; depth: number }> = [{ node: document.documentElement, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: Node; depth: number };
    if (node.nodeType === NODE_PROCESSING_INSTRUCTION) {
      return `processing instruction <?${node.nodeName}?> inside the document is not supported by this profile`;
    }
    if (node.nodeType !== NODE_ELEMENT) continue;
    if (depth > MAX_ELEMENT_DEPTH) return `elements are nested more than ${MAX_ELEMENT_DEPTH} deep`;
    const element = node as Element;
    if (element.prefix && !element.namespaceURI) {
      return `element <${element.tagName}> uses the undeclared namespace prefix "${element.prefix}"`;
    }
    for (let i = 0; i < element.attributes.length; i++) {
      const attribute = element.attributes.item(i);
      if (attribute?.prefix && attribute.prefix !== 'xmlns' && !attribute.namespaceURI) {
        return `attribute ${attribute.name} on <${element.tagName}> uses the undeclared namespace prefix "${attribute.prefix}"`;
      }
    }
    for (let child = element.firstChild; child; child = child.nextSibling) {
      stack.push({ node: child, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * Around the root only the XML declaration (first), comments and whitespace may appear. Processing
 * instructions are refused everywhere: with `Reference URI=""` xmlsec1 digests those outside the root while
 * xml-crypto does not, so the two would disagree (W3C XML-DSig 1.1, same-document URI-references).
 */
function checkDocumentChildren(document: Document): string | undefined {
  let index = 0;
  for (let child = document.firstChild; child; child = child.nextSibling, index++) {
    switch (child.nodeType) {
      case NODE_ELEMENT:
      case NODE_COMMENT:
        break;
      case NODE_PROCESSING_INSTRUCTION:
        if (child.nodeName === 'xml' && index === 0) break;
        return child.nodeName === 'xml'
          ? 'the XML declaration must be at the very start of the document'
          : `processing instruction <?${child.nodeName}?> is not supported by this profile`;
      case NODE_TEXT:
      case NODE_CDATA:
        if (/^[ \t\r\n]*$/.test((child as CharacterData).data)) break;
        return 'text outside the root element';
      default:
        return `unexpected node of type ${child.nodeType} outside the root element`;
    }
  }
  return undefined;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Buffer.isBuffer(value)) return 'a Buffer (decode it as UTF-8 first)';
  return typeof value;
}

function fail(reason: string): StrictXmlResult {
  return { ok: false, reason };
}
