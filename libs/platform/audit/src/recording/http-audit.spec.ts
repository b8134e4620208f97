import { classifyHttp } from './http-audit';

const base = { params: {}, query: {} };

describe('classifyHttp', () => {
  it('reads a patient by :id on /patients/:id', () => {
    expect(classifyHttp({ ...base, method: 'GET', route: '/patients/:id', params: { id: 'p-1' } })).toEqual({
      action: 'R',
      eventType: '110110',
      what: 'GET /patients/:id',
      entityType: 'patients',
      entityId: 'p-1',
      patientId: 'p-1',
    });
  });

  it('treats a GET without a route parameter as a query (E, DICOM 110112), with the patientId query parameter', () => {
    expect(
      classifyHttp({ ...base, method: 'GET', route: '/encounters', query: { patientId: 'p-2' } }),
    ).toMatchObject({ action: 'E', eventType: '110112', entityType: 'encounters', patientId: 'p-2' });
  });

  it('creates on POST (201) and takes the new id and the patient from the response', () => {
    expect(
      classifyHttp({ ...base, method: 'POST', route: '/patients', body: { id: 'p-3', fullName: 'A' } }),
    ).toMatchObject({ action: 'C', eventType: '110110', entityId: 'p-3', patientId: 'p-3' });
    expect(
      classifyHttp({ ...base, method: 'POST', route: '/orders', body: { id: 'o-1', patientId: 'p-4' } }),
    ).toMatchObject({ action: 'C', entityType: 'orders', entityId: 'o-1', patientId: 'p-4' });
  });

  it('updates on a POST command that declares 200, on PUT and PATCH; deletes on DELETE', () => {
    const cmd = { ...base, route: '/procedures/:id/cancel', params: { id: 'x-1' } };
    expect(classifyHttp({ ...cmd, method: 'POST', declaredStatus: 200 })).toMatchObject({
      action: 'U',
      eventType: 'rest',
      entityType: 'procedures',
      entityId: 'x-1',
    });
    expect(classifyHttp({ ...cmd, method: 'POST', route: '/sync', declaredStatus: 202 })).toMatchObject({
      action: 'E',
    });
    expect(classifyHttp({ ...cmd, method: 'PUT' }).action).toBe('U');
    expect(classifyHttp({ ...cmd, method: 'PATCH' }).action).toBe('U');
    expect(classifyHttp({ ...cmd, method: 'DELETE' }).action).toBe('D');
  });

  it('prefers the patientId route parameter; a sub-resource id on /patients is not the patient', () => {
    expect(
      classifyHttp({
        ...base,
        method: 'GET',
        route: '/patients/:patientId/documents/:id',
        params: { patientId: 'p-5', id: 'd-1' },
      }),
    ).toMatchObject({ patientId: 'p-5', entityType: 'patients', entityId: 'p-5' });
  });

  it('records reading the audit trail as DICOM 110101 Audit Log Used', () => {
    expect(classifyHttp({ ...base, method: 'GET', route: '/audit/events' })).toMatchObject({
      action: 'E',
      eventType: '110101',
      entityType: 'audit/events',
    });
  });

  it('ignores response bodies that are not plain JSON objects', () => {
    expect(
      classifyHttp({ ...base, method: 'GET', route: '/orders', body: [{ patientId: 'p-6' }] }).patientId,
    ).toBeUndefined();
  });
});
