import { canonicalJson, JcsError } from './jcs';

/** Vectors rebuilt from RFC 8785 (JSON Canonicalization Scheme) §3.2.2, §3.2.3, §3.2.4 and Appendix B. */
describe('canonicalJson (RFC 8785)', () => {
  it('serialises primitives as in the §3.2.2 example', () => {
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`);
    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    expect(canonicalJson(input)).toBe(expected);
  });

  it('encodes the §3.2.2 result to the §3.2.4 UTF-8 bytes (the euro sign as e2 82 ac)', () => {
    const out = canonicalJson({ string: '€$' });
    expect(Buffer.from(out, 'utf8').toString('hex')).toBe('7b22737472696e67223a22e282ac24227d');
  });

  it('sorts property names by UTF-16 code units as in the §3.2.3 example', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    // Read the order from the text: JSON.parse would put the integer-like key "1" first whatever the order.
    const order = [...canonicalJson(input).matchAll(/:"([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    // U+1F600 (surrogates D83D DE00) sorts before U+FB33 by code units, although after it by code points.
    expect(canonicalJson(input)).toContain('"\u{1F600}":"Emoji: Grinning Face","\ufb33":');
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('serialises the IEEE 754 double %s as %s (Appendix B)', (bits, text) => {
    expect(canonicalJson(Buffer.from(bits, 'hex').readDoubleBE(0))).toBe(text);
  });

  it.each([
    ['NaN', '7fffffffffffffff'],
    ['Infinity', '7ff0000000000000'],
  ])('refuses %s (Appendix B: not a JSON number)', (_, bits) => {
    expect(() => canonicalJson([Buffer.from(bits, 'hex').readDoubleBE(0)])).toThrow(JcsError);
  });

  it('sorts nested objects, keeps array order and writes no whitespace', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: [] }, 'x'], a: { d: {}, c: null } })).toBe(
      '{"a":{"c":null,"d":{}},"b":[3,{"a":[],"z":1},"x"]}',
    );
  });

  it('escapes control characters in lower-case hex and keeps other characters as they are', () => {
    expect(canonicalJson('\u0001\b\t\n\f\r\u001f"\\/ é ạ')).toBe(
      '"\\u0001\\b\\t\\n\\f\\r\\u001f\\"\\\\/ é ạ"',
    );
  });

  it('refuses strings and property names with lone surrogates (input must be I-JSON)', () => {
    expect(() => canonicalJson({ a: 'x\ud800' })).toThrow(JcsError);
    expect(() => canonicalJson({ '\udc00': 1 })).toThrow(JcsError);
    expect(canonicalJson('\ud83d\ude00')).toBe('"😀"');
  });

  it('refuses values that are not JSON', () => {
    expect(() => canonicalJson({ at: new Date(0) })).toThrow(JcsError);
    expect(() => canonicalJson([1n])).toThrow(JcsError);
  });
});
