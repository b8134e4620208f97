import { buildMultipart, mediaTypeParameters, MultipartError, parseMultipart } from './multipart';

describe('multipart/related', () => {
  it('round-trips binary parts with their headers', () => {
    const a = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]);
    const b = Buffer.from('second part');
    const { body, contentType } = buildMultipart(
      [
        { headers: { 'Content-Type': 'application/dicom' }, body: a },
        { headers: { 'Content-Type': 'application/dicom' }, body: b },
      ],
      'application/dicom',
    );
    expect(mediaTypeParameters(contentType)).toMatchObject({
      mediaType: 'multipart/related',
      params: { type: 'application/dicom' },
    });
    const parts = parseMultipart(body, contentType);
    expect(parts.map((p) => p.headers['content-type'])).toEqual(['application/dicom', 'application/dicom']);
    expect(parts[0].body.equals(a)).toBe(true);
    expect(parts[1].body.toString()).toBe('second part');
  });

  it('reads a quoted boundary, a preamble and a part without headers', () => {
    const body = Buffer.from('preamble\r\n--b;1\r\n\r\nbare\r\n--b;1--\r\n');
    const parts = parseMultipart(body, 'multipart/related; boundary="b;1"; type="application/dicom"');
    expect(parts).toEqual([{ headers: {}, body: Buffer.from('bare') }]);
  });

  it('refuses other media types, a missing boundary and an unterminated body', () => {
    expect(() => parseMultipart(Buffer.alloc(0), 'application/dicom')).toThrow(MultipartError);
    expect(() => parseMultipart(Buffer.alloc(0), 'multipart/related')).toThrow(/boundary/);
    expect(() => parseMultipart(Buffer.from('--x\r\n\r\nno end'), 'multipart/related; boundary=x')).toThrow(
      /closing delimiter/,
    );
  });
});
