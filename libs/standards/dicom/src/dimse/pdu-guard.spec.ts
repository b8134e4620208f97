import { AbortReason, abortPdu, PduGuard, PduType } from './pdu-guard';

/** A PDU as PS3.8 §9.3 lays it out: type, reserved, 32-bit big-endian length, then the variable field. */
const pdu = (type: number, length: number, fill = length): Buffer => {
  const b = Buffer.alloc(6 + fill);
  b[0] = type;
  b.writeUInt32BE(length, 2);
  return b;
};

describe('PduGuard (PS3.8 §9.3 PDU headers, Annex D.1 maximum length)', () => {
  it('follows PDUs split at every byte and several in one chunk', () => {
    const stream = Buffer.concat([
      pdu(PduType.AssociateRq, 300),
      pdu(PduType.DataTf, 1000),
      pdu(PduType.ReleaseRq, 4),
    ]);
    for (let cut = 1; cut < stream.length; cut++) {
      const g = new PduGuard({ maxPduLength: 1000 });
      const a = g.push(stream.subarray(0, cut));
      const b = g.push(stream.subarray(cut));
      expect([...a.completed, ...b.completed]).toEqual([1, 4, 5]);
      expect(a.violation ?? b.violation).toBeUndefined();
    }
  });

  it('accepts a P-DATA-TF of exactly the announced maximum', () => {
    expect(new PduGuard({ maxPduLength: 16_384 }).push(pdu(PduType.DataTf, 16_384))).toEqual({
      completed: [PduType.DataTf],
    });
  });

  it('refuses a P-DATA-TF longer than announced from its header alone, before its body arrives', () => {
    const g = new PduGuard({ maxPduLength: 16_384 });
    const { violation } = g.push(pdu(PduType.DataTf, 0xffff_fff0, 0));
    expect(violation).toEqual({
      reason: AbortReason.InvalidPduParameterValue,
      message: 'PDU type 0x04 of 4294967280 bytes exceeds the maximum of 16384',
    });
    // Nothing more is reported once the association is condemned.
    expect(g.push(pdu(PduType.ReleaseRq, 4))).toEqual({ completed: [] });
  });

  it('caps the other PDUs, whatever the data limit', () => {
    const g = new PduGuard({ maxPduLength: 16 * 1024 * 1024, maxControlPduLength: 65_536 });
    expect(g.push(pdu(PduType.AssociateRq, 65_537, 0)).violation?.reason).toBe(
      AbortReason.InvalidPduParameterValue,
    );
  });

  it('refuses a PDU type PS3.8 does not define (an HTTP request, TLS on a plain port)', () => {
    expect(new PduGuard({ maxPduLength: 1000 }).push(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toEqual({
      completed: [],
      violation: { reason: AbortReason.UnrecognizedPdu, message: 'unknown PDU type 0x47' },
    });
    expect(
      new PduGuard({ maxPduLength: 1000 }).push(Buffer.from([0x16, 0x03, 0x01, 0, 0, 0])).violation,
    ).toMatchObject({ reason: AbortReason.UnrecognizedPdu });
  });

  it('builds the A-ABORT a service provider sends (PS3.8 §9.3.8)', () => {
    expect([...abortPdu(AbortReason.InvalidPduParameterValue)]).toEqual([7, 0, 0, 0, 0, 4, 0, 0, 2, 6]);
  });
});
