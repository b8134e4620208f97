import { isTransientInfrastructureError, MalformedEventError, PermanentEventError } from './errors';

describe('error classification', () => {
  it('treats database unavailability and lost races as transient', () => {
    expect(isTransientInfrastructureError(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isTransientInfrastructureError(Object.assign(new Error('x'), { code: '40P01' }))).toBe(true);
    expect(isTransientInfrastructureError(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(
      isTransientInfrastructureError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isTransientInfrastructureError(new Error('Connection terminated unexpectedly'))).toBe(true);
    // pg-pool, when no connection could be had in time (the server is down or saturated).
    expect(isTransientInfrastructureError(new Error('timeout exceeded when trying to connect'))).toBe(true);
    // TypeORM wraps the driver error.
    expect(isTransientInfrastructureError({ message: 'query failed', driverError: { code: '40001' } })).toBe(
      true,
    );
  });

  it('treats the event own faults as permanent', () => {
    expect(isTransientInfrastructureError(Object.assign(new Error('dup'), { code: '23505' }))).toBe(false);
    expect(isTransientInfrastructureError(new Error('bad value'))).toBe(false);
    expect(new MalformedEventError('x')).toBeInstanceOf(PermanentEventError);
    expect(new MalformedEventError('x').name).toBe('MalformedEventError');
  });
});
