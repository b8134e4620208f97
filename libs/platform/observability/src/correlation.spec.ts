import type { IncomingMessage, ServerResponse } from 'node:http';
import { correlationIdFor } from './correlation';

function call(header?: string) {
  const set: Record<string, string> = {};
  const req = {
    headers: header === undefined ? {} : { 'x-correlation-id': header },
  } as unknown as IncomingMessage;
  const res = { setHeader: (k: string, v: string) => void (set[k] = v) } as unknown as ServerResponse;
  return { id: correlationIdFor(req, res), echoed: set['x-correlation-id'] };
}

describe('correlation id', () => {
  it('keeps a sane caller id and echoes it', () => {
    expect(call('MSH10-000123')).toEqual({ id: 'MSH10-000123', echoed: 'MSH10-000123' });
  });

  it('replaces a missing or unsafe id with a UUID (no log injection)', () => {
    expect(call().id).toMatch(/^[0-9a-f-]{36}$/);
    expect(call('a\nb').id).toMatch(/^[0-9a-f-]{36}$/);
    expect(call('x'.repeat(200)).id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
