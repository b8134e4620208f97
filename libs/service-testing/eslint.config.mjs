import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // This library is test support: it builds on the harness in @hosp/testing.
  { files: ['src/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
];
