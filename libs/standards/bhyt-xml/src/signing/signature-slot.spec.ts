import { findSignatureSlot } from './signature-slot';

const SIG = '<ds:Signature/>';

function insert(xml: string, count: number): string {
  const slot = findSignatureSlot(xml, count);
  if (!slot.ok) throw new Error(slot.reason);
  return slot.insert(SIG);
}

describe('findSignatureSlot', () => {
  it('opens a self-closing CHUKYDONVI around the signature', () => {
    expect(insert('<R><CHUKYDONVI/></R>', 1)).toBe(`<R><CHUKYDONVI>${SIG}</CHUKYDONVI></R>`);
    expect(insert('<R><CHUKYDONVI a="/>" /></R>', 1)).toBe(`<R><CHUKYDONVI a="/>" >${SIG}</CHUKYDONVI></R>`);
    expect(insert('<R><p:CHUKYDONVI xmlns:p="u"/></R>', 1)).toBe(
      `<R><p:CHUKYDONVI xmlns:p="u">${SIG}</p:CHUKYDONVI></R>`,
    );
  });

  it('inserts before the end tag of an empty or whitespace-only CHUKYDONVI', () => {
    expect(insert('<R><CHUKYDONVI></CHUKYDONVI></R>', 1)).toBe(`<R><CHUKYDONVI>${SIG}</CHUKYDONVI></R>`);
    expect(insert('<R><CHUKYDONVI>\r\n  </CHUKYDONVI ></R>', 1)).toBe(
      `<R><CHUKYDONVI>\r\n  ${SIG}</CHUKYDONVI ></R>`,
    );
  });

  it('uses the last CHUKYDONVI start tag and ignores look-alikes in comments, CDATA and attributes', () => {
    const xml =
      "<R a='<CHUKYDONVI/>'><CHUKYDONVI/><!-- <CHUKYDONVI/> --><![CDATA[<CHUKYDONVI/>]]><?x <CHUKYDONVI/>?>" +
      '<CHUKYDONVIX/><CHUKYDONVI/></R>';
    expect(insert(xml, 2)).toBe(xml.replace(/<CHUKYDONVI\/><\/R>$/, `<CHUKYDONVI>${SIG}</CHUKYDONVI></R>`));
  });

  it('fails when the text and the parsed tree disagree, or the element is not empty', () => {
    expect(findSignatureSlot('<R><CHUKYDONVI/></R>', 2).ok).toBe(false);
    expect(findSignatureSlot('<R/>', 0).ok).toBe(false);
    expect(findSignatureSlot('<R><CHUKYDONVI>x</CHUKYDONVI></R>', 1).ok).toBe(false);
    expect(findSignatureSlot('<R><CHUKYDONVI><A/></CHUKYDONVI></R>', 1).ok).toBe(false);
    expect(findSignatureSlot('<R><CHUKYDONVI a="unterminated></R>', 1).ok).toBe(false);
  });
});
