import { childTraceParent, parseTraceParent } from './trace-context';

describe('W3C traceparent', () => {
  const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('parses the example of the specification (section 3.2)', () => {
    expect(parseTraceParent(valid)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentId: '00f067aa0ba902b7',
      flags: '01',
    });
  });

  it('rejects malformed values and all-zero ids', () => {
    expect(parseTraceParent('00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01')).toBeUndefined();
    expect(parseTraceParent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(parseTraceParent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01')).toBeUndefined();
    expect(parseTraceParent('garbage')).toBeUndefined();
    expect(parseTraceParent(undefined)).toBeUndefined();
  });

  it('continues the caller trace with a new span id', () => {
    const child = parseTraceParent(childTraceParent(valid))!;
    expect(child.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(child.parentId).not.toBe('00f067aa0ba902b7');
    expect(child.flags).toBe('01');
  });

  it('starts a new sampled trace when there is no caller', () => {
    const a = parseTraceParent(childTraceParent())!;
    const b = parseTraceParent(childTraceParent(null))!;
    expect(a.traceId).not.toBe(b.traceId);
    expect(a.flags).toBe('01');
  });
});
