import { SIGNATURE_HOLDER } from './profile';

/**
 * Where, in the raw text, the signature goes: inside the last `<CHUKYDONVI>` start tag's element.
 *
 * The signer does not re-serialise the document (spec, vietnam-bhyt-emr.md §1.3: "never re-serialise after
 * signing; keep the exact signed bytes"). Every byte of the caller's XML is kept; the `<ds:Signature>` text is
 * inserted into the empty `CHUKYDONVI`, and a self-closing `<CHUKYDONVI/>` is opened and closed around it.
 * The result parses to exactly the tree that was digested plus the signature, which the enveloped-signature
 * transform removes again (W3C XML-DSig 1.1 §6.6.4).
 *
 * The scan runs only on text that {@link parseStrictXml} accepted, so the simple tokenizer below (comments,
 * CDATA, processing instructions, end tags, start tags with quoted attribute values) is sufficient.
 */

export type SignatureSlot =
  | { readonly ok: true; readonly insert: (signatureXml: string) => string }
  | { readonly ok: false; readonly reason: string };

interface StartTag {
  readonly qualifiedName: string;
  readonly start: number;
  /** Offset just after the closing `>`. */
  readonly end: number;
  readonly selfClosing: boolean;
}

/**
 * @param expectedCount how many `CHUKYDONVI` elements the parsed tree has; the scan must agree, so a
 *   disagreement between this tokenizer and the parser is an error rather than a misplaced signature.
 */
export function findSignatureSlot(xml: string, expectedCount: number): SignatureSlot {
  const tags = holderStartTags(xml);
  if (!tags) return { ok: false, reason: 'could not tokenise the XML to place the signature' };
  if (tags.length !== expectedCount) {
    return {
      ok: false,
      reason: `found ${tags.length} <${SIGNATURE_HOLDER}> start tags in the text but ${expectedCount} in the parsed tree`,
    };
  }
  const last = tags[tags.length - 1];
  if (!last) return { ok: false, reason: `the document has no <${SIGNATURE_HOLDER}> element` };

  const before = xml.slice(0, last.start);
  if (last.selfClosing) {
    // `<CHUKYDONVI/>` or `<CHUKYDONVI a="b" />` → `<CHUKYDONVI>` + signature + `</CHUKYDONVI>`.
    const openTag = xml.slice(last.start, last.end - 2) + '>';
    const after = xml.slice(last.end);
    const closeTag = `</${last.qualifiedName}>`;
    return { ok: true, insert: (signatureXml) => before + openTag + signatureXml + closeTag + after };
  }

  // `<CHUKYDONVI>` [whitespace] `</CHUKYDONVI>`: insert just before the end tag, i.e. as the last child.
  const endTagAt = xml.indexOf('<', last.end);
  const content = endTagAt < 0 ? '' : xml.slice(last.end, endTagAt);
  const endTag = new RegExp(`^</${escapeRegExp(last.qualifiedName)}\\s*>`);
  if (endTagAt < 0 || !/^[ \t\r\n]*$/.test(content) || !endTag.test(xml.slice(endTagAt))) {
    return { ok: false, reason: `<${SIGNATURE_HOLDER}> is not empty` };
  }
  const head = xml.slice(0, endTagAt);
  const tail = xml.slice(endTagAt);
  return { ok: true, insert: (signatureXml) => head + signatureXml + tail };
}

/** Start tags whose local name is CHUKYDONVI, in text order; `undefined` if the text cannot be tokenised. */
function holderStartTags(xml: string): StartTag[] | undefined {
  const found: StartTag[] = [];
  let at = xml.indexOf('<');
  while (at >= 0) {
    let next: number;
    if (xml.startsWith('<!--', at)) next = after(xml, '-->', at + 4);
    else if (xml.startsWith('<![CDATA[', at)) next = after(xml, ']]>', at + 9);
    else if (xml.startsWith('<?', at)) next = after(xml, '?>', at + 2);
    else if (xml.startsWith('</', at)) next = after(xml, '>', at + 2);
    else if (xml.startsWith('<!', at)) return undefined;
    else {
      const tag = readStartTag(xml, at);
      if (!tag) return undefined;
      if (localName(tag.qualifiedName) === SIGNATURE_HOLDER) found.push(tag);
      next = tag.end;
    }
    if (next < 0) return undefined;
    at = xml.indexOf('<', next);
  }
  return found;
}

function readStartTag(xml: string, start: number): StartTag | undefined {
  const name = /[^\s/>]+/y;
  name.lastIndex = start + 1;
  const match = name.exec(xml);
  if (!match) return undefined;
  // Find the closing `>`, skipping quoted attribute values (which may contain `>`).
  for (let i = name.lastIndex; i < xml.length; i++) {
    const ch = xml[i];
    if (ch === '"' || ch === "'") {
      const close = xml.indexOf(ch, i + 1);
      if (close < 0) return undefined;
      i = close;
    } else if (ch === '>') {
      return { qualifiedName: match[0], start, end: i + 1, selfClosing: xml[i - 1] === '/' };
    }
  }
  return undefined;
}

function after(xml: string, terminator: string, from: number): number {
  const at = xml.indexOf(terminator, from);
  return at < 0 ? -1 : at + terminator.length;
}

function localName(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(':');
  return colon < 0 ? qualifiedName : qualifiedName.slice(colon + 1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
