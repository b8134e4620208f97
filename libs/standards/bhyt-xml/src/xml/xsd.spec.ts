import { S } from '../layout/field-builders';
import { layoutById, tableDef } from '../layout/versions';
import { envelopeXsd, fieldElement, tableXsd } from './xsd';
import { parseXml } from './parse';

const layout = layoutById('QD1804');

describe('tableXsd', () => {
  it('is well-formed XML with the elements in layout order', () => {
    for (const id of ['XML0', 'XML1', 'XML2', 'XML3', 'XML4', 'XML13', 'XML15'] as const) {
      const def = tableDef(layout, id);
      const xsd = tableXsd(def);
      expect(parseXml(xsd).ok).toBe(true);
      const declared = [...xsd.matchAll(/<xs:element name="([A-Z_0-9]+)"/g)].map((m) => m[1]);
      const structure = def.list ? [def.root, def.list, def.record] : [def.root];
      expect(declared).toEqual([
        ...structure,
        ...def.fields.map((f) => f.name),
        ...(def.signatureSlot ? ['CHUKYDONVI'] : []),
      ]);
    }
  });

  it('lets the check-in CHUKYDONVI hold a signature (xs:any lax) and repeats the record element', () => {
    const xsd = tableXsd(tableDef(layout, 'XML0'));
    expect(xsd).toContain('<xs:element name="CHUKYDONVI" type="SignatureSlot"/>');
    expect(xsd).toContain(
      '<xs:any namespace="##any" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>',
    );
    expect(xsd).toContain('<xs:element name="TRANG_THAI_KCB" maxOccurs="unbounded">');
  });

  it('writes each field as a string type with width, emptiness, format, pattern and codes', () => {
    const field = (id: 'XML1' | 'XML2' | 'XML3', name: string) =>
      fieldElement(tableDef(layout, id).fields.find((f) => f.name === name)!);
    expect(field('XML1', 'MA_LK')).toBe(
      '<xs:element name="MA_LK"><xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="100"/><xs:minLength value="1"/></xs:restriction></xs:simpleType></xs:element>',
    );
    expect(field('XML1', 'DU_PHONG')).toBe('<xs:element name="DU_PHONG" type="xs:string"/>');
    expect(field('XML1', 'T_THUOC')).toContain('<xs:pattern value="[0-9]+(\\.[0-9]{1,2})?"/>');
    expect(field('XML2', 'SO_LUONG')).toContain('<xs:pattern value="[0-9]+(\\.[0-9]{1,3})?"/>');
    expect(field('XML1', 'NGAY_TTOAN')).toContain(
      '<xs:pattern value="([0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])([01][0-9]|2[0-3])[0-5][0-9])?"/>',
    );
    expect(field('XML1', 'MA_KHUVUC')).toContain('<xs:enumeration value=""/><xs:enumeration value="K1"/>');
    expect(field('XML1', 'GIOI_TINH')).not.toContain('<xs:enumeration value=""/>');
    expect(field('XML1', 'MA_BENH_KT')).toContain('<xs:pattern value="(([^;]+)(;([^;]+)){0,11})?"/>');
    // A value with two constraints gets two derivation steps (patterns in one step would be OR-ed).
    expect(field('XML3', 'MA_GIUONG')).toContain(
      '<xs:restriction base="xs:string"><xs:pattern value="(([HTCK][0-9]{3})(;([HTCK][0-9]{3}))*)?"/>',
    );
    expect(
      fieldElement({ ...S('X', 12, { format: 'date' }), pattern: { regex: '20[0-9]+', rule: 'r' } }),
    ).toBe(
      '<xs:element name="X"><xs:simpleType><xs:restriction><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="([0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01]))?"/></xs:restriction></xs:simpleType><xs:pattern value="(20[0-9]+)?"/><xs:maxLength value="12"/></xs:restriction></xs:simpleType></xs:element>',
    );
  });

  it('escapes code-list values used in patterns', () => {
    const xml12 = tableDef(layout, 'XML12');
    const element = fieldElement(xml12.fields.find((f) => f.name === 'MA_DOI_TUONG')!);
    expect(element).toContain('BB|BHXH1L|BNN|CĐHH');
  });
});

describe('envelopeXsd', () => {
  it('describes GIAMDINHHS with the LOAIHOSO the layout allows', () => {
    const xsd = envelopeXsd();
    expect(parseXml(xsd).ok).toBe(true);
    expect(xsd).toContain('<xs:enumeration value="XML15"/>');
    expect(xsd).not.toContain('<xs:enumeration value="XML12"/>');
    expect(xsd).toContain('base="xs:base64Binary"');
    expect(envelopeXsd(layoutById('QD130'))).not.toContain('XML13');
  });
});
