import { Hl7PathError, parseHl7Path } from './path';

describe('parseHl7Path', () => {
  it.each([
    ['PID', { segment: 'PID', occurrence: 1 }],
    ['PID-5', { segment: 'PID', occurrence: 1, field: 5 }],
    ['PID-5-1', { segment: 'PID', occurrence: 1, field: 5, component: 1 }],
    ['PID.5.1', { segment: 'PID', occurrence: 1, field: 5, component: 1 }],
    ['PID-5.1', { segment: 'PID', occurrence: 1, field: 5, component: 1 }],
    ['PID-11-1-2', { segment: 'PID', occurrence: 1, field: 11, component: 1, subcomponent: 2 }],
    ['OBX[2]-5', { segment: 'OBX', occurrence: 2, field: 5 }],
    ['PID-3(2)-1', { segment: 'PID', occurrence: 1, field: 3, repetition: 2, component: 1 }],
    [
      'ZPV[3]-2(4)-5-6',
      { segment: 'ZPV', occurrence: 3, field: 2, repetition: 4, component: 5, subcomponent: 6 },
    ],
  ])('%s', (path, expected) => {
    expect(parseHl7Path(path)).toMatchObject(expected);
  });

  it.each(['pid-5', 'PID-', 'PID-x', 'PID-5-1-2-3', 'PI-5', 'PID[0]-1', 'PID-0', 'PID-3(0)', ''])(
    'rejects %j',
    (path) => {
      expect(() => parseHl7Path(path)).toThrow(Hl7PathError);
    },
  );
});
