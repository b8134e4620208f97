import { leafText, parseXml, type XmlElement } from './parse';

function root(xml: string): XmlElement {
  const result = parseXml(xml);
  if (!result.ok) throw new Error(`${result.code}: ${result.reason}`);
  return result.root;
}

function code(xml: string, options = {}): string {
  const result = parseXml(xml, options);
  return result.ok ? 'OK' : result.code;
}

/** Runs `fn` and returns its duration in ms. */
function timed(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

describe('parseXml: well-formed input', () => {
  it('reads elements, text, entities, character references and CDATA', () => {
    const r = root(
      '<?xml version="1.0" encoding="utf-8"?><A x="1 &amp; 2"><B>a&lt;b&gt;&amp;&quot;&apos;&#13;&#x1F600;</B><C/><D><![CDATA[<raw> & ]]>tail</D></A>',
    );
    expect(r.name).toBe('A');
    expect(r.attributes.get('x')).toBe('1 & 2');
    const [b, c, d] = r.children as XmlElement[];
    expect(leafText(b)).toBe(`a<b>&"'\r😀`);
    expect(c.children).toEqual([]);
    expect(leafText(d)).toBe('<raw> & tail');
  });

  it('accepts a BOM, comments, processing instructions, whitespace and CR LF (normalised to LF)', () => {
    const r = root(
      '\uFEFF<?xml version="1.0"?>\r\n<!-- c --><?pi data?>\r\n<A>\r\n x<!-- y -->z</A>\n<!-- after -->\n',
    );
    expect(r.children).toEqual(['\n xz']);
  });

  it('keeps Vietnamese text', () => {
    expect(leafText(root('<A>Nguyễn Thị Hồng Nhung – Đỗ</A>'))).toBe('Nguyễn Thị Hồng Nhung – Đỗ');
  });
});

describe('parseXml: hostile or broken input is a failure, never an exception', () => {
  it.each([
    ['', 'MALFORMED_XML'],
    ['garbage', 'MALFORMED_XML'],
    ['<A>', 'MALFORMED_XML'],
    ['<A><B>x</B>', 'MALFORMED_XML'],
    ['<A><B>x</A>', 'MALFORMED_XML'],
    ['<A></B>', 'MALFORMED_XML'],
    ['<A/><B/>', 'MALFORMED_XML'],
    ['<A/>text', 'MALFORMED_XML'],
    ['<A x=1/>', 'MALFORMED_XML'],
    ['<A x="1" x="2"/>', 'MALFORMED_XML'],
    ['<A x="<"/>', 'MALFORMED_XML'],
    ['<A x="1"y="2"/>', 'MALFORMED_XML'],
    ['<A>&foo;</A>', 'MALFORMED_XML'],
    ['<A>a & b</A>', 'MALFORMED_XML'],
    ['<A>&#0;</A>', 'MALFORMED_XML'],
    ['<A>&#xD800;</A>', 'MALFORMED_XML'],
    ['<A>&#x110000;</A>', 'MALFORMED_XML'],
    ['<A>\u0001</A>', 'MALFORMED_XML'],
    ['<A>]]></A>', 'MALFORMED_XML'],
    ['<A><!-- a -- b --></A>', 'MALFORMED_XML'],
    ['<A><!-- open', 'MALFORMED_XML'],
    ['<A><![CDATA[open', 'MALFORMED_XML'],
    ['<A><?xml version="1.0"?></A>', 'MALFORMED_XML'],
    ['<1A/>', 'MALFORMED_XML'],
    ['<Tên/>', 'MALFORMED_XML'],
    ['<?xml version="1.0" encoding="windows-1258"?><A/>', 'NOT_UTF8'],
    ['<!DOCTYPE A [<!ENTITY x "xxxxxxxx">]><A>&x;</A>', 'DOCTYPE_NOT_ALLOWED'],
    ['<A><!ENTITY x "y"></A>', 'MALFORMED_XML'],
  ])('%j → %s', (xml, expected) => {
    expect(code(xml)).toBe(expected);
  });

  it('rejects a non-string', () => {
    expect(code(undefined as unknown as string)).toBe('MALFORMED_XML');
    expect(code(42 as unknown as string)).toBe('MALFORMED_XML');
  });

  it('limits nesting depth and size', () => {
    expect(code('<a>'.repeat(33) + '</a>'.repeat(33))).toBe('TOO_DEEP');
    expect(code('<a>'.repeat(32) + '</a>'.repeat(32))).toBe('OK');
    expect(code('<a>'.repeat(10) + '</a>'.repeat(10), { maxDepth: 5 })).toBe('TOO_DEEP');
    expect(code('<A>0123456789</A>', { maxLength: 10 })).toBe('TOO_LARGE');
  });

  it('stays linear on pathological input (no hang)', () => {
    const cases = [
      '<a>'.repeat(200_000),
      '<a>'.repeat(100_000) + '</a>'.repeat(100_000),
      '<'.repeat(1_000_000),
      '<a ' + 'x="1" '.repeat(100_000) + '/>',
      '<a ' + 'x'.repeat(1_000_000),
      '<a>' + '&amp;'.repeat(500_000) + '</a>',
      '<a>' + '&'.repeat(500_000) + '</a>',
      '<a>' + '<!--x-->'.repeat(200_000) + '</a>',
      '<a><!--' + '-'.repeat(1_000_000),
      '<a>' + '<b/>'.repeat(200_000) + '</a>',
      '<a>' + '<?p ?>'.repeat(200_000) + '</a>',
      '<a>' + ']]'.repeat(500_000) + '</a>',
      '<a x="' + '&#x41;'.repeat(200_000) + '"/>',
    ];
    for (const xml of cases) {
      let result: ReturnType<typeof parseXml> | undefined;
      const ms = timed(() => {
        result = parseXml(xml);
      });
      expect(result).toBeDefined();
      expect(ms).toBeLessThan(2000);
    }
  });
});
