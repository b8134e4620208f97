import { MAX_ELEMENT_DEPTH, parseStrictXml } from './strict-xml';

function reasonOf(xml: unknown, maxLength?: number): string {
  const result = parseStrictXml(xml, { maxLength });
  if (result.ok) throw new Error('expected a failure');
  return result.reason;
}

describe('parseStrictXml', () => {
  it('parses a well-formed document with a declaration, comments, CDATA and references', () => {
    const result = parseStrictXml(
      '\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<!-- c --><R a="&lt;&#233;&#x1EA1;">' +
        '<![CDATA[a & b < c]]>Hoà &amp; &quot;x&quot;</R>\n<!-- tail -->\n',
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.document.documentElement.getAttribute('a')).toBe('<éạ');
    expect(result.document.documentElement.textContent).toBe('a & b < cHoà & "x"');
  });

  it.each([
    ['DOCTYPE', '<!DOCTYPE r><r/>', /DOCTYPE/],
    ['an ENTITY declaration', '<r><!ENTITY x "y"></r>', /DOCTYPE and ENTITY/],
    ['a control character', '<r>\u0001</r>', /U\+0001/],
    ['a lone surrogate', '<r>\uD800</r>', /U\+D800/],
    ['a character reference to a control character', '<r>&#1;</r>', /&#1;/],
    ['a character reference beyond Unicode', '<r>&#x110000;</r>', /not an XML character/],
    ['a bare ampersand', '<r>Nội & Hồi sức</r>', /bare "&"/],
    ['an undefined entity', '<r>&nbsp;</r>', /bare "&"/],
    ['an unterminated comment', '<r><!-- x </r>', /never closed/],
    ['an unterminated CDATA section', '<r><![CDATA[ x </r>', /never closed/],
    ['"--" inside a comment', '<r><!-- a -- b --></r>', /"--"/],
    ['mismatched tags', '<r><a></b></r>', /not well-formed/],
    ['an unclosed element', '<r><a></r>', /not well-formed/],
    ['a duplicate attribute', '<r a="1" a="2"/>', /not well-formed/],
    ['two root elements', '<r/><s/>', /not well-formed/],
    ['text after the root', '<r/>text', /outside the root/],
    ['no root element', '<!-- only a comment -->', /no root element/],
    ['an unbound element prefix', '<p:r/>', /undeclared namespace prefix "p"/],
    ['an unbound attribute prefix', '<r q:a="1"/>', /undeclared namespace prefix "q"/],
    ['a processing instruction inside', '<r><?php echo 1 ?></r>', /processing instruction/],
    ['a processing instruction outside', '<?xml-stylesheet href="a"?><r/>', /processing instruction/],
    ['a late XML declaration', ' <?xml version="1.0"?><r/>', /very start/],
    [
      'nesting deeper than the limit',
      '<a>'.repeat(MAX_ELEMENT_DEPTH + 1) + '</a>'.repeat(MAX_ELEMENT_DEPTH + 1),
      /nested/,
    ],
    ['an empty string', '', /empty/],
  ])('refuses %s', (_name, xml, reason) => {
    expect(reasonOf(xml)).toMatch(reason);
  });

  it('refuses input that is not a string, or too long', () => {
    expect(reasonOf(Buffer.from('<r/>'))).toMatch(/Buffer/);
    expect(reasonOf(undefined)).toMatch(/undefined/);
    expect(reasonOf('<r>' + 'x'.repeat(100) + '</r>', 50)).toMatch(/over the limit of 50/);
  });

  it('accepts nesting at the limit', () => {
    const xml = '<a>'.repeat(MAX_ELEMENT_DEPTH) + '</a>'.repeat(MAX_ELEMENT_DEPTH);
    expect(parseStrictXml(xml).ok).toBe(true);
  });
});
