/**
 * Minimal, iterative DOM helpers (xmldom nodes). Iterative so that no document shape can overflow the stack,
 * and without XPath, which is slow on large documents.
 */

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const COMMENT_NODE = 8;
const DOCUMENT_NODE = 9;

/** Every element in document order whose local name matches (any namespace unless one is given). */
export function elementsByLocalName(
  root: Document | Element,
  localName: string,
  namespace?: string,
): Element[] {
  const found: Element[] = [];
  const start = root.nodeType === DOCUMENT_NODE ? (root as Document).documentElement : root;
  if (!start) return found;
  const stack: Node[] = [start];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.nodeType !== ELEMENT_NODE) continue;
    const element = node as Element;
    if (element.localName === localName && (namespace === undefined || element.namespaceURI === namespace)) {
      found.push(element);
    }
    // Push children in reverse so they pop in document order.
    for (let child = element.lastChild; child; child = child.previousSibling) stack.push(child);
  }
  return found;
}

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/**
 * The first `xml:*` attribute (xml:lang, xml:space, xml:base, xml:id) on the element or one of its ancestors.
 *
 * Canonical XML 1.0 copies such attributes from the ancestors onto the apex of a canonicalised subset
 * (C14N 1.0 §2.4), so they would become part of the canonical SignedInfo. xmlsec1 does this; xml-crypto does
 * not, and the two would disagree. BHYT documents never use them, so the signer and verifier refuse them
 * around the signature instead of signing something other tools reject.
 */
export function inheritedXmlAttribute(element: Element): string | undefined {
  for (let node: Element | null = element; node; node = parentElement(node)) {
    for (let i = 0; i < node.attributes.length; i++) {
      const attribute = node.attributes.item(i);
      if (attribute?.namespaceURI === XML_NAMESPACE) return `${attribute.name} on <${node.tagName}>`;
    }
  }
  return undefined;
}

/** The element children of an element, in order. */
export function childElements(element: Element): Element[] {
  const children: Element[] = [];
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) children.push(child as Element);
  }
  return children;
}

/** True when the element has no children other than whitespace-only text. */
export function isEmptyElement(element: Element): boolean {
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === TEXT_NODE && /^[ \t\r\n]*$/.test((child as CharacterData).data)) continue;
    return false;
  }
  return true;
}

/**
 * Text content of an element that may hold only text (and comments, which C14N drops).
 * `undefined` when it has element children, so structure cannot hide in a "text" field.
 */
export function textOnly(element: Element): string | undefined {
  let text = '';
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) {
      text += (child as CharacterData).data;
    } else if (child.nodeType !== COMMENT_NODE) {
      return undefined;
    }
  }
  return text;
}

/** True when the element has any non-whitespace text child (mixed content where only elements belong). */
export function hasNonWhitespaceText(element: Element): boolean {
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (
      (child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) &&
      !/^[ \t\r\n]*$/.test((child as CharacterData).data)
    ) {
      return true;
    }
  }
  return false;
}

/**
 * A positional XPath to the element (`/*[1]/*[3]`). xml-crypto re-parses the same text with the same parser,
 * so the path selects the same element there, and it evaluates in constant time per step, unlike a
 * `//*[local-name()=…]` search over the whole document.
 */
export function positionalXPath(element: Element): string {
  const steps: string[] = [];
  for (let node: Element | null = element; node; node = parentElement(node)) {
    let position = 1;
    for (let sibling = node.previousSibling; sibling; sibling = sibling.previousSibling) {
      if (sibling.nodeType === ELEMENT_NODE) position++;
    }
    steps.push(`*[${position}]`);
  }
  return '/' + steps.reverse().join('/');
}

function parentElement(node: Element): Element | null {
  const parent = node.parentNode;
  return parent && parent.nodeType === ELEMENT_NODE ? (parent as Element) : null;
}
